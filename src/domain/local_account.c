/* Local staff accounts: password, lockout, TOTP; see local_account.h. */
#include "domain/local_account.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/sealed.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/password.h"

/* The sealed TOTP secret's purpose, for its subkey (core/sealed.h). */
static const char totp_context[] = "naratotp";

/* One local account as the login steps need it. */
struct account {
	int64_t staff_id;
	int64_t municipality_id;
	char label[160]; /* "Anna Admin (admin.anna)", as access.c writes it */
	char hash[PASSWORD_HASH_MAX];
	int64_t locked_until;
	int totp_enabled;
	int has_secret;
	char secret[SEALED_MAX_TEXT];
	int64_t last_step;
};

/* The columns account_read reads, and where they come from. */
#define ACCOUNT_SELECT                                                         \
	"SELECT s.id, s.municipality_id, s.display_name, s.username,"          \
	" a.password_hash, a.locked_until, a.totp_enabled,"                    \
	" COALESCE(a.totp_secret, ''), a.totp_last_step"                       \
	" FROM staff_user s JOIN local_account a ON a.staff_id = s.id"

/* Fills a from the statement's row (ACCOUNT_SELECT). */
static void account_read(struct db_stmt *st, struct account *a)
{
	a->staff_id = db_col_int(st, 0);
	a->municipality_id = db_col_int(st, 1);
	snprintf(a->label, sizeof(a->label), "%s (%s)", db_col_text(st, 2),
		 db_col_text(st, 3));
	snprintf(a->hash, sizeof(a->hash), "%s", db_col_text(st, 4));
	a->locked_until = db_col_int(st, 5);
	a->totp_enabled = db_col_int(st, 6) != 0;
	snprintf(a->secret, sizeof(a->secret), "%s", db_col_text(st, 7));
	a->has_secret = a->secret[0] != '\0';
	a->last_step = db_col_int(st, 8);
}

/* An active staff member's local account, by user name or by id. */
static enum nara_err account_find(struct db *db, const char *username,
				  int64_t staff_id, struct account *a)
{
	memset(a, 0, sizeof(*a));
	struct db_stmt *st;
	enum nara_err err;
	if (username != NULL) {
		err = db_prepare(
		    db, ACCOUNT_SELECT " WHERE s.username = ? AND s.active = 1",
		    &st);
		if (err != NARA_OK)
			return err;
		db_bind_text(st, 1, username, (size_t)-1);
	} else {
		err = db_prepare(
		    db, ACCOUNT_SELECT " WHERE s.id = ? AND s.active = 1", &st);
		if (err != NARA_OK)
			return err;
		db_bind_int(st, 1, staff_id);
	}
	int rc = db_step(st);
	if (rc == DB_ROW)
		account_read(st, a);
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? NARA_ENOTFOUND : db_step_err(rc);
	return NARA_OK;
}

/* An audit row about account a, acted on by itself (its login). */
static enum nara_err audit_account(struct db *db, const struct local_request *q,
				   const struct account *a, const char *action,
				   const char *reason, int flagged)
{
	struct audit_entry e = {
	    .actor_kind = "staff",
	    .actor_id = a->staff_id,
	    .actor_label = a->label,
	    .municipality_id = a->municipality_id,
	    .action = action,
	    .record_kind = "local_account",
	    .record_id = a->staff_id,
	    .reason = reason,
	    .flagged = flagged,
	    .request_id = q ? q->request_id : NULL,
	    .at = q ? q->now : 0,
	};
	return audit_append(db, &e);
}

/* Commits when err is NARA_OK, else rolls back; returns the outcome. */
static enum nara_err finish(struct db *db, enum nara_err err)
{
	if (err != NARA_OK) {
		if (db_in_tx(db))
			db_rollback(db);
		return err;
	}
	return db_commit(db);
}

static enum nara_err end_challenges(struct db *db, int64_t staff_id)
{
	return db_run(db, "DELETE FROM login_challenge WHERE staff_id = ?", "i",
		      staff_id);
}

/*
 * Counts a failed guess at `step` ("password", "code") in the caller's
 * transaction, locks the account at the LOCAL_MAX_FAILURES-th, and writes
 * the audit row. One UPDATE reads and writes the count, so two nodes
 * counting at once each see the other's guess. When the account is
 * already locked (another node locked it since we looked), nothing is
 * counted and the outcome is LOCKED.
 */
static enum nara_err count_failure(struct db *db, const struct local_request *q,
				   const struct account *a, const char *step,
				   struct local_outcome *out)
{
	struct db_stmt *st;
	enum nara_err err =
	    db_prepare(db,
		       "UPDATE local_account SET"
		       " failed_count = CASE WHEN failed_count + 1 >= ? THEN 0"
		       " ELSE failed_count + 1 END,"
		       " locked_until = CASE WHEN failed_count + 1 >= ? THEN ?"
		       " ELSE locked_until END"
		       " WHERE staff_id = ? AND locked_until <= ?"
		       " RETURNING locked_until",
		       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, LOCAL_MAX_FAILURES);
	db_bind_int(st, 2, LOCAL_MAX_FAILURES);
	db_bind_int(st, 3, q->now + LOCAL_LOCK_SECONDS);
	db_bind_int(st, 4, a->staff_id);
	db_bind_int(st, 5, q->now);
	int64_t until = 0;
	int counted = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		until = db_col_int(st, 0);
		counted = 1;
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	if (!counted) {
		err = db_query_int(db, &until,
				   "SELECT locked_until FROM local_account"
				   " WHERE staff_id = ?",
				   "i", a->staff_id);
		if (err != NARA_OK)
			return err;
		out->result = LOCAL_LOCKED;
		out->locked_until = until;
		return audit_account(db, q, a, "login_failed", "locked", 0);
	}
	if (until > q->now) {
		out->result = LOCAL_LOCKED;
		out->locked_until = until;
		char reason[64];
		snprintf(reason, sizeof(reason), "%d failures in a row (%s)",
			 LOCAL_MAX_FAILURES, step);
		err = end_challenges(db, a->staff_id);
		return err != NARA_OK
			   ? err
			   : audit_account(db, q, a, "login_locked", reason, 1);
	}
	out->result = LOCAL_WRONG;
	return audit_account(db, q, a, "login_failed", step, 0);
}

/* A refused attempt at an account that is locked: audited, not counted. */
static enum nara_err refuse_locked(struct db *db, const struct local_request *q,
				   const struct account *a, int64_t until,
				   struct local_outcome *out)
{
	out->result = LOCAL_LOCKED;
	out->locked_until = until;
	return audit_account(db, q, a, "login_failed", "locked", 0);
}

/* A guess at a user name that does not exist; audited, nothing to count. */
static enum nara_err unknown_user(struct db *db, const struct local_request *q,
				  const char *username)
{
	/* The name as typed, cut at a character boundary, for the reviewer. */
	char label[80];
	size_t n = username ? strnlen(username, 64) : 0;
	while (n > 0 && username[n] != '\0' &&
	       ((unsigned char)username[n] & 0xc0) == 0x80)
		n--;
	snprintf(label, sizeof(label), "%.*s", (int)n, n ? username : "");
	struct audit_entry e = {
	    .actor_kind = "staff",
	    .actor_label = label,
	    .action = "login_failed",
	    .record_kind = "local_account",
	    .reason = "unknown user",
	    .request_id = q->request_id,
	    .at = q->now,
	};
	enum nara_err err = db_begin(db);
	if (err == NARA_OK)
		err = audit_append(db, &e);
	return finish(db, err);
}

/* Half a login: the challenge the code step will name. */
static enum nara_err challenge_create(struct db *db,
				      const struct local_request *q,
				      int64_t staff_id, const char *next,
				      struct local_outcome *out)
{
	char hash[65], csrf[SESSION_TOKEN_LEN + 1];
	session_random_token(out->token);
	session_random_token(csrf);
	session_token_hash(out->token, hash);
	/* One challenge per account; expired ones of anyone go too. */
	enum nara_err err = db_run(db,
				   "DELETE FROM login_challenge"
				   " WHERE staff_id = ? OR expires_at <= ?",
				   "ii", staff_id, q->now);
	if (err == NARA_OK)
		err =
		    db_run(db,
			   "INSERT INTO login_challenge (token_hash, staff_id,"
			   " csrf, next, created_at, expires_at)"
			   " VALUES (?, ?, ?, ?, ?, ?)",
			   "sissii", hash, staff_id, csrf, next ? next : "",
			   q->now, q->now + LOCAL_CHALLENGE_SECONDS);
	return err;
}

/* The password was right: on to the code, or logged in. In the tx. */
static enum nara_err password_right(struct db *db,
				    const struct local_request *q,
				    const struct account *a, const char *fresh,
				    const char *next, struct local_outcome *out)
{
	int64_t until = 0;
	enum nara_err err = db_query_int(
	    db, &until,
	    "SELECT locked_until FROM local_account WHERE staff_id = ?", "i",
	    a->staff_id);
	if (err != NARA_OK)
		return err;
	if (until > q->now)
		return refuse_locked(db, q, a, until, out);
	/*
	 * The hash was made at a cost we no longer use: store the new one,
	 * unless the password was changed meanwhile.
	 */
	if (fresh[0] != '\0' &&
	    (err = db_run(db,
			  "UPDATE local_account SET password_hash = ?"
			  " WHERE staff_id = ? AND password_hash = ?",
			  "sis", fresh, a->staff_id, a->hash)) != NARA_OK)
		return err;
	out->staff_id = a->staff_id;
	if (a->totp_enabled) {
		/* The count stays: only a whole login clears it. */
		out->result = LOCAL_NEEDS_CODE;
		err = challenge_create(db, q, a->staff_id, next, out);
		return err != NARA_OK
			   ? err
			   : audit_account(db, q, a, "login_password_ok",
					   "code required", 0);
	}
	err = db_run(
	    db, "UPDATE local_account SET failed_count = 0 WHERE staff_id = ?",
	    "i", a->staff_id);
	if (err == NARA_OK)
		err = session_create(db, "staff", a->staff_id, NULL, "local",
				     q->user_agent, q->now, out->token,
				     &out->session);
	if (err == NARA_OK)
		out->result = LOCAL_LOGGED_IN;
	return err;
}

enum nara_err local_login_password(struct db *db, const struct local_request *q,
				   const char *username, const char *password,
				   const char *next, struct local_outcome *out)
{
	memset(out, 0, sizeof(*out));
	if (password == NULL)
		password = "";
	struct account a;
	enum nara_err err = username != NULL && username[0] != '\0'
				? account_find(db, username, 0, &a)
				: NARA_ENOTFOUND;
	if (err == NARA_ENOTFOUND) {
		password_verify_dummy(password);
		out->result = LOCAL_WRONG;
		return unknown_user(db, q, username);
	}
	if (err != NARA_OK)
		return err;
	if (a.locked_until > q->now) {
		/*
		 * Locked: the password is not even checked, so trying one
		 * during the lock tells nothing about it, and costs us
		 * nothing but the audit row.
		 */
		if ((err = db_begin(db)) != NARA_OK)
			return err;
		return finish(db,
			      refuse_locked(db, q, &a, a.locked_until, out));
	}

	/* The slow part, outside any transaction. */
	int right = password_verify(a.hash, password);
	char fresh[PASSWORD_HASH_MAX] = "";
	if (right && password_needs_rehash(a.hash) &&
	    password_hash(password, fresh) != NARA_OK)
		fresh[0] = '\0'; /* then the next login tries again */

	if ((err = db_begin(db)) != NARA_OK)
		return err;
	err = right ? password_right(db, q, &a, fresh, next, out)
		    : count_failure(db, q, &a, "password", out);
	sodium_memzero(fresh, sizeof(fresh));
	return finish(db, err);
}

/* Opens the account's sealed TOTP secret with the configured key. */
static enum nara_err open_secret(const struct local_request *q,
				 const struct account *a,
				 unsigned char secret[TOTP_SECRET_BYTES])
{
	size_t len = 0;
	if (q->key == NULL || !a->has_secret)
		return NARA_EINTEGRITY;
	enum nara_err err =
	    sealed_open(q->key, totp_context, (uint64_t)a->staff_id, a->secret,
			secret, TOTP_SECRET_BYTES, &len);
	if (err == NARA_OK && len != TOTP_SECRET_BYTES) {
		sodium_memzero(secret, TOTP_SECRET_BYTES);
		err = NARA_EINTEGRITY;
	}
	return err == NARA_OK ? NARA_OK : NARA_EINTEGRITY;
}

/*
 * Checks code against the account's secret (the one being set up, or the
 * one in force) and past its last used step. *step is the step matched.
 */
static enum nara_err code_right(const struct local_request *q,
				const struct account *a, const char *code,
				int *right, int64_t *step)
{
	*right = 0;
	uint32_t value;
	if (totp_parse_code(code, &value) != NARA_OK)
		return NARA_OK; /* not a code at all: simply wrong */
	unsigned char secret[TOTP_SECRET_BYTES];
	enum nara_err err = open_secret(q, a, secret);
	if (err != NARA_OK)
		return err;
	*right = totp_verify(secret, sizeof(secret), value, q->now,
			     a->last_step, step);
	sodium_memzero(secret, sizeof(secret));
	return NARA_OK;
}

/*
 * Marks step as used, with sql: an UPDATE of local_account that sets
 * totp_last_step to its first parameter (and whatever else the caller
 * changes with it), WHERE staff_id = the second AND totp_last_step < the
 * third, RETURNING staff_id. The statement itself refuses a step that is
 * not later than the last one used, so two nodes given the same code at
 * the same moment cannot both accept it: *taken is 1 when it was ours.
 */
static enum nara_err use_step(struct db *db, const char *sql, int64_t staff_id,
			      int64_t step, int *taken)
{
	int64_t id = 0;
	enum nara_err err =
	    db_query_int(db, &id, sql, "iii", step, staff_id, step);
	*taken = err == NARA_OK;
	return err == NARA_ENOTFOUND ? NARA_OK : err;
}

enum nara_err local_challenge_csrf(struct db *db, const char *challenge,
				   int64_t now,
				   char csrf[SESSION_TOKEN_LEN + 1])
{
	csrf[0] = '\0';
	if (challenge == NULL || strlen(challenge) != SESSION_TOKEN_LEN)
		return NARA_ENOTFOUND;
	char hash[65];
	session_token_hash(challenge, hash);
	struct db_stmt *st;
	enum nara_err err =
	    db_prepare(db,
		       "SELECT csrf FROM login_challenge"
		       " WHERE token_hash = ? AND expires_at > ?",
		       &st);
	if (err != NARA_OK)
		return err;
	db_bind_text(st, 1, hash, (size_t)-1);
	db_bind_int(st, 2, now);
	int rc = db_step(st);
	if (rc == DB_ROW)
		snprintf(csrf, SESSION_TOKEN_LEN + 1, "%s", db_col_text(st, 0));
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? NARA_ENOTFOUND : db_step_err(rc);
	return NARA_OK;
}

/* The challenge's account and where to go after, inside the tx. */
static enum nara_err challenge_take(struct db *db, const char *challenge,
				    const char *csrf, int64_t now,
				    int64_t *staff_id,
				    char next[LOCAL_NEXT_MAX])
{
	if (challenge == NULL || strlen(challenge) != SESSION_TOKEN_LEN)
		return NARA_ENOTFOUND;
	char hash[65], want[SESSION_TOKEN_LEN + 1] = "";
	session_token_hash(challenge, hash);
	struct db_stmt *st;
	enum nara_err err =
	    db_prepare(db,
		       "SELECT staff_id, csrf, next FROM login_challenge"
		       " WHERE token_hash = ? AND expires_at > ?",
		       &st);
	if (err != NARA_OK)
		return err;
	db_bind_text(st, 1, hash, (size_t)-1);
	db_bind_int(st, 2, now);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*staff_id = db_col_int(st, 0);
		snprintf(want, sizeof(want), "%s", db_col_text(st, 1));
		snprintf(next, LOCAL_NEXT_MAX, "%s", db_col_text(st, 2));
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? NARA_ENOTFOUND : db_step_err(rc);
	if (csrf == NULL || strlen(csrf) != SESSION_TOKEN_LEN ||
	    strlen(want) != SESSION_TOKEN_LEN ||
	    sodium_memcmp(csrf, want, SESSION_TOKEN_LEN) != 0)
		return NARA_EDENIED;
	return NARA_OK;
}

enum nara_err local_login_code(struct db *db, const struct local_request *q,
			       const char *challenge, const char *csrf,
			       const char *code, struct local_outcome *out)
{
	memset(out, 0, sizeof(*out));
	int64_t staff_id = 0;
	struct account a;
	enum nara_err err = db_begin(db);
	if (err == NARA_OK)
		err = challenge_take(db, challenge, csrf, q->now, &staff_id,
				     out->next);
	if (err == NARA_OK)
		err = account_find(db, NULL, staff_id, &a);
	/* TOTP was turned off since (the operator's reset): start again. */
	if (err == NARA_OK && !a.totp_enabled)
		err = NARA_ENOTFOUND;
	if (err != NARA_OK)
		return finish(db, err);
	if (a.locked_until > q->now) {
		err = end_challenges(db, a.staff_id);
		if (err == NARA_OK)
			err = refuse_locked(db, q, &a, a.locked_until, out);
		return finish(db, err);
	}
	int right = 0, taken = 0;
	int64_t step = 0;
	err = code_right(q, &a, code, &right, &step);
	if (err == NARA_OK && right)
		err = use_step(db,
			       "UPDATE local_account SET totp_last_step = ?,"
			       " failed_count = 0 WHERE staff_id = ?"
			       " AND totp_last_step < ? RETURNING staff_id",
			       a.staff_id, step, &taken);
	if (err != NARA_OK)
		return finish(db, err);
	if (!taken)
		return finish(db, count_failure(db, q, &a, "code", out));
	err = end_challenges(db, a.staff_id);
	if (err == NARA_OK)
		err = session_create(db, "staff", a.staff_id, NULL, "local",
				     q->user_agent, q->now, out->token,
				     &out->session);
	if (err == NARA_OK) {
		out->result = LOCAL_LOGGED_IN;
		out->staff_id = a.staff_id;
	}
	return finish(db, err);
}

enum nara_err local_staff_id(struct db *db, const char *username, int64_t *id)
{
	if (username == NULL)
		return NARA_ENOTFOUND;
	return db_query_int(db, id,
			    "SELECT id FROM staff_user WHERE username = ?", "s",
			    username);
}

/* An audit row for what the operator's command did to an account. */
static enum nara_err audit_operator(struct db *db, int64_t staff_id,
				    const char *action)
{
	int64_t municipality_id = 0;
	enum nara_err err =
	    db_query_int(db, &municipality_id,
			 "SELECT municipality_id FROM staff_user WHERE id = ?",
			 "i", staff_id);
	if (err != NARA_OK)
		return err;
	struct audit_entry e = {
	    .actor_kind = "system",
	    .actor_label = "nara",
	    .municipality_id = municipality_id,
	    .action = action,
	    .record_kind = "local_account",
	    .record_id = staff_id,
	};
	return audit_append(db, &e);
}

enum nara_err local_set_password(struct db *db, int64_t staff_id,
				 const char *hash, int64_t now)
{
	if (hash == NULL || strncmp(hash, "$argon2id$", 10) != 0)
		return NARA_EINVAL;
	int owned = !db_in_tx(db);
	enum nara_err err = owned ? db_begin(db) : NARA_OK;
	if (err != NARA_OK)
		return err;
	err = db_run(db,
		     "INSERT INTO local_account (staff_id, password_hash,"
		     " password_set_at) VALUES (?, ?, ?)"
		     " ON CONFLICT (staff_id) DO UPDATE SET"
		     " password_hash = excluded.password_hash,"
		     " password_set_at = excluded.password_set_at,"
		     " failed_count = 0, locked_until = 0",
		     "isi", staff_id, hash, now);
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE session SET ended_at = ?"
			     " WHERE staff_id = ? AND ended_at IS NULL",
			     "ii", now, staff_id);
	if (err == NARA_OK)
		err = end_challenges(db, staff_id);
	if (err == NARA_OK)
		err = audit_operator(db, staff_id, "password_set");
	if (!owned)
		return err;
	return finish(db, err);
}

enum nara_err local_totp_reset(struct db *db, int64_t staff_id)
{
	int64_t id = 0;
	enum nara_err err = db_begin(db);
	if (err == NARA_OK)
		err =
		    db_query_int(db, &id,
				 "UPDATE local_account SET totp_secret = NULL,"
				 " totp_key_id = NULL, totp_enabled = 0"
				 " WHERE staff_id = ? RETURNING staff_id",
				 "i", staff_id);
	if (err == NARA_OK)
		err = end_challenges(db, staff_id);
	if (err == NARA_OK)
		err = audit_operator(db, staff_id, "totp_reset");
	return finish(db, err);
}

enum nara_err local_status(struct db *db, int64_t staff_id,
			   struct local_status *out)
{
	memset(out, 0, sizeof(*out));
	struct account a;
	enum nara_err err = account_find(db, NULL, staff_id, &a);
	if (err == NARA_ENOTFOUND)
		return NARA_OK;
	if (err != NARA_OK)
		return err;
	out->has_password = 1;
	out->totp_enabled = a.totp_enabled;
	out->totp_pending = !a.totp_enabled && a.has_secret;
	out->locked_until = a.locked_until;
	return NARA_OK;
}

enum nara_err local_totp_begin(struct db *db, const struct local_request *q,
			       int64_t staff_id,
			       unsigned char secret[TOTP_SECRET_BYTES])
{
	struct account a;
	enum nara_err err = account_find(db, NULL, staff_id, &a);
	if (err != NARA_OK)
		return err;
	if (a.totp_enabled)
		return NARA_ECONFLICT;
	if (q->key == NULL)
		return NARA_EINTEGRITY;
	char sealed[SEALED_MAX_TEXT], key_id[SEALED_KEY_ID_LEN + 1];
	randombytes_buf(secret, TOTP_SECRET_BYTES);
	err = sealed_seal(q->key, totp_context, (uint64_t)staff_id, secret,
			  TOTP_SECRET_BYTES, sealed);
	sealed_key_id(q->key, key_id);
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE local_account SET totp_secret = ?,"
			     " totp_key_id = ? WHERE staff_id = ?"
			     " AND totp_enabled = 0",
			     "ssi", sealed, key_id, staff_id);
	if (err != NARA_OK)
		sodium_memzero(secret, TOTP_SECRET_BYTES);
	return err;
}

enum nara_err local_totp_pending(struct db *db, const struct local_request *q,
				 int64_t staff_id,
				 unsigned char secret[TOTP_SECRET_BYTES])
{
	struct account a;
	enum nara_err err = account_find(db, NULL, staff_id, &a);
	if (err != NARA_OK)
		return err;
	if (a.totp_enabled || !a.has_secret)
		return NARA_ENOTFOUND;
	return open_secret(q, &a, secret);
}

enum nara_err local_totp_confirm(struct db *db, const struct local_request *q,
				 int64_t staff_id, const char *code,
				 int *accepted)
{
	*accepted = 0;
	struct account a;
	int right = 0, taken = 0;
	int64_t step = 0;
	enum nara_err err = db_begin(db);
	if (err == NARA_OK)
		err = account_find(db, NULL, staff_id, &a);
	if (err == NARA_OK && (a.totp_enabled || !a.has_secret))
		err = NARA_ENOTFOUND;
	if (err == NARA_OK)
		err = code_right(q, &a, code, &right, &step);
	if (err == NARA_OK && right)
		err = use_step(db,
			       "UPDATE local_account SET totp_last_step = ?,"
			       " totp_enabled = 1 WHERE staff_id = ?"
			       " AND totp_last_step < ? RETURNING staff_id",
			       staff_id, step, &taken);
	if (err == NARA_OK && taken)
		err = audit_account(db, q, &a, "totp_on", NULL, 0);
	if (err == NARA_OK)
		*accepted = taken;
	return finish(db, err);
}

enum nara_err local_totp_cancel(struct db *db, int64_t staff_id)
{
	return db_run(
	    db,
	    "UPDATE local_account SET totp_secret = NULL,"
	    " totp_key_id = NULL WHERE staff_id = ? AND totp_enabled = 0",
	    "i", staff_id);
}

enum nara_err local_totp_disable(struct db *db, const struct local_request *q,
				 int64_t staff_id, const char *code,
				 struct local_outcome *out)
{
	memset(out, 0, sizeof(*out));
	struct account a;
	int right = 0, taken = 0;
	int64_t step = 0;
	enum nara_err err = db_begin(db);
	if (err == NARA_OK)
		err = account_find(db, NULL, staff_id, &a);
	if (err == NARA_OK && !a.totp_enabled)
		err = NARA_ENOTFOUND;
	if (err != NARA_OK)
		return finish(db, err);
	if (a.locked_until > q->now)
		return finish(db,
			      refuse_locked(db, q, &a, a.locked_until, out));
	err = code_right(q, &a, code, &right, &step);
	if (err == NARA_OK && right)
		err = use_step(db,
			       "UPDATE local_account SET totp_last_step = ?,"
			       " totp_secret = NULL, totp_key_id = NULL,"
			       " totp_enabled = 0, failed_count = 0"
			       " WHERE staff_id = ? AND totp_last_step < ?"
			       " RETURNING staff_id",
			       staff_id, step, &taken);
	if (err != NARA_OK)
		return finish(db, err);
	if (!taken)
		return finish(
		    db, count_failure(db, q, &a, "code to turn off TOTP", out));
	out->result = LOCAL_LOGGED_IN;
	out->staff_id = staff_id;
	return finish(db, audit_account(db, q, &a, "totp_off", NULL, 0));
}

enum nara_err local_key_check(struct db *db, const unsigned char *key,
			      int64_t *enabled, int64_t *other_key)
{
	char key_id[SEALED_KEY_ID_LEN + 1] = "";
	if (key != NULL)
		sealed_key_id(key, key_id);
	enum nara_err err = db_query_int(
	    db, enabled,
	    "SELECT count(*) FROM local_account WHERE totp_enabled = 1", "");
	if (err == NARA_OK)
		err = db_query_int(db, other_key,
				   "SELECT count(*) FROM local_account"
				   " WHERE totp_enabled = 1"
				   " AND COALESCE(totp_key_id, '') <> ?",
				   "s", key_id);
	return err;
}
