/*
 * The live hub: server-sent event streams that tell an open page that the
 * record it shows has changed (DESIGN.md "Scale": live events across nodes).
 *
 * A stream follows one record, named by a topic and an id ("case", 12),
 * and carries only that it changed and its new version:
 *
 *     event: change
 *     data: {"case": 12, "version": 7}
 *
 * never anything of the record itself. Whoever subscribes was let through
 * by the policy layer once, in the handler, like any page; what the page
 * then fetches to show the change goes through the policy layer again and
 * is audited as a read. So nothing withheld can leave by this path.
 *
 * Where the news comes from: the storage layer's notifications
 * (db/db.h: db_notify after COMMIT, PostgreSQL LISTEN/NOTIFY across nodes),
 * fed to live_on_notify by the process's listener. Version 0 means "this
 * may have changed, look again": sent to every stream when notifications
 * may have been missed (the listening connection was lost).
 *
 * Threads. Streams live on the event loops, one table per loop, touched
 * only by that loop's thread. live_publish may be called from any thread
 * (the listener, a loop or worker that committed): it queues the news for
 * each loop that has streams and wakes it with event_active, as the server
 * does with finished jobs. A short ring of recent news lets a stream that
 * attaches a moment after a change (its handler read the version on a
 * worker; the news reached the loop first) hear of it anyway.
 *
 * Bounds: at most max_streams streams in the process and max_per_owner
 * per owner (the session); a stream whose client stops reading is closed
 * when its unsent backlog passes a limit; a comment line every keepalive
 * keeps proxies from closing an idle stream and finds closed ones.
 */
#ifndef NARA_LIVE_H
#define NARA_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct event_base;
struct evhttp_request;
struct evhttp_connection;

struct live_limits {
	int max_streams;   /* in the process; 0: 10,000 */
	int max_per_owner; /* per session; 0: 16 */
	int keepalive_ms;  /* 0: 25,000 */
};

/* Once per process, before the loops start. */
enum nara_err live_init(const struct live_limits *limits);
void live_shutdown(void);

/* Any thread: (topic, id) is now at version (0: unknown, look again). */
void live_publish(const char *topic, int64_t id, int64_t version);
/* Any thread: every stream should look again. */
void live_publish_all(void);
/* The storage listener's callback (db_notify_fn): topic NULL is "all". */
void live_on_notify(const char *topic, int64_t id, int64_t version, void *arg);

/* One per event loop, made and freed on the loop's thread (or before it runs).
 */
struct live_loop;
struct live_loop *live_loop_new(struct event_base *base);
/* Ends every stream of the loop; call before the loop's evhttp is freed. */
void live_loop_free(struct live_loop *ll);

/*
 * Loop thread: answers req with an event stream following (topic, id),
 * for a page rendered at version `since`; `current` is the version the
 * handler read when it let the subscriber in. A change the page has not
 * shown is told at once. The response headers the server wants on every
 * reply must already be set. NARA_ETOOBIG when a bound is reached
 * (nothing was sent: answer with an error page), NARA_EINVAL for a bad
 * topic, NARA_ENOMEM.
 */
enum nara_err live_attach(struct live_loop *ll, struct evhttp_request *req,
			  const char *topic, int64_t id, int64_t since,
			  int64_t current, uint64_t owner);

/* Loop thread: the server saw conn close; its stream, if any, goes. */
void live_connection_closed(struct live_loop *ll,
			    struct evhttp_connection *conn);

/* Streams open now in the process (for /metrics and tests). */
size_t live_stream_count(void);

#endif
