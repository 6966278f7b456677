/*
 * The foster-home centre (familjehemscentrum), hosted by one municipality
 * for every member of its agreement, and the placements of children that
 * the responsible committee records in the child's case (DOMAIN.md R1.7,
 * R3.1, R3.3, R4.2; DESIGN.md staff 4).
 *
 *   recruitment  anyone sends an inquiry from the public web; the centre's
 *                staff assess it step by step and approve (a home of the
 *                register) or decline it
 *   placements   the child's case officer records an emergency home, later
 *                a foster home, and the six-monthly reviews; the worklist
 *                shows the clocks of src/policy/foster.h
 *   matching     the officer sends the centre a needs profile (no name, no
 *                personnummer, no case reference); the centre proposes
 *                homes of the register with free places that can take the
 *                child; the officer chooses one and the child moves there
 *
 * Every function opens one transaction, asks the policy, does the work and
 * writes its audit row in it; a refusal is audited, flagged, and answered
 * NARA_EDENIED. Bad input is NARA_EINVAL with *why a catalogue key.
 */
#ifndef NARA_FOSTER_H
#define NARA_FOSTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "policy/foster.h"

struct db;
struct actor;

/* ---- recruitment (public) ---- */

struct foster_inquiry_new {
	const char *name, *email, *phone;
	const char *residence; /* the municipality's slug */
	int interests;	       /* FOSTER_INTEREST_* */
	const char *message;
};

struct foster_problem {
	const char *field; /* the form's field */
	const char *why;   /* catalogue key */
};
enum { FOSTER_MAX_PROBLEMS = 6, FOSTER_TEXT_MAX = 4000, FOSTER_NAME_MAX = 200 };

/*
 * What is wrong with an inquiry, one problem per field, in form order;
 * 0 when nothing is. Pure: the municipality is checked on submit.
 */
size_t foster_inquiry_check(const struct foster_inquiry_new *in,
			    struct foster_problem out[FOSTER_MAX_PROBLEMS]);

/*
 * Stores the inquiry with the centre that serves the municipality of
 * residence (the shared foster-home unit whose agreement covers it).
 * NARA_EINVAL with *why for bad input or a municipality no centre serves.
 */
enum nara_err foster_inquiry_submit(struct db *db,
				    const struct foster_inquiry_new *in,
				    int64_t now, int64_t *id, const char **why);

/* ---- the centre ---- */

/*
 * The centre unit the actor works in (shared_service in a foster-home
 * unit): *unit_id, *municipality_id. NARA_EDENIED when none.
 */
enum nara_err foster_centre_of(struct db *db, const struct actor *who,
			       int64_t *unit_id, int64_t *municipality_id);

struct foster_step_view {
	const char *step;
	int64_t done_on; /* 0: not done */
	const char *note, *done_by;
};

struct foster_inquiry_view {
	int64_t id, received_at, decided_at;
	const char *name, *email, *phone, *residence, *message, *state;
	int interests;
	const char *decided_by, *decision_note;
	struct foster_step_view steps[FOSTER_STEP_COUNT];
	int steps_done;
	int64_t home_id; /* approved: the register's row */
};

/* The centre's inquiries, newest first (steps not filled). Audited. */
enum nara_err foster_inquiries(struct db *db, struct arena *a,
			       const struct actor *who,
			       struct foster_inquiry_view **out, size_t *n);

/* One inquiry with its steps. Audited; another centre's is refused. */
enum nara_err foster_inquiry_read(struct db *db, struct arena *a,
				  const struct actor *who, int64_t id,
				  struct foster_inquiry_view *out);

/* Marks a step done on a day with a note. Starts the assessment. */
enum nara_err foster_step_done(struct db *db, const struct actor *who,
			       int64_t inquiry_id, const char *step,
			       int64_t done_on, const char *note, int64_t now,
			       const char **why);

/* What an approved home can take. */
struct foster_approval {
	int kinds; /* FOSTER_KIND_* */
	int places, age_min, age_max, needs;
	const char *note;
	/*
	 * The foster parent who will log in for support (any spelling a
	 * personnummer may have), or NULL/"" for none.
	 */
	const char *personnummer;
};

/*
 * Approves (every step done; *home_id the new register row) or declines
 * (a note saying why) an inquiry being assessed. Records who and when.
 */
enum nara_err foster_decide(struct db *db, const struct actor *who,
			    int64_t inquiry_id, int approve,
			    const struct foster_approval *what, int64_t now,
			    int64_t *home_id, const char **why);

struct foster_home_view {
	int64_t id, approved_at;
	const char *name, *residence;
	struct foster_capacity cap;
	int free;
};

/* The register with current placements and free places. Audited. */
enum nara_err foster_register(struct db *db, struct arena *a,
			      const struct actor *who,
			      struct foster_home_view **out, size_t *n);

struct foster_proposal_view {
	int64_t home_id;
	const char *residence; /* the home's municipality */
	int kinds, age_min, age_max, needs, free;
	const char *disclosed;
};

/* A matching request as the centre sees it: no case, no child. */
struct foster_match_view {
	int64_t id, created_at, wanted_from;
	const char *municipality; /* the requesting committee */
	int child_age, needs, emergency_now;
	const char *child_sex, *state;
	int64_t chosen_home_id;
	struct foster_proposal_view *proposals;
	size_t nproposals;
};

/* The requests sent to the actor's centre, newest first. Audited. */
enum nara_err foster_centre_matches(struct db *db, struct arena *a,
				    const struct actor *who,
				    struct foster_match_view **out, size_t *n);

/*
 * One request with its proposals, and the homes of the register that can
 * take the child (*candidates). Audited.
 */
enum nara_err foster_centre_match(struct db *db, struct arena *a,
				  const struct actor *who, int64_t match_id,
				  struct foster_match_view *out,
				  struct foster_home_view **candidates,
				  size_t *ncandidates);

/* Proposes a home that can take the child, with what to tell of it. */
enum nara_err foster_propose(struct db *db, const struct actor *who,
			     int64_t match_id, int64_t home_id,
			     const char *disclosed, int64_t now,
			     const char **why);

/* ---- the child's case (the responsible committee) ---- */

struct foster_placement_view {
	int64_t id, home_id, from_at, ended_at;
	const char *kind, *home; /* the home's municipality, or its label */
};

struct foster_review_view {
	int64_t reviewed_at;
	const char *note, *by;
};

struct foster_case_view {
	struct foster_placement_view *placements;
	size_t nplacements;
	struct foster_review_view *reviews;
	size_t nreviews;
	struct foster_match_view *matches; /* with their proposals */
	size_t nmatches;
	struct foster_dates dates;
	struct foster_clock goal, review;
	int64_t current_id;	/* the placement the child is in; 0: none */
	int64_t centre_unit_id; /* the centre serving the committee; 0 none */
};

/* The placements, reviews, clocks and requests of a case. Audited. */
enum nara_err foster_case_read(struct db *db, struct arena *a,
			       const struct actor *who, int64_t case_id,
			       int64_t now, struct foster_case_view *out);

/*
 * Records a placement from a day. kind "emergency": home_id 0 and a
 * label, or a home of the register; "foster": a home of the register
 * with a free place. The placement the child was in ends that day.
 */
enum nara_err foster_place(struct db *db, const struct actor *who,
			   int64_t case_id, const char *kind, int64_t home_id,
			   const char *label, int64_t from, int64_t now,
			   const char **why);

/* Records a review of the current placement on a day (R1.7). */
enum nara_err foster_review_add(struct db *db, const struct actor *who,
				int64_t case_id, int64_t on, const char *note,
				int64_t now, const char **why);

struct foster_request {
	int child_age, needs, emergency_now;
	const char *child_sex; /* girl, boy, unstated */
	int64_t wanted_from;
};

/* Sends the needs profile to the centre serving the committee. */
enum nara_err foster_match_send(struct db *db, const struct actor *who,
				int64_t case_id,
				const struct foster_request *req, int64_t now,
				int64_t *match_id, const char **why);

/*
 * Chooses a proposed home: the child moves there from `from` (a foster
 * placement), the emergency placement ends, the request is done.
 */
enum nara_err foster_match_choose(struct db *db, const struct actor *who,
				  int64_t case_id, int64_t match_id,
				  int64_t home_id, int64_t from, int64_t now,
				  const char **why);

/* The clocks of the worklist's cases (no audit: the list's row covers). */
struct foster_case_clocks {
	int64_t case_id;
	struct foster_clock goal, review;
};
enum nara_err
foster_worklist_clocks(struct db *db, struct arena *a, int64_t municipality_id,
		       const int64_t *case_ids, size_t n, int64_t now,
		       struct foster_case_clocks **out, size_t *nout);

/* ---- after-hours support for foster homes ---- */

/*
 * The approved home whose foster parent the citizen is (their
 * personnummer on the register's row): *home_id, 0 when none. A lookup
 * of the citizen's own standing, not of anyone's data: not audited.
 */
enum nara_err foster_home_of(struct db *db, const struct actor *who,
			     int64_t *home_id);

struct foster_support_view {
	int64_t id, created_at, call_at, handled_at;
	const char *kind, *body, *phone, *home, *residence, *handled_by;
};

/*
 * A foster parent (a citizen) sends the centre a message (kind "message",
 * a body) or asks to be called (kind "call", a phone number, at call_at
 * or, when 0, as soon as possible). Refused (audited, flagged) for a
 * citizen who is no approved home's foster parent.
 */
enum nara_err foster_support_send(struct db *db, const struct actor *who,
				  const char *kind, const char *body,
				  const char *phone, int64_t call_at,
				  int64_t now, int64_t *id, const char **why);

/* The citizen's own messages and calls, newest first. Audited. */
enum nara_err foster_support_mine(struct db *db, struct arena *a,
				  const struct actor *who,
				  struct foster_support_view **out, size_t *n);

/* The centre's: those not handled first, then the last handled. Audited. */
enum nara_err foster_support_list(struct db *db, struct arena *a,
				  const struct actor *who,
				  struct foster_support_view **out, size_t *n);

/* Marks one handled by the actor (the centre's staff on call). */
enum nara_err foster_support_handle(struct db *db, const struct actor *who,
				    int64_t id, int64_t now);

#endif
