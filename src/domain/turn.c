/*
 * TURN credentials; see turn.h. HMAC-SHA1 comes from libcrypto, as for
 * TOTP (domain/totp.c says why); coturn computes the same.
 */
#include "domain/turn.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "domain/totp.h"

static int peer_ok(const char *peer)
{
	size_t n = 0;
	for (; peer[n] != '\0'; n++) {
		char c = peer[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (n >= TURN_PEER_MAX)
			return 0;
	}
	return n > 0;
}

enum nara_err turn_credentials(const unsigned char *secret, size_t secret_len,
			       int64_t expires, const char *peer,
			       char username[TURN_USERNAME_MAX],
			       char credential[TURN_CREDENTIAL_MAX])
{
	username[0] = credential[0] = '\0';
	if (secret == NULL || secret_len == 0 || expires <= 0 || peer == NULL ||
	    !peer_ok(peer))
		return NARA_EINVAL;
	int n = snprintf(username, TURN_USERNAME_MAX, "%lld:%s",
			 (long long)expires, peer);
	if (n <= 0 || n >= TURN_USERNAME_MAX) {
		username[0] = '\0';
		return NARA_EINVAL;
	}
	unsigned char mac[20];
	if (totp_hmac_sha1(secret, secret_len, (const unsigned char *)username,
			   (size_t)n, mac) != 0) {
		username[0] = '\0';
		return NARA_EINVAL;
	}
	sodium_bin2base64(credential, TURN_CREDENTIAL_MAX, mac, sizeof(mac),
			  sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(mac, sizeof(mac));
	return NARA_OK;
}
