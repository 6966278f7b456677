/* The reception of handovers; see handover.h. */
#include "policy/handover.h"

int policy_handover_reception(const struct policy_subject *who,
			      int64_t municipality_id)
{
	if (who == NULL || who->kind != SUBJECT_STAFF || municipality_id == 0)
		return 0;
	for (size_t i = 0; i < who->ngrants; i++) {
		const struct policy_grant *g = &who->grants[i];
		if (g->municipality_id == municipality_id &&
		    (g->role == ROLE_FIRST_LINE ||
		     g->role == ROLE_CASE_OFFICER || g->role == ROLE_TEAM_LEAD))
			return 1;
	}
	return 0;
}
