/*
 * Applying for help (ansökan), for a logged-in citizen:
 *
 *   /ansok                     choose the municipality (preselected when the
 *                              person's records name one) and what you need
 *   /ansok/{municipality}/{form}   the form, drawn from its definition
 *                              (domain/application_form.h); POST checks
 *                              every answer and either files the
 *                              application or shows the form again with the
 *                              answers kept, a summary of what to fix at
 *                              the top and the message at each question
 *   /ansok/kvitto/{case}       the receipt: the case's reference and where
 *                              to follow it
 *
 * One renderer serves every form: each question becomes template values
 * saying which kind of field it is. Everything works without JavaScript;
 * a question asked only on a condition is always on the page and says
 * when to answer it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/application.h"
#include "domain/application_form.h"
#include "domain/case.h"
#include "domain/directory.h"
#include "domain/document.h"
#include "domain/person.h"
#include "web/auth.h"
#include "web/format.h"
#include "web/web.h"

/* ---- /ansok ---- */

enum nara_err page_apply_choose(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	const char *chosen_m = kv_get(&r->query, "kommun");
	const char *chosen_f = kv_get(&r->query, "ansokan");
	const struct form_def **kinds;
	size_t nkinds = application_form_kinds(&kinds);
	struct directory_municipality *list;
	size_t n;
	if ((err = directory_municipalities(r->db, &r->arena, &list, &n)) !=
	    NARA_OK)
		return err;
	/* A link may preselect a municipality; only the form's own button
	 * (which sends "skickat") asks for both answers. */
	int sent = kv_get(&r->query, "skickat") != NULL;
	int m_ok = 0, f_ok = application_form_find(chosen_f, 0) != NULL;
	for (size_t i = 0; chosen_m && i < n; i++)
		m_ok |= strcmp(list[i].slug, chosen_m) == 0;
	if (sent && m_ok && f_ok) {
		resp_redirect(r, 303,
			      arena_printf(&r->arena, "/ansok/%s/%s", chosen_m,
					   chosen_f));
		return NARA_OK;
	}

	/* Where the person is known: one such municipality is the guess. */
	struct person_view *own;
	size_t nown;
	if ((err = person_read_own(r->db, &r->arena, &who, &own, &nown)) !=
	    NARA_OK)
		return err;
	if (!sent && chosen_m == NULL && nown == 1)
		for (size_t i = 0; i < n; i++)
			if (list[i].id == own[0].municipality_id)
				chosen_m = list[i].slug;

	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	if (nown == 1)
		tv_set(v, "known_in", own[0].municipality_name);
	for (size_t i = 0; i < n; i++) {
		struct tvars *item = tv_item(v, "municipalities");
		tv_set(item, "slug", list[i].slug);
		tv_set(item, "name", list[i].name);
		if (chosen_m && strcmp(chosen_m, list[i].slug) == 0)
			tv_set(item, "checked", "1");
	}
	for (size_t i = 0; i < nkinds; i++) {
		struct tvars *item = tv_item(v, "kinds");
		tv_set(item, "slug", kinds[i]->slug);
		tv_set(item, "title", form_text(&kinds[i]->title, r->lang));
		tv_set(item, "intro", form_text(&kinds[i]->intro, r->lang));
		if (chosen_f && strcmp(chosen_f, kinds[i]->slug) == 0)
			tv_set(item, "checked", "1");
	}
	const char *title = i18n_get(r->lang, "apply.title");
	if (sent && !m_ok)
		tv_set(v, "municipality_error",
		       i18n_get(r->lang, "apply.error.municipality"));
	if (sent && !f_ok)
		tv_set(v, "kind_error", i18n_get(r->lang, "apply.error.kind"));
	if (sent) {
		r->resp.status = 400;
		tv_set(v, "errors", "1");
		/* The summary's links lead to the first answer of each group.
		 */
		if (n > 0)
			tv_set(v, "first_m", list[0].slug);
		if (nkinds > 0)
			tv_set(v, "first_k", kinds[0]->slug);
		title = arena_printf(&r->arena, "%s %s",
				     i18n_get(r->lang, "apply.error_prefix"),
				     title);
	}
	return page_render(r, "apply_choose", v, title);
}

/* ---- the form ---- */

/* The message for a question's error, with the question's limits in it. */
static const char *error_text(struct req *r, const struct form_question *q,
			      const char *key, const char *arg)
{
	char num[32];
	const char *t = i18n_get(r->lang, key);
	snprintf(num, sizeof(num), "%lld", (long long)q->min);
	t = i18n_replace(r, t, "{min}", num);
	snprintf(num, sizeof(num), "%lld", (long long)q->max);
	t = i18n_replace(r, t, "{max}", num);
	snprintf(num, sizeof(num), "%d", q->max_length);
	t = i18n_replace(r, t, "{max_length}", num);
	snprintf(num, sizeof(num), "%d", q->max_files);
	t = i18n_replace(r, t, "{max_files}", num);
	return i18n_replace(r, t, "{name}", arg ? arg : "");
}

/* The label of an answer, in lang: an option, or yes or no. */
static const char *answer_label(const struct form_question *q,
				const char *value, const char *lang)
{
	if (q->type == FORM_YESNO)
		return i18n_get(lang, strcmp(value, "yes") == 0 ? "apply.yes"
								: "apply.no");
	return form_option_label(q, value, lang);
}

/* "Answer only if your answer to "Pets?" is "Yes" or "No"." */
static const char *condition_text(struct req *r, const struct form_def *f,
				  const struct form_question *q)
{
	const struct form_question *dep = &f->questions[q->when];
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < q->nwhen; i++) {
		if (i > 0)
			buf_printf(&b, " %s ", i18n_get(r->lang, "apply.or"));
		buf_printf(&b, "”%s”",
			   answer_label(dep, q->when_values[i], r->lang));
	}
	const char *answers = b.failed ? "" : buf_cstr(&b);
	const char *t = i18n_get(r->lang, "apply.when");
	t = i18n_replace(r, t, "{question}", form_text(&dep->label, r->lang));
	t = i18n_replace(r, t, "{answers}", answers);
	buf_free(&b);
	return t;
}

static const char *const type_flags[] = {
    [FORM_TEXT] = "t_text",	[FORM_TEXTAREA] = "t_textarea",
    [FORM_NUMBER] = "t_number", [FORM_YESNO] = "t_choice",
    [FORM_CHOICE] = "t_choice", [FORM_DATE] = "t_date",
    [FORM_MONTH] = "t_month",	[FORM_ATTACHMENT] = "t_file",
};

static void option_vars(struct req *r, struct tvars *qv,
			const struct form_question *q,
			const struct form_answer *ans, const char *value,
			const char *label, size_t index)
{
	struct tvars *o = tv_item(qv, "options");
	tv_set(o, "value", value);
	tv_set(o, "label", label);
	tv_set(o, "opt_id",
	       index == 0 ? arena_printf(&r->arena, "f-%s", q->id)
			  : arena_printf(&r->arena, "f-%s-%zu", q->id, index));
	for (size_t k = 0; ans && k < ans->nvalues; k++)
		if (strcmp(ans->values[k], value) == 0)
			tv_set(o, "checked", "1");
}

static void question_vars(struct req *r, struct tvars *qv,
			  const struct form_def *f,
			  const struct form_question *q,
			  const struct form_answer *ans)
{
	tv_set(qv, type_flags[q->type], "1");
	if (q->type == FORM_CHOICE && q->multiple)
		tv_set(qv, "multiple", "1");
	tv_set(qv, "id", q->id);
	tv_set(qv, "field_id", arena_printf(&r->arena, "f-%s", q->id));
	tv_set(qv, "label", form_text(&q->label, r->lang));
	if (!q->required && q->when < 0)
		tv_set(qv, "optional", "1");
	if (q->unit.sv[0])
		tv_set(qv, "unit", form_text(&q->unit, r->lang));
	if (q->autocomplete[0])
		tv_set(qv, "autocomplete", q->autocomplete);
	if (q->type == FORM_ATTACHMENT) {
		tv_set(qv, "file_rules",
		       error_text(r, q,
				  q->max_files > 1 ? "apply.file_rules"
						   : "apply.file_rules_one",
				  NULL));
		if (q->max_files > 1)
			tv_set(qv, "file_multiple", "1");
	}
	/* The ids the field is described by, in reading order. */
	struct buf d;
	buf_init(&d);
	if (q->help.sv[0]) {
		tv_set(qv, "help", form_text(&q->help, r->lang));
		buf_printf(&d, " h-%s", q->id);
	}
	if (q->when >= 0) {
		tv_set(qv, "condition", condition_text(r, f, q));
		buf_printf(&d, " c-%s", q->id);
	}
	if (q->unit.sv[0])
		buf_printf(&d, " u-%s", q->id);
	if (q->type == FORM_ATTACHMENT)
		buf_printf(&d, " r-%s", q->id);
	if (ans != NULL && ans->error != NULL) {
		tv_set(qv, "error",
		       error_text(r, q, ans->error, ans->error_arg));
		buf_printf(&d, " e-%s", q->id);
	}
	if (d.len > 0 && !d.failed)
		tv_set(qv, "describedby",
		       arena_strdup(&r->arena, buf_cstr(&d) + 1));
	buf_free(&d);
	if (ans != NULL && q->type != FORM_ATTACHMENT)
		tv_set(qv, "value", ans->value);
	if (q->type == FORM_YESNO) {
		option_vars(r, qv, q, ans, "yes",
			    i18n_get(r->lang, "apply.yes"), 0);
		option_vars(r, qv, q, ans, "no", i18n_get(r->lang, "apply.no"),
			    1);
	}
	for (size_t i = 0; i < q->noptions; i++)
		option_vars(r, qv, q, ans, q->options[i].value,
			    form_text(&q->options[i].label, r->lang), i);
}

/* What the page needs to draw a form, filled in or not. */
struct form_page {
	const char *municipality_slug;
	const struct form_def *form;
	const struct applicant *who_applies;
	const struct form_result *result; /* NULL: a new, empty form */
	const char *given_name, *family_name;
	const char *name_error_field, *name_error; /* from the domain */
	const char *notice;			   /* a catalogue key */
	int had_files;
};

static enum nara_err render_form(struct req *r, const struct session *s,
				 const struct actor *who,
				 const struct form_page *p)
{
	const struct form_def *f = p->form;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	tv_set(v, "action",
	       arena_printf(&r->arena, "/ansok/%s/%s", p->municipality_slug,
			    f->slug));
	tv_setf(v, "form_version", "%d", f->version);
	tv_set(v, "form_title", form_text(&f->title, r->lang));
	tv_set(v, "form_intro", form_text(&f->intro, r->lang));
	tv_set(v, "municipality", p->who_applies->municipality_name);
	for (size_t i = 0; i < f->nquestions; i++)
		if (f->questions[i].type == FORM_ATTACHMENT)
			tv_set(v, "has_files", "1");
	if (p->who_applies->known) {
		tv_set(v, "applicant",
		       arena_printf(&r->arena, "%s %s",
				    p->who_applies->given_name,
				    p->who_applies->family_name));
	} else {
		tv_set(v, "ask_name", "1");
		tv_set(v, "given_name", p->given_name);
		tv_set(v, "family_name", p->family_name);
	}
	size_t errors = 0;
	if (p->name_error != NULL) {
		const char *field = p->name_error_field;
		tv_set(v,
		       strcmp(field, "given_name") == 0 ? "given_name_error"
							: "family_name_error",
		       i18n_get(r->lang, p->name_error));
		struct tvars *e = tv_item(v, "summary");
		tv_set(e, "href", arena_printf(&r->arena, "#f-%s", field));
		tv_set(e, "text", i18n_get(r->lang, p->name_error));
		errors++;
	}
	for (size_t i = 0; i < f->nsections; i++) {
		const struct form_section *sec = &f->sections[i];
		struct tvars *sv = tv_item(v, "sections");
		tv_set(sv, "title", form_text(&sec->title, r->lang));
		tv_setf(sv, "sid", "s%zu", i + 1);
		if (sec->intro.sv[0])
			tv_set(sv, "intro", form_text(&sec->intro, r->lang));
		for (size_t k = sec->first; k < sec->first + sec->count; k++) {
			const struct form_question *q = &f->questions[k];
			const struct form_answer *ans =
			    p->result ? &p->result->answers[k] : NULL;
			struct tvars *qv = tv_item(sv, "questions");
			question_vars(r, qv, f, q, ans);
			if (ans == NULL || ans->error == NULL)
				continue;
			struct tvars *e = tv_item(v, "summary");
			tv_set(e, "href",
			       arena_printf(&r->arena, "#f-%s", q->id));
			tv_set(e, "text",
			       arena_printf(&r->arena, "%s: %s",
					    form_text(&q->label, r->lang),
					    error_text(r, q, ans->error,
						       ans->error_arg)));
			errors++;
		}
	}
	const char *title = form_text(&f->title, r->lang);
	if (errors > 0 || p->notice != NULL) {
		r->resp.status = 400;
		if (p->notice != NULL)
			tv_set(v, "notice", i18n_get(r->lang, p->notice));
		if (errors > 0)
			tv_set(v, "errors", "1");
		/* Chosen files are not sent back: say so where it is seen. */
		if (p->had_files)
			tv_set(v, "files_again", "1");
		title = arena_printf(&r->arena, "%s %s",
				     i18n_get(r->lang, "apply.error_prefix"),
				     title);
	}
	return page_render(r, "apply_form", v, title);
}

enum nara_err page_apply_form(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	const struct form_def *f = application_form_find(r->params[1], 0);
	if (f == NULL)
		return NARA_ENOTFOUND;
	struct applicant a;
	err = application_applicant(r->db, &r->arena, &who, r->params[0], &a);
	if (err != NARA_OK)
		return err;
	struct form_page p = {
	    .municipality_slug = r->params[0], .form = f, .who_applies = &a};
	return render_form(r, &s, &who, &p);
}

/*
 * The fields and files of the POST: a form with a file question comes as
 * multipart, one part per field; a file input left empty sends a part
 * with an empty name and no bytes, which is no file at all.
 */
static enum nara_err read_input(struct req *r, struct kvlist *fields,
				struct form_input *in, int *had_files)
{
	*had_files = 0;
	memset(in, 0, sizeof(*in));
	in->fields = fields;
	if (r->multipart.count == 0) {
		*fields = r->form;
		return NARA_OK;
	}
	size_t n = r->multipart.count;
	struct kv *items = arena_calloc(&r->arena, n, sizeof(*items));
	struct form_file *files = arena_calloc(&r->arena, n, sizeof(*files));
	if (items == NULL || files == NULL)
		return NARA_ENOMEM;
	fields->items = items;
	fields->count = 0;
	for (size_t i = 0; i < n; i++) {
		const struct multipart_part *part = &r->multipart.parts[i];
		if (part->filename == NULL) {
			items[fields->count++] =
			    (struct kv){part->name, part->data, part->len};
		} else if (part->filename[0] != '\0' || part->len > 0) {
			files[in->nfiles++] = (struct form_file){
			    part->name, part->filename, part->data, part->len};
			*had_files = 1;
		}
	}
	in->files = files;
	return NARA_OK;
}

static const char *field_of(const struct kvlist *fields, const char *key)
{
	const char *v = kv_get(fields, key);
	return v ? v : "";
}

/*
 * The journal note: the questions asked and their answers, in Swedish,
 * the language of the file; the person reads it on their own pages. The
 * JSON API files applications with the same note (web.h).
 */
const char *apply_answers_note(struct req *r, const struct form_def *f,
			       const struct form_result *res)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%s\n", f->title.sv);
	size_t section = (size_t)-1;
	for (size_t i = 0; i < f->nquestions; i++) {
		const struct form_question *q = &f->questions[i];
		const struct form_answer *ans = &res->answers[i];
		if (!ans->applies || !ans->answered)
			continue;
		if (q->section != section) {
			section = q->section;
			buf_printf(&b, "\n%s\n", f->sections[section].title.sv);
		}
		buf_printf(&b, "\n%s\n", q->label.sv);
		if (q->type == FORM_YESNO || q->type == FORM_CHOICE) {
			for (size_t k = 0; k < ans->nvalues; k++)
				buf_printf(
				    &b, "%s%s", k ? "; " : "",
				    answer_label(q, ans->values[k], "sv"));
		} else if (q->type == FORM_ATTACHMENT) {
			for (size_t k = 0; k < ans->nfiles; k++)
				buf_printf(
				    &b, "%s%s", k ? "; " : "",
				    document_clean_name(&r->arena,
							ans->files[k]->filename,
							ans->file_types[k]));
		} else if (q->type == FORM_NUMBER) {
			buf_printf(&b, "%lld%s%s", (long long)ans->number,
				   q->unit.sv[0] ? " " : "", q->unit.sv);
		} else {
			buf_adds(&b, ans->value);
		}
		buf_addc(&b, '\n');
	}
	const char *note =
	    b.failed ? NULL : arena_strdup(&r->arena, buf_cstr(&b));
	buf_free(&b);
	return note;
}

enum nara_err page_apply_submit(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	struct kvlist fields;
	struct form_input in;
	int had_files;
	if ((err = read_input(r, &fields, &in, &had_files)) != NARA_OK)
		return err;
	if (!session_csrf_ok(&s, kv_get(&fields, "csrf")))
		return NARA_EDENIED;
	const struct form_def *newest = application_form_find(r->params[1], 0);
	if (newest == NULL)
		return NARA_ENOTFOUND;
	struct applicant a;
	err = application_applicant(r->db, &r->arena, &who, r->params[0], &a);
	if (err != NARA_OK)
		return err;
	struct form_page p = {
	    .municipality_slug = r->params[0],
	    .form = newest,
	    .who_applies = &a,
	    .given_name = field_of(&fields, "given_name"),
	    .family_name = field_of(&fields, "family_name"),
	    .had_files = had_files,
	};
	/*
	 * Answers are checked against the version they were given on. A
	 * version this server no longer has (it was replaced while the
	 * person was writing) cannot be filed: the newest form is shown
	 * again, with the answers that still fit.
	 */
	int version = atoi(field_of(&fields, "form_version"));
	const struct form_def *f = application_form_find(r->params[1], version);
	struct form_result res;
	if (f == NULL || version <= 0) {
		p.notice = "apply.changed";
		application_form_validate(&r->arena, newest, &in,
					  (int64_t)time(NULL), &res);
		p.result = &res;
		return render_form(r, &s, &who, &p);
	}
	p.form = f;
	int64_t now = (int64_t)time(NULL);
	err = application_form_validate(&r->arena, f, &in, now, &res);
	p.result = &res;
	if (err == NARA_EINVAL)
		return render_form(r, &s, &who, &p);
	if (err != NARA_OK)
		return err;
	struct application_new app = {
	    .municipality_slug = r->params[0],
	    .form = f,
	    .answers = &res,
	    .note = apply_answers_note(r, f, &res),
	    .given_name = p.given_name,
	    .family_name = p.family_name,
	};
	if (app.note == NULL)
		return NARA_ENOMEM;
	int64_t case_id;
	const char *reference, *why, *why_field;
	err = application_submit(r->db, &r->arena, &who, &app, now, &case_id,
				 &reference, &why, &why_field);
	if (err == NARA_EINVAL && why != NULL) {
		/* A name that is missing, or a file the store refused. */
		if (strcmp(why_field, "given_name") == 0 ||
		    strcmp(why_field, "family_name") == 0) {
			p.name_error = why;
			p.name_error_field = why_field;
		} else {
			for (size_t i = 0; i < f->nquestions; i++)
				if (strcmp(f->questions[i].id, why_field) == 0)
					res.answers[i].error = why;
		}
		return render_form(r, &s, &who, &p);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(
	    r, 303,
	    arena_printf(&r->arena, "/ansok/kvitto/%lld", (long long)case_id));
	return NARA_OK;
}

/* ---- the receipt ---- */

enum nara_err page_apply_receipt(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	char *end;
	long long id = strtoll(r->params[0], &end, 10);
	if (*end != '\0' || id <= 0)
		return NARA_ENOTFOUND;
	int64_t now = (int64_t)time(NULL);
	struct case_view c;
	if ((err = case_read_own(r->db, &r->arena, &who, id, now, &c)) !=
	    NARA_OK)
		return err;
	struct document_info *docs;
	size_t ndocs;
	if ((err = document_list_for(r->db, &r->arena, &who, id, now, &docs,
				     &ndocs)) != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	char key[64];
	snprintf(key, sizeof(key), "matter.%s", c.s.matter);
	tv_set(v, "matter", i18n_get(r->lang, key));
	tv_set(v, "reference", c.s.reference);
	tv_set(v, "received", web_datetime(r, c.s.received_at));
	tv_set(v, "municipality", c.s.municipality_name);
	tv_set(v, "unit", c.s.unit_name);
	tv_setf(v, "case_id", "%lld", id);
	if (c.next.what != NULL)
		tv_set(v, "next", i18n_get(r->lang, c.next.what));
	for (size_t i = 0; i < ndocs; i++) {
		struct tvars *d = tv_item(v, "documents");
		tv_setf(d, "id", "%lld", (long long)docs[i].id);
		tv_set(d, "name", docs[i].filename);
		tv_setf(d, "size", "%lld",
			(long long)(docs[i].size + 1023) / 1024);
	}
	return page_render(r, "apply_receipt", v,
			   i18n_get(r->lang, "apply.receipt_title"));
}
