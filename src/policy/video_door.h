/*
 * Who may enter a video meeting's room, and when (docs/rules.md, "Video
 * meetings"). A pure function like the rest of the policy layer: the
 * caller finds the booking and the asking person's place in it, and the
 * clock; this decides. Deny by default: only a booked video meeting,
 * only its invited participants (the person, the officer, the
 * interpreter), only from `opens_before` seconds before its start until
 * its end. VIDEO_OPENS_BEFORE is the default; an operator may set another
 * lead with NARA_VIDEO_OPEN_MINUTES (core/config.h).
 */
#ifndef NARA_POLICY_VIDEO_DOOR_H
#define NARA_POLICY_VIDEO_DOOR_H

#include <stdint.h>

enum { VIDEO_OPENS_BEFORE = 10 * 60 };

enum video_role {
	VIDEO_NOT_INVITED = 0,
	VIDEO_CITIZEN,
	VIDEO_OFFICER,
	VIDEO_INTERPRETER,
};

/* "citizen", "officer", "interpreter"; "" for VIDEO_NOT_INVITED. */
const char *video_role_name(enum video_role role);

struct video_facts {
	int exists; /* a booking with that id (0: none, or unreadable) */
	int booked; /* state 'booked': not proposed, not cancelled */
	int video;  /* kind 'video' */
	enum video_role role; /* the asking person's place in it */
	int64_t starts, ends;
};

enum video_door {
	VIDEO_OPEN,
	VIDEO_DENY_NOT_FOUND,	/* no such booking: 404 */
	VIDEO_DENY_NOT_INVITED, /* not a participant: 403 */
	VIDEO_DENY_NOT_VIDEO,	/* an office or phone meeting */
	VIDEO_DENY_CANCELLED,	/* cancelled, or only proposed */
	VIDEO_DENY_TOO_EARLY,	/* opens `opens_before` before */
	VIDEO_DENY_ENDED,
};

enum video_door video_door_decide(const struct video_facts *f, int64_t now,
				  int64_t opens_before);

#endif
