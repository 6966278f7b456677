/*
 * For src/domain/case.c and case_move.c only: what the policy needs of a
 * case, and the one way both files ask it and write the audit row. Pages
 * never include this.
 */
#ifndef NARA_CASE_INTERNAL_H
#define NARA_CASE_INTERNAL_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/referral.h"
#include "policy/case_flow.h"
#include "policy/policy.h"

struct db;
struct actor;

/* What the policy needs of a case, loaded inside the caller's transaction. */
struct case_facts_row {
	int64_t municipality_id, unit_id, person_id, version;
	int protected_identity, team_member;
	/* A citizen asking as a guardian (R2.5): see policy.h. */
	int64_t guardianship_municipality_id;
	int person_age;
	const char *personnummer;
	struct case_facts flow;
	int64_t preliminary_due, investigation_opened_at, investigation_due;
	/*
	 * Staff of a shared unit: the referral of this case to their unit
	 * and whether its basis holds now (R3.2, R3.3); via_referral when
	 * the policy let them in on it.
	 */
	struct referral_grant ref;
	int via_referral;
};

/*
 * Loads the facts of the case, asks the policy for the action and, when
 * refused, writes the flagged audit row (the caller commits it).
 */
enum nara_err case_authorize(struct db *db, struct arena *a,
			     const struct actor *who, int64_t case_id,
			     enum policy_action action,
			     struct case_facts_row *f);

/* The audit row of an action on a case, in the caller's transaction. */
enum nara_err case_audit(struct db *db, const struct actor *who,
			 int64_t municipality_id, int64_t case_id,
			 int64_t person_id, const char *action,
			 const char *reason, int flagged);

/* The same for the facts loaded: with the agreement and basis when the
 * actor came in through a referral (R3.3). */
enum nara_err case_audit_f(struct db *db, struct arena *a,
			   const struct actor *who,
			   const struct case_facts_row *f, int64_t case_id,
			   const char *action, const char *reason, int flagged);

#endif
