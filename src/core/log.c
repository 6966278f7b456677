/* JSON-lines logging; see log.h. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

size_t json_escape(char *dst, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[7];
		size_t len = 1;
		esc[0] = (char)c;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			len = 2;
		} else if (c < 0x20) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			len = 6;
		}
		if (n + len >= cap)
			break;
		memcpy(dst + n, esc, len);
		n += len;
	}
	return n;
}

static const char *level_name[] = {"debug", "info", "warn", "error"};

void log_kv(enum log_level level, const char *msg, ...)
{
	char line[4096];
	struct timeval tv;
	gettimeofday(&tv, NULL);
	/*
	 * glibc's gmtime_r takes a process-wide lock; the date part is
	 * formatted once a second per thread and reused.
	 */
	static _Thread_local time_t cached_sec = -1;
	static _Thread_local char cached_date[64];
	if (tv.tv_sec != cached_sec) {
		struct tm tm;
		gmtime_r(&tv.tv_sec, &tm);
		snprintf(cached_date, sizeof(cached_date),
			 "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
		cached_sec = tv.tv_sec;
	}
	size_t n = (size_t)snprintf(
		line, sizeof(line),
		"{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"msg\":\"",
		cached_date, (long)(tv.tv_usec / 1000), level_name[level]);
	/* Leave room for the closing "}\n" at every step. */
	const size_t room = sizeof(line) - 3;
	n += json_escape(line + n, room - n, msg);
	if (n < room)
		line[n++] = '"';

	va_list ap;
	va_start(ap, msg);
	const char *key;
	while ((key = va_arg(ap, const char *)) != NULL) {
		const char *val = va_arg(ap, const char *);
		if (val == NULL)
			val = "";
		if (n + 4 >= room)
			continue;
		line[n++] = ',';
		line[n++] = '"';
		n += json_escape(line + n, room - n, key);
		if (n + 3 >= room)
			continue;
		memcpy(line + n, "\":\"", 3);
		n += 3;
		n += json_escape(line + n, room - n, val);
		if (n < room)
			line[n++] = '"';
	}
	va_end(ap);
	line[n++] = '}';
	line[n++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, n);
	(void)w; /* nowhere better to report a failed log write */
}
