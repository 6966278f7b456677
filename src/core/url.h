/*
 * URLs Nära writes and URLs it will talk to. url_escape percent-encodes a
 * query value (pages, login links, the OpenID Connect requests); the
 * secure-or-loopback rule says which peers outgoing calls may reach: an
 * identity provider is reached over https, except on the machine itself,
 * where the tests run their providers over plain http.
 */
#ifndef NARA_URL_H
#define NARA_URL_H

#include <stddef.h>

#include "core/buf.h"

/* Appends s percent-encoded for use in a URL query value. */
void url_escape(struct buf *out, const char *s, size_t len);

/*
 * 1 when url is an absolute https:// URL with a host, or an http:// URL
 * whose host is loopback (127.0.0.0/8, [::1], localhost). 0 for anything
 * else: other schemes, user info ("user@host"), white space or control
 * bytes, a missing host, or a URL longer than URL_MAX.
 */
enum { URL_MAX = 2048 };
int url_is_secure_or_loopback(const char *url);

#endif
