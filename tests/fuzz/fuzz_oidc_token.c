/*
 * libFuzzer: what identity providers send (src/domain/oidc_token.c). The
 * first byte picks the document: 0 a discovery document, 1 a token
 * response, 2 a key set checked against a fixed good token, 3 an ID token
 * checked against a fixed key set, 4 both, split at the first newline. The
 * fixed token and key set are made once with an EC key (fast to make), so
 * modes 2 and 3 start from input that gets through the signature check.
 */
#include <cjose/cjose.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/url.h"
#include "domain/oidc_token.h"

static const int64_t NOW = 1795435200;
static char *good_token, *good_jwks;

static const struct oidc_expect expect = {
	.issuer = "https://idp.example.se",
	.client_id = "nara",
	.nonce = "n",
	.claim = "pnr",
	.now = NOW,
};

static void make_fixtures(void)
{
	cjose_err err;
	cjose_jwk_t *k = cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &err);
	if (k == NULL || !cjose_jwk_set_kid(k, "k1", 2, &err))
		abort();
	char *pub = cjose_jwk_to_json(k, false, &err);
	good_jwks = malloc(strlen(pub) + 16);
	sprintf(good_jwks, "{\"keys\":[%s]}", pub);
	cjose_get_dealloc()(pub);
	char claims[256];
	snprintf(claims, sizeof(claims),
		 "{\"iss\":\"%s\",\"aud\":\"nara\",\"exp\":%lld,\"iat\":%lld,"
		 "\"nonce\":\"n\",\"sub\":\"s\",\"pnr\":\"191212121212\"}",
		 expect.issuer, (long long)NOW + 60, (long long)NOW);
	cjose_header_t *h = cjose_header_new(&err);
	cjose_header_set(h, CJOSE_HDR_ALG, "ES256", &err);
	cjose_header_set(h, CJOSE_HDR_KID, "k1", &err);
	cjose_jws_t *jws = cjose_jws_sign(k, h, (const uint8_t *)claims,
					  strlen(claims), &err);
	const char *compact;
	if (jws == NULL || !cjose_jws_export(jws, &compact, &err))
		abort();
	good_token = strdup(compact);
	cjose_jws_release(jws);
	cjose_header_release(h);
	cjose_jwk_release(k);
}

static void check_token(struct arena *a, const char *t, size_t tlen,
			const char *jwks, size_t jlen)
{
	struct oidc_identity id;
	const char *why;
	enum nara_err err = oidc_id_token_verify(a, t, tlen, jwks, jlen, &expect,
						 &id, &why);
	if (why == NULL)
		abort();
	if (err == NARA_OK &&
	    (id.subject == NULL || id.subject[0] == '\0' ||
	     strlen(id.subject) > OIDC_MAX_SUBJECT))
		abort();
	if (err != NARA_OK && (id.subject != NULL || id.claim != NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (good_token == NULL)
		make_fixtures();
	if (size < 1)
		return 0;
	const char *in = (const char *)data + 1;
	size_t len = size - 1;
	struct arena a;
	arena_init(&a, 4 << 20);
	switch (data[0] % 5) {
	case 0: {
		struct oidc_discovery d;
		if (oidc_discovery_parse(&a, in, len, "https://idp.example.se",
					 &d) == NARA_OK &&
		    (!url_is_secure_or_loopback(d.authorization_endpoint) ||
		     !url_is_secure_or_loopback(d.token_endpoint) ||
		     !url_is_secure_or_loopback(d.jwks_uri)))
			abort();
		break;
	}
	case 1: {
		const char *t;
		if (oidc_token_response_parse(&a, in, len, &t) == NARA_OK &&
		    (t == NULL || strlen(t) == 0 || strlen(t) > OIDC_MAX_TOKEN))
			abort();
		break;
	}
	case 2:
		check_token(&a, good_token, strlen(good_token), in, len);
		break;
	case 3:
		check_token(&a, in, len, good_jwks, strlen(good_jwks));
		break;
	default: {
		const char *nl = memchr(in, '\n', len);
		size_t tlen = nl ? (size_t)(nl - in) : len;
		check_token(&a, in, tlen, nl ? nl + 1 : "", nl ? len - tlen - 1 : 0);
		break;
	}
	}
	arena_free(&a);
	return 0;
}
