/*
 * multipart/form-data (RFC 7578 over RFC 2046). The body is in memory, so
 * the parser walks it with memmem for "\r\n--boundary" and copies each
 * part's bytes into the arena; every search is bounded by the body's end.
 * Only Content-Disposition and Content-Type are read from a part's headers;
 * others are ignored, as RFC 7578 section 4.8 allows.
 */
#include "http/multipart.h"

#include <string.h>
#include <strings.h>

#include "core/utf8.h"

enum { MAX_BOUNDARY = 70, MAX_HEADER_LINE = 1024 };

/* Reads a parameter value (token or quoted string) from s; end is exclusive. */
static const char *param_value(struct arena *a, const char *s, const char *end,
			       const char **next)
{
	char *out = arena_alloc(a, (size_t)(end - s) + 1);
	if (out == NULL)
		return NULL;
	size_t n = 0;
	if (s < end && *s == '"') {
		s++;
		while (s < end && *s != '"') {
			if (*s == '\\' && s + 1 < end)
				s++;
			out[n++] = *s++;
		}
		if (s == end)
			return NULL; /* no closing quote */
		s++;
	} else {
		while (s < end && *s != ';' && *s != ' ' && *s != '\t')
			out[n++] = *s++;
	}
	out[n] = '\0';
	*next = s;
	return out;
}

enum nara_err multipart_boundary(struct arena *a, const char *content_type,
				 const char **boundary)
{
	const char *end = content_type + strlen(content_type);
	const char *p = content_type;
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) != 0)
			continue;
		const char *next;
		const char *b = param_value(a, p + 9, end, &next);
		if (b == NULL)
			return NARA_EINVAL;
		size_t len = strlen(b);
		if (len == 0 || len > MAX_BOUNDARY)
			return NARA_EINVAL;
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)b[i] < 0x20 || (unsigned char)b[i] > 0x7e)
				return NARA_EINVAL;
		*boundary = b;
		return NARA_OK;
	}
	return NARA_EINVAL;
}

/* Parses one header line of a part into the part. */
static enum nara_err part_header(struct arena *a, const char *line,
				 size_t len, struct multipart_part *part)
{
	const char *end = line + len;
	const char *colon = memchr(line, ':', len);
	if (colon == NULL)
		return NARA_EINVAL;
	size_t nlen = (size_t)(colon - line);
	const char *v = colon + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	if (nlen == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
		part->content_type = arena_strndup(a, v, (size_t)(end - v));
		if (part->content_type == NULL)
			return NARA_ENOMEM;
		if (!utf8_valid(part->content_type, strlen(part->content_type)))
			return NARA_EINVAL;
		return NARA_OK;
	}
	if (nlen != 19 || strncasecmp(line, "Content-Disposition", 19) != 0)
		return NARA_OK;
	if ((size_t)(end - v) < 9 || strncasecmp(v, "form-data", 9) != 0)
		return NARA_EINVAL;
	const char *p = v + 9;
	while (p < end) {
		while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL)
			break;
		const char *key = p;
		size_t klen = (size_t)(eq - p);
		const char *next;
		const char *val = param_value(a, eq + 1, end, &next);
		if (val == NULL)
			return NARA_EINVAL;
		if (!utf8_valid(val, strlen(val)))
			return NARA_EINVAL;
		if (klen == 4 && strncasecmp(key, "name", 4) == 0)
			part->name = val;
		else if (klen == 8 && strncasecmp(key, "filename", 8) == 0)
			part->filename = val;
		p = next;
	}
	return NARA_OK;
}

enum nara_err multipart_parse(struct arena *a, const char *boundary,
			      const char *body, size_t len, size_t max_parts,
			      struct multipart *out)
{
	out->parts = NULL;
	out->count = 0;
	size_t blen = strlen(boundary);
	if (blen == 0 || blen > MAX_BOUNDARY)
		return NARA_EINVAL;
	/* "\r\n--" + boundary: the delimiter between parts. */
	char delim[4 + MAX_BOUNDARY];
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, boundary, blen);
	size_t dlen = blen + 4;

	/* The first delimiter may open the body without the CRLF. */
	const char *end = body + len;
	const char *p;
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		p = body + dlen - 2;
	} else {
		p = memmem(body, len, delim, dlen);
		if (p == NULL)
			return NARA_EINVAL;
		p += dlen;
	}

	size_t cap = 0;
	for (;;) {
		/* After a delimiter: "--" closes, else optional padding and CRLF. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return out->count > 0 ? NARA_OK : NARA_EINVAL;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return NARA_EINVAL;
		p += 2;

		if (out->count == max_parts)
			return NARA_ETOOBIG;
		if (out->count == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			if (ncap > max_parts)
				ncap = max_parts;
			struct multipart_part *np =
				arena_calloc(a, ncap, sizeof(*np));
			if (np == NULL)
				return NARA_ENOMEM;
			if (out->count)
				memcpy(np, out->parts, out->count * sizeof(*np));
			out->parts = np;
			cap = ncap;
		}
		struct multipart_part *part = &out->parts[out->count];
		memset(part, 0, sizeof(*part));

		/* Header lines up to an empty line. */
		for (;;) {
			const char *nl = memmem(p, (size_t)(end - p), "\r\n", 2);
			if (nl == NULL)
				return NARA_EINVAL;
			size_t llen = (size_t)(nl - p);
			if (llen > MAX_HEADER_LINE)
				return NARA_EINVAL;
			if (llen == 0) {
				p = nl + 2;
				break;
			}
			enum nara_err err = part_header(a, p, llen, part);
			if (err != NARA_OK)
				return err;
			p = nl + 2;
		}
		if (part->name == NULL)
			return NARA_EINVAL;
		if (part->content_type == NULL)
			part->content_type = "text/plain";

		/* The data runs to the next delimiter. */
		const char *next = memmem(p, (size_t)(end - p), delim, dlen);
		if (next == NULL)
			return NARA_EINVAL;
		part->len = (size_t)(next - p);
		part->data = arena_strndup(a, p, part->len);
		if (part->data == NULL)
			return NARA_ENOMEM;
		out->count++;
		p = next + dlen;
	}
}
