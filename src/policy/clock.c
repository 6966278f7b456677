/*
 * The legal clocks; see clock.h. Civil-date arithmetic after Howard
 * Hinnant's days_from_civil/civil_from_days (public domain), which is exact
 * for every date of the proleptic Gregorian calendar and needs no tables.
 */
#include "policy/clock.h"

enum { DAY = 86400, HOUR = 3600 };

/* Floor division for negative numbers too (days before 1970). */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t civil_to_days(struct civil_date d)
{
	int64_t y = d.year - (d.month <= 2);
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;			     /* 0..399 */
	int64_t mp = (d.month + 9) % 12;		     /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + d.day - 1;	     /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */
	return era * 146097 + doe - 719468;
}

struct civil_date civil_from_days(int64_t z)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	struct civil_date d;
	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* The day of the last Sunday of a month. 1970-01-01 was a Thursday. */
static int last_sunday(int y, int m)
{
	struct civil_date d = {y, m, days_in_month(y, m)};
	int64_t days = civil_to_days(d);
	int weekday = (int)((days % 7 + 11) % 7); /* 0 = Sunday */
	return d.day - weekday;
}

/*
 * The offset is constant on a stretch of time (a year's winter before
 * the spring change, its summer, its winter after the autumn change);
 * each thread remembers the last stretch it computed, since pages ask
 * about many instants close together (a fortnight of free times).
 */
static _Thread_local int64_t stretch_from = 1, stretch_to = 0;
static _Thread_local int stretch_offset;

int clock_stockholm_offset(int64_t utc)
{
	if (utc >= stretch_from && utc < stretch_to)
		return stretch_offset;
	int year = civil_from_days(floor_div(utc, DAY)).year;
	int64_t start =
	    civil_to_days((struct civil_date){year, 3, last_sunday(year, 3)}) *
		DAY +
	    HOUR;
	int64_t end = civil_to_days((struct civil_date){
			  year, 10, last_sunday(year, 10)}) *
			  DAY +
		      HOUR;
	int offset = utc >= start && utc < end ? 2 * HOUR : HOUR;
	if (utc < start) {
		stretch_from = civil_to_days((struct civil_date){year, 1, 1}) * DAY;
		stretch_to = start;
	} else if (utc < end) {
		stretch_from = start;
		stretch_to = end;
	} else {
		stretch_from = end;
		stretch_to =
		    civil_to_days((struct civil_date){year + 1, 1, 1}) * DAY;
	}
	stretch_offset = offset;
	return offset;
}

struct civil_date clock_local_date(int64_t utc)
{
	return civil_from_days(
	    floor_div(utc + clock_stockholm_offset(utc), DAY));
}

int64_t clock_local_midnight(struct civil_date d)
{
	/*
	 * Midnight in Stockholm is 22:00 or 23:00 UTC the day before, never
	 * near a change of offset (those happen at 01:00 UTC), so the offset
	 * an hour before the wanted instant is the offset at it.
	 */
	int64_t local = civil_to_days(d) * DAY;
	return local - clock_stockholm_offset(local - 2 * HOUR);
}

struct civil_date clock_add_months(struct civil_date d, int months)
{
	int64_t m0 = (int64_t)d.year * 12 + (d.month - 1) + months;
	struct civil_date r;
	r.year = (int)floor_div(m0, 12);
	r.month = (int)(m0 - (int64_t)r.year * 12) + 1;
	int last = days_in_month(r.year, r.month);
	r.day = d.day > last ? last : d.day;
	return r;
}

/* The end of the local day `days` after the local date of t. */
static int64_t end_of_day_after(int64_t t, int days)
{
	int64_t local_days = civil_to_days(clock_local_date(t)) + days + 1;
	return clock_local_midnight(civil_from_days(local_days));
}

int64_t clock_protection_due(int64_t received_at)
{
	return end_of_day_after(received_at, 0);
}

int64_t clock_preliminary_due(int64_t received_at)
{
	return end_of_day_after(received_at, 14);
}

/* The end of the local date n months after the local date of t. */
static int64_t end_of_months_after(int64_t t, int months)
{
	struct civil_date last = clock_add_months(clock_local_date(t), months);
	return clock_local_midnight(civil_from_days(civil_to_days(last) + 1));
}

int64_t clock_investigation_due(int64_t opened_at)
{
	return end_of_months_after(opened_at, 4);
}

int64_t clock_six_months_due(int64_t from)
{
	return end_of_months_after(from, 6);
}

int clock_extension_allowed(int64_t due, int64_t decided_at, int64_t new_due)
{
	return decided_at < due && new_due > due;
}

int clock_days_left(int64_t due, int64_t now)
{
	/* The last allowed day is the local date of the second before due. */
	int64_t last = civil_to_days(clock_local_date(due - 1));
	int64_t today = civil_to_days(clock_local_date(now));
	return (int)(last - today);
}

enum clock_state clock_state_at(int64_t due, int64_t done_at, int64_t now,
				int warn_days)
{
	if (done_at != 0)
		return CLOCK_DONE;
	if (now >= due)
		return CLOCK_OVERDUE;
	return clock_days_left(due, now) <= warn_days ? CLOCK_DUE_SOON
						      : CLOCK_RUNNING;
}
