/*
 * Passwords (src/domain/password.c): what a new one must look like, that
 * the stored string is argon2id at the current cost, that only the right
 * password verifies, that a hash of another cost asks to be remade, and
 * that the check for an unknown user never succeeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* cmocka needs the headers above first. */
#include <cmocka.h>

#include "domain/password.h"

static void test_check_new(void **state)
{
	(void)state;
	char longest[PASSWORD_MAX_BYTES + 1], too_long[PASSWORD_MAX_BYTES + 2];
	memset(longest, 'x', PASSWORD_MAX_BYTES);
	longest[PASSWORD_MAX_BYTES] = '\0';
	memset(too_long, 'x', PASSWORD_MAX_BYTES + 1);
	too_long[PASSWORD_MAX_BYTES + 1] = '\0';
	const struct {
		const char *pw;
		enum nara_err want;
	} cases[] = {
	    {"korrekt häst batteri", NARA_OK},
	    {"twelve chars", NARA_OK},
	    {"eleven char", NARA_EINVAL},
	    /* Twelve characters, more bytes: characters count. */
	    {"åäöåäöåäöåäö", NARA_OK},
	    {"åäöåäöåäöåä", NARA_EINVAL},
	    {"", NARA_EINVAL},
	    {"with a\ttab inside", NARA_EINVAL},
	    {"with a newline\n", NARA_EINVAL},
	    {"delete \x7f character", NARA_EINVAL},
	    {"not utf-8 \xff\xfe here", NARA_EINVAL},
	    {longest, NARA_OK},
	    {too_long, NARA_ETOOBIG},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(password_check_new(cases[i].pw),
				 cases[i].want);
	assert_int_equal(password_check_new(NULL), NARA_EINVAL);
}

static void test_hash_and_verify(void **state)
{
	(void)state;
	char h1[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];
	assert_int_equal(password_hash("korrekt häst batteri", h1), NARA_OK);
	assert_int_equal(password_hash("korrekt häst batteri", h2), NARA_OK);
	/* argon2id at the current cost, each with its own salt. */
	char cost[64];
	snprintf(cost, sizeof(cost), "$argon2id$v=19$m=%zu,t=%d,p=1$",
		 PASSWORD_MEMLIMIT / 1024, PASSWORD_OPSLIMIT);
	assert_int_equal(strncmp(h1, cost, strlen(cost)), 0);
	assert_string_not_equal(h1, h2);
	assert_null(strstr(h1, "batteri"));

	assert_int_equal(password_verify(h1, "korrekt häst batteri"), 1);
	assert_int_equal(password_verify(h2, "korrekt häst batteri"), 1);
	assert_int_equal(password_verify(h1, "korrekt häst batteri "), 0);
	assert_int_equal(password_verify(h1, "Korrekt häst batteri"), 0);
	assert_int_equal(password_verify(h1, ""), 0);
	assert_int_equal(password_verify("not a hash", "korrekt häst batteri"),
			 0);
	assert_int_equal(password_verify("", ""), 0);
	assert_int_equal(password_verify(NULL, "x"), 0);
	assert_int_equal(password_verify(h1, NULL), 0);
	assert_int_equal(password_needs_rehash(h1), 0);
}

static void test_rehash(void **state)
{
	(void)state;
	char cheap[PASSWORD_HASH_MAX];
	assert_int_equal(
	    password_hash_with("korrekt häst batteri", 1, 8192, cheap),
	    NARA_OK);
	/* An old, cheaper hash still verifies, and asks to be remade. */
	assert_int_equal(password_verify(cheap, "korrekt häst batteri"), 1);
	assert_int_equal(password_needs_rehash(cheap), 1);
	assert_int_equal(password_needs_rehash("$2y$10$notargon2"), 1);
	assert_int_equal(password_needs_rehash(NULL), 1);
}

static void test_dummy(void **state)
{
	(void)state;
	/* Whatever is typed, the check for an unknown user says no. */
	assert_int_equal(password_verify_dummy("korrekt häst batteri"), 0);
	assert_int_equal(password_verify_dummy(""), 0);
	assert_int_equal(password_verify_dummy(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_new),
	    cmocka_unit_test(test_hash_and_verify),
	    cmocka_unit_test(test_rehash),
	    cmocka_unit_test(test_dummy),
	};
	return cmocka_run_group_tests_name("password", tests, NULL, NULL);
}
