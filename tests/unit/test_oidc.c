/*
 * The OpenID Connect flow (src/domain/oidc.c) against a provider this test
 * plays itself through the fetch function, on SQLite and on PostgreSQL:
 * the cached key set and its refetch on an unknown key id (at most once a
 * minute), PKCE as the token endpoint sees it, the single use and browser
 * binding of a login under way, and every way a callback is refused,
 * including tokens no real provider would sign. The browser journeys
 * through a real provider are in tests/integration/oidc.test.mjs and
 * tests/e2e/oidc.test.mjs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sodium.h>

#include "db/db.h"
#include "domain/audit.h"
#include "domain/oidc.h"
#include "domain/staff.h"
#include "domain/tenant.h"
#include "oidc_keys.h"

#define STAFF_ISSUER "https://login.kommun.example.se"

static const int64_t NOW = 1795435200; /* 2026-11-23 12:00 UTC */

static struct test_keys keys;

/* ---- the provider, played by the test ---- */

static struct {
	char *jwks;           /* served at ISSUER/jwks */
	char *token_response; /* served at .../token */
	long token_status;
	int down; /* every call fails as an unreachable host would */
	int discovery_fetches, jwks_fetches, token_fetches;
	char form[2048], user[256], password[256];
} fake;

static enum nara_err fake_fetch(const char *url, const char *form,
				const char *user, const char *password,
				long *status, struct buf *out)
{
	if (fake.down)
		return NARA_EIO;
	static const char well_known[] = "/.well-known/openid-configuration";
	size_t len = strlen(url);
	*status = 200;
	if (len > strlen(well_known) &&
	    strcmp(url + len - strlen(well_known), well_known) == 0) {
		int n = (int)(len - strlen(well_known));
		fake.discovery_fetches++;
		buf_printf(out,
			   "{\"issuer\":\"%.*s\",\"authorization_endpoint\":\"%.*s/auth\","
			   "\"token_endpoint\":\"%.*s/token\",\"jwks_uri\":\"%.*s/jwks\","
			   "\"code_challenge_methods_supported\":[\"S256\"]}",
			   n, url, n, url, n, url, n, url);
	} else if (strstr(url, "/jwks") != NULL) {
		fake.jwks_fetches++;
		buf_adds(out, fake.jwks);
	} else if (strstr(url, "/token") != NULL) {
		fake.token_fetches++;
		snprintf(fake.form, sizeof(fake.form), "%s", form ? form : "");
		snprintf(fake.user, sizeof(fake.user), "%s", user ? user : "");
		snprintf(fake.password, sizeof(fake.password), "%s",
			 password ? password : "");
		*status = fake.token_status;
		buf_adds(out, fake.token_response ? fake.token_response : "{}");
	} else {
		*status = 404;
	}
	return NARA_OK;
}

static struct config cfg;

static void reset(void)
{
	free(fake.jwks);
	free(fake.token_response);
	memset(&fake, 0, sizeof(fake));
	fake.token_status = 200;
	cjose_jwk_t *one[] = {keys.rsa1};
	const char *kid[] = {"k1"};
	fake.jwks = test_jwks(one, kid, 1);
	oidc_cleanup();
}

/* A token from the provider: claims for nonce, with sub and pnr. */
static char *id_token(cjose_jwk_t *key, const char *kid, const char *issuer,
		      const char *client, const char *nonce, const char *sub,
		      const char *pnr, int64_t now)
{
	char c[1024];
	snprintf(c, sizeof(c),
		 "{\"iss\":\"%s\",\"aud\":\"%s\",\"exp\":%lld,\"iat\":%lld,"
		 "\"nonce\":\"%s\",\"sub\":\"%s\"%s%s%s}",
		 issuer, client, (long long)(now + 300), (long long)now, nonce,
		 sub, pnr ? ",\"" PNR_CLAIM "\":\"" : "", pnr ? pnr : "",
		 pnr ? "\"" : "");
	return test_sign(key, "RS256", kid, c);
}

static void serve_token(char *token)
{
	free(fake.token_response);
	fake.token_response = malloc(strlen(token) + 32);
	sprintf(fake.token_response, "{\"id_token\":\"%s\"}", token);
	free(token);
}

/* ---- fixtures: a database on each engine ---- */

struct fixture {
	struct db *db;
	char path[64];
	int pg;
};

static int global_setup(void)
{
	if (test_keys_make(&keys) != 0)
		return -1;
	oidc_init(fake_fetch);
	cfg.listen = "127.0.0.1:8080";
	cfg.oidc_citizen = (struct config_oidc){ISSUER, CLIENT, "hemlig:med/tecken",
						"openid", PNR_CLAIM};
	cfg.oidc_staff = (struct config_oidc){STAFF_ISSUER, "staff-client",
					      "staff-secret", "openid", NULL};
	return 0;
}

static int open_sqlite(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "/tmp/nara-oidc-%d-%p.db", (int)getpid(),
		 (void *)f);
	char url[96];
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	if (db_open(url, &f->db) != NARA_OK || db_migrate(f->db, 0) != NARA_OK)
		return -1;
	*state = f;
	return 0;
}

static int open_pg(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->pg = 1;
	if (db_open(getenv("NARA_TEST_PG_URL"), &f->db) != NARA_OK)
		return -1;
	snprintf(f->path, sizeof(f->path), "unit_oidc_%d", (int)getpid());
	char sql[256];
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s; SET search_path TO %s",
		 f->path, f->path);
	if (db_exec_script(f->db, sql) != NARA_OK || db_migrate(f->db, 0) != NARA_OK)
		return -1;
	*state = f;
	return 0;
}

static int close_db(void **state)
{
	struct fixture *f = *state;
	char p[128];
	if (f->pg) {
		snprintf(p, sizeof(p), "DROP SCHEMA %s CASCADE", f->path);
		db_exec_script(f->db, p);
	}
	db_close(f->db);
	if (!f->pg) {
		unlink(f->path);
		snprintf(p, sizeof(p), "%s-wal", f->path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", f->path);
		unlink(p);
	}
	free(f);
	return 0;
}

static struct db *DB(void **state) { return ((struct fixture *)*state)->db; }

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, sql, ""), NARA_OK);
	return n;
}

/* The value of query parameter name in url, copied to out. */
static void param(const char *url, const char *name, char *out, size_t size)
{
	char key[64];
	snprintf(key, sizeof(key), "%s=", name);
	const char *at = strstr(url, key);
	assert_non_null(at);
	at += strlen(key);
	size_t n = strcspn(at, "&");
	assert_true(n < size);
	memcpy(out, at, n);
	out[n] = '\0';
}

static const char BROWSER[] = "browserbrowserbrowserbrowserbrowserbrowser";

struct started {
	char state[64], nonce[64], challenge[64];
};

static void begin(struct db *db, enum oidc_kind kind, const char *next,
		  int64_t now, struct started *s)
{
	struct arena a;
	arena_init(&a, 1 << 20);
	const char *url;
	assert_int_equal(oidc_begin(db, &cfg, kind, next, BROWSER, now, &a, &url),
			 NARA_OK);
	const char *issuer = kind == OIDC_STAFF ? STAFF_ISSUER : ISSUER;
	assert_memory_equal(url, issuer, strlen(issuer));
	assert_non_null(strstr(url, "/auth?response_type=code&client_id="));
	assert_non_null(strstr(url, "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fauth%2Fcallback&"));
	assert_non_null(strstr(url, "&code_challenge_method=S256"));
	param(url, "state", s->state, sizeof(s->state));
	param(url, "nonce", s->nonce, sizeof(s->nonce));
	param(url, "code_challenge", s->challenge, sizeof(s->challenge));
	arena_free(&a);
}

static enum nara_err finish(struct db *db, const char *state, const char *code,
			    const char *browser, int64_t now,
			    struct oidc_result *res)
{
	struct arena a;
	arena_init(&a, 1 << 20);
	struct oidc_callback cb = {.state = state, .code = code, .browser = browser};
	enum nara_err err = oidc_finish(db, &cfg, &cb, now, &a, res);
	/* Strings of res live in the arena: keep what the tests look at. */
	static char subject[300];
	snprintf(subject, sizeof(subject), "%s", res->subject ? res->subject : "");
	res->subject = subject;
	res->issuer = NULL;
	res->next = NULL;
	res->why = NULL;
	arena_free(&a);
	return err;
}

/* ---- the key set ---- */

static void test_key_set_cache_and_refetch(void **state)
{
	(void)state;
	reset();
	struct arena a;
	arena_init(&a, 1 << 20);
	struct oidc_identity id;
	const char *why;
	char *t1 = id_token(keys.rsa1, "k1", ISSUER, CLIENT, "n", "s", NULL, NOW);
	assert_int_equal(oidc_check_id_token(&cfg, OIDC_CITIZEN, t1, "n", NOW, &a, &id, &why), NARA_OK);
	assert_int_equal(fake.discovery_fetches, 1);
	assert_int_equal(fake.jwks_fetches, 1);
	/* Cached: no call at all for the next login. */
	assert_int_equal(oidc_check_id_token(&cfg, OIDC_CITIZEN, t1, "n", NOW + 10, &a, &id, &why), NARA_OK);
	assert_int_equal(fake.discovery_fetches, 1);
	assert_int_equal(fake.jwks_fetches, 1);

	/* The provider rotates its keys: a token with the new kid makes one fetch. */
	cjose_jwk_t *two[] = {keys.rsa1, keys.rsa2};
	const char *kids[] = {"k1", "k2"};
	free(fake.jwks);
	fake.jwks = test_jwks(two, kids, 2);
	char *t2 = id_token(keys.rsa2, "k2", ISSUER, CLIENT, "n", "s", NULL, NOW);
	assert_int_equal(oidc_check_id_token(&cfg, OIDC_CITIZEN, t2, "n", NOW + 20, &a, &id, &why), NARA_OK);
	assert_int_equal(fake.jwks_fetches, 2);

	/* A made-up kid within the same minute: refused without a fetch. */
	char *t3 = id_token(keys.rsa2, "k9", ISSUER, CLIENT, "n", "s", NULL, NOW);
	assert_int_equal(oidc_check_id_token(&cfg, OIDC_CITIZEN, t3, "n", NOW + 30, &a, &id, &why), NARA_EDENIED);
	assert_int_equal(fake.jwks_fetches, 2);
	/* A minute later it may look again, once, and still refuses. */
	assert_int_equal(oidc_check_id_token(&cfg, OIDC_CITIZEN, t3, "n", NOW + 81, &a, &id, &why), NARA_EDENIED);
	assert_int_equal(fake.jwks_fetches, 3);
	assert_int_equal(oidc_check_id_token(&cfg, OIDC_CITIZEN, t3, "n", NOW + 82, &a, &id, &why), NARA_EDENIED);
	assert_int_equal(fake.jwks_fetches, 3);

	/* A forged signature under a known kid never causes a fetch. */
	char *forged = id_token(keys.forger, "k1", ISSUER, CLIENT, "n", "s", NULL, NOW);
	assert_int_equal(oidc_check_id_token(&cfg, OIDC_CITIZEN, forged, "n", NOW + 90, &a, &id, &why), NARA_EDENIED);
	assert_string_equal(why, "bad signature");
	assert_int_equal(fake.jwks_fetches, 3);

	/* After an hour both documents are fetched anew. */
	char *t4 = id_token(keys.rsa1, "k1", ISSUER, CLIENT, "n", "s", NULL, NOW + 3700);
	assert_int_equal(oidc_check_id_token(&cfg, OIDC_CITIZEN, t4, "n", NOW + 3700, &a, &id, &why), NARA_OK);
	assert_int_equal(fake.discovery_fetches, 2);
	assert_int_equal(fake.jwks_fetches, 4);

	/* The staff provider has its own cache: its first token fetches. */
	char *t5 = id_token(keys.rsa1, "k1", STAFF_ISSUER, "staff-client", "n", "s", NULL, NOW);
	assert_int_equal(oidc_check_id_token(&cfg, OIDC_STAFF, t5, "n", NOW, &a, &id, &why), NARA_OK);
	assert_int_equal(fake.discovery_fetches, 3);
	assert_int_equal(fake.jwks_fetches, 5);
	/* ... and a token from the citizens' provider is not one of its own. */
	assert_int_equal(oidc_check_id_token(&cfg, OIDC_STAFF, t1, "n", NOW, &a, &id, &why), NARA_EDENIED);
	assert_string_equal(why, "wrong issuer");

	free(t1);
	free(t2);
	free(t3);
	free(t4);
	free(t5);
	free(forged);
	arena_free(&a);
}

static void test_unreachable_provider(void **state)
{
	struct db *db = DB(state);
	reset();
	fake.down = 1;
	struct arena a;
	arena_init(&a, 1 << 20);
	const char *url;
	assert_int_equal(oidc_begin(db, &cfg, OIDC_CITIZEN, "", BROWSER, NOW, &a, &url), NARA_EIO);
	assert_null(url);
	arena_free(&a);
	/* A provider that answers, then does not, at the token endpoint. */
	fake.down = 0;
	struct started s;
	begin(db, OIDC_CITIZEN, "", NOW, &s);
	fake.down = 1;
	struct oidc_result res;
	assert_int_equal(finish(db, s.state, "code", BROWSER, NOW, &res), NARA_EIO);
	assert_int_equal(res.failure, OIDC_FAIL_UNREACHABLE);
	fake.down = 0;
}

/* ---- the flow ---- */

static void test_citizen_login_and_pkce(void **state)
{
	struct db *db = DB(state);
	reset();
	int64_t sessions = count(db, "SELECT count(*) FROM session");
	struct started s;
	begin(db, OIDC_CITIZEN, "/mina-sidor", NOW, &s);
	assert_int_equal(count(db, "SELECT count(*) FROM oidc_login"), 1);
	/* Only hashes of state and browser are stored. */
	int64_t plain = -1;
	assert_int_equal(db_query_int(db, &plain, "SELECT count(*) FROM oidc_login"
				      " WHERE state_hash = ? OR browser_hash = ?",
				      "ss", s.state, BROWSER), NARA_OK);
	assert_int_equal(plain, 0);

	serve_token(id_token(keys.rsa1, "k1", ISSUER, CLIENT, s.nonce, "e-id-1",
			     "19121212-1212", NOW));
	struct oidc_result res;
	assert_int_equal(finish(db, s.state, "the-code", BROWSER, NOW + 20, &res), NARA_OK);
	assert_int_equal(res.failure, OIDC_FAIL_NONE);
	assert_string_equal(res.session.kind, "citizen");
	assert_string_equal(res.session.personnummer, "191212121212");
	assert_int_equal(strlen(res.token), SESSION_TOKEN_LEN);
	assert_int_equal(count(db, "SELECT count(*) FROM session"), sessions + 1);
	assert_int_equal(count(db, "SELECT count(*) FROM session WHERE login_method = 'oidc'"
				   " AND personnummer = '191212121212'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM oidc_login"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'login'"
				   " AND reason = 'oidc'"), 1);

	/* What the token endpoint was sent: the code, and the PKCE verifier
	 * whose S256 hash is the challenge the authorization request carried. */
	assert_non_null(strstr(fake.form, "grant_type=authorization_code&code=the-code&"));
	char verifier[64], challenge[64];
	param(fake.form, "code_verifier", verifier, sizeof(verifier));
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)verifier, strlen(verifier));
	sodium_bin2base64(challenge, sizeof(challenge), h, sizeof(h),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_string_equal(challenge, s.challenge);
	/* client_secret_basic, each part url-encoded (RFC 6749, 2.3.1). */
	assert_string_equal(fake.user, CLIENT);
	assert_string_equal(fake.password, "hemlig%3Amed%2Ftecken");

	/* The same callback again (a replayed code): nothing under way, no call out. */
	int calls = fake.token_fetches;
	assert_int_equal(finish(db, s.state, "the-code", BROWSER, NOW + 21, &res), NARA_EINVAL);
	assert_int_equal(res.failure, OIDC_FAIL_STATE);
	assert_int_equal(fake.token_fetches, calls);
}

static void test_state_is_bound_and_expires(void **state)
{
	struct db *db = DB(state);
	reset();
	struct started s;
	struct oidc_result res;
	begin(db, OIDC_CITIZEN, "", NOW, &s);
	serve_token(id_token(keys.rsa1, "k1", ISSUER, CLIENT, s.nonce, "e-id-2",
			     "191212121212", NOW));
	/* Another browser, a wrong state, no state, no cookie: all refused... */
	assert_int_equal(finish(db, s.state, "c", "otherbrowserotherbrowserotherbrowserotherb", NOW, &res), NARA_EINVAL);
	assert_int_equal(res.failure, OIDC_FAIL_STATE);
	assert_int_equal(finish(db, "wrong-state", "c", BROWSER, NOW, &res), NARA_EINVAL);
	assert_int_equal(res.failure, OIDC_FAIL_STATE);
	assert_int_equal(finish(db, NULL, "c", BROWSER, NOW, &res), NARA_EINVAL);
	assert_int_equal(finish(db, s.state, "c", NULL, NOW, &res), NARA_EINVAL);
	assert_int_equal(fake.token_fetches, 0);
	/* ... and none of them used up the real one. */
	assert_int_equal(finish(db, s.state, "c", BROWSER, NOW + 5, &res), NARA_OK);

	/* Ten minutes after the start it is gone. */
	begin(db, OIDC_CITIZEN, "", NOW, &s);
	assert_int_equal(finish(db, s.state, "c", BROWSER, NOW + OIDC_LOGIN_TTL, &res), NARA_EINVAL);
	assert_int_equal(res.failure, OIDC_FAIL_STATE);
	/* The next start clears what was left behind. */
	begin(db, OIDC_CITIZEN, "", NOW + OIDC_LOGIN_TTL + 1, &s);
	assert_int_equal(count(db, "SELECT count(*) FROM oidc_login"), 1);
	assert_int_equal(finish(db, s.state, "c", BROWSER, NOW + OIDC_LOGIN_TTL + 2, &res), NARA_EDENIED);
	assert_int_equal(res.failure, OIDC_FAIL_PROVIDER); /* the old token */
}

static void test_refused_callbacks(void **state)
{
	struct db *db = DB(state);
	reset();
	int64_t sessions = count(db, "SELECT count(*) FROM session");
	struct started s;
	struct oidc_result res;
	struct arena a;

	/* The person stopped at the provider: the login under way is used up. */
	begin(db, OIDC_CITIZEN, "", NOW, &s);
	arena_init(&a, 1 << 20);
	struct oidc_callback cb = {.state = s.state, .error = "access_denied", .browser = BROWSER};
	assert_int_equal(oidc_finish(db, &cfg, &cb, NOW, &a, &res), NARA_EINVAL);
	assert_int_equal(res.failure, OIDC_FAIL_CANCELLED);
	arena_free(&a);
	assert_int_equal(finish(db, s.state, "c", BROWSER, NOW, &res), NARA_EINVAL);
	assert_int_equal(res.failure, OIDC_FAIL_STATE);

	/* A response that names another issuer (RFC 9207). */
	begin(db, OIDC_CITIZEN, "", NOW, &s);
	arena_init(&a, 1 << 20);
	struct oidc_callback mixup = {.state = s.state, .code = "c", .iss = STAFF_ISSUER, .browser = BROWSER};
	assert_int_equal(oidc_finish(db, &cfg, &mixup, NOW, &a, &res), NARA_EINVAL);
	assert_int_equal(res.failure, OIDC_FAIL_PROVIDER);
	arena_free(&a);

	/* The token endpoint refuses the code (used, expired, not ours). */
	begin(db, OIDC_CITIZEN, "", NOW, &s);
	fake.token_status = 400;
	serve_token(strdup("x"));
	assert_int_equal(finish(db, s.state, "c", BROWSER, NOW, &res), NARA_EINVAL);
	assert_int_equal(res.failure, OIDC_FAIL_PROVIDER);
	fake.token_status = 200;

	/* Tokens a real provider would not sign, through the whole flow. */
	struct {
		cjose_jwk_t *key;
		const char *kid, *issuer, *client, *nonce;
		int64_t iat;
	} bad[] = {
		{keys.forger, "k1", ISSUER, CLIENT, NULL, NOW},        /* forged */
		{keys.rsa1, "k1", ISSUER, "someone-else", NULL, NOW},  /* audience */
		{keys.rsa1, "k1", "https://evil.example", CLIENT, NULL, NOW}, /* issuer */
		{keys.rsa1, "k1", ISSUER, CLIENT, "old-nonce", NOW},   /* nonce */
		{keys.rsa1, "k1", ISSUER, CLIENT, NULL, NOW - 1000},   /* expired */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		begin(db, OIDC_CITIZEN, "", NOW, &s);
		serve_token(id_token(bad[i].key, bad[i].kid, bad[i].issuer, bad[i].client,
				     bad[i].nonce ? bad[i].nonce : s.nonce, "e-id-3",
				     "191212121212", bad[i].iat));
		assert_int_equal(finish(db, s.state, "c", BROWSER, NOW, &res), NARA_EDENIED);
		assert_int_equal(res.failure, OIDC_FAIL_PROVIDER);
	}

	/* A citizen without a personnummer, or with one that is not valid. */
	const char *pnrs[] = {NULL, "191212121213", "not a number"};
	for (size_t i = 0; i < 3; i++) {
		begin(db, OIDC_CITIZEN, "", NOW, &s);
		serve_token(id_token(keys.rsa1, "k1", ISSUER, CLIENT, s.nonce, "e-id-4",
				     pnrs[i], NOW));
		assert_int_equal(finish(db, s.state, "c", BROWSER, NOW, &res), NARA_EDENIED);
		assert_int_equal(res.failure, OIDC_FAIL_PNR);
	}
	assert_int_equal(count(db, "SELECT count(*) FROM session"), sessions);
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'login_refused'"
				   " AND actor_kind = 'citizen'"), 3);
}

static void test_staff_by_issuer_and_subject(void **state)
{
	struct db *db = DB(state);
	reset();
	int64_t m, staff_id;
	assert_int_equal(municipality_add(db, "1260", "bjuv", "Bjuv", &m), NARA_OK);
	struct staff_new n = {.municipality_id = m, .username = "anna", .display_name = "Anna"};
	assert_int_equal(staff_add(db, &n, &staff_id), NARA_OK);

	/* Not linked yet: refused, and the attempt is flagged for review. */
	struct started s;
	struct oidc_result res;
	begin(db, OIDC_STAFF, "/arbete?pnr=1", NOW, &s);
	serve_token(id_token(keys.rsa1, "k1", STAFF_ISSUER, "staff-client", s.nonce,
			     "anna@bjuv", NULL, NOW));
	assert_int_equal(finish(db, s.state, "c", BROWSER, NOW, &res), NARA_EDENIED);
	assert_int_equal(res.failure, OIDC_FAIL_STAFF_UNKNOWN);
	assert_string_equal(res.subject, "anna@bjuv");
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'login_refused'"
				   " AND flagged = 1 AND actor_kind = 'staff'"), 1);

	/* Linked to the same subject at another issuer: still nobody. */
	int64_t linked;
	assert_int_equal(staff_link_oidc(db, "anna", ISSUER, "anna@bjuv", &linked), NARA_OK);
	begin(db, OIDC_STAFF, "", NOW, &s);
	serve_token(id_token(keys.rsa1, "k1", STAFF_ISSUER, "staff-client", s.nonce,
			     "anna@bjuv", NULL, NOW));
	assert_int_equal(finish(db, s.state, "c", BROWSER, NOW, &res), NARA_EDENIED);
	assert_int_equal(res.failure, OIDC_FAIL_STAFF_UNKNOWN);

	/* Linked right: logged in as her. */
	assert_int_equal(staff_link_oidc(db, "anna", STAFF_ISSUER, "anna@bjuv", &linked), NARA_OK);
	assert_int_equal(linked, staff_id);
	begin(db, OIDC_STAFF, "", NOW, &s);
	serve_token(id_token(keys.rsa1, "k1", STAFF_ISSUER, "staff-client", s.nonce,
			     "anna@bjuv", NULL, NOW));
	assert_int_equal(finish(db, s.state, "c", BROWSER, NOW, &res), NARA_OK);
	assert_string_equal(res.session.kind, "staff");
	assert_int_equal(res.session.staff_id, staff_id);
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'link_login'"), 2);

	/* The link's rules: a known user, a second account never on the same login. */
	struct staff_new n2 = {.municipality_id = m, .username = "bo", .display_name = "Bo"};
	int64_t bo;
	assert_int_equal(staff_add(db, &n2, &bo), NARA_OK);
	assert_int_equal(staff_link_oidc(db, "bo", STAFF_ISSUER, "anna@bjuv", &linked), NARA_ECONFLICT);
	assert_int_equal(staff_link_oidc(db, "nobody", STAFF_ISSUER, "x", &linked), NARA_ENOTFOUND);
	assert_int_equal(staff_link_oidc(db, "bo", "http://idp.example.se", "x", &linked), NARA_EINVAL);
	assert_int_equal(staff_link_oidc(db, "bo", STAFF_ISSUER, "", &linked), NARA_EINVAL);

	int64_t rows, bad_id;
	assert_int_equal(audit_verify(db, &rows, &bad_id), NARA_OK);
}

#define ENGINE_TESTS                                                   \
	cmocka_unit_test(test_unreachable_provider),                   \
		cmocka_unit_test(test_citizen_login_and_pkce),         \
		cmocka_unit_test(test_state_is_bound_and_expires),     \
		cmocka_unit_test(test_refused_callbacks),              \
		cmocka_unit_test(test_staff_by_issuer_and_subject)

int main(void)
{
	if (global_setup() != 0)
		return 1;
	const struct CMUnitTest cache[] = {cmocka_unit_test(test_key_set_cache_and_refetch)};
	const struct CMUnitTest sqlite_tests[] = {ENGINE_TESTS};
	const struct CMUnitTest pg_tests[] = {ENGINE_TESTS};
	int failed = 0;
	failed += cmocka_run_group_tests_name("oidc/key-set", cache, NULL, NULL);
	failed += cmocka_run_group_tests_name("oidc/sqlite", sqlite_tests, open_sqlite, close_db);
	const char *pg = getenv("NARA_TEST_PG_URL");
	if (pg != NULL && *pg != '\0') {
		failed += cmocka_run_group_tests_name("oidc/postgresql", pg_tests, open_pg, close_db);
	} else {
		/* make test always sets it; say so loudly when it is missing. */
		fprintf(stderr, "NARA_TEST_PG_URL is not set: the PostgreSQL half did not run\n");
		failed++;
	}
	reset();
	free(fake.jwks);
	oidc_cleanup();
	test_keys_free(&keys);
	return failed ? 1 : 0;
}
