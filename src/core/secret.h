/*
 * The installation's master secret, from which every key at rest is
 * derived (libsodium's crypto_kdf): one subkey per purpose and per id, so
 * each municipality's attachments have a key of their own and a leak of
 * one subkey opens nothing else. The master key never touches the
 * database: a copy of the database without it reads as noise.
 *
 * NARA_SECRET_KEY holds it as 64 hexadecimal digits or base64, or
 * NARA_SECRET_KEY_FILE names a file that does (readable by nara's user
 * only). `make run` makes a development key in var/secret.key;
 * docs/operations.md says how to make, keep and back up a real one. The
 * TOTP secrets of local accounts are sealed under the same key by
 * core/sealed.c, which takes the key from the configuration.
 */
#ifndef NARA_SECRET_H
#define NARA_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum { SECRET_KEY_BYTES = 32, SECRET_CONTEXT_BYTES = 8 };

/*
 * Sets the master key, once it has been read and checked (core/config.c:
 * NARA_SECRET_KEY or NARA_SECRET_KEY_FILE; nara serve refuses to start
 * without one).
 */
void secret_set(const unsigned char key[SECRET_KEY_BYTES]);

/* 1 once a master key is loaded. */
int secret_loaded(void);

/*
 * The subkey for a purpose (exactly 8 characters, e.g. "attachmt") and an
 * id (e.g. the municipality's). NARA_ENOTFOUND when no master key is loaded.
 */
enum nara_err secret_derive(const char context[SECRET_CONTEXT_BYTES + 1],
			    uint64_t id, unsigned char out[SECRET_KEY_BYTES]);

/* Wipes the master key from memory. */
void secret_clear(void);

#endif
