/*
 * Logs: one JSON object a line on stderr, so a collector can parse them
 * without rules. Each line is built in a stack buffer and written with one
 * write(2), so lines from several threads never interleave.
 */
#ifndef NARA_LOG_H
#define NARA_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/*
 * Writes {"ts":..,"level":..,"msg":msg, then the fields}. `fields` is a list
 * of key, value string pairs ended by NULL; values are JSON-escaped.
 */
void log_kv(enum log_level level, const char *msg, ...);

/* Appends s to dst as a JSON string body (no quotes); returns bytes used. */
size_t json_escape(char *dst, size_t cap, const char *s);

#endif
