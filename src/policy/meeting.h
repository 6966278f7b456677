/*
 * Who may see and change a meeting (domain/booking.h). Pure: the caller
 * loads the facts of the meeting and asks. Deny by default.
 *
 *   citizen   the person the meeting is with (by personnummer), in any
 *             municipality (R2.3).
 *   staff     the meeting's officer; the interpreter booked for it, who
 *             sees its time, kind and language and nothing of the case
 *             (MEETING_INTERPRETER: the caller shows no more); a casework
 *             role (first line, case officer, team lead) in the meeting's
 *             unit of the meeting's municipality (R3.1, R4.1). A case's
 *             own walls (team, protected identity) are asked of the case
 *             when a meeting is made for it (case_authorize_in_tx).
 * An interpreter may not change a meeting; a citizen may change only
 * their own; officers and the unit may.
 */
#ifndef NARA_POLICY_MEETING_H
#define NARA_POLICY_MEETING_H

#include <stdint.h>

#include "policy/policy.h"

struct policy_meeting {
	int64_t municipality_id, unit_id;
	int64_t officer_staff_id;     /* 0: the unit's reception */
	int64_t interpreter_staff_id; /* 0: none */
	const char *personnummer;     /* the person the meeting is with */
};

enum meeting_access {
	MEETING_DENY = 0,
	MEETING_PERSON,	     /* the citizen it is with */
	MEETING_OFFICER,     /* its officer */
	MEETING_UNIT,	     /* casework in its unit */
	MEETING_INTERPRETER, /* its interpreter: time, kind, language only */
};

enum meeting_access policy_meeting_access(const struct policy_subject *who,
					  const struct policy_meeting *m);

/* 1 when access allows changing (rebook, cancel) the meeting. */
int policy_meeting_may_change(enum meeting_access access);

/*
 * 1 when the staff member may publish hours in unit_id of municipality_id:
 * for_unit, a casework role there; else a casework or shared-service role
 * there (interpreters and shared staff publish their own).
 */
int policy_meeting_may_publish(const struct policy_subject *who,
			       int64_t municipality_id, int64_t unit_id,
			       int for_unit);

/* A stable English phrase for audit rows. */
const char *policy_meeting_access_text(enum meeting_access access);

#endif
