/*
 * Cases, the journal and reports of concern (src/domain/case.c, journal.c,
 * report.c) on the demo data, on SQLite and, when NARA_TEST_PG_URL names a
 * server, on PostgreSQL: a report becomes a case in preliminary
 * assessment, a second report joins it (R1.2), the reporter learns only
 * what R1.5 allows, the worklist keeps the clocks, every move of the state
 * machine checks what the law asks, the person reads only what is released
 * (R2.3, R2.4) and never the reporter's identity, and the walls hold: the
 * other municipality's staff are refused, with a flagged audit row.
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
#include "domain/journal.h"
#include "domain/person.h"
#include "domain/report.h"
#include "fixture.h"
#include "web/i18n.h"

/* 2026-03-02 09:00 in Stockholm: a Monday, far from summer time. */
static const int64_t T0 = 1772438400;
enum { DAY = 86400 };

struct world {
	struct test_db t;
	struct arena a;
	struct actor bjuv, bjuv_adults, hbg, child;
	char child_pnr[13];
	int64_t child_id;
};

static int64_t staff_id(struct db *db, const char *username)
{
	int64_t id = 0;
	assert_int_equal(db_query_int(db, &id,
				      "SELECT id FROM staff_user WHERE username = ?",
				      "s", username),
			 NARA_OK);
	return id;
}

static void load_staff(struct world *w, const char *username, struct actor *out)
{
	assert_int_equal(access_load_staff(w->t.db, &w->a,
					   staff_id(w->t.db, username), out),
			 NARA_OK);
}

static int setup(void **state, const char *engine)
{
	char msg[256];
	if (i18n_load(msg, sizeof(msg)) != NARA_OK)
		return -1;
	struct world *w = calloc(1, sizeof(*w));
	if (w == NULL || test_db_open(&w->t, engine, "case") != 0 ||
	    demo_fill(w->t.db, 0, NULL, NULL) != NARA_OK)
		return -1;
	arena_init(&w->a, 0);
	*state = w;
	return 0;
}
static int setup_sqlite(void **state) { return setup(state, "sqlite"); }
static int setup_pg(void **state) { return setup(state, "pg"); }
static int teardown(void **state)
{
	i18n_free();

	struct world *w = *state;
	test_db_close(&w->t);
	arena_free(&w->a);
	free(w);
	return 0;
}

/* The actors, loaded in each test (cmocka's asserts need a test running). */
static struct world *world(void **state)
{
	struct world *w = *state;
	load_staff(w, "bjuv.handlaggare", &w->bjuv);
	load_staff(w, "bjuv.handlaggare2", &w->bjuv_adults);
	load_staff(w, "helsingborg.handlaggare", &w->hbg);
	struct db_stmt *st;
	assert_int_equal(db_prepare(w->t.db,
				    "SELECT p.id, p.personnummer FROM person p JOIN"
				    " municipality m ON m.id = p.municipality_id"
				    " WHERE m.slug = 'bjuv' AND p.protected_identity"
				    " = 0 ORDER BY p.id LIMIT 1",
				    &st),
			 NARA_OK);
	assert_int_equal(db_step(st), DB_ROW);
	w->child_id = db_col_int(st, 0);
	snprintf(w->child_pnr, sizeof(w->child_pnr), "%s", db_col_text(st, 1));
	db_done(st);
	access_citizen(w->child_pnr, &w->child);
	return w;
}

static int64_t file_report(struct world *w, const char *kind, const char *name,
			   int64_t at, char receipt[REPORT_RECEIPT_LEN + 1])
{
	struct report_new r = {
		.municipality_slug = "bjuv",
		.child_name = "Demo Barn",
		.child_personnummer = w->child_pnr,
		.reporter_kind = kind,
		.reporter_name = name,
		.reporter_organisation = "Bjuvs skola",
		.reporter_profession = "school",
		.reporter_phone = "070-1740600",
		.concern = "Barnet kommer hungrigt till skolan varje dag.",
	};
	int64_t case_id = 0;
	const char *why = NULL;
	enum nara_err err = report_submit(w->t.db, &w->a, &r, at, receipt,
					  &case_id, &why);
	if (err != NARA_OK)
		fail_msg("report_submit: %d %s", err, why ? why : "");
	return case_id;
}

static int64_t audit_count(struct db *db, const char *where)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM audit_log WHERE %s", where);
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, sql, ""), NARA_OK);
	return n;
}

static void test_reports_and_receipts(void **state)
{
	struct world *w = world(state);
	char receipt[REPORT_RECEIPT_LEN + 1], second[REPORT_RECEIPT_LEN + 1];
	int64_t case_id = file_report(w, "private", "Karin Granne", T0, receipt);
	assert_int_equal(strlen(receipt), REPORT_RECEIPT_LEN);

	struct case_view v;
	assert_int_equal(case_read(w->t.db, &w->a, &w->bjuv, case_id, T0, &v),
			 NARA_OK);
	assert_int_equal(v.s.state, CS_PRELIMINARY);
	assert_int_equal(v.s.kind, CASE_CHILD_REPORT);
	assert_int_equal(v.s.person_id, w->child_id);
	assert_int_equal(v.s.preliminary.due, clock_preliminary_due(T0));
	assert_int_equal(v.s.protection.due, clock_protection_due(T0));
	assert_int_equal(v.s.protection.state, CLOCK_DUE_SOON);
	assert_true(strncmp(v.s.reference, "BJUV-2026-", 10) == 0);
	assert_int_equal(v.nreports, 1);
	assert_string_equal(v.reports[0].reporter_name, "Karin Granne");
	/* A private reporter keeps no organisation; the text is withheld. */
	assert_string_equal(v.reports[0].reporter_organisation, "");
	assert_int_equal(v.nnotes, 1);
	assert_int_equal(v.notes[0].visibility, VIS_WITHHELD);
	assert_int_equal(v.notes[0].withheld_reason, WITHHELD_REPORTER_IDENTITY);

	/* A second report during the preliminary assessment joins the case. */
	assert_int_equal(file_report(w, "professional", "Per Lärare", T0 + DAY,
				     second),
			 case_id);
	enum report_status status;
	assert_int_equal(report_status(w->t.db, receipt, T0 + DAY, &status), NARA_OK);
	assert_int_equal(status, REPORT_PENDING);
	/* Typed in small letters with spaces, the code still works. */
	char typed[32];
	snprintf(typed, sizeof(typed), "%.4s %.4s %.4s", receipt, receipt + 5,
		 receipt + 10);
	for (char *p = typed; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	assert_int_equal(report_status(w->t.db, typed, T0 + DAY, &status), NARA_OK);
	assert_int_equal(report_status(w->t.db, "AAAA-AAAA-AAAA", T0, &status),
			 NARA_ENOTFOUND);
	assert_int_equal(report_status(w->t.db, "nonsense", T0, &status),
			 NARA_ENOTFOUND);

	/* R1.6: every report is found from the child. */
	struct report_view *reports;
	size_t n;
	assert_int_equal(report_list_for_child(w->t.db, &w->a, &w->bjuv, w->child_id, NULL, &reports, &n),
			 NARA_OK);
	assert_int_equal(n, 2);
	assert_int_equal(report_list_for_child(w->t.db, &w->a, &w->hbg, w->child_id, NULL, &reports, &n),
			 NARA_EDENIED);

	/* Opening the investigation answers the reporters (R1.5). */
	struct case_move open = {.action = CA_OPEN_INVESTIGATION, .child_heard = 1};
	const char *why, *warning;
	assert_int_equal(case_move(w->t.db, &w->bjuv, case_id, &open, T0 + 2 * DAY,
				   &why, &warning),
			 NARA_OK);
	assert_int_equal(report_status(w->t.db, receipt, T0 + 2 * DAY, &status),
			 NARA_OK);
	assert_int_equal(status, REPORT_OPENED);
	/* A report that arrives now joins a running investigation. */
	char third[REPORT_RECEIPT_LEN + 1];
	assert_int_equal(file_report(w, "anonymous", "", T0 + 3 * DAY, third), case_id);
	assert_int_equal(report_status(w->t.db, third, T0 + 3 * DAY, &status), NARA_OK);
	assert_int_equal(status, REPORT_ALREADY_RUNNING);
	/* The anonymous reporter left nothing that could name them. */
	assert_int_equal(case_read(w->t.db, &w->a, &w->bjuv, case_id, T0 + 3 * DAY,
				   &v),
			 NARA_OK);
	assert_int_equal(v.nreports, 3);
	assert_string_equal(v.reports[2].reporter_name, "");
	assert_string_equal(v.reports[2].reporter_phone, "");
}

static void test_bad_reports(void **state)
{
	struct world *w = world(state);
	char receipt[REPORT_RECEIPT_LEN + 1];
	int64_t case_id;
	const char *why;
	struct report_new r = {
		.municipality_slug = "bjuv", .child_name = "Liten Person",
		.reporter_kind = "professional", .reporter_name = "Ann",
		.concern = "Oro.",
	};
	/* A professional must give an organisation and a profession. */
	assert_int_equal(report_submit(w->t.db, &w->a, &r, T0, receipt, &case_id, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "report.error.professional");
	r.reporter_organisation = "Vårdcentralen";
	assert_int_equal(report_submit(w->t.db, &w->a, &r, T0, receipt, &case_id, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "report.error.profession");
	r.reporter_profession = "health";
	r.child_personnummer = "20100101-0001";
	assert_int_equal(report_submit(w->t.db, &w->a, &r, T0, receipt, &case_id, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "report.error.child_pnr");
	r.child_personnummer = "";
	r.concern = "   ";
	assert_int_equal(report_submit(w->t.db, &w->a, &r, T0, receipt, &case_id, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "report.error.concern");
	r.concern = "Oro.";
	r.municipality_slug = "atlantis";
	assert_int_equal(report_submit(w->t.db, &w->a, &r, T0, receipt, &case_id, &why),
			 NARA_ENOTFOUND);
	/* Nothing was half-written by the refusals. */
	assert_int_equal(audit_count(w->t.db, "record_kind = 'child_report'"), 0);
	int64_t cases = -1;
	assert_int_equal(db_query_int(w->t.db, &cases, "SELECT COUNT(*) FROM case_file", ""),
			 NARA_OK);
	assert_int_equal(cases, 0);
	/* A child not yet identified: the case waits with the name given. */
	r.municipality_slug = "bjuv";
	assert_int_equal(report_submit(w->t.db, &w->a, &r, T0, receipt, &case_id, &why),
			 NARA_OK);
	struct case_view v;
	assert_int_equal(case_read(w->t.db, &w->a, &w->bjuv, case_id, T0, &v), NARA_OK);
	assert_int_equal(v.s.person_id, 0);
	assert_string_equal(v.s.person_name, "Liten Person");
}

static void test_walls(void **state)
{
	struct world *w = world(state);
	char receipt[REPORT_RECEIPT_LEN + 1];
	int64_t case_id = file_report(w, "private", "Karin Granne", T0, receipt);
	struct case_view v;
	int64_t before = audit_count(w->t.db, "flagged = 1");
	/* Another municipality: refused, and the attempt is flagged. */
	assert_int_equal(case_read(w->t.db, &w->a, &w->hbg, case_id, T0, &v),
			 NARA_EDENIED);
	assert_int_equal(audit_count(w->t.db, "flagged = 1"), before + 1);
	/* Another unit of the same municipality: refused too (R4.1). */
	assert_int_equal(case_read(w->t.db, &w->a, &w->bjuv_adults, case_id, T0, &v),
			 NARA_EDENIED);
	/* ...until they are added to the case's team. */
	assert_int_equal(case_add_member(w->t.db, &w->bjuv, case_id,
					 w->bjuv_adults.staff_id, 0, T0),
			 NARA_OK);
	load_staff(w, "bjuv.handlaggare2", &w->bjuv_adults);
	assert_int_equal(case_read(w->t.db, &w->a, &w->bjuv_adults, case_id, T0, &v),
			 NARA_OK);
	assert_int_equal(v.nmembers, 1);
	/* Helsingborg's staff can never join a Bjuv case. */
	assert_int_equal(case_add_member(w->t.db, &w->bjuv, case_id,
					 w->hbg.staff_id, 0, T0),
			 NARA_EINVAL);
	/* The worklists agree. */
	struct case_filter f = {0};
	struct case_summary *list;
	size_t n;
	assert_int_equal(case_worklist(w->t.db, &w->a, &w->bjuv, &f, T0, &list, &n),
			 NARA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, case_id);
	assert_int_equal(case_worklist(w->t.db, &w->a, &w->hbg, &f, T0, &list, &n),
			 NARA_OK);
	assert_int_equal(n, 0);
	/* A citizen has no worklist; the child reads only their own case. */
	assert_int_equal(case_worklist(w->t.db, &w->a, &w->child, &f, T0, &list, &n),
			 NARA_EDENIED);
	struct actor stranger;
	access_citizen("191212121212", &stranger);
	assert_int_equal(case_read_own(w->t.db, &w->a, &stranger, case_id, T0, &v),
			 NARA_EDENIED);
}

static void test_the_whole_journey(void **state)
{
	struct world *w = world(state);
	char receipt[REPORT_RECEIPT_LEN + 1];
	int64_t id = file_report(w, "professional", "Per Lärare", T0, receipt);
	const char *why, *warning;
	int64_t t = T0;

	/* The protection assessment stops its clock; only once. */
	struct case_view v;
	assert_int_equal(case_read(w->t.db, &w->a, &w->bjuv, id, t, &v), NARA_OK);
	assert_int_equal(report_assess_protection(w->t.db, &w->bjuv, id, v.reports[0].id,
						  0, "Inget akut skyddsbehov.",
						  VIS_NOW, 0, WITHHELD_NONE, 0,
						  t + 3600, &why),
			 NARA_OK);
	assert_int_equal(report_assess_protection(w->t.db, &w->bjuv, id, v.reports[0].id,
						  0, "Igen.", VIS_NOW, 0,
						  WITHHELD_NONE, 0, t + 3600, &why),
			 NARA_ECONFLICT);
	assert_int_equal(case_read(w->t.db, &w->a, &w->bjuv, id, t + 3600, &v), NARA_OK);
	assert_int_equal(v.s.protection.due, 0);
	assert_int_equal(v.s.unassessed_reports, 0);

	/* R1.2: whether the child was heard must be said, and why not. */
	struct case_move m = {.action = CA_NOT_OPEN, .child_heard = -1,
			      .reason = "Föräldrarna tar emot stöd."};
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &m, t, &why, &warning),
			 NARA_EINVAL);
	assert_string_equal(why, "case.error.child_heard");
	m.child_heard = 0;
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &m, t, &why, &warning),
			 NARA_EINVAL);
	assert_string_equal(why, "case.error.child_not_heard_reason");
	/* After the 14 days, a late decision needs its reason. */
	t = clock_preliminary_due(T0);
	struct case_move open = {.action = CA_OPEN_INVESTIGATION, .child_heard = 1};
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &open, t, &why, &warning),
			 NARA_EINVAL);
	assert_string_equal(why, "case.error.late_reason");
	open.late_reason = "Barnet var bortrest.";
	/* A form filled on an old version of the case is refused. */
	open.expected_version = v.s.version - 1;
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &open, t, &why, &warning),
			 NARA_ECONFLICT);
	assert_string_equal(why, "case.error.changed");
	open.expected_version = 0;
	/* R1.4: the child's two guardians are told; nothing more is said. */
	int64_t g1 = 0, g2 = 0;
	assert_int_equal(db_query_int(w->t.db, &g1,
				      "SELECT MIN(p.id) FROM person p JOIN municipality m"
				      " ON m.id = p.municipality_id WHERE m.slug = 'bjuv'"
				      " AND p.id <> ? AND p.id NOT IN (SELECT child_id"
				      " FROM guardianship) AND p.id NOT IN (SELECT"
				      " guardian_id FROM guardianship WHERE child_id = ?)",
				      "ii", w->child_id, w->child_id),
			 NARA_OK);
	assert_int_equal(db_query_int(w->t.db, &g2,
				      "SELECT MIN(p.id) FROM person p JOIN municipality m"
				      " ON m.id = p.municipality_id WHERE m.slug = 'bjuv'"
				      " AND p.id NOT IN (?, ?) AND p.id NOT IN (SELECT"
				      " child_id FROM guardianship) AND p.id NOT IN (SELECT"
				      " guardian_id FROM guardianship WHERE child_id = ?)",
				      "iii", w->child_id, g1, w->child_id),
			 NARA_OK);
	for (int k = 0; k < 2; k++)
		assert_int_equal(db_run(w->t.db,
					"INSERT INTO guardianship (municipality_id,"
					" guardian_id, child_id, created_at) VALUES"
					" ((SELECT municipality_id FROM person WHERE"
					" id = ?), ?, ?, 0)",
					"iii", k ? g2 : g1, k ? g2 : g1, w->child_id),
				 NARA_OK);
	assert_int_equal(db_run(w->t.db,
				"UPDATE person SET email = 'foralder' || id ||"
				" '@example.com' WHERE id IN (?, ?)",
				"ii", g1, g2),
			 NARA_OK);
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &open, t, &why, &warning),
			 NARA_OK);
	int64_t told = -1;
	assert_int_equal(db_query_int(w->t.db, &told,
				      "SELECT COUNT(DISTINCT person_id) FROM notice_job"
				      " WHERE purpose = 'case_news' AND channel = 'email'"
				      " AND person_id IN (?, ?) AND body LIKE"
				      " '%/mina-sidor%' AND body NOT LIKE '%tredning%'"
				      " AND body NOT LIKE '%Barn%'",
				      "ii", g1, g2),
			 NARA_OK);
	assert_int_equal(told, 2);
	assert_int_equal(case_read(w->t.db, &w->a, &w->bjuv, id, t, &v), NARA_OK);
	assert_int_equal(v.s.state, CS_INVESTIGATION);
	assert_int_equal(v.s.investigation.due, clock_investigation_due(t));
	assert_int_equal(v.s.preliminary.state, CLOCK_DONE);

	/* Illegal moves are refused and change nothing. */
	struct case_move start = {.action = CA_START_INTERVENTION,
				  .intervention_kind_id = 1};
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &start, t, &why, &warning),
			 NARA_ECONFLICT);
	assert_string_equal(why, "case.error.illegal");

	/* R1.3: an extension before the due date, to a later one. */
	int64_t due = v.s.investigation.due;
	struct case_move ext = {.action = CA_EXTEND, .reason = "Väntar på BUP.",
				.new_due = due + 30 * DAY};
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &ext, due, &why, &warning),
			 NARA_EINVAL);
	assert_string_equal(why, "case.error.extension");
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &ext, due - DAY, &why,
				   &warning),
			 NARA_OK);

	/* R2.2: a decision needs its reasons and how to appeal. */
	struct case_move d = {.action = CA_DECIDE, .outcome = "granted",
			      .subject = "Insats enligt 4 kap. 1 § SoL",
			      .content = "Familjebehandling beviljas.",
			      .reasons = "Behovet är utrett."};
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &d, due, &why, &warning),
			 NARA_EINVAL);
	assert_string_equal(why, "case.error.appeal");
	d.appeal = "Du kan överklaga till förvaltningsrätten inom tre veckor.";
	d.presented_by = w->bjuv_adults.staff_id;
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &d, due, &why, &warning),
			 NARA_OK);
	struct case_intervention_kind *kinds;
	size_t nk;
	assert_int_equal(case_intervention_kinds(w->t.db, &w->a, v.s.municipality_id,
						 &kinds, &nk),
			 NARA_OK);
	assert_int_equal(nk, 9);
	assert_string_equal(kinds[0].level, "universal");
	start.intervention_kind_id = kinds[5].id;
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &start, due, &why, &warning),
			 NARA_OK);
	struct case_move close = {.action = CA_CLOSE};
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &close, due, &why, &warning),
			 NARA_EINVAL);
	close.reason = "Målen är nådda.";
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &close, due + DAY, &why,
				   &warning),
			 NARA_OK);
	assert_int_equal(case_read(w->t.db, &w->a, &w->bjuv, id, due + DAY, &v), NARA_OK);
	assert_int_equal(v.s.state, CS_CLOSED);
	assert_int_equal(v.ndecisions, 1);
	assert_string_equal(v.decisions[0].presented_by, w->bjuv_adults.name);
	assert_int_equal(v.ninterventions, 1);
	assert_int_equal(v.interventions[0].ended_at, due + DAY);
	/* Reopening warns that the clock was not reset (R1.3). */
	struct case_move reopen = {.action = CA_REOPEN, .reason = "Ny oro."};
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &reopen, due + 2 * DAY,
				   &why, &warning),
			 NARA_OK);
	assert_string_equal(warning, "case.warning.reopened");
	assert_int_equal(case_read(w->t.db, &w->a, &w->bjuv, id, due + 2 * DAY, &v),
			 NARA_OK);
	assert_int_equal(v.s.investigation.due, due + 30 * DAY);
	assert_true(v.s.reopened);
	/* Every step is on the timeline: created, protection, opened, extended, ... */
	assert_int_equal(v.nevents, 8);
	assert_string_equal(v.events[0].action, "created");
	assert_string_equal(v.events[v.nevents - 1].action, "reopen");
}

static void test_what_the_person_reads(void **state)
{
	struct world *w = world(state);
	char receipt[REPORT_RECEIPT_LEN + 1];
	int64_t id = file_report(w, "private", "Karin Granne", T0, receipt);
	const char *why;
	int64_t note_now, note_later, note_withheld, correction;
	struct journal_new n = {.case_id = id, .body = "Samtal med mamma.",
				.visibility = VIS_NOW};
	assert_int_equal(journal_add(w->t.db, &w->bjuv, &n, T0, &note_now, &why), NARA_OK);
	n.body = "Bedömning efter hembesök.";
	n.visibility = VIS_FROM_DATE;
	n.visible_from = T0 + 7 * DAY;
	assert_int_equal(journal_add(w->t.db, &w->bjuv, &n, T0, &note_later, &why), NARA_OK);
	n.body = "Uppgifter från grannen om pappan.";
	n.visibility = VIS_WITHHELD;
	n.visible_from = 0;
	n.withheld_reason = WITHHELD_THIRD_PARTY;
	assert_int_equal(journal_add(w->t.db, &w->bjuv, &n, T0, &note_withheld, &why),
			 NARA_OK);
	/* A visibility that does not hold together is refused. */
	n.withheld_reason = WITHHELD_NONE;
	assert_int_equal(journal_add(w->t.db, &w->bjuv, &n, T0, &correction, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "journal.error.visibility");
	/* R2.1: a correction is a new note; both stay. */
	struct journal_new c = {.case_id = id, .body = "Rättelse: samtal med pappa.",
				.visibility = VIS_NOW, .corrects_id = note_now};
	assert_int_equal(journal_add(w->t.db, &w->bjuv, &c, T0 + 60, &correction, &why),
			 NARA_OK);

	struct case_view v;
	assert_int_equal(case_read_own(w->t.db, &w->a, &w->child, id, T0 + DAY, &v),
			 NARA_OK);
	assert_int_equal(v.nreports, 0); /* never the reporter, by any path */
	assert_int_equal(v.nnotes, 2);
	assert_int_equal(v.notes[0].id, note_now);
	assert_int_equal(v.notes[0].corrected_by, correction);
	assert_int_equal(v.notes[1].id, correction);
	for (size_t i = 0; i < v.nnotes; i++) {
		assert_null(strstr(v.notes[i].body, "grannen"));
		assert_null(strstr(v.notes[i].body, "hungrig"));
		assert_null(strstr(v.notes[i].author_label, "Karin"));
	}
	/* The delayed note appears on its date, computed, not copied. */
	assert_int_equal(case_read_own(w->t.db, &w->a, &w->child, id, T0 + 7 * DAY, &v),
			 NARA_OK);
	assert_int_equal(v.nnotes, 3);
	/* Released later, the report's text appears at once. */
	int64_t report_note;
	assert_int_equal(db_query_int(w->t.db, &report_note,
				      "SELECT id FROM journal_note WHERE kind = 'report'", ""),
			 NARA_OK);
	assert_int_equal(journal_set_visibility(w->t.db, &w->bjuv, id, report_note, VIS_NOW,
						0, WITHHELD_NONE, 0, T0 + 8 * DAY, &why),
			 NARA_OK);
	assert_int_equal(case_read_own(w->t.db, &w->a, &w->child, id, T0 + 8 * DAY, &v),
			 NARA_OK);
	assert_int_equal(v.nnotes, 4);

	/* The person comments and objects; staff see it in their worklist. */
	struct journal_new obj = {.case_id = id, .body = "Det var inte pappa.",
				  .objection = 1, .corrects_id = note_withheld};
	int64_t oid;
	assert_int_equal(journal_add(w->t.db, &w->child, &obj, T0 + 9 * DAY, &oid, &why),
			 NARA_EINVAL); /* a withheld note does not exist for them */
	assert_string_equal(why, "journal.error.target");
	obj.corrects_id = note_later;
	assert_int_equal(journal_add(w->t.db, &w->child, &obj, T0 + 9 * DAY, &oid, &why),
			 NARA_OK);
	struct case_filter f = {0};
	struct case_summary *list;
	size_t n2;
	assert_int_equal(case_worklist(w->t.db, &w->a, &w->bjuv, &f, T0 + 9 * DAY, &list,
				       &n2),
			 NARA_OK);
	assert_int_equal(n2, 1);
	assert_int_equal(list[0].objections, 1);
	/* The person cannot change what staff may see. */
	assert_int_equal(journal_set_visibility(w->t.db, &w->child, id, note_withheld,
						VIS_NOW, 0, WITHHELD_NONE, 0, T0, &why),
			 NARA_EDENIED);
	/* Every read by the person is in the log as theirs. */
	assert_true(audit_count(w->t.db, "actor_kind = 'citizen' AND action = 'read_own'") >= 3);
	/* The journal cannot be edited behind the code's back either. */
	assert_int_not_equal(db_run(w->t.db, "UPDATE journal_note SET body = 'x'", ""),
			     NARA_OK);
	assert_int_not_equal(db_run(w->t.db, "DELETE FROM journal_note", ""), NARA_OK);
}


/* The moves a page may offer, as a set of bits (case_view.moves). */
static unsigned moves(enum case_action a, ...)
{
	unsigned m = 1u << a;
	va_list ap;
	va_start(ap, a);
	for (int next; (next = va_arg(ap, int)) >= 0;)
		m |= 1u << next;
	va_end(ap);
	return m;
}

static struct case_view reread(struct world *w, int64_t id, int64_t at)
{
	struct case_view v;
	assert_int_equal(case_read(w->t.db, &w->a, &w->bjuv, id, at, &v), NARA_OK);
	return v;
}

/*
 * What the staff pages rely on: only the legal moves are offered, a form
 * sent on an old version of the case is refused by every kind of change,
 * each requirement of a decision is named on its own, and the reports
 * about a child say what came of them (R1.6).
 */
static void test_what_the_pages_need(void **state)
{
	struct world *w = world(state);
	char receipt[REPORT_RECEIPT_LEN + 1];
	int64_t id = file_report(w, "private", "Karin Granne", T0, receipt);
	const char *why, *warning;
	struct case_view v = reread(w, id, T0);
	assert_int_equal(v.moves, moves(CA_OPEN_INVESTIGATION, CA_NOT_OPEN, -1));

	/* A protection assessment on an old version changes nothing. */
	int64_t report = v.reports[0].id, version = v.s.version;
	/* Nor does one sent through another case, or a note changed so. */
	int64_t other = 0;
	struct report_new elsewhere = {
		.municipality_slug = "bjuv", .child_name = "Annat Barn",
		.reporter_kind = "anonymous", .concern = "Oro.",
	};
	assert_int_equal(report_submit(w->t.db, &w->a, &elsewhere, T0, receipt,
				       &other, &why),
			 NARA_OK);
	assert_int_equal(report_assess_protection(w->t.db, &w->bjuv, other, report, 1,
						  "Fel ärende.", VIS_NOW, 0,
						  WITHHELD_NONE, 0, T0, &why),
			 NARA_ENOTFOUND);
	assert_int_equal(journal_set_visibility(w->t.db, &w->bjuv, other,
						v.notes[0].id, VIS_NOW, 0,
						WITHHELD_NONE, 0, T0, &why),
			 NARA_ENOTFOUND);
	/* Named alone (the API), a note is found in whichever case it is. */
	assert_int_equal(journal_set_visibility(w->t.db, &w->bjuv, 0,
						v.notes[0].id, VIS_WITHHELD, 0,
						WITHHELD_REPORTER_IDENTITY, 0, T0,
						&why),
			 NARA_OK);
	v = reread(w, id, T0);
	version = v.s.version;
	assert_int_equal(report_assess_protection(w->t.db, &w->bjuv, id, report, 1,
						  "Barnet placeras akut.", VIS_NOW,
						  0, WITHHELD_NONE, version - 1,
						  T0, &why),
			 NARA_ECONFLICT);
	assert_string_equal(why, "case.error.changed");
	v = reread(w, id, T0);
	assert_int_equal(v.s.unassessed_reports, 1);
	assert_int_equal(v.s.version, version);
	assert_int_equal(report_assess_protection(w->t.db, &w->bjuv, id, report, 1,
						  "Barnet placeras akut.", VIS_NOW,
						  0, WITHHELD_NONE, version, T0,
						  &why),
			 NARA_OK);
	v = reread(w, id, T0);
	assert_true(v.s.version > version);
	assert_int_equal(v.reports[0].protection_immediate, 1);

	/* So do a change of officer and of a note's visibility. */
	assert_int_equal(case_assign(w->t.db, &w->bjuv, id, w->bjuv.staff_id,
				     version, T0),
			 NARA_ECONFLICT);
	assert_int_equal(case_assign(w->t.db, &w->bjuv, id, w->hbg.staff_id,
				     v.s.version, T0),
			 NARA_EINVAL);
	assert_int_equal(case_assign(w->t.db, &w->bjuv, id, w->bjuv.staff_id,
				     v.s.version, T0),
			 NARA_OK);
	v = reread(w, id, T0);
	assert_int_equal(v.s.assigned_staff_id, w->bjuv.staff_id);
	assert_int_equal(journal_set_visibility(w->t.db, &w->bjuv, id, v.notes[0].id,
						VIS_NOW, 0, WITHHELD_NONE,
						v.s.version - 1, T0, &why),
			 NARA_ECONFLICT);
	assert_string_equal(why, "case.error.changed");
	assert_int_equal(reread(w, id, T0).notes[0].visibility, VIS_WITHHELD);

	/* Opened an hour after the report: opened for it, not already running. */
	const int64_t T1 = T0 + 3600;
	struct case_move open = {.action = CA_OPEN_INVESTIGATION, .child_heard = 1};
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &open, T1, &why,
				   &warning),
			 NARA_OK);
	v = reread(w, id, T1);
	assert_int_equal(v.moves, moves(CA_EXTEND, CA_DECIDE, CA_CLOSE, -1));

	/* Each part of a decision that is missing is named (R2.2). */
	struct case_move d = {.action = CA_DECIDE, .outcome = "refused",
			      .appeal = "Överklaga inom tre veckor."};
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &d, T1, &why, &warning),
			 NARA_EINVAL);
	assert_string_equal(why, "case.error.subject");
	d.subject = "Familjebehandling";
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &d, T1, &why, &warning),
			 NARA_EINVAL);
	assert_string_equal(why, "case.error.content");
	d.content = "Ansökan avslås.";
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &d, T1, &why, &warning),
			 NARA_EINVAL);
	assert_string_equal(why, "case.error.reasons");
	d.reasons = "Behovet tillgodoses på annat sätt.";
	/* Presented by someone of another municipality: no. */
	d.presented_by = w->hbg.staff_id;
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &d, T1, &why, &warning),
			 NARA_EINVAL);
	assert_string_equal(why, "case.error.presented_by");
	d.presented_by = w->bjuv_adults.staff_id;
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &d, T1, &why, &warning),
			 NARA_OK);
	/* A refusal allows no intervention; a later granted decision does. */
	assert_int_equal(reread(w, id, T1).moves, moves(CA_DECIDE, CA_CLOSE, -1));
	d.outcome = "partly";
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &d, T1, &why, &warning),
			 NARA_OK);
	assert_int_equal(reread(w, id, T1).moves,
			 moves(CA_DECIDE, CA_START_INTERVENTION, CA_CLOSE, -1));

	/* Another municipality's intervention is no intervention here. */
	int64_t foreign = 0;
	assert_int_equal(db_query_int(w->t.db, &foreign,
				      "SELECT k.id FROM intervention_kind k JOIN"
				      " municipality m ON m.id = k.municipality_id"
				      " WHERE m.slug = 'helsingborg' ORDER BY k.id"
				      " LIMIT 1", ""),
			 NARA_OK);
	struct case_move start = {.action = CA_START_INTERVENTION,
				  .intervention_kind_id = foreign};
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &start, T1, &why, &warning),
			 NARA_EINVAL);
	assert_string_equal(why, "case.error.intervention");
	struct case_intervention_kind *kinds;
	size_t nk;
	assert_int_equal(case_intervention_kinds(w->t.db, &w->a, v.s.municipality_id,
						 &kinds, &nk),
			 NARA_OK);
	start.intervention_kind_id = kinds[4].id;
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &start, T1, &why, &warning),
			 NARA_OK);

	/* A follow-up says what it found. */
	struct case_move follow = {.action = CA_FOLLOW_UP};
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &follow, T1, &why, &warning),
			 NARA_EINVAL);
	assert_string_equal(why, "case.error.follow_up");
	follow.reason = "Barnet mår bättre, skolan rapporterar närvaro.";
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &follow, T1, &why, &warning),
			 NARA_OK);
	v = reread(w, id, T1);
	assert_int_equal(v.moves, moves(CA_DECIDE, CA_RESUME, CA_CLOSE, -1));
	assert_string_equal(v.events[v.nevents - 1].reason, follow.reason);
	struct case_move close = {.action = CA_CLOSE, .reason = "Målen är nådda."};
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &close, T1, &why, &warning),
			 NARA_OK);
	assert_int_equal(reread(w, id, T1).moves, moves(CA_REOPEN, -1));

	/* R1.6: the report, its case and what came of it, from the child. */
	struct report_view *reports;
	size_t n;
	assert_int_equal(report_list_for_child(w->t.db, &w->a, &w->bjuv, w->child_id, NULL,
					       &reports, &n),
			 NARA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(reports[0].case_id, id);
	assert_string_equal(reports[0].case_reference, v.s.reference);
	assert_int_equal(reports[0].outcome, REPORT_OPENED);
}

/*
 * A report that comes by telephone or letter is registered by staff: it
 * lands in their own municipality under their name, and only casework
 * roles may do it; a refusal is audited and flagged.
 */
static void test_staff_registers_a_report(void **state)
{
	struct world *w = world(state);
	struct actor first_line, security;
	load_staff(w, "bjuv.forstalinjen", &first_line);
	load_staff(w, "bjuv.sakerhet", &security);
	struct report_new r = {
		.municipality_slug = "helsingborg", /* ignored for staff */
		.child_name = "Demo Barn",
		.child_personnummer = w->child_pnr,
		.reporter_kind = "professional",
		.reporter_name = "Polisen Syd",
		.reporter_organisation = "Polismyndigheten",
		.reporter_profession = "police",
		.concern = "Polisen var på plats efter ett larm om bråk i hemmet.",
		.registered_by = &first_line,
	};
	char receipt[REPORT_RECEIPT_LEN + 1];
	int64_t id = 0;
	const char *why;
	assert_int_equal(report_submit(w->t.db, &w->a, &r, T0, receipt, &id, &why),
			 NARA_OK);
	struct case_view v = reread(w, id, T0);
	assert_true(strncmp(v.s.reference, "BJUV-", 5) == 0);
	assert_int_equal(v.s.person_id, w->child_id);
	char where[160];
	snprintf(where, sizeof(where),
		 "record_kind = 'child_report' AND action = 'create' AND"
		 " actor_kind = 'staff' AND actor_id = %lld",
		 (long long)first_line.staff_id);
	assert_int_equal(audit_count(w->t.db, where), 1);

	/* The security officer does no casework: refused, flagged, nothing made. */
	int64_t flagged = audit_count(w->t.db, "flagged = 1");
	r.registered_by = &security;
	int64_t none = -1;
	assert_int_equal(report_submit(w->t.db, &w->a, &r, T0, receipt, &none, &why),
			 NARA_EDENIED);
	assert_int_equal(audit_count(w->t.db, "flagged = 1"), flagged + 1);
	assert_int_equal(audit_count(w->t.db, "action = 'write_denied' AND"
					      " record_kind = 'child_report'"),
			 1);
	int64_t reports = -1;
	assert_int_equal(db_query_int(w->t.db, &reports,
				      "SELECT COUNT(*) FROM child_report", ""),
			 NARA_OK);
	assert_int_equal(reports, 1);

	/* Not opened: the list from the child says so (R1.6). */
	struct case_move no = {.action = CA_NOT_OPEN, .child_heard = 0,
			       .child_not_heard_reason = "Barnet är två år.",
			       .reason = "Familjen har redan stöd."};
	const char *warning;
	assert_int_equal(case_move(w->t.db, &w->bjuv, id, &no, T0 + DAY, &why,
				   &warning),
			 NARA_OK);
	struct report_view *list;
	size_t n;
	struct person_view child;
	assert_int_equal(report_list_for_child(w->t.db, &w->a, &w->bjuv, w->child_id,
					       &child, &list, &n),
			 NARA_OK);
	assert_int_equal(child.id, w->child_id);
	assert_string_equal(child.personnummer, w->child_pnr);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].outcome, REPORT_NOT_OPENED);
	assert_string_equal(list[0].reporter_organisation, "Polismyndigheten");
}

#define EACH(setup_fn)                                                         \
	{                                                                      \
		cmocka_unit_test_setup_teardown(test_reports_and_receipts,      \
						setup_fn, teardown),            \
		cmocka_unit_test_setup_teardown(test_bad_reports, setup_fn,     \
						teardown),                      \
		cmocka_unit_test_setup_teardown(test_walls, setup_fn, teardown), \
		cmocka_unit_test_setup_teardown(test_the_whole_journey,         \
						setup_fn, teardown),            \
		cmocka_unit_test_setup_teardown(test_what_the_person_reads,     \
						setup_fn, teardown),            \
		cmocka_unit_test_setup_teardown(test_what_the_pages_need,       \
						setup_fn, teardown),            \
		cmocka_unit_test_setup_teardown(test_staff_registers_a_report,  \
						setup_fn, teardown),            \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = EACH(setup_sqlite);
	const struct CMUnitTest pg_tests[] = EACH(setup_pg);
	int failed = cmocka_run_group_tests_name("case/sqlite", sqlite_tests,
						 NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("case/postgresql", pg_tests,
						      NULL, NULL);
	return failed;
}
