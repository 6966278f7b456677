/*
 * Swedish personal identity numbers (personnummer, Skatteverket SKV 704)
 * and coordination numbers (samordningsnummer: day of birth + 60). Pure
 * functions: the caller gives today's date so the century of a ten-digit
 * number can be resolved and tests can fix the day.
 */
#ifndef NARA_PERSONNUMMER_H
#define NARA_PERSONNUMMER_H

#include <stdint.h>

#include "core/err.h"

struct personnummer {
	char canonical[13]; /* YYYYMMDDNNNC, twelve digits */
	int year, month, day; /* the real date of birth */
	int coordination;     /* 1 for a samordningsnummer */
	const char *sex;      /* "female" or "male", from the ninth digit */
	char birth_date[11];  /* YYYY-MM-DD */
};

/*
 * Accepts YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDDNNNN and
 * YYMMDD+NNNN ('+': the person turns a hundred this year or did earlier),
 * with surrounding white space. The century of a ten-digit number is
 * resolved against today_epoch (UTC). Checks that the date exists (leap
 * years too) and is not after today, and the check digit; a day of 61-91
 * is a samordningsnummer and sets coordination. NARA_EINVAL when anything
 * is wrong (a NULL `in` too); *out is zeroed first.
 */
enum nara_err personnummer_parse(const char *in, int64_t today_epoch,
				 struct personnummer *out);

/* The Luhn check digit over the nine digits YYMMDDNNN. */
int personnummer_checksum_digit(const char *nine_digits);

/* Builds a valid twelve-digit number from a date and a serial 0..999. */
void personnummer_make(int year, int month, int day, int serial3, char out[13]);

#endif
