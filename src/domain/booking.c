/* Meetings; see booking.h. */
#include "domain/booking.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/notify.h"
#include "domain/person_internal.h"
#include "policy/clock.h"
#include "policy/meeting.h"

/* One cell of held time: five minutes (sql/015_booking.sql). */
enum { CELL_SECONDS = 300 };

static const char *const kind_names[BOOKING_KIND_COUNT] = {"office", "phone",
							   "video"};

int booking_kind_parse(const char *s)
{
	for (int i = 0; s != NULL && i < BOOKING_KIND_COUNT; i++)
		if (strcmp(s, kind_names[i]) == 0)
			return i;
	return -1;
}

const char *booking_kind_name(enum booking_kind k)
{
	return (unsigned)k < BOOKING_KIND_COUNT ? kind_names[k] : "office";
}

int interpreter_mode_parse(const char *s)
{
	if (s == NULL || s[0] == '\0')
		return INTERPRETER_NONE;
	if (strcmp(s, "in_person") == 0)
		return INTERPRETER_IN_PERSON;
	if (strcmp(s, "remote") == 0)
		return INTERPRETER_REMOTE;
	return -1;
}

const char *interpreter_mode_name(enum interpreter_mode m)
{
	return m == INTERPRETER_IN_PERSON ? "in_person"
	       : m == INTERPRETER_REMOTE  ? "remote"
					  : "";
}

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
	return s ? s : "";
}

/* Local (Stockholm) calendar day and minute of an instant. */
static void local_parts(int64_t t, int64_t *days, int *minute)
{
	int64_t local = t + clock_stockholm_offset(t);
	int64_t d = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	*days = d;
	*minute = (int)((local - d * 86400) / 60);
}

/* ISO weekday (1 Monday .. 7 Sunday) of a day count; 1970-01-01 a Thursday. */
static int weekday_of(int64_t days)
{
	int64_t w = (days + 3) % 7;
	if (w < 0)
		w += 7;
	return (int)w + 1;
}

/* The instant of local minute `minute` on local day `days`. */
static int64_t local_instant(int64_t days, int minute)
{
	int64_t wall = days * 86400 + (int64_t)minute * 60;
	int64_t t = wall - clock_stockholm_offset(wall - 3600);
	/* Settle across a change of offset. */
	return wall - clock_stockholm_offset(t);
}

struct avail {
	int64_t id, municipality_id, unit_id, staff_id, ended_at;
	int weekday, start_minute, end_minute, length, buffer;
	unsigned kinds;
};

static enum nara_err avail_load(struct db *db, int64_t id, struct avail *a)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT municipality_id, unit_id, COALESCE(staff_id, 0), weekday,"
	    " start_minute, end_minute, kinds, length_minutes, buffer_minutes,"
	    " COALESCE(ended_at, 0) FROM booking_availability WHERE id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		a->id = id;
		a->municipality_id = db_col_int(st, 0);
		a->unit_id = db_col_int(st, 1);
		a->staff_id = db_col_int(st, 2);
		a->weekday = (int)db_col_int(st, 3);
		a->start_minute = (int)db_col_int(st, 4);
		a->end_minute = (int)db_col_int(st, 5);
		a->kinds = (unsigned)db_col_int(st, 6);
		a->length = (int)db_col_int(st, 7);
		a->buffer = (int)db_col_int(st, 8);
		a->ended_at = db_col_int(st, 9);
	}
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	return db_step_err(rc < 0 ? rc : 0);
}

/* 1 when starts_at is one of the availability's meeting starts. */
static int avail_has_start(const struct avail *a, int64_t starts_at)
{
	int64_t days;
	int minute;
	if (starts_at % CELL_SECONDS != 0)
		return 0;
	local_parts(starts_at, &days, &minute);
	if (weekday_of(days) != a->weekday || minute < a->start_minute ||
	    minute + a->length > a->end_minute)
		return 0;
	return (minute - a->start_minute) % (a->length + a->buffer) == 0;
}

/* The resource whose time the officer side of a meeting holds. */
static void officer_resource(int64_t staff_id, int64_t unit_id,
			     const char **kind, int64_t *id)
{
	*kind = staff_id != 0 ? "staff" : "unit";
	*id = staff_id != 0 ? staff_id : unit_id;
}

static enum nara_err cells_taken(struct db *db, const char *kind, int64_t id,
				 int64_t from, int64_t to, int64_t *n)
{
	return db_query_int(db, n,
			    "SELECT count(*) FROM booking_cell WHERE"
			    " resource_kind = ? AND resource_id = ? AND"
			    " cell >= ? AND cell < ?",
			    "siii", kind, id, from / CELL_SECONDS,
			    (to + CELL_SECONDS - 1) / CELL_SECONDS);
}

/*
 * Holds [from, to) of a resource for a meeting. Looks first, so that the
 * usual loser gets a clean NARA_ECONFLICT on both engines; the primary
 * key catches the race between looking and inserting (also
 * NARA_ECONFLICT, from the storage layer).
 */
static enum nara_err cells_hold(struct db *db, const char *kind, int64_t id,
				int64_t from, int64_t to, int64_t booking_id)
{
	int64_t n = 0;
	enum nara_err err = cells_taken(db, kind, id, from, to, &n);
	if (err != NARA_OK)
		return err;
	if (n > 0)
		return NARA_ECONFLICT;
	for (int64_t c = from / CELL_SECONDS;
	     err == NARA_OK && c < (to + CELL_SECONDS - 1) / CELL_SECONDS; c++)
		err = db_run(db,
			     "INSERT INTO booking_cell (resource_kind,"
			     " resource_id, cell, booking_id) VALUES (?, ?, ?, ?)",
			     "siii", kind, id, c, booking_id);
	return err;
}

/*
 * An interpreter of `language` working in `mode` who is free over
 * [from, to): staff with the shared-service role in a shared interpreter
 * unit that an agreement in force at `from` lets the municipality use
 * (its host or a member). The lowest id first, so the choice is
 * predictable. NARA_ENOTFOUND when every one is taken or none speaks it.
 */
static enum nara_err find_interpreter(struct db *db, int64_t municipality_id,
				      const char *language,
				      enum interpreter_mode mode, int64_t from,
				      int64_t to, int64_t *staff_id,
				      int64_t *unit_id, int64_t *agreement_id)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT il.staff_id, u.id, MIN(a.id) FROM interpreter_language il"
	    " JOIN staff_user s ON s.id = il.staff_id AND s.active = 1"
	    " JOIN staff_role r ON r.user_id = il.staff_id"
	    "  AND r.role = 'shared_service'"
	    " JOIN unit u ON u.id = r.unit_id AND u.kind = 'interpreter'"
	    "  AND u.shared = 1"
	    " JOIN agreement_unit au ON au.unit_id = u.id"
	    " JOIN agreement a ON a.id = au.agreement_id AND a.valid_from <= ?"
	    "  AND (a.valid_to IS NULL OR a.valid_to > ?)"
	    " WHERE il.language = ? AND (il.modes & ?) <> 0"
	    "  AND (a.host_municipality_id = ? OR EXISTS (SELECT 1 FROM"
	    "   agreement_member m WHERE m.agreement_id = a.id AND"
	    "   m.municipality_id = ?))"
	    "  AND NOT EXISTS (SELECT 1 FROM booking_cell c WHERE"
	    "   c.resource_kind = 'staff' AND c.resource_id = il.staff_id AND"
	    "   c.cell >= ? AND c.cell < ?)"
	    " GROUP BY il.staff_id, u.id ORDER BY il.staff_id LIMIT 1",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, from);
	db_bind_int(st, 2, from);
	db_bind_text(st, 3, language, (size_t)-1);
	db_bind_int(st, 4, mode == INTERPRETER_IN_PERSON ? 1 : 2);
	db_bind_int(st, 5, municipality_id);
	db_bind_int(st, 6, municipality_id);
	db_bind_int(st, 7, from / CELL_SECONDS);
	db_bind_int(st, 8, (to + CELL_SECONDS - 1) / CELL_SECONDS);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*staff_id = db_col_int(st, 0);
		*unit_id = db_col_int(st, 1);
		*agreement_id = db_col_int(st, 2);
		while ((rc = db_step(st)) == DB_ROW)
			;
		rc = DB_ROW;
	}
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

static int language_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

static enum nara_err audit_booking(struct db *db, const struct actor *who,
				   int64_t municipality_id,
				   int64_t agreement_id, int64_t booking_id,
				   int64_t person_id, const char *action,
				   const char *reason, int flagged)
{
	return audit_actor(db, who, municipality_id, agreement_id, action,
			   "booking", booking_id, person_id, reason, flagged);
}

/* The facts of a meeting the policy and the actions need. */
struct facts {
	int64_t id, municipality_id, unit_id, case_id, person_id, staff_id,
	    interpreter_staff_id, interpreter_agreement_id, availability_id,
	    starts_at, ends_at, version;
	int buffer;
	enum booking_kind kind;
	char state[16];
	char personnummer[13];
	char language[4];
	enum interpreter_mode mode;
};

static enum nara_err facts_load(struct db *db, int64_t id, struct facts *f)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT b.municipality_id, b.unit_id, COALESCE(b.case_id, 0),"
	    " b.person_id, COALESCE(b.staff_id, 0),"
	    " COALESCE(b.interpreter_staff_id, 0),"
	    " COALESCE(b.interpreter_agreement_id, 0),"
	    " COALESCE(b.availability_id, 0), b.starts_at, b.ends_at,"
	    " b.version, b.buffer_minutes, b.kind, b.state, p.personnummer,"
	    " b.interpreter_language, b.interpreter_mode"
	    " FROM booking b JOIN person p ON p.id = b.person_id"
	    " WHERE b.id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		memset(f, 0, sizeof(*f));
		f->id = id;
		f->municipality_id = db_col_int(st, 0);
		f->unit_id = db_col_int(st, 1);
		f->case_id = db_col_int(st, 2);
		f->person_id = db_col_int(st, 3);
		f->staff_id = db_col_int(st, 4);
		f->interpreter_staff_id = db_col_int(st, 5);
		f->interpreter_agreement_id = db_col_int(st, 6);
		f->availability_id = db_col_int(st, 7);
		f->starts_at = db_col_int(st, 8);
		f->ends_at = db_col_int(st, 9);
		f->version = db_col_int(st, 10);
		f->buffer = (int)db_col_int(st, 11);
		int k = booking_kind_parse(db_col_text(st, 12));
		f->kind = k < 0 ? BOOKING_OFFICE : (enum booking_kind)k;
		snprintf(f->state, sizeof(f->state), "%s", db_col_text(st, 13));
		snprintf(f->personnummer, sizeof(f->personnummer), "%s",
			 db_col_text(st, 14));
		snprintf(f->language, sizeof(f->language), "%s",
			 db_col_text(st, 15));
		int m = interpreter_mode_parse(db_col_text(st, 16));
		f->mode = m < 0 ? INTERPRETER_NONE : (enum interpreter_mode)m;
	}
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

static enum meeting_access facts_access(const struct actor *who,
					const struct facts *f)
{
	struct policy_meeting m = {
	    .municipality_id = f->municipality_id,
	    .unit_id = f->unit_id,
	    .officer_staff_id = f->staff_id,
	    .interpreter_staff_id = f->interpreter_staff_id,
	    .personnummer = f->personnummer,
	};
	return policy_meeting_access(&who->subject, &m);
}

int booking_participant(struct db *db, int64_t booking_id,
			const struct actor *who, enum booking_role *role,
			int64_t *starts_at, int64_t *ends_at)
{
	struct facts f;
	if (role)
		*role = BOOKING_ROLE_NONE;
	if (facts_load(db, booking_id, &f) != NARA_OK ||
	    strcmp(f.state, "booked") != 0)
		return 0;
	enum booking_role r = BOOKING_ROLE_NONE;
	switch (facts_access(who, &f)) {
	case MEETING_PERSON:
		r = BOOKING_ROLE_CITIZEN;
		break;
	case MEETING_OFFICER:
		r = BOOKING_ROLE_OFFICER;
		break;
	case MEETING_INTERPRETER:
		r = BOOKING_ROLE_INTERPRETER;
		break;
	case MEETING_UNIT:
		/* A unit's reception: whoever of the unit takes it. */
		if (f.staff_id == 0)
			r = BOOKING_ROLE_OFFICER;
		break;
	case MEETING_DENY:
		break;
	}
	if (r == BOOKING_ROLE_NONE)
		return 0;
	if (role)
		*role = r;
	if (starts_at)
		*starts_at = f.starts_at;
	if (ends_at)
		*ends_at = f.ends_at;
	return 1;
}

/* Hours ------------------------------------------------------------------ */

static const char *check_hours(const struct booking_availability_new *a)
{
	if (a->weekday < 1 || a->weekday > 7)
		return "booking.error.weekday";
	if (a->start_minute < 0 || a->end_minute > 1440 ||
	    a->start_minute % 5 != 0 || a->end_minute % 5 != 0 ||
	    a->start_minute >= a->end_minute)
		return "booking.error.hours";
	if (a->length_minutes < 5 || a->length_minutes > 480 ||
	    a->length_minutes % 5 != 0 || a->buffer_minutes < 0 ||
	    a->buffer_minutes > 120 || a->buffer_minutes % 5 != 0)
		return "booking.error.length";
	if (a->start_minute + a->length_minutes > a->end_minute)
		return "booking.error.hours";
	if (a->kinds == 0 || a->kinds > 7)
		return "booking.error.kinds";
	return NULL;
}

enum nara_err booking_publish(struct db *db, const struct actor *who,
			      const struct booking_availability_new *a,
			      int64_t now, int64_t *id, const char **why)
{
	*why = check_hours(a);
	if (*why != NULL)
		return NARA_EINVAL;
	if (who->subject.kind != SUBJECT_STAFF)
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0;
	err = db_query_int(db, &municipality_id,
			   "SELECT municipality_id FROM unit WHERE id = ?", "i",
			   a->unit_id);
	if (err == NARA_ENOTFOUND) {
		*why = "booking.error.unit";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK &&
	    !policy_meeting_may_publish(&who->subject, municipality_id,
					a->unit_id, a->for_unit)) {
		err = audit_booking(db, who, municipality_id, 0, 0, 0,
				    "publish_denied",
				    "no casework role in the unit", 1);
		if (err == NARA_OK)
			err = NARA_EDENIED;
	}
	if (err == NARA_OK) {
		struct db_stmt *st;
		err = db_prepare(
		    db,
		    "INSERT INTO booking_availability (municipality_id, unit_id,"
		    " staff_id, weekday, start_minute, end_minute, kinds,"
		    " length_minutes, buffer_minutes, created_by, created_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    &st);
		if (err == NARA_OK) {
			db_bind_int(st, 1, municipality_id);
			db_bind_int(st, 2, a->unit_id);
			if (a->for_unit)
				db_bind_null(st, 3);
			else
				db_bind_int(st, 3, who->staff_id);
			db_bind_int(st, 4, a->weekday);
			db_bind_int(st, 5, a->start_minute);
			db_bind_int(st, 6, a->end_minute);
			db_bind_int(st, 7, a->kinds);
			db_bind_int(st, 8, a->length_minutes);
			db_bind_int(st, 9, a->buffer_minutes);
			db_bind_int(st, 10, who->staff_id);
			db_bind_int(st, 11, now);
			int rc = db_step(st);
			if (rc == DB_ROW && id)
				*id = db_col_int(st, 0);
			while (rc == DB_ROW)
				rc = db_step(st);
			db_done(st);
			err = db_step_err(rc);
		}
	}
	if (err == NARA_OK)
		err = audit_booking(db, who, municipality_id, 0, 0, 0,
				    "publish_hours", "", 0);
	return audit_finish(db, err);
}

enum nara_err booking_withdraw(struct db *db, const struct actor *who,
			       int64_t availability_id, int64_t now)
{
	if (who->subject.kind != SUBJECT_STAFF)
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct avail a;
	err = avail_load(db, availability_id, &a);
	if (err == NARA_OK && a.staff_id != who->staff_id &&
	    !policy_meeting_may_publish(&who->subject, a.municipality_id,
					a.unit_id, 1)) {
		err = audit_booking(db, who, a.municipality_id, 0, 0, 0,
				    "withdraw_denied",
				    "not the owner of the hours", 1);
		if (err == NARA_OK)
			err = NARA_EDENIED;
	}
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE booking_availability SET ended_at = ?"
			     " WHERE id = ? AND ended_at IS NULL",
			     "ii", now, availability_id);
	if (err == NARA_OK)
		err = audit_booking(db, who, a.municipality_id, 0, 0, 0,
				    "withdraw_hours", "", 0);
	return audit_finish(db, err);
}

enum nara_err booking_availability_list(struct db *db, struct arena *a,
					const struct actor *who,
					struct booking_availability_view **out,
					size_t *count)
{
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err;
	const char *base =
	    "SELECT v.id, v.unit_id, COALESCE(v.staff_id, 0),"
	    " v.municipality_id, u.name, m.name, COALESCE(s.display_name, ''),"
	    " v.weekday, v.start_minute, v.end_minute, v.length_minutes,"
	    " v.buffer_minutes, v.kinds FROM booking_availability v"
	    " JOIN unit u ON u.id = v.unit_id"
	    " JOIN municipality m ON m.id = v.municipality_id"
	    " LEFT JOIN staff_user s ON s.id = v.staff_id"
	    " WHERE v.ended_at IS NULL AND ";
	if (who->subject.kind == SUBJECT_CITIZEN) {
		const char *sql = arena_printf(
		    a, "%s v.municipality_id IN (SELECT municipality_id FROM"
		       " person WHERE personnummer = ?) AND u.kind <> 'interpreter'"
		       " ORDER BY m.name, u.name, v.weekday, v.start_minute, v.id",
		    base);
		if (sql == NULL)
			return NARA_ENOMEM;
		err = db_prepare(db, sql, &st);
		if (err != NARA_OK)
			return err;
		db_bind_text(st, 1, who->personnummer, (size_t)-1);
	} else if (who->subject.kind == SUBJECT_STAFF) {
		const char *sql = arena_printf(
		    a, "%s (v.staff_id = ? OR v.unit_id IN (SELECT unit_id FROM"
		       " staff_role WHERE user_id = ?))"
		       " ORDER BY m.name, u.name, v.weekday, v.start_minute, v.id",
		    base);
		if (sql == NULL)
			return NARA_ENOMEM;
		err = db_prepare(db, sql, &st);
		if (err != NARA_OK)
			return err;
		db_bind_int(st, 1, who->staff_id);
		db_bind_int(st, 2, who->staff_id);
	} else {
		return NARA_EDENIED;
	}
	size_t cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct booking_availability_view *n =
			    arena_calloc(a, ncap, sizeof(*n));
			if (n == NULL) {
				db_done(st);
				return NARA_ENOMEM;
			}
			if (*count)
				memcpy(n, *out, *count * sizeof(*n));
			*out = n;
			cap = ncap;
		}
		struct booking_availability_view *v = &(*out)[(*count)++];
		v->id = db_col_int(st, 0);
		v->unit_id = db_col_int(st, 1);
		v->staff_id = db_col_int(st, 2);
		v->municipality_id = db_col_int(st, 3);
		v->unit_name = col(a, st, 4);
		v->municipality_name = col(a, st, 5);
		v->staff_name = col(a, st, 6);
		v->weekday = (int)db_col_int(st, 7);
		v->start_minute = (int)db_col_int(st, 8);
		v->end_minute = (int)db_col_int(st, 9);
		v->length_minutes = (int)db_col_int(st, 10);
		v->buffer_minutes = (int)db_col_int(st, 11);
		v->kinds = (unsigned)db_col_int(st, 12);
	}
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

void booking_slot_window(int64_t now, int64_t from, int days,
			 int64_t *first_day, int64_t *cell_from,
			 int64_t *cell_to)
{
	if (days < 1 || days > BOOKING_DAYS_AHEAD)
		days = BOOKING_DAYS_AHEAD;
	int minute;
	local_parts(from < now ? now : from, first_day, &minute);
	*cell_from = local_instant(*first_day, 0) / CELL_SECONDS;
	*cell_to = local_instant(*first_day + days, 0) / CELL_SECONDS + 1;
}

size_t booking_slots_compute(const struct booking_availability_view *av,
			     const int64_t *held, size_t nheld, int64_t now,
			     int64_t from, int days, struct booking_slot *out,
			     size_t max)
{
	if (days < 1 || days > BOOKING_DAYS_AHEAD)
		days = BOOKING_DAYS_AHEAD;
	int64_t first_day, cf, ct;
	booking_slot_window(now, from, days, &first_day, &cf, &ct);
	size_t n = 0, h = 0;
	int step = av->length_minutes + av->buffer_minutes;
	if (step <= 0 || av->length_minutes <= 0)
		return 0;
	for (int64_t d = first_day; d < first_day + days; d++) {
		if (weekday_of(d) != av->weekday)
			continue;
		for (int m = av->start_minute;
		     m + av->length_minutes <= av->end_minute; m += step) {
			int64_t s = local_instant(d, m);
			/* A local time the spring change skips is no time. */
			int64_t sd;
			int sm;
			local_parts(s, &sd, &sm);
			if (sd != d || sm != m)
				continue;
			int64_t e = s + (int64_t)av->length_minutes * 60;
			int64_t eb = e + (int64_t)av->buffer_minutes * 60;
			if (s < now + BOOKING_LEAD_SECONDS || s < from)
				continue;
			/* held is sorted; s only grows, so h only moves on. */
			while (h < nheld && held[h] < s / CELL_SECONDS)
				h++;
			if (h < nheld && held[h] < eb / CELL_SECONDS)
				continue;
			if (n == max)
				return n;
			out[n].availability_id = av->id;
			out[n].starts_at = s;
			out[n].ends_at = e;
			out[n].kinds = av->kinds;
			n++;
		}
	}
	return n;
}

/* The held cells of a resource in [cell_from, cell_to), sorted. */
static enum nara_err held_cells(struct db *db, struct arena *a,
				const char *rkind, int64_t rid,
				int64_t cell_from, int64_t cell_to,
				int64_t **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err =
	    db_prepare(db,
		       "SELECT cell FROM booking_cell WHERE resource_kind = ?"
		       " AND resource_id = ? AND cell >= ? AND cell < ?"
		       " ORDER BY cell",
		       &st);
	if (err != NARA_OK)
		return err;
	db_bind_text(st, 1, rkind, (size_t)-1);
	db_bind_int(st, 2, rid);
	db_bind_int(st, 3, cell_from);
	db_bind_int(st, 4, cell_to);
	int64_t *held = NULL;
	size_t nheld = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (nheld == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			int64_t *n = arena_alloc(a, ncap * sizeof(*n));
			if (n == NULL) {
				db_done(st);
				return NARA_ENOMEM;
			}
			if (nheld)
				memcpy(n, held, nheld * sizeof(*n));
			held = n;
			cap = ncap;
		}
		held[nheld++] = db_col_int(st, 0);
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	*out = held;
	*count = nheld;
	return NARA_OK;
}

enum nara_err booking_free_slots(struct db *db, struct arena *a,
				 int64_t availability_id, int64_t now,
				 int64_t from, int days,
				 struct booking_slot **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	struct avail av;
	enum nara_err err = avail_load(db, availability_id, &av);
	if (err != NARA_OK)
		return err;
	if (av.ended_at != 0)
		return NARA_OK;
	int64_t first_day, cf, ct;
	booking_slot_window(now, from, days, &first_day, &cf, &ct);
	const char *rkind;
	int64_t rid;
	officer_resource(av.staff_id, av.unit_id, &rkind, &rid);
	int64_t *held;
	size_t nheld;
	err = held_cells(db, a, rkind, rid, cf, ct, &held, &nheld);
	if (err != NARA_OK)
		return err;
	struct booking_slot *slots =
	    arena_calloc(a, BOOKING_SLOTS_MAX, sizeof(*slots));
	if (slots == NULL)
		return NARA_ENOMEM;
	struct booking_availability_view v = {
	    .id = av.id, .unit_id = av.unit_id, .staff_id = av.staff_id,
	    .weekday = av.weekday, .start_minute = av.start_minute,
	    .end_minute = av.end_minute, .length_minutes = av.length,
	    .buffer_minutes = av.buffer, .kinds = av.kinds};
	*count = booking_slots_compute(&v, held, nheld, now, from, days, slots,
				       BOOKING_SLOTS_MAX);
	*out = slots;
	return NARA_OK;
}

static int slot_cmp(const void *x, const void *y)
{
	const struct booking_slot *p = x, *q = y;
	if (p->starts_at != q->starts_at)
		return (p->starts_at > q->starts_at) - (p->starts_at < q->starts_at);
	return (p->availability_id > q->availability_id) -
	       (p->availability_id < q->availability_id);
}

enum nara_err booking_host_times(struct db *db, struct arena *a,
				 const struct actor *who, int64_t unit_id,
				 int64_t staff_id, int64_t now, int days,
				 int languages, struct booking_host_times *out)
{
	memset(out, 0, sizeof(*out));
	int own_tx = !db_in_tx(db);
	enum nara_err err = own_tx ? db_begin_read(db) : NARA_OK;
	if (err != NARA_OK)
		return err;
	err = booking_availability_list(db, a, who, &out->avail, &out->navail);
	size_t nmatch = 0;
	for (size_t i = 0; err == NARA_OK && i < out->navail; i++)
		if (out->avail[i].unit_id == unit_id &&
		    out->avail[i].staff_id == staff_id) {
			nmatch++;
			out->kinds |= out->avail[i].kinds;
		}
	if (err == NARA_OK && nmatch > 0) {
		/* Every set of hours of one host holds the same resource. */
		int64_t first_day, cf, ct;
		booking_slot_window(now, now, days, &first_day, &cf, &ct);
		const char *rkind;
		int64_t rid;
		officer_resource(staff_id, unit_id, &rkind, &rid);
		int64_t *held = NULL;
		size_t nheld = 0;
		err = held_cells(db, a, rkind, rid, cf, ct, &held, &nheld);
		struct booking_slot *slots =
		    err == NARA_OK
			? arena_calloc(a, BOOKING_SLOTS_MAX, sizeof(*slots))
			: NULL;
		if (err == NARA_OK && slots == NULL)
			err = NARA_ENOMEM;
		size_t n = 0;
		for (size_t i = 0; err == NARA_OK && i < out->navail; i++)
			if (out->avail[i].unit_id == unit_id &&
			    out->avail[i].staff_id == staff_id)
				n += booking_slots_compute(
				    &out->avail[i], held, nheld, now, now, days,
				    slots + n, BOOKING_SLOTS_MAX - n);
		if (err == NARA_OK && n > 1)
			qsort(slots, n, sizeof(*slots), slot_cmp);
		out->slots = slots;
		out->nslots = n;
	}
	if (err == NARA_OK && languages)
		err = booking_interpreter_languages(db, a, &out->languages,
						    &out->nlanguages);
	if (own_tx) {
		if (err == NARA_OK)
			err = db_commit(db);
		else
			db_rollback(db);
	}
	return err;
}

/* Booking ---------------------------------------------------------------- */

/*
 * Who the meeting is with, and may the actor book it: a citizen for
 * themselves, staff for a person or a case they may write to.
 */
static enum nara_err authorize_new(struct db *db, const struct actor *who,
				   const struct booking_new *n,
				   const struct avail *av, int64_t *person_id,
				   const char **why)
{
	if (n->case_id != 0) {
		int64_t municipality_id = 0;
		enum nara_err err = case_authorize_in_tx(
		    db, who, n->case_id, 1, &municipality_id, person_id);
		if (err != NARA_OK)
			return err;
		if (municipality_id != av->municipality_id || *person_id == 0) {
			*why = "booking.error.other_municipality";
			return NARA_EINVAL;
		}
		return NARA_OK;
	}
	if (who->subject.kind == SUBJECT_CITIZEN) {
		enum nara_err err = db_query_int(
		    db, person_id,
		    "SELECT id FROM person WHERE municipality_id = ? AND"
		    " personnummer = ?",
		    "is", av->municipality_id, who->personnummer);
		if (err == NARA_ENOTFOUND) {
			*why = "booking.error.no_record";
			return NARA_EINVAL;
		}
		return err;
	}
	if (who->subject.kind != SUBJECT_STAFF)
		return NARA_EDENIED;
	struct arena a;
	arena_init(&a, 0);
	struct person_view v;
	enum nara_err err = person_load(db, &a, n->person_id, &v);
	if (err == NARA_OK && v.municipality_id != av->municipality_id) {
		*why = "booking.error.other_municipality";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK) {
		struct policy_record r = person_record(&v, REC_PERSON);
		struct policy_decision d =
		    policy_decide(&who->subject, ACT_WRITE, &r);
		if (!d.allowed) {
			err = audit_booking(db, who, v.municipality_id, 0, 0,
					    v.id, "write_denied",
					    policy_reason_text(d.reason), 1);
			if (err == NARA_OK)
				err = NARA_EDENIED;
		}
	}
	if (err == NARA_ENOTFOUND) {
		*why = "booking.error.person";
		err = NARA_EINVAL;
	}
	*person_id = v.id;
	arena_free(&a);
	return err;
}

/*
 * Holds the time of a meeting for its officer (or unit) and, when asked,
 * an interpreter, and writes them on the row. NARA_ECONFLICT with
 * "booking.error.taken" when the officer's time is held, and with
 * "booking.error.no_interpreter" when no interpreter of the language is
 * free then.
 */
static enum nara_err hold_meeting(struct db *db, int64_t booking_id,
				  int64_t municipality_id, int64_t staff_id,
				  int64_t unit_id, int64_t starts_at,
				  int64_t ends_at, int buffer,
				  const char *language,
				  enum interpreter_mode mode, const char **why)
{
	const char *rkind;
	int64_t rid;
	officer_resource(staff_id, unit_id, &rkind, &rid);
	int64_t until = ends_at + (int64_t)buffer * 60;
	enum nara_err err =
	    cells_hold(db, rkind, rid, starts_at, until, booking_id);
	if (err == NARA_ECONFLICT)
		*why = "booking.error.taken";
	if (err != NARA_OK || mode == INTERPRETER_NONE)
		return err;
	int64_t interpreter = 0, iunit = 0, agreement = 0;
	err = find_interpreter(db, municipality_id, language, mode, starts_at,
			       until, &interpreter, &iunit, &agreement);
	if (err == NARA_ENOTFOUND) {
		*why = "booking.error.no_interpreter";
		return NARA_ECONFLICT;
	}
	if (err == NARA_OK)
		err = cells_hold(db, "staff", interpreter, starts_at, until,
				 booking_id);
	if (err == NARA_ECONFLICT)
		*why = "booking.error.taken";
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE booking SET interpreter_staff_id = ?,"
			     " interpreter_unit_id = ?,"
			     " interpreter_agreement_id = ? WHERE id = ?",
			     "iiii", interpreter, iunit, agreement, booking_id);
	return err;
}

static enum nara_err insert_booking(struct db *db, const struct actor *who,
				    const struct avail *av,
				    const struct booking_new *n,
				    int64_t person_id, const char *state,
				    int64_t starts_at, int64_t now,
				    int64_t *id)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "INSERT INTO booking (municipality_id, unit_id, case_id,"
	    " person_id, staff_id, availability_id, kind, state, starts_at,"
	    " ends_at, buffer_minutes, interpreter_language,"
	    " interpreter_mode, booked_by_kind, booked_by_id, created_at,"
	    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?) RETURNING id",
	    &st);
	if (err != NARA_OK)
		return err;
	int staff = who->subject.kind == SUBJECT_STAFF;
	db_bind_int(st, 1, av->municipality_id);
	db_bind_int(st, 2, av->unit_id);
	if (n->case_id)
		db_bind_int(st, 3, n->case_id);
	else
		db_bind_null(st, 3);
	db_bind_int(st, 4, person_id);
	if (av->staff_id)
		db_bind_int(st, 5, av->staff_id);
	else
		db_bind_null(st, 5);
	db_bind_int(st, 6, av->id);
	db_bind_text(st, 7, booking_kind_name(n->kind), (size_t)-1);
	db_bind_text(st, 8, state, (size_t)-1);
	db_bind_int(st, 9, starts_at);
	db_bind_int(st, 10, starts_at + (int64_t)av->length * 60);
	db_bind_int(st, 11, av->buffer);
	int interp = n->interpreter_mode != INTERPRETER_NONE;
	db_bind_text(st, 12, interp ? n->interpreter_language : "", (size_t)-1);
	db_bind_text(st, 13, interpreter_mode_name(n->interpreter_mode),
		     (size_t)-1);
	db_bind_text(st, 14, staff ? "staff" : "citizen", (size_t)-1);
	if (staff)
		db_bind_int(st, 15, who->staff_id);
	else
		db_bind_int(st, 15, person_id);
	db_bind_int(st, 16, now);
	db_bind_int(st, 17, now);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	db_done(st);
	return db_step_err(rc);
}

/* Checks what does not need the database. */
static const char *check_new(const struct booking_new *n)
{
	if ((unsigned)n->kind >= BOOKING_KIND_COUNT)
		return "booking.error.kind";
	if (n->interpreter_mode != INTERPRETER_NONE &&
	    (n->interpreter_language == NULL ||
	     !language_ok(n->interpreter_language)))
		return "booking.error.language";
	return NULL;
}

static const char *check_time(const struct avail *av, enum booking_kind kind,
			      int64_t starts_at, int64_t now)
{
	if (av->ended_at != 0)
		return "booking.error.hours_gone";
	if (!(av->kinds & (1u << kind)))
		return "booking.error.kind";
	if (starts_at < now + BOOKING_LEAD_SECONDS)
		return "booking.error.past";
	if (starts_at > now + (int64_t)(BOOKING_DAYS_AHEAD + 7) * 86400 ||
	    !avail_has_start(av, starts_at))
		return "booking.error.time";
	return NULL;
}

enum nara_err booking_create(struct db *db, const struct actor *who,
			     const struct booking_new *n, int64_t now,
			     int64_t *id, const char **why)
{
	*why = check_new(n);
	if (*why != NULL)
		return NARA_EINVAL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct avail av;
	int64_t person_id = 0;
	err = avail_load(db, n->availability_id, &av);
	if (err == NARA_ENOTFOUND) {
		*why = "booking.error.hours_gone";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK) {
		*why = check_time(&av, n->kind, n->starts_at, now);
		if (*why != NULL)
			err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err = authorize_new(db, who, n, &av, &person_id, why);
	if (err == NARA_OK)
		err = insert_booking(db, who, &av, n, person_id, "booked",
				     n->starts_at, now, id);
	if (err == NARA_OK)
		err = hold_meeting(db, *id, av.municipality_id, av.staff_id,
				   av.unit_id, n->starts_at,
				   n->starts_at + (int64_t)av.length * 60,
				   av.buffer, n->interpreter_language,
				   n->interpreter_mode, why);
	if (err == NARA_OK)
		err = booking_notices_in_tx(db, *id, "booking_confirmed", now);
	if (err == NARA_OK)
		err = audit_booking(db, who, av.municipality_id, 0, *id,
				    person_id, "create", "", 0);
	if (err == NARA_OK)
		err = db_notify(db, "booking", *id, 1);
	return audit_finish(db, err);
}

/* Loads a meeting and asks whether the actor may change it. */
static enum nara_err authorize_change(struct db *db, const struct actor *who,
				      int64_t booking_id, struct facts *f)
{
	enum nara_err err = facts_load(db, booking_id, f);
	if (err != NARA_OK)
		return err;
	enum meeting_access acc = facts_access(who, f);
	if (policy_meeting_may_change(acc))
		return NARA_OK;
	err = audit_booking(db, who, f->municipality_id, 0, booking_id,
			    f->person_id, "write_denied",
			    policy_meeting_access_text(acc), 1);
	return err != NARA_OK ? err : NARA_EDENIED;
}

enum nara_err booking_rebook(struct db *db, const struct actor *who,
			     int64_t booking_id, int64_t availability_id,
			     int64_t starts_at, int64_t expected_version,
			     int64_t now, const char **why)
{
	*why = NULL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct facts f;
	struct avail av;
	err = authorize_change(db, who, booking_id, &f);
	if (err == NARA_OK && strcmp(f.state, "booked") != 0) {
		*why = "booking.error.not_booked";
		err = NARA_ECONFLICT;
	}
	if (err == NARA_OK && expected_version != 0 &&
	    expected_version != f.version) {
		*why = "booking.error.changed";
		err = NARA_ECONFLICT;
	}
	if (err == NARA_OK && f.starts_at < now) {
		*why = "booking.error.past";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK) {
		err = avail_load(db, availability_id, &av);
		if (err == NARA_ENOTFOUND ||
		    (err == NARA_OK && (av.unit_id != f.unit_id ||
					av.municipality_id != f.municipality_id))) {
			*why = "booking.error.hours_gone";
			err = NARA_EINVAL;
		}
	}
	if (err == NARA_OK) {
		*why = check_time(&av, f.kind, starts_at, now);
		if (*why != NULL)
			err = NARA_EINVAL;
	}
	/* The old time is freed first: a move by a few minutes may overlap. */
	if (err == NARA_OK)
		err = db_run(db, "DELETE FROM booking_cell WHERE booking_id = ?",
			     "i", booking_id);
	int64_t ends_at = starts_at + (int64_t)av.length * 60;
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE booking SET starts_at = ?, ends_at = ?,"
			     " buffer_minutes = ?, availability_id = ?,"
			     " staff_id = NULLIF(?, 0), interpreter_staff_id = NULL,"
			     " interpreter_unit_id = NULL,"
			     " interpreter_agreement_id = NULL,"
			     " version = version + 1, updated_at = ?"
			     " WHERE id = ?",
			     "iiii" "iii", starts_at, ends_at, (int64_t)av.buffer,
			     av.id, av.staff_id, now, booking_id);
	if (err == NARA_OK)
		err = hold_meeting(db, booking_id, f.municipality_id,
				   av.staff_id, av.unit_id, starts_at, ends_at,
				   av.buffer, f.language, f.mode, why);
	if (err == NARA_OK)
		err = booking_notices_in_tx(db, booking_id, "booking_moved", now);
	if (err == NARA_OK)
		err = audit_booking(db, who, f.municipality_id, 0, booking_id,
				    f.person_id, "rebook", "", 0);
	if (err == NARA_OK)
		err = db_notify(db, "booking", booking_id, f.version + 1);
	return audit_finish(db, err);
}

enum nara_err booking_cancel(struct db *db, const struct actor *who,
			     int64_t booking_id, int64_t now, const char **why)
{
	*why = NULL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct facts f;
	err = authorize_change(db, who, booking_id, &f);
	if (err == NARA_OK && strcmp(f.state, "cancelled") == 0) {
		*why = "booking.error.not_booked";
		err = NARA_ECONFLICT;
	}
	if (err == NARA_OK)
		err = db_run(db, "DELETE FROM booking_cell WHERE booking_id = ?",
			     "i", booking_id);
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE booking SET state = 'cancelled',"
			     " cancelled_at = ?, version = version + 1,"
			     " updated_at = ? WHERE id = ?",
			     "iii", now, now, booking_id);
	if (err == NARA_OK)
		err = booking_notices_in_tx(db, booking_id, "booking_cancelled",
					    now);
	if (err == NARA_OK)
		err = audit_booking(db, who, f.municipality_id, 0, booking_id,
				    f.person_id, "cancel", "", 0);
	if (err == NARA_OK)
		err = db_notify(db, "booking", booking_id, f.version + 1);
	return audit_finish(db, err);
}

enum nara_err booking_propose(struct db *db, const struct actor *who,
			      const struct booking_new *n,
			      const int64_t *times, size_t ntimes, int64_t now,
			      int64_t *id, const char **why)
{
	*why = check_new(n);
	if (*why == NULL && (ntimes == 0 || ntimes > BOOKING_PROPOSALS_MAX))
		*why = "booking.error.proposals";
	if (*why != NULL)
		return NARA_EINVAL;
	if (who->subject.kind != SUBJECT_STAFF)
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct avail av;
	int64_t person_id = 0;
	err = avail_load(db, n->availability_id, &av);
	if (err == NARA_ENOTFOUND) {
		*why = "booking.error.hours_gone";
		err = NARA_EINVAL;
	}
	for (size_t i = 0; err == NARA_OK && i < ntimes; i++) {
		*why = check_time(&av, n->kind, times[i], now);
		if (*why != NULL)
			err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err = authorize_new(db, who, n, &av, &person_id, why);
	if (err == NARA_OK)
		err = insert_booking(db, who, &av, n, person_id, "proposed",
				     times[0], now, id);
	for (size_t i = 0; err == NARA_OK && i < ntimes; i++) {
		err = db_run(db,
			     "INSERT INTO booking_proposal (booking_id,"
			     " starts_at, ends_at) VALUES (?, ?, ?)",
			     "iii", *id, times[i],
			     times[i] + (int64_t)av.length * 60);
		if (err == NARA_ECONFLICT) {
			*why = "booking.error.proposals";
			err = NARA_EINVAL;
		}
	}
	if (err == NARA_OK)
		err = booking_notices_in_tx(db, *id, "booking_proposed", now);
	if (err == NARA_OK)
		err = audit_booking(db, who, av.municipality_id, 0, *id,
				    person_id, "propose", "", 0);
	return audit_finish(db, err);
}

enum nara_err booking_accept(struct db *db, const struct actor *who,
			     int64_t booking_id, int64_t starts_at,
			     int64_t now, const char **why)
{
	*why = NULL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct facts f;
	struct avail av;
	err = authorize_change(db, who, booking_id, &f);
	if (err == NARA_OK && strcmp(f.state, "proposed") != 0) {
		*why = "booking.error.not_proposed";
		err = NARA_ECONFLICT;
	}
	int64_t seen = 0;
	if (err == NARA_OK) {
		err = db_query_int(db, &seen,
				   "SELECT count(*) FROM booking_proposal WHERE"
				   " booking_id = ? AND starts_at = ?",
				   "ii", booking_id, starts_at);
		if (err == NARA_OK && seen == 0) {
			*why = "booking.error.time";
			err = NARA_EINVAL;
		}
	}
	if (err == NARA_OK)
		err = avail_load(db, f.availability_id, &av);
	if (err == NARA_OK && starts_at < now + BOOKING_LEAD_SECONDS) {
		*why = "booking.error.past";
		err = NARA_EINVAL;
	}
	int64_t ends_at = starts_at + (int64_t)av.length * 60;
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE booking SET state = 'booked', starts_at = ?,"
			     " ends_at = ?, version = version + 1,"
			     " updated_at = ? WHERE id = ?",
			     "iiii", starts_at, ends_at, now, booking_id);
	if (err == NARA_OK)
		err = hold_meeting(db, booking_id, f.municipality_id,
				   f.staff_id, f.unit_id, starts_at, ends_at,
				   f.buffer, f.language, f.mode, why);
	if (err == NARA_OK)
		err = booking_notices_in_tx(db, booking_id, "booking_confirmed",
					    now);
	if (err == NARA_OK)
		err = audit_booking(db, who, f.municipality_id, 0, booking_id,
				    f.person_id, "accept", "", 0);
	if (err == NARA_OK)
		err = db_notify(db, "booking", booking_id, f.version + 1);
	return audit_finish(db, err);
}

/* Reading ---------------------------------------------------------------- */

#define VIEW_COLUMNS                                                           \
	"SELECT b.id, b.municipality_id, b.unit_id, COALESCE(b.case_id, 0),"  \
	" b.person_id, COALESCE(b.staff_id, 0),"                               \
	" COALESCE(b.interpreter_staff_id, 0), COALESCE(b.availability_id, 0)," \
	" b.starts_at, b.ends_at, b.version, b.kind, b.state, u.name, m.name," \
	" COALESCE(s.display_name, ''), p.given_name || ' ' || p.family_name," \
	" COALESCE(c.reference, ''), b.interpreter_language,"                  \
	" b.interpreter_mode, COALESCE(i.display_name, ''), p.personnummer,"  \
	" COALESCE(b.interpreter_agreement_id, 0)"                            \
	" FROM booking b JOIN unit u ON u.id = b.unit_id"                      \
	" JOIN municipality m ON m.id = b.municipality_id"                     \
	" JOIN person p ON p.id = b.person_id"                                 \
	" LEFT JOIN staff_user s ON s.id = b.staff_id"                         \
	" LEFT JOIN staff_user i ON i.id = b.interpreter_staff_id"             \
	" LEFT JOIN case_file c ON c.id = b.case_id "

static void view_fill(struct arena *a, struct db_stmt *st,
		      struct booking_view *v, int64_t *agreement)
{
	memset(v, 0, sizeof(*v));
	v->id = db_col_int(st, 0);
	v->municipality_id = db_col_int(st, 1);
	v->unit_id = db_col_int(st, 2);
	v->case_id = db_col_int(st, 3);
	v->person_id = db_col_int(st, 4);
	v->staff_id = db_col_int(st, 5);
	v->interpreter_staff_id = db_col_int(st, 6);
	v->availability_id = db_col_int(st, 7);
	v->starts_at = db_col_int(st, 8);
	v->ends_at = db_col_int(st, 9);
	v->version = db_col_int(st, 10);
	int k = booking_kind_parse(db_col_text(st, 11));
	v->kind = k < 0 ? BOOKING_OFFICE : (enum booking_kind)k;
	v->state = col(a, st, 12);
	v->unit_name = col(a, st, 13);
	v->municipality_name = col(a, st, 14);
	v->staff_name = col(a, st, 15);
	v->person_name = col(a, st, 16);
	v->case_reference = col(a, st, 17);
	v->interpreter_language = col(a, st, 18);
	int m = interpreter_mode_parse(db_col_text(st, 19));
	v->interpreter_mode = m < 0 ? INTERPRETER_NONE : (enum interpreter_mode)m;
	v->interpreter_name = col(a, st, 20);
	/* Column 21, the personnummer, is for the policy only. */
	*agreement = db_col_int(st, 22);
}

/* What an interpreter may see: time, kind, language and their own part. */
static void interpreter_only(struct booking_view *v)
{
	v->person_name = "";
	v->case_reference = "";
	v->case_id = 0;
	v->person_id = 0;
	v->staff_name = "";
	v->unit_name = "";
}

static enum booking_role role_of(enum meeting_access acc)
{
	switch (acc) {
	case MEETING_PERSON:
		return BOOKING_ROLE_CITIZEN;
	case MEETING_OFFICER:
	case MEETING_UNIT:
		return BOOKING_ROLE_OFFICER;
	case MEETING_INTERPRETER:
		return BOOKING_ROLE_INTERPRETER;
	case MEETING_DENY:
		break;
	}
	return BOOKING_ROLE_NONE;
}

static enum nara_err load_proposals(struct db *db, struct arena *a,
				    struct booking_view *v)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(db,
				       "SELECT starts_at FROM booking_proposal"
				       " WHERE booking_id = ? ORDER BY starts_at",
				       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, v->id);
	v->proposals = arena_calloc(a, BOOKING_PROPOSALS_MAX, sizeof(int64_t));
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		if (v->proposals && v->nproposals < BOOKING_PROPOSALS_MAX)
			v->proposals[v->nproposals++] = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

/*
 * Runs a listing statement, keeps the rows the policy lets the actor
 * read, and audits each (in the caller's transaction).
 */
static enum nara_err list_rows(struct db *db, struct arena *a,
			       const struct actor *who, struct db_stmt *st,
			       struct booking_view **out, size_t *count)
{
	size_t cap = 0;
	int rc;
	int64_t *agreements = NULL;
	while ((rc = db_step(st)) == DB_ROW) {
		struct booking_view v;
		int64_t agreement = 0;
		view_fill(a, st, &v, &agreement);
		struct policy_meeting m = {
		    .municipality_id = v.municipality_id,
		    .unit_id = v.unit_id,
		    .officer_staff_id = v.staff_id,
		    .interpreter_staff_id = v.interpreter_staff_id,
		    .personnummer = db_col_text(st, 21),
		};
		enum meeting_access acc = policy_meeting_access(&who->subject, &m);
		if (acc == MEETING_DENY)
			continue;
		v.role = role_of(acc);
		if (acc == MEETING_INTERPRETER)
			interpreter_only(&v);
		if (*count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct booking_view *n = arena_calloc(a, ncap, sizeof(*n));
			int64_t *na = arena_calloc(a, ncap, sizeof(*na));
			if (n == NULL || na == NULL) {
				db_done(st);
				return NARA_ENOMEM;
			}
			if (*count) {
				memcpy(n, *out, *count * sizeof(*n));
				memcpy(na, agreements, *count * sizeof(*na));
			}
			*out = n;
			agreements = na;
			cap = ncap;
		}
		agreements[*count] = acc == MEETING_INTERPRETER ? agreement : 0;
		/* The person id stays for the audit row below. */
		(*out)[(*count)++] = v;
		if (acc == MEETING_INTERPRETER)
			(*out)[*count - 1].person_id = db_col_int(st, 4);
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	enum nara_err err = NARA_OK;
	for (size_t i = 0; err == NARA_OK && i < *count; i++) {
		struct booking_view *v = &(*out)[i];
		err = audit_booking(db, who, v->municipality_id, agreements[i],
				    v->id, v->person_id, "read", "", 0);
		if (v->role == BOOKING_ROLE_INTERPRETER)
			v->person_id = 0;
		if (err == NARA_OK && strcmp(v->state, "proposed") == 0)
			err = load_proposals(db, a, v);
	}
	return err;
}

enum nara_err booking_list_own(struct db *db, struct arena *a,
			       const struct actor *who, int64_t from,
			       struct booking_view **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (who->subject.kind != SUBJECT_CITIZEN)
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(db,
			 VIEW_COLUMNS
			 "WHERE p.personnummer = ? AND b.state <> 'cancelled'"
			 " AND b.ends_at >= ? ORDER BY b.starts_at, b.id",
			 &st);
	if (err == NARA_OK) {
		db_bind_text(st, 1, who->personnummer, (size_t)-1);
		db_bind_int(st, 2, from);
		err = list_rows(db, a, who, st, out, count);
	}
	return audit_finish(db, err);
}

enum nara_err booking_list_staff(struct db *db, struct arena *a,
				 const struct actor *who, int64_t from,
				 struct booking_view **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (who->subject.kind != SUBJECT_STAFF)
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(
	    db,
	    VIEW_COLUMNS
	    "WHERE b.state <> 'cancelled' AND b.ends_at >= ? AND"
	    " (b.staff_id = ? OR b.interpreter_staff_id = ? OR b.unit_id IN"
	    " (SELECT unit_id FROM staff_role WHERE user_id = ?))"
	    " ORDER BY b.starts_at, b.id",
	    &st);
	if (err == NARA_OK) {
		db_bind_int(st, 1, from);
		db_bind_int(st, 2, who->staff_id);
		db_bind_int(st, 3, who->staff_id);
		db_bind_int(st, 4, who->staff_id);
		err = list_rows(db, a, who, st, out, count);
	}
	return audit_finish(db, err);
}

enum nara_err booking_read(struct db *db, struct arena *a,
			   const struct actor *who, int64_t booking_id,
			   struct booking_view *out)
{
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(db, VIEW_COLUMNS "WHERE b.id = ?", &st);
	if (err != NARA_OK)
		return audit_finish(db, err);
	db_bind_int(st, 1, booking_id);
	int rc = db_step(st);
	int64_t agreement = 0;
	enum meeting_access acc = MEETING_DENY;
	if (rc == DB_ROW) {
		view_fill(a, st, out, &agreement);
		struct policy_meeting m = {
		    .municipality_id = out->municipality_id,
		    .unit_id = out->unit_id,
		    .officer_staff_id = out->staff_id,
		    .interpreter_staff_id = out->interpreter_staff_id,
		    .personnummer = db_col_text(st, 21),
		};
		acc = policy_meeting_access(&who->subject, &m);
	}
	db_done(st);
	if (rc == DB_DONE)
		err = NARA_ENOTFOUND;
	else if (rc < 0)
		err = db_step_err(rc);
	if (err == NARA_OK) {
		err = audit_booking(db, who, out->municipality_id,
				    acc == MEETING_INTERPRETER ? agreement : 0,
				    booking_id, out->person_id,
				    acc == MEETING_DENY ? "read_denied" : "read",
				    acc == MEETING_DENY
					? policy_meeting_access_text(acc)
					: "",
				    acc == MEETING_DENY);
		if (err == NARA_OK && acc == MEETING_DENY)
			err = NARA_EDENIED;
	}
	if (err == NARA_OK) {
		out->role = role_of(acc);
		if (acc == MEETING_INTERPRETER)
			interpreter_only(out);
		if (strcmp(out->state, "proposed") == 0)
			err = load_proposals(db, a, out);
	}
	if (err == NARA_EDENIED)
		memset(out, 0, sizeof(*out));
	return audit_finish(db, err);
}

enum nara_err booking_interpreter_languages(struct db *db, struct arena *a,
					    const char ***out, size_t *count)
{
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db, "SELECT DISTINCT language FROM interpreter_language"
		" ORDER BY language",
	    &st);
	if (err != NARA_OK)
		return err;
	const char **list = arena_calloc(a, 64, sizeof(*list));
	if (list == NULL) {
		db_done(st);
		return NARA_ENOMEM;
	}
	int rc;
	while ((rc = db_step(st)) == DB_ROW && *count < 64)
		list[(*count)++] = col(a, st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	db_done(st);
	*out = list;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

/* iCalendar -------------------------------------------------------------- */

/* RFC 5545 3.3.11: backslash, semicolon, comma and line breaks escaped. */
static void ics_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			buf_adds(b, "\\n");
		else if (*s != '\r')
			buf_add(b, s, 1);
	}
}

/*
 * Folds lines longer than 75 octets (RFC 5545 3.1) without splitting a
 * UTF-8 sequence, and ends each with CRLF.
 */
static void ics_line(struct buf *out, const struct buf *line)
{
	size_t n = line->len, i = 0, width = 0;
	while (i < n) {
		size_t ch = 1;
		unsigned char c = (unsigned char)line->data[i];
		if (c >= 0xf0)
			ch = 4;
		else if (c >= 0xe0)
			ch = 3;
		else if (c >= 0xc0)
			ch = 2;
		if (i + ch > n)
			ch = n - i;
		if (width + ch > 75) {
			buf_adds(out, "\r\n ");
			width = 1;
		}
		buf_add(out, line->data + i, ch);
		width += ch;
		i += ch;
	}
	buf_adds(out, "\r\n");
}

static void ics_local(struct buf *b, int64_t t)
{
	int64_t days;
	int minute;
	local_parts(t, &days, &minute);
	struct civil_date d = civil_from_days(days);
	buf_printf(b, "%04d%02d%02dT%02d%02d00", d.year, d.month, d.day,
		 minute / 60, minute % 60);
}

static void ics_utc(struct buf *b, int64_t t)
{
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t sec = t - days * 86400;
	struct civil_date d = civil_from_days(days);
	buf_printf(b, "%04d%02d%02dT%02d%02d%02dZ", d.year, d.month, d.day,
		 (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

const char *booking_ics(struct arena *a, const struct booking_view *b,
			const char *summary, const char *description,
			const char *host, int64_t now)
{
	struct buf out, line;
	buf_init(&out);
	buf_init(&line);
	static const char *const head[] = {
	    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Nara//Moten//SV",
	    "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VTIMEZONE",
	    "TZID:Europe/Stockholm", "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100",
	    "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000",
	    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
	    "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
	    "TZNAME:CET", "DTSTART:19701025T030000",
	    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
	    "END:VTIMEZONE", "BEGIN:VEVENT"};
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++) {
		buf_adds(&out, head[i]);
		buf_adds(&out, "\r\n");
	}
#define LINE(...)                                                              \
	do {                                                                   \
		line.len = 0;                                                  \
		__VA_ARGS__;                                                   \
		ics_line(&out, &line);                                         \
	} while (0)
	LINE(buf_printf(&line, "UID:booking-%lld@%s", (long long)b->id,
		      host && *host ? host : "nara"));
	LINE(buf_adds(&line, "DTSTAMP:"); ics_utc(&line, now));
	LINE(buf_adds(&line, "DTSTART;TZID=Europe/Stockholm:");
	     ics_local(&line, b->starts_at));
	LINE(buf_adds(&line, "DTEND;TZID=Europe/Stockholm:");
	     ics_local(&line, b->ends_at));
	LINE(buf_printf(&line, "SEQUENCE:%lld",
		      (long long)(b->version > 0 ? b->version - 1 : 0)));
	LINE(buf_printf(&line, "STATUS:%s",
		      strcmp(b->state, "cancelled") == 0 ? "CANCELLED"
		      : strcmp(b->state, "proposed") == 0 ? "TENTATIVE"
							  : "CONFIRMED"));
	LINE(buf_adds(&line, "SUMMARY:"); ics_text(&line, summary));
	LINE(buf_adds(&line, "DESCRIPTION:"); ics_text(&line, description));
#undef LINE
	buf_adds(&out, "END:VEVENT\r\nEND:VCALENDAR\r\n");
	const char *result =
	    out.failed || line.failed ? NULL
				      : arena_strndup(a, out.data, out.len);
	buf_free(&out);
	buf_free(&line);
	return result;
}
