/*
 * A request as handlers see it, and the response they fill. Handlers never
 * touch libevent: the server copies what they need out of the evhttp request
 * on the loop thread, so a handler can run on the loop (SQLite) or on a
 * worker thread (PostgreSQL) and be the same code. A handler parses, calls
 * the domain, renders. Nothing else.
 */
#ifndef NARA_HTTP_H
#define NARA_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/kv.h"
#include "http/multipart.h"
#include "http/ratelimit.h"

struct db;
struct config;

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_PUT = 1 << 3,
	HTTP_DELETE = 1 << 4,
	HTTP_OTHER = 1 << 5,
};

enum { RESP_MAX_HEADERS = 8, ROUTE_MAX_PARAMS = 4 };

struct resp {
	int status;
	const char *content_type;
	const char *cache_control; /* default: "no-store" */
	/*
	 * Permissions-Policy; default: no camera, microphone or location.
	 * The video meeting's page asks for camera and microphone.
	 */
	const char *permissions;
	struct {
		const char *name;
		const char *value;
	} headers[RESP_MAX_HEADERS];
	int nheaders;
	struct buf body;             /* owned, freed with the request */
	const unsigned char *fixed;  /* or: static bytes that outlive us */
	size_t fixed_len;
	/* Or a server-sent event stream (resp_stream, http/live.h). */
	struct {
		const char *topic; /* NULL: an ordinary reply */
		int64_t id, since, current;
		uint64_t owner;
	} stream;
};

struct route;

struct req {
	struct arena arena;
	enum http_method method;
	const char *path;  /* percent-decoded, valid UTF-8 */
	struct kvlist query;
	struct kvlist cookies;
	struct kvlist form; /* url-encoded POST body */
	struct multipart multipart;
	const char *content_type;
	const char *csrf_header; /* X-CSRF-Token, for the JSON API */
	const char *accept_language;
	const char *if_none_match;
	const char *user_agent; /* at most 200 bytes, for "my logins" */
	const char *body;
	size_t body_len;
	char request_id[17];
	const char *lang; /* "sv" or "en" */
	const struct route *route;
	const char *params[ROUTE_MAX_PARAMS];
	int nparams;
	struct db *db; /* NULL when the database cannot be opened */
	const struct config *cfg;
	struct resp resp;
	struct buf scratch; /* for renderers; kept, like resp.body, between requests */
};

typedef enum nara_err (*handler_fn)(struct req *r);

struct route {
	unsigned methods; /* enum http_method bits */
	const char *pattern; /* "/kommun/{}": {} matches one segment */
	handler_fn handler;
	const char *name;    /* for metrics and logs */
	int needs_db;        /* 503 when the database cannot be reached */
	/*
	 * The handler may block: it calls another server, such as an
	 * identity provider, or works the CPU for long (argon2id at login).
	 * It always runs on the worker pool, never on an event-loop thread,
	 * whatever the database, and the pool's size bounds how many run at
	 * once.
	 */
	int off_loop;
	/*
	 * RATE_LOGIN for every way of logging in or out, RATE_FORM for forms
	 * that change something; over the limit the server answers 429.
	 */
	enum rate_class rate_class;
	/*
	 * The largest body this route takes, in bytes; 0: NARA_MAX_BODY.
	 * Only for routes that take files (an application's attachments):
	 * everything else keeps the small global limit.
	 */
	size_t max_body;
};

/* The largest body any route takes: at least cfg->max_body. */
size_t routes_max_body(const struct config *cfg);

/* The routing table (src/http/routes.c) and its size. */
extern const struct route routes[];
extern const size_t routes_count;

/*
 * Finds the route for method and path. NARA_ENOTFOUND: no pattern matches;
 * NARA_EINVAL: a pattern matches but not the method (405), with *allowed
 * set to the methods that would.
 */
enum nara_err router_match(const char *path, enum http_method method,
			   struct req *r, unsigned *allowed);

/* The HTTP status that answers an error (NARA_EDBDOWN: 503, ...). */
int http_status_of(enum nara_err err);

void resp_header(struct req *r, const char *name, const char *value);
void resp_redirect(struct req *r, int status, const char *location);

/*
 * Answers with a server-sent event stream that follows (topic, id)
 * instead of a body (http/live.h). The handler has let the subscriber in
 * through the policy layer; the server then hands the connection to the
 * live hub on the loop. since: the version the page shows; current: the
 * version the handler read; owner: the session, for the bound per
 * session. topic must be a string that outlives the request.
 */
void resp_stream(struct req *r, const char *topic, int64_t id, int64_t since,
		 int64_t current, uint64_t owner);

#endif
