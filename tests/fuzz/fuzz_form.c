/* libFuzzer: url-encoded forms and query strings (src/http/form.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	arena_init(&a, 1 << 20);
	struct kvlist l;
	if (form_parse(&a, (const char *)data, size, 64, &l) == NARA_OK) {
		if (l.count > 64)
			abort();
		for (size_t i = 0; i < l.count; i++) {
			const struct kv *kv = &l.items[i];
			/* What passes is NUL-free UTF-8 of the length it says. */
			if (strlen(kv->value) != kv->value_len ||
			    !utf8_valid(kv->key, strlen(kv->key)) ||
			    !utf8_valid(kv->value, kv->value_len))
				abort();
		}
	}
	arena_free(&a);
	return 0;
}
