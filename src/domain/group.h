/*
 * Support groups (stödgrupper): groups a unit runs — often a shared unit
 * serving the members of an agreement — in series of sessions, with
 * participants, a waiting list and attendance.
 *
 * The catalogue is public (no personal data). Enrolment:
 *   - a logged-in citizen signs up for an open group (no assessment) of
 *     their own municipality's units or of a shared unit serving it under
 *     an agreement in force; when the series is full they join its
 *     waiting list; they may cancel. The enrolment is the host's record
 *     and the citizen's own (R2.3).
 *   - a case officer enrols a person from their case into any group with
 *     the person's consent recorded (R3.2): who consented, what is shared
 *     (name and contact only), to which unit, until the series ends. The
 *     host's staff see the name and contact, never the case.
 * A freed place goes to the first on the waiting list at once, who is
 * told by a notice that names nothing of the group (R-B2).
 *
 * Places can never be given twice: every change of a series' places first
 * updates its row (a lock on PostgreSQL; SQLite's writer is one), and
 * `taken <= capacity` is a CHECK of the table.
 *
 * Every read and write of personal data is decided by policy/group.h and
 * audited in its own transaction. Errors: NARA_EINVAL with *why (a
 * catalogue key) for what the person can fix; NARA_EDENIED (audited)
 * when the policy refuses; NARA_ENOTFOUND for no such group or series.
 */
#ifndef NARA_GROUP_H
#define NARA_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/access.h"

struct db;

enum { GROUP_TITLE_MAX = 200, GROUP_TEXT_MAX = 4000, GROUP_NAME_MAX = 200 };

/* "children", "young", "adults", "parents"; NULL/-1 when not one. */
int group_audience_parse(const char *s);
const char *group_audience_name(int audience);
enum { GROUP_AUDIENCE_COUNT = 4 };

struct group_session {
	int64_t id, starts_at, ends_at;
	const char *place;
	int video;
};

struct group_series {
	int64_t id, starts_at, ends_at;
	int sessions, capacity, taken, waiting;
	struct group_session *session;
	size_t nsession;
};

struct group_view {
	int64_t id, municipality_id, unit_id;
	const char *title, *audience, *description;
	const char *unit_name, *municipality_name, *municipality_slug;
	int open_signup, shared;
	/* The coming series (starts after now), soonest first. */
	struct group_series *series;
	size_t nseries;
};

/*
 * The catalogue: every group with a coming series, soonest first.
 * for_municipality: 0, or only groups its residents may join (its own
 * units' and the shared units serving it). audience: -1 or a filter.
 * Sessions are not loaded (nsession 0).
 */
enum nara_err group_catalogue(struct db *db, struct arena *a,
			      int64_t for_municipality, int audience,
			      int64_t now, struct group_view **out,
			      size_t *count);

/* One group with its coming series and their sessions (public). */
enum nara_err group_read(struct db *db, struct arena *a, int64_t group_id,
			 int64_t now, struct group_view *out);

/*
 * 1 (and the agreement's id, 0 for the host's own residents) when the
 * residents of home may join groups of the unit at `at`.
 */
int group_serves(struct db *db, int64_t host_municipality_id, int64_t unit_id,
		 int shared, int64_t home, int64_t at, int64_t *agreement_id);

/* Staff: a group in one of their units. */
struct group_new {
	int64_t unit_id;
	const char *title, *audience, *description;
	int open_signup;
};
enum nara_err group_add(struct db *db, const struct actor *who,
			const struct group_new *n, int64_t now, int64_t *id,
			const char **why);

/* Staff: changes a group's title, audience, description and sign-up. */
enum nara_err group_update(struct db *db, const struct actor *who,
			   int64_t group_id, const struct group_new *n,
			   const char **why);

/*
 * Staff: a series of `sessions` weekly sessions from starts_at, each
 * minutes long, at place (or on video), with capacity places.
 */
struct group_series_new {
	int64_t group_id, starts_at;
	int sessions, minutes, capacity, video;
	const char *place;
};
enum nara_err group_series_add(struct db *db, const struct actor *who,
			       const struct group_series_new *n, int64_t now,
			       int64_t *id, const char **why);

/* Staff: moves one session (date, time, place or video). */
enum nara_err group_session_change(struct db *db, const struct actor *who,
				   int64_t session_id, int64_t starts_at,
				   int minutes, const char *place, int video,
				   const char **why);

/* A citizen signs up (state "enrolled" or "waiting"). */
struct group_signup {
	int64_t series_id, home_municipality_id;
	const char *name, *email, *phone;
};
/*
 * What a sign-up's name, e-mail and phone break (a catalogue key), or
 * NULL: a name of one line, valid UTF-8 without control characters, at
 * most GROUP_NAME_MAX bytes; an e-mail address without spaces or
 * brackets (or none); a phone number of digits, spaces, '+' and '-' with
 * six digits or more (or none); at least one of the two.
 */
const char *group_contact_check(const char *name, const char *email,
				const char *phone);

enum nara_err group_signup(struct db *db, const struct actor *who,
			   const struct group_signup *s, int64_t now,
			   int64_t *enrolment_id, int *waiting,
			   const char **why);

/*
 * A case officer enrols the person of case_id with their consent:
 * consent_by names who consented (the person, or their guardian).
 */
enum nara_err group_enrol_from_case(struct db *db, const struct actor *who,
				    int64_t case_id, int64_t series_id,
				    const char *consent_by, int64_t now,
				    int64_t *enrolment_id, int *waiting,
				    const char **why);

/*
 * Cancels an enrolment or a waiting place: the citizen their own, the
 * group's staff any of theirs. A freed place goes to the first waiting,
 * who is told. *promoted: that enrolment's id, 0 when none.
 */
enum nara_err group_cancel(struct db *db, const struct actor *who,
			   int64_t enrolment_id, int64_t now, int64_t *promoted,
			   const char **why);

/* A citizen's enrolments and waiting places (coming or running). */
struct group_mine {
	int64_t enrolment_id, group_id, series_id;
	const char *title, *unit_name, *municipality_name, *state;
	int position; /* on the waiting list, from 1; 0 when enrolled */
	struct group_series series;
};
enum nara_err group_list_own(struct db *db, struct arena *a,
			     const struct actor *who, int64_t now,
			     struct group_mine **out, size_t *count);

/* Staff: the groups of their units, with all their series. */
enum nara_err group_list_staff(struct db *db, struct arena *a,
			       const struct actor *who, int64_t now,
			       struct group_view **out, size_t *count);

/* Staff: the units where they may run groups (for a new group). */
struct group_unit {
	int64_t id;
	const char *name, *municipality_name;
};
enum nara_err group_units_of(struct db *db, struct arena *a,
			     const struct actor *who, struct group_unit **out,
			     size_t *count);

/* Staff: one series with its participants, waiting list, attendance. */
struct group_participant {
	int64_t enrolment_id;
	const char *name, *email, *phone, *state, *source;
	int64_t agreement_id; /* under which it was read; 0: own resident */
	/* present[i] for session i: 1 present, 0 absent, -1 not marked. */
	int *present;
};
struct group_roster {
	struct group_view group; /* nseries 1: the series itself */
	struct group_participant *enrolled, *waiting;
	size_t nenrolled, nwaiting;
	/*
	 * Participants not shown: no agreement in force for their
	 * municipality, or a consent that ended with the series.
	 */
	size_t hidden;
};
enum nara_err group_roster_read(struct db *db, struct arena *a,
				const struct actor *who, int64_t series_id,
				int64_t now, struct group_roster *out);

/* Staff: marks who came to a session (present: enrolment ids). */
enum nara_err group_attendance_mark(struct db *db, const struct actor *who,
				    int64_t session_id, const int64_t *present,
				    size_t npresent, int64_t now,
				    const char **why);

#endif
