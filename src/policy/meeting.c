/* Who may see and change a meeting; see meeting.h. */
#include "policy/meeting.h"

#include <string.h>

static int casework(enum policy_role role)
{
	return role == ROLE_FIRST_LINE || role == ROLE_CASE_OFFICER ||
	       role == ROLE_TEAM_LEAD;
}

static int holds(const struct policy_subject *who, int64_t municipality_id,
		 int64_t unit_id, int shared_too)
{
	for (size_t i = 0; i < who->ngrants; i++) {
		const struct policy_grant *g = &who->grants[i];
		if (g->municipality_id != municipality_id || g->unit_id != unit_id)
			continue;
		if (casework(g->role) ||
		    (shared_too && g->role == ROLE_SHARED_SERVICE))
			return 1;
	}
	return 0;
}

enum meeting_access policy_meeting_access(const struct policy_subject *who,
					  const struct policy_meeting *m)
{
	if (who->kind == SUBJECT_CITIZEN) {
		if (m->personnummer != NULL && who->personnummer[0] != '\0' &&
		    strcmp(m->personnummer, who->personnummer) == 0)
			return MEETING_PERSON;
		return MEETING_DENY;
	}
	if (who->kind != SUBJECT_STAFF || who->id == 0)
		return MEETING_DENY;
	if (m->officer_staff_id == who->id &&
	    who->municipality_id == m->municipality_id)
		return MEETING_OFFICER;
	/* The interpreter may be of another municipality: the host's. */
	if (m->interpreter_staff_id != 0 && m->interpreter_staff_id == who->id)
		return MEETING_INTERPRETER;
	if (who->municipality_id == m->municipality_id &&
	    holds(who, m->municipality_id, m->unit_id, 0))
		return MEETING_UNIT;
	return MEETING_DENY;
}

int policy_meeting_may_change(enum meeting_access access)
{
	return access == MEETING_PERSON || access == MEETING_OFFICER ||
	       access == MEETING_UNIT;
}

int policy_meeting_may_publish(const struct policy_subject *who,
			       int64_t municipality_id, int64_t unit_id,
			       int for_unit)
{
	if (who->kind != SUBJECT_STAFF)
		return 0;
	return holds(who, municipality_id, unit_id, !for_unit);
}

const char *policy_meeting_access_text(enum meeting_access access)
{
	switch (access) {
	case MEETING_PERSON:
		return "own meeting";
	case MEETING_OFFICER:
		return "the meeting's officer";
	case MEETING_UNIT:
		return "casework in the meeting's unit";
	case MEETING_INTERPRETER:
		return "the meeting's interpreter";
	case MEETING_DENY:
		break;
	}
	return "not a participant of the meeting";
}
