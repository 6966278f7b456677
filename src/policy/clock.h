/*
 * The legal clocks of child-protection work (DOMAIN.md R1.1–R1.3, R1.7),
 * as pure functions of instants (UTC epoch seconds). The law counts in
 * days and months of the Swedish calendar, so every due time is the end of
 * a day in Europe/Stockholm: the instant of the local midnight that follows
 * the last day allowed.
 *
 * Europe/Stockholm is computed here rather than read from the system's
 * time-zone files, so that the policy layer does no I/O and every machine
 * (and every test) agrees: UTC+1, and UTC+2 from 01:00 UTC on the last
 * Sunday of March to 01:00 UTC on the last Sunday of October, the EU rule
 * in force since 1996 (directive 2000/84/EC). Should Sweden leave summer
 * time, this file is the one place to change.
 */
#ifndef NARA_CLOCK_H
#define NARA_CLOCK_H

#include <stdint.h>

/* A date of the civil (proleptic Gregorian) calendar. */
struct civil_date {
	int year, month, day; /* month 1–12, day 1–31 */
};

/* Days since 1970-01-01 of a civil date, and back. */
int64_t civil_to_days(struct civil_date d);
struct civil_date civil_from_days(int64_t days);

/* The offset of Europe/Stockholm from UTC at an instant, in seconds. */
int clock_stockholm_offset(int64_t utc);

/* The local calendar date in Europe/Stockholm of an instant. */
struct civil_date clock_local_date(int64_t utc);

/* The instant at which a local date begins (its 00:00 in Stockholm). */
int64_t clock_local_midnight(struct civil_date d);

/* The date n months after d, the day clamped to the end of a short month. */
struct civil_date clock_add_months(struct civil_date d, int months);

/*
 * R1.1: a protection assessment must be documented at once: due at the
 * end of the day the report arrived.
 */
int64_t clock_protection_due(int64_t received_at);

/* R1.2: the preliminary assessment decision, 14 days after arrival. */
int64_t clock_preliminary_due(int64_t received_at);

/* R1.3: an investigation is due four months after it opened. */
int64_t clock_investigation_due(int64_t opened_at);

/*
 * R1.3: an extension is a decision taken before the due date, to a later
 * date. 1 when an extension decided at `decided_at` from `due` to
 * `new_due` is allowed.
 */
int clock_extension_allowed(int64_t due, int64_t decided_at, int64_t new_due);

/* R1.7: placements reviewed every six months; the foster-home goal. */
int64_t clock_six_months_due(int64_t from);

/* The state of a clock at `now`, for the worklist. */
enum clock_state {
	CLOCK_DONE,	/* what it counts to has happened */
	CLOCK_RUNNING,	/* due later than the warning window */
	CLOCK_DUE_SOON, /* due within the window */
	CLOCK_OVERDUE,	/* now is at or after the due time */
};

/*
 * done_at: 0 while the step is not done. warn_days: how far ahead of the
 * due time the worklist starts to warn (counted in local days).
 */
enum clock_state clock_state_at(int64_t due, int64_t done_at, int64_t now,
				int warn_days);

/* Whole local days from now until due (negative when overdue). */
int clock_days_left(int64_t due, int64_t now);

#endif
