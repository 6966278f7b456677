/*
 * Logging in through OpenID Connect: citizens through an e-ID broker
 * (BankID, Freja eID+), staff through their organisation's identity
 * provider. The authorization code flow with PKCE (S256), state and nonce:
 *
 *   oidc_begin   stores a login under way (sql/006_oidc.sql) and gives the
 *                provider's authorization URL to send the browser to;
 *   oidc_finish  takes the callback: consumes that login (once), trades
 *                the code for an ID token, checks the token
 *                (domain/oidc_token.c) and finds the person: a citizen by
 *                the personnummer claim, a staff member by issuer and
 *                subject (`nara user link`). Then the session and its
 *                audit row, in one transaction (domain/session.c).
 *
 * Both make outgoing HTTP calls (discovery, JWKS, token endpoint) through
 * the function given to oidc_init, and so block: callers run them off the
 * event loop (routes marked off_loop). The discovery document and the key
 * set are cached per process for an hour, shared by all threads; a token
 * signed with a key id the cached set lacks makes one fresh fetch of the
 * set, at most once a minute per provider.
 */
#ifndef NARA_OIDC_H
#define NARA_OIDC_H

#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "domain/oidc_token.h"
#include "domain/session.h"

struct db;

enum oidc_kind { OIDC_CITIZEN, OIDC_STAFF };

enum {
	OIDC_LOGIN_TTL = 10 * 60, /* a login under way lives this long */
	OIDC_CACHE_TTL = 60 * 60, /* discovery and key set are kept this long */
	OIDC_REFETCH_EVERY = 60, /* at most one forced key-set fetch a minute */
};

/*
 * An outgoing call: GET url, or POST the url-encoded form; HTTP Basic
 * with user and password when user is not NULL. The server passes
 * http_client_fetch (http/client.h); tests pass a fake.
 */
typedef enum nara_err (*oidc_fetch_fn)(const char *url, const char *form,
				       const char *user, const char *password,
				       long *status, struct buf *out);

/* At start-up, before any thread logs anyone in. */
void oidc_init(oidc_fetch_fn fetch);
/* Forgets the cached documents (at exit, and between tests). */
void oidc_cleanup(void);

/* The provider for kind, or NULL when that way in is not configured. */
const struct config_oidc *oidc_provider(const struct config *cfg,
					enum oidc_kind kind);

/*
 * Starts a login of kind. next: a local path to return to, already
 * checked, or "". browser: the random token of the browser's binding
 * cookie. *url: where to send the browser, in a. NARA_EIO when the
 * provider cannot be reached or its discovery document is not acceptable.
 */
enum nara_err oidc_begin(struct db *db, const struct config *cfg,
			 enum oidc_kind kind, const char *next,
			 const char *browser, int64_t now, struct arena *a,
			 const char **url);

/* Why a callback did not log anyone in: what the page tells the person. */
enum oidc_failure {
	OIDC_FAIL_NONE,
	OIDC_FAIL_STATE,	 /* no such login under way: start again */
	OIDC_FAIL_CANCELLED,	 /* the provider said the person stopped */
	OIDC_FAIL_PROVIDER,	 /* the code or the ID token was refused */
	OIDC_FAIL_UNREACHABLE,	 /* the provider did not answer */
	OIDC_FAIL_STAFF_UNKNOWN, /* nobody in Nära is linked to this login */
	OIDC_FAIL_PNR,		 /* no valid personnummer in the e-ID */
};

/* The callback's query and the browser it came from. */
struct oidc_callback {
	const char *state, *code, *error, *iss;
	const char *browser;	/* the binding cookie's token, or NULL */
	const char *user_agent; /* for "my logins" */
	const char *request_id; /* for the audit row of a refused login */
};

struct oidc_result {
	enum oidc_failure failure;
	const char *why; /* for the log: which check failed */
	enum oidc_kind kind;
	const char *next;   /* where to go, "" for the kind's start page */
	const char *issuer; /* staff not linked: what their admin needs */
	const char *subject;
	char token[SESSION_TOKEN_LEN + 1]; /* the new session's cookie */
	struct session session;
};

/*
 * Finishes a login. NARA_OK: out->token names a new session. Otherwise
 * out->failure says why when the person should be told (NARA_EINVAL,
 * NARA_EDENIED or NARA_EIO); other errors are the database's.
 */
enum nara_err oidc_finish(struct db *db, const struct config *cfg,
			  const struct oidc_callback *cb, int64_t now,
			  struct arena *a, struct oidc_result *out);

/*
 * Checks an ID token from kind's provider with its cached key set, fetched
 * again once when the token names a key id the set lacks. Errors as
 * oidc_id_token_verify, but an unknown key id after the fresh fetch is
 * NARA_EDENIED, and NARA_EIO when the provider cannot be reached.
 */
enum nara_err oidc_check_id_token(const struct config *cfg, enum oidc_kind kind,
				  const char *id_token, const char *nonce,
				  int64_t now, struct arena *a,
				  struct oidc_identity *out, const char **why);

#endif
