/*
 * A per-request memory arena. Everything a handler allocates lives here and
 * is freed in one go when the response has been handed to the connection;
 * nothing allocated from an arena may outlive it. Blocks grow geometrically
 * up to a hard limit so that a hostile request cannot make us allocate
 * without bound: past the limit allocation returns NULL and the caller
 * answers with NARA_ENOMEM.
 */
#ifndef NARA_ARENA_H
#define NARA_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used_total; /* bytes handed out, for the limit */
	size_t limit;      /* 0: no limit */
};

void arena_init(struct arena *a, size_t limit);
void *arena_alloc(struct arena *a, size_t size);
void *arena_calloc(struct arena *a, size_t count, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Frees every block but the first, which is kept for reuse. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

#endif
