/*
 * The demo data (src/domain/demo.c) on SQLite in a temporary file: the
 * eleven Familjen Helsingborg municipalities with their kommunkod, the
 * units and shared units under agreements, staff in every role, fictitious
 * citizens with valid personnummer, the extra persons in batches with
 * progress, an audit row for every person, idempotence, and the same data
 * on every run (other tests and the browser tests rely on the names).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "db/db.h"
#include "domain/audit.h"
#include "domain/demo.h"
#include "domain/personnummer.h"
#include "policy/policy.h"

struct fixture {
	struct db *db;
	char path[96];
};

static int open_db(struct fixture *f)
{
	static int serial;
	snprintf(f->path, sizeof(f->path), "/tmp/nara-test-demo-%d-%d.db",
		 (int)getpid(), ++serial);
	unlink(f->path);
	char url[128];
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	if (db_open(url, &f->db) != NARA_OK || db_migrate(f->db, 0) != NARA_OK) {
		fprintf(stderr, "setup: %s\n", f->db ? db_errmsg(f->db) : "");
		return -1;
	}
	return 0;
}

static void close_db(struct fixture *f)
{
	db_close(f->db);
	char p[128];
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
}

struct progress_log {
	long calls, last_done, last_total, went_back;
};

static void on_progress(long done, long total, void *arg)
{
	struct progress_log *p = arg;
	if (done <= p->last_done)
		p->went_back++;
	p->calls++;
	p->last_done = done;
	p->last_total = total;
}

/* The whole demo is made once and the checks below read it. */
static struct fixture demo;
static struct progress_log first_run;

static int setup(void **state)
{
	(void)state;
	if (open_db(&demo) != 0)
		return -1;
	return demo_fill(demo.db, 500, on_progress, &first_run) == NARA_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	close_db(&demo);
	return 0;
}

static int64_t count(const char *sql)
{
	int64_t n = -1;
	enum nara_err err = db_query_int(demo.db, &n, sql, "");
	if (err != NARA_OK)
		fail_msg("%s: %s", sql, db_errmsg(demo.db));
	return n;
}

static int64_t count_s(const char *sql, const char *arg)
{
	int64_t n = -1;
	enum nara_err err = db_query_int(demo.db, &n, sql, "s", arg);
	if (err != NARA_OK)
		fail_msg("%s: %s", sql, db_errmsg(demo.db));
	return n;
}

static const struct {
	const char *code, *slug, *name;
} kommuner[] = {
	{"1260", "bjuv", "Bjuv"},           {"1278", "bastad", "Båstad"},
	{"1283", "helsingborg", "Helsingborg"}, {"1284", "hoganas", "Höganäs"},
	{"1276", "klippan", "Klippan"},     {"1282", "landskrona", "Landskrona"},
	{"1275", "perstorp", "Perstorp"},   {"1214", "svalov", "Svalöv"},
	{"1277", "astorp", "Åstorp"},       {"1292", "angelholm", "Ängelholm"},
	{"1257", "orkelljunga", "Örkelljunga"},
};
enum { NKOMMUNER = sizeof(kommuner) / sizeof(kommuner[0]) };

static void test_municipalities(void **state)
{
	(void)state;
	assert_int_equal(count("SELECT count(*) FROM municipality"), 11);
	for (size_t i = 0; i < NKOMMUNER; i++) {
		int64_t n = -1;
		assert_int_equal(db_query_int(demo.db, &n,
			"SELECT count(*) FROM municipality WHERE code = ? AND slug = ? AND name = ?",
			"sss", kommuner[i].code, kommuner[i].slug, kommuner[i].name), NARA_OK);
		if (n != 1)
			fail_msg("%s %s missing", kommuner[i].code, kommuner[i].slug);
	}
}

static int phone_shaped(const char *p)
{
	/* 0XX-NNN NN NN */
	static const char shape[] = "0dd-ddd dd dd";
	if (strlen(p) != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd' ? (p[i] < '0' || p[i] > '9') : p[i] != shape[i])
			return 0;
	}
	return 1;
}

static void test_units(void **state)
{
	(void)state;
	static const char *const kinds[] = {"first_line", "children_families",
					    "adults", "financial_aid", "administration"};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		assert_int_equal(count_s("SELECT count(DISTINCT municipality_id) FROM unit"
					 " WHERE kind = ? AND shared = 0", kinds[k]), 11);
	assert_int_equal(count("SELECT count(*) FROM unit WHERE shared = 0"), 55);
	assert_int_equal(count("SELECT count(*) FROM unit WHERE shared = 0 AND name = 'Första linjen'"), 11);

	/* Every unit says what it does and how to call it. */
	struct db_stmt *st;
	assert_int_equal(db_prepare(demo.db, "SELECT phone, description FROM unit", &st), NARA_OK);
	int rows = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		rows++;
		if (!phone_shaped(db_col_text(st, 0)))
			fail_msg("phone '%s'", db_col_text(st, 0));
		assert_true(db_col_len(st, 1) > 20);
	}
	db_done(st);
	assert_int_equal(rc, DB_DONE);
	assert_int_equal(rows, 59);
	/* No two units share a number. */
	assert_int_equal(count("SELECT count(DISTINCT phone) FROM unit"), 59);
}

static void test_shared_units_and_agreements(void **state)
{
	(void)state;
	static const struct {
		const char *host, *name, *kind;
	} shared[] = {
		{"helsingborg", "Familjefridscenter", "family_peace"},
		{"helsingborg", "Digital tolktjänst", "interpreter"},
		{"angelholm", "Familjehemscentrum", "foster_home"},
		{"landskrona", "Stödgrupper i nordvästra Skåne", "support_groups"},
	};
	assert_int_equal(count("SELECT count(*) FROM unit WHERE shared = 1"), 4);
	assert_int_equal(count("SELECT count(*) FROM agreement"), 4);
	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		int64_t unit = -1, agreement = -1, n = -1;
		assert_int_equal(db_query_int(demo.db, &unit,
			"SELECT u.id FROM unit u JOIN municipality m ON m.id = u.municipality_id"
			" WHERE m.slug = ? AND u.name = ? AND u.kind = ? AND u.shared = 1",
			"sss", shared[i].host, shared[i].name, shared[i].kind), NARA_OK);
		/* One agreement covers the unit, hosted where the unit is. */
		assert_int_equal(db_query_int(demo.db, &agreement,
			"SELECT a.id FROM agreement a JOIN agreement_unit au ON au.agreement_id = a.id"
			" JOIN municipality m ON m.id = a.host_municipality_id"
			" WHERE au.unit_id = ? AND m.slug = ? AND a.series = a.id AND a.version = 1"
			" AND a.valid_to IS NULL",
			"is", unit, shared[i].host), NARA_OK);
		/* Its members are the ten others. */
		assert_int_equal(db_query_int(demo.db, &n,
			"SELECT count(*) FROM agreement_member am JOIN municipality m"
			" ON m.id = am.municipality_id WHERE am.agreement_id = ? AND m.slug <> ?",
			"is", agreement, shared[i].host), NARA_OK);
		assert_int_equal(n, 10);
		/* Someone works there in the shared-service role. */
		assert_int_equal(db_query_int(demo.db, &n,
			"SELECT count(*) FROM staff_role WHERE unit_id = ? AND role = 'shared_service'",
			"i", unit), NARA_OK);
		assert_true(n >= 1);
	}
}

static void test_staff(void **state)
{
	(void)state;
	static const struct {
		const char *suffix, *role;
	} expected[] = {
		{"handlaggare", "case_officer"},   {"forstalinjen", "first_line"},
		{"teamledare", "team_lead"},       {"admin", "municipal_admin"},
		{"sakerhet", "security_officer"},
	};
	for (size_t i = 0; i < NKOMMUNER; i++) {
		for (size_t k = 0; k < sizeof(expected) / sizeof(expected[0]); k++) {
			char username[64];
			snprintf(username, sizeof(username), "%s.%s", kommuner[i].slug,
				 expected[k].suffix);
			int64_t n = -1;
			/* The role is held in a unit of the user's own municipality. */
			assert_int_equal(db_query_int(demo.db, &n,
				"SELECT count(*) FROM staff_user s JOIN staff_role r ON r.user_id = s.id"
				" JOIN unit u ON u.id = r.unit_id JOIN municipality m ON m.id = s.municipality_id"
				" WHERE s.username = ? AND r.role = ? AND u.municipality_id = m.id"
				" AND m.slug = ? AND s.active = 1 AND s.display_name <> ''",
				"sss", username, expected[k].role, kommuner[i].slug), NARA_OK);
			if (n != 1)
				fail_msg("%s as %s", username, expected[k].role);
		}
	}
	assert_int_equal(count("SELECT count(*) FROM staff_role WHERE role = 'platform_admin'"), 1);
	assert_int_equal(count("SELECT count(DISTINCT role) FROM staff_role"), 7);
	assert_int_equal(count("SELECT count(*) FROM staff_user WHERE username = 'helsingborg.handlaggare'"), 1);
}

/* Twenty base persons a municipality, and three families of two in two. */
enum { BASE = 11 * 20 + 2 * 3 * 2 };

static void test_persons(void **state)
{
	(void)state;
	assert_int_equal(count("SELECT count(*) FROM person"), BASE + 500);
	assert_int_equal(count("SELECT count(*) FROM person WHERE fictitious <> 1"), 0);
	/* The base set and the families: serials 980-999, some protected. */
	assert_int_equal(count("SELECT count(*) FROM person WHERE substr(personnummer, 9, 3) >= '980'"), BASE);
	assert_int_equal(count("SELECT count(DISTINCT municipality_id) FROM person"
			       " WHERE substr(personnummer, 9, 3) >= '980' AND protected_identity = 1"), 11);
	for (size_t i = 0; i < NKOMMUNER; i++) {
		int families = strcmp(kommuner[i].slug, "bjuv") == 0 ||
			       strcmp(kommuner[i].slug, "helsingborg") == 0;
		assert_int_equal(count_s("SELECT count(*) FROM person p JOIN municipality m"
					 " ON m.id = p.municipality_id WHERE m.slug = ?"
					 " AND substr(p.personnummer, 9, 3) >= '980'", kommuner[i].slug),
				 20 + (families ? 6 : 0));
	}
	/* The extra persons spread over all eleven. */
	assert_int_equal(count("SELECT count(DISTINCT municipality_id) FROM person"
			       " WHERE substr(personnummer, 9, 3) < '980'"), 11);

	/* Every number is valid, and sex and birth date are derived from it. */
	struct db_stmt *st;
	assert_int_equal(db_prepare(demo.db,
		"SELECT personnummer, sex, birth_date, given_name, family_name, phone FROM person",
		&st), NARA_OK);
	int rc, rows = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		rows++;
		struct personnummer p;
		if (personnummer_parse(db_col_text(st, 0), (int64_t)time(NULL), &p) != NARA_OK)
			fail_msg("invalid personnummer %s", db_col_text(st, 0));
		assert_string_equal(p.canonical, db_col_text(st, 0));
		assert_string_equal(p.sex, db_col_text(st, 1));
		assert_string_equal(p.birth_date, db_col_text(st, 2));
		assert_true(db_col_len(st, 3) > 0 && db_col_len(st, 4) > 0);
		/* PTS's series for fiction: 070-174 06 05 to 99. */
		const char *phone = db_col_text(st, 5);
		assert_int_equal(strlen(phone), strlen("070-174 06 05"));
		assert_memory_equal(phone, "070-174 06 ", 11);
		assert_true(strcmp(phone + 11, "05") >= 0);
	}
	db_done(st);
	assert_int_equal(rc, DB_DONE);
	assert_int_equal(rows, BASE + 500);
}

static void test_audit_rows(void **state)
{
	(void)state;
	/* Every person's creation is in the log, once. */
	assert_int_equal(count("SELECT count(*) FROM person p WHERE NOT EXISTS"
			       " (SELECT 1 FROM audit_log l WHERE l.record_kind = 'person'"
			       " AND l.action = 'create' AND l.record_id = p.id AND l.person_id = p.id"
			       " AND l.municipality_id = p.municipality_id)"), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE record_kind = 'person'"), BASE + 500);
	/* So is every municipality, unit, agreement, account and role. */
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE record_kind = 'municipality'"), 11);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE record_kind = 'unit'"), 59);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE record_kind = 'agreement'"), 4);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE record_kind = 'agreement_member'"), 40);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE record_kind = 'agreement_unit'"), 4);
	/* Each account's creation, and each naming for protected addresses. */
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE record_kind = 'staff_user'"),
			 count("SELECT count(*) FROM staff_user") +
				 count("SELECT count(*) FROM staff_user WHERE protected_identity_cleared = 1"));
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'clear_protected'"
			       " AND record_kind = 'staff_user'"), 11);
	assert_int_equal(count("SELECT count(*) FROM guardianship g WHERE NOT EXISTS"
			       " (SELECT 1 FROM audit_log l WHERE l.record_kind = 'guardianship'"
			       " AND l.action = 'create' AND l.record_id = g.id"
			       " AND l.person_id = g.child_id AND l.municipality_id = g.municipality_id)"), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE record_kind = 'staff_role'"),
			 count("SELECT count(*) FROM staff_role"));
	int64_t rows = -1, bad = -1;
	assert_int_equal(audit_verify(demo.db, &rows, &bad), NARA_OK);
	assert_int_equal(rows, count("SELECT count(*) FROM audit_log"));
}

/* Whose caseload each base person is in, the named staff, the families. */
static void test_walls(void **state)
{
	(void)state;
	static const struct {
		const char *unit; /* NULL: none */
		int persons;
	} caseloads[] = {
		{"barn-och-familj", 7}, {"vuxen", 7}, {"ekonomiskt-bistand", 4}, {NULL, 2}};
	for (size_t i = 0; i < NKOMMUNER; i++) {
		for (size_t c = 0; c < sizeof(caseloads) / sizeof(caseloads[0]); c++) {
			int64_t n = -1;
			assert_int_equal(db_query_int(demo.db, &n,
				"SELECT count(*) FROM person p JOIN municipality m ON m.id = p.municipality_id"
				" LEFT JOIN unit u ON u.id = p.unit_id WHERE m.slug = ?"
				" AND substr(p.personnummer, 9, 3) >= '980'"
				" AND p.id NOT IN (SELECT guardian_id FROM guardianship)"
				" AND p.id NOT IN (SELECT child_id FROM guardianship)"
				" AND COALESCE(u.slug, '-') = ? AND (u.id IS NULL OR u.municipality_id = m.id)",
				"ss", kommuner[i].slug, caseloads[c].unit ? caseloads[c].unit : "-"), NARA_OK);
			if (n != caseloads[c].persons)
				fail_msg("%s %s: %lld persons", kommuner[i].slug,
					 caseloads[c].unit ? caseloads[c].unit : "(none)", (long long)n);
		}
	}
	/* The second person of each municipality (the login page lists it) is Vuxen's. */
	assert_int_equal(count("SELECT count(*) FROM person p JOIN unit u ON u.id = p.unit_id"
			       " WHERE (p.id - 1) % 20 = 1 AND p.id <= 220 AND u.slug = 'vuxen'"), 11);
	/* Every team lead, and nobody else, is named for protected addresses. */
	assert_int_equal(count("SELECT count(*) FROM staff_user WHERE protected_identity_cleared = 1"), 11);
	assert_int_equal(count("SELECT count(*) FROM staff_user WHERE protected_identity_cleared = 1"
			       " AND username NOT LIKE '%.teamledare'"), 0);
	/* Three families in Bjuv and three in Helsingborg, both persons in the same one. */
	assert_int_equal(count("SELECT count(*) FROM guardianship g JOIN person a ON a.id = g.guardian_id"
			       " JOIN person c ON c.id = g.child_id JOIN municipality m ON m.id = g.municipality_id"
			       " WHERE a.municipality_id = m.id AND c.municipality_id = m.id"
			       " AND m.slug IN ('bjuv', 'helsingborg') AND a.family_name = c.family_name"), 6);
	assert_int_equal(count("SELECT count(*) FROM guardianship"), 6);
	/* The children's ages: 6, 15 and 9 (protected), counted back from today. */
	struct db_stmt *st;
	assert_int_equal(db_prepare(demo.db,
		"SELECT c.given_name, c.birth_date, c.protected_identity, a.protected_identity"
		" FROM guardianship g JOIN person c ON c.id = g.child_id"
		" JOIN person a ON a.id = g.guardian_id ORDER BY g.id", &st), NARA_OK);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char today[16];
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	int rc, rows = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		static const struct {
			const char *name;
			int age, protected_identity;
		} want[] = {{"Alva", 6, 0}, {"Nils", 15, 0}, {"Olle", 9, 1}};
		int k = rows++ % 3;
		assert_string_equal(db_col_text(st, 0), want[k].name);
		assert_int_equal(policy_age_on(db_col_text(st, 1), today), want[k].age);
		assert_int_equal(db_col_int(st, 2), want[k].protected_identity);
		assert_int_equal(db_col_int(st, 3), want[k].protected_identity);
	}
	db_done(st);
	assert_int_equal(rc, DB_DONE);
	assert_int_equal(rows, 6);
	/* Different people in the two municipalities, though named alike. */
	assert_int_equal(count("SELECT count(DISTINCT personnummer) FROM person"
			       " WHERE id IN (SELECT guardian_id FROM guardianship)"
			       " OR id IN (SELECT child_id FROM guardianship)"), 12);
}

static void test_progress(void **state)
{
	(void)state;
	/* 500 persons are one batch: one call, at the end. */
	assert_int_equal(first_run.calls, 1);
	assert_int_equal(first_run.last_done, 500);
	assert_int_equal(first_run.last_total, 500);
	assert_int_equal(first_run.went_back, 0);
}

/* Runs last: it adds to the shared database. */
static void test_second_run_adds_only_persons(void **state)
{
	(void)state;
	int64_t m = count("SELECT count(*) FROM municipality");
	int64_t u = count("SELECT count(*) FROM unit");
	int64_t s = count("SELECT count(*) FROM staff_user");
	int64_t a = count("SELECT count(*) FROM agreement");
	int64_t p = count("SELECT count(*) FROM person");
	int64_t l = count("SELECT count(*) FROM audit_log");
	assert_int_equal(demo_fill(demo.db, 0, NULL, NULL), NARA_OK);
	assert_int_equal(count("SELECT count(*) FROM municipality"), m);
	assert_int_equal(count("SELECT count(*) FROM unit"), u);
	assert_int_equal(count("SELECT count(*) FROM staff_user"), s);
	assert_int_equal(count("SELECT count(*) FROM agreement"), a);
	assert_int_equal(count("SELECT count(*) FROM person"), p);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), l);
	/* Extra persons add up across runs, without clashing numbers. */
	struct progress_log log = {0};
	assert_int_equal(demo_fill(demo.db, 2500, on_progress, &log), NARA_OK);
	assert_int_equal(count("SELECT count(*) FROM municipality"), m);
	assert_int_equal(count("SELECT count(*) FROM person"), p + 2500);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), l + 2500);
	assert_int_equal(log.calls, 2); /* 2000, then 500 */
	assert_int_equal(log.last_done, 2500);
	assert_int_equal(log.went_back, 0);
	int64_t rows = -1, bad = -1;
	assert_int_equal(audit_verify(demo.db, &rows, &bad), NARA_OK);
}

/* FNV-1a over the persons and staff in id order: equal data, equal digest. */
static uint64_t digest(struct db *db)
{
	static const char *const queries[] = {
		"SELECT personnummer || '|' || given_name || '|' || family_name || '|'"
		" || protected_identity || '|' || address || '|' || phone FROM person ORDER BY id",
		"SELECT username || '|' || display_name FROM staff_user ORDER BY id",
		"SELECT slug || '|' || phone FROM unit ORDER BY id",
	};
	uint64_t h = 1469598103934665603ull;
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		struct db_stmt *st;
		assert_int_equal(db_prepare(db, queries[q], &st), NARA_OK);
		while (db_step(st) == DB_ROW) {
			const char *s = db_col_text(st, 0);
			for (size_t i = 0; i <= db_col_len(st, 0); i++)
				h = (h ^ (unsigned char)(i < db_col_len(st, 0) ? s[i] : '\n')) *
				    1099511628211ull;
		}
		db_done(st);
	}
	return h;
}

static void test_deterministic(void **state)
{
	(void)state;
	struct fixture a, b;
	assert_int_equal(open_db(&a), 0);
	assert_int_equal(open_db(&b), 0);
	assert_int_equal(demo_fill(a.db, 300, NULL, NULL), NARA_OK);
	assert_int_equal(demo_fill(b.db, 300, NULL, NULL), NARA_OK);
	assert_true(digest(a.db) == digest(b.db));
	close_db(&a);
	close_db(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_municipalities),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_shared_units_and_agreements),
		cmocka_unit_test(test_staff),
		cmocka_unit_test(test_persons),
		cmocka_unit_test(test_audit_rows),
		cmocka_unit_test(test_walls),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_second_run_adds_only_persons),
		cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests_name("demo/sqlite", tests, setup, teardown);
}
