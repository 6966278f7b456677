/*
 * The policy table: every role of municipality A, a citizen and nobody,
 * against every kind of record of municipality A (own unit, other unit)
 * and of municipality B. Each row is what DOMAIN.md says should happen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "policy/policy.h"

enum { A = 1, B = 2, UNIT_A1 = 11, UNIT_A2 = 12, UNIT_B1 = 21 };
enum { CITIZEN = 100, OTHER_PERSON = 101 };

static struct policy_subject staff(enum policy_role role, int64_t unit)
{
	struct policy_subject s = {0};
	s.kind = SUBJECT_STAFF;
	s.id = 7;
	s.municipality_id = A;
	s.grants[0] = (struct policy_grant){A, unit, role};
	s.ngrants = 1;
	return s;
}

static void test_roles_against_records(void **state)
{
	(void)state;
	static const struct row {
		enum policy_role role;
		enum policy_action action;
		enum policy_record_kind kind;
		int64_t municipality, unit;
		int protected_identity;
		int allowed;
		enum policy_reason reason;
	} rows[] = {
		/* Casework roles: own unit yes, other unit no, other municipality never. */
		{ROLE_CASE_OFFICER, ACT_READ, REC_CASE, A, UNIT_A1, 0, 1, POLICY_ALLOWED},
		{ROLE_CASE_OFFICER, ACT_WRITE, REC_CASE, A, UNIT_A1, 0, 1, POLICY_ALLOWED},
		{ROLE_CASE_OFFICER, ACT_READ, REC_CASE, A, UNIT_A2, 0, 0, POLICY_DENY_UNIT},
		{ROLE_CASE_OFFICER, ACT_READ, REC_CASE, B, UNIT_B1, 0, 0, POLICY_DENY_TENANT},
		{ROLE_FIRST_LINE, ACT_READ, REC_PERSON, A, UNIT_A1, 0, 1, POLICY_ALLOWED},
		{ROLE_FIRST_LINE, ACT_READ, REC_PERSON, B, UNIT_B1, 0, 0, POLICY_DENY_TENANT},
		{ROLE_TEAM_LEAD, ACT_READ, REC_CASE, A, UNIT_A1, 0, 1, POLICY_ALLOWED},
		{ROLE_TEAM_LEAD, ACT_READ, REC_CASE, A, UNIT_A2, 0, 0, POLICY_DENY_UNIT},
		/* Protected identity: the address is hidden even in one's own unit. */
		{ROLE_CASE_OFFICER, ACT_READ, REC_PERSON_ADDRESS, A, UNIT_A1, 1, 0, POLICY_DENY_PROTECTED},
		{ROLE_CASE_OFFICER, ACT_READ, REC_PERSON_ADDRESS, A, UNIT_A1, 0, 1, POLICY_ALLOWED},
		{ROLE_CASE_OFFICER, ACT_READ, REC_PERSON, A, UNIT_A1, 1, 1, POLICY_ALLOWED},
		/* Roles that are not casework read no files. */
		{ROLE_SECURITY_OFFICER, ACT_READ, REC_CASE, A, UNIT_A1, 0, 0, POLICY_DENY_DEFAULT},
		{ROLE_MUNICIPAL_ADMIN, ACT_READ, REC_CASE, A, UNIT_A1, 0, 0, POLICY_DENY_DEFAULT},
		{ROLE_SHARED_SERVICE, ACT_READ, REC_CASE, A, UNIT_A1, 0, 0, POLICY_DENY_DEFAULT},
		{ROLE_PLATFORM_ADMIN, ACT_READ, REC_CASE, A, UNIT_A1, 0, 0, POLICY_DENY_DEFAULT},
		/* The audit log: the security officer of that municipality only. */
		{ROLE_SECURITY_OFFICER, ACT_READ_AUDIT, REC_AUDIT_LOG, A, 0, 0, 1, POLICY_ALLOWED},
		{ROLE_SECURITY_OFFICER, ACT_READ_AUDIT, REC_AUDIT_LOG, B, 0, 0, 0, POLICY_DENY_TENANT},
		{ROLE_CASE_OFFICER, ACT_READ_AUDIT, REC_AUDIT_LOG, A, 0, 0, 0, POLICY_DENY_DEFAULT},
		{ROLE_MUNICIPAL_ADMIN, ACT_READ_AUDIT, REC_AUDIT_LOG, A, 0, 0, 0, POLICY_DENY_DEFAULT},
		/* Administration: the municipal admin of that municipality only. */
		{ROLE_MUNICIPAL_ADMIN, ACT_ADMINISTER, REC_MUNICIPALITY_SETTINGS, A, 0, 0, 1, POLICY_ALLOWED},
		{ROLE_MUNICIPAL_ADMIN, ACT_ADMINISTER, REC_MUNICIPALITY_SETTINGS, B, 0, 0, 0, POLICY_DENY_TENANT},
		{ROLE_CASE_OFFICER, ACT_ADMINISTER, REC_MUNICIPALITY_SETTINGS, A, 0, 0, 0, POLICY_DENY_DEFAULT},
		/* Actions no rule names are refused. */
		{ROLE_CASE_OFFICER, ACT_ADMINISTER, REC_CASE, A, UNIT_A1, 0, 0, POLICY_DENY_DEFAULT},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *t = &rows[i];
		int64_t unit = t->role == ROLE_SECURITY_OFFICER ||
					       t->role == ROLE_MUNICIPAL_ADMIN
				       ? 0
				       : UNIT_A1;
		struct policy_subject s = staff(t->role, unit);
		struct policy_record rec = {t->kind, t->municipality, t->unit,
					    OTHER_PERSON, t->protected_identity,
					    "191212121212"};
		struct policy_decision d = policy_decide(&s, t->action, &rec);
		if (d.allowed != t->allowed || d.reason != t->reason)
			fail_msg("row %zu (%s): allowed=%d reason=%s, want %d %s",
				 i, policy_role_name(t->role), d.allowed,
				 policy_reason_text(d.reason), t->allowed,
				 policy_reason_text(t->reason));
	}
}

static void test_citizen_own_file_only(void **state)
{
	(void)state;
	struct policy_subject c = {0};
	c.kind = SUBJECT_CITIZEN;
	c.id = CITIZEN;
	struct policy_record own = {REC_CASE, A, UNIT_A1, CITIZEN, 0, NULL};
	struct policy_record other = {REC_CASE, A, UNIT_A1, OTHER_PERSON, 0, NULL};
	struct policy_record audit = {REC_AUDIT_LOG, A, 0, CITIZEN, 0, NULL};
	assert_true(policy_decide(&c, ACT_READ, &own).allowed);
	assert_false(policy_decide(&c, ACT_WRITE, &own).allowed);
	assert_int_equal(policy_decide(&c, ACT_READ, &other).reason,
			 POLICY_DENY_NOT_OWN);
	assert_false(policy_decide(&c, ACT_READ_AUDIT, &audit).allowed);
	/* Known by personnummer: another municipality's row about them is theirs to read. */
	strcpy(c.personnummer, "191212121212");
	struct policy_record by_pnr = {REC_PERSON, B, 0, 555, 0, "191212121212"};
	struct policy_record not_them = {REC_PERSON, B, 0, 556, 0, "200001012384"};
	assert_true(policy_decide(&c, ACT_READ, &by_pnr).allowed);
	assert_int_equal(policy_decide(&c, ACT_READ, &not_them).reason, POLICY_DENY_NOT_OWN);
	/* Another municipality's file about the same person is still theirs. */
	struct policy_record own_b = {REC_PERSON, B, UNIT_B1, CITIZEN, 1, NULL};
	assert_true(policy_decide(&c, ACT_READ, &own_b).allowed);
}

static void test_nobody_and_null(void **state)
{
	(void)state;
	struct policy_subject nobody = {0};
	struct policy_record rec = {REC_PERSON, A, 0, 1, 0, NULL};
	assert_false(policy_decide(&nobody, ACT_READ, &rec).allowed);
	assert_false(policy_decide(NULL, ACT_READ, &rec).allowed);
	struct policy_subject s = staff(ROLE_CASE_OFFICER, UNIT_A1);
	assert_false(policy_decide(&s, ACT_READ, NULL).allowed);
	/* A staff member with no grants at all. */
	s.ngrants = 0;
	assert_int_equal(policy_decide(&s, ACT_READ, &rec).reason,
			 POLICY_DENY_TENANT);
}

static void test_role_names(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_int_equal(policy_role_parse(policy_role_name(r)), r);
	assert_int_equal(policy_role_parse("superuser"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles_against_records),
		cmocka_unit_test(test_citizen_own_file_only),
		cmocka_unit_test(test_nobody_and_null),
		cmocka_unit_test(test_role_names),
	};
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
