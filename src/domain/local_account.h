/*
 * Local staff accounts: logging in with a user name and a password kept by
 * Nära (argon2id, see password.h), and, when the account has turned it on,
 * a TOTP code as the second step (totp.h). Meant for a municipality's first
 * administrator and for getting in when the organisation's identity
 * provider cannot be used; everyone else logs in through OpenID Connect.
 *
 * Guessing is met three ways:
 *   - A user name that does not exist is answered like a wrong password,
 *     after the same argon2id work (password_verify_dummy).
 *   - LOCAL_MAX_FAILURES failures in a row, of the password or of the code,
 *     lock the account for LOCAL_LOCK_SECONDS. The count lives in the
 *     database and moves in single UPDATE statements, so every node agrees
 *     and concurrent guesses cannot slip past it. A right password alone
 *     does not clear the count when a code is still due; only a whole login
 *     does, or a new password.
 *   - A TOTP step is accepted once: the last one used is stored, and only a
 *     later step is taken.
 * Every attempt leaves an audit row in the same transaction as its effect:
 * login_failed (the reason says which step, or "unknown user", or
 * "locked"), login_password_ok (the code is still due), login_locked
 * (flagged for the security officer's review), and the session's own
 * "login" row with the method "local".
 *
 * Argon2id takes tens of milliseconds, so no password is ever hashed or
 * checked inside a write transaction (SQLite's write lock is the whole
 * database): the account is read, the password checked, and only then is
 * the outcome written, re-checking in the transaction what may have
 * changed meanwhile (a lock set by another node).
 */
#ifndef NARA_LOCAL_ACCOUNT_H
#define NARA_LOCAL_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "domain/session.h"
#include "domain/totp.h"

struct db;

enum {
	LOCAL_MAX_FAILURES = 5,
	LOCAL_LOCK_SECONDS = 15 * 60,
	LOCAL_CHALLENGE_SECONDS = 5 * 60,
	LOCAL_NEXT_MAX = 512, /* the page to go to after the code step */
};

/* What a login request brings besides the credentials. */
struct local_request {
	int64_t now;
	const char *user_agent;	  /* for "my logins"; may be NULL */
	const char *request_id;	  /* for the audit rows; may be NULL */
	const unsigned char *key; /* NARA_SECRET_KEY, or NULL when not set */
};

enum local_result {
	LOCAL_LOGGED_IN,  /* session created: token is the session's */
	LOCAL_NEEDS_CODE, /* password right, code due: token is the challenge's
			   */
	LOCAL_WRONG,	  /* wrong password, unknown user, or wrong code */
	LOCAL_LOCKED,	  /* locked until locked_until; nothing was checked */
};

struct local_outcome {
	enum local_result result;
	int64_t staff_id;     /* LOGGED_IN, NEEDS_CODE */
	int64_t locked_until; /* LOCKED */
	char token[SESSION_TOKEN_LEN + 1];
	struct session session;	   /* LOGGED_IN */
	char next[LOCAL_NEXT_MAX]; /* LOGGED_IN after the code step */
};

/*
 * The first step: user name and password. next (a local path the caller
 * has checked, may be NULL) is kept with the challenge for after the code.
 * Errors are the database's; a wrong guess is an outcome, not an error.
 */
enum nara_err local_login_password(struct db *db, const struct local_request *q,
				   const char *username, const char *password,
				   const char *next, struct local_outcome *out);

/*
 * The second step: the code, for the challenge whose cookie token and form
 * token are given. NARA_ENOTFOUND: no such challenge, or it expired (start
 * again); NARA_EDENIED: the form token does not match; NARA_EINTEGRITY:
 * the stored secret cannot be opened (NARA_SECRET_KEY missing or wrong).
 */
enum nara_err local_login_code(struct db *db, const struct local_request *q,
			       const char *challenge, const char *csrf,
			       const char *code, struct local_outcome *out);

/*
 * The form token of a live challenge, to render the code form with.
 * NARA_ENOTFOUND when the challenge does not exist or expired.
 */
enum nara_err local_challenge_csrf(struct db *db, const char *challenge,
				   int64_t now,
				   char csrf[SESSION_TOKEN_LEN + 1]);

/* The staff member with this user name; NARA_ENOTFOUND if none. */
enum nara_err local_staff_id(struct db *db, const char *username, int64_t *id);

/*
 * Sets the password (hash from password_hash) of a staff member, creating
 * the local account when there is none: clears the failure count and the
 * lock, and ends the account's live sessions (a new password is often a
 * response to a stolen one). Audited as the platform ("nara"), since it is
 * run by the operator's command. Joins the caller's transaction if one is
 * open.
 */
enum nara_err local_set_password(struct db *db, int64_t staff_id,
				 const char *hash, int64_t now);

/*
 * Removes the TOTP second factor of an account (the operator's answer to a
 * lost phone); the person sets it up again after logging in. Audited as
 * the platform. NARA_ENOTFOUND when the account has no local password.
 */
enum nara_err local_totp_reset(struct db *db, int64_t staff_id);

/* Where the account stands, for its own page. */
struct local_status {
	int has_password; /* 0: not a local account (logs in elsewhere) */
	int totp_enabled;
	int totp_pending; /* being set up: a secret waits for its first code */
	int64_t locked_until;
};
enum nara_err local_status(struct db *db, int64_t staff_id,
			   struct local_status *out);

/*
 * Setting up TOTP, by the logged-in staff member for their own account.
 * local_totp_begin makes a new secret (replacing one still being set up)
 * and returns it; NARA_ECONFLICT when TOTP is on already, NARA_ENOTFOUND
 * without a local password. local_totp_pending returns the secret being
 * set up, to show it again. Both need the key.
 */
enum nara_err local_totp_begin(struct db *db, const struct local_request *q,
			       int64_t staff_id,
			       unsigned char secret[TOTP_SECRET_BYTES]);
enum nara_err local_totp_pending(struct db *db, const struct local_request *q,
				 int64_t staff_id,
				 unsigned char secret[TOTP_SECRET_BYTES]);

/*
 * Confirms the secret being set up with a first code: TOTP is required
 * from then on, and that code's step counts as used. *accepted says
 * whether the code was right. Audited as totp_on.
 */
enum nara_err local_totp_confirm(struct db *db, const struct local_request *q,
				 int64_t staff_id, const char *code,
				 int *accepted);

/* Drops a secret that was being set up. */
enum nara_err local_totp_cancel(struct db *db, int64_t staff_id);

/*
 * Turns TOTP off, which needs a current code. A wrong code counts as a
 * failed login (a stolen session should not be able to guess its way to
 * removing the second factor), so the outcome is LOGGED_IN (here: done),
 * WRONG or LOCKED. Audited as totp_off.
 */
enum nara_err local_totp_disable(struct db *db, const struct local_request *q,
				 int64_t staff_id, const char *code,
				 struct local_outcome *out);

/*
 * For the server's start: how many accounts require TOTP (*enabled), and
 * how many of those were sealed under another key than `key` (*other_key;
 * all of them when key is NULL).
 */
enum nara_err local_key_check(struct db *db, const unsigned char *key,
			      int64_t *enabled, int64_t *other_key);

#endif
