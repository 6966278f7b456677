/*
 * PostgreSQL engine over libpq. Portable SQL arrives with '?' placeholders
 * and is rewritten once to $1, $2, ... when the statement is first prepared
 * on a connection; prepared statements are cached per connection by their
 * SQL text, as in sqlite.c. Parameters and results travel as text, which
 * is what every column type Nära uses reads and writes cleanly.
 *
 * Lost connections: when the server restarts, the next statement fails and
 * the connection reports CONNECTION_BAD. Outside a transaction, the next
 * use resets the connection and forgets the prepared statements (the new
 * server session has none). Inside a transaction nothing is retried: the
 * caller gets NARA_EDBDOWN and rolls back, so no half of a change is ever
 * redone on its own.
 */
#include "db/db_internal.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PG_STMT_CACHE = 64, PG_MAX_PARAMS = 32 };

struct pg_stmt {
	struct db_stmt base;
	const char *sql; /* the caller's text: cache key */
	char name[16];
	int nparams;
	char *params[PG_MAX_PARAMS];
	PGresult *res;
	int row, nrows;
	int started;
};

struct pg_db {
	struct db base;
	PGconn *conn;
	struct pg_stmt cache[PG_STMT_CACHE];
	size_t ncache;
	unsigned next_name;
	char errmsg[512];
};

static const struct db_ops pg_ops;

static void set_err(struct pg_db *d, const char *msg)
{
	snprintf(d->errmsg, sizeof(d->errmsg), "%s", msg ? msg : "");
	size_t n = strlen(d->errmsg);
	while (n > 0 && (d->errmsg[n - 1] == '\n' || d->errmsg[n - 1] == ' '))
		d->errmsg[--n] = '\0';
}

/* Maps a failed result (or a dead connection) to an error. */
static enum nara_err map_result(struct pg_db *d, const PGresult *res)
{
	if (PQstatus(d->conn) == CONNECTION_BAD) {
		set_err(d, PQerrorMessage(d->conn));
		return NARA_EDBDOWN;
	}
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	set_err(d, res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn));
	if (state == NULL)
		return NARA_EDB;
	if (strncmp(state, "23", 2) == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0)
		return NARA_ECONFLICT;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0)
		return NARA_EDBDOWN;
	return NARA_EDB;
}

static void drop_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void forget_statements(struct pg_db *d)
{
	for (size_t i = 0; i < d->ncache; i++) {
		struct pg_stmt *s = &d->cache[i];
		PQclear(s->res);
		s->res = NULL;
		for (int k = 0; k < s->nparams; k++) {
			free(s->params[k]);
			s->params[k] = NULL;
		}
	}
	d->ncache = 0;
}

/* Reconnects a connection that went bad, outside transactions only. */
static enum nara_err ensure_connected(struct pg_db *d)
{
	if (PQstatus(d->conn) == CONNECTION_OK)
		return NARA_OK;
	if (d->base.in_tx) {
		set_err(d, "connection lost inside a transaction");
		return NARA_EDBDOWN;
	}
	forget_statements(d);
	PQreset(d->conn);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		set_err(d, PQerrorMessage(d->conn));
		return NARA_EDBDOWN;
	}
	PGresult *r = PQexec(d->conn, "SET client_min_messages = warning");
	PQclear(r);
	return NARA_OK;
}

enum nara_err db_pg_open(const char *url, struct db **out)
{
	struct pg_db *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NARA_ENOMEM;
	d->base.ops = &pg_ops;
	d->base.engine = DB_POSTGRES;
	*out = &d->base;
	/* A 5 s connect timeout unless the URL gives one. */
	const char *keys[] = {"dbname", "connect_timeout", NULL};
	const char *vals[] = {url, strstr(url, "connect_timeout=") ? NULL : "5", NULL};
	if (vals[1] == NULL)
		keys[1] = NULL;
	d->conn = PQconnectdbParams(keys, vals, 1);
	if (d->conn == NULL)
		return NARA_ENOMEM;
	PQsetNoticeProcessor(d->conn, drop_notice, NULL);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		set_err(d, PQerrorMessage(d->conn));
		return NARA_EDBDOWN;
	}
	PGresult *r = PQexec(d->conn, "SET client_min_messages = warning");
	PQclear(r);
	return NARA_OK;
}

static void pg_close(struct db *db)
{
	struct pg_db *d = (struct pg_db *)db;
	forget_statements(d);
	if (d->conn)
		PQfinish(d->conn);
	free(d);
}

static const char *pg_errmsg(const struct db *db)
{
	return ((const struct pg_db *)db)->errmsg;
}

static enum nara_err pg_exec_script(struct db *db, const char *sql)
{
	struct pg_db *d = (struct pg_db *)db;
	/* ROLLBACK after a lost connection has nothing to undo. */
	if (PQstatus(d->conn) != CONNECTION_OK && strcmp(sql, "ROLLBACK") == 0)
		return NARA_OK;
	enum nara_err err = ensure_connected(d);
	if (err != NARA_OK)
		return err;
	PGresult *res = PQexec(d->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(res);
		return NARA_OK;
	}
	err = map_result(d, res);
	PQclear(res);
	return err;
}

static enum nara_err pg_begin(struct db *db)
{
	return pg_exec_script(db, "BEGIN");
}

static enum nara_err pg_begin_read(struct db *db)
{
	return pg_exec_script(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

/* Rewrites '?' outside literals, identifiers and comments to $n. */
static char *rewrite(const char *sql, int *nparams)
{
	size_t len = strlen(sql);
	char *out = malloc(len * 4 + 1); /* "?" -> "$32" at most */
	if (out == NULL)
		return NULL;
	size_t n = 0;
	int count = 0;
	for (size_t i = 0; i < len; i++) {
		char c = sql[i];
		if (c == '\'' || c == '"') {
			out[n++] = c;
			for (i++; i < len; i++) {
				out[n++] = sql[i];
				if (sql[i] == c)
					break;
			}
			continue;
		}
		if (c == '-' && i + 1 < len && sql[i + 1] == '-') {
			while (i < len && sql[i] != '\n')
				out[n++] = sql[i++];
			if (i < len)
				out[n++] = '\n';
			continue;
		}
		if (c == '?') {
			n += (size_t)sprintf(out + n, "$%d", ++count);
			continue;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	*nparams = count;
	return out;
}

static enum nara_err pg_prepare(struct db *db, const char *sql,
				struct db_stmt **out)
{
	struct pg_db *d = (struct pg_db *)db;
	enum nara_err err = ensure_connected(d);
	if (err != NARA_OK)
		return err;
	for (size_t i = 0; i < d->ncache; i++) {
		if (d->cache[i].sql == sql || strcmp(d->cache[i].sql, sql) == 0) {
			*out = &d->cache[i].base;
			return NARA_OK;
		}
	}
	int nparams;
	char *text = rewrite(sql, &nparams);
	if (text == NULL)
		return NARA_ENOMEM;
	if (nparams > PG_MAX_PARAMS) {
		free(text);
		set_err(d, "too many parameters");
		return NARA_EINVAL;
	}
	struct pg_stmt *s;
	if (d->ncache < PG_STMT_CACHE) {
		s = &d->cache[d->ncache];
	} else {
		s = &d->cache[PG_STMT_CACHE - 1];
		char deallocate[48];
		snprintf(deallocate, sizeof(deallocate), "DEALLOCATE %s", s->name);
		PQclear(PQexec(d->conn, deallocate));
		PQclear(s->res);
		for (int k = 0; k < s->nparams; k++)
			free(s->params[k]);
	}
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "s%u", ++d->next_name);
	PGresult *res = PQprepare(d->conn, s->name, text, 0, NULL);
	free(text);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		err = map_result(d, res);
		PQclear(res);
		return err;
	}
	PQclear(res);
	s->base.ops = &pg_ops;
	s->base.db = db;
	s->sql = sql;
	s->nparams = nparams;
	if (d->ncache < PG_STMT_CACHE)
		d->ncache++;
	*out = &s->base;
	return NARA_OK;
}

#define PGS(st) ((struct pg_stmt *)(st))

static void set_param(struct db_stmt *st, int idx, char *value)
{
	struct pg_stmt *s = PGS(st);
	if (idx < 1 || idx > s->nparams) {
		free(value);
		return;
	}
	free(s->params[idx - 1]);
	s->params[idx - 1] = value;
}

static void pg_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	char *s = malloc(24);
	if (s != NULL)
		snprintf(s, 24, "%" PRId64, v);
	set_param(st, idx, s);
}

static void pg_bind_text(struct db_stmt *st, int idx, const char *s, size_t len)
{
	char *copy = malloc(len + 1);
	if (copy != NULL) {
		memcpy(copy, s, len);
		copy[len] = '\0';
	}
	set_param(st, idx, copy);
}

static void pg_bind_null(struct db_stmt *st, int idx)
{
	set_param(st, idx, NULL);
}

static int pg_step(struct db_stmt *st)
{
	struct pg_stmt *s = PGS(st);
	struct pg_db *d = (struct pg_db *)st->db;
	if (!s->started) {
		s->started = 1;
		s->res = PQexecPrepared(d->conn, s->name, s->nparams,
					(const char *const *)s->params, NULL,
					NULL, 0);
		ExecStatusType status = PQresultStatus(s->res);
		if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
			enum nara_err err = map_result(d, s->res);
			PQclear(s->res);
			s->res = NULL;
			return -(int)err;
		}
		s->nrows = PQntuples(s->res);
		s->row = -1;
	}
	if (s->res == NULL)
		return DB_DONE;
	if (++s->row < s->nrows)
		return DB_ROW;
	return DB_DONE;
}

static int64_t pg_col_int(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PGS(st);
	return strtoll(PQgetvalue(s->res, s->row, col), NULL, 10);
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PGS(st);
	return PQgetvalue(s->res, s->row, col);
}

static size_t pg_col_len(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PGS(st);
	return (size_t)PQgetlength(s->res, s->row, col);
}

static int pg_col_is_null(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PGS(st);
	return PQgetisnull(s->res, s->row, col);
}

static void pg_done(struct db_stmt *st)
{
	struct pg_stmt *s = PGS(st);
	PQclear(s->res);
	s->res = NULL;
	s->started = 0;
	for (int k = 0; k < s->nparams; k++) {
		free(s->params[k]);
		s->params[k] = NULL;
	}
}

/*
 * A connection that died quietly (the server restarted while it was idle)
 * only says so when used: the first SELECT fails and marks it bad, the
 * second resets it. /readyz should report the database, not the staleness
 * of this one connection, so ping tries twice.
 */
static enum nara_err pg_ping(struct db *db)
{
	enum nara_err err = pg_exec_script(db, "SELECT 1");
	if (err == NARA_EDBDOWN && !db->in_tx)
		err = pg_exec_script(db, "SELECT 1");
	return err;
}

static const struct db_ops pg_ops = {
	.close = pg_close,
	.errmsg = pg_errmsg,
	.exec_script = pg_exec_script,
	.begin = pg_begin,
	.begin_read = pg_begin_read,
	.prepare = pg_prepare,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_len = pg_col_len,
	.col_is_null = pg_col_is_null,
	.done = pg_done,
	.ping = pg_ping,
};
