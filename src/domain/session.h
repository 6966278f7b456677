/*
 * Login sessions, stored in the database (several nara nodes can serve one
 * person). The cookie carries a random token; the table holds its SHA-256.
 * A session ends at logout, after SESSION_IDLE seconds without a request,
 * or SESSION_ABSOLUTE seconds after login, whichever comes first.
 */
#ifndef NARA_SESSION_H
#define NARA_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct db;

enum {
	SESSION_IDLE = 30 * 60,
	SESSION_ABSOLUTE = 12 * 60 * 60,
	SESSION_TOKEN_LEN = 43, /* 32 random bytes, base64url without padding */
	SESSION_TOUCH_EVERY = 60, /* last_seen is written at most once a minute */
};

struct session {
	char kind[8];          /* "staff" or "citizen" */
	int64_t staff_id;      /* staff sessions */
	char personnummer[13]; /* citizen sessions */
	char csrf[SESSION_TOKEN_LEN + 1];
	char token_hash[65];
	int64_t created_at, last_seen, expires_at;
};

/* A random token, base64url, NUL-terminated (out has room for 44 bytes). */
void session_random_token(char out[SESSION_TOKEN_LEN + 1]);

/*
 * The hex SHA-256 of a token, as stored in place of the token (also for
 * the half-done logins of local accounts, see local_account.c).
 */
void session_token_hash(const char *token, char out[65]);

/*
 * Starts a session for a staff member (staff_id) or a citizen
 * (personnummer), with its audit row (its reason: the login method), in
 * one transaction: its own, or the caller's when one is open (then the
 * caller commits, and rolls back on error). The new token goes to
 * token_out for the cookie; it is never stored.
 */
enum nara_err session_create(struct db *db, const char *kind, int64_t staff_id,
			     const char *personnummer, const char *method,
			     const char *user_agent, int64_t now,
			     char token_out[SESSION_TOKEN_LEN + 1],
			     struct session *out);

/* NARA_ENOTFOUND when the token names no live session. */
enum nara_err session_lookup(struct db *db, const char *token, int64_t now,
			     struct session *out);

/* Ends one session (logout) or every session of its subject. */
enum nara_err session_end(struct db *db, const struct session *s, int64_t now);
enum nara_err session_end_all(struct db *db, const struct session *s,
			      int64_t now);

/* One of a person's live sessions, for "my logins". */
struct session_info {
	char id[17];        /* the first 16 hex digits of the token hash */
	const char *method, *user_agent;
	int64_t created_at, last_seen;
	int current;        /* the session asking */
};

/* The live sessions of s's subject (staff member or citizen), newest first. */
enum nara_err session_list(struct db *db, struct arena *a,
			   const struct session *s, int64_t now,
			   struct session_info **out, size_t *count);

/*
 * Ends the subject's own session whose id (see session_info) is given.
 * NARA_ENOTFOUND when none of theirs matches: nobody ends another's.
 */
enum nara_err session_end_id(struct db *db, const struct session *s,
			     const char *id, int64_t now);

/* 1 when the CSRF token given equals the session's (constant time). */
int session_csrf_ok(const struct session *s, const char *given);

#endif
