/*
 * Application forms as data; see application_form.h. Definitions are read
 * with jansson and checked strictly: an unknown key is an error (a typo in
 * "requierd" would otherwise make a question silently optional), every
 * text must be there in both languages, and a condition may only point
 * back at an earlier yes/no or choice question and at answers it has.
 * Strings of a loaded definition point into its JSON tree, which the
 * definition owns.
 */
#include "domain/application_form.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "core/utf8.h"
#include "db/db.h"
#include "domain/application.h"
#include "domain/document.h"
#include "policy/clock.h"

enum {
	MAX_SECTIONS = 20,
	MAX_QUESTIONS = 100,
	MAX_OPTIONS = 50,
	ID_MAX = 40,
	NUMBER_DIGITS = 13,
	TEXT_DEFAULT = 200,
	TEXT_LIMIT = 1000,
	TEXTAREA_DEFAULT = 4000,
	TEXTAREA_LIMIT = 20000,
};

/* |min| and |max| of a number question: at most 10^12. */
static const int64_t NUMBER_LIMIT = 1000000000000;

/* Fields the form pages send beside the answers: no question may use them. */
static const char *const reserved_ids[] = {"csrf", "form_version", "given_name",
					   "family_name", NULL};

static const char *const autocomplete_tokens[] = {
    "tel",	   "email",	  "name",	    "given-name",
    "family-name", "postal-code", "street-address", "address-level2",
    NULL,
};

static const struct {
	const char *name;
	enum form_type type;
	const char *keys; /* the keys a question of this type may have */
} types[] = {
    {"text", FORM_TEXT, " max_length autocomplete "},
    {"textarea", FORM_TEXTAREA, " max_length "},
    {"number", FORM_NUMBER, " min max unit "},
    {"yesno", FORM_YESNO, " "},
    {"choice", FORM_CHOICE, " options multiple "},
    {"date", FORM_DATE, " range "},
    {"month", FORM_MONTH, " range "},
    {"attachment", FORM_ATTACHMENT, " max_files "},
};

/* Keys every question may have. */
static const char question_keys[] = " id type required label help when ";

const char *form_text(const struct form_text *t, const char *lang)
{
	return (lang != NULL && strcmp(lang, "en") == 0) ? t->en : t->sv;
}

/* ---- parsing ---- */

struct parse {
	const char *file;
	char *errmsg;
	size_t errlen;
	char where[80]; /* "question 'rent'" */
};

static int fail(struct parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fail(struct parse *p, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(p->errmsg, p->errlen, "forms/%s: %s%s%s", p->file, p->where,
		 p->where[0] ? ": " : "", what);
	return -1;
}

/* 1 when key is one of the space-separated words of list (" a b "). */
static int key_in(const char *list, const char *key)
{
	char needle[64];
	if (strlen(key) + 3 > sizeof(needle))
		return 0;
	snprintf(needle, sizeof(needle), " %s ", key);
	return strstr(list, needle) != NULL;
}

static int only_keys(struct parse *p, json_t *obj, const char *allowed,
		     const char *what)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		(void)v;
		if (!key_in(allowed, key))
			return fail(p, "unknown key '%s' in %s", key, what);
	}
	return 0;
}

/* A name of lower-case letters, digits and extra (e.g. "_" or "-"). */
static int is_name(const char *s, const char *extra, int letter_first)
{
	size_t n = strlen(s);
	if (n == 0 || n > ID_MAX ||
	    (letter_first && !(s[0] >= 'a' && s[0] <= 'z')))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr(extra, s[i])))
			return 0;
	return 1;
}

static int get_text(struct parse *p, json_t *obj, const char *key, int required,
		    struct form_text *out)
{
	out->sv = out->en = "";
	json_t *t = json_object_get(obj, key);
	if (t == NULL) {
		if (required)
			return fail(p, "'%s' is missing", key);
		return 0;
	}
	if (!json_is_object(t) || only_keys(p, t, " sv en ", key) != 0)
		return fail(p, "'%s' must be {\"sv\": ..., \"en\": ...}", key);
	json_t *sv = json_object_get(t, "sv"), *en = json_object_get(t, "en");
	if (!json_is_string(sv) || !json_is_string(en) ||
	    json_string_length(sv) == 0 || json_string_length(en) == 0)
		return fail(p, "'%s' needs both \"sv\" and \"en\" texts", key);
	out->sv = json_string_value(sv);
	out->en = json_string_value(en);
	return 0;
}

static int get_int(struct parse *p, json_t *obj, const char *key, int64_t dflt,
		   int64_t lo, int64_t hi, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	*out = dflt;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return fail(p, "'%s' must be a whole number from %lld to %lld",
			    key, (long long)lo, (long long)hi);
	*out = (int64_t)json_integer_value(v);
	return 0;
}

static int get_bool(struct parse *p, json_t *obj, const char *key, int *out)
{
	json_t *v = json_object_get(obj, key);
	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return fail(p, "'%s' must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

static int parse_options(struct parse *p, json_t *arr, struct form_question *q)
{
	if (!json_is_array(arr) || json_array_size(arr) < 1 ||
	    json_array_size(arr) > MAX_OPTIONS)
		return fail(p, "'options' must be a list of 1 to %d choices",
			    MAX_OPTIONS);
	/* One option alone is a confirmation ("I confirm ..."): a box to tick.
	 */
	if (json_array_size(arr) == 1 && !q->multiple)
		return fail(p, "a choice of one option must be \"multiple\"");
	q->noptions = json_array_size(arr);
	q->options = calloc(q->noptions, sizeof(*q->options));
	if (q->options == NULL)
		return fail(p, "out of memory");
	for (size_t i = 0; i < q->noptions; i++) {
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o) ||
		    only_keys(p, o, " value label ", "an option") != 0)
			return fail(p, "option %zu must be {value, label}",
				    i + 1);
		json_t *v = json_object_get(o, "value");
		if (!json_is_string(v) ||
		    !is_name(json_string_value(v), "_-", 0))
			return fail(
			    p,
			    "option %zu: 'value' must be a short name of"
			    " a-z, 0-9, _ and -",
			    i + 1);
		q->options[i].value = json_string_value(v);
		for (size_t k = 0; k < i; k++)
			if (strcmp(q->options[k].value, q->options[i].value) ==
			    0)
				return fail(p, "option '%s' twice",
					    q->options[i].value);
		if (get_text(p, o, "label", 1, &q->options[i].label) != 0)
			return -1;
	}
	return 0;
}

static int has_answer(const struct form_question *q, const char *value)
{
	if (q->type == FORM_YESNO)
		return strcmp(value, "yes") == 0 || strcmp(value, "no") == 0;
	for (size_t i = 0; i < q->noptions; i++)
		if (strcmp(q->options[i].value, value) == 0)
			return 1;
	return 0;
}

static int parse_when(struct parse *p, json_t *w, struct form_def *f,
		      size_t index)
{
	struct form_question *q = &f->questions[index];
	q->when = -1;
	if (w == NULL)
		return 0;
	if (!json_is_object(w) || only_keys(p, w, " question in ", "'when'"))
		return fail(
		    p, "'when' must be {\"question\": ..., \"in\": [...]}");
	json_t *on = json_object_get(w, "question"),
	       *in = json_object_get(w, "in");
	if (!json_is_string(on))
		return fail(p, "'when' needs the id of an earlier question");
	for (size_t i = 0; i < index; i++)
		if (strcmp(f->questions[i].id, json_string_value(on)) == 0)
			q->when = (int)i;
	if (q->when < 0)
		return fail(
		    p, "'when' names '%s', which is not an earlier question",
		    json_string_value(on));
	const struct form_question *dep = &f->questions[q->when];
	if (dep->type != FORM_YESNO && dep->type != FORM_CHOICE)
		return fail(
		    p, "'when' may only depend on a yes/no or choice question");
	if (!json_is_array(in) || json_array_size(in) == 0 ||
	    json_array_size(in) > MAX_OPTIONS)
		return fail(p, "'when' needs a list of answers in \"in\"");
	q->nwhen = json_array_size(in);
	q->when_values = calloc(q->nwhen, sizeof(*q->when_values));
	if (q->when_values == NULL)
		return fail(p, "out of memory");
	for (size_t i = 0; i < q->nwhen; i++) {
		json_t *v = json_array_get(in, i);
		if (!json_is_string(v) ||
		    !has_answer(dep, json_string_value(v)))
			return fail(p, "'when': '%s' is not an answer of '%s'",
				    json_is_string(v) ? json_string_value(v)
						      : "?",
				    dep->id);
		q->when_values[i] = json_string_value(v);
	}
	return 0;
}

static int parse_question(struct parse *p, json_t *o, struct form_def *f,
			  size_t index)
{
	struct form_question *q = &f->questions[index];
	snprintf(p->where, sizeof(p->where), "question %zu", index + 1);
	if (!json_is_object(o))
		return fail(p, "a question must be an object");
	json_t *id = json_object_get(o, "id");
	if (!json_is_string(id) || !is_name(json_string_value(id), "_", 1))
		return fail(p, "'id' must be a name of a-z, 0-9 and _ that"
			       " starts with a letter, at most 40 long");
	q->id = json_string_value(id);
	snprintf(p->where, sizeof(p->where), "question '%s'", q->id);
	for (size_t i = 0; reserved_ids[i]; i++)
		if (strcmp(q->id, reserved_ids[i]) == 0)
			return fail(p, "the id is reserved for the page");
	for (size_t i = 0; i < index; i++)
		if (strcmp(f->questions[i].id, q->id) == 0)
			return fail(p, "the id is used twice");
	json_t *type = json_object_get(o, "type");
	size_t t = 0;
	while (t < sizeof(types) / sizeof(types[0]) &&
	       !(json_is_string(type) &&
		 strcmp(json_string_value(type), types[t].name) == 0))
		t++;
	if (t == sizeof(types) / sizeof(types[0]))
		return fail(p, "'type' must be text, textarea, number, yesno,"
			       " choice, date, month or attachment");
	q->type = types[t].type;
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		(void)v;
		if (key_in(question_keys, key) || key_in(types[t].keys, key))
			continue;
		int known = 0;
		for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
			known |= key_in(types[k].keys, key);
		if (!known)
			return fail(p, "unknown key '%s'", key);
		return fail(p, "'%s' does not belong to a %s question", key,
			    types[t].name);
	}
	int64_t n;
	if (get_bool(p, o, "required", &q->required) != 0 ||
	    get_bool(p, o, "multiple", &q->multiple) != 0 ||
	    get_text(p, o, "label", 1, &q->label) != 0 ||
	    get_text(p, o, "help", 0, &q->help) != 0 ||
	    get_text(p, o, "unit", 0, &q->unit) != 0 ||
	    get_int(p, o, "min", 0, -NUMBER_LIMIT, NUMBER_LIMIT, &q->min) !=
		0 ||
	    get_int(p, o, "max", 999999999, -NUMBER_LIMIT, NUMBER_LIMIT,
		    &q->max) != 0)
		return -1;
	if (q->min > q->max)
		return fail(p, "'min' is larger than 'max'");
	int text = q->type == FORM_TEXT;
	if (get_int(p, o, "max_length", text ? TEXT_DEFAULT : TEXTAREA_DEFAULT,
		    1, text ? TEXT_LIMIT : TEXTAREA_LIMIT, &n) != 0)
		return -1;
	q->max_length = (int)n;
	if (get_int(p, o, "max_files", 1, 1, DOCUMENT_MAX_PER_APPLICATION,
		    &n) != 0)
		return -1;
	q->max_files = (int)n;
	json_t *range = json_object_get(o, "range");
	if (range != NULL) {
		const char *r =
		    json_is_string(range) ? json_string_value(range) : "";
		if (strcmp(r, "past") == 0)
			q->range = FORM_RANGE_PAST;
		else if (strcmp(r, "future") == 0)
			q->range = FORM_RANGE_FUTURE;
		else
			return fail(p,
				    "'range' must be \"past\" or \"future\"");
	}
	q->autocomplete = "";
	json_t *ac = json_object_get(o, "autocomplete");
	if (ac != NULL) {
		size_t i = 0;
		while (autocomplete_tokens[i] &&
		       !(json_is_string(ac) &&
			 strcmp(json_string_value(ac),
				autocomplete_tokens[i]) == 0))
			i++;
		if (autocomplete_tokens[i] == NULL)
			return fail(p,
				    "'autocomplete' must be one of tel, email,"
				    " name, given-name, family-name,"
				    " postal-code, street-address,"
				    " address-level2");
		q->autocomplete = autocomplete_tokens[i];
	}
	if (q->type == FORM_CHOICE &&
	    parse_options(p, json_object_get(o, "options"), q) != 0)
		return -1;
	return parse_when(p, json_object_get(o, "when"), f, index);
}

/* "ekonomiskt-bistand.v1.json" for slug and version. */
static int name_matches(const char *name, const char *slug, int version)
{
	char want[96];
	snprintf(want, sizeof(want), "%s.v%d.json", slug, version);
	return strcmp(name, want) == 0;
}

static int parse_def(struct parse *p, json_t *root, struct form_def *f)
{
	if (!json_is_object(root))
		return fail(p, "the definition must be a JSON object");
	if (only_keys(p, root, " slug version matter title intro sections ",
		      "the definition") != 0)
		return -1;
	json_t *slug = json_object_get(root, "slug");
	if (!json_is_string(slug) || !is_name(json_string_value(slug), "-", 1))
		return fail(p, "'slug' must be a name of a-z, 0-9 and -");
	f->slug = json_string_value(slug);
	int64_t version;
	if (get_int(p, root, "version", 0, 1, 9999, &version) != 0)
		return -1;
	if (version == 0)
		return fail(p, "'version' is missing");
	f->version = (int)version;
	if (!name_matches(p->file, f->slug, f->version))
		return fail(p, "the file must be called %s.v%d.json", f->slug,
			    f->version);
	json_t *matter = json_object_get(root, "matter");
	if (!json_is_string(matter) ||
	    application_unit_kinds(json_string_value(matter)) == NULL)
		return fail(p, "'matter' must be financial_assistance, support,"
			       " family_support or violence_support");
	f->matter = json_string_value(matter);
	if (get_text(p, root, "title", 1, &f->title) != 0 ||
	    get_text(p, root, "intro", 1, &f->intro) != 0)
		return -1;

	json_t *sections = json_object_get(root, "sections");
	if (!json_is_array(sections) || json_array_size(sections) == 0 ||
	    json_array_size(sections) > MAX_SECTIONS)
		return fail(p, "'sections' must be a list of 1 to %d sections",
			    MAX_SECTIONS);
	size_t total = 0;
	for (size_t i = 0; i < json_array_size(sections); i++) {
		json_t *qs =
		    json_object_get(json_array_get(sections, i), "questions");
		total += json_is_array(qs) ? json_array_size(qs) : 0;
	}
	if (total == 0 || total > MAX_QUESTIONS)
		return fail(p, "a form has 1 to %d questions", MAX_QUESTIONS);
	f->nsections = json_array_size(sections);
	f->sections = calloc(f->nsections, sizeof(*f->sections));
	f->questions = calloc(total, sizeof(*f->questions));
	if (f->sections == NULL || f->questions == NULL)
		return fail(p, "out of memory");
	for (size_t i = 0; i < f->nsections; i++) {
		json_t *s = json_array_get(sections, i);
		struct form_section *sec = &f->sections[i];
		snprintf(p->where, sizeof(p->where), "section %zu", i + 1);
		if (!json_is_object(s) ||
		    only_keys(p, s, " title intro questions ", "a section") !=
			0)
			return fail(p,
				    "a section is {title, intro, questions}");
		if (get_text(p, s, "title", 1, &sec->title) != 0 ||
		    get_text(p, s, "intro", 0, &sec->intro) != 0)
			return -1;
		json_t *qs = json_object_get(s, "questions");
		if (!json_is_array(qs) || json_array_size(qs) == 0)
			return fail(p, "a section needs at least one question");
		sec->first = f->nquestions;
		sec->count = json_array_size(qs);
		for (size_t k = 0; k < sec->count; k++) {
			/* Counted first, so a failure frees what it made. */
			size_t index = f->nquestions++;
			f->questions[index].section = i;
			if (parse_question(p, json_array_get(qs, k), f,
					   index) != 0)
				return -1;
		}
	}
	p->where[0] = '\0';
	return 0;
}

void application_form_free(struct form_def *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->nquestions; i++) {
		free(f->questions[i].options);
		free(f->questions[i].when_values);
	}
	free(f->questions);
	free(f->sections);
	free((char *)f->canonical);
	json_decref(f->json);
	free(f);
}

enum nara_err application_form_parse(const char *name, const char *json,
				     size_t len, struct form_def **out,
				     char *errmsg, size_t errlen)
{
	*out = NULL;
	struct parse p = {.file = name, .errmsg = errmsg, .errlen = errlen};
	json_error_t jerr;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(errmsg, errlen, "forms/%s:%d:%d: %s", name, jerr.line,
			 jerr.column, jerr.text);
		return NARA_EINVAL;
	}
	struct form_def *f = calloc(1, sizeof(*f));
	if (f == NULL) {
		json_decref(root);
		return NARA_ENOMEM;
	}
	f->json = root;
	if (parse_def(&p, root, f) != 0) {
		application_form_free(f);
		return NARA_EINVAL;
	}
	/* What is stored: key order and spacing do not make a new version. */
	f->canonical = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	if (f->canonical == NULL) {
		application_form_free(f);
		return NARA_ENOMEM;
	}
	*out = f;
	return NARA_OK;
}

/* ---- the loaded set ---- */

static struct form_def **loaded;
static size_t nloaded;
static const struct form_def **kinds; /* the newest of each slug */
static size_t nkinds;

void application_forms_free(void)
{
	for (size_t i = 0; i < nloaded; i++)
		application_form_free(loaded[i]);
	free(loaded);
	free(kinds);
	loaded = NULL;
	kinds = NULL;
	nloaded = nkinds = 0;
}

static int by_slug_version(const void *a, const void *b)
{
	const struct form_def *x = *(struct form_def *const *)a;
	const struct form_def *y = *(struct form_def *const *)b;
	int c = strcmp(x->slug, y->slug);
	return c ? c : x->version - y->version;
}

enum nara_err application_forms_load(char *errmsg, size_t errlen)
{
	application_forms_free();
	loaded = calloc(nara_assets_count + 1, sizeof(*loaded));
	kinds = calloc(nara_assets_count + 1, sizeof(*kinds));
	if (loaded == NULL || kinds == NULL)
		return NARA_ENOMEM;
	for (size_t i = 0; i < nara_assets_count; i++) {
		const struct asset *as = &nara_assets[i];
		size_t plen = strlen(as->path);
		if (strncmp(as->path, "forms/", 6) != 0 || plen < 11 ||
		    strcmp(as->path + plen - 5, ".json") != 0)
			continue;
		enum nara_err err = application_form_parse(
		    as->path + 6, (const char *)as->data, as->len,
		    &loaded[nloaded], errmsg, errlen);
		if (err != NARA_OK) {
			application_forms_free();
			return err;
		}
		nloaded++;
	}
	qsort(loaded, nloaded, sizeof(*loaded), by_slug_version);
	for (size_t i = 0; i < nloaded; i++) {
		if (i + 1 < nloaded &&
		    strcmp(loaded[i]->slug, loaded[i + 1]->slug) == 0)
			continue; /* a newer version follows */
		kinds[nkinds++] = loaded[i];
	}
	return NARA_OK;
}

const struct form_def *application_form_find(const char *slug, int version)
{
	const struct form_def *best = NULL;
	for (size_t i = 0; slug != NULL && i < nloaded; i++) {
		if (strcmp(loaded[i]->slug, slug) != 0)
			continue;
		if (version == 0 || loaded[i]->version == version)
			best = loaded[i]; /* sorted: the last is the newest */
	}
	return best;
}

size_t application_form_kinds(const struct form_def ***out)
{
	*out = kinds;
	return nkinds;
}

enum nara_err application_forms_sync(struct db *db, int64_t now, int *added,
				     char *errmsg, size_t errlen)
{
	*added = 0;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	for (size_t i = 0; err == NARA_OK && i < nloaded; i++) {
		const struct form_def *f = loaded[i];
		struct db_stmt *st;
		err = db_prepare(db,
				 "SELECT definition FROM application_form"
				 " WHERE slug = ? AND version = ?",
				 &st);
		if (err != NARA_OK)
			break;
		db_bind_text(st, 1, f->slug, (size_t)-1);
		db_bind_int(st, 2, f->version);
		int rc = db_step(st);
		int same = rc == DB_ROW &&
			   strcmp(db_col_text(st, 0), f->canonical) == 0;
		db_done(st);
		if (rc < 0) {
			err = db_step_err(rc);
		} else if (rc == DB_ROW && !same) {
			snprintf(errmsg, errlen,
				 "forms/%s.v%d.json differs from the version"
				 " already stored: give the changed form a new"
				 " version",
				 f->slug, f->version);
			err = NARA_ECONFLICT;
		} else if (rc == DB_DONE) {
			err = db_run(db,
				     "INSERT INTO application_form (slug,"
				     " version, matter, definition, created_at)"
				     " VALUES (?, ?, ?, ?, ?)",
				     "sissi", f->slug, (int64_t)f->version,
				     f->matter, f->canonical, now);
			if (err == NARA_OK)
				(*added)++;
		}
	}
	if (err == NARA_OK)
		return db_commit(db);
	db_rollback(db);
	*added = 0;
	return err;
}

/* ---- answers ---- */

const char *form_option_label(const struct form_question *q, const char *value,
			      const char *lang)
{
	for (size_t i = 0; i < q->noptions; i++)
		if (strcmp(q->options[i].value, value) == 0)
			return form_text(&q->options[i].label, lang);
	return value;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A copy without leading and trailing white space. */
static const char *trimmed(struct arena *a, const char *s, size_t len)
{
	while (len > 0 && is_space(*s))
		s++, len--;
	while (len > 0 && is_space(s[len - 1]))
		len--;
	return arena_strndup(a, s, len);
}

/* Characters, not bytes: what the person counts. s is valid UTF-8. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The text checks; NULL when fine, else the catalogue key. */
static const char *check_text(const struct form_question *q, const char *v)
{
	for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
		int line_break = *c == '\n' || *c == '\r';
		if ((*c < 0x20 && *c != '\t' &&
		     !(line_break && q->type == FORM_TEXTAREA)) ||
		    *c == 0x7f)
			return "apply.error.text";
	}
	if (chars(v) > (size_t)q->max_length)
		return "apply.error.too_long";
	return NULL;
}

/*
 * A whole number as people write it: "12 500", "12 500" (no-break
 * space), "-3" where negatives are allowed. *err is the catalogue key.
 */
static int parse_number(const struct form_question *q, const char *v,
			int64_t *out, const char **err)
{
	char digits[NUMBER_DIGITS + 2];
	size_t n = 0;
	int negative = 0;
	const unsigned char *s = (const unsigned char *)v;
	if (*s == '-' || (s[0] == 0xe2 && s[1] == 0x88 && s[2] == 0x92)) {
		negative = 1; /* hyphen or U+2212 minus sign */
		s += *s == '-' ? 1 : 3;
	}
	while (*s) {
		if (*s == ' ') {
			s++;
		} else if (s[0] == 0xc2 && s[1] == 0xa0) {
			s += 2; /* no-break space */
		} else if (s[0] == 0xe2 && s[1] == 0x80 &&
			   (s[2] == 0xaf || s[2] == 0x89)) {
			s += 3; /* narrow no-break space, thin space */
		} else if (*s >= '0' && *s <= '9' && n < NUMBER_DIGITS) {
			digits[n++] = (char)*s++;
		} else {
			*err = "apply.error.number";
			return -1;
		}
	}
	if (n == 0) {
		*err = "apply.error.number";
		return -1;
	}
	digits[n] = '\0';
	int64_t x = strtoll(digits, NULL, 10);
	if (negative)
		x = -x;
	if (x < q->min || x > q->max) {
		*err = "apply.error.number_range";
		return -1;
	}
	*out = x;
	return 0;
}

static int two(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* "YYYY-MM-DD" or, with month_only, "YYYY-MM"; 0 when it is one. */
static int parse_date(const char *v, int month_only, struct civil_date *d)
{
	size_t len = strlen(v);
	if (len != (month_only ? 7u : 10u) || v[4] != '-' ||
	    (!month_only && v[7] != '-'))
		return -1;
	int hi = two(v), lo = two(v + 2);
	d->year = hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
	d->month = two(v + 5);
	d->day = month_only ? 1 : two(v + 8);
	if (d->year < 1900 || d->year > 2100 || d->month < 1 || d->month > 12 ||
	    d->day < 1 || d->day > 31)
		return -1;
	struct civil_date back = civil_from_days(civil_to_days(*d));
	return back.day == d->day && back.month == d->month ? 0 : -1;
}

static const char *check_date(const struct form_question *q, const char *v,
			      int64_t now)
{
	int month = q->type == FORM_MONTH;
	struct civil_date d;
	if (parse_date(v, month, &d) != 0)
		return month ? "apply.error.month" : "apply.error.date";
	struct civil_date today = clock_local_date(now);
	if (month) {
		d.day = today.day = 1;
	}
	int64_t day = civil_to_days(d), ref = civil_to_days(today);
	if (q->range == FORM_RANGE_PAST && day > ref)
		return month ? "apply.error.month_past"
			     : "apply.error.date_past";
	if (q->range == FORM_RANGE_FUTURE && day < ref)
		return month ? "apply.error.month_future"
			     : "apply.error.date_future";
	return NULL;
}

/* The values sent for a question (several for a multiple choice). */
static enum nara_err values_of(struct arena *a, const struct kvlist *fields,
			       const char *id, const char ***out, size_t *count)
{
	size_t n = 0;
	for (size_t i = 0; fields && i < fields->count; i++)
		n += strcmp(fields->items[i].key, id) == 0;
	*out = NULL;
	*count = 0;
	if (n == 0)
		return NARA_OK;
	const char **v = arena_calloc(a, n, sizeof(*v));
	if (v == NULL)
		return NARA_ENOMEM;
	for (size_t i = 0; i < fields->count; i++) {
		const struct kv *kv = &fields->items[i];
		if (strcmp(kv->key, id) != 0)
			continue;
		if (!utf8_valid(kv->value, kv->value_len) ||
		    memchr(kv->value, '\0', kv->value_len) != NULL)
			return NARA_EINVAL;
		v[(*count)++] = trimmed(a, kv->value, kv->value_len);
		if (v[*count - 1] == NULL)
			return NARA_ENOMEM;
	}
	*out = v;
	return NARA_OK;
}

/* 1 when the question is asked: no condition, or an answer it names. */
static int applies(const struct form_result *r, const struct form_question *q)
{
	if (q->when < 0)
		return 1;
	const struct form_answer *dep = &r->answers[q->when];
	if (!dep->applies || dep->error != NULL)
		return 0;
	for (size_t i = 0; i < dep->nvalues; i++)
		for (size_t k = 0; k < q->nwhen; k++)
			if (strcmp(dep->values[i], q->when_values[k]) == 0)
				return 1;
	return 0;
}

static void check_choice(const struct form_question *q, struct form_answer *ans)
{
	/* Unchecked boxes send nothing; a radio group sends one value. */
	size_t kept = 0;
	for (size_t i = 0; i < ans->nvalues; i++) {
		if (ans->values[i][0] == '\0')
			continue;
		if (!has_answer(q, ans->values[i])) {
			ans->error = "apply.error.choose";
			return;
		}
		int dup = 0;
		for (size_t k = 0; k < kept; k++)
			dup |= strcmp(ans->values[k], ans->values[i]) == 0;
		if (!dup)
			ans->values[kept++] = ans->values[i];
	}
	ans->nvalues = kept;
	ans->answered = kept > 0;
	if (kept > 1 && !q->multiple)
		ans->error = "apply.error.choose";
	else if (kept == 0 && q->required)
		ans->error = q->multiple ? "apply.error.choose_some"
					 : "apply.error.choose";
}

static enum nara_err check_files(struct arena *a, const struct form_question *q,
				 const struct form_input *in,
				 struct form_answer *ans, size_t *total)
{
	size_t n = 0;
	for (size_t i = 0; i < in->nfiles; i++)
		n += strcmp(in->files[i].field, q->id) == 0;
	if (n == 0) {
		if (q->required)
			ans->error = "apply.error.file_required";
		return NARA_OK;
	}
	ans->files = arena_calloc(a, n, sizeof(*ans->files));
	ans->file_types = arena_calloc(a, n, sizeof(*ans->file_types));
	if (ans->files == NULL || ans->file_types == NULL)
		return NARA_ENOMEM;
	for (size_t i = 0; i < in->nfiles; i++) {
		const struct form_file *file = &in->files[i];
		if (strcmp(file->field, q->id) != 0)
			continue;
		const char *why;
		if (document_check(file->data, file->len,
				   &ans->file_types[ans->nfiles],
				   &why) != NARA_OK &&
		    ans->error == NULL) {
			/* The message names the file as the person chose it. */
			ans->error = why;
			ans->error_arg =
			    file->filename != NULL &&
				    utf8_valid(file->filename,
					       strlen(file->filename))
				? file->filename
				: "";
		}
		ans->files[ans->nfiles++] = file;
	}
	ans->answered = 1;
	if (ans->error == NULL && ans->nfiles > (size_t)q->max_files)
		ans->error = "apply.error.too_many_files";
	*total += ans->nfiles;
	if (ans->error == NULL && *total > DOCUMENT_MAX_PER_APPLICATION)
		ans->error = "apply.error.too_many_files_total";
	return NARA_OK;
}

/* The answers of the questions asked, as JSON. */
static enum nara_err answers_json(struct arena *a, const struct form_def *f,
				  struct form_result *r)
{
	json_t *obj = json_object();
	int bad = obj == NULL;
	for (size_t i = 0; !bad && i < f->nquestions; i++) {
		const struct form_question *q = &f->questions[i];
		const struct form_answer *ans = &r->answers[i];
		if (!ans->applies || !ans->answered)
			continue;
		json_t *v = NULL;
		switch (q->type) {
		case FORM_NUMBER:
			v = json_integer(ans->number);
			break;
		case FORM_YESNO:
			v = json_string(ans->values[0]);
			break;
		case FORM_CHOICE:
			if (!q->multiple) {
				v = json_string(ans->values[0]);
				break;
			}
			v = json_array();
			for (size_t k = 0; v && k < ans->nvalues; k++)
				bad |= json_array_append_new(
				    v, json_string(ans->values[k]));
			break;
		case FORM_ATTACHMENT:
			v = json_array();
			for (size_t k = 0; v && k < ans->nfiles; k++)
				bad |= json_array_append_new(
				    v, json_string(document_clean_name(
					   a, ans->files[k]->filename,
					   ans->file_types[k])));
			break;
		default:
			v = json_string(ans->value);
			break;
		}
		bad |= v == NULL || json_object_set_new(obj, q->id, v) != 0;
	}
	char *text = bad ? NULL : json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (text == NULL)
		return NARA_ENOMEM;
	r->json = arena_strdup(a, text);
	free(text);
	return r->json ? NARA_OK : NARA_ENOMEM;
}

enum nara_err application_form_validate(struct arena *a,
					const struct form_def *f,
					const struct form_input *in,
					int64_t now, struct form_result *out)
{
	memset(out, 0, sizeof(*out));
	out->answers = arena_calloc(a, f->nquestions, sizeof(*out->answers));
	if (out->answers == NULL)
		return NARA_ENOMEM;
	size_t files = 0;
	for (size_t i = 0; i < f->nquestions; i++) {
		const struct form_question *q = &f->questions[i];
		struct form_answer *ans = &out->answers[i];
		enum nara_err err = values_of(a, in->fields, q->id,
					      &ans->values, &ans->nvalues);
		if (err == NARA_EINVAL) {
			/* Bytes that are not text: said at the question. */
			ans->error = "apply.error.text";
			ans->nvalues = 0;
			err = NARA_OK;
		} else if (err != NARA_OK) {
			return err;
		}
		ans->value = ans->nvalues > 0 ? ans->values[0] : "";
		ans->applies = applies(out, q);
		if (!ans->applies) {
			ans->error = NULL;
			continue;
		}
		if (ans->error != NULL)
			;
		else if (q->type == FORM_YESNO || q->type == FORM_CHOICE)
			check_choice(q, ans);
		else if (q->type == FORM_ATTACHMENT)
			err = check_files(a, q, in, ans, &files);
		else if (ans->value[0] == '\0')
			ans->error =
			    q->required ? "apply.error.required" : NULL;
		else if (q->type == FORM_NUMBER)
			ans->answered =
			    parse_number(q, ans->value, &ans->number,
					 &ans->error) == 0;
		else if (q->type == FORM_DATE || q->type == FORM_MONTH)
			ans->error = check_date(q, ans->value, now);
		else
			ans->error = check_text(q, ans->value);
		if (err != NARA_OK)
			return err;
		if (q->type != FORM_NUMBER && q->type != FORM_CHOICE &&
		    q->type != FORM_YESNO && q->type != FORM_ATTACHMENT)
			ans->answered = ans->value[0] != '\0';
		out->nerrors += ans->error != NULL;
	}
	out->nfiles = files;
	if (out->nerrors > 0)
		return NARA_EINVAL;
	return answers_json(a, f, out);
}
