/*
 * The case's state machine (src/policy/case_flow.c): every kind, state and
 * action against a grid written out here by hand, so that any change to a
 * move, legal or illegal, fails a row. Then the guards: an intervention
 * needs a granted decision, and only an investigated case is reopened.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>
#include <string.h>

#include "policy/case_flow.h"

/*
 * One string per state (received, preliminary, investigation, decided,
 * intervention, follow-up, closed); one character per action in the order
 * open investigation, not open, extend, decide, start intervention, follow
 * up, resume, close, reopen. A letter is the state the move leads to
 * (R P I D V F C), '-' an illegal move, 'k' a move for the other kind.
 */
static const char *const grid[CASE_KIND_COUNT][CS_COUNT] = {
	[CASE_APPLICATION] = {
		"I------C-", /* received */
		"kk-------", /* preliminary: only reports have one */
		"--ID---C-", /* investigation */
		"---DV--C-", /* decided */
		"---V-F-C-", /* intervention */
		"---F--VC-", /* follow-up */
		"--------I", /* closed */
	},
	[CASE_CHILD_REPORT] = {
		"k------k-", /* received: only applications are received */
		"IC-------", /* preliminary: open or not open (R1.2) */
		"--ID---C-",
		"---DV--C-",
		"---V-F-C-",
		"---F--VC-",
		"--------I",
	},
};

static const char letters[CS_COUNT + 1] = "RPIDVFC";

static void test_every_move(void **state)
{
	(void)state;
	for (int k = 0; k < CASE_KIND_COUNT; k++) {
		for (int s = 0; s < CS_COUNT; s++) {
			for (int a = 0; a < CA_COUNT; a++) {
				struct case_facts f = {(enum case_kind)k,
						       (enum case_state)s, 1, 1};
				enum case_state to = CS_COUNT;
				enum case_flow_result r =
					case_flow_next(&f, (enum case_action)a, &to);
				char got = r == FLOW_OK	       ? letters[to]
					   : r == FLOW_WRONG_KIND ? 'k'
								   : '-';
				if (got != grid[k][s][a])
					fail_msg("%s in %s, %s: expected %c, got %c",
						 case_kind_name((enum case_kind)k),
						 case_state_name((enum case_state)s),
						 case_action_name((enum case_action)a),
						 grid[k][s][a], got);
				if (r != FLOW_OK)
					assert_int_equal(to, CS_COUNT); /* untouched */
			}
		}
	}
}

static void test_guards(void **state)
{
	(void)state;
	enum case_state to;
	struct case_facts f = {CASE_APPLICATION, CS_DECIDED, 1, 0};
	assert_int_equal(case_flow_next(&f, CA_START_INTERVENTION, &to),
			 FLOW_NEEDS_GRANTED);
	f.has_granted_decision = 1;
	assert_int_equal(case_flow_next(&f, CA_START_INTERVENTION, &to), FLOW_OK);
	assert_int_equal(to, CS_INTERVENTION);

	/* A report closed at the preliminary assessment is not reopened. */
	struct case_facts closed = {CASE_CHILD_REPORT, CS_CLOSED, 0, 0};
	assert_int_equal(case_flow_next(&closed, CA_REOPEN, &to),
			 FLOW_NEEDS_INVESTIGATED);
	closed.was_investigated = 1;
	assert_int_equal(case_flow_next(&closed, CA_REOPEN, &to), FLOW_OK);
	assert_int_equal(to, CS_INVESTIGATION);
}

static void test_initial_and_names(void **state)
{
	(void)state;
	assert_int_equal(case_flow_initial(CASE_APPLICATION), CS_RECEIVED);
	assert_int_equal(case_flow_initial(CASE_CHILD_REPORT), CS_PRELIMINARY);
	for (int s = 0; s < CS_COUNT; s++) {
		assert_int_equal(case_state_parse(case_state_name((enum case_state)s)), s);
		assert_int_equal(case_flow_is_open((enum case_state)s), s != CS_CLOSED);
	}
	for (int a = 0; a < CA_COUNT; a++)
		assert_int_equal(case_action_parse(case_action_name((enum case_action)a)), a);
	for (int k = 0; k < CASE_KIND_COUNT; k++)
		assert_int_equal(case_kind_parse(case_kind_name((enum case_kind)k)), k);
	assert_int_equal(case_state_parse("Investigation"), -1);
	assert_int_equal(case_action_parse(""), -1);
	assert_int_equal(case_kind_parse(NULL), -1);
	assert_string_equal(case_state_name((enum case_state)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_move),
		cmocka_unit_test(test_guards),
		cmocka_unit_test(test_initial_and_names),
	};
	return cmocka_run_group_tests_name("case_flow", tests, NULL, NULL);
}
