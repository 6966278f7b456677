/*
 * Secrets sealed at rest under the platform's secret key (NARA_SECRET_KEY):
 * libsodium's secretbox (XSalsa20-Poly1305) with a fresh random nonce per
 * seal, as text that fits a TEXT column on both engines.
 *
 * The master key never encrypts anything itself. Each use derives its own
 * subkey with crypto_kdf from a context of eight characters (what the
 * secret is, e.g. "naratotp") and a number (whose it is, e.g. the staff
 * member's id). So a sealed value copied into another row, or used for
 * another purpose, does not open: binding the ciphertext to its owner costs
 * nothing and stops someone with write access to the database from moving
 * one person's second factor onto another account.
 *
 * The key id (a short fingerprint of the master key) is stored beside
 * sealed values, so that a server started with the wrong key can say so
 * at once instead of failing each login later.
 */
#ifndef NARA_SEALED_H
#define NARA_SEALED_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum {
	SEALED_KEY_BYTES = 32,
	SEALED_CONTEXT_LEN = 8, /* crypto_kdf_CONTEXTBYTES */
	SEALED_KEY_ID_LEN = 16, /* hex digits */
	SEALED_MAX_PLAIN = 256,
	/* base64 of nonce (24) + MAC (16) + SEALED_MAX_PLAIN, and the NUL */
	SEALED_MAX_TEXT = ((24 + 16 + SEALED_MAX_PLAIN + 2) / 3) * 4 + 1,
};

/*
 * Parses a key as operators write it: 64 hex digits, or base64 (standard
 * or URL-safe, with or without padding) of exactly 32 bytes. Surrounding
 * white space is ignored. NARA_EINVAL for anything else; out is then
 * wiped.
 */
enum nara_err sealed_key_parse(const char *text,
			       unsigned char out[SEALED_KEY_BYTES]);

/* The key's fingerprint, 16 lower-case hex digits and a NUL. */
void sealed_key_id(const unsigned char key[SEALED_KEY_BYTES],
		   char out[SEALED_KEY_ID_LEN + 1]);

/*
 * Seals len bytes (at most SEALED_MAX_PLAIN) into out, NUL-terminated
 * base64url without padding. context is exactly SEALED_CONTEXT_LEN
 * characters; owner is the subkey number.
 */
enum nara_err sealed_seal(const unsigned char key[SEALED_KEY_BYTES],
			  const char *context, uint64_t owner,
			  const unsigned char *plain, size_t len,
			  char out[SEALED_MAX_TEXT]);

/*
 * Opens text sealed with the same key, context and owner into plain (room
 * for cap bytes), setting *len. NARA_EINVAL: not sealed text at all, or
 * longer than cap; NARA_EINTEGRITY: well-formed but does not open (another
 * key, another owner, or changed). plain is wiped on failure.
 */
enum nara_err sealed_open(const unsigned char key[SEALED_KEY_BYTES],
			  const char *context, uint64_t owner, const char *text,
			  unsigned char *plain, size_t cap, size_t *len);

#endif
