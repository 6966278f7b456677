/* Notices by e-mail and SMS from an outbox; see notify.h. */
#include "domain/notify.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/url.h"
#include "db/db.h"
#include "http/client.h"
#include "policy/clock.h"
#include "web/i18n.h"

/*
 * What notify_booking_in_tx needs of the configuration, set once at
 * start-up (notify_config_load) before any thread queues a notice.
 */
static int64_t reminder_before = 86400;
static const char *link_base = "";

static int64_t env_seconds(const char *name, int64_t def, int64_t min,
			   int64_t max, int *bad)
{
	const char *s = getenv(name);
	if (s == NULL || *s == '\0')
		return def;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max) {
		*bad = 1;
		return def;
	}
	return v;
}

enum nara_err notify_config_load(struct notify_config *cfg, char *errmsg,
				 size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->smtp_url = getenv("NARA_SMTP_URL");
	cfg->mail_from = getenv("NARA_MAIL_FROM");
	cfg->sms_url = getenv("NARA_SMS_URL");
	cfg->base_url = getenv("NARA_BASE_URL");
	if (cfg->smtp_url && !*cfg->smtp_url)
		cfg->smtp_url = NULL;
	if (cfg->sms_url && !*cfg->sms_url)
		cfg->sms_url = NULL;
	if (cfg->mail_from == NULL || *cfg->mail_from == '\0')
		cfg->mail_from = "no-reply@nara.invalid";
	int bad = 0;
	cfg->reminder_before = env_seconds("NARA_NOTICE_REMINDER_BEFORE", 86400,
					   0, 30LL * 86400, &bad);
	if (bad) {
		snprintf(errmsg, errlen, "NARA_NOTICE_REMINDER_BEFORE: seconds"
					 " from 0 to 2592000");
		return NARA_EINVAL;
	}
	cfg->retry_seconds =
	    env_seconds("NARA_NOTICE_RETRY_SECONDS", 30, 1, 86400, &bad);
	cfg->poll_ms = (int)env_seconds("NARA_NOTICE_POLL_MS", 1000, 50,
					60000, &bad);
	if (bad) {
		snprintf(errmsg, errlen,
			 "NARA_NOTICE_RETRY_SECONDS (1-86400) or"
			 " NARA_NOTICE_POLL_MS (50-60000) is not a number");
		return NARA_EINVAL;
	}
	if (cfg->smtp_url && strncmp(cfg->smtp_url, "smtp://", 7) != 0 &&
	    strncmp(cfg->smtp_url, "smtps://", 8) != 0) {
		snprintf(errmsg, errlen,
			 "NARA_SMTP_URL: smtp://host:port or smtps://host:port");
		return NARA_EINVAL;
	}
	if (cfg->sms_url && !url_is_secure_or_loopback(cfg->sms_url)) {
		snprintf(errmsg, errlen,
			 "NARA_SMS_URL: https, or http on loopback");
		return NARA_EINVAL;
	}
	reminder_before = cfg->reminder_before;
	link_base = cfg->base_url ? cfg->base_url : "";
	return NARA_OK;
}

/* Queuing --------------------------------------------------------------- */

/* An address a mail header and an SMTP command can carry as it is. */
static int email_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 254 || strchr(s, '@') == NULL)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == ',' ||
		    c == '"' || c == '\\' || c == ';')
			return 0;
	}
	return 1;
}

/* A phone number: digits, an optional leading +, spaces and dashes. */
static int phone_ok(const char *s, char *out, size_t size)
{
	size_t k = 0, digits = 0;
	for (size_t i = 0; s[i]; i++) {
		char c = s[i];
		if (c == ' ' || c == '-')
			continue;
		if (!((c >= '0' && c <= '9') || (c == '+' && k == 0)))
			return 0;
		if (k + 1 >= size)
			return 0;
		out[k++] = c;
		digits += c != '+';
	}
	out[k] = '\0';
	return digits >= 6;
}

static enum nara_err insert_job(struct db *db, const struct notice *n,
				int64_t municipality_id, const char *channel,
				const char *recipient, int64_t now)
{
	char key[160];
	snprintf(key, sizeof(key), "%s:%s", n->dedupe_key, channel);
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "INSERT INTO notice_job (municipality_id, person_id, booking_id,"
	    " purpose, channel, recipient, subject, body, due_at, state,"
	    " dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " 'pending', ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, municipality_id);
	db_bind_int(st, 2, n->person_id);
	if (n->booking_id)
		db_bind_int(st, 3, n->booking_id);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, n->purpose, (size_t)-1);
	db_bind_text(st, 5, channel, (size_t)-1);
	db_bind_text(st, 6, recipient, (size_t)-1);
	db_bind_text(st, 7, n->subject ? n->subject : "", (size_t)-1);
	db_bind_text(st, 8, n->body, (size_t)-1);
	db_bind_int(st, 9, n->due_at);
	db_bind_text(st, 10, key, (size_t)-1);
	db_bind_int(st, 11, now);
	int rc = db_step(st);
	while (rc == DB_ROW)
		rc = db_step(st);
	db_done(st);
	return db_step_err(rc);
}

enum nara_err notify_enqueue(struct db *db, const struct notice *n,
			     int64_t now)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db, "SELECT municipality_id, email, phone FROM person WHERE id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, n->person_id);
	int rc = db_step(st);
	int64_t municipality_id = 0;
	char email[256] = "", phone[32] = "", raw_phone[64] = "";
	if (rc == DB_ROW) {
		municipality_id = db_col_int(st, 0);
		snprintf(email, sizeof(email), "%s", db_col_text(st, 1));
		snprintf(raw_phone, sizeof(raw_phone), "%s", db_col_text(st, 2));
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	/* Addresses that could not be sent to are skipped, not queued. */
	if (email_ok(email))
		err = insert_job(db, n, municipality_id, "email", email, now);
	if (err == NARA_OK && phone_ok(raw_phone, phone, sizeof(phone)))
		err = insert_job(db, n, municipality_id, "sms", phone, now);
	return err;
}

/* "8 december 2026 kl. 10:00", Stockholm time, Swedish. */
static void when_text(int64_t t, char *out, size_t size)
{
	struct civil_date d = clock_local_date(t);
	int64_t local = t + clock_stockholm_offset(t);
	int64_t secs = ((local % 86400) + 86400) % 86400;
	char key[16];
	snprintf(key, sizeof(key), "month.%d", d.month);
	snprintf(out, size, "%d %s %d %s %02d:%02d", d.day, i18n_get("sv", key),
		 d.year, i18n_get("sv", "format.at"), (int)(secs / 3600),
		 (int)(secs % 3600 / 60));
}

/* The catalogue text with {when} and {link} filled in. */
static void fill(struct buf *out, const char *text, const char *when,
		 const char *link)
{
	while (*text) {
		if (strncmp(text, "{when}", 6) == 0) {
			buf_adds(out, when);
			text += 6;
		} else if (strncmp(text, "{link}", 6) == 0) {
			buf_adds(out, link);
			text += 6;
		} else {
			buf_add(out, text, 1);
			text++;
		}
	}
}

static enum nara_err queue_text(struct db *db, int64_t booking_id,
				int64_t person_id, int64_t version,
				const char *purpose, int64_t starts_at,
				int64_t due_at, int64_t now)
{
	char when[64], key[96], link[300];
	when_text(starts_at, when, sizeof(when));
	snprintf(link, sizeof(link), "%s/mina-sidor/moten", link_base);
	struct buf subject, body;
	buf_init(&subject);
	buf_init(&body);
	snprintf(key, sizeof(key), "notice.%s.subject", purpose);
	fill(&subject, i18n_get("sv", key), when, link);
	snprintf(key, sizeof(key), "notice.%s.body", purpose);
	fill(&body, i18n_get("sv", key), when, link);
	char dedupe[96];
	snprintf(dedupe, sizeof(dedupe), "booking:%lld:%lld:%s",
		 (long long)booking_id, (long long)version, purpose);
	enum nara_err err = NARA_ENOMEM;
	if (!subject.failed && !body.failed) {
		struct notice n = {
		    .person_id = person_id,
		    .booking_id = booking_id,
		    .purpose = purpose,
		    .subject = buf_cstr(&subject),
		    .body = buf_cstr(&body),
		    .due_at = due_at,
		    .dedupe_key = dedupe,
		};
		err = notify_enqueue(db, &n, now);
	}
	buf_free(&subject);
	buf_free(&body);
	return err;
}

enum nara_err notify_person_in_tx(struct db *db, int64_t person_id,
				  const char *purpose, const char *path,
				  const char *dedupe_key, int64_t now)
{
	char key[96], link[300];
	snprintf(link, sizeof(link), "%s%s", link_base, path);
	struct buf subject, body;
	buf_init(&subject);
	buf_init(&body);
	snprintf(key, sizeof(key), "notice.%s.subject", purpose);
	fill(&subject, i18n_get("sv", key), "", link);
	snprintf(key, sizeof(key), "notice.%s.body", purpose);
	fill(&body, i18n_get("sv", key), "", link);
	enum nara_err err = NARA_ENOMEM;
	if (!subject.failed && !body.failed) {
		struct notice n = {
		    .person_id = person_id,
		    .purpose = purpose,
		    .subject = buf_cstr(&subject),
		    .body = buf_cstr(&body),
		    .due_at = now,
		    .dedupe_key = dedupe_key,
		};
		err = notify_enqueue(db, &n, now);
	}
	buf_free(&subject);
	buf_free(&body);
	return err;
}

enum nara_err booking_notices_in_tx(struct db *db, int64_t booking_id,
				    const char *purpose, int64_t now)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT person_id, version, starts_at, state FROM booking"
	    " WHERE id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, booking_id);
	int rc = db_step(st);
	int64_t person_id = 0, version = 0, starts_at = 0;
	char state[16] = "";
	if (rc == DB_ROW) {
		person_id = db_col_int(st, 0);
		version = db_col_int(st, 1);
		starts_at = db_col_int(st, 2);
		snprintf(state, sizeof(state), "%s", db_col_text(st, 3));
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	/* What was queued for the meeting's old time is no longer true. */
	err = db_run(db,
		     "UPDATE notice_job SET state = 'cancelled' WHERE"
		     " booking_id = ? AND state = 'pending'",
		     "i", booking_id);
	if (err == NARA_OK)
		err = queue_text(db, booking_id, person_id, version, purpose,
				 starts_at, now, now);
	if (err == NARA_OK && strcmp(state, "booked") == 0 &&
	    starts_at - reminder_before > now)
		err = queue_text(db, booking_id, person_id, version,
				 "booking_reminder", starts_at,
				 starts_at - reminder_before, now);
	return err;
}

/* Sending --------------------------------------------------------------- */

struct job {
	int64_t id;
	int attempts;
	char channel[8];
	char *recipient, *subject, *body;
};

static void job_clear(struct job *j)
{
	free(j->recipient);
	free(j->subject);
	free(j->body);
	memset(j, 0, sizeof(*j));
}

static char *dup_col(struct db_stmt *st, int i)
{
	size_t n = db_col_len(st, i);
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, db_col_text(st, i), n);
		s[n] = '\0';
	}
	return s;
}

/*
 * Claims the next due job: 1 claimed, 0 none, or -(err). The claim is
 * committed before anything is sent, so no other runner takes it.
 */
static int claim(struct db *db, int64_t now, struct job *j)
{
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return -(int)err;
	/*
	 * PostgreSQL: several nodes claim at once; SKIP LOCKED lets each
	 * take a different row without waiting. SQLite: db_begin took the
	 * write lock, so the plain select is already exclusive.
	 */
	const char *sql =
	    db_engine_of(db) == DB_POSTGRES
		? "SELECT id, attempts, channel, recipient, subject, body"
		  " FROM notice_job WHERE state = 'pending' AND due_at <= ?"
		  " ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
		: "SELECT id, attempts, channel, recipient, subject, body"
		  " FROM notice_job WHERE state = 'pending' AND due_at <= ?"
		  " ORDER BY due_at, id LIMIT 1";
	struct db_stmt *st;
	err = db_prepare(db, sql, &st);
	int rc = 0;
	if (err == NARA_OK) {
		db_bind_int(st, 1, now);
		rc = db_step(st);
		if (rc == DB_ROW) {
			j->id = db_col_int(st, 0);
			j->attempts = (int)db_col_int(st, 1);
			snprintf(j->channel, sizeof(j->channel), "%s",
				 db_col_text(st, 2));
			j->recipient = dup_col(st, 3);
			j->subject = dup_col(st, 4);
			j->body = dup_col(st, 5);
			while (db_step(st) == DB_ROW)
				;
		}
		db_done(st);
		if (rc < 0)
			err = db_step_err(rc);
	}
	if (err == NARA_OK && rc == DB_ROW) {
		if (!j->recipient || !j->subject || !j->body)
			err = NARA_ENOMEM;
		else
			err = db_run(db,
				     "UPDATE notice_job SET state = 'sending',"
				     " claimed_at = ?, attempts = attempts + 1"
				     " WHERE id = ? AND state = 'pending'",
				     "ii", now, j->id);
	}
	if (err == NARA_OK)
		err = db_commit(db);
	else
		db_rollback(db);
	if (err != NARA_OK) {
		job_clear(j);
		return -(int)err;
	}
	return rc == DB_ROW ? 1 : 0;
}

struct upload {
	const char *data;
	size_t len, off;
};

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t room = size * nmemb, left = u->len - u->off;
	size_t n = left < room ? left : room;
	memcpy(ptr, u->data + u->off, n);
	u->off += n;
	return n;
}

/* RFC 2047 encoded word for a subject that is not ASCII. */
static void header_text(struct buf *b, const char *s)
{
	int ascii = 1;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p >= 0x80 || *p == '\r' || *p == '\n')
			ascii = 0;
	if (ascii) {
		buf_adds(b, s);
		return;
	}
	size_t n = strlen(s);
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *enc = malloc(cap);
	if (enc == NULL) {
		b->failed = 1;
		return;
	}
	sodium_bin2base64(enc, cap, (const unsigned char *)s, n,
			  sodium_base64_VARIANT_ORIGINAL);
	buf_printf(b, "=?UTF-8?B?%s?=", enc);
	free(enc);
}

static enum nara_err send_email(const struct notify_config *cfg,
				const struct job *j, char *errbuf,
				size_t errlen)
{
	if (cfg->smtp_url == NULL) {
		snprintf(errbuf, errlen, "no NARA_SMTP_URL");
		return NARA_EIO;
	}
	struct buf msg;
	buf_init(&msg);
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	const char *at = strchr(cfg->mail_from, '@');
	buf_printf(&msg,
		   "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nMessage-ID:"
		   " <notice-%lld-%d%s>\r\nSubject: ",
		   date, cfg->mail_from, j->recipient, (long long)j->id,
		   j->attempts + 1, at ? at : "@nara.invalid");
	header_text(&msg, j->subject);
	buf_adds(&msg, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain;"
		       " charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
	/* Lines end in CRLF; a lone dot is libcurl's to escape. */
	for (const char *p = j->body; *p; p++) {
		if (*p == '\n')
			buf_adds(&msg, "\r\n");
		else if (*p != '\r')
			buf_add(&msg, p, 1);
	}
	buf_adds(&msg, "\r\n");
	if (msg.failed) {
		buf_free(&msg);
		return NARA_ENOMEM;
	}
	CURL *c = curl_easy_init();
	if (c == NULL) {
		buf_free(&msg);
		return NARA_ENOMEM;
	}
	char from[300], rcpt[300];
	snprintf(from, sizeof(from), "<%s>", cfg->mail_from);
	snprintf(rcpt, sizeof(rcpt), "<%s>", j->recipient);
	struct curl_slist *to = curl_slist_append(NULL, rcpt);
	struct upload u = {.data = msg.data, .len = msg.len};
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	/* Plain SMTP upgrades to TLS when the server offers it. */
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	CURLcode rc = curl_easy_perform(c);
	curl_slist_free_all(to);
	curl_easy_cleanup(c);
	buf_free(&msg);
	if (rc != CURLE_OK) {
		snprintf(errbuf, errlen, "%s", cerr[0] ? cerr : curl_easy_strerror(rc));
		return NARA_EIO;
	}
	return NARA_OK;
}

static enum nara_err send_sms(const struct notify_config *cfg,
			      const struct job *j, char *errbuf, size_t errlen)
{
	if (cfg->sms_url == NULL) {
		snprintf(errbuf, errlen, "no NARA_SMS_URL");
		return NARA_EIO;
	}
	struct buf form, out;
	buf_init(&form);
	buf_init(&out);
	buf_adds(&form, "to=");
	url_escape(&form, j->recipient, strlen(j->recipient));
	buf_adds(&form, "&message=");
	url_escape(&form, j->body, strlen(j->body));
	long status = 0;
	enum nara_err err =
	    form.failed ? NARA_ENOMEM
			: http_client_fetch(cfg->sms_url, buf_cstr(&form), NULL,
					    NULL, &status, &out);
	if (err == NARA_OK && (status < 200 || status > 299)) {
		snprintf(errbuf, errlen, "gateway answered %ld", status);
		err = NARA_EIO;
	} else if (err != NARA_OK) {
		snprintf(errbuf, errlen, "gateway: %s", nara_strerror(err));
	}
	buf_free(&form);
	buf_free(&out);
	return err;
}

static enum nara_err mark(struct db *db, const struct job *j, int64_t now,
			  enum nara_err sent, const char *error,
			  const struct notify_config *cfg)
{
	if (sent == NARA_OK)
		return db_run(db,
			      "UPDATE notice_job SET state = 'sent', sent_at = ?"
			      " WHERE id = ? AND state = 'sending'",
			      "ii", now, j->id);
	int attempts = j->attempts + 1;
	if (attempts >= NOTIFY_MAX_ATTEMPTS)
		return db_run(db,
			      "UPDATE notice_job SET state = 'failed',"
			      " last_error = ? WHERE id = ? AND state = 'sending'",
			      "si", error, j->id);
	/* retry, 2 x retry, 4 x retry, ... */
	int64_t delay = cfg->retry_seconds << (attempts - 1);
	return db_run(db,
		      "UPDATE notice_job SET state = 'pending', due_at = ?,"
		      " last_error = ? WHERE id = ? AND state = 'sending'",
		      "isi", now + delay, error, j->id);
}

int notify_run_once(struct db *db, const struct notify_config *cfg,
		    int64_t now)
{
	enum nara_err err =
	    db_run(db,
		   "UPDATE notice_job SET state = 'unknown', last_error ="
		   " 'the sender stopped while sending' WHERE state = 'sending'"
		   " AND claimed_at < ?",
		   "i", now - NOTIFY_STALE_SECONDS);
	if (err != NARA_OK)
		return -(int)err;
	struct job j;
	memset(&j, 0, sizeof(j));
	int got = claim(db, now, &j);
	if (got <= 0)
		return got;
	char error[256] = "";
	enum nara_err sent =
	    strcmp(j.channel, "sms") == 0
		? send_sms(cfg, &j, error, sizeof(error))
		: send_email(cfg, &j, error, sizeof(error));
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)j.id);
	if (sent == NARA_OK)
		log_kv(LOG_INFO, "notice sent", "job", id, "channel", j.channel,
		       NULL);
	else
		log_kv(LOG_WARN, "notice not sent", "job", id, "channel",
		       j.channel, "error", error, NULL);
	err = mark(db, &j, (int64_t)time(NULL), sent, error, cfg);
	job_clear(&j);
	return err != NARA_OK ? -(int)err : 1;
}

/* The runner ------------------------------------------------------------- */

struct notify_runner {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop;
	char *database;
	struct notify_config cfg;
};

static void *runner_main(void *arg)
{
	struct notify_runner *r = arg;
	struct db *db = NULL;
	for (;;) {
		if (db == NULL && db_connect(r->database, &db) != NARA_OK) {
			db_close(db);
			db = NULL;
		}
		int more = 0;
		if (db != NULL) {
			int rc = notify_run_once(db, &r->cfg, (int64_t)time(NULL));
			if (rc == -(int)NARA_EDBDOWN) {
				db_close(db);
				db = NULL;
			}
			more = rc > 0;
		}
		pthread_mutex_lock(&r->lock);
		if (!more && !r->stop) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += (long)(r->cfg.poll_ms % 1000) * 1000000L;
			until.tv_sec += r->cfg.poll_ms / 1000 +
					until.tv_nsec / 1000000000L;
			until.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&r->cond, &r->lock, &until);
		}
		int stop = r->stop;
		pthread_mutex_unlock(&r->lock);
		if (stop)
			break;
	}
	db_close(db);
	return NULL;
}

enum nara_err notify_runner_start(const char *database,
				  const struct notify_config *cfg,
				  struct notify_runner **out)
{
	*out = NULL;
	if (database == NULL || (cfg->smtp_url == NULL && cfg->sms_url == NULL))
		return NARA_OK;
	struct notify_runner *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NARA_ENOMEM;
	r->database = strdup(database);
	r->cfg = *cfg;
	if (r->database == NULL) {
		free(r);
		return NARA_ENOMEM;
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	if (pthread_create(&r->thread, NULL, runner_main, r) != 0) {
		free(r->database);
		free(r);
		return NARA_EIO;
	}
	*out = r;
	return NARA_OK;
}

void notify_runner_stop(struct notify_runner *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	free(r->database);
	free(r);
}

struct notify_runner *notify_server_start(const char *database)
{
	struct notify_config cfg;
	char errmsg[200] = "";
	if (notify_config_load(&cfg, errmsg, sizeof(errmsg)) != NARA_OK) {
		log_kv(LOG_ERROR, "notices are off", "error", errmsg, NULL);
		return NULL;
	}
	struct notify_runner *r = NULL;
	if (notify_runner_start(database, &cfg, &r) != NARA_OK)
		log_kv(LOG_ERROR, "notices are off: no runner", NULL);
	else if (r == NULL)
		log_kv(LOG_INFO, "notices are off: no NARA_SMTP_URL or"
				 " NARA_SMS_URL", NULL);
	return r;
}
