/*
 * Keys and tokens the OpenID Connect unit tests make themselves, with
 * cjose: the provider's two RSA keys and one EC key, and an attacker's RSA
 * key that claims the provider's first key id. Shared by test_oidc_token.c
 * and test_oidc.c (each is compiled on its own, hence static inline).
 */
#ifndef NARA_TEST_OIDC_KEYS_H
#define NARA_TEST_OIDC_KEYS_H

#include <cjose/cjose.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISSUER "https://idp.example.se"
#define CLIENT "nara-test"
#define PNR_CLAIM "https://id.oidc.se/claim/personalIdentityNumber"

struct test_keys {
	cjose_jwk_t *rsa1, *rsa2, *ec, *forger;
	char *rsa1_public; /* the JWK of rsa1 as published, kid "k1" */
	char *jwks;        /* {"keys": [rsa1, rsa2, ec]}, public parts */
};

static inline char *test_public_jwk(cjose_jwk_t *k, const char *kid)
{
	cjose_err err;
	cjose_jwk_set_kid(k, kid, strlen(kid), &err);
	char *json = cjose_jwk_to_json(k, false, &err);
	char *copy = json ? strdup(json) : NULL;
	cjose_get_dealloc()(json);
	return copy;
}

/* {"keys":[...]} of the public parts of keys, with their kids. */
static inline char *test_jwks(cjose_jwk_t **list, const char **kids, size_t n)
{
	char *out = calloc(1, 16384);
	strcat(out, "{\"keys\":[");
	for (size_t i = 0; i < n; i++) {
		char *pub = test_public_jwk(list[i], kids[i]);
		if (i > 0)
			strcat(out, ",");
		strncat(out, pub, 16384 - strlen(out) - 4);
		free(pub);
	}
	strcat(out, "]}");
	return out;
}

static inline int test_keys_make(struct test_keys *k)
{
	static const uint8_t e[] = {0x01, 0x00, 0x01};
	cjose_err err;
	memset(k, 0, sizeof(*k));
	k->rsa1 = cjose_jwk_create_RSA_random(2048, e, sizeof(e), &err);
	k->rsa2 = cjose_jwk_create_RSA_random(2048, e, sizeof(e), &err);
	k->forger = cjose_jwk_create_RSA_random(2048, e, sizeof(e), &err);
	k->ec = cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &err);
	if (!k->rsa1 || !k->rsa2 || !k->forger || !k->ec)
		return -1;
	cjose_jwk_set_kid(k->forger, "k1", 2, &err);
	k->rsa1_public = test_public_jwk(k->rsa1, "k1");
	cjose_jwk_t *set[] = {k->rsa1, k->rsa2, k->ec};
	const char *kids[] = {"k1", "k2", "e1"};
	k->jwks = test_jwks(set, kids, 3);
	return k->rsa1_public && k->jwks ? 0 : -1;
}

static inline void test_keys_free(struct test_keys *k)
{
	cjose_jwk_release(k->rsa1);
	cjose_jwk_release(k->rsa2);
	cjose_jwk_release(k->forger);
	cjose_jwk_release(k->ec);
	free(k->rsa1_public);
	free(k->jwks);
}

/* A JWS in compact form: payload signed by key with alg, kid in the header. */
static inline char *test_sign(cjose_jwk_t *key, const char *alg,
			      const char *kid, const char *payload)
{
	cjose_err err;
	cjose_header_t *h = cjose_header_new(&err);
	cjose_header_set(h, CJOSE_HDR_ALG, alg, &err);
	if (kid != NULL)
		cjose_header_set(h, CJOSE_HDR_KID, kid, &err);
	cjose_jws_t *jws = cjose_jws_sign(key, h, (const uint8_t *)payload,
					  strlen(payload), &err);
	const char *compact = NULL;
	char *out = NULL;
	if (jws != NULL && cjose_jws_export(jws, &compact, &err))
		out = strdup(compact);
	cjose_jws_release(jws);
	cjose_header_release(h);
	if (out == NULL) {
		fprintf(stderr, "test_sign(%s): %s\n", alg, err.message);
		abort();
	}
	return out;
}

#endif
