/*
 * The engine-neutral half of the storage layer: dispatch to the engine,
 * small conveniences built on prepare/bind/step, and migrations.
 *
 * Migrations are the numbered files sql/NNN_name.sql (or NNN_name.ENGINE.sql), embedded in the binary
 * at build time (see tools/embed.c), applied in order, each in its own
 * transaction together with its row in schema_migrations, so a failed
 * migration leaves the database as it was. The few places where SQLite and
 * PostgreSQL spell a thing differently are written as {{placeholders}} that
 * db_dialect_fill() replaces.
 */
#include "db/db_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/assets.h"
#include "core/buf.h"

static enum nara_err open_url(const char *url, int create, struct db **out)
{
	*out = NULL;
	if (strncmp(url, "sqlite:", 7) == 0)
		return db_sqlite_open(url + 7, create, out);
	if (strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0)
		return db_pg_open(url, out);
	return NARA_EINVAL;
}

enum nara_err db_open(const char *url, struct db **out)
{
	return open_url(url, 1, out);
}

enum nara_err db_connect(const char *url, struct db **out)
{
	return open_url(url, 0, out);
}

int db_in_tx(const struct db *db) { return db->in_tx; }

int db_connect_is_remote(const char *url)
{
	return strncmp(url, "sqlite:", 7) != 0;
}

void db_close(struct db *db)
{
	if (db != NULL) {
		free(db->notes);
		db->ops->close(db);
	}
}

enum db_engine db_engine_of(const struct db *db) { return db->engine; }

const char *db_errmsg(const struct db *db) { return db->ops->errmsg(db); }

enum nara_err db_begin(struct db *db)
{
	enum nara_err err = db->ops->begin(db);
	if (err == NARA_OK)
		db->in_tx = 1;
	return err;
}

enum nara_err db_begin_read(struct db *db)
{
	enum nara_err err = db->ops->begin_read(db);
	if (err == NARA_OK)
		db->in_tx = 1;
	return err;
}

static void drop_notes(struct db *db)
{
	db->nnotes = 0;
	db->notes_overflow = 0;
}

enum nara_err db_commit(struct db *db)
{
	enum nara_err err = db->ops->commit ? db->ops->commit(db)
					    : db->ops->exec_script(db, "COMMIT");
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	db->in_tx = 0;
	/* Only now is the change there for others to read: tell them. */
	if (db->nnotes > 0 || db->notes_overflow)
		db_local_deliver(db->notes, db->nnotes, db->notes_overflow);
	drop_notes(db);
	return NARA_OK;
}

void db_rollback(struct db *db)
{
	if (db->ops->rollback)
		db->ops->rollback(db);
	else
		db->ops->exec_script(db, "ROLLBACK");
	db->in_tx = 0;
	drop_notes(db); /* nothing changed, so nobody is told */
}

/*
 * A transaction that touches more records than this (a retention run, an
 * import) tells listeners to look at everything again instead of listing
 * each record.
 */
enum { NOTES_MAX = 1024 };

static int topic_ok(const char *topic)
{
	size_t n = 0;
	for (; topic[n] != '\0'; n++)
		if ((topic[n] < 'a' || topic[n] > 'z') && topic[n] != '_')
			return 0;
	return n > 0 && n < DB_TOPIC_MAX;
}

enum nara_err db_notify(struct db *db, const char *topic, int64_t id,
			int64_t version)
{
	if (topic == NULL || !topic_ok(topic))
		return NARA_EINVAL;
	if (db->ops->notify != NULL) {
		char payload[64];
		db_note_format(payload, sizeof(payload), topic, id, version);
		return db->ops->notify(db, payload);
	}
	struct db_note note = {.id = id, .version = version};
	memcpy(note.topic, topic, strlen(topic) + 1);
	if (!db->in_tx) {
		db_local_deliver(&note, 1, 0);
		return NARA_OK;
	}
	/*
	 * A record changed twice in one transaction is told once, at its
	 * last version.
	 */
	for (size_t i = 0; i < db->nnotes; i++) {
		struct db_note *n = &db->notes[i];
		if (n->id == id && strcmp(n->topic, topic) == 0) {
			if (version > n->version)
				n->version = version;
			return NARA_OK;
		}
	}
	if (db->nnotes == db->notes_cap) {
		if (db->notes_cap >= NOTES_MAX) {
			db->notes_overflow = 1;
			return NARA_OK;
		}
		size_t cap = db->notes_cap ? db->notes_cap * 2 : 8;
		struct db_note *bigger =
		    realloc(db->notes, cap * sizeof(*bigger));
		if (bigger == NULL)
			return NARA_ENOMEM;
		db->notes = bigger;
		db->notes_cap = cap;
	}
	db->notes[db->nnotes++] = note;
	return NARA_OK;
}

/*
 * Time spent inside the engine, per thread, for /metrics: the server reads
 * and clears it around each request. clock_gettime is a vDSO call, cheap
 * next to any statement.
 */
static _Thread_local uint64_t db_time_ns;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t db_take_time_ns(void)
{
	uint64_t t = db_time_ns;
	db_time_ns = 0;
	return t;
}

enum nara_err db_exec_script(struct db *db, const char *sql)
{
	uint64_t t0 = now_ns();
	enum nara_err err = db->ops->exec_script(db, sql);
	db_time_ns += now_ns() - t0;
	return err;
}

enum nara_err db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	return db->ops->prepare(db, sql, out);
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	st->ops->bind_int(st, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s, size_t len)
{
	if (s == NULL) {
		st->ops->bind_null(st, idx);
		return;
	}
	st->ops->bind_text(st, idx, s, len == (size_t)-1 ? strlen(s) : len);
}

void db_bind_null(struct db_stmt *st, int idx) { st->ops->bind_null(st, idx); }

void db_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len)
{
	if (data == NULL) {
		st->ops->bind_null(st, idx);
		return;
	}
	st->ops->bind_blob(st, idx, data, len);
}

/*
 * A statement is timed from its first step to db_done, so a page of fifty
 * rows reads the clock twice, not a hundred times; the time between steps
 * is the caller copying columns, a small and fair part of database time.
 */
int db_step(struct db_stmt *st)
{
	if (st->t0 == 0)
		st->t0 = now_ns();
	return st->ops->step(st);
}

int64_t db_col_int(struct db_stmt *st, int col)
{
	return st->ops->col_int(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
	return st->ops->col_text(st, col);
}

size_t db_col_len(struct db_stmt *st, int col)
{
	return st->ops->col_len(st, col);
}

int db_col_is_null(struct db_stmt *st, int col)
{
	return st->ops->col_is_null(st, col);
}

const void *db_col_blob(struct db_stmt *st, int col, size_t *len)
{
	return st->ops->col_blob(st, col, len);
}

void db_done(struct db_stmt *st)
{
	if (st->t0 != 0) {
		db_time_ns += now_ns() - st->t0;
		st->t0 = 0;
	}
	st->ops->done(st);
}

enum nara_err db_ping(struct db *db) { return db->ops->ping(db); }

static void bind_va(struct db_stmt *st, const char *types, va_list ap)
{
	for (int i = 0; types[i] != '\0'; i++) {
		switch (types[i]) {
		case 'i':
			db_bind_int(st, i + 1, va_arg(ap, int64_t));
			break;
		case 's':
			db_bind_text(st, i + 1, va_arg(ap, const char *),
				     (size_t)-1);
			break;
		default:
			db_bind_null(st, i + 1);
			break;
		}
	}
}

static enum nara_err run_va(struct db *db, int64_t *out, const char *sql,
			    const char *types, va_list ap)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(db, sql, &st);
	if (err != NARA_OK)
		return err;
	bind_va(st, types, ap);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		if (out != NULL)
			*out = db_col_int(st, 0);
		/* Drain so that PostgreSQL and SQLite finish the statement. */
		while ((rc = db_step(st)) == DB_ROW)
			;
	} else if (rc == DB_DONE && out != NULL) {
		rc = -(int)NARA_ENOTFOUND;
	}
	db_done(st);
	return db_step_err(rc);
}

enum nara_err db_run(struct db *db, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	enum nara_err err = run_va(db, NULL, sql, types, ap);
	va_end(ap);
	return err;
}

enum nara_err db_query_int(struct db *db, int64_t *out, const char *sql,
			   const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	enum nara_err err = run_va(db, out, sql, types, ap);
	va_end(ap);
	return err;
}

const char *db_dialect_fill(const struct db *db, const char *name)
{
	int pg = db->engine == DB_POSTGRES;
	if (strcmp(name, "id") == 0)
		return pg ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
			  : "INTEGER PRIMARY KEY";
	if (strcmp(name, "blob") == 0)
		return pg ? "BYTEA" : "BLOB";
	if (strcmp(name, "now") == 0)
		return pg ? "CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)"
			  : "CAST(strftime('%s','now') AS INTEGER)";
	if (strcmp(name, "without_rowid") == 0)
		return pg ? "" : "WITHOUT ROWID";
	return NULL;
}

/* Replaces {{name}} by the engine's spelling; unknown names are an error. */
static enum nara_err fill_dialect(struct db *db, const char *src, size_t len,
				  struct buf *out)
{
	size_t i = 0;
	while (i < len) {
		const char *open = memmem(src + i, len - i, "{{", 2);
		if (open == NULL) {
			buf_add(out, src + i, len - i);
			break;
		}
		buf_add(out, src + i, (size_t)(open - (src + i)));
		const char *close =
			memmem(open, len - (size_t)(open - src), "}}", 2);
		if (close == NULL)
			return NARA_EINVAL;
		char name[32];
		size_t n = (size_t)(close - open - 2);
		if (n >= sizeof(name))
			return NARA_EINVAL;
		memcpy(name, open + 2, n);
		name[n] = '\0';
		const char *fill = db_dialect_fill(db, name);
		if (fill == NULL)
			return NARA_EINVAL;
		buf_adds(out, fill);
		i = (size_t)(close + 2 - src);
	}
	return out->failed ? NARA_ENOMEM : NARA_OK;
}

enum nara_err db_migrate(struct db *db, int verbose)
{
	enum nara_err err = db_exec_script(
		db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
		    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
		    " applied_at BIGINT NOT NULL)");
	if (err != NARA_OK)
		return err;

	for (size_t i = 0; i < nara_assets_count; i++) {
		const struct asset *as = &nara_assets[i];
		if (strncmp(as->path, "sql/", 4) != 0)
			continue;
		const char *name = as->path + 4;
		int version = atoi(name);
		if (version <= 0)
			continue;
		/*
		 * NNN_name.sqlite.sql and NNN_name.pg.sql are one migration
		 * written twice, for what the engines cannot say alike
		 * (triggers); each engine takes its own.
		 */
		int for_pg = strstr(name, ".pg.sql") != NULL;
		int for_sqlite = strstr(name, ".sqlite.sql") != NULL;
		if ((for_pg && db->engine != DB_POSTGRES) ||
		    (for_sqlite && db->engine != DB_SQLITE))
			continue;

		int64_t seen = 0;
		err = db_query_int(db, &seen,
				   "SELECT count(*) FROM schema_migrations"
				   " WHERE version = ?",
				   "i", (int64_t)version);
		if (err != NARA_OK)
			return err;
		if (seen)
			continue;

		struct buf sql;
		buf_init(&sql);
		err = fill_dialect(db, (const char *)as->data, as->len, &sql);
		if (err != NARA_OK) {
			buf_free(&sql);
			return err;
		}
		if ((err = db_begin(db)) != NARA_OK) {
			buf_free(&sql);
			return err;
		}
		err = db_exec_script(db, buf_cstr(&sql));
		buf_free(&sql);
		if (err == NARA_OK)
			err = db_run(db,
				     "INSERT INTO schema_migrations"
				     " (version, name, applied_at)"
				     " VALUES (?, ?, ?)",
				     "isi", (int64_t)version, name,
				     (int64_t)time(NULL));
		if (err != NARA_OK) {
			if (verbose)
				fprintf(stderr, "migration %s failed: %s\n",
					name, db_errmsg(db));
			db_rollback(db);
			return err;
		}
		if ((err = db_commit(db)) != NARA_OK)
			return err;
		if (verbose)
			printf("applied %s\n", name);
	}
	return NARA_OK;
}
