/*
 * The legal clocks (src/policy/clock.c). The expected instants were
 * computed independently, with Python's zoneinfo and the system's tzdata
 * for Europe/Stockholm, so a mistake in our own reckoning of summer time,
 * leap years or month ends shows up as a failing row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "policy/clock.h"
#include "web/format.h"

static const struct clock_row {
	const char *what;
	int64_t received;      /* a report arrives, or an investigation opens */
	int64_t protection;    /* end of that local day */
	int64_t preliminary;   /* end of the local day 14 days later */
	int64_t investigation; /* end of the local day four months later */
	int64_t six_months;    /* end of the local day six months later */
} rows[] = {
	{"before the spring change, late evening", 1774737000, 1774738800, 1775944800, 1785276000, 1790632800},
	{"the day of the spring change", 1774771200, 1774821600, 1776031200, 1785362400, 1790719200},
	{"the day of the autumn change", 1792884600, 1792969200, 1794178800, 1803596400, 1808690400},
	{"just after local midnight (UTC still the day before)", 1781562600, 1781647200, 1782856800, 1792188000, 1797462000},
	{"New Year's Eve", 1798757940, 1798758000, 1799967600, 1809122400, 1814392800},
	{"a leap day", 1835434800, 1835478000, 1836687600, 1845928800, 1851199200},
	{"winter noon", 1800010800, 1800054000, 1801263600, 1810418400, 1815688800},
	{"2000, a leap year by the 400 rule", 941353200, 941410800, 942620400, 951865200, 957132000},
	{"2100, no leap year", 4097113200, 4097170800, 4098380400, 4107538800, 4112805600},
};

static void test_due_times(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct clock_row *r = &rows[i];
		print_message("%s\n", r->what);
		assert_int_equal(clock_protection_due(r->received), r->protection);
		assert_int_equal(clock_preliminary_due(r->received), r->preliminary);
		assert_int_equal(clock_investigation_due(r->received), r->investigation);
		assert_int_equal(clock_six_months_due(r->received), r->six_months);
	}
}

/* The offset changes at 01:00 UTC on the last Sundays of March and October. */
static void test_offset_at_the_changes(void **state)
{
	(void)state;
	const int64_t spring = 1774746000; /* 2026-03-29 01:00 UTC */
	const int64_t autumn = 1792890000; /* 2026-10-25 01:00 UTC */
	assert_int_equal(clock_stockholm_offset(spring - 1), 3600);
	assert_int_equal(clock_stockholm_offset(spring), 7200);
	assert_int_equal(clock_stockholm_offset(autumn - 1), 7200);
	assert_int_equal(clock_stockholm_offset(autumn), 3600);
	/* 2027: March 28 and October 31. */
	assert_int_equal(clock_stockholm_offset(1806195600 - 1), 3600);
	assert_int_equal(clock_stockholm_offset(1806195600), 7200);
	assert_int_equal(clock_stockholm_offset(1824944400 - 1), 7200);
	assert_int_equal(clock_stockholm_offset(1824944400), 3600);
}

static void test_civil_dates(void **state)
{
	(void)state;
	static const struct {
		struct civil_date d;
		int64_t days;
	} dates[] = {
		{{1970, 1, 1}, 0},       {{1969, 12, 31}, -1},
		{{2000, 2, 29}, 11016},  {{2000, 3, 1}, 11017},
		{{2026, 11, 23}, 20780}, {{2100, 3, 1}, 47541},
		{{1900, 1, 1}, -25567},
	};
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		assert_int_equal(civil_to_days(dates[i].d), dates[i].days);
		struct civil_date back = civil_from_days(dates[i].days);
		assert_int_equal(back.year, dates[i].d.year);
		assert_int_equal(back.month, dates[i].d.month);
		assert_int_equal(back.day, dates[i].d.day);
	}
	/* Every day over four centuries goes there and back. */
	for (int64_t z = -146097; z < 2 * 146097; z += 1)
		assert_int_equal(civil_to_days(civil_from_days(z)), z);
}

static void test_add_months(void **state)
{
	(void)state;
	static const struct {
		struct civil_date from;
		int months;
		struct civil_date to;
	} cases[] = {
		{{2026, 10, 31}, 4, {2027, 2, 28}}, {{2027, 10, 31}, 4, {2028, 2, 29}},
		{{2026, 1, 31}, 1, {2026, 2, 28}},  {{2026, 8, 31}, 6, {2027, 2, 28}},
		{{2026, 12, 15}, 4, {2027, 4, 15}}, {{2026, 3, 31}, -1, {2026, 2, 28}},
		{{2099, 10, 31}, 4, {2100, 2, 28}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct civil_date r = clock_add_months(cases[i].from, cases[i].months);
		assert_int_equal(r.year, cases[i].to.year);
		assert_int_equal(r.month, cases[i].to.month);
		assert_int_equal(r.day, cases[i].to.day);
	}
}

/* What the worklist shows for a clock, around its due time. */
static void test_state_and_days_left(void **state)
{
	(void)state;
	const int64_t received = 1774771200;          /* 2026-03-29 10:00 local */
	const int64_t due = clock_preliminary_due(received); /* end of April 12 */
	assert_int_equal(clock_days_left(due, received), 14);
	assert_int_equal(clock_state_at(due, 0, received, 3), CLOCK_RUNNING);
	/* At 00:00 on April 9 the last day, April 12, is three days away. */
	assert_int_equal(clock_days_left(due, due - 4 * 86400), 3);
	assert_int_equal(clock_state_at(due, 0, due - 4 * 86400, 3), CLOCK_DUE_SOON);
	assert_int_equal(clock_days_left(due, due - 4 * 86400 - 1), 4);
	assert_int_equal(clock_state_at(due, 0, due - 4 * 86400 - 1, 3), CLOCK_RUNNING);
	assert_int_equal(clock_days_left(due, due - 1), 0);
	assert_int_equal(clock_state_at(due, 0, due - 1, 3), CLOCK_DUE_SOON);
	assert_int_equal(clock_state_at(due, 0, due, 3), CLOCK_OVERDUE);
	assert_int_equal(clock_days_left(due, due), -1);
	assert_int_equal(clock_state_at(due, due - 5, due + 86400, 3), CLOCK_DONE);
	/* The protection assessment is due the same day: due soon at once. */
	int64_t p = clock_protection_due(received);
	assert_int_equal(clock_state_at(p, 0, received, 0), CLOCK_DUE_SOON);
	assert_int_equal(clock_state_at(p, 0, p, 0), CLOCK_OVERDUE);
}

static void test_extension(void **state)
{
	(void)state;
	const int64_t due = 1785276000;
	assert_true(clock_extension_allowed(due, due - 1, due + 86400));
	assert_false(clock_extension_allowed(due, due, due + 86400));   /* too late */
	assert_false(clock_extension_allowed(due, due - 10, due));      /* not later */
	assert_false(clock_extension_allowed(due, due - 10, due - 86400));
}

/* Dates typed into forms (web/format.c) are read as Stockholm days. */
static void test_parse_date(void **state)
{
	(void)state;
	/* 2026-03-29, the day summer time begins, is 23 hours long. */
	assert_int_equal(web_parse_date("2026-03-29", 0), 1774738800);
	assert_int_equal(web_parse_date("2026-03-29", 1), 1774821600);
	assert_int_equal(web_parse_date("2028-02-29", 0) != 0, 1);
	static const char *const bad[] = {
		"2027-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
		"2026-1-01",  "26-01-01",   "2026-01-01x", "", "2026/01/01",
		"0000-01-01", "2026-01-00", "+026-01-01",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (web_parse_date(bad[i], 0) != 0)
			fail_msg("accepted %s", bad[i]);
	assert_int_equal(web_parse_date(NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_times),
		cmocka_unit_test(test_offset_at_the_changes),
		cmocka_unit_test(test_civil_dates),
		cmocka_unit_test(test_add_months),
		cmocka_unit_test(test_state_and_days_left),
		cmocka_unit_test(test_extension),
		cmocka_unit_test(test_parse_date),
	};
	return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
