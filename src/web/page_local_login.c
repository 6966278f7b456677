/*
 * Logging in with a local account (domain/local_account.h): the form on
 * /login posts user name and password to /login/local; an account with
 * TOTP is sent on to /login/kod for its code. Both forms are posted before
 * there is a session, so their CSRF check is a double submit: the
 * password form against the pre-login cookie, the code form against the
 * token stored with its challenge.
 *
 * A wrong password and an unknown user get the same page, word for word
 * (the domain makes them cost the same time too). A locked account gets a
 * page that says so and until when, whatever the password was: the lock is
 * checked before the password.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "domain/local_account.h"
#include "web/auth.h"
#include "web/format.h"
#include "web/web.h"

/* The half-done login between the password and the code. */
#define CHALLENGE_COOKIE "nara_code"

/* "14:32", Swedish time whatever the server's own time zone. */
static const char *clock_time(struct req *r, int64_t at)
{
	const char *s = web_iso_datetime(r, at); /* "2026-11-23 14:32" */
	return strlen(s) > 11 ? s + 11 : s;
}

/*
 * The login page again, with the local form's message: wrong, locked
 * (status 429 with Retry-After, and how long), or the code's time ran out.
 */
static enum nara_err login_again(struct req *r, const char *username,
				 const char *next,
				 const struct local_outcome *o,
				 const char *message_key)
{
	struct tvars *v = page_vars(r);
	if (v == NULL)
		return NARA_ENOMEM;
	tv_set(v, "local_username", username);
	if (o != NULL && o->result == LOCAL_LOCKED) {
		int64_t now = (int64_t)time(NULL);
		int64_t left =
		    o->locked_until > now ? o->locked_until - now : 1;
		char minutes[24];
		snprintf(minutes, sizeof(minutes), "%lld",
			 (long long)((left + 59) / 60));
		tv_set(v, "local_error",
		       i18n_format(r, "login.local_locked", minutes));
		tv_set(v, "local_error_more",
		       i18n_format(r, "login.local_locked_until",
				   clock_time(r, o->locked_until)));
		char retry[24];
		snprintf(retry, sizeof(retry), "%lld", (long long)left);
		resp_header(r, "Retry-After", arena_strdup(&r->arena, retry));
		r->resp.status = 429;
	} else {
		tv_set(v, "local_error", i18n_get(r->lang, message_key));
		if (o != NULL)
			r->resp.status =
			    400; /* not accepted; say so to tools too */
	}
	return page_login_render(r, v, next);
}

/* Logged in: the session cookie, the login cookies gone, on to next. */
static void logged_in(struct req *r, const struct local_outcome *o,
		      const char *next)
{
	web_set_cookie(r, SESSION_COOKIE, o->token, SESSION_ABSOLUTE);
	web_set_cookie(r, PRELOGIN_COOKIE, "", 0);
	web_set_cookie(r, CHALLENGE_COOKIE, "", 0);
	resp_redirect(r, 303, web_safe_next(next, "/arbete"));
}

/*
 * The password was copied into the request's arena twice (the body and
 * the parsed form); neither copy is needed once it has been checked.
 */
static void forget_password(struct req *r)
{
	for (size_t i = 0; i < r->form.count; i++)
		if (strcmp(r->form.items[i].key, "password") == 0)
			sodium_memzero((char *)r->form.items[i].value,
				       r->form.items[i].value_len);
	if (r->body != NULL)
		sodium_memzero((char *)r->body, r->body_len);
}

enum nara_err page_login_local(struct req *r)
{
	if (!web_prelogin_csrf_ok(r))
		return NARA_EDENIED;
	const char *username = kv_get(&r->form, "username");
	const char *next = web_safe_next(kv_get(&r->form, "next"), "");
	struct local_request q = web_local_request(r);
	struct local_outcome o;
	enum nara_err err = local_login_password(
	    r->db, &q, username, kv_get(&r->form, "password"), next, &o);
	forget_password(r);
	if (err != NARA_OK)
		return err;
	switch (o.result) {
	case LOCAL_LOGGED_IN:
		logged_in(r, &o, next);
		return NARA_OK;
	case LOCAL_NEEDS_CODE:
		web_set_cookie(r, CHALLENGE_COOKIE, o.token,
			       LOCAL_CHALLENGE_SECONDS);
		resp_redirect(r, 303, "/login/kod");
		return NARA_OK;
	default:
		return login_again(r, username, next, &o, "login.local_wrong");
	}
}

static enum nara_err code_form(struct req *r, const char *csrf, int wrong)
{
	struct tvars *v = page_vars(r);
	tv_set(v, "code_csrf", csrf);
	if (wrong) {
		tv_set(v, "code_error", "1");
		r->resp.status = 400;
	}
	return page_render(r, "login_code", v,
			   i18n_get(r->lang, "login_code.title"));
}

enum nara_err page_login_code(struct req *r)
{
	char csrf[SESSION_TOKEN_LEN + 1];
	enum nara_err err =
	    local_challenge_csrf(r->db, kv_get(&r->cookies, CHALLENGE_COOKIE),
				 (int64_t)time(NULL), csrf);
	if (err == NARA_ENOTFOUND) {
		web_set_cookie(r, CHALLENGE_COOKIE, "", 0);
		return login_again(r, NULL, NULL, NULL, "login.code_expired");
	}
	if (err != NARA_OK)
		return err;
	return code_form(r, csrf, 0);
}

enum nara_err page_login_code_check(struct req *r)
{
	const char *challenge = kv_get(&r->cookies, CHALLENGE_COOKIE);
	const char *csrf = kv_get(&r->form, "csrf");
	struct local_request q = web_local_request(r);
	struct local_outcome o;
	enum nara_err err = local_login_code(r->db, &q, challenge, csrf,
					     kv_get(&r->form, "code"), &o);
	if (err == NARA_ENOTFOUND) {
		web_set_cookie(r, CHALLENGE_COOKIE, "", 0);
		return login_again(r, NULL, NULL, NULL, "login.code_expired");
	}
	if (err == NARA_EINTEGRITY)
		log_kv(LOG_ERROR,
		       "cannot open a TOTP secret: NARA_SECRET_KEY is not set,"
		       " or is not the key the secrets were sealed with",
		       "id", r->request_id, NULL);
	if (err != NARA_OK)
		return err;
	switch (o.result) {
	case LOCAL_LOGGED_IN:
		logged_in(r, &o, o.next);
		return NARA_OK;
	case LOCAL_LOCKED:
		web_set_cookie(r, CHALLENGE_COOKIE, "", 0);
		return login_again(r, NULL, NULL, &o, NULL);
	default:
		return code_form(r, csrf, 1);
	}
}
