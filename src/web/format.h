/*
 * Dates and times as people read them: always in Europe/Stockholm
 * (policy/clock.h), whatever the server's own time zone, with month names
 * from the catalogue. Results live in the request's arena.
 */
#ifndef NARA_FORMAT_H
#define NARA_FORMAT_H

#include <stdint.h>

struct req;

/* "23 november 2026" / "23 November 2026". "" for 0. */
const char *web_date(struct req *r, int64_t t);
/* "23 november 2026 kl. 14:05" / "23 November 2026 at 14:05". */
const char *web_datetime(struct req *r, int64_t t);
/* "2026-11-23" and "2026-11-23 14:05", for tables and form fields. */
const char *web_iso_date(struct req *r, int64_t t);
const char *web_iso_datetime(struct req *r, int64_t t);

/*
 * Reads "YYYY-MM-DD" as the start of that day in Stockholm (0 on error);
 * with end_of_day, the instant the day ends (the next midnight).
 */
int64_t web_parse_date(const char *s, int end_of_day);

#endif
