/*
 * The ID-token validator and the other OpenID Connect parsers
 * (src/domain/oidc_token.c), with keys this test makes itself: a real
 * provider never signs a forged or expired token, so those cases are here.
 * Each bad token differs from a good one in exactly the one way its test
 * names, and the good one is shown to pass first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cjose/cjose.h>
#include <sodium.h>

#include "core/url.h"
#include "domain/oidc_token.h"
#include "oidc_keys.h"

static const int64_t NOW = 1795435200; /* 2026-11-23 12:00 UTC */

static struct test_keys keys;

static int setup(void **state)
{
	(void)state;
	return test_keys_make(&keys);
}

static int teardown(void **state)
{
	(void)state;
	test_keys_free(&keys);
	return 0;
}

static const struct oidc_expect expect = {
	.issuer = ISSUER,
	.client_id = CLIENT,
	.nonce = "n-0S6_WzA2Mj",
	.claim = PNR_CLAIM,
	.now = NOW,
};

/* Claims that pass, with one member replaced or removed by the caller. */
static char *claims(const char *replace_key, const char *replace_json)
{
	static const char *const keys_in_order[] = {"iss", "aud", "exp", "iat",
						    "nonce", "sub", PNR_CLAIM};
	char values[7][96];
	snprintf(values[0], 96, "\"%s\"", ISSUER);
	snprintf(values[1], 96, "\"%s\"", CLIENT);
	snprintf(values[2], 96, "%lld", (long long)(NOW + 300));
	snprintf(values[3], 96, "%lld", (long long)(NOW - 5));
	snprintf(values[4], 96, "\"%s\"", expect.nonce);
	snprintf(values[5], 96, "\"user-4711\"");
	snprintf(values[6], 96, "\"191212121212\"");
	char *out = calloc(1, 2048);
	strcat(out, "{");
	int first = 1;
	for (int i = 0; i < 7; i++) {
		const char *v = values[i];
		if (replace_key != NULL && strcmp(replace_key, keys_in_order[i]) == 0) {
			if (replace_json == NULL)
				continue;
			v = replace_json;
		}
		if (!first)
			strcat(out, ",");
		first = 0;
		snprintf(out + strlen(out), 2048 - strlen(out), "\"%s\":%s",
			 keys_in_order[i], v);
	}
	/* A member that is not there to be replaced is added. */
	if (replace_key != NULL && replace_json != NULL &&
	    strstr(out, replace_key) == NULL)
		snprintf(out + strlen(out), 2048 - strlen(out), ",\"%s\":%s",
			 replace_key, replace_json);
	strcat(out, "}");
	return out;
}

static enum nara_err verify(const char *token, const char *jwks,
			    struct oidc_identity *id, const char **why)
{
	struct arena a;
	arena_init(&a, 1 << 20);
	enum nara_err err = oidc_id_token_verify(&a, token, strlen(token), jwks,
						 strlen(jwks), &expect, id, why);
	/* What the identity points at lives in the arena: check it here. */
	if (err == NARA_OK) {
		assert_string_equal(id->subject, "user-4711");
	}
	arena_free(&a);
	return err;
}

/* A token signed by key with the claims made by claims(key, json). */
static enum nara_err verify_with(cjose_jwk_t *key, const char *alg,
				 const char *kid, const char *ckey,
				 const char *cjson, const char **why)
{
	char *c = claims(ckey, cjson);
	char *t = test_sign(key, alg, kid, c);
	struct oidc_identity id;
	enum nara_err err = verify(t, keys.jwks, &id, why);
	free(t);
	free(c);
	return err;
}

static void test_good_tokens_pass(void **state)
{
	(void)state;
	const char *why;
	char *c = claims(NULL, NULL);
	char *t = test_sign(keys.rsa1, "RS256", "k1", c);
	struct arena a;
	arena_init(&a, 1 << 20);
	struct oidc_identity id;
	assert_int_equal(oidc_id_token_verify(&a, t, strlen(t), keys.jwks,
					      strlen(keys.jwks), &expect, &id, &why),
			 NARA_OK);
	assert_string_equal(id.subject, "user-4711");
	assert_string_equal(id.claim, "191212121212");
	arena_free(&a);
	free(t);
	free(c);
	/* The other key of the set, another RSA algorithm, and ECDSA. */
	assert_int_equal(verify_with(keys.rsa2, "RS256", "k2", NULL, NULL, &why), NARA_OK);
	assert_int_equal(verify_with(keys.rsa1, "PS256", "k1", NULL, NULL, &why), NARA_OK);
	assert_int_equal(verify_with(keys.ec, "ES256", "e1", NULL, NULL, &why), NARA_OK);
	/* Within the minute of clock skew we forgive. */
	char exp[32];
	snprintf(exp, sizeof(exp), "%lld", (long long)(NOW - 30));
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "exp", exp, &why), NARA_OK);
	/* Several audiences are fine when we are the authorised party. */
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "aud",
				     "[\"" CLIENT "\",\"other\"],\"azp\":\"" CLIENT "\"",
				     &why),
			 NARA_OK);
	/* A missing personnummer claim is no error here: the flow decides. */
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", PNR_CLAIM, NULL, &why), NARA_OK);
}

static void test_forged_signature(void **state)
{
	(void)state;
	const char *why;
	/* Signed by a key of the attacker's that claims the provider's kid. */
	assert_int_equal(verify_with(keys.forger, "RS256", "k1", NULL, NULL, &why),
			 NARA_EDENIED);
	assert_string_equal(why, "bad signature");

	/* A good token whose claims were changed after signing. */
	char *good = claims(NULL, NULL);
	char *t = test_sign(keys.rsa1, "RS256", "k1", good);
	char *evil = claims("sub", "\"someone-else\"");
	char b64[2048];
	sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)evil,
			  strlen(evil), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *dot1 = strchr(t, '.'), *dot2 = strrchr(t, '.');
	char spliced[8192];
	snprintf(spliced, sizeof(spliced), "%.*s.%s%s", (int)(dot1 - t), t, b64, dot2);
	struct oidc_identity id;
	assert_int_equal(verify(spliced, keys.jwks, &id, &why), NARA_EDENIED);
	assert_string_equal(why, "bad signature");
	free(t);
	free(good);
	free(evil);
}

static void test_wrong_audience_issuer_party(void **state)
{
	(void)state;
	const char *why;
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "aud", "\"another-client\"", &why),
			 NARA_EDENIED);
	assert_string_equal(why, "wrong audience");
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "aud", "[\"a\",\"b\"]", &why),
			 NARA_EDENIED);
	/* We are among the audiences, but the token was issued to another. */
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "aud",
				     "[\"" CLIENT "\",\"other\"]", &why),
			 NARA_EDENIED);
	assert_string_equal(why, "wrong authorised party");
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "aud",
				     "\"" CLIENT "\",\"azp\":\"other\"", &why),
			 NARA_EDENIED);
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "iss",
				     "\"https://evil.example\"", &why),
			 NARA_EDENIED);
	assert_string_equal(why, "wrong issuer");
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "iss", NULL, &why), NARA_EDENIED);
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "sub", NULL, &why), NARA_EDENIED);
	assert_string_equal(why, "no usable subject");
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "sub", "\"\"", &why), NARA_EDENIED);
}

static void test_times(void **state)
{
	(void)state;
	const char *why;
	char t[32];
	snprintf(t, sizeof(t), "%lld", (long long)(NOW - 61));
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "exp", t, &why), NARA_EDENIED);
	assert_string_equal(why, "expired");
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "exp", NULL, &why), NARA_EDENIED);
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "exp", "\"tomorrow\"", &why),
			 NARA_EDENIED);
	snprintf(t, sizeof(t), "%lld", (long long)(NOW + 600));
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "iat", t, &why), NARA_EDENIED);
	assert_string_equal(why, "issued in the future");
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "nbf", t, &why), NARA_EDENIED);
	assert_string_equal(why, "not yet valid");
}

static void test_nonce(void **state)
{
	(void)state;
	const char *why;
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "nonce", "\"another\"", &why),
			 NARA_EDENIED);
	assert_string_equal(why, "wrong nonce");
	assert_int_equal(verify_with(keys.rsa1, "RS256", "k1", "nonce", NULL, &why), NARA_EDENIED);
}

static void test_algorithm_downgrades(void **state)
{
	(void)state;
	const char *why;
	char *c = claims(NULL, NULL);
	char header[256], payload[2048], token[4096];
	struct oidc_identity id;

	/* "none": no signature at all, with and without a trailing part. */
	const char *h = "{\"alg\":\"none\",\"kid\":\"k1\"}";
	sodium_bin2base64(header, sizeof(header), (const unsigned char *)h,
			  strlen(h), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_bin2base64(payload, sizeof(payload), (const unsigned char *)c,
			  strlen(c), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(token, sizeof(token), "%s.%s.", header, payload);
	assert_int_not_equal(verify(token, keys.jwks, &id, &why), NARA_OK);
	snprintf(token, sizeof(token), "%s.%s.c2ln", header, payload);
	assert_int_not_equal(verify(token, keys.jwks, &id, &why), NARA_OK);

	/*
	 * HS256 keyed with the provider's own public key, as published: the
	 * classic confusion, where a verifier that let the token choose the
	 * algorithm would check an HMAC anyone can compute.
	 */
	cjose_err err;
	cjose_jwk_t *hmac = cjose_jwk_create_oct_spec(
		(const uint8_t *)keys.rsa1_public, strlen(keys.rsa1_public), &err);
	assert_non_null(hmac);
	char *t = test_sign(hmac, "HS256", "k1", c);
	assert_int_equal(verify(t, keys.jwks, &id, &why), NARA_EDENIED);
	assert_string_equal(why, "algorithm not allowed");
	free(t);
	cjose_jwk_release(hmac);

	/* An RSA signature naming the EC key, and the other way round. */
	assert_int_equal(verify_with(keys.rsa2, "RS256", "e1", NULL, NULL, &why), NARA_EDENIED);
	assert_string_equal(why, "the key type does not fit the algorithm");
	assert_int_equal(verify_with(keys.ec, "ES256", "k1", NULL, NULL, &why), NARA_EDENIED);
	assert_string_equal(why, "the key type does not fit the algorithm");
	free(c);
}

static void test_key_ids(void **state)
{
	(void)state;
	const char *why;
	/* A key id the set does not have: the caller may fetch the set again. */
	assert_int_equal(verify_with(keys.rsa2, "RS256", "k9", NULL, NULL, &why),
			 NARA_ENOTFOUND);
	/* No key id and two RSA keys: we will not guess. */
	assert_int_equal(verify_with(keys.rsa1, "RS256", NULL, NULL, NULL, &why),
			 NARA_EDENIED);
	/* No key id and a single key of the kind: that one. */
	char *c = claims(NULL, NULL);
	char *t = test_sign(keys.rsa1, "RS256", NULL, c);
	char single[4096];
	snprintf(single, sizeof(single), "{\"keys\":[%s]}", keys.rsa1_public);
	struct oidc_identity id;
	assert_int_equal(verify(t, single, &id, &why), NARA_OK);
	free(t);
	/* A key published for encryption is not used to check signatures. */
	t = test_sign(keys.rsa1, "RS256", "k1", c);
	snprintf(single, sizeof(single), "{\"keys\":[{\"use\":\"enc\",%s]}",
		 keys.rsa1_public + 1);
	assert_int_equal(verify(t, single, &id, &why), NARA_EDENIED);
	/* Nor one published for another algorithm. */
	snprintf(single, sizeof(single), "{\"keys\":[{\"alg\":\"RS512\",%s]}",
		 keys.rsa1_public + 1);
	assert_int_equal(verify(t, single, &id, &why), NARA_EDENIED);
	/*
	 * Key numbers Debian's cjose would abort the process on rather than
	 * refuse (a stray '=', a dangling character): refused before cjose.
	 */
	snprintf(single, sizeof(single),
		 "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"n\":\"abcde=fg\",\"e\":\"AQAB\"}]}");
	assert_int_equal(verify(t, single, &id, &why), NARA_EINVAL);
	snprintf(single, sizeof(single),
		 "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"n\":\"abcde\",\"e\":\"AQAB\"}]}");
	assert_int_equal(verify(t, single, &id, &why), NARA_EINVAL);
	/* A key set that is not one. */
	assert_int_equal(verify(t, "{\"keys\":{}}", &id, &why), NARA_EINVAL);
	assert_int_equal(verify(t, "[]", &id, &why), NARA_EINVAL);
	free(t);
	free(c);
}

static void test_malformed_tokens(void **state)
{
	(void)state;
	const char *why;
	struct oidc_identity id;
	static const char *const bad[] = {
		"", "abc", "a.b", "a.b.c.d", "eyJ.eyJ.x y", "....",
		"eyJhbGciOiJSUzI1NiJ9.!!!.sig",
		/* A part one character over a group, and padding: see base64url_ok. */
		"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzIn0.abcde",
		"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzIn0=.c2ln",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(verify(bad[i], keys.jwks, &id, &why), NARA_EINVAL);
	/* Claims that are not an object. */
	char *t = test_sign(keys.rsa1, "RS256", "k1", "[1,2,3]");
	assert_int_equal(verify(t, keys.jwks, &id, &why), NARA_EINVAL);
	free(t);
	/* Longer than any ID token needs to be. */
	char *big = malloc(OIDC_MAX_TOKEN + 2);
	memset(big, 'a', OIDC_MAX_TOKEN + 1);
	big[10] = '.';
	big[20] = '.';
	big[OIDC_MAX_TOKEN + 1] = '\0';
	assert_int_equal(verify(big, keys.jwks, &id, &why), NARA_EINVAL);
	free(big);
}

static void test_discovery(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	struct oidc_discovery d;
	const char *good =
		"{\"issuer\":\"https://idp.example.se\","
		"\"authorization_endpoint\":\"https://idp.example.se/auth\","
		"\"token_endpoint\":\"https://idp.example.se/token\","
		"\"jwks_uri\":\"https://idp.example.se/jwks\","
		"\"code_challenge_methods_supported\":[\"plain\",\"S256\"]}";
	assert_int_equal(oidc_discovery_parse(&a, good, strlen(good),
					      "https://idp.example.se", &d),
			 NARA_OK);
	assert_string_equal(d.token_endpoint, "https://idp.example.se/token");
	/* Another issuer than the one we asked. */
	assert_int_equal(oidc_discovery_parse(&a, good, strlen(good),
					      "https://idp.example.se/", &d),
			 NARA_EINVAL);
	assert_null(d.token_endpoint);
	static const char *const bad[] = {
		/* An endpoint over plain http to another machine. */
		"{\"issuer\":\"https://i\",\"authorization_endpoint\":\"https://i/a\","
		"\"token_endpoint\":\"http://i/t\",\"jwks_uri\":\"https://i/j\"}",
		/* No PKCE with S256. */
		"{\"issuer\":\"https://i\",\"authorization_endpoint\":\"https://i/a\","
		"\"token_endpoint\":\"https://i/t\",\"jwks_uri\":\"https://i/j\","
		"\"code_challenge_methods_supported\":[\"plain\"]}",
		/* A missing endpoint. */
		"{\"issuer\":\"https://i\",\"authorization_endpoint\":\"https://i/a\","
		"\"token_endpoint\":\"https://i/t\"}",
		/* The issuer said twice, differently. */
		"{\"issuer\":\"https://i\",\"issuer\":\"https://j\","
		"\"authorization_endpoint\":\"https://i/a\","
		"\"token_endpoint\":\"https://i/t\",\"jwks_uri\":\"https://i/j\"}",
		"[]",
		"{",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(oidc_discovery_parse(&a, bad[i], strlen(bad[i]),
						      "https://i", &d),
				 NARA_EINVAL);
	/* Loopback may be plain http: the tests' providers. */
	const char *local =
		"{\"issuer\":\"http://127.0.0.1:4000\","
		"\"authorization_endpoint\":\"http://127.0.0.1:4000/auth\","
		"\"token_endpoint\":\"http://127.0.0.1:4000/token\","
		"\"jwks_uri\":\"http://localhost:4000/jwks\"}";
	assert_int_equal(oidc_discovery_parse(&a, local, strlen(local),
					      "http://127.0.0.1:4000", &d),
			 NARA_OK);
	arena_free(&a);
}

static void test_token_response(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	const char *t;
	const char *good = "{\"access_token\":\"x\",\"token_type\":\"Bearer\","
			   "\"id_token\":\"aa.bb.cc\"}";
	assert_int_equal(oidc_token_response_parse(&a, good, strlen(good), &t), NARA_OK);
	assert_string_equal(t, "aa.bb.cc");
	static const char *const bad[] = {
		"{\"access_token\":\"x\"}", "{\"id_token\":17}", "{\"id_token\":\"\"}",
		"{\"id_token\":\"a\\u0000b\"}", "null", "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(oidc_token_response_parse(&a, bad[i], strlen(bad[i]), &t),
				 NARA_EINVAL);
		assert_null(t);
	}
	arena_free(&a);
}

static void test_url_rule(void **state)
{
	(void)state;
	static const struct {
		const char *url;
		int ok;
	} rows[] = {
		{"https://idp.example.se", 1},
		{"https://idp.example.se:8443/realms/x", 1},
		{"http://127.0.0.1:4000", 1},
		{"http://127.3.2.1/x", 1},
		{"http://localhost:4000/", 1},
		{"http://[::1]:4000/", 1},
		{"http://idp.example.se", 0},
		{"http://127.0.0.1.evil.example", 0},
		{"http://localhost.evil.example/", 0},
		{"https://good.example@evil.example", 0},
		{"http://127.0.0.1@evil.example", 0},
		{"https://", 0},
		{"https:///path", 0},
		{"ftp://idp.example.se", 0},
		{"https://idp.example.se/a b", 0},
		{"javascript:alert(1)", 0},
		{"", 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (url_is_secure_or_loopback(rows[i].url) != rows[i].ok)
			fail_msg("%s: expected %d", rows[i].url, rows[i].ok);
	}
	assert_int_equal(url_is_secure_or_loopback(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_tokens_pass),
		cmocka_unit_test(test_forged_signature),
		cmocka_unit_test(test_wrong_audience_issuer_party),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_algorithm_downgrades),
		cmocka_unit_test(test_key_ids),
		cmocka_unit_test(test_malformed_tokens),
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_token_response),
		cmocka_unit_test(test_url_rule),
	};
	return cmocka_run_group_tests_name("oidc_token", tests, setup, teardown);
}
