/* The OpenID Connect login flow; see oidc.h. */
#include "domain/oidc.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/url.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/personnummer.h"
#include "domain/staff.h"

/* ---- the per-process cache of discovery documents and key sets ---- */

/*
 * What one provider told us, in malloc'd copies owned by the cache. Readers
 * copy what they need into their request's arena while holding the lock,
 * so a refresh by another thread never frees text under them. No fetch is
 * made with the lock held: a slow provider must not stall logins through
 * the other one. Two threads may then fetch the same document at once
 * after it expires; the later copy wins, and both are good.
 */
struct provider_cache {
	char *issuer; /* the issuer the documents below are for */
	char *authorization_endpoint, *token_endpoint, *jwks_uri;
	int64_t discovered_at;
	char *jwks;
	size_t jwks_len;
	int64_t jwks_at;
	int64_t forced_at; /* the last fetch for an unknown key id */
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct provider_cache caches[2];
static oidc_fetch_fn fetcher;

static void cache_clear(struct provider_cache *c)
{
	free(c->issuer);
	free(c->authorization_endpoint);
	free(c->token_endpoint);
	free(c->jwks_uri);
	free(c->jwks);
	memset(c, 0, sizeof(*c));
}

void oidc_init(oidc_fetch_fn fetch)
{
	fetcher = fetch;
}

void oidc_cleanup(void)
{
	pthread_mutex_lock(&cache_lock);
	cache_clear(&caches[OIDC_CITIZEN]);
	cache_clear(&caches[OIDC_STAFF]);
	pthread_mutex_unlock(&cache_lock);
}

const struct config_oidc *oidc_provider(const struct config *cfg,
					enum oidc_kind kind)
{
	const struct config_oidc *p =
	    kind == OIDC_STAFF ? &cfg->oidc_staff : &cfg->oidc_citizen;
	return p->issuer != NULL ? p : NULL;
}

/* Caller holds the lock: the cache for kind, emptied if for another issuer. */
static struct provider_cache *cache_for(enum oidc_kind kind, const char *issuer)
{
	struct provider_cache *c = &caches[kind];
	if (c->issuer != NULL && strcmp(c->issuer, issuer) != 0)
		cache_clear(c);
	return c;
}

static enum nara_err fetch(const char *url, const char *form, const char *user,
			   const char *password, struct buf *out, long *status)
{
	if (fetcher == NULL || !url_is_secure_or_loopback(url))
		return NARA_EIO;
	return fetcher(url, form, user, password, status, out);
}

static enum nara_err discover(const struct config_oidc *p, enum oidc_kind kind,
			      int64_t now, struct arena *a,
			      struct oidc_discovery *d)
{
	pthread_mutex_lock(&cache_lock);
	struct provider_cache *c = cache_for(kind, p->issuer);
	int fresh =
	    c->discovered_at != 0 && now - c->discovered_at < OIDC_CACHE_TTL;
	if (fresh) {
		d->authorization_endpoint =
		    arena_strdup(a, c->authorization_endpoint);
		d->token_endpoint = arena_strdup(a, c->token_endpoint);
		d->jwks_uri = arena_strdup(a, c->jwks_uri);
	}
	pthread_mutex_unlock(&cache_lock);
	if (fresh)
		return d->authorization_endpoint && d->token_endpoint &&
			       d->jwks_uri
			   ? NARA_OK
			   : NARA_ENOMEM;

	/* The issuer with or without its trailing slash (Discovery 1.0, 4). */
	size_t ilen = strlen(p->issuer);
	while (ilen > 0 && p->issuer[ilen - 1] == '/')
		ilen--;
	char *url = arena_printf(a, "%.*s/.well-known/openid-configuration",
				 (int)ilen, p->issuer);
	if (url == NULL)
		return NARA_ENOMEM;
	struct buf body;
	buf_init(&body);
	long status;
	enum nara_err err = fetch(url, NULL, NULL, NULL, &body, &status);
	if (err == NARA_OK && status != 200)
		err = NARA_EIO;
	if (err == NARA_OK && oidc_discovery_parse(a, body.data, body.len,
						   p->issuer, d) != NARA_OK)
		err = NARA_EIO;
	buf_free(&body);
	if (err != NARA_OK)
		return err == NARA_ENOMEM ? err : NARA_EIO;

	pthread_mutex_lock(&cache_lock);
	c = cache_for(kind, p->issuer);
	char *issuer = strdup(p->issuer),
	     *ae = strdup(d->authorization_endpoint),
	     *te = strdup(d->token_endpoint), *ju = strdup(d->jwks_uri);
	if (issuer && ae && te && ju) {
		free(c->issuer);
		free(c->authorization_endpoint);
		free(c->token_endpoint);
		free(c->jwks_uri);
		c->issuer = issuer;
		c->authorization_endpoint = ae;
		c->token_endpoint = te;
		c->jwks_uri = ju;
		c->discovered_at = now;
	} else {
		/* Not cached this time; the documents in hand are still good.
		 */
		free(issuer);
		free(ae);
		free(te);
		free(ju);
	}
	pthread_mutex_unlock(&cache_lock);
	return NARA_OK;
}

/*
 * The provider's key set, from the cache while it is fresh. force: the
 * caller met a key id the set lacks, so fetch anew, unless that was done
 * within the last minute (then the cached set, which such a fetch by
 * another thread may already have renewed). The limit keeps a flood of
 * tokens with made-up key ids from turning into a flood of fetches.
 */
static enum nara_err key_set(const struct config_oidc *p, enum oidc_kind kind,
			     const char *jwks_uri, int64_t now, int force,
			     struct arena *a, const char **jwks, size_t *len)
{
	pthread_mutex_lock(&cache_lock);
	struct provider_cache *c = cache_for(kind, p->issuer);
	int use_cached =
	    c->jwks != NULL && (force ? now - c->forced_at < OIDC_REFETCH_EVERY
				      : now - c->jwks_at < OIDC_CACHE_TTL);
	if (use_cached) {
		*jwks = arena_strndup(a, c->jwks, c->jwks_len);
		*len = c->jwks_len;
	} else if (force) {
		c->forced_at = now;
	}
	pthread_mutex_unlock(&cache_lock);
	if (use_cached)
		return *jwks != NULL ? NARA_OK : NARA_ENOMEM;

	struct buf body;
	buf_init(&body);
	long status;
	enum nara_err err = fetch(jwks_uri, NULL, NULL, NULL, &body, &status);
	if (err == NARA_OK &&
	    (status != 200 || body.len == 0 || body.len > OIDC_MAX_DOCUMENT))
		err = NARA_EIO;
	if (err != NARA_OK) {
		buf_free(&body);
		return err == NARA_ENOMEM ? err : NARA_EIO;
	}
	*jwks = arena_strndup(a, body.data, body.len);
	*len = body.len;

	pthread_mutex_lock(&cache_lock);
	c = cache_for(kind, p->issuer);
	char *copy = NULL;
	if (c->issuer == NULL)
		c->issuer = strdup(p->issuer);
	if (c->issuer != NULL)
		copy = buf_steal(&body, NULL);
	if (copy != NULL) {
		free(c->jwks);
		c->jwks = copy;
		c->jwks_len = *len;
		c->jwks_at = now;
		if (force)
			c->forced_at = now;
	}
	pthread_mutex_unlock(&cache_lock);
	buf_free(&body);
	return *jwks != NULL ? NARA_OK : NARA_ENOMEM;
}

enum nara_err oidc_check_id_token(const struct config *cfg, enum oidc_kind kind,
				  const char *id_token, const char *nonce,
				  int64_t now, struct arena *a,
				  struct oidc_identity *out, const char **why)
{
	*why = "";
	const struct config_oidc *p = oidc_provider(cfg, kind);
	if (p == NULL || id_token == NULL)
		return NARA_EINVAL;
	struct oidc_discovery d;
	enum nara_err err = discover(p, kind, now, a, &d);
	if (err != NARA_OK) {
		*why = "the provider's discovery document";
		return err;
	}
	struct oidc_expect e = {
	    .issuer = p->issuer,
	    .client_id = p->client_id,
	    .nonce = nonce,
	    .claim = kind == OIDC_CITIZEN ? p->pnr_claim : NULL,
	    .now = now,
	};
	for (int force = 0; force < 2; force++) {
		const char *jwks;
		size_t len;
		err = key_set(p, kind, d.jwks_uri, now, force, a, &jwks, &len);
		if (err != NARA_OK) {
			*why = "the provider's key set";
			return err;
		}
		err = oidc_id_token_verify(a, id_token, strlen(id_token), jwks,
					   len, &e, out, why);
		if (err != NARA_ENOTFOUND)
			return err;
	}
	return NARA_EDENIED; /* *why: no key with the token's key id */
}

/* ---- the flow ---- */

static void sha256_hex(const char *s, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* RFC 7636, 4.2: BASE64URL(SHA256(verifier)), without padding. */
static void pkce_challenge(const char *verifier, char out[44])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)verifier,
			   strlen(verifier));
	sodium_bin2base64(out, 44, h, sizeof(h),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void add_param(struct buf *b, const char *name, const char *value)
{
	if (b->len > 0 && b->data[b->len - 1] != '?')
		buf_addc(b, '&');
	buf_adds(b, name);
	buf_addc(b, '=');
	url_escape(b, value, strlen(value));
}

static enum nara_err store_login(struct db *db, enum oidc_kind kind,
				 const char *state, const char *browser,
				 const char *nonce, const char *verifier,
				 const char *next, int64_t now)
{
	char state_hash[65], browser_hash[65];
	sha256_hex(state, state_hash);
	sha256_hex(browser, browser_hash);
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	/* Logins never finished go here, so the table stays small. */
	err = db_run(db, "DELETE FROM oidc_login WHERE expires_at <= ?", "i",
		     now);
	if (err == NARA_OK)
		err = db_run(db,
			     "INSERT INTO oidc_login (state_hash, browser_hash,"
			     " kind, nonce, code_verifier, next_path,"
			     " created_at, expires_at)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			     "ssssssii", state_hash, browser_hash,
			     kind == OIDC_STAFF ? "staff" : "citizen", nonce,
			     verifier, next, now, now + OIDC_LOGIN_TTL);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

enum nara_err oidc_begin(struct db *db, const struct config *cfg,
			 enum oidc_kind kind, const char *next,
			 const char *browser, int64_t now, struct arena *a,
			 const char **url)
{
	*url = NULL;
	const struct config_oidc *p = oidc_provider(cfg, kind);
	if (p == NULL || browser == NULL)
		return NARA_EINVAL;
	if (sodium_init() < 0)
		return NARA_ENOMEM;
	struct oidc_discovery d;
	enum nara_err err = discover(p, kind, now, a, &d);
	if (err != NARA_OK)
		return err;

	/* 32 random bytes each, base64url: 43 characters, as RFC 7636 allows.
	 */
	char state[SESSION_TOKEN_LEN + 1], nonce[SESSION_TOKEN_LEN + 1],
	    verifier[SESSION_TOKEN_LEN + 1], challenge[44], redirect[URL_MAX];
	session_random_token(state);
	session_random_token(nonce);
	session_random_token(verifier);
	pkce_challenge(verifier, challenge);
	if (config_redirect_uri(cfg, redirect, sizeof(redirect)) != NARA_OK)
		return NARA_EINVAL;
	err = store_login(db, kind, state, browser, nonce, verifier,
			  next ? next : "", now);
	if (err != NARA_OK)
		return err;

	struct buf b;
	buf_init(&b);
	buf_adds(&b, d.authorization_endpoint);
	buf_addc(&b, strchr(d.authorization_endpoint, '?') ? '&' : '?');
	add_param(&b, "response_type", "code");
	add_param(&b, "client_id", p->client_id);
	add_param(&b, "redirect_uri", redirect);
	add_param(&b, "scope", p->scope);
	add_param(&b, "state", state);
	add_param(&b, "nonce", nonce);
	add_param(&b, "code_challenge", challenge);
	add_param(&b, "code_challenge_method", "S256");
	*url = b.failed ? NULL : arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return *url != NULL ? NARA_OK : NARA_ENOMEM;
}

struct pending {
	enum oidc_kind kind;
	const char *nonce, *verifier, *next;
};

/*
 * Takes the login under way for this state and browser, deleting it in
 * the same statement: a second callback with the same state (a replayed
 * code) finds nothing. This is its own short transaction rather than part
 * of the login's: between the two lie the calls to the provider, up to ten
 * seconds each, and SQLite's write lock must not be held across them.
 */
static enum nara_err take_login(struct db *db, const char *state,
				const char *browser, int64_t now,
				struct arena *a, struct pending *out)
{
	char state_hash[65], browser_hash[65];
	sha256_hex(state, state_hash);
	sha256_hex(browser, browser_hash);
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(db,
			 "DELETE FROM oidc_login WHERE state_hash = ?"
			 " AND browser_hash = ? AND expires_at > ?"
			 " RETURNING kind, nonce, code_verifier, next_path",
			 &st);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	db_bind_text(st, 1, state_hash, (size_t)-1);
	db_bind_text(st, 2, browser_hash, (size_t)-1);
	db_bind_int(st, 3, now);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->kind = strcmp(db_col_text(st, 0), "staff") == 0
				? OIDC_STAFF
				: OIDC_CITIZEN;
		out->nonce = arena_strdup(a, db_col_text(st, 1));
		out->verifier = arena_strdup(a, db_col_text(st, 2));
		out->next = arena_strdup(a, db_col_text(st, 3));
		while ((rc = db_step(st)) == DB_ROW)
			;
		if (rc == DB_DONE)
			rc = DB_ROW;
	}
	db_done(st);
	if (rc != DB_ROW) {
		db_rollback(db);
		return rc == DB_DONE ? NARA_ENOTFOUND : db_step_err(rc);
	}
	if (out->nonce == NULL || out->verifier == NULL || out->next == NULL) {
		db_rollback(db);
		return NARA_ENOMEM;
	}
	return db_commit(db);
}

/* Trades the code for the ID token at the token endpoint (RFC 6749, 4.1.3). */
static enum nara_err redeem_code(const struct config *cfg,
				 const struct config_oidc *p,
				 enum oidc_kind kind, const char *code,
				 const char *verifier, int64_t now,
				 struct arena *a, const char **id_token,
				 struct oidc_result *out)
{
	struct oidc_discovery d;
	char redirect[URL_MAX];
	enum nara_err err = discover(p, kind, now, a, &d);
	if (err == NARA_OK &&
	    config_redirect_uri(cfg, redirect, sizeof(redirect)) != NARA_OK)
		err = NARA_EINVAL;
	if (err != NARA_OK) {
		out->failure = OIDC_FAIL_UNREACHABLE;
		out->why = "discovery";
		return err;
	}
	struct buf form, user, password, body;
	buf_init(&form);
	buf_init(&user);
	buf_init(&password);
	buf_init(&body);
	add_param(&form, "grant_type", "authorization_code");
	add_param(&form, "code", code);
	add_param(&form, "redirect_uri", redirect);
	add_param(&form, "code_verifier", verifier);
	/* client_secret_basic: both url-encoded first (RFC 6749, 2.3.1). */
	url_escape(&user, p->client_id, strlen(p->client_id));
	url_escape(&password, p->client_secret, strlen(p->client_secret));
	long status = 0;
	err = form.failed || user.failed || password.failed ? NARA_ENOMEM
							    : NARA_OK;
	if (err == NARA_OK)
		err = fetch(d.token_endpoint, buf_cstr(&form), buf_cstr(&user),
			    buf_cstr(&password), &body, &status);
	if (err == NARA_OK && status == 200) {
		if (oidc_token_response_parse(a, body.data, body.len,
					      id_token) != NARA_OK) {
			out->failure = OIDC_FAIL_PROVIDER;
			out->why = "token response without an ID token";
			err = NARA_EINVAL;
		}
	} else if (err == NARA_OK && status >= 400 && status < 500) {
		/* invalid_grant: a used, expired or someone else's code. */
		out->failure = OIDC_FAIL_PROVIDER;
		out->why = "the token endpoint refused the code";
		err = NARA_EINVAL;
	} else if (err != NARA_ENOMEM) {
		out->failure = OIDC_FAIL_UNREACHABLE;
		out->why = "the token endpoint did not answer";
		err = NARA_EIO;
	}
	buf_free(&form);
	buf_free(&user);
	buf_free(&password);
	buf_free(&body);
	return err;
}

/*
 * A login the person cannot finish leaves its row too: a staff login
 * nobody is linked to may be someone trying, so it is flagged for the
 * security officer's review.
 */
static enum nara_err audit_refused(struct db *db, const char *kind,
				   const char *label, const char *reason,
				   const char *request_id, int flagged)
{
	struct audit_entry e = {
	    .actor_kind = kind,
	    .actor_label = label,
	    .action = "login_refused",
	    .record_kind = "session",
	    .reason = reason,
	    .flagged = flagged,
	    .request_id = request_id,
	};
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	err = audit_append(db, &e);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

enum nara_err oidc_finish(struct db *db, const struct config *cfg,
			  const struct oidc_callback *cb, int64_t now,
			  struct arena *a, struct oidc_result *out)
{
	memset(out, 0, sizeof(*out));
	out->next = "";
	out->why = "";
	struct pending login = {0};
	enum nara_err err = NARA_ENOTFOUND;
	if (cb->state != NULL && cb->browser != NULL)
		err = take_login(db, cb->state, cb->browser, now, a, &login);
	if (err == NARA_ENOTFOUND) {
		out->failure = OIDC_FAIL_STATE;
		out->why = "no login under way for this state and browser";
		return NARA_EINVAL;
	}
	if (err != NARA_OK)
		return err;
	out->kind = login.kind;
	out->next = login.next;
	const struct config_oidc *p = oidc_provider(cfg, login.kind);
	if (p == NULL) {
		out->failure = OIDC_FAIL_STATE;
		out->why = "the provider is no longer configured";
		return NARA_EINVAL;
	}
	if (cb->error != NULL) {
		out->failure = OIDC_FAIL_CANCELLED;
		out->why = cb->error;
		return NARA_EINVAL;
	}
	/*
	 * RFC 9207: a provider that names itself in the response must be the
	 * one the login went to, or a code from one provider could be sent
	 * to another.
	 */
	if (cb->code == NULL || cb->code[0] == '\0' ||
	    (cb->iss != NULL && strcmp(cb->iss, p->issuer) != 0)) {
		out->failure = OIDC_FAIL_PROVIDER;
		out->why = cb->code ? "the response names another issuer"
				    : "no code in the response";
		return NARA_EINVAL;
	}

	const char *id_token = NULL;
	err = redeem_code(cfg, p, login.kind, cb->code, login.verifier, now, a,
			  &id_token, out);
	if (err != NARA_OK)
		return err;
	struct oidc_identity who;
	const char *why;
	err = oidc_check_id_token(cfg, login.kind, id_token, login.nonce, now,
				  a, &who, &why);
	if (err != NARA_OK) {
		out->why = why;
		out->failure = err == NARA_EIO || err == NARA_ENOMEM
				   ? OIDC_FAIL_UNREACHABLE
				   : OIDC_FAIL_PROVIDER;
		return err == NARA_ENOMEM || err == NARA_EIO ? err
							     : NARA_EDENIED;
	}
	out->issuer = p->issuer;
	out->subject = who.subject;
	const char *ua = cb->user_agent ? cb->user_agent : "";

	if (login.kind == OIDC_STAFF) {
		int64_t staff_id;
		err = staff_find_by_oidc(db, p->issuer, who.subject, &staff_id);
		if (err == NARA_ENOTFOUND) {
			out->failure = OIDC_FAIL_STAFF_UNKNOWN;
			out->why =
			    "no account is linked to this issuer and subject";
			char *label =
			    arena_printf(a, "oidc %.80s", who.subject);
			err = audit_refused(db, "staff", label ? label : "oidc",
					    "no account linked to this login",
					    cb->request_id, 1);
			return err != NARA_OK ? err : NARA_EDENIED;
		}
		if (err != NARA_OK)
			return err;
		return session_create(db, "staff", staff_id, NULL, "oidc", ua,
				      now, out->token, &out->session);
	}

	struct personnummer pnr;
	if (who.claim == NULL ||
	    personnummer_parse(who.claim, now, &pnr) != NARA_OK) {
		out->failure = OIDC_FAIL_PNR;
		out->why = who.claim ? "the personnummer claim is not valid"
				     : "no personnummer claim";
		err = audit_refused(db, "citizen", "citizen (no personnummer)",
				    out->why, cb->request_id, 0);
		return err != NARA_OK ? err : NARA_EDENIED;
	}
	return session_create(db, "citizen", 0, pnr.canonical, "oidc", ua, now,
			      out->token, &out->session);
}
