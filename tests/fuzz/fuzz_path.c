/* libFuzzer: request targets (src/http/path.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "http/path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *target = malloc(size + 1);
	if (target == NULL)
		return 0;
	memcpy(target, data, size);
	target[size] = '\0';
	struct arena a;
	arena_init(&a, 1 << 20);
	const char *path = NULL, *query = NULL;
	if (path_split(&a, target, 8192, &path, &query) == NARA_OK) {
		/* What passes is a UTF-8 absolute path with no dot segments. */
		if (path[0] != '/' || !utf8_valid(path, strlen(path)) ||
		    strstr(path, "/../") != NULL)
			abort();
		for (const char *p = path; *p; p++)
			if ((unsigned char)*p < 0x20)
				abort();
	}
	arena_free(&a);
	free(target);
	return 0;
}
