/*
 * What of a person's file the person may read (DOMAIN.md R2.3, R2.4). Each
 * journal note carries a visibility: shown at once (the default), shown
 * from a date (a considered delay, e.g. until the person has been told in a
 * meeting), or withheld with a reason code (information about third
 * parties, the identity of a private reporter, a risk of serious harm: OSL
 * 26 kap. 1 and 5 §§). The person's view is computed from this at every
 * request, never copied, so a note released or withheld later is shown or
 * hidden at once. Pure functions: `now` is passed in.
 */
#ifndef NARA_VISIBILITY_H
#define NARA_VISIBILITY_H

#include <stdint.h>

enum note_visibility { VIS_NOW, VIS_FROM_DATE, VIS_WITHHELD, VIS_COUNT };

enum withheld_reason {
	WITHHELD_NONE,
	WITHHELD_THIRD_PARTY,	    /* uppgifter om tredje man */
	WITHHELD_REPORTER_IDENTITY, /* en enskild anmälares identitet */
	WITHHELD_HARM,		    /* risk för allvarlig skada */
	WITHHELD_COUNT
};

/* 1 when the person whose file it is may read the note at `now`. */
int policy_note_visible(enum note_visibility v, int64_t visible_from,
			int64_t now);

/*
 * Checks a visibility chosen by staff: a date must be given for
 * VIS_FROM_DATE (and lie after `now`), a reason for VIS_WITHHELD, and
 * neither otherwise. 1 when consistent.
 */
int policy_visibility_valid(enum note_visibility v, int64_t visible_from,
			    enum withheld_reason reason, int64_t now);

const char *note_visibility_name(enum note_visibility v);
int note_visibility_parse(const char *name);
const char *withheld_reason_name(enum withheld_reason r);
int withheld_reason_parse(const char *name);

#endif
