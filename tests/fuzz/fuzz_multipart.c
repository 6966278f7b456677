/*
 * libFuzzer: multipart/form-data (src/http/multipart.c). The input up to
 * the first newline is the Content-Type header, the rest is the body, so
 * the fuzzer explores boundaries and bodies together.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (nl == NULL)
		return 0;
	size_t ct_len = (size_t)(nl - data);
	char *ct = malloc(ct_len + 1);
	if (ct == NULL)
		return 0;
	memcpy(ct, data, ct_len);
	ct[ct_len] = '\0';
	struct arena a;
	arena_init(&a, 1 << 22);
	const char *boundary;
	if (multipart_boundary(&a, ct, &boundary) == NARA_OK) {
		size_t blen = strlen(boundary);
		if (blen == 0 || blen > 70)
			abort();
		struct multipart m;
		const char *body = (const char *)nl + 1;
		size_t body_len = size - ct_len - 1;
		if (multipart_parse(&a, boundary, body, body_len, 16, &m) == NARA_OK) {
			if (m.count == 0 || m.count > 16)
				abort();
			for (size_t i = 0; i < m.count; i++) {
				const struct multipart_part *p = &m.parts[i];
				if (p->name == NULL || p->content_type == NULL ||
				    !utf8_valid(p->name, strlen(p->name)) ||
				    (p->filename && !utf8_valid(p->filename, strlen(p->filename))) ||
				    p->len > body_len || p->data[p->len] != '\0')
					abort();
			}
		}
	}
	arena_free(&a);
	free(ct);
	return 0;
}
