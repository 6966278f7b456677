/*
 * A case handed over as a package (DOMAIN.md R3.4, src/domain/handover.c)
 * on both engines: only the chosen parts arrive (a document's bytes too,
 * re-sealed under the receiving municipality's key); a withheld document
 * or note goes only when chosen on purpose; only the receiving reception
 * opens or accepts, into a unit where it does casework; afterwards each
 * committee reads only its own case. And the reception rule as a table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "core/secret.h"
#include "domain/access.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/document.h"
#include "domain/handover.h"
#include "domain/journal.h"
#include "domain/tenant.h"
#include "fixture.h"
#include "policy/handover.h"

static const int64_t T0 = 1798758000; /* 2027-01-01 */

static const unsigned char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
				   "<< /Type /Catalog >>\nendobj\n%%EOF\n";

static void test_reception_rule(void **state)
{
	(void)state;
	struct {
		enum policy_role role;
		int64_t municipality;
		int want;
	} rows[] = {
	    {ROLE_FIRST_LINE, 3, 1},	  {ROLE_CASE_OFFICER, 3, 1},
	    {ROLE_TEAM_LEAD, 3, 1},	  {ROLE_SHARED_SERVICE, 3, 0},
	    {ROLE_MUNICIPAL_ADMIN, 3, 0}, {ROLE_SECURITY_OFFICER, 3, 0},
	    {ROLE_PLATFORM_ADMIN, 3, 0},  {ROLE_CASE_OFFICER, 1, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct policy_subject who = {.kind = SUBJECT_STAFF,
					     .municipality_id =
						 rows[i].municipality,
					     .ngrants = 1};
		who.grants[0] = (struct policy_grant){rows[i].municipality, 10,
						      rows[i].role};
		assert_int_equal(policy_handover_reception(&who, 3),
				 rows[i].want);
	}
	struct policy_subject citizen = {.kind = SUBJECT_CITIZEN};
	assert_int_equal(policy_handover_reception(&citizen, 3), 0);
}

struct world {
	struct test_db t;
	struct arena a;
	struct actor a_officer, b_officer, b_first_line;
	int64_t case_id, b_unit, b_municipality;
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
	unsigned char key[SECRET_KEY_BYTES];
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 7 + 1);
	secret_set(key);
	struct world *w = calloc(1, sizeof(*w));
	if (w == NULL || test_db_open(&w->t, engine, "handover") != 0 ||
	    demo_fill_at(w->t.db, 0, T0 - 30 * 86400, NULL, NULL) != NARA_OK)
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

static int64_t count(struct world *w, const char *sql, int64_t id)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(w->t.db, &n, sql, "i", id), NARA_OK);
	return n;
}

/* A document in the sending case, on a note with this visibility. */
static int64_t add_document(struct world *w, const char *name,
			    enum note_visibility v, enum withheld_reason reason)
{
	int64_t municipality = 0, person = 0, note = 0, doc = 0;
	assert_int_equal(
	    db_query_int(w->t.db, &municipality,
			 "SELECT municipality_id FROM case_file WHERE id = ?",
			 "i", w->case_id),
	    NARA_OK);
	assert_int_equal(
	    db_query_int(w->t.db, &person,
			 "SELECT person_id FROM case_file WHERE id = ?", "i",
			 w->case_id),
	    NARA_OK);
	assert_int_equal(db_begin(w->t.db), NARA_OK);
	assert_int_equal(
	    journal_insert_in_tx(w->t.db, w->case_id, municipality, T0, "staff",
				 w->a_officer.staff_id, "Handläggare",
				 "document", name, v, 0, reason, 0, &note),
	    NARA_OK);
	struct document_new d = {.case_id = w->case_id,
				 .municipality_id = municipality,
				 .person_id = person,
				 .added_by_kind = "staff",
				 .added_by_id = w->a_officer.staff_id,
				 .added_by_label = "Handläggare",
				 .filename = name,
				 .data = pdf,
				 .len = sizeof(pdf) - 1,
				 .journal_note_id = note,
				 .now = T0};
	const char *why = NULL;
	assert_int_equal(document_add_in_tx(w->t.db, &w->a, &d, &doc, &why),
			 NARA_OK);
	assert_int_equal(db_commit(w->t.db), NARA_OK);
	return doc;
}

static void test_package(void **state)
{
	struct world *w = *state;
	load(w, "bjuv.handlaggare", &w->a_officer);
	load(w, "helsingborg.handlaggare", &w->b_officer);
	load(w, "helsingborg.forstalinjen", &w->b_first_line);
	assert_int_equal(
	    municipality_id_by_slug(w->t.db, "helsingborg", &w->b_municipality),
	    NARA_OK);
	assert_int_equal(unit_id_by_slug(w->t.db, w->b_municipality,
					 "barn-och-familj", &w->b_unit),
			 NARA_OK);
	assert_int_equal(
	    db_query_int(w->t.db, &w->case_id,
			 "SELECT c.id FROM case_file c JOIN unit u ON"
			 " u.id = c.unit_id JOIN municipality m ON m.id ="
			 " c.municipality_id WHERE m.slug = 'bjuv' AND"
			 " u.slug = 'barn-och-familj' AND c.state ="
			 " 'intervention' ORDER BY c.id LIMIT 1",
			 ""),
	    NARA_OK);
	int64_t open_doc = add_document(w, "plan.pdf", VIS_NOW, WITHHELD_NONE);
	int64_t secret_doc =
	    add_document(w, "grannen.pdf", VIS_WITHHELD, WITHHELD_THIRD_PARTY);
	int64_t note = 0;
	assert_int_equal(
	    db_query_int(w->t.db, &note,
			 "SELECT MIN(id) FROM journal_note WHERE case_id = ?"
			 " AND kind = 'note' AND visibility = 'now'",
			 "i", w->case_id),
	    NARA_OK);

	int64_t docs[] = {open_doc, secret_doc}, notes[] = {note};
	struct handover_offer o = {.case_id = w->case_id,
				   .to_municipality_id = w->b_municipality,
				   .identity = 1,
				   .notes = notes,
				   .nnotes = 1,
				   .documents = docs,
				   .ndocuments = 2,
				   .legal_basis = "consent",
				   .decided_by = "Bo Ek",
				   .reasons = "Personen har samtyckt."};
	const char *why = NULL;
	int64_t id = 0;
	/* A withheld document, not chosen on purpose: refused, nothing stored.
	 */
	assert_int_equal(
	    handover_offer(w->t.db, &w->a, &w->a_officer, &o, T0, &id, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "handover.error.withheld");
	assert_int_equal(
	    count(w, "SELECT COUNT(*) FROM handover WHERE from_case_id = ?",
		  w->case_id),
	    0);
	/* Another municipality's officer cannot send Bjuv's case. */
	assert_int_equal(
	    handover_offer(w->t.db, &w->a, &w->b_officer, &o, T0, &id, &why),
	    NARA_EDENIED);
	o.ndocuments = 1;
	/*
	 * Taken back before an answer: a reason named; not by the other
	 * side; the reception then sees nothing personal and cannot accept;
	 * not twice; the case may be offered again.
	 */
	assert_int_equal(
	    handover_offer(w->t.db, &w->a, &w->a_officer, &o, T0, &id, &why),
	    NARA_OK);
	int64_t first = id;
	assert_int_equal(handover_withdraw(w->t.db, &w->a, &w->a_officer,
					   w->case_id, first, " ", T0, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "handover.error.withdraw_reason");
	assert_int_equal(handover_withdraw(w->t.db, &w->a, &w->b_officer,
					   w->case_id, first, "Nej", T0, &why),
			 NARA_EDENIED);
	assert_int_equal(handover_withdraw(w->t.db, &w->a, &w->a_officer,
					   w->case_id, first,
					   "Personen flyttar inte.", T0, &why),
			 NARA_OK);
	struct handover_view gone;
	assert_int_equal(
	    handover_open(w->t.db, &w->a, &w->b_officer, first, &gone),
	    NARA_OK);
	assert_string_equal(gone.s.state, "withdrawn");
	assert_int_equal(gone.has_identity, 0);
	assert_string_equal(gone.personnummer, "");
	assert_int_equal(gone.nparts, 0);
	int64_t none = 0;
	assert_int_equal(handover_accept(w->t.db, &w->a, &w->b_officer, first,
					 w->b_unit, T0, &none, &why),
			 NARA_ECONFLICT);
	assert_string_equal(why, "handover.error.withdrawn");
	assert_int_equal(handover_withdraw(w->t.db, &w->a, &w->a_officer,
					   w->case_id, first, "Igen", T0, &why),
			 NARA_ECONFLICT);
	assert_int_equal(
	    count(w,
		  "SELECT COUNT(*) FROM journal_note WHERE case_id = ? AND"
		  " body LIKE 'Överlämningen till Helsingborg togs tillbaka%'",
		  w->case_id),
	    1);
	assert_int_equal(
	    handover_offer(w->t.db, &w->a, &w->a_officer, &o, T0, &id, &why),
	    NARA_OK);
	assert_true(id != first);

	/* Only the receiving reception opens it. */
	struct handover_view v;
	assert_int_equal(handover_open(w->t.db, &w->a, &w->a_officer, id, &v),
			 NARA_EDENIED);
	assert_int_equal(handover_open(w->t.db, &w->a, &w->b_officer, id, &v),
			 NARA_OK);
	assert_int_equal(v.nparts, 2);
	assert_string_equal(v.parts[0].kind, "note");
	assert_string_equal(v.parts[1].kind, "document");
	assert_string_equal(v.parts[1].body, "plan.pdf");
	assert_int_equal(v.has_identity, 1);

	/* First line cannot put it in Barn och familj; the case officer can. */
	int64_t new_case = 0;
	assert_int_equal(handover_accept(w->t.db, &w->a, &w->b_first_line, id,
					 w->b_unit, T0, &new_case, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "handover.error.unit");
	assert_int_equal(handover_accept(w->t.db, &w->a, &w->b_officer, id,
					 w->b_unit, T0, &new_case, &why),
			 NARA_OK);

	/* Exactly the parts: the header, the note, the document with its bytes.
	 */
	assert_int_equal(
	    count(w, "SELECT COUNT(*) FROM journal_note WHERE case_id = ?",
		  new_case),
	    3);
	assert_int_equal(
	    count(w, "SELECT COUNT(*) FROM document WHERE case_id = ?",
		  new_case),
	    1);
	int64_t copy = 0;
	assert_int_equal(
	    db_query_int(w->t.db, &copy,
			 "SELECT id FROM document WHERE case_id = ?", "i",
			 new_case),
	    NARA_OK);
	struct document_file f;
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->b_officer, copy, T0, &f),
	    NARA_OK);
	assert_int_equal(f.len, sizeof(pdf) - 1);
	assert_memory_equal(f.data, pdf, f.len);
	assert_string_equal(f.filename, "plan.pdf");

	/* Not shared access. */
	struct case_view c;
	assert_int_equal(
	    case_read(w->t.db, &w->a, &w->a_officer, new_case, T0, &c),
	    NARA_EDENIED);
	assert_int_equal(
	    case_read(w->t.db, &w->a, &w->b_officer, w->case_id, T0, &c),
	    NARA_EDENIED);
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->a_officer, copy, T0, &f),
	    NARA_EDENIED);
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->b_officer, open_doc, T0, &f),
	    NARA_EDENIED);
	assert_int_equal(
	    case_read(w->t.db, &w->a, &w->a_officer, w->case_id, T0, &c),
	    NARA_OK);
	assert_int_equal(c.s.state, CS_CLOSED);
	/* Answered once. */
	assert_int_equal(handover_decline(w->t.db, &w->a, &w->b_officer, id,
					  "Sent.", T0, &why),
			 NARA_ECONFLICT);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_reception_rule)};
	const struct CMUnitTest sqlite_tests[] = {
	    cmocka_unit_test_setup_teardown(test_package, setup_sqlite,
					    teardown)};
	const struct CMUnitTest pg_tests[] = {
	    cmocka_unit_test_setup_teardown(test_package, setup_pg, teardown)};
	int failed = cmocka_run_group_tests_name("handover", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("handover/sqlite", sqlite_tests,
					      NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("handover/postgresql",
						      pg_tests, NULL, NULL);
	else
		printf("handover/postgresql: skipped (NARA_TEST_PG_URL not "
		       "set)\n");
	return failed;
}
