/*
 * Who may do what to which record. Pure functions: the caller loads the
 * subject (who is asking, with their roles) and the record (whose it is,
 * and the facts about it the rules need: its unit, protected identity,
 * the asking citizen's guardianship, the person's age) and asks; nothing
 * here reads a database or a clock. Deny by default: a combination no
 * rule allows is refused, and the decision says why, so the audit row and
 * the page can too. An allowed decision says on what basis, which is the
 * "why" of the audit row.
 *
 * The rules, in the order they are applied (DOMAIN.md):
 *   staff     an accepted referral to the subject's shared unit whose
 *             basis holds now (R3.2, R3.3; set by src/domain/case.c and
 *             src/domain/referral.c from policy/referral.h); the tenant
 *             wall (R3.1); protected identity: the address only to named
 *             staff of the person's own unit (R4.4); the unit wall for
 *             casework roles (R4.1), which break-the-glass may lift for
 *             one read, and a case's team lifts for its members; roles
 *             that read no files (administrators, the security officer)
 *             read none.
 *   citizen   their own records, in every municipality (R2.3); as a
 *             registered guardian, a child's record in the municipality
 *             that registered the guardianship, while the child is under
 *             13, never a child with protected identity (R2.5).
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
	ACT_READ_AUDIT, /* the log-review page (R4.2) */
	ACT_ADMINISTER, /* units, staff, agreements of a municipality */
	ACT_COUNT
};

enum policy_record_kind {
	REC_PERSON,	    /* a person's identity: name, personnummer */
	REC_PERSON_ADDRESS, /* address, contact details, whereabouts (R4.4) */
	REC_CASE,	    /* a case and its file */
	REC_AUDIT_LOG,
	REC_MUNICIPALITY_SETTINGS,
	REC_KIND_COUNT
};

struct policy_grant {
	int64_t municipality_id;
	int64_t unit_id;
	enum policy_role role;
};

enum { POLICY_MAX_GRANTS = 32 };

/* Ages at which the guardian's reading changes (R2.5, see policy.c). */
enum { POLICY_CHILD_SECRECY_AGE = 13, POLICY_ADULT_AGE = 18 };

struct policy_subject {
	enum { SUBJECT_NOBODY, SUBJECT_STAFF, SUBJECT_CITIZEN } kind;
	int64_t id;		 /* staff_user.id, or the citizen's person id */
	int64_t municipality_id; /* staff: employing municipality */
	struct policy_grant grants[POLICY_MAX_GRANTS];
	size_t ngrants;
	/*
	 * Named staff who may see protected addresses (R4.4), and then only
	 * of persons in a unit where they do casework.
	 */
	int protected_identity_cleared;
	/* Citizens: their personnummer, twelve digits; their records carry it.
	 */
	char personnummer[13];
};

struct policy_record {
	enum policy_record_kind kind;
	int64_t municipality_id;  /* the responsible committee */
	int64_t unit_id;	  /* 0: no unit's caseload yet */
	int64_t person_id;	  /* whose data, 0 when none */
	int protected_identity;	  /* the person is marked (R4.4) */
	const char *personnummer; /* whose data, when known; may be NULL */
	/*
	 * The shared unit an accepted referral, with consent or a recorded
	 * legal basis (R3.2), sends this record to; 0: none. Set only while
	 * the basis holds at the instant of the read (policy/referral.h).
	 */
	int64_t referral_unit_id;
	/*
	 * The municipality whose records register the asking citizen as
	 * guardian of this person (table guardianship); 0: not a guardian.
	 */
	int64_t guardianship_municipality_id;
	/* The person's age in whole years when asked; -1 when not known. */
	int person_age;
	/*
	 * REC_CASE: the asking staff member is on the case's team (added by
	 * whoever works the case; DESIGN.md: flexible teams across units).
	 */
	int team_member;
};

enum policy_reason {
	/* Allowed, on this basis. */
	POLICY_ALLOWED_UNIT,	    /* casework in the record's unit (R4.1) */
	POLICY_ALLOWED_ROLE,	    /* the role itself: the log, the settings */
	POLICY_ALLOWED_OWN,	    /* the citizen's own record (R2.3) */
	POLICY_ALLOWED_GUARDIAN,    /* guardian of a child under 13 (R2.5) */
	POLICY_ALLOWED_REFERRAL,    /* an accepted referral (R3.2, R3.3) */
	POLICY_ALLOWED_BREAK_GLASS, /* another unit's record, reason given */
	POLICY_ALLOWED_TEAM,	    /* on the case's team, from another unit */
	/* Refused, because of this. */
	POLICY_DENY_DEFAULT,	   /* no rule allows it */
	POLICY_DENY_TENANT,	   /* another municipality's record (R3.1) */
	POLICY_DENY_UNIT,	   /* not the user's unit (R4.1) */
	POLICY_DENY_PROTECTED,	   /* protected identity (R4.4, R2.5) */
	POLICY_DENY_NOT_OWN,	   /* a citizen, not their own file */
	POLICY_DENY_CHILD_SECRECY, /* guardian, child 13-17: staff decide */
	POLICY_DENY_ADULT,	   /* guardian, the child has turned 18 */
	POLICY_DENY_NO_REFERRAL,   /* shared service without a referral */
};

struct policy_decision {
	int allowed;
	enum policy_reason reason;
	/*
	 * Refused, but a reason stated by the user would open this one read
	 * (R4.1): the page offers the break-the-glass form.
	 */
	int break_glass;
};

struct policy_decision policy_decide(const struct policy_subject *who,
				     enum policy_action action,
				     const struct policy_record *what);

/* 1 when the subject holds role in unit_id, wherever its municipality. */
int policy_holds_in_unit(const struct policy_subject *who,
			 enum policy_role role, int64_t unit_id);

/* 1 when the subject holds role in any unit at all. */
int policy_holds_role(const struct policy_subject *who,
		      enum policy_role role);

/*
 * The same question asked with a stated reason (break-the-glass, R4.1):
 * allowed with POLICY_ALLOWED_BREAK_GLASS when the ordinary decision
 * refuses only because the record is another unit's of the user's own
 * municipality, and the action is a read. Never lifts the tenant wall or
 * protected identity, never applies to citizens. The caller checks the
 * reason with policy_reason_is_sentence first and flags the audit row.
 */
struct policy_decision
policy_decide_break_glass(const struct policy_subject *who,
			  enum policy_action action,
			  const struct policy_record *what);

/*
 * A stated reason good enough for break-the-glass: at least a sentence,
 * which here means three words or more and at least BREAK_GLASS_MIN_CHARS
 * characters that are not white space (so padding does not count), at
 * most BREAK_GLASS_MAX_BYTES bytes, valid UTF-8, no control characters
 * but tabs and line breaks.
 */
enum { BREAK_GLASS_MIN_CHARS = 15, BREAK_GLASS_MAX_BYTES = 1000 };
int policy_reason_is_sentence(const char *reason);

/*
 * Whole years from birth_date to today, both "YYYY-MM-DD"; -1 when either
 * does not parse or the birth is after today. A person born on 29
 * February turns a year older on 1 March in years without one (check).
 */
int policy_age_on(const char *birth_date, const char *today);

/* A stable English phrase for the audit row's "why" and for logs. */
const char *policy_reason_text(enum policy_reason reason);

#endif
