/*
 * Parser for application/x-www-form-urlencoded bodies and URL query strings
 * (the same format). Untrusted input: bounded, fuzzed (tests/fuzz/fuzz_form.c).
 */
#ifndef NARA_FORM_H
#define NARA_FORM_H

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"

/*
 * Parses `len` bytes of `data` ("a=1&b=x+y%20z"). '+' is a space, %XX is a
 * byte; a malformed escape, a decoded value that is not UTF-8, a NUL byte, or
 * more than max_fields pairs is NARA_EINVAL (max_fields: NARA_ETOOBIG).
 * Empty pieces ("a=1&&b=2") are skipped; a key without '=' has value "".
 */
enum nara_err form_parse(struct arena *a, const char *data, size_t len,
			 size_t max_fields, struct kvlist *out);

#endif
