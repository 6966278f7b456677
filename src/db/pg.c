/*
 * PostgreSQL engine over libpq. One connection per `struct db`, used by one
 * thread at a time; the module keeps no state outside it.
 *
 * Placeholders: portable SQL arrives with '?' and is rewritten to $1, $2,
 * ... once, when a statement is first prepared on a connection. The
 * rewriter skips '...' and E'...' literals, "..." identifiers, -- comments
 * and (nested) block comments, so a question mark in text stays text.
 *
 * Statements are prepared on the server (PQprepare, names s1, s2, ...) and
 * cached per connection by SQL text, as in sqlite.c: a first pass looks for
 * the caller's pointer (callers pass literals) and confirms the text, a
 * second compares the text alone.
 * The cache owns a copy of the text, so a lookup never reads memory the
 * caller has since freed. When the cache is full a slot that nobody is
 * using is recycled (its server statement deallocated); a statement between
 * db_prepare and db_done is never taken away from under its caller.
 *
 * Parameters and results travel as text, which reads and writes every
 * column type Nära uses, except binary parameters (db_bind_blob), which go
 * in libpq's binary format so that any byte arrives as it is; a BYTEA
 * column comes back as text in PostgreSQL's hex form and db_col_blob
 * decodes it (PQunescapeBytea) into memory the statement owns until its
 * next step. A parameter that fits in 24 bytes (every integer,
 * most keys) lives inside the statement; longer text is copied to the heap.
 * An allocation that fails during a bind is remembered and reported by the
 * next step, rather than silently sending NULL. step() runs the statement
 * on its first call and keeps the whole result; later calls walk its rows.
 *
 * Lost connections: when the server restarts, libpq only notices on the
 * next command, which fails and leaves the connection CONNECTION_BAD. The
 * next prepare, step, exec, begin or ping outside a transaction resets the
 * connection (once) and marks every cached statement as unprepared; a
 * cached statement is prepared again on the new session when next used, so
 * pointers that callers hold stay valid. BEGIN, a PQprepare and the ping
 * have no effects of their own, so when one of them is what finds the
 * connection dead it is retried once on a fresh connection: the first
 * request after a database restart then usually succeeds. Anything else
 * that fails this way returns NARA_EDBDOWN (the server answers 503 and the
 * next request reconnects). Inside a transaction nothing is reconnected or
 * retried: the caller gets NARA_EDBDOWN and rolls back, so no half of a
 * change is ever redone on its own.
 *
 * COMMIT of a transaction in which a statement failed is accepted by
 * PostgreSQL and performs a rollback; we report that as NARA_EDB, so a
 * caller that missed an error never believes its change was saved.
 */
#include "db/db_internal.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PG_STMT_CACHE = 256, PG_SMALL = 24, PG_ERRMSG = 512 };

struct pg_param {
	char *heap;            /* owned copy of text too long for small[] */
	char small[PG_SMALL];  /* an int64 or a short text */
};

struct pg_stmt {
	struct db_stmt base;
	const char *key;       /* the caller's pointer: fast cache key */
	char *sql;             /* owned copy of the portable SQL */
	char name[16];         /* server-side name: "s1", "s2", ... */
	int prepared;          /* exists on the current server session */
	int busy;              /* between db_prepare and db_done */
	int nparams;
	const char **values;   /* what PQexecPrepared reads; NULL is NULL */
	int *lengths;	       /* binary parameters: their lengths */
	int *formats;	       /* 0 text, 1 binary */
	struct pg_param *param;
	unsigned char **decoded; /* db_col_blob's results for this row */
	size_t ndecoded, cap_decoded;
	enum nara_err bind_err; /* a bind that failed, reported by step */
	int started;
	PGresult *res;
	int row, nrows;
};

struct pg_db {
	struct db base;
	PGconn *conn;
	struct pg_stmt cache[PG_STMT_CACHE];
	size_t ncache;
	unsigned next_name;
	char errmsg[PG_ERRMSG];
};

static const struct db_ops pg_ops;

#define PGD(db) ((struct pg_db *)(db))
#define PGS(st) ((struct pg_stmt *)(st))

/* Keeps a message for db_errmsg(), on one line for the log. */
static void set_err(struct pg_db *d, const char *msg)
{
	size_t n = 0;
	int space = 0;
	if (msg == NULL)
		msg = "";
	for (; *msg != '\0' && n + 1 < sizeof(d->errmsg); msg++) {
		if (*msg == '\n' || *msg == '\r' || *msg == '\t' ||
		    *msg == ' ') {
			space = 1;
			continue;
		}
		if (space && n > 0 && n + 2 < sizeof(d->errmsg))
			d->errmsg[n++] = ' ';
		space = 0;
		d->errmsg[n++] = *msg;
	}
	d->errmsg[n] = '\0';
}

static int conn_ok(const struct pg_db *d)
{
	return PQstatus(d->conn) == CONNECTION_OK;
}

/*
 * Maps a failed result to an error and keeps its message. res may be NULL
 * (libpq could not even send the command).
 */
static enum nara_err fail(struct pg_db *d, const PGresult *res)
{
	const char *msg = res ? PQresultErrorMessage(res) : "";
	set_err(d, *msg ? msg : PQerrorMessage(d->conn));
	if (!conn_ok(d))
		return NARA_EDBDOWN;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE)
				: NULL;
	if (state == NULL)
		return NARA_EDB;
	if (strncmp(state, "23", 2) == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0)
		return NARA_ECONFLICT;
	if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	    strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0)
		return NARA_EDBDOWN;
	return NARA_EDB;
}

/* Notices (NOTICE from migrations, for instance) are not worth a line. */
static void drop_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* What every new session needs; run after connecting and after a reset. */
static void setup_session(struct pg_db *d)
{
	PQclear(PQexec(d->conn, "SET client_min_messages = warning"));
}

/*
 * Makes sure the connection is usable, resetting it once when it went bad
 * outside a transaction. The new session has none of our prepared
 * statements: mark them so, and they are prepared again when next used.
 */
static enum nara_err ensure_connected(struct pg_db *d)
{
	if (conn_ok(d))
		return NARA_OK;
	if (d->base.in_tx) {
		set_err(d, "connection lost inside a transaction");
		return NARA_EDBDOWN;
	}
	for (size_t i = 0; i < d->ncache; i++)
		d->cache[i].prepared = 0;
	PQreset(d->conn);
	if (!conn_ok(d)) {
		set_err(d, PQerrorMessage(d->conn));
		return NARA_EDBDOWN;
	}
	setup_session(d);
	return NARA_OK;
}

/* 1 when a command failed because the connection died and may be retried. */
static int may_retry(const struct pg_db *d, enum nara_err err)
{
	return err == NARA_EDBDOWN && !conn_ok(d) && !d->base.in_tx;
}

enum nara_err db_pg_open(const char *url, struct db **out)
{
	struct pg_db *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NARA_ENOMEM;
	d->base.ops = &pg_ops;
	d->base.engine = DB_POSTGRES;
	*out = &d->base; /* even on failure, so the caller can read why */
	/*
	 * Defaults come before dbname: with expand_dbname the URL's own
	 * parameters override keywords that precede it, so a URL that says
	 * connect_timeout=30 gets 30 and one that says nothing gets 5 s.
	 */
	static const char *const keys[] = {"connect_timeout", "client_encoding",
					   "application_name", "dbname", NULL};
	const char *const vals[] = {"5", "UTF8", "nara", url, NULL};
	d->conn = PQconnectdbParams(keys, vals, 1);
	if (d->conn == NULL) {
		set_err(d, "out of memory");
		return NARA_ENOMEM;
	}
	PQsetNoticeProcessor(d->conn, drop_notice, NULL);
	if (!conn_ok(d)) {
		set_err(d, PQerrorMessage(d->conn));
		return NARA_EDBDOWN;
	}
	setup_session(d);
	return NARA_OK;
}

static void clear_params(struct pg_stmt *s)
{
	for (int k = 0; k < s->nparams; k++) {
		free(s->param[k].heap);
		s->param[k].heap = NULL;
		s->values[k] = NULL;
		s->lengths[k] = 0;
		s->formats[k] = 0;
	}
	s->bind_err = NARA_OK;
}

/* Frees what db_col_blob decoded for the current row. */
static void clear_decoded(struct pg_stmt *s)
{
	for (size_t i = 0; i < s->ndecoded; i++)
		PQfreemem(s->decoded[i]);
	s->ndecoded = 0;
}

static void free_slot(struct pg_stmt *s)
{
	PQclear(s->res);
	clear_params(s);
	clear_decoded(s);
	free(s->decoded);
	free(s->values);
	free(s->lengths);
	free(s->formats);
	free(s->param);
	free(s->sql);
	memset(s, 0, sizeof(*s));
}

static void pg_close(struct db *db)
{
	struct pg_db *d = PGD(db);
	for (size_t i = 0; i < d->ncache; i++)
		free_slot(&d->cache[i]);
	PQfinish(d->conn);
	free(d);
}

static const char *pg_errmsg(const struct db *db)
{
	return ((const struct pg_db *)db)->errmsg;
}

/* Runs a command without parameters; its rows, if any, are ignored. */
static enum nara_err run_simple(struct pg_db *d, const char *sql)
{
	PGresult *res = PQexec(d->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	enum nara_err err = NARA_OK;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		err = fail(d, res);
	PQclear(res);
	return err;
}

/* For commands without effects of their own: BEGIN, the ping. */
static enum nara_err run_retrying(struct pg_db *d, const char *sql)
{
	enum nara_err err = ensure_connected(d);
	if (err != NARA_OK)
		return err;
	err = run_simple(d, sql);
	if (may_retry(d, err) && ensure_connected(d) == NARA_OK)
		err = run_simple(d, sql);
	return err;
}

static enum nara_err pg_exec_script(struct db *db, const char *sql)
{
	struct pg_db *d = PGD(db);
	enum nara_err err = ensure_connected(d);
	if (err != NARA_OK)
		return err;
	return run_simple(d, sql);
}

static enum nara_err pg_begin(struct db *db)
{
	return run_retrying(PGD(db), "BEGIN");
}

/*
 * A consistent snapshot for a page that reads several things, the
 * PostgreSQL counterpart of SQLite's deferred transaction. READ ONLY makes
 * a write in it an error, so misuse shows in the tests.
 */
static enum nara_err pg_begin_read(struct db *db)
{
	return run_retrying(PGD(db),
			    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

static enum nara_err pg_commit(struct db *db)
{
	struct pg_db *d = PGD(db);
	if (!conn_ok(d)) {
		set_err(d, "connection lost inside a transaction");
		return NARA_EDBDOWN;
	}
	PGresult *res = PQexec(d->conn, "COMMIT");
	enum nara_err err = NARA_OK;
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		err = fail(d, res);
	} else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		set_err(d, "COMMIT rolled back: a statement in the "
			   "transaction had failed");
		err = NARA_EDB;
	}
	PQclear(res);
	return err;
}

/* A lost connection has nothing to roll back: the server already did. */
static void pg_rollback(struct db *db)
{
	struct pg_db *d = PGD(db);
	if (conn_ok(d))
		PQclear(PQexec(d->conn, "ROLLBACK"));
}

/*
 * The rewriter. Writes the SQL with '?' replaced by $1, $2, ... to out
 * (when not NULL) and returns how many it replaced. Unterminated quotes or
 * comments are copied as they are; the server reports them.
 */
static int is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$' ||
	       (unsigned char)c >= 0x80;
}

static int rewrite(const char *sql, char *out)
{
	size_t i = 0, n = 0;
	int count = 0;
	/* Evaluates c once, with or without out: callers pass sql[i++]. */
#define PUT(c)                                                                 \
	do {                                                                   \
		char put_ = (c);                                               \
		if (out)                                                       \
			out[n] = put_;                                         \
		n++;                                                           \
	} while (0)
	while (sql[i] != '\0') {
		char c = sql[i];
		if (c == '\'' || c == '"') {
			/* E'...' takes backslash escapes; '' and "" double. */
			int esc = c == '\'' && i > 0 &&
				  (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
				  (i < 2 || !is_ident_char(sql[i - 2]));
			PUT(sql[i++]);
			while (sql[i] != '\0') {
				if (esc && sql[i] == '\\' && sql[i + 1] != '\0') {
					PUT(sql[i++]);
					PUT(sql[i++]);
					continue;
				}
				if (sql[i] == c) {
					PUT(sql[i++]);
					break;
				}
				PUT(sql[i++]);
			}
		} else if (c == '-' && sql[i + 1] == '-') {
			while (sql[i] != '\0' && sql[i] != '\n')
				PUT(sql[i++]);
		} else if (c == '/' && sql[i + 1] == '*') {
			int depth = 0;
			while (sql[i] != '\0') {
				if (sql[i] == '/' && sql[i + 1] == '*') {
					depth++;
					PUT(sql[i++]);
					PUT(sql[i++]);
				} else if (sql[i] == '*' && sql[i + 1] == '/') {
					PUT(sql[i++]);
					PUT(sql[i++]);
					if (--depth == 0)
						break;
				} else {
					PUT(sql[i++]);
				}
			}
		} else if (c == '?') {
			char num[16];
			int len = snprintf(num, sizeof(num), "$%d", ++count);
			for (int k = 0; k < len; k++)
				PUT(num[k]);
			i++;
		} else {
			PUT(sql[i++]);
		}
	}
	PUT('\0');
#undef PUT
	return count;
}

/* Prepares s->sql on the current server session under s->name. */
static enum nara_err prepare_on_server(struct pg_db *d, struct pg_stmt *s)
{
	/* Each '?' grows into at most "$" and the digits of the count. */
	int count = rewrite(s->sql, NULL);
	size_t digits = (size_t)snprintf(NULL, 0, "%d", count);
	char *text = malloc(strlen(s->sql) + (size_t)count * digits + 1);
	if (text == NULL) {
		set_err(d, "out of memory");
		return NARA_ENOMEM;
	}
	rewrite(s->sql, text);
	enum nara_err err = NARA_OK;
	for (int attempt = 0; attempt < 2; attempt++) {
		PGresult *res = PQprepare(d->conn, s->name, text, 0, NULL);
		err = PQresultStatus(res) == PGRES_COMMAND_OK ? NARA_OK
							       : fail(d, res);
		PQclear(res);
		/* Preparing changes nothing: try once on a new connection. */
		if (attempt > 0 || !may_retry(d, err) ||
		    ensure_connected(d) != NARA_OK)
			break;
	}
	free(text);
	if (err == NARA_OK)
		s->prepared = 1;
	return err;
}

/*
 * A slot for a new statement: a hole left by a failed prepare, a free one,
 * or else the last one that no caller is using (hot statements are
 * prepared first and stay in front). Slots never move: callers hold
 * pointers to them.
 */
static struct pg_stmt *take_slot(struct pg_db *d)
{
	for (size_t i = 0; i < d->ncache; i++)
		if (d->cache[i].sql == NULL && !d->cache[i].busy)
			return &d->cache[i];
	if (d->ncache < PG_STMT_CACHE)
		return &d->cache[d->ncache++];
	for (size_t i = PG_STMT_CACHE; i-- > 0;) {
		struct pg_stmt *s = &d->cache[i];
		if (s->busy)
			continue;
		if (s->prepared && conn_ok(d)) {
			char sql[48];
			snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
			PQclear(PQexec(d->conn, sql));
		}
		free_slot(s);
		return s;
	}
	return NULL;
}

/* Gives back a slot that take_slot handed out but that was not used. */
static void return_slot(struct pg_db *d, struct pg_stmt *s)
{
	free_slot(s); /* sql == NULL: a hole that lookup skips */
	if (s == &d->cache[d->ncache - 1])
		d->ncache--;
}

static struct pg_stmt *lookup(struct pg_db *d, const char *sql)
{
	/*
	 * The pointer finds the slot quickly; the text confirms it, because
	 * SQL built in a buffer that is reused for other SQL arrives at the
	 * same address with other words.
	 */
	for (size_t i = 0; i < d->ncache; i++)
		if (d->cache[i].key == sql && d->cache[i].sql != NULL &&
		    strcmp(d->cache[i].sql, sql) == 0)
			return &d->cache[i];
	for (size_t i = 0; i < d->ncache; i++)
		if (d->cache[i].sql != NULL && strcmp(d->cache[i].sql, sql) == 0) {
			d->cache[i].key = sql;
			return &d->cache[i];
		}
	return NULL;
}

static enum nara_err pg_prepare(struct db *db, const char *sql,
				struct db_stmt **out)
{
	struct pg_db *d = PGD(db);
	enum nara_err err = ensure_connected(d);
	if (err != NARA_OK)
		return err;
	struct pg_stmt *s = lookup(d, sql);
	if (s != NULL) {
		if (!s->prepared && (err = prepare_on_server(d, s)) != NARA_OK)
			return err;
		s->busy = 1;
		*out = &s->base;
		return NARA_OK;
	}

	s = take_slot(d);
	if (s == NULL) {
		set_err(d, "statement cache full of statements in use "
			   "(a missing db_done?)");
		return NARA_EDB;
	}
	s->base.ops = &pg_ops;
	s->base.db = db;
	s->key = sql;
	s->sql = strdup(sql);
	s->nparams = s->sql ? rewrite(sql, NULL) : 0;
	if (s->nparams > 0) {
		s->values = calloc((size_t)s->nparams, sizeof(*s->values));
		s->lengths = calloc((size_t)s->nparams, sizeof(*s->lengths));
		s->formats = calloc((size_t)s->nparams, sizeof(*s->formats));
		s->param = calloc((size_t)s->nparams, sizeof(*s->param));
	}
	if (s->sql == NULL ||
	    (s->nparams > 0 && (s->values == NULL || s->lengths == NULL ||
				s->formats == NULL || s->param == NULL))) {
		return_slot(d, s);
		set_err(d, "out of memory");
		return NARA_ENOMEM;
	}
	snprintf(s->name, sizeof(s->name), "s%u", ++d->next_name);
	if ((err = prepare_on_server(d, s)) != NARA_OK) {
		return_slot(d, s);
		return err;
	}
	s->busy = 1;
	*out = &s->base;
	return NARA_OK;
}

/*
 * Stores a parameter's bytes; NULL src is SQL NULL. Text is sent as text
 * (NUL-terminated); binary as len bytes in libpq's binary format.
 */
static void set_param(struct db_stmt *st, int idx, const char *src, size_t len,
		      int binary)
{
	struct pg_stmt *s = PGS(st);
	if (idx < 1 || idx > s->nparams)
		return; /* as SQLite: out of range is ignored */
	struct pg_param *p = &s->param[idx - 1];
	free(p->heap);
	p->heap = NULL;
	s->values[idx - 1] = NULL;
	s->lengths[idx - 1] = 0;
	s->formats[idx - 1] = 0;
	if (src == NULL)
		return;
	if (binary && len > INT32_MAX) {
		/* libpq counts a parameter's length in an int. */
		set_err(PGD(st->db), "binary parameter too large");
		s->bind_err = NARA_ETOOBIG;
		return;
	}
	if (!binary && memchr(src, '\0', len) != NULL) {
		/* PostgreSQL text cannot hold NUL; never truncate quietly. */
		set_err(PGD(st->db), "text parameter contains a NUL byte");
		s->bind_err = NARA_EINVAL;
		return;
	}
	char *dst = p->small;
	if (len >= sizeof(p->small)) {
		if ((dst = p->heap = malloc(len + 1)) == NULL) {
			set_err(PGD(st->db), "out of memory");
			s->bind_err = NARA_ENOMEM;
			return;
		}
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
	s->values[idx - 1] = dst;
	if (binary) {
		s->lengths[idx - 1] = (int)len;
		s->formats[idx - 1] = 1;
	}
}

static void pg_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	char num[PG_SMALL];
	int len = snprintf(num, sizeof(num), "%" PRId64, v);
	set_param(st, idx, num, (size_t)len, 0);
}

static void pg_bind_text(struct db_stmt *st, int idx, const char *s,
			 size_t len)
{
	set_param(st, idx, s, len, 0);
}

static void pg_bind_null(struct db_stmt *st, int idx)
{
	set_param(st, idx, NULL, 0, 0);
}

static void pg_bind_blob(struct db_stmt *st, int idx, const void *data,
			 size_t len)
{
	set_param(st, idx, data, len, 1);
}

static int pg_step(struct db_stmt *st)
{
	struct pg_stmt *s = PGS(st);
	struct pg_db *d = PGD(st->db);
	if (!s->started) {
		s->started = 1;
		s->row = -1;
		s->nrows = 0;
		if (s->bind_err != NARA_OK)
			return -(int)s->bind_err;
		enum nara_err err = ensure_connected(d);
		if (err == NARA_OK && !s->prepared)
			err = prepare_on_server(d, s);
		if (err != NARA_OK)
			return -(int)err;
		s->res = PQexecPrepared(d->conn, s->name, s->nparams, s->values,
					s->lengths, s->formats, 0);
		ExecStatusType status = PQresultStatus(s->res);
		if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
			err = fail(d, s->res);
			PQclear(s->res);
			s->res = NULL;
			return -(int)err;
		}
		s->nrows = PQntuples(s->res);
	}
	clear_decoded(s);
	if (s->row < s->nrows)
		s->row++;
	return s->row < s->nrows ? DB_ROW : DB_DONE;
}

/* NULL for a column or row out of range (or no result), as libpq says. */
static const char *value(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PGS(st);
	if (s->res == NULL || s->row < 0 || s->row >= s->nrows)
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int64_t pg_col_int(struct db_stmt *st, int col)
{
	const char *v = value(st, col);
	if (v == NULL)
		return 0;
	if (v[0] == 't' && v[1] == '\0') /* a boolean */
		return 1;
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
	const char *v = value(st, col);
	return v ? v : "";
}

static size_t pg_col_len(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PGS(st);
	if (value(st, col) == NULL)
		return 0;
	return (size_t)PQgetlength(s->res, s->row, col);
}

static int pg_col_is_null(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PGS(st);
	if (value(st, col) == NULL)
		return 1;
	return PQgetisnull(s->res, s->row, col);
}

static const void *pg_col_blob(struct db_stmt *st, int col, size_t *len)
{
	struct pg_stmt *s = PGS(st);
	*len = 0;
	const char *v = value(st, col);
	if (v == NULL || PQgetisnull(s->res, s->row, col))
		return NULL;
	if (s->ndecoded == s->cap_decoded) {
		size_t cap = s->cap_decoded ? s->cap_decoded * 2 : 4;
		unsigned char **n = realloc(s->decoded, cap * sizeof(*n));
		if (n == NULL)
			return NULL;
		s->decoded = n;
		s->cap_decoded = cap;
	}
	size_t n = 0;
	unsigned char *bytes = PQunescapeBytea((const unsigned char *)v, &n);
	if (bytes == NULL)
		return NULL;
	s->decoded[s->ndecoded++] = bytes;
	*len = n;
	return bytes;
}

static void pg_done(struct db_stmt *st)
{
	struct pg_stmt *s = PGS(st);
	clear_decoded(s);
	PQclear(s->res);
	s->res = NULL;
	s->started = 0;
	s->row = -1;
	s->nrows = 0;
	s->busy = 0;
	clear_params(s);
}

static enum nara_err pg_ping(struct db *db)
{
	return run_retrying(PGD(db), "SELECT 1");
}

/*
 * pg_notify inside the caller's transaction: PostgreSQL holds it until
 * COMMIT and then delivers it to every session that listens on the
 * channel, on every nara node; a rollback drops it. The channel is named
 * after the schema, so deployments (and test runs) that share a database
 * in different schemas do not hear each other; listen.c computes the same
 * name the same way. left(..., 63): a channel is an identifier, and an
 * over-long one would fail the whole transaction.
 */
static enum nara_err pg_notify(struct db *db, const char *payload)
{
	return db_run(db,
		      "SELECT pg_notify(left('nara_' || current_schema(), 63),"
		      " ?)",
		      "s", payload);
}

static const struct db_ops pg_ops = {
	.close = pg_close,
	.errmsg = pg_errmsg,
	.exec_script = pg_exec_script,
	.begin = pg_begin,
	.begin_read = pg_begin_read,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.prepare = pg_prepare,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_len = pg_col_len,
	.col_is_null = pg_col_is_null,
	.col_blob = pg_col_blob,
	.done = pg_done,
	.ping = pg_ping,
	.notify = pg_notify,
};
