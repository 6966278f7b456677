/*
 * application/x-www-form-urlencoded, as the WHATWG URL standard parses it,
 * but strict where browsers are lenient: a malformed %-escape, a NUL or a
 * byte sequence that is not UTF-8 refuses the whole input (NARA_EINVAL), so
 * a handler never sees text it cannot store or show. The pairs are counted
 * first, so the array is allocated once and never exceeds max_fields.
 */
#include "http/form.h"

#include <string.h>

#include "core/utf8.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes len bytes into a new NUL-terminated arena string. */
static enum nara_err decode(struct arena *a, const char *s, size_t len,
			    const char **out, size_t *out_len)
{
	char *d = arena_alloc(a, len + 1);
	if (d == NULL)
		return NARA_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (len - i < 3)
				return NARA_EINVAL;
			int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return NARA_EINVAL;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\0')
			return NARA_EINVAL;
		d[n++] = c;
	}
	d[n] = '\0';
	if (!utf8_valid(d, n))
		return NARA_EINVAL;
	*out = d;
	if (out_len != NULL)
		*out_len = n;
	return NARA_OK;
}

enum nara_err form_parse(struct arena *a, const char *data, size_t len,
			 size_t max_fields, struct kvlist *out)
{
	out->items = NULL;
	out->count = 0;

	size_t pairs = 0;
	for (size_t i = 0; i < len;) {
		const char *amp = memchr(data + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - data) : len;
		if (end > i)
			pairs++;
		i = end + 1;
	}
	if (pairs > max_fields)
		return NARA_ETOOBIG;
	if (pairs == 0)
		return NARA_OK;
	out->items = arena_calloc(a, pairs, sizeof(struct kv));
	if (out->items == NULL)
		return NARA_ENOMEM;

	for (size_t i = 0; i < len;) {
		const char *amp = memchr(data + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - data) : len;
		if (end > i) {
			const char *piece = data + i;
			size_t plen = end - i;
			const char *eq = memchr(piece, '=', plen);
			size_t klen = eq ? (size_t)(eq - piece) : plen;
			struct kv *kv = &out->items[out->count];
			enum nara_err err = decode(a, piece, klen, &kv->key, NULL);
			if (err != NARA_OK)
				return err;
			if (eq != NULL) {
				err = decode(a, eq + 1, plen - klen - 1,
					     &kv->value, &kv->value_len);
				if (err != NARA_OK)
					return err;
			} else {
				kv->value = "";
				kv->value_len = 0;
			}
			out->count++;
		}
		i = end + 1;
	}
	return NARA_OK;
}
