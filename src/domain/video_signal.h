/*
 * The messages browsers send each other through nara to set up a video
 * meeting (WebRTC signalling), as nara reads them. Untrusted input: one
 * JSON object, bounded in size, of exactly these shapes and nothing else:
 *
 *     {"type": "join"}                       I am here (to everyone)
 *     {"type": "leave"}                      I have gone (to everyone)
 *     {"type": "offer",  "to": P, "sdp": S}  a session description
 *     {"type": "answer", "to": P, "sdp": S}
 *     {"type": "candidate", "to": P, "candidate": C, "mid": M, "index": I}
 *
 * P is another participant's peer name (video.h), S the SDP text, C one
 * ICE candidate line ("" ends the candidates). Unknown keys are refused,
 * so nothing rides along to the other participants that nara did not
 * read. What is relayed is not the text received but the message written
 * again from the parsed fields (video_signal_json).
 */
#ifndef NARA_VIDEO_SIGNAL_H
#define NARA_VIDEO_SIGNAL_H

#include <stddef.h>

#include "core/err.h"

enum {
	VIDEO_SIGNAL_BODY_MAX = 16384, /* bytes of one message as sent */
	VIDEO_SDP_MAX = 12000,
	VIDEO_CANDIDATE_MAX = 512,
	VIDEO_MID_MAX = 32,
	VIDEO_PEER_LEN = 32, /* hex digits of a peer name */
	VIDEO_MLINE_MAX = 63,
};

enum video_signal_type {
	VIDEO_SIGNAL_JOIN,
	VIDEO_SIGNAL_LEAVE,
	VIDEO_SIGNAL_OFFER,
	VIDEO_SIGNAL_ANSWER,
	VIDEO_SIGNAL_CANDIDATE,
};

struct video_signal {
	enum video_signal_type type;
	char to[VIDEO_PEER_LEN + 1]; /* "" for join and leave */
	char *sdp;		     /* offer, answer; else NULL */
	char *candidate;	     /* candidate; else NULL */
	char mid[VIDEO_MID_MAX + 1];
	int index;
};

/* "offer" for VIDEO_SIGNAL_OFFER, ... */
const char *video_signal_type_name(enum video_signal_type t);

/* 1 when s is a peer name: VIDEO_PEER_LEN lower-case hex digits. */
int video_peer_ok(const char *s);

/*
 * Reads one message. NARA_EINVAL for anything else (out is then empty
 * and needs no freeing), NARA_ETOOBIG over VIDEO_SIGNAL_BODY_MAX,
 * NARA_ENOMEM. On NARA_OK free out with video_signal_free.
 */
enum nara_err video_signal_parse(const char *body, size_t len,
				 struct video_signal *out);
void video_signal_free(struct video_signal *s);

/*
 * The message as relayed: a JSON object of the parsed fields, with
 * "from" and "role" (who sent it, as nara knows them) and "id" (its
 * place in the room) added. malloc'd; NULL when out of memory.
 */
char *video_signal_json(const struct video_signal *s);

#endif
