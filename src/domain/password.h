/*
 * Passwords of local staff accounts: what one must look like, and how it
 * is stored and checked. Stored as libsodium's crypto_pwhash_str: argon2id
 * with its salt and its cost in one self-describing string, so the cost can
 * be raised later and old hashes still verify (and are replaced at the next
 * login, see password_needs_rehash).
 *
 * The cost is argon2id with 3 passes over 64 MiB (RFC 9106's second
 * recommendation with libsodium's single lane): about 90 ms on one core of
 * the machines Nära runs on. Hashing never runs on an event loop (the login
 * route runs on the worker pool, see http/server.c), and the pool's size
 * bounds how many run at once, so a flood of logins costs bounded memory.
 *
 * No I/O here; local_account.c stores what these functions produce.
 */
#ifndef NARA_PASSWORD_H
#define NARA_PASSWORD_H

#include <stddef.h>

#include "core/err.h"

enum {
	PASSWORD_MIN_CHARS = 12, /* characters, not bytes */
	PASSWORD_MAX_BYTES =
	    1024, /* long passphrases are welcome; more is abuse */
	PASSWORD_HASH_MAX = 128, /* crypto_pwhash_STRBYTES */
	PASSWORD_OPSLIMIT = 3,
};
#define PASSWORD_MEMLIMIT ((size_t)64 * 1024 * 1024)

/*
 * NARA_OK when a new password may be used: valid UTF-8, at least
 * PASSWORD_MIN_CHARS characters, at most PASSWORD_MAX_BYTES bytes, no
 * control characters. NARA_EINVAL (too short, or not text) or
 * NARA_ETOOBIG otherwise.
 */
enum nara_err password_check_new(const char *password);

/* Hashes with the current cost. NARA_ENOMEM when argon2 cannot run. */
enum nara_err password_hash(const char *password, char out[PASSWORD_HASH_MAX]);

/* The same with a cost of the caller's, for tests of rehashing. */
enum nara_err password_hash_with(const char *password, unsigned long long ops,
				 size_t mem, char out[PASSWORD_HASH_MAX]);

/* 1 when password matches stored, 0 otherwise (also for a broken hash). */
int password_verify(const char *stored, const char *password);

/*
 * Costs what password_verify costs and always answers 0: the check made
 * for a user name that does not exist, so that the answer does not come
 * back faster for it.
 */
int password_verify_dummy(const char *password);

/*
 * Makes the dummy hash password_verify_dummy checks against, if not made
 * yet (it is made once per process). The server calls it at start, so
 * that the first unknown user name is not answered slower than the rest.
 */
void password_warm_up(void);

/* 1 when stored was made with another cost than the current one. */
int password_needs_rehash(const char *stored);

#endif
