/*
 * TURN credentials (src/domain/turn.c) against values computed apart
 * from our code (Python's hmac and base64 modules:
 * base64(hmac.new(secret, username, sha1).digest())), and what the
 * scheme needs of a peer name. The browser test then has a real coturn
 * accept them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* cmocka needs the headers above first. */
#include <cmocka.h>

#include "domain/turn.h"

static void test_known_vectors(void **state)
{
	(void)state;
	char user[TURN_USERNAME_MAX], cred[TURN_CREDENTIAL_MAX];
	assert_int_equal(turn_credentials((const unsigned char *)"north", 5,
					  1700000000, "peer-1", user, cred),
			 NARA_OK);
	assert_string_equal(user, "1700000000:peer-1");
	assert_string_equal(cred, "izFBtBN0tC8mfzbn9GsbjcqtfUw=");
	/* A long time and an underscore in the peer name. */
	assert_int_equal(turn_credentials((const unsigned char *)"logen", 5,
					  1433895918506LL, "my_username", user,
					  cred),
			 NARA_OK);
	assert_string_equal(user, "1433895918506:my_username");
	assert_string_equal(cred, "gxZk9RlbbbDLn7TIwayIqmzYgW8=");
}

static void test_refused(void **state)
{
	(void)state;
	char user[TURN_USERNAME_MAX], cred[TURN_CREDENTIAL_MAX];
	const unsigned char *k = (const unsigned char *)"k";
	char long_peer[TURN_PEER_MAX + 2];
	memset(long_peer, 'a', sizeof(long_peer) - 1);
	long_peer[sizeof(long_peer) - 1] = '\0';
	const char *bad[] = {"", "a:b", "a b", "å", long_peer};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(turn_credentials(k, 1, 1, bad[i], user, cred),
				 NARA_EINVAL);
		assert_string_equal(user, "");
		assert_string_equal(cred, "");
	}
	assert_int_equal(turn_credentials(k, 0, 1, "p", user, cred),
			 NARA_EINVAL);
	assert_int_equal(turn_credentials(k, 1, 0, "p", user, cred),
			 NARA_EINVAL);
	long_peer[TURN_PEER_MAX] = '\0'; /* exactly the longest */
	assert_int_equal(
	    turn_credentials(k, 1, INT64_MAX, long_peer, user, cred), NARA_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_vectors),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
