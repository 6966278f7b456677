/*
 * Parsing and checking what identity providers send; see oidc_token.h.
 * JSON is read with jansson (duplicate keys refused, so a document cannot
 * say two things at once), signatures are checked with cjose.
 */
#include "domain/oidc_token.h"

#include <cjose/cjose.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "core/url.h"

static json_t *load_object(const char *doc, size_t len, size_t max)
{
	if (doc == NULL || len == 0 || len > max)
		return NULL;
	json_error_t error;
	json_t *root = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &error);
	if (root != NULL && !json_is_object(root)) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* The string member key, or NULL when missing or not a string. */
static const char *member_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/*
 * The number member key as whole seconds. Providers write times as
 * integers, but JSON does not promise it, so a real is taken too.
 */
static int member_time(json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
		return 1;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (!isfinite(d) || d < -9e15 || d > 9e15)
			return 0;
		*out = (int64_t)floor(d);
		return 1;
	}
	return 0;
}

static const char *copy_url(struct arena *a, json_t *o, const char *key)
{
	const char *s = member_str(o, key);
	if (s == NULL || !url_is_secure_or_loopback(s))
		return NULL;
	return arena_strdup(a, s);
}

enum nara_err oidc_discovery_parse(struct arena *a, const char *doc, size_t len,
				   const char *issuer,
				   struct oidc_discovery *out)
{
	memset(out, 0, sizeof(*out));
	json_t *root = load_object(doc, len, OIDC_MAX_DOCUMENT);
	if (root == NULL)
		return NARA_EINVAL;
	enum nara_err err = NARA_EINVAL;
	/*
	 * The document must name the issuer we asked: otherwise one provider
	 * could speak for another (OpenID Connect Discovery 1.0, 4.3).
	 */
	const char *iss = member_str(root, "issuer");
	if (iss == NULL || issuer == NULL || strcmp(iss, issuer) != 0)
		goto out;
	json_t *methods =
	    json_object_get(root, "code_challenge_methods_supported");
	if (methods != NULL) {
		int s256 = 0;
		size_t i;
		json_t *m;
		if (!json_is_array(methods))
			goto out;
		json_array_foreach(methods, i, m)
		{
			const char *name = json_string_value(m);
			s256 |= name != NULL && strcmp(name, "S256") == 0;
		}
		if (!s256)
			goto out;
	}
	out->authorization_endpoint =
	    copy_url(a, root, "authorization_endpoint");
	out->token_endpoint = copy_url(a, root, "token_endpoint");
	out->jwks_uri = copy_url(a, root, "jwks_uri");
	if (out->authorization_endpoint != NULL &&
	    out->token_endpoint != NULL && out->jwks_uri != NULL)
		err = NARA_OK;
out:
	json_decref(root);
	if (err != NARA_OK)
		memset(out, 0, sizeof(*out));
	return err;
}

enum nara_err oidc_token_response_parse(struct arena *a, const char *doc,
					size_t len, const char **id_token)
{
	*id_token = NULL;
	json_t *root = load_object(doc, len, OIDC_MAX_DOCUMENT);
	if (root == NULL)
		return NARA_EINVAL;
	const char *t = member_str(root, "id_token");
	size_t tlen =
	    t ? json_string_length(json_object_get(root, "id_token")) : 0;
	enum nara_err err = NARA_EINVAL;
	if (t != NULL && tlen > 0 && tlen <= OIDC_MAX_TOKEN &&
	    strlen(t) == tlen) {
		*id_token = arena_strndup(a, t, tlen);
		err = *id_token ? NARA_OK : NARA_ENOMEM;
	}
	json_decref(root);
	return err;
}

/* ---- the ID token ---- */

/*
 * The algorithms we accept, each with the key type and (for ECDSA) the
 * curve it needs. Only asymmetric ones: "none" carries no signature, and
 * an HMAC ("HS256") would be keyed with whatever the attacker says the
 * key is, such as the provider's public key.
 */
static const struct alg {
	const char *name;
	cjose_jwk_kty_t kty;
	cjose_jwk_ec_curve curve;
} algs[] = {
    {"RS256", CJOSE_JWK_KTY_RSA, 0},
    {"RS384", CJOSE_JWK_KTY_RSA, 0},
    {"RS512", CJOSE_JWK_KTY_RSA, 0},
    {"PS256", CJOSE_JWK_KTY_RSA, 0},
    {"PS384", CJOSE_JWK_KTY_RSA, 0},
    {"PS512", CJOSE_JWK_KTY_RSA, 0},
    {"ES256", CJOSE_JWK_KTY_EC, CJOSE_JWK_EC_P_256},
    {"ES384", CJOSE_JWK_KTY_EC, CJOSE_JWK_EC_P_384},
    {"ES512", CJOSE_JWK_KTY_EC, CJOSE_JWK_EC_P_521},
};

static const struct alg *alg_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(algs[i].name, name) == 0)
			return &algs[i];
	return NULL;
}

static const char *kty_name(cjose_jwk_kty_t kty)
{
	return kty == CJOSE_JWK_KTY_RSA ? "RSA" : "EC";
}

/*
 * 1 when s is base64url as cjose can decode it: the alphabet only, no
 * padding, and not one character over a whole group. The cjose of Debian 12
 * asserts (aborts the process) on a stray '=' or a dangling character
 * instead of returning an error, so nothing reaches its decoder unchecked.
 * The fuzzer found this.
 */
static int base64url_ok(const char *s, size_t len)
{
	if (len % 4 == 1)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/*
 * A copy of key with only what checking a signature needs (kty, crv and
 * the public numbers), each checked before cjose decodes it. Private parts
 * a careless provider might publish are left behind. NULL when a member is
 * missing or malformed.
 */
static json_t *public_jwk(json_t *key, cjose_jwk_kty_t kty)
{
	static const char *const rsa[] = {"kty", "n", "e", NULL};
	static const char *const ec[] = {"kty", "crv", "x", "y", NULL};
	const char *const *names = kty == CJOSE_JWK_KTY_RSA ? rsa : ec;
	json_t *out = json_object();
	for (size_t i = 0; out != NULL && names[i] != NULL; i++) {
		json_t *v = json_object_get(key, names[i]);
		const char *s = json_string_value(v);
		size_t len = s ? json_string_length(v) : 0;
		int plain = i == 0 || (kty == CJOSE_JWK_KTY_EC && i == 1);
		if (s == NULL || len == 0 || strlen(s) != len ||
		    (!plain && !base64url_ok(s, len)) ||
		    json_object_set(out, names[i], v) != 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/*
 * The key of the set for this token: the one with its kid, or, when the
 * token names none, the only key that could sign with its algorithm.
 * NARA_ENOTFOUND when the kid is not in the set; NARA_EDENIED when the
 * key found cannot be used with the algorithm.
 */
static enum nara_err find_key(const char *jwks, size_t jwks_len,
			      const char *kid, const struct alg *alg,
			      cjose_jwk_t **out, const char **why)
{
	*out = NULL;
	json_t *root = load_object(jwks, jwks_len, OIDC_MAX_DOCUMENT);
	json_t *keys = root ? json_object_get(root, "keys") : NULL;
	if (!json_is_array(keys)) {
		json_decref(root);
		*why = "the key set cannot be read";
		return NARA_EINVAL;
	}
	json_t *found = NULL;
	size_t candidates = 0;
	size_t n = json_array_size(keys);
	for (size_t i = 0; i < n && i < OIDC_MAX_KEYS; i++) {
		json_t *k = json_array_get(keys, i);
		const char *k_kid = member_str(k, "kid");
		const char *k_kty = member_str(k, "kty");
		if (kid != NULL) {
			if (k_kid == NULL || strcmp(k_kid, kid) != 0)
				continue;
			found = k;
			candidates = 1;
			break;
		}
		if (k_kty != NULL && strcmp(k_kty, kty_name(alg->kty)) == 0) {
			found = k;
			candidates++;
		}
	}
	enum nara_err err = NARA_EDENIED;
	if (found == NULL) {
		*why = "no key with the token's key id";
		err = kid != NULL ? NARA_ENOTFOUND : NARA_EDENIED;
		goto out;
	}
	if (candidates > 1) {
		*why = "the token names no key id and several keys fit";
		goto out;
	}
	/* A key published for encryption, or for another algorithm, is not ours
	 * to use. */
	const char *use = member_str(found, "use");
	const char *k_alg = member_str(found, "alg");
	if ((json_object_get(found, "use") != NULL &&
	     (use == NULL || strcmp(use, "sig") != 0)) ||
	    (json_object_get(found, "alg") != NULL &&
	     (k_alg == NULL || strcmp(k_alg, alg->name) != 0))) {
		*why = "the key is not for this algorithm";
		goto out;
	}
	const char *k_kty = member_str(found, "kty");
	if (k_kty == NULL || strcmp(k_kty, kty_name(alg->kty)) != 0) {
		*why = "the key type does not fit the algorithm";
		goto out;
	}
	cjose_err cerr;
	json_t *pub = public_jwk(found, alg->kty);
	cjose_jwk_t *jwk =
	    pub ? cjose_jwk_import_json((cjose_header_t *)pub, &cerr) : NULL;
	json_decref(pub);
	if (jwk == NULL) {
		*why = "the key cannot be read";
		err = NARA_EINVAL;
		goto out;
	}
	if (cjose_jwk_get_kty(jwk, &cerr) != alg->kty ||
	    (alg->kty == CJOSE_JWK_KTY_EC &&
	     cjose_jwk_EC_get_curve(jwk, &cerr) != alg->curve)) {
		cjose_jwk_release(jwk);
		*why = "the key type does not fit the algorithm";
		goto out;
	}
	*out = jwk;
	err = NARA_OK;
out:
	json_decref(root);
	return err;
}

/* 1 when aud is client_id or an array holding it. */
static int audience_has(json_t *aud, const char *client_id, size_t *count)
{
	*count = 0;
	if (json_is_string(aud)) {
		*count = 1;
		return strcmp(json_string_value(aud), client_id) == 0;
	}
	if (!json_is_array(aud))
		return 0;
	int has = 0;
	size_t i;
	json_t *v;
	json_array_foreach(aud, i, v)
	{
		const char *s = json_string_value(v);
		has |= s != NULL && strcmp(s, client_id) == 0;
	}
	*count = json_array_size(aud);
	return has;
}

/* The claims of a token whose signature is good. */
static enum nara_err check_claims(struct arena *a, json_t *c,
				  const struct oidc_expect *e,
				  struct oidc_identity *out, const char **why)
{
	const char *iss = member_str(c, "iss");
	if (iss == NULL || strcmp(iss, e->issuer) != 0) {
		*why = "wrong issuer";
		return NARA_EDENIED;
	}
	size_t naud;
	if (!audience_has(json_object_get(c, "aud"), e->client_id, &naud)) {
		*why = "wrong audience";
		return NARA_EDENIED;
	}
	/* Core 3.1.3.7 (4, 5): with several audiences, we must be the one it
	 * was issued to. */
	json_t *azp = json_object_get(c, "azp");
	if ((naud > 1 || azp != NULL) &&
	    (!json_is_string(azp) ||
	     strcmp(json_string_value(azp), e->client_id) != 0)) {
		*why = "wrong authorised party";
		return NARA_EDENIED;
	}
	int64_t exp, iat, nbf;
	if (!member_time(c, "exp", &exp) || exp + OIDC_LEEWAY <= e->now) {
		*why = "expired";
		return NARA_EDENIED;
	}
	if (!member_time(c, "iat", &iat) || iat > e->now + OIDC_LEEWAY) {
		*why = "issued in the future";
		return NARA_EDENIED;
	}
	if (json_object_get(c, "nbf") != NULL &&
	    (!member_time(c, "nbf", &nbf) || nbf > e->now + OIDC_LEEWAY)) {
		*why = "not yet valid";
		return NARA_EDENIED;
	}
	const char *nonce = member_str(c, "nonce");
	if (e->nonce == NULL || nonce == NULL || strcmp(nonce, e->nonce) != 0) {
		*why = "wrong nonce";
		return NARA_EDENIED;
	}
	json_t *sub = json_object_get(c, "sub");
	const char *s = json_string_value(sub);
	size_t slen = s ? json_string_length(sub) : 0;
	if (s == NULL || slen == 0 || slen > OIDC_MAX_SUBJECT ||
	    strlen(s) != slen) {
		*why = "no usable subject";
		return NARA_EDENIED;
	}
	out->subject = arena_strdup(a, s);
	if (out->subject == NULL)
		return NARA_ENOMEM;
	if (e->claim != NULL) {
		json_t *v = json_object_get(c, e->claim);
		const char *cv = json_string_value(v);
		if (cv != NULL && strlen(cv) == json_string_length(v) &&
		    strlen(cv) <= OIDC_MAX_SUBJECT) {
			out->claim = arena_strdup(a, cv);
			if (out->claim == NULL)
				return NARA_ENOMEM;
		}
	}
	return NARA_OK;
}

/* Three parts of base64url (see base64url_ok) between two dots. */
static int compact_shape_ok(const char *t, size_t len)
{
	const char *dot1 = memchr(t, '.', len);
	const char *dot2 =
	    dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - t)) : NULL;
	if (dot2 == NULL)
		return 0;
	size_t l1 = (size_t)(dot1 - t), l2 = (size_t)(dot2 - dot1 - 1),
	       l3 = len - (size_t)(dot2 + 1 - t);
	return base64url_ok(t, l1) && base64url_ok(dot1 + 1, l2) &&
	       base64url_ok(dot2 + 1, l3);
}

enum nara_err oidc_id_token_verify(struct arena *a, const char *token,
				   size_t len, const char *jwks,
				   size_t jwks_len, const struct oidc_expect *e,
				   struct oidc_identity *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	*why = "";
	if (token == NULL || len == 0 || len > OIDC_MAX_TOKEN ||
	    !compact_shape_ok(token, len)) {
		*why = "not a signed token";
		return NARA_EINVAL;
	}
	cjose_err cerr;
	cjose_jws_t *jws = cjose_jws_import(token, len, &cerr);
	if (jws == NULL) {
		/* cjose refuses "none" and unknown algorithms already here. */
		*why = "not a signed token";
		return NARA_EINVAL;
	}
	cjose_jwk_t *jwk = NULL;
	json_t *claims = NULL;
	enum nara_err err = NARA_EDENIED;
	cjose_header_t *hdr = cjose_jws_get_protected(jws);
	const struct alg *alg =
	    alg_find(cjose_header_get(hdr, CJOSE_HDR_ALG, &cerr));
	if (alg == NULL) {
		*why = "algorithm not allowed";
		goto out;
	}
	/* We understand no extensions, so none may be critical (RFC
	 * 7515, 4.1.11). */
	if (json_object_get((json_t *)hdr, "crit") != NULL) {
		*why = "critical header extension";
		goto out;
	}
	json_t *kid_v = json_object_get((json_t *)hdr, "kid");
	if (kid_v != NULL && !json_is_string(kid_v)) {
		*why = "key id is not a string";
		goto out;
	}
	err =
	    find_key(jwks, jwks_len, json_string_value(kid_v), alg, &jwk, why);
	if (err != NARA_OK)
		goto out;
	if (!cjose_jws_verify(jws, jwk, &cerr)) {
		*why = "bad signature";
		err = NARA_EDENIED;
		goto out;
	}
	uint8_t *payload;
	size_t plen;
	if (!cjose_jws_get_plaintext(jws, &payload, &plen, &cerr) ||
	    (claims = load_object((const char *)payload, plen,
				  OIDC_MAX_TOKEN)) == NULL) {
		*why = "the claims cannot be read";
		err = NARA_EINVAL;
		goto out;
	}
	err = check_claims(a, claims, e, out, why);
out:
	json_decref(claims);
	cjose_jwk_release(jwk);
	cjose_jws_release(jws);
	if (err != NARA_OK)
		memset(out, 0, sizeof(*out));
	return err;
}
