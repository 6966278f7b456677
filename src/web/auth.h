/* Sessions and who is logged in, for handlers; see auth.c. */
#ifndef NARA_WEB_AUTH_H
#define NARA_WEB_AUTH_H

#include "domain/access.h"
#include "domain/local_account.h"
#include "domain/session.h"
#include "http/http.h"
#include "web/template.h"

#define SESSION_COOKIE "nara_session"
/* Before login there is no session: the login form's CSRF token is a cookie. */
#define PRELOGIN_COOKIE "nara_pre"
/* Binds an OpenID Connect login under way to the browser that started it. */
#define OIDC_COOKIE "nara_oidc"

/* next when it is a local path, else fallback: never a link to another site. */
const char *web_safe_next(const char *next, const char *fallback);

const char *web_cookie_attrs(const struct req *r);
void web_set_cookie(struct req *r, const char *name, const char *value,
		    long max_age);

/*
 * 1 when the form's csrf field equals the pre-login cookie (double
 * submit), compared in constant time: the check for forms posted before
 * there is a session.
 */
int web_prelogin_csrf_ok(const struct req *r);

/* What a local account's login or set-up needs from the request. */
struct local_request web_local_request(const struct req *r);

/* The live session of the request, or NARA_ENOTFOUND. */
enum nara_err web_session(struct req *r, struct session *s);

/*
 * The page needs a logged-in `kind` ("staff" or "citizen"). Without a
 * session: a redirect to /login is prepared and *redirected set. Logged in
 * as the other kind: NARA_EDENIED. Else the session and the actor.
 */
enum nara_err web_require(struct req *r, const char *kind, struct session *s,
			  struct actor *who, int *redirected);

/* A staff request about one record: what web_require_staff_item found. */
struct staff_item {
	struct session s;
	struct actor who;
	int64_t id;	/* the record's id, from the path */
	int redirected; /* as web_require's */
};

/*
 * The start of a staff page about one record named by the route's first
 * parameter (/arbete/avtal/{id}): web_require for "staff", for a form
 * (form != 0) also the session's CSRF token (else NARA_EDENIED), then the
 * record's id (none: NARA_ENOTFOUND).
 */
enum nara_err web_require_staff_item(struct req *r, int form,
				     struct staff_item *c);

/*
 * As web_require, for pages that staff and citizens both use (a document
 * of a case): whoever is logged in, as the actor of their kind.
 */
enum nara_err web_require_any(struct req *r, struct session *s,
			      struct actor *who, int *redirected);

/*
 * The session as a number, for the live hub's bound of streams per
 * session: the first 16 hex digits of its token's hash (never the token).
 */
uint64_t web_session_owner(const struct session *s);

/*
 * Turns the request into the event stream of `topic` and `id` for the
 * session: the page's ?version= (what it shows; a change after it is told
 * at once), else `current`.
 */
void web_stream(struct req *r, const char *topic, int64_t id, int64_t current,
		const struct session *s);

/* What the layout shows for a logged-in person (name, log-out form). */
void web_session_vars(struct req *r, struct tvars *v, const struct session *s,
		      const struct actor *who);

#endif
