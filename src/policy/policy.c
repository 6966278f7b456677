/*
 * The policy layer; see policy.h. The rules are written as a sequence of
 * walls, each of which may only refuse, followed by the grants that allow.
 * A request that passes every wall and matches no grant is refused
 * (POLICY_DENY_DEFAULT): a missing rule is a refusal, never a pass.
 *
 * tests/unit/test_policy.c asks every subject about every kind of record,
 * in every place, with every action, and compares each answer with a table
 * written out by hand: a change here shows up there as a failing row.
 */
#include "policy/policy.h"

#include <string.h>

#include "core/utf8.h"

static const char *const role_names[ROLE_COUNT] = {
    [ROLE_FIRST_LINE] = "first_line",
    [ROLE_CASE_OFFICER] = "case_officer",
    [ROLE_TEAM_LEAD] = "team_lead",
    [ROLE_SHARED_SERVICE] = "shared_service",
    [ROLE_MUNICIPAL_ADMIN] = "municipal_admin",
    [ROLE_SECURITY_OFFICER] = "security_officer",
    [ROLE_PLATFORM_ADMIN] = "platform_admin",
};

/* The roles that do casework and so read files of their unit (R4.1). */
static const enum policy_role casework[] = {ROLE_FIRST_LINE, ROLE_CASE_OFFICER,
					    ROLE_TEAM_LEAD};
enum { NCASEWORK = sizeof(casework) / sizeof(casework[0]) };

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

static struct policy_decision allow(enum policy_reason basis)
{
	return (struct policy_decision){1, basis, 0};
}

static struct policy_decision deny(enum policy_reason reason)
{
	return (struct policy_decision){0, reason, 0};
}

static int is_file(enum policy_record_kind kind)
{
	return kind == REC_PERSON || kind == REC_PERSON_ADDRESS ||
	       kind == REC_CASE;
}

static size_t ngrants(const struct policy_subject *who)
{
	return who->ngrants < POLICY_MAX_GRANTS ? who->ngrants
						: POLICY_MAX_GRANTS;
}

/* Does the subject hold role in the municipality (and unit, if given)? */
static int holds(const struct policy_subject *who, enum policy_role role,
		 int64_t municipality_id, int64_t unit_id)
{
	for (size_t i = 0; i < ngrants(who); i++) {
		const struct policy_grant *g = &who->grants[i];
		if (g->role == role && g->municipality_id == municipality_id &&
		    (unit_id == 0 || g->unit_id == unit_id))
			return 1;
	}
	return 0;
}

int policy_holds_in_unit(const struct policy_subject *who,
			 enum policy_role role, int64_t unit_id)
{
	for (size_t i = 0; i < ngrants(who); i++)
		if (who->grants[i].role == role &&
		    who->grants[i].unit_id == unit_id)
			return 1;
	return 0;
}

int policy_holds_role(const struct policy_subject *who, enum policy_role role)
{
	for (size_t i = 0; i < ngrants(who); i++)
		if (who->grants[i].role == role)
			return 1;
	return 0;
}

static int holds_any_in(const struct policy_subject *who,
			int64_t municipality_id)
{
	for (size_t i = 0; i < ngrants(who); i++)
		if (who->grants[i].municipality_id == municipality_id)
			return 1;
	return 0;
}

/* Casework in the municipality: in unit_id, or in any unit when it is 0. */
static int does_casework(const struct policy_subject *who,
			 int64_t municipality_id, int64_t unit_id)
{
	for (size_t i = 0; i < NCASEWORK; i++)
		if (holds(who, casework[i], municipality_id, unit_id))
			return 1;
	return 0;
}

static struct policy_decision decide_guardian(enum policy_action action,
					      const struct policy_record *what)
{
	/*
	 * A guardianship is registered by one committee, for its own record
	 * of the child; it opens nothing another committee holds (R3.1).
	 */
	if (what->guardianship_municipality_id != what->municipality_id)
		return deny(POLICY_DENY_TENANT);
	if (action != ACT_READ || !is_file(what->kind))
		return deny(POLICY_DENY_DEFAULT);
	/* A guardian never acts for a child with protected identity (R2.5). */
	if (what->protected_identity)
		return deny(POLICY_DENY_PROTECTED);
	if (what->person_age < 0)
		return deny(POLICY_DENY_DEFAULT);
	if (what->person_age >= POLICY_ADULT_AGE)
		return deny(POLICY_DENY_ADULT);
	/*
	 * From about 13 the child's own interest in secrecy is weighed
	 * (OSL 12 kap. 3 §). Until staff can record that weighing case by
	 * case, the guardian is refused: a refusal can be reconsidered, a
	 * disclosure cannot be taken back.
	 */
	if (what->person_age >= POLICY_CHILD_SECRECY_AGE)
		return deny(POLICY_DENY_CHILD_SECRECY);
	return allow(POLICY_ALLOWED_GUARDIAN);
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
	if (own) {
		/*
		 * Citizens read their own person record and file; what
		 * inside the file they may read is decided per note (R2.3,
		 * R2.4) elsewhere.
		 */
		if (action == ACT_READ && is_file(what->kind))
			return allow(POLICY_ALLOWED_OWN);
		return deny(POLICY_DENY_DEFAULT);
	}
	if (what->guardianship_municipality_id != 0)
		return decide_guardian(action, what);
	return deny(POLICY_DENY_NOT_OWN);
}

static struct policy_decision decide_file(const struct policy_subject *who,
					  enum policy_action action,
					  const struct policy_record *what)
{
	int64_t m = what->municipality_id;
	if (action != ACT_READ && action != ACT_WRITE)
		return deny(POLICY_DENY_DEFAULT);
	if (!does_casework(who, m, 0))
		return deny(holds(who, ROLE_SHARED_SERVICE, m, 0)
				? POLICY_DENY_NO_REFERRAL
				: POLICY_DENY_DEFAULT);
	/*
	 * Wall: protected identity (R4.4). The address goes to named staff
	 * of the unit whose caseload holds the person, and to nobody when no
	 * unit does yet. Checked before the unit wall, so break-the-glass,
	 * which only lifts the unit wall, never reveals it.
	 */
	if (what->kind == REC_PERSON_ADDRESS && what->protected_identity) {
		if (who->protected_identity_cleared && what->unit_id != 0 &&
		    does_casework(who, m, what->unit_id))
			return allow(POLICY_ALLOWED_UNIT);
		return deny(POLICY_DENY_PROTECTED);
	}
	/*
	 * Wall: casework roles see their own unit's records (R4.1). A
	 * record in no unit's caseload yet (a person just registered) is
	 * open to the municipality's casework roles.
	 */
	if (what->unit_id == 0 || does_casework(who, m, what->unit_id))
		return allow(POLICY_ALLOWED_UNIT);
	/*
	 * A case's team may hold staff of several units of the municipality:
	 * a member works on that case (not on the person's other records)
	 * from their own unit. The tenant wall above still stands.
	 */
	if (what->kind == REC_CASE && what->team_member)
		return allow(POLICY_ALLOWED_TEAM);
	return deny(POLICY_DENY_UNIT);
}

static struct policy_decision decide_staff(const struct policy_subject *who,
					   enum policy_action action,
					   const struct policy_record *what)
{
	int64_t m = what->municipality_id;

	/*
	 * An accepted referral to the subject's shared unit: staff of a
	 * host municipality act for the responsible committee (R3.3), so
	 * this is the one way through the tenant wall. The protected
	 * address stays with the responsible unit.
	 */
	if (is_file(what->kind) && what->referral_unit_id != 0 &&
	    policy_holds_in_unit(who, ROLE_SHARED_SERVICE,
				 what->referral_unit_id)) {
		if (action != ACT_READ && action != ACT_WRITE)
			return deny(POLICY_DENY_DEFAULT);
		if (what->kind == REC_PERSON_ADDRESS &&
		    what->protected_identity)
			return deny(POLICY_DENY_PROTECTED);
		return allow(POLICY_ALLOWED_REFERRAL);
	}

	/* Wall: another committee's records (R3.1). */
	if (!holds_any_in(who, m))
		return deny(POLICY_DENY_TENANT);

	switch (what->kind) {
	case REC_AUDIT_LOG:
		if (action == ACT_READ_AUDIT &&
		    holds(who, ROLE_SECURITY_OFFICER, m, 0))
			return allow(POLICY_ALLOWED_ROLE);
		return deny(POLICY_DENY_DEFAULT);
	case REC_MUNICIPALITY_SETTINGS:
		if (action == ACT_ADMINISTER &&
		    holds(who, ROLE_MUNICIPAL_ADMIN, m, 0))
			return allow(POLICY_ALLOWED_ROLE);
		if (action == ACT_READ)
			return allow(POLICY_ALLOWED_ROLE);
		return deny(POLICY_DENY_DEFAULT);
	case REC_PERSON:
	case REC_PERSON_ADDRESS:
	case REC_CASE:
		return decide_file(who, action, what);
	case REC_KIND_COUNT:
		break;
	}
	return deny(POLICY_DENY_DEFAULT);
}

struct policy_decision policy_decide(const struct policy_subject *who,
				     enum policy_action action,
				     const struct policy_record *what)
{
	if (who == NULL || what == NULL)
		return deny(POLICY_DENY_DEFAULT);
	struct policy_decision d = deny(POLICY_DENY_DEFAULT);
	switch (who->kind) {
	case SUBJECT_CITIZEN:
		d = decide_citizen(who, action, what);
		break;
	case SUBJECT_STAFF:
		d = decide_staff(who, action, what);
		break;
	default:
		break;
	}
	/*
	 * Only the unit wall yields to a stated reason, and only for a read:
	 * DENY_UNIT is reached by staff with casework in the record's own
	 * municipality, past the protected-identity wall.
	 */
	d.break_glass =
	    !d.allowed && d.reason == POLICY_DENY_UNIT && action == ACT_READ;
	return d;
}

struct policy_decision
policy_decide_break_glass(const struct policy_subject *who,
			  enum policy_action action,
			  const struct policy_record *what)
{
	struct policy_decision d = policy_decide(who, action, what);
	return d.break_glass ? allow(POLICY_ALLOWED_BREAK_GLASS) : d;
}

int policy_reason_is_sentence(const char *reason)
{
	if (reason == NULL)
		return 0;
	size_t len = strlen(reason);
	if (len > BREAK_GLASS_MAX_BYTES || !utf8_valid(reason, len))
		return 0;
	size_t chars = 0, words = 0;
	int in_word = 0;
	for (const unsigned char *p = (const unsigned char *)reason; *p; p++) {
		if (*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
			return 0;
		if (*p == 0x7f)
			return 0;
		int space = *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t';
		/* Continuation bytes are part of the character before them. */
		if ((*p & 0xc0) != 0x80 && !space)
			chars++;
		if (!space && !in_word)
			words++;
		in_word = !space;
	}
	return chars >= BREAK_GLASS_MIN_CHARS && words >= 3;
}

/* Parses "YYYY-MM-DD" with digits where they belong; 0 when it does. */
static int parse_date(const char *s, int *y, int *m, int *d)
{
	static const char shape[] = "dddd-dd-dd";
	if (s == NULL || strlen(s) != sizeof(shape) - 1)
		return -1;
	for (size_t i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return -1;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	     (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return (*m >= 1 && *m <= 12 && *d >= 1 && *d <= 31) ? 0 : -1;
}

int policy_age_on(const char *birth_date, const char *today)
{
	int by, bm, bd, ty, tm, td;
	if (parse_date(birth_date, &by, &bm, &bd) != 0 ||
	    parse_date(today, &ty, &tm, &td) != 0)
		return -1;
	int age = ty - by;
	/* Not yet had this year's birthday. */
	if (tm < bm || (tm == bm && td < bd))
		age--;
	return age < 0 ? -1 : age;
}

const char *policy_reason_text(enum policy_reason reason)
{
	switch (reason) {
	case POLICY_ALLOWED_UNIT:
		return "the unit's caseload";
	case POLICY_ALLOWED_ROLE:
		return "the user's role";
	case POLICY_ALLOWED_OWN:
		return "the citizen's own record";
	case POLICY_ALLOWED_GUARDIAN:
		return "guardian of a child under 13";
	case POLICY_ALLOWED_REFERRAL:
		return "an accepted referral";
	case POLICY_ALLOWED_BREAK_GLASS:
		return "break-the-glass";
	case POLICY_ALLOWED_TEAM:
		return "member of the case's team";
	case POLICY_DENY_DEFAULT:
		return "no rule allows this";
	case POLICY_DENY_TENANT:
		return "another municipality's record";
	case POLICY_DENY_UNIT:
		return "another unit's record";
	case POLICY_DENY_PROTECTED:
		return "protected identity";
	case POLICY_DENY_NOT_OWN:
		return "not the citizen's own record";
	case POLICY_DENY_CHILD_SECRECY:
		return "the child is 13 or older";
	case POLICY_DENY_ADULT:
		return "the child has turned 18";
	case POLICY_DENY_NO_REFERRAL:
		return "no accepted referral";
	}
	return "unknown";
}
