/*
 * The parsers of untrusted input: UTF-8, url-encoded forms and query
 * strings, cookies and multipart bodies. Each row is an input and exactly
 * what must come out of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/utf8.h"
#include "http/cookie.h"
#include "http/form.h"
#include "http/multipart.h"

static void test_utf8(void **state)
{
	(void)state;
	static const struct { const char *s; size_t len; int ok; } rows[] = {
		{"", 0, 1},
		{"plain", 5, 1},
		{"åäö", 6, 1},
		{"\xe2\x82\xac", 3, 1},            /* € */
		{"\xf0\x9f\x98\x80", 4, 1},        /* 😀 */
		{"\xf4\x8f\xbf\xbf", 4, 1},        /* U+10FFFF */
		{"\xc0\x80", 2, 0},                /* overlong NUL */
		{"\xc1\xbf", 2, 0},                /* overlong */
		{"\xe0\x80\xaf", 3, 0},            /* overlong '/' */
		{"\xed\xa0\x80", 3, 0},            /* surrogate */
		{"\xf4\x90\x80\x80", 4, 0},        /* above U+10FFFF */
		{"\xf5\x80\x80\x80", 4, 0},
		{"\xff", 1, 0},
		{"\xc3", 1, 0},                    /* truncated */
		{"\xe2\x82", 2, 0},
		{"a\x80", 2, 0},                   /* lone continuation */
		{"\xc3\x28", 2, 0},                /* bad continuation */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (utf8_valid(rows[i].s, rows[i].len) != rows[i].ok)
			fail_msg("row %zu: want %d", i, rows[i].ok);
}

static void test_form(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	struct kvlist l;
	const char *in = "a=1&b=x+y%20z&&c&d=%C3%A5&e=";
	assert_int_equal(form_parse(&a, in, strlen(in), 10, &l), NARA_OK);
	assert_int_equal(l.count, 5);
	assert_string_equal(l.items[0].key, "a");
	assert_string_equal(l.items[0].value, "1");
	assert_string_equal(kv_get(&l, "b"), "x y z");
	assert_int_equal(l.items[1].value_len, 5);
	assert_string_equal(kv_get(&l, "c"), "");
	assert_string_equal(kv_get(&l, "d"), "å");
	assert_string_equal(kv_get(&l, "e"), "");
	assert_null(kv_get(&l, "zz"));

	static const struct { const char *in; enum nara_err err; } bad[] = {
		{"a=%zz", NARA_EINVAL}, {"a=%", NARA_EINVAL}, {"a=%4", NARA_EINVAL},
		{"a=%00", NARA_EINVAL}, {"a=%ff", NARA_EINVAL}, {"%c3%28=1", NARA_EINVAL},
		{"a=1&b=2&c=3", NARA_ETOOBIG},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (form_parse(&a, bad[i].in, strlen(bad[i].in), 2, &l) != bad[i].err)
			fail_msg("'%s' was not refused as it should be", bad[i].in);
	/* Empty input is no fields, not an error. */
	assert_int_equal(form_parse(&a, "", 0, 2, &l), NARA_OK);
	assert_int_equal(l.count, 0);
	arena_free(&a);
}

static void test_cookie(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	struct kvlist l;
	const char *in = " lang=en; sid=\"abc\" ;junk; =x; ctl=a\x01" "b; last=ö ";
	assert_int_equal(cookie_parse(&a, in, strlen(in), 10, &l), NARA_OK);
	assert_int_equal(l.count, 3);
	assert_string_equal(kv_get(&l, "lang"), "en");
	assert_string_equal(kv_get(&l, "sid"), "abc");
	assert_string_equal(kv_get(&l, "last"), "ö");
	assert_null(kv_get(&l, "ctl"));   /* a control byte skips the pair */
	assert_null(kv_get(&l, "junk"));  /* no '=' */
	const char *many = "a=1; b=2; c=3";
	assert_int_equal(cookie_parse(&a, many, strlen(many), 2, &l), NARA_ETOOBIG);
	/* Pieces without '=' do not count against the limit. */
	const char *padded = "a=1; x; y; z; b=2";
	assert_int_equal(cookie_parse(&a, padded, strlen(padded), 2, &l), NARA_OK);
	assert_int_equal(l.count, 2);
	arena_free(&a);
}

static void test_multipart_boundary(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	const char *b;
	assert_int_equal(multipart_boundary(&a, "multipart/form-data; boundary=XyZ", &b), NARA_OK);
	assert_string_equal(b, "XyZ");
	assert_int_equal(multipart_boundary(&a, "multipart/form-data; charset=utf-8; boundary=\"a b\"", &b), NARA_OK);
	assert_string_equal(b, "a b");
	assert_int_equal(multipart_boundary(&a, "multipart/form-data", &b), NARA_EINVAL);
	assert_int_equal(multipart_boundary(&a, "multipart/form-data; boundary=", &b), NARA_EINVAL);
	assert_int_equal(multipart_boundary(&a, "multipart/form-data; boundary=\"open", &b), NARA_EINVAL);
	char longb[128] = "multipart/form-data; boundary=";
	memset(longb + strlen(longb), 'x', 71);
	assert_int_equal(multipart_boundary(&a, longb, &b), NARA_EINVAL);
	arena_free(&a);
}

static void test_multipart(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	struct multipart m;
	size_t len;
	static const char raw[] =
		"preamble\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"title\"\r\n"
		"\r\n"
		"Hej på dig\r\n"
		"--XyZ\r\n"
		"content-disposition: form-data; name=\"file\"; filename=\"intyg \\\"1\\\".pdf\"\r\n"
		"Content-Type: application/pdf\r\n"
		"\r\n"
		"%PDF-1.4\r\n\x00\x01" "binary\r\n"
		"--XyZ--\r\n"
		"epilogue";
	len = sizeof(raw) - 1;
	assert_int_equal(multipart_parse(&a, "XyZ", raw, len, 8, &m), NARA_OK);
	assert_int_equal(m.count, 2);
	assert_string_equal(m.parts[0].name, "title");
	assert_null(m.parts[0].filename);
	assert_string_equal(m.parts[0].content_type, "text/plain");
	assert_int_equal(m.parts[0].len, strlen("Hej på dig"));
	assert_memory_equal(m.parts[0].data, "Hej på dig", m.parts[0].len);
	assert_string_equal(m.parts[1].name, "file");
	assert_string_equal(m.parts[1].filename, "intyg \"1\".pdf");
	assert_string_equal(m.parts[1].content_type, "application/pdf");
	assert_int_equal(m.parts[1].len, 18);
	assert_memory_equal(m.parts[1].data, "%PDF-1.4\r\n\x00\x01" "binary", 18);

	/* Starting at the delimiter, without a preamble. */
	const char *direct = "--B\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--B--";
	assert_int_equal(multipart_parse(&a, "B", direct, strlen(direct), 8, &m), NARA_OK);
	assert_int_equal(m.count, 1);
	assert_string_equal(m.parts[0].name, "a");
	assert_string_equal(m.parts[0].data, "1");

	static const char *bad[] = {
		"--B\r\nContent-Disposition: form-data; name=a\r\n\r\n1",        /* never closed */
		"--B\r\nContent-Type: text/plain\r\n\r\n1\r\n--B--",             /* no name */
		"--B\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--B--",
		"--B\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--B--",
		"no delimiter at all",
		"--B--",                                                          /* no parts */
		"--Bjunk\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (multipart_parse(&a, "B", bad[i], strlen(bad[i]), 8, &m) != NARA_EINVAL)
			fail_msg("bad body %zu was accepted", i);
	const char *three = "--B\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
			    "--B\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n"
			    "--B\r\nContent-Disposition: form-data; name=c\r\n\r\n3\r\n--B--";
	assert_int_equal(multipart_parse(&a, "B", three, strlen(three), 2, &m), NARA_ETOOBIG);
	assert_int_equal(multipart_parse(&a, "B", three, strlen(three), 3, &m), NARA_OK);
	assert_string_equal(m.parts[2].name, "c");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_multipart_boundary),
		cmocka_unit_test(test_multipart),
	};
	return cmocka_run_group_tests_name("parsers", tests, NULL, NULL);
}
