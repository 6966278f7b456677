/*
 * Static files (CSS, JS) from the embedded static/ folder. Their URLs do
 * not change when they do, so they are cached for an hour and revalidated
 * with an ETag made from the build's version of the bytes.
 */
#include <stdio.h>
#include <string.h>

#include "core/assets.h"
#include "web/web.h"

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	if (strcmp(dot, ".woff2") == 0)
		return "font/woff2";
	return "application/octet-stream";
}

/* FNV-1a over the bytes: an ETag needs to change, not to be secret. */
static unsigned long long etag_of(const struct asset *as)
{
	unsigned long long h = 1469598103934665603ull;
	for (size_t i = 0; i < as->len; i++)
		h = (h ^ as->data[i]) * 1099511628211ull;
	return h;
}

enum nara_err page_static(struct req *r)
{
	char path[160];
	if (snprintf(path, sizeof(path), "static/%s", r->params[0]) >=
	    (int)sizeof(path))
		return NARA_ENOTFOUND;
	const struct asset *as = asset_find(path);
	if (as == NULL)
		return NARA_ENOTFOUND;
	char *etag = arena_printf(&r->arena, "\"%016llx\"", etag_of(as));
	if (etag == NULL)
		return NARA_ENOMEM;
	resp_header(r, "ETag", etag);
	r->resp.cache_control = "public, max-age=3600";
	r->resp.content_type = type_of(path);
	if (r->if_none_match != NULL && strcmp(r->if_none_match, etag) == 0) {
		r->resp.status = 304;
		return NARA_OK;
	}
	r->resp.fixed = as->data;
	r->resp.fixed_len = as->len;
	return NARA_OK;
}
