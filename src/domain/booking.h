/*
 * Meetings (DESIGN.md "books, rebooks and cancels meetings"). Staff and
 * units publish weekly hours (an availability: weekday, local hours,
 * meeting kinds, length, buffer); the free times are computed from them;
 * a person books, rebooks and cancels their own meetings, and staff book
 * for a person or propose times the person accepts. A meeting may bring
 * an interpreter of a shared interpreter unit, used under the agreement
 * between the unit's host and the responsible municipality (R3.3).
 *
 * A meeting belongs to the responsible municipality: to a case, or to a
 * first-line contact without one (a person and a unit). Every action is
 * one transaction with its audit row; a refusal is audited and flagged.
 *
 * No double booking: a booked meeting holds the five-minute cells of its
 * time and buffer for its officer (or the unit's reception) and its
 * interpreter in table booking_cell, whose primary key refuses a second
 * holder (sql/015_booking.sql). Whatever races above it, one wins; the
 * others get NARA_ECONFLICT with *why "booking.error.taken".
 *
 * Notices: every booking, rebooking and cancellation queues a
 * confirmation and (for a booked meeting) a reminder in the outbox
 * (domain/notify.h) inside the same transaction.
 */
#ifndef NARA_BOOKING_H
#define NARA_BOOKING_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct db;
struct actor;

enum booking_kind { BOOKING_OFFICE = 0, BOOKING_PHONE, BOOKING_VIDEO };
enum { BOOKING_KIND_COUNT = 3 };
/* 'office', 'phone', 'video'; -1 when unknown. */
int booking_kind_parse(const char *s);
const char *booking_kind_name(enum booking_kind k);

enum interpreter_mode {
	INTERPRETER_NONE = 0,
	INTERPRETER_IN_PERSON,
	INTERPRETER_REMOTE
};
/* '' none, 'in_person', 'remote'; -1 when unknown. */
int interpreter_mode_parse(const char *s);
const char *interpreter_mode_name(enum interpreter_mode m);

/* The role of a participant of a meeting. */
enum booking_role {
	BOOKING_ROLE_NONE = 0,
	BOOKING_ROLE_CITIZEN,
	BOOKING_ROLE_OFFICER,
	BOOKING_ROLE_INTERPRETER
};

/*
 * For the video rooms (the WebRTC helper's code): 1 when `who` is an
 * invited participant of booking_id, a meeting that is booked (not
 * proposed, not cancelled), else 0 (also on any error). *role says as
 * what: the person the meeting is with (a citizen actor whose
 * personnummer is the person's), the officer (a staff actor who is the
 * meeting's staff_id, or, for a unit's reception, any staff member with a
 * casework role in the meeting's unit), or the interpreter. *starts_at and
 * *ends_at: the meeting's time, epoch seconds (UTC); the caller decides
 * how early a room opens. Any out pointer may be NULL. Reads with one
 * statement in the caller's transaction if one is open; writes no audit
 * row: the caller audits the join in its own transaction.
 */
int booking_participant(struct db *db, int64_t booking_id,
			const struct actor *who, enum booking_role *role,
			int64_t *starts_at, int64_t *ends_at);

/* Published hours. */
struct booking_availability_new {
	int64_t unit_id;
	int for_unit;	  /* 1: the unit's reception, 0: the actor's own */
	int weekday;	  /* 1 Monday .. 7 Sunday */
	int start_minute; /* local time, minutes after midnight, multiple of 5 */
	int end_minute;
	unsigned kinds;	  /* bits 1 << booking_kind */
	int length_minutes;
	int buffer_minutes;
};

/*
 * Publishes hours for the actor (staff with a casework or shared-service
 * role in the unit) or for the unit (a casework role in it). NARA_EINVAL
 * with *why a catalogue key when the hours are not well formed.
 */
enum nara_err booking_publish(struct db *db, const struct actor *who,
			      const struct booking_availability_new *a,
			      int64_t now, int64_t *id, const char **why);
/* Withdraws published hours (their owner or a casework role in the unit). */
enum nara_err booking_withdraw(struct db *db, const struct actor *who,
			       int64_t availability_id, int64_t now);

struct booking_availability_view {
	int64_t id, unit_id, staff_id, municipality_id;
	const char *unit_name, *municipality_name, *staff_name; /* "" unit */
	int weekday, start_minute, end_minute, length_minutes, buffer_minutes;
	unsigned kinds;
};

/*
 * Hours the actor may book in: a citizen, those of the municipalities
 * that know them; staff, those of the units they work in and their own.
 */
enum nara_err booking_availability_list(struct db *db, struct arena *a,
					const struct actor *who,
					struct booking_availability_view **out,
					size_t *count);

/* A free time in published hours. */
struct booking_slot {
	int64_t availability_id, starts_at, ends_at;
	unsigned kinds;
};

enum { BOOKING_DAYS_AHEAD = 28, BOOKING_SLOTS_MAX = 400 };
/*
 * Free times of one availability from `from` for `days` days, each
 * starting at least BOOKING_LEAD_SECONDS after now, not held by another
 * meeting (of the same officer or unit). No personal data: not audited.
 */
enum { BOOKING_LEAD_SECONDS = 3600 };
enum nara_err booking_free_slots(struct db *db, struct arena *a,
				 int64_t availability_id, int64_t now,
				 int64_t from, int days,
				 struct booking_slot **out, size_t *count);

/*
 * The pure part of the free times (unit-tested): the starts of the hours
 * `av` in the `days` local days from max(now, from), each at least
 * BOOKING_LEAD_SECONDS after now and not after from, whose time and buffer
 * meet no cell of `held` (sorted five-minute cells of the resource).
 * Local time is Europe/Stockholm, across its changes of offset. Writes at
 * most max slots to out; returns how many.
 */
size_t booking_slots_compute(const struct booking_availability_view *av,
			     const int64_t *held, size_t nheld, int64_t now,
			     int64_t from, int days, struct booking_slot *out,
			     size_t max);
/* The local day the window starts and its cells [cell_from, cell_to). */
void booking_slot_window(int64_t now, int64_t from, int days,
			 int64_t *first_day, int64_t *cell_from,
			 int64_t *cell_to);

/*
 * What the booking page needs, in one read snapshot (or the caller's
 * transaction): the hours the actor may book in (as
 * booking_availability_list), the free times of one host (unit_id and
 * staff_id, 0 for the unit's reception; staff_id -1 for none) over `days`
 * days from now, sorted, and (languages != 0) the interpreters' languages.
 * Three statements, whatever the number of hours. No personal data: not
 * audited (as booking_availability_list and booking_free_slots).
 */
struct booking_host_times {
	struct booking_availability_view *avail;
	size_t navail;
	struct booking_slot *slots;
	size_t nslots;
	unsigned kinds; /* the host's kinds, bits 1 << booking_kind */
	const char **languages;
	size_t nlanguages;
};
enum nara_err booking_host_times(struct db *db, struct arena *a,
				 const struct actor *who, int64_t unit_id,
				 int64_t staff_id, int64_t now, int days,
				 int languages, struct booking_host_times *out);

struct booking_new {
	int64_t availability_id;
	int64_t starts_at;
	enum booking_kind kind;
	int64_t case_id;   /* 0: a first-line contact without a case */
	int64_t person_id; /* staff booking for a person without a case */
	const char *interpreter_language; /* "" or NULL: none */
	enum interpreter_mode interpreter_mode;
};

/*
 * Books a meeting: a citizen for themselves (their own case, or their
 * record in the availability's municipality), staff for a person they may
 * write for. NARA_ECONFLICT "booking.error.taken" when the time (or every
 * interpreter of the language) was just taken; NARA_EINVAL with *why when
 * the time is not one of the availability's, the kind not offered, etc.
 */
enum nara_err booking_create(struct db *db, const struct actor *who,
			     const struct booking_new *n, int64_t now,
			     int64_t *id, const char **why);

/*
 * Moves a booked meeting to another free time (of the same or other hours
 * of the same unit), keeping kind and interpreter need; the old time is
 * freed in the same transaction. expected_version 0: do not check.
 */
enum nara_err booking_rebook(struct db *db, const struct actor *who,
			     int64_t booking_id, int64_t availability_id,
			     int64_t starts_at, int64_t expected_version,
			     int64_t now, const char **why);

/* Cancels a meeting (booked or proposed) and frees its time. */
enum nara_err booking_cancel(struct db *db, const struct actor *who,
			     int64_t booking_id, int64_t now,
			     const char **why);

/*
 * Staff propose times for a meeting with a person: the meeting is made in
 * state 'proposed' holding nothing; n->starts_at is ignored and times[]
 * (each a free time of the availability) are offered. The person accepts
 * one with booking_accept, which books it or says it was taken.
 */
enum { BOOKING_PROPOSALS_MAX = 5 };
enum nara_err booking_propose(struct db *db, const struct actor *who,
			      const struct booking_new *n,
			      const int64_t *times, size_t ntimes, int64_t now,
			      int64_t *id, const char **why);
enum nara_err booking_accept(struct db *db, const struct actor *who,
			     int64_t booking_id, int64_t starts_at,
			     int64_t now, const char **why);

/* A meeting as a page shows it, to whom the policy lets read it. */
struct booking_view {
	int64_t id, municipality_id, unit_id, case_id, person_id, staff_id,
	    interpreter_staff_id, availability_id, starts_at, ends_at, version;
	enum booking_kind kind;
	const char *state; /* proposed, booked, cancelled */
	const char *unit_name, *municipality_name, *staff_name;
	const char *person_name; /* "" for an interpreter */
	const char *case_reference; /* "" for an interpreter or no case */
	const char *interpreter_language;
	enum interpreter_mode interpreter_mode;
	const char *interpreter_name;
	enum booking_role role; /* the reader's part in it */
	int64_t *proposals;	/* proposed start times */
	size_t nproposals;
};

/* The citizen's meetings, newest last; each read audited. */
enum nara_err booking_list_own(struct db *db, struct arena *a,
			       const struct actor *who, int64_t from,
			       struct booking_view **out, size_t *count);
/*
 * The staff member's meetings: their own, their units' receptions, and as
 * an interpreter (those show time, kind and language only). Audited.
 */
enum nara_err booking_list_staff(struct db *db, struct arena *a,
				 const struct actor *who, int64_t from,
				 struct booking_view **out, size_t *count);
/* One meeting; NARA_EDENIED (audited, flagged) when the reader may not. */
enum nara_err booking_read(struct db *db, struct arena *a,
			   const struct actor *who, int64_t booking_id,
			   struct booking_view *out);

/* Languages interpreters of the actor's reachable shared units speak. */
enum nara_err booking_interpreter_languages(struct db *db, struct arena *a,
					    const char ***out, size_t *count);

/*
 * The meeting as an iCalendar file (RFC 5545) with TZID Europe/Stockholm
 * and its VTIMEZONE; no sensitive content (no case, no service, no names).
 * In the arena.
 */
const char *booking_ics(struct arena *a, const struct booking_view *b,
			const char *summary, const char *description,
			const char *host, int64_t now);

#endif
