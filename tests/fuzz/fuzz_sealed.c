/*
 * libFuzzer: sealed secrets read back from the database (sealed_open in
 * src/core/sealed.c) and keys as operators write them (sealed_key_parse).
 * Text nobody sealed never opens and never reads or writes out of bounds;
 * a key that parses is 32 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sealed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char key[SEALED_KEY_BYTES] =
	    "fuzzing key, 32 bytes long.....";
	char text[SEALED_MAX_TEXT + 64];
	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';

	unsigned char plain[32];
	size_t len = 99;
	enum nara_err err =
	    sealed_open(key, "naratotp", 7, text, plain, sizeof(plain), &len);
	/* Forging a MAC is not something a fuzzer does. */
	if (err == NARA_OK || len != 0)
		abort();
	if (err != NARA_EINVAL && err != NARA_EINTEGRITY)
		abort();

	unsigned char k[SEALED_KEY_BYTES];
	if (sealed_key_parse(text, k) == NARA_OK) {
		/* Accepted keys are hex of 64 digits or base64, after trimming.
		 */
		size_t n = strlen(text);
		if (n < 43)
			abort();
	}
	return 0;
}
