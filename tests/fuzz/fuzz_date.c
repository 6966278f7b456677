/*
 * libFuzzer: web_parse_date (src/web/format.c), which reads dates people
 * type into forms. Whatever it accepts must be a real date that prints
 * back as the same text, and the end of a day must come after its start.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/clock.h"
#include "web/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[32];
	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	int64_t start = web_parse_date(s, 0);
	if (start == 0)
		return 0;
	int64_t end = web_parse_date(s, 1);
	if (end <= start || end - start > 25 * 3600 || end - start < 23 * 3600)
		abort();
	struct civil_date d = clock_local_date(start);
	char back[32];
	snprintf(back, sizeof(back), "%04d-%02d-%02d", d.year, d.month, d.day);
	if (strcmp(back, s) != 0)
		abort();
	return 0;
}
