/* Secrets sealed at rest; see sealed.h. */
#include "core/sealed.h"

#include <sodium.h>
#include <string.h>

enum {
	NONCE = crypto_secretbox_NONCEBYTES,
	MAC = crypto_secretbox_MACBYTES,
	RAW_MAX = NONCE + MAC + SEALED_MAX_PLAIN,
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* base64 in any of libsodium's four spellings, exactly out_len bytes. */
static int base64_exact(const char *s, size_t len, unsigned char *out,
			size_t out_len)
{
	static const int variants[] = {
	    sodium_base64_VARIANT_ORIGINAL,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
	    sodium_base64_VARIANT_URLSAFE,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING,
	};
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		size_t got = 0;
		const char *end = NULL;
		if (sodium_base642bin(out, out_len, s, len, NULL, &got, &end,
				      variants[i]) == 0 &&
		    got == out_len && end == s + len)
			return 0;
	}
	return -1;
}

enum nara_err sealed_key_parse(const char *text,
			       unsigned char out[SEALED_KEY_BYTES])
{
	if (text == NULL)
		return NARA_EINVAL;
	while (is_space(*text))
		text++;
	size_t len = strlen(text);
	while (len > 0 && is_space(text[len - 1]))
		len--;
	size_t got = 0;
	const char *end = NULL;
	if (len == 2 * SEALED_KEY_BYTES &&
	    sodium_hex2bin(out, SEALED_KEY_BYTES, text, len, NULL, &got,
			   &end) == 0 &&
	    got == SEALED_KEY_BYTES && end == text + len)
		return NARA_OK;
	if (len < 100 && base64_exact(text, len, out, SEALED_KEY_BYTES) == 0)
		return NARA_OK;
	sodium_memzero(out, SEALED_KEY_BYTES);
	return NARA_EINVAL;
}

void sealed_key_id(const unsigned char key[SEALED_KEY_BYTES],
		   char out[SEALED_KEY_ID_LEN + 1])
{
	unsigned char id[crypto_kdf_BYTES_MIN];
	crypto_kdf_derive_from_key(id, sizeof(id), 0, "narakeid", key);
	sodium_bin2hex(out, SEALED_KEY_ID_LEN + 1, id, SEALED_KEY_ID_LEN / 2);
}

static int subkey(const unsigned char key[SEALED_KEY_BYTES],
		  const char *context, uint64_t owner,
		  unsigned char out[crypto_secretbox_KEYBYTES])
{
	if (context == NULL || strlen(context) != SEALED_CONTEXT_LEN)
		return -1;
	return crypto_kdf_derive_from_key(out, crypto_secretbox_KEYBYTES, owner,
					  context, key);
}

enum nara_err sealed_seal(const unsigned char key[SEALED_KEY_BYTES],
			  const char *context, uint64_t owner,
			  const unsigned char *plain, size_t len,
			  char out[SEALED_MAX_TEXT])
{
	if (len > SEALED_MAX_PLAIN || sodium_init() < 0)
		return NARA_EINVAL;
	unsigned char k[crypto_secretbox_KEYBYTES];
	if (subkey(key, context, owner, k) != 0)
		return NARA_EINVAL;
	unsigned char raw[RAW_MAX];
	randombytes_buf(raw, NONCE);
	crypto_secretbox_easy(raw + NONCE, plain, len, raw, k);
	sodium_memzero(k, sizeof(k));
	sodium_bin2base64(out, SEALED_MAX_TEXT, raw, NONCE + MAC + len,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return NARA_OK;
}

enum nara_err sealed_open(const unsigned char key[SEALED_KEY_BYTES],
			  const char *context, uint64_t owner, const char *text,
			  unsigned char *plain, size_t cap, size_t *len)
{
	*len = 0;
	if (text == NULL)
		return NARA_EINVAL;
	size_t tlen = strnlen(text, SEALED_MAX_TEXT);
	if (tlen >= SEALED_MAX_TEXT)
		return NARA_EINVAL;
	unsigned char raw[RAW_MAX];
	size_t got = 0;
	const char *end = NULL;
	if (sodium_base642bin(raw, sizeof(raw), text, tlen, NULL, &got, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    end != text + tlen || got < NONCE + MAC || got - NONCE - MAC > cap)
		return NARA_EINVAL;
	unsigned char k[crypto_secretbox_KEYBYTES];
	if (subkey(key, context, owner, k) != 0)
		return NARA_EINVAL;
	size_t n = got - NONCE - MAC;
	int rc =
	    crypto_secretbox_open_easy(plain, raw + NONCE, got - NONCE, raw, k);
	sodium_memzero(k, sizeof(k));
	if (rc != 0) {
		sodium_memzero(plain, cap);
		return NARA_EINTEGRITY;
	}
	*len = n;
	return NARA_OK;
}
