/*
 * The door of a video meeting; see meeting.h. The order of the checks is
 * what a refused person is told: someone not invited learns nothing of
 * the meeting's kind or time (a 403 like any record not theirs); an
 * invited one learns why they cannot come in yet, or any more.
 */
#include "policy/meeting.h"

const char *meeting_role_name(enum meeting_role role)
{
	switch (role) {
	case MEETING_CITIZEN:
		return "citizen";
	case MEETING_OFFICER:
		return "officer";
	case MEETING_INTERPRETER:
		return "interpreter";
	case MEETING_NOT_INVITED:
		break;
	}
	return "";
}

enum meeting_door meeting_door(const struct meeting_facts *f, int64_t now)
{
	if (!f->exists)
		return MEETING_DENY_NOT_FOUND;
	if (f->role != MEETING_CITIZEN && f->role != MEETING_OFFICER &&
	    f->role != MEETING_INTERPRETER)
		return MEETING_DENY_NOT_INVITED;
	if (!f->video)
		return MEETING_DENY_NOT_VIDEO;
	if (!f->booked)
		return MEETING_DENY_CANCELLED;
	if (now < f->starts - MEETING_OPENS_BEFORE)
		return MEETING_DENY_TOO_EARLY;
	if (now >= f->ends)
		return MEETING_DENY_ENDED;
	return MEETING_OPEN;
}
