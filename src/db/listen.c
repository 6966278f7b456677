/*
 * The listening half of notifications (db.h: db_notify, db_listener_*).
 *
 * SQLite has no server to carry news between connections, so db.c keeps
 * a transaction's notifications on its connection and, after COMMIT, hands
 * them here; this file passes them to the one process-wide callback that
 * db_listener_start registered. Changes made by another process on the
 * same file are not heard (documented in docs/architecture.md).
 *
 * PostgreSQL carries them itself: pg_notify inside the writer's
 * transaction, delivered after COMMIT to every session that has said
 * LISTEN on the channel, whichever node it runs on. The listener here is
 * one dedicated connection per process on a thread of its own: it blocks
 * in poll() on the connection's socket and a pipe that stop() writes to,
 * reads what arrived (PQconsumeInput, PQnotifies) and calls the callback.
 * When the connection is lost (the server restarted, the backend was
 * terminated) it connects again, with a growing pause up to five seconds,
 * and then calls the callback with topic NULL: notifications sent while it
 * was away are gone, so followers must look again. It says the same after
 * its first LISTEN, so nothing committed before it started is missed
 * either.
 */
#include "db/db_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

/* ---- the payload: "case 12 7" ---- */

int db_note_format(char *out, size_t len, const char *topic, int64_t id,
		   int64_t version)
{
	return snprintf(out, len, "%s %" PRId64 " %" PRId64, topic, id,
			version);
}

int db_note_parse(const char *payload, struct db_note *out)
{
	memset(out, 0, sizeof(*out));
	size_t n = 0;
	while (payload[n] >= 'a' && payload[n] <= 'z') {
		if (n + 1 >= sizeof(out->topic))
			return -1;
		out->topic[n] = payload[n];
		n++;
	}
	if (n == 0)
		return -1;
	char tail;
	if (sscanf(payload + n, " %" SCNd64 " %" SCNd64 "%c", &out->id,
		   &out->version, &tail) != 2)
		return -1;
	return 0;
}

/* ---- the process's callback (SQLite) ---- */

static pthread_mutex_t local_lock = PTHREAD_MUTEX_INITIALIZER;
static db_notify_fn local_fn;
static void *local_arg;

/*
 * Called by db.c after a COMMIT, on the committing thread. The callback
 * runs under the lock, so db_listener_stop never returns while a call is
 * under way and the callback's argument can be freed after it.
 */
void db_local_deliver(const struct db_note *notes, size_t n, int overflow)
{
	pthread_mutex_lock(&local_lock);
	if (local_fn != NULL) {
		for (size_t i = 0; i < n; i++)
			local_fn(notes[i].topic, notes[i].id, notes[i].version,
				 local_arg);
		if (overflow)
			local_fn(NULL, 0, 0, local_arg);
	}
	pthread_mutex_unlock(&local_lock);
}

/* ---- the listener ---- */

struct db_listener {
	int remote; /* PostgreSQL: a thread and a connection */
	db_notify_fn fn;
	void *arg;
	char *url;
	pthread_t thread;
	int wake[2]; /* stop() writes to wake[1] */
};

enum { PAUSE_FIRST_MS = 200, PAUSE_MAX_MS = 5000 };

/* Waits ms or until stop() is called; 1 when stopping. */
static int pause_or_stop(struct db_listener *l, int ms)
{
	struct pollfd p = {.fd = l->wake[0], .events = POLLIN};
	int rc;
	while ((rc = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return rc > 0;
}

/* The server's "terminating connection" notice is not worth a line. */
static void drop_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Connects and LISTENs on the schema's channel; NULL when it cannot. */
static PGconn *listen_connect(struct db_listener *l)
{
	static const char *const keys[] = {"connect_timeout",
					   "client_encoding",
					   "application_name",
					   "keepalives_idle",
					   "keepalives_interval",
					   "dbname",
					   NULL};
	const char *const vals[] = {"5",  "UTF8", "nara-listen", "30",
				    "10", l->url, NULL};
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		log_kv(LOG_WARN, "live: cannot connect to listen", "error",
		       c ? PQerrorMessage(c) : "out of memory", NULL);
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, drop_notice, NULL);
	/* The same name pg.c's pg_notify computes, from the same schema. */
	PGresult *res =
	    PQexec(c, "SELECT left('nara_' || current_schema(), 63)");
	char *channel = NULL;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		channel = PQescapeIdentifier(c, PQgetvalue(res, 0, 0),
					     strlen(PQgetvalue(res, 0, 0)));
	PQclear(res);
	int ok = 0;
	if (channel != NULL) {
		char sql[160];
		snprintf(sql, sizeof(sql), "LISTEN %s", channel);
		res = PQexec(c, sql);
		ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
		PQfreemem(channel);
	}
	if (!ok) {
		log_kv(LOG_WARN, "live: LISTEN failed", "error",
		       PQerrorMessage(c), NULL);
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* Passes on what has arrived; 0 while the connection is good. */
static int drain(struct db_listener *l, PGconn *c)
{
	if (!PQconsumeInput(c))
		return -1;
	PGnotify *n;
	while ((n = PQnotifies(c)) != NULL) {
		struct db_note note;
		if (db_note_parse(n->extra, &note) == 0)
			l->fn(note.topic, note.id, note.version, l->arg);
		PQfreemem(n);
	}
	return PQstatus(c) == CONNECTION_OK ? 0 : -1;
}

static void *listen_main(void *arg)
{
	struct db_listener *l = arg;
	int pause_ms = PAUSE_FIRST_MS;
	for (;;) {
		PGconn *c = listen_connect(l);
		if (c == NULL) {
			if (pause_or_stop(l, pause_ms))
				return NULL;
			pause_ms = pause_ms * 2 > PAUSE_MAX_MS ? PAUSE_MAX_MS
							       : pause_ms * 2;
			continue;
		}
		pause_ms = PAUSE_FIRST_MS;
		/* Whatever was sent while nobody listened is lost. */
		l->fn(NULL, 0, 0, l->arg);
		int stopping = 0;
		for (;;) {
			struct pollfd p[2] = {
			    {.fd = PQsocket(c), .events = POLLIN},
			    {.fd = l->wake[0], .events = POLLIN},
			};
			int rc = poll(p, 2, -1);
			if (rc < 0 && errno == EINTR)
				continue;
			if (rc < 0 || (p[1].revents & POLLIN)) {
				stopping = 1;
				break;
			}
			if (drain(l, c) != 0) {
				log_kv(LOG_WARN,
				       "live: listening connection lost",
				       "error", PQerrorMessage(c), NULL);
				break;
			}
		}
		PQfinish(c);
		if (stopping || pause_or_stop(l, PAUSE_FIRST_MS))
			return NULL;
	}
}

enum nara_err db_listener_start(const char *url, db_notify_fn fn, void *arg,
				struct db_listener **out)
{
	*out = NULL;
	struct db_listener *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NARA_ENOMEM;
	l->fn = fn;
	l->arg = arg;
	l->remote = db_connect_is_remote(url);
	if (!l->remote) {
		pthread_mutex_lock(&local_lock);
		int taken = local_fn != NULL;
		if (!taken) {
			local_fn = fn;
			local_arg = arg;
		}
		pthread_mutex_unlock(&local_lock);
		if (taken) {
			free(l);
			return NARA_ECONFLICT; /* one listener per process */
		}
		*out = l;
		return NARA_OK;
	}
	l->url = strdup(url);
	if (l->url == NULL || pipe2(l->wake, O_CLOEXEC) != 0) {
		enum nara_err err = l->url == NULL ? NARA_ENOMEM : NARA_EIO;
		free(l->url);
		free(l);
		return err;
	}
	if (pthread_create(&l->thread, NULL, listen_main, l) != 0) {
		close(l->wake[0]);
		close(l->wake[1]);
		free(l->url);
		free(l);
		return NARA_ENOMEM;
	}
	*out = l;
	return NARA_OK;
}

void db_listener_stop(struct db_listener *l)
{
	if (l == NULL)
		return;
	if (!l->remote) {
		pthread_mutex_lock(&local_lock);
		local_fn = NULL;
		local_arg = NULL;
		pthread_mutex_unlock(&local_lock);
		free(l);
		return;
	}
	ssize_t w;
	do
		w = write(l->wake[1], "x", 1);
	while (w < 0 && errno == EINTR);
	pthread_join(l->thread, NULL);
	close(l->wake[0]);
	close(l->wake[1]);
	free(l->url);
	free(l);
}
