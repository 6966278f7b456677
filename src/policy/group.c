/* Who may see and do what with support groups; see group.h. */
#include "policy/group.h"

#include <string.h>

static int runs(enum policy_role role)
{
	return role == ROLE_FIRST_LINE || role == ROLE_CASE_OFFICER ||
	       role == ROLE_TEAM_LEAD || role == ROLE_SHARED_SERVICE;
}

enum group_access policy_group_access(const struct policy_subject *who,
				      const struct policy_group *g)
{
	if (who->kind != SUBJECT_STAFF || who->id == 0 ||
	    who->municipality_id != g->municipality_id)
		return GROUP_DENY;
	for (size_t i = 0; i < who->ngrants; i++) {
		const struct policy_grant *gr = &who->grants[i];
		if (gr->municipality_id == g->municipality_id &&
		    gr->unit_id == g->unit_id && runs(gr->role))
			return GROUP_LEADER;
	}
	return GROUP_DENY;
}

int policy_group_participant(const struct policy_subject *who,
			     const struct policy_group *g,
			     int64_t home_municipality_id, int64_t agreement_id)
{
	if (policy_group_access(who, g) != GROUP_LEADER)
		return 0;
	return home_municipality_id == g->municipality_id || agreement_id != 0;
}

int policy_group_own(const struct policy_subject *who, const char *personnummer)
{
	return who->kind == SUBJECT_CITIZEN && personnummer != NULL &&
	       who->personnummer[0] != '\0' &&
	       strcmp(who->personnummer, personnummer) == 0;
}
