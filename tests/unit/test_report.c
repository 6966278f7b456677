/*
 * Reports of concern as the public form sends them (src/domain/report.c):
 * report_check finds every problem at once and names its field, so the
 * page can mark each one; and, on both engines, what a reporter learns
 * with the receipt code is exactly one of the four answers of R1.5, and
 * every report about a child stays findable from the child (R1.6), also
 * one that led to no investigation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "domain/access.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/report.h"
#include "fixture.h"

/* 2026-03-02 09:00 in Stockholm. */
static const int64_t T0 = 1772438400;
enum { DAY = 86400 };

/* ---- report_check ---- */

static void expect(const struct report_new *r, const char *const *want)
{
	struct report_problem got[REPORT_MAX_PROBLEMS];
	size_t n = report_check(r, T0, got), k = 0;
	for (; want[k] != NULL; k += 2) {
		if (k / 2 >= n)
			fail_msg("missing %s at %s", want[k + 1], want[k]);
		if (strcmp(got[k / 2].field, want[k]) != 0 ||
		    strcmp(got[k / 2].why, want[k + 1]) != 0)
			fail_msg("problem %zu: %s at %s, want %s at %s", k / 2,
				 got[k / 2].why, got[k / 2].field, want[k + 1],
				 want[k]);
	}
	if (n != k / 2)
		fail_msg("%zu problems, want %zu (the next: %s at %s)", n,
			 k / 2, got[k / 2].why, got[k / 2].field);
}

static void test_check_names_each_field(void **state)
{
	(void)state;
	/* Anonymous, the least a report needs. */
	struct report_new r = {.child_name = "Alva",
			       .reporter_kind = "anonymous",
			       .concern =
				   "Hon är ofta ensam hemma på nätterna."};
	expect(&r, (const char *const[]){NULL});

	/* Nothing at all: the child, the concern, who reports. */
	struct report_new empty = {0};
	expect(&empty, (const char *const[]){
			   "child_name", "report.error.child_name", "concern",
			   "report.error.concern", "reporter_kind",
			   "report.error.reporter_kind", NULL});

	/* A professional must say who, where and in which work. */
	struct report_new pro = r;
	pro.reporter_kind = "professional";
	expect(&pro,
	       (const char *const[]){
		   "reporter_name", "report.error.professional",
		   "reporter_organisation", "report.error.professional",
		   "reporter_profession", "report.error.profession", NULL});
	pro.reporter_name = "Per Lärare";
	pro.reporter_organisation = "Bjuvs skola";
	pro.reporter_profession = "astrologer";
	expect(&pro, (const char *const[]){"reporter_profession",
					   "report.error.profession", NULL});
	pro.reporter_profession = "school";
	expect(&pro, (const char *const[]){NULL});

	/* A private person gives a name, or chooses to be anonymous. */
	struct report_new priv = r;
	priv.reporter_kind = "private";
	priv.reporter_name = "   ";
	expect(&priv, (const char *const[]){"reporter_name",
					    "report.error.private_name", NULL});

	/* What is wrong in the details, field by field. */
	char long_name[300];
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	struct report_new details = r;
	details.child_personnummer = "20100101-0001";
	details.reporter_phone = long_name;
	details.child_details = "ok\xff";
	expect(&details,
	       (const char *const[]){
		   "child_details", "report.error.child_details",
		   "reporter_phone", "report.error.reporter",
		   "child_personnummer", "report.error.child_pnr", NULL});
}

/* ---- R1.5 and R1.6 on the database ---- */

struct world {
	struct test_db t;
	struct arena a;
	struct actor officer;
	char pnr[13];
	int64_t child_id;
};

static int setup(void **state, const char *engine)
{
	struct world *w = calloc(1, sizeof(*w));
	if (w == NULL || test_db_open(&w->t, engine, "report") != 0 ||
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
	int64_t id = 0;
	assert_int_equal(db_query_int(w->t.db, &id,
				      "SELECT id FROM staff_user WHERE"
				      " username = ?",
				      "s", "bjuv.handlaggare"),
			 NARA_OK);
	assert_int_equal(access_load_staff(w->t.db, &w->a, id, &w->officer),
			 NARA_OK);
	struct db_stmt *st;
	assert_int_equal(
	    db_prepare(w->t.db,
		       "SELECT p.id, p.personnummer FROM person p JOIN"
		       " municipality m ON m.id = p.municipality_id WHERE"
		       " m.slug = 'bjuv' AND p.protected_identity = 0"
		       " ORDER BY p.id DESC LIMIT 1",
		       &st),
	    NARA_OK);
	assert_int_equal(db_step(st), DB_ROW);
	w->child_id = db_col_int(st, 0);
	snprintf(w->pnr, sizeof(w->pnr), "%s", db_col_text(st, 1));
	db_done(st);
	return w;
}

static int64_t file(struct world *w, int64_t at,
		    char receipt[REPORT_RECEIPT_LEN + 1])
{
	struct report_new r = {
	    .municipality_slug = "bjuv",
	    .child_name = "Demo Barn",
	    .child_personnummer = w->pnr,
	    .reporter_kind = "anonymous",
	    .concern = "Barnet har berättat att det blir slaget hemma.",
	};
	int64_t case_id = 0;
	const char *why = NULL;
	assert_int_equal(
	    report_submit(w->t.db, &w->a, &r, at, receipt, &case_id, &why),
	    NARA_OK);
	return case_id;
}

static enum report_status status_of(struct world *w, const char *receipt)
{
	enum report_status s = (enum report_status) - 1;
	assert_int_equal(report_status(w->t.db, receipt, T0 + 30 * DAY, &s),
			 NARA_OK);
	return s;
}

static void move(struct world *w, int64_t case_id, enum case_action action,
		 int64_t at)
{
	struct case_move m = {
	    .action = action,
	    .child_heard = 1,
	    .reason = "Föräldrarna tar emot stöd i öppenvården.",
	};
	const char *why = NULL, *warning = NULL;
	enum nara_err err =
	    case_move(w->t.db, &w->officer, case_id, &m, at, &why, &warning);
	if (err != NARA_OK)
		fail_msg("case_move: %d %s", err, why ? why : "");
}

static void test_reporter_learns_only_the_four_answers(void **state)
{
	struct world *w = world(state);
	char first[REPORT_RECEIPT_LEN + 1], second[REPORT_RECEIPT_LEN + 1];
	char third[REPORT_RECEIPT_LEN + 1];

	/* Not decided yet. */
	int64_t c1 = file(w, T0, first);
	assert_int_equal(status_of(w, first), REPORT_PENDING);
	/* Decided not to open: the first reporter hears exactly that. */
	move(w, c1, CA_NOT_OPEN, T0 + 3 * DAY);
	assert_int_equal(status_of(w, first), REPORT_NOT_OPENED);

	/* A new report about the same child opens a new case (the old one
	 * is closed); this time an investigation is opened. */
	int64_t c2 = file(w, T0 + 5 * DAY, second);
	assert_true(c2 != c1);
	assert_int_equal(status_of(w, second), REPORT_PENDING);
	move(w, c2, CA_OPEN_INVESTIGATION, T0 + 6 * DAY);
	assert_int_equal(status_of(w, second), REPORT_OPENED);
	/* The first answer does not change with the second case. */
	assert_int_equal(status_of(w, first), REPORT_NOT_OPENED);

	/* A report that arrives during the investigation joins it. */
	assert_int_equal(file(w, T0 + 7 * DAY, third), c2);
	assert_int_equal(status_of(w, third), REPORT_ALREADY_RUNNING);

	/* An unknown code and a malformed one get the same answer. */
	enum report_status s;
	assert_int_equal(report_status(w->t.db, "ZZZZ-ZZZZ-ZZZZ", T0, &s),
			 NARA_ENOTFOUND);
	assert_int_equal(report_status(w->t.db, "<script>", T0, &s),
			 NARA_ENOTFOUND);

	/* R1.6: all three reports are found from the child, also the one
	 * that led to nothing. */
	struct report_view *list;
	size_t n;
	assert_int_equal(report_list_for_child(w->t.db, &w->a, &w->officer,
					       w->child_id, NULL, &list, &n),
			 NARA_OK);
	assert_int_equal(n, 3);
	int in_first = 0;
	for (size_t i = 0; i < n; i++)
		in_first += list[i].received_at == T0;
	assert_int_equal(in_first, 1);
	/* Each question with a code is itself in the audit log. */
	int64_t asked = 0;
	assert_int_equal(db_query_int(w->t.db, &asked,
				      "SELECT COUNT(*) FROM audit_log WHERE"
				      " action = ?",
				      "s", "read_status"),
			 NARA_OK);
	assert_int_equal(asked, 6);
}

#define EACH(setup_fn)                                                         \
	{                                                                      \
		cmocka_unit_test_setup_teardown(                               \
		    test_reporter_learns_only_the_four_answers, setup_fn,      \
		    teardown)                                                  \
	}

int main(void)
{
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_check_names_each_field),
	};
	const struct CMUnitTest sqlite_tests[] = EACH(setup_sqlite);
	const struct CMUnitTest pg_tests[] = EACH(setup_pg);
	int failed = cmocka_run_group_tests_name("report", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("report/sqlite", sqlite_tests,
					      NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("report/postgresql",
						      pg_tests, NULL, NULL);
	else
		printf("report/postgresql: skipped (NARA_TEST_PG_URL not "
		       "set)\n");
	return failed;
}
