/*
 * Referrals to a shared unit, on both engines (src/domain/referral.c,
 * src/policy/referral.c, the referral hook of src/policy/policy.c as
 * src/domain/case.c feeds it): DOMAIN.md R3.2 and R3.3 as a matrix. Every
 * role of two member municipalities (Bjuv, Klippan) and of the host
 * (Helsingborg, with the family-peace centre's and the interpreter
 * service's shared staff) is asked about cases without a referral, with a
 * pending, declined or accepted one, resting on a consent given, withdrawn,
 * expired or asked of the person, or on a statutory ground; and finally
 * with the agreement ended. Each answer is the one the rules give, and
 * each access by the host's staff is in the audit log with the agreement
 * and the legal basis.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>
#include <stdio.h>
#include <time.h>

#include "domain/access.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/journal.h"
#include "domain/message.h"
#include "domain/referral.h"
#include "domain/tenant.h"
#include "fixture.h"
#include "policy/referral.h"

/* The cases of the matrix, one per situation. */
enum situation {
	S_NONE,	     /* no referral */
	S_PENDING,   /* consent given, not answered yet */
	S_DECLINED,  /* declined with a reason */
	S_CONSENT,   /* accepted, consent given in a meeting */
	S_WITHDRAWN, /* accepted, consent withdrawn by the person */
	S_EXPIRED,   /* accepted, consent's period over */
	S_ASKED,     /* accepted, consent asked of the person, not given */
	S_STATUTORY, /* accepted, a statutory ground */
	S_KLIPPAN,   /* Klippan's case, accepted with consent */
	S_COUNT
};
static const char *const situation_name[S_COUNT] = {
    "none",    "pending", "declined",  "consent", "withdrawn",
    "expired", "asked",	  "statutory", "klippan"};

/* Accepted and valid: the centre reads the disclosed parts. */
static int open_for_centre(enum situation s)
{
	return s == S_CONSENT || s == S_STATUTORY || s == S_KLIPPAN;
}

struct world {
	struct test_db t;
	struct arena a;
	int64_t now;
	int64_t bjuv, klippan, helsingborg, centre_unit, interpreter_unit;
	int64_t agreement;
	int64_t case_id[S_COUNT], referral_id[S_COUNT], person_id[S_COUNT];
	char pnr[S_COUNT][13];
};

static int setup(void **state, const char *engine)
{
	struct world *w = calloc(1, sizeof(*w));
	if (w == NULL || test_db_open(&w->t, engine, "referral") != 0)
		return -1;
	w->now = (int64_t)time(NULL);
	if (demo_fill(w->t.db, 0, NULL, NULL) != NARA_OK)
		return -1;
	arena_init(&w->a, 0);
	*state = w;
	return 0;
}
static int setup_sqlite(void **state)
{
	return setup(state, "sqlite");
}
static int setup_pg(void **state)
{
	return setup(state, "pg");
}
static int teardown(void **state)
{
	struct world *w = *state;
	test_db_close(&w->t);
	arena_free(&w->a);
	free(w);
	return 0;
}

static void staff(struct world *w, const char *username, struct actor *out)
{
	int64_t id = 0;
	assert_int_equal(db_query_int(w->t.db, &id,
				      "SELECT id FROM staff_user WHERE"
				      " username = ?",
				      "s", username),
			 NARA_OK);
	assert_int_equal(access_load_staff(w->t.db, &w->a, id, out), NARA_OK);
}

/* A case in the municipality's children-and-families unit, for a person of
 * it without protected identity (a different person per case). */
static void new_case(struct world *w, int64_t municipality_id, int k,
		     enum situation s)
{
	struct db *db = w->t.db;
	int64_t unit = 0, person = 0;
	assert_int_equal(
	    unit_id_by_slug(db, municipality_id, "barn-och-familj", &unit),
	    NARA_OK);
	struct db_stmt *st;
	assert_int_equal(db_prepare(db,
				    "SELECT id, personnummer FROM person WHERE"
				    " municipality_id = ? AND"
				    " protected_identity = 0 ORDER BY id",
				    &st),
			 NARA_OK);
	db_bind_int(st, 1, municipality_id);
	for (int i = 0; i <= k; i++)
		assert_int_equal(db_step(st), DB_ROW);
	person = db_col_int(st, 0);
	snprintf(w->pnr[s], sizeof(w->pnr[s]), "%s", db_col_text(st, 1));
	db_done(st);
	assert_int_equal(db_begin(db), NARA_OK);
	struct case_new c = {.municipality_id = municipality_id,
			     .unit_id = unit,
			     .person_id = person,
			     .kind = CASE_APPLICATION,
			     .matter = "support",
			     .received_at = w->now - 3600,
			     .actor_kind = "system",
			     .actor_label = "test"};
	const char *ref;
	assert_int_equal(case_create_in_tx(db, &w->a, &c, &w->case_id[s], &ref),
			 NARA_OK);
	int64_t note;
	assert_int_equal(
	    journal_insert_in_tx(db, w->case_id[s], municipality_id,
				 w->now - 3000, "staff", 0, "Handläggare",
				 "note", "Samtal om våld i hemmet", VIS_NOW, 0,
				 WITHHELD_NONE, 0, &note),
	    NARA_OK);
	assert_int_equal(
	    journal_insert_in_tx(db, w->case_id[s], municipality_id,
				 w->now - 2000, "staff", 0, "Handläggare",
				 "note", "Uppgift om grannen", VIS_WITHHELD, 0,
				 WITHHELD_THIRD_PARTY, 0, &note),
	    NARA_OK);
	assert_int_equal(db_commit(db), NARA_OK);
	w->person_id[s] = person;
}

static int64_t refer(struct world *w, const struct actor *officer,
		     enum situation s)
{
	struct referral_new n = {
	    .case_id = w->case_id[s],
	    .unit_id = w->centre_unit,
	    .asked = "Stödsamtal för vuxen som utsatts för våld",
	    .parts = PART_IDENTITY | PART_CONTACT | PART_MATTER | PART_JOURNAL,
	    .basis = s == S_STATUTORY ? BASIS_STATUTORY : BASIS_CONSENT,
	    .consent_mode =
		s == S_ASKED ? CONSENT_ASK_PERSON : CONSENT_GIVEN_IN_MEETING,
	    .consent_until = w->now + 90 * 86400,
	    .ground = s == S_STATUTORY ? "osl_10_2" : NULL,
	    .ground_note = "Skyddsbehov",
	};
	int64_t id = 0;
	const char *why = NULL;
	enum nara_err err =
	    referral_create(w->t.db, &w->a, officer, &n, w->now, &id, &why);
	if (err != NARA_OK)
		fail_msg("refer %s: %d %s %s", situation_name[s], err,
			 why ? why : "", db_errmsg(w->t.db));
	assert_true(id > 0);
	return id;
}

static int64_t last_audit(struct db *db)
{
	int64_t id = 0;
	assert_int_equal(audit_last_id(db, &id), NARA_OK);
	return id;
}

/* The newest audit row: its action, agreement, reason, flag. */
struct row {
	char action[64], reason[400];
	int64_t agreement_id, municipality_id;
	int flagged;
};
static void newest(struct db *db, struct row *r)
{
	struct db_stmt *st;
	assert_int_equal(db_prepare(db,
				    "SELECT action, COALESCE(agreement_id, 0),"
				    " COALESCE(reason, ''), flagged,"
				    " COALESCE(municipality_id, 0)"
				    " FROM audit_log ORDER BY id DESC LIMIT 1",
				    &st),
			 NARA_OK);
	assert_int_equal(db_step(st), DB_ROW);
	snprintf(r->action, sizeof(r->action), "%s", db_col_text(st, 0));
	r->agreement_id = db_col_int(st, 1);
	snprintf(r->reason, sizeof(r->reason), "%s", db_col_text(st, 2));
	r->flagged = (int)db_col_int(st, 3);
	r->municipality_id = db_col_int(st, 4);
	db_done(st);
}

static const char *const roles[] = {"handlaggare",  "handlaggare2",
				    "forstalinjen", "teamledare",
				    "admin",	    "sakerhet"};
enum { NROLES = sizeof(roles) / sizeof(roles[0]) };

/* The whole world: the cases and their referrals in every situation. */
static void build(struct world *w)
{
	struct db *db = w->t.db;
	assert_int_equal(municipality_id_by_slug(db, "bjuv", &w->bjuv),
			 NARA_OK);
	assert_int_equal(municipality_id_by_slug(db, "klippan", &w->klippan),
			 NARA_OK);
	assert_int_equal(
	    municipality_id_by_slug(db, "helsingborg", &w->helsingborg),
	    NARA_OK);
	assert_int_equal(unit_id_by_slug(db, w->helsingborg,
					 "familjefridscenter", &w->centre_unit),
			 NARA_OK);
	assert_int_equal(unit_id_by_slug(db, w->helsingborg,
					 "digital-tolktjanst",
					 &w->interpreter_unit),
			 NARA_OK);
	assert_int_equal(agreement_in_force(db, w->centre_unit, w->bjuv, w->now,
					    &w->agreement),
			 NARA_OK);
	struct actor bjuv_officer, klippan_officer, centre;
	staff(w, "bjuv.handlaggare", &bjuv_officer);
	staff(w, "klippan.handlaggare", &klippan_officer);
	staff(w, "helsingborg.familjefridscenter", &centre);
	for (int s = 0; s < S_COUNT; s++)
		new_case(w, s == S_KLIPPAN ? w->klippan : w->bjuv, s,
			 (enum situation)s);
	const char *why;
	for (int s = S_PENDING; s < S_COUNT; s++) {
		w->referral_id[s] =
		    refer(w, s == S_KLIPPAN ? &klippan_officer : &bjuv_officer,
			  (enum situation)s);
		if (s == S_PENDING)
			continue;
		assert_int_equal(referral_answer(db, &centre, w->referral_id[s],
						 s != S_DECLINED,
						 "Vi har ingen plats just nu",
						 w->now, &why),
				 NARA_OK);
	}
	/* The person withdraws on Mina sidor; the other consent runs out. */
	struct actor person;
	access_citizen(w->pnr[S_WITHDRAWN], &person);
	struct consent_view *cv;
	size_t n;
	assert_int_equal(consent_list_own(db, &w->a, &person, w->now, &cv, &n),
			 NARA_OK);
	assert_int_equal(n, 1);
	assert_string_equal(cv[0].status, "given");
	assert_string_equal(cv[0].unit_name, "Familjefridscenter");
	assert_string_equal(cv[0].host_name, "Helsingborg");
	assert_int_equal(consent_withdraw_own(db, &person, cv[0].id, w->now),
			 NARA_OK);
	assert_int_equal(
	    db_run(db,
		   "UPDATE consent SET valid_until = ? WHERE id ="
		   " (SELECT consent_id FROM referral WHERE id = ?)",
		   "ii", w->now - 1, w->referral_id[S_EXPIRED]),
	    NARA_OK);
}

/* May this actor read the whole case (the case page)? */
static int full_read_expected(const char *municipality, const char *role,
			      enum situation s)
{
	const char *owner = s == S_KLIPPAN ? "klippan" : "bjuv";
	return strcmp(municipality, owner) == 0 &&
	       (strcmp(role, "handlaggare") == 0 ||
		strcmp(role, "teamledare") == 0);
}

static void test_the_matrix(void **state)
{
	struct world *w = *state;
	struct db *db = w->t.db;
	build(w);
	const char *places[] = {"bjuv", "klippan", "helsingborg"};
	/* The host's own roles and the municipalities' roles: the case page. */
	for (size_t p = 0; p < 3; p++)
		for (size_t r = 0; r < NROLES; r++) {
			char username[64];
			snprintf(username, sizeof(username), "%s.%s", places[p],
				 roles[r]);
			struct actor who;
			staff(w, username, &who);
			for (int s = 0; s < S_COUNT; s++) {
				struct case_view v;
				enum nara_err err = case_read(
				    db, &w->a, &who, w->case_id[s], w->now, &v);
				int want = full_read_expected(
				    places[p], roles[r], (enum situation)s);
				if ((err == NARA_OK) != want)
					fail_msg("%s reads %s case: %d",
						 username, situation_name[s],
						 err);
				struct row row;
				newest(db, &row);
				assert_string_equal(
				    row.action, want ? "read" : "read_denied");
				assert_int_equal(row.agreement_id, 0);
				/* Nobody of these reaches a referral. */
				if (s != S_NONE) {
					struct referral_file f;
					const char *why;
					assert_int_equal(
					    referral_read(db, &w->a, &who,
							  w->referral_id[s],
							  w->now, &f, &why),
					    NARA_ENOTFOUND);
					/* The attempt is logged, flagged. */
					newest(db, &row);
					assert_string_equal(row.action,
							    "read_denied");
					assert_int_equal(row.flagged, 1);
					assert_null(f.r.asked);
					assert_int_equal(
					    referral_note(
						db, &who, w->referral_id[s],
						"En anteckning", w->now,
						&(int64_t){0}, &why),
					    NARA_ENOTFOUND);
				}
			}
		}

	/* The family-peace centre's shared staff. */
	struct actor centre, interpreter;
	staff(w, "helsingborg.familjefridscenter", &centre);
	staff(w, "helsingborg.digital-tolktjanst", &interpreter);
	for (int s = 0; s < S_COUNT; s++) {
		/* Never the whole file, referral or not. */
		struct case_view v;
		assert_int_equal(
		    case_read(db, &w->a, &centre, w->case_id[s], w->now, &v),
		    NARA_EDENIED);
		struct row row;
		newest(db, &row);
		assert_string_equal(row.action, "read_denied");
		assert_int_equal(row.flagged, 1);
		/* ...nor a note through the ordinary journal. */
		struct journal_new jn = {.case_id = w->case_id[s],
					 .body = "Vid sidan av remissen",
					 .visibility = VIS_NOW};
		int64_t jid;
		const char *jwhy;
		assert_int_equal(
		    journal_add(db, &centre, &jn, w->now, &jid, &jwhy),
		    NARA_EDENIED);
		if (open_for_centre((enum situation)s)) {
			assert_int_equal(row.agreement_id, w->agreement);
			assert_non_null(strstr(row.reason, "referral "));
		}
		if (s == S_NONE)
			continue;
		struct referral_file f;
		const char *why = NULL;
		int64_t before = last_audit(db);
		enum nara_err err = referral_read(
		    db, &w->a, &centre, w->referral_id[s], w->now, &f, &why);
		newest(db, &row);
		assert_true(last_audit(db) == before + 1);
		assert_int_equal(row.agreement_id, w->agreement);
		char basis[96];
		if (s == S_STATUTORY)
			snprintf(basis, sizeof(basis),
				 "referral %lld, statutory ground OSL 10 kap."
				 " 2 §",
				 (long long)w->referral_id[s]);
		else
			snprintf(basis, sizeof(basis),
				 "referral %lld, consent ",
				 (long long)w->referral_id[s]);
		if (strstr(row.reason, basis) == NULL)
			fail_msg("%s: reason %s", situation_name[s],
				 row.reason);
		/* The record stays the responsible committee's. */
		assert_int_equal(row.municipality_id,
				 s == S_KLIPPAN ? w->klippan : w->bjuv);
		int64_t note = 0;
		enum nara_err werr = referral_note(
		    db, &centre, w->referral_id[s], "Första stödsamtalet hölls",
		    w->now, &note, &why);
		if (open_for_centre((enum situation)s)) {
			assert_int_equal(err, NARA_OK);
			assert_true(f.open);
			assert_string_equal(row.action, "read");
			/* Exactly the disclosed parts: no decisions asked. */
			assert_string_equal(f.personnummer, w->pnr[s]);
			assert_non_null(f.reference);
			assert_null(f.decisions);
			/* Journal: only what the person may read. */
			int seen = 0;
			for (size_t i = 0; i < f.nnotes; i++) {
				assert_null(strstr(f.notes[i].body, "grannen"));
				seen |= strstr(f.notes[i].body,
					       "våld i hemmet") != NULL;
			}
			assert_true(seen);
			assert_int_equal(werr, NARA_OK);
			newest(db, &row);
			assert_string_equal(row.action, "create");
			assert_int_equal(row.agreement_id, w->agreement);
			/* Stamped, and the committee's record. */
			struct db_stmt *st;
			assert_int_equal(
			    db_prepare(db,
				       "SELECT author_label, municipality_id"
				       " FROM journal_note WHERE id = ?",
				       &st),
			    NARA_OK);
			db_bind_int(st, 1, note);
			assert_int_equal(db_step(st), DB_ROW);
			const char *want = s == S_KLIPPAN
					       ? "Skrivet för Klippans kommun"
						 " enligt Avtal om gemensamt"
						 " familjefridscenter, version"
						 " 1"
					       : "Skrivet för Bjuvs kommun"
						 " enligt Avtal om gemensamt"
						 " familjefridscenter, version"
						 " 1";
			if (strstr(db_col_text(st, 0), want) == NULL)
				fail_msg("label %s", db_col_text(st, 0));
			assert_int_equal(db_col_int(st, 1),
					 s == S_KLIPPAN ? w->klippan : w->bjuv);
			db_done(st);
		} else if (s == S_PENDING || s == S_DECLINED) {
			/* What is asked and by whom; nothing personal. */
			assert_int_equal(err, NARA_OK);
			assert_false(f.open);
			assert_null(f.personnummer);
			assert_null(f.given_name);
			assert_int_equal(f.nnotes, 0);
			assert_string_equal(f.r.asked,
					    "Stödsamtal för vuxen som utsatts"
					    " för våld");
			assert_string_equal(f.r.municipality_name, "Bjuv");
			assert_string_equal(row.action, "read");
			assert_int_equal(werr, NARA_EDENIED);
		} else {
			/* Withdrawn, expired, not given: closed at once. */
			assert_int_equal(err, NARA_EDENIED);
			assert_null(f.personnummer);
			assert_string_equal(row.action, "read_denied");
			assert_int_equal(row.flagged, 1);
			assert_string_equal(
			    why, s == S_WITHDRAWN ? "ref.closed.withdrawn"
				 : s == S_EXPIRED ? "ref.closed.expired"
						  : "ref.closed.no_consent");
			assert_int_equal(werr, NARA_EDENIED);
		}
		/* The interpreter service is another shared unit: nothing. */
		assert_int_equal(referral_read(db, &w->a, &interpreter,
					       w->referral_id[s], w->now, &f,
					       &why),
				 NARA_ENOTFOUND);
	}

	/* A consent asked of the person opens the door when they give it. */
	struct actor person;
	access_citizen(w->pnr[S_ASKED], &person);
	struct consent_view *cv;
	size_t n;
	assert_int_equal(consent_list_own(db, &w->a, &person, w->now, &cv, &n),
			 NARA_OK);
	assert_int_equal(n, 1);
	assert_string_equal(cv[0].status, "requested");
	/* They were told (the text: tests/integration/referral.test.mjs). */
	struct db_stmt *nst;
	assert_int_equal(db_prepare(db,
				    "SELECT body FROM notice_job WHERE"
				    " person_id = ?",
				    &nst),
			 NARA_OK);
	db_bind_int(nst, 1, w->person_id[S_ASKED]);
	int notices = 0;
	while (db_step(nst) == DB_ROW) {
		notices++;
		assert_null(strstr(db_col_text(nst, 0), "amiljefrid"));
	}
	db_done(nst);
	assert_true(notices >= 1);
	/* Someone else cannot give it for them. */
	struct actor stranger;
	access_citizen(w->pnr[S_CONSENT], &stranger);
	assert_int_equal(consent_give_own(db, &stranger, cv[0].id, w->now),
			 NARA_ENOTFOUND);
	assert_int_equal(consent_give_own(db, &person, cv[0].id, w->now),
			 NARA_OK);
	struct referral_file f;
	const char *why;
	assert_int_equal(referral_read(db, &w->a, &centre,
				       w->referral_id[S_ASKED], w->now, &f,
				       &why),
			 NARA_OK);
	assert_true(f.open);
	/* A withdrawn consent cannot be given again. */
	access_citizen(w->pnr[S_WITHDRAWN], &person);
	assert_int_equal(consent_list_own(db, &w->a, &person, w->now, &cv, &n),
			 NARA_OK);
	assert_string_equal(cv[0].status, "withdrawn");
	assert_int_equal(consent_give_own(db, &person, cv[0].id, w->now),
			 NARA_ECONFLICT);

	/* R3.3: a move the agreement does not delegate is refused, named. */
	const char *mwhy = NULL;
	struct case_move m = {.action = CA_CLOSE,
			      .reason = "Stödet är avslutat"};
	assert_int_equal(case_move(db, &centre, w->case_id[S_CONSENT], &m,
				   w->now, &mwhy, NULL),
			 NARA_EDENIED);
	assert_string_equal(mwhy, "ref.error.not_delegated");
	struct row row;
	newest(db, &row);
	assert_string_equal(row.action, "write_denied");
	assert_int_equal(row.agreement_id, w->agreement);
	if (strstr(row.reason, "Avtalet ”Avtal om gemensamt"
			       " familjefridscenter” (version 1) ger inte"
			       " rätt att fatta det beslutet för Bjuvs"
			       " kommun") == NULL)
		fail_msg("reason %s", row.reason);
	/* A delegated move passes the agreement (the flow answers next). */
	m.action = CA_DECIDE;
	assert_int_not_equal(case_move(db, &centre, w->case_id[S_CONSENT], &m,
				       w->now, &mwhy, NULL),
			     NARA_EDENIED);
	/* The municipality's own officer is not bound by the agreement. */
	struct actor bjuv_officer;
	staff(w, "bjuv.handlaggare", &bjuv_officer);
	m.action = CA_CLOSE;
	assert_int_equal(case_move(db, &bjuv_officer, w->case_id[S_NONE], &m,
				   w->now, &mwhy, NULL),
			 NARA_OK);

	/* The agreement ends: every door closes at once. */
	assert_int_equal(db_run(db,
				"UPDATE agreement SET valid_to = ?"
				" WHERE id = ?",
				"ii", w->now - 1, w->agreement),
			 NARA_OK);
	assert_int_equal(referral_read(db, &w->a, &centre,
				       w->referral_id[S_STATUTORY], w->now, &f,
				       &why),
			 NARA_EDENIED);
	assert_string_equal(why, "ref.closed.agreement");
	/* And nothing new is referred under it. */
	struct referral_new rn = {.case_id = w->case_id[S_NONE],
				  .unit_id = w->centre_unit,
				  .asked = "Stöd",
				  .parts = PART_IDENTITY,
				  .basis = BASIS_STATUTORY,
				  .ground = "osl_10_2"};
	int64_t rid;
	assert_int_equal(
	    referral_create(db, &w->a, &bjuv_officer, &rn, w->now, &rid, &why),
	    NARA_ENOTFOUND);
	assert_string_equal(why, "ref.error.no_agreement");
}

/* Who may refer, and what a referral must say. */
static void test_referring(void **state)
{
	struct world *w = *state;
	struct db *db = w->t.db;
	assert_int_equal(municipality_id_by_slug(db, "bjuv", &w->bjuv),
			 NARA_OK);
	assert_int_equal(
	    municipality_id_by_slug(db, "helsingborg", &w->helsingborg),
	    NARA_OK);
	assert_int_equal(unit_id_by_slug(db, w->helsingborg,
					 "familjefridscenter", &w->centre_unit),
			 NARA_OK);
	new_case(w, w->bjuv, 0, S_NONE);
	struct referral_new n = {.case_id = w->case_id[S_NONE],
				 .unit_id = w->centre_unit,
				 .asked = "Stöd",
				 .parts = PART_IDENTITY,
				 .basis = BASIS_CONSENT,
				 .consent_mode = CONSENT_GIVEN_IN_MEETING,
				 .consent_until = w->now + 86400};
	int64_t id;
	const char *why;
	struct actor first_line, lead, other_unit, klippan;
	staff(w, "bjuv.forstalinjen", &first_line);
	staff(w, "bjuv.teamledare", &lead);
	staff(w, "bjuv.handlaggare2", &other_unit);
	staff(w, "klippan.handlaggare", &klippan);
	assert_int_equal(
	    referral_create(db, &w->a, &first_line, &n, w->now, &id, &why),
	    NARA_EDENIED);
	assert_int_equal(
	    referral_create(db, &w->a, &other_unit, &n, w->now, &id, &why),
	    NARA_EDENIED);
	assert_int_equal(
	    referral_create(db, &w->a, &klippan, &n, w->now, &id, &why),
	    NARA_EDENIED);
	/* Each missing part named. */
	struct referral_new bad = n;
	bad.asked = "  ";
	assert_int_equal(
	    referral_create(db, &w->a, &lead, &bad, w->now, &id, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "ref.error.asked");
	bad = n;
	bad.parts = 0;
	assert_int_equal(
	    referral_create(db, &w->a, &lead, &bad, w->now, &id, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "ref.error.parts");
	bad = n;
	bad.consent_until = w->now - 1;
	assert_int_equal(
	    referral_create(db, &w->a, &lead, &bad, w->now, &id, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "ref.error.until");
	bad = n;
	bad.basis = BASIS_STATUTORY;
	bad.ground = "made_up";
	assert_int_equal(
	    referral_create(db, &w->a, &lead, &bad, w->now, &id, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "ref.error.ground");
	/* Not a shared unit. */
	bad = n;
	assert_int_equal(unit_id_by_slug(db, w->bjuv, "vuxen", &bad.unit_id),
			 NARA_OK);
	assert_int_equal(
	    referral_create(db, &w->a, &lead, &bad, w->now, &id, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "ref.error.unit");
	int64_t count = -1;
	assert_int_equal(
	    db_query_int(db, &count, "SELECT COUNT(*) FROM referral", ""),
	    NARA_OK);
	assert_int_equal(count, 0); /* nothing half-written */
	assert_int_equal(
	    db_query_int(db, &count, "SELECT COUNT(*) FROM consent", ""),
	    NARA_OK);
	assert_int_equal(count, 0);
	assert_int_equal(
	    referral_create(db, &w->a, &lead, &n, w->now, &id, &why), NARA_OK);
	/* The officer's list, and the answer once only; decline needs why. */
	struct referral_view *list;
	size_t k;
	assert_int_equal(referral_list_for_case(db, &w->a, &lead,
						w->case_id[S_NONE], w->now,
						&list, &k),
			 NARA_OK);
	assert_int_equal(k, 1);
	assert_string_equal(list[0].status, "pending");
	struct actor centre;
	staff(w, "helsingborg.familjefridscenter", &centre);
	assert_int_equal(referral_inbox(db, &w->a, &centre, w->now, &list, &k),
			 NARA_OK);
	assert_int_equal(k, 1);
	assert_string_equal(list[0].municipality_name, "Bjuv");
	assert_int_equal(referral_inbox(db, &w->a, &lead, w->now, &list, &k),
			 NARA_EDENIED);
	assert_int_equal(referral_answer(db, &centre, id, 0, " ", w->now, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "ref.error.reason");
	assert_int_equal(
	    referral_answer(db, &centre, id, 1, NULL, w->now, &why), NARA_OK);
	assert_int_equal(
	    referral_answer(db, &centre, id, 0, "Nej", w->now, &why),
	    NARA_ECONFLICT);

	/*
	 * Ending it (R3.2): not by another municipality's officer or the
	 * first line (refused, flagged), not from another case's page, not
	 * without a reason; the team lead ends it and the centre's next read
	 * is shut; it does not end twice.
	 */
	int64_t case_id = w->case_id[S_NONE];
	struct referral_file f;
	assert_int_equal(
	    referral_read(db, &w->a, &centre, id, w->now, &f, &why), NARA_OK);
	assert_true(f.open);
	struct row row;
	assert_int_equal(
	    referral_end(db, &klippan, 0, id, "Klart", w->now, &why),
	    NARA_EDENIED);
	newest(db, &row);
	assert_string_equal(row.action, "write_denied");
	assert_int_equal(row.flagged, 1);
	assert_int_equal(
	    referral_end(db, &first_line, case_id, id, "Klart", w->now, &why),
	    NARA_EDENIED);
	assert_int_equal(
	    referral_end(db, &lead, case_id + 1000, id, "Klart", w->now, &why),
	    NARA_ENOTFOUND);
	assert_int_equal(
	    referral_end(db, &lead, case_id, id, " ", w->now, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "ref.error.end_reason");
	assert_int_equal(referral_end(db, &lead, case_id, id, "Stödet är klart",
				      w->now, &why),
			 NARA_OK);
	newest(db, &row);
	assert_string_equal(row.action, "referral.end");
	assert_true(row.agreement_id > 0);
	assert_int_equal(row.flagged, 0);
	assert_int_equal(
	    referral_read(db, &w->a, &centre, id, w->now, &f, &why),
	    NARA_EDENIED);
	assert_string_equal(why, "ref.closed.ended");
	assert_int_equal(referral_end(db, &centre, 0, id, "Igen", w->now, &why),
			 NARA_ECONFLICT);
	assert_string_equal(why, "ref.error.ended");
	assert_int_equal(referral_list_for_case(db, &w->a, &lead, case_id,
						w->now, &list, &k),
			 NARA_OK);
	assert_string_equal(list[0].status, "ended");
	assert_string_equal(list[0].end_reason, "Stödet är klart");

	/* On a statutory ground the centre ends it itself when done. */
	struct referral_new st = n;
	st.basis = BASIS_STATUTORY;
	st.ground = "osl_10_2";
	st.ground_note = "Skydd";
	int64_t id2;
	assert_int_equal(
	    referral_create(db, &w->a, &lead, &st, w->now, &id2, &why),
	    NARA_OK);
	/* Not before it has accepted it. */
	assert_int_equal(
	    referral_end(db, &centre, 0, id2, "Klart", w->now, &why),
	    NARA_EDENIED);
	assert_int_equal(
	    referral_answer(db, &centre, id2, 1, NULL, w->now, &why), NARA_OK);
	assert_int_equal(
	    referral_read(db, &w->a, &centre, id2, w->now, &f, &why), NARA_OK);
	assert_int_equal(
	    referral_end(db, &centre, 0, id2, "Arbetet är klart", w->now, &why),
	    NARA_OK);
	assert_int_equal(
	    referral_read(db, &w->a, &centre, id2, w->now + 1, &f, &why),
	    NARA_EDENIED);

	/* Taken back before an answer: the centre can no longer answer. */
	int64_t id3;
	assert_int_equal(
	    referral_create(db, &w->a, &lead, &st, w->now, &id3, &why),
	    NARA_OK);
	assert_int_equal(
	    referral_end(db, &lead, case_id, id3, "Fel enhet", w->now, &why),
	    NARA_OK);
	assert_int_equal(
	    referral_answer(db, &centre, id3, 1, NULL, w->now, &why),
	    NARA_ECONFLICT);
	assert_string_equal(why, "ref.error.ended");
}

/* The pure rule, case by case. */
static void test_the_rule(void **state)
{
	(void)state;
	struct referral_facts f = {.status = REF_ACCEPTED,
				   .basis = BASIS_CONSENT,
				   .consent_given = 1,
				   .consent_until = 100,
				   .consent_scope = 3,
				   .parts = 1,
				   .agreement_in_force = 1};
	assert_int_equal(referral_access(&f, 50), REFERRAL_OPEN);
	assert_int_equal(referral_access(&f, 100), REFERRAL_EXPIRED);
	f.parts = 4;
	assert_int_equal(referral_access(&f, 50), REFERRAL_OUT_OF_SCOPE);
	f.parts = 1;
	f.consent_withdrawn = 40;
	assert_int_equal(referral_access(&f, 50), REFERRAL_WITHDRAWN);
	f.consent_withdrawn = 0;
	f.consent_given = 0;
	assert_int_equal(referral_access(&f, 50), REFERRAL_NO_CONSENT);
	f.consent_given = 1;
	f.status = REF_PENDING;
	assert_int_equal(referral_access(&f, 50), REFERRAL_NOT_ACCEPTED);
	f.status = REF_DECLINED;
	assert_int_equal(referral_access(&f, 50), REFERRAL_DECLINED);
	f.status = REF_ACCEPTED;
	f.agreement_in_force = 0;
	assert_int_equal(referral_access(&f, 50), REFERRAL_NO_AGREEMENT);
	f.agreement_in_force = 1;
	f.basis = BASIS_STATUTORY;
	f.consent_given = 0;
	f.ground_known = 1;
	assert_int_equal(referral_access(&f, 500), REFERRAL_OPEN);
	/* Ended: shut from that instant, on a statutory ground too. */
	f.ended_at = 600;
	assert_int_equal(referral_access(&f, 599), REFERRAL_OPEN);
	assert_int_equal(referral_access(&f, 600), REFERRAL_ENDED);
	f.status = REF_PENDING;
	assert_int_equal(referral_access(&f, 600), REFERRAL_ENDED);
	f.agreement_in_force = 0;
	assert_int_equal(referral_access(&f, 600), REFERRAL_NO_AGREEMENT);
	f.agreement_in_force = 1;
	f.status = REF_ACCEPTED;
	f.ended_at = 0;
	f.ground_known = 0;
	assert_int_equal(referral_access(&f, 500), REFERRAL_NO_GROUND);
	assert_non_null(referral_ground_find("osl_10_2"));
	assert_null(referral_ground_find("osl"));
}

/*
 * R4.4 at the family-peace centre: where the person stays is recorded and
 * read by the centre alone; no message or note, by the centre or by the
 * responsible committee, may carry it or the person's own address once the
 * centre has the case; the audit rows say that, not where.
 */
static void test_family_peace_whereabouts(void **state)
{
	struct world *w = *state;
	struct db *db = w->t.db;
	assert_int_equal(municipality_id_by_slug(db, "bjuv", &w->bjuv),
			 NARA_OK);
	assert_int_equal(
	    municipality_id_by_slug(db, "helsingborg", &w->helsingborg),
	    NARA_OK);
	assert_int_equal(unit_id_by_slug(db, w->helsingborg,
					 "familjefridscenter", &w->centre_unit),
			 NARA_OK);
	new_case(w, w->bjuv, 0, S_CONSENT);
	struct actor lead, centre, interpreter;
	staff(w, "bjuv.teamledare", &lead);
	staff(w, "helsingborg.familjefridscenter", &centre);
	staff(w, "helsingborg.digital-tolktjanst", &interpreter);
	int64_t id = refer(w, &lead, S_CONSENT);
	int64_t case_id = w->case_id[S_CONSENT];
	const char *why = NULL;
	/* The person's own address, not marked: the committee may write it
	 * until the centre has the case. */
	char own[200];
	struct db_stmt *st;
	assert_int_equal(
	    db_prepare(db, "SELECT address FROM person WHERE id = ?", &st),
	    NARA_OK);
	db_bind_int(st, 1, w->person_id[S_CONSENT]);
	assert_int_equal(db_step(st), DB_ROW);
	snprintf(own, sizeof(own), "Hembesök på %s", db_col_text(st, 0));
	db_done(st);
	assert_true(strlen(own) > 14);
	int64_t mid = 0, note = 0;
	struct message_new m = {.case_id = case_id, .body = own};
	assert_int_equal(message_post(db, &w->a, &lead, &m, w->now, &mid, &why),
			 NARA_OK);
	assert_int_equal(
	    referral_answer(db, &centre, id, 1, NULL, w->now, &why), NARA_OK);
	/* Accepted: the centre's norm holds for the person from now on. */
	assert_int_equal(message_post(db, &w->a, &lead, &m, w->now, &mid, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "msg.error.whereabouts");

	struct whereabouts_new where = {.address = "Skyddsvägen 7",
					.postal_code = "254 40",
					.phone = "070-999 88 77",
					.note = "Skyddat boende via centret"};
	/* Only the centre records it; bad input named. */
	assert_int_equal(
	    referral_whereabouts_record(db, &lead, id, &where, w->now, &why),
	    NARA_ENOTFOUND);
	assert_int_equal(referral_whereabouts_record(db, &interpreter, id,
						     &where, w->now, &why),
			 NARA_ENOTFOUND);
	struct whereabouts_new bad = where;
	bad.address = " ";
	assert_int_equal(
	    referral_whereabouts_record(db, &centre, id, &bad, w->now, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "ref.error.where_address");
	assert_int_equal(
	    referral_whereabouts_record(db, &centre, id, &where, w->now, &why),
	    NARA_OK);
	struct row r;
	newest(db, &r);
	assert_string_equal(r.action, "create");
	assert_int_equal(r.municipality_id, w->bjuv);
	assert_true(r.agreement_id > 0);
	assert_null(strstr(r.reason, "Skyddsvägen"));

	/* The centre reads it on its referral; the read says so. */
	struct referral_file f;
	assert_int_equal(
	    referral_read(db, &w->a, &centre, id, w->now, &f, &why), NARA_OK);
	assert_true(f.family_peace);
	assert_true(f.where.present);
	assert_string_equal(f.where.address, "Skyddsvägen 7");
	newest(db, &r);
	assert_non_null(strstr(r.reason, "; whereabouts"));

	/* Nobody writes it anywhere it would leave the centre. */
	assert_int_equal(referral_note(db, &centre, id,
				       "Flyttat till skyddsvägen 7 i dag",
				       w->now, &note, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "ref.error.whereabouts");
	struct journal_new j = {.case_id = case_id,
				.body = "Postnummer 25440 enligt centret",
				.visibility = VIS_NOW};
	assert_int_equal(journal_add(db, &lead, &j, w->now, &note, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "journal.error.whereabouts");
	m.body = "Ring henne på +46 70 999 88 77";
	assert_int_equal(message_post(db, &w->a, &lead, &m, w->now, &mid, &why),
			 NARA_EINVAL);
	struct actor person;
	access_citizen(w->pnr[S_CONSENT], &person);
	m.body = "Jag bor nu på Skyddsvägen 7";
	assert_int_equal(
	    message_post(db, &w->a, &person, &m, w->now, &mid, &why),
	    NARA_EINVAL);
	/* Ordinary work goes on. */
	assert_int_equal(referral_note(db, &centre, id,
				       "Första stödsamtalet genomfört.", w->now,
				       &note, &why),
			 NARA_OK);

	/* Consent withdrawn: the centre can no longer record or read. */
	int64_t consent = 0;
	assert_int_equal(db_query_int(db, &consent,
				      "SELECT consent_id FROM referral"
				      " WHERE id = ?",
				      "i", id),
			 NARA_OK);
	assert_int_equal(consent_withdraw_own(db, &person, consent, w->now),
			 NARA_OK);
	assert_int_equal(referral_whereabouts_record(db, &centre, id, &where,
						     w->now + 1, &why),
			 NARA_EDENIED);
	assert_int_equal(
	    referral_read(db, &w->a, &centre, id, w->now + 1, &f, &why),
	    NARA_EDENIED);
	assert_false(f.where.present);
}

#define EACH(setup_fn)                                                         \
	{                                                                      \
		cmocka_unit_test_setup_teardown(test_the_matrix, setup_fn,     \
						teardown),                     \
		    cmocka_unit_test_setup_teardown(test_referring, setup_fn,  \
						    teardown),                 \
		    cmocka_unit_test_setup_teardown(                           \
			test_family_peace_whereabouts, setup_fn, teardown),    \
	}

int main(void)
{
	const struct CMUnitTest pure[] = {cmocka_unit_test(test_the_rule)};
	const struct CMUnitTest sqlite_tests[] = EACH(setup_sqlite);
	const struct CMUnitTest pg_tests[] = EACH(setup_pg);
	int failed =
	    cmocka_run_group_tests_name("referral/rule", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("referral/sqlite", sqlite_tests,
					      NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("referral/postgresql",
						      pg_tests, NULL, NULL);
	return failed;
}
