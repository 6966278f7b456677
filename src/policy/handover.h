/*
 * Who receives a case handed over from another municipality (DOMAIN.md
 * R3.4). Pure: the caller loads the subject and asks.
 */
#ifndef NARA_POLICY_HANDOVER_H
#define NARA_POLICY_HANDOVER_H

#include <stdint.h>

#include "policy/policy.h"

/*
 * The reception of municipality_id: staff who do casework there
 * (first_line, case_officer, team_lead in any of its units). They see
 * incoming handovers, open the package and accept or decline it; where
 * the new case goes is asked separately (policy_decide, ACT_WRITE on
 * REC_CASE of the chosen unit). Nobody else: not shared-service staff,
 * not administrators, never another municipality.
 */
int policy_handover_reception(const struct policy_subject *who,
			      int64_t municipality_id);

#endif
