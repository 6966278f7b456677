/*
 * Logging in through OpenID Connect, as pages: /auth/citizen/start and
 * /auth/staff/start send the browser to the provider, /auth/callback takes
 * it back. The flow itself is domain/oidc.c; these handlers read the
 * request, set the cookies and say plainly what went wrong when the login
 * did not go through. All three make calls to the provider, so their
 * routes are off_loop: they run on the worker pool, never on a loop thread.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "domain/oidc.h"
#include "web/auth.h"
#include "web/web.h"

/* The page for a login that did not go through, with its status. */
static enum nara_err login_failed(struct req *r, enum oidc_failure failure,
				  enum oidc_kind kind, const char *issuer,
				  const char *subject)
{
	static const struct {
		const char *key;
		int status;
	} pages[] = {
	    [OIDC_FAIL_NONE] = {"oidc.provider", 403},
	    [OIDC_FAIL_STATE] = {"oidc.state", 400},
	    [OIDC_FAIL_CANCELLED] = {"oidc.cancelled", 400},
	    [OIDC_FAIL_PROVIDER] = {"oidc.provider", 403},
	    [OIDC_FAIL_UNREACHABLE] = {"oidc.unreachable", 503},
	    [OIDC_FAIL_STAFF_UNKNOWN] = {"oidc.staff_unknown", 403},
	    [OIDC_FAIL_PNR] = {"oidc.pnr", 403},
	};
	char key[40];
	struct tvars *v = page_vars(r);
	snprintf(key, sizeof(key), "%s.title", pages[failure].key);
	const char *title = i18n_get(r->lang, key);
	snprintf(key, sizeof(key), "%s.text", pages[failure].key);
	tv_set(v, "text", i18n_get(r->lang, key));
	if (failure == OIDC_FAIL_STAFF_UNKNOWN) {
		tv_set(v, "issuer", issuer);
		tv_set(v, "subject", subject);
	}
	tv_set(v, "retry",
	       kind == OIDC_STAFF ? "/auth/staff/start"
				  : "/auth/citizen/start");
	r->resp.status = pages[failure].status;
	if (failure == OIDC_FAIL_UNREACHABLE)
		resp_header(r, "Retry-After", "30");
	return page_render(r, "login_failed", v, title);
}

static enum nara_err start(struct req *r, enum oidc_kind kind)
{
	if (oidc_provider(r->cfg, kind) == NULL)
		return NARA_ENOTFOUND;
	const char *next = web_safe_next(kv_get(&r->query, "next"), "");
	/*
	 * One binding per browser, kept while it lives: two tabs that start
	 * a login at once both find their way back.
	 */
	char fresh[SESSION_TOKEN_LEN + 1];
	const char *browser = kv_get(&r->cookies, OIDC_COOKIE);
	if (browser == NULL || strlen(browser) != SESSION_TOKEN_LEN) {
		session_random_token(fresh);
		browser = fresh;
	}
	const char *url;
	enum nara_err err = oidc_begin(r->db, r->cfg, kind, next, browser,
				       (int64_t)time(NULL), &r->arena, &url);
	if (err == NARA_EIO) {
		log_kv(LOG_WARN, "identity provider unreachable", "id",
		       r->request_id, "issuer",
		       oidc_provider(r->cfg, kind)->issuer, NULL);
		return login_failed(r, OIDC_FAIL_UNREACHABLE, kind, NULL, NULL);
	}
	if (err != NARA_OK)
		return err;
	web_set_cookie(r, OIDC_COOKIE, browser, OIDC_LOGIN_TTL);
	resp_redirect(r, 303, url);
	return NARA_OK;
}

enum nara_err page_auth_citizen(struct req *r)
{
	return start(r, OIDC_CITIZEN);
}

enum nara_err page_auth_staff(struct req *r)
{
	return start(r, OIDC_STAFF);
}

enum nara_err page_auth_callback(struct req *r)
{
	struct oidc_callback cb = {
	    .state = kv_get(&r->query, "state"),
	    .code = kv_get(&r->query, "code"),
	    .error = kv_get(&r->query, "error"),
	    .iss = kv_get(&r->query, "iss"),
	    .browser = kv_get(&r->cookies, OIDC_COOKIE),
	    .user_agent = r->user_agent,
	    .request_id = r->request_id,
	};
	int64_t now = (int64_t)time(NULL);
	struct oidc_result res;
	enum nara_err err =
	    oidc_finish(r->db, r->cfg, &cb, now, &r->arena, &res);
	if (res.failure != OIDC_FAIL_NONE) {
		log_kv(LOG_WARN, "login refused", "id", r->request_id, "kind",
		       res.kind == OIDC_STAFF ? "staff" : "citizen", "why",
		       res.why, NULL);
		return login_failed(r, res.failure, res.kind, res.issuer,
				    res.subject);
	}
	if (err != NARA_OK)
		return err;

	/*
	 * A browser that was logged in already (perhaps as someone else)
	 * leaves that session ended rather than orphaned: the new login
	 * replaces it.
	 */
	struct session old;
	if (web_session(r, &old) == NARA_OK &&
	    (err = session_end(r->db, &old, now)) != NARA_OK)
		log_kv(LOG_WARN, "could not end the previous session", "id",
		       r->request_id, "error", nara_strerror(err), NULL);

	/* The session token is new; every cookie from before the login goes. */
	web_set_cookie(r, SESSION_COOKIE, res.token, SESSION_ABSOLUTE);
	web_set_cookie(r, PRELOGIN_COOKIE, "", 0);
	web_set_cookie(r, OIDC_COOKIE, "", 0);
	const char *home = res.kind == OIDC_STAFF ? "/arbete" : "/mina-sidor";
	resp_redirect(r, 303, web_safe_next(res.next, home));
	return NARA_OK;
}
