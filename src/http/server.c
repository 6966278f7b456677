/*
 * The HTTP server; see server.h for the threading model.
 *
 * A request goes through four steps:
 *   1. on_request (loop thread): copy what handlers need out of the evhttp
 *      request into a `struct job` with its own arena, refusing bad input
 *      (400), oversize bodies (413) and unknown routes (404/405) at once.
 *   2. run_job (loop thread on SQLite, worker thread on PostgreSQL and for
 *      off_loop routes): open the thread's database connection if needed,
 *      call the handler, roll back whatever transaction it left open, and
 *      turn an error into the error page.
 *   3. finish (loop thread): security headers, the body handed to libevent
 *      without a copy, the access log line and the metrics.
 *   4. the job and its arena are freed.
 * Handlers never see libevent, so steps 2 can run anywhere.
 */
#include "http/server.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/utf8.h"
#include "db/db.h"
#include "domain/notify.h"
#include "http/cookie.h"
#include "http/form.h"
#include "http/http.h"
#include "http/live.h"
#include "http/metrics.h"
#include "http/path.h"
#include "web/web.h"

enum {
	MAX_TARGET = 8192,
	MAX_HEADERS_SIZE = 16384,
	MAX_QUERY_FIELDS = 64,
	MAX_FORM_FIELDS = 256,
	MAX_COOKIES = 50,
	/*
	 * A form with a file field is sent whole as multipart, one part per
	 * field (an application has dozens), so parts are bounded like the
	 * fields of any other form.
	 */
	MAX_PARTS = MAX_FORM_FIELDS,
	CONN_BUCKETS = 1024,
	REQUEST_TIMEOUT_S = 30,
};

static const char csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; "
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; "
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

struct conn_node {
	struct evhttp_connection *conn;
	struct conn_node *next;
};

struct loop {
	int index;
	pthread_t thread;
	struct event_base *base;
	struct evhttp *http;
	struct db *db; /* SQLite: this loop's connection, opened when needed */
	struct live_loop *live; /* the event streams on this loop */
	const struct config *cfg;
	pthread_mutex_t done_lock;
	struct job *done_head;
	struct event *done_ev;
	struct conn_node *conns[CONN_BUCKETS];
	uint32_t id_prefix;
	uint32_t id_counter;
	/*
	 * Finished jobs kept for the next requests, with their arena's
	 * largest block and their output buffer: a page then costs no
	 * malloc of its own in the steady state.
	 */
	struct job *free_jobs;
	int nfree_jobs;
};

enum { MAX_FREE_JOBS = 128 };

struct job {
	struct req req;
	struct evhttp_request *evreq;
	struct loop *loop;
	uint64_t t0;
	uint64_t db_ns;
	struct job *next;
};

/* Rate limits on login and forms, shared by every loop (ratelimit.h). */
static struct ratelimit *limiter;

/*
 * The worker pool: every request that needs the database on PostgreSQL,
 * and the off_loop routes (calls to identity providers, password checks)
 * on either engine. Each worker opens its own connection when it first
 * needs one.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *head, *tail;
	int stop;
	int count;
	pthread_t *threads;
	const struct config *cfg;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *reason_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "OK";
	}
}

int http_status_of(enum nara_err err)
{
	switch (err) {
	case NARA_OK: return 200;
	case NARA_EINVAL: return 400;
	case NARA_ETOOBIG: return 413;
	case NARA_EDENIED: return 403;
	case NARA_ENOTFOUND: return 404;
	case NARA_ECONFLICT: return 409;
	case NARA_EDBDOWN: return 503;
	default: return 500;
	}
}

/* ---- open connections, for /metrics ---- */

static size_t conn_hash(const void *p)
{
	uintptr_t x = (uintptr_t)p;
	x ^= x >> 17;
	x *= 0x9E3779B97F4A7C15ull;
	return (size_t)(x >> 40) % CONN_BUCKETS;
}

static void on_conn_close(struct evhttp_connection *conn, void *arg)
{
	struct loop *l = arg;
	live_connection_closed(l->live, conn);
	struct conn_node **pp = &l->conns[conn_hash(conn)];
	for (; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->conn == conn) {
			struct conn_node *dead = *pp;
			*pp = dead->next;
			free(dead);
			metrics_connection(-1);
			return;
		}
	}
}

/*
 * evhttp 2.1 has no callback for a new connection, so a connection is
 * counted from its first request until it closes.
 */
static void track_connection(struct loop *l, struct evhttp_connection *conn)
{
	size_t h = conn_hash(conn);
	for (struct conn_node *n = l->conns[h]; n != NULL; n = n->next)
		if (n->conn == conn)
			return;
	struct conn_node *n = malloc(sizeof(*n));
	if (n == NULL)
		return;
	n->conn = conn;
	n->next = l->conns[h];
	l->conns[h] = n;
	metrics_connection(1);
	evhttp_connection_set_closecb(conn, on_conn_close, l);
}

/* ---- step 3 and 4 ---- */

static void job_free(struct job *j)
{
	buf_free(&j->req.resp.body);
	buf_free(&j->req.scratch);
	arena_free(&j->req.arena);
	free(j);
}

/* Loop thread: back to the free list, or freed when the list is full. */
static void job_release(struct job *j)
{
	struct loop *l = j->loop;
	if (l->nfree_jobs >= MAX_FREE_JOBS || j->req.resp.body.cap > 256 * 1024 ||
	    j->req.scratch.cap > 256 * 1024) {
		job_free(j);
		return;
	}
	arena_reset(&j->req.arena);
	j->next = l->free_jobs;
	l->free_jobs = j;
	l->nfree_jobs++;
}

/* Loop thread: a clean job, from the free list when there is one. */
static struct job *job_take(struct loop *l)
{
	struct job *j = l->free_jobs;
	if (j == NULL) {
		j = calloc(1, sizeof(*j));
		if (j == NULL)
			return NULL;
		/*
		 * Room for the body, the parsed copy of its parts and what a
		 * handler makes of them (an attachment's ciphertext), for
		 * the route that takes the largest body.
		 */
		arena_init(&j->req.arena,
			   routes_max_body(l->cfg) * 3 + 8 * 1024 * 1024);
		buf_init(&j->req.resp.body);
		buf_init(&j->req.scratch);
		return j;
	}
	l->free_jobs = j->next;
	l->nfree_jobs--;
	/* Everything but the arena's kept block and the buffer starts anew. */
	struct arena arena = j->req.arena;
	struct buf body = j->req.resp.body, scratch = j->req.scratch;
	memset(j, 0, sizeof(*j));
	j->req.arena = arena;
	j->req.resp.body = body;
	j->req.scratch = scratch;
	buf_reset(&j->req.resp.body);
	buf_reset(&j->req.scratch);
	return j;
}

static void log_and_count(struct job *j, uint64_t ns);
static void resp_clear(struct resp *rs);

static void finish(struct job *j)
{
	struct req *r = &j->req;
	struct resp *rs = &r->resp;
	struct evkeyvalq *h = evhttp_request_get_output_headers(j->evreq);
	const struct config *cfg = j->loop->cfg;

	evhttp_add_header(h, "Content-Security-Policy", csp);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Cross-Origin-Opener-Policy", "same-origin");
	evhttp_add_header(h, "Permissions-Policy",
			  rs->permissions ? rs->permissions
					  : "camera=(), microphone=(), geolocation=()");
	if (cfg->base_url != NULL && strncmp(cfg->base_url, "https:", 6) == 0)
		evhttp_add_header(h, "Strict-Transport-Security",
				  "max-age=31536000");
	evhttp_add_header(h, "X-Request-Id", r->request_id);
	evhttp_add_header(h, "Content-Type",
			  rs->content_type ? rs->content_type
					   : "text/html; charset=utf-8");
	evhttp_add_header(h, "Cache-Control",
			  rs->cache_control ? rs->cache_control : "no-store");
	if (rs->content_type == NULL || strncmp(rs->content_type, "text/html", 9) == 0)
		evhttp_add_header(h, "Vary", "Accept-Language, Cookie");
	for (int i = 0; i < rs->nheaders; i++)
		evhttp_add_header(h, rs->headers[i].name, rs->headers[i].value);

	if (rs->stream.topic != NULL && rs->status == 200 &&
	    r->method != HTTP_HEAD) {
		enum nara_err err = live_attach(
		    j->loop->live, j->evreq, rs->stream.topic, rs->stream.id,
		    rs->stream.since, rs->stream.current, rs->stream.owner);
		if (err == NARA_OK) {
			log_and_count(j, now_ns() - j->t0);
			job_release(j);
			return;
		}
		/*
		 * Too many streams (or no memory): 503 with Retry-After, and
		 * the page works on reload; the browser's EventSource gives
		 * up on a status other than 200.
		 */
		evhttp_clear_headers(h);
		resp_clear(rs);
		web_error_page(r, 503);
		finish(j);
		return;
	}

	struct evbuffer *out = evhttp_request_get_output_buffer(j->evreq);
	if (r->method != HTTP_HEAD && rs->status != 304) {
		if (rs->fixed != NULL) {
			evbuffer_add_reference(out, rs->fixed, rs->fixed_len,
					       NULL, NULL);
		} else if (rs->body.len > 0 && !rs->body.failed) {
			/*
			 * Copied, so the buffer stays with the job for the
			 * next request: a memcpy of a page is cheaper than
			 * growing a new buffer to its size.
			 */
			evbuffer_add(out, rs->body.data, rs->body.len);
		}
	}
	evhttp_send_reply(j->evreq, rs->status, reason_phrase(rs->status), NULL);
	log_and_count(j, now_ns() - j->t0);
	job_release(j);
}

/* The access log line and the metrics of a request answered. */
static void log_and_count(struct job *j, uint64_t ns)
{
	struct req *r = &j->req;
	struct resp *rs = &r->resp;
	const struct config *cfg = j->loop->cfg;
	size_t route = r->route ? (size_t)(r->route - routes) : routes_count;
	metrics_request(route, rs->status, ns, j->db_ns);
	if (cfg->access_log) {
		char status[8], ms[32];
		snprintf(status, sizeof(status), "%d", rs->status);
		snprintf(ms, sizeof(ms), "%.3f", (double)ns / 1e6);
		log_kv(LOG_INFO, "request", "id", r->request_id, "method",
		       evhttp_request_get_command(j->evreq) == EVHTTP_REQ_POST
			       ? "POST"
			       : (r->method == HTTP_HEAD ? "HEAD" : "GET"),
		       "path", r->path ? r->path : "-", "route",
		       r->route ? r->route->name : "-", "status", status,
		       "ms", ms, NULL);
	}
}

/* ---- step 2 ---- */

/* Drops whatever a failed handler wrote, so no half page is ever sent. */
static void resp_clear(struct resp *rs)
{
	buf_reset(&rs->body);
	rs->fixed = NULL;
	rs->fixed_len = 0;
	rs->nheaders = 0;
	rs->content_type = NULL;
	rs->cache_control = NULL;
	rs->permissions = NULL;
	rs->status = 200;
	memset(&rs->stream, 0, sizeof(rs->stream));
}

static void fail(struct req *r, enum nara_err err)
{
	resp_clear(&r->resp);
	web_error_page(r, http_status_of(err));
}

static void run_job(struct job *j, struct db **dbp)
{
	struct req *r = &j->req;
	const struct config *cfg = j->loop->cfg;
	db_take_time_ns();
	if (r->route->needs_db) {
		if (*dbp == NULL) {
			enum nara_err err = db_connect(cfg->database, dbp);
			if (err != NARA_OK) {
				log_kv(LOG_ERROR, "database unavailable", "id",
				       r->request_id, "error",
				       *dbp ? db_errmsg(*dbp) : nara_strerror(err),
				       NULL);
				db_close(*dbp);
				*dbp = NULL;
				fail(r, NARA_EDBDOWN);
				return;
			}
		}
		r->db = *dbp;
	}

	enum nara_err err = r->route->handler(r);
	/*
	 * A read after the connection to PostgreSQL was lost (the server
	 * restarted) fails once; the engine reconnects on the next use. A
	 * GET changes nothing, so it is safe to run it again at once rather
	 * than show the person an error.
	 */
	if (err == NARA_EDBDOWN && r->db != NULL && !db_in_tx(r->db) &&
	    db_engine_of(r->db) == DB_POSTGRES &&
	    (r->method & (HTTP_GET | HTTP_HEAD))) {
		resp_clear(&r->resp);
		err = r->route->handler(r);
	}
	if (r->db != NULL && db_in_tx(r->db)) {
		/* Never a half-written change: the handler's transaction goes. */
		db_rollback(r->db);
		if (err == NARA_OK)
			err = NARA_EDB;
	}
	if (err != NARA_OK) {
		if (err != NARA_ENOTFOUND && err != NARA_EINVAL &&
		    err != NARA_EDENIED)
			log_kv(LOG_ERROR, "request failed", "id", r->request_id,
			       "error", nara_strerror(err), "detail",
			       r->db ? db_errmsg(r->db) : "", NULL);
		fail(r, err);
	}
	j->db_ns = db_take_time_ns();
}

static void *worker_main(void *arg)
{
	(void)arg;
	struct db *db = NULL;
	for (;;) {
		pthread_mutex_lock(&pool.lock);
		while (pool.head == NULL && !pool.stop)
			pthread_cond_wait(&pool.cond, &pool.lock);
		if (pool.head == NULL) {
			pthread_mutex_unlock(&pool.lock);
			break;
		}
		struct job *j = pool.head;
		pool.head = j->next;
		if (pool.head == NULL)
			pool.tail = NULL;
		pthread_mutex_unlock(&pool.lock);

		run_job(j, &db);

		struct loop *l = j->loop;
		pthread_mutex_lock(&l->done_lock);
		j->next = l->done_head;
		l->done_head = j;
		pthread_mutex_unlock(&l->done_lock);
		event_active(l->done_ev, EV_READ, 0);
	}
	db_close(db);
	return NULL;
}

/* Loop thread: sends the replies the workers have finished. */
static void on_done(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct loop *l = arg;
	pthread_mutex_lock(&l->done_lock);
	struct job *j = l->done_head;
	l->done_head = NULL;
	pthread_mutex_unlock(&l->done_lock);
	while (j != NULL) {
		struct job *next = j->next;
		finish(j);
		j = next;
	}
}

/* ---- step 1 ---- */

static enum http_method method_of(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET: return HTTP_GET;
	case EVHTTP_REQ_HEAD: return HTTP_HEAD;
	case EVHTTP_REQ_POST: return HTTP_POST;
	case EVHTTP_REQ_PUT: return HTTP_PUT;
	case EVHTTP_REQ_DELETE: return HTTP_DELETE;
	default: return HTTP_OTHER;
	}
}

static void allow_header(struct req *r, unsigned allowed)
{
	char *s = arena_printf(&r->arena, "%s%s%s%s",
			       (allowed & HTTP_GET) ? "GET, HEAD" : "",
			       (allowed & HTTP_POST) ? ", POST" : "",
			       (allowed & HTTP_PUT) ? ", PUT" : "",
			       (allowed & HTTP_DELETE) ? ", DELETE" : "");
	if (s != NULL)
		resp_header(r, "Allow", s[0] == ',' ? s + 2 : s);
}

/* Reads the request into the job; NARA_OK or the error to answer with. */
static enum nara_err parse_request(struct job *j, unsigned *allowed)
{
	struct req *r = &j->req;
	struct evhttp_request *ev = j->evreq;
	struct evkeyvalq *in = evhttp_request_get_input_headers(ev);

	/* The language first, so that even a 400 page speaks it. */
	const char *cookie = evhttp_find_header(in, "Cookie");
	if (cookie != NULL &&
	    cookie_parse(&r->arena, cookie, strlen(cookie), MAX_COOKIES,
			 &r->cookies) != NARA_OK)
		return NARA_EINVAL;
	r->accept_language = evhttp_find_header(in, "Accept-Language");
	r->if_none_match = evhttp_find_header(in, "If-None-Match");
	const char *ua = evhttp_find_header(in, "User-Agent");
	if (ua != NULL) {
		size_t n = strnlen(ua, 200);
		/* Cut at a character boundary; shown to its owner only. */
		while (n > 0 && n < strlen(ua) && ((unsigned char)ua[n] & 0xc0) == 0x80)
			n--;
		r->user_agent = arena_strndup(&r->arena, ua, n);
		if (r->user_agent != NULL && !utf8_valid(r->user_agent, n))
			r->user_agent = NULL;
	}
	r->content_type = evhttp_find_header(in, "Content-Type");
	/* The JSON API's CSRF token comes in a header, not in a form. */
	r->csrf_header = evhttp_find_header(in, "X-CSRF-Token");
	r->lang = i18n_choose_request(r);

	const char *target = evhttp_request_get_uri(ev);
	const char *query = NULL;
	enum nara_err err =
		path_split(&r->arena, target ? target : "", MAX_TARGET,
			   &r->path, &query);
	if (err != NARA_OK)
		return err;
	if (query != NULL) {
		err = form_parse(&r->arena, query, strlen(query),
				 MAX_QUERY_FIELDS, &r->query);
		if (err != NARA_OK)
			return err == NARA_ETOOBIG ? NARA_EINVAL : err;
	}

	/*
	 * The route first: its limit decides how large a body may be. An
	 * oversize body is refused with 413 and a malformed one with 400
	 * whatever the path, as before routes had limits of their own; only
	 * then 404 or 405. HEAD is GET without the body.
	 */
	enum http_method m = r->method == HTTP_HEAD ? HTTP_GET : r->method;
	unsigned route_allowed = 0;
	enum nara_err routed = router_match(r->path, m, r, &route_allowed);
	size_t limit = j->loop->cfg->max_body;
	if (routed == NARA_OK && r->route->max_body > limit)
		limit = r->route->max_body;
	struct evbuffer *body = evhttp_request_get_input_buffer(ev);
	size_t len = evbuffer_get_length(body);
	if (len > limit)
		return NARA_ETOOBIG;
	if (len > 0) {
		char *copy = arena_alloc(&r->arena, len + 1);
		if (copy == NULL)
			return NARA_ENOMEM;
		evbuffer_copyout(body, copy, len);
		copy[len] = '\0';
		r->body = copy;
		r->body_len = len;
		const char *ct = r->content_type ? r->content_type : "";
		if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
			err = form_parse(&r->arena, copy, len, MAX_FORM_FIELDS,
					 &r->form);
			if (err != NARA_OK)
				return err == NARA_ETOOBIG ? NARA_EINVAL : err;
		} else if (strncasecmp(ct, "multipart/form-data", 19) == 0) {
			const char *boundary;
			err = multipart_boundary(&r->arena, ct, &boundary);
			if (err == NARA_OK)
				err = multipart_parse(&r->arena, boundary, copy,
						      len, MAX_PARTS,
						      &r->multipart);
			if (err != NARA_OK)
				return err == NARA_ETOOBIG ? NARA_EINVAL : err;
		}
	}
	*allowed = route_allowed;
	return routed;
}

/*
 * The last X-Forwarded-For line: a proxy that adds a line of its own (as
 * HAProxy does) puts it after any the client sent.
 */
static const char *last_forwarded_for(struct evhttp_request *ev)
{
	const char *last = NULL;
	struct evkeyval *h;
	TAILQ_FOREACH(h, evhttp_request_get_input_headers(ev), next)
		if (evutil_ascii_strcasecmp(h->key, "X-Forwarded-For") == 0)
			last = h->value;
	return last;
}

/* Over the route's rate limit: the 429 page is in the response, and 1. */
static int rate_limited(struct job *j)
{
	struct req *r = &j->req;
	char *peer = NULL;
	ev_uint16_t port = 0;
	evhttp_connection_get_peer(evhttp_request_get_connection(j->evreq),
				   &peer, &port);
	char client[RATELIMIT_CLIENT_MAX];
	ratelimit_client(peer, last_forwarded_for(j->evreq),
			 j->loop->cfg->trusted_proxy, client);
	unsigned wait = ratelimit_take(limiter, r->route->rate_class, client,
				       now_ns() / 1000000);
	if (wait == 0)
		return 0;
	resp_clear(&r->resp);
	web_too_many_page(r, wait);
	return 1;
}

static void on_request(struct evhttp_request *ev, void *arg)
{
	struct loop *l = arg;
	struct job *j = job_take(l);
	if (j == NULL) {
		evhttp_send_error(ev, 503, "Service Unavailable");
		return;
	}
	j->t0 = now_ns();
	j->evreq = ev;
	j->loop = l;
	struct req *r = &j->req;
	r->resp.status = 200;
	r->cfg = l->cfg;
	r->method = method_of(evhttp_request_get_command(ev));
	snprintf(r->request_id, sizeof(r->request_id), "%08x%08x",
		 l->id_prefix, l->id_counter++);
	track_connection(l, evhttp_request_get_connection(ev));

	unsigned allowed = 0;
	enum nara_err err = parse_request(j, &allowed);
	if (err != NARA_OK) {
		if (r->lang == NULL)
			r->lang = "sv";
		if (err == NARA_EINVAL && r->route == NULL && allowed != 0) {
			resp_clear(&r->resp);
			web_error_page(r, 405);
			allow_header(r, allowed);
		} else {
			fail(r, err);
		}
		finish(j);
		return;
	}
	if (r->route->rate_class != RATE_NONE && rate_limited(j)) {
		finish(j);
		return;
	}

	if (r->route->off_loop ||
	    (r->route->needs_db && db_connect_is_remote(l->cfg->database))) {
		pthread_mutex_lock(&pool.lock);
		j->next = NULL;
		if (pool.tail)
			pool.tail->next = j;
		else
			pool.head = j;
		pool.tail = j;
		pthread_cond_signal(&pool.cond);
		pthread_mutex_unlock(&pool.lock);
		return;
	}
	run_job(j, &l->db);
	finish(j);
}

/* ---- listening and threads ---- */

static int open_listener(const struct config *cfg)
{
	struct addrinfo hints = {0}, *res;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	char port[8];
	snprintf(port, sizeof(port), "%d", cfg->port);
	int rc = getaddrinfo(cfg->host, port, &hints, &res);
	if (rc != 0) {
		log_kv(LOG_ERROR, "cannot resolve NARA_LISTEN host", "host",
		       cfg->host, "error", gai_strerror(rc), NULL);
		return -1;
	}
	int fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK |
						SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(fd, 1024) != 0) {
		log_kv(LOG_ERROR, "cannot listen", "listen", cfg->listen,
		       "error", strerror(errno), NULL);
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}

static void *loop_main(void *arg)
{
	struct loop *l = arg;
	event_base_dispatch(l->base);
	return NULL;
}

static int loop_init(struct loop *l, int index, const struct config *cfg)
{
	memset(l, 0, sizeof(*l));
	l->index = index;
	l->cfg = cfg;
	pthread_mutex_init(&l->done_lock, NULL);
	randombytes_buf(&l->id_prefix, sizeof(l->id_prefix));
	l->base = event_base_new();
	if (l->base == NULL)
		return -1;
	l->http = evhttp_new(l->base);
	l->done_ev = event_new(l->base, -1, EV_READ, on_done, l);
	l->live = live_loop_new(l->base);
	if (l->http == NULL || l->done_ev == NULL || l->live == NULL)
		return -1;
	int fd = open_listener(cfg);
	if (fd < 0 || evhttp_accept_socket_with_handle(l->http, fd) == NULL)
		return -1;
	/*
	 * evhttp refuses bodies above its own limit with a bare 413 of its
	 * own; ours (cfg->max_body, or a route's own) is lower, so people
	 * see our page.
	 */
	evhttp_set_max_body_size(
	    l->http, (ev_ssize_t)(routes_max_body(cfg) + 3 * cfg->max_body));
	evhttp_set_max_headers_size(l->http, MAX_HEADERS_SIZE);
	evhttp_set_timeout(l->http, REQUEST_TIMEOUT_S);
	evhttp_set_allowed_methods(
		l->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
				 EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
				 EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(l->http, on_request, l);
	return 0;
}

static void loop_free(struct loop *l)
{
	while (l->free_jobs) {
		struct job *j = l->free_jobs;
		l->free_jobs = j->next;
		job_free(j);
	}
	for (size_t i = 0; i < CONN_BUCKETS; i++) {
		while (l->conns[i]) {
			struct conn_node *n = l->conns[i];
			l->conns[i] = n->next;
			free(n);
		}
	}
	if (l->done_ev)
		event_free(l->done_ev);
	/* The streams end before evhttp frees their connections. */
	live_loop_free(l->live);
	l->live = NULL;
	if (l->http)
		evhttp_free(l->http);
	if (l->base)
		event_base_free(l->base);
	db_close(l->db);
	pthread_mutex_destroy(&l->done_lock);
}

/* 1 when some route must run off the loop: then SQLite needs the pool too. */
static int any_route_off_loop(void)
{
	for (size_t i = 0; i < routes_count; i++)
		if (routes[i].off_loop)
			return 1;
	return 0;
}

enum nara_err server_run(const struct config *cfg)
{
	if (evthread_use_pthreads() != 0 || sodium_init() < 0)
		return NARA_ENOMEM;
	signal(SIGPIPE, SIG_IGN);

	/* Only the main thread takes SIGINT and SIGTERM, by sigwait. */
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

	const struct rate_rule rules[RATE_CLASSES] = {
		[RATE_LOGIN] = cfg->rate_login, [RATE_FORM] = cfg->rate_form};
	limiter = ratelimit_new(rules, 16384);
	int n = cfg->threads;
	struct loop *loops = calloc((size_t)n, sizeof(*loops));
	if (loops == NULL || limiter == NULL) {
		free(loops);
		ratelimit_free(limiter);
		limiter = NULL;
		return NARA_ENOMEM;
	}
	live_init(NULL);
	struct db_listener *listener = NULL;
	enum nara_err result = NARA_OK;
	int started = 0;
	for (int i = 0; i < n; i++) {
		if (loop_init(&loops[i], i, cfg) != 0) {
			result = NARA_EIO;
			n = i + 1;
			goto out;
		}
	}

	/*
	 * On PostgreSQL every handler that needs the database runs on the
	 * pool. On SQLite only the off_loop routes do: password hashing
	 * (CPU) and calls to identity providers (waiting on the network),
	 * so a few workers beyond the cores are enough.
	 */
	int remote = db_connect_is_remote(cfg->database);
	if (remote || any_route_off_loop()) {
		int workers = remote ? cfg->db_workers
				     : (cfg->threads < 4 ? 4 : cfg->threads);
		pool.cfg = cfg;
		pool.stop = 0;
		pool.threads = calloc((size_t)workers, sizeof(pthread_t));
		if (pool.threads == NULL) {
			result = NARA_ENOMEM;
			goto out;
		}
		for (int i = 0; i < workers; i++)
			if (pthread_create(&pool.threads[pool.count], NULL,
					   worker_main, NULL) == 0)
				pool.count++;
	}
	/*
	 * The live pages hear of changes through the storage layer: on
	 * PostgreSQL a connection of its own that LISTENs (changes made on
	 * every node), on SQLite the commits of this process.
	 */
	if (db_listener_start(cfg->database, live_on_notify, NULL,
			      &listener) != NARA_OK)
		log_kv(LOG_ERROR, "live updates are off: no listener", NULL);
	/* E-mail and SMS notices from the outbox (domain/notify.h). */
	struct notify_runner *notices = notify_server_start(cfg->database);
	for (int i = 0; i < n; i++)
		if (pthread_create(&loops[i].thread, NULL, loop_main, &loops[i]) == 0)
			started = i + 1;

	char threads[16];
	snprintf(threads, sizeof(threads), "%d", n);
	log_kv(LOG_INFO, "listening", "listen", cfg->listen, "threads", threads,
	       "database", strncmp(cfg->database, "sqlite:", 7) == 0
				   ? cfg->database
				   : "postgresql",
	       NULL);

	int sig;
	sigwait(&stop_signals, &sig);
	log_kv(LOG_INFO, "stopping", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM",
	       NULL);

	db_listener_stop(listener);
	listener = NULL;
	notify_runner_stop(notices);
	for (int i = 0; i < started; i++)
		event_base_loopexit(loops[i].base, NULL);
	for (int i = 0; i < started; i++)
		pthread_join(loops[i].thread, NULL);
	if (pool.count > 0) {
		pthread_mutex_lock(&pool.lock);
		pool.stop = 1;
		pthread_cond_broadcast(&pool.cond);
		pthread_mutex_unlock(&pool.lock);
		for (int i = 0; i < pool.count; i++)
			pthread_join(pool.threads[i], NULL);
		/* Jobs still queued belong to loops that have stopped. */
		while (pool.head) {
			struct job *j = pool.head;
			pool.head = j->next;
			job_free(j);
		}
	}
out:
	free(pool.threads);
	pool.threads = NULL;
	pool.count = 0;
	db_listener_stop(listener);
	for (int i = 0; i < n; i++)
		loop_free(&loops[i]);
	free(loops);
	ratelimit_free(limiter);
	limiter = NULL;
	live_shutdown();
	return result;
}
