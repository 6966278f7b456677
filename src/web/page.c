/*
 * What every page shares: start-up loading, the layout, the error page and
 * the language of the request.
 */
#include "api/api.h"
#include "web/web.h"

#include <stdio.h>
#include <string.h>

#include "domain/application_form.h"
#include "web/html.h"

enum nara_err web_init(char *errmsg, size_t errlen)
{
	enum nara_err err = i18n_load(errmsg, errlen);
	if (err == NARA_OK)
		err = tpl_load(errmsg, errlen);
	/* The application forms are pages too: a broken one stops us here. */
	if (err == NARA_OK)
		err = application_forms_load(errmsg, errlen);
	return err;
}

void web_free(void)
{
	application_forms_free();
	tpl_free();
	i18n_free();
}

const char *i18n_choose_request(const struct req *r)
{
	return i18n_choose(kv_get(&r->cookies, "lang"), r->accept_language);
}

const char *i18n_format(struct req *r, const char *key, const char *value)
{
	const char *text = i18n_get(r->lang, key);
	const char *at = strstr(text, "{name}");
	if (at == NULL)
		return text;
	const char *s = arena_printf(&r->arena, "%.*s%s%s", (int)(at - text),
				     text, value, at + 6);
	return s ? s : text;
}

const char *i18n_replace(struct req *r, const char *text, const char *name,
			 const char *value)
{
	if (strstr(text, name) == NULL)
		return text;
	struct buf b;
	buf_init(&b);
	size_t nlen = strlen(name);
	for (const char *p = text, *at; *p; p = at + nlen) {
		at = strstr(p, name);
		if (at == NULL) {
			buf_adds(&b, p);
			break;
		}
		buf_add(&b, p, (size_t)(at - p));
		buf_adds(&b, value);
		if (at[nlen] == '\0')
			break;
	}
	const char *out =
	    b.failed ? NULL : arena_strdup(&r->arena, buf_cstr(&b));
	buf_free(&b);
	return out ? out : text;
}

struct tvars *page_vars(struct req *r)
{
	struct tvars *v = tv_new(&r->arena);
	if (v == NULL)
		return NULL;
	tv_set(v, "lang", r->lang);
	tv_set(v, "other_lang", strcmp(r->lang, "en") == 0 ? "sv" : "en");
	/* The current path, for "switch language and come back here". */
	struct buf q;
	buf_init(&q);
	url_escape(&q, r->path ? r->path : "/", r->path ? strlen(r->path) : 1);
	tv_set(v, "path_q", arena_strdup(&r->arena, buf_cstr(&q)));
	buf_free(&q);
	tv_set(v, "request_id", r->request_id);
	return v;
}

enum nara_err page_render(struct req *r, const char *name, struct tvars *v,
			  const char *title)
{
	if (v == NULL)
		return NARA_ENOMEM;
	/*
	 * The page body is rendered first into its own buffer and then put
	 * into the layout with {{raw body}}: it is HTML we just escaped.
	 */
	struct buf *body = &r->scratch;
	buf_reset(body);
	tv_set(v, "title", title);
	enum nara_err err = tpl_render(body, name, v, r->lang);
	if (err == NARA_OK) {
		tv_setn(v, "body", body->data ? body->data : "", body->len);
		buf_reserve(&r->resp.body, body->len + 4096);
		err = tpl_render(&r->resp.body, "layout", v, r->lang);
	}
	r->resp.content_type = "text/html; charset=utf-8";
	return err;
}

/* The error template with this status, title and text. */
static void render_error(struct req *r, int status, const char *title,
			 const char *text)
{
	r->resp.status = status;
	struct tvars *v = page_vars(r);
	tv_set(v, "text", text);
	tv_set(v, "title", title);
	buf_reset(&r->resp.body);
	if (page_render(r, "error", v, title) != NARA_OK) {
		/* Out of memory even for the error page: plain words. */
		buf_reset(&r->resp.body);
		buf_adds(&r->resp.body, title);
		r->resp.content_type = "text/plain; charset=utf-8";
	}
}

void web_error_page(struct req *r, int status)
{
	if (r->lang == NULL)
		r->lang = "sv";
	/* An API client gets its error as JSON, in the same language. */
	if (api_is_api(r)) {
		r->resp.status = status;
		api_error_body(r, status);
		return;
	}
	char key[32];
	int known = status == 400 || status == 403 || status == 404 ||
		    status == 405 || status == 409 || status == 413 ||
		    status == 503;
	int code = known ? status : 500;
	snprintf(key, sizeof(key), "error.%d.title", code);
	const char *title = i18n_get(r->lang, key);
	snprintf(key, sizeof(key), "error.%d.text", code);
	render_error(r, status, title, i18n_get(r->lang, key));
	if (status == 503)
		resp_header(r, "Retry-After", "30");
}

void web_too_many_page(struct req *r, unsigned retry_after)
{
	if (r->lang == NULL)
		r->lang = "sv";
	if (api_is_api(r)) {
		char secs[16];
		snprintf(secs, sizeof(secs), "%u", retry_after);
		r->resp.status = 429;
		api_error_body(r, 429);
		resp_header(r, "Retry-After", arena_strdup(&r->arena, secs));
		return;
	}
	/* The page says when, in words; Retry-After says it to programs. */
	const char *secs = arena_printf(&r->arena, "%u", retry_after);
	const char *text;
	if (retry_after == 1)
		text = i18n_get(r->lang, "error.429.text_one");
	else if (retry_after < 120)
		text = i18n_format(r, "error.429.text", secs ? secs : "60");
	else
		text = i18n_format(r, "error.429.text_minutes",
				   arena_printf(&r->arena, "%u",
						(retry_after + 59) / 60));
	render_error(r, 429, i18n_get(r->lang, "error.429.title"), text);
	resp_header(r, "Retry-After", secs ? secs : "60");
}
