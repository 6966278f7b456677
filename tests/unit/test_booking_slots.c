/*
 * The free times of published hours (booking_slots_compute): Stockholm's
 * changes of offset (the last Sundays of March and October), the
 * five-minute grid, the buffer after a meeting, held cells and the lead
 * time. Instants are worked out by hand from UTC midnights of 2027.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
/* cmocka needs the headers above first. */
#include <cmocka.h>

#include "domain/booking.h"

enum {
	MAR22 = 1805673600, /* Monday 2027-03-22 00:00 UTC */
	MAR28 = 1806192000, /* Sunday, summer time from 01:00 UTC */
	MAR29 = 1806278400, /* Monday */
	OCT29 = 1824768000, /* Friday 2027-10-29 */
	OCT31 = 1824940800, /* Sunday, winter time from 01:00 UTC */
	NOV01 = 1825027200, /* Monday */
	H = 3600,
	CELL = 300
};

static struct booking_availability_view hours(int weekday, int from_h,
					      int to_h, int length, int buffer)
{
	struct booking_availability_view v;
	memset(&v, 0, sizeof(v));
	v.id = 7;
	v.weekday = weekday;
	v.start_minute = from_h * 60;
	v.end_minute = to_h * 60;
	v.length_minutes = length;
	v.buffer_minutes = buffer;
	v.kinds = 1;
	return v;
}

static size_t run(const struct booking_availability_view *v,
		  const int64_t *held, size_t nheld, int64_t now, int days,
		  struct booking_slot *out)
{
	return booking_slots_compute(v, held, nheld, now, now, days, out, 64);
}

/* 09:00 local is 08:00 UTC before the spring change, 07:00 after. */
static void test_spring_change(void **state)
{
	(void)state;
	struct booking_slot s[64];
	struct booking_availability_view fri = hours(5, 9, 10, 60, 0);
	struct booking_availability_view mon = hours(1, 9, 10, 60, 0);
	int64_t now = MAR22 + 12 * H;
	assert_int_equal(run(&fri, NULL, 0, now, 7, s), 1);
	assert_int_equal(s[0].starts_at, MAR28 - 2 * 86400 + 8 * H);
	assert_int_equal(s[0].ends_at, s[0].starts_at + H);
	assert_int_equal(run(&mon, NULL, 0, now, 8, s), 1);
	assert_int_equal(s[0].starts_at, MAR29 + 7 * H);
}

/* On the Sunday itself 02:00-03:00 local does not exist: no slot there. */
static void test_spring_sunday_skips_missing_hour(void **state)
{
	(void)state;
	struct booking_slot s[64];
	struct booking_availability_view sun = hours(7, 1, 5, 60, 0);
	size_t n = run(&sun, NULL, 0, MAR22 + 12 * H, 7, s);
	assert_int_equal(n, 3);
	assert_int_equal(s[0].starts_at, MAR28 + 0 * H); /* 01:00 CET */
	assert_int_equal(s[1].starts_at, MAR28 + 1 * H); /* 03:00 CEST */
	assert_int_equal(s[2].starts_at, MAR28 + 2 * H); /* 04:00 CEST */
}

static void test_autumn_change(void **state)
{
	(void)state;
	struct booking_slot s[64];
	struct booking_availability_view fri = hours(5, 9, 10, 60, 0);
	struct booking_availability_view mon = hours(1, 9, 10, 60, 0);
	struct booking_availability_view sun = hours(7, 1, 4, 60, 0);
	int64_t now = OCT29 - 2 * 86400;
	assert_int_equal(run(&fri, NULL, 0, now, 7, s), 1);
	assert_int_equal(s[0].starts_at, OCT29 + 7 * H);
	assert_int_equal(run(&mon, NULL, 0, now, 7, s), 1);
	assert_int_equal(s[0].starts_at, NOV01 + 8 * H);
	/* 01:00, 02:00 and 03:00 local: three distinct, increasing times. */
	size_t n = run(&sun, NULL, 0, now, 7, s);
	assert_int_equal(n, 3);
	assert_int_equal(s[0].starts_at, OCT31 - 1 * H); /* 01:00 CEST */
	assert_true(s[1].starts_at > s[0].starts_at);
	assert_int_equal(s[2].starts_at, OCT31 + 2 * H); /* 03:00 CET */
}

/* 25 minutes and a 5-minute buffer: a start every half hour, on the grid. */
static void test_grid_and_buffer(void **state)
{
	(void)state;
	struct booking_slot s[64];
	struct booking_availability_view mon = hours(1, 9, 11, 25, 5);
	int64_t nine = MAR22 + 8 * H; /* 09:00 CET */
	size_t n = run(&mon, NULL, 0, MAR22 - 86400, 3, s);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(s[i].starts_at, nine + (int64_t)i * 1800);
		assert_int_equal(s[i].starts_at % CELL, 0);
		assert_int_equal(s[i].ends_at - s[i].starts_at, 25 * 60);
	}
	/* The last must end by 11:00 with its length (not its buffer). */
	struct booking_availability_view tight = hours(1, 9, 10, 25, 10);
	n = run(&tight, NULL, 0, MAR22 - 86400, 3, s);
	assert_int_equal(n, 2); /* 09:00 and 09:35 (ends 10:00) */
	assert_int_equal(s[1].starts_at, nine + 35 * 60);
}

/* A held cell in a meeting's time or its buffer takes that time only. */
static void test_held_cells(void **state)
{
	(void)state;
	struct booking_slot s[64];
	struct booking_availability_view mon = hours(1, 9, 11, 30, 15);
	int64_t nine = MAR22 + 8 * H;
	/* Starts 09:00, 09:45, 10:30. */
	assert_int_equal(run(&mon, NULL, 0, MAR22 - 86400, 3, s), 3);
	int64_t in_buffer[] = {(nine + 35 * 60) / CELL}; /* 09:35 */
	size_t n = run(&mon, in_buffer, 1, MAR22 - 86400, 3, s);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].starts_at, nine + 45 * 60);
	int64_t held[] = {(nine + 45 * 60) / CELL, (nine + 50 * 60) / CELL,
			  (nine + 95 * 60) / CELL /* 10:35 */};
	n = run(&mon, held, 3, MAR22 - 86400, 3, s);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].starts_at, nine);
	/* A cell just before a start, or just after its buffer, does not. */
	int64_t beside[] = {(nine - CELL) / CELL, (nine + 135 * 60) / CELL};
	assert_int_equal(run(&mon, beside, 2, MAR22 - 86400, 3, s), 3);
}

/* No time sooner than an hour from now; the window starts today. */
static void test_lead_time(void **state)
{
	(void)state;
	struct booking_slot s[64];
	struct booking_availability_view mon = hours(1, 9, 11, 30, 0);
	int64_t nine = MAR22 + 8 * H;
	size_t n = run(&mon, NULL, 0, nine - H + 1, 3, s);
	assert_int_equal(n, 3); /* 09:30, 10:00, 10:30 */
	assert_int_equal(s[0].starts_at, nine + 1800);
	assert_int_equal(run(&mon, NULL, 0, nine - H, 3, s), 4);
	/* At most max times. */
	assert_int_equal(booking_slots_compute(&mon, NULL, 0, nine - 86400,
					       nine - 86400, 3, s, 2),
			 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spring_change),
	    cmocka_unit_test(test_spring_sunday_skips_missing_hour),
	    cmocka_unit_test(test_autumn_change),
	    cmocka_unit_test(test_grid_and_buffer),
	    cmocka_unit_test(test_held_cells),
	    cmocka_unit_test(test_lead_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
