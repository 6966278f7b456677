/*
 * What a storage engine provides to db.c. Each engine's connection struct
 * starts with `struct db` and each statement with `struct db_stmt`, so db.c
 * dispatches through the ops table without knowing the engine.
 */
#ifndef NARA_DB_INTERNAL_H
#define NARA_DB_INTERNAL_H

#include "db/db.h"

struct db_ops {
	void (*close)(struct db *db);
	const char *(*errmsg)(const struct db *db);
	enum nara_err (*exec_script)(struct db *db, const char *sql);
	enum nara_err (*begin)(struct db *db);
	enum nara_err (*begin_read)(struct db *db);
	enum nara_err (*commit)(struct db *db);   /* NULL: exec "COMMIT" */
	void (*rollback)(struct db *db);          /* NULL: exec "ROLLBACK" */
	enum nara_err (*prepare)(struct db *db, const char *sql,
				 struct db_stmt **out);
	void (*bind_int)(struct db_stmt *st, int idx, int64_t v);
	void (*bind_text)(struct db_stmt *st, int idx, const char *s,
			  size_t len);
	void (*bind_null)(struct db_stmt *st, int idx);
	void (*bind_blob)(struct db_stmt *st, int idx, const void *data,
			  size_t len);
	int (*step)(struct db_stmt *st);
	int64_t (*col_int)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	size_t (*col_len)(struct db_stmt *st, int col);
	int (*col_is_null)(struct db_stmt *st, int col);
	const void *(*col_blob)(struct db_stmt *st, int col, size_t *len);
	void (*done)(struct db_stmt *st);
	enum nara_err (*ping)(struct db *db);
	/*
	 * Sends a notification inside the current transaction, delivered by
	 * the server after COMMIT (PostgreSQL). NULL: the engine has no such
	 * thing, and db.c keeps the notification until COMMIT (SQLite).
	 */
	enum nara_err (*notify)(struct db *db, const char *payload);
};

/* A notification waiting for its transaction to commit (SQLite). */
struct db_note {
	char topic[DB_TOPIC_MAX];
	int64_t id, version;
};

struct db {
	const struct db_ops *ops;
	enum db_engine engine;
	int in_tx; /* inside db_begin .. commit/rollback */
	/* Notifications of the open transaction (engines without notify). */
	struct db_note *notes;
	size_t nnotes, notes_cap;
	int notes_overflow; /* more than fit: tell listeners to look again */
};

struct db_stmt {
	const struct db_ops *ops;
	struct db *db;
	uint64_t t0; /* first step's clock, for db_take_time_ns; 0: idle */
};

enum nara_err db_sqlite_open(const char *path, int create, struct db **out);
enum nara_err db_pg_open(const char *url, struct db **out);

/* Hands committed notifications to the process's listener (listen.c). */
void db_local_deliver(const struct db_note *notes, size_t n, int overflow);

/* "case 12 7": the payload of a notification, and back (listen.c). */
int db_note_format(char *out, size_t len, const char *topic, int64_t id,
		   int64_t version);
int db_note_parse(const char *payload, struct db_note *out);

#endif
