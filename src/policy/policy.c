/*
 * The policy layer; see policy.h. The rules are written as a sequence of
 * walls, each of which may only refuse, followed by the grants that allow.
 * A request that passes every wall and matches no grant is refused
 * (POLICY_DENY_DEFAULT): a missing rule is a refusal, never a pass.
 */
#include "policy/policy.h"

#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_FIRST_LINE] = "first_line",
	[ROLE_CASE_OFFICER] = "case_officer",
	[ROLE_TEAM_LEAD] = "team_lead",
	[ROLE_SHARED_SERVICE] = "shared_service",
	[ROLE_MUNICIPAL_ADMIN] = "municipal_admin",
	[ROLE_SECURITY_OFFICER] = "security_officer",
	[ROLE_PLATFORM_ADMIN] = "platform_admin",
};

int policy_role_parse(const char *name)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (strcmp(name, role_names[i]) == 0)
			return i;
	return -1;
}

const char *policy_role_name(enum policy_role role)
{
	return (role >= 0 && role < ROLE_COUNT) ? role_names[role] : "unknown";
}

static struct policy_decision allow(void)
{
	return (struct policy_decision){1, POLICY_ALLOWED};
}

static struct policy_decision deny(enum policy_reason reason)
{
	return (struct policy_decision){0, reason};
}

/* Does the subject hold role in the municipality (and unit, if given)? */
static int holds(const struct policy_subject *who, enum policy_role role,
		 int64_t municipality_id, int64_t unit_id)
{
	for (size_t i = 0; i < who->ngrants && i < POLICY_MAX_GRANTS; i++) {
		const struct policy_grant *g = &who->grants[i];
		if (g->role == role && g->municipality_id == municipality_id &&
		    (unit_id == 0 || g->unit_id == unit_id))
			return 1;
	}
	return 0;
}

static int holds_any_in(const struct policy_subject *who,
			int64_t municipality_id)
{
	for (size_t i = 0; i < who->ngrants && i < POLICY_MAX_GRANTS; i++)
		if (who->grants[i].municipality_id == municipality_id)
			return 1;
	return 0;
}

static struct policy_decision decide_citizen(const struct policy_subject *who,
					     enum policy_action action,
					     const struct policy_record *what)
{
	/*
	 * A citizen's records are found by personnummer (each municipality
	 * keeps its own person row) or, for a row already known, by its id.
	 */
	int own = (what->person_id != 0 && what->person_id == who->id) ||
		  (who->personnummer[0] != '\0' && what->personnummer != NULL &&
		   strcmp(who->personnummer, what->personnummer) == 0);
	if (!own)
		return deny(POLICY_DENY_NOT_OWN);
	/*
	 * Citizens read their own person record and file; what inside the
	 * file they may read is decided per note (R2.3, R2.4) elsewhere.
	 */
	if (action == ACT_READ &&
	    (what->kind == REC_PERSON || what->kind == REC_PERSON_ADDRESS ||
	     what->kind == REC_CASE))
		return allow();
	return deny(POLICY_DENY_DEFAULT);
}

static struct policy_decision decide_staff(const struct policy_subject *who,
					   enum policy_action action,
					   const struct policy_record *what)
{
	/* Platform administrators run the platform, they read no files. */
	int64_t m = what->municipality_id;

	/* Wall 1: another committee's records (R3.1). */
	if (!holds_any_in(who, m))
		return deny(POLICY_DENY_TENANT);

	/* Wall 2: protected identity (R4.4): only named, cleared staff. */
	if (what->kind == REC_PERSON_ADDRESS && what->protected_identity &&
	    !who->protected_identity_cleared)
		return deny(POLICY_DENY_PROTECTED);

	switch (what->kind) {
	case REC_AUDIT_LOG:
		if (action == ACT_READ_AUDIT &&
		    holds(who, ROLE_SECURITY_OFFICER, m, 0))
			return allow();
		return deny(POLICY_DENY_DEFAULT);
	case REC_MUNICIPALITY_SETTINGS:
		if (action == ACT_ADMINISTER &&
		    holds(who, ROLE_MUNICIPAL_ADMIN, m, 0))
			return allow();
		if (action == ACT_READ && holds_any_in(who, m))
			return allow();
		return deny(POLICY_DENY_DEFAULT);
	case REC_PERSON:
	case REC_PERSON_ADDRESS:
	case REC_CASE:
		if (action != ACT_READ && action != ACT_WRITE)
			return deny(POLICY_DENY_DEFAULT);
		/*
		 * Wall 3: casework roles see their own unit's records (R4.1).
		 * A record that belongs to no unit yet (a new person) is open
		 * to the municipality's casework roles.
		 */
		{
			static const enum policy_role casework[] = {
				ROLE_FIRST_LINE, ROLE_CASE_OFFICER,
				ROLE_TEAM_LEAD};
			int in_role = 0;
			for (size_t i = 0; i < 3; i++) {
				if (holds(who, casework[i], m, what->unit_id))
					return allow();
				in_role |= holds(who, casework[i], m, 0);
			}
			return deny(in_role ? POLICY_DENY_UNIT
					    : POLICY_DENY_DEFAULT);
		}
	}
	return deny(POLICY_DENY_DEFAULT);
}

struct policy_decision policy_decide(const struct policy_subject *who,
				     enum policy_action action,
				     const struct policy_record *what)
{
	if (who == NULL || what == NULL)
		return deny(POLICY_DENY_DEFAULT);
	switch (who->kind) {
	case SUBJECT_CITIZEN:
		return decide_citizen(who, action, what);
	case SUBJECT_STAFF:
		return decide_staff(who, action, what);
	default:
		return deny(POLICY_DENY_DEFAULT);
	}
}

const char *policy_reason_text(enum policy_reason reason)
{
	switch (reason) {
	case POLICY_ALLOWED: return "allowed";
	case POLICY_DENY_DEFAULT: return "no rule allows this";
	case POLICY_DENY_TENANT: return "another municipality's record";
	case POLICY_DENY_UNIT: return "another unit's record";
	case POLICY_DENY_PROTECTED: return "protected identity";
	case POLICY_DENY_NOT_OWN: return "not the citizen's own record";
	}
	return "unknown";
}
