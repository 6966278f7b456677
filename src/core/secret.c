/* The master secret; see secret.h. */
#include "core/secret.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char master[SECRET_KEY_BYTES];
static int loaded;

void secret_set(const unsigned char key[SECRET_KEY_BYTES])
{
	memcpy(master, key, SECRET_KEY_BYTES);
	loaded = 1;
}

int secret_loaded(void) { return loaded; }

void secret_clear(void)
{
	sodium_memzero(master, sizeof(master));
	loaded = 0;
}

/* 64 hex digits, surrounding white space allowed (a file's newline). */
static int parse_hex(const char *text, unsigned char out[SECRET_KEY_BYTES])
{
	while (*text == ' ' || *text == '\n' || *text == '\r' || *text == '\t')
		text++;
	size_t len = strlen(text);
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\n' ||
			   text[len - 1] == '\r' || text[len - 1] == '\t'))
		len--;
	size_t bin_len = 0;
	if (len != 2 * SECRET_KEY_BYTES ||
	    sodium_hex2bin(out, SECRET_KEY_BYTES, text, len, NULL, &bin_len,
			   NULL) != 0 ||
	    bin_len != SECRET_KEY_BYTES)
		return -1;
	return 0;
}

enum nara_err secret_load(char *errmsg, size_t errlen)
{
	if (sodium_init() < 0) {
		snprintf(errmsg, errlen, "libsodium could not start");
		return NARA_ENOMEM;
	}
	const char *hex = getenv("NARA_SECRET_KEY");
	const char *path = getenv("NARA_SECRET_KEY_FILE");
	char buf[256];
	if ((hex == NULL || *hex == '\0') && path != NULL && *path != '\0') {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
		if (f == NULL) {
			snprintf(errmsg, errlen,
				 "NARA_SECRET_KEY_FILE: cannot read %s", path);
			return NARA_EINVAL;
		}
		fclose(f);
		buf[n] = '\0';
		hex = buf;
	}
	if (hex == NULL || *hex == '\0') {
		snprintf(errmsg, errlen,
			 "no master key: set NARA_SECRET_KEY (64 hex digits) or"
			 " NARA_SECRET_KEY_FILE; see docs/operations.md");
		return NARA_ENOTFOUND;
	}
	unsigned char key[SECRET_KEY_BYTES];
	int bad = parse_hex(hex, key);
	sodium_memzero(buf, sizeof(buf));
	if (bad) {
		snprintf(errmsg, errlen,
			 "the master key must be 64 hexadecimal digits"
			 " (make one with: head -c 32 /dev/urandom | od -An -tx1"
			 " | tr -d ' \\n')");
		return NARA_EINVAL;
	}
	secret_set(key);
	sodium_memzero(key, sizeof(key));
	return NARA_OK;
}

enum nara_err secret_derive(const char context[SECRET_CONTEXT_BYTES + 1],
			    uint64_t id, unsigned char out[SECRET_KEY_BYTES])
{
	if (!loaded)
		return NARA_ENOTFOUND;
	if (strlen(context) != SECRET_CONTEXT_BYTES)
		return NARA_EINVAL;
	return crypto_kdf_derive_from_key(out, SECRET_KEY_BYTES, id, context,
					  master) == 0
		       ? NARA_OK
		       : NARA_EINVAL;
}
