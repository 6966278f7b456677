/*
 * Key/value pairs as parsed from query strings, url-encoded forms and cookie
 * headers. Keys and values are NUL-terminated copies in the request's arena,
 * already percent-decoded where the format says so, and always valid UTF-8
 * (the parsers refuse anything else).
 */
#ifndef NARA_KV_H
#define NARA_KV_H

#include <stddef.h>

struct kv {
	const char *key;
	const char *value;
	size_t value_len;
};

struct kvlist {
	struct kv *items;
	size_t count;
};

/* The first value for key, or NULL. */
const char *kv_get(const struct kvlist *list, const char *key);

#endif
