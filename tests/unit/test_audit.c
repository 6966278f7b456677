/*
 * The hash-chained audit log (src/domain/audit.c), on SQLite in a temporary
 * file and on PostgreSQL when NARA_TEST_PG_URL is set (scripts/test.sh
 * always sets it). Every test gets a database of its own: a fresh file, or
 * a fresh schema, so a tampered chain never leaks into the next test and
 * parallel runs never meet.
 *
 * What is shown: appends chain, and only inside a transaction; a rolled
 * back transaction takes its audit row with it; the guard triggers refuse
 * UPDATE and DELETE; with the guard gone, an edit of any field, a deleted
 * row in the middle and a deleted last row are each found, at the right
 * id; concurrent writers on separate connections never fork the chain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "db/db.h"
#include "domain/audit.h"

struct fixture {
	struct db *db;
	int pg;
	char url[512];   /* for extra connections */
	char schema[64]; /* PostgreSQL: the schema of this test */
	char path[96];   /* SQLite: the file of this test */
};

static const char *pg_url(void)
{
	const char *url = getenv("NARA_TEST_PG_URL");
	return url != NULL && *url != '\0' ? url : NULL;
}

/* Another connection to the fixture's database, in its schema. */
static enum nara_err connect_again(const struct fixture *f, struct db **out)
{
	enum nara_err err = db_open(f->url, out);
	if (err != NARA_OK || !f->pg)
		return err;
	char sql[128];
	snprintf(sql, sizeof(sql), "SET search_path TO %s", f->schema);
	return db_exec_script(*out, sql);
}

static int setup_sqlite(void **state)
{
	static int serial;
	struct fixture *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "/tmp/nara-test-audit-%d-%d.db",
		 (int)getpid(), ++serial);
	unlink(f->path);
	snprintf(f->url, sizeof(f->url), "sqlite:%s", f->path);
	if (db_open(f->url, &f->db) != NARA_OK || db_migrate(f->db, 0) != NARA_OK) {
		fprintf(stderr, "sqlite setup: %s\n", f->db ? db_errmsg(f->db) : "");
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown_sqlite(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	char p[128];
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static int setup_pg(void **state)
{
	static int serial;
	struct fixture *f = calloc(1, sizeof(*f));
	if (f == NULL || pg_url() == NULL)
		return -1;
	f->pg = 1;
	snprintf(f->url, sizeof(f->url), "%s", pg_url());
	/* Unique per process, test and moment: parallel runs share a server. */
	snprintf(f->schema, sizeof(f->schema), "t_audit_%d_%d_%ld", (int)getpid(),
		 ++serial, (long)time(NULL) % 100000);
	char sql[192];
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s; SET search_path TO %s",
		 f->schema, f->schema);
	if (db_open(f->url, &f->db) != NARA_OK ||
	    db_exec_script(f->db, sql) != NARA_OK ||
	    db_migrate(f->db, 0) != NARA_OK) {
		fprintf(stderr, "pg setup: %s\n", f->db ? db_errmsg(f->db) : "");
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown_pg(void **state)
{
	struct fixture *f = *state;
	char sql[128];
	snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->schema);
	db_exec_script(f->db, sql);
	db_close(f->db);
	free(f);
	return 0;
}

static struct fixture *F(void **state) { return *state; }

/*
 * Row i of the test chain. Fields vary with i so that NULL ids, empty and
 * missing reasons, flags and both actor kinds all occur.
 */
static struct audit_entry entry(int i, char reason[32])
{
	snprintf(reason, 32, "skäl %d", i);
	return (struct audit_entry){
		.actor_kind = (i % 5) ? "staff" : "system",
		.actor_id = (i % 5) ? i : 0,
		.actor_label = (i % 5) ? "Anna Andersson" : "nara",
		.municipality_id = (i % 3) ? 1 + i % 11 : 0,
		.agreement_id = (i % 4 == 0) ? 7 : 0,
		.action = (i % 3) ? "read" : "update",
		.record_kind = "person",
		.record_id = i,
		.person_id = (i % 6) ? i % 9 : 0,
		.reason = (i % 4 == 1) ? NULL : reason,
		.flagged = i % 7 == 0,
		.request_id = (i % 2) ? "req-abc" : NULL,
		.at = 1790000000 + i,
	};
}

/* Appends rows first..last, a few to a transaction as a page would. */
static void append_range(struct db *db, int first, int last)
{
	for (int i = first; i <= last;) {
		assert_int_equal(db_begin(db), NARA_OK);
		for (int k = 0; k < 1 + i % 3 && i <= last; k++, i++) {
			char reason[32];
			struct audit_entry e = entry(i, reason);
			assert_int_equal(audit_append(db, &e), NARA_OK);
		}
		assert_int_equal(db_commit(db), NARA_OK);
	}
}

/* Takes the guard away, as someone with the database's own rights could. */
static void unguard(struct fixture *f)
{
	if (f->pg)
		assert_int_equal(db_exec_script(f->db, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"), NARA_OK);
	else
		assert_int_equal(db_exec_script(f->db, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"), NARA_OK);
}

static void expect_intact(struct db *db, int64_t rows)
{
	int64_t checked = -1, bad = -1;
	assert_int_equal(audit_verify(db, &checked, &bad), NARA_OK);
	assert_int_equal(checked, rows);
	assert_int_equal(bad, 0);
}

static void expect_broken_at(struct db *db, int64_t id)
{
	int64_t checked = -1, bad = -1;
	assert_int_equal(audit_verify(db, &checked, &bad), NARA_EINTEGRITY);
	assert_int_equal(bad, id);
	assert_int_equal(checked, id - 1);
}

static void test_append_and_verify(void **state)
{
	struct db *db = F(state)->db;
	expect_intact(db, 0);
	append_range(db, 1, 50);
	expect_intact(db, 50);

	/* Ids run 1..50 and each row names the hash of the one before. */
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n,
		"SELECT count(*) FROM audit_log a JOIN audit_log b ON b.id = a.id - 1"
		" WHERE a.prev_hash = b.hash", ""), NARA_OK);
	assert_int_equal(n, 49);
	assert_int_equal(db_query_int(db, &n, "SELECT last_id FROM audit_head WHERE id = 1", ""), NARA_OK);
	assert_int_equal(n, 50);
	assert_int_equal(db_query_int(db, &n,
		"SELECT count(*) FROM audit_log l JOIN audit_head h ON h.last_hash = l.hash"
		" WHERE l.id = 50", ""), NARA_OK);
	assert_int_equal(n, 1);

	/* Zero ids are stored as NULL, and a missing reason as ''. */
	assert_int_equal(db_query_int(db, &n,
		"SELECT count(*) FROM audit_log WHERE id = 5 AND actor_id IS NULL"
		" AND person_id = 5 AND reason = '' AND request_id = 'req-abc'", ""), NARA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db_query_int(db, &n,
		"SELECT count(*) FROM audit_log WHERE id = 12 AND person_id IS NULL"
		" AND agreement_id = 7 AND request_id = ''", ""), NARA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db_query_int(db, &n,
		"SELECT count(*) FROM audit_log WHERE id = 14 AND reason = 'skäl 14'"
		" AND actor_id = 14 AND municipality_id = 4", ""), NARA_OK);
	assert_int_equal(n, 1);

	/* at = 0 is now. */
	int64_t before = (int64_t)time(NULL);
	assert_int_equal(db_begin(db), NARA_OK);
	struct audit_entry e = {.actor_kind = "system", .actor_label = "nara",
				.action = "create", .record_kind = "test"};
	assert_int_equal(audit_append(db, &e), NARA_OK);
	assert_int_equal(db_commit(db), NARA_OK);
	assert_int_equal(db_query_int(db, &n, "SELECT at FROM audit_log WHERE id = 51", ""), NARA_OK);
	assert_true(n >= before && n <= (int64_t)time(NULL));
	expect_intact(db, 51);
}

static void test_append_needs_transaction(void **state)
{
	struct db *db = F(state)->db;
	append_range(db, 1, 5);
	char reason[32];
	struct audit_entry e = entry(6, reason);

	/* On its own it would be a row without the work it records. */
	assert_int_equal(audit_append(db, &e), NARA_EINVAL);
	/* The fields the schema needs must be there. */
	struct audit_entry missing = e;
	missing.action = NULL;
	assert_int_equal(db_begin(db), NARA_OK);
	assert_int_equal(audit_append(db, &missing), NARA_EINVAL);
	/* Work rolled back takes its audit row with it, and the head too. */
	assert_int_equal(audit_append(db, &e), NARA_OK);
	db_rollback(db);
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, "SELECT count(*) FROM audit_log", ""), NARA_OK);
	assert_int_equal(n, 5);
	expect_intact(db, 5);
	/* The chain goes on from where it was. */
	append_range(db, 6, 8);
	expect_intact(db, 8);
}

static void test_guard_refuses_changes(void **state)
{
	struct db *db = F(state)->db;
	append_range(db, 1, 10);
	assert_int_not_equal(db_run(db, "UPDATE audit_log SET reason = 'x' WHERE id = ?", "i", (int64_t)3), NARA_OK);
	assert_int_not_equal(db_run(db, "DELETE FROM audit_log WHERE id = ?", "i", (int64_t)3), NARA_OK);
	assert_int_not_equal(db_run(db, "DELETE FROM audit_log", ""), NARA_OK);
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, "SELECT count(*) FROM audit_log WHERE reason = 'x'", ""), NARA_OK);
	assert_int_equal(n, 0);
	expect_intact(db, 10);
}

/*
 * Each edit is found at the row edited, then undone, after which the chain
 * is whole again: so each column is covered by the hash, NULL is told from
 * 0 and '' from ' '. The hash and prev_hash columns are edits too.
 */
static void test_edit_any_field_is_found(void **state)
{
	struct fixture *f = F(state);
	struct db *db = f->db;
	append_range(db, 1, 50);
	unguard(f);

	assert_int_equal(db_run(db, "UPDATE audit_log SET reason = 'inget att se här' WHERE id = ?", "i", (int64_t)23), NARA_OK);
	expect_broken_at(db, 23);
	assert_int_equal(db_run(db, "UPDATE audit_log SET reason = 'skäl 23' WHERE id = 23", ""), NARA_OK);
	expect_intact(db, 50);

	static const struct {
		int64_t id;
		const char *edit, *undo;
	} edits[] = {
		{2, "UPDATE audit_log SET at = at + 1 WHERE id = 2",
		 "UPDATE audit_log SET at = at - 1 WHERE id = 2"},
		{3, "UPDATE audit_log SET actor_kind = 'system' WHERE id = 3",
		 "UPDATE audit_log SET actor_kind = 'staff' WHERE id = 3"},
		{4, "UPDATE audit_log SET actor_id = 5 WHERE id = 4",
		 "UPDATE audit_log SET actor_id = 4 WHERE id = 4"},
		{5, "UPDATE audit_log SET actor_id = 0 WHERE id = 5",
		 "UPDATE audit_log SET actor_id = NULL WHERE id = 5"},
		{7, "UPDATE audit_log SET actor_label = 'Anna Anderson' WHERE id = 7",
		 "UPDATE audit_log SET actor_label = 'Anna Andersson' WHERE id = 7"},
		{8, "UPDATE audit_log SET municipality_id = 2 WHERE id = 8",
		 "UPDATE audit_log SET municipality_id = 9 WHERE id = 8"},
		{9, "UPDATE audit_log SET municipality_id = 0 WHERE id = 9",
		 "UPDATE audit_log SET municipality_id = NULL WHERE id = 9"},
		{12, "UPDATE audit_log SET agreement_id = NULL WHERE id = 12",
		 "UPDATE audit_log SET agreement_id = 7 WHERE id = 12"},
		{14, "UPDATE audit_log SET action = 'create' WHERE id = 14",
		 "UPDATE audit_log SET action = 'read' WHERE id = 14"},
		{16, "UPDATE audit_log SET record_kind = 'case' WHERE id = 16",
		 "UPDATE audit_log SET record_kind = 'person' WHERE id = 16"},
		{17, "UPDATE audit_log SET record_id = NULL WHERE id = 17",
		 "UPDATE audit_log SET record_id = 17 WHERE id = 17"},
		{18, "UPDATE audit_log SET person_id = 0 WHERE id = 18",
		 "UPDATE audit_log SET person_id = NULL WHERE id = 18"},
		{19, "UPDATE audit_log SET person_id = 2 WHERE id = 19",
		 "UPDATE audit_log SET person_id = 1 WHERE id = 19"},
		{21, "UPDATE audit_log SET reason = ' ' WHERE id = 21",
		 "UPDATE audit_log SET reason = '' WHERE id = 21"},
		{28, "UPDATE audit_log SET flagged = 0 WHERE id = 28",
		 "UPDATE audit_log SET flagged = 1 WHERE id = 28"},
		{30, "UPDATE audit_log SET request_id = 'req-abc' WHERE id = 30",
		 "UPDATE audit_log SET request_id = '' WHERE id = 30"},
		{31, "UPDATE audit_log SET hash = prev_hash WHERE id = 31", NULL},
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		assert_int_equal(db_run(db, edits[i].edit, ""), NARA_OK);
		int64_t checked = -1, bad = -1;
		enum nara_err err = audit_verify(db, &checked, &bad);
		if (err != NARA_EINTEGRITY || bad != edits[i].id)
			fail_msg("'%s': verify gave %d at %lld", edits[i].edit, err, (long long)bad);
		if (edits[i].undo == NULL)
			break;
		assert_int_equal(db_run(db, edits[i].undo, ""), NARA_OK);
		expect_intact(db, 50);
	}
}

/* A copied hash hides nothing: the row after it no longer links. */
static void test_relinked_row_is_found(void **state)
{
	struct fixture *f = F(state);
	append_range(f->db, 1, 20);
	unguard(f);
	assert_int_equal(db_run(f->db, "UPDATE audit_log SET prev_hash = (SELECT prev_hash FROM audit_log WHERE id = 9) WHERE id = 10", ""), NARA_OK);
	expect_broken_at(f->db, 10);
}

static void test_deleted_middle_row_is_found(void **state)
{
	struct fixture *f = F(state);
	append_range(f->db, 1, 50);
	unguard(f);
	assert_int_equal(db_run(f->db, "DELETE FROM audit_log WHERE id = ?", "i", (int64_t)25), NARA_OK);
	expect_broken_at(f->db, 25);
}

static void test_deleted_first_row_is_found(void **state)
{
	struct fixture *f = F(state);
	append_range(f->db, 1, 10);
	unguard(f);
	assert_int_equal(db_run(f->db, "DELETE FROM audit_log WHERE id = 1", ""), NARA_OK);
	expect_broken_at(f->db, 1);
}

static void test_deleted_tail_is_found(void **state)
{
	struct fixture *f = F(state);
	append_range(f->db, 1, 50);
	unguard(f);
	/* Every row left is intact: only the head knows there were 50. */
	assert_int_equal(db_run(f->db, "DELETE FROM audit_log WHERE id = ?", "i", (int64_t)50), NARA_OK);
	expect_broken_at(f->db, 50);
	assert_int_equal(db_run(f->db, "DELETE FROM audit_log WHERE id > 40", ""), NARA_OK);
	expect_broken_at(f->db, 41);
	/* The whole log gone: the head still says 50. */
	assert_int_equal(db_run(f->db, "DELETE FROM audit_log", ""), NARA_OK);
	expect_broken_at(f->db, 1);
}

/* Writers on their own connections, as the server's threads are. */
enum { WRITERS = 4, APPENDS = 25 };

struct writer {
	const struct fixture *f;
	int index;
	int appended;
	enum nara_err err;
};

static void *write_many(void *arg)
{
	struct writer *w = arg;
	struct db *db = NULL;
	w->err = connect_again(w->f, &db);
	for (int i = 0; w->err == NARA_OK && i < APPENDS;) {
		char label[32];
		snprintf(label, sizeof(label), "skribent %d", w->index);
		struct audit_entry e = {
			.actor_kind = "staff", .actor_id = w->index + 1,
			.actor_label = label, .action = "read",
			.record_kind = "person", .record_id = i + 1,
		};
		enum nara_err err = db_begin(db);
		if (err == NARA_OK)
			err = audit_append(db, &e);
		if (err == NARA_OK)
			err = db_commit(db);
		else if (db_in_tx(db))
			db_rollback(db);
		if (err == NARA_OK) {
			i++;
			w->appended++;
		} else if (err != NARA_EDBDOWN && err != NARA_ECONFLICT) {
			/* Busy or serialisation failures are retried; not others. */
			w->err = err;
		}
	}
	db_close(db);
	return NULL;
}

static void test_concurrent_writers_never_fork(void **state)
{
	struct fixture *f = F(state);
	pthread_t threads[WRITERS];
	struct writer w[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){.f = f, .index = i};
		assert_int_equal(pthread_create(&threads[i], NULL, write_many, &w[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_join(threads[i], NULL), 0);
	for (int i = 0; i < WRITERS; i++) {
		assert_int_equal(w[i].err, NARA_OK);
		assert_int_equal(w[i].appended, APPENDS);
	}
	expect_intact(f->db, WRITERS * APPENDS);
}

#define AUDIT_TESTS(setup, teardown)                                                    \
	cmocka_unit_test_setup_teardown(test_append_and_verify, setup, teardown),       \
	cmocka_unit_test_setup_teardown(test_append_needs_transaction, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_guard_refuses_changes, setup, teardown),   \
	cmocka_unit_test_setup_teardown(test_edit_any_field_is_found, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_relinked_row_is_found, setup, teardown),   \
	cmocka_unit_test_setup_teardown(test_deleted_middle_row_is_found, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_deleted_first_row_is_found, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_deleted_tail_is_found, setup, teardown),   \
	cmocka_unit_test_setup_teardown(test_concurrent_writers_never_fork, setup, teardown)

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {AUDIT_TESTS(setup_sqlite, teardown_sqlite)};
	const struct CMUnitTest pg_tests[] = {AUDIT_TESTS(setup_pg, teardown_pg)};
	int failed = cmocka_run_group_tests_name("audit/sqlite", sqlite_tests, NULL, NULL);
	if (pg_url() != NULL)
		failed += cmocka_run_group_tests_name("audit/postgresql", pg_tests, NULL, NULL);
	else
		fprintf(stderr, "NARA_TEST_PG_URL is not set: audit/postgresql skipped\n");
	return failed ? 1 : 0;
}
