/*
 * Routing: the table lives in routes.c, in one place; this file matches a
 * path against it. Patterns are literal segments and {} for one segment
 * (never empty, never containing '/'). The table is small, so a linear scan
 * is faster than anything cleverer and easy to read.
 */
#include "http/http.h"

#include <string.h>

#include "core/config.h"

/* Matches path against pattern; fills params (pointers into the arena). */
static int match(const char *pattern, const char *path, struct req *r,
		 int fill)
{
	const char *p = pattern, *s = path;
	int nparams = 0;
	while (*p != '\0') {
		if (p[0] == '{' && p[1] == '}') {
			const char *end = strchr(s, '/');
			size_t len = end ? (size_t)(end - s) : strlen(s);
			if (len == 0 || nparams == ROUTE_MAX_PARAMS)
				return 0;
			if (fill) {
				r->params[nparams] =
					arena_strndup(&r->arena, s, len);
				if (r->params[nparams] == NULL)
					return 0;
			}
			nparams++;
			s += len;
			p += 2;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*s != '\0')
		return 0;
	if (fill)
		r->nparams = nparams;
	return 1;
}

enum nara_err router_match(const char *path, enum http_method method,
			   struct req *r, unsigned *allowed)
{
	unsigned any = 0;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *rt = &routes[i];
		if (!match(rt->pattern, path, r, 0))
			continue;
		if (rt->methods & method) {
			match(rt->pattern, path, r, 1);
			r->route = rt;
			return NARA_OK;
		}
		any |= rt->methods;
	}
	*allowed = any;
	return any ? NARA_EINVAL : NARA_ENOTFOUND;
}

size_t routes_max_body(const struct config *cfg)
{
	size_t max = cfg->max_body;
	for (size_t i = 0; i < routes_count; i++)
		if (routes[i].max_body > max)
			max = routes[i].max_body;
	return max;
}

void resp_header(struct req *r, const char *name, const char *value)
{
	if (r->resp.nheaders == RESP_MAX_HEADERS)
		return;
	r->resp.headers[r->resp.nheaders].name = name;
	r->resp.headers[r->resp.nheaders].value = value;
	r->resp.nheaders++;
}

void resp_redirect(struct req *r, int status, const char *location)
{
	r->resp.status = status;
	resp_header(r, "Location", location);
}

void resp_stream(struct req *r, const char *topic, int64_t id, int64_t since,
		 int64_t current, uint64_t owner)
{
	r->resp.status = 200;
	r->resp.content_type = "text/event-stream; charset=utf-8";
	r->resp.stream.topic = topic;
	r->resp.stream.id = id;
	r->resp.stream.since = since;
	r->resp.stream.current = current;
	r->resp.stream.owner = owner;
}
