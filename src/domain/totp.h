/*
 * Time-based one-time passwords (TOTP, RFC 6238) as authenticator apps
 * make them: HMAC-SHA1, 30-second steps, six digits. Pure functions: the
 * time is passed in, nothing is read or stored here (local_account.c keeps
 * the secret and the last step used).
 *
 * A code is accepted for the current step and one step either side, to
 * forgive a phone's clock that is a little off and a person who types
 * slowly; and only for a step later than the last one accepted for the
 * account, so a code that was seen (over a shoulder, in a proxy log) can
 * never be used a second time.
 */
#ifndef NARA_TOTP_H
#define NARA_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum {
	TOTP_SECRET_BYTES = 20, /* 160 bits, what RFC 4226 recommends */
	TOTP_PERIOD = 30,	/* seconds a step lasts */
	TOTP_DIGITS = 6,
	TOTP_WINDOW = 1,      /* steps accepted either side of now */
	TOTP_BASE32_MAX = 64, /* room for a base32 secret and its NUL */
	TOTP_CODE_INPUT_MAX = 32,
};

/* HMAC-SHA1 (RFC 2104); exported for its tests (RFC 2202). 0 on success. */
int totp_hmac_sha1(const unsigned char *key, size_t key_len,
		   const unsigned char *msg, size_t msg_len,
		   unsigned char out[20]);

/* HOTP (RFC 4226): the code for counter, `digits` digits (6 to 8). */
uint32_t totp_hotp(const unsigned char *key, size_t key_len, uint64_t counter,
		   int digits);

/* The step that time `now` (epoch seconds) falls in; -1 before 1970. */
int64_t totp_step(int64_t now);

/*
 * 1 when code is the TOTP_DIGITS-digit code of a step within TOTP_WINDOW
 * of now and later than last_step; *step_out is then that step. 0
 * otherwise. Every candidate is computed and compared in constant time,
 * so how long it takes says nothing about which step (if any) matched.
 */
int totp_verify(const unsigned char *key, size_t key_len, uint32_t code,
		int64_t now, int64_t last_step, int64_t *step_out);

/*
 * Reads a code as a person types it: TOTP_DIGITS digits, spaces allowed
 * between them ("123 456", as apps show it). NARA_EINVAL for anything
 * else, including input longer than TOTP_CODE_INPUT_MAX bytes.
 */
enum nara_err totp_parse_code(const char *input, uint32_t *out);

/*
 * RFC 4648 base32 without padding (what authenticator apps read), NUL-
 * terminated. Returns the length, or 0 when out (cap bytes) is too small.
 */
size_t totp_base32(const unsigned char *in, size_t len, char *out, size_t cap);

#endif
