/*
 * The storage layer, the audit chain and the demo, on SQLite (a temporary
 * file) and on PostgreSQL (NARA_TEST_PG_URL, a throwaway server started by
 * scripts/test.sh; each run works in a schema of its own). The same tests
 * run against both engines: behaviour must be identical.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db/db.h"
#include "domain/audit.h"
#include "domain/demo.h"
#include "domain/person.h"

struct fixture {
	struct db *db;
	char path[64];
};

static int open_sqlite(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "/tmp/nara-unit-%d-%p.db", (int)getpid(), (void *)f);
	char url[96];
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	if (db_open(url, &f->db) != NARA_OK || db_migrate(f->db, 0) != NARA_OK)
		return -1;
	*state = f;
	return 0;
}

static int close_sqlite(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	char p[80];
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static int open_pg(void **state)
{
	const char *url = getenv("NARA_TEST_PG_URL");
	if (url == NULL || *url == '\0')
		return -1;
	struct fixture *f = calloc(1, sizeof(*f));
	if (db_open(url, &f->db) != NARA_OK)
		return -1;
	/* A schema of our own, so these tests never meet the integration tests' data. */
	snprintf(f->path, sizeof(f->path), "unit_%d_%u", (int)getpid(), (unsigned)(uintptr_t)f % 100000);
	char sql[256];
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s; SET search_path TO %s", f->path, f->path);
	if (db_exec_script(f->db, sql) != NARA_OK || db_migrate(f->db, 0) != NARA_OK) {
		fprintf(stderr, "pg setup: %s\n", db_errmsg(f->db));
		return -1;
	}
	*state = f;
	return 0;
}

static int close_pg(void **state)
{
	struct fixture *f = *state;
	char sql[96];
	snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->path);
	db_exec_script(f->db, sql);
	db_close(f->db);
	free(f);
	return 0;
}

static struct db *DB(void **state) { return ((struct fixture *)*state)->db; }

static void test_binds_and_rows(void **state)
{
	struct db *db = DB(state);
	assert_int_equal(db_exec_script(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, n BIGINT)"), NARA_OK);
	int64_t id = 0;
	assert_int_equal(db_query_int(db, &id, "INSERT INTO t (id, s, n) VALUES (?, ?, ?) RETURNING id",
				      "isi", (int64_t)7, "Åsa's \"café\" ?", (int64_t)-5), NARA_OK);
	assert_int_equal(id, 7);
	assert_int_equal(db_run(db, "INSERT INTO t (id, s, n) VALUES (?, ?, ?)", "isn", (int64_t)8, "x"), NARA_OK);
	struct db_stmt *st;
	assert_int_equal(db_prepare(db, "SELECT id, s, n, '?' FROM t WHERE id >= ? ORDER BY id", &st), NARA_OK);
	db_bind_int(st, 1, 7);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 7);
	assert_string_equal(db_col_text(st, 1), "Åsa's \"café\" ?");
	assert_int_equal(db_col_len(st, 1), strlen("Åsa's \"café\" ?"));
	assert_int_equal(db_col_int(st, 2), -5);
	assert_string_equal(db_col_text(st, 3), "?");
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_is_null(st, 2));
	assert_string_equal(db_col_text(st, 2), "");
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	/* The same SQL again comes from the cache and binds afresh. */
	assert_int_equal(db_prepare(db, "SELECT id, s, n, '?' FROM t WHERE id >= ? ORDER BY id", &st), NARA_OK);
	db_bind_int(st, 1, 8);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 8);
	db_done(st);
	assert_int_equal(db_query_int(db, &id, "SELECT id FROM t WHERE id = ?", "i", (int64_t)99), NARA_ENOTFOUND);
	assert_int_equal(db_exec_script(db, "DROP TABLE t"), NARA_OK);
}

static void test_transactions(void **state)
{
	struct db *db = DB(state);
	assert_int_equal(db_exec_script(db, "CREATE TABLE tx (k TEXT PRIMARY KEY)"), NARA_OK);
	assert_int_equal(db_begin(db), NARA_OK);
	assert_true(db_in_tx(db));
	assert_int_equal(db_run(db, "INSERT INTO tx (k) VALUES (?)", "s", "a"), NARA_OK);
	db_rollback(db);
	assert_false(db_in_tx(db));
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, "SELECT count(*) FROM tx", ""), NARA_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db_begin(db), NARA_OK);
	assert_int_equal(db_run(db, "INSERT INTO tx (k) VALUES (?)", "s", "a"), NARA_OK);
	assert_int_equal(db_commit(db), NARA_OK);
	assert_int_equal(db_query_int(db, &n, "SELECT count(*) FROM tx", ""), NARA_OK);
	assert_int_equal(n, 1);
	/* A duplicate is a conflict, and leaves what was there. */
	assert_int_equal(db_run(db, "INSERT INTO tx (k) VALUES (?)", "s", "a"), NARA_ECONFLICT);
	assert_int_equal(db_query_int(db, &n, "SELECT count(*) FROM tx", ""), NARA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db_exec_script(db, "DROP TABLE tx"), NARA_OK);
}

static struct audit_entry entry(int i)
{
	static char reason[32];
	snprintf(reason, sizeof(reason), "reason %d", i);
	return (struct audit_entry){
		.actor_kind = "staff", .actor_id = i, .actor_label = "Test Person",
		.municipality_id = 1 + i % 2, .action = (i % 3) ? "read" : "update",
		.record_kind = "person", .record_id = i, .person_id = i % 5,
		.reason = (i % 4) ? reason : NULL, .flagged = i % 7 == 0,
		.request_id = "abc", .at = 1700000000 + i,
	};
}

static void append_n(struct db *db, int n)
{
	for (int i = 1; i <= n; i++) {
		assert_int_equal(db_begin(db), NARA_OK);
		struct audit_entry e = entry(i);
		assert_int_equal(audit_append(db, &e), NARA_OK);
		assert_int_equal(db_commit(db), NARA_OK);
	}
}

static void unguard(struct db *db)
{
	if (db_engine_of(db) == DB_POSTGRES)
		assert_int_equal(db_exec_script(db, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"), NARA_OK);
	else
		assert_int_equal(db_exec_script(db, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"), NARA_OK);
}

static void test_audit_chain(void **state)
{
	struct db *db = DB(state);
	int64_t base = 0, rows, bad;
	assert_int_equal(audit_verify(db, &base, &bad), NARA_OK);
	append_n(db, 30);
	assert_int_equal(audit_verify(db, &rows, &bad), NARA_OK);
	assert_int_equal(rows, base + 30);

	/* Outside a transaction the audit row is refused: it must share one with the work. */
	struct audit_entry e = entry(1);
	assert_int_equal(audit_append(db, &e), NARA_EINVAL);

	/* The guard refuses changes through SQL. */
	assert_int_not_equal(db_run(db, "UPDATE audit_log SET reason = 'x' WHERE id = ?", "i", base + 3), NARA_OK);
	assert_int_not_equal(db_run(db, "DELETE FROM audit_log WHERE id = ?", "i", base + 3), NARA_OK);
	assert_int_equal(audit_verify(db, &rows, &bad), NARA_OK);

	/* Someone with the database drops the guard and edits a row. */
	unguard(db);
	assert_int_equal(db_run(db, "UPDATE audit_log SET reason = 'nothing to see' WHERE id = ?", "i", base + 12), NARA_OK);
	assert_int_equal(audit_verify(db, &rows, &bad), NARA_EINTEGRITY);
	assert_int_equal(bad, base + 12);
	assert_int_equal(rows, base + 11);
}

static void test_audit_delete_middle_and_tail(void **state)
{
	struct db *db = DB(state);
	int64_t base = 0, rows, bad;
	assert_int_equal(audit_verify(db, &base, &bad), NARA_OK);
	append_n(db, 10);
	unguard(db);
	/* The last row deleted (and only that): the head no longer matches. */
	assert_int_equal(db_run(db, "DELETE FROM audit_log WHERE id = ?", "i", base + 10), NARA_OK);
	assert_int_equal(audit_verify(db, &rows, &bad), NARA_EINTEGRITY);
	assert_int_equal(bad, base + 10);
	/* A row in the middle deleted: the gap shows. */
	assert_int_equal(db_run(db, "DELETE FROM audit_log WHERE id = ?", "i", base + 4), NARA_OK);
	assert_int_equal(audit_verify(db, &rows, &bad), NARA_EINTEGRITY);
	assert_int_equal(bad, base + 4);
}

static void test_person_and_demo(void **state)
{
	struct db *db = DB(state);
	assert_int_equal(demo_fill(db, 500, NULL, NULL), NARA_OK);
	int64_t n;
	assert_int_equal(db_query_int(db, &n, "SELECT count(*) FROM municipality", ""), NARA_OK);
	assert_int_equal(n, 11);
	assert_int_equal(db_query_int(db, &n, "SELECT count(*) FROM person", ""), NARA_OK);
	assert_true(n >= 11 * 20 + 500);
	int64_t persons = n;
	/* A second run adds no municipalities, only the extra persons. */
	assert_int_equal(demo_fill(db, 10, NULL, NULL), NARA_OK);
	assert_int_equal(db_query_int(db, &n, "SELECT count(*) FROM municipality", ""), NARA_OK);
	assert_int_equal(n, 11);
	assert_int_equal(db_query_int(db, &n, "SELECT count(*) FROM person", ""), NARA_OK);
	assert_int_equal(n, persons + 10);
	/* Every person has an audit row. */
	assert_int_equal(db_query_int(db, &n, "SELECT count(DISTINCT record_id) FROM audit_log WHERE record_kind = 'person'", ""), NARA_OK);
	assert_int_equal(n, persons + 10);
	int64_t rows, bad;
	assert_int_equal(audit_verify(db, &rows, &bad), NARA_OK);

	/* A bad personnummer is refused and nothing is written. */
	int64_t bjuv, id, before, after;
	assert_int_equal(db_query_int(db, &bjuv, "SELECT id FROM municipality WHERE slug = 'bjuv'", ""), NARA_OK);
	assert_int_equal(db_query_int(db, &before, "SELECT count(*) FROM audit_log", ""), NARA_OK);
	struct person_new p = {.municipality_id = bjuv, .personnummer = "19121212-1213",
			       .given_name = "Test", .family_name = "Testsson"};
	assert_int_equal(person_add(db, &p, &id), NARA_EINVAL);
	p.personnummer = "19121212-1212";
	assert_int_equal(person_add(db, &p, &id), NARA_OK);
	/* The same person twice in one municipality is a conflict; the audit row goes with it. */
	assert_int_equal(db_query_int(db, &before, "SELECT count(*) FROM audit_log", ""), NARA_OK);
	assert_int_equal(person_add(db, &p, &id), NARA_ECONFLICT);
	assert_int_equal(db_query_int(db, &after, "SELECT count(*) FROM audit_log", ""), NARA_OK);
	assert_int_equal(after, before);
	assert_int_equal(audit_verify(db, &rows, &bad), NARA_OK);
}

#define ENGINE_TESTS                                                   \
	cmocka_unit_test(test_binds_and_rows),                         \
	cmocka_unit_test(test_transactions),                           \
	cmocka_unit_test(test_person_and_demo),                        \
	cmocka_unit_test(test_audit_chain)

int main(void)
{
	/* The tail/middle deletion test wants a chain of its own. */
	const struct CMUnitTest sqlite_tests[] = {ENGINE_TESTS};
	const struct CMUnitTest sqlite_delete[] = {cmocka_unit_test(test_audit_delete_middle_and_tail)};
	const struct CMUnitTest pg_tests[] = {ENGINE_TESTS};
	const struct CMUnitTest pg_delete[] = {cmocka_unit_test(test_audit_delete_middle_and_tail)};
	int failed = 0;
	failed += cmocka_run_group_tests_name("storage/sqlite", sqlite_tests, open_sqlite, close_sqlite);
	failed += cmocka_run_group_tests_name("storage/sqlite-delete", sqlite_delete, open_sqlite, close_sqlite);
	if (getenv("NARA_TEST_PG_URL") && *getenv("NARA_TEST_PG_URL")) {
		failed += cmocka_run_group_tests_name("storage/postgresql", pg_tests, open_pg, close_pg);
		failed += cmocka_run_group_tests_name("storage/postgresql-delete", pg_delete, open_pg, close_pg);
	} else {
		/* make test always sets it; say so loudly when it is missing. */
		fprintf(stderr, "NARA_TEST_PG_URL is not set: the PostgreSQL half did not run\n");
		failed++;
	}
	return failed ? 1 : 0;
}
