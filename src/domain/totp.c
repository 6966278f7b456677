/*
 * TOTP; see totp.h.
 *
 * HMAC-SHA1 comes from OpenSSL's libcrypto, not from code of our own.
 * libsodium, our crypto library otherwise, has no SHA-1 (on purpose: it
 * is broken for collisions). TOTP still needs it, because it is what every
 * authenticator app computes; HMAC-SHA1 itself is not weakened by SHA-1's
 * collisions. Writing SHA-1 here would be a few hundred lines of hash code
 * to review and keep; libcrypto is a Debian package that is on every
 * machine already, is maintained with security updates, and is linked by
 * the OpenID Connect work (cjose) anyway. The tests hold the RFC 2202 and
 * RFC 6238 vectors against the result, so a wrong call would show.
 */
#include "domain/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

int totp_hmac_sha1(const unsigned char *key, size_t key_len,
		   const unsigned char *msg, size_t msg_len,
		   unsigned char out[20])
{
	unsigned int len = 0;
	if (key_len > (size_t)INT32_MAX ||
	    HMAC(EVP_sha1(), key, (int)key_len, msg, msg_len, out, &len) ==
		NULL ||
	    len != 20)
		return -1;
	return 0;
}

uint32_t totp_hotp(const unsigned char *key, size_t key_len, uint64_t counter,
		   int digits)
{
	unsigned char msg[8], mac[20];
	for (int i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	if (totp_hmac_sha1(key, key_len, msg, sizeof(msg), mac) != 0)
		return UINT32_MAX; /* never a valid code: it has ten digits */
	/* RFC 4226 5.3, dynamic truncation. */
	int offset = mac[19] & 0x0f;
	uint32_t bin = ((uint32_t)(mac[offset] & 0x7f) << 24) |
		       ((uint32_t)mac[offset + 1] << 16) |
		       ((uint32_t)mac[offset + 2] << 8) | mac[offset + 3];
	sodium_memzero(mac, sizeof(mac));
	uint32_t mod = 1;
	for (int i = 0; i < digits; i++)
		mod *= 10;
	return bin % mod;
}

int64_t totp_step(int64_t now)
{
	return now < 0 ? -1 : now / TOTP_PERIOD;
}

int totp_verify(const unsigned char *key, size_t key_len, uint32_t code,
		int64_t now, int64_t last_step, int64_t *step_out)
{
	int64_t current = totp_step(now);
	if (current < 0)
		return 0;
	unsigned char given[4] = {
	    (unsigned char)(code >> 24), (unsigned char)(code >> 16),
	    (unsigned char)(code >> 8), (unsigned char)code};
	int matched = 0;
	int64_t step = -1;
	for (int64_t d = -TOTP_WINDOW; d <= TOTP_WINDOW; d++) {
		int64_t s = current + d;
		uint32_t c = totp_hotp(key, key_len, (uint64_t)s, TOTP_DIGITS);
		unsigned char want[4] = {
		    (unsigned char)(c >> 24), (unsigned char)(c >> 16),
		    (unsigned char)(c >> 8), (unsigned char)c};
		/*
		 * All candidates are compared, with no early exit; only
		 * whether a step is past last_step (which is no secret)
		 * decides without a comparison.
		 */
		int same = sodium_memcmp(given, want, sizeof(want)) == 0;
		if (same && s > last_step && !matched) {
			matched = 1;
			step = s;
		}
	}
	if (matched && step_out != NULL)
		*step_out = step;
	return matched;
}

enum nara_err totp_parse_code(const char *input, uint32_t *out)
{
	*out = 0;
	if (input == NULL)
		return NARA_EINVAL;
	uint32_t v = 0;
	int digits = 0;
	size_t i = 0;
	for (; input[i] != '\0'; i++) {
		if (i >= TOTP_CODE_INPUT_MAX)
			return NARA_EINVAL;
		char c = input[i];
		if (c == ' ')
			continue;
		if (c < '0' || c > '9' || digits == TOTP_DIGITS)
			return NARA_EINVAL;
		v = v * 10 + (uint32_t)(c - '0');
		digits++;
	}
	if (digits != TOTP_DIGITS)
		return NARA_EINVAL;
	*out = v;
	return NARA_OK;
}

size_t totp_base32(const unsigned char *in, size_t len, char *out, size_t cap)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	if (len > (SIZE_MAX - 4) / 8)
		return 0;
	size_t need = (len * 8 + 4) / 5;
	if (cap < need + 1)
		return 0;
	size_t n = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[n++] = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[n++] = alphabet[(acc << (5 - bits)) & 31];
	out[n] = '\0';
	return n;
}
