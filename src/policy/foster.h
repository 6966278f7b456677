/*
 * The foster-home centre's rules (DOMAIN.md R1.7, R3.1, R3.3), as pure
 * functions: who is the centre's staff, which home of the register can
 * take a child of a needs profile, and the clocks of a child's placements.
 * src/domain/foster.c loads the facts and asks; nothing here reads a
 * database or a clock.
 *
 * The walls: the centre's inquiries and register are its host's personal
 * data, read only by staff holding the shared_service role in the centre's
 * own unit. The child's case stays the responsible committee's: the
 * centre never reads it (policy.c refuses shared-service staff without a
 * referral), and sees of a matching request only the needs profile.
 */
#ifndef NARA_POLICY_FOSTER_H
#define NARA_POLICY_FOSTER_H

#include <stdint.h>

#include "policy/clock.h"
#include "policy/policy.h"

/* What a home can be, and what a request asks for (bit masks). */
enum { FOSTER_KIND_FOSTER = 1, FOSTER_KIND_EMERGENCY = 2 };

/* What someone who asks is interested in (bit mask). */
enum {
	FOSTER_INTEREST_FOSTER = 1,
	FOSTER_INTEREST_EMERGENCY = 2,
	FOSTER_INTEREST_CONTACT = 4,
};

/* Needs a home can meet; a request names those the child has. */
enum {
	FOSTER_NEED_SIBLINGS = 1,   /* a group of siblings together */
	FOSTER_NEED_DISABILITY = 2, /* a disability */
	FOSTER_NEED_TRAUMA = 4,	    /* trauma, violence at home */
	FOSTER_NEED_SCHOOL = 8,	    /* much support at school */
	FOSTER_NEED_LANGUAGE = 16,  /* another mother tongue */
	FOSTER_NEED_COUNT = 5,
};
/* The names of the needs in bit order ("siblings", ...), for forms. */
extern const char *const foster_need_names[FOSTER_NEED_COUNT];

/* The steps of an assessment, in their order. */
enum { FOSTER_STEP_COUNT = 6 };
extern const char *const foster_step_names[FOSTER_STEP_COUNT];
/* The index of a step's name, -1 when it is none. */
int foster_step_index(const char *name);

/*
 * Allowed when the subject holds shared_service in the centre's unit:
 * the one way to the inquiries, the register and the requests. Refused
 * otherwise (POLICY_DENY_DEFAULT), whatever else they hold.
 */
struct policy_decision policy_foster_centre(const struct policy_subject *who,
					    int64_t centre_unit_id);

/* A home of the register as matching sees it. */
struct foster_capacity {
	int kinds;  /* FOSTER_KIND_* */
	int places; /* approved places */
	int placed; /* children placed there now */
	int age_min, age_max;
	int needs; /* FOSTER_NEED_* it can meet */
};

/* A matching request's needs profile. */
struct foster_profile {
	int age;
	int needs;
	int kind; /* FOSTER_KIND_FOSTER: a foster home is sought */
};

/* Free places (never negative). */
int foster_free_places(const struct foster_capacity *home);

/*
 * 1 when the home can take the child: of the kind sought, a free place,
 * the child's age in its range, and every need of the child among those
 * it can meet.
 */
int foster_home_can_take(const struct foster_capacity *home,
			 const struct foster_profile *child);

/* The placements of one child's case, for the clocks. */
struct foster_dates {
	int64_t emergency_from; /* first emergency placement; 0: none */
	int64_t foster_from;	/* first foster home placement; 0: none */
	int64_t current_from;	/* the placement the child is in; 0: none */
	int64_t last_review;	/* the latest review of it; 0: none */
};

struct foster_clock {
	int64_t due; /* 0: the clock does not apply */
	int64_t done_at;
	enum clock_state state;
	int days_left;
};

/*
 * R1.7, the board's goal: a child in an emergency home has a foster home
 * within six months of the emergency placement. Runs from the emergency
 * placement; done (stopped) when the child moves to a foster home.
 */
struct foster_clock foster_goal_clock(const struct foster_dates *d,
				      int64_t now);

/*
 * R1.7: placements are reviewed every six months: due six months after
 * the current placement began or after its last review, whichever is
 * later. Does not apply when the child is in no placement.
 */
struct foster_clock foster_review_clock(const struct foster_dates *d,
					int64_t now);

/* How far ahead the worklist warns of these clocks, in days. */
enum { FOSTER_WARN_DAYS = 30 };

#endif
