/* The JSON API's shared parts; see api.h. */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/auth.h"
#include "web/i18n.h"

enum { API_MAX_DEPTH = 8 };

int api_is_api(const struct req *r)
{
	return r->path != NULL && strncmp(r->path, "/api/", 5) == 0;
}

/* json_dump_callback's writer: appends to the response body. */
static int append(const char *buffer, size_t size, void *data)
{
	struct buf *b = data;
	buf_add(b, buffer, size);
	return b->failed ? -1 : 0;
}

enum nara_err api_send(struct req *r, int status, json_t *obj)
{
	if (obj == NULL)
		return NARA_ENOMEM;
	/* One pass straight into the body: no size-finding pass first. */
	buf_reset(&r->resp.body);
	int rc = json_dump_callback(obj, append, &r->resp.body, JSON_COMPACT);
	json_decref(obj);
	if (rc != 0 || r->resp.body.failed)
		return NARA_ENOMEM;
	r->resp.status = status;
	r->resp.content_type = "application/json; charset=utf-8";
	return NARA_OK;
}

static void send_error(struct req *r, int status, const char *key,
		       const char *message)
{
	json_t *o = json_pack("{s:{s:i,s:s,s:s}}", "error", "status", status,
			      "key", key, "message", message);
	if (api_send(r, status, o) != NARA_OK) {
		/* No memory even for that: a body that is still JSON. */
		buf_reset(&r->resp.body);
		buf_adds(&r->resp.body, "{\"error\":{\"status\":500}}");
		r->resp.status = 500;
		r->resp.content_type = "application/json; charset=utf-8";
	}
}

enum nara_err api_error(struct req *r, int status, const char *key)
{
	send_error(r, status, key, i18n_get(r->lang ? r->lang : "sv", key));
	return NARA_OK;
}

void api_error_body(struct req *r, int status)
{
	static const int known[] = {400, 403, 404, 405, 409, 413, 429, 503};
	int code = 500;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i] == status)
			code = status;
	char key[32];
	snprintf(key, sizeof(key), "error.%d.title", code);
	const char *lang = r->lang ? r->lang : "sv";
	/* A status the catalogue has no words for falls back to 500's. */
	if (!i18n_has(key))
		snprintf(key, sizeof(key), "error.500.title");
	send_error(r, status, key, i18n_get(lang, key));
	if (status == 503)
		resp_header(r, "Retry-After", "30");
}

enum nara_err api_require(struct req *r, const char *kind, struct session *s,
			  struct actor *who)
{
	enum nara_err err = web_session(r, s);
	if (err != NARA_OK)
		return err;
	if (strcmp(s->kind, kind) != 0)
		return NARA_EDENIED;
	/*
	 * The session cookie alone would let another site's page make a
	 * logged-in browser send requests; the header it cannot set proves
	 * the request comes from a client that read the token.
	 */
	if ((r->method & (HTTP_POST | HTTP_PUT | HTTP_DELETE)) &&
	    !session_csrf_ok(s, r->csrf_header))
		return NARA_EDENIED;
	if (strcmp(kind, "staff") == 0) {
		err = access_load_staff(r->db, &r->arena, s->staff_id, who);
		if (err == NARA_ENOTFOUND)
			return NARA_EDENIED;
		if (err != NARA_OK)
			return err;
	} else {
		access_citizen(s->personnummer, who);
	}
	who->request_id = r->request_id;
	return NARA_OK;
}

int api_begin(struct req *r, const char *kind, int with_body,
	      struct api_call *c, enum nara_err *err)
{
	c->body = NULL;
	*err = api_require(r, kind, &c->s, &c->who);
	if (*err == NARA_ENOTFOUND) {
		*err = api_error(r, 401, "api.error.login");
		return 0;
	}
	if (*err == NARA_EDENIED) {
		*err = api_error(r, 403, "error.403.title");
		return 0;
	}
	if (*err != NARA_OK)
		return 0;
	if (with_body && api_body(r, &c->body) != NARA_OK) {
		*err = api_error(r, 400, "api.error.body");
		return 0;
	}
	return 1;
}

/* Refuses nesting deeper than the API ever sends: bounded work. */
static int too_deep(json_t *v, int depth)
{
	if (depth > API_MAX_DEPTH)
		return 1;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k,
				    x) if (too_deep(x, depth + 1)) return 1;
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i,
				   x) if (too_deep(x, depth + 1)) return 1;
	}
	return 0;
}

enum nara_err api_body(struct req *r, json_t **out)
{
	*out = NULL;
	const char *ct = r->content_type ? r->content_type : "";
	if (strncasecmp(ct, "application/json", 16) != 0 || r->body == NULL)
		return NARA_EINVAL;
	json_error_t e;
	json_t *v =
	    json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e);
	if (v == NULL)
		return NARA_EINVAL;
	if (!json_is_object(v) || too_deep(v, 0)) {
		json_decref(v);
		return NARA_EINVAL;
	}
	*out = v;
	return NARA_OK;
}

const char *api_str(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int api_int(json_t *obj, const char *name, int64_t *out)
{
	json_t *v = json_object_get(obj, name);
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return -1;
	*out = (int64_t)json_integer_value(v);
	return 1;
}

int64_t api_param_id(const struct req *r, int n)
{
	if (n >= r->nparams || r->params[n] == NULL)
		return 0;
	char *end;
	long long v = strtoll(r->params[n], &end, 10);
	if (*end != '\0' || v <= 0 || r->params[n][0] == '+' ||
	    r->params[n][0] == ' ')
		return 0;
	return (int64_t)v;
}

enum nara_err api_answer(struct req *r, enum nara_err err, const char *why)
{
	switch (err) {
	case NARA_EINVAL:
		return api_error(r, 400, why ? why : "api.error.body");
	case NARA_EDENIED:
		return api_error(r, 403, "error.403.title");
	case NARA_ENOTFOUND:
		return api_error(r, 404, "error.404.title");
	case NARA_ECONFLICT:
		return api_error(r, 409, why ? why : "error.409.title");
	default:
		return err;
	}
}
