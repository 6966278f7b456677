/*
 * Video meetings: a room per booking, in which the invited participants'
 * browsers exchange the messages that connect them (WebRTC signalling)
 * through nara. Sound and picture never pass through nara: they go
 * between the browsers through coturn (domain/turn.h).
 *
 * Each participant's browser takes a seat (video_join): a random peer
 * name, bound to the session that took it, told to the others by a
 * "join" message. Then it sends messages to one other seat or to all
 * (video_send) and fetches those meant for it (video_fetch), told of new
 * ones by the live hub (topic "video", id the booking, version the last
 * message's id). Every call asks the policy layer again
 * (policy/video_door.h): a participant is let in only while the meeting is
 * open, and a message goes only to the seats of the same room. Joining
 * and leaving are audited; the messages themselves carry no personal
 * data beyond network addresses and are kept for a day.
 */
#ifndef NARA_VIDEO_H
#define NARA_VIDEO_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "domain/access.h"
#include "domain/video_signal.h"
#include "policy/video_door.h"

struct db;

enum {
	/* Messages in one room; more is not a meeting but a loop. */
	VIDEO_ROOM_SIGNALS_MAX = 5000,
	/* Seats taken in one room (reloads take new ones). */
	VIDEO_ROOM_SEATS_MAX = 60,
	/* Messages returned by one fetch; the browser fetches again. */
	VIDEO_FETCH_MAX = 100,
	/* The TURN credential outlives the meeting's end by this much. */
	VIDEO_TURN_MARGIN = 10 * 60,
};

/* A meeting as the asking person may know it. */
struct video_room {
	enum video_door door;
	enum video_role role;
	int64_t starts, ends;
	int64_t municipality_id, person_id; /* for the audit rows */
};

/*
 * How long before its start a meeting's room opens, in seconds: set once
 * at start-up from NARA_VIDEO_OPEN_MINUTES (cmd_serve.c), before any
 * thread serves; VIDEO_OPENS_BEFORE until then.
 */
void video_set_opens_before(int64_t seconds);
int64_t video_opens_before(void);

/*
 * The meeting booking_id as `who` may see it at `now`: door says whether
 * they may come in and, if not, why. NARA_OK whatever the door says.
 */
enum nara_err video_room_find(struct db *db, const struct actor *who,
			      int64_t booking_id, int64_t now,
			      struct video_room *out);

/*
 * Takes a seat for who's session (session_hash) and tells the room.
 * peer gets the seat's name; *after the id of its "join" message (fetch
 * what comes after). NARA_EDENIED when the door is shut (room->door
 * says why), NARA_ETOOBIG when the room has had too many seats.
 */
enum nara_err video_join(struct db *db, const struct actor *who,
			 const char *session_hash, int64_t booking_id,
			 int64_t now, struct video_room *room,
			 char peer[VIDEO_PEER_LEN + 1], int64_t *after);

/*
 * A message from seat `peer` (who's, in this room) to its addressee (in
 * this room, still seated) or to all. "leave" also frees the seat,
 * audited. *id: the message's id. NARA_EDENIED: the door is shut or the
 * seat is not who's; NARA_ENOTFOUND: no such addressee here;
 * NARA_ETOOBIG: the room's bound.
 */
enum nara_err video_send(struct db *db, const struct actor *who,
			 const char *session_hash, int64_t booking_id,
			 const char *peer, const struct video_signal *msg,
			 int64_t now, int64_t *id);

/*
 * The messages for seat `peer` after id `after`, as a JSON array of
 * {"id", "from", "role", "msg"} into out. *last: the id of the room's
 * last message (what the event stream counts).
 */
enum nara_err video_fetch(struct db *db, const struct actor *who,
			  const char *session_hash, int64_t booking_id,
			  const char *peer, int64_t after, int64_t now,
			  struct buf *out, int64_t *last);

#endif
