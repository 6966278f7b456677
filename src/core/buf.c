/*
 * Growable byte buffer. Appends after a failed allocation are ignored and the
 * failure is remembered, so a renderer checks `failed` once at the end.
 */
#include "core/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = 0;
}

void buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = 0;
}

int buf_reserve(struct buf *b, size_t extra)
{
	if (b->failed)
		return -1;
	/* One byte more than asked, for the NUL of buf_cstr. */
	if (extra > SIZE_MAX - b->len - 1) {
		b->failed = 1;
		return -1;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	char *p = realloc(b->data, cap);
	if (p == NULL) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void buf_add(struct buf *b, const void *data, size_t len)
{
	if (len == 0 || buf_reserve(b, len) != 0)
		return;
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
	if (buf_reserve(b, 1) != 0)
		return;
	b->data[b->len++] = c;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		buf_add(b, small, (size_t)n);
		return;
	}
	if (buf_reserve(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *buf_cstr(struct buf *b)
{
	if (buf_reserve(b, 0) != 0)
		return "";
	b->data[b->len] = '\0';
	return b->data;
}

char *buf_steal(struct buf *b, size_t *len)
{
	buf_cstr(b);
	char *p = b->data;
	if (len)
		*len = b->len;
	buf_init(b);
	return p;
}
