/*
 * The storage interface (db.h) itself, below any domain code: binds and
 * columns, RETURNING, conflicts, transactions, the statement cache and the
 * '?' rewriting, run alike against SQLite (a temporary file) and, when
 * NARA_TEST_PG_URL names a server, against PostgreSQL. Behaviour must be the
 * same on both; the few PostgreSQL-only tests cover what only a server has:
 * E'' literals, a COMMIT after a failed statement, and reconnecting after
 * the server restarts (which needs NARA_TEST_PG_DIR, the directory of the
 * throwaway server that scripts/pg-throwaway.sh started, and is run from
 * the repository root as scripts/test.sh does).
 *
 * Every test gets a database of its own: a new SQLite file, or a new
 * PostgreSQL schema. The schema is chosen through the URL's options
 * (search_path) rather than with SET, so that it survives a reconnect and
 * a second connection opened from the same URL sees the same tables.
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

struct fixture {
	struct db *db;
	char url[1024];  /* what db was opened with */
	char path[128];  /* SQLite: the file */
	char schema[64]; /* PostgreSQL: the schema of this test */
};

static unsigned fixture_seq;

static struct db *DB(void **state) { return ((struct fixture *)*state)->db; }

/* ---- fixtures ---- */

static void unlink_sqlite(const char *path)
{
	char p[160];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static int setup_sqlite(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "/tmp/nara-test-db-%d-%u.db",
		 (int)getpid(), ++fixture_seq);
	unlink_sqlite(f->path);
	snprintf(f->url, sizeof(f->url), "sqlite:%s", f->path);
	if (db_open(f->url, &f->db) != NARA_OK) {
		fprintf(stderr, "sqlite open: %s\n",
			f->db ? db_errmsg(f->db) : "?");
		db_close(f->db);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown_sqlite(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	unlink_sqlite(f->path);
	free(f);
	return 0;
}

/* Runs one statement on a short-lived connection to the base URL. */
static int pg_admin(const char *sql)
{
	struct db *db = NULL;
	enum nara_err err = db_open(getenv("NARA_TEST_PG_URL"), &db);
	if (err == NARA_OK)
		err = db_exec_script(db, sql);
	if (err != NARA_OK)
		fprintf(stderr, "pg: %s: %s\n", sql, db ? db_errmsg(db) : "?");
	db_close(db);
	return err == NARA_OK ? 0 : -1;
}

static int setup_pg(void **state)
{
	const char *base = getenv("NARA_TEST_PG_URL");
	struct fixture *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	snprintf(f->schema, sizeof(f->schema), "test_db_%d_%u", (int)getpid(),
		 ++fixture_seq);
	char sql[128];
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", f->schema);
	if (pg_admin(sql) != 0) {
		free(f);
		return -1;
	}
	/* "-c search_path=SCHEMA", percent-encoded for the URL. */
	snprintf(f->url, sizeof(f->url), "%s%coptions=-c%%20search_path%%3D%s",
		 base, strchr(base, '?') ? '&' : '?', f->schema);
	if (db_open(f->url, &f->db) != NARA_OK) {
		fprintf(stderr, "pg open: %s\n", f->db ? db_errmsg(f->db) : "?");
		db_close(f->db);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown_pg(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	char sql[128];
	snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->schema);
	pg_admin(sql);
	free(f);
	return 0;
}

/* ---- helpers ---- */

/* CREATE TABLE p with an engine-generated id, as the migrations write it. */
static void create_people(struct db *db)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE p (id %s, name TEXT UNIQUE, age BIGINT,"
		 " note TEXT)",
		 db_dialect_fill(db, "id"));
	assert_int_equal(db_exec_script(db, sql), NARA_OK);
}

static int64_t count_people(struct db *db)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, "SELECT count(*) FROM p", ""),
			 NARA_OK);
	return n;
}

/* ---- tests for both engines ---- */

static const char *const utf8_quoted = "Åsa Öberg's \"café\" ? -- ; ✓";

static void test_insert_and_select(void **state)
{
	struct db *db = DB(state);
	create_people(db);

	int64_t id1 = 0, id2 = 0, id3 = 0;
	assert_int_equal(db_query_int(db, &id1,
				      "INSERT INTO p (name, age, note)"
				      " VALUES (?, ?, ?) RETURNING id",
				      "sis", "anna", (int64_t)41, utf8_quoted),
			 NARA_OK);
	assert_true(id1 > 0);
	assert_int_equal(db_query_int(db, &id2,
				      "INSERT INTO p (name, age, note)"
				      " VALUES (?, ?, ?) RETURNING id",
				      "sin", "bo", (int64_t)-7),
			 NARA_OK);
	assert_true(id2 > id1);
	/* The extremes of int64 survive the trip (text on PostgreSQL). */
	assert_int_equal(db_query_int(db, &id3,
				      "INSERT INTO p (name, age, note)"
				      " VALUES (?, ?, ?) RETURNING id",
				      "sis", "max", INT64_MAX, ""),
			 NARA_OK);
	assert_int_equal(db_run(db, "INSERT INTO p (name, age) VALUES (?, ?)",
				"si", "min", INT64_MIN),
			 NARA_OK);
	assert_int_equal(count_people(db), 4);

	struct db_stmt *st;
	assert_int_equal(db_prepare(db,
				    "SELECT id, name, age, note FROM p"
				    " WHERE age > ? ORDER BY id",
				    &st),
			 NARA_OK);
	db_bind_int(st, 1, -100);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), id1);
	assert_string_equal(db_col_text(st, 1), "anna");
	assert_int_equal(db_col_int(st, 2), 41);
	assert_string_equal(db_col_text(st, 3), utf8_quoted);
	assert_int_equal(db_col_len(st, 3), strlen(utf8_quoted));
	assert_false(db_col_is_null(st, 3));
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), id2);
	assert_int_equal(db_col_int(st, 2), -7);
	assert_true(db_col_is_null(st, 3));
	assert_string_equal(db_col_text(st, 3), "");
	assert_int_equal(db_col_len(st, 3), 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), id3);
	assert_int_equal(db_col_int(st, 2), INT64_MAX);
	assert_false(db_col_is_null(st, 3)); /* '' is not NULL */
	assert_string_equal(db_col_text(st, 3), "");
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);

	int64_t v = 0;
	assert_int_equal(db_query_int(db, &v,
				      "SELECT age FROM p WHERE name = ?", "s",
				      "min"),
			 NARA_OK);
	assert_int_equal(v, INT64_MIN);
	/* Text with a length: only that much is bound. */
	assert_int_equal(db_prepare(db, "SELECT id FROM p WHERE name = ?", &st),
			 NARA_OK);
	db_bind_text(st, 1, "anna-and-more", 4);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), id1);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	/* No row: ENOTFOUND from db_query_int, DB_DONE from a step. */
	assert_int_equal(db_query_int(db, &v, "SELECT id FROM p WHERE name = ?",
				      "s", "nobody"),
			 NARA_ENOTFOUND);
	/* A NULL text pointer binds NULL. */
	assert_int_equal(db_run(db, "UPDATE p SET note = ? WHERE name = ?",
				"ss", (const char *)NULL, "anna"),
			 NARA_OK);
	assert_int_equal(db_query_int(db, &v,
				      "SELECT count(*) FROM p WHERE note IS NULL",
				      ""),
			 NARA_OK);
	assert_int_equal(v, 3);
}

/*
 * Binary values: every byte value, NUL included, an empty value, SQL
 * NULL, and one the size of an attachment, through BLOB (SQLite) and
 * BYTEA (PostgreSQL) alike; a blob column read as a blob on a later row
 * does not disturb the earlier row's bytes until the next step.
 */
static void test_blob_round_trip(void **state)
{
	struct db *db = DB(state);
	char sql[160];
	snprintf(sql, sizeof(sql), "CREATE TABLE b (id %s, data %s)",
		 db_dialect_fill(db, "id"), db_dialect_fill(db, "blob"));
	assert_int_equal(db_exec_script(db, sql), NARA_OK);

	unsigned char every[512];
	for (size_t i = 0; i < sizeof(every); i++)
		every[i] = (unsigned char)(255 - i % 256);
	enum { BIG = 5 * 1024 * 1024 };
	unsigned char *big = malloc(BIG);
	assert_non_null(big);
	for (size_t i = 0; i < BIG; i++)
		big[i] = (unsigned char)((i * 2654435761u) >> 13);

	struct db_stmt *st;
	const char *insert = "INSERT INTO b (id, data) VALUES (?, ?)";
	const struct {
		int64_t id;
		const void *data;
		size_t len;
	} rows[] = {
	    {1, every, sizeof(every)},
	    {2, "", 0},
	    {3, NULL, 0},
	    {4, big, BIG},
	    {5, "\0", 1},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(db_prepare(db, insert, &st), NARA_OK);
		db_bind_int(st, 1, rows[i].id);
		db_bind_blob(st, 2, rows[i].data, rows[i].len);
		assert_int_equal(db_step(st), DB_DONE);
		db_done(st);
	}

	assert_int_equal(
	    db_prepare(db, "SELECT id, data FROM b ORDER BY id", &st), NARA_OK);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(db_step(st), DB_ROW);
		assert_int_equal(db_col_int(st, 0), rows[i].id);
		size_t len = 99;
		const void *got = db_col_blob(st, 1, &len);
		if (rows[i].data == NULL) {
			assert_null(got);
			assert_true(db_col_is_null(st, 1));
			assert_int_equal(len, 0);
			continue;
		}
		assert_non_null(got);
		assert_int_equal(len, rows[i].len);
		assert_memory_equal(got, rows[i].data, len);
		/* Asking twice gives the same bytes. */
		size_t len2 = 0;
		const void *again = db_col_blob(st, 1, &len2);
		assert_int_equal(len2, len);
		assert_memory_equal(again, rows[i].data, len);
	}
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);

	/* A blob parameter compares as bytes. */
	int64_t id = 0;
	assert_int_equal(db_prepare(db, "SELECT id FROM b WHERE data = ?", &st),
			 NARA_OK);
	db_bind_blob(st, 1, every, sizeof(every));
	assert_int_equal(db_step(st), DB_ROW);
	id = db_col_int(st, 0);
	db_done(st);
	assert_int_equal(id, 1);
	free(big);
}

static void test_unique_violation_is_conflict(void **state)
{
	struct db *db = DB(state);
	create_people(db);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"anna"),
			 NARA_OK);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"anna"),
			 NARA_ECONFLICT);
	assert_true(strlen(db_errmsg(db)) > 0);
	/* NOT NULL is integrity too. */
	assert_int_equal(db_exec_script(db, "CREATE TABLE nn (x TEXT NOT NULL)"),
			 NARA_OK);
	assert_int_equal(db_run(db, "INSERT INTO nn (x) VALUES (?)", "n"),
			 NARA_ECONFLICT);
	/* The connection is still good, and nothing was added. */
	assert_int_equal(count_people(db), 1);
	/* Not every error is a conflict. */
	struct db_stmt *st;
	assert_int_equal(db_prepare(db, "SELECT * FROM no_such_table", &st),
			 NARA_EDB);
	assert_int_equal(db_prepare(db, "SELEKT 1", &st), NARA_EDB);
	assert_int_equal(db_exec_script(db, "SELEKT 1"), NARA_EDB);
	assert_int_equal(count_people(db), 1);
}

static void test_rollback_leaves_nothing(void **state)
{
	struct db *db = DB(state);
	create_people(db);
	assert_int_equal(db_begin(db), NARA_OK);
	assert_true(db_in_tx(db));
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"anna"),
			 NARA_OK);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"bo"),
			 NARA_OK);
	assert_int_equal(count_people(db), 2); /* visible inside */
	db_rollback(db);
	assert_false(db_in_tx(db));
	assert_int_equal(count_people(db), 0);

	/* A failed statement, then rollback: the connection is usable. */
	assert_int_equal(db_begin(db), NARA_OK);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"anna"),
			 NARA_OK);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"anna"),
			 NARA_ECONFLICT);
	db_rollback(db);
	assert_int_equal(count_people(db), 0);
	assert_int_equal(db_ping(db), NARA_OK);
}

static void test_commit_persists(void **state)
{
	struct fixture *f = *state;
	struct db *db = f->db;
	create_people(db);
	assert_int_equal(db_begin(db), NARA_OK);
	int64_t id = 0;
	assert_int_equal(db_query_int(db, &id,
				      "INSERT INTO p (name) VALUES (?)"
				      " RETURNING id",
				      "s", "anna"),
			 NARA_OK);
	assert_int_equal(db_commit(db), NARA_OK);
	assert_false(db_in_tx(db));

	/* Another connection sees it. */
	struct db *other = NULL;
	assert_int_equal(db_open(f->url, &other), NARA_OK);
	int64_t got = 0;
	assert_int_equal(db_query_int(other, &got,
				      "SELECT id FROM p WHERE name = ?", "s",
				      "anna"),
			 NARA_OK);
	assert_int_equal(got, id);
	/* A read snapshot, ended with commit. */
	assert_int_equal(db_begin_read(other), NARA_OK);
	assert_int_equal(db_query_int(other, &got, "SELECT count(*) FROM p",
				      ""),
			 NARA_OK);
	assert_int_equal(got, 1);
	assert_int_equal(db_commit(other), NARA_OK);
	db_close(other);
}

static void test_statement_cache(void **state)
{
	struct db *db = DB(state);
	static const char sql[] = "SELECT CAST(? AS TEXT) IS NULL, ?";
	struct db_stmt *a, *b, *c;
	assert_int_equal(db_prepare(db, sql, &a), NARA_OK);
	db_bind_text(a, 1, "x", (size_t)-1);
	db_bind_int(a, 2, 1);
	assert_int_equal(db_step(a), DB_ROW);
	assert_int_equal(db_col_int(a, 0), 0); /* PostgreSQL says 'f' */
	assert_int_equal(db_col_int(a, 1), 1);
	db_done(a);

	/* The same literal: the same statement, with fresh binds. */
	assert_int_equal(db_prepare(db, sql, &b), NARA_OK);
	assert_ptr_equal(a, b);
	db_bind_int(b, 2, 2);
	assert_int_equal(db_step(b), DB_ROW);
	assert_int_equal(db_col_int(b, 0), 1); /* 1 unbound after done: NULL */
	assert_int_equal(db_col_int(b, 1), 2);
	assert_int_equal(db_step(b), DB_DONE);
	db_done(b);

	/* The same text from elsewhere in memory: still the same statement. */
	char copy[sizeof(sql)];
	memcpy(copy, sql, sizeof(sql));
	assert_int_equal(db_prepare(db, copy, &c), NARA_OK);
	assert_ptr_equal(a, c);
	db_done(c);
}

/*
 * SQL built in one buffer, reused for other SQL: the same address must not
 * bring back the statement of the text that was there before.
 */
static void test_cache_reused_buffer(void **state)
{
	struct db *db = DB(state);
	char sql[64];
	int64_t v = 0;
	snprintf(sql, sizeof(sql), "SELECT 1 + 0");
	assert_int_equal(db_query_int(db, &v, sql, ""), NARA_OK);
	assert_int_equal(v, 1);
	snprintf(sql, sizeof(sql), "SELECT 2 + 0");
	assert_int_equal(db_query_int(db, &v, sql, ""), NARA_OK);
	assert_int_equal(v, 2);
	/* And the first text, from the same buffer again, finds its own. */
	snprintf(sql, sizeof(sql), "SELECT 1 + 0");
	assert_int_equal(db_query_int(db, &v, sql, ""), NARA_OK);
	assert_int_equal(v, 1);
}

static void test_question_marks_in_literals(void **state)
{
	struct db *db = DB(state);
	struct db_stmt *st;
	assert_int_equal(db_prepare(db, "SELECT '?', CAST(? AS TEXT), 'it''s?'",
				    &st),
			 NARA_OK);
	db_bind_text(st, 1, "x", (size_t)-1);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "?");
	assert_string_equal(db_col_text(st, 1), "x");
	assert_string_equal(db_col_text(st, 2), "it's?");
	db_done(st);

	/* Identifiers and comments keep theirs too. */
	assert_int_equal(db_exec_script(db, "CREATE TABLE q (\"a?b\" TEXT,"
					    " n BIGINT)"),
			 NARA_OK);
	assert_int_equal(db_run(db,
				"INSERT INTO q (\"a?b\", n) -- who? what?\n"
				" VALUES (? /* the text? */, ?)",
				"si", "?", (int64_t)5),
			 NARA_OK);
	int64_t n = 0;
	assert_int_equal(db_query_int(db, &n,
				      "SELECT n FROM q WHERE \"a?b\" = ?"
				      " /* a comment? */ AND n = ?",
				      "si", "?", (int64_t)5),
			 NARA_OK);
	assert_int_equal(n, 5);
}

/* More distinct statements than the cache holds (64), twice over. */
static void test_cache_overflow(void **state)
{
	struct fixture *f = *state;
	enum { N = 100 };
	/* Kept until the connection closes: the cache may key on them. */
	char *sql[N];
	for (int i = 0; i < N; i++) {
		sql[i] = malloc(64);
		assert_non_null(sql[i]);
		snprintf(sql[i], 64, "SELECT %d + CAST(? AS INTEGER)", i);
	}
	for (int round = 0; round < 2; round++) {
		for (int k = 0; k < N; k++) {
			int i = round ? N - 1 - k : k;
			int64_t v = -1;
			assert_int_equal(db_query_int(f->db, &v, sql[i], "i",
						      (int64_t)1000),
					 NARA_OK);
			assert_int_equal(v, 1000 + i);
		}
	}
	db_close(f->db);
	f->db = NULL;
	assert_int_equal(db_open(f->url, &f->db), NARA_OK);
	for (int i = 0; i < N; i++)
		free(sql[i]);
}

/* ---- PostgreSQL only ---- */

/* A statement in use is never evicted from under its caller. */
static void test_pg_cache_keeps_busy(void **state)
{
	struct fixture *f = *state;
	enum { N = 80 };
	char *sql[N];
	struct db_stmt *outer;
	assert_int_equal(db_prepare(f->db, "SELECT 7 UNION ALL SELECT 8",
				    &outer),
			 NARA_OK);
	assert_int_equal(db_step(outer), DB_ROW);
	for (int i = 0; i < N; i++) {
		sql[i] = malloc(64);
		assert_non_null(sql[i]);
		snprintf(sql[i], 64, "SELECT %d + CAST(? AS INTEGER)", i);
		int64_t v = -1;
		assert_int_equal(db_query_int(f->db, &v, sql[i], "i",
					      (int64_t)1),
				 NARA_OK);
		assert_int_equal(v, 1 + i);
	}
	assert_int_equal(db_col_int(outer, 0), 7);
	assert_int_equal(db_step(outer), DB_ROW);
	assert_int_equal(db_col_int(outer, 0), 8);
	assert_int_equal(db_step(outer), DB_DONE);
	db_done(outer);
	db_close(f->db);
	f->db = NULL;
	assert_int_equal(db_open(f->url, &f->db), NARA_OK);
	for (int i = 0; i < N; i++)
		free(sql[i]);
}

static void test_pg_escape_strings(void **state)
{
	struct db *db = DB(state);
	struct db_stmt *st;
	assert_int_equal(db_prepare(db,
				    "SELECT E'\\'?', CAST(? AS TEXT),"
				    " $q$dollar$q$",
				    &st),
			 NARA_OK);
	db_bind_text(st, 1, "y", (size_t)-1);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "'?");
	assert_string_equal(db_col_text(st, 1), "y");
	assert_string_equal(db_col_text(st, 2), "dollar");
	db_done(st);
	/* A NUL byte cannot go into PostgreSQL text: refused, not cut short. */
	assert_int_equal(db_prepare(db, "SELECT CAST(? AS TEXT)", &st), NARA_OK);
	db_bind_text(st, 1, "a\0b", 3);
	assert_int_equal(db_step_err(db_step(st)), NARA_EINVAL);
	db_done(st);
	/* Block comments nest in PostgreSQL (not in SQLite). */
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n,
				      "SELECT /* a /* nested? */ one? */"
				      " CAST(? AS INTEGER)",
				      "i", (int64_t)3),
			 NARA_OK);
	assert_int_equal(n, 3);
	/* A boolean column reads as 1 or 0. */
	int64_t v = -1;
	assert_int_equal(db_query_int(db, &v, "SELECT 1 = CAST(? AS INTEGER)",
				      "i", (int64_t)1),
			 NARA_OK);
	assert_int_equal(v, 1);
}

/*
 * PostgreSQL accepts COMMIT after a failed statement and rolls back; the
 * engine must report that rather than let the caller believe it saved.
 */
static void test_pg_commit_after_error(void **state)
{
	struct db *db = DB(state);
	create_people(db);
	assert_int_equal(db_begin(db), NARA_OK);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"anna"),
			 NARA_OK);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"anna"),
			 NARA_ECONFLICT);
	assert_int_not_equal(db_commit(db), NARA_OK);
	assert_false(db_in_tx(db));
	assert_int_equal(count_people(db), 0);
}

static int restart_server(void)
{
	const char *dir = getenv("NARA_TEST_PG_DIR");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "bash scripts/pg-throwaway.sh restart '%s' >/dev/null", dir);
	return system(cmd);
}

static void test_pg_reconnect(void **state)
{
	struct db *db = DB(state);
	const char *dir = getenv("NARA_TEST_PG_DIR");
	if (dir == NULL || *dir == '\0' ||
	    access("scripts/pg-throwaway.sh", R_OK) != 0) {
		print_message("reconnect: skipped (needs NARA_TEST_PG_DIR and"
			      " the repository root as working directory)\n");
		skip();
	}
	create_people(db);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"before"),
			 NARA_OK);
	assert_int_equal(count_people(db), 1); /* prepared and cached */

	/* Idle connection, server restarted: the ping gets through. */
	assert_int_equal(restart_server(), 0);
	enum nara_err err = db_ping(db);
	if (err != NARA_OK) {
		assert_int_equal(err, NARA_EDBDOWN);
		err = db_ping(db);
	}
	assert_int_equal(err, NARA_OK);
	/* Statements cached before the restart are prepared again. */
	assert_int_equal(count_people(db), 1);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"after"),
			 NARA_OK);

	/* A restart inside a transaction: no silent reconnect, no half. */
	assert_int_equal(db_begin(db), NARA_OK);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"lost"),
			 NARA_OK);
	assert_int_equal(restart_server(), 0);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"lost too"),
			 NARA_EDBDOWN);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"still lost"),
			 NARA_EDBDOWN);
	assert_int_equal(db_commit(db), NARA_EDBDOWN);
	assert_false(db_in_tx(db));
	assert_int_equal(count_people(db), 2);

	/*
	 * A statement outside a transaction that meets the dead connection
	 * fails as EDBDOWN (or succeeds); the next one reconnects.
	 */
	assert_int_equal(restart_server(), 0);
	int64_t n = -1;
	err = db_query_int(db, &n, "SELECT count(*) FROM p", "");
	if (err != NARA_OK)
		assert_int_equal(err, NARA_EDBDOWN);
	assert_int_equal(count_people(db), 2);

	/* A transaction is the first thing after a restart: BEGIN retries. */
	assert_int_equal(restart_server(), 0);
	assert_int_equal(db_begin(db), NARA_OK);
	assert_int_equal(db_run(db, "INSERT INTO p (name) VALUES (?)", "s",
				"third"),
			 NARA_OK);
	assert_int_equal(db_commit(db), NARA_OK);
	assert_int_equal(count_people(db), 3);
}

/* A server that is not there: EDBDOWN at once, with a reason. */
static void test_pg_unreachable(void **state)
{
	(void)state;
	struct db *db = NULL;
	/* Port 1 on loopback: refused immediately. */
	assert_int_equal(db_open("postgresql://postgres@127.0.0.1:1/nara", &db),
			 NARA_EDBDOWN);
	assert_non_null(db);
	assert_true(strlen(db_errmsg(db)) > 0);
	assert_int_equal(db_ping(db), NARA_EDBDOWN);
	struct db_stmt *st;
	assert_int_equal(db_prepare(db, "SELECT 1", &st), NARA_EDBDOWN);
	assert_int_equal(db_begin(db), NARA_EDBDOWN);
	db_close(db);
}

#define BOTH(fn, e) cmocka_unit_test_setup_teardown(fn, setup_##e, teardown_##e)

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
		BOTH(test_insert_and_select, sqlite),
		BOTH(test_blob_round_trip, sqlite),
		BOTH(test_unique_violation_is_conflict, sqlite),
		BOTH(test_rollback_leaves_nothing, sqlite),
		BOTH(test_commit_persists, sqlite),
		BOTH(test_statement_cache, sqlite),
		BOTH(test_cache_reused_buffer, sqlite),
		BOTH(test_question_marks_in_literals, sqlite),
		BOTH(test_cache_overflow, sqlite),
	};
	const struct CMUnitTest pg_tests[] = {
		BOTH(test_insert_and_select, pg),
		BOTH(test_blob_round_trip, pg),
		BOTH(test_unique_violation_is_conflict, pg),
		BOTH(test_rollback_leaves_nothing, pg),
		BOTH(test_commit_persists, pg),
		BOTH(test_statement_cache, pg),
		BOTH(test_cache_reused_buffer, pg),
		BOTH(test_question_marks_in_literals, pg),
		BOTH(test_cache_overflow, pg),
		BOTH(test_pg_cache_keeps_busy, pg),
		BOTH(test_pg_escape_strings, pg),
		BOTH(test_pg_commit_after_error, pg),
		BOTH(test_pg_reconnect, pg),
		cmocka_unit_test(test_pg_unreachable),
	};
	int failed = cmocka_run_group_tests_name("db/sqlite", sqlite_tests,
						 NULL, NULL);
	const char *url = getenv("NARA_TEST_PG_URL");
	if (url != NULL && *url != '\0')
		failed += cmocka_run_group_tests_name("db/postgresql", pg_tests,
						      NULL, NULL);
	else
		printf("db/postgresql: skipped (NARA_TEST_PG_URL not set)\n");
	return failed;
}
