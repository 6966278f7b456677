/*
 * The OpenID Connect documents an identity provider sends Nära: the
 * discovery document, the key set (JWKS), the token response and the ID
 * token, a signed JWT in JWS compact form. All of them are untrusted input,
 * parsed here and nowhere else (tests/fuzz/fuzz_oidc_token.c fuzzes every
 * function). Pure functions: no I/O, the time is passed in, results are
 * copied into the caller's arena.
 *
 * The ID token is accepted only when all of these hold (OpenID Connect Core
 * 1.0, 3.1.3.7): an asymmetric algorithm from a fixed list (never "none",
 * never an HMAC, which would let anyone holding the provider's public key
 * sign), a key of the set whose type and curve fit that algorithm, a good
 * signature, the issuer we expect, our client id in the audience (and as
 * the authorised party when there are several), not expired, not issued in
 * the future, the nonce we sent, and a subject.
 */
#ifndef NARA_OIDC_TOKEN_H
#define NARA_OIDC_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

enum {
	OIDC_MAX_DOCUMENT = 256 * 1024, /* discovery, JWKS, token response */
	OIDC_MAX_TOKEN = 16 * 1024,	/* one ID token */
	OIDC_MAX_KEYS = 64,		/* keys looked at in one JWKS */
	OIDC_LEEWAY = 60,		/* seconds of clock skew forgiven */
	OIDC_MAX_SUBJECT = 255,
};

/* Where the provider's endpoints are, from its discovery document. */
struct oidc_discovery {
	const char *authorization_endpoint;
	const char *token_endpoint;
	const char *jwks_uri;
};

/*
 * Parses /.well-known/openid-configuration. Its "issuer" must equal issuer
 * exactly, each endpoint must be https (or loopback, core/url.h), and when
 * the provider lists its PKCE methods, S256 must be among them.
 * NARA_EINVAL otherwise.
 */
enum nara_err oidc_discovery_parse(struct arena *a, const char *doc, size_t len,
				   const char *issuer,
				   struct oidc_discovery *out);

/* The id_token of a token endpoint response; NARA_EINVAL without one. */
enum nara_err oidc_token_response_parse(struct arena *a, const char *doc,
					size_t len, const char **id_token);

struct oidc_expect {
	const char *issuer;
	const char *client_id;
	const char *nonce;
	const char *claim; /* one more claim to hand back, or NULL */
	int64_t now;	   /* epoch seconds */
};

struct oidc_identity {
	const char *subject; /* "sub" */
	const char *claim;   /* expect->claim's value, NULL unless a string */
};

/*
 * Checks the ID token (len bytes) against the key set jwks and e.
 * NARA_OK: *out is filled. NARA_ENOTFOUND: the token names a key id the
 * set does not have (the provider may have rotated its keys: the caller
 * may fetch the set again, once, and retry). NARA_EDENIED: a check failed.
 * NARA_EINVAL: the token or the key set cannot be read. *why says which
 * check, in a few English words for the log.
 */
enum nara_err oidc_id_token_verify(struct arena *a, const char *token,
				   size_t len, const char *jwks,
				   size_t jwks_len, const struct oidc_expect *e,
				   struct oidc_identity *out, const char **why);

#endif
