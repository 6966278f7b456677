/*
 * The foster-home centre's rules; see foster.h.
 */
#include "policy/foster.h"

#include <string.h>

const char *const foster_need_names[FOSTER_NEED_COUNT] = {
    "siblings", "disability", "trauma", "school", "language",
};

const char *const foster_step_names[FOSTER_STEP_COUNT] = {
    "first_talk",      "home_visit", "references",
    "register_checks", "training",   "report",
};

int foster_step_index(const char *name)
{
	for (int i = 0; name != NULL && i < FOSTER_STEP_COUNT; i++)
		if (strcmp(name, foster_step_names[i]) == 0)
			return i;
	return -1;
}

struct policy_decision policy_foster_centre(const struct policy_subject *who,
					    int64_t centre_unit_id)
{
	struct policy_decision no = {0, POLICY_DENY_DEFAULT, 0};
	if (who == NULL || who->kind != SUBJECT_STAFF || centre_unit_id == 0)
		return no;
	size_t n =
	    who->ngrants < POLICY_MAX_GRANTS ? who->ngrants : POLICY_MAX_GRANTS;
	for (size_t i = 0; i < n; i++)
		if (who->grants[i].role == ROLE_SHARED_SERVICE &&
		    who->grants[i].unit_id == centre_unit_id)
			return (struct policy_decision){1, POLICY_ALLOWED_ROLE,
							0};
	return no;
}

int foster_free_places(const struct foster_capacity *home)
{
	int free = home->places - home->placed;
	return free > 0 ? free : 0;
}

int foster_home_can_take(const struct foster_capacity *home,
			 const struct foster_profile *child)
{
	if ((home->kinds & child->kind) == 0)
		return 0;
	if (foster_free_places(home) < 1)
		return 0;
	if (child->age < home->age_min || child->age > home->age_max)
		return 0;
	return (child->needs & ~home->needs) == 0;
}

static struct foster_clock clock_of(int64_t due, int64_t done_at, int64_t now)
{
	struct foster_clock c = {due, done_at, CLOCK_DONE, 0};
	if (due == 0)
		return c;
	c.state = clock_state_at(due, done_at, now, FOSTER_WARN_DAYS);
	c.days_left = clock_days_left(due, now);
	return c;
}

struct foster_clock foster_goal_clock(const struct foster_dates *d, int64_t now)
{
	if (d->emergency_from == 0)
		return clock_of(0, 0, now);
	/* A foster home found before the emergency placement stops nothing. */
	int64_t done = d->foster_from >= d->emergency_from ? d->foster_from : 0;
	return clock_of(clock_six_months_due(d->emergency_from), done, now);
}

struct foster_clock foster_review_clock(const struct foster_dates *d,
					int64_t now)
{
	if (d->current_from == 0)
		return clock_of(0, 0, now);
	int64_t from =
	    d->last_review > d->current_from ? d->last_review : d->current_from;
	return clock_of(clock_six_months_due(from), 0, now);
}
