/* Request targets and routing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/http.h"
#include "http/path.h"

static void test_path_split(void **state)
{
	(void)state;
	static const struct {
		const char *target;
		enum nara_err err;
		const char *path, *query;
	} rows[] = {
		{"/", NARA_OK, "/", NULL},
		{"/kommun/bjuv?x=1&y=2", NARA_OK, "/kommun/bjuv", "x=1&y=2"},
		{"/a%20b", NARA_OK, "/a b", NULL},
		{"/%C3%A5", NARA_OK, "/å", NULL},
		{"/a?", NARA_OK, "/a", ""},
		{"/a#frag", NARA_OK, "/a", NULL},
		{"/a?q=1#frag", NARA_OK, "/a", "q=1"},
		{"", NARA_EINVAL, NULL, NULL},
		{"kommun", NARA_EINVAL, NULL, NULL},
		{"/%ff", NARA_EINVAL, NULL, NULL},
		{"/%c3%28", NARA_EINVAL, NULL, NULL},
		{"/%00", NARA_EINVAL, NULL, NULL},
		{"/%0a", NARA_EINVAL, NULL, NULL},
		{"/%", NARA_EINVAL, NULL, NULL},
		{"/%a", NARA_EINVAL, NULL, NULL},
		{"/%zz", NARA_EINVAL, NULL, NULL},
		{"/a/../b", NARA_EINVAL, NULL, NULL},
		{"/a/./b", NARA_EINVAL, NULL, NULL},
		{"/%2e%2e/etc", NARA_EINVAL, NULL, NULL},
		{"/..", NARA_EINVAL, NULL, NULL},
		{"/...", NARA_OK, "/...", NULL},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct arena a;
		arena_init(&a, 1 << 20);
		const char *path = NULL, *query = NULL;
		enum nara_err err = path_split(&a, rows[i].target, 8192, &path, &query);
		if (err != rows[i].err)
			fail_msg("'%s': got %d, want %d", rows[i].target, err, rows[i].err);
		if (err == NARA_OK) {
			assert_string_equal(path, rows[i].path);
			if (rows[i].query == NULL)
				assert_null(query);
			else
				assert_string_equal(query, rows[i].query);
		}
		arena_free(&a);
	}
	struct arena a;
	arena_init(&a, 0);
	char big[9000];
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	const char *p, *q;
	assert_int_equal(path_split(&a, big, 8192, &p, &q), NARA_ETOOBIG);
	arena_free(&a);
}

static void test_router(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	arena_init(&r.arena, 0);
	unsigned allowed = 0;
	assert_int_equal(router_match("/kommun/bjuv", HTTP_GET, &r, &allowed), NARA_OK);
	assert_string_equal(r.route->name, "municipality");
	assert_int_equal(r.nparams, 1);
	assert_string_equal(r.params[0], "bjuv");
	assert_int_equal(router_match("/", HTTP_GET, &r, &allowed), NARA_OK);
	assert_string_equal(r.route->name, "home");
	assert_int_equal(router_match("/kommun/", HTTP_GET, &r, &allowed), NARA_ENOTFOUND);
	assert_int_equal(router_match("/kommun/a/b", HTTP_GET, &r, &allowed), NARA_ENOTFOUND);
	assert_int_equal(router_match("/nope", HTTP_GET, &r, &allowed), NARA_ENOTFOUND);
	r.route = NULL;
	assert_int_equal(router_match("/", HTTP_POST, &r, &allowed), NARA_EINVAL);
	assert_int_equal(allowed, HTTP_GET);
	assert_null(r.route);
	arena_free(&r.arena);
}

static void test_status_of(void **state)
{
	(void)state;
	assert_int_equal(http_status_of(NARA_EINVAL), 400);
	assert_int_equal(http_status_of(NARA_EDENIED), 403);
	assert_int_equal(http_status_of(NARA_ENOTFOUND), 404);
	assert_int_equal(http_status_of(NARA_ETOOBIG), 413);
	assert_int_equal(http_status_of(NARA_EDBDOWN), 503);
	assert_int_equal(http_status_of(NARA_EDB), 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_split),
		cmocka_unit_test(test_router),
		cmocka_unit_test(test_status_of),
	};
	return cmocka_run_group_tests_name("path", tests, NULL, NULL);
}
