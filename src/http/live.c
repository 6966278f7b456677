/*
 * The live hub; see live.h for what it promises. How it is kept:
 *
 *   hub (one per process, under hub.lock): the loops that exist, how many
 *   streams each has, the count per owner, and a ring of recent news.
 *   Taken by publishers, and by a loop when a stream comes or goes; never
 *   held while writing to a socket.
 *
 *   live_loop (one per event loop): a queue of news under its own lock
 *   (filled by publishers, emptied by the loop), and the loop's streams in
 *   three lists that only the loop's thread touches: by (topic, id), to
 *   send news; by connection, to drop a stream when its connection
 *   closes; and all of them, for the keep-alive.
 *
 * Lock order: hub.lock, then a loop's queue lock. The loop empties its
 * queue under the queue lock alone, then writes without any lock.
 */
#include "http/live.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	TOPIC_MAX = 16,
	MAX_LOOPS = 256,
	BUCKETS = 1024,
	RING = 1024,	     /* recent news kept for late attachers */
	QUEUE_MAX = 4096,    /* news waiting for one loop; more: "look again" */
	BACKLOG_MAX = 65536, /* unsent bytes before a stream is given up */
	WRITE_TIMEOUT_S = 30,
	RETRY_MS = 3000, /* what the browser waits before reconnecting */
};

struct news {
	char topic[TOPIC_MAX];
	int64_t id, version;
};

struct live_stream {
	struct evhttp_request *req;
	struct evhttp_connection *conn;
	char topic[TOPIC_MAX];
	int64_t id;
	int64_t sent; /* the last version told; news of older ones is not */
	uint64_t owner;
	struct live_stream *by_topic, *by_conn; /* bucket chains */
	struct live_stream *prev, *next;	/* all streams of the loop */
};

struct live_loop {
	struct event_base *base;
	struct event *wake, *keepalive;
	struct evbuffer *out; /* reused for every write */
	pthread_mutex_t lock; /* the queue */
	struct news *queue;
	size_t nqueue;
	int look_again; /* the queue overflowed or news was lost */
	/* The loop's thread only: */
	struct live_stream *topics[BUCKETS], *conns[BUCKETS];
	struct live_stream *all;
	size_t streams; /* also read by publishers, under hub.lock */
};

struct owner_count {
	uint64_t owner;
	int count;
	struct owner_count *next;
};

static struct {
	pthread_mutex_t lock;
	int ready;
	struct live_limits limits;
	struct live_loop *loops[MAX_LOOPS];
	size_t nloops;
	size_t streams;
	struct owner_count *owners[BUCKETS];
	struct news ring[RING];
	size_t ring_next, ring_len;
} hub = {.lock = PTHREAD_MUTEX_INITIALIZER};

static size_t hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (size_t)(x % BUCKETS);
}

static size_t topic_bucket(const char *topic, int64_t id)
{
	uint64_t h = (uint64_t)id;
	for (const char *p = topic; *p; p++)
		h = h * 31 + (unsigned char)*p;
	return hash_u64(h);
}

static size_t conn_bucket(const struct evhttp_connection *conn)
{
	return hash_u64((uint64_t)(uintptr_t)conn);
}

static int topic_ok(const char *topic)
{
	size_t n = 0;
	for (; topic[n] != '\0'; n++)
		if ((topic[n] < 'a' || topic[n] > 'z') && topic[n] != '_')
			return 0;
	return n > 0 && n < TOPIC_MAX;
}

/* ---- the process ---- */

enum nara_err live_init(const struct live_limits *limits)
{
	pthread_mutex_lock(&hub.lock);
	hub.limits.max_streams =
	    limits && limits->max_streams > 0 ? limits->max_streams : 10000;
	hub.limits.max_per_owner =
	    limits && limits->max_per_owner > 0 ? limits->max_per_owner : 16;
	hub.limits.keepalive_ms =
	    limits && limits->keepalive_ms > 0 ? limits->keepalive_ms : 25000;
	hub.ready = 1;
	hub.ring_len = hub.ring_next = 0;
	pthread_mutex_unlock(&hub.lock);
	return NARA_OK;
}

void live_shutdown(void)
{
	pthread_mutex_lock(&hub.lock);
	hub.ready = 0;
	for (size_t i = 0; i < BUCKETS; i++) {
		while (hub.owners[i] != NULL) {
			struct owner_count *o = hub.owners[i];
			hub.owners[i] = o->next;
			free(o);
		}
	}
	pthread_mutex_unlock(&hub.lock);
}

size_t live_stream_count(void)
{
	pthread_mutex_lock(&hub.lock);
	size_t n = hub.streams;
	pthread_mutex_unlock(&hub.lock);
	return n;
}

/* Under hub.lock: the owner's count, created at 0 when asked to. */
static struct owner_count *owner_find(uint64_t owner, int create)
{
	size_t b = hash_u64(owner);
	for (struct owner_count *o = hub.owners[b]; o != NULL; o = o->next)
		if (o->owner == owner)
			return o;
	if (!create)
		return NULL;
	struct owner_count *o = calloc(1, sizeof(*o));
	if (o == NULL)
		return NULL;
	o->owner = owner;
	o->next = hub.owners[b];
	hub.owners[b] = o;
	return o;
}

static void owner_release(uint64_t owner)
{
	size_t b = hash_u64(owner);
	for (struct owner_count **pp = &hub.owners[b]; *pp != NULL;
	     pp = &(*pp)->next) {
		if ((*pp)->owner == owner) {
			if (--(*pp)->count <= 0) {
				struct owner_count *dead = *pp;
				*pp = dead->next;
				free(dead);
			}
			return;
		}
	}
}

/* Under hub.lock: queues news for one loop and wakes it. */
static void queue_news(struct live_loop *ll, const struct news *n)
{
	pthread_mutex_lock(&ll->lock);
	int merged = 0;
	for (size_t i = 0; n != NULL && i < ll->nqueue && !merged; i++) {
		struct news *q = &ll->queue[i];
		if (q->id == n->id && strcmp(q->topic, n->topic) == 0) {
			/* The newest wins; 0 ("look again") beats any. */
			if (n->version == 0 ||
			    (q->version != 0 && n->version > q->version))
				q->version = n->version;
			merged = 1;
		}
	}
	if (n == NULL)
		ll->look_again = 1;
	else if (!merged && ll->nqueue < QUEUE_MAX)
		ll->queue[ll->nqueue++] = *n;
	else if (!merged)
		ll->look_again = 1;
	pthread_mutex_unlock(&ll->lock);
	event_active(ll->wake, EV_READ, 0);
}

void live_publish(const char *topic, int64_t id, int64_t version)
{
	if (topic == NULL || !topic_ok(topic))
		return;
	struct news n = {.id = id, .version = version};
	memcpy(n.topic, topic, strlen(topic) + 1);
	pthread_mutex_lock(&hub.lock);
	if (hub.ready) {
		hub.ring[hub.ring_next] = n;
		hub.ring_next = (hub.ring_next + 1) % RING;
		if (hub.ring_len < RING)
			hub.ring_len++;
		for (size_t i = 0; i < hub.nloops; i++)
			if (hub.loops[i]->streams > 0)
				queue_news(hub.loops[i], &n);
	}
	pthread_mutex_unlock(&hub.lock);
}

void live_publish_all(void)
{
	pthread_mutex_lock(&hub.lock);
	for (size_t i = 0; hub.ready && i < hub.nloops; i++)
		if (hub.loops[i]->streams > 0)
			queue_news(hub.loops[i], NULL);
	pthread_mutex_unlock(&hub.lock);
}

void live_on_notify(const char *topic, int64_t id, int64_t version, void *arg)
{
	(void)arg;
	if (topic == NULL)
		live_publish_all();
	else
		live_publish(topic, id, version);
}

/* ---- streams, on their loop's thread ---- */

static void unlink_stream(struct live_loop *ll, struct live_stream *s)
{
	struct live_stream **pp = &ll->topics[topic_bucket(s->topic, s->id)];
	while (*pp != s)
		pp = &(*pp)->by_topic;
	*pp = s->by_topic;
	pp = &ll->conns[conn_bucket(s->conn)];
	while (*pp != s)
		pp = &(*pp)->by_conn;
	*pp = s->by_conn;
	if (s->prev)
		s->prev->next = s->next;
	else
		ll->all = s->next;
	if (s->next)
		s->next->prev = s->prev;
	pthread_mutex_lock(&hub.lock);
	ll->streams--;
	hub.streams--;
	owner_release(s->owner);
	pthread_mutex_unlock(&hub.lock);
}

/*
 * Ends a stream from our side: the closing chunk is sent, and the
 * connection closes after it (the stream was sent "Connection: close").
 */
static void end_stream(struct live_loop *ll, struct live_stream *s)
{
	unlink_stream(ll, s);
	evhttp_send_reply_end(s->req);
	free(s);
}

/*
 * Writes text to the stream; gives up on a client that does not read
 * (returns -1: the stream is gone).
 */
static int stream_write(struct live_loop *ll, struct live_stream *s,
			const char *text, size_t len)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(s->conn);
	if (bev != NULL &&
	    evbuffer_get_length(bufferevent_get_output(bev)) > BACKLOG_MAX) {
		end_stream(ll, s);
		return -1;
	}
	evbuffer_add(ll->out, text, len);
	evhttp_send_reply_chunk(s->req, ll->out);
	evbuffer_drain(ll->out, evbuffer_get_length(ll->out));
	return 0;
}

static int send_change(struct live_loop *ll, struct live_stream *s,
		       int64_t version)
{
	char text[128];
	int n = snprintf(text, sizeof(text),
			 "event: change\ndata: {\"%s\": %" PRId64
			 ", \"version\": %" PRId64 "}\n\n",
			 s->topic, s->id, version);
	if (version != 0)
		s->sent = version;
	return stream_write(ll, s, text, (size_t)n);
}

static void deliver(struct live_loop *ll, const struct news *n)
{
	struct live_stream *s = ll->topics[topic_bucket(n->topic, n->id)];
	while (s != NULL) {
		/* Read the next first: a write may end the stream. */
		struct live_stream *next = s->by_topic;
		if (s->id == n->id && strcmp(s->topic, n->topic) == 0 &&
		    (n->version == 0 || n->version > s->sent))
			send_change(ll, s, n->version);
		s = next;
	}
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct live_loop *ll = arg;
	pthread_mutex_lock(&ll->lock);
	size_t n = ll->nqueue;
	int all = ll->look_again;
	struct news *batch = NULL;
	if (n > 0 && (batch = malloc(n * sizeof(*batch))) != NULL)
		memcpy(batch, ll->queue, n * sizeof(*batch));
	else if (n > 0)
		all = 1; /* no memory to copy: everyone looks again */
	ll->nqueue = 0;
	ll->look_again = 0;
	pthread_mutex_unlock(&ll->lock);

	if (all) {
		for (struct live_stream *s = ll->all, *next; s != NULL;
		     s = next) {
			next = s->next;
			send_change(ll, s, 0);
		}
	} else {
		for (size_t i = 0; i < n; i++)
			deliver(ll, &batch[i]);
	}
	free(batch);
}

static void on_keepalive(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct live_loop *ll = arg;
	static const char ping[] = ": keep-alive\n\n";
	for (struct live_stream *s = ll->all, *next; s != NULL; s = next) {
		next = s->next;
		stream_write(ll, s, ping, sizeof(ping) - 1);
	}
}

struct live_loop *live_loop_new(struct event_base *base)
{
	struct live_loop *ll = calloc(1, sizeof(*ll));
	if (ll == NULL)
		return NULL;
	ll->base = base;
	pthread_mutex_init(&ll->lock, NULL);
	ll->queue = malloc(QUEUE_MAX * sizeof(*ll->queue));
	ll->out = evbuffer_new();
	ll->wake = event_new(base, -1, EV_READ, on_wake, ll);
	ll->keepalive = event_new(base, -1, EV_PERSIST, on_keepalive, ll);
	pthread_mutex_lock(&hub.lock);
	int room = hub.nloops < MAX_LOOPS;
	if (room && ll->queue && ll->out && ll->wake && ll->keepalive)
		hub.loops[hub.nloops++] = ll;
	else
		room = 0;
	int ms = hub.limits.keepalive_ms > 0 ? hub.limits.keepalive_ms : 25000;
	pthread_mutex_unlock(&hub.lock);
	if (!room) {
		live_loop_free(ll);
		return NULL;
	}
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	event_add(ll->keepalive, &tv);
	return ll;
}

void live_loop_free(struct live_loop *ll)
{
	if (ll == NULL)
		return;
	pthread_mutex_lock(&hub.lock);
	for (size_t i = 0; i < hub.nloops; i++) {
		if (hub.loops[i] == ll) {
			hub.loops[i] = hub.loops[--hub.nloops];
			break;
		}
	}
	pthread_mutex_unlock(&hub.lock);
	while (ll->all != NULL)
		end_stream(ll, ll->all);
	if (ll->wake)
		event_free(ll->wake);
	if (ll->keepalive)
		event_free(ll->keepalive);
	if (ll->out)
		evbuffer_free(ll->out);
	free(ll->queue);
	pthread_mutex_destroy(&ll->lock);
	free(ll);
}

/* Under hub.lock: the newest recent version of (topic, id) after since. */
static int64_t recent_after(const char *topic, int64_t id, int64_t since)
{
	int64_t best = 0;
	for (size_t i = 0; i < hub.ring_len; i++) {
		const struct news *n = &hub.ring[i];
		if (n->id == id && n->version > since && n->version > best &&
		    strcmp(n->topic, topic) == 0)
			best = n->version;
	}
	return best;
}

enum nara_err live_attach(struct live_loop *ll, struct evhttp_request *req,
			  const char *topic, int64_t id, int64_t since,
			  int64_t current, uint64_t owner)
{
	if (topic == NULL || !topic_ok(topic))
		return NARA_EINVAL;
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	struct live_stream *s = calloc(1, sizeof(*s));
	if (s == NULL || conn == NULL) {
		free(s);
		return NARA_ENOMEM;
	}
	pthread_mutex_lock(&hub.lock);
	enum nara_err err = NARA_OK;
	struct owner_count *o = NULL;
	if (!hub.ready || hub.streams >= (size_t)hub.limits.max_streams)
		err = NARA_ETOOBIG;
	else if ((o = owner_find(owner, 1)) == NULL)
		err = NARA_ENOMEM;
	else if (o->count >= hub.limits.max_per_owner)
		err = NARA_ETOOBIG;
	int64_t missed = 0;
	if (err == NARA_OK) {
		o->count++;
		hub.streams++;
		ll->streams++;
		/*
		 * Changed since the page was rendered: before the handler
		 * looked (current), or after it, while the stream was on its
		 * way to this loop (the ring).
		 */
		int64_t known = current > since ? current : since;
		missed = recent_after(topic, id, known);
		if (missed == 0 && current > since)
			missed = current;
	} else if (o != NULL && o->count == 0) {
		o->count = 1; /* created just now: release removes it */
		owner_release(owner);
	}
	pthread_mutex_unlock(&hub.lock);
	if (err != NARA_OK) {
		free(s);
		return err;
	}

	s->req = req;
	s->conn = conn;
	memcpy(s->topic, topic, strlen(topic) + 1);
	s->id = id;
	s->sent = since;
	s->owner = owner;
	size_t tb = topic_bucket(topic, id), cb = conn_bucket(conn);
	s->by_topic = ll->topics[tb];
	ll->topics[tb] = s;
	s->by_conn = ll->conns[cb];
	ll->conns[cb] = s;
	s->next = ll->all;
	if (ll->all)
		ll->all->prev = s;
	ll->all = s;

	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	/* nginx must pass each event on at once, not buffer the stream. */
	evhttp_add_header(h, "X-Accel-Buffering", "no");
	/* A stream has the connection to itself; when it ends, so does that. */
	evhttp_add_header(h, "Connection", "close");
	evhttp_send_reply_start(req, 200, "OK");
	/*
	 * The client sends nothing more, so evhttp's read timeout would end
	 * every stream after NARA's request timeout; only a client that
	 * stops reading (writes stall) should be dropped.
	 */
	struct bufferevent *bev = evhttp_connection_get_bufferevent(conn);
	struct timeval wt = {WRITE_TIMEOUT_S, 0};
	if (bev != NULL)
		bufferevent_set_timeouts(bev, NULL, &wt);
	char hello[32];
	int n = snprintf(hello, sizeof(hello), "retry: %d\n\n", RETRY_MS);
	if (stream_write(ll, s, hello, (size_t)n) == 0 && missed > 0)
		send_change(ll, s, missed);
	return NARA_OK;
}

void live_connection_closed(struct live_loop *ll,
			    struct evhttp_connection *conn)
{
	if (ll == NULL)
		return;
	struct live_stream *s = ll->conns[conn_bucket(conn)];
	while (s != NULL && s->conn != conn)
		s = s->by_conn;
	if (s == NULL)
		return;
	unlink_stream(ll, s);
	/*
	 * The peer went away: evhttp has let go of the request (it has no
	 * connection any more), and ending it frees it. When the request is
	 * still on its connection, evhttp frees it with the connection.
	 */
	if (evhttp_request_get_connection(s->req) == NULL)
		evhttp_send_reply_end(s->req);
	free(s);
}
