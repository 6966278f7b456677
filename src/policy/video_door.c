/*
 * The door of a video meeting; see video_door.h. The order of the checks is
 * what a refused person is told: someone not invited learns nothing of
 * the meeting's kind or time (a 403 like any record not theirs); an
 * invited one learns why they cannot come in yet, or any more.
 */
#include "policy/video_door.h"

const char *video_role_name(enum video_role role)
{
	switch (role) {
	case VIDEO_CITIZEN:
		return "citizen";
	case VIDEO_OFFICER:
		return "officer";
	case VIDEO_INTERPRETER:
		return "interpreter";
	case VIDEO_NOT_INVITED:
		break;
	}
	return "";
}

enum video_door video_door_decide(const struct video_facts *f, int64_t now,
				  int64_t opens_before)
{
	if (!f->exists)
		return VIDEO_DENY_NOT_FOUND;
	if (f->role != VIDEO_CITIZEN && f->role != VIDEO_OFFICER &&
	    f->role != VIDEO_INTERPRETER)
		return VIDEO_DENY_NOT_INVITED;
	if (!f->video)
		return VIDEO_DENY_NOT_VIDEO;
	if (!f->booked)
		return VIDEO_DENY_CANCELLED;
	if (now < f->starts - opens_before)
		return VIDEO_DENY_TOO_EARLY;
	if (now >= f->ends)
		return VIDEO_DENY_ENDED;
	return VIDEO_OPEN;
}
