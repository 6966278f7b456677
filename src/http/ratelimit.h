/*
 * Rate limits on logging in and on forms: a token bucket per client
 * address and route class. A route names its class in the routing table
 * (struct route's rate_class), so a new login route only sets the flag.
 * Over the limit the server answers 429 with a page that says when to try
 * again and a Retry-After header (src/http/server.c).
 *
 * Memory is bounded: a fixed table, split into shards with a lock each so
 * the event loops rarely wait for one another. When a client's slots are
 * all taken, an idle bucket (one that has filled up again, which is the
 * same as no bucket) is reused first, else the one least recently used.
 * Evicting a busy bucket gives that client a fresh one, so a flood of new
 * addresses can only make the limit more lenient, never lock anyone out.
 *
 * IPv6 clients are counted per /64, the block one subscriber usually
 * holds, so that walking through one's own addresses does not help.
 *
 * The limits are per node: behind a load balancer with N nodes a client
 * can make up to N times as many requests.
 */
#ifndef NARA_RATELIMIT_H
#define NARA_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

enum rate_class {
	RATE_NONE = 0, /* not limited */
	RATE_LOGIN,    /* logging in and out: NARA_RATE_LOGIN */
	RATE_FORM,     /* forms that change something: NARA_RATE_FORM */
	RATE_CLASSES
};

struct ratelimit;

/*
 * A limiter with room for about `capacity` buckets (at least one shard's
 * worth); rules[c] for each class but RATE_NONE. NULL when out of memory.
 */
struct ratelimit *ratelimit_new(const struct rate_rule rules[RATE_CLASSES],
				size_t capacity);
void ratelimit_free(struct ratelimit *rl);

/*
 * Takes one request's token from client's bucket of class c at now_ms (a
 * monotonic clock in milliseconds). 0: allowed. Otherwise nothing is taken
 * and the answer is the whole seconds until a token is there (at least 1).
 * RATE_NONE is always allowed. Safe from several threads at once.
 */
unsigned ratelimit_take(struct ratelimit *rl, enum rate_class c,
			const char *client, uint64_t now_ms);

/* Buckets in use: for tests, which check the bound. */
size_t ratelimit_used(struct ratelimit *rl);

enum { RATELIMIT_CLIENT_MAX = 64 };

/*
 * The client a request counts against. peer is the socket's address. Only
 * when peer is one of trusted_proxies (NARA_TRUSTED_PROXY: addresses, comma
 * separated) is X-Forwarded-For believed, and then only its last entry:
 * the address the proxy itself saw; entries before it are whatever the
 * client chose to send. IPv4-mapped IPv6 becomes IPv4; other IPv6 becomes
 * its /64. Any of the strings may be NULL.
 */
void ratelimit_client(const char *peer, const char *forwarded_for,
		      const char *trusted_proxies,
		      char out[RATELIMIT_CLIENT_MAX]);

#endif
