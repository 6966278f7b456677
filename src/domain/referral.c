/*
 * Referrals and consents; see referral.h. The legal decision is made in
 * src/policy/referral.c (is the basis valid now?) and src/policy/policy.c
 * (may this staff member read this record, given the referral's unit?);
 * here the facts are loaded, the work done and the audit row written, in
 * one transaction per action.
 */
#include "domain/referral.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/journal.h"
#include "domain/notify.h"
#include "domain/tenant.h"
#include "domain/whereabouts.h"
#include "policy/policy.h"

enum { REFERRALS_MAX = 200, CASE_REFERRALS_MAX = 50 };

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = arena_strdup(a, db_col_text(st, i));
	return s ? s : "";
}

static int is_staff(const struct actor *who)
{
	return who->subject.kind == SUBJECT_STAFF;
}

static int text_ok(const char *s, size_t max)
{
	if (s == NULL)
		return 0;
	size_t len = strlen(s);
	if (len == 0 || len > max || !utf8_valid(s, len))
		return 0;
	for (const char *p = s; *p; p++)
		if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
			return 1;
	return 0;
}

/* ---- the facts of one referral, and the grant they give ---- */

struct ref_row {
	int64_t id, case_id, municipality_id, unit_id, consent_id;
	unsigned parts;
	struct referral_facts facts;
	const char *ground;
	const char *consent_status;
};

static const char *consent_state(const struct referral_facts *f, int64_t now)
{
	if (f->consent_withdrawn != 0)
		return "withdrawn";
	if (!f->consent_given)
		return "requested";
	if (now >= f->consent_until)
		return "expired";
	return "given";
}

/* Reads the referral columns r.id .. r.ended_at at col 0..13 into row. */
static void fill_ref_row(struct db_stmt *st, struct arena *a, int64_t now,
			 struct ref_row *row)
{
	memset(row, 0, sizeof(*row));
	row->id = db_col_int(st, 0);
	row->case_id = db_col_int(st, 1);
	row->municipality_id = db_col_int(st, 2);
	row->unit_id = db_col_int(st, 3);
	const char *status = db_col_text(st, 4);
	row->facts.status = strcmp(status, "accepted") == 0   ? REF_ACCEPTED
			    : strcmp(status, "declined") == 0 ? REF_DECLINED
							      : REF_PENDING;
	row->facts.basis = strcmp(db_col_text(st, 5), "statutory") == 0
			       ? BASIS_STATUTORY
			       : BASIS_CONSENT;
	row->consent_id = db_col_int(st, 6);
	row->ground = col(a, st, 7);
	row->facts.ground_known = referral_ground_find(row->ground) != NULL;
	row->parts = (unsigned)db_col_int(st, 8);
	row->facts.parts = row->parts;
	row->facts.consent_given = strcmp(db_col_text(st, 9), "given") == 0;
	row->facts.consent_until = db_col_int(st, 10);
	row->facts.consent_withdrawn = db_col_int(st, 11);
	row->facts.consent_scope = (unsigned)db_col_int(st, 12);
	row->facts.ended_at = db_col_int(st, 13);
	row->consent_status = row->facts.basis == BASIS_CONSENT
				  ? consent_state(&row->facts, now)
				  : "";
}

#define REF_COLUMNS                                                            \
	"r.id, r.case_id, r.municipality_id, r.unit_id, r.status, r.basis,"    \
	" COALESCE(r.consent_id, 0), r.ground, r.parts, COALESCE(c.status,"    \
	" ''), COALESCE(c.valid_until, 0), COALESCE(c.withdrawn_at, 0),"       \
	" COALESCE(c.scope, 0), COALESCE(r.ended_at, 0)"

/* The grant one referral row gives at now: the agreement asked now. */
static enum nara_err grant_of(struct db *db, struct arena *a,
			      const struct ref_row *row, int64_t now,
			      struct referral_grant *g)
{
	memset(g, 0, sizeof(*g));
	g->referral_id = row->id;
	g->unit_id = row->unit_id;
	g->consent_id = row->consent_id;
	g->parts = row->parts;
	g->agreement_name = "";
	g->municipality_name = "";
	struct referral_facts f = row->facts;
	enum nara_err err = agreement_in_force(
	    db, row->unit_id, row->municipality_id, now, &g->agreement_id);
	if (err == NARA_ENOTFOUND) {
		g->agreement_id = 0;
		err = NARA_OK;
	}
	if (err != NARA_OK)
		return err;
	f.agreement_in_force = g->agreement_id != 0;
	g->access = referral_access(&f, now);
	if (row->facts.basis == BASIS_CONSENT)
		g->basis_text =
		    arena_printf(a, "referral %" PRId64 ", consent %" PRId64,
				 row->id, row->consent_id);
	else {
		const struct referral_ground *gr =
		    referral_ground_find(row->ground);
		g->basis_text =
		    arena_printf(a, "referral %" PRId64 ", statutory ground %s",
				 row->id, gr ? gr->law : row->ground);
	}
	if (g->basis_text == NULL)
		return NARA_ENOMEM;
	struct db_stmt *st;
	err = db_prepare(db,
			 "SELECT m.name, COALESCE(a.name, ''),"
			 " COALESCE(a.version, 0) FROM municipality m"
			 " LEFT JOIN agreement a ON a.id = ?"
			 " WHERE m.id = ?",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, g->agreement_id);
	db_bind_int(st, 2, row->municipality_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		g->municipality_name = col(a, st, 0);
		g->agreement_name = col(a, st, 1);
		g->agreement_version = db_col_int(st, 2);
	}
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

static enum nara_err load_ref(struct db *db, struct arena *a,
			      int64_t referral_id, int64_t now,
			      struct ref_row *row)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(db,
				       "SELECT " REF_COLUMNS
				       " FROM referral r LEFT JOIN consent c"
				       " ON c.id = r.consent_id WHERE r.id = ?",
				       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, referral_id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		fill_ref_row(st, a, now, row);
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

enum nara_err referral_grant_in_tx(struct db *db, struct arena *a,
				   const struct actor *who, int64_t case_id,
				   int64_t municipality_id, int64_t now,
				   struct referral_grant *g)
{
	(void)municipality_id;
	memset(g, 0, sizeof(*g));
	if (!is_staff(who))
		return NARA_OK;
	/* Only staff of a shared unit are ever let in by a referral. */
	if (!policy_holds_role(&who->subject, ROLE_SHARED_SERVICE))
		return NARA_OK;
	struct ref_row rows[CASE_REFERRALS_MAX];
	size_t n = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT " REF_COLUMNS " FROM referral r LEFT JOIN consent c"
	    " ON c.id = r.consent_id WHERE r.case_id = ? ORDER BY r.id",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW && n < CASE_REFERRALS_MAX) {
		fill_ref_row(st, a, now, &rows[n]);
		if (policy_holds_in_unit(&who->subject, ROLE_SHARED_SERVICE,
					 rows[n].unit_id))
			n++;
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	/* The first referral that is open now; else the latest, to say why. */
	for (size_t i = 0; i < n; i++) {
		err = grant_of(db, a, &rows[i], now, g);
		if (err != NARA_OK || g->access == REFERRAL_OPEN)
			return err;
	}
	return NARA_OK;
}

/* "Bjuvs kommun": the Swedish genitive of a municipality's name. */
static const char *committee(struct arena *a, const char *name)
{
	size_t len = strlen(name);
	int ends_s = len > 0 && (name[len - 1] == 's' || name[len - 1] == 'x' ||
				 name[len - 1] == 'z');
	return arena_printf(a, "%s%s kommun", name, ends_s ? "" : "s");
}

const char *referral_acting_for(struct arena *a, const struct referral_grant *g)
{
	return arena_printf(a, "Skrivet för %s enligt %s, version %" PRId64,
			    committee(a, g->municipality_name),
			    g->agreement_name, g->agreement_version);
}

const char *referral_not_delegated(struct arena *a,
				   const struct referral_grant *g)
{
	return arena_printf(a,
			    "Avtalet ”%s” (version %" PRId64
			    ") ger inte rätt att fatta det beslutet för %s",
			    g->agreement_name, g->agreement_version,
			    committee(a, g->municipality_name));
}

/* ---- referring ---- */

static const char *check_new(const struct referral_new *n, int64_t now)
{
	if (!text_ok(n->asked, REFERRAL_TEXT_MAX))
		return "ref.error.asked";
	if (n->parts == 0 || (n->parts & ~(unsigned)REFERRAL_PARTS_ALL) != 0)
		return "ref.error.parts";
	if (n->basis == BASIS_STATUTORY) {
		if (referral_ground_find(n->ground) == NULL)
			return "ref.error.ground";
		if (n->ground_note != NULL &&
		    (strlen(n->ground_note) > REFERRAL_TEXT_MAX ||
		     !utf8_valid(n->ground_note, strlen(n->ground_note))))
			return "ref.error.ground";
		return NULL;
	}
	if (n->basis != BASIS_CONSENT ||
	    (n->consent_mode != CONSENT_GIVEN_IN_MEETING &&
	     n->consent_mode != CONSENT_ASK_PERSON))
		return "ref.error.basis";
	if (n->consent_until <= now ||
	    n->consent_until > now + (int64_t)CONSENT_MAX_DAYS * 86400)
		return "ref.error.until";
	return NULL;
}

enum nara_err referral_create(struct db *db, struct arena *a,
			      const struct actor *who,
			      const struct referral_new *n, int64_t now,
			      int64_t *id, const char **why)
{
	*why = NULL;
	*id = 0;
	if (!is_staff(who))
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0, person_id = 0, case_unit = 0;
	err = case_authorize_in_tx(db, who, n->case_id, 1, &municipality_id,
				   &person_id);
	if (err == NARA_OK)
		err = db_query_int(db, &case_unit,
				   "SELECT unit_id FROM case_file WHERE id = ?",
				   "i", n->case_id);
	/* Referring is the case officer's or the team lead's (R3.2). */
	if (err == NARA_OK &&
	    !policy_holds_in_unit(&who->subject, ROLE_CASE_OFFICER,
				  case_unit) &&
	    !policy_holds_in_unit(&who->subject, ROLE_TEAM_LEAD, case_unit)) {
		err = audit_actor(db, who, municipality_id, 0, "write_denied",
				  "referral", 0, person_id,
				  "only a case officer or team lead of the"
				  " case's unit refers",
				  1);
		if (err == NARA_OK)
			err = NARA_EDENIED;
	}
	if (err == NARA_OK && (*why = check_new(n, now)) != NULL)
		err = NARA_EINVAL;
	if (err == NARA_OK && n->basis == BASIS_CONSENT && person_id == 0) {
		*why = "ref.error.no_person";
		err = NARA_EINVAL;
	}
	int64_t shared = 0, agreement_id = 0;
	if (err == NARA_OK) {
		err = db_query_int(db, &shared,
				   "SELECT shared FROM unit WHERE id = ?", "i",
				   n->unit_id);
		if (err == NARA_ENOTFOUND || (err == NARA_OK && !shared)) {
			*why = "ref.error.unit";
			err = NARA_EINVAL;
		}
	}
	if (err == NARA_OK) {
		err = agreement_in_force(db, n->unit_id, municipality_id, now,
					 &agreement_id);
		if (err == NARA_ENOTFOUND)
			*why = "ref.error.no_agreement";
	}
	int64_t consent_id = 0;
	if (err == NARA_OK && n->basis == BASIS_CONSENT) {
		int given = n->consent_mode == CONSENT_GIVEN_IN_MEETING;
		/* 'n' binds NULL and takes no argument: one call per shape. */
		if (given)
			err = db_query_int(
			    db, &consent_id,
			    "INSERT INTO consent (municipality_id, person_id,"
			    " recipient_unit_id, scope, purpose, status,"
			    " valid_until, requested_at, requested_by,"
			    " given_at, given_by) VALUES (?, ?, ?, ?, ?,"
			    " 'given', ?, ?, ?, ?, ?) RETURNING id",
			    "iiiisiiiis", municipality_id, person_id,
			    n->unit_id, (int64_t)n->parts, n->asked,
			    n->consent_until, now, who->staff_id, now,
			    who->label);
		else
			err = db_query_int(
			    db, &consent_id,
			    "INSERT INTO consent (municipality_id, person_id,"
			    " recipient_unit_id, scope, purpose, status,"
			    " valid_until, requested_at, requested_by)"
			    " VALUES (?, ?, ?, ?, ?, 'requested', ?, ?, ?)"
			    " RETURNING id",
			    "iiiisiii", municipality_id, person_id, n->unit_id,
			    (int64_t)n->parts, n->asked, n->consent_until, now,
			    who->staff_id);
		if (err == NARA_OK)
			err = audit_actor(
			    db, who, municipality_id, 0,
			    given ? "consent.recorded" : "consent.requested",
			    "consent", consent_id, person_id, "", 0);
		/*
		 * Asked of the person: they are told there is something for
		 * them on Mina sidor, with nothing sensitive in the notice
		 * (R-B2): not the unit, not the case.
		 */
		if (err == NARA_OK && !given) {
			char key[48];
			snprintf(key, sizeof(key), "consent:%" PRId64,
				 consent_id);
			err = notify_person_in_tx(db, person_id, "case_news",
						  "/mina-sidor/samtycken", key,
						  now);
		}
	}
	if (err == NARA_OK) {
		int statutory = n->basis == BASIS_STATUTORY;
		const char *label = who->name ? who->name : who->label;
		if (statutory)
			err = db_query_int(
			    db, id,
			    "INSERT INTO referral (case_id, municipality_id,"
			    " unit_id, agreement_id, asked, parts, basis,"
			    " ground, ground_note, status, created_at,"
			    " created_by, created_by_label) VALUES (?, ?, ?,"
			    " ?, ?, ?, 'statutory', ?, ?, 'pending', ?, ?, ?)"
			    " RETURNING id",
			    "iiiisissiis", n->case_id, municipality_id,
			    n->unit_id, agreement_id, n->asked,
			    (int64_t)n->parts, n->ground,
			    n->ground_note ? n->ground_note : "", now,
			    who->staff_id, label);
		else
			err = db_query_int(
			    db, id,
			    "INSERT INTO referral (case_id, municipality_id,"
			    " unit_id, agreement_id, asked, parts, basis,"
			    " consent_id, status, created_at, created_by,"
			    " created_by_label) VALUES (?, ?, ?, ?, ?, ?,"
			    " 'consent', ?, 'pending', ?, ?, ?) RETURNING id",
			    "iiiisiiiis", n->case_id, municipality_id,
			    n->unit_id, agreement_id, n->asked,
			    (int64_t)n->parts, consent_id, now, who->staff_id,
			    label);
	}
	if (err == NARA_OK)
		err = case_touch_in_tx(db, n->case_id, now);
	if (err == NARA_OK) {
		const struct referral_ground *g =
		    referral_ground_find(n->ground);
		const char *basis =
		    n->basis == BASIS_STATUTORY
			? arena_printf(a, "statutory ground %s", g->law)
			: arena_printf(a, "consent %" PRId64, consent_id);
		err = audit_actor(db, who, municipality_id, agreement_id,
				  "referral.create", "referral", *id, person_id,
				  basis, 0);
	}
	err = audit_finish(db, err);
	if (err != NARA_OK)
		*id = 0;
	return err;
}

/* ---- lists ---- */

#define VIEW_COLUMNS                                                           \
	REF_COLUMNS ", r.asked, r.decline_reason, m.name, u.name, hm.name,"    \
		    " ag.name, r.ground_note, r.created_at,"                   \
		    " COALESCE(r.answered_at, 0), r.created_by_label,"         \
		    " r.answered_by_label, r.ended_by_label, r.end_reason"

#define VIEW_FROM                                                              \
	" FROM referral r LEFT JOIN consent c ON c.id = r.consent_id"          \
	" JOIN municipality m ON m.id = r.municipality_id"                     \
	" JOIN unit u ON u.id = r.unit_id"                                     \
	" JOIN municipality hm ON hm.id = u.municipality_id"                   \
	" JOIN agreement ag ON ag.id = r.agreement_id"

static enum nara_err fill_view(struct db *db, struct db_stmt *st,
			       struct arena *a, int64_t now,
			       struct referral_view *v, struct ref_row *row)
{
	(void)db;
	fill_ref_row(st, a, now, row);
	memset(v, 0, sizeof(*v));
	v->id = row->id;
	v->case_id = row->case_id;
	v->unit_id = row->unit_id;
	v->consent_id = row->consent_id;
	v->parts = row->parts;
	v->status = row->facts.ended_at != 0		? "ended"
		    : row->facts.status == REF_ACCEPTED ? "accepted"
		    : row->facts.status == REF_DECLINED ? "declined"
							: "pending";
	v->basis =
	    row->facts.basis == BASIS_STATUTORY ? "statutory" : "consent";
	const struct referral_ground *g = referral_ground_find(row->ground);
	v->ground_law = g ? g->law : "";
	v->consent_status = row->consent_status;
	v->consent_until = row->facts.consent_until;
	v->asked = col(a, st, 14);
	v->decline_reason = col(a, st, 15);
	v->municipality_name = col(a, st, 16);
	v->unit_name = col(a, st, 17);
	v->host_name = col(a, st, 18);
	v->agreement_name = col(a, st, 19);
	v->ground_note = col(a, st, 20);
	v->created_at = db_col_int(st, 21);
	v->answered_at = db_col_int(st, 22);
	v->created_by_label = col(a, st, 23);
	v->answered_by_label = col(a, st, 24);
	v->ended_at = row->facts.ended_at;
	v->ended_by_label = col(a, st, 25);
	v->end_reason = col(a, st, 26);
	return NARA_OK;
}

/* After the rows are read: each one's access at now (asks the agreement). */
static enum nara_err access_of_all(struct db *db, struct arena *a,
				   struct referral_view *list,
				   struct ref_row *rows, size_t n, int64_t now)
{
	for (size_t i = 0; i < n; i++) {
		struct referral_grant g;
		enum nara_err err = grant_of(db, a, &rows[i], now, &g);
		if (err != NARA_OK)
			return err;
		list[i].access = g.access;
	}
	return NARA_OK;
}

enum nara_err referral_list_for_case(struct db *db, struct arena *a,
				     const struct actor *who, int64_t case_id,
				     int64_t now, struct referral_view **out,
				     size_t *count)
{
	*out = NULL;
	*count = 0;
	if (!is_staff(who))
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0, person_id = 0;
	err = case_authorize_in_tx(db, who, case_id, 0, &municipality_id,
				   &person_id);
	struct referral_view *list =
	    arena_alloc(a, sizeof(*list) * CASE_REFERRALS_MAX);
	struct ref_row *rows =
	    arena_alloc(a, sizeof(*rows) * CASE_REFERRALS_MAX);
	size_t n = 0;
	if (err == NARA_OK && (list == NULL || rows == NULL))
		err = NARA_ENOMEM;
	if (err == NARA_OK) {
		struct db_stmt *st;
		err = db_prepare(db,
				 "SELECT " VIEW_COLUMNS VIEW_FROM
				 " WHERE r.case_id = ? ORDER BY r.id DESC",
				 &st);
		if (err == NARA_OK) {
			db_bind_int(st, 1, case_id);
			int rc;
			while ((rc = db_step(st)) == DB_ROW &&
			       n < CASE_REFERRALS_MAX) {
				fill_view(db, st, a, now, &list[n], &rows[n]);
				n++;
			}
			db_done(st);
			if (rc < 0)
				err = db_step_err(rc);
		}
	}
	if (err == NARA_OK)
		err = access_of_all(db, a, list, rows, n, now);
	if (err == NARA_OK)
		err = audit_actor(db, who, municipality_id, 0, "read",
				  "referral_list", case_id, person_id, "", 0);
	err = audit_finish(db, err);
	if (err == NARA_OK) {
		*out = list;
		*count = n;
	}
	return err;
}

enum nara_err referral_inbox(struct db *db, struct arena *a,
			     const struct actor *who, int64_t now,
			     struct referral_view **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (!is_staff(who))
		return NARA_EDENIED;
	int64_t units[POLICY_MAX_GRANTS];
	size_t nunits = 0;
	for (size_t i = 0; i < who->subject.ngrants && i < POLICY_MAX_GRANTS;
	     i++)
		if (who->subject.grants[i].role == ROLE_SHARED_SERVICE)
			units[nunits++] = who->subject.grants[i].unit_id;
	if (nunits == 0)
		return NARA_EDENIED;
	struct referral_view *list =
	    arena_alloc(a, sizeof(*list) * REFERRALS_MAX);
	struct ref_row *rows = arena_alloc(a, sizeof(*rows) * REFERRALS_MAX);
	if (list == NULL || rows == NULL)
		return NARA_ENOMEM;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	size_t n = 0;
	for (size_t u = 0; err == NARA_OK && u < nunits; u++) {
		struct db_stmt *st;
		err = db_prepare(db,
				 "SELECT " VIEW_COLUMNS VIEW_FROM
				 " WHERE r.unit_id = ? ORDER BY r.id DESC",
				 &st);
		if (err != NARA_OK)
			break;
		db_bind_int(st, 1, units[u]);
		int rc;
		while ((rc = db_step(st)) == DB_ROW && n < REFERRALS_MAX) {
			fill_view(db, st, a, now, &list[n], &rows[n]);
			n++;
		}
		db_done(st);
		if (rc < 0)
			err = db_step_err(rc);
	}
	if (err == NARA_OK)
		err = access_of_all(db, a, list, rows, n, now);
	/* The inbox holds no personal data; its reading is logged all the same.
	 */
	if (err == NARA_OK)
		err = audit_actor(db, who, 0, 0, "read", "referral_inbox", 0, 0,
				  "", 0);
	err = audit_finish(db, err);
	if (err == NARA_OK) {
		*out = list;
		*count = n;
	}
	return err;
}

/* ---- the shared unit's answer ---- */

static int64_t case_person(struct db *db, int64_t case_id)
{
	int64_t p = 0;
	if (db_query_int(db, &p,
			 "SELECT COALESCE(person_id, 0) FROM case_file"
			 " WHERE id = ?",
			 "i", case_id) != NARA_OK)
		return 0;
	return p;
}

enum nara_err referral_answer(struct db *db, const struct actor *who,
			      int64_t referral_id, int accept,
			      const char *reason, int64_t now, const char **why)
{
	*why = NULL;
	if (!is_staff(who))
		return NARA_EDENIED;
	struct arena a;
	arena_init(&a, 0);
	enum nara_err err = db_begin(db);
	if (err != NARA_OK) {
		arena_free(&a);
		return err;
	}
	struct ref_row row;
	struct referral_grant g;
	err = load_ref(db, &a, referral_id, now, &row);
	if (err == NARA_OK &&
	    !policy_holds_in_unit(&who->subject, ROLE_SHARED_SERVICE,
				  row.unit_id)) {
		/* Not theirs to answer: as if it did not exist. */
		err = audit_actor(db, who, row.municipality_id, 0,
				  "write_denied", "referral", referral_id, 0,
				  "not staff of the referral's unit", 1);
		if (err == NARA_OK)
			err = NARA_EDENIED;
	}
	if (err == NARA_OK)
		err = grant_of(db, &a, &row, now, &g);
	if (err == NARA_OK && row.facts.status != REF_PENDING) {
		*why = "ref.error.answered";
		err = NARA_ECONFLICT;
	}
	/* Taken back by the committee before it was answered. */
	if (err == NARA_OK && row.facts.ended_at != 0) {
		*why = "ref.error.ended";
		err = NARA_ECONFLICT;
	}
	if (err == NARA_OK && g.agreement_id == 0) {
		*why = "ref.error.no_agreement";
		err = NARA_ECONFLICT;
	}
	if (err == NARA_OK && !accept && !text_ok(reason, REFERRAL_TEXT_MAX)) {
		*why = "ref.error.reason";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE referral SET status = ?, answered_at = ?,"
			     " answered_by = ?, answered_by_label = ?,"
			     " decline_reason = ? WHERE id = ? AND status ="
			     " 'pending'",
			     "siissi", accept ? "accepted" : "declined", now,
			     who->staff_id, who->name ? who->name : who->label,
			     accept ? "" : reason, referral_id);
	if (err == NARA_OK)
		err = audit_actor(
		    db, who, row.municipality_id, g.agreement_id,
		    accept ? "referral.accept" : "referral.decline", "referral",
		    referral_id, case_person(db, row.case_id), g.basis_text, 0);
	err = audit_finish(db, err);
	arena_free(&a);
	return err;
}

enum nara_err referral_end(struct db *db, const struct actor *who,
			   int64_t case_id, int64_t referral_id,
			   const char *reason, int64_t now, const char **why)
{
	*why = NULL;
	if (!is_staff(who))
		return NARA_EDENIED;
	struct arena a;
	arena_init(&a, 0);
	enum nara_err err = db_begin(db);
	if (err != NARA_OK) {
		arena_free(&a);
		return err;
	}
	struct ref_row row;
	struct referral_grant g;
	err = load_ref(db, &a, referral_id, now, &row);
	if (err == NARA_OK && case_id != 0 && row.case_id != case_id)
		err = NARA_ENOTFOUND;
	int64_t case_unit = 0, municipality_id = 0, person_id = 0;
	int referring = 0;
	if (err == NARA_OK &&
	    who->subject.municipality_id == row.municipality_id) {
		/* The committee's side: the case's write policy, then the
		 * roles that refer (as referral_create). */
		err = case_authorize_in_tx(db, who, row.case_id, 1,
					   &municipality_id, &person_id);
		if (err == NARA_OK)
			err = db_query_int(
			    db, &case_unit,
			    "SELECT unit_id FROM case_file WHERE id = ?", "i",
			    row.case_id);
		referring = err == NARA_OK &&
			    (policy_holds_in_unit(
				 &who->subject, ROLE_CASE_OFFICER, case_unit) ||
			     policy_holds_in_unit(&who->subject, ROLE_TEAM_LEAD,
						  case_unit));
	}
	/* The unit's side: only once it has accepted the referral. */
	int receiving = err == NARA_OK && row.facts.status == REF_ACCEPTED &&
			policy_holds_in_unit(&who->subject, ROLE_SHARED_SERVICE,
					     row.unit_id);
	if (err == NARA_OK && !referring && !receiving) {
		err =
		    audit_actor(db, who, row.municipality_id, 0, "write_denied",
				"referral", referral_id, 0,
				"ends a referral: neither an officer of the"
				" referring unit nor the unit that accepted it",
				1);
		if (err == NARA_OK)
			err = NARA_EDENIED;
	}
	if (err == NARA_OK)
		err = grant_of(db, &a, &row, now, &g);
	if (err == NARA_OK &&
	    (row.facts.ended_at != 0 || row.facts.status == REF_DECLINED)) {
		*why = "ref.error.ended";
		err = NARA_ECONFLICT;
	}
	if (err == NARA_OK && !text_ok(reason, REFERRAL_TEXT_MAX)) {
		*why = "ref.error.end_reason";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE referral SET ended_at = ?, ended_by = ?,"
			     " ended_by_label = ?, end_reason = ? WHERE id = ?"
			     " AND ended_at IS NULL",
			     "iissi", now, who->staff_id,
			     who->name ? who->name : who->label, reason,
			     referral_id);
	if (err == NARA_OK)
		err =
		    audit_actor(db, who, row.municipality_id, g.agreement_id,
				"referral.end", "referral", referral_id,
				case_person(db, row.case_id), g.basis_text, 0);
	err = audit_finish(db, err);
	arena_free(&a);
	return err;
}

/* ---- reading the disclosed parts ---- */

static const char *closed_key(enum referral_access x)
{
	switch (x) {
	case REFERRAL_WITHDRAWN:
		return "ref.closed.withdrawn";
	case REFERRAL_EXPIRED:
		return "ref.closed.expired";
	case REFERRAL_NO_AGREEMENT:
		return "ref.closed.agreement";
	case REFERRAL_NO_CONSENT:
		return "ref.closed.no_consent";
	case REFERRAL_ENDED:
		return "ref.closed.ended";
	default:
		return "ref.closed.other";
	}
}

struct case_row {
	int64_t municipality_id, unit_id, person_id;
	int protected_identity;
	const char *personnummer;
};

static enum nara_err load_case_row(struct db *db, struct arena *a,
				   int64_t case_id, struct case_row *c)
{
	memset(c, 0, sizeof(*c));
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT c.municipality_id, c.unit_id, COALESCE(c.person_id, 0),"
	    " COALESCE(p.protected_identity, 0), COALESCE(p.personnummer, '')"
	    " FROM case_file c LEFT JOIN person p ON p.id = c.person_id"
	    " WHERE c.id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		c->municipality_id = db_col_int(st, 0);
		c->unit_id = db_col_int(st, 1);
		c->person_id = db_col_int(st, 2);
		c->protected_identity = (int)db_col_int(st, 3);
		c->personnummer = col(a, st, 4);
	}
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

/* The policy's answer for this record, with the referral's unit if open. */
static struct policy_decision decide_ref(const struct actor *who,
					 const struct case_row *c,
					 const struct referral_grant *g,
					 enum policy_record_kind kind,
					 enum policy_action action)
{
	struct policy_record r = {
	    .kind = kind,
	    .municipality_id = c->municipality_id,
	    .unit_id = c->unit_id,
	    .person_id = c->person_id,
	    .protected_identity = c->protected_identity,
	    .personnummer = c->personnummer,
	    .referral_unit_id = g->access == REFERRAL_OPEN ? g->unit_id : 0,
	    .person_age = -1,
	};
	return policy_decide(&who->subject, action, &r);
}

static const char *parts_text(struct arena *a, unsigned parts)
{
	const char *s = "";
	for (size_t i = 0; i < REFERRAL_NPARTS; i++)
		if (parts & referral_parts[i].bit)
			s = arena_printf(a, "%s%s%s", s, s[0] ? "," : "",
					 referral_parts[i].name);
	return s ? s : "";
}

/* Is the unit a family-peace centre (R4.4 is its norm)? */
static enum nara_err family_peace_unit(struct db *db, int64_t unit_id, int *yes)
{
	int64_t n = 0;
	enum nara_err err = db_query_int(
	    db, &n,
	    "SELECT COUNT(*) FROM unit WHERE id = ? AND kind = 'family_peace'",
	    "i", unit_id);
	*yes = err == NARA_OK && n > 0;
	return err;
}

/* The centre's latest record of where the person stays, for its staff. */
static enum nara_err read_where(struct db *db, struct arena *a,
				const struct referral_grant *g,
				struct referral_file *out)
{
	enum nara_err err =
	    family_peace_unit(db, g->unit_id, &out->family_peace);
	if (err != NARA_OK || !out->family_peace)
		return err;
	struct db_stmt *st;
	err = db_prepare(db,
			 "SELECT recorded_at, address, postal_code, phone,"
			 " note, recorded_by_label FROM whereabouts"
			 " WHERE referral_id = ? ORDER BY id DESC LIMIT 1",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, g->referral_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		struct referral_whereabouts *w = &out->where;
		w->present = 1;
		w->recorded_at = db_col_int(st, 0);
		w->address = col(a, st, 1);
		w->postal_code = col(a, st, 2);
		w->phone = col(a, st, 3);
		w->note = col(a, st, 4);
		w->recorded_by = col(a, st, 5);
	}
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

static enum nara_err read_parts(struct db *db, struct arena *a,
				const struct actor *who,
				const struct case_row *c,
				const struct referral_grant *g, int64_t case_id,
				int64_t now, struct referral_file *out)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT c.reference, c.kind, c.matter, c.state,"
	    " COALESCE(p.given_name, ''), COALESCE(p.family_name, ''),"
	    " COALESCE(p.personnummer, ''), COALESCE(p.birth_date, ''),"
	    " COALESCE(p.address, ''), COALESCE(p.postal_code, ''),"
	    " COALESCE(p.city, ''), COALESCE(p.phone, ''),"
	    " COALESCE(p.email, '') FROM case_file c"
	    " LEFT JOIN person p ON p.id = c.person_id WHERE c.id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		unsigned p = g->parts;
		if (p & PART_MATTER) {
			out->reference = col(a, st, 0);
			out->kind = col(a, st, 1);
			out->matter = col(a, st, 2);
			out->case_state = col(a, st, 3);
		}
		if (p & PART_IDENTITY) {
			out->given_name = col(a, st, 4);
			out->family_name = col(a, st, 5);
			out->personnummer = col(a, st, 6);
			out->birth_date = col(a, st, 7);
		}
		if (p & PART_CONTACT) {
			/* A protected address stays with the responsible unit.
			 */
			struct policy_decision d =
			    decide_ref(who, c, g, REC_PERSON_ADDRESS, ACT_READ);
			if (d.allowed) {
				out->address = col(a, st, 8);
				out->postal_code = col(a, st, 9);
				out->city = col(a, st, 10);
				out->phone = col(a, st, 11);
				out->email = col(a, st, 12);
			} else
				out->address_withheld = 1;
		}
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	/* Journal: what the person may read themselves, computed now. */
	if (g->parts & PART_JOURNAL) {
		err = journal_read_in_tx(db, a, case_id, 1, now, &out->notes,
					 &out->nnotes);
		if (err != NARA_OK)
			return err;
	}
	if (g->parts & PART_DECISIONS) {
		enum { MAXD = 50 };
		out->decisions = arena_alloc(a, sizeof(*out->decisions) * MAXD);
		if (out->decisions == NULL)
			return NARA_ENOMEM;
		err = db_prepare(db,
				 "SELECT decided_at, outcome, subject, content,"
				 " reasons FROM decision WHERE case_id = ?"
				 " ORDER BY decided_at, id",
				 &st);
		if (err != NARA_OK)
			return err;
		db_bind_int(st, 1, case_id);
		while ((rc = db_step(st)) == DB_ROW && out->ndecisions < MAXD) {
			struct referral_decision *d =
			    &out->decisions[out->ndecisions++];
			d->decided_at = db_col_int(st, 0);
			d->outcome = col(a, st, 1);
			d->subject = col(a, st, 2);
			d->content = col(a, st, 3);
			d->reasons = col(a, st, 4);
		}
		db_done(st);
		if (rc < 0)
			return db_step_err(rc);
	}
	return read_where(db, a, g, out);
}

enum nara_err referral_read(struct db *db, struct arena *a,
			    const struct actor *who, int64_t referral_id,
			    int64_t now, struct referral_file *out,
			    const char **why)
{
	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (!is_staff(who))
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct ref_row row;
	struct referral_grant g;
	struct case_row c;
	struct db_stmt *st;
	int stranger = 0;
	err = db_prepare(db, "SELECT " VIEW_COLUMNS VIEW_FROM " WHERE r.id = ?",
			 &st);
	if (err == NARA_OK) {
		db_bind_int(st, 1, referral_id);
		int rc = db_step(st);
		if (rc == DB_ROW)
			fill_view(db, st, a, now, &out->r, &row);
		db_done(st);
		err = rc == DB_DONE ? NARA_ENOTFOUND
		      : rc < 0	    ? db_step_err(rc)
				    : NARA_OK;
	}
	if (err == NARA_OK)
		err = load_case_row(db, a, row.case_id, &c);
	if (err == NARA_OK &&
	    !policy_holds_in_unit(&who->subject, ROLE_SHARED_SERVICE,
				  row.unit_id)) {
		err = audit_actor(db, who, row.municipality_id, 0,
				  "read_denied", "referral", referral_id, 0,
				  "not staff of the referral's unit", 1);
		/* Kept (committed) as a refusal, answered as not found. */
		stranger = 1;
		if (err == NARA_OK)
			err = NARA_EDENIED;
	}
	if (err == NARA_OK)
		err = grant_of(db, a, &row, now, &g);
	if (err == NARA_OK) {
		out->r.access = g.access;
		out->parts = g.parts;
	}
	/*
	 * Pending or declined: what is asked and by whom, nothing personal;
	 * the reading is logged without a person.
	 */
	if (err == NARA_OK && row.facts.status != REF_ACCEPTED) {
		err = audit_actor(db, who, row.municipality_id, g.agreement_id,
				  "read", "referral", referral_id, 0,
				  arena_printf(a,
					       "%s; not accepted: nothing"
					       " personal",
					       g.basis_text),
				  0);
		return audit_finish(db, err);
	}
	if (err == NARA_OK) {
		struct policy_decision d =
		    decide_ref(who, &c, &g, REC_CASE, ACT_READ);
		if (!d.allowed || g.access != REFERRAL_OPEN) {
			const char *reason =
			    arena_printf(a, "%s: %s", g.basis_text,
					 g.access != REFERRAL_OPEN
					     ? referral_access_text(g.access)
					     : policy_reason_text(d.reason));
			err = audit_actor(db, who, row.municipality_id,
					  g.agreement_id, "read_denied", "case",
					  row.case_id, c.person_id, reason, 1);
			*why = closed_key(g.access);
			if (err == NARA_OK)
				err = NARA_EDENIED;
		}
	}
	if (err == NARA_OK)
		err = read_parts(db, a, who, &c, &g, row.case_id, now, out);
	if (err == NARA_OK) {
		out->open = 1;
		err = audit_actor(
		    db, who, row.municipality_id, g.agreement_id, "read",
		    "case", row.case_id, c.person_id,
		    arena_printf(a, "%s; parts %s%s", g.basis_text,
				 parts_text(a, g.parts),
				 out->where.present ? "; whereabouts" : ""),
		    0);
	}
	err = audit_finish(db, err);
	if (stranger && err == NARA_EDENIED)
		err = NARA_ENOTFOUND;
	if (err != NARA_OK && err != NARA_EDENIED) {
		memset(out, 0, sizeof(*out));
	} else if (err == NARA_EDENIED) {
		/* Keep the header (asked, by whom) so the page can say why. */
		out->open = 0;
		out->notes = NULL;
		out->nnotes = 0;
	}
	return err;
}

/*
 * A write by the shared unit's staff under a referral: the referral and its
 * case loaded in the open transaction, the actor checked. Refused (the
 * audited, flagged row kept, NARA_EDENIED) when they are not staff of the
 * referral's unit — *stranger, answered as not found — or, for the
 * whereabouts, the unit is no family-peace centre; and when the basis no
 * longer holds, *why then saying why. The refusal rows name record_kind:
 * "whereabouts" (the referral's id) or the referral and then the case.
 */
struct ref_write {
	struct ref_row row;
	struct referral_grant g;
	struct case_row c;
	int stranger;
};

static enum nara_err write_check(struct db *db, struct arena *a,
				 const struct actor *who, int64_t referral_id,
				 int64_t now, int whereabouts,
				 struct ref_write *w, const char **why)
{
	memset(w, 0, sizeof(*w));
	int centre = 1;
	enum nara_err err = load_ref(db, a, referral_id, now, &w->row);
	if (err == NARA_OK)
		err = load_case_row(db, a, w->row.case_id, &w->c);
	if (err == NARA_OK && whereabouts)
		err = family_peace_unit(db, w->row.unit_id, &centre);
	if (err != NARA_OK)
		return err;
	if (!centre || !policy_holds_in_unit(&who->subject, ROLE_SHARED_SERVICE,
					     w->row.unit_id)) {
		w->stranger = 1;
		err = audit_actor(
		    db, who, w->row.municipality_id, 0, "write_denied",
		    whereabouts ? "whereabouts" : "referral", referral_id, 0,
		    centre ? "not staff of the referral's unit"
			   : "not a family-peace centre",
		    1);
		return err == NARA_OK ? NARA_EDENIED : err;
	}
	err = grant_of(db, a, &w->row, now, &w->g);
	if (err != NARA_OK)
		return err;
	struct policy_decision d =
	    decide_ref(who, &w->c, &w->g, REC_CASE, ACT_WRITE);
	if (d.allowed && w->g.access == REFERRAL_OPEN &&
	    (!whereabouts || w->c.person_id != 0))
		return NARA_OK;
	err = audit_actor(db, who, w->row.municipality_id, w->g.agreement_id,
			  "write_denied", whereabouts ? "whereabouts" : "case",
			  whereabouts ? referral_id : w->row.case_id,
			  w->c.person_id,
			  arena_printf(a, "%s: %s", w->g.basis_text,
				       referral_access_text(w->g.access)),
			  1);
	*why = closed_key(w->g.access);
	return err == NARA_OK ? NARA_EDENIED : err;
}

enum nara_err referral_note(struct db *db, const struct actor *who,
			    int64_t referral_id, const char *body, int64_t now,
			    int64_t *note_id, const char **why)
{
	*why = NULL;
	*note_id = 0;
	if (!is_staff(who))
		return NARA_EDENIED;
	if (!text_ok(body, JOURNAL_BODY_MAX)) {
		*why = "ref.error.note";
		return NARA_EINVAL;
	}
	struct arena a;
	arena_init(&a, 0);
	enum nara_err err = db_begin(db);
	if (err != NARA_OK) {
		arena_free(&a);
		return err;
	}
	struct ref_write w;
	err = write_check(db, &a, who, referral_id, now, 0, &w, why);
	/* The note is the committee's: it must not carry where the person
	 * stays (R4.4; src/domain/whereabouts.h). */
	const char *found = NULL;
	if (err == NARA_OK &&
	    (err = whereabouts_check_in_tx(db, w.c.person_id, body, &found)) ==
		NARA_EINVAL)
		*why = "ref.error.whereabouts";
	/*
	 * The note is the responsible committee's (its municipality_id), and
	 * says for whom and under which agreement it was written (R3.3).
	 */
	if (err == NARA_OK) {
		const char *label = arena_printf(
		    &a, "%s (%s)", who->name ? who->name : who->label,
		    referral_acting_for(&a, &w.g));
		err = label ? journal_insert_in_tx(
				  db, w.row.case_id, w.row.municipality_id, now,
				  "staff", who->staff_id, label, "note", body,
				  VIS_NOW, 0, WITHHELD_NONE, 0, note_id)
			    : NARA_ENOMEM;
	}
	if (err == NARA_OK)
		err = case_touch_in_tx(db, w.row.case_id, now);
	if (err == NARA_OK)
		err = audit_actor(db, who, w.row.municipality_id,
				  w.g.agreement_id, "create", "journal_note",
				  *note_id, w.c.person_id, w.g.basis_text, 0);
	err = audit_finish(db, err);
	arena_free(&a);
	return w.stranger && err == NARA_EDENIED ? NARA_ENOTFOUND : err;
}

/* ---- where the person stays, at a family-peace centre (R4.4) ---- */

static int optional_ok(const char *s, size_t max)
{
	return s == NULL || *s == '\0' || text_ok(s, max);
}

enum nara_err referral_whereabouts_record(struct db *db,
					  const struct actor *who,
					  int64_t referral_id,
					  const struct whereabouts_new *wn,
					  int64_t now, const char **why)
{
	*why = NULL;
	if (!is_staff(who))
		return NARA_EDENIED;
	if (!text_ok(wn->address, 200)) {
		*why = "ref.error.where_address";
		return NARA_EINVAL;
	}
	if (!optional_ok(wn->postal_code, 20) || !optional_ok(wn->phone, 40) ||
	    !optional_ok(wn->note, 2000)) {
		*why = "ref.error.where_field";
		return NARA_EINVAL;
	}
	struct arena a;
	arena_init(&a, 0);
	enum nara_err err = db_begin(db);
	if (err != NARA_OK) {
		arena_free(&a);
		return err;
	}
	struct ref_write w;
	err = write_check(db, &a, who, referral_id, now, 1, &w, why);
	int64_t id = 0;
	if (err == NARA_OK) {
		const char *label = who->name ? who->name : who->label;
		err = db_query_int(
		    db, &id,
		    "INSERT INTO whereabouts (referral_id, person_id, unit_id,"
		    " address, postal_code, phone, note, recorded_at,"
		    " recorded_by, recorded_by_label) VALUES (?, ?, ?, ?, ?,"
		    " ?, ?, ?, ?, ?) RETURNING id",
		    "iiissssiis", referral_id, w.c.person_id, w.row.unit_id,
		    wn->address, wn->postal_code ? wn->postal_code : "",
		    wn->phone ? wn->phone : "", wn->note ? wn->note : "", now,
		    who->staff_id, label);
	}
	/* The audit row says that, not where: the place stays here. */
	if (err == NARA_OK)
		err = audit_actor(db, who, w.row.municipality_id,
				  w.g.agreement_id, "create", "whereabouts", id,
				  w.c.person_id, w.g.basis_text, 0);
	err = audit_finish(db, err);
	arena_free(&a);
	return w.stranger && err == NARA_EDENIED ? NARA_ENOTFOUND : err;
}

/* ---- the person's consents ---- */

enum nara_err consent_list_own(struct db *db, struct arena *a,
			       const struct actor *who, int64_t now,
			       struct consent_view **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (who->subject.kind != SUBJECT_CITIZEN)
		return NARA_EDENIED;
	enum { MAXC = 100 };
	struct consent_view *list = arena_alloc(a, sizeof(*list) * MAXC);
	if (list == NULL)
		return NARA_ENOMEM;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	size_t n = 0;
	int64_t first_person = 0, first_municipality = 0;
	err = db_prepare(
	    db,
	    "SELECT c.id, c.scope, c.status, c.valid_until,"
	    " COALESCE(c.given_at, 0), COALESCE(c.withdrawn_at, 0),"
	    " c.requested_at, u.name, hm.name, m.name, c.purpose, c.given_by,"
	    " c.person_id, c.municipality_id,"
	    " COALESCE((SELECT CASE WHEN r.ended_at IS NULL THEN r.status"
	    "  ELSE 'ended' END FROM referral r WHERE"
	    "  r.consent_id = c.id ORDER BY r.id DESC LIMIT 1), ''),"
	    " COALESCE((SELECT r.answered_at FROM referral r WHERE"
	    "  r.consent_id = c.id ORDER BY r.id DESC LIMIT 1), 0)"
	    " FROM consent c JOIN person p ON p.id = c.person_id"
	    " JOIN unit u ON u.id = c.recipient_unit_id"
	    " JOIN municipality hm ON hm.id = u.municipality_id"
	    " JOIN municipality m ON m.id = c.municipality_id"
	    " WHERE p.personnummer = ? ORDER BY c.id DESC",
	    &st);
	if (err == NARA_OK) {
		db_bind_text(st, 1, who->personnummer, (size_t)-1);
		int rc;
		while ((rc = db_step(st)) == DB_ROW && n < MAXC) {
			struct consent_view *v = &list[n++];
			v->id = db_col_int(st, 0);
			v->scope = (unsigned)db_col_int(st, 1);
			struct referral_facts f = {
			    .consent_given =
				strcmp(db_col_text(st, 2), "given") == 0,
			    .consent_until = db_col_int(st, 3),
			    .consent_withdrawn = db_col_int(st, 5),
			};
			v->status = consent_state(&f, now);
			v->valid_until = f.consent_until;
			v->given_at = db_col_int(st, 4);
			v->withdrawn_at = f.consent_withdrawn;
			v->requested_at = db_col_int(st, 6);
			v->unit_name = col(a, st, 7);
			v->host_name = col(a, st, 8);
			v->municipality_name = col(a, st, 9);
			v->purpose = col(a, st, 10);
			v->given_by = col(a, st, 11);
			v->referral_status = col(a, st, 14);
			v->referral_answered_at = db_col_int(st, 15);
			if (first_person == 0) {
				first_person = db_col_int(st, 12);
				first_municipality = db_col_int(st, 13);
			}
		}
		db_done(st);
		if (rc < 0)
			err = db_step_err(rc);
	}
	if (err == NARA_OK)
		err = audit_actor(db, who, first_municipality, 0, "read",
				  "consent_list", 0, first_person,
				  "the person's own consents", 0);
	err = audit_finish(db, err);
	if (err == NARA_OK) {
		*out = list;
		*count = n;
	}
	return err;
}

/* The person's own consent: loaded, and the policy's own-record grant. */
static enum nara_err own_consent(struct db *db, struct arena *a,
				 const struct actor *who, int64_t consent_id,
				 int64_t *municipality_id, int64_t *person_id,
				 struct referral_facts *f)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT c.municipality_id, c.person_id, p.personnummer, c.status,"
	    " c.valid_until, COALESCE(c.withdrawn_at, 0) FROM consent c"
	    " JOIN person p ON p.id = c.person_id WHERE c.id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, consent_id);
	int rc = db_step(st);
	const char *pnr = "";
	if (rc == DB_ROW) {
		*municipality_id = db_col_int(st, 0);
		*person_id = db_col_int(st, 1);
		pnr = col(a, st, 2);
		memset(f, 0, sizeof(*f));
		f->consent_given = strcmp(db_col_text(st, 3), "given") == 0;
		f->consent_until = db_col_int(st, 4);
		f->consent_withdrawn = db_col_int(st, 5);
	}
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	if (rc < 0)
		return db_step_err(rc);
	/*
	 * The person decides about their own consent: the same grant as
	 * reading their own file (R2.3), which a stranger does not get.
	 */
	struct policy_record r = {.kind = REC_PERSON,
				  .municipality_id = *municipality_id,
				  .person_id = *person_id,
				  .personnummer = pnr,
				  .person_age = -1};
	struct policy_decision d = policy_decide(&who->subject, ACT_READ, &r);
	if (d.allowed)
		return NARA_OK;
	err = audit_actor(db, who, *municipality_id, 0, "write_denied",
			  "consent", consent_id, *person_id,
			  policy_reason_text(d.reason), 1);
	/* Someone else's consent is answered as one that does not exist. */
	return err != NARA_OK ? err : NARA_ENOTFOUND;
}

static enum nara_err consent_change(struct db *db, const struct actor *who,
				    int64_t consent_id, int64_t now,
				    int withdraw)
{
	if (who->subject.kind != SUBJECT_CITIZEN)
		return NARA_EDENIED;
	struct arena a;
	arena_init(&a, 0);
	enum nara_err err = db_begin(db);
	if (err != NARA_OK) {
		arena_free(&a);
		return err;
	}
	int64_t municipality_id = 0, person_id = 0;
	struct referral_facts f;
	err = own_consent(db, &a, who, consent_id, &municipality_id, &person_id,
			  &f);
	/* A withdrawn consent stays withdrawn; a new one is asked anew. */
	if (err == NARA_OK && f.consent_withdrawn != 0)
		err = NARA_ECONFLICT;
	if (err == NARA_OK && !withdraw &&
	    (f.consent_given || now >= f.consent_until))
		err = NARA_ECONFLICT;
	if (err == NARA_OK)
		err = withdraw
			  ? db_run(db,
				   "UPDATE consent SET withdrawn_at = ?"
				   " WHERE id = ? AND withdrawn_at IS NULL",
				   "ii", now, consent_id)
			  : db_run(db,
				   "UPDATE consent SET status = 'given',"
				   " given_at = ?, given_by = 'citizen'"
				   " WHERE id = ? AND status = 'requested'",
				   "ii", now, consent_id);
	if (err == NARA_OK)
		err =
		    audit_actor(db, who, municipality_id, 0,
				withdraw ? "consent.withdraw" : "consent.give",
				"consent", consent_id, person_id, "", 0);
	if (err == NARA_ENOTFOUND) {
		/* The refusal's audit row, if any, is kept. */
		enum nara_err c = db_commit(db);
		arena_free(&a);
		return c != NARA_OK ? c : err;
	}
	err = audit_finish(db, err);
	arena_free(&a);
	return err;
}

enum nara_err consent_give_own(struct db *db, const struct actor *who,
			       int64_t consent_id, int64_t now)
{
	return consent_change(db, who, consent_id, now, 0);
}

enum nara_err consent_withdraw_own(struct db *db, const struct actor *who,
				   int64_t consent_id, int64_t now)
{
	return consent_change(db, who, consent_id, now, 1);
}

/* ---- the units a case may be referred to ---- */

enum nara_err referral_units(struct db *db, struct arena *a, int64_t case_id,
			     int64_t now, struct referral_unit **out,
			     size_t *count)
{
	enum { MAXU = 50 };
	*out = NULL;
	*count = 0;
	struct referral_unit *list = arena_alloc(a, sizeof(*list) * MAXU);
	if (list == NULL)
		return NARA_ENOMEM;
	int64_t municipality_id = 0;
	enum nara_err err = db_query_int(
	    db, &municipality_id,
	    "SELECT municipality_id FROM case_file WHERE id = ?", "i", case_id);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	size_t n = 0;
	err = db_prepare(db,
			 "SELECT u.id, u.name, m.name FROM unit u JOIN"
			 " municipality m ON m.id = u.municipality_id"
			 " WHERE u.shared = 1 ORDER BY u.name, u.id",
			 &st);
	if (err != NARA_OK)
		return err;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && n < MAXU) {
		list[n].id = db_col_int(st, 0);
		list[n].name = col(a, st, 1);
		list[n].host_name = col(a, st, 2);
		n++;
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	/* Only those an agreement in force lets serve this municipality. */
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t agreement = 0;
		err = agreement_in_force(db, list[i].id, municipality_id, now,
					 &agreement);
		if (err == NARA_ENOTFOUND)
			continue;
		if (err != NARA_OK)
			return err;
		struct db_stmt *q;
		err = db_prepare(db, "SELECT name FROM agreement WHERE id = ?",
				 &q);
		if (err != NARA_OK)
			return err;
		db_bind_int(q, 1, agreement);
		list[i].agreement_name =
		    db_step(q) == DB_ROW ? col(a, q, 0) : "";
		db_done(q);
		list[kept++] = list[i];
	}
	*out = list;
	*count = kept;
	return NARA_OK;
}

enum nara_err referral_move_refusal(struct db *db, struct arena *a,
				    const struct actor *who, int64_t case_id,
				    int64_t now, const char **text)
{
	*text = NULL;
	struct referral_grant g;
	enum nara_err err =
	    referral_grant_in_tx(db, a, who, case_id, 0, now, &g);
	if (err == NARA_OK && g.referral_id != 0 && g.access == REFERRAL_OPEN)
		*text = referral_not_delegated(a, &g);
	return err;
}
