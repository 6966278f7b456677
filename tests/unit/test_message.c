/*
 * Secure messages (src/domain/message.c) on both engines, with the demo's
 * case: the person and the officer write, each side's read receipt marks
 * the other's messages read, the thread's version moves and awaiting_staff
 * follows who wrote last; an attachment is sealed and linked; bad input is
 * refused before anything is stored; another person and staff of another
 * unit are refused with a flagged audit row; "journal this" writes a note
 * once; a closed case takes no new messages; the rows are append-only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>
#include <time.h>

#include "core/secret.h"
#include "domain/access.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/journal.h"
#include "domain/message.h"
#include "fixture.h"
#include "web/i18n.h"

static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
				    0,	  0,   0,   13,	 'I',  'H',  'D',  'R'};

struct world {
	struct test_db t;
	struct arena a;
	struct actor person, stranger, officer, other_unit;
	int64_t case_id, now;
};

static int setup(void **state, const char *engine)
{
	char msg[256];
	if (i18n_load(msg, sizeof(msg)) != NARA_OK)
		return -1;
	struct world *w = calloc(1, sizeof(*w));
	if (w == NULL || test_db_open(&w->t, engine, "message") != 0)
		return -1;
	unsigned char key[SECRET_KEY_BYTES];
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 5 + 3);
	secret_set(key);
	w->now = (int64_t)time(NULL);
	if (demo_fill(w->t.db, 0, NULL, NULL) != NARA_OK ||
	    demo_add_citizen_case(w->t.db, w->now) != NARA_OK)
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
	i18n_free();

	struct world *w = *state;
	test_db_close(&w->t);
	arena_free(&w->a);
	free(w);
	return 0;
}

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

static struct world *world(void **state)
{
	struct world *w = *state;
	struct db_stmt *st;
	assert_int_equal(db_prepare(w->t.db,
				    "SELECT c.id, p.personnummer FROM case_file"
				    " c JOIN person p ON p.id = c.person_id"
				    " WHERE c.matter = 'support'",
				    &st),
			 NARA_OK);
	assert_int_equal(db_step(st), DB_ROW);
	w->case_id = db_col_int(st, 0);
	char pnr[13];
	snprintf(pnr, sizeof(pnr), "%s", db_col_text(st, 1));
	db_done(st);
	access_citizen(pnr, &w->person);
	access_citizen("191212121212", &w->stranger);
	load_staff(w, "helsingborg.handlaggare2", &w->officer);
	load_staff(w, "helsingborg.handlaggare", &w->other_unit);
	return w;
}

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, sql, ""), NARA_OK);
	return n;
}

static void test_a_conversation(void **state)
{
	struct world *w = world(state);
	struct db *db = w->t.db;
	struct message_file file = {"kvitto.png", png, sizeof(png)};
	struct message_new m = {.case_id = w->case_id,
				.body = "Hej, när ses vi?",
				.files = &file,
				.nfiles = 1};
	int64_t first = 0, reply = 0;
	const char *why = NULL;
	assert_int_equal(
	    message_post(db, &w->a, &w->person, &m, w->now, &first, &why),
	    NARA_OK);
	assert_true(first > 0);
	struct message_thread t;
	assert_int_equal(
	    message_read(db, &w->a, &w->person, w->case_id, w->now, 1, &t),
	    NARA_OK);
	assert_int_equal(t.count, 1);
	assert_true(t.awaiting_staff);
	assert_false(t.messages[0].read_by_other_side);
	assert_int_equal(t.messages[0].nattachments, 1);
	assert_string_equal(t.messages[0].attachments[0].filename,
			    "kvitto.png");
	int64_t v1 = t.version;

	/* The officer reads: the person's message is now read. */
	assert_int_equal(
	    message_read(db, &w->a, &w->officer, w->case_id, w->now, 1, &t),
	    NARA_OK);
	assert_true(t.version > v1);
	assert_true(t.messages[0].read_by_other_side);
	assert_string_equal(t.messages[0].author_kind, "citizen");

	/* A reading that marks nothing new moves no version. */
	int64_t v2 = t.version;
	assert_int_equal(
	    message_read(db, &w->a, &w->officer, w->case_id, w->now, 1, &t),
	    NARA_OK);
	assert_int_equal(t.version, v2);

	m = (struct message_new){.case_id = w->case_id,
				 .body = "På tisdag klockan tio."};
	assert_int_equal(
	    message_post(db, &w->a, &w->officer, &m, w->now, &reply, &why),
	    NARA_OK);
	assert_int_equal(
	    message_read(db, &w->a, &w->officer, w->case_id, w->now, 0, &t),
	    NARA_OK);
	assert_false(t.awaiting_staff);
	assert_int_equal(t.count, 2);
	assert_false(t.messages[1].read_by_other_side);
	int64_t subscribed = 0;
	assert_int_equal(
	    message_subscribe(db, &w->person, w->case_id, &subscribed),
	    NARA_OK);
	assert_int_equal(subscribed, t.version);
	assert_int_equal(
	    message_read(db, &w->a, &w->person, w->case_id, w->now, 1, &t),
	    NARA_OK);
	assert_true(t.messages[1].read_by_other_side);
	assert_int_equal(t.messages[1].journal_note_id, 0);

	/* Audited: two messages, one document, each of the five reads. */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE"
				   " record_kind = 'message' AND action ="
				   " 'create'"),
			 2);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE"
				   " record_kind = 'message_thread' AND action"
				   " = 'read'"),
			 5);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM message_document"), 1);

	/* The awaiting list follows the last writer. */
	m = (struct message_new){.case_id = w->case_id, .body = "Tack!"};
	assert_int_equal(
	    message_post(db, &w->a, &w->person, &m, w->now + 60, &first, &why),
	    NARA_OK);
	struct message_awaiting *aw;
	size_t naw;
	assert_int_equal(message_awaiting_in(db, &w->a,
					     w->officer.subject.municipality_id,
					     &aw, &naw),
			 NARA_OK);
	assert_int_equal(naw, 1);
	assert_int_equal(aw[0].case_id, w->case_id);
	assert_int_equal(aw[0].since, w->now + 60);

	/*
	 * Notices: the officer's reply queued one "new message" per way the
	 * person is reached; replies before the person has read the thread
	 * queue nothing more; none carries the message's text.
	 */
	static const char jobs[] = "SELECT COUNT(*) FROM notice_job WHERE"
				   " purpose = 'new_message'";
	int64_t once = count(db, jobs);
	assert_true(once >= 1);
	m = (struct message_new){.case_id = w->case_id,
				 .body = "Vi ses i receptionen."};
	assert_int_equal(
	    message_post(db, &w->a, &w->officer, &m, w->now + 120, &reply, &why),
	    NARA_OK);
	assert_int_equal(count(db, jobs), 2 * once);
	m.body = "Ta med legitimation.";
	assert_int_equal(
	    message_post(db, &w->a, &w->officer, &m, w->now + 180, &reply, &why),
	    NARA_OK);
	assert_int_equal(count(db, jobs), 2 * once);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM notice_job WHERE"
				   " purpose = 'new_message' AND (body LIKE"
				   " '%receptionen%' OR body LIKE '%tisdag%'"
				   " OR body NOT LIKE '%/mina-sidor/arenden/%')"),
			 0);

	/* Append-only. */
	assert_int_not_equal(db_run(db, "UPDATE message SET body = 'x'", ""),
			     NARA_OK);
	assert_int_not_equal(db_run(db, "DELETE FROM message", ""), NARA_OK);
}

static void test_bad_input_and_the_walls(void **state)
{
	struct world *w = world(state);
	struct db *db = w->t.db;
	int64_t id = 0;
	const char *why = NULL;
	struct message_new m = {.case_id = w->case_id, .body = " \n "};
	assert_int_equal(
	    message_post(db, &w->a, &w->person, &m, w->now, &id, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "msg.error.empty");
	struct message_file program = {"a.pdf", "MZ\x90\x00\x03\x00", 6};
	m = (struct message_new){.case_id = w->case_id,
				 .body = "Se bilagan",
				 .files = &program,
				 .nfiles = 1};
	assert_int_equal(
	    message_post(db, &w->a, &w->person, &m, w->now, &id, &why),
	    NARA_EINVAL);
	assert_string_equal(why, "document.error.type");
	assert_int_equal(count(db, "SELECT COUNT(*) FROM message"), 0);

	int64_t flagged = count(db, "SELECT COUNT(*) FROM audit_log WHERE"
				    " flagged = 1");
	m = (struct message_new){.case_id = w->case_id, .body = "Hej"};
	assert_int_equal(
	    message_post(db, &w->a, &w->stranger, &m, w->now, &id, &why),
	    NARA_EDENIED);
	assert_int_equal(
	    message_post(db, &w->a, &w->other_unit, &m, w->now, &id, &why),
	    NARA_EDENIED);
	struct message_thread t;
	assert_int_equal(
	    message_read(db, &w->a, &w->stranger, w->case_id, w->now, 1, &t),
	    NARA_EDENIED);
	assert_int_equal(
	    message_read(db, &w->a, &w->other_unit, w->case_id, w->now, 1, &t),
	    NARA_EDENIED);
	int64_t v = 0;
	assert_int_equal(message_subscribe(db, &w->other_unit, w->case_id, &v),
			 NARA_EDENIED);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE"
				   " flagged = 1"),
			 flagged + 5);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM message"), 0);
	assert_int_equal(message_post(db, &w->a, &w->person,
				      &(struct message_new){.case_id = 999999,
							    .body = "Hej"},
				      w->now, &id, &why),
			 NARA_ENOTFOUND);
}

static void test_journal_this_and_closing(void **state)
{
	struct world *w = world(state);
	struct db *db = w->t.db;
	int64_t id = 0, note = 0;
	const char *why = NULL;
	struct message_new m = {.case_id = w->case_id,
				.body = "Jag har fått jobb."};
	assert_int_equal(
	    message_post(db, &w->a, &w->person, &m, w->now, &id, &why),
	    NARA_OK);
	assert_int_equal(message_journal(db, &w->person, w->case_id, id,
					 VIS_NOW, 0, WITHHELD_NONE, w->now,
					 &note, &why),
			 NARA_EDENIED);
	assert_int_equal(message_journal(db, &w->officer, w->case_id, id,
					 VIS_WITHHELD, 0, WITHHELD_NONE, w->now,
					 &note, &why),
			 NARA_EINVAL);
	assert_int_equal(message_journal(db, &w->officer, w->case_id, id,
					 VIS_NOW, 0, WITHHELD_NONE, w->now,
					 &note, &why),
			 NARA_OK);
	assert_true(note > 0);
	assert_int_equal(message_journal(db, &w->officer, w->case_id, id,
					 VIS_NOW, 0, WITHHELD_NONE, w->now,
					 &note, &why),
			 NARA_ECONFLICT);
	assert_string_equal(why, "msg.error.journaled");
	struct case_view v;
	assert_int_equal(
	    case_read_own(db, &w->a, &w->person, w->case_id, w->now, &v),
	    NARA_OK);
	int found = 0;
	for (size_t i = 0; i < v.nnotes; i++)
		if (strcmp(v.notes[i].kind, "message") == 0 &&
		    strstr(v.notes[i].body, "Jag har fått jobb.") != NULL)
			found = 1;
	assert_true(found);

	/* A closed case takes no new messages. */
	assert_int_equal(db_run(db,
				"UPDATE case_file SET state = 'closed'"
				" WHERE id = ?",
				"i", w->case_id),
			 NARA_OK);
	assert_int_equal(
	    message_post(db, &w->a, &w->person, &m, w->now, &id, &why),
	    NARA_ECONFLICT);
	assert_string_equal(why, "msg.error.closed");
}

/*
 * R4.4: in the thread of a person with protected identity, a message that
 * carries their address, postal code or phone is refused for staff and
 * the person alike, and nothing is stored; without them it goes.
 */
static void test_protected_whereabouts_blocked(void **state)
{
	struct world *w = world(state);
	struct db *db = w->t.db;
	assert_int_equal(
	    db_run(db,
		   "UPDATE person SET protected_identity = 1, address ="
		   " 'Ödåkragatan 12 B', postal_code = '252 25', phone ="
		   " '070-123 45 67' WHERE id = (SELECT person_id FROM"
		   " case_file WHERE id = ?)",
		   "i", w->case_id),
	    NARA_OK);
	int64_t before = count(db, "SELECT COUNT(*) FROM message");
	int64_t id = 0;
	const char *why = NULL;
	static const char *const leaks[] = {
	    "Vi kommer hem till dig på ödåkragatan 12b i morgon.",
	    "Skickar papperen till 25225.",
	    "Ring mig på +46 70 123 45 67.",
	};
	for (size_t i = 0; i < 3; i++) {
		struct message_new m = {.case_id = w->case_id,
					.body = leaks[i]};
		assert_int_equal(message_post(db, &w->a, &w->officer, &m,
					      w->now, &id, &why),
				 NARA_EINVAL);
		assert_string_equal(why, "msg.error.whereabouts");
		assert_int_equal(id, 0);
	}
	struct message_new m = {.case_id = w->case_id, .body = leaks[0]};
	assert_int_equal(
	    message_post(db, &w->a, &w->person, &m, w->now, &id, &why),
	    NARA_EINVAL);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM message"), before);
	m.body = "Vi ses på kontoret på torsdag klockan 10.";
	assert_int_equal(
	    message_post(db, &w->a, &w->officer, &m, w->now, &id, &why),
	    NARA_OK);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM message"), before + 1);
	/* Not protected: the same words are the person's own business. */
	assert_int_equal(db_run(db,
				"UPDATE person SET protected_identity = 0"
				" WHERE id = (SELECT person_id FROM case_file"
				" WHERE id = ?)",
				"i", w->case_id),
			 NARA_OK);
	m.body = leaks[0];
	assert_int_equal(
	    message_post(db, &w->a, &w->officer, &m, w->now, &id, &why),
	    NARA_OK);
}

#define EACH(setup_fn)                                                         \
	{                                                                      \
		cmocka_unit_test_setup_teardown(test_a_conversation, setup_fn, \
						teardown),                     \
		    cmocka_unit_test_setup_teardown(                           \
			test_bad_input_and_the_walls, setup_fn, teardown),     \
		    cmocka_unit_test_setup_teardown(                           \
			test_journal_this_and_closing, setup_fn, teardown),    \
		    cmocka_unit_test_setup_teardown(                           \
			test_protected_whereabouts_blocked, setup_fn,          \
			teardown),                                             \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = EACH(setup_sqlite);
	const struct CMUnitTest pg_tests[] = EACH(setup_pg);
	int failed = cmocka_run_group_tests_name("message/sqlite", sqlite_tests,
						 NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("message/postgresql",
						      pg_tests, NULL, NULL);
	return failed;
}
