/* Login sessions; see session.h. */
#include "domain/session.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "domain/audit.h"

void session_random_token(char out[SESSION_TOKEN_LEN + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SESSION_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

void session_token_hash(const char *token, char out[65])
{
	token_hash(token, out);
}

/* reason: for a login, how the person logged in ("oidc", "dev"). */
static enum nara_err audit_session(struct db *db, const struct session *s,
				   const char *action, int64_t municipality_id,
				   const char *reason)
{
	char label[40];
	if (strcmp(s->kind, "staff") == 0)
		snprintf(label, sizeof(label), "staff %lld", (long long)s->staff_id);
	else
		snprintf(label, sizeof(label), "citizen %.8s-****", s->personnummer);
	struct audit_entry e = {
		.actor_kind = s->kind,
		.actor_id = s->staff_id,
		.actor_label = label,
		.municipality_id = municipality_id,
		.action = action,
		.record_kind = "session",
		.reason = reason,
	};
	return audit_append(db, &e);
}

enum nara_err session_create(struct db *db, const char *kind, int64_t staff_id,
			     const char *personnummer, const char *method,
			     const char *user_agent, int64_t now,
			     char token_out[SESSION_TOKEN_LEN + 1],
			     struct session *out)
{
	if (sodium_init() < 0)
		return NARA_ENOMEM;
	memset(out, 0, sizeof(*out));
	int staff = strcmp(kind, "staff") == 0;
	if ((!staff && strcmp(kind, "citizen") != 0) ||
	    (staff && staff_id <= 0) ||
	    (!staff && (personnummer == NULL || strlen(personnummer) != 12)))
		return NARA_EINVAL;
	snprintf(out->kind, sizeof(out->kind), "%s", kind);
	out->staff_id = staff ? staff_id : 0;
	if (!staff)
		memcpy(out->personnummer, personnummer, 13);
	session_random_token(token_out);
	session_random_token(out->csrf);
	token_hash(token_out, out->token_hash);
	out->created_at = out->last_seen = now;
	out->expires_at = now + SESSION_ABSOLUTE;

	int64_t municipality_id = 0;
	/*
	 * A login that checks a password or a code first (local_account.c)
	 * opens the transaction itself, so that the check, its counters and
	 * the new session are stored together or not at all.
	 */
	int owned = !db_in_tx(db);
	enum nara_err err = owned ? db_begin(db) : NARA_OK;
	if (err != NARA_OK)
		return err;
	if (staff)
		err = db_query_int(db, &municipality_id,
				   "SELECT municipality_id FROM staff_user"
				   " WHERE id = ? AND active = 1",
				   "i", staff_id);
	if (err == NARA_OK)
		err = db_run(db,
			     "INSERT INTO session (token_hash, subject_kind, staff_id,"
			     " personnummer, csrf, login_method, user_agent,"
			     " created_at, last_seen, expires_at)"
			     " VALUES (?, ?, NULLIF(CAST(? AS BIGINT), 0),"
			     " NULLIF(CAST(? AS TEXT), ''), ?, ?, ?, ?, ?, ?)",
			     "ssissssiii", out->token_hash, kind,
			     out->staff_id, out->personnummer, out->csrf, method,
			     user_agent ? user_agent : "", now, now,
			     out->expires_at);
	if (err == NARA_OK)
		err = audit_session(db, out, "login", municipality_id, method);
	if (err != NARA_OK) {
		if (owned)
			db_rollback(db);
		return err == NARA_ENOTFOUND ? NARA_EDENIED : err;
	}
	return owned ? db_commit(db) : NARA_OK;
}

enum nara_err session_lookup(struct db *db, const char *token, int64_t now,
			     struct session *out)
{
	memset(out, 0, sizeof(*out));
	if (token == NULL || strlen(token) != SESSION_TOKEN_LEN)
		return NARA_ENOTFOUND;
	token_hash(token, out->token_hash);
	struct db_stmt *st;
	enum nara_err err = db_prepare(
		db,
		"SELECT subject_kind, COALESCE(staff_id, 0),"
		" COALESCE(personnummer, ''), csrf, created_at, last_seen,"
		" expires_at FROM session"
		" WHERE token_hash = ? AND ended_at IS NULL",
		&st);
	if (err != NARA_OK)
		return err;
	db_bind_text(st, 1, out->token_hash, (size_t)-1);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		snprintf(out->kind, sizeof(out->kind), "%s", db_col_text(st, 0));
		out->staff_id = db_col_int(st, 1);
		snprintf(out->personnummer, sizeof(out->personnummer), "%s",
			 db_col_text(st, 2));
		snprintf(out->csrf, sizeof(out->csrf), "%s", db_col_text(st, 3));
		out->created_at = db_col_int(st, 4);
		out->last_seen = db_col_int(st, 5);
		out->expires_at = db_col_int(st, 6);
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? NARA_ENOTFOUND : db_step_err(rc);
	if (now >= out->expires_at || now - out->last_seen >= SESSION_IDLE)
		return NARA_ENOTFOUND;
	/*
	 * Written at most once a minute: a page view should not cost a
	 * write, and a minute is nothing against a 30-minute idle limit.
	 */
	if (now - out->last_seen >= SESSION_TOUCH_EVERY) {
		err = db_run(db, "UPDATE session SET last_seen = ? WHERE token_hash = ?",
			     "is", now, out->token_hash);
		if (err != NARA_OK)
			return err;
		out->last_seen = now;
	}
	return NARA_OK;
}

static enum nara_err end_where(struct db *db, const struct session *s,
			       int64_t now, int all)
{
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	if (!all)
		err = db_run(db, "UPDATE session SET ended_at = ? WHERE token_hash = ?",
			     "is", now, s->token_hash);
	else if (strcmp(s->kind, "staff") == 0)
		err = db_run(db, "UPDATE session SET ended_at = ?"
				 " WHERE staff_id = ? AND ended_at IS NULL",
			     "ii", now, s->staff_id);
	else
		err = db_run(db, "UPDATE session SET ended_at = ?"
				 " WHERE personnummer = ? AND ended_at IS NULL",
			     "is", now, s->personnummer);
	if (err == NARA_OK)
		err = audit_session(db, s, all ? "logout_everywhere" : "logout", 0,
				    NULL);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

enum nara_err session_end(struct db *db, const struct session *s, int64_t now)
{
	return end_where(db, s, now, 0);
}

enum nara_err session_end_all(struct db *db, const struct session *s,
			      int64_t now)
{
	return end_where(db, s, now, 1);
}

int session_csrf_ok(const struct session *s, const char *given)
{
	if (given == NULL || strlen(given) != SESSION_TOKEN_LEN ||
	    strlen(s->csrf) != SESSION_TOKEN_LEN)
		return 0;
	return sodium_memcmp(s->csrf, given, SESSION_TOKEN_LEN) == 0;
}

/* Live sessions of the same subject as s. */
static const char list_staff_sql[] =
	"SELECT token_hash, login_method, user_agent, created_at, last_seen"
	" FROM session WHERE staff_id = ? AND ended_at IS NULL"
	" AND expires_at > ? AND last_seen > ? ORDER BY created_at DESC LIMIT 50";
static const char list_citizen_sql[] =
	"SELECT token_hash, login_method, user_agent, created_at, last_seen"
	" FROM session WHERE personnummer = ? AND ended_at IS NULL"
	" AND expires_at > ? AND last_seen > ? ORDER BY created_at DESC LIMIT 50";

enum nara_err session_list(struct db *db, struct arena *a,
			   const struct session *s, int64_t now,
			   struct session_info **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	int staff = strcmp(s->kind, "staff") == 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(db, staff ? list_staff_sql : list_citizen_sql, &st);
	if (err != NARA_OK)
		return err;
	if (staff)
		db_bind_int(st, 1, s->staff_id);
	else
		db_bind_text(st, 1, s->personnummer, (size_t)-1);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, now - SESSION_IDLE);
	struct session_info *list = arena_calloc(a, 50, sizeof(*list));
	int rc = DB_DONE;
	while (list != NULL && (rc = db_step(st)) == DB_ROW) {
		struct session_info *i = &list[(*count)++];
		const char *hash = db_col_text(st, 0);
		snprintf(i->id, sizeof(i->id), "%.16s", hash);
		i->current = strcmp(hash, s->token_hash) == 0;
		i->method = arena_strdup(a, db_col_text(st, 1));
		i->user_agent = arena_strdup(a, db_col_text(st, 2));
		i->created_at = db_col_int(st, 3);
		i->last_seen = db_col_int(st, 4);
	}
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	*out = list;
	return db_step_err(rc);
}

enum nara_err session_end_id(struct db *db, const struct session *s,
			     const char *id, int64_t now)
{
	if (id == NULL || strlen(id) != 16 || strspn(id, "0123456789abcdef") != 16)
		return NARA_ENOTFOUND;
	struct session_info *list;
	size_t n;
	struct arena a;
	arena_init(&a, 1 << 20);
	/* Only a live session of the same person can be named. */
	enum nara_err err = session_list(db, &a, s, now, &list, &n);
	int found = 0;
	for (size_t i = 0; err == NARA_OK && i < n; i++)
		found |= strcmp(list[i].id, id) == 0;
	arena_free(&a);
	if (err != NARA_OK)
		return err;
	if (!found)
		return NARA_ENOTFOUND;
	if ((err = db_begin(db)) != NARA_OK)
		return err;
	char like[20];
	snprintf(like, sizeof(like), "%s%%", id);
	if (strcmp(s->kind, "staff") == 0)
		err = db_run(db, "UPDATE session SET ended_at = ? WHERE token_hash LIKE ?"
				 " AND staff_id = ? AND ended_at IS NULL",
			     "isi", now, like, s->staff_id);
	else
		err = db_run(db, "UPDATE session SET ended_at = ? WHERE token_hash LIKE ?"
				 " AND personnummer = ? AND ended_at IS NULL",
			     "iss", now, like, s->personnummer);
	if (err == NARA_OK)
		err = audit_session(db, s, "logout_other", 0, NULL);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}
