/*
 * Who may do what to which record. Pure functions: the caller loads the
 * subject (who is asking, with their roles) and the record (whose it is)
 * and asks; nothing here reads a database or a clock. Deny by default:
 * a combination no rule allows is refused, and the refusal says why, so
 * the audit row and the 403 page can too.
 *
 * This first version keeps the tenant wall (DOMAIN.md R3.1), the unit wall
 * (R4.1), protected identity (R4.4) and the citizen's own file; referrals,
 * consent and agreements (R3.2, R3.3) come with the shared-services work.
 */
#ifndef NARA_POLICY_H
#define NARA_POLICY_H

#include <stddef.h>
#include <stdint.h>

enum policy_role {
	ROLE_FIRST_LINE,
	ROLE_CASE_OFFICER,
	ROLE_TEAM_LEAD,
	ROLE_SHARED_SERVICE,
	ROLE_MUNICIPAL_ADMIN,
	ROLE_SECURITY_OFFICER,
	ROLE_PLATFORM_ADMIN,
	ROLE_COUNT
};

/* "case_officer" -> ROLE_CASE_OFFICER; -1 when unknown. */
int policy_role_parse(const char *name);
const char *policy_role_name(enum policy_role role);

enum policy_action {
	ACT_READ,
	ACT_WRITE,
	ACT_READ_AUDIT,  /* the log-review page (R4.2) */
	ACT_ADMINISTER,  /* units, staff, agreements of a municipality */
};

enum policy_record_kind {
	REC_PERSON,      /* a person's identity and contact details */
	REC_PERSON_ADDRESS, /* address and whereabouts (R4.4) */
	REC_CASE,        /* a case and its file */
	REC_AUDIT_LOG,
	REC_MUNICIPALITY_SETTINGS,
};

struct policy_grant {
	int64_t municipality_id;
	int64_t unit_id;
	enum policy_role role;
};

enum { POLICY_MAX_GRANTS = 32 };

struct policy_subject {
	enum { SUBJECT_NOBODY, SUBJECT_STAFF, SUBJECT_CITIZEN } kind;
	int64_t id;              /* staff_user.id, or the citizen's person id */
	int64_t municipality_id; /* staff: employing municipality */
	struct policy_grant grants[POLICY_MAX_GRANTS];
	size_t ngrants;
	/* Named staff who may see protected addresses (R4.4). */
	int protected_identity_cleared;
	/* Citizens: their personnummer, twelve digits; their records carry it. */
	char personnummer[13];
};

struct policy_record {
	enum policy_record_kind kind;
	int64_t municipality_id; /* the responsible committee */
	int64_t unit_id;         /* 0: the municipality as a whole */
	int64_t person_id;       /* whose data, 0 when none */
	int protected_identity;  /* the person is marked (R4.4) */
	const char *personnummer; /* whose data, when known; may be NULL */
};

enum policy_reason {
	POLICY_ALLOWED = 0,
	POLICY_DENY_DEFAULT,        /* no rule allows it */
	POLICY_DENY_TENANT,         /* another municipality's record (R3.1) */
	POLICY_DENY_UNIT,           /* not the user's unit (R4.1) */
	POLICY_DENY_PROTECTED,      /* protected identity (R4.4) */
	POLICY_DENY_NOT_OWN,        /* a citizen, not their own file */
};

struct policy_decision {
	int allowed;
	enum policy_reason reason;
};

struct policy_decision policy_decide(const struct policy_subject *who,
				     enum policy_action action,
				     const struct policy_record *what);

const char *policy_reason_text(enum policy_reason reason);

#endif
