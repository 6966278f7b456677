/*
 * libFuzzer: answers to an application form (src/domain/application_form.c,
 * application_form_validate), the untrusted half of forms as data. The
 * first byte chooses one of the embedded forms; the rest is lines of
 * "name=value" (raw bytes, so values that are not UTF-8 or hold NULs
 * arrive too) and "@name=bytes" for a file sent for question `name`.
 * Whatever comes in, the result is either good answers with JSON that
 * parses, or errors and no JSON; nothing is read out of bounds.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/application_form.h"

enum { MAX_FIELDS = 64, MAX_FILES = 8 };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char msg[256];
	if (application_forms_load(msg, sizeof(msg)) != NARA_OK) {
		fprintf(stderr, "%s\n", msg);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const struct form_def **kinds;
	size_t n = application_form_kinds(&kinds);
	const struct form_def *f = kinds[data[0] % n];
	struct arena a;
	arena_init(&a, 1 << 24);
	struct kv items[MAX_FIELDS];
	struct form_file files[MAX_FILES];
	struct kvlist fields = {items, 0};
	struct form_input in = {&fields, files, 0};

	const char *p = (const char *)data + 1,
		   *end = (const char *)data + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *eq = memchr(p, '=', (size_t)(line_end - p));
		if (eq != NULL) {
			int file = *p == '@';
			const char *key = p + file;
			char *k = arena_strndup(&a, key, (size_t)(eq - key));
			char *v = arena_strndup(&a, eq + 1,
						(size_t)(line_end - eq - 1));
			size_t vlen = (size_t)(line_end - eq - 1);
			if (k == NULL || v == NULL)
				break;
			if (file && in.nfiles < MAX_FILES)
				files[in.nfiles++] =
				    (struct form_file){k, "fil.pdf", v, vlen};
			else if (!file && fields.count < MAX_FIELDS)
				items[fields.count++] = (struct kv){k, v, vlen};
		}
		p = line_end + 1;
	}

	struct form_result r;
	/* 2026-03-02, so that date ranges are exercised both ways. */
	enum nara_err err =
	    application_form_validate(&a, f, &in, 1772438400, &r);
	if (err == NARA_OK) {
		json_error_t jerr;
		json_t *j = r.json ? json_loads(r.json, 0, &jerr) : NULL;
		if (r.nerrors != 0 || j == NULL || !json_is_object(j))
			abort();
		json_decref(j);
	} else if (err == NARA_EINVAL) {
		if (r.nerrors == 0 || r.json != NULL)
			abort();
		for (size_t i = 0; i < f->nquestions; i++)
			if (r.answers[i].error != NULL &&
			    strchr(r.answers[i].error, '.') == NULL)
				abort(); /* always a catalogue key */
	} else if (err != NARA_ENOMEM) {
		abort();
	}
	arena_free(&a);
	return 0;
}
