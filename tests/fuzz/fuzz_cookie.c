/* libFuzzer: the Cookie header (src/http/cookie.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "http/cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	arena_init(&a, 1 << 20);
	struct kvlist l;
	if (cookie_parse(&a, (const char *)data, size, 50, &l) == NARA_OK) {
		if (l.count > 50)
			abort();
		for (size_t i = 0; i < l.count; i++) {
			const struct kv *kv = &l.items[i];
			if (kv->key[0] == '\0' || strlen(kv->value) != kv->value_len ||
			    !utf8_valid(kv->key, strlen(kv->key)) ||
			    !utf8_valid(kv->value, kv->value_len) ||
			    strchr(kv->value, ';') != NULL)
				abort();
			for (const char *p = kv->value; *p; p++)
				if ((unsigned char)*p < 0x20)
					abort();
		}
	}
	arena_free(&a);
	return 0;
}
