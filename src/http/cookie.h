/*
 * Parser for the Cookie request header (RFC 6265 section 5.4 shape:
 * "a=1; b=2"). Untrusted input: bounded, fuzzed (tests/fuzz/fuzz_cookie.c).
 * Values are not percent-decoded; surrounding double quotes are removed.
 * Pairs without '=' or with an empty name are skipped; a value that is not
 * UTF-8 or contains control bytes makes the pair skipped, not the request
 * refused, because browsers send cookies of other applications on the host.
 */
#ifndef NARA_COOKIE_H
#define NARA_COOKIE_H

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"

/* More than max_cookies pairs: NARA_ETOOBIG. */
enum nara_err cookie_parse(struct arena *a, const char *header, size_t len,
			   size_t max_cookies, struct kvlist *out);

#endif
