/*
 * The rate limiter; see ratelimit.h.
 *
 * A bucket of class c holds at most count tokens and gains count tokens
 * every `seconds`, evenly. Tokens are kept in integer units of
 * 1/(seconds * 1000) of a token, so that a millisecond adds exactly
 * `count` units and no rounding ever drifts: full is count * seconds *
 * 1000 units, a request costs seconds * 1000. With count up to a million
 * and seconds up to a day the largest value is below 2^47.
 */
#include "http/ratelimit.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	SHARDS = 16,	/* a power of two */
	PROBES = 8,	/* slots looked at for one client */
	MIN_SLOTS = 16, /* per shard */
};

struct slot {
	uint64_t hash; /* 0: never used */
	uint64_t updated_ms;
	uint64_t units;
	unsigned char rate_class;
	char client[RATELIMIT_CLIENT_MAX];
};

struct shard {
	pthread_mutex_t lock;
	struct slot *slots;
	size_t used;
};

struct ratelimit {
	struct rate_rule rules[RATE_CLASSES];
	size_t slots_per_shard; /* a power of two */
	struct shard shards[SHARDS];
};

struct ratelimit *ratelimit_new(const struct rate_rule rules[RATE_CLASSES],
				size_t capacity)
{
	struct ratelimit *rl = calloc(1, sizeof(*rl));
	if (rl == NULL)
		return NULL;
	memcpy(rl->rules, rules, sizeof(rl->rules));
	size_t per = MIN_SLOTS;
	while (per * SHARDS < capacity && per < ((size_t)1 << 20))
		per *= 2;
	rl->slots_per_shard = per;
	for (size_t i = 0; i < SHARDS; i++) {
		pthread_mutex_init(&rl->shards[i].lock, NULL);
		rl->shards[i].slots = calloc(per, sizeof(struct slot));
		if (rl->shards[i].slots == NULL) {
			ratelimit_free(rl);
			return NULL;
		}
	}
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	for (size_t i = 0; i < SHARDS; i++) {
		free(rl->shards[i].slots);
		pthread_mutex_destroy(&rl->shards[i].lock);
	}
	free(rl);
}

/* FNV-1a over the class and the client; never 0, which marks a free slot. */
static uint64_t hash_of(enum rate_class c, const char *client)
{
	uint64_t h = 1469598103934665603ull;
	h = (h ^ (unsigned char)c) * 1099511628211ull;
	for (const unsigned char *p = (const unsigned char *)client; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h | 1;
}

/* The bucket's units at now: what it had plus what has dripped in since. */
static uint64_t refilled(const struct slot *s, const struct rate_rule *rule,
			 uint64_t now_ms)
{
	uint64_t full = (uint64_t)rule->count * rule->seconds * 1000;
	uint64_t elapsed = now_ms > s->updated_ms ? now_ms - s->updated_ms : 0;
	/* Past a whole period the bucket is full; this also bounds the product.
	 */
	if (elapsed >= (uint64_t)rule->seconds * 1000)
		return full;
	uint64_t units = s->units + elapsed * rule->count;
	return units < full ? units : full;
}

/*
 * The slot for (c, client): its own if it has one, else one to take over:
 * a free slot, an idle one (full again), or the least recently used.
 */
static struct slot *find(struct ratelimit *rl, struct shard *sh,
			 enum rate_class c, const char *client, uint64_t hash,
			 uint64_t now_ms, int *fresh)
{
	size_t mask = rl->slots_per_shard - 1;
	struct slot *victim = NULL;
	int victim_rank = 0; /* 3 free, 2 idle, 1 oldest so far */
	for (size_t i = 0; i < PROBES; i++) {
		struct slot *s = &sh->slots[(hash + i) & mask];
		if (s->hash == hash && s->rate_class == c &&
		    strcmp(s->client, client) == 0) {
			*fresh = 0;
			return s;
		}
		int rank;
		if (s->hash == 0)
			rank = 3;
		else if (refilled(s, &rl->rules[s->rate_class], now_ms) ==
			 (uint64_t)rl->rules[s->rate_class].count *
			     rl->rules[s->rate_class].seconds * 1000)
			rank = 2;
		else
			rank = 1;
		if (rank > victim_rank ||
		    (rank == 1 && victim_rank == 1 &&
		     s->updated_ms < victim->updated_ms)) {
			victim = s;
			victim_rank = rank;
		}
	}
	if (victim->hash == 0)
		sh->used++;
	*fresh = 1;
	return victim;
}

unsigned ratelimit_take(struct ratelimit *rl, enum rate_class c,
			const char *client, uint64_t now_ms)
{
	if (rl == NULL || c <= RATE_NONE || c >= RATE_CLASSES)
		return 0;
	const struct rate_rule *rule = &rl->rules[c];
	if (rule->count == 0 || rule->seconds == 0)
		return 0;
	if (client == NULL)
		client = "";
	uint64_t hash = hash_of(c, client);
	struct shard *sh = &rl->shards[(hash >> 40) & (SHARDS - 1)];
	uint64_t cost = (uint64_t)rule->seconds * 1000;

	pthread_mutex_lock(&sh->lock);
	int fresh;
	struct slot *s = find(rl, sh, c, client, hash, now_ms, &fresh);
	uint64_t units =
	    fresh ? (uint64_t)rule->count * cost : refilled(s, rule, now_ms);
	unsigned wait = 0;
	if (units >= cost) {
		units -= cost;
	} else {
		/* count units drip in a millisecond; round up to whole seconds.
		 */
		uint64_t ms = (cost - units + rule->count - 1) / rule->count;
		wait = (unsigned)((ms + 999) / 1000);
		if (wait == 0)
			wait = 1;
	}
	if (fresh) {
		s->hash = hash;
		s->rate_class = (unsigned char)c;
		snprintf(s->client, sizeof(s->client), "%s", client);
	}
	s->units = units;
	s->updated_ms = now_ms;
	pthread_mutex_unlock(&sh->lock);
	return wait;
}

size_t ratelimit_used(struct ratelimit *rl)
{
	size_t n = 0;
	for (size_t i = 0; i < SHARDS; i++) {
		pthread_mutex_lock(&rl->shards[i].lock);
		n += rl->shards[i].used;
		pthread_mutex_unlock(&rl->shards[i].lock);
	}
	return n;
}

/* Copies s without the spaces and tabs around it; "" when too long. */
static void trimmed(const char *s, size_t len, char *out, size_t outlen)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= outlen)
		len = 0;
	memcpy(out, s, len);
	out[len] = '\0';
}

/* Is addr one of the comma-separated list? */
static int listed(const char *addr, const char *list)
{
	char item[RATELIMIT_CLIENT_MAX];
	while (list != NULL && *list != '\0') {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);
		trimmed(list, len, item, sizeof(item));
		if (item[0] != '\0' && strcmp(item, addr) == 0)
			return 1;
		list = comma ? comma + 1 : NULL;
	}
	return 0;
}

/* The address in its key form; 0 when it is an address at all. */
static int normalise(const char *addr, char out[RATELIMIT_CLIENT_MAX])
{
	unsigned char bin[16];
	if (inet_pton(AF_INET, addr, bin) == 1)
		return inet_ntop(AF_INET, bin, out, RATELIMIT_CLIENT_MAX) ? 0
									  : -1;
	if (inet_pton(AF_INET6, addr, bin) != 1)
		return -1;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0,	   0,
						 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(bin, mapped, sizeof(mapped)) == 0)
		return inet_ntop(AF_INET, bin + 12, out, RATELIMIT_CLIENT_MAX)
			   ? 0
			   : -1;
	memset(bin + 8, 0, 8);
	char text[INET6_ADDRSTRLEN];
	if (inet_ntop(AF_INET6, bin, text, sizeof(text)) == NULL)
		return -1;
	snprintf(out, RATELIMIT_CLIENT_MAX, "%s/64", text);
	return 0;
}

void ratelimit_client(const char *peer, const char *forwarded_for,
		      const char *trusted_proxies,
		      char out[RATELIMIT_CLIENT_MAX])
{
	char candidate[RATELIMIT_CLIENT_MAX];
	trimmed(peer ? peer : "", peer ? strlen(peer) : 0, candidate,
		sizeof(candidate));
	if (forwarded_for != NULL && listed(candidate, trusted_proxies)) {
		const char *last = strrchr(forwarded_for, ',');
		last = last ? last + 1 : forwarded_for;
		char forwarded[RATELIMIT_CLIENT_MAX];
		trimmed(last, strlen(last), forwarded, sizeof(forwarded));
		if (normalise(forwarded, out) == 0)
			return;
	}
	/* Not an IP address (a Unix socket, say): the string itself is the key.
	 */
	if (normalise(candidate, out) != 0)
		snprintf(out, RATELIMIT_CLIENT_MAX, "%s", candidate);
}
