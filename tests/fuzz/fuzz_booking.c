/*
 * libFuzzer: what the meeting pages read from forms and write into
 * calendar files. booking_parse_slot (src/web/page_booking.c) reads the
 * chosen time ("availability-start"): whatever it accepts prints back as
 * the same text. booking_ics (src/domain/booking.c) writes text into an
 * iCalendar file: whatever the text, every line ends in CRLF, is at most
 * 75 octets, and no line break of the text escapes its property.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "domain/booking.h"
#include "web/booking_page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	int64_t a = 0, t = 0;
	if (booking_parse_slot(s, &a, &t)) {
		char back[64];
		snprintf(back, sizeof(back), "%lld-%lld", (long long)a, (long long)t);
		if (a <= 0 || t <= 0 || strcmp(back, s) != 0)
			abort();
	}
	struct arena ar;
	arena_init(&ar, 0);
	struct booking_view b;
	memset(&b, 0, sizeof(b));
	b.id = 1;
	b.state = "booked";
	b.version = 1;
	b.starts_at = 1796000000;
	b.ends_at = 1796003600;
	const char *ics = booking_ics(&ar, &b, s, s, "nara", 1795000000);
	if (ics != NULL && strlen(s) == size) {
		size_t props = 0;
		for (const char *p = ics; *p;) {
			const char *eol = strstr(p, "\r\n");
			if (eol == NULL || eol - p > 75)
				abort();
			for (const char *q = p; q < eol; q++)
				if (*q == '\n' || *q == '\r')
					abort();
			if (*p != ' ')
				props++;
			p = eol + 2;
		}
		/* The header lines, the event's eight, the two END lines. */
		if (props != 23 + 8 + 2)
			abort();
	}
	arena_free(&ar);
	free(s);
	return 0;
}
