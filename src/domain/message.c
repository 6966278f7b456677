/* Secure messages of a case; see message.h. */
#include "domain/message.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/utf8.h"
#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/document.h"
#include "domain/journal.h"
#include "domain/notify.h"
#include "domain/whereabouts.h"
#include "policy/clock.h"

static int is_staff(const struct actor *who)
{
	return who->subject.kind == SUBJECT_STAFF;
}

static int blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static enum nara_err audit_thread(struct db *db, const struct actor *who,
				  int64_t municipality_id, int64_t person_id,
				  const char *action, const char *record_kind,
				  int64_t record_id)
{
	return audit_actor(db, who, municipality_id, 0, action, record_kind,
			   record_id, person_id, "", 0);
}

/*
 * Moves the thread's version (made on first use) and tells the live
 * pages after COMMIT. citizen: a message from the person (awaiting a
 * reply from now); staff: a reply; neither: a read receipt.
 */
static enum nara_err thread_touch(struct db *db, int64_t case_id,
				  int64_t municipality_id, int64_t now,
				  const char *author_kind)
{
	int citizen = author_kind && strcmp(author_kind, "citizen") == 0;
	int staff = author_kind && strcmp(author_kind, "staff") == 0;
	int64_t version = 0;
	enum nara_err err = db_query_int(
	    db, &version,
	    "INSERT INTO message_thread (case_id, municipality_id, version,"
	    " last_at, awaiting_staff, awaiting_since) VALUES (?, ?, 1, ?, ?, "
	    "?)"
	    " ON CONFLICT (case_id) DO UPDATE SET"
	    " version = message_thread.version + 1,"
	    " last_at = CASE WHEN ? = 1 THEN excluded.last_at"
	    "  ELSE message_thread.last_at END,"
	    " awaiting_staff = CASE WHEN ? = 1 THEN 1 WHEN ? = 1 THEN 0"
	    "  ELSE message_thread.awaiting_staff END,"
	    " awaiting_since = CASE"
	    "  WHEN ? = 1 AND message_thread.awaiting_staff = 0 THEN"
	    "   excluded.last_at"
	    "  WHEN ? = 1 THEN 0 ELSE message_thread.awaiting_since END"
	    " RETURNING version",
	    "iiiiiiiiii", case_id, municipality_id, now,
	    (int64_t)(citizen ? 1 : 0), (int64_t)(citizen ? now : 0),
	    (int64_t)(citizen || staff), (int64_t)citizen, (int64_t)staff,
	    (int64_t)citizen, (int64_t)staff);
	if (err == NARA_OK)
		err = db_notify(db, "thread", case_id, version);
	return err;
}

static enum nara_err check_files(const struct message_new *m, const char **why)
{
	if (m->nfiles > MESSAGE_FILES_MAX) {
		*why = "msg.error.files";
		return NARA_EINVAL;
	}
	for (size_t i = 0; i < m->nfiles; i++) {
		const char *type = NULL;
		enum nara_err err = document_check(m->files[i].data,
						   m->files[i].len, &type, why);
		if (err != NARA_OK)
			return err == NARA_ETOOBIG ? NARA_EINVAL : err;
	}
	return NARA_OK;
}

/*
 * "You have a new message — log in to read it" for the case's person, in
 * the writer's transaction, with nothing of the message in it. The key is
 * the person's read mark: staff replies that follow before the person has
 * read the thread queue nothing more.
 */
static enum nara_err notice_person(struct db *db, int64_t case_id,
				   int64_t person_id, int64_t now)
{
	int64_t read_to = 0;
	enum nara_err err =
	    db_query_int(db, &read_to,
			 "SELECT COALESCE(MAX(last_read_id), 0) FROM"
			 " message_read WHERE case_id = ? AND"
			 " reader_kind = 'citizen'",
			 "i", case_id);
	if (err != NARA_OK)
		return err;
	char key[80], path[64];
	snprintf(key, sizeof(key), "message:%" PRId64 ":%" PRId64, case_id,
		 read_to);
	snprintf(path, sizeof(path), "/mina-sidor/arenden/%" PRId64, case_id);
	return notify_person_in_tx(db, person_id, "new_message", path, key,
				   now);
}

enum nara_err message_post(struct db *db, struct arena *a,
			   const struct actor *who, const struct message_new *m,
			   int64_t now, int64_t *id, const char **why)
{
	*why = NULL;
	*id = 0;
	const char *body = m->body ? m->body : "";
	size_t len = strlen(body);
	if (blank(body)) {
		*why = "msg.error.empty";
		return NARA_EINVAL;
	}
	if (len > MESSAGE_BODY_MAX || !utf8_valid(body, len)) {
		*why = "msg.error.long";
		return NARA_EINVAL;
	}
	enum nara_err err = check_files(m, why);
	if (err != NARA_OK)
		return err;
	if ((err = db_begin(db)) != NARA_OK)
		return err;
	int staff = is_staff(who);
	int64_t municipality_id = 0, person_id = 0;
	err = case_authorize_in_tx(db, who, m->case_id, 1, &municipality_id,
				   &person_id);
	enum case_state state = CS_RECEIVED;
	if (err == NARA_OK)
		err = case_state_in_tx(db, m->case_id, &state);
	if (err == NARA_OK && state == CS_CLOSED) {
		*why = "msg.error.closed";
		err = NARA_ECONFLICT;
	}
	/*
	 * R4.4: the thread is read by staff who are not cleared, and a
	 * message can be shown, printed or forwarded: it must not carry a
	 * guarded person's whereabouts, whoever writes it.
	 */
	const char *found = NULL;
	if (err == NARA_OK && (err = whereabouts_check_in_tx(
				   db, person_id, body, &found)) == NARA_EINVAL)
		*why = "msg.error.whereabouts";
	const char *label =
	    staff ? (who->name ? who->name : who->label) : who->label;
	if (err == NARA_OK) {
		int64_t author = staff ? who->staff_id : who->subject.id;
		static const char sql[] =
		    "INSERT INTO message (case_id, municipality_id, written_at,"
		    " author_kind, author_id, author_label, body)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
		const char *kind = staff ? "staff" : "citizen";
		/* 'n' binds NULL and takes no argument (db_run). */
		err = author ? db_query_int(db, id, sql, "iiisiss", m->case_id,
					    municipality_id, now, kind, author,
					    label, body)
			     : db_query_int(db, id, sql, "iiisnss", m->case_id,
					    municipality_id, now, kind, label,
					    body);
	}
	if (err == NARA_OK)
		err = audit_thread(db, who, municipality_id, person_id,
				   "create", "message", *id);
	for (size_t i = 0; err == NARA_OK && i < m->nfiles; i++) {
		struct document_new d = {
		    .case_id = m->case_id,
		    .municipality_id = municipality_id,
		    .person_id = person_id,
		    .added_by_kind = staff ? "staff" : "citizen",
		    .added_by_id = staff ? who->staff_id : person_id,
		    .added_by_label = label,
		    .request_id = who->request_id,
		    .filename = m->files[i].filename,
		    .data = m->files[i].data,
		    .len = m->files[i].len,
		    .now = now,
		};
		int64_t doc = 0;
		err = document_add_in_tx(db, a, &d, &doc, why);
		if (err == NARA_ETOOBIG)
			err = NARA_EINVAL;
		if (err == NARA_OK)
			err = db_run(db,
				     "INSERT INTO message_document (message_id,"
				     " document_id) VALUES (?, ?)",
				     "ii", *id, doc);
	}
	if (err == NARA_OK)
		err = thread_touch(db, m->case_id, municipality_id, now,
				   staff ? "staff" : "citizen");
	/* The writer has read their own thread up to what they wrote. */
	if (err == NARA_OK)
		err = db_run(db,
			     "INSERT INTO message_read (case_id, reader_kind,"
			     " reader_id, last_read_id, read_at)"
			     " VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id,"
			     " reader_kind, reader_id) DO UPDATE SET"
			     " last_read_id = excluded.last_read_id,"
			     " read_at = excluded.read_at",
			     "isiii", m->case_id, staff ? "staff" : "citizen",
			     staff ? who->staff_id : (int64_t)0, *id, now);
	/* Tell the person, by the way they can be reached, that there is
	 * something to read: one notice until they have read the thread. */
	if (err == NARA_OK && staff && person_id)
		err = notice_person(db, m->case_id, person_id, now);
	err = audit_finish(db, err);
	if (err != NARA_OK)
		*id = 0;
	return err;
}

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
	return s ? s : "";
}

/* The messages and their attachments, inside the transaction. */
static enum nara_err load_messages(struct db *db, struct arena *a,
				   int64_t case_id, struct message_thread *out)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT m.id, m.written_at, m.author_kind, m.author_label, m.body,"
	    " COALESCE(j.journal_note_id, 0) FROM message m"
	    " LEFT JOIN message_journal j ON j.message_id = m.id"
	    " WHERE m.case_id = ? ORDER BY m.id DESC LIMIT ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	db_bind_int(st, 2, MESSAGE_THREAD_MAX);
	struct message_view *list =
	    arena_calloc(a, MESSAGE_THREAD_MAX, sizeof(*list));
	size_t n = 0;
	int rc = DB_DONE;
	while (list != NULL && n < MESSAGE_THREAD_MAX &&
	       (rc = db_step(st)) == DB_ROW) {
		/* Newest first from the index; shown oldest first. */
		struct message_view *m = &list[MESSAGE_THREAD_MAX - 1 - n++];
		m->id = db_col_int(st, 0);
		m->written_at = db_col_int(st, 1);
		m->author_kind = col(a, st, 2);
		m->author_label = col(a, st, 3);
		m->body = col(a, st, 4);
		m->journal_note_id = db_col_int(st, 5);
	}
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	if (rc < 0)
		return db_step_err(rc);
	out->messages = list + (MESSAGE_THREAD_MAX - n);
	out->count = n;
	if (n == 0)
		return NARA_OK;

	err = db_prepare(db,
			 "SELECT md.message_id, d.id, d.filename"
			 " FROM message_document md JOIN message m"
			 " ON m.id = md.message_id JOIN document d"
			 " ON d.id = md.document_id WHERE m.case_id = ?"
			 " AND m.id >= ? ORDER BY md.message_id, d.id",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	db_bind_int(st, 2, out->messages[0].id);
	size_t k = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t mid = db_col_int(st, 0);
		while (k < n && out->messages[k].id < mid)
			k++;
		if (k == n)
			break;
		struct message_view *m = &out->messages[k];
		if (m->id != mid || m->nattachments >= MESSAGE_FILES_MAX)
			continue;
		if (m->attachments == NULL) {
			m->attachments = arena_calloc(a, MESSAGE_FILES_MAX,
						      sizeof(*m->attachments));
			if (m->attachments == NULL) {
				rc = -(int)NARA_ENOMEM;
				break;
			}
		}
		struct message_attachment *at =
		    &m->attachments[m->nattachments++];
		at->document_id = db_col_int(st, 1);
		at->filename = col(a, st, 2);
	}
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

/* The furthest read mark of one side (staff: any staff reader). */
static enum nara_err side_mark(struct db *db, int64_t case_id, const char *kind,
			       int64_t *mark)
{
	*mark = 0;
	return db_query_int(db, mark,
			    "SELECT COALESCE(MAX(last_read_id), 0) FROM"
			    " message_read WHERE case_id = ? AND"
			    " reader_kind = ?",
			    "is", case_id, kind);
}

enum nara_err message_read(struct db *db, struct arena *a,
			   const struct actor *who, int64_t case_id,
			   int64_t now, int mark_read,
			   struct message_thread *out)
{
	memset(out, 0, sizeof(*out));
	out->case_id = case_id;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int staff = is_staff(who);
	int64_t municipality_id = 0, person_id = 0;
	err = case_authorize_in_tx(db, who, case_id, 0, &municipality_id,
				   &person_id);
	if (err == NARA_OK)
		err = audit_thread(db, who, municipality_id, person_id, "read",
				   "message_thread", case_id);
	if (err == NARA_OK)
		err = load_messages(db, a, case_id, out);
	int64_t newest = out->count ? out->messages[out->count - 1].id : 0;
	if (err == NARA_OK && mark_read && newest != 0) {
		int64_t reader = staff ? who->staff_id : 0, before = 0;
		const char *kind = staff ? "staff" : "citizen";
		err = side_mark(db, case_id, kind, &before);
		if (err == NARA_OK)
			err = db_run(
			    db,
			    "INSERT INTO message_read (case_id, reader_kind,"
			    " reader_id, last_read_id, read_at)"
			    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id,"
			    " reader_kind, reader_id) DO UPDATE SET"
			    " last_read_id = excluded.last_read_id,"
			    " read_at = excluded.read_at"
			    " WHERE message_read.last_read_id <"
			    " excluded.last_read_id",
			    "isiii", case_id, kind, reader, newest, now);
		/*
		 * The other side's "Läst" changes only when this side's
		 * furthest mark moved: only then do their pages hear of it.
		 */
		if (err == NARA_OK && newest > before)
			err = thread_touch(db, case_id, municipality_id, now,
					   NULL);
	}
	int64_t staff_mark = 0, citizen_mark = 0;
	if (err == NARA_OK)
		err = side_mark(db, case_id, "staff", &staff_mark);
	if (err == NARA_OK)
		err = side_mark(db, case_id, "citizen", &citizen_mark);
	if (err == NARA_OK) {
		for (size_t i = 0; i < out->count; i++) {
			struct message_view *m = &out->messages[i];
			int from_staff = strcmp(m->author_kind, "staff") == 0;
			m->read_by_other_side =
			    m->id <= (from_staff ? citizen_mark : staff_mark);
			/* The journal link is staff's business. */
			if (!staff)
				m->journal_note_id = 0;
		}
		int64_t awaiting = 0;
		err = db_query_int(db, &out->version,
				   "SELECT COALESCE(MAX(version), 0) FROM"
				   " message_thread WHERE case_id = ?",
				   "i", case_id);
		if (err == NARA_OK)
			err =
			    db_query_int(db, &awaiting,
					 "SELECT COALESCE(MAX(awaiting_staff),"
					 " 0) FROM message_thread WHERE"
					 " case_id = ?",
					 "i", case_id);
		out->awaiting_staff = awaiting != 0;
	}
	enum case_state state = CS_RECEIVED;
	if (err == NARA_OK)
		err = case_state_in_tx(db, case_id, &state);
	out->closed = state == CS_CLOSED;
	return audit_finish(db, err);
}

enum nara_err message_subscribe(struct db *db, const struct actor *who,
				int64_t case_id, int64_t *version)
{
	*version = 0;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0, person_id = 0;
	err = case_authorize_in_tx(db, who, case_id, 0, &municipality_id,
				   &person_id);
	/* A subscription reads nothing: each fetch after it is a read. */
	if (err == NARA_OK)
		err = audit_thread(db, who, municipality_id, person_id,
				   "subscribe", "message_thread", case_id);
	if (err == NARA_OK)
		err = db_query_int(db, version,
				   "SELECT COALESCE(MAX(version), 0) FROM"
				   " message_thread WHERE case_id = ?",
				   "i", case_id);
	return audit_finish(db, err);
}

enum nara_err message_journal(struct db *db, const struct actor *who,
			      int64_t case_id, int64_t message_id,
			      enum note_visibility v, int64_t visible_from,
			      enum withheld_reason reason, int64_t now,
			      int64_t *note_id, const char **why)
{
	*why = NULL;
	*note_id = 0;
	if (!is_staff(who))
		return NARA_EDENIED;
	if (!policy_visibility_valid(v, visible_from, reason, now)) {
		*why = "journal.error.visibility";
		return NARA_EINVAL;
	}
	struct arena a;
	arena_init(&a, 0);
	enum nara_err err = db_begin(db);
	int64_t municipality_id = 0, person_id = 0;
	if (err == NARA_OK)
		err = case_authorize_in_tx(db, who, case_id, 1,
					   &municipality_id, &person_id);
	const char *author_kind = NULL, *author_label = NULL, *body = NULL;
	int64_t written_at = 0, already = 0;
	if (err == NARA_OK) {
		struct db_stmt *st;
		err = db_prepare(db,
				 "SELECT m.author_kind, m.author_label, m.body,"
				 " m.written_at, (SELECT COUNT(*) FROM"
				 " message_journal j WHERE j.message_id = m.id)"
				 " FROM message m WHERE m.id = ? AND"
				 " m.case_id = ?",
				 &st);
		if (err == NARA_OK) {
			db_bind_int(st, 1, message_id);
			db_bind_int(st, 2, case_id);
			int rc = db_step(st);
			if (rc == DB_ROW) {
				author_kind = col(&a, st, 0);
				author_label = col(&a, st, 1);
				body = col(&a, st, 2);
				written_at = db_col_int(st, 3);
				already = db_col_int(st, 4);
			}
			db_done(st);
			err = rc == DB_ROW    ? NARA_OK
			      : rc == DB_DONE ? NARA_ENOTFOUND
					      : db_step_err(rc);
		}
	}
	if (err == NARA_OK && already) {
		*why = "msg.error.journaled";
		err = NARA_ECONFLICT;
	}
	if (err == NARA_OK) {
		/*
		 * The note says what it is in the language of the file:
		 * who wrote the message and when, then its words.
		 */
		struct civil_date t = clock_local_date(written_at);
		int64_t local = written_at + clock_stockholm_offset(written_at);
		int64_t secs = ((local % 86400) + 86400) % 86400;
		const char *from = strcmp(author_kind, "citizen") == 0
				       ? "den enskilde"
				       : author_label;
		const char *text = arena_printf(
		    &a, "Meddelande från %s, %04d-%02d-%02d %02d:%02d:\n\n%s",
		    from, t.year, t.month, t.day, (int)(secs / 3600),
		    (int)(secs % 3600 / 60), body);
		const char *label = who->name ? who->name : who->label;
		err = text == NULL
			  ? NARA_ENOMEM
			  : journal_insert_in_tx(
				db, case_id, municipality_id, now, "staff",
				who->staff_id, label, "message", text, v,
				visible_from, reason, 0, note_id);
	}
	if (err == NARA_OK)
		err = db_run(
		    db,
		    "INSERT INTO message_journal (message_id,"
		    " journal_note_id, staff_id, at) VALUES (?, ?, ?, ?)",
		    "iiii", message_id, *note_id, who->staff_id, now);
	if (err == NARA_OK)
		err = audit_thread(db, who, municipality_id, person_id,
				   "journal", "message", message_id);
	if (err == NARA_OK)
		err = audit_thread(db, who, municipality_id, person_id,
				   "create", "journal_note", *note_id);
	/* A note in the file: the case's pages hear of it like any note. */
	if (err == NARA_OK)
		err = case_touch_in_tx(db, case_id, now);
	if (err == NARA_OK)
		err = thread_touch(db, case_id, municipality_id, now, NULL);
	arena_free(&a);
	err = audit_finish(db, err);
	if (err != NARA_OK)
		*note_id = 0;
	return err;
}

enum nara_err message_awaiting_in(struct db *db, struct arena *a,
				  int64_t municipality_id,
				  struct message_awaiting **out, size_t *count)
{
	enum { MAX = 2000 };
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err =
	    db_prepare(db,
		       "SELECT case_id, awaiting_since FROM message_thread"
		       " WHERE awaiting_staff = 1 AND municipality_id = ?"
		       " ORDER BY awaiting_since, case_id LIMIT ?",
		       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, municipality_id);
	db_bind_int(st, 2, MAX);
	/* Most worklists have none or a few: grow as rows come. */
	struct message_awaiting *list = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			size_t want = cap ? cap * 2 : 16;
			struct message_awaiting *grown =
			    arena_calloc(a, want, sizeof(*grown));
			if (grown == NULL) {
				db_done(st);
				return NARA_ENOMEM;
			}
			if (n)
				memcpy(grown, list, n * sizeof(*list));
			list = grown;
			cap = want;
		}
		list[n].case_id = db_col_int(st, 0);
		list[n].since = db_col_int(st, 1);
		n++;
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	*out = list;
	*count = n;
	return NARA_OK;
}
