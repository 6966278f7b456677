/*
 * The foster-home centre (src/policy/foster.c, src/domain/foster.c).
 *
 * Pure: the R1.7 clocks (six months from the emergency placement to a
 * foster home, stopped when the child moves to one; a review six months
 * after the placement began or after its last review) and matching (the
 * kind, a free place, the age, every need).
 *
 * On both engines with the demo's municipalities and a Bjuv child case:
 * an inquiry assessed step by step and approved, the register's free
 * places, a placement in an emergency home, a request that carries no
 * identity, a proposal, the choice that moves the child and stops the
 * clock; and the walls: the centre never reads the case, another
 * committee never reads the placement, a case officer never reads the
 * inquiries; each refusal a flagged audit row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>
#include <string.h>
#include <time.h>

#include "domain/access.h"
#include "domain/demo.h"
#include "domain/foster.h"
#include "fixture.h"
#include "policy/clock.h"
#include "policy/foster.h"

/* 12:00 local time on a date. */
static int64_t noon(int y, int m, int d)
{
	return clock_local_midnight((struct civil_date){y, m, d}) + 12 * 3600;
}

/* The last day a clock allows, as "YYYY-MM-DD". */
static void last_day(int64_t due, char out[11])
{
	struct civil_date d = clock_local_date(due - 1);
	snprintf(out, 11, "%04d-%02d-%02d", d.year, d.month, d.day);
}

static void test_goal_clock(void **state)
{
	(void)state;
	char day[11];
	struct foster_dates d = {0};
	/* No emergency placement: no clock. */
	struct foster_clock c = foster_goal_clock(&d, noon(2026, 3, 1));
	assert_int_equal(c.due, 0);

	d.emergency_from = noon(2026, 1, 15);
	d.current_from = d.emergency_from;
	c = foster_goal_clock(&d, noon(2026, 2, 1));
	last_day(c.due, day);
	assert_string_equal(day, "2026-07-15");
	assert_int_equal(c.state, CLOCK_RUNNING);
	assert_int_equal(c.days_left, 164);
	/* Within the warning window, on the last day, the day after. */
	assert_int_equal(foster_goal_clock(&d, noon(2026, 6, 20)).state,
			 CLOCK_DUE_SOON);
	c = foster_goal_clock(&d, noon(2026, 7, 15));
	assert_int_equal(c.state, CLOCK_DUE_SOON);
	assert_int_equal(c.days_left, 0);
	c = foster_goal_clock(&d, noon(2026, 7, 16));
	assert_int_equal(c.state, CLOCK_OVERDUE);
	assert_int_equal(c.days_left, -1);
	/* The end of August clamps to the end of February. */
	struct foster_dates aug = {.emergency_from = noon(2026, 8, 31)};
	last_day(foster_goal_clock(&aug, noon(2026, 9, 1)).due, day);
	assert_string_equal(day, "2027-02-28");

	/* A foster home stops it, late or not. */
	d.foster_from = noon(2026, 8, 1);
	c = foster_goal_clock(&d, noon(2026, 9, 1));
	assert_int_equal(c.state, CLOCK_DONE);
	assert_int_equal(c.done_at, d.foster_from);
	/* A foster home before the emergency placement stops nothing. */
	d.foster_from = noon(2025, 6, 1);
	assert_int_equal(foster_goal_clock(&d, noon(2026, 2, 1)).state,
			 CLOCK_RUNNING);
}

static void test_review_clock(void **state)
{
	(void)state;
	char day[11];
	struct foster_dates d = {0};
	assert_int_equal(foster_review_clock(&d, noon(2026, 3, 1)).due, 0);
	d.current_from = noon(2026, 1, 15);
	struct foster_clock c = foster_review_clock(&d, noon(2026, 2, 1));
	last_day(c.due, day);
	assert_string_equal(day, "2026-07-15");
	assert_int_equal(c.state, CLOCK_RUNNING);
	assert_int_equal(foster_review_clock(&d, noon(2026, 7, 16)).state,
			 CLOCK_OVERDUE);
	/* A review moves it on six months from the review. */
	d.last_review = noon(2026, 7, 10);
	c = foster_review_clock(&d, noon(2026, 7, 16));
	last_day(c.due, day);
	assert_string_equal(day, "2027-01-10");
	assert_int_equal(c.state, CLOCK_RUNNING);
	/* A review never stops it: the next one is always due. */
	assert_int_not_equal(c.state, CLOCK_DONE);
	/* A review of an earlier placement does not count for a new one. */
	d.current_from = noon(2026, 8, 1);
	last_day(foster_review_clock(&d, noon(2026, 8, 2)).due, day);
	assert_string_equal(day, "2027-02-01");
}

static void test_can_take(void **state)
{
	(void)state;
	const struct foster_capacity home = {
	    .kinds = FOSTER_KIND_FOSTER,
	    .places = 2,
	    .placed = 1,
	    .age_min = 4,
	    .age_max = 12,
	    .needs = FOSTER_NEED_TRAUMA | FOSTER_NEED_SCHOOL,
	};
	const struct {
		struct foster_profile child;
		int placed, kinds, yes;
	} cases[] = {
	    {{8, 0, FOSTER_KIND_FOSTER}, 1, FOSTER_KIND_FOSTER, 1},
	    {{8, FOSTER_NEED_TRAUMA, FOSTER_KIND_FOSTER}, 1, 1, 1},
	    {{8, FOSTER_NEED_TRAUMA | FOSTER_NEED_SCHOOL, 1}, 1, 1, 1},
	    /* A need the home cannot meet. */
	    {{8, FOSTER_NEED_SIBLINGS, FOSTER_KIND_FOSTER}, 1, 1, 0},
	    {{8, FOSTER_NEED_TRAUMA | FOSTER_NEED_LANGUAGE, 1}, 1, 1, 0},
	    /* Ages at and beyond the edges. */
	    {{4, 0, FOSTER_KIND_FOSTER}, 1, 1, 1},
	    {{12, 0, FOSTER_KIND_FOSTER}, 1, 1, 1},
	    {{3, 0, FOSTER_KIND_FOSTER}, 1, 1, 0},
	    {{13, 0, FOSTER_KIND_FOSTER}, 1, 1, 0},
	    /* No free place. */
	    {{8, 0, FOSTER_KIND_FOSTER}, 2, 1, 0},
	    {{8, 0, FOSTER_KIND_FOSTER}, 3, 1, 0},
	    /* An emergency home only, for a foster home sought. */
	    {{8, 0, FOSTER_KIND_FOSTER}, 1, FOSTER_KIND_EMERGENCY, 0},
	    {{8, 0, FOSTER_KIND_EMERGENCY}, 1, FOSTER_KIND_EMERGENCY, 1},
	    {{8, 0, FOSTER_KIND_FOSTER}, 0, 3, 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct foster_capacity h = home;
		h.placed = cases[i].placed;
		h.kinds = cases[i].kinds;
		if (foster_home_can_take(&h, &cases[i].child) != cases[i].yes)
			fail_msg("row %zu", i);
	}
	struct foster_capacity over = home;
	over.placed = 5;
	assert_int_equal(foster_free_places(&over), 0);
	assert_int_equal(foster_free_places(&home), 1);
}

static void test_inquiry_check(void **state)
{
	(void)state;
	struct foster_problem p[FOSTER_MAX_PROBLEMS];
	struct foster_inquiry_new ok = {"Eva Ek",  "eva@example.se",	   "",
					"hoganas", FOSTER_INTEREST_FOSTER, ""};
	assert_int_equal(foster_inquiry_check(&ok, p), 0);
	struct foster_inquiry_new bad = {"  ", "", "", "", 0, NULL};
	assert_int_equal(foster_inquiry_check(&bad, p), 4);
	assert_string_equal(p[0].why, "foster.error.name");
	assert_string_equal(p[1].why, "foster.error.contact");
	assert_string_equal(p[2].why, "foster.error.residence");
	assert_string_equal(p[3].why, "foster.error.interests");
	struct foster_inquiry_new mail = ok;
	mail.email = "not-an-address";
	assert_int_equal(foster_inquiry_check(&mail, p), 1);
	assert_string_equal(p[0].why, "foster.error.email");
	mail.email = "";
	mail.phone = "042-10 00 00";
	assert_int_equal(foster_inquiry_check(&mail, p), 0);
	mail.interests = 8;
	assert_int_equal(foster_inquiry_check(&mail, p), 1);
}

/* ---- with a database ---- */

struct world {
	struct test_db t;
	struct arena a;
	struct actor centre, officer, other, hoganas, parent, stranger;
	int64_t case_id, now;
	char child_name[128], child_pnr[13], parent_pnr[13];
};

static void load_staff(struct world *w, const char *username, struct actor *out)
{
	int64_t id = 0;
	assert_int_equal(db_query_int(w->t.db, &id,
				      "SELECT id FROM staff_user WHERE"
				      " username = ?",
				      "s", username),
			 NARA_OK);
	assert_int_equal(access_load_staff(w->t.db, &w->a, id, out), NARA_OK);
}

static int setup(void **state, const char *engine)
{
	struct world *w = calloc(1, sizeof(*w));
	if (w == NULL || test_db_open(&w->t, engine, "foster") != 0)
		return -1;
	w->now = (int64_t)time(NULL);
	if (demo_fill_at(w->t.db, 0, w->now, NULL, NULL) != NARA_OK)
		return -1;
	arena_init(&w->a, 0);
	*state = w;
	return 0;
}
static int setup_sqlite(void **state)
{
	return setup(state, "sqlite");
}
static int setup_pg(void **state)
{
	return setup(state, "pg");
}
static int teardown(void **state)
{
	struct world *w = *state;
	test_db_close(&w->t);
	arena_free(&w->a);
	free(w);
	return 0;
}

static struct world *world(void **state)
{
	struct world *w = *state;
	struct db_stmt *st;
	/* A Bjuv child case with an identified child, in Barn och familj. */
	assert_int_equal(
	    db_prepare(w->t.db,
		       "SELECT c.id, p.given_name || ' ' || p.family_name,"
		       " p.personnummer FROM case_file c JOIN person p ON"
		       " p.id = c.person_id JOIN municipality m ON m.id ="
		       " c.municipality_id JOIN unit u ON u.id = c.unit_id"
		       " WHERE m.slug = 'bjuv' AND u.slug = 'barn-och-familj'"
		       " AND c.kind = 'child_report' ORDER BY c.id",
		       &st),
	    NARA_OK);
	assert_int_equal(db_step(st), DB_ROW);
	w->case_id = db_col_int(st, 0);
	snprintf(w->child_name, sizeof(w->child_name), "%s",
		 db_col_text(st, 1));
	snprintf(w->child_pnr, sizeof(w->child_pnr), "%s", db_col_text(st, 2));
	db_done(st);
	assert_int_equal(
	    db_prepare(w->t.db,
		       "SELECT p.personnummer FROM person p JOIN municipality"
		       " m ON m.id = p.municipality_id WHERE m.slug ="
		       " 'hoganas' ORDER BY p.id DESC",
		       &st),
	    NARA_OK);
	assert_int_equal(db_step(st), DB_ROW);
	snprintf(w->parent_pnr, sizeof(w->parent_pnr), "%s",
		 db_col_text(st, 0));
	db_done(st);
	access_citizen(w->parent_pnr, &w->parent);
	access_citizen(w->child_pnr, &w->stranger);
	load_staff(w, "angelholm.familjehemscentrum", &w->centre);
	load_staff(w, "bjuv.handlaggare", &w->officer);
	load_staff(w, "helsingborg.handlaggare", &w->other);
	load_staff(w, "hoganas.handlaggare", &w->hoganas);
	return w;
}

static int64_t count(struct db *db, const char *sql, int64_t id)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, sql, "i", id), NARA_OK);
	return n;
}

/* An inquiry from Höganäs, assessed and approved as a foster home. */
static int64_t approved_home(struct world *w, int places)
{
	struct db *db = w->t.db;
	const char *why;
	int64_t inquiry, home;
	struct foster_inquiry_new in = {"Familjen Holm",
					"holm@example.se",
					"",
					"hoganas",
					FOSTER_INTEREST_FOSTER |
					    FOSTER_INTEREST_EMERGENCY,
					"Vi vill."};
	assert_int_equal(foster_inquiry_submit(db, &in, w->now, &inquiry, &why),
			 NARA_OK);
	struct foster_approval yes = {
	    FOSTER_KIND_FOSTER, places,	      3, 12, FOSTER_NEED_TRAUMA,
	    "Bra hem.",		w->parent_pnr};
	/* Not before every step is done. */
	assert_int_equal(foster_decide(db, &w->centre, inquiry, 1, &yes, w->now,
				       &home, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "foster.error.steps");
	for (int i = 0; i < FOSTER_STEP_COUNT; i++)
		assert_int_equal(foster_step_done(db, &w->centre, inquiry,
						  foster_step_names[i],
						  w->now - 86400, "Klart.",
						  w->now, &why),
				 NARA_OK);
	assert_int_equal(foster_step_done(db, &w->centre, inquiry, "first_talk",
					  w->now - 86400, "", w->now, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "foster.error.step_done");
	assert_int_equal(foster_decide(db, &w->centre, inquiry, 1, &yes, w->now,
				       &home, &why),
			 NARA_OK);
	assert_true(home > 0);
	/* Decided once. */
	int64_t again;
	assert_int_equal(foster_decide(db, &w->centre, inquiry, 0, &yes, w->now,
				       &again, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "foster.error.decided");
	struct foster_inquiry_view v;
	assert_int_equal(
	    foster_inquiry_read(db, &w->a, &w->centre, inquiry, &v), NARA_OK);
	assert_string_equal(v.state, "approved");
	assert_int_equal(v.steps_done, FOSTER_STEP_COUNT);
	assert_int_equal(v.home_id, home);
	assert_string_equal(v.residence, "Höganäs");
	return home;
}

static void test_the_journey(void **state)
{
	struct world *w = world(state);
	struct db *db = w->t.db;
	const char *why;
	int64_t home = approved_home(w, 1);

	struct foster_home_view *homes;
	size_t nhomes;
	assert_int_equal(
	    foster_register(db, &w->a, &w->centre, &homes, &nhomes), NARA_OK);
	assert_int_equal(nhomes, 1);
	assert_int_equal(homes[0].free, 1);

	/* Emergency home from 40 days ago: the goal clock runs. */
	int64_t start = w->now - 40 * 86400;
	assert_int_equal(foster_place(db, &w->officer, w->case_id, "emergency",
				      0, "Jourhemmet Ek", start, w->now, &why),
			 NARA_OK);
	struct foster_case_view c;
	assert_int_equal(
	    foster_case_read(db, &w->a, &w->officer, w->case_id, w->now, &c),
	    NARA_OK);
	assert_int_equal(c.nplacements, 1);
	assert_int_equal(c.goal.due, clock_six_months_due(start));
	assert_int_equal(c.goal.state, CLOCK_RUNNING);
	assert_int_equal(c.review.due, clock_six_months_due(start));

	/* A review moves the next one on. */
	assert_int_equal(foster_review_add(db, &w->officer, w->case_id,
					   w->now - 86400, "Barnet mår bra.",
					   w->now, &why),
			 NARA_OK);
	assert_int_equal(
	    foster_case_read(db, &w->a, &w->officer, w->case_id, w->now, &c),
	    NARA_OK);
	assert_int_equal(c.review.due, clock_six_months_due(w->now - 86400));

	/* The request: a needs profile, no identity. */
	struct foster_request q = {8, FOSTER_NEED_TRAUMA, 1, "girl",
				   w->now + 86400};
	int64_t match;
	assert_int_equal(foster_match_send(db, &w->officer, w->case_id, &q,
					   w->now, &match, &why),
			 NARA_OK);
	struct db_stmt *st;
	assert_int_equal(db_prepare(db,
				    "SELECT child_sex || ' ' || CAST(needs AS"
				    " TEXT) || ' ' || state FROM foster_match"
				    " WHERE id = ?",
				    &st),
			 NARA_OK);
	db_bind_int(st, 1, match);
	assert_int_equal(db_step(st), DB_ROW);
	const char *row = db_col_text(st, 0);
	assert_null(strstr(row, w->child_pnr));
	assert_null(strstr(row, w->child_name));
	db_done(st);
	struct foster_match_view m;
	struct foster_home_view *cand;
	size_t ncand;
	assert_int_equal(foster_centre_match(db, &w->a, &w->centre, match, &m,
					     &cand, &ncand),
			 NARA_OK);
	assert_string_equal(m.municipality, "Bjuv");
	assert_int_equal(m.child_age, 8);
	assert_int_equal(ncand, 1);
	assert_int_equal(cand[0].id, home);

	/* A request the home cannot meet has no candidate, and no proposal. */
	struct foster_request q2 = {15, 0, 1, "boy", w->now};
	int64_t match2;
	assert_int_equal(foster_match_send(db, &w->officer, w->case_id, &q2,
					   w->now, &match2, &why),
			 NARA_OK);
	assert_int_equal(foster_centre_match(db, &w->a, &w->centre, match2, &m,
					     &cand, &ncand),
			 NARA_OK);
	assert_int_equal(ncand, 0);
	assert_int_equal(
	    foster_propose(db, &w->centre, match2, home, "", w->now, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "foster.error.cannot_take");

	/* Not chosen before it is proposed. */
	assert_int_equal(foster_match_choose(db, &w->officer, w->case_id, match,
					     home, w->now, w->now, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "foster.error.not_proposed");
	assert_int_equal(foster_propose(db, &w->centre, match, home,
					"Två vuxna, erfarna.", w->now, &why),
			 NARA_OK);
	assert_int_equal(
	    foster_case_read(db, &w->a, &w->officer, w->case_id, w->now, &c),
	    NARA_OK);
	assert_int_equal(c.nmatches, 2);
	/* Newest first: the second request, then the first with its home. */
	assert_int_equal(c.matches[1].nproposals, 1);
	assert_string_equal(c.matches[1].proposals[0].residence, "Höganäs");
	assert_string_equal(c.matches[1].proposals[0].disclosed,
			    "Två vuxna, erfarna.");

	/* The choice: the child moves, the clock stops, the place is taken. */
	assert_int_equal(foster_match_choose(db, &w->officer, w->case_id, match,
					     home, w->now, w->now, &why),
			 NARA_OK);
	assert_int_equal(
	    foster_case_read(db, &w->a, &w->officer, w->case_id, w->now, &c),
	    NARA_OK);
	assert_int_equal(c.nplacements, 2);
	assert_string_equal(c.placements[1].kind, "foster");
	assert_int_equal(c.placements[0].ended_at, w->now);
	assert_int_equal(c.goal.state, CLOCK_DONE);
	assert_int_equal(c.review.due, clock_six_months_due(w->now));
	assert_int_equal(
	    foster_register(db, &w->a, &w->centre, &homes, &nhomes), NARA_OK);
	assert_int_equal(homes[0].free, 0);
	assert_int_equal(homes[0].cap.placed, 1);

	/* The worklist's clocks say the same. */
	struct foster_case_clocks *wc;
	size_t nwc;
	assert_int_equal(foster_worklist_clocks(
			     db, &w->a, w->officer.subject.municipality_id,
			     &w->case_id, 1, w->now, &wc, &nwc),
			 NARA_OK);
	assert_int_equal(nwc, 1);
	assert_int_equal(wc[0].goal.state, CLOCK_DONE);

	/* A full home takes nobody else. */
	assert_int_equal(foster_place(db, &w->officer, w->case_id, "foster",
				      home, "", w->now, w->now, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "foster.error.full");
}

static void test_the_walls(void **state)
{
	struct world *w = world(state);
	struct db *db = w->t.db;
	const char *why;
	int64_t home = approved_home(w, 2);
	assert_int_equal(foster_place(db, &w->officer, w->case_id, "emergency",
				      0, "Jourhemmet Ek", w->now, w->now, &why),
			 NARA_OK);
	struct foster_request q = {8, 0, 1, "unstated", w->now};
	int64_t match;
	assert_int_equal(foster_match_send(db, &w->officer, w->case_id, &q,
					   w->now, &match, &why),
			 NARA_OK);
	int64_t flagged = count(db,
				"SELECT count(*) FROM audit_log WHERE flagged ="
				" 1 AND id > ?",
				0);
	struct foster_case_view c;
	/* Another committee's officer, and the centre: refused, audited. */
	assert_int_equal(
	    foster_case_read(db, &w->a, &w->other, w->case_id, w->now, &c),
	    NARA_EDENIED);
	assert_int_equal(
	    foster_case_read(db, &w->a, &w->centre, w->case_id, w->now, &c),
	    NARA_EDENIED);
	assert_int_equal(foster_place(db, &w->hoganas, w->case_id, "emergency",
				      0, "X", w->now, w->now, &why),
			 NARA_EDENIED);
	assert_int_equal(foster_match_choose(db, &w->other, w->case_id, match,
					     home, w->now, w->now, &why),
			 NARA_EDENIED);
	/* The officer never reads the centre's records. */
	struct foster_inquiry_view *inq;
	size_t n;
	assert_int_equal(foster_inquiries(db, &w->a, &w->officer, &inq, &n),
			 NARA_EDENIED);
	struct foster_home_view *homes;
	assert_int_equal(foster_register(db, &w->a, &w->officer, &homes, &n),
			 NARA_EDENIED);
	struct foster_match_view m;
	assert_int_equal(
	    foster_centre_match(db, &w->a, &w->officer, match, &m, &homes, &n),
	    NARA_EDENIED);
	assert_int_equal(count(db,
			       "SELECT count(*) FROM audit_log WHERE flagged ="
			       " 1 AND id > ?",
			       0),
			 flagged + 7);
	/* Nothing was written by the refused. */
	assert_int_equal(count(db,
			       "SELECT count(*) FROM foster_placement WHERE"
			       " case_id = ?",
			       w->case_id),
			 1);
	/*
	 * Every allowed read and write left its row: the inquiry, six steps,
	 * the approval, the read, the placement and the request; the
	 * refused attempts (rolled back) none.
	 */
	assert_int_equal(count(db,
			       "SELECT count(*) FROM audit_log WHERE"
			       " record_kind LIKE 'foster%' AND flagged = 0"
			       " AND id > ?",
			       0),
			 11);
}

static void test_after_hours_support(void **state)
{
	struct world *w = world(state);
	struct db *db = w->t.db;
	const char *why;
	int64_t home = approved_home(w, 1), mine = 0, id;
	assert_int_equal(foster_home_of(db, &w->parent, &mine), NARA_OK);
	assert_int_equal(mine, home);
	assert_int_equal(foster_home_of(db, &w->stranger, &mine), NARA_OK);
	assert_int_equal(mine, 0);

	assert_int_equal(foster_support_send(db, &w->parent, "message",
					     "Barnet vill inte sova.", "", 0,
					     w->now, &id, &why),
			 NARA_OK);
	assert_int_equal(foster_support_send(db, &w->parent, "call", "", "", 0,
					     w->now, &id, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "foster.error.support_phone");
	assert_int_equal(foster_support_send(db, &w->parent, "message", " ", "",
					     0, w->now, &id, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "foster.error.support_body");
	assert_int_equal(foster_support_send(db, &w->parent, "call", "",
					     "070-1", w->now - 86400, w->now,
					     &id, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "foster.error.support_when");
	int64_t call;
	assert_int_equal(foster_support_send(db, &w->parent, "call", "",
					     "070-1", w->now + 3600, w->now,
					     &call, &why),
			 NARA_OK);
	/* Someone who is no foster home, and a case officer: refused. */
	int64_t before = count(db,
			       "SELECT count(*) FROM audit_log WHERE flagged ="
			       " 1 AND id > ?",
			       0);
	assert_int_equal(foster_support_send(db, &w->stranger, "message", "Hej",
					     "", 0, w->now, &id, &why),
			 NARA_EDENIED);
	struct foster_support_view *list;
	size_t n;
	assert_int_equal(
	    foster_support_mine(db, &w->a, &w->stranger, &list, &n),
	    NARA_EDENIED);
	assert_int_equal(foster_support_list(db, &w->a, &w->officer, &list, &n),
			 NARA_EDENIED);
	assert_int_equal(foster_support_handle(db, &w->officer, call, w->now),
			 NARA_EDENIED);
	assert_int_equal(count(db,
			       "SELECT count(*) FROM audit_log WHERE flagged ="
			       " 1 AND id > ?",
			       0),
			 before + 4);

	/* The centre on call sees both and handles the call. */
	assert_int_equal(foster_support_list(db, &w->a, &w->centre, &list, &n),
			 NARA_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, call);
	assert_int_equal(list[0].call_at, w->now + 3600);
	assert_string_equal(list[0].residence, "Höganäs");
	assert_int_equal(foster_support_handle(db, &w->centre, call, w->now),
			 NARA_OK);
	assert_int_equal(foster_support_mine(db, &w->a, &w->parent, &list, &n),
			 NARA_OK);
	assert_int_equal(n, 2);
	/* Waiting first, then handled. */
	assert_int_equal(list[0].handled_at, 0);
	assert_int_equal(list[1].id, call);
	assert_int_equal(list[1].handled_at, w->now);
}

#define EACH(setup_fn)                                                         \
	{                                                                      \
		cmocka_unit_test_setup_teardown(test_the_journey, setup_fn,    \
						teardown),                     \
		    cmocka_unit_test_setup_teardown(test_the_walls, setup_fn,  \
						    teardown),                 \
		    cmocka_unit_test_setup_teardown(test_after_hours_support,  \
						    setup_fn, teardown),       \
	}

int main(void)
{
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_goal_clock),
	    cmocka_unit_test(test_review_clock),
	    cmocka_unit_test(test_can_take),
	    cmocka_unit_test(test_inquiry_check),
	};
	const struct CMUnitTest sqlite_tests[] = EACH(setup_sqlite);
	const struct CMUnitTest pg_tests[] = EACH(setup_pg);
	int failed = cmocka_run_group_tests_name("foster", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("foster/sqlite", sqlite_tests,
					      NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("foster/postgresql",
						      pg_tests, NULL, NULL);
	return failed;
}
