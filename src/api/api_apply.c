/*
 * The API's ways in for a logged-in person: the application forms (their
 * definitions are data, the files in forms/) and filing an application, with
 * the same checks, the same journal note and the same one transaction as the
 * page /ansok (domain/application.c). Attachments come as base64 inside
 * the JSON; the document module checks what they really are.
 */
#include "api/api.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/application.h"
#include "domain/application_form.h"
#include "domain/document.h"
#include "web/web.h"

enum { MAX_FIELDS = 256 };

enum nara_err api_forms(struct req *r)
{
	const struct form_def **kinds;
	size_t n = application_form_kinds(&kinds);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(
		    arr, json_pack("{s:s,s:i,s:s,s:s}", "slug", kinds[i]->slug,
				   "version", kinds[i]->version, "matter",
				   kinds[i]->matter, "title",
				   form_text(&kinds[i]->title, r->lang)));
	return api_send(r, 200, json_pack("{s:o}", "forms", arr));
}

enum nara_err api_form(struct req *r)
{
	const struct form_def *f = application_form_find(r->params[0], 0);
	if (f == NULL)
		return api_error(r, 404, "error.404.title");
	json_error_t e;
	json_t *def = json_loads(f->canonical, 0, &e);
	if (def == NULL)
		return NARA_ENOMEM;
	return api_send(r, 200, def);
}

/* Appends one field to the form input, as a form post would carry it. */
static int add_field(struct req *r, struct kvlist *fields, const char *key,
		     const char *value)
{
	if (fields->count == MAX_FIELDS)
		return -1;
	struct kv *kv = &fields->items[fields->count++];
	kv->key = key;
	kv->value = value;
	kv->value_len = strlen(value);
	(void)r;
	return 0;
}

/*
 * {"answers": {"question": "text" | 12 | ["a", "b"]}, "files": [{"question",
 * "filename", "content": base64}]} as the page's form input. -1 when a
 * value has a type no question takes, or a file is not base64.
 */
static int read_answers(struct req *r, json_t *body, struct kvlist *fields,
			struct form_input *in)
{
	fields->items = arena_calloc(&r->arena, MAX_FIELDS, sizeof(struct kv));
	fields->count = 0;
	if (fields->items == NULL)
		return -1;
	json_t *answers = json_object_get(body, "answers");
	if (answers != NULL && !json_is_object(answers))
		return -1;
	const char *key;
	json_t *v;
	json_object_foreach(answers, key, v)
	{
		if (json_is_string(v)) {
			if (add_field(r, fields, key, json_string_value(v)) !=
			    0)
				return -1;
		} else if (json_is_integer(v)) {
			char *s =
			    arena_printf(&r->arena, "%lld",
					 (long long)json_integer_value(v));
			if (s == NULL || add_field(r, fields, key, s) != 0)
				return -1;
		} else if (json_is_array(v)) {
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x)
			{
				if (!json_is_string(x) ||
				    add_field(r, fields, key,
					      json_string_value(x)) != 0)
					return -1;
			}
		} else {
			return -1;
		}
	}
	json_t *files = json_object_get(body, "files");
	if (files != NULL && !json_is_array(files))
		return -1;
	size_t nfiles = json_array_size(files);
	struct form_file *list =
	    arena_calloc(&r->arena, nfiles ? nfiles : 1, sizeof(*list));
	if (list == NULL)
		return -1;
	for (size_t i = 0; i < nfiles; i++) {
		json_t *f = json_array_get(files, i);
		const char *q = api_str(f, "question");
		const char *name = api_str(f, "filename");
		const char *b64 = api_str(f, "content");
		if (q == NULL || name == NULL || b64 == NULL)
			return -1;
		size_t b64_len = strlen(b64);
		size_t cap = b64_len / 4 * 3 + 3;
		unsigned char *bin = arena_alloc(&r->arena, cap);
		size_t len = 0;
		if (bin == NULL ||
		    sodium_base642bin(bin, cap, b64, b64_len, NULL, &len, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0)
			return -1;
		list[i] = (struct form_file){
		    .field = q, .filename = name, .data = bin, .len = len};
	}
	*in = (struct form_input){
	    .fields = fields, .files = list, .nfiles = nfiles};
	return 0;
}

/* The answers' errors, question by question, as JSON. */
static json_t *errors_json(struct req *r, const struct form_def *f,
			   const struct form_result *res)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < f->nquestions; i++) {
		const char *key = res->answers[i].error;
		if (key == NULL)
			continue;
		json_object_set_new(o, f->questions[i].id,
				    json_pack("{s:s,s:s}", "key", key,
					      "message",
					      i18n_get(r->lang, key)));
	}
	return o;
}

enum nara_err api_application_create(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 1, &c, &err))
		return err;
	json_t *body = c.body;
	const char *municipality = api_str(body, "municipality");
	const char *slug = api_str(body, "form");
	int64_t version = 0;
	struct kvlist fields;
	struct form_input in;
	const struct form_def *f = NULL;
	if (municipality == NULL || slug == NULL ||
	    api_int(body, "version", &version) != 1 ||
	    (f = application_form_find(slug, (int)version)) == NULL ||
	    read_answers(r, body, &fields, &in) != 0) {
		json_decref(body);
		return api_error(r, 400,
				 f == NULL && slug != NULL ? "api.error.form"
							   : "api.error.body");
	}
	struct form_result res;
	int64_t now = (int64_t)time(NULL);
	err = application_form_validate(&r->arena, f, &in, now, &res);
	if (err == NARA_EINVAL) {
		json_decref(body);
		json_t *o =
		    json_pack("{s:{s:i,s:s,s:s,s:o}}", "error", "status", 400,
			      "key", "api.error.answers", "message",
			      i18n_get(r->lang, "api.error.answers"),
			      "questions", errors_json(r, f, &res));
		return api_send(r, 400, o);
	}
	if (err != NARA_OK) {
		json_decref(body);
		return err;
	}
	struct application_new app = {
	    .municipality_slug = municipality,
	    .form = f,
	    .answers = &res,
	    .note = apply_answers_note(r, f, &res),
	    .given_name = api_str(body, "given_name"),
	    .family_name = api_str(body, "family_name"),
	};
	if (app.given_name == NULL)
		app.given_name = "";
	if (app.family_name == NULL)
		app.family_name = "";
	int64_t case_id = 0;
	const char *reference = NULL, *why = NULL, *why_field = NULL;
	err = app.note == NULL
		  ? NARA_ENOMEM
		  : application_submit(r->db, &r->arena, &c.who, &app, now,
				       &case_id, &reference, &why, &why_field);
	/* The strings above live in body: it goes only now. */
	json_decref(body);
	if (err == NARA_EINVAL && why != NULL)
		return api_send(r, 400,
				json_pack("{s:{s:i,s:s,s:s,s:s}}", "error",
					  "status", 400, "key", why, "message",
					  i18n_get(r->lang, why), "question",
					  why_field ? why_field : ""));
	if (err == NARA_ENOTFOUND)
		return api_error(r, 404, "api.error.municipality");
	if (err == NARA_EDENIED)
		return api_error(r, 403, "error.403.title");
	if (err != NARA_OK)
		return err;
	return api_send(r, 201,
			json_pack("{s:I,s:s}", "case", (json_int_t)case_id,
				  "reference", reference));
}
