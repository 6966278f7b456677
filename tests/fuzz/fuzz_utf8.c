/*
 * libFuzzer: utf8_valid (src/core/utf8.c) against a plain reference
 * decoder written from RFC 3629: decode each code point, refuse overlong
 * forms, surrogates and values above U+10FFFF.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/utf8.h"

static int reference(const uint8_t *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t c = s[i], cp;
		size_t n;
		if (c < 0x80) { i++; continue; }
		else if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; }
		else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; }
		else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; }
		else return 0;
		if (n >= len - i) /* the sequence runs past the end */
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		static const uint32_t min[] = {0, 0x80, 0x800, 0x10000};
		if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (utf8_valid((const char *)data, size) != reference(data, size))
		abort();
	return 0;
}
