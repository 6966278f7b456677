/*
 * A growable byte buffer: pages are rendered into one contiguous buffer and
 * handed to the connection once. Sizes are checked for overflow where they
 * are computed; a failed allocation sets `failed` and later appends become
 * no-ops, so a renderer can write many pieces and check once at the end.
 */
#ifndef NARA_BUF_H
#define NARA_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	int failed;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
int buf_reserve(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Returns a NUL-terminated view of the data (the NUL is not counted). */
const char *buf_cstr(struct buf *b);
/* Takes the data; the buffer is empty afterwards. Caller frees. */
char *buf_steal(struct buf *b, size_t *len);

#endif
