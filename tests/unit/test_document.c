/*
 * Documents (src/domain/document.c): the type is read from the bytes and
 * never from the name, the size is bounded, names are cleaned, the bytes
 * are sealed under the municipality's own key (another municipality's key
 * opens nothing, a changed byte is caught), and on both engines a stored
 * document is ciphertext in the database, opens for the person and the
 * case's unit, and is refused, with a flagged audit row, to staff of
 * another municipality.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>
#include <sodium.h>

#include "core/secret.h"
#include "core/utf8.h"
#include "domain/access.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/document.h"
#include "domain/journal.h"
#include "fixture.h"

/* 2026-03-02 09:00 in Stockholm. */
static const int64_t T0 = 1772438400;

static const unsigned char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
				   "<< /Type /Catalog >>\nendobj\n%%EOF\n";
static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
				    0,	  0,   0,   13,	 'I',  'H',  'D',  'R'};
static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16,
				     'J',  'F',	 'I',  'F',  0};

static void use_test_key(void)
{
	unsigned char key[SECRET_KEY_BYTES];
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 7 + 1);
	secret_set(key);
}

/* ---- without a database ---- */

static void test_sniffing(void **state)
{
	(void)state;
	const struct {
		const char *what;
		const void *data;
		size_t len;
		const char *type;
	} cases[] = {
	    {"PDF", pdf, sizeof(pdf) - 1, "application/pdf"},
	    {"PNG", png, sizeof(png), "image/png"},
	    {"JPEG", jpeg, sizeof(jpeg), "image/jpeg"},
	    {"a PDF header alone", "%PDF-1.7", 8, NULL},
	    {"PDF with bytes before its header", " %PDF-1.7\n%%EOF\n", 16,
	     NULL},
	    {"PDF without a version", "%PDF-x.y\n%%EOF\n", 15, NULL},
	    {"GIF", "GIF89a\x01\x00\x01\x00", 10, NULL},
	    {"a Windows program", "MZ\x90\x00\x03\x00\x00\x00\x04\x00", 10,
	     NULL},
	    {"an HTML page", "<html><script>x</script>", 24, NULL},
	    {"SVG", "<svg xmlns='http://www.w3.org/2000/svg'/>", 41, NULL},
	    {"ZIP (a .docx)", "PK\x03\x04\x14\x00\x06\x00", 8, NULL},
	    {"JPEG cut after two bytes", "\xff\xd8", 2, NULL},
	    {"nothing", "", 0, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = document_sniff(cases[i].data, cases[i].len);
		if (cases[i].type == NULL && got != NULL)
			fail_msg("%s: sniffed as %s", cases[i].what, got);
		if (cases[i].type != NULL &&
		    (got == NULL || strcmp(got, cases[i].type) != 0))
			fail_msg("%s: sniffed as %s", cases[i].what,
				 got ? got : "nothing");
	}
	assert_null(document_sniff(NULL, 10));
}

static void test_checks(void **state)
{
	(void)state;
	const char *type, *why;
	assert_int_equal(document_check(pdf, sizeof(pdf) - 1, &type, &why),
			 NARA_OK);
	assert_string_equal(type, "application/pdf");
	assert_null(why);
	assert_int_equal(document_check(pdf, 0, &type, &why), NARA_EINVAL);
	assert_string_equal(why, "document.error.empty");
	assert_int_equal(document_check("MZ\x90\x00\x03\x00", 6, &type, &why),
			 NARA_EINVAL);
	assert_string_equal(why, "document.error.type");
	assert_null(type);

	/* Exactly the limit passes; one byte more does not. */
	unsigned char *big = calloc(1, DOCUMENT_MAX_BYTES + 1);
	assert_non_null(big);
	memcpy(big, pdf, sizeof(pdf) - 1);
	assert_int_equal(document_check(big, DOCUMENT_MAX_BYTES, &type, &why),
			 NARA_OK);
	assert_int_equal(
	    document_check(big, DOCUMENT_MAX_BYTES + 1, &type, &why),
	    NARA_ETOOBIG);
	assert_string_equal(why, "document.error.size");
	free(big);
}

static void test_clean_names(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 0);
	const struct {
		const char *given, *type, *want;
	} cases[] = {
	    {"lönebesked mars.pdf", "application/pdf", "lönebesked mars.pdf"},
	    {"C:\\Users\\Åsa\\hyresavi.PDF", "application/pdf", "hyresavi.PDF"},
	    {"../../etc/passwd", "application/pdf", "passwd.pdf"},
	    {"foto.jpeg", "image/jpeg", "foto.jpeg"},
	    {"foto.png", "image/jpeg", "foto.png.jpg"},
	    {"program.exe", "application/pdf", "program.exe.pdf"},
	    {"a\"b;c\r\nd.pdf", "application/pdf", "a_b_c__d.pdf"},
	    {"  ...dold   fil .pdf", "application/pdf", "dold fil .pdf"},
	    {"", "image/png", "bilaga.png"},
	    {NULL, "image/png", "bilaga.png"},
	    {"\xff\xfe.pdf", "application/pdf", "bilaga.pdf"},
	    {"ok\xc3(.pdf", "application/pdf", "ok.pdf"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got =
		    document_clean_name(&a, cases[i].given, cases[i].type);
		assert_non_null(got);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: got '%s', want '%s'",
				 cases[i].given ? cases[i].given : "(null)",
				 got, cases[i].want);
	}
	/* A long name is cut at a character and keeps its extension. */
	char longname[400];
	size_t n = 0;
	while (n + 2 < 300) {
		memcpy(longname + n, "å", 2);
		n += 2;
	}
	memcpy(longname + n, ".pdf", 5);
	const char *got = document_clean_name(&a, longname, "application/pdf");
	assert_true(strlen(got) <= DOCUMENT_NAME_MAX);
	assert_true(utf8_valid(got, strlen(got)));
	assert_string_equal(got + strlen(got) - 4, ".pdf");
	arena_free(&a);
}

static void test_sealing(void **state)
{
	(void)state;
	use_test_key();
	const char plain[] = "Hyresavi för mars, 7 450 kronor.";
	size_t len = sizeof(plain) - 1;
	unsigned char nonce[DOCUMENT_NONCE_BYTES], nonce2[DOCUMENT_NONCE_BYTES];
	unsigned char ct[sizeof(plain) + DOCUMENT_MAC_BYTES];
	unsigned char ct2[sizeof(plain) + DOCUMENT_MAC_BYTES];
	unsigned char out[sizeof(plain)];
	assert_int_equal(document_seal(1, plain, len, nonce, ct), NARA_OK);
	/* The ciphertext does not contain the text. */
	assert_null(memmem(ct, len + DOCUMENT_MAC_BYTES, "Hyresavi", 8));
	/* Round trip under the same municipality's key. */
	assert_int_equal(
	    document_open(1, nonce, ct, len + DOCUMENT_MAC_BYTES, out),
	    NARA_OK);
	assert_memory_equal(out, plain, len);
	/* Another municipality's key opens nothing. */
	assert_int_equal(
	    document_open(2, nonce, ct, len + DOCUMENT_MAC_BYTES, out),
	    NARA_EINTEGRITY);
	/* One changed byte is caught. */
	ct[3] ^= 1;
	assert_int_equal(
	    document_open(1, nonce, ct, len + DOCUMENT_MAC_BYTES, out),
	    NARA_EINTEGRITY);
	ct[3] ^= 1;
	/* A new nonce each time: the same text seals differently. */
	assert_int_equal(document_seal(1, plain, len, nonce2, ct2), NARA_OK);
	assert_memory_not_equal(nonce, nonce2, sizeof(nonce));
	assert_memory_not_equal(ct, ct2, len + DOCUMENT_MAC_BYTES);
	/* The per-municipality keys differ, and both come from the master. */
	unsigned char k1[SECRET_KEY_BYTES], k2[SECRET_KEY_BYTES];
	assert_int_equal(secret_derive("attachmt", 1, k1), NARA_OK);
	assert_int_equal(secret_derive("attachmt", 2, k2), NARA_OK);
	assert_memory_not_equal(k1, k2, sizeof(k1));
	/* Too short to hold a MAC, or no master key at all. */
	assert_int_equal(document_open(1, nonce, ct, 3, out), NARA_EINTEGRITY);
	secret_clear();
	assert_int_equal(document_seal(1, plain, len, nonce, ct), NARA_EIO);
	assert_int_equal(
	    document_open(1, nonce2, ct2, len + DOCUMENT_MAC_BYTES, out),
	    NARA_EIO);
	use_test_key();
}

/* ---- on the database ---- */

struct world {
	struct test_db t;
	struct arena a;
	struct actor bjuv, hbg, person, other_person;
	int64_t person_id, case_id, municipality_id, note_id;
};

static int setup(void **state, const char *engine)
{
	struct world *w = calloc(1, sizeof(*w));
	if (w == NULL || test_db_open(&w->t, engine, "document") != 0 ||
	    demo_fill(w->t.db, 0, NULL, NULL) != NARA_OK)
		return -1;
	arena_init(&w->a, 0);
	use_test_key();
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

static int64_t scalar(struct db *db, const char *sql, const char *s)
{
	int64_t v = -1;
	assert_int_equal(db_query_int(db, &v, sql, s ? "s" : "", s), NARA_OK);
	return v;
}

static void load_staff(struct world *w, const char *username, struct actor *out)
{
	int64_t id = scalar(
	    w->t.db, "SELECT id FROM staff_user WHERE username = ?", username);
	assert_int_equal(access_load_staff(w->t.db, &w->a, id, out), NARA_OK);
}

/*
 * A case of a Bjuv person in the unit for children and families, with one
 * note the person may read and one withheld from them.
 */
static struct world *world(void **state)
{
	struct world *w = *state;
	load_staff(w, "bjuv.handlaggare", &w->bjuv);
	load_staff(w, "helsingborg.handlaggare", &w->hbg);
	struct db_stmt *st;
	assert_int_equal(
	    db_prepare(w->t.db,
		       "SELECT p.id, p.personnummer, p.municipality_id FROM"
		       " person p JOIN municipality m ON m.id ="
		       " p.municipality_id WHERE m.slug = 'bjuv' AND"
		       " p.protected_identity = 0 ORDER BY p.id LIMIT 2",
		       &st),
	    NARA_OK);
	assert_int_equal(db_step(st), DB_ROW);
	w->person_id = db_col_int(st, 0);
	access_citizen(db_col_text(st, 1), &w->person);
	w->municipality_id = db_col_int(st, 2);
	assert_int_equal(db_step(st), DB_ROW);
	access_citizen(db_col_text(st, 1), &w->other_person);
	db_done(st);
	int64_t unit = scalar(w->t.db,
			      "SELECT u.id FROM unit u JOIN municipality m ON"
			      " m.id = u.municipality_id WHERE m.slug = 'bjuv'"
			      " AND u.kind = ?",
			      "children_families");
	assert_int_equal(db_begin(w->t.db), NARA_OK);
	struct case_new c = {
	    .municipality_id = w->municipality_id,
	    .unit_id = unit,
	    .person_id = w->person_id,
	    .kind = CASE_APPLICATION,
	    .matter = "family_support",
	    .received_at = T0,
	    .actor_kind = "citizen",
	    .actor_label = "test",
	};
	assert_int_equal(
	    case_create_in_tx(w->t.db, &w->a, &c, &w->case_id, NULL), NARA_OK);
	assert_int_equal(journal_insert_in_tx(
			     w->t.db, w->case_id, w->municipality_id, T0,
			     "citizen", w->person_id, "test", "note", "Ansökan",
			     VIS_NOW, 0, WITHHELD_NONE, 0, &w->note_id),
			 NARA_OK);
	assert_int_equal(db_commit(w->t.db), NARA_OK);
	return w;
}

static int64_t add(struct world *w, const void *data, size_t len,
		   const char *name, int64_t note_id, const char **why)
{
	struct document_new d = {
	    .case_id = w->case_id,
	    .municipality_id = w->municipality_id,
	    .person_id = w->person_id,
	    .added_by_kind = "citizen",
	    .added_by_label = "test",
	    .filename = name,
	    .data = data,
	    .len = len,
	    .journal_note_id = note_id,
	    .now = T0,
	};
	int64_t id = 0;
	assert_int_equal(db_begin(w->t.db), NARA_OK);
	enum nara_err err = document_add_in_tx(w->t.db, &w->a, &d, &id, why);
	if (err == NARA_OK) {
		assert_int_equal(db_commit(w->t.db), NARA_OK);
		return id;
	}
	db_rollback(w->t.db);
	return -(int64_t)err;
}

static void test_stored_sealed_and_read_through_policy(void **state)
{
	struct world *w = world(state);
	const char *why = NULL;
	int64_t id =
	    add(w, pdf, sizeof(pdf) - 1, "../intyg.pdf", w->note_id, &why);
	assert_true(id > 0);
	assert_int_equal(scalar(w->t.db,
				"SELECT COUNT(*) FROM audit_log WHERE"
				" record_kind = 'document' AND action = ?",
				"create"),
			 1);

	/* What the database holds is not the file. */
	struct db_stmt *st;
	assert_int_equal(db_prepare(w->t.db,
				    "SELECT ciphertext, filename, size,"
				    " content_type FROM document WHERE id = ?",
				    &st),
			 NARA_OK);
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	size_t len = 0;
	const unsigned char *stored = db_col_blob(st, 0, &len);
	assert_non_null(stored);
	assert_int_equal(len, sizeof(pdf) - 1 + DOCUMENT_MAC_BYTES);
	assert_null(memmem(stored, len, "%PDF", 4));
	assert_null(memmem(stored, len, "Catalog", 7));
	assert_string_equal(db_col_text(st, 1), "intyg.pdf");
	assert_int_equal(db_col_int(st, 2), sizeof(pdf) - 1);
	assert_string_equal(db_col_text(st, 3), "application/pdf");
	db_done(st);

	/* The person and the case's unit read it, each read audited. */
	struct document_file f;
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->person, id, T0 + 60, &f),
	    NARA_OK);
	assert_int_equal(f.len, sizeof(pdf) - 1);
	assert_memory_equal(f.data, pdf, f.len);
	assert_string_equal(f.filename, "intyg.pdf");
	assert_string_equal(f.content_type, "application/pdf");
	assert_int_equal(f.case_id, w->case_id);
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->bjuv, id, T0 + 60, &f), NARA_OK);
	assert_memory_equal(f.data, pdf, f.len);
	assert_int_equal(scalar(w->t.db,
				"SELECT COUNT(*) FROM audit_log WHERE"
				" record_kind = 'document' AND action = ?",
				"read"),
			 2);

	/* Another municipality's officer and another person: refused, flagged.
	 */
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->hbg, id, T0 + 60, &f),
	    NARA_EDENIED);
	assert_null(f.data);
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->other_person, id, T0 + 60, &f),
	    NARA_EDENIED);
	assert_int_equal(scalar(w->t.db,
				"SELECT COUNT(*) FROM audit_log WHERE"
				" flagged = 1 AND record_kind = ?",
				"case"),
			 2);
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->bjuv, id + 1000, T0, &f),
	    NARA_ENOTFOUND);

	/* A changed byte in the database is found, not served. */
	assert_int_equal(
	    db_run(w->t.db, "UPDATE document SET sha256 = ? WHERE id = ?", "si",
		   "00000000000000000000000000000000"
		   "00000000000000000000000000000000",
		   id),
	    NARA_OK);
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->bjuv, id, T0 + 60, &f),
	    NARA_EINTEGRITY);
}

static void test_refused_uploads_leave_nothing(void **state)
{
	struct world *w = world(state);
	const char *why = NULL;
	assert_int_equal(add(w, "MZ\x90\x00\x03\x00", 6, "intyg.pdf", 0, &why),
			 -(int64_t)NARA_EINVAL);
	assert_string_equal(why, "document.error.type");
	unsigned char *big = calloc(1, DOCUMENT_MAX_BYTES + 1);
	assert_non_null(big);
	memcpy(big, png, sizeof(png));
	assert_int_equal(
	    add(w, big, DOCUMENT_MAX_BYTES + 1, "stor.png", 0, &why),
	    -(int64_t)NARA_ETOOBIG);
	assert_string_equal(why, "document.error.size");
	free(big);
	assert_int_equal(scalar(w->t.db, "SELECT COUNT(*) FROM document", NULL),
			 0);
	assert_int_equal(scalar(w->t.db,
				"SELECT COUNT(*) FROM audit_log WHERE"
				" record_kind = ?",
				"document"),
			 0);
}

static void test_withheld_documents(void **state)
{
	struct world *w = world(state);
	int64_t withheld_note = 0;
	assert_int_equal(db_begin(w->t.db), NARA_OK);
	assert_int_equal(journal_insert_in_tx(
			     w->t.db, w->case_id, w->municipality_id, T0,
			     "staff", 0, "test", "note", "Intyg", VIS_WITHHELD,
			     0, WITHHELD_THIRD_PARTY, 0, &withheld_note),
			 NARA_OK);
	assert_int_equal(db_commit(w->t.db), NARA_OK);
	const char *why;
	int64_t open_doc = add(w, png, sizeof(png), "a.png", w->note_id, &why);
	int64_t hidden =
	    add(w, jpeg, sizeof(jpeg), "b.jpg", withheld_note, &why);
	assert_true(open_doc > 0 && hidden > 0);

	/* The person neither sees nor opens the withheld one; staff do. */
	struct document_info *list;
	size_t n;
	assert_int_equal(db_begin_read(w->t.db), NARA_OK);
	assert_int_equal(
	    document_list_in_tx(w->t.db, &w->a, w->case_id, 1, T0, &list, &n),
	    NARA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, open_doc);
	assert_string_equal(list[0].filename, "a.png");
	assert_int_equal(list[0].size, sizeof(png));
	assert_int_equal(
	    document_list_in_tx(w->t.db, &w->a, w->case_id, 0, T0, &list, &n),
	    NARA_OK);
	assert_int_equal(n, 2);
	assert_int_equal(db_commit(w->t.db), NARA_OK);
	struct document_file f;
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->person, hidden, T0, &f),
	    NARA_EDENIED);
	assert_int_equal(scalar(w->t.db,
				"SELECT COUNT(*) FROM audit_log WHERE"
				" flagged = 1 AND reason = ?",
				"withheld"),
			 1);
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->bjuv, hidden, T0, &f), NARA_OK);
	assert_memory_equal(f.data, jpeg, sizeof(jpeg));
}

#define EACH(setup_fn)                                                         \
	{                                                                      \
		cmocka_unit_test_setup_teardown(                               \
		    test_stored_sealed_and_read_through_policy, setup_fn,      \
		    teardown),                                                 \
		    cmocka_unit_test_setup_teardown(                           \
			test_refused_uploads_leave_nothing, setup_fn,          \
			teardown),                                             \
		    cmocka_unit_test_setup_teardown(test_withheld_documents,   \
						    setup_fn, teardown),       \
	}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_sniffing),
	    cmocka_unit_test(test_checks),
	    cmocka_unit_test(test_clean_names),
	    cmocka_unit_test(test_sealing),
	};
	const struct CMUnitTest sqlite_tests[] = EACH(setup_sqlite);
	const struct CMUnitTest pg_tests[] = EACH(setup_pg);
	int failed = cmocka_run_group_tests_name("document", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("document/sqlite", sqlite_tests,
					      NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("document/postgresql",
						      pg_tests, NULL, NULL);
	else
		printf("document/postgresql: skipped (NARA_TEST_PG_URL not "
		       "set)\n");
	return failed;
}
