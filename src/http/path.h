/*
 * Request-target parsing: splits "/a%20b/c?x=1" into a percent-decoded path
 * and the raw query. Untrusted input: bounded, fuzzed
 * (tests/fuzz/fuzz_path.c).
 */
#ifndef NARA_PATH_H
#define NARA_PATH_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

/*
 * The path must start with '/', decode to valid UTF-8 without NUL or other
 * control bytes, and contain no "." or ".." segment (we never map paths to
 * files, but a path that would climb is never a link we made). The query is
 * what follows the first '?' (NULL when none); a '#' fragment is dropped.
 * NARA_EINVAL otherwise; NARA_ETOOBIG above max_len bytes.
 */
enum nara_err path_split(struct arena *a, const char *target, size_t max_len,
			 const char **path, const char **query);

#endif
