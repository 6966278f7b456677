/* Request-target parsing; see path.h. */
#include "http/path.h"

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

enum nara_err path_split(struct arena *a, const char *target, size_t max_len,
			 const char **path, const char **query)
{
	size_t len = strnlen(target, max_len + 1);
	if (len > max_len)
		return NARA_ETOOBIG;
	if (len == 0 || target[0] != '/')
		return NARA_EINVAL;

	size_t path_len = strcspn(target, "?#");
	*query = NULL;
	if (target[path_len] == '?') {
		const char *q = target + path_len + 1;
		size_t qlen = strcspn(q, "#");
		*query = arena_strndup(a, q, qlen);
		if (*query == NULL)
			return NARA_ENOMEM;
	}

	char *out = arena_alloc(a, path_len + 1);
	if (out == NULL)
		return NARA_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < path_len; i++) {
		unsigned char c = (unsigned char)target[i];
		if (c == '%') {
			if (i + 2 >= path_len)
				return NARA_EINVAL;
			int hi = hexval(target[i + 1]), lo = hexval(target[i + 2]);
			if (hi < 0 || lo < 0)
				return NARA_EINVAL;
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return NARA_EINVAL;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	if (!utf8_valid(out, n))
		return NARA_EINVAL;

	/* Refuse "." and ".." segments. */
	for (size_t i = 0; i < n; i++) {
		if (out[i] != '/')
			continue;
		const char *seg = out + i + 1;
		size_t seglen = strcspn(seg, "/");
		if ((seglen == 1 && seg[0] == '.') ||
		    (seglen == 2 && seg[0] == '.' && seg[1] == '.'))
			return NARA_EINVAL;
	}
	*path = out;
	return NARA_OK;
}
