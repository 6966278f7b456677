/*
 * Video meetings: the door (src/policy/video_door.c) as a table of
 * cases, and the signalling messages (src/domain/video_signal.c): what
 * is read, what is refused, and what is relayed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above first. */
#include <cmocka.h>

#include "domain/video_signal.h"
#include "policy/video_door.h"

#define PEER "0123456789abcdef0123456789abcdef"

static void test_door(void **state)
{
	(void)state;
	const int64_t S = 1800000000, E = S + 3600;
	const struct {
		struct video_facts f;
		int64_t now;
		enum video_door want;
	} cases[] = {
	    {{0, 1, 1, VIDEO_CITIZEN, S, E}, S, VIDEO_DENY_NOT_FOUND},
	    {{1, 1, 1, VIDEO_NOT_INVITED, S, E}, S, VIDEO_DENY_NOT_INVITED},
	    /* Not invited hears nothing else, whatever the meeting. */
	    {{1, 0, 0, VIDEO_NOT_INVITED, S, E},
	     S - 86400,
	     VIDEO_DENY_NOT_INVITED},
	    {{1, 1, 0, VIDEO_OFFICER, S, E}, S, VIDEO_DENY_NOT_VIDEO},
	    {{1, 0, 1, VIDEO_OFFICER, S, E}, S, VIDEO_DENY_CANCELLED},
	    {{1, 1, 1, VIDEO_CITIZEN, S, E},
	     S - VIDEO_OPENS_BEFORE - 1,
	     VIDEO_DENY_TOO_EARLY},
	    {{1, 1, 1, VIDEO_CITIZEN, S, E},
	     S - VIDEO_OPENS_BEFORE,
	     VIDEO_OPEN},
	    {{1, 1, 1, VIDEO_INTERPRETER, S, E}, S + 60, VIDEO_OPEN},
	    {{1, 1, 1, VIDEO_OFFICER, S, E}, E - 1, VIDEO_OPEN},
	    {{1, 1, 1, VIDEO_OFFICER, S, E}, E, VIDEO_DENY_ENDED},
	    {{1, 1, 1, (enum video_role)7, S, E}, S, VIDEO_DENY_NOT_INVITED},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(video_door_decide(&cases[i].f, cases[i].now,
						   VIDEO_OPENS_BEFORE),
				 cases[i].want);
	/* An operator's lead (NARA_VIDEO_OPEN_MINUTES): an hour. */
	const struct video_facts f = {1, 1, 1, VIDEO_CITIZEN, S, E};
	assert_int_equal(video_door_decide(&f, S - 3601, 3600),
			 VIDEO_DENY_TOO_EARLY);
	assert_int_equal(video_door_decide(&f, S - 3600, 3600), VIDEO_OPEN);
	assert_int_equal(video_door_decide(&f, E, 3600), VIDEO_DENY_ENDED);
}

static enum nara_err parse(const char *s, struct video_signal *out)
{
	return video_signal_parse(s, strlen(s), out);
}

static void test_messages_read(void **state)
{
	(void)state;
	struct video_signal m;
	assert_int_equal(parse("{\"type\":\"join\"}", &m), NARA_OK);
	assert_int_equal(m.type, VIDEO_SIGNAL_JOIN);
	video_signal_free(&m);
	assert_int_equal(parse("{\"type\":\"offer\",\"to\":\"" PEER
			       "\",\"sdp\":\"v=0\\r\\ns=-\\r\\n\"}",
			       &m),
			 NARA_OK);
	assert_string_equal(m.to, PEER);
	assert_string_equal(m.sdp, "v=0\r\ns=-\r\n");
	char *json = video_signal_json(&m);
	assert_string_equal(json, "{\"type\":\"offer\",\"to\":\"" PEER
				  "\",\"sdp\":\"v=0\\r\\ns=-\\r\\n\"}");
	free(json);
	video_signal_free(&m);
	assert_int_equal(
	    parse("{\"type\":\"candidate\",\"to\":\"" PEER
		  "\",\"candidate\":\"candidate:1 1 udp 1 127.0.0.1 5 typ "
		  "relay\",\"mid\":\"0\",\"index\":1}",
		  &m),
	    NARA_OK);
	assert_int_equal(m.index, 1);
	assert_string_equal(m.mid, "0");
	video_signal_free(&m);
}

static void test_messages_refused(void **state)
{
	(void)state;
	const char *bad[] = {
	    "",
	    "[]",
	    "{\"type\":\"hello\"}",
	    "{\"type\":\"join\",\"extra\":1}",
	    "{\"type\":\"join\",\"type\":\"leave\"}",
	    "{\"type\":\"offer\",\"sdp\":\"v=0\"}",
	    "{\"type\":\"offer\",\"to\":\"ABCDEF\",\"sdp\":\"v=0\"}",
	    "{\"type\":\"offer\",\"to\":\"" PEER "\",\"sdp\":\"\"}",
	    "{\"type\":\"offer\",\"to\":\"" PEER "\",\"sdp\":\"<\\u0000>\"}",
	    "{\"type\":\"offer\",\"to\":\"" PEER "\",\"sdp\":\"\\u00e5\"}",
	    "{\"type\":\"offer\",\"to\":\"" PEER "\",\"sdp\":\"v=0\",\"x\":1}",
	    "{\"type\":\"answer\",\"to\":\"" PEER "\",\"sdp\":7}",
	    "{\"type\":\"candidate\",\"to\":\"" PEER
	    "\",\"candidate\":\"a\\nb\",\"mid\":\"0\",\"index\":0}",
	    "{\"type\":\"candidate\",\"to\":\"" PEER
	    "\",\"candidate\":\"a\",\"mid\":\"0 1\",\"index\":0}",
	    "{\"type\":\"candidate\",\"to\":\"" PEER
	    "\",\"candidate\":\"a\",\"mid\":\"0\",\"index\":64}",
	    "{\"type\":\"candidate\",\"to\":\"" PEER
	    "\",\"candidate\":\"a\",\"mid\":\"0\",\"index\":-1}",
	    "{\"type\":\"candidate\",\"to\":\"" PEER "\",\"candidate\":\"a\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct video_signal m;
		assert_int_equal(parse(bad[i], &m), NARA_EINVAL);
		assert_null(m.sdp);
		assert_null(m.candidate);
	}
	/* Too big: refused before it is read. */
	size_t n = VIDEO_SIGNAL_BODY_MAX + 1;
	char *big = malloc(n + 1);
	memset(big, ' ', n);
	big[n] = '\0';
	struct video_signal m;
	assert_int_equal(video_signal_parse(big, n, &m), NARA_ETOOBIG);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_door),
	    cmocka_unit_test(test_messages_read),
	    cmocka_unit_test(test_messages_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
