/*
 * Video meeting rooms; see video.h. Each action is one transaction with
 * its checks: the door (policy/video_door.c) is asked again from the
 * booking as it is now, so a meeting cancelled or ended, or a participant
 * taken off it, shuts out a browser that was let in before.
 */
#include "domain/video.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/audit.h"
#include "domain/booking.h"

/*
 * The booking's facts and the asking person's place in it. Who is
 * invited is the booking's to say (booking_participant: the person, the
 * officer or the unit's reception, the interpreter, of a booked meeting).
 * For a meeting that is no longer booked, the row's own participants are
 * matched only to tell them it was cancelled rather than "not allowed";
 * that lets nobody in.
 */
static enum nara_err booking_facts(struct db *db, const struct actor *who,
				   int64_t booking_id, struct video_facts *f,
				   int64_t *municipality_id, int64_t *person_id)
{
	memset(f, 0, sizeof(*f));
	struct db_stmt *st;
	enum nara_err err =
	    db_prepare(db,
		       "SELECT b.state, b.kind, b.starts_at, b.ends_at,"
		       " b.municipality_id, b.person_id, b.staff_id,"
		       " b.interpreter_staff_id, p.personnummer"
		       " FROM booking b JOIN person p ON p.id = b.person_id"
		       " WHERE b.id = ?",
		       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, booking_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		f->exists = 1;
		f->booked = strcmp(db_col_text(st, 0), "booked") == 0;
		f->video = strcmp(db_col_text(st, 1), "video") == 0;
		f->starts = db_col_int(st, 2);
		f->ends = db_col_int(st, 3);
		*municipality_id = db_col_int(st, 4);
		*person_id = db_col_int(st, 5);
		if (who->subject.kind == SUBJECT_STAFF) {
			if (!db_col_is_null(st, 6) &&
			    db_col_int(st, 6) == who->staff_id)
				f->role = VIDEO_OFFICER;
			else if (!db_col_is_null(st, 7) &&
				 db_col_int(st, 7) == who->staff_id)
				f->role = VIDEO_INTERPRETER;
		} else if (who->subject.kind == SUBJECT_CITIZEN &&
			   who->personnummer[0] != '\0' &&
			   strcmp(db_col_text(st, 8), who->personnummer) == 0) {
			f->role = VIDEO_CITIZEN;
		}
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	if (f->exists && f->booked) {
		enum booking_role role = BOOKING_ROLE_NONE;
		int64_t starts = 0, ends = 0;
		f->role = VIDEO_NOT_INVITED;
		if (booking_participant(db, booking_id, who, &role, &starts,
					&ends)) {
			f->starts = starts;
			f->ends = ends;
			f->role = role == BOOKING_ROLE_CITIZEN	 ? VIDEO_CITIZEN
				  : role == BOOKING_ROLE_OFFICER ? VIDEO_OFFICER
				  : role == BOOKING_ROLE_INTERPRETER
				      ? VIDEO_INTERPRETER
				      : VIDEO_NOT_INVITED;
		}
	}
	return NARA_OK;
}

static int64_t opens_before = VIDEO_OPENS_BEFORE;

void video_set_opens_before(int64_t seconds)
{
	opens_before = seconds;
}

int64_t video_opens_before(void)
{
	return opens_before;
}

enum nara_err video_room_find(struct db *db, const struct actor *who,
			      int64_t booking_id, int64_t now,
			      struct video_room *out)
{
	memset(out, 0, sizeof(*out));
	struct video_facts f;
	enum nara_err err = booking_facts(
	    db, who, booking_id, &f, &out->municipality_id, &out->person_id);
	if (err != NARA_OK)
		return err;
	out->door = video_door_decide(&f, now, opens_before);
	out->role = f.role;
	/* Someone not invited learns nothing of the meeting. */
	if (out->door != VIDEO_DENY_NOT_FOUND &&
	    out->door != VIDEO_DENY_NOT_INVITED) {
		out->starts = f.starts;
		out->ends = f.ends;
	}
	return NARA_OK;
}

static enum nara_err audit_seat(struct db *db, const struct actor *who,
				const struct video_room *room,
				int64_t booking_id, const char *action)
{
	int staff = who->subject.kind == SUBJECT_STAFF;
	struct audit_entry e = {
	    .actor_kind = staff ? "staff" : "citizen",
	    .actor_id = staff ? who->staff_id : 0,
	    .actor_label = who->label,
	    .municipality_id = room->municipality_id,
	    .action = action,
	    .record_kind = "video_meeting",
	    .record_id = booking_id,
	    .person_id = room->person_id,
	    .reason = video_role_name(room->role),
	    .request_id = who->request_id,
	};
	return audit_append(db, &e);
}

static enum nara_err insert_signal(struct db *db, int64_t booking_id,
				   const char *from, const char *to,
				   const char *body, int64_t now, int64_t *id)
{
	int64_t count = 0;
	enum nara_err err = db_query_int(
	    db, &count,
	    "SELECT COUNT(*) FROM video_signal WHERE booking_id = ?", "i",
	    booking_id);
	if (err != NARA_OK)
		return err;
	if (count >= VIDEO_ROOM_SIGNALS_MAX)
		return NARA_ETOOBIG;
	struct db_stmt *st;
	err = db_prepare(db,
			 "INSERT INTO video_signal (booking_id, from_peer,"
			 " to_peer, body, created_at) VALUES (?, ?, ?, ?, ?)"
			 " RETURNING id",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, booking_id);
	db_bind_text(st, 2, from, (size_t)-1);
	if (to != NULL)
		db_bind_text(st, 3, to, (size_t)-1);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, body, (size_t)-1);
	db_bind_int(st, 5, now);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		return rc < 0 ? db_step_err(rc) : NARA_EDB;
	if (err == NARA_OK)
		err = db_notify(db, "video", booking_id, *id);
	return err;
}

/* The door, again, inside the transaction: NARA_EDENIED when shut. */
static enum nara_err open_door(struct db *db, const struct actor *who,
			       int64_t booking_id, int64_t now,
			       struct video_room *room)
{
	enum nara_err err = video_room_find(db, who, booking_id, now, room);
	if (err != NARA_OK)
		return err;
	if (room->door == VIDEO_DENY_NOT_FOUND)
		return NARA_ENOTFOUND;
	return room->door == VIDEO_OPEN ? NARA_OK : NARA_EDENIED;
}

/* The seat is who's (their session's), in this room, not left. */
static enum nara_err own_seat(struct db *db, const char *session_hash,
			      int64_t booking_id, const char *peer)
{
	if (peer == NULL || !video_peer_ok(peer))
		return NARA_EDENIED;
	int64_t n = 0;
	enum nara_err err = db_query_int(
	    db, &n,
	    "SELECT COUNT(*) FROM video_peer WHERE id = ? AND booking_id = ?"
	    " AND session_hash = ? AND left_at IS NULL",
	    "sis", peer, booking_id, session_hash);
	if (err != NARA_OK)
		return err;
	return n == 1 ? NARA_OK : NARA_EDENIED;
}

static enum nara_err finish(struct db *db, enum nara_err err)
{
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

enum nara_err video_join(struct db *db, const struct actor *who,
			 const char *session_hash, int64_t booking_id,
			 int64_t now, struct video_room *room,
			 char peer[VIDEO_PEER_LEN + 1], int64_t *after)
{
	peer[0] = '\0';
	*after = 0;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	err = open_door(db, who, booking_id, now, room);
	int64_t seats = 0;
	if (err == NARA_OK)
		err = db_query_int(
		    db, &seats,
		    "SELECT COUNT(*) FROM video_peer WHERE booking_id = ?", "i",
		    booking_id);
	if (err == NARA_OK && seats >= VIDEO_ROOM_SEATS_MAX)
		err = NARA_ETOOBIG;
	/*
	 * Yesterday's messages of every room, and the seats they no longer
	 * name: no use to anyone now.
	 */
	if (err == NARA_OK)
		err =
		    db_run(db, "DELETE FROM video_signal WHERE created_at < ?",
			   "i", now - 86400);
	if (err == NARA_OK)
		err = db_run(db,
			     "DELETE FROM video_peer WHERE joined_at < ? AND id"
			     " NOT IN (SELECT from_peer FROM video_signal)",
			     "i", now - 86400);
	if (err == NARA_OK) {
		unsigned char raw[VIDEO_PEER_LEN / 2];
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(peer, VIDEO_PEER_LEN + 1, raw, sizeof(raw));
		err = db_run(db,
			     "INSERT INTO video_peer (id, booking_id,"
			     " session_hash, role, joined_at)"
			     " VALUES (?, ?, ?, ?, ?)",
			     "sissi", peer, booking_id, session_hash,
			     video_role_name(room->role), now);
	}
	if (err == NARA_OK)
		err = insert_signal(db, booking_id, peer, NULL,
				    "{\"type\":\"join\"}", now, after);
	if (err == NARA_OK)
		err = audit_seat(db, who, room, booking_id, "video_join");
	err = finish(db, err);
	if (err != NARA_OK) {
		peer[0] = '\0';
		*after = 0;
	}
	return err;
}

enum nara_err video_send(struct db *db, const struct actor *who,
			 const char *session_hash, int64_t booking_id,
			 const char *peer, const struct video_signal *msg,
			 int64_t now, int64_t *id)
{
	*id = 0;
	/* Joining takes a seat: video_join, not a message. */
	if (msg->type == VIDEO_SIGNAL_JOIN)
		return NARA_EINVAL;
	struct video_room room;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	err = open_door(db, who, booking_id, now, &room);
	/* Leaving is allowed after the end too: the seat is freed. */
	if (err == NARA_EDENIED && msg->type == VIDEO_SIGNAL_LEAVE &&
	    room.door == VIDEO_DENY_ENDED)
		err = NARA_OK;
	if (err == NARA_OK)
		err = own_seat(db, session_hash, booking_id, peer);
	if (err == NARA_OK && msg->to[0] != '\0') {
		int64_t n = 0;
		err =
		    db_query_int(db, &n,
				 "SELECT COUNT(*) FROM video_peer WHERE id = ?"
				 " AND booking_id = ? AND left_at IS NULL",
				 "si", msg->to, booking_id);
		if (err == NARA_OK && n != 1)
			err = NARA_ENOTFOUND;
	}
	char *body = NULL;
	if (err == NARA_OK) {
		body = video_signal_json(msg);
		if (body == NULL)
			err = NARA_ENOMEM;
	}
	if (err == NARA_OK)
		err = insert_signal(db, booking_id, peer,
				    msg->to[0] ? msg->to : NULL, body, now, id);
	free(body);
	if (err == NARA_OK && msg->type == VIDEO_SIGNAL_LEAVE) {
		err =
		    db_run(db, "UPDATE video_peer SET left_at = ? WHERE id = ?",
			   "is", now, peer);
		if (err == NARA_OK)
			err = audit_seat(db, who, &room, booking_id,
					 "video_leave");
	}
	err = finish(db, err);
	if (err != NARA_OK)
		*id = 0;
	return err;
}

enum nara_err video_fetch(struct db *db, const struct actor *who,
			  const char *session_hash, int64_t booking_id,
			  const char *peer, int64_t after, int64_t now,
			  struct buf *out, int64_t *last)
{
	*last = 0;
	struct video_room room;
	enum nara_err err = db_begin_read(db);
	if (err != NARA_OK)
		return err;
	err = open_door(db, who, booking_id, now, &room);
	if (err == NARA_OK)
		err = own_seat(db, session_hash, booking_id, peer);
	if (err == NARA_OK)
		err =
		    db_query_int(db, last,
				 "SELECT COALESCE(MAX(id), 0) FROM video_signal"
				 " WHERE booking_id = ?",
				 "i", booking_id);
	struct db_stmt *st = NULL;
	if (err == NARA_OK)
		err = db_prepare(
		    db,
		    "SELECT s.id, s.from_peer, p.role, s.body"
		    " FROM video_signal s JOIN video_peer p ON p.id = "
		    "s.from_peer"
		    " WHERE s.booking_id = ? AND s.id > ? AND s.from_peer <> ?"
		    " AND (s.to_peer IS NULL OR s.to_peer = ?)"
		    " ORDER BY s.id LIMIT ?",
		    &st);
	if (err == NARA_OK) {
		db_bind_int(st, 1, booking_id);
		db_bind_int(st, 2, after);
		db_bind_text(st, 3, peer, (size_t)-1);
		db_bind_text(st, 4, peer, (size_t)-1);
		db_bind_int(st, 5, VIDEO_FETCH_MAX);
		buf_addc(out, '[');
		int rc, first = 1;
		while ((rc = db_step(st)) == DB_ROW) {
			/*
			 * The peer name and role are ours (hex, a fixed word);
			 * the body is JSON nara wrote (video_signal_json).
			 */
			buf_printf(out,
				   "%s{\"id\":%lld,\"from\":\"%s\",\"role\":"
				   "\"%s\",\"msg\":%s}",
				   first ? "" : ",",
				   (long long)db_col_int(st, 0),
				   db_col_text(st, 1), db_col_text(st, 2),
				   db_col_text(st, 3));
			first = 0;
		}
		buf_addc(out, ']');
		db_done(st);
		if (rc < 0)
			err = db_step_err(rc);
	}
	db_rollback(db);
	return err;
}
