/* Personal identity numbers; see personnummer.h. */
#include "domain/personnummer.h"

#include <string.h>
#include <time.h>

/* Writes v as exactly n decimal digits (v is known to fit). */
static void put_digits(char *dst, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		dst[i] = (char)('0' + v % 10);
}

int personnummer_checksum_digit(const char *nine)
{
	int sum = 0;
	for (int i = 0; i < 9; i++) {
		int d = (nine[i] - '0') * (i % 2 == 0 ? 2 : 1);
		sum += d > 9 ? d - 9 : d;
	}
	return (10 - sum % 10) % 10;
}

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return 29;
	return days[month - 1];
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* Dates compared as YYYYMMDD integers. */
static int ymd(int year, int month, int day)
{
	return year * 10000 + month * 100 + day;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

enum nara_err personnummer_parse(const char *in, int64_t today_epoch,
				 struct personnummer *out)
{
	memset(out, 0, sizeof(*out));
	if (in == NULL)
		return NARA_EINVAL;
	/* A number pasted into a form often brings a space or a newline along. */
	while (is_space(*in))
		in++;
	size_t len = strlen(in);
	while (len > 0 && is_space(in[len - 1]))
		len--;

	char d[13]; /* the digits without separator */
	size_t n = 0;
	char sep = 0;
	for (size_t i = 0; i < len; i++) {
		if (in[i] >= '0' && in[i] <= '9') {
			if (n == 12)
				return NARA_EINVAL;
			d[n++] = in[i];
		} else if ((in[i] == '-' || in[i] == '+') && sep == 0 &&
			   (n == 6 || n == 8) && len - i - 1 == 4) {
			/* The separator stands before the last four digits. */
			sep = in[i];
		} else {
			return NARA_EINVAL;
		}
	}
	d[n] = '\0';
	if (n != 10 && n != 12)
		return NARA_EINVAL;
	if (n == 12 && sep == '+')
		return NARA_EINVAL;

	time_t now = (time_t)today_epoch;
	struct tm tm;
	if (gmtime_r(&now, &tm) == NULL)
		return NARA_EINVAL;
	int today = ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);

	int year, month, day;
	const char *rest; /* MMDDNNNC */
	if (digits(d, n == 12 ? 4 : 2, &year) != 0)
		return NARA_EINVAL;
	rest = d + (n == 12 ? 4 : 2);
	if (digits(rest, 2, &month) != 0 || digits(rest + 2, 2, &day) != 0)
		return NARA_EINVAL;
	int coordination = 0;
	if (day > 60) {
		coordination = 1;
		day -= 60;
	}
	if (n == 10) {
		/*
		 * A ten-digit number leaves the century out. Skatteverket swaps
		 * the '-' for a '+' from the start of the year a person turns a
		 * hundred, so with '-' the birth year is the latest year with
		 * these two digits that is not after this year, and '+' moves it
		 * a century back. The rule goes by years, not birthdays: read on
		 * 2026-11-23, 261224+xxxx is someone born in 1926 and
		 * 261224-xxxx a date in the future, which is refused below.
		 */
		int this_year = tm.tm_year + 1900;
		year += this_year / 100 * 100;
		if (year > this_year)
			year -= 100;
		if (sep == '+')
			year -= 100;
	}
	/* The leap-year test needs the century, so the date is checked last. */
	if (year < 1850 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month) || ymd(year, month, day) > today)
		return NARA_EINVAL;

	/* The check digit covers YYMMDDNNN. */
	char nine[10];
	put_digits(nine, year % 100, 2);
	memcpy(nine + 2, rest, 7);
	nine[9] = '\0';
	if (personnummer_checksum_digit(nine) != rest[7] - '0')
		return NARA_EINVAL;

	put_digits(out->canonical, year, 4);
	memcpy(out->canonical + 4, rest, 8);
	out->canonical[12] = '\0';
	out->year = year;
	out->month = month;
	out->day = day;
	out->coordination = coordination;
	out->sex = ((rest[6] - '0') % 2 == 0) ? "female" : "male";
	put_digits(out->birth_date, year, 4);
	out->birth_date[4] = '-';
	put_digits(out->birth_date + 5, month, 2);
	out->birth_date[7] = '-';
	put_digits(out->birth_date + 8, day, 2);
	out->birth_date[10] = '\0';
	return NARA_OK;
}

void personnummer_make(int year, int month, int day, int serial3, char out[13])
{
	char nine[10];
	int serial = ((serial3 % 1000) + 1000) % 1000;
	put_digits(nine, year % 100, 2);
	put_digits(nine + 2, month, 2);
	put_digits(nine + 4, day, 2);
	put_digits(nine + 6, serial, 3);
	nine[9] = '\0';
	put_digits(out, year, 4);
	memcpy(out + 4, nine + 2, 7);
	out[11] = (char)('0' + personnummer_checksum_digit(nine));
	out[12] = '\0';
}
