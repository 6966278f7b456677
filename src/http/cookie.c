/*
 * The Cookie header. Browsers send every cookie for the host, including
 * other applications' on a shared domain, so a pair we cannot read is
 * skipped rather than failing the request; only too many pairs refuse it.
 */
#include "http/cookie.h"

#include <string.h>

#include "core/utf8.h"

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* Trims spaces at both ends of [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
	while (*len > 0 && is_space(**s))
		(*s)++, (*len)--;
	while (*len > 0 && is_space((*s)[*len - 1]))
		(*len)--;
}

static int acceptable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == ';')
			return 0;
	}
	return utf8_valid(s, len);
}

enum nara_err cookie_parse(struct arena *a, const char *header, size_t len,
			   size_t max_cookies, struct kvlist *out)
{
	out->items = NULL;
	out->count = 0;
	size_t pieces = 0;
	for (size_t i = 0; i < len; i++)
		pieces += header[i] == ';';
	pieces++;
	if (pieces > max_cookies) {
		/* Count only pairs with '=' before refusing. */
		size_t real = 0;
		for (size_t i = 0; i < len;) {
			const char *semi = memchr(header + i, ';', len - i);
			size_t end = semi ? (size_t)(semi - header) : len;
			if (memchr(header + i, '=', end - i) != NULL)
				real++;
			i = end + 1;
		}
		if (real > max_cookies)
			return NARA_ETOOBIG;
		pieces = real;
	}
	out->items = arena_calloc(a, pieces ? pieces : 1, sizeof(struct kv));
	if (out->items == NULL)
		return NARA_ENOMEM;

	for (size_t i = 0; i < len;) {
		const char *semi = memchr(header + i, ';', len - i);
		size_t end = semi ? (size_t)(semi - header) : len;
		const char *piece = header + i;
		size_t plen = end - i;
		i = end + 1;
		const char *eq = memchr(piece, '=', plen);
		if (eq == NULL)
			continue;
		const char *name = piece, *value = eq + 1;
		size_t nlen = (size_t)(eq - piece);
		size_t vlen = plen - nlen - 1;
		trim(&name, &nlen);
		trim(&value, &vlen);
		if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"')
			value++, vlen -= 2;
		if (nlen == 0 || !acceptable(name, nlen) ||
		    !acceptable(value, vlen) || memchr(name, '=', nlen))
			continue;
		if (out->count == pieces)
			break;
		struct kv *kv = &out->items[out->count];
		kv->key = arena_strndup(a, name, nlen);
		kv->value = arena_strndup(a, value, vlen);
		if (kv->key == NULL || kv->value == NULL)
			return NARA_ENOMEM;
		kv->value_len = vlen;
		out->count++;
	}
	return NARA_OK;
}
