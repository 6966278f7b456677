/*
 * Sealed secrets and the secret key (src/core/sealed.c): the spellings of
 * a key an operator may write and the ones refused; a sealed value opens
 * only with its own key, purpose and owner, and any change to it is
 * found; text that is not a sealed value is refused without reading past
 * its end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above first. */
#include <cmocka.h>

#include "core/config.h"
#include "core/sealed.h"

static const unsigned char seq_key[32] = {
    0,	1,  2,	3,  4,	5,  6,	7,  8,	9,  10, 11, 12, 13, 14, 15,
    16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
};

static void test_key_parse(void **state)
{
	(void)state;
	const char *good[] = {
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
	    "  AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		unsigned char k[32];
		assert_int_equal(sealed_key_parse(good[i], k), NARA_OK);
		assert_memory_equal(k, seq_key, 32);
	}
	/* Both base64 alphabets, where they differ. */
	unsigned char fb[32], k[32];
	memset(fb, 0xfb, sizeof(fb));
	assert_int_equal(
	    sealed_key_parse("+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s=", k),
	    NARA_OK);
	assert_memory_equal(k, fb, 32);
	assert_int_equal(
	    sealed_key_parse("-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s=", k),
	    NARA_OK);
	assert_memory_equal(k, fb, 32);

	const char *bad[] = {
	    "",
	    "secret",
	    /* 31 and 33 bytes */
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2"
	    "0",
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==",
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g",
	    /* not hex, not base64 */
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g",
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH!8=",
	    "AAECAwQFBgcICQoL DA0ODxAREhMUFRYXGBkaGxwdHh8=",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(k, 0x55, sizeof(k));
		assert_int_equal(sealed_key_parse(bad[i], k), NARA_EINVAL);
		unsigned char zero[32] = {0};
		assert_memory_equal(k, zero,
				    32); /* nothing half-parsed is left */
	}
	assert_int_equal(sealed_key_parse(NULL, k), NARA_EINVAL);
}

static void test_config_key(void **state)
{
	(void)state;
	struct config cfg;
	char msg[256];
	unsetenv("NARA_SECRET_KEY");
	assert_int_equal(config_load(&cfg, msg, sizeof(msg)), NARA_OK);
	assert_int_equal(cfg.has_secret_key, 0);
	setenv("NARA_SECRET_KEY",
	       "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", 1);
	assert_int_equal(config_load(&cfg, msg, sizeof(msg)), NARA_OK);
	assert_int_equal(cfg.has_secret_key, 1);
	assert_memory_equal(cfg.secret_key, seq_key, 32);
	config_wipe(&cfg);
	assert_int_equal(cfg.has_secret_key, 0);
	unsigned char zero[32] = {0};
	assert_memory_equal(cfg.secret_key, zero, 32);
	setenv("NARA_SECRET_KEY", "too short", 1);
	assert_int_equal(config_load(&cfg, msg, sizeof(msg)), NARA_EINVAL);
	assert_non_null(strstr(msg, "NARA_SECRET_KEY must hold 32 bytes"));
	unsetenv("NARA_SECRET_KEY");
}

static void test_key_id(void **state)
{
	(void)state;
	char a[SEALED_KEY_ID_LEN + 1], b[SEALED_KEY_ID_LEN + 1];
	sealed_key_id(seq_key, a);
	sealed_key_id(seq_key, b);
	assert_int_equal(strlen(a), SEALED_KEY_ID_LEN);
	assert_string_equal(a, b);
	unsigned char other[32];
	memcpy(other, seq_key, 32);
	other[31] ^= 1;
	sealed_key_id(other, b);
	assert_string_not_equal(a, b);
}

static void test_seal_open(void **state)
{
	(void)state;
	const unsigned char plain[20] = "twenty bytes secret!";
	char t1[SEALED_MAX_TEXT], t2[SEALED_MAX_TEXT];
	assert_int_equal(sealed_seal(seq_key, "naratotp", 42, plain, 20, t1),
			 NARA_OK);
	assert_int_equal(sealed_seal(seq_key, "naratotp", 42, plain, 20, t2),
			 NARA_OK);
	/* A fresh nonce each time: the same secret never looks the same. */
	assert_string_not_equal(t1, t2);
	assert_null(strstr(t1, "twenty"));

	unsigned char out[32];
	size_t len = 0;
	assert_int_equal(
	    sealed_open(seq_key, "naratotp", 42, t1, out, sizeof(out), &len),
	    NARA_OK);
	assert_int_equal(len, 20);
	assert_memory_equal(out, plain, 20);

	/* Another owner, purpose or key: does not open. */
	assert_int_equal(
	    sealed_open(seq_key, "naratotp", 43, t1, out, sizeof(out), &len),
	    NARA_EINTEGRITY);
	assert_int_equal(len, 0);
	assert_int_equal(
	    sealed_open(seq_key, "naradocs", 42, t1, out, sizeof(out), &len),
	    NARA_EINTEGRITY);
	unsigned char other[32];
	memcpy(other, seq_key, 32);
	other[0] ^= 0x80;
	assert_int_equal(
	    sealed_open(other, "naratotp", 42, t1, out, sizeof(out), &len),
	    NARA_EINTEGRITY);

	/* Any one character changed: found. */
	for (size_t i = 0; i < strlen(t1); i++) {
		char t[SEALED_MAX_TEXT];
		strcpy(t, t1);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		enum nara_err err = sealed_open(seq_key, "naratotp", 42, t, out,
						sizeof(out), &len);
		/* The last character carries spare bits: may decode as bad
		 * base64. */
		assert_true(err == NARA_EINTEGRITY || err == NARA_EINVAL);
	}

	/* Not sealed text at all, too short, too long for the room given. */
	assert_int_equal(
	    sealed_open(seq_key, "naratotp", 42, "not base64!", out, 32, &len),
	    NARA_EINVAL);
	assert_int_equal(
	    sealed_open(seq_key, "naratotp", 42, "AAAA", out, 32, &len),
	    NARA_EINVAL);
	assert_int_equal(
	    sealed_open(seq_key, "naratotp", 42, t1, out, 19, &len),
	    NARA_EINVAL);
	assert_int_equal(
	    sealed_open(seq_key, "naratotp", 42, NULL, out, 32, &len),
	    NARA_EINVAL);
	/* A context of the wrong length is a programming error, refused. */
	assert_int_equal(sealed_seal(seq_key, "totp", 42, plain, 20, t2),
			 NARA_EINVAL);
	unsigned char big[SEALED_MAX_PLAIN + 1] = {0};
	assert_int_equal(
	    sealed_seal(seq_key, "naratotp", 1, big, sizeof(big), t2),
	    NARA_EINVAL);
	assert_int_equal(
	    sealed_seal(seq_key, "naratotp", 1, big, SEALED_MAX_PLAIN, t2),
	    NARA_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_parse),
	    cmocka_unit_test(test_config_key),
	    cmocka_unit_test(test_key_id),
	    cmocka_unit_test(test_seal_open),
	};
	return cmocka_run_group_tests_name("sealed", tests, NULL, NULL);
}
