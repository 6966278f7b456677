/*
 * The public directory and its per-thread cache (src/domain/directory.c),
 * on SQLite and, when NARA_TEST_PG_URL names a server, on PostgreSQL: the
 * cache must never show what the database no longer says. A unit renamed,
 * a unit added, an agreement that ends or begins, a municipality added:
 * each is seen by the next read, whoever made the change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "domain/demo.h"
#include "domain/directory.h"
#include "domain/tenant.h"
#include "fixture.h"

static int setup(void **state, const char *engine)
{
	struct test_db *t = calloc(1, sizeof(*t));
	if (t == NULL || test_db_open(t, engine, "directory") != 0 ||
	    demo_fill(t->db, 0, NULL, NULL) != NARA_OK) {
		if (t)
			test_db_close(t);
		free(t);
		return -1;
	}
	*state = t;
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
	test_db_close(*state);
	free(*state);
	return 0;
}

static struct db *DB(void **state)
{
	return ((struct test_db *)*state)->db;
}

/* 1 when the page lists a unit of that name among list (own or shared). */
static int has_unit(const struct directory_unit *u, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(u[i].name, name) == 0)
			return 1;
	return 0;
}

static struct directory_page page(void **state, struct arena *a,
				  const char *slug, int64_t now)
{
	struct directory_page p;
	assert_int_equal(directory_page(DB(state), a, slug, now, &p), NARA_OK);
	return p;
}

static const int64_t NOW = 1795000000; /* 2026-11-18 */

static void test_rename_is_seen(void **state)
{
	struct arena a;
	arena_init(&a, 0);
	struct directory_page p = page(state, &a, "bjuv", NOW);
	assert_true(p.nunits > 0);
	const char *old = p.units[0].name;
	/* Read twice so the second read is served from the cache. */
	p = page(state, &a, "bjuv", NOW);
	assert_string_equal(p.units[0].name, old);
	assert_int_equal(
	    db_run(DB(state),
		   "UPDATE unit SET name = 'Aaa omdöpt' WHERE"
		   " municipality_id = (SELECT id FROM municipality"
		   " WHERE slug = 'bjuv') AND name = ?",
		   "s", old),
	    NARA_OK);
	p = page(state, &a, "bjuv", NOW);
	assert_true(has_unit(p.units, p.nunits, "Aaa omdöpt"));
	assert_false(has_unit(p.units, p.nunits, old));
	arena_free(&a);
}

static void test_new_municipality_is_listed(void **state)
{
	struct arena a;
	arena_init(&a, 0);
	struct directory_municipality *list;
	size_t n, before;
	assert_int_equal(directory_municipalities(DB(state), &a, &list, &n),
			 NARA_OK);
	before = n;
	assert_int_equal(directory_municipalities(DB(state), &a, &list, &n),
			 NARA_OK);
	assert_int_equal(n, before);
	assert_int_equal(db_run(DB(state),
				"INSERT INTO municipality (code, slug, name,"
				" created_at) VALUES ('9999', 'provkommun',"
				" 'Provkommun', 1)",
				""),
			 NARA_OK);
	assert_int_equal(directory_municipalities(DB(state), &a, &list, &n),
			 NARA_OK);
	assert_int_equal(n, before + 1);
	struct directory_page p;
	assert_int_equal(directory_page(DB(state), &a, "provkommun", NOW, &p),
			 NARA_OK);
	assert_string_equal(p.municipality.name, "Provkommun");
	assert_int_equal(directory_page(DB(state), &a, "finns-inte", NOW, &p),
			 NARA_ENOTFOUND);
	arena_free(&a);
}

/*
 * The shared services a member may use follow the agreements' dates: the
 * cache entry must expire when an agreement ends, without any write.
 */
static void test_agreement_dates(void **state)
{
	struct arena a;
	arena_init(&a, 0);
	struct directory_page p = page(state, &a, "bjuv", NOW);
	assert_true(p.nshared > 0);
	const char *shared = arena_strdup(&a, p.shared[0].name);
	/* End every agreement one day from now, then read before and after. */
	assert_int_equal(db_run(DB(state), "UPDATE agreement SET valid_to = ?",
				"i", NOW + 86400),
			 NARA_OK);
	p = page(state, &a, "bjuv", NOW);
	assert_true(has_unit(p.shared, p.nshared, shared));
	p = page(state, &a, "bjuv", NOW + 86400 - 1);
	assert_true(has_unit(p.shared, p.nshared, shared));
	p = page(state, &a, "bjuv", NOW + 86400);
	assert_int_equal(p.nshared, 0);
	/* And a page cached before an agreement starts shows it once it has. */
	assert_int_equal(
	    db_run(DB(state),
		   "UPDATE agreement SET valid_from = ?, valid_to = NULL", "i",
		   NOW + 2 * 86400),
	    NARA_OK);
	p = page(state, &a, "bjuv", NOW + 86400);
	assert_int_equal(p.nshared, 0);
	p = page(state, &a, "bjuv", NOW + 2 * 86400);
	assert_true(has_unit(p.shared, p.nshared, shared));
	arena_free(&a);
}

/*
 * The door the shared-services work goes through: the version in force
 * for a shared unit and a member, ended at valid_to, and its delegation.
 */
static void test_agreement_in_force(void **state)
{
	struct db *db = DB(state);
	int64_t bjuv, helsingborg, centre, interpreter, agreement = 0;
	assert_int_equal(municipality_id_by_slug(db, "bjuv", &bjuv), NARA_OK);
	assert_int_equal(municipality_id_by_slug(db, "helsingborg", &helsingborg),
			 NARA_OK);
	assert_int_equal(
	    unit_id_by_slug(db, helsingborg, "familjefridscenter", &centre),
	    NARA_OK);
	assert_int_equal(
	    unit_id_by_slug(db, helsingborg, "digital-tolktjanst", &interpreter),
	    NARA_OK);
	assert_int_equal(agreement_in_force(db, centre, bjuv, NOW, &agreement),
			 NARA_OK);
	assert_true(agreement > 0);
	/* The host is served by its own unit too. */
	int64_t own = 0;
	assert_int_equal(agreement_in_force(db, centre, helsingborg, NOW, &own),
			 NARA_OK);
	assert_int_equal(own, agreement);
	/* Not in force before it starts. */
	assert_int_equal(agreement_in_force(db, centre, bjuv, 1735689600 - 1,
					    &own),
			 NARA_ENOTFOUND);
	int yes = -1;
	assert_int_equal(agreement_delegates(db, agreement, "decide", &yes),
			 NARA_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(agreement_delegates(db, agreement, "close", &yes),
			 NARA_OK);
	assert_int_equal(yes, 0);
	/* The interpreter agreement delegates nothing. */
	int64_t other = 0;
	assert_int_equal(
	    agreement_in_force(db, interpreter, bjuv, NOW, &other), NARA_OK);
	assert_int_not_equal(other, agreement);
	assert_int_equal(agreement_delegates(db, other, "decide", &yes), NARA_OK);
	assert_int_equal(yes, 0);
	assert_int_equal(agreement_add_delegation(db, other, "sign"),
			 NARA_EINVAL);
	/* Ended: nothing acts under it from valid_to on. */
	assert_int_equal(db_run(db, "UPDATE agreement SET valid_to = ?"
				    " WHERE id = ?",
				"ii", NOW + 60, agreement),
			 NARA_OK);
	assert_int_equal(agreement_in_force(db, centre, bjuv, NOW + 59, &own),
			 NARA_OK);
	assert_int_equal(agreement_in_force(db, centre, bjuv, NOW + 60, &own),
			 NARA_ENOTFOUND);
}

/* Strings handed out live in the caller's arena, not in the cache. */
static void test_results_outlive_cache_refill(void **state)
{
	struct arena a;
	arena_init(&a, 0);
	struct directory_page first = page(state, &a, "klippan", NOW);
	assert_true(first.nunits > 0);
	assert_int_equal(
	    db_run(DB(state), "UPDATE unit SET description = 'ny'", ""),
	    NARA_OK);
	struct directory_page second = page(state, &a, "klippan", NOW);
	assert_string_equal(second.units[0].description, "ny");
	assert_string_not_equal(first.units[0].description, "ny");
	arena_free(&a);
}

#define EACH(setup_fn)                                                         \
	{                                                                      \
		cmocka_unit_test_setup_teardown(test_rename_is_seen, setup_fn, \
						teardown),                     \
		    cmocka_unit_test_setup_teardown(                           \
			test_new_municipality_is_listed, setup_fn, teardown),  \
		    cmocka_unit_test_setup_teardown(test_agreement_dates,      \
						    setup_fn, teardown),       \
		    cmocka_unit_test_setup_teardown(test_agreement_in_force,   \
						    setup_fn, teardown),       \
		    cmocka_unit_test_setup_teardown(                           \
			test_results_outlive_cache_refill, setup_fn,           \
			teardown),                                             \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = EACH(setup_sqlite);
	const struct CMUnitTest pg_tests[] = EACH(setup_pg);
	int failed = cmocka_run_group_tests_name("directory/sqlite",
						 sqlite_tests, NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("directory/postgresql",
						      pg_tests, NULL, NULL);
	return failed;
}
