/*
 * Who may see and change a meeting (src/policy/meeting.c), as a table:
 * each subject asked about one meeting of municipality A's unit A1 with
 * officer 10 and interpreter 30 (staff of the host B), with the person
 * 197001011234. Deny by default: whoever no row names is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
/* cmocka needs the headers above first. */
#include <cmocka.h>

#include "policy/meeting.h"

enum { A = 1, B = 2, A1 = 11, A2 = 12, S = 21 };

static struct policy_subject staff(int64_t id, int64_t municipality,
				   int64_t unit, enum policy_role role)
{
	struct policy_subject s;
	memset(&s, 0, sizeof(s));
	s.kind = SUBJECT_STAFF;
	s.id = id;
	s.municipality_id = municipality;
	if (unit) {
		s.grants[0] = (struct policy_grant){municipality, unit, role};
		s.ngrants = 1;
	}
	return s;
}

static struct policy_subject citizen(const char *pnr)
{
	struct policy_subject s;
	memset(&s, 0, sizeof(s));
	s.kind = SUBJECT_CITIZEN;
	snprintf(s.personnummer, sizeof(s.personnummer), "%s", pnr);
	return s;
}

static void test_table(void **state)
{
	(void)state;
	struct policy_meeting m = {.municipality_id = A, .unit_id = A1,
				   .officer_staff_id = 10,
				   .interpreter_staff_id = 30,
				   .personnummer = "197001011234"};
	struct {
		const char *who;
		struct policy_subject s;
		enum meeting_access want;
		int may_change;
	} rows[] = {
	    {"the person", citizen("197001011234"), MEETING_PERSON, 1},
	    {"another citizen", citizen("197001019999"), MEETING_DENY, 0},
	    {"the officer", staff(10, A, A1, ROLE_CASE_OFFICER), MEETING_OFFICER, 1},
	    {"a colleague in the unit", staff(11, A, A1, ROLE_FIRST_LINE), MEETING_UNIT, 1},
	    {"the team lead", staff(12, A, A1, ROLE_TEAM_LEAD), MEETING_UNIT, 1},
	    {"another unit", staff(13, A, A2, ROLE_CASE_OFFICER), MEETING_DENY, 0},
	    {"an administrator of the unit", staff(14, A, A1, ROLE_MUNICIPAL_ADMIN), MEETING_DENY, 0},
	    {"another municipality", staff(15, B, A1, ROLE_CASE_OFFICER), MEETING_DENY, 0},
	    {"the interpreter (host B)", staff(30, B, S, ROLE_SHARED_SERVICE), MEETING_INTERPRETER, 0},
	    {"another interpreter", staff(31, B, S, ROLE_SHARED_SERVICE), MEETING_DENY, 0},
	    {"nobody", (struct policy_subject){.kind = SUBJECT_NOBODY}, MEETING_DENY, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum meeting_access got = policy_meeting_access(&rows[i].s, &m);
		if (got != rows[i].want)
			fail_msg("%s: got %d, want %d", rows[i].who, got,
				 rows[i].want);
		assert_int_equal(policy_meeting_may_change(got), rows[i].may_change);
	}
	/* A unit's reception: no officer named; the unit's casework sees it. */
	m.officer_staff_id = 0;
	struct policy_subject s = staff(10, A, A2, ROLE_CASE_OFFICER);
	assert_int_equal(policy_meeting_access(&s, &m), MEETING_DENY);
}

static void test_publish(void **state)
{
	(void)state;
	struct policy_subject officer = staff(10, A, A1, ROLE_CASE_OFFICER);
	struct policy_subject interpreter = staff(30, B, S, ROLE_SHARED_SERVICE);
	struct policy_subject admin = staff(14, A, A1, ROLE_MUNICIPAL_ADMIN);
	struct policy_subject person = citizen("197001011234");
	assert_true(policy_meeting_may_publish(&officer, A, A1, 0));
	assert_true(policy_meeting_may_publish(&officer, A, A1, 1));
	assert_false(policy_meeting_may_publish(&officer, A, A2, 0));
	assert_false(policy_meeting_may_publish(&officer, B, A1, 0));
	assert_true(policy_meeting_may_publish(&interpreter, B, S, 0));
	assert_false(policy_meeting_may_publish(&interpreter, B, S, 1));
	assert_false(policy_meeting_may_publish(&admin, A, A1, 0));
	assert_false(policy_meeting_may_publish(&person, A, A1, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_publish),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
