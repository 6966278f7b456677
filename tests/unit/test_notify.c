/*
 * The storage layer's notifications (db.h: db_notify, db_listener_*), on
 * both engines. SQLite: a notification reaches the process's listener
 * after COMMIT, never after ROLLBACK, once per record at its last version.
 * PostgreSQL: the listener's own connection (a second session) hears it
 * after COMMIT and not before, never after ROLLBACK, and after its
 * backend is killed it reconnects, says that it may have missed something,
 * and hears the next one. A change to a case (case_touch_in_tx) sends
 * ("case", id, version) and nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>
#include <pthread.h>
#include <time.h>

#include "db/db_internal.h" /* db_note_format, db_note_parse */
#include "domain/case.h"
#include "domain/demo.h"
#include "fixture.h"

enum { HEARD_MAX = 64 };

/* What the listener heard, written from its thread, read by the test. */
struct heard {
	pthread_mutex_t lock;
	size_t n;
	size_t gaps;
	struct {
		char topic[DB_TOPIC_MAX];
		int64_t id, version;
	} list[HEARD_MAX];
};

static void on_note(const char *topic, int64_t id, int64_t version, void *arg)
{
	struct heard *h = arg;
	pthread_mutex_lock(&h->lock);
	if (topic == NULL) {
		h->gaps++;
	} else if (h->n < HEARD_MAX) {
		snprintf(h->list[h->n].topic, DB_TOPIC_MAX, "%s", topic);
		h->list[h->n].id = id;
		h->list[h->n].version = version;
		h->n++;
	}
	pthread_mutex_unlock(&h->lock);
}

static size_t heard_count(struct heard *h)
{
	pthread_mutex_lock(&h->lock);
	size_t n = h->n;
	pthread_mutex_unlock(&h->lock);
	return n;
}

static size_t gap_count(struct heard *h)
{
	pthread_mutex_lock(&h->lock);
	size_t n = h->gaps;
	pthread_mutex_unlock(&h->lock);
	return n;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Waits up to ms for at least n notifications; the count reached. */
static size_t wait_heard(struct heard *h, size_t n, int ms)
{
	for (int waited = 0; heard_count(h) < n && waited < ms; waited += 10)
		sleep_ms(10);
	return heard_count(h);
}

static size_t wait_gaps(struct heard *h, size_t n, int ms)
{
	for (int waited = 0; gap_count(h) < n && waited < ms; waited += 10)
		sleep_ms(10);
	return gap_count(h);
}

struct world {
	struct test_db t;
	struct heard heard;
	struct db_listener *listener;
};

static int setup(void **state, const char *engine)
{
	struct world *w = calloc(1, sizeof(*w));
	if (w == NULL || test_db_open(&w->t, engine, "notify") != 0)
		return -1;
	pthread_mutex_init(&w->heard.lock, NULL);
	if (db_listener_start(w->t.url, on_note, &w->heard, &w->listener) !=
	    NARA_OK)
		return -1;
	/* PostgreSQL: the listener says "look again" once it listens. */
	if (strcmp(engine, "pg") == 0 && wait_gaps(&w->heard, 1, 10000) < 1)
		return -1;
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
	db_listener_stop(w->listener);
	test_db_close(&w->t);
	pthread_mutex_destroy(&w->heard.lock);
	free(w);
	return 0;
}

/* How long a notification that should not come is waited for. */
enum { QUIET_MS = 300, ARRIVE_MS = 5000 };

static void test_after_commit_only(void **state)
{
	struct world *w = *state;
	struct db *db = w->t.db;

	assert_int_equal(db_begin(db), NARA_OK);
	assert_int_equal(db_notify(db, "case", 12, 3), NARA_OK);
	/* Not before the commit: the change is not there for others yet. */
	sleep_ms(QUIET_MS);
	assert_int_equal(heard_count(&w->heard), 0);
	assert_int_equal(db_commit(db), NARA_OK);
	assert_int_equal(wait_heard(&w->heard, 1, ARRIVE_MS), 1);
	assert_string_equal(w->heard.list[0].topic, "case");
	assert_int_equal(w->heard.list[0].id, 12);
	assert_int_equal(w->heard.list[0].version, 3);

	/* A rolled-back change is never told. */
	assert_int_equal(db_begin(db), NARA_OK);
	assert_int_equal(db_notify(db, "case", 13, 1), NARA_OK);
	db_rollback(db);
	/* Nor does it linger and leave with the next transaction. */
	assert_int_equal(db_begin(db), NARA_OK);
	assert_int_equal(db_notify(db, "case", 14, 1), NARA_OK);
	assert_int_equal(db_commit(db), NARA_OK);
	assert_int_equal(wait_heard(&w->heard, 2, ARRIVE_MS), 2);
	sleep_ms(QUIET_MS);
	assert_int_equal(heard_count(&w->heard), 2);
	assert_int_equal(w->heard.list[1].id, 14);

	/* Outside a transaction the change is already committed. */
	assert_int_equal(db_notify(db, "case", 15, 9), NARA_OK);
	assert_int_equal(wait_heard(&w->heard, 3, ARRIVE_MS), 3);
	assert_int_equal(w->heard.list[2].id, 15);

	/* Topics are short words; anything else is refused. */
	assert_int_equal(db_notify(db, "Case", 1, 1), NARA_EINVAL);
	assert_int_equal(db_notify(db, "", 1, 1), NARA_EINVAL);
	assert_int_equal(db_notify(db, "a_topic_far_too_long", 1, 1),
			 NARA_EINVAL);
}

static void test_failed_commit_tells_nobody(void **state)
{
	struct world *w = *state;
	struct db *db = w->t.db;
	/*
	 * A statement fails inside the transaction: PostgreSQL turns the
	 * COMMIT into a rollback and drops the notification; SQLite's
	 * caller rolls back. Either way nobody hears of it.
	 */
	assert_int_equal(db_begin(db), NARA_OK);
	assert_int_equal(db_notify(db, "case", 21, 1), NARA_OK);
	assert_int_not_equal(
	    db_run(db, "INSERT INTO no_such_table VALUES (1)", ""), NARA_OK);
	if (db_engine_of(db) == DB_POSTGRES)
		assert_int_not_equal(db_commit(db), NARA_OK);
	else
		db_rollback(db);
	sleep_ms(QUIET_MS);
	assert_int_equal(heard_count(&w->heard), 0);
}

static void test_a_case_change_is_told(void **state)
{
	struct world *w = *state;
	struct db *db = w->t.db;
	assert_int_equal(demo_fill(db, 0, NULL, NULL), NARA_OK);
	sleep_ms(QUIET_MS);
	/* Demo data from before may have been told: start counting now. */
	size_t before = heard_count(&w->heard);
	int64_t case_id = 0;
	assert_int_equal(db_begin(db), NARA_OK);
	struct arena a;
	arena_init(&a, 0);
	int64_t mid = 0, uid = 0;
	assert_int_equal(db_query_int(db, &mid,
				      "SELECT id FROM municipality WHERE slug"
				      " = 'bjuv'",
				      ""),
			 NARA_OK);
	assert_int_equal(db_query_int(db, &uid,
				      "SELECT id FROM unit WHERE"
				      " municipality_id = ? AND slug ="
				      " 'barn-och-familj'",
				      "i", mid),
			 NARA_OK);
	struct case_new c = {.municipality_id = mid,
			     .unit_id = uid,
			     .kind = CASE_APPLICATION,
			     .matter = "support",
			     .received_at = 1772438400,
			     .actor_kind = "system",
			     .actor_label = "test"};
	assert_int_equal(case_create_in_tx(db, &a, &c, &case_id, NULL),
			 NARA_OK);
	/* Two changes in one transaction are told once, at the last version. */
	assert_int_equal(case_touch_in_tx(db, case_id, 1772438400), NARA_OK);
	assert_int_equal(case_touch_in_tx(db, case_id, 1772438401), NARA_OK);
	assert_int_equal(db_commit(db), NARA_OK);
	arena_free(&a);
	int64_t version = 0;
	assert_int_equal(case_version(db, case_id, &version), NARA_OK);
	/* PostgreSQL sends each; SQLite's queue keeps only the last. */
	size_t expect = before + (db_engine_of(db) == DB_SQLITE ? 1 : 2);
	assert_int_equal(wait_heard(&w->heard, expect, ARRIVE_MS), expect);
	sleep_ms(QUIET_MS);
	assert_int_equal(heard_count(&w->heard), expect);
	size_t last = heard_count(&w->heard) - 1;
	assert_string_equal(w->heard.list[last].topic, "case");
	assert_int_equal(w->heard.list[last].id, case_id);
	assert_int_equal(w->heard.list[last].version, version);
}

/* PostgreSQL only: the listener survives the loss of its connection. */
static void test_listener_reconnects(void **state)
{
	struct world *w = *state;
	struct db *db = w->t.db;
	size_t gaps = gap_count(&w->heard);
	/* What a server restart does to the listening session. */
	int64_t killed = 0;
	assert_int_equal(db_query_int(db, &killed,
				      "SELECT COUNT(pg_terminate_backend(pid))"
				      " FROM pg_stat_activity WHERE"
				      " application_name = 'nara-listen'",
				      ""),
			 NARA_OK);
	assert_true(killed >= 1);
	/* Back, and it says that something may have been missed. */
	assert_true(wait_gaps(&w->heard, gaps + 1, ARRIVE_MS) >= gaps + 1);
	assert_int_equal(db_notify(db, "case", 31, 2), NARA_OK);
	assert_int_equal(wait_heard(&w->heard, 1, ARRIVE_MS), 1);
	assert_int_equal(w->heard.list[0].id, 31);
}

static void test_payload(void **state)
{
	(void)state;
	char text[64];
	db_note_format(text, sizeof(text), "case", 42, 7);
	assert_string_equal(text, "case 42 7");
	struct db_note n;
	assert_int_equal(db_note_parse(text, &n), 0);
	assert_string_equal(n.topic, "case");
	assert_int_equal(n.id, 42);
	assert_int_equal(n.version, 7);
	assert_int_equal(db_note_parse("case 42", &n), -1);
	assert_int_equal(db_note_parse("case 42 7 x", &n), -1);
	assert_int_equal(db_note_parse("42 7", &n), -1);
	assert_int_equal(db_note_parse("averyveryverylongtopic 1 2", &n), -1);
}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
	    cmocka_unit_test(test_payload),
	    cmocka_unit_test_setup_teardown(test_after_commit_only,
					    setup_sqlite, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_commit_tells_nobody,
					    setup_sqlite, teardown),
	    cmocka_unit_test_setup_teardown(test_a_case_change_is_told,
					    setup_sqlite, teardown),
	};
	const struct CMUnitTest pg_tests[] = {
	    cmocka_unit_test_setup_teardown(test_after_commit_only, setup_pg,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_failed_commit_tells_nobody,
					    setup_pg, teardown),
	    cmocka_unit_test_setup_teardown(test_a_case_change_is_told,
					    setup_pg, teardown),
	    cmocka_unit_test_setup_teardown(test_listener_reconnects, setup_pg,
					    teardown),
	};
	int failed = cmocka_run_group_tests_name("notify/sqlite", sqlite_tests,
						 NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("notify/postgresql",
						      pg_tests, NULL, NULL);
	return failed;
}
