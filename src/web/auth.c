/*
 * Sessions as pages see them: the session cookie, who is logged in, and
 * the CSRF check for forms. The session itself lives in domain/session.c.
 */
#include "web/auth.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "web/casework.h"
#include "web/html.h"

const char *web_safe_next(const char *next, const char *fallback)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return fallback;
	/* It ends up in a Location header: no control bytes, no line breaks. */
	for (const char *p = next; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return fallback;
	return next;
}

const char *web_cookie_attrs(const struct req *r)
{
	int https = r->cfg->base_url != NULL &&
		    strncmp(r->cfg->base_url, "https:", 6) == 0;
	return https ? "; Path=/; HttpOnly; SameSite=Lax; Secure"
		     : "; Path=/; HttpOnly; SameSite=Lax";
}

void web_set_cookie(struct req *r, const char *name, const char *value,
		    long max_age)
{
	char *c = arena_printf(&r->arena, "%s=%s; Max-Age=%ld%s", name, value,
			       max_age, web_cookie_attrs(r));
	if (c != NULL)
		resp_header(r, "Set-Cookie", c);
}

int web_prelogin_csrf_ok(const struct req *r)
{
	const char *cookie = kv_get(&r->cookies, PRELOGIN_COOKIE);
	const char *given = kv_get(&r->form, "csrf");
	return cookie != NULL && given != NULL &&
	       strlen(cookie) == SESSION_TOKEN_LEN &&
	       strlen(given) == SESSION_TOKEN_LEN &&
	       sodium_memcmp(cookie, given, SESSION_TOKEN_LEN) == 0;
}

struct local_request web_local_request(const struct req *r)
{
	return (struct local_request){
		.now = (int64_t)time(NULL),
		.user_agent = r->user_agent,
		.request_id = r->request_id,
		.key = r->cfg->has_secret_key ? r->cfg->secret_key : NULL,
	};
}

enum nara_err web_session(struct req *r, struct session *s)
{
	const char *token = kv_get(&r->cookies, SESSION_COOKIE);
	if (token == NULL || r->db == NULL)
		return NARA_ENOTFOUND;
	return session_lookup(r->db, token, (int64_t)time(NULL), s);
}

/* Sends the person to the login page, to come back here afterwards. */
static void to_login(struct req *r)
{
	struct buf q;
	buf_init(&q);
	buf_adds(&q, "/login?next=");
	url_escape(&q, r->path, strlen(r->path));
	resp_redirect(r, 303, arena_strdup(&r->arena, buf_cstr(&q)));
	buf_free(&q);
}

/* The actor of a live session: staff with their roles, or a citizen. */
static enum nara_err actor_of(struct req *r, const struct session *s,
			      struct actor *who)
{
	if (strcmp(s->kind, "staff") == 0) {
		enum nara_err err =
		    access_load_staff(r->db, &r->arena, s->staff_id, who);
		if (err == NARA_ENOTFOUND)
			return NARA_EDENIED; /* the account was closed */
		if (err != NARA_OK)
			return err;
	} else {
		access_citizen(s->personnummer, who);
	}
	who->request_id = r->request_id;
	return NARA_OK;
}

enum nara_err web_require(struct req *r, const char *kind, struct session *s,
			  struct actor *who, int *redirected)
{
	*redirected = 0;
	enum nara_err err = web_session(r, s);
	if (err == NARA_ENOTFOUND) {
		to_login(r);
		*redirected = 1;
		return NARA_OK;
	}
	if (err != NARA_OK)
		return err;
	if (strcmp(s->kind, kind) != 0)
		return NARA_EDENIED;
	return actor_of(r, s, who);
}

enum nara_err web_require_staff_item(struct req *r, int form,
				     struct staff_item *c)
{
	c->id = 0;
	enum nara_err err =
	    web_require(r, "staff", &c->s, &c->who, &c->redirected);
	if (err != NARA_OK || c->redirected)
		return err;
	if (form && !session_csrf_ok(&c->s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	c->id = casework_path_id(r);
	return c->id == 0 ? NARA_ENOTFOUND : NARA_OK;
}

enum nara_err web_require_any(struct req *r, struct session *s,
			      struct actor *who, int *redirected)
{
	*redirected = 0;
	enum nara_err err = web_session(r, s);
	if (err == NARA_ENOTFOUND) {
		to_login(r);
		*redirected = 1;
		return NARA_OK;
	}
	if (err != NARA_OK)
		return err;
	return actor_of(r, s, who);
}

void web_session_vars(struct req *r, struct tvars *v, const struct session *s,
		      const struct actor *who)
{
	(void)r;
	tv_set(v, "logged_in", "1");
	tv_set(v, "csrf", s->csrf);
	tv_set(v, "who_name", who->name ? who->name : "");
}

uint64_t web_session_owner(const struct session *s)
{
	char hex[17];
	memcpy(hex, s->token_hash, 16);
	hex[16] = '\0';
	return strtoull(hex, NULL, 16);
}

void web_stream(struct req *r, const char *topic, int64_t id, int64_t current,
		const struct session *s)
{
	const char *shown = kv_get(&r->query, "version");
	char *end = NULL;
	long long since = shown ? strtoll(shown, &end, 10) : current;
	if (shown != NULL && (end == shown || *end != '\0' || since < 0))
		since = current;
	resp_stream(r, topic, id, since, current, web_session_owner(s));
}
