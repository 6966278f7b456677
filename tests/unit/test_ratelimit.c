/*
 * The rate limiter (src/http/ratelimit.c) with the clock passed in: the
 * burst, the even refill and its Retry-After, classes and clients kept
 * apart, the bound on memory under a flood of addresses, several threads
 * on one bucket, which address a request counts against (X-Forwarded-For
 * only from a trusted proxy), and the NARA_RATE_* and NARA_TRUSTED_PROXY
 * settings.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* cmocka needs the headers above first. */
#include <cmocka.h>

#include "core/config.h"
#include "http/ratelimit.h"

#include "core/config.h"
#include "http/ratelimit.h"

static struct ratelimit *limiter(unsigned login_count, unsigned login_seconds,
				 size_t capacity)
{
	const struct rate_rule rules[RATE_CLASSES] = {
	    [RATE_LOGIN] = {login_count, login_seconds},
	    [RATE_FORM] = {2, 60},
	};
	struct ratelimit *rl = ratelimit_new(rules, capacity);
	assert_non_null(rl);
	return rl;
}

static void test_burst_then_even_refill(void **state)
{
	(void)state;
	/* Three in three seconds: a burst of three, then one a second. */
	struct ratelimit *rl = limiter(3, 3, 1000);
	uint64_t t = 5000000;
	for (int i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "10.0.0.1", t),
				 0);
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "10.0.0.1", t), 1);
	/* A refused request takes nothing: still one second to wait. */
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "10.0.0.1", t + 999),
			 1);
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "10.0.0.1", t + 1000),
			 0);
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "10.0.0.1", t + 1000),
			 1);
	/* After a long quiet, the burst again, and not a token more. */
	t += 10ull * 24 * 3600 * 1000;
	for (int i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "10.0.0.1", t),
				 0);
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "10.0.0.1", t), 1);
	ratelimit_free(rl);
}

static void test_retry_after_counts_down(void **state)
{
	(void)state;
	/* Two a minute: one token every thirty seconds. */
	struct ratelimit *rl = limiter(2, 60, 1000);
	uint64_t t = 1000;
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "c", t), 0);
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "c", t), 0);
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "c", t), 30);
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "c", t + 1),
			 30); /* 29.999 s: up */
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "c", t + 10000), 20);
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "c", t + 29001), 1);
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "c", t + 30000), 0);
	/* A clock that went backwards refills nothing and breaks nothing. */
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "c", t), 30);
	ratelimit_free(rl);
}

static void test_classes_and_clients_apart(void **state)
{
	(void)state;
	struct ratelimit *rl = limiter(1, 60, 1000);
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "10.0.0.1", 0), 0);
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "10.0.0.1", 0), 60);
	/* The same client's forms have their own bucket (two a minute). */
	assert_int_equal(ratelimit_take(rl, RATE_FORM, "10.0.0.1", 0), 0);
	assert_int_equal(ratelimit_take(rl, RATE_FORM, "10.0.0.1", 0), 0);
	assert_int_equal(ratelimit_take(rl, RATE_FORM, "10.0.0.1", 0), 30);
	/* Another client is not affected, nor a prefix of the first. */
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "10.0.0.2", 0), 0);
	assert_int_equal(ratelimit_take(rl, RATE_LOGIN, "10.0.0.", 0), 0);
	/* Unlimited: no class, or no limiter at all. */
	for (int i = 0; i < 100; i++) {
		assert_int_equal(ratelimit_take(rl, RATE_NONE, "10.0.0.1", 0),
				 0);
		assert_int_equal(
		    ratelimit_take(NULL, RATE_LOGIN, "10.0.0.1", 0), 0);
	}
	assert_int_equal(ratelimit_take(rl, RATE_CLASSES, "10.0.0.1", 0), 0);
	assert_int_equal(ratelimit_used(rl), 4);
	ratelimit_free(rl);
}

static void test_memory_is_bounded(void **state)
{
	(void)state;
	/* The smallest table: sixteen shards of sixteen slots. */
	struct ratelimit *rl = limiter(1, 3600, 1);
	char client[32];
	for (int i = 0; i < 20000; i++) {
		snprintf(client, sizeof(client), "10.%d.%d.%d", i >> 16,
			 (i >> 8) & 255, i & 255);
		/* A table full of spent buckets never turns a newcomer away. */
		if (ratelimit_take(rl, RATE_LOGIN, client, (uint64_t)i) != 0)
			fail_msg("client %d refused on its first request", i);
	}
	assert_true(ratelimit_used(rl) <= 16 * 16);
	assert_true(ratelimit_used(rl) >= 16 * 8);
	/* Spent buckets that are still in the table still refuse. */
	int refused = 0;
	for (int i = 19900; i < 20000; i++) {
		snprintf(client, sizeof(client), "10.%d.%d.%d", i >> 16,
			 (i >> 8) & 255, i & 255);
		refused += ratelimit_take(rl, RATE_LOGIN, client, 20000) != 0;
	}
	assert_true(refused > 50);
	ratelimit_free(rl);
}

struct hammer {
	struct ratelimit *rl;
	int allowed;
};

static void *hammer_main(void *arg)
{
	struct hammer *h = arg;
	for (int i = 0; i < 2000; i++)
		if (ratelimit_take(h->rl, RATE_LOGIN, "192.0.2.7", 777) == 0)
			h->allowed++;
	return NULL;
}

static void test_threads_share_one_bucket(void **state)
{
	(void)state;
	struct ratelimit *rl = limiter(1000, 3600, 1000);
	struct hammer h[4];
	pthread_t threads[4];
	for (int i = 0; i < 4; i++) {
		h[i] = (struct hammer){rl, 0};
		assert_int_equal(
		    pthread_create(&threads[i], NULL, hammer_main, &h[i]), 0);
	}
	int allowed = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		allowed += h[i].allowed;
	}
	/* 8000 tries at one instant: exactly the burst gets through. */
	assert_int_equal(allowed, 1000);
	ratelimit_free(rl);
}

static void test_which_client(void **state)
{
	(void)state;
	static const struct {
		const char *peer, *forwarded, *trusted, *want;
	} cases[] = {
	    {"198.51.100.7", NULL, NULL, "198.51.100.7"},
	    /* Without a trusted proxy the header is the client's to invent. */
	    {"198.51.100.7", "203.0.113.9", NULL, "198.51.100.7"},
	    {"198.51.100.7", "203.0.113.9", "10.0.0.5", "198.51.100.7"},
	    /* From the proxy: the entry it added, the last one. */
	    {"10.0.0.5", "203.0.113.9", "10.0.0.5", "203.0.113.9"},
	    {"10.0.0.5", "1.2.3.4, 203.0.113.9", "10.0.0.5", "203.0.113.9"},
	    {"10.0.0.5", "1.2.3.4,203.0.113.9 ", "10.0.0.4, 10.0.0.5",
	     "203.0.113.9"},
	    {"10.0.0.5", "1.2.3.4, not-an-address", "10.0.0.5", "10.0.0.5"},
	    {"10.0.0.5", "", "10.0.0.5", "10.0.0.5"},
	    {"10.0.0.5", NULL, "10.0.0.5", "10.0.0.5"},
	    {"10.0.0.50", "203.0.113.9", "10.0.0.5", "10.0.0.50"},
	    /* IPv6 by its /64; IPv4 written as IPv6 as IPv4. */
	    {"2001:db8:1:2:3:4:5:6", NULL, NULL, "2001:db8:1:2::/64"},
	    {"2001:db8:1:2:ffff::1", NULL, NULL, "2001:db8:1:2::/64"},
	    {"::ffff:192.0.2.1", NULL, NULL, "192.0.2.1"},
	    {"::1", "203.0.113.9", "::1", "203.0.113.9"},
	    {"10.0.0.5", "2001:db8:9:9::1", "10.0.0.5", "2001:db8:9:9::/64"},
	    /* Not an address at all: the string itself. */
	    {"unix:/run/nara.sock", NULL, NULL, "unix:/run/nara.sock"},
	    {NULL, "203.0.113.9", "10.0.0.5", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[RATELIMIT_CLIENT_MAX];
		ratelimit_client(cases[i].peer, cases[i].forwarded,
				 cases[i].trusted, out);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, out,
				 cases[i].want);
	}
}

static void test_settings(void **state)
{
	(void)state;
	struct rate_rule r;
	assert_int_equal(config_rate_parse("30/60", &r), 0);
	assert_int_equal(r.count, 30);
	assert_int_equal(r.seconds, 60);
	assert_int_equal(config_rate_parse("1000000/86400", &r), 0);
	static const char *const bad[] = {"0/60",
					  "30/0",
					  "30",
					  "/60",
					  "30/",
					  "30/60x",
					  "x30/60",
					  "1000001/1",
					  "1/86401",
					  "",
					  "-1/60",
					  "30//60",
					  "12345678901234567/1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (config_rate_parse(bad[i], &r) == 0)
			fail_msg("'%s' was accepted", bad[i]);
	assert_int_not_equal(config_rate_parse(NULL, &r), 0);

	struct config cfg;
	char msg[256];
	unsetenv("NARA_RATE_LOGIN");
	unsetenv("NARA_RATE_FORM");
	unsetenv("NARA_TRUSTED_PROXY");
	assert_int_equal(config_load(&cfg, msg, sizeof(msg)), NARA_OK);
	assert_int_equal(cfg.rate_login.count, 30);
	assert_int_equal(cfg.rate_login.seconds, 60);
	assert_int_equal(cfg.rate_form.count, 60);
	assert_null(cfg.trusted_proxy);
	setenv("NARA_RATE_LOGIN", "5/2", 1);
	setenv("NARA_TRUSTED_PROXY", "10.0.0.5, ::1", 1);
	assert_int_equal(config_load(&cfg, msg, sizeof(msg)), NARA_OK);
	assert_int_equal(cfg.rate_login.count, 5);
	assert_int_equal(cfg.rate_login.seconds, 2);
	assert_string_equal(cfg.trusted_proxy, "10.0.0.5, ::1");
	setenv("NARA_RATE_FORM", "many", 1);
	assert_int_equal(config_load(&cfg, msg, sizeof(msg)), NARA_EINVAL);
	assert_non_null(strstr(msg, "NARA_RATE_FORM"));
	unsetenv("NARA_RATE_FORM");
	setenv("NARA_TRUSTED_PROXY", "10.0.0.5, proxy.example", 1);
	assert_int_equal(config_load(&cfg, msg, sizeof(msg)), NARA_EINVAL);
	assert_non_null(strstr(msg, "NARA_TRUSTED_PROXY"));
	setenv("NARA_TRUSTED_PROXY", "10.0.0.5,", 1);
	assert_int_equal(config_load(&cfg, msg, sizeof(msg)), NARA_EINVAL);
	unsetenv("NARA_TRUSTED_PROXY");
	unsetenv("NARA_RATE_LOGIN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_burst_then_even_refill),
	    cmocka_unit_test(test_retry_after_counts_down),
	    cmocka_unit_test(test_classes_and_clients_apart),
	    cmocka_unit_test(test_memory_is_bounded),
	    cmocka_unit_test(test_threads_share_one_bucket),
	    cmocka_unit_test(test_which_client),
	    cmocka_unit_test(test_settings),
	};
	return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
