/*
 * Agreements as versions (DOMAIN.md R3.3, src/domain/agreement.c) on both
 * engines: the host's administrator records version 1, a change is
 * version 2 whose start ends version 1, agreement_in_force picks the
 * version in force at each moment (never two), nothing acts under an
 * ended agreement, the delegation is the version's own; bad input and
 * other municipalities are refused with nothing written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "domain/access.h"
#include "domain/agreement.h"
#include "domain/demo.h"
#include "domain/tenant.h"
#include "fixture.h"
#include "policy/case_flow.h"

/* 2027-01-01 00:00 in Stockholm. */
static const int64_t T0 = 1798758000;
enum { DAY = 86400 };

struct world {
	struct test_db t;
	struct arena a;
	struct actor admin, bjuv_admin, officer;
	int64_t unit, bjuv, angelholm, helsingborg;
};

static void load(struct world *w, const char *username, struct actor *out)
{
	int64_t id = 0;
	assert_int_equal(
	    db_query_int(w->t.db, &id,
			 "SELECT id FROM staff_user WHERE username = ?", "s",
			 username),
	    NARA_OK);
	assert_int_equal(access_load_staff(w->t.db, &w->a, id, out), NARA_OK);
}

static int setup(void **state, const char *engine)
{
	struct world *w = calloc(1, sizeof(*w));
	if (w == NULL || test_db_open(&w->t, engine, "agreement") != 0 ||
	    demo_fill(w->t.db, 0, NULL, NULL) != NARA_OK)
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
	load(w, "helsingborg.admin", &w->admin);
	load(w, "bjuv.admin", &w->bjuv_admin);
	load(w, "helsingborg.handlaggare", &w->officer);
	assert_int_equal(municipality_id_by_slug(w->t.db, "bjuv", &w->bjuv),
			 NARA_OK);
	assert_int_equal(
	    municipality_id_by_slug(w->t.db, "angelholm", &w->angelholm),
	    NARA_OK);
	assert_int_equal(
	    municipality_id_by_slug(w->t.db, "helsingborg", &w->helsingborg),
	    NARA_OK);
	/* A shared unit of its own, so that no demo agreement covers it. */
	assert_int_equal(unit_add(w->t.db, w->helsingborg, "nattjour",
				  "Nattjour", "adults", 1, NULL, NULL,
				  &w->unit),
			 NARA_OK);
	return w;
}

static int64_t in_force(struct world *w, int64_t member, int64_t at)
{
	int64_t id = 0;
	enum nara_err err =
	    agreement_in_force(w->t.db, w->unit, member, at, &id);
	if (err == NARA_ENOTFOUND)
		return 0;
	assert_int_equal(err, NARA_OK);
	return id;
}

static int delegates(struct world *w, int64_t id, const char *move)
{
	int yes = -1;
	assert_int_equal(agreement_delegates(w->t.db, id, move, &yes), NARA_OK);
	return yes;
}

static int64_t count(struct world *w, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(w->t.db, &n, sql, ""), NARA_OK);
	return n;
}

static void test_versions(void **state)
{
	struct world *w = world(state);
	int64_t v1_members[] = {w->bjuv, w->angelholm};
	int64_t units[] = {w->unit};
	struct agreement_input in = {
	    .name = "Avtal om nattjour",
	    .services = "Socialjour nätter och helger.",
	    .members = v1_members,
	    .nmembers = 2,
	    .units = units,
	    .nunits = 1,
	    .delegation = 1u << CA_DECIDE,
	    .valid_from = T0,
	};
	const char *why = NULL;
	int64_t v1 = 0, v2 = 0, ignored = 0;

	/* Bad input and the wrong people: refused, nothing written. */
	int64_t before = count(w, "SELECT COUNT(*) FROM agreement");
	struct agreement_input bad = in;
	bad.nmembers = 0;
	assert_int_equal(
	    agreement_record(w->t.db, &w->admin, &bad, T0, &ignored, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "agreement.error.no_members");
	bad = in;
	bad.nunits = 0;
	assert_int_equal(
	    agreement_record(w->t.db, &w->admin, &bad, T0, &ignored, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "agreement.error.no_unit");
	bad = in;
	bad.valid_to = T0 - DAY;
	assert_int_equal(
	    agreement_record(w->t.db, &w->admin, &bad, T0, &ignored, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "agreement.error.period");
	int64_t unknown[] = {w->bjuv, 99999};
	bad = in;
	bad.members = unknown;
	assert_int_equal(
	    agreement_record(w->t.db, &w->admin, &bad, T0, &ignored, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "agreement.error.municipality");
	/* Bjuv's administrator cannot host with Helsingborg's unit. */
	int64_t others[] = {w->angelholm};
	bad = in;
	bad.members = others;
	bad.nmembers = 1;
	assert_int_equal(
	    agreement_record(w->t.db, &w->bjuv_admin, &bad, T0, &ignored, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "agreement.error.unit");
	assert_int_equal(
	    agreement_record(w->t.db, &w->officer, &in, T0, &ignored, &why),
	    NARA_EDENIED);
	assert_int_equal(count(w, "SELECT COUNT(*) FROM agreement"), before);

	assert_int_equal(
	    agreement_record(w->t.db, &w->admin, &in, T0, &v1, &why), NARA_OK);
	assert_int_equal(in_force(w, w->bjuv, T0 - 1), 0);
	assert_int_equal(in_force(w, w->bjuv, T0), v1);
	assert_int_equal(delegates(w, v1, "decide"), 1);
	assert_int_equal(delegates(w, v1, "close"), 0);

	/* A member's administrator cannot change it. */
	int64_t series = v1;
	assert_int_equal(agreement_change(w->t.db, &w->bjuv_admin, series, v1,
					  &in, T0 + DAY, &ignored, &why),
			 NARA_EDENIED);

	/* Version 2 from day 10: Ängelholm only, closing instead of deciding.
	 */
	int64_t v2_members[] = {w->angelholm};
	struct agreement_input change = in;
	change.members = v2_members;
	change.nmembers = 1;
	change.delegation = 1u << CA_CLOSE;
	change.valid_from = T0 + 10 * DAY;
	struct agreement_input early = change;
	early.valid_from = T0;
	assert_int_equal(agreement_change(w->t.db, &w->admin, series, v1,
					  &early, T0 + DAY, &ignored, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "agreement.error.change_from");
	assert_int_equal(agreement_change(w->t.db, &w->admin, series, v1,
					  &change, T0 + DAY, &v2, &why),
			 NARA_OK);
	assert_int_not_equal(v1, v2);
	int64_t v2_version = 0, v1_to = 0;
	assert_int_equal(
	    db_query_int(
		w->t.db, &v2_version,
		"SELECT version FROM agreement WHERE id = ? AND series = ?",
		"ii", v2, series),
	    NARA_OK);
	assert_int_equal(v2_version, 2);
	assert_int_equal(
	    db_query_int(w->t.db, &v1_to,
			 "SELECT valid_to FROM agreement WHERE id = ?", "i",
			 v1),
	    NARA_OK);
	assert_int_equal(v1_to, change.valid_from);

	/* The old version stops at the new one's start; never two at once. */
	assert_int_equal(in_force(w, w->angelholm, T0 + 10 * DAY - 1), v1);
	assert_int_equal(in_force(w, w->angelholm, T0 + 10 * DAY), v2);
	assert_int_equal(in_force(w, w->bjuv, T0 + 10 * DAY - 1), v1);
	assert_int_equal(in_force(w, w->bjuv, T0 + 10 * DAY), 0);
	assert_int_equal(delegates(w, v2, "decide"), 0);
	assert_int_equal(delegates(w, v2, "close"), 1);

	/* A form drawn on version 1 is refused now. */
	assert_int_equal(agreement_change(w->t.db, &w->admin, series, v1,
					  &change, T0 + 2 * DAY, &ignored,
					  &why),
			 NARA_ECONFLICT);
	assert_string_equal(why, "agreement.error.changed");

	/* Ended at day 20: nothing acts under it from then. */
	assert_int_equal(agreement_end(w->t.db, &w->admin, series, v2,
				       T0 + 5 * DAY, T0 + 2 * DAY, &why),
			 NARA_EINVAL);
	assert_int_equal(agreement_end(w->t.db, &w->admin, series, v2,
				       T0 + 20 * DAY, T0 + 2 * DAY, &why),
			 NARA_OK);
	assert_int_equal(in_force(w, w->angelholm, T0 + 20 * DAY - 1), v2);
	assert_int_equal(in_force(w, w->angelholm, T0 + 20 * DAY), 0);

	/* A version whose period has ended is never changed. */
	struct agreement_input late = change;
	late.valid_from = T0 + 30 * DAY;
	assert_int_equal(agreement_change(w->t.db, &w->admin, series, v2, &late,
					  T0 + 25 * DAY, &ignored, &why),
			 NARA_ECONFLICT);
	assert_string_equal(why, "agreement.error.ended");
	assert_int_equal(agreement_end(w->t.db, &w->admin, series, v2,
				       T0 + 40 * DAY, T0 + 25 * DAY, &why),
			 NARA_ECONFLICT);

	/* The reads: the member sees the series, with both versions. */
	struct agreement_version *vs;
	size_t n;
	int can_write = -1;
	assert_int_equal(agreement_series_read(w->t.db, &w->a, &w->bjuv_admin,
					       series, T0 + 2 * DAY, &vs, &n,
					       &can_write),
			 NARA_OK);
	assert_int_equal(n, 2);
	assert_int_equal(can_write, 0);
	assert_int_equal(vs[0].version, 2);
	assert_int_equal(vs[1].nmembers, 2);

	/* Each write audited once with the admin as actor. */
	assert_int_equal(
	    count(w, "SELECT COUNT(*) FROM audit_log WHERE"
		     " actor_kind = 'staff' AND record_kind = 'agreement'"),
	    3);
}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
	    cmocka_unit_test_setup_teardown(test_versions, setup_sqlite,
					    teardown)};
	const struct CMUnitTest pg_tests[] = {
	    cmocka_unit_test_setup_teardown(test_versions, setup_pg, teardown)};
	int failed = cmocka_run_group_tests_name("agreement/sqlite",
						 sqlite_tests, NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("agreement/postgresql",
						      pg_tests, NULL, NULL);
	else
		printf("agreement/postgresql: skipped (NARA_TEST_PG_URL not "
		       "set)\n");
	return failed;
}
