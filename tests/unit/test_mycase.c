/*
 * The citizen's own case (src/domain/case.c: case_read_own,
 * case_export_own, case_subscribe_own, case_reads_own, case_list_own;
 * src/domain/demo_citizen_case.c) on both engines, with the demo's case:
 * the person reads exactly the released notes (R2.3, R2.4), a correction
 * linked to the note it corrects (R2.1), the decision with how to appeal
 * (R2.2), what happens next and by when, and who has read the case
 * (R2.6); nothing withheld or delayed, no reporter's identity, by the
 * page's read, the export or the subscription; another person and staff
 * are refused, and each use is audited as what it is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>
#include <time.h>

#include "domain/access.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/journal.h"
#include "domain/report.h"
#include "fixture.h"

/* What the demo's notes say; see demo_citizen_case.c. */
static const char *const released[] = {
    "svårt att klara vardagen",
    "Rättelse: vi bestämde att vi ses hemma hos dig",
    "Inför mötet: vi föreslår en kontaktperson",
};
static const char *const kept_back[] = {
    "Karin Lindqvist",		     /* a private reporter's name */
    "070-174 06 42",		     /* and number */
    "förlorat sitt arbete",	     /* a third party */
    "Planering inför uppföljningen", /* delayed */
};

struct world {
	struct test_db t;
	struct arena a;
	struct actor person, stranger, officer;
	int64_t case_id, now;
};

/*
 * Audit rows with an action (or, for "flagged", flagged rows). The SQL is
 * a literal: the statement cache knows statements by their text's
 * address first, so SQL built in a reused buffer could find another's.
 */
static int64_t audit_count(struct db *db, const char *action)
{
	int64_t n = -1;
	if (strcmp(action, "flagged") == 0)
		assert_int_equal(db_query_int(db, &n,
					      "SELECT COUNT(*) FROM audit_log"
					      " WHERE flagged = 1",
					      ""),
				 NARA_OK);
	else
		assert_int_equal(db_query_int(db, &n,
					      "SELECT COUNT(*) FROM audit_log"
					      " WHERE action = ?",
					      "s", action),
				 NARA_OK);
	return n;
}

static int setup(void **state, const char *engine)
{
	struct world *w = calloc(1, sizeof(*w));
	if (w == NULL || test_db_open(&w->t, engine, "mycase") != 0)
		return -1;
	w->now = (int64_t)time(NULL);
	if (demo_fill(w->t.db, 0, NULL, NULL) != NARA_OK ||
	    demo_add_citizen_case(w->t.db, w->now) != NARA_OK ||
	    /* A second run adds nothing. */
	    demo_add_citizen_case(w->t.db, w->now) != NARA_OK)
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

/* The actors and the demo case, found in each test. */
static struct world *world(void **state)
{
	struct world *w = *state;
	struct db *db = w->t.db;
	struct db_stmt *st;
	assert_int_equal(db_prepare(db,
				    "SELECT c.id, p.personnummer FROM case_file"
				    " c JOIN person p ON p.id = c.person_id"
				    " WHERE c.matter = 'support'",
				    &st),
			 NARA_OK);
	assert_int_equal(db_step(st), DB_ROW);
	w->case_id = db_col_int(st, 0);
	char pnr[13];
	snprintf(pnr, sizeof(pnr), "%s", db_col_text(st, 1));
	assert_int_equal(db_step(st), DB_DONE); /* one demo case */
	db_done(st);
	access_citizen(pnr, &w->person);
	access_citizen("191212121212", &w->stranger);
	int64_t staff = 0;
	assert_int_equal(db_query_int(db, &staff,
				      "SELECT id FROM staff_user WHERE"
				      " username = 'helsingborg.handlaggare2'",
				      ""),
			 NARA_OK);
	assert_int_equal(access_load_staff(db, &w->a, staff, &w->officer),
			 NARA_OK);
	return w;
}

static const struct journal_note_view *find_note(const struct case_view *v,
						 const char *text)
{
	for (size_t i = 0; i < v->nnotes; i++)
		if (strstr(v->notes[i].body, text) != NULL)
			return &v->notes[i];
	return NULL;
}

/* Nothing kept back is anywhere in the person's view. */
static void assert_released_only(const struct case_view *v)
{
	for (size_t i = 0; i < sizeof(released) / sizeof(*released); i++)
		assert_non_null(find_note(v, released[i]));
	for (size_t i = 0; i < sizeof(kept_back) / sizeof(*kept_back); i++) {
		assert_null(find_note(v, kept_back[i]));
		for (size_t k = 0; k < v->nevents; k++)
			assert_null(strstr(v->events[k].reason, kept_back[i]));
	}
	for (size_t i = 0; i < v->nnotes; i++)
		assert_true(v->notes[i].visible_to_person);
	assert_int_equal(v->nreports, 0);
}

static void test_the_person_reads_what_is_released(void **state)
{
	struct world *w = world(state);
	struct case_view v;
	assert_int_equal(
	    case_read_own(w->t.db, &w->a, &w->person, w->case_id, w->now, &v),
	    NARA_OK);
	assert_released_only(&v);
	/* Staff see all of it: the person's view is computed, not copied. */
	struct case_view all;
	assert_int_equal(
	    case_read(w->t.db, &w->a, &w->officer, w->case_id, w->now, &all),
	    NARA_OK);
	assert_true(all.nnotes >= v.nnotes + 3);
	assert_non_null(find_note(&all, "Karin Lindqvist"));

	/* R2.1: the correction and the note it corrects point at each other. */
	const struct journal_note_view *call =
	    find_note(&v, "svårt att klara vardagen");
	const struct journal_note_view *fix = find_note(&v, "Rättelse:");
	assert_int_equal(fix->corrects_id, call->id);
	assert_int_equal(call->corrected_by, fix->id);
	/* R2.2: the decision in full, with how to appeal. */
	assert_int_equal(v.ndecisions, 1);
	assert_string_equal(v.decisions[0].outcome, "granted");
	assert_non_null(strstr(v.decisions[0].appeal, "förvaltningsrätten"));
	assert_string_not_equal(v.decisions[0].decided_by, "");
	/* What happens next: the intervention's follow-up. */
	assert_int_equal(v.s.state, CS_INTERVENTION);
	assert_string_equal(v.next.what, "next.intervention");
	assert_int_equal(v.ninterventions, 1);
	assert_int_equal(v.next.by, v.interventions[0].follow_up_due);
	assert_string_not_equal(v.s.assigned_name, "");

	/* The list on /mina-sidor says the same. */
	struct case_summary *list;
	size_t n;
	assert_int_equal(
	    case_list_own(w->t.db, &w->a, &w->person, w->now, &list, &n),
	    NARA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, w->case_id);
	assert_string_equal(list[0].next.what, "next.intervention");
	assert_int_equal(list[0].next.by, v.next.by);

	/* A delayed note shows when its day has come, computed then. */
	struct case_view later;
	assert_int_equal(case_read_own(w->t.db, &w->a, &w->person, w->case_id,
				       w->now + 15 * 86400, &later),
			 NARA_OK);
	assert_non_null(find_note(&later, "Planering inför uppföljningen"));
	assert_null(find_note(&later, "Karin Lindqvist"));
}

static void test_others_are_refused(void **state)
{
	struct world *w = world(state);
	struct case_view v;
	int64_t version;
	struct case_read_log *reads;
	size_t n;
	int64_t flagged = audit_count(w->t.db, "flagged");
	assert_int_equal(
	    case_read_own(w->t.db, &w->a, &w->stranger, w->case_id, w->now, &v),
	    NARA_EDENIED);
	assert_int_equal(case_export_own(w->t.db, &w->a, &w->stranger,
					 w->case_id, w->now, &v),
			 NARA_EDENIED);
	assert_int_equal(
	    case_subscribe_own(w->t.db, &w->stranger, w->case_id, &version),
	    NARA_EDENIED);
	assert_int_equal(case_reads_own(w->t.db, &w->a, &w->stranger,
					w->case_id, &reads, &n),
			 NARA_EDENIED);
	/* Each attempt is in the log, flagged for review. */
	assert_int_equal(audit_count(w->t.db, "flagged"), flagged + 4);
	/* These are the person's doors, not staff's. */
	assert_int_equal(
	    case_subscribe_own(w->t.db, &w->officer, w->case_id, &version),
	    NARA_EDENIED);
	assert_int_equal(
	    case_reads_own(w->t.db, &w->a, &w->officer, w->case_id, &reads, &n),
	    NARA_EDENIED);
	assert_int_equal(case_export_own(w->t.db, &w->a, &w->officer,
					 w->case_id, w->now, &v),
			 NARA_EDENIED);
	/* No such case. */
	assert_int_equal(
	    case_subscribe_own(w->t.db, &w->person, 999999, &version),
	    NARA_ENOTFOUND);
}

static void test_each_use_is_audited_as_what_it_is(void **state)
{
	struct world *w = world(state);
	struct db *db = w->t.db;
	int64_t reads = audit_count(db, "read_own");
	int64_t version = 0, current = 0;
	assert_int_equal(
	    case_subscribe_own(db, &w->person, w->case_id, &version), NARA_OK);
	assert_int_equal(case_version(db, w->case_id, &current), NARA_OK);
	assert_int_equal(version, current);
	/* A subscription is not a read: it reads nothing of the file. */
	assert_int_equal(audit_count(db, "subscribe_own"), 1);
	assert_int_equal(audit_count(db, "read_own"), reads);

	struct case_view v;
	assert_int_equal(
	    case_export_own(db, &w->a, &w->person, w->case_id, w->now, &v),
	    NARA_OK);
	assert_released_only(&v);
	assert_int_equal(audit_count(db, "export_own"), 1);
	assert_int_equal(audit_count(db, "read_own"), reads);
	/* The chain holds after all of it. */
	int64_t rows = 0, bad = 0;
	assert_int_equal(audit_verify(db, &rows, &bad), NARA_OK);
}

static void test_who_has_read_the_case(void **state)
{
	struct world *w = world(state);
	struct case_read_log *reads;
	size_t n;
	assert_int_equal(
	    case_reads_own(w->t.db, &w->a, &w->person, w->case_id, &reads, &n),
	    NARA_OK);
	/* The demo's case officer read it once. */
	assert_int_equal(n, 1);
	assert_string_equal(reads[0].municipality_name, "Helsingborg");
	assert_string_equal(reads[0].unit_name, "Vuxen");
	/* Another staff read is listed, newest first; the person's own are not.
	 */
	struct case_view v;
	assert_int_equal(
	    case_read(w->t.db, &w->a, &w->officer, w->case_id, w->now, &v),
	    NARA_OK);
	assert_int_equal(
	    case_read_own(w->t.db, &w->a, &w->person, w->case_id, w->now, &v),
	    NARA_OK);
	assert_int_equal(
	    case_reads_own(w->t.db, &w->a, &w->person, w->case_id, &reads, &n),
	    NARA_OK);
	assert_int_equal(n, 2);
	assert_true(reads[0].at >= reads[1].at);
}

/* R2.1: the person says a note is wrong; staff see it in their worklist. */
static void test_an_objection_reaches_the_worklist(void **state)
{
	struct world *w = world(state);
	struct case_view v;
	assert_int_equal(
	    case_read_own(w->t.db, &w->a, &w->person, w->case_id, w->now, &v),
	    NARA_OK);
	const struct journal_note_view *call =
	    find_note(&v, "svårt att klara vardagen");
	struct journal_new n = {.case_id = w->case_id,
				.body = "Vi sågs hemma, inte på kontoret.",
				.objection = 1,
				.corrects_id = call->id};
	const char *why = NULL;
	int64_t id = 0;
	assert_int_equal(
	    journal_add(w->t.db, &w->person, &n, w->now + 60, &id, &why),
	    NARA_OK);
	/* A withheld note cannot be named: it does not exist, for the person.
	 */
	struct case_view all;
	assert_int_equal(
	    case_read(w->t.db, &w->a, &w->officer, w->case_id, w->now, &all),
	    NARA_OK);
	n.corrects_id = find_note(&all, "Karin Lindqvist")->id;
	assert_int_equal(
	    journal_add(w->t.db, &w->person, &n, w->now + 61, &id, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "journal.error.target");

	struct case_filter f = {0};
	struct case_summary *list;
	size_t count;
	assert_int_equal(case_worklist(w->t.db, &w->a, &w->officer, &f,
				       w->now + 120, &list, &count),
			 NARA_OK);
	size_t i = 0;
	while (i < count && list[i].id != w->case_id)
		i++;
	assert_true(i < count);
	assert_int_equal(list[i].objections, 1);
	/* And the person sees their objection linked to the note. */
	assert_int_equal(case_read_own(w->t.db, &w->a, &w->person, w->case_id,
				       w->now + 120, &v),
			 NARA_OK);
	const struct journal_note_view *mine = find_note(&v, "Vi sågs hemma");
	assert_non_null(mine);
	assert_string_equal(mine->kind, "citizen_objection");
	assert_int_equal(mine->corrects_id, call->id);
}

/*
 * A child's case opened by a private reporter: the reporter's name and
 * the report's text stay out of the child's read, export and list.
 */
static void test_a_reporter_stays_unknown(void **state)
{
	struct world *w = world(state);
	struct db *db = w->t.db;
	struct db_stmt *st;
	assert_int_equal(
	    db_prepare(db,
		       "SELECT p.personnummer FROM person p JOIN"
		       " municipality m ON m.id = p.municipality_id"
		       " WHERE m.slug = 'bjuv' AND"
		       " p.protected_identity = 0 ORDER BY p.id"
		       " LIMIT 1",
		       &st),
	    NARA_OK);
	assert_int_equal(db_step(st), DB_ROW);
	char pnr[13];
	snprintf(pnr, sizeof(pnr), "%s", db_col_text(st, 0));
	db_done(st);
	struct report_new r = {
	    .municipality_slug = "bjuv",
	    .child_name = "Demo Barn",
	    .child_personnummer = pnr,
	    .reporter_kind = "private",
	    .reporter_name = "Greta Grannsdotter",
	    .reporter_phone = "070-1740699",
	    .concern = "Jag hör skrik från lägenheten varje kväll.",
	};
	char receipt[REPORT_RECEIPT_LEN + 1];
	int64_t case_id = 0;
	const char *why = NULL;
	assert_int_equal(
	    report_submit(db, &w->a, &r, w->now, receipt, &case_id, &why),
	    NARA_OK);
	struct actor child;
	access_citizen(pnr, &child);
	struct case_view v;
	assert_int_equal(
	    case_export_own(db, &w->a, &child, case_id, w->now, &v), NARA_OK);
	assert_int_equal(v.nreports, 0);
	assert_null(find_note(&v, "skrik"));
	assert_null(find_note(&v, "Greta"));
	for (size_t i = 0; i < v.nevents; i++) {
		assert_null(strstr(v.events[i].actor_label, "Greta"));
		assert_null(strstr(v.events[i].reason, "Greta"));
	}
	int64_t version = 0;
	assert_int_equal(case_subscribe_own(db, &child, case_id, &version),
			 NARA_OK);
	assert_true(version >= 1);
}

/* Every test on one engine, as the group's list. */
#define EACH(setup_fn)                                                         \
	{                                                                      \
	    cmocka_unit_test_setup_teardown(                                   \
		test_the_person_reads_what_is_released, setup_fn, teardown),   \
	    cmocka_unit_test_setup_teardown(test_others_are_refused, setup_fn, \
					    teardown),                         \
	    cmocka_unit_test_setup_teardown(                                   \
		test_each_use_is_audited_as_what_it_is, setup_fn, teardown),   \
	    cmocka_unit_test_setup_teardown(test_who_has_read_the_case,        \
					    setup_fn, teardown),               \
	    cmocka_unit_test_setup_teardown(test_a_reporter_stays_unknown,     \
					    setup_fn, teardown),               \
	    cmocka_unit_test_setup_teardown(                                   \
		test_an_objection_reaches_the_worklist, setup_fn, teardown),   \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = EACH(setup_sqlite);
	const struct CMUnitTest pg_tests[] = EACH(setup_pg);
	int failed = cmocka_run_group_tests_name("mycase/sqlite", sqlite_tests,
						 NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("mycase/postgresql",
						      pg_tests, NULL, NULL);
	return failed;
}
