/*
 * Outgoing HTTP: the calls Nära makes to identity providers (discovery,
 * JWKS, token endpoint). Blocking by design, so it must never run on an
 * event-loop thread: the routes that use it are marked off_loop and run on
 * the worker pool (server.c). Every call has a connect timeout of 5 s and a
 * total timeout of 10 s, follows no redirects, speaks only http and https,
 * and refuses a body larger than HTTP_CLIENT_MAX_BODY, so a slow or hostile
 * peer costs one worker at most ten seconds and a bounded amount of memory.
 * Which peers may be called (https, or loopback for tests) is the caller's
 * rule: core/url.h.
 */
#ifndef NARA_HTTP_CLIENT_H
#define NARA_HTTP_CLIENT_H

#include "core/buf.h"
#include "core/err.h"

enum { HTTP_CLIENT_MAX_BODY = 1024 * 1024 };

/* Once per process, before any thread calls http_client_fetch. */
enum nara_err http_client_init(void);
void http_client_cleanup(void);

/*
 * GET url, or POST form (already application/x-www-form-urlencoded) when
 * form is not NULL. With user not NULL, HTTP Basic authentication with
 * user and password. The response body is appended to out and its status
 * stored in *status. NARA_EIO when the peer cannot be reached or is too
 * slow, NARA_ETOOBIG when the body is over the limit, NARA_ENOMEM.
 */
enum nara_err http_client_fetch(const char *url, const char *form,
				const char *user, const char *password,
				long *status, struct buf *out);

#endif
