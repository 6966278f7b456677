/*
 * SQLite engine. One connection per thread (the server opens one per event
 * loop), WAL journal so readers never wait for the writer, a busy timeout so
 * a short write lock held by another thread is waited out rather than
 * reported, and prepared statements cached per connection by their SQL text.
 * Callers usually pass string literals, so a first pass over the cache
 * looks for the pointer (and confirms the text) and a second compares text; the cache owns a copy of
 * the text, so a caller that built its SQL in a buffer it has since freed
 * never makes a later lookup read dead memory. When the cache is full the
 * statement used longest ago is finalized, but never one between
 * db_prepare and db_done: a caller stepping through rows may prepare
 * another statement without losing its own.
 *
 * SQLITE_BUSY after the timeout means another process holds the database
 * locked: that is NARA_EDBDOWN, and the server answers 503 rather than
 * making the person wait indefinitely.
 */
#include "db/db_internal.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { STMT_CACHE = 256, BUSY_TIMEOUT_MS = 2000 };

struct sqlite_stmt {
	struct db_stmt base;
	sqlite3_stmt *stmt;
	const char *key;    /* the caller's pointer when last prepared */
	char *sql;	    /* owned copy of the text */
	int busy;	    /* between db_prepare and db_done */
	uint64_t last_used; /* for choosing what to finalize */
};

struct sqlite_db {
	struct db base;
	sqlite3 *conn;
	struct sqlite_stmt cache[STMT_CACHE];
	size_t ncache;
	uint64_t tick;
};

static const struct db_ops sqlite_ops;

static enum nara_err map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return NARA_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
		return NARA_EDBDOWN;
	case SQLITE_CONSTRAINT:
		return NARA_ECONFLICT;
	case SQLITE_NOMEM:
		return NARA_ENOMEM;
	default:
		return NARA_EDB;
	}
}

/*
 * SQLite keeps allocation statistics behind one process-wide mutex by
 * default; with a connection per thread that mutex is the hottest lock in
 * the server (measured: futex waits and task switches on every page).
 * Nara never reads those statistics.
 */
static void configure_once(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

enum nara_err db_sqlite_open(const char *path, int create, struct db **out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_once);

	struct sqlite_db *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NARA_ENOMEM;
	d->base.ops = &sqlite_ops;
	d->base.engine = DB_SQLITE;
	/* NOMUTEX: each connection belongs to one thread. */
	int rc = sqlite3_open_v2(path, &d->conn,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
				     (create ? SQLITE_OPEN_CREATE : 0),
				 NULL);
	if (rc != SQLITE_OK) {
		*out = &d->base; /* so the caller can read the message */
		return NARA_EDBDOWN;
	}
	sqlite3_busy_timeout(d->conn, BUSY_TIMEOUT_MS);
	/*
	 * WAL: readers and one writer at once. synchronous=NORMAL is durable
	 * across application crashes and loses at most the last commits on a
	 * power cut, the documented trade-off for WAL.
	 */
	rc = sqlite3_exec(d->conn,
			  "PRAGMA journal_mode=WAL;"
			  "PRAGMA synchronous=NORMAL;"
			  "PRAGMA foreign_keys=ON;"
			  "PRAGMA temp_store=MEMORY;",
			  NULL, NULL, NULL);
	*out = &d->base;
	return map_rc(rc);
}

static void sqlite_close(struct db *db)
{
	struct sqlite_db *d = (struct sqlite_db *)db;
	for (size_t i = 0; i < d->ncache; i++) {
		sqlite3_finalize(d->cache[i].stmt);
		free(d->cache[i].sql);
	}
	sqlite3_close(d->conn);
	free(d);
}

static const char *sqlite_errmsg(const struct db *db)
{
	const struct sqlite_db *d = (const struct sqlite_db *)db;
	return d->conn ? sqlite3_errmsg(d->conn) : "cannot open database";
}

static enum nara_err sqlite_prepare(struct db *db, const char *sql,
				    struct db_stmt **out);

static enum nara_err sqlite_exec_script(struct db *db, const char *sql)
{
	struct sqlite_db *d = (struct sqlite_db *)db;
	return map_rc(sqlite3_exec(d->conn, sql, NULL, NULL, NULL));
}

/*
 * BEGIN, COMMIT and ROLLBACK run on every page; through the statement
 * cache they are parsed once per connection instead of every time.
 */
static enum nara_err run_cached(struct db *db, const char *sql)
{
	struct db_stmt *st;
	enum nara_err err = sqlite_prepare(db, sql, &st);
	if (err != NARA_OK)
		return err;
	int rc = sqlite3_step(((struct sqlite_stmt *)st)->stmt);
	sqlite3_reset(((struct sqlite_stmt *)st)->stmt);
	((struct sqlite_stmt *)st)->busy = 0;
	return rc == SQLITE_DONE ? NARA_OK : map_rc(rc);
}

static enum nara_err sqlite_begin(struct db *db)
{
	return run_cached(db, "BEGIN IMMEDIATE");
}

/* A read snapshot: takes no write lock, and one file lock for all reads. */
static enum nara_err sqlite_begin_read(struct db *db)
{
	return run_cached(db, "BEGIN DEFERRED");
}

/* The cached statement for sql, or NULL. */
static struct sqlite_stmt *cache_find(struct sqlite_db *d, const char *sql)
{
	/*
	 * The pointer finds the slot quickly; the text confirms it, because
	 * SQL built in a buffer that is reused for other SQL arrives at the
	 * same address with other words.
	 */
	for (size_t i = 0; i < d->ncache; i++)
		if (d->cache[i].key == sql && strcmp(d->cache[i].sql, sql) == 0)
			return &d->cache[i];
	for (size_t i = 0; i < d->ncache; i++)
		if (strcmp(d->cache[i].sql, sql) == 0) {
			d->cache[i].key = sql;
			return &d->cache[i];
		}
	return NULL;
}

/* A slot for a new statement: a free one, or the least recently used. */
static struct sqlite_stmt *cache_slot(struct sqlite_db *d)
{
	if (d->ncache < STMT_CACHE)
		return &d->cache[d->ncache++];
	struct sqlite_stmt *victim = NULL;
	for (size_t i = 0; i < STMT_CACHE; i++) {
		struct sqlite_stmt *s = &d->cache[i];
		if (!s->busy &&
		    (victim == NULL || s->last_used < victim->last_used))
			victim = s;
	}
	if (victim != NULL) {
		sqlite3_finalize(victim->stmt);
		free(victim->sql);
		memset(victim, 0, sizeof(*victim));
	}
	return victim;
}

static enum nara_err sqlite_prepare(struct db *db, const char *sql,
				    struct db_stmt **out)
{
	struct sqlite_db *d = (struct sqlite_db *)db;
	struct sqlite_stmt *s = cache_find(d, sql);
	if (s == NULL) {
		sqlite3_stmt *stmt;
		int rc = sqlite3_prepare_v3(
		    d->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
		if (rc != SQLITE_OK)
			return map_rc(rc);
		char *copy = strdup(sql);
		s = copy ? cache_slot(d) : NULL;
		if (s == NULL) {
			/* Every slot in use at once: a caller's bug, or no
			 * memory. */
			sqlite3_finalize(stmt);
			free(copy);
			return NARA_ENOMEM;
		}
		s->base.ops = &sqlite_ops;
		s->base.db = db;
		s->stmt = stmt;
		s->key = sql;
		s->sql = copy;
	}
	s->base.t0 = 0;
	s->busy = 1;
	s->last_used = ++d->tick;
	*out = &s->base;
	return NARA_OK;
}

#define STMT(st) (((struct sqlite_stmt *)(st))->stmt)

static void sqlite_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(STMT(st), idx, v);
}

static void sqlite_bind_text(struct db_stmt *st, int idx, const char *s,
			     size_t len)
{
	sqlite3_bind_text64(STMT(st), idx, s, len, SQLITE_TRANSIENT,
			    SQLITE_UTF8);
}

static void sqlite_bind_null(struct db_stmt *st, int idx)
{
	sqlite3_bind_null(STMT(st), idx);
}

static void sqlite_bind_blob(struct db_stmt *st, int idx, const void *data,
			     size_t len)
{
	/* A NULL pointer would bind SQL NULL even for an empty value. */
	sqlite3_bind_blob64(STMT(st), idx, data, len, SQLITE_TRANSIENT);
}

static int sqlite_step(struct db_stmt *st)
{
	int rc = sqlite3_step(STMT(st));
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return -(int)map_rc(rc);
}

static int64_t sqlite_col_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(STMT(st), col);
}

static const char *sqlite_col_text(struct db_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(STMT(st), col);
	return t ? (const char *)t : "";
}

static size_t sqlite_col_len(struct db_stmt *st, int col)
{
	return (size_t)sqlite3_column_bytes(STMT(st), col);
}

static int sqlite_col_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(STMT(st), col) == SQLITE_NULL;
}

static const void *sqlite_col_blob(struct db_stmt *st, int col, size_t *len)
{
	/* sqlite3_column_bytes after sqlite3_column_blob, as SQLite asks. */
	const void *p = sqlite3_column_blob(STMT(st), col);
	*len = (size_t)sqlite3_column_bytes(STMT(st), col);
	if (p == NULL && sqlite3_column_type(STMT(st), col) != SQLITE_NULL)
		return ""; /* an empty BLOB */
	return p;
}

static void sqlite_done(struct db_stmt *st)
{
	sqlite3_reset(STMT(st));
	sqlite3_clear_bindings(STMT(st));
	((struct sqlite_stmt *)st)->busy = 0;
}

static enum nara_err sqlite_ping(struct db *db)
{
	/* A read of the schema proves the file is there and readable. */
	struct db_stmt *st;
	enum nara_err err =
	    sqlite_prepare(db, "SELECT count(*) FROM sqlite_schema", &st);
	if (err != NARA_OK)
		return err;
	int rc = sqlite_step(st);
	sqlite_done(st);
	return db_step_err(rc);
}

static enum nara_err run_cached_commit(struct db *db)
{
	return run_cached(db, "COMMIT");
}

static void run_cached_rollback(struct db *db)
{
	run_cached(db, "ROLLBACK");
}

static const struct db_ops sqlite_ops = {
    .close = sqlite_close,
    .errmsg = sqlite_errmsg,
    .exec_script = sqlite_exec_script,
    .commit = run_cached_commit,
    .rollback = run_cached_rollback,
    .begin = sqlite_begin,
    .begin_read = sqlite_begin_read,
    .prepare = sqlite_prepare,
    .bind_int = sqlite_bind_int,
    .bind_text = sqlite_bind_text,
    .bind_null = sqlite_bind_null,
    .bind_blob = sqlite_bind_blob,
    .step = sqlite_step,
    .col_int = sqlite_col_int,
    .col_text = sqlite_col_text,
    .col_len = sqlite_col_len,
    .col_is_null = sqlite_col_is_null,
    .col_blob = sqlite_col_blob,
    .done = sqlite_done,
    .ping = sqlite_ping,
};
