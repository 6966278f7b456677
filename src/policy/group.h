/*
 * Who may see and do what with support groups (domain/group.h). Pure: the
 * caller loads the facts and asks. Deny by default.
 *
 *   staff     a casework or shared-service role in the group's own unit
 *             of the group's host municipality runs the group: its
 *             series, sessions, attendance (GROUP_LEADER). Its
 *             participants' names and contact details only for a
 *             participant of the host municipality, or of a member served
 *             under the agreement in force (R3.1, R3.3): the caller finds
 *             the agreement with agreement_in_force and passes its id.
 *             Staff of any other unit or municipality: nothing.
 *   citizen   their own enrolments, by personnummer, in every
 *             municipality (R2.3).
 */
#ifndef NARA_POLICY_GROUP_H
#define NARA_POLICY_GROUP_H

#include <stdint.h>

#include "policy/policy.h"

struct policy_group {
	int64_t municipality_id; /* the host */
	int64_t unit_id;	 /* the group's unit */
};

enum group_access {
	GROUP_DENY = 0,
	GROUP_LEADER, /* runs the group: staff of its unit */
};

enum group_access policy_group_access(const struct policy_subject *who,
				      const struct policy_group *g);

/*
 * May the staff member read this participant (name, contact)? leader:
 * policy_group_access answered GROUP_LEADER; home: the participant's
 * municipality; agreement_id: the agreement in force under which the
 * group's unit serves home (0: none).
 */
int policy_group_participant(const struct policy_subject *who,
			     const struct policy_group *g,
			     int64_t home_municipality_id,
			     int64_t agreement_id);

/* A citizen's own enrolment. */
int policy_group_own(const struct policy_subject *who,
		     const char *personnummer);

#endif
