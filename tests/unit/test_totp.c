/*
 * TOTP (src/domain/totp.c) against the published vectors: HMAC-SHA1 from
 * RFC 2202, HOTP from RFC 4226 appendix D, TOTP with SHA-1 from RFC 6238
 * appendix B, base32 from RFC 4648 section 10. Then what the RFCs leave to
 * us: the window of one step either side, never a step twice, and how a
 * typed code is read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* cmocka needs the headers above first. */
#include <cmocka.h>

#include "domain/totp.h"

static void hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void test_hmac_sha1_rfc2202(void **state)
{
	(void)state;
	unsigned char k20_0b[20], k20_0c[20], k20_aa[20], k80_aa[80], k25[25];
	unsigned char d50_dd[50], d50_cd[50];
	memset(k20_0b, 0x0b, sizeof(k20_0b));
	memset(k20_0c, 0x0c, sizeof(k20_0c));
	memset(k20_aa, 0xaa, sizeof(k20_aa));
	memset(k80_aa, 0xaa, sizeof(k80_aa));
	for (int i = 0; i < 25; i++)
		k25[i] = (unsigned char)(i + 1);
	memset(d50_dd, 0xdd, sizeof(d50_dd));
	memset(d50_cd, 0xcd, sizeof(d50_cd));
	const struct {
		const unsigned char *key;
		size_t key_len;
		const void *data;
		size_t data_len;
		const char *want;
	} cases[] = {
	    {k20_0b, 20, "Hi There", 8,
	     "b617318655057264e28bc0b6fb378c8ef146be00"},
	    {(const unsigned char *)"Jefe", 4, "what do ya want for nothing?",
	     28, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
	    {k20_aa, 20, d50_dd, 50,
	     "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
	    {k25, 25, d50_cd, 50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
	    {k20_0c, 20, "Test With Truncation", 20,
	     "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
	    {k80_aa, 80,
	     "Test Using Larger Than Block-Size Key - Hash Key First", 54,
	     "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
	    {k80_aa, 80,
	     "Test Using Larger Than Block-Size Key and Larger Than One"
	     " Block-Size Data",
	     73, "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char mac[20];
		char got[41];
		assert_int_equal(totp_hmac_sha1(cases[i].key, cases[i].key_len,
						cases[i].data,
						cases[i].data_len, mac),
				 0);
		hex(mac, 20, got);
		assert_string_equal(got, cases[i].want);
	}
}

static const unsigned char rfc_secret[] = "12345678901234567890";

static void test_hotp_rfc4226(void **state)
{
	(void)state;
	const uint32_t want[] = {755224, 287082, 359152, 969429, 338314,
				 254676, 287922, 162583, 399871, 520489};
	for (uint64_t c = 0; c < 10; c++)
		assert_int_equal(totp_hotp(rfc_secret, 20, c, 6), want[c]);
}

static void test_totp_rfc6238_sha1(void **state)
{
	(void)state;
	const struct {
		int64_t t;
		uint32_t code;
	} cases[] = {
	    {59, 94287082},	    {1111111109, 7081804},
	    {1111111111, 14050471}, {1234567890, 89005924},
	    {2000000000, 69279037}, {20000000000, 65353130},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t step = (uint64_t)totp_step(cases[i].t);
		assert_int_equal(totp_hotp(rfc_secret, 20, step, 8),
				 cases[i].code);
		/* The six digits an app shows are the last six. */
		assert_int_equal(totp_hotp(rfc_secret, 20, step, 6),
				 cases[i].code % 1000000);
	}
	assert_int_equal(totp_step(0), 0);
	assert_int_equal(totp_step(29), 0);
	assert_int_equal(totp_step(30), 1);
	assert_int_equal(totp_step(-1), -1);
}

static uint32_t code_at(int64_t t)
{
	return totp_hotp(rfc_secret, 20, (uint64_t)totp_step(t), TOTP_DIGITS);
}

static void test_verify_window(void **state)
{
	(void)state;
	const int64_t now = 1111111111; /* step 37037037, 1 s into it */
	const int64_t cur = totp_step(now);
	int64_t step = 0;
	/* This step and one either side; not two away. */
	const struct {
		int64_t offset;
		int ok;
	} cases[] = {
	    {0, 1}, {-30, 1}, {30, 1}, {-60, 0}, {60, 0}, {-90, 0}, {90, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		step = -7;
		uint32_t c = code_at(now + cases[i].offset);
		assert_int_equal(totp_verify(rfc_secret, 20, c, now, 0, &step),
				 cases[i].ok);
		if (cases[i].ok)
			assert_int_equal(step, cur + cases[i].offset / 30);
		else
			assert_int_equal(step, -7);
	}
	/* A wrong code, and a code of another secret. */
	uint32_t right = code_at(now);
	assert_int_equal(
	    totp_verify(rfc_secret, 20, (right + 1) % 1000000, now, 0, &step),
	    0);
	const unsigned char other[] = "abcdefghijabcdefghij";
	assert_int_equal(totp_verify(other, 20, right, now, 0, &step),
			 totp_hotp(other, 20, (uint64_t)cur, 6) == right);
	/* Before 1970 nothing is accepted. */
	assert_int_equal(
	    totp_verify(rfc_secret, 20, code_at(0), -5, -100, &step), 0);
}

static void test_verify_never_twice(void **state)
{
	(void)state;
	const int64_t now = 2000000000;
	const int64_t cur = totp_step(now);
	int64_t step = 0;
	/* Used at this step: this step's code and the one before are gone. */
	assert_int_equal(
	    totp_verify(rfc_secret, 20, code_at(now), now, cur, &step), 0);
	assert_int_equal(
	    totp_verify(rfc_secret, 20, code_at(now - 30), now, cur, &step), 0);
	/* The next step's code still passes, once the clock allows it. */
	assert_int_equal(
	    totp_verify(rfc_secret, 20, code_at(now + 30), now, cur, &step), 1);
	assert_int_equal(step, cur + 1);
	assert_int_equal(
	    totp_verify(rfc_secret, 20, code_at(now + 30), now, cur + 1, &step),
	    0);
	/* Used one step back: this step's code is fine. */
	assert_int_equal(
	    totp_verify(rfc_secret, 20, code_at(now), now, cur - 1, &step), 1);
	assert_int_equal(step, cur);
}

static void test_parse_code(void **state)
{
	(void)state;
	const struct {
		const char *in;
		int ok;
		uint32_t want;
	} cases[] = {
	    {"123456", 1, 123456},
	    {"123 456", 1, 123456},
	    {" 012345 ", 1, 12345},
	    {"000000", 1, 0},
	    {"1 2 3 4 5 6", 1, 123456},
	    {"12345", 0, 0},
	    {"1234567", 0, 0},
	    {"12a456", 0, 0},
	    {"123-456", 0, 0},
	    {"", 0, 0},
	    {"      ", 0, 0},
	    {"+12345", 0, 0},
	    {"\xef\xbc\x91"
	     "23456",
	     0, 0}, /* a full-width digit one */
	    {"123456\n", 0, 0},
	    {"                          123456", 1, 123456}, /* 32 bytes */
	    {"                           123456", 0, 0},     /* 33 bytes */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t v = 99;
		enum nara_err err = totp_parse_code(cases[i].in, &v);
		assert_int_equal(err, cases[i].ok ? NARA_OK : NARA_EINVAL);
		assert_int_equal(v, cases[i].want);
	}
	uint32_t v;
	assert_int_equal(totp_parse_code(NULL, &v), NARA_EINVAL);
}

static void test_base32_rfc4648(void **state)
{
	(void)state;
	const struct {
		const char *in, *want;
	} cases[] = {
	    {"", ""},
	    {"f", "MY"},
	    {"fo", "MZXQ"},
	    {"foo", "MZXW6"},
	    {"foob", "MZXW6YQ"},
	    {"fooba", "MZXW6YTB"},
	    {"foobar", "MZXW6YTBOI"},
	    {"12345678901234567890", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[TOTP_BASE32_MAX];
		size_t n = totp_base32((const unsigned char *)cases[i].in,
				       strlen(cases[i].in), out, sizeof(out));
		assert_int_equal(n, strlen(cases[i].want));
		assert_string_equal(out, cases[i].want);
	}
	/* Too small a buffer is refused, never overrun. */
	char small[8];
	assert_int_equal(totp_base32(rfc_secret, 20, small, sizeof(small)), 0);
	char exact[33];
	assert_int_equal(totp_base32(rfc_secret, 20, exact, sizeof(exact)), 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hmac_sha1_rfc2202),
	    cmocka_unit_test(test_hotp_rfc4226),
	    cmocka_unit_test(test_totp_rfc6238_sha1),
	    cmocka_unit_test(test_verify_window),
	    cmocka_unit_test(test_verify_never_twice),
	    cmocka_unit_test(test_parse_code),
	    cmocka_unit_test(test_base32_rfc4648),
	};
	return cmocka_run_group_tests_name("totp", tests, NULL, NULL);
}
