/*
 * The policy table (src/policy/policy.c). Every subject is asked about
 * every kind of record, in every place, with and without protected
 * identity, with every action: the full cross product is generated here
 * and each answer compared with the table below, written out by hand from
 * DOMAIN.md. A change to a rule shows up as a failing row that names the
 * subject, the record and the action.
 *
 * The subjects hold their roles in municipality A: in unit A1 (casework),
 * in the shared unit S that A hosts, or in A's administration. The places
 * a record can be:
 *   A/A1    A's record in the subject's own unit
 *   A/A2    A's record in another unit of A
 *   A/-     A's record in no unit's caseload yet
 *   B       another municipality's record
 *   B>S     B's record with an accepted referral to the shared unit S
 *           (the shared-services hook: nothing in the domain sets it yet)
 * Citizens: the record is their own, a stranger's, or a child's whose
 * guardianship municipality A registers, at the ages around the limits.
 *
 * A row's answer string has one group per place, in that order; a group
 * is four letters for a person without protected identity, '/', four for
 * one with; the four are the actions read, write, read the audit log,
 * administer. The break-the-glass string has one letter per place and
 * protection, for a read with a stated reason. The letters:
 *   u allowed: the unit's caseload      r allowed: the role itself
 *   o allowed: the citizen's own        g allowed: guardian, child under 13
 *   s allowed: an accepted referral     b allowed: break-the-glass
 *   - no rule allows it                 T another municipality's (R3.1)
 *   U another unit's (R4.1)             P protected identity (R4.4, R2.5)
 *   N not the citizen's own             C guardian, child 13-17
 *   X guardian, child 18 or older       R shared service, no referral
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
/* cmocka needs the headers above first. */
#include <cmocka.h>

#include "policy/policy.h"

#include "policy/policy.h"

enum { A = 1, B = 2 };
enum {
	UNIT_A1 = 11,
	UNIT_A2 = 12,
	UNIT_A_ADMIN = 13,
	UNIT_S = 14,
	UNIT_B1 = 21
};
enum { CITIZEN = 100, STRANGER = 101, CHILD = 102 };
static const char CITIZEN_PNR[] = "198001012383";
static const char STRANGER_PNR[] = "197502021234";
static const char CHILD_PNR[] = "201801012384";

enum subject_id {
	S_FIRST_LINE,
	S_CASE_OFFICER,
	S_TEAM_LEAD,
	S_TEAM_LEAD_CLEARED,
	S_SHARED_SERVICE,
	S_MUNICIPAL_ADMIN,
	S_SECURITY_OFFICER,
	S_PLATFORM_ADMIN,
	S_CITIZEN_OWN,
	S_CITIZEN_STRANGER,
	S_GUARDIAN_12,
	S_GUARDIAN_13,
	S_GUARDIAN_17,
	S_GUARDIAN_18,
	S_GUARDIAN_AGE_UNKNOWN,
	S_NOBODY,
	S_COUNT
};

static const char *const subject_names[S_COUNT] = {
    "first_line@A1",	      "case_officer@A1",
    "team_lead@A1",	      "team_lead@A1 (cleared)",
    "shared_service@S",	      "municipal_admin@A",
    "security_officer@A",     "platform_admin@A",
    "citizen (own record)",   "citizen (a stranger's record)",
    "guardian (child 12)",    "guardian (child 13)",
    "guardian (child 17)",    "guardian (child 18)",
    "guardian (age unknown)", "nobody",
};

static const char *const kind_names[REC_KIND_COUNT] = {
    "person", "person_address", "case", "audit_log", "settings"};
static const char *const action_names[ACT_COUNT] = {"read", "write",
						    "read_audit", "administer"};

enum place { P_A_OWN, P_A_OTHER, P_A_NONE, P_B, P_B_REFERRED, P_COUNT };
static const char *const place_names[P_COUNT] = {"A/A1", "A/A2", "A/-", "B",
						 "B>S"};

/* One row a line, so that a changed rule is one changed line. */
/* clang-format off */
static const struct expected {
	enum subject_id subject;
	enum policy_record_kind kind;
	const char *answers;     /* 5 groups "rwam/rwam" */
	const char *break_glass; /* 5 groups "r/r" */
} table[] = {
	/* Casework: the own unit, not another (but by break-the-glass), never B. */
	{S_FIRST_LINE, REC_PERSON, "uu--/uu-- UU--/UU-- uu--/uu-- TTTT/TTTT TTTT/TTTT", "u/u b/b u/u T/T T/T"},
	{S_FIRST_LINE, REC_PERSON_ADDRESS, "uu--/PP-- UU--/PP-- uu--/PP-- TTTT/TTTT TTTT/TTTT", "u/P b/P u/P T/T T/T"},
	{S_FIRST_LINE, REC_CASE, "uu--/uu-- UU--/UU-- uu--/uu-- TTTT/TTTT TTTT/TTTT", "u/u b/b u/u T/T T/T"},
	{S_FIRST_LINE, REC_AUDIT_LOG, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_FIRST_LINE, REC_MUNICIPALITY_SETTINGS, "r---/r--- r---/r--- r---/r--- TTTT/TTTT TTTT/TTTT", "r/r r/r r/r T/T T/T"},

	{S_CASE_OFFICER, REC_PERSON, "uu--/uu-- UU--/UU-- uu--/uu-- TTTT/TTTT TTTT/TTTT", "u/u b/b u/u T/T T/T"},
	{S_CASE_OFFICER, REC_PERSON_ADDRESS, "uu--/PP-- UU--/PP-- uu--/PP-- TTTT/TTTT TTTT/TTTT", "u/P b/P u/P T/T T/T"},
	{S_CASE_OFFICER, REC_CASE, "uu--/uu-- UU--/UU-- uu--/uu-- TTTT/TTTT TTTT/TTTT", "u/u b/b u/u T/T T/T"},
	{S_CASE_OFFICER, REC_AUDIT_LOG, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_CASE_OFFICER, REC_MUNICIPALITY_SETTINGS, "r---/r--- r---/r--- r---/r--- TTTT/TTTT TTTT/TTTT", "r/r r/r r/r T/T T/T"},

	{S_TEAM_LEAD, REC_PERSON, "uu--/uu-- UU--/UU-- uu--/uu-- TTTT/TTTT TTTT/TTTT", "u/u b/b u/u T/T T/T"},
	{S_TEAM_LEAD, REC_PERSON_ADDRESS, "uu--/PP-- UU--/PP-- uu--/PP-- TTTT/TTTT TTTT/TTTT", "u/P b/P u/P T/T T/T"},
	{S_TEAM_LEAD, REC_CASE, "uu--/uu-- UU--/UU-- uu--/uu-- TTTT/TTTT TTTT/TTTT", "u/u b/b u/u T/T T/T"},
	{S_TEAM_LEAD, REC_AUDIT_LOG, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_TEAM_LEAD, REC_MUNICIPALITY_SETTINGS, "r---/r--- r---/r--- r---/r--- TTTT/TTTT TTTT/TTTT", "r/r r/r r/r T/T T/T"},

	/* Named staff see a protected address, only in their own unit's caseload. */
	{S_TEAM_LEAD_CLEARED, REC_PERSON, "uu--/uu-- UU--/UU-- uu--/uu-- TTTT/TTTT TTTT/TTTT", "u/u b/b u/u T/T T/T"},
	{S_TEAM_LEAD_CLEARED, REC_PERSON_ADDRESS, "uu--/uu-- UU--/PP-- uu--/PP-- TTTT/TTTT TTTT/TTTT", "u/u b/P u/P T/T T/T"},
	{S_TEAM_LEAD_CLEARED, REC_CASE, "uu--/uu-- UU--/UU-- uu--/uu-- TTTT/TTTT TTTT/TTTT", "u/u b/b u/u T/T T/T"},
	{S_TEAM_LEAD_CLEARED, REC_AUDIT_LOG, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_TEAM_LEAD_CLEARED, REC_MUNICIPALITY_SETTINGS, "r---/r--- r---/r--- r---/r--- TTTT/TTTT TTTT/TTTT", "r/r r/r r/r T/T T/T"},

	/* Shared service: nothing without a referral, even in the host municipality. */
	{S_SHARED_SERVICE, REC_PERSON, "RR--/RR-- RR--/RR-- RR--/RR-- TTTT/TTTT ss--/ss--", "R/R R/R R/R T/T s/s"},
	{S_SHARED_SERVICE, REC_PERSON_ADDRESS, "RR--/RR-- RR--/RR-- RR--/RR-- TTTT/TTTT ss--/PP--", "R/R R/R R/R T/T s/P"},
	{S_SHARED_SERVICE, REC_CASE, "RR--/RR-- RR--/RR-- RR--/RR-- TTTT/TTTT ss--/ss--", "R/R R/R R/R T/T s/s"},
	{S_SHARED_SERVICE, REC_AUDIT_LOG, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_SHARED_SERVICE, REC_MUNICIPALITY_SETTINGS, "r---/r--- r---/r--- r---/r--- TTTT/TTTT TTTT/TTTT", "r/r r/r r/r T/T T/T"},

	/* Administrators and the security officer read no files. */
	{S_MUNICIPAL_ADMIN, REC_PERSON, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_MUNICIPAL_ADMIN, REC_PERSON_ADDRESS, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_MUNICIPAL_ADMIN, REC_CASE, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_MUNICIPAL_ADMIN, REC_AUDIT_LOG, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_MUNICIPAL_ADMIN, REC_MUNICIPALITY_SETTINGS, "r--r/r--r r--r/r--r r--r/r--r TTTT/TTTT TTTT/TTTT", "r/r r/r r/r T/T T/T"},

	{S_SECURITY_OFFICER, REC_PERSON, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_SECURITY_OFFICER, REC_PERSON_ADDRESS, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_SECURITY_OFFICER, REC_CASE, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_SECURITY_OFFICER, REC_AUDIT_LOG, "--r-/--r- --r-/--r- --r-/--r- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_SECURITY_OFFICER, REC_MUNICIPALITY_SETTINGS, "r---/r--- r---/r--- r---/r--- TTTT/TTTT TTTT/TTTT", "r/r r/r r/r T/T T/T"},

	{S_PLATFORM_ADMIN, REC_PERSON, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_PLATFORM_ADMIN, REC_PERSON_ADDRESS, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_PLATFORM_ADMIN, REC_CASE, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_PLATFORM_ADMIN, REC_AUDIT_LOG, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_PLATFORM_ADMIN, REC_MUNICIPALITY_SETTINGS, "r---/r--- r---/r--- r---/r--- TTTT/TTTT TTTT/TTTT", "r/r r/r r/r T/T T/T"},

	/* The citizen reads their own records everywhere, writes and administers nothing. */
	{S_CITIZEN_OWN, REC_PERSON, "o---/o--- o---/o--- o---/o--- o---/o--- o---/o---", "o/o o/o o/o o/o o/o"},
	{S_CITIZEN_OWN, REC_PERSON_ADDRESS, "o---/o--- o---/o--- o---/o--- o---/o--- o---/o---", "o/o o/o o/o o/o o/o"},
	{S_CITIZEN_OWN, REC_CASE, "o---/o--- o---/o--- o---/o--- o---/o--- o---/o---", "o/o o/o o/o o/o o/o"},
	{S_CITIZEN_OWN, REC_AUDIT_LOG, "----/---- ----/---- ----/---- ----/---- ----/----", "-/- -/- -/- -/- -/-"},
	{S_CITIZEN_OWN, REC_MUNICIPALITY_SETTINGS, "----/---- ----/---- ----/---- ----/---- ----/----", "-/- -/- -/- -/- -/-"},

	{S_CITIZEN_STRANGER, REC_PERSON, "NNNN/NNNN NNNN/NNNN NNNN/NNNN NNNN/NNNN NNNN/NNNN", "N/N N/N N/N N/N N/N"},
	{S_CITIZEN_STRANGER, REC_PERSON_ADDRESS, "NNNN/NNNN NNNN/NNNN NNNN/NNNN NNNN/NNNN NNNN/NNNN", "N/N N/N N/N N/N N/N"},
	{S_CITIZEN_STRANGER, REC_CASE, "NNNN/NNNN NNNN/NNNN NNNN/NNNN NNNN/NNNN NNNN/NNNN", "N/N N/N N/N N/N N/N"},
	{S_CITIZEN_STRANGER, REC_AUDIT_LOG, "NNNN/NNNN NNNN/NNNN NNNN/NNNN NNNN/NNNN NNNN/NNNN", "N/N N/N N/N N/N N/N"},
	{S_CITIZEN_STRANGER, REC_MUNICIPALITY_SETTINGS, "NNNN/NNNN NNNN/NNNN NNNN/NNNN NNNN/NNNN NNNN/NNNN", "N/N N/N N/N N/N N/N"},

	/* Guardians (registered by A): a young child's file in A, never protected, never B's. */
	{S_GUARDIAN_12, REC_PERSON, "g---/P--- g---/P--- g---/P--- TTTT/TTTT TTTT/TTTT", "g/P g/P g/P T/T T/T"},
	{S_GUARDIAN_12, REC_PERSON_ADDRESS, "g---/P--- g---/P--- g---/P--- TTTT/TTTT TTTT/TTTT", "g/P g/P g/P T/T T/T"},
	{S_GUARDIAN_12, REC_CASE, "g---/P--- g---/P--- g---/P--- TTTT/TTTT TTTT/TTTT", "g/P g/P g/P T/T T/T"},
	{S_GUARDIAN_12, REC_AUDIT_LOG, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_GUARDIAN_12, REC_MUNICIPALITY_SETTINGS, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},

	{S_GUARDIAN_13, REC_PERSON, "C---/P--- C---/P--- C---/P--- TTTT/TTTT TTTT/TTTT", "C/P C/P C/P T/T T/T"},
	{S_GUARDIAN_13, REC_PERSON_ADDRESS, "C---/P--- C---/P--- C---/P--- TTTT/TTTT TTTT/TTTT", "C/P C/P C/P T/T T/T"},
	{S_GUARDIAN_13, REC_CASE, "C---/P--- C---/P--- C---/P--- TTTT/TTTT TTTT/TTTT", "C/P C/P C/P T/T T/T"},
	{S_GUARDIAN_13, REC_AUDIT_LOG, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_GUARDIAN_13, REC_MUNICIPALITY_SETTINGS, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},

	{S_GUARDIAN_17, REC_PERSON, "C---/P--- C---/P--- C---/P--- TTTT/TTTT TTTT/TTTT", "C/P C/P C/P T/T T/T"},
	{S_GUARDIAN_17, REC_PERSON_ADDRESS, "C---/P--- C---/P--- C---/P--- TTTT/TTTT TTTT/TTTT", "C/P C/P C/P T/T T/T"},
	{S_GUARDIAN_17, REC_CASE, "C---/P--- C---/P--- C---/P--- TTTT/TTTT TTTT/TTTT", "C/P C/P C/P T/T T/T"},
	{S_GUARDIAN_17, REC_AUDIT_LOG, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_GUARDIAN_17, REC_MUNICIPALITY_SETTINGS, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},

	{S_GUARDIAN_18, REC_PERSON, "X---/P--- X---/P--- X---/P--- TTTT/TTTT TTTT/TTTT", "X/P X/P X/P T/T T/T"},
	{S_GUARDIAN_18, REC_PERSON_ADDRESS, "X---/P--- X---/P--- X---/P--- TTTT/TTTT TTTT/TTTT", "X/P X/P X/P T/T T/T"},
	{S_GUARDIAN_18, REC_CASE, "X---/P--- X---/P--- X---/P--- TTTT/TTTT TTTT/TTTT", "X/P X/P X/P T/T T/T"},
	{S_GUARDIAN_18, REC_AUDIT_LOG, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_GUARDIAN_18, REC_MUNICIPALITY_SETTINGS, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},

	/* An age that could not be worked out opens nothing. */
	{S_GUARDIAN_AGE_UNKNOWN, REC_PERSON, "----/P--- ----/P--- ----/P--- TTTT/TTTT TTTT/TTTT", "-/P -/P -/P T/T T/T"},
	{S_GUARDIAN_AGE_UNKNOWN, REC_PERSON_ADDRESS, "----/P--- ----/P--- ----/P--- TTTT/TTTT TTTT/TTTT", "-/P -/P -/P T/T T/T"},
	{S_GUARDIAN_AGE_UNKNOWN, REC_CASE, "----/P--- ----/P--- ----/P--- TTTT/TTTT TTTT/TTTT", "-/P -/P -/P T/T T/T"},
	{S_GUARDIAN_AGE_UNKNOWN, REC_AUDIT_LOG, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},
	{S_GUARDIAN_AGE_UNKNOWN, REC_MUNICIPALITY_SETTINGS, "----/---- ----/---- ----/---- TTTT/TTTT TTTT/TTTT", "-/- -/- -/- T/T T/T"},

	{S_NOBODY, REC_PERSON, "----/---- ----/---- ----/---- ----/---- ----/----", "-/- -/- -/- -/- -/-"},
	{S_NOBODY, REC_PERSON_ADDRESS, "----/---- ----/---- ----/---- ----/---- ----/----", "-/- -/- -/- -/- -/-"},
	{S_NOBODY, REC_CASE, "----/---- ----/---- ----/---- ----/---- ----/----", "-/- -/- -/- -/- -/-"},
	{S_NOBODY, REC_AUDIT_LOG, "----/---- ----/---- ----/---- ----/---- ----/----", "-/- -/- -/- -/- -/-"},
	{S_NOBODY, REC_MUNICIPALITY_SETTINGS, "----/---- ----/---- ----/---- ----/---- ----/----", "-/- -/- -/- -/- -/-"},
};
/* clang-format on */
enum { NTABLE = sizeof(table) / sizeof(table[0]) };

static char letter(struct policy_decision d)
{
	switch (d.reason) {
	case POLICY_ALLOWED_UNIT:
		return 'u';
	case POLICY_ALLOWED_ROLE:
		return 'r';
	case POLICY_ALLOWED_OWN:
		return 'o';
	case POLICY_ALLOWED_GUARDIAN:
		return 'g';
	case POLICY_ALLOWED_REFERRAL:
		return 's';
	case POLICY_ALLOWED_BREAK_GLASS:
		return 'b';
	case POLICY_ALLOWED_TEAM:
		return 't';
	case POLICY_DENY_DEFAULT:
		return '-';
	case POLICY_DENY_TENANT:
		return 'T';
	case POLICY_DENY_UNIT:
		return 'U';
	case POLICY_DENY_PROTECTED:
		return 'P';
	case POLICY_DENY_NOT_OWN:
		return 'N';
	case POLICY_DENY_CHILD_SECRECY:
		return 'C';
	case POLICY_DENY_ADULT:
		return 'X';
	case POLICY_DENY_NO_REFERRAL:
		return 'R';
	}
	return '?';
}

static int is_allowed_letter(char c)
{
	return c >= 'a' && c <= 'z';
}

static void grant(struct policy_subject *s, int64_t municipality, int64_t unit,
		  enum policy_role role)
{
	s->grants[s->ngrants++] =
	    (struct policy_grant){municipality, unit, role};
}

static struct policy_subject subject(enum subject_id id)
{
	struct policy_subject s = {0};
	if (id >= S_CITIZEN_OWN && id <= S_GUARDIAN_AGE_UNKNOWN) {
		s.kind = SUBJECT_CITIZEN;
		s.id = CITIZEN;
		strcpy(s.personnummer, CITIZEN_PNR);
		return s;
	}
	if (id == S_NOBODY)
		return s;
	s.kind = SUBJECT_STAFF;
	s.id = 7;
	s.municipality_id = A;
	switch (id) {
	case S_FIRST_LINE:
		grant(&s, A, UNIT_A1, ROLE_FIRST_LINE);
		break;
	case S_CASE_OFFICER:
		grant(&s, A, UNIT_A1, ROLE_CASE_OFFICER);
		break;
	case S_TEAM_LEAD:
		grant(&s, A, UNIT_A1, ROLE_TEAM_LEAD);
		break;
	case S_TEAM_LEAD_CLEARED:
		grant(&s, A, UNIT_A1, ROLE_TEAM_LEAD);
		s.protected_identity_cleared = 1;
		break;
	case S_SHARED_SERVICE:
		grant(&s, A, UNIT_S, ROLE_SHARED_SERVICE);
		break;
	case S_MUNICIPAL_ADMIN:
		grant(&s, A, UNIT_A_ADMIN, ROLE_MUNICIPAL_ADMIN);
		break;
	case S_SECURITY_OFFICER:
		grant(&s, A, UNIT_A_ADMIN, ROLE_SECURITY_OFFICER);
		break;
	case S_PLATFORM_ADMIN:
		grant(&s, A, UNIT_A_ADMIN, ROLE_PLATFORM_ADMIN);
		break;
	default:
		break;
	}
	return s;
}

/* The record in a place, concerning whom the subject's variant says. */
static struct policy_record record(enum subject_id id,
				   enum policy_record_kind kind,
				   enum place place, int protected_identity)
{
	struct policy_record r = {0};
	r.kind = kind;
	r.protected_identity = protected_identity;
	r.person_age = 40;
	r.person_id = STRANGER;
	r.personnummer = STRANGER_PNR;
	switch (place) {
	case P_A_OWN:
		r.municipality_id = A;
		r.unit_id = UNIT_A1;
		break;
	case P_A_OTHER:
		r.municipality_id = A;
		r.unit_id = UNIT_A2;
		break;
	case P_A_NONE:
		r.municipality_id = A;
		r.unit_id = 0;
		break;
	case P_B:
		r.municipality_id = B;
		r.unit_id = UNIT_B1;
		break;
	case P_B_REFERRED:
		r.municipality_id = B;
		r.unit_id = UNIT_B1;
		r.referral_unit_id = UNIT_S;
		break;
	case P_COUNT:
		break;
	}
	static const int ages[] = {[S_GUARDIAN_12] = 12,
				   [S_GUARDIAN_13] = 13,
				   [S_GUARDIAN_17] = 17,
				   [S_GUARDIAN_18] = 18,
				   [S_GUARDIAN_AGE_UNKNOWN] = -1};
	if (id == S_CITIZEN_OWN) {
		r.person_id = CITIZEN;
		r.personnummer = CITIZEN_PNR;
	} else if (id >= S_GUARDIAN_12 && id <= S_GUARDIAN_AGE_UNKNOWN) {
		r.person_id = CHILD;
		r.personnummer = CHILD_PNR;
		r.guardianship_municipality_id = A;
		r.person_age = ages[id];
	}
	return r;
}

static void test_every_subject_record_and_action(void **state)
{
	(void)state;
	int seen[S_COUNT][REC_KIND_COUNT] = {{0}};
	int failures = 0;
	size_t cells = 0;
	for (size_t t = 0; t < NTABLE; t++) {
		const struct expected *e = &table[t];
		seen[e->subject][e->kind]++;
		assert_int_equal(strlen(e->answers), P_COUNT * 10 - 1);
		assert_int_equal(strlen(e->break_glass), P_COUNT * 4 - 1);
		struct policy_subject s = subject(e->subject);
		for (int p = 0; p < P_COUNT; p++) {
			for (int prot = 0; prot < 2; prot++) {
				struct policy_record r =
				    record(e->subject, e->kind, p, prot);
				for (int a = 0; a < ACT_COUNT; a++) {
					cells++;
					struct policy_decision d =
					    policy_decide(&s, a, &r);
					char want =
					    e->answers[p * 10 + prot * 5 + a];
					char got = letter(d);
					/* allowed and the reason must agree,
					 * too */
					if (got != want ||
					    d.allowed !=
						is_allowed_letter(got)) {
						print_error(
						    "%s, %s in %s%s, %s: got "
						    "'%c', want '%c'\n",
						    subject_names[e->subject],
						    kind_names[e->kind],
						    place_names[p],
						    prot ? " (protected)" : "",
						    action_names[a], got, want);
						failures++;
					}
					struct policy_decision bg =
					    policy_decide_break_glass(&s, a,
								      &r);
					if (a != ACT_READ) {
						/* break-the-glass is for a read
						 * only */
						if (d.break_glass ||
						    bg.allowed != d.allowed ||
						    bg.reason != d.reason) {
							print_error(
							    "%s, %s in %s%s, "
							    "%s: "
							    "break-the-glass "
							    "changed a "
							    "non-read\n",
							    subject_names
								[e->subject],
							    kind_names[e->kind],
							    place_names[p],
							    prot
								? " (protected)"
								: "",
							    action_names[a]);
							failures++;
						}
						continue;
					}
					char want_bg =
					    e->break_glass[p * 4 + prot * 2];
					char got_bg = letter(bg);
					/* the flag the page reads says exactly
					 * when it would open */
					if (got_bg != want_bg ||
					    d.break_glass != (want_bg == 'b') ||
					    bg.allowed !=
						is_allowed_letter(got_bg)) {
						print_error(
						    "%s, %s in %s%s, "
						    "break-the-glass read: got "
						    "'%c' (flag %d), want "
						    "'%c'\n",
						    subject_names[e->subject],
						    kind_names[e->kind],
						    place_names[p],
						    prot ? " (protected)" : "",
						    got_bg, d.break_glass,
						    want_bg);
						failures++;
					}
				}
			}
		}
	}
	/* The table covers the whole product, each pair once. */
	for (int s = 0; s < S_COUNT; s++)
		for (int k = 0; k < REC_KIND_COUNT; k++)
			if (seen[s][k] != 1)
				fail_msg("%s x %s is in the table %d times",
					 subject_names[s], kind_names[k],
					 seen[s][k]);
	assert_int_equal(cells,
			 S_COUNT * REC_KIND_COUNT * P_COUNT * 2 * ACT_COUNT);
	if (failures)
		fail_msg("%d cells differ from the table", failures);
}

static void test_citizen_found_by_personnummer(void **state)
{
	(void)state;
	/* Another municipality's row about the citizen is theirs by
	 * personnummer. */
	struct policy_subject c = subject(S_CITIZEN_OWN);
	struct policy_record by_pnr = {.kind = REC_PERSON,
				       .municipality_id = B,
				       .person_id = 555,
				       .personnummer = CITIZEN_PNR,
				       .person_age = 40};
	struct policy_record not_them = by_pnr;
	not_them.personnummer = STRANGER_PNR;
	assert_int_equal(policy_decide(&c, ACT_READ, &by_pnr).reason,
			 POLICY_ALLOWED_OWN);
	assert_int_equal(policy_decide(&c, ACT_READ, &not_them).reason,
			 POLICY_DENY_NOT_OWN);
	/* A record without a personnummer is not theirs unless the id says so.
	 */
	not_them.personnummer = NULL;
	assert_int_equal(policy_decide(&c, ACT_READ, &not_them).reason,
			 POLICY_DENY_NOT_OWN);
	/* Nor does an empty personnummer on the subject match an empty one. */
	struct policy_subject empty = c;
	empty.personnummer[0] = '\0';
	empty.id = 0;
	struct policy_record blank = by_pnr;
	blank.personnummer = "";
	assert_int_equal(policy_decide(&empty, ACT_READ, &blank).reason,
			 POLICY_DENY_NOT_OWN);
	/* A guardianship registered elsewhere opens nothing here. */
	struct policy_record child = {.kind = REC_PERSON,
				      .municipality_id = A,
				      .person_id = CHILD,
				      .personnummer = CHILD_PNR,
				      .guardianship_municipality_id = B,
				      .person_age = 5};
	assert_int_equal(policy_decide(&c, ACT_READ, &child).reason,
			 POLICY_DENY_TENANT);
}

static void test_nobody_and_null(void **state)
{
	(void)state;
	struct policy_subject nobody = {0};
	struct policy_record rec = {
	    .kind = REC_PERSON, .municipality_id = A, .person_id = 1};
	assert_false(policy_decide(&nobody, ACT_READ, &rec).allowed);
	assert_false(policy_decide(NULL, ACT_READ, &rec).allowed);
	struct policy_subject s = subject(S_CASE_OFFICER);
	assert_false(policy_decide(&s, ACT_READ, NULL).allowed);
	assert_false(policy_decide_break_glass(NULL, ACT_READ, &rec).allowed);
	/* A staff member with no grants at all. */
	s.ngrants = 0;
	assert_int_equal(policy_decide(&s, ACT_READ, &rec).reason,
			 POLICY_DENY_TENANT);
	/* A grant count past the array is read only as far as the array goes.
	 */
	s = subject(S_CASE_OFFICER);
	s.ngrants = POLICY_MAX_GRANTS + 5;
	for (size_t i = 1; i < POLICY_MAX_GRANTS; i++)
		s.grants[i] =
		    (struct policy_grant){B, UNIT_B1, ROLE_SECURITY_OFFICER};
	rec.unit_id = UNIT_A1;
	assert_int_equal(policy_decide(&s, ACT_READ, &rec).reason,
			 POLICY_ALLOWED_UNIT);
}

static void test_two_municipalities_two_grants(void **state)
{
	(void)state;
	/* Roles in two municipalities: each opens its own, never the other's
	 * unit. */
	struct policy_subject s = subject(S_CASE_OFFICER);
	grant(&s, B, UNIT_B1, ROLE_FIRST_LINE);
	struct policy_record a2 = {
	    .kind = REC_CASE, .municipality_id = A, .unit_id = UNIT_A2};
	struct policy_record b1 = {
	    .kind = REC_CASE, .municipality_id = B, .unit_id = UNIT_B1};
	struct policy_record b2 = {
	    .kind = REC_CASE, .municipality_id = B, .unit_id = 22};
	assert_int_equal(policy_decide(&s, ACT_READ, &a2).reason,
			 POLICY_DENY_UNIT);
	assert_int_equal(policy_decide(&s, ACT_READ, &b1).reason,
			 POLICY_ALLOWED_UNIT);
	assert_int_equal(policy_decide(&s, ACT_READ, &b2).reason,
			 POLICY_DENY_UNIT);
	/* A unit id of A's in B's record does not count: the unit is A's. */
	struct policy_record b_with_a1 = {
	    .kind = REC_CASE, .municipality_id = B, .unit_id = UNIT_A1};
	assert_int_equal(policy_decide(&s, ACT_READ, &b_with_a1).reason,
			 POLICY_DENY_UNIT);
}

/*
 * A case's team: a member from another unit of the same municipality
 * works on that case, and on nothing else of the person's; the tenant
 * wall, the protected address and the roles that read no files stand.
 */
static void test_case_team(void **state)
{
	(void)state;
	struct policy_subject officer = subject(S_CASE_OFFICER);
	struct policy_record a2_case = {.kind = REC_CASE, .municipality_id = A,
					.unit_id = UNIT_A2, .team_member = 1};
	struct policy_decision d = policy_decide(&officer, ACT_WRITE, &a2_case);
	assert_true(d.allowed);
	assert_int_equal(d.reason, POLICY_ALLOWED_TEAM);
	/* Not the person's other records. */
	struct policy_record a2_person = {.kind = REC_PERSON, .municipality_id = A,
					  .unit_id = UNIT_A2, .team_member = 1};
	assert_int_equal(policy_decide(&officer, ACT_READ, &a2_person).reason,
			 POLICY_DENY_UNIT);
	/* Never another municipality's case, whatever the flag says. */
	struct policy_record b_case = {.kind = REC_CASE, .municipality_id = B,
				       .unit_id = UNIT_B1, .team_member = 1};
	assert_int_equal(policy_decide(&officer, ACT_READ, &b_case).reason,
			 POLICY_DENY_TENANT);
	/* A role that reads no files reads none as a member either. */
	struct policy_subject admin = subject(S_MUNICIPAL_ADMIN);
	assert_false(policy_decide(&admin, ACT_READ, &a2_case).allowed);
	/* A citizen is never a team member. */
	struct policy_subject citizen = subject(S_CITIZEN_STRANGER);
	assert_false(policy_decide(&citizen, ACT_READ, &a2_case).allowed);
}

static void test_break_glass_reason(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int ok;
	} cases[] = {
	    {NULL, 0},
	    {"", 0},
	    {"akut", 0},
	    {"                                        ", 0},
	    {"Akut oro nu", 0},		/* three words, 9 characters */
	    {"Ringer om barnet nu", 1}, /* 16 characters */
	    {"Barnet är hos oss nu.", 1},
	    {"Akut                    ärende                 idag", 0}, /* 14 */
	    {"Samtal från polisen om akut oro för barnet i natt.", 1},
	    {"ärendeärendeärende ärendeärende ärende", 1},
	    {"Orosanmälan\nkom in i natt\tfrån skolan", 1},
	    {"Orosanmälan kom in\x01 i natt från skolan", 0},
	    {"Orosanmälan kom in\x7f i natt från skolan", 0},
	    {"Orosanmälan kom in \xff i natt från skolan", 0},
	    {"ååååååååååååååååååå åå", 0}, /* two words */
	    {"ååååå ååååå ååååå", 1},	   /* 15 characters, 30 bytes */
	    {"ååååå ååååå åååå", 0},	   /* 14 characters, 28 bytes */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (policy_reason_is_sentence(cases[i].text) != cases[i].ok)
			fail_msg("case %zu '%s': want %d", i,
				 cases[i].text ? cases[i].text : "(null)",
				 cases[i].ok);
	/* The length limit is in bytes, at the edge. */
	char text[BREAK_GLASS_MAX_BYTES + 2];
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	text[10] = text[20] = ' ';
	assert_false(policy_reason_is_sentence(text));
	text[BREAK_GLASS_MAX_BYTES] = '\0';
	assert_true(policy_reason_is_sentence(text));
}

static void test_age(void **state)
{
	(void)state;
	static const struct {
		const char *birth, *today;
		int age;
	} cases[] = {
	    {"2013-05-10", "2026-05-09", 12},
	    {"2013-05-10", "2026-05-10", 13},
	    {"2013-05-10", "2026-12-31", 13},
	    {"2008-01-01", "2025-12-31", 17},
	    {"2008-01-01", "2026-01-01", 18},
	    {"2012-02-29", "2025-02-28", 12}, /* no 29 February: 1 March */
	    {"2012-02-29", "2025-03-01", 13},
	    {"2012-02-29", "2024-02-29", 12},
	    {"2020-06-15", "2020-06-15", 0},
	    {"2020-06-15", "2020-06-14", -1}, /* not born yet */
	    {"2020-6-15", "2026-06-15", -1},
	    {"2020-06-15", "2026-13-01", -1},
	    {"2020-00-15", "2026-01-01", -1},
	    {"2020-06-32", "2026-01-01", -1},
	    {"20200615", "2026-01-01", -1},
	    {"2020-06-15x", "2026-01-01", -1},
	    {NULL, "2026-01-01", -1},
	    {"2020-06-15", NULL, -1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (policy_age_on(cases[i].birth, cases[i].today) !=
		    cases[i].age)
			fail_msg("case %zu: %s on %s: got %d, want %d", i,
				 cases[i].birth ? cases[i].birth : "(null)",
				 cases[i].today ? cases[i].today : "(null)",
				 policy_age_on(cases[i].birth, cases[i].today),
				 cases[i].age);
}

static void test_role_and_reason_names(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_int_equal(policy_role_parse(policy_role_name(r)), r);
	assert_int_equal(policy_role_parse("superuser"), -1);
	assert_string_equal(policy_role_name(ROLE_COUNT), "unknown");
	/* Each reason has its own phrase: the audit rows tell them apart. */
	for (int a = POLICY_ALLOWED_UNIT; a <= POLICY_DENY_NO_REFERRAL; a++) {
		assert_string_not_equal(policy_reason_text(a), "unknown");
		for (int b = a + 1; b <= POLICY_DENY_NO_REFERRAL; b++)
			assert_string_not_equal(policy_reason_text(a),
						policy_reason_text(b));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_subject_record_and_action),
	    cmocka_unit_test(test_citizen_found_by_personnummer),
	    cmocka_unit_test(test_nobody_and_null),
	    cmocka_unit_test(test_two_municipalities_two_grants),
	    cmocka_unit_test(test_case_team),
	    cmocka_unit_test(test_break_glass_reason),
	    cmocka_unit_test(test_age),
	    cmocka_unit_test(test_role_and_reason_names),
	};
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
