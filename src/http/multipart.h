/*
 * Parser for multipart/form-data bodies (RFC 7578). Untrusted input: bounded,
 * fuzzed (tests/fuzz/fuzz_multipart.c). The whole body is already in memory
 * (the server refuses bodies above its limit before this runs), so parts
 * point into a copy in the arena.
 */
#ifndef NARA_MULTIPART_H
#define NARA_MULTIPART_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

struct multipart_part {
	const char *name;         /* form field name, UTF-8, NUL-terminated */
	const char *filename;     /* NULL when the part is not a file */
	const char *content_type; /* "text/plain" when not given */
	const char *data;         /* the part's bytes, NUL-terminated copy */
	size_t len;
};

struct multipart {
	struct multipart_part *parts;
	size_t count;
};

/*
 * Takes the boundary from the Content-Type header value
 * ("multipart/form-data; boundary=xyz", quoted or not, at most 70 bytes as
 * RFC 2046 says). Returns NARA_EINVAL when there is none.
 */
enum nara_err multipart_boundary(struct arena *a, const char *content_type,
				 const char **boundary);

/*
 * Splits the body into parts. A missing closing delimiter, a part without a
 * Content-Disposition form-data name, header lines longer than 1024 bytes,
 * names or filenames that are not UTF-8: NARA_EINVAL. More than max_parts
 * parts: NARA_ETOOBIG.
 */
enum nara_err multipart_parse(struct arena *a, const char *boundary,
			      const char *body, size_t len, size_t max_parts,
			      struct multipart *out);

#endif
