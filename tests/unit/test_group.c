/*
 * Support groups (src/domain/group.c, src/policy/group.c) on both
 * engines, with the demo's groups: sign-up, the last place, the waiting
 * list and who moves up when a place is freed (told by a notice that names
 * nothing of the group); a group not open, not serving the person's
 * municipality, a second sign-up; the walls (another municipality's staff
 * read nothing, audited and flagged; the host's read carries the
 * agreement); a case officer's enrolment with consent, whose case the host
 * never sees; attendance.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>
#include <time.h>

#include "domain/access.h"
#include "domain/demo.h"
#include "domain/group.h"
#include "domain/tenant.h"
#include "fixture.h"

struct world {
	struct test_db t;
	struct arena a;
	struct actor leader, other_staff, officer;
	struct actor citizen[4];
	int64_t bjuv, landskrona, helsingborg, unit, now;
};

static int64_t id_of(struct db *db, const char *sql, const char *s)
{
	int64_t id = 0;
	assert_int_equal(db_query_int(db, &id, sql, "s", s), NARA_OK);
	return id;
}

static void staff(struct world *w, const char *username, struct actor *out)
{
	int64_t id = id_of(
	    w->t.db, "SELECT id FROM staff_user WHERE username = ?", username);
	assert_int_equal(access_load_staff(w->t.db, &w->a, id, out), NARA_OK);
}

static int setup(void **state, const char *engine)
{
	struct world *w = calloc(1, sizeof(*w));
	if (w == NULL || test_db_open(&w->t, engine, "group") != 0)
		return -1;
	w->now = (int64_t)time(NULL);
	enum nara_err err = demo_fill(w->t.db, 0, NULL, NULL);
	if (err == NARA_OK)
		err = demo_add_citizen_case(w->t.db, w->now);
	if (err == NARA_OK)
		err = demo_add_groups(w->t.db, w->now);
	/* A second run adds nothing. */
	if (err == NARA_OK)
		err = demo_add_groups(w->t.db, w->now);
	if (err != NARA_OK) {
		fprintf(stderr, "setup: %s: %s\n", nara_strerror(err),
			db_errmsg(w->t.db));
		return -1;
	}
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
	struct db *db = w->t.db;
	w->bjuv =
	    id_of(db, "SELECT id FROM municipality WHERE slug = ?", "bjuv");
	w->landskrona = id_of(db, "SELECT id FROM municipality WHERE slug = ?",
			      "landskrona");
	w->helsingborg = id_of(db, "SELECT id FROM municipality WHERE slug = ?",
			       "helsingborg");
	w->unit =
	    id_of(db, "SELECT id FROM unit WHERE slug = ?", "stodgrupper");
	staff(w, "landskrona.stodgrupper", &w->leader);
	staff(w, "helsingborg.familjefridscenter", &w->other_staff);
	staff(w, "helsingborg.handlaggare2", &w->officer);
	struct db_stmt *st;
	assert_int_equal(db_prepare(db,
				    "SELECT personnummer FROM person WHERE"
				    " municipality_id = ? AND fictitious = 1"
				    " ORDER BY id LIMIT 4",
				    &st),
			 NARA_OK);
	db_bind_int(st, 1, w->bjuv);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(db_step(st), DB_ROW);
		access_citizen(db_col_text(st, 0), &w->citizen[i]);
		snprintf(w->citizen[i].label, sizeof(w->citizen[i].label),
			 "citizen %d", i);
	}
	db_done(st);
	return w;
}

/* The id of the demo group of that title. */
static int64_t group_id(struct world *w, const char *title)
{
	return id_of(w->t.db, "SELECT id FROM support_group WHERE title = ?",
		     title);
}

/* A new series of the group with capacity places, a week from now. */
static int64_t series(struct world *w, int64_t group, int capacity)
{
	struct group_series_new n = {
	    .group_id = group,
	    .starts_at = w->now + 7 * 86400,
	    .sessions = 3,
	    .minutes = 90,
	    .capacity = capacity,
	    .place = "Föreningsgatan 12",
	};
	int64_t id = 0;
	const char *why = NULL;
	assert_int_equal(
	    group_series_add(w->t.db, &w->leader, &n, w->now, &id, &why),
	    NARA_OK);
	return id;
}

static enum nara_err signup(struct world *w, int who, int64_t series_id,
			    int64_t home, int64_t *id, int *waiting,
			    const char **why)
{
	struct group_signup s = {
	    .series_id = series_id,
	    .home_municipality_id = home,
	    .name = "Förälder Testsson",
	    .email = "foralder@example.com",
	    .phone = "",
	};
	return group_signup(w->t.db, &w->citizen[who], &s, w->now, id, waiting,
			    why);
}

static const char *state_of(struct world *w, int64_t enrolment)
{
	static char s[16];
	struct db_stmt *st;
	assert_int_equal(db_prepare(w->t.db,
				    "SELECT state FROM group_enrolment WHERE"
				    " id = ?",
				    &st),
			 NARA_OK);
	db_bind_int(st, 1, enrolment);
	assert_int_equal(db_step(st), DB_ROW);
	snprintf(s, sizeof(s), "%s", db_col_text(st, 0));
	db_done(st);
	return s;
}

static void test_places_waiting_list_and_moving_up(void **state)
{
	struct world *w = world(state);
	struct db *db = w->t.db;
	int64_t s = series(w, group_id(w, "Barn i familjer med missbruk"), 2);
	int64_t e[4];
	int waiting = -1;
	const char *why = NULL;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(
		    signup(w, i, s, w->bjuv, &e[i], &waiting, &why), NARA_OK);
		assert_int_equal(waiting, i == 2);
	}
	/* The same person twice: refused, nothing written. */
	assert_int_equal(signup(w, 0, s, w->bjuv, &e[3], &waiting, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "group.error.already");
	int64_t taken = 0;
	assert_int_equal(db_query_int(db, &taken,
				      "SELECT taken FROM support_group_series"
				      " WHERE id = ?",
				      "i", s),
			 NARA_OK);
	assert_int_equal(taken, 2);
	/* Mina sidor: the third is first on the waiting list. */
	struct group_mine *mine;
	size_t n = 0;
	assert_int_equal(
	    group_list_own(db, &w->a, &w->citizen[2], w->now, &mine, &n),
	    NARA_OK);
	assert_int_equal(n, 1);
	assert_string_equal(mine[0].state, "waiting");
	assert_int_equal(mine[0].position, 1);
	assert_int_equal(mine[0].series.nsession, 3);
	/* Someone else cannot cancel it: as if it did not exist. */
	int64_t promoted = -1;
	assert_int_equal(
	    group_cancel(db, &w->citizen[3], e[0], w->now, &promoted, &why),
	    NARA_ENOTFOUND);
	assert_int_equal(
	    group_cancel(db, &w->other_staff, e[0], w->now, &promoted, &why),
	    NARA_EDENIED);
	/* The first cancels: the waiting one moves up and is told. */
	int64_t jobs_before = 0, jobs_after = 0;
	assert_int_equal(db_query_int(db, &jobs_before,
				      "SELECT COUNT(*) FROM notice_job", ""),
			 NARA_OK);
	assert_int_equal(
	    db_run(db,
		   "UPDATE person SET email = 'vantar@example.com'"
		   " WHERE personnummer = ? AND municipality_id = ?",
		   "si", w->citizen[2].personnummer, w->bjuv),
	    NARA_OK);
	assert_int_equal(
	    group_cancel(db, &w->citizen[0], e[0], w->now, &promoted, &why),
	    NARA_OK);
	assert_int_equal(promoted, e[2]);
	assert_string_equal(state_of(w, e[0]), "cancelled");
	assert_string_equal(state_of(w, e[2]), "enrolled");
	assert_int_equal(db_query_int(db, &taken,
				      "SELECT taken FROM support_group_series"
				      " WHERE id = ?",
				      "i", s),
			 NARA_OK);
	assert_int_equal(taken, 2);
	assert_int_equal(db_query_int(db, &jobs_after,
				      "SELECT COUNT(*) FROM notice_job WHERE"
				      " purpose = 'group_place' AND recipient ="
				      " 'vantar@example.com' AND body NOT LIKE"
				      " '%missbruk%' AND subject NOT LIKE"
				      " '%missbruk%'",
				      ""),
			 NARA_OK);
	assert_int_equal(jobs_after, 1);
	/* A cancelled enrolment cannot be cancelled again. */
	assert_int_equal(
	    group_cancel(db, &w->citizen[0], e[0], w->now, &promoted, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "group.error.not_active");
	/* Cancelling with nobody waiting frees the place. */
	assert_int_equal(
	    group_cancel(db, &w->citizen[1], e[1], w->now, &promoted, &why),
	    NARA_OK);
	assert_int_equal(promoted, 0);
	assert_int_equal(db_query_int(db, &taken,
				      "SELECT taken FROM support_group_series"
				      " WHERE id = ?",
				      "i", s),
			 NARA_OK);
	assert_int_equal(taken, 1);
}

static void test_who_may_sign_up(void **state)
{
	struct world *w = world(state);
	int64_t id = 0;
	int waiting = 0;
	const char *why = NULL;
	/* Only through a social worker. */
	int64_t closed = series(
	    w, group_id(w, "Stödgrupp för barn som har levt med våld"), 8);
	assert_int_equal(signup(w, 0, closed, w->bjuv, &id, &waiting, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "group.error.not_open");
	/* Helsingborg's own group: for Helsingborg's residents. */
	int64_t hbg = id_of(w->t.db,
			    "SELECT s.id FROM support_group_series s JOIN"
			    " support_group g ON g.id = s.group_id WHERE"
			    " g.title = ?",
			    "Föräldragrupp: Alla barn i centrum");
	assert_int_equal(signup(w, 0, hbg, w->bjuv, &id, &waiting, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "group.error.not_served");
	assert_int_equal(signup(w, 0, hbg, w->helsingborg, &id, &waiting, &why),
			 NARA_OK);
	/* Bad contact details. */
	struct group_signup s = {.series_id = hbg,
				 .home_municipality_id = w->helsingborg,
				 .name = "X",
				 .email = "inte en adress",
				 .phone = ""};
	assert_int_equal(group_signup(w->t.db, &w->citizen[1], &s, w->now, &id,
				      &waiting, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "group.error.email");
	s.email = "";
	assert_int_equal(group_signup(w->t.db, &w->citizen[1], &s, w->now, &id,
				      &waiting, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "group.error.contact");
	/* Staff cannot sign up as citizens. */
	assert_int_equal(
	    group_signup(w->t.db, &w->leader, &s, w->now, &id, &waiting, &why),
	    NARA_EDENIED);
	/* The catalogue for Bjuv: Landskrona's groups and Bjuv's, not
	 * Helsingborg's own. */
	struct group_view *cards;
	size_t n = 0;
	assert_int_equal(
	    group_catalogue(w->t.db, &w->a, w->bjuv, -1, w->now, &cards, &n),
	    NARA_OK);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(cards[i].municipality_id, w->helsingborg);
	assert_int_equal(group_catalogue(w->t.db, &w->a, 0,
					 group_audience_parse("parents"),
					 w->now, &cards, &n),
			 NARA_OK);
	assert_int_equal(n, 1);
}

static void test_walls_and_attendance(void **state)
{
	struct world *w = world(state);
	struct db *db = w->t.db;
	int64_t s = series(w, group_id(w, "Separationsgrupp för barn"), 6);
	int64_t e = 0;
	int waiting = 0;
	const char *why = NULL;
	assert_int_equal(signup(w, 0, s, w->bjuv, &e, &waiting, &why), NARA_OK);
	/* Another municipality's staff: refused, audited, flagged. */
	struct group_roster r;
	int64_t flagged = 0;
	assert_int_equal(
	    group_roster_read(db, &w->a, &w->other_staff, s, w->now, &r),
	    NARA_EDENIED);
	assert_int_equal(db_query_int(db, &flagged,
				      "SELECT COUNT(*) FROM audit_log WHERE"
				      " flagged = 1 AND record_kind ="
				      " 'group_series' AND record_id = ?",
				      "i", s),
			 NARA_OK);
	assert_int_equal(flagged, 1);
	/* The host's staff: the name and contact, under the agreement. */
	assert_int_equal(
	    group_roster_read(db, &w->a, &w->leader, s, w->now, &r), NARA_OK);
	assert_int_equal(r.nenrolled, 1);
	assert_string_equal(r.enrolled[0].name, "Förälder Testsson");
	int64_t agreement = 0;
	assert_int_equal(
	    agreement_in_force(db, w->unit, w->bjuv, w->now, &agreement),
	    NARA_OK);
	assert_int_equal(r.enrolled[0].agreement_id, agreement);
	int64_t rows = 0;
	assert_int_equal(db_query_int(db, &rows,
				      "SELECT COUNT(*) FROM audit_log WHERE"
				      " action = 'read' AND record_kind ="
				      " 'group_enrolment' AND record_id = ? AND"
				      " agreement_id = ? AND reason = ?",
				      "iis", e, agreement, "own sign-up"),
			 NARA_OK);
	assert_int_equal(rows, 0); /* the reason names the enrolment */
	char reason[64];
	snprintf(reason, sizeof(reason), "enrolment %lld, own sign-up",
		 (long long)e);
	assert_int_equal(db_query_int(db, &rows,
				      "SELECT COUNT(*) FROM audit_log WHERE"
				      " action = 'read' AND record_kind ="
				      " 'group_enrolment' AND record_id = ? AND"
				      " agreement_id = ? AND reason = ?",
				      "iis", e, agreement, reason),
			 NARA_OK);
	assert_int_equal(rows, 1);
	/* Attendance: present at the first session. */
	int64_t first = r.group.series[0].session[0].id;
	assert_int_equal(group_attendance_mark(db, &w->other_staff, first, &e,
					       1, w->now, &why),
			 NARA_EDENIED);
	assert_int_equal(
	    group_attendance_mark(db, &w->leader, first, &e, 1, w->now, &why),
	    NARA_OK);
	int64_t bogus = e + 1000;
	assert_int_equal(group_attendance_mark(db, &w->leader, first, &bogus, 1,
					       w->now, &why),
			 NARA_EINVAL);
	assert_int_equal(
	    group_roster_read(db, &w->a, &w->leader, s, w->now, &r), NARA_OK);
	assert_int_equal(r.enrolled[0].present[0], 1);
	assert_int_equal(r.enrolled[0].present[1], -1);
	/* Marked absent again. */
	assert_int_equal(
	    group_attendance_mark(db, &w->leader, first, NULL, 0, w->now, &why),
	    NARA_OK);
	assert_int_equal(
	    group_roster_read(db, &w->a, &w->leader, s, w->now, &r), NARA_OK);
	assert_int_equal(r.enrolled[0].present[0], 0);
}

static void test_an_officer_enrols_with_consent(void **state)
{
	struct world *w = world(state);
	struct db *db = w->t.db;
	int64_t case_id =
	    id_of(db, "SELECT id FROM case_file WHERE matter = ?", "support");
	int64_t s = series(
	    w, group_id(w, "Stödgrupp för barn som har levt med våld"), 8);
	int64_t e = 0;
	int waiting = 0;
	const char *why = NULL;
	/* No consent named: refused. */
	assert_int_equal(group_enrol_from_case(db, &w->officer, case_id, s, " ",
					       w->now, &e, &waiting, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "group.error.consent");
	/* Staff who may not write to the case: refused. */
	assert_int_equal(group_enrol_from_case(db, &w->leader, case_id, s,
					       "Personen själv", w->now, &e,
					       &waiting, &why),
			 NARA_EDENIED);
	assert_int_equal(group_enrol_from_case(db, &w->officer, case_id, s,
					       "Personen själv", w->now, &e,
					       &waiting, &why),
			 NARA_OK);
	assert_int_equal(waiting, 0);
	int64_t unit = 0, until = 0, ends = 0;
	assert_int_equal(db_query_int(db, &unit,
				      "SELECT consent_unit_id FROM"
				      " group_enrolment WHERE id = ? AND"
				      " consent_scope = 'name_contact' AND"
				      " consent_by = 'Personen själv'",
				      "i", e),
			 NARA_OK);
	assert_int_equal(unit, w->unit);
	assert_int_equal(db_query_int(db, &until,
				      "SELECT consent_until FROM"
				      " group_enrolment WHERE id = ?",
				      "i", e),
			 NARA_OK);
	assert_int_equal(db_query_int(db, &ends,
				      "SELECT ends_at FROM support_group_series"
				      " WHERE id = ?",
				      "i", s),
			 NARA_OK);
	assert_int_equal(until, ends);
	/* The host sees the name and contact, never the case. */
	struct group_roster r;
	assert_int_equal(
	    group_roster_read(db, &w->a, &w->leader, s, w->now, &r), NARA_OK);
	assert_int_equal(r.nenrolled, 1);
	assert_string_equal(r.enrolled[0].source, "officer");
	assert_int_equal(r.hidden, 0);
	/* After the series the consent is over: the host reads it no more. */
	assert_int_equal(
	    group_roster_read(db, &w->a, &w->leader, s, ends + 1, &r), NARA_OK);
	assert_int_equal(r.nenrolled, 0);
	assert_int_equal(r.hidden, 1);
	int64_t disclosed = 0;
	assert_int_equal(db_query_int(db, &disclosed,
				      "SELECT COUNT(*) FROM audit_log WHERE"
				      " action = 'disclose' AND record_id = ?",
				      "i", e),
			 NARA_OK);
	assert_int_equal(disclosed, 1);
}

#define EACH(setup_fn)                                                         \
	{                                                                      \
		cmocka_unit_test_setup_teardown(                               \
		    test_places_waiting_list_and_moving_up, setup_fn,          \
		    teardown),                                                 \
		    cmocka_unit_test_setup_teardown(test_who_may_sign_up,      \
						    setup_fn, teardown),       \
		    cmocka_unit_test_setup_teardown(test_walls_and_attendance, \
						    setup_fn, teardown),       \
		    cmocka_unit_test_setup_teardown(                           \
			test_an_officer_enrols_with_consent, setup_fn,         \
			teardown),                                             \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = EACH(setup_sqlite);
	const struct CMUnitTest pg_tests[] = EACH(setup_pg);
	int failed = cmocka_run_group_tests_name("group/sqlite", sqlite_tests,
						 NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("group/postgresql",
						      pg_tests, NULL, NULL);
	return failed;
}
