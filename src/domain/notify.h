/*
 * Notices that leave the system: e-mail through an SMTP server (libcurl)
 * and SMS through an HTTP gateway, from an outbox (table notice_job).
 *
 * Nothing sensitive leaves: a notice says that there is something to see
 * and when ("Du har ett möte 2026-12-08 kl. 10:00. Logga in för att läsa
 * mer."), never a case, a service or unit that reveals it, or a name.
 * Callers queue catalogue texts (notice.*) that follow this rule; the
 * tests read what arrives.
 *
 * Queuing joins the caller's transaction, so a notice exists exactly when
 * the action that caused it was stored. The runner (one thread per nara
 * process, its own database connection) claims one due job at a time in a
 * transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, the write lock on
 * SQLite), commits the claim, sends, and marks it sent: a job is sent at
 * most once across threads, nodes and restarts. A failed send goes back to
 * the queue with a growing delay (backoff) until NOTIFY_MAX_ATTEMPTS; a
 * job left 'sending' by a process that died is marked 'unknown' and never
 * sent again (the peer may have taken it).
 */
#ifndef NARA_NOTIFY_H
#define NARA_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct db;

struct notify_config {
	const char *smtp_url;  /* NARA_SMTP_URL: smtp://host:port; NULL: no e-mail */
	const char *mail_from; /* NARA_MAIL_FROM: the sender address */
	const char *sms_url;   /* NARA_SMS_URL: POST to=&message=; NULL: no SMS */
	const char *base_url;  /* NARA_BASE_URL: the link in notices */
	int64_t reminder_before; /* NARA_NOTICE_REMINDER_BEFORE, s; 86400 */
	int64_t retry_seconds;	 /* NARA_NOTICE_RETRY_SECONDS: first backoff, 30 */
	int poll_ms;		 /* NARA_NOTICE_POLL_MS: 1000 */
};

enum { NOTIFY_MAX_ATTEMPTS = 6, NOTIFY_STALE_SECONDS = 300 };

/*
 * Reads the NARA_* variables above into cfg (strings point into the
 * environment) and makes the process's settings (reminder_before, the
 * link) what notify_booking_in_tx uses. errmsg says which variable is
 * wrong.
 */
enum nara_err notify_config_load(struct notify_config *cfg, char *errmsg,
				 size_t errlen);

/*
 * Queues a notice to a person by every way they can be reached (their
 * record's e-mail and phone), due at due_at, inside the caller's
 * transaction. dedupe_key (with the channel appended) makes queuing the
 * same notice twice do nothing. sms_body may be NULL: the body is sent.
 * For the messages work: "you have a new message" is one call.
 */
struct notice {
	int64_t person_id;
	int64_t booking_id; /* 0: none */
	const char *purpose; /* 'booking_confirmed', 'new_message', ... */
	const char *subject; /* e-mail subject */
	const char *body;
	int64_t due_at;
	const char *dedupe_key;
};
enum nara_err notify_enqueue(struct db *db, const struct notice *n,
			     int64_t now);

/*
 * A notice of `purpose` to one person, due now, inside the caller's
 * transaction: the catalogue's notice.<purpose>.subject and .body (Swedish,
 * nothing sensitive), {link} filled with NARA_BASE_URL and `path`.
 * dedupe_key as for notify_enqueue. A person with neither e-mail nor phone
 * gets nothing queued; that is not an error.
 */
enum nara_err notify_person_in_tx(struct db *db, int64_t person_id,
				  const char *purpose, const char *path,
				  const char *dedupe_key, int64_t now);

/*
 * The notices of a meeting's change, inside the caller's transaction:
 * cancels the meeting's pending notices, queues the confirmation of
 * `purpose` ('booking_confirmed', 'booking_moved', 'booking_cancelled',
 * 'booking_proposed') at once and, for a booked meeting, its reminder
 * reminder_before ahead (none when that time has passed).
 */
enum nara_err booking_notices_in_tx(struct db *db, int64_t booking_id,
				    const char *purpose, int64_t now);

/*
 * Sends at most one due job. 1: a job was handled (sent or put back), 0:
 * none was due, negative: -(enum nara_err). Also marks jobs left
 * 'sending' for NOTIFY_STALE_SECONDS as 'unknown'.
 */
int notify_run_once(struct db *db, const struct notify_config *cfg,
		    int64_t now);

/* The runner thread; NULL database url or no channel: nothing to start. */
struct notify_runner;
enum nara_err notify_runner_start(const char *database,
				  const struct notify_config *cfg,
				  struct notify_runner **out);
void notify_runner_stop(struct notify_runner *r);

/*
 * The server's hook (http/server.c): loads the configuration and starts
 * the runner; logs and carries on without notices when it cannot.
 */
struct notify_runner *notify_server_start(const char *database);

#endif
