/*
 * UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF). Every string from the outside passes through here before it is
 * stored or rendered.
 */
#ifndef NARA_UTF8_H
#define NARA_UTF8_H

#include <stddef.h>

/* 1 when the len bytes are valid UTF-8, else 0. */
int utf8_valid(const char *s, size_t len);

#endif
