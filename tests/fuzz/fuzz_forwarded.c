/*
 * libFuzzer: the client a request counts against (src/http/ratelimit.c),
 * from a peer address, an X-Forwarded-For header and the trusted proxies,
 * all three taken from the input (split at the first two NUL bytes). The
 * answer must fit its buffer and, when a trusted proxy forwarded it, be an
 * address the limiter normalised, never the header's raw text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/ratelimit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 3);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = copy[size + 1] = copy[size + 2] = '\0';
	const char *peer = copy;
	const char *forwarded = peer + strlen(peer) + 1;
	const char *trusted = forwarded + strlen(forwarded) + 1;
	if ((size_t)(trusted - copy) > size + 2)
		trusted = copy + size + 2;
	char out[RATELIMIT_CLIENT_MAX];
	memset(out, 'x', sizeof(out));
	ratelimit_client(peer, forwarded, trusted, out);
	if (memchr(out, '\0', sizeof(out)) == NULL)
		abort();
	/* The key is the peer (as given, or normalised) or a clean address. */
	for (const char *p = out; *p; p++)
		if (*p == ',' && strchr(peer, ',') == NULL)
			abort();
	free(copy);
	return 0;
}
