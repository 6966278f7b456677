/*
 * libFuzzer: a TOTP code as a person types it (totp_parse_code in
 * src/domain/totp.c), from the login and set-up forms. Accepted input is
 * exactly six digits with spaces between; the value is those digits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/totp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[64];
	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	uint32_t v = 12345;
	if (totp_parse_code(text, &v) != NARA_OK) {
		if (v != 0)
			abort();
		return 0;
	}
	/* What was accepted: digits and spaces only, six digits, same value. */
	uint32_t again = 0;
	int digits = 0;
	for (const char *p = text; *p; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9')
			abort();
		again = again * 10 + (uint32_t)(*p - '0');
		digits++;
	}
	if (digits != TOTP_DIGITS || again != v || v > 999999 ||
	    strlen(text) > TOTP_CODE_INPUT_MAX)
		abort();
	return 0;
}
