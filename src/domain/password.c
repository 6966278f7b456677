/* Password rules, hashing and checking; see password.h. */
#include "domain/password.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "core/utf8.h"

_Static_assert(PASSWORD_HASH_MAX == crypto_pwhash_STRBYTES,
	       "PASSWORD_HASH_MAX must hold a crypto_pwhash_str string");

enum nara_err password_check_new(const char *password)
{
	if (password == NULL)
		return NARA_EINVAL;
	size_t len = strnlen(password, PASSWORD_MAX_BYTES + 1);
	if (len > PASSWORD_MAX_BYTES)
		return NARA_ETOOBIG;
	if (!utf8_valid(password, len))
		return NARA_EINVAL;
	size_t chars = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)password[i];
		/*
		 * A control character is a paste gone wrong (a tab, a
		 * newline), never something a person means to type twice.
		 */
		if (c < 0x20 || c == 0x7f)
			return NARA_EINVAL;
		if ((c & 0xc0) != 0x80)
			chars++;
	}
	return chars >= PASSWORD_MIN_CHARS ? NARA_OK : NARA_EINVAL;
}

enum nara_err password_hash_with(const char *password, unsigned long long ops,
				 size_t mem, char out[PASSWORD_HASH_MAX])
{
	if (sodium_init() < 0)
		return NARA_ENOMEM;
	if (crypto_pwhash_str(out, password, strlen(password), ops, mem) != 0)
		return NARA_ENOMEM; /* argon2 could not have its memory */
	return NARA_OK;
}

enum nara_err password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	return password_hash_with(password, PASSWORD_OPSLIMIT,
				  PASSWORD_MEMLIMIT, out);
}

int password_verify(const char *stored, const char *password)
{
	if (stored == NULL || password == NULL || sodium_init() < 0)
		return 0;
	return crypto_pwhash_str_verify(stored, password, strlen(password)) ==
	       0;
}

/*
 * The hash an unknown user name is checked against: made once per process,
 * at the current cost, from a random password nobody knows, so checking it
 * takes as long as checking a real account's and never succeeds.
 */
static char dummy_hash[PASSWORD_HASH_MAX];
static int dummy_ok;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
	unsigned char raw[32];
	char random_pw[65];
	if (sodium_init() < 0)
		return;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(random_pw, sizeof(random_pw), raw, sizeof(raw));
	dummy_ok = password_hash(random_pw, dummy_hash) == NARA_OK;
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(random_pw, sizeof(random_pw));
}

void password_warm_up(void)
{
	pthread_once(&dummy_once, dummy_make);
}

int password_verify_dummy(const char *password)
{
	pthread_once(&dummy_once, dummy_make);
	/* The answer is thrown away: nobody knows the dummy's password. */
	volatile int ignored = 0;
	if (dummy_ok && password != NULL)
		ignored = crypto_pwhash_str_verify(dummy_hash, password,
						   strlen(password));
	(void)ignored;
	return 0;
}

int password_needs_rehash(const char *stored)
{
	if (stored == NULL || sodium_init() < 0)
		return 1;
	/* 1: another cost; -1: not an argon2id string at all. Both: rehash. */
	return crypto_pwhash_str_needs_rehash(stored, PASSWORD_OPSLIMIT,
					      PASSWORD_MEMLIMIT) != 0;
}
