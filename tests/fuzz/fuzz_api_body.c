/*
 * libFuzzer: the JSON API's request bodies (src/api/api.c): api_body must
 * refuse anything that is not one JSON object of bounded depth, without
 * crashing or leaking, and the typed field readers must never return a
 * value of the wrong type.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct req r;
	memset(&r, 0, sizeof(r));
	arena_init(&r.arena, 1 << 20);
	char *body = arena_alloc(&r.arena, size + 1);
	if (body == NULL) {
		arena_free(&r.arena);
		return 0;
	}
	memcpy(body, data, size);
	body[size] = '\0';
	r.body = body;
	r.body_len = size;
	r.content_type = "application/json; charset=utf-8";
	json_t *obj;
	if (api_body(&r, &obj) == NARA_OK) {
		if (!json_is_object(obj))
			abort();
		static const char *const names[] = {
			"action", "body", "expected_version", "child_heard",
			"visible_from", "receipt", "concern", "a"};
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			const char *s = api_str(obj, names[i]);
			if (s != NULL && !json_is_string(json_object_get(obj, names[i])))
				abort();
			int64_t v;
			int got = api_int(obj, names[i], &v);
			if (got == 1 && !json_is_integer(json_object_get(obj, names[i])))
				abort();
		}
		json_decref(obj);
	}
	arena_free(&r.arena);
	return 0;
}
