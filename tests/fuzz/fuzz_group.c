/*
 * libFuzzer: what the support-group forms read. The input is split at its
 * first newline into two fields. group_parse_when (src/web/
 * page_groups_staff.c) reads a date and a time: whatever it accepts is
 * exactly "YYYY-MM-DD" and "HH:MM" and falls on that Stockholm day, within
 * an hour of the wall-clock time (a change of offset). group_parse_count
 * accepts only digits. group_contact_check (src/domain/group.c) accepts a
 * name of one line in valid UTF-8 and an address without spaces or
 * brackets. group_audience_parse names back what it accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "domain/group.h"
#include "policy/clock.h"
#include "web/groups_page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 2048)
		return 0;
	char *s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	char *b = strchr(s, '\n');
	if (b != NULL)
		*b++ = '\0';
	else
		b = s + strlen(s);
	int64_t t = group_parse_when(s, b);
	if (t != 0) {
		if (strlen(s) != 10 || strlen(b) != 5 || b[2] != ':')
			abort();
		struct civil_date d = clock_local_date(t);
		if (d.year != atoi(s) || d.month != atoi(s + 5) ||
		    d.day != atoi(s + 8)) {
			/* A time the spring change skips may land an hour on.
			 */
			struct civil_date e = clock_local_date(t - 3600);
			if (e.year != atoi(s) || e.month != atoi(s + 5) ||
			    e.day != atoi(s + 8))
				abort();
		}
	}
	int n = group_parse_count(s);
	if (n >= 0)
		for (const char *p = s; *p; p++)
			if (*p < '0' || *p > '9')
				abort();
	if (group_contact_check(s, b, "") == NULL) {
		if (!utf8_valid(s, strlen(s)) || strchr(s, '\n') ||
		    strchr(b, ' ') || strchr(b, '<') || b[0] == '\0')
			abort();
	}
	int a = group_audience_parse(s);
	if (a >= 0 && strcmp(group_audience_name(a), s) != 0)
		abort();
	free(s);
	return 0;
}
