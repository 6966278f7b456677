/* Personnummer: dates, check digits, separators, coordination numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "domain/personnummer.h"

/* 2026-11-23 12:00 UTC, so the century of ten-digit numbers is fixed. */
static const int64_t TODAY = 1795435200;

/*
 * Every row is exact: the invalid ones carry a correct check digit, so the
 * row fails for the reason its comment gives and not by accident.
 */
static void test_table(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		enum nara_err err;
		const char *canonical, *sex, *birth;
		int coordination;
	} rows[] = {
		/* The four written forms, and white space around them. */
		{"19121212-1212", NARA_OK, "191212121212", "male", "1912-12-12", 0},
		{"191212121212", NARA_OK, "191212121212", "male", "1912-12-12", 0},
		{"121212-1212", NARA_OK, "201212121212", "male", "2012-12-12", 0},
		{"1212121212", NARA_OK, "201212121212", "male", "2012-12-12", 0},
		{"  19121212-1212 ", NARA_OK, "191212121212", "male", "1912-12-12", 0},
		{"\t191212121212\r\n", NARA_OK, "191212121212", "male", "1912-12-12", 0},
		/* The legal-sex digit: even for female. */
		{"19800101-0027", NARA_OK, "198001010027", "female", "1980-01-01", 0},
		{"19800101-0134", NARA_OK, "198001010134", "male", "1980-01-01", 0},
		/* '+': a hundred years or older, the century from today. */
		{"121212+1212", NARA_OK, "191212121212", "male", "1912-12-12", 0},
		{"000229-3454", NARA_OK, "200002293454", "male", "2000-02-29", 0},
		{"000229+3454", NARA_EINVAL, NULL, NULL, NULL, 0}, /* 1900-02-29 */
		/* Read on 2026-11-23: the '-' form cannot be a date to come. */
		{"261123-4564", NARA_OK, "202611234564", "female", "2026-11-23", 0},
		{"261224-4562", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"261224+4562", NARA_OK, "192612244562", "female", "1926-12-24", 0},
		{"261124-4563", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"20261124-1239", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"20301212-0000", NARA_EINVAL, NULL, NULL, NULL, 0},
		/* Leap days. */
		{"20000229-1235", NARA_OK, "200002291235", "male", "2000-02-29", 0},
		{"20240229-2466", NARA_OK, "202402292466", "female", "2024-02-29", 0},
		{"19000229-1235", NARA_EINVAL, NULL, NULL, NULL, 0}, /* 1900: none */
		{"20230229-1238", NARA_EINVAL, NULL, NULL, NULL, 0},
		/* Months and days that do not exist. */
		{"19801301-1237", NARA_EINVAL, NULL, NULL, NULL, 0}, /* month 13 */
		{"19800001-1233", NARA_EINVAL, NULL, NULL, NULL, 0}, /* month 0 */
		{"19800100-1232", NARA_EINVAL, NULL, NULL, NULL, 0}, /* day 0 */
		{"19800431-1232", NARA_EINVAL, NULL, NULL, NULL, 0}, /* 31 April */
		/* Samordningsnummer: the day plus 60, from 61 to 91. */
		{"19701061-2344", NARA_OK, "197010612344", "female", "1970-10-01", 1},
		{"19701091-2348", NARA_OK, "197010912348", "female", "1970-10-31", 1},
		{"19720289-2340", NARA_OK, "197202892340", "female", "1972-02-29", 1},
		{"19701092-2347", NARA_EINVAL, NULL, NULL, NULL, 0}, /* 92 - 60 = 32 */
		{"19701060-2345", NARA_EINVAL, NULL, NULL, NULL, 0}, /* 60 is no day */
		{"19700289-2342", NARA_EINVAL, NULL, NULL, NULL, 0}, /* 1970-02-29 */
		/* The check digit. */
		{"19121212-1213", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"121212-1213", NARA_EINVAL, NULL, NULL, NULL, 0},
		/* The shape. */
		{"19121212121", NARA_EINVAL, NULL, NULL, NULL, 0}, /* 11 digits */
		{"1912121212123", NARA_EINVAL, NULL, NULL, NULL, 0}, /* 13 */
		{"121212-121", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"19121212+1212", NARA_EINVAL, NULL, NULL, NULL, 0}, /* + with 12 */
		{"1912-1212-1212", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"12121-21212", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"121212--1212", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"1212 12-1212", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"19121212-12a2", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"19121212-1212x", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"１９121212-1212", NARA_EINVAL, NULL, NULL, NULL, 0}, /* wide digits */
		{"", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"   ", NARA_EINVAL, NULL, NULL, NULL, 0},
		{"abc", NARA_EINVAL, NULL, NULL, NULL, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct personnummer p;
		enum nara_err err = personnummer_parse(rows[i].in, TODAY, &p);
		if (err != rows[i].err)
			fail_msg("'%s': got %d, want %d", rows[i].in, err, rows[i].err);
		if (err != NARA_OK) {
			/* Nothing half-filled is left behind for a careless caller. */
			assert_string_equal(p.canonical, "");
			continue;
		}
		assert_string_equal(p.canonical, rows[i].canonical);
		assert_string_equal(p.sex, rows[i].sex);
		assert_string_equal(p.birth_date, rows[i].birth);
		assert_int_equal(p.coordination, rows[i].coordination);
		char y[5];
		snprintf(y, sizeof(y), "%04d", p.year);
		assert_memory_equal(y, rows[i].birth, 4);
		assert_int_equal(p.month, (rows[i].birth[5] - '0') * 10 + rows[i].birth[6] - '0');
		assert_int_equal(p.day, (rows[i].birth[8] - '0') * 10 + rows[i].birth[9] - '0');
	}
	struct personnummer p;
	assert_int_equal(personnummer_parse(NULL, TODAY, &p), NARA_EINVAL);
}

/* Every number personnummer_make builds parses back to itself. */
static void test_make_roundtrip(void **state)
{
	(void)state;
	static const int dates[][3] = {{1930, 1, 1}, {1972, 2, 29}, {2000, 2, 29},
				       {2012, 12, 31}, {1999, 6, 15}};
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		for (int serial = 0; serial < 1000; serial += 37) {
			char pnr[13];
			personnummer_make(dates[i][0], dates[i][1], dates[i][2],
					  serial, pnr);
			struct personnummer p;
			assert_int_equal(personnummer_parse(pnr, TODAY, &p), NARA_OK);
			assert_string_equal(p.canonical, pnr);
			assert_int_equal(p.year, dates[i][0]);
			/* Changing the check digit must break it. */
			pnr[11] = (char)('0' + (pnr[11] - '0' + 1) % 10);
			assert_int_equal(personnummer_parse(pnr, TODAY, &p), NARA_EINVAL);
		}
	}
	/* The leap day of a year that has none is refused whatever the digit. */
	for (int c = 0; c < 10; c++) {
		char pnr[] = "20230229123X";
		pnr[11] = (char)('0' + c);
		struct personnummer p;
		assert_int_equal(personnummer_parse(pnr, TODAY, &p), NARA_EINVAL);
	}
}

static void test_checksum(void **state)
{
	(void)state;
	/* Skatteverket's worked example: 811218-987 gives 6. */
	assert_int_equal(personnummer_checksum_digit("811218987"), 6);
	assert_int_equal(personnummer_checksum_digit("121212121"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_make_roundtrip),
		cmocka_unit_test(test_checksum),
	};
	return cmocka_run_group_tests_name("personnummer", tests, NULL, NULL);
}
