/* The master secret; see secret.h. */
#include "core/secret.h"

#include <sodium.h>
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
