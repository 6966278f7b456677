/*
 * The one storage interface. Everything above this layer writes portable SQL
 * with '?' placeholders and never names an engine; sqlite.c and pg.c map it
 * onto SQLite and PostgreSQL (pg.c rewrites '?' to $1, $2, ...).
 *
 * A `struct db` is one connection and is used by one thread at a time. The
 * server gives each event-loop thread (SQLite) or each worker thread
 * (PostgreSQL) its own connection.
 *
 * Statements are prepared once per connection and cached by their SQL text,
 * so callers pass string literals and pay for parsing only the first time.
 *
 * Errors: a lost connection or a locked database is NARA_EDBDOWN (the server
 * answers 503 and the client may retry); a unique or foreign-key violation is
 * NARA_ECONFLICT; anything else NARA_EDB. db_errmsg() says more, for the log.
 */
#ifndef NARA_DB_H
#define NARA_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum db_engine { DB_SQLITE, DB_POSTGRES };

struct db;
struct db_stmt;

enum db_step { DB_ROW = 1, DB_DONE = 0 };

/*
 * url: "sqlite:PATH" or "postgresql://..." / "postgres://...". db_open
 * creates a missing SQLite file (migrate, demo, tests); db_connect, used by
 * the server, does not: a server pointed at a missing file answers 503
 * rather than serving an empty database. On failure *out may still be set,
 * so db_errmsg() can say why; close it with db_close().
 */
enum nara_err db_open(const char *url, struct db **out);
enum nara_err db_connect(const char *url, struct db **out);
/* 1 when url names a database server (PostgreSQL) rather than a file. */
int db_connect_is_remote(const char *url);
/* 1 between db_begin and commit/rollback. */
int db_in_tx(const struct db *db);
void db_close(struct db *db);
enum db_engine db_engine_of(const struct db *db);
const char *db_errmsg(const struct db *db);

/*
 * Transactions. db_begin takes the write lock at once on SQLite (BEGIN
 * IMMEDIATE) so that two writers never deadlock half-way. Every write in
 * Nära runs inside one; the audit row goes in the same transaction.
 */
enum nara_err db_begin(struct db *db);
/*
 * A read-only snapshot for a page that reads several things: they agree
 * with each other, and SQLite takes its file lock once rather than once a
 * statement. End it with db_commit.
 */
enum nara_err db_begin_read(struct db *db);
enum nara_err db_commit(struct db *db);
void db_rollback(struct db *db);

/* Runs SQL text of one or more statements without parameters (migrations). */
enum nara_err db_exec_script(struct db *db, const char *sql);

/*
 * Prepared statements. Bind indexes start at 1. Text is copied at bind time
 * when len is given; pass len = (size_t)-1 for a NUL-terminated string.
 */
enum nara_err db_prepare(struct db *db, const char *sql, struct db_stmt **out);
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_text(struct db_stmt *st, int idx, const char *s, size_t len);
void db_bind_null(struct db_stmt *st, int idx);
/*
 * Bytes that are not text (encrypted attachments): a BLOB on SQLite, a
 * BYTEA on PostgreSQL (sent in libpq's binary format, so NUL bytes and any
 * other byte travel as they are). Copied at bind time; a NULL pointer
 * binds SQL NULL.
 */
void db_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len);

/*
 * Runs the statement (first call) or moves to the next row. Returns DB_ROW,
 * DB_DONE, or a negative value: -(enum nara_err). Use db_step_err() to turn
 * that back into an error.
 */
int db_step(struct db_stmt *st);
static inline enum nara_err db_step_err(int rc)
{
	return rc < 0 ? (enum nara_err)(-rc) : NARA_OK;
}

/* Columns of the current row, from 0. Text stays valid until the next step. */
int64_t db_col_int(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col); /* "" for NULL */
size_t db_col_len(struct db_stmt *st, int col);
int db_col_is_null(struct db_stmt *st, int col);
/*
 * The bytes of a BLOB/BYTEA column and their number in *len. Valid until
 * the next step or db_done. NULL (and *len 0) for SQL NULL, and also
 * when PostgreSQL's text form cannot be decoded for want of memory, so a
 * caller reading a NOT NULL column treats NULL as an error. An empty value
 * is a non-NULL pointer with *len 0.
 */
const void *db_col_blob(struct db_stmt *st, int col, size_t *len);

/* Resets the statement for reuse from the cache (always call when done). */
void db_done(struct db_stmt *st);

/*
 * Convenience: runs a statement with up to the given binds that returns no
 * rows or one integer (e.g. INSERT ... RETURNING id). Format characters in
 * `types`: 'i' int64_t, 's' const char * (NUL-terminated), 'n' NULL.
 */
enum nara_err db_run(struct db *db, const char *sql, const char *types, ...);
enum nara_err db_query_int(struct db *db, int64_t *out, const char *sql,
			   const char *types, ...);

/*
 * Notifications, for the live pages (http/live.c). db_notify says that
 * (topic, id) has changed and is now at `version`. Inside a transaction
 * the news leaves only when the transaction commits and is dropped when it
 * rolls back, so a page never hears of a change that did not happen:
 * PostgreSQL sends it with pg_notify, which the server delivers after
 * COMMIT to every connection that listens, on every nara node; SQLite
 * keeps it on the connection and hands it, after a successful COMMIT, to
 * the process's listener (below). Outside a transaction it goes at once.
 * topic is a short lower-case word ("case"), shorter than DB_TOPIC_MAX.
 */
enum { DB_TOPIC_MAX = 16 };
enum nara_err db_notify(struct db *db, const char *topic, int64_t id,
			int64_t version);

/*
 * Hears the notifications of the database at url and calls fn for each:
 * on PostgreSQL from a thread of the listener's own with one connection
 * that LISTENs (and reconnects after the server restarts), on SQLite from
 * the thread that committed. fn(NULL, 0, 0, arg) says that notifications
 * may have been missed (the connection was lost and is back): whoever
 * follows something should look again. One listener per process; fn must
 * be quick and may run on any thread.
 */
typedef void (*db_notify_fn)(const char *topic, int64_t id, int64_t version,
			     void *arg);
struct db_listener;
enum nara_err db_listener_start(const char *url, db_notify_fn fn, void *arg,
				struct db_listener **out);
void db_listener_stop(struct db_listener *l);

/* Nanoseconds this thread spent in the engine since the last call. */
uint64_t db_take_time_ns(void);

/* A cheap round trip for /readyz. */
enum nara_err db_ping(struct db *db);

/* Applies the numbered migrations from sql/ that are not yet applied. */
enum nara_err db_migrate(struct db *db, int verbose);

/* Engine-specific SQL for the parts that differ; used by db_migrate. */
const char *db_dialect_fill(const struct db *db, const char *placeholder);

#endif
