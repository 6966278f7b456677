/*
 * libFuzzer: what an uploaded file is and what it may be called
 * (src/domain/document.c: document_sniff, document_check,
 * document_clean_name). The input up to the first NUL is the file name
 * as a browser might send it, the rest the file's bytes. A name that
 * comes out is always short, valid UTF-8, free of path and quoting
 * characters, and ends in the extension of the sniffed type.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "domain/document.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t name_len = nul ? (size_t)(nul - data) : size;
	const uint8_t *bytes = nul ? nul + 1 : data + size;
	size_t len = size - name_len - (nul ? 1 : 0);

	struct arena a;
	arena_init(&a, 1 << 20);
	char *name = arena_strndup(&a, (const char *)data, name_len);
	const char *type = document_sniff(bytes, len);
	const char *checked, *why;
	enum nara_err err = document_check(bytes, len, &checked, &why);
	if ((err == NARA_OK) != (type != NULL && len <= DOCUMENT_MAX_BYTES))
		abort();
	if (err != NARA_OK && why == NULL)
		abort();
	if (type == NULL)
		type = "application/pdf"; /* still clean the name */
	const char *clean = document_clean_name(&a, name, type);
	if (clean != NULL) {
		size_t n = strlen(clean);
		const char *ext = strrchr(clean, '.');
		if (n == 0 || n > DOCUMENT_NAME_MAX || !utf8_valid(clean, n) ||
		    strpbrk(clean, "/\\\";:*?<>|\r\n\t") != NULL ||
		    ext == NULL || clean[0] == '.' || clean[0] == ' ')
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)clean[i] < 0x20 || clean[i] == 0x7f)
				abort();
		int pdf = strcmp(type, "application/pdf") == 0;
		int png = strcmp(type, "image/png") == 0;
		if ((pdf && strcasecmp(ext, ".pdf") != 0) ||
		    (png && strcasecmp(ext, ".png") != 0) ||
		    (!pdf && !png && strcasecmp(ext, ".jpg") != 0 &&
		     strcasecmp(ext, ".jpeg") != 0))
			abort();
	}
	arena_free(&a);
	return 0;
}
