/*
 * Credentials for the TURN server (coturn), made by nara and checked by
 * coturn without asking us: the "TURN REST API" scheme coturn implements
 * with use-auth-secret / static-auth-secret. Both hold the same shared
 * secret; a credential is
 *
 *     username   = "<expiry as Unix time>:<peer>"
 *     credential = base64(HMAC-SHA1(secret, username))
 *
 * coturn recomputes the HMAC and refuses a username whose time has
 * passed, so a credential handed to a browser is good only until then and
 * names no person: <peer> is the random name of one participant's seat in
 * one meeting (domain/video.h), never a personnummer or a staff id.
 */
#ifndef NARA_TURN_H
#define NARA_TURN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum {
	TURN_PEER_MAX = 64,
	TURN_USERNAME_MAX = 24 + TURN_PEER_MAX,
	TURN_CREDENTIAL_MAX = 29, /* base64 of 20 bytes, and the NUL */
};

/*
 * username and credential for peer, good until `expires` (Unix time).
 * peer: 1 to TURN_PEER_MAX letters, digits, '-' or '_' (a colon would
 * change what coturn reads as the time). NARA_EINVAL otherwise.
 */
enum nara_err turn_credentials(const unsigned char *secret, size_t secret_len,
			       int64_t expires, const char *peer,
			       char username[TURN_USERNAME_MAX],
			       char credential[TURN_CREDENTIAL_MAX]);

#endif
