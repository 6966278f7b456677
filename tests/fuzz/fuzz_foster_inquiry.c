/*
 * libFuzzer: the public foster-home inquiry (src/domain/foster.c,
 * foster_inquiry_check), which anyone may send without logging in. The
 * first byte is the interests; the rest is the five text fields separated
 * by NUL bytes (raw, so text that is not UTF-8 arrives too). Whatever
 * comes in, the check names at most FOSTER_MAX_PROBLEMS problems, each
 * with a field and a catalogue key, one per field, and an inquiry it
 * passes has a name, a way to reach the person and valid UTF-8 within
 * the limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "domain/foster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 3 * FOSTER_TEXT_MAX)
		return 0;
	char *copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	const char *fields[5] = {"", "", "", "", ""};
	size_t k = 0;
	for (size_t i = 0, start = 0; i < size && k < 5; i++)
		if (copy[i] == '\0') {
			fields[k++] = copy + start;
			start = i + 1;
		}
	struct foster_inquiry_new in = {
	    .name = fields[0],
	    .email = fields[1],
	    .phone = fields[2],
	    .residence = fields[3],
	    .interests = (int)(data[0] % 10),
	    .message = fields[4],
	};
	struct foster_problem p[FOSTER_MAX_PROBLEMS];
	size_t n = foster_inquiry_check(&in, p);
	if (n > FOSTER_MAX_PROBLEMS)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (p[i].field == NULL || p[i].why == NULL ||
		    strncmp(p[i].why, "foster.error.", 13) != 0)
			abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(p[i].field, p[j].field) == 0)
				abort();
	}
	if (n == 0 && (in.name[0] == '\0' ||
		       (in.email[0] == '\0' && in.phone[0] == '\0') ||
		       !utf8_valid(in.name, strlen(in.name)) ||
		       !utf8_valid(in.message, strlen(in.message)) ||
		       strlen(in.message) > FOSTER_TEXT_MAX ||
		       in.interests < 1 || in.interests > 7))
		abort();
	free(copy);
	return 0;
}
