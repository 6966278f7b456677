/*
 * Who may enter a video meeting's room, and when (docs/rules.md, "Video
 * meetings"). A pure function like the rest of the policy layer: the
 * caller finds the booking and the asking person's place in it, and the
 * clock; this decides. Deny by default: only a booked video meeting,
 * only its invited participants (the person, the officer, the
 * interpreter), only from MEETING_OPENS_BEFORE before its start until its
 * end.
 */
#ifndef NARA_POLICY_MEETING_H
#define NARA_POLICY_MEETING_H

#include <stdint.h>

enum { MEETING_OPENS_BEFORE = 10 * 60 };

enum meeting_role {
	MEETING_NOT_INVITED = 0,
	MEETING_CITIZEN,
	MEETING_OFFICER,
	MEETING_INTERPRETER,
};

/* "citizen", "officer", "interpreter"; "" for MEETING_NOT_INVITED. */
const char *meeting_role_name(enum meeting_role role);

struct meeting_facts {
	int exists;	 /* a booking with that id (0: none, or unreadable) */
	int booked;	 /* state 'booked': not proposed, not cancelled */
	int video;	 /* kind 'video' */
	enum meeting_role role; /* the asking person's place in it */
	int64_t starts, ends;
};

enum meeting_door {
	MEETING_OPEN,
	MEETING_DENY_NOT_FOUND,	  /* no such booking: 404 */
	MEETING_DENY_NOT_INVITED, /* not a participant: 403 */
	MEETING_DENY_NOT_VIDEO,	  /* an office or phone meeting */
	MEETING_DENY_CANCELLED,	  /* cancelled, or only proposed */
	MEETING_DENY_TOO_EARLY,	  /* opens MEETING_OPENS_BEFORE before */
	MEETING_DENY_ENDED,
};

enum meeting_door meeting_door(const struct meeting_facts *f, int64_t now);

#endif
