/*
 * The demo cases (src/domain/demo_cases.c) on both engines, placed around
 * a fixed clock: every case officer's worklist has something overdue,
 * something due soon and something on time, there is a case with a long
 * journal and one with the young person's objection, every change is in
 * the audit log with the chain intact, a second run adds nothing, and
 * the same clock gives the same cases. demo_fill alone makes none (the
 * other tests rely on an empty case table).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "domain/access.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "fixture.h"

/* 2026-03-04 10:30 in Stockholm, a Wednesday. */
static const int64_t NOW = 1772616600;

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, sql, ""), NARA_OK);
	return n;
}

/* FNV-1a over the cases and notes in id order: equal cases, equal digest. */
static uint64_t digest(struct db *db)
{
	static const char *const queries[] = {
	    "SELECT reference || '|' || state || '|' || received_at || '|' ||"
	    " COALESCE(investigation_due, 0) || '|' || version FROM case_file"
	    " ORDER BY id",
	    "SELECT case_id || '|' || written_at || '|' || body || '|' ||"
	    " visibility FROM journal_note ORDER BY id",
	    "SELECT case_id || '|' || at || '|' || action FROM case_event"
	    " ORDER BY id",
	};
	uint64_t h = 1469598103934665603ull;
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		struct db_stmt *st;
		assert_int_equal(db_prepare(db, queries[q], &st), NARA_OK);
		while (db_step(st) == DB_ROW) {
			const char *s = db_col_text(st, 0);
			for (size_t i = 0; i <= db_col_len(st, 0); i++)
				h = (h ^ (unsigned char)(i < db_col_len(st, 0)
							     ? s[i]
							     : '\n')) *
				    1099511628211ull;
		}
		db_done(st);
	}
	return h;
}

static void worklist_has_every_clock_state(struct db *db, const char *username)
{
	struct arena a;
	arena_init(&a, 0);
	int64_t id;
	assert_int_equal(
	    db_query_int(db, &id,
			 "SELECT id FROM staff_user WHERE username = ?", "s",
			 username),
	    NARA_OK);
	struct actor who;
	assert_int_equal(access_load_staff(db, &a, id, &who), NARA_OK);
	struct case_filter f = {0};
	struct case_summary *list;
	size_t n;
	assert_int_equal(case_worklist(db, &a, &who, &f, NOW, &list, &n),
			 NARA_OK);
	int overdue = 0, soon = 0, running = 0, calm = 0, objections = 0;
	for (size_t i = 0; i < n; i++) {
		const struct case_clock *c[] = {&list[i].protection,
						&list[i].preliminary,
						&list[i].investigation};
		int alert = 0;
		for (size_t k = 0; k < 3; k++) {
			overdue += c[k]->state == CLOCK_OVERDUE;
			soon += c[k]->state == CLOCK_DUE_SOON;
			running +=
			    c[k]->due != 0 && c[k]->state == CLOCK_RUNNING;
			alert |= c[k]->state == CLOCK_OVERDUE ||
				 c[k]->state == CLOCK_DUE_SOON;
		}
		/* A row whose clock runs and nothing is late: on time. */
		calm +=
		    !alert && (list[i].preliminary.state == CLOCK_RUNNING ||
			       list[i].investigation.state == CLOCK_RUNNING);
		objections += list[i].objections;
	}
	if (overdue == 0 || soon == 0 || running == 0 || calm == 0 ||
	    objections == 0)
		fail_msg("%s: %zu cases, %d overdue, %d due soon, %d running,"
			 " %d on time, %d objections",
			 username, n, overdue, soon, running, calm, objections);
	arena_free(&a);
}

static void run(const char *engine)
{
	struct test_db t;
	assert_int_equal(test_db_open(&t, engine, "democases"), 0);
	assert_int_equal(demo_fill(t.db, 0, NULL, NULL), NARA_OK);
	assert_int_equal(count(t.db, "SELECT COUNT(*) FROM case_file"), 0);
	assert_int_equal(demo_fill_at(t.db, 0, NOW, NULL, NULL), NARA_OK);

	/* A handful in each of the eleven. */
	assert_int_equal(
	    count(t.db,
		  "SELECT COUNT(DISTINCT municipality_id) FROM case_file"),
	    11);
	assert_true(count(t.db, "SELECT COUNT(*) FROM case_file") >= 11 * 9);
	static const char *const officers[] = {"bjuv.handlaggare",
					       "helsingborg.handlaggare",
					       "orkelljunga.handlaggare"};
	for (size_t i = 0; i < sizeof(officers) / sizeof(officers[0]); i++)
		worklist_has_every_clock_state(t.db, officers[i]);
	/* A long journal, and the journey's every step on its timeline. */
	assert_true(count(t.db, "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM"
				" journal_note GROUP BY case_id) x") >= 10);
	assert_int_equal(count(t.db,
			       "SELECT COUNT(DISTINCT c.municipality_id) FROM"
			       " case_file c JOIN case_event e ON e.case_id ="
			       " c.id WHERE e.action = 'extend'"),
			 11);
	assert_int_equal(count(t.db,
			       "SELECT COUNT(*) FROM case_file WHERE state ="
			       " 'intervention'"),
			 11);
	/* Nothing made a person the demo did not mark as fictitious. */
	assert_int_equal(
	    count(t.db, "SELECT COUNT(*) FROM person WHERE fictitious <> 1"),
	    0);
	/* Every change went through the domain: audited, chain intact. */
	assert_true(count(t.db, "SELECT COUNT(*) FROM audit_log WHERE action ="
				" 'case.decide'") >= 22);
	int64_t rows = -1, bad = -1;
	assert_int_equal(audit_verify(t.db, &rows, &bad), NARA_OK);

	/* A second run adds nothing; the same clock gives the same cases. */
	uint64_t before = digest(t.db);
	int64_t log = count(t.db, "SELECT COUNT(*) FROM audit_log");
	assert_int_equal(demo_fill_at(t.db, 0, NOW + 86400, NULL, NULL),
			 NARA_OK);
	assert_true(digest(t.db) == before);
	assert_int_equal(count(t.db, "SELECT COUNT(*) FROM audit_log"), log);
	struct test_db other;
	assert_int_equal(test_db_open(&other, engine, "democases"), 0);
	assert_int_equal(demo_fill_at(other.db, 0, NOW, NULL, NULL), NARA_OK);
	assert_true(digest(other.db) == before);
	test_db_close(&other);
	test_db_close(&t);
}

static void test_sqlite(void **state)
{
	(void)state;
	run("sqlite");
}

static void test_pg(void **state)
{
	(void)state;
	run("pg");
}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
	    cmocka_unit_test(test_sqlite)};
	const struct CMUnitTest pg_tests[] = {cmocka_unit_test(test_pg)};
	int failed = cmocka_run_group_tests_name("demo_cases/sqlite",
						 sqlite_tests, NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("demo_cases/postgresql",
						      pg_tests, NULL, NULL);
	return failed;
}
