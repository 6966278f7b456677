/*
 * A fresh, migrated database for a unit test, on either engine: a new SQLite
 * file, or a new schema on the throwaway PostgreSQL server that
 * scripts/test.sh starts (NARA_TEST_PG_URL). The schema is chosen through
 * the URL's options (search_path) rather than with SET, so that it survives
 * a reconnect and a second connection opened from the same URL sees the
 * same tables. Included by the tests that need it; static, so each test
 * binary has its own copy.
 */
#ifndef NARA_TEST_FIXTURE_H
#define NARA_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"

struct test_db {
	struct db *db;
	char url[1024];
	char path[128];  /* SQLite: the file */
	char schema[64]; /* PostgreSQL: the schema */
};

static unsigned test_db_serial;

static int test_db_admin(const char *sql)
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

/* 1 when the PostgreSQL tests can run. */
static inline int test_db_have_pg(void)
{
	const char *u = getenv("NARA_TEST_PG_URL");
	return u != NULL && u[0] != '\0';
}

/* Opens and migrates; engine is "sqlite" or "pg". 0 on success. */
static inline int test_db_open(struct test_db *t, const char *engine,
			       const char *name)
{
	memset(t, 0, sizeof(*t));
	if (strcmp(engine, "sqlite") == 0) {
		snprintf(t->path, sizeof(t->path), "/tmp/nara-test-%s-%d-%u.db",
			 name, (int)getpid(), ++test_db_serial);
		unlink(t->path);
		snprintf(t->url, sizeof(t->url), "sqlite:%s", t->path);
	} else {
		const char *base = getenv("NARA_TEST_PG_URL");
		snprintf(t->schema, sizeof(t->schema), "test_%s_%d_%u", name,
			 (int)getpid(), ++test_db_serial);
		char sql[160];
		snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", t->schema);
		if (test_db_admin(sql) != 0)
			return -1;
		snprintf(t->url, sizeof(t->url),
			 "%s%coptions=-c%%20search_path%%3D%s", base,
			 strchr(base, '?') ? '&' : '?', t->schema);
	}
	if (db_open(t->url, &t->db) != NARA_OK || db_migrate(t->db, 0) != NARA_OK) {
		fprintf(stderr, "test db %s: %s\n", engine,
			t->db ? db_errmsg(t->db) : "cannot open");
		return -1;
	}
	return 0;
}

static inline void test_db_close(struct test_db *t)
{
	db_close(t->db);
	t->db = NULL;
	if (t->path[0] != '\0') {
		char p[160];
		unlink(t->path);
		snprintf(p, sizeof(p), "%s-wal", t->path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", t->path);
		unlink(p);
	}
	if (t->schema[0] != '\0') {
		char sql[160];
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", t->schema);
		test_db_admin(sql);
	}
}

#endif
