/*
 * The live hub (src/http/live.c) on a real libevent loop with real
 * sockets: a stream is answered as text/event-stream and hears exactly
 * the news of its own record, once per version, from another thread; a
 * change made while the stream was on its way is told at once; a
 * keep-alive comment comes on time and evhttp's read timeout does not end
 * an idle stream; a closed client is removed from the books; the bounds
 * per owner and in total hold and are given back; "look again" reaches
 * every stream; freeing a loop ends its streams.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <arpa/inet.h>
#include <cmocka.h>
#include <errno.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/live.h"

struct server {
	struct event_base *base;
	struct evhttp *http;
	struct live_loop *live;
	int port;
};

static void on_close(struct evhttp_connection *conn, void *arg)
{
	struct server *s = arg;
	live_connection_closed(s->live, conn);
}

/* GET /s?id=N&since=S&current=C&owner=O: a stream on ("case", N). */
static void on_request(struct evhttp_request *req, void *arg)
{
	struct server *s = arg;
	long long id = 0, since = 0, current = 0;
	unsigned long long owner = 0;
	const char *uri = evhttp_request_get_uri(req);
	if (sscanf(uri, "/s?id=%lld&since=%lld&current=%lld&owner=%llu", &id,
		   &since, &current, &owner) != 4) {
		evhttp_send_error(req, 400, "Bad Request");
		return;
	}
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
				      on_close, s);
	evhttp_add_header(evhttp_request_get_output_headers(req),
			  "Content-Type", "text/event-stream");
	if (live_attach(s->live, req, "case", id, since, current, owner) !=
	    NARA_OK)
		evhttp_send_error(req, 503, "Service Unavailable");
}

static void pump(struct server *s)
{
	event_base_loop(s->base, EVLOOP_NONBLOCK);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* A client connection and what it has read so far. */
struct client {
	int fd;
	char got[8192];
	size_t len;
	int closed;
};

static void client_read(struct client *c)
{
	for (;;) {
		if (c->len + 1 >= sizeof(c->got))
			return;
		ssize_t n = recv(c->fd, c->got + c->len,
				 sizeof(c->got) - 1 - c->len, MSG_DONTWAIT);
		if (n > 0) {
			c->len += (size_t)n;
			c->got[c->len] = '\0';
			continue;
		}
		if (n == 0)
			c->closed = 1;
		return;
	}
}

/* Runs the loop and reads until needle appears; 1 when it did. */
static int wait_for(struct server *s, struct client *c, const char *needle,
		    int ms)
{
	for (int waited = 0; waited <= ms; waited += 5) {
		pump(s);
		client_read(c);
		if (strstr(c->got, needle) != NULL)
			return 1;
		sleep_ms(5);
	}
	return 0;
}

/* Runs the loop for ms, reading as it goes. */
static void settle(struct server *s, struct client *c, int ms)
{
	for (int waited = 0; waited < ms; waited += 5) {
		pump(s);
		if (c != NULL)
			client_read(c);
		sleep_ms(5);
	}
}

static void open_stream(struct server *s, struct client *c, int64_t id,
			int64_t since, int64_t current, uint64_t owner)
{
	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c->fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)s->port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	char req[256];
	int n =
	    snprintf(req, sizeof(req),
		     "GET /s?id=%" PRId64 "&since=%" PRId64 "&current=%" PRId64
		     "&owner=%" PRIu64 " HTTP/1.1\r\nHost: test\r\n\r\n",
		     id, since, current, owner);
	assert_int_equal(send(c->fd, req, (size_t)n, 0), n);
	/* The first thing a stream says: how long to wait before a retry. */
	assert_true(wait_for(s, c, "\r\n\r\n", 2000));
}

static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int setup(void **state)
{
	struct server *s = calloc(1, sizeof(*s));
	struct live_limits limits = {
	    .max_streams = 4, .max_per_owner = 2, .keepalive_ms = 2000};
	if (s == NULL || live_init(&limits) != NARA_OK)
		return -1;
	s->base = event_base_new();
	s->http = evhttp_new(s->base);
	/* A short read timeout: streams must outlive it. */
	evhttp_set_timeout(s->http, 1);
	struct evhttp_bound_socket *b =
	    evhttp_bind_socket_with_handle(s->http, "127.0.0.1", 0);
	if (b == NULL)
		return -1;
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	getsockname(evhttp_bound_socket_get_fd(b), (struct sockaddr *)&a,
		    &alen);
	s->port = ntohs(a.sin_port);
	evhttp_set_gencb(s->http, on_request, s);
	s->live = live_loop_new(s->base);
	if (s->live == NULL)
		return -1;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct server *s = *state;
	live_loop_free(s->live);
	s->live = NULL;
	evhttp_free(s->http);
	event_base_free(s->base);
	live_shutdown();
	free(s);
	return 0;
}

struct publish_args {
	const char *topic;
	int64_t id, version;
};

static void *publish_thread(void *arg)
{
	struct publish_args *p = arg;
	live_publish(p->topic, p->id, p->version);
	return NULL;
}

/* Publishes from another thread, as the listener does. */
static void publish_elsewhere(const char *topic, int64_t id, int64_t version)
{
	struct publish_args p = {topic, id, version};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, publish_thread, &p), 0);
	pthread_join(t, NULL);
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void test_news_of_its_own_record(void **state)
{
	struct server *s = *state;
	struct client a, b;
	open_stream(s, &a, 7, 4, 4, 1);
	open_stream(s, &b, 8, 1, 1, 2);
	assert_non_null(strstr(a.got, "HTTP/1.1 200"));
	assert_non_null(strstr(a.got, "text/event-stream"));
	assert_non_null(strstr(a.got, "X-Accel-Buffering: no"));
	assert_true(wait_for(s, &a, "retry: 3000\n\n", 1000));
	assert_int_equal(live_stream_count(), 2);

	publish_elsewhere("case", 7, 5);
	assert_true(wait_for(s, &a,
			     "event: change\ndata: {\"case\": 7, \"version\": "
			     "5}\n\n",
			     2000));
	/* The same version again, or an older one, is not news. */
	publish_elsewhere("case", 7, 5);
	publish_elsewhere("case", 7, 3);
	/* Another topic with the same id is another record. */
	publish_elsewhere("person", 7, 9);
	settle(s, &a, 100);
	assert_int_equal(count_of(a.got, "event: change"), 1);
	/* b follows case 8 and heard nothing of case 7. */
	client_read(&b);
	assert_null(strstr(b.got, "event: change"));

	client_close(&a);
	client_close(&b);
	settle(s, NULL, 100);
	assert_int_equal(live_stream_count(), 0);
}

static void test_a_change_on_the_way_is_told(void **state)
{
	struct server *s = *state;
	/* Changed after the page (version 2) but before the handler read. */
	struct client a;
	open_stream(s, &a, 20, 2, 3, 1);
	assert_true(wait_for(s, &a, "{\"case\": 20, \"version\": 3}", 1000));
	client_close(&a);
	/* Changed after the handler read, before the stream reached us. */
	publish_elsewhere("case", 21, 6);
	struct client b;
	open_stream(s, &b, 21, 5, 5, 1);
	assert_true(wait_for(s, &b, "{\"case\": 21, \"version\": 6}", 1000));
	/* Nothing the page already shows is told. */
	struct client c;
	open_stream(s, &c, 21, 6, 6, 2);
	settle(s, &c, 100);
	assert_null(strstr(c.got, "event: change"));
	client_close(&b);
	client_close(&c);
	settle(s, NULL, 50);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_keepalive_and_no_read_timeout(void **state)
{
	struct server *s = *state;
	struct client a;
	open_stream(s, &a, 30, 1, 1, 1);
	/*
	 * Keep-alives come every two seconds; the server's read timeout is
	 * one. Between two keep-alives the stream is silent for longer than
	 * the timeout (every write re-arms evhttp's timer, so only the
	 * silence tells): it must still be open when the second comes.
	 */
	assert_true(wait_for(s, &a, ": keep-alive\n\n", 4000));
	int64_t first = now_ms();
	for (int64_t t = first; t - first < 4000; t = now_ms()) {
		settle(s, &a, 20);
		if (a.closed || count_of(a.got, ": keep-alive") >= 2)
			break;
	}
	int64_t second = now_ms();
	assert_false(a.closed);
	assert_int_equal(count_of(a.got, ": keep-alive"), 2);
	assert_true(second - first >= 1100);
	assert_int_equal(live_stream_count(), 1);
	publish_elsewhere("case", 30, 2);
	assert_true(wait_for(s, &a, "{\"case\": 30, \"version\": 2}", 1000));
	client_close(&a);
	settle(s, NULL, 100);
	assert_int_equal(live_stream_count(), 0);
}

static void test_bounds(void **state)
{
	struct server *s = *state;
	struct client a, b, c, d, e;
	open_stream(s, &a, 40, 1, 1, 1);
	open_stream(s, &b, 41, 1, 1, 1);
	/* Owner 1 has two: the third is refused. */
	open_stream(s, &c, 42, 1, 1, 1);
	assert_non_null(strstr(c.got, "HTTP/1.1 503"));
	client_close(&c);
	open_stream(s, &c, 42, 1, 1, 2);
	open_stream(s, &d, 43, 1, 1, 3);
	assert_int_equal(live_stream_count(), 4);
	/* Four in the process: a fifth, from anyone, is refused. */
	open_stream(s, &e, 44, 1, 1, 4);
	assert_non_null(strstr(e.got, "HTTP/1.1 503"));
	client_close(&e);
	/* A closed stream gives its place back, to its owner too. */
	client_close(&a);
	settle(s, NULL, 100);
	assert_int_equal(live_stream_count(), 3);
	open_stream(s, &a, 45, 1, 1, 1);
	assert_non_null(strstr(a.got, "HTTP/1.1 200"));
	client_close(&a);
	client_close(&b);
	client_close(&c);
	client_close(&d);
	settle(s, NULL, 100);
	assert_int_equal(live_stream_count(), 0);
}

static void test_look_again_and_loop_end(void **state)
{
	struct server *s = *state;
	struct client a, b;
	open_stream(s, &a, 50, 3, 3, 1);
	open_stream(s, &b, 51, 3, 3, 2);
	live_publish_all();
	assert_true(wait_for(s, &a, "{\"case\": 50, \"version\": 0}", 1000));
	assert_true(wait_for(s, &b, "{\"case\": 51, \"version\": 0}", 1000));
	/* Freeing the loop ends each stream with the closing chunk. */
	live_loop_free(s->live);
	s->live = NULL;
	assert_int_equal(live_stream_count(), 0);
	assert_true(wait_for(s, &a, "\r\n0\r\n\r\n", 1000));
	client_close(&a);
	client_close(&b);
	settle(s, NULL, 50);
}

int main(void)
{
	evthread_use_pthreads();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_news_of_its_own_record, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_a_change_on_the_way_is_told,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_keepalive_and_no_read_timeout,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_look_again_and_loop_end, setup,
					    teardown),
	};
	return cmocka_run_group_tests_name("live", tests, NULL, NULL);
}
