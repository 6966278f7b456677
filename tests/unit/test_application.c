/*
 * Applications (src/domain/application_form.c, application.c): the
 * definitions in forms/ all load; a broken definition is refused with a
 * message that says where; answers are checked against the definition,
 * each type with its own rules, conditions ask or drop questions, files
 * are checked by their bytes and counted; on both engines the versions
 * are stored once and never changed, and an application opens a case in
 * the unit of its matter with the answers, the note the person reads, the
 * sealed attachments and the audit rows in one transaction, or leaves
 * nothing at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>
#include <sodium.h>

#include "core/secret.h"
#include "domain/access.h"
#include "domain/application.h"
#include "domain/application_form.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/document.h"
#include "domain/journal.h"
#include "fixture.h"

/* 2026-03-02 09:00 in Stockholm. */
static const int64_t T0 = 1772438400;

static const unsigned char pdf[] = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
static const unsigned char png[] = {0x89, 'P',	'N', 'G', '\r', '\n',
				    0x1a, '\n', 0,   0,	  0,	13};

/* One question of every type, two of them asked only on a condition. */
static const char test_form[] =
    "{\"slug\": \"prov\", \"version\": 2, \"matter\": \"support\","
    " \"title\": {\"sv\": \"Prov\", \"en\": \"Test\"},"
    " \"intro\": {\"sv\": \"Inledning\", \"en\": \"Intro\"},"
    " \"sections\": [{\"title\": {\"sv\": \"Del\", \"en\": \"Part\"},"
    " \"questions\": ["
    "  {\"id\": \"name\", \"type\": \"text\", \"required\": true,"
    "   \"max_length\": 10, \"label\": {\"sv\": \"Namn\", \"en\": \"Name\"}},"
    "  {\"id\": \"story\", \"type\": \"textarea\","
    "   \"label\": {\"sv\": \"Berätta\", \"en\": \"Tell\"}},"
    "  {\"id\": \"rent\", \"type\": \"number\", \"required\": true,"
    "   \"min\": 0, \"max\": 20000,"
    "   \"label\": {\"sv\": \"Hyra\", \"en\": \"Rent\"}},"
    "  {\"id\": \"pets\", \"type\": \"yesno\", \"required\": true,"
    "   \"label\": {\"sv\": \"Djur?\", \"en\": \"Pets?\"}},"
    "  {\"id\": \"pet_count\", \"type\": \"number\", \"required\": true,"
    "   \"min\": 1, \"max\": 9, \"when\": {\"question\": \"pets\","
    "   \"in\": [\"yes\"]}, \"label\": {\"sv\": \"Hur många\","
    "   \"en\": \"How many\"}},"
    "  {\"id\": \"help\", \"type\": \"choice\", \"multiple\": true,"
    "   \"required\": true, \"label\": {\"sv\": \"Hjälp\", \"en\": \"Help\"},"
    "   \"options\": [{\"value\": \"food\", \"label\": {\"sv\": \"Mat\","
    "   \"en\": \"Food\"}}, {\"value\": \"rent\", \"label\": {\"sv\":"
    "   \"Hyra\", \"en\": \"Rent\"}}, {\"value\": \"other\", \"label\":"
    "   {\"sv\": \"Annat\", \"en\": \"Other\"}}]},"
    "  {\"id\": \"help_other\", \"type\": \"text\", \"required\": true,"
    "   \"when\": {\"question\": \"help\", \"in\": [\"other\"]},"
    "   \"label\": {\"sv\": \"Vad\", \"en\": \"What\"}},"
    "  {\"id\": \"moved\", \"type\": \"date\", \"range\": \"past\","
    "   \"label\": {\"sv\": \"Flyttade\", \"en\": \"Moved\"}},"
    "  {\"id\": \"month\", \"type\": \"month\", \"required\": true,"
    "   \"range\": \"future\", \"label\": {\"sv\": \"Månad\","
    "   \"en\": \"Month\"}},"
    "  {\"id\": \"files\", \"type\": \"attachment\", \"max_files\": 2,"
    "   \"label\": {\"sv\": \"Filer\", \"en\": \"Files\"}}"
    "]}]}";

static struct form_def *parse_test_form(void)
{
	char msg[256] = "";
	struct form_def *f = NULL;
	enum nara_err err =
	    application_form_parse("prov.v2.json", test_form,
				   sizeof(test_form) - 1, &f, msg, sizeof(msg));
	if (err != NARA_OK)
		fail_msg("test form: %s", msg);
	return f;
}

/* ---- definitions ---- */

static void test_embedded_forms_load(void **state)
{
	(void)state;
	char msg[256] = "";
	assert_int_equal(application_forms_load(msg, sizeof(msg)), NARA_OK);
	const struct form_def **kinds;
	size_t n = application_form_kinds(&kinds);
	assert_int_equal(n, 4);
	const char *want[] = {"ekonomiskt-bistand", "familjestod",
			      "stod-och-hjalp", "stod-vid-vald"};
	const char *matters[] = {"financial_assistance", "family_support",
				 "support", "violence_support"};
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(kinds[i]->slug, want[i]);
		assert_string_equal(kinds[i]->matter, matters[i]);
		assert_true(kinds[i]->nquestions >= 8);
		/* Every text is there in both languages. */
		for (size_t k = 0; k < kinds[i]->nquestions; k++) {
			const struct form_question *q = &kinds[i]->questions[k];
			assert_true(q->label.sv[0] && q->label.en[0]);
			assert_true(strcmp(q->label.sv, q->label.en) != 0);
		}
	}
	assert_ptr_equal(application_form_find("familjestod", 0), kinds[1]);
	assert_ptr_equal(application_form_find("familjestod", 1), kinds[1]);
	assert_null(application_form_find("familjestod", 7));
	assert_null(application_form_find("finns-inte", 0));
	application_forms_free();
	assert_null(application_form_find("familjestod", 0));
}

static void test_broken_definitions_are_refused(void **state)
{
	(void)state;
	/* The text before "|" is the definition's questions; after, the
	 * words the message must contain. */
	static const char *const cases[][2] = {
	    {"{\"id\": \"a\", \"type\": \"text\", \"requierd\": true,"
	     " \"label\": {\"sv\": \"A\", \"en\": \"A\"}}",
	     "unknown"},
	    {"{\"id\": \"a\", \"type\": \"text\","
	     " \"label\": {\"sv\": \"A\"}}",
	     "both"},
	    {"{\"id\": \"a\", \"type\": \"essay\","
	     " \"label\": {\"sv\": \"A\", \"en\": \"A\"}}",
	     "'type'"},
	    {"{\"id\": \"Ab\", \"type\": \"text\","
	     " \"label\": {\"sv\": \"A\", \"en\": \"A\"}}",
	     "'id'"},
	    {"{\"id\": \"csrf\", \"type\": \"text\","
	     " \"label\": {\"sv\": \"A\", \"en\": \"A\"}}",
	     "reserved"},
	    {"{\"id\": \"a\", \"type\": \"text\", \"label\": {\"sv\": \"A\","
	     " \"en\": \"A\"}}, {\"id\": \"a\", \"type\": \"text\","
	     " \"label\": {\"sv\": \"A\", \"en\": \"A\"}}",
	     "twice"},
	    {"{\"id\": \"a\", \"type\": \"text\", \"when\": {\"question\":"
	     " \"b\", \"in\": [\"yes\"]}, \"label\": {\"sv\": \"A\","
	     " \"en\": \"A\"}}, {\"id\": \"b\", \"type\": \"yesno\","
	     " \"label\": {\"sv\": \"B\", \"en\": \"B\"}}",
	     "earlier"},
	    {"{\"id\": \"b\", \"type\": \"yesno\", \"label\": {\"sv\": \"B\","
	     " \"en\": \"B\"}}, {\"id\": \"a\", \"type\": \"text\", \"when\":"
	     " {\"question\": \"b\", \"in\": [\"maybe\"]}, \"label\":"
	     " {\"sv\": \"A\", \"en\": \"A\"}}",
	     "not an answer"},
	    {"{\"id\": \"b\", \"type\": \"text\", \"label\": {\"sv\": \"B\","
	     " \"en\": \"B\"}}, {\"id\": \"a\", \"type\": \"text\", \"when\":"
	     " {\"question\": \"b\", \"in\": [\"x\"]}, \"label\":"
	     " {\"sv\": \"A\", \"en\": \"A\"}}",
	     "yes/no or choice"},
	    {"{\"id\": \"a\", \"type\": \"number\", \"min\": 5, \"max\": 1,"
	     " \"label\": {\"sv\": \"A\", \"en\": \"A\"}}",
	     "larger"},
	    {"{\"id\": \"a\", \"type\": \"text\", \"options\": [],"
	     " \"label\": {\"sv\": \"A\", \"en\": \"A\"}}",
	     "does not belong"},
	    {"{\"id\": \"a\", \"type\": \"choice\", \"options\": [{\"value\":"
	     " \"x\", \"label\": {\"sv\": \"X\", \"en\": \"X\"}}],"
	     " \"label\": {\"sv\": \"A\", \"en\": \"A\"}}",
	     "multiple"},
	    {"{\"id\": \"a\", \"type\": \"attachment\", \"max_files\": 9,"
	     " \"label\": {\"sv\": \"A\", \"en\": \"A\"}}",
	     "max_files"},
	    {"{\"id\": \"a\", \"type\": \"date\", \"range\": \"soon\","
	     " \"label\": {\"sv\": \"A\", \"en\": \"A\"}}",
	     "range"},
	};
	char json[2048], msg[512];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(json, sizeof(json),
			 "{\"slug\": \"x\", \"version\": 1, \"matter\":"
			 " \"support\", \"title\": {\"sv\": \"T\", \"en\":"
			 " \"T\"}, \"intro\": {\"sv\": \"I\", \"en\": \"I\"},"
			 " \"sections\": [{\"title\": {\"sv\": \"S\", \"en\":"
			 " \"S\"}, \"questions\": [%s]}]}",
			 cases[i][0]);
		struct form_def *f = NULL;
		msg[0] = '\0';
		assert_int_equal(application_form_parse("x.v1.json", json,
							strlen(json), &f, msg,
							sizeof(msg)),
				 NARA_EINVAL);
		assert_null(f);
		if (strstr(msg, cases[i][1]) == NULL ||
		    strstr(msg, "forms/x.v1.json") == NULL)
			fail_msg("case %zu: message '%s' lacks '%s'", i, msg,
				 cases[i][1]);
	}
	/* The whole file: JSON syntax, a name that does not match, a
	 * matter no unit takes, a duplicate key. */
	struct form_def *f = NULL;
	assert_int_equal(application_form_parse("x.v1.json", "{\"slug\": ", 9,
						&f, msg, sizeof(msg)),
			 NARA_EINVAL);
	assert_non_null(strstr(msg, "forms/x.v1.json:1:"));
	assert_int_equal(application_form_parse("y.v1.json", test_form,
						sizeof(test_form) - 1, &f, msg,
						sizeof(msg)),
			 NARA_EINVAL);
	assert_non_null(strstr(msg, "prov.v2.json"));
	const char *bad_matter =
	    "{\"slug\": \"x\", \"version\": 1, \"matter\": \"tax\"}";
	assert_int_equal(application_form_parse("x.v1.json", bad_matter,
						strlen(bad_matter), &f, msg,
						sizeof(msg)),
			 NARA_EINVAL);
	assert_non_null(strstr(msg, "'matter'"));
	const char *dup = "{\"slug\": \"x\", \"slug\": \"y\"}";
	assert_int_equal(application_form_parse("x.v1.json", dup, strlen(dup),
						&f, msg, sizeof(msg)),
			 NARA_EINVAL);
	/* And the good one parses, with its condition resolved. */
	f = parse_test_form();
	assert_int_equal(f->nquestions, 10);
	assert_int_equal(f->questions[4].when, 3);
	assert_int_equal(f->questions[0].max_length, 10);
	assert_int_equal(f->questions[1].max_length, 4000);
	application_form_free(f);
}

/* ---- answers ---- */

struct input {
	struct kv items[64];
	struct kvlist list;
	struct form_file files[8];
	struct form_input in;
};

static void put(struct input *x, const char *key, const char *value)
{
	x->items[x->list.count].key = key;
	x->items[x->list.count].value = value;
	x->items[x->list.count].value_len = strlen(value);
	x->list.items = x->items;
	x->list.count++;
	x->in.fields = &x->list;
}

static void attach(struct input *x, const char *field, const char *name,
		   const void *data, size_t len)
{
	x->files[x->in.nfiles] = (struct form_file){field, name, data, len};
	x->in.files = x->files;
	x->in.nfiles++;
	x->in.fields = &x->list;
}

/* The error at question id, or NULL. */
static const char *error_at(const struct form_def *f,
			    const struct form_result *r, const char *id)
{
	for (size_t i = 0; i < f->nquestions; i++)
		if (strcmp(f->questions[i].id, id) == 0)
			return r->answers[i].error;
	fail_msg("no question %s", id);
	return NULL;
}

static void good_answers(struct input *x)
{
	memset(x, 0, sizeof(*x));
	put(x, "name", "  Åsa Öberg ");
	put(x, "rent", "7 450");
	put(x, "pets", "no");
	put(x, "pet_count", "99"); /* not asked: pets is no */
	put(x, "help", "food");
	put(x, "help", "rent");
	put(x, "help", "food"); /* the same box twice counts once */
	put(x, "month", "2026-03");
	put(x, "csrf", "ignored");
	attach(x, "files", "hyra.pdf", pdf, sizeof(pdf) - 1);
}

static void test_good_answers(void **state)
{
	(void)state;
	struct form_def *f = parse_test_form();
	struct arena a;
	arena_init(&a, 0);
	struct input x;
	good_answers(&x);
	struct form_result r;
	assert_int_equal(application_form_validate(&a, f, &x.in, T0, &r),
			 NARA_OK);
	assert_int_equal(r.nerrors, 0);
	assert_int_equal(r.nfiles, 1);
	assert_string_equal(
	    r.json, "{\"name\":\"Åsa Öberg\",\"rent\":7450,\"pets\":\"no\","
		    "\"help\":[\"food\",\"rent\"],\"month\":\"2026-03\","
		    "\"files\":[\"hyra.pdf\"]}");
	assert_false(r.answers[4].applies);
	assert_int_equal(r.answers[2].number, 7450);
	assert_string_equal(r.answers[9].file_types[0], "application/pdf");

	/* Yes to pets asks how many; "other" asks what. */
	x.items[2].value = "yes";
	x.items[2].value_len = 3;
	x.items[3].value = "2";
	x.items[3].value_len = 1;
	put(&x, "help", "other");
	put(&x, "help_other", "Glasögon");
	put(&x, "moved", "2025-12-24");
	assert_int_equal(application_form_validate(&a, f, &x.in, T0, &r),
			 NARA_OK);
	assert_non_null(strstr(r.json, "\"pet_count\":2"));
	assert_non_null(strstr(r.json, "\"help_other\":\"Glasögon\""));
	assert_non_null(strstr(r.json, "\"moved\":\"2025-12-24\""));
	/* No-break and narrow no-break spaces in numbers, as phones type. */
	x.items[1].value = "7\xc2\xa0"
			   "450";
	x.items[1].value_len = strlen(x.items[1].value);
	assert_int_equal(application_form_validate(&a, f, &x.in, T0, &r),
			 NARA_OK);
	assert_int_equal(r.answers[2].number, 7450);
	application_form_free(f);
	arena_free(&a);
}

static void test_bad_answers(void **state)
{
	(void)state;
	struct form_def *f = parse_test_form();
	struct arena a;
	arena_init(&a, 0);
	struct form_result r;

	/* Nothing at all: every required question says so, once. */
	struct input x;
	memset(&x, 0, sizeof(x));
	x.in.fields = &x.list;
	assert_int_equal(application_form_validate(&a, f, &x.in, T0, &r),
			 NARA_EINVAL);
	assert_int_equal(r.nerrors, 5);
	assert_null(r.json);
	assert_string_equal(error_at(f, &r, "name"), "apply.error.required");
	assert_string_equal(error_at(f, &r, "rent"), "apply.error.required");
	assert_string_equal(error_at(f, &r, "pets"), "apply.error.choose");
	assert_string_equal(error_at(f, &r, "help"), "apply.error.choose_some");
	assert_string_equal(error_at(f, &r, "month"), "apply.error.required");
	assert_null(error_at(f, &r, "pet_count")); /* not asked */
	assert_null(error_at(f, &r, "story"));	   /* not required */

	/* Each rule, one at a time, against otherwise good answers. */
	static const struct {
		const char *key, *value, *id, *error;
	} cases[] = {
	    {"name", "Åsa Öberg Lindqvist", "name", "apply.error.too_long"},
	    {"name",
	     "a\x01"
	     "b",
	     "name", "apply.error.text"},
	    {"name", "two\nlines", "name", "apply.error.text"},
	    {"story", "two\nlines\tfine", "story", NULL},
	    {"rent", "7450 kr", "rent", "apply.error.number"},
	    {"rent", "7,5", "rent", "apply.error.number"},
	    {"rent", "-5", "rent", "apply.error.number_range"},
	    {"rent", "20001", "rent", "apply.error.number_range"},
	    {"rent", "99999999999999999999", "rent", "apply.error.number"},
	    {"rent", "0", "rent", NULL},
	    {"pets", "perhaps", "pets", "apply.error.choose"},
	    {"help", "taxes", "help", "apply.error.choose"},
	    {"moved", "2026-02-30", "moved", "apply.error.date"},
	    {"moved", "26-02-01", "moved", "apply.error.date"},
	    {"moved", "2026-03-03", "moved", "apply.error.date_past"},
	    {"moved", "2026-03-02", "moved", NULL},
	    {"month", "2026-02", "month", "apply.error.month_future"},
	    {"month", "2026-13", "month", "apply.error.month"},
	    {"month", "2026-3", "month", "apply.error.month"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		good_answers(&x);
		int replaced = 0;
		for (size_t k = 0; k < x.list.count; k++)
			if (strcmp(x.items[k].key, cases[i].key) == 0 &&
			    !replaced) {
				x.items[k].value = cases[i].value;
				x.items[k].value_len = strlen(cases[i].value);
				replaced = 1;
			}
		if (!replaced)
			put(&x, cases[i].key, cases[i].value);
		enum nara_err err =
		    application_form_validate(&a, f, &x.in, T0, &r);
		const char *got = error_at(f, &r, cases[i].id);
		if ((cases[i].error == NULL) != (got == NULL) ||
		    (got && strcmp(got, cases[i].error) != 0))
			fail_msg("%s=%s: got %s, want %s", cases[i].key,
				 cases[i].value, got ? got : "no error",
				 cases[i].error ? cases[i].error : "no error");
		assert_int_equal(err, cases[i].error ? NARA_EINVAL : NARA_OK);
		if (cases[i].error)
			assert_int_equal(r.nerrors, 1);
	}
	/* A radio group cannot send two answers; bytes that are not text. */
	good_answers(&x);
	put(&x, "pets", "yes");
	assert_int_equal(application_form_validate(&a, f, &x.in, T0, &r),
			 NARA_EINVAL);
	assert_string_equal(error_at(f, &r, "pets"), "apply.error.choose");
	good_answers(&x);
	x.items[0].value = "\xff\xfe";
	x.items[0].value_len = 2;
	assert_int_equal(application_form_validate(&a, f, &x.in, T0, &r),
			 NARA_EINVAL);
	assert_string_equal(error_at(f, &r, "name"), "apply.error.text");
	/* The condition asks: yes to pets and no number is an error. */
	good_answers(&x);
	x.items[2].value = "yes";
	x.items[2].value_len = 3;
	x.items[3].value = "";
	x.items[3].value_len = 0;
	assert_int_equal(application_form_validate(&a, f, &x.in, T0, &r),
			 NARA_EINVAL);
	assert_string_equal(error_at(f, &r, "pet_count"),
			    "apply.error.required");
	application_form_free(f);
	arena_free(&a);
}

static void test_files(void **state)
{
	(void)state;
	struct form_def *f = parse_test_form();
	struct arena a;
	arena_init(&a, 0);
	struct form_result r;
	struct input x;

	/* A program named like a PDF: refused by its bytes, named. */
	good_answers(&x);
	x.files[0].data = "MZ\x90\x00\x03\x00\x00\x00";
	x.files[0].len = 8;
	x.files[0].filename = "lönebesked.pdf";
	assert_int_equal(application_form_validate(&a, f, &x.in, T0, &r),
			 NARA_EINVAL);
	assert_string_equal(error_at(f, &r, "files"), "document.error.type");
	assert_string_equal(r.answers[9].error_arg, "lönebesked.pdf");

	/* Too big by one byte. */
	unsigned char *big = calloc(1, DOCUMENT_MAX_BYTES + 1);
	assert_non_null(big);
	memcpy(big, png, sizeof(png));
	good_answers(&x);
	x.files[0].data = big;
	x.files[0].len = DOCUMENT_MAX_BYTES + 1;
	assert_int_equal(application_form_validate(&a, f, &x.in, T0, &r),
			 NARA_EINVAL);
	assert_string_equal(error_at(f, &r, "files"), "document.error.size");
	/* Exactly the limit is fine. */
	x.files[0].len = DOCUMENT_MAX_BYTES;
	assert_int_equal(application_form_validate(&a, f, &x.in, T0, &r),
			 NARA_OK);
	free(big);

	/* More than the question takes. */
	good_answers(&x);
	attach(&x, "files", "b.png", png, sizeof(png));
	attach(&x, "files", "c.png", png, sizeof(png));
	assert_int_equal(application_form_validate(&a, f, &x.in, T0, &r),
			 NARA_EINVAL);
	assert_string_equal(error_at(f, &r, "files"),
			    "apply.error.too_many_files");
	/* A file sent for a question that is not a file question is
	 * ignored, as any unknown field. */
	good_answers(&x);
	attach(&x, "name", "x.png", png, sizeof(png));
	assert_int_equal(application_form_validate(&a, f, &x.in, T0, &r),
			 NARA_OK);
	assert_int_equal(r.nfiles, 1);
	application_form_free(f);
	arena_free(&a);
}

/* ---- on the database ---- */

struct world {
	struct test_db t;
	struct arena a;
	struct actor person, bjuv_staff;
	char pnr[13];
	int64_t person_id;
};

static void use_test_key(void)
{
	unsigned char key[SECRET_KEY_BYTES];
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(200 - i);
	secret_set(key);
}

static int setup(void **state, const char *engine)
{
	struct world *w = calloc(1, sizeof(*w));
	char msg[256];
	int added = 0;
	if (w == NULL || test_db_open(&w->t, engine, "application") != 0 ||
	    demo_fill(w->t.db, 0, NULL, NULL) != NARA_OK ||
	    application_forms_load(msg, sizeof(msg)) != NARA_OK ||
	    application_forms_sync(w->t.db, T0, &added, msg, sizeof(msg)) !=
		NARA_OK ||
	    added != 4)
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
	application_forms_free();
	free(w);
	return 0;
}

static int64_t scalar(struct db *db, const char *sql, const char *types, ...)
{
	/* At most two binds: an integer and a text, as the tests need. */
	va_list ap;
	va_start(ap, types);
	int64_t i = 0;
	const char *s = NULL;
	for (const char *t = types; *t; t++) {
		if (*t == 'i')
			i = va_arg(ap, int64_t);
		else
			s = va_arg(ap, const char *);
	}
	va_end(ap);
	int64_t v = -1;
	enum nara_err err;
	if (strcmp(types, "i") == 0)
		err = db_query_int(db, &v, sql, "i", i);
	else if (strcmp(types, "s") == 0)
		err = db_query_int(db, &v, sql, "s", s);
	else if (strcmp(types, "is") == 0)
		err = db_query_int(db, &v, sql, "is", i, s);
	else
		err = db_query_int(db, &v, sql, "");
	if (err != NARA_OK)
		fail_msg("%s: %d", sql, err);
	return v;
}

static struct world *world(void **state)
{
	struct world *w = *state;
	struct db_stmt *st;
	assert_int_equal(
	    db_prepare(w->t.db,
		       "SELECT p.id, p.personnummer FROM person p JOIN"
		       " municipality m ON m.id = p.municipality_id WHERE"
		       " m.slug = 'bjuv' AND p.protected_identity = 0"
		       " ORDER BY p.id LIMIT 1",
		       &st),
	    NARA_OK);
	assert_int_equal(db_step(st), DB_ROW);
	w->person_id = db_col_int(st, 0);
	snprintf(w->pnr, sizeof(w->pnr), "%s", db_col_text(st, 1));
	db_done(st);
	access_citizen(w->pnr, &w->person);
	int64_t staff =
	    scalar(w->t.db, "SELECT id FROM staff_user WHERE username = ?", "s",
		   "bjuv.handlaggare");
	assert_int_equal(
	    access_load_staff(w->t.db, &w->a, staff, &w->bjuv_staff), NARA_OK);
	return w;
}

static void test_versions_are_stored_once(void **state)
{
	struct world *w = world(state);
	char msg[256] = "";
	int added = -1;
	assert_int_equal(
	    application_forms_sync(w->t.db, T0, &added, msg, sizeof(msg)),
	    NARA_OK);
	assert_int_equal(added, 0);
	assert_int_equal(
	    scalar(w->t.db, "SELECT COUNT(*) FROM application_form", ""), 4);
	/* A stored version that no longer matches its file is refused. */
	assert_int_equal(db_run(w->t.db,
				"UPDATE application_form SET definition = ?"
				" WHERE slug = ?",
				"ss", "{}", "familjestod"),
			 NARA_OK);
	assert_int_equal(
	    application_forms_sync(w->t.db, T0, &added, msg, sizeof(msg)),
	    NARA_ECONFLICT);
	assert_non_null(strstr(msg, "familjestod.v1.json"));
	assert_non_null(strstr(msg, "new version"));
}

/* A complete family-support application, with one attachment. */
static void family_answers(struct input *x)
{
	memset(x, 0, sizeof(*x));
	put(x, "for_whom", "family");
	put(x, "children", "2");
	put(x, "other_guardian", "no");
	put(x, "areas", "parenting");
	put(x, "areas", "school");
	put(x, "describe",
	    "Vi bråkar mycket hemma och sonen vill inte gå"
	    " till skolan.");
	put(x, "interpreter", "no");
	attach(x, "documents", "intyg från skolan.pdf", pdf, sizeof(pdf) - 1);
}

static void test_application_opens_a_case(void **state)
{
	struct world *w = world(state);
	const struct form_def *f = application_form_find("familjestod", 0);
	struct input x;
	family_answers(&x);
	struct form_result r;
	assert_int_equal(application_form_validate(&w->a, f, &x.in, T0, &r),
			 NARA_OK);

	struct applicant who;
	assert_int_equal(
	    application_applicant(w->t.db, &w->a, &w->person, "bjuv", &who),
	    NARA_OK);
	assert_true(who.known);
	assert_string_equal(who.municipality_name, "Bjuv");
	assert_true(who.given_name[0] != '\0');
	assert_int_equal(
	    application_applicant(w->t.db, &w->a, &w->person, "atlantis", &who),
	    NARA_ENOTFOUND);
	assert_int_equal(
	    application_applicant(w->t.db, &w->a, &w->bjuv_staff, "bjuv", &who),
	    NARA_EDENIED);

	struct application_new app = {
	    .municipality_slug = "bjuv",
	    .form = f,
	    .answers = &r,
	    .note = "Ansökan om stöd till familjen\n\nVem gäller ansökan?\n"
		    "Hela familjen",
	};
	int64_t case_id = 0;
	const char *ref = NULL, *why = NULL, *field = NULL;
	assert_int_equal(application_submit(w->t.db, &w->a, &w->person, &app,
					    T0, &case_id, &ref, &why, &field),
			 NARA_OK);
	assert_true(case_id > 0);
	assert_true(strncmp(ref, "BJUV-2026-", 10) == 0);

	/* In the unit for children and families, as the matter says. */
	assert_int_equal(scalar(w->t.db,
				"SELECT COUNT(*) FROM case_file c JOIN unit u"
				" ON u.id = c.unit_id WHERE c.id = ? AND"
				" u.kind = ? AND c.kind = 'application' AND"
				" c.state = 'received' AND c.matter ="
				" 'family_support'",
				"is", case_id, "children_families"),
			 1);
	assert_int_equal(scalar(w->t.db,
				"SELECT person_id FROM case_file WHERE id = ?",
				"i", case_id),
			 w->person_id);
	/* The answers and the version they were given on. */
	struct db_stmt *st;
	assert_int_equal(db_prepare(w->t.db,
				    "SELECT a.answers, f.slug, f.version FROM"
				    " application a JOIN application_form f ON"
				    " f.id = a.form_id WHERE a.case_id = ?",
				    &st),
			 NARA_OK);
	db_bind_int(st, 1, case_id);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), r.json);
	assert_string_equal(db_col_text(st, 1), "familjestod");
	assert_int_equal(db_col_int(st, 2), 1);
	db_done(st);

	/* The person reads the note and the document at once. */
	struct case_view v;
	assert_int_equal(
	    case_read_own(w->t.db, &w->a, &w->person, case_id, T0 + 1, &v),
	    NARA_OK);
	assert_int_equal(v.nnotes, 1);
	assert_string_equal(v.notes[0].body, app.note);
	assert_true(v.notes[0].visible_to_person);
	int64_t doc = scalar(
	    w->t.db, "SELECT id FROM document WHERE case_id = ?", "i", case_id);
	struct document_file file;
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->person, doc, T0 + 1, &file),
	    NARA_OK);
	assert_memory_equal(file.data, pdf, sizeof(pdf) - 1);
	assert_string_equal(file.filename, "intyg från skolan.pdf");
	/* The Bjuv case officer of children and families reads it too. */
	assert_int_equal(
	    document_read(w->t.db, &w->a, &w->bjuv_staff, doc, T0 + 1, &file),
	    NARA_OK);

	/* The audit rows of the one transaction. */
	assert_int_equal(scalar(w->t.db,
				"SELECT COUNT(*) FROM audit_log WHERE"
				" record_kind = 'application' AND action ="
				" 'create' AND person_id = ?",
				"i", w->person_id),
			 1);
	assert_int_equal(scalar(w->t.db,
				"SELECT COUNT(*) FROM audit_log WHERE"
				" record_kind = ? AND action = 'create'",
				"s", "document"),
			 1);
	assert_int_equal(scalar(w->t.db,
				"SELECT COUNT(*) FROM audit_log WHERE"
				" record_kind = 'case' AND action = 'create'"
				" AND record_id = ?",
				"i", case_id),
			 1);
	int64_t checked = 0, bad = 0;
	assert_int_equal(audit_verify(w->t.db, &checked, &bad), NARA_OK);

	/* Financial assistance goes to its own unit. */
	const struct form_def *money =
	    application_form_find("ekonomiskt-bistand", 0);
	struct input y;
	memset(&y, 0, sizeof(y));
	put(&y, "month", "2026-04");
	put(&y, "applies_for", "living");
	put(&y, "household", "alone");
	put(&y, "has_salary", "no");
	put(&y, "rent", "6 200");
	put(&y, "has_assets", "no");
	put(&y, "occupation", "seeking");
	put(&y, "confirm", "yes");
	assert_int_equal(application_form_validate(&w->a, money, &y.in, T0, &r),
			 NARA_OK);
	app.form = money;
	assert_int_equal(application_submit(w->t.db, &w->a, &w->person, &app,
					    T0, &case_id, &ref, &why, &field),
			 NARA_OK);
	assert_int_equal(scalar(w->t.db,
				"SELECT COUNT(*) FROM case_file c JOIN unit u"
				" ON u.id = c.unit_id WHERE c.id = ? AND"
				" u.kind = ?",
				"is", case_id, "financial_aid"),
			 1);
}

static void test_new_person_and_nothing_half_written(void **state)
{
	struct world *w = world(state);
	const struct form_def *f = application_form_find("familjestod", 0);
	/* Someone Höganäs has never met: their record comes with the case. */
	struct actor newcomer;
	access_citizen("199001012385", &newcomer);
	struct input x;
	family_answers(&x);
	struct form_result r;
	assert_int_equal(application_form_validate(&w->a, f, &x.in, T0, &r),
			 NARA_OK);
	struct applicant who;
	assert_int_equal(
	    application_applicant(w->t.db, &w->a, &newcomer, "hoganas", &who),
	    NARA_OK);
	assert_false(who.known);
	int64_t audit_before =
	    scalar(w->t.db, "SELECT COUNT(*) FROM audit_log", "");
	int64_t cases_before =
	    scalar(w->t.db, "SELECT COUNT(*) FROM case_file", "");

	struct application_new app = {
	    .municipality_slug = "hoganas",
	    .form = f,
	    .answers = &r,
	    .note = "Ansökan",
	    .given_name = " ",
	    .family_name = "Nyberg",
	};
	int64_t case_id;
	const char *ref, *why, *field;
	assert_int_equal(application_submit(w->t.db, &w->a, &newcomer, &app, T0,
					    &case_id, &ref, &why, &field),
			 NARA_EINVAL);
	assert_string_equal(why, "apply.error.given_name");
	assert_string_equal(field, "given_name");

	/* A file that slipped past the checks fails the whole application:
	 * no person, no case, no document, no audit row is left. */
	app.given_name = "Nora";
	struct form_file fake = {"documents", "x.pdf", "MZ\x90\x00", 4};
	const struct form_file *fakes[] = {&fake};
	const char *types[] = {"application/pdf"};
	for (size_t i = 0; i < f->nquestions; i++)
		if (f->questions[i].type == FORM_ATTACHMENT) {
			r.answers[i].files = fakes;
			r.answers[i].file_types = types;
			r.answers[i].nfiles = 1;
		}
	assert_int_equal(application_submit(w->t.db, &w->a, &newcomer, &app, T0,
					    &case_id, &ref, &why, &field),
			 NARA_EINVAL);
	assert_string_equal(why, "document.error.type");
	assert_string_equal(field, "documents");
	assert_int_equal(case_id, 0);
	assert_int_equal(scalar(w->t.db, "SELECT COUNT(*) FROM audit_log", ""),
			 audit_before);
	assert_int_equal(scalar(w->t.db, "SELECT COUNT(*) FROM case_file", ""),
			 cases_before);
	assert_int_equal(scalar(w->t.db,
				"SELECT COUNT(*) FROM person WHERE"
				" personnummer = ?",
				"s", "199001012385"),
			 0);

	/* With the file's error fixed it all goes in, the person too. */
	family_answers(&x);
	assert_int_equal(application_form_validate(&w->a, f, &x.in, T0, &r),
			 NARA_OK);
	assert_int_equal(application_submit(w->t.db, &w->a, &newcomer, &app, T0,
					    &case_id, &ref, &why, &field),
			 NARA_OK);
	assert_true(strncmp(ref, "HOGANAS-2026-", 13) == 0);
	assert_int_equal(scalar(w->t.db,
				"SELECT COUNT(*) FROM person p JOIN case_file c"
				" ON c.person_id = p.id WHERE c.id = ? AND"
				" p.given_name = 'Nora' AND p.personnummer = ?",
				"is", case_id, "199001012385"),
			 1);
	/* Staff never apply for anyone through this door. */
	assert_int_equal(application_submit(w->t.db, &w->a, &w->bjuv_staff,
					    &app, T0, &case_id, &ref, &why,
					    &field),
			 NARA_EDENIED);
}

#define EACH(setup_fn)                                                         \
	{                                                                      \
		cmocka_unit_test_setup_teardown(test_versions_are_stored_once, \
						setup_fn, teardown),           \
		    cmocka_unit_test_setup_teardown(                           \
			test_application_opens_a_case, setup_fn, teardown),    \
		    cmocka_unit_test_setup_teardown(                           \
			test_new_person_and_nothing_half_written, setup_fn,    \
			teardown),                                             \
	}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_embedded_forms_load),
	    cmocka_unit_test(test_broken_definitions_are_refused),
	    cmocka_unit_test(test_good_answers),
	    cmocka_unit_test(test_bad_answers),
	    cmocka_unit_test(test_files),
	};
	const struct CMUnitTest sqlite_tests[] = EACH(setup_sqlite);
	const struct CMUnitTest pg_tests[] = EACH(setup_pg);
	int failed =
	    cmocka_run_group_tests_name("application", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("application/sqlite",
					      sqlite_tests, NULL, NULL);
	if (test_db_have_pg())
		failed += cmocka_run_group_tests_name("application/postgresql",
						      pg_tests, NULL, NULL);
	else
		printf("application/postgresql: skipped (NARA_TEST_PG_URL not "
		       "set)\n");
	return failed;
}
