/*
 * Reporting a concern about a child (orosanmälan), open to anyone without
 * logging in (DOMAIN.md R1.1, R1.5, R1.6):
 *
 *   /orosanmalan                  choose the municipality where the child
 *                                 lives
 *   /orosanmalan/{municipality}   the form; POST files the report
 *                                 (domain/report.c) or shows the form again
 *                                 with what to fix at each field
 *   /orosanmalan/kvitto           the receipt code, shown once
 *   /orosanmalan/status           ask with the code whether an
 *                                 investigation was opened: one of the four
 *                                 answers of R1.5, or that there is no
 *                                 report with that code; nothing more
 *
 * There is no session before login, so the forms carry a token that must
 * match a cookie of this site (double submit, as the login form does): a
 * page elsewhere can make a browser post here, but cannot read or set our
 * cookie. The cookie is kept across visits, so two tabs of the form both
 * work; a form sent without it is shown again with what was written, to
 * be sent once more.
 *
 * The code is never stored (only its hash is), so the receipt page gets it
 * from a short-lived cookie set by the redirect after the POST and cleared
 * as it is shown: reloading the form's answer cannot file the report
 * twice, and the code is not left behind for the next user of the same
 * computer.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/directory.h"
#include "domain/report.h"
#include "domain/session.h"
#include "web/auth.h"
#include "web/web.h"

#define REPORT_COOKIE "nara_report"
#define RECEIPT_COOKIE "nara_receipt"
enum {
	REPORT_COOKIE_AGE = 4 * 60 * 60, /* time enough to write a report */
	RECEIPT_COOKIE_AGE = 5 * 60,
};

/* The fields of the form, in its order, for values and messages. */
static const char *const fields[] = {
    "child_name",
    "child_personnummer",
    "child_details",
    "concern",
    "reporter_kind",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "reporter_organisation",
    "reporter_profession",
};
enum { NFIELDS = sizeof(fields) / sizeof(fields[0]) };

static const char *const reporter_kinds[] = {"anonymous", "private",
					     "professional"};

/* A token from our cookie, or a new one; the cookie is set either way. */
static const char *form_token(struct req *r)
{
	const char *have = kv_get(&r->cookies, REPORT_COOKIE);
	char fresh[SESSION_TOKEN_LEN + 1];
	int ok = have != NULL && strlen(have) == SESSION_TOKEN_LEN;
	for (const char *p = have; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		     (*p >= '0' && *p <= '9') || *p == '-' || *p == '_';
	if (!ok) {
		session_random_token(fresh);
		have = arena_strdup(&r->arena, fresh);
	}
	if (have != NULL)
		web_set_cookie(r, REPORT_COOKIE, have, REPORT_COOKIE_AGE);
	return have;
}

/* 1 when the form's token is our cookie's (compared in constant time). */
static int token_ok(struct req *r)
{
	const char *cookie = kv_get(&r->cookies, REPORT_COOKIE);
	const char *given = kv_get(&r->form, "csrf");
	return cookie != NULL && given != NULL &&
	       strlen(cookie) == SESSION_TOKEN_LEN &&
	       strlen(given) == SESSION_TOKEN_LEN &&
	       sodium_memcmp(cookie, given, SESSION_TOKEN_LEN) == 0;
}

static enum nara_err find_municipality(struct req *r, const char *slug,
				       struct directory_municipality *out)
{
	struct directory_municipality *list;
	size_t n;
	enum nara_err err =
	    directory_municipalities(r->db, &r->arena, &list, &n);
	if (err != NARA_OK)
		return err;
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].slug, slug) == 0) {
			*out = list[i];
			return NARA_OK;
		}
	return NARA_ENOTFOUND;
}

/* ---- /orosanmalan ---- */

enum nara_err page_report_choose(struct req *r)
{
	struct directory_municipality *list;
	size_t n;
	enum nara_err err =
	    directory_municipalities(r->db, &r->arena, &list, &n);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	for (size_t i = 0; i < n; i++) {
		struct tvars *item = tv_item(v, "municipalities");
		tv_set(item, "slug", list[i].slug);
		tv_set(item, "name", list[i].name);
	}
	return page_render(r, "report_choose", v,
			   i18n_get(r->lang, "report.title"));
}

/* ---- the form ---- */

static enum nara_err render_form(struct req *r,
				 const struct directory_municipality *m,
				 const struct report_problem *problems,
				 size_t nproblems, const char *notice)
{
	struct tvars *v = page_vars(r);
	tv_set(v, "csrf", form_token(r));
	tv_set(v, "slug", m->slug);
	tv_set(v, "municipality", m->name);
	const char *title = i18n_format(r, "report.form_title", m->name);
	tv_set(v, "form_title", title);
	for (size_t i = 0; i < NFIELDS; i++) {
		const char *value = kv_get(&r->form, fields[i]);
		if (value != NULL)
			tv_set(v, fields[i], value);
	}
	/* Each field's message, and the summary's links, in form order. */
	for (size_t i = 0; i < nproblems; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s_error", problems[i].field);
		const char *text = i18n_get(r->lang, problems[i].why);
		tv_set(v, arena_strdup(&r->arena, name), text);
		struct tvars *e = tv_item(v, "summary");
		/* The radio groups are reached by their first choice. */
		const char *target =
		    strcmp(problems[i].field, "reporter_kind") == 0
			? "f-reporter_kind-anonymous"
		    : strcmp(problems[i].field, "reporter_profession") == 0
			? arena_printf(&r->arena, "f-reporter_profession-%s",
				       report_professions[0])
			: arena_printf(&r->arena, "f-%s", problems[i].field);
		tv_set(e, "href", arena_printf(&r->arena, "#%s", target));
		tv_set(e, "text", text);
	}
	const char *kind = kv_get(&r->form, "reporter_kind");
	for (size_t i = 0; i < 3; i++) {
		struct tvars *k = tv_item(v, "kinds");
		char key[64];
		tv_set(k, "value", reporter_kinds[i]);
		snprintf(key, sizeof(key), "report.kind.%s", reporter_kinds[i]);
		tv_set(k, "label", i18n_get(r->lang, key));
		if (kind != NULL && strcmp(kind, reporter_kinds[i]) == 0)
			tv_set(k, "checked", "1");
	}
	const char *profession = kv_get(&r->form, "reporter_profession");
	for (size_t i = 0; report_professions[i] != NULL; i++) {
		struct tvars *p = tv_item(v, "professions");
		char key[64];
		tv_set(p, "value", report_professions[i]);
		snprintf(key, sizeof(key), "profession.%s",
			 report_professions[i]);
		tv_set(p, "label", i18n_get(r->lang, key));
		if (profession != NULL &&
		    strcmp(profession, report_professions[i]) == 0)
			tv_set(p, "checked", "1");
	}
	if (notice != NULL)
		tv_set(v, "notice", i18n_get(r->lang, notice));
	if (nproblems > 0) {
		tv_set(v, "errors", "1");
		r->resp.status = 400;
	}
	if (nproblems > 0 || notice != NULL)
		title = arena_printf(&r->arena, "%s %s",
				     i18n_get(r->lang, "apply.error_prefix"),
				     title);
	return page_render(r, "report_form", v, title);
}

enum nara_err page_report_form(struct req *r)
{
	struct directory_municipality m;
	enum nara_err err = find_municipality(r, r->params[0], &m);
	if (err != NARA_OK)
		return err;
	return render_form(r, &m, NULL, 0, NULL);
}

/*
 * POST /orosanmalan/{municipality}. Rate-limited per client by the policy
 * layer's route flag (the walls and rate limits work): anyone may send it.
 */
enum nara_err page_report_submit(struct req *r)
{
	struct directory_municipality m;
	enum nara_err err = find_municipality(r, r->params[0], &m);
	if (err != NARA_OK)
		return err;
	if (!token_ok(r)) {
		/* Nothing is filed; what was written is offered back. */
		enum nara_err e =
		    render_form(r, &m, NULL, 0, "report.error.expired");
		r->resp.status = 403;
		return e;
	}
	struct report_new rep = {
	    .municipality_slug = m.slug,
	    .child_name = kv_get(&r->form, "child_name"),
	    .child_personnummer = kv_get(&r->form, "child_personnummer"),
	    .child_details = kv_get(&r->form, "child_details"),
	    .reporter_kind = kv_get(&r->form, "reporter_kind"),
	    .reporter_name = kv_get(&r->form, "reporter_name"),
	    .reporter_organisation = kv_get(&r->form, "reporter_organisation"),
	    .reporter_profession = kv_get(&r->form, "reporter_profession"),
	    .reporter_phone = kv_get(&r->form, "reporter_phone"),
	    .reporter_email = kv_get(&r->form, "reporter_email"),
	    .concern = kv_get(&r->form, "concern"),
	};
	int64_t now = (int64_t)time(NULL);
	struct report_problem problems[REPORT_MAX_PROBLEMS];
	size_t n = report_check(&rep, now, problems);
	if (n > 0)
		return render_form(r, &m, problems, n, NULL);
	char receipt[REPORT_RECEIPT_LEN + 1];
	int64_t case_id;
	const char *why;
	err =
	    report_submit(r->db, &r->arena, &rep, now, receipt, &case_id, &why);
	if (err != NARA_OK)
		return err;
	web_set_cookie(r, RECEIPT_COOKIE, receipt, RECEIPT_COOKIE_AGE);
	sodium_memzero(receipt, sizeof(receipt));
	resp_redirect(r, 303, "/orosanmalan/kvitto");
	return NARA_OK;
}

/* ---- the receipt ---- */

/* 1 when s looks like a receipt code: "XXXX-XXXX-XXXX". */
static int code_shaped(const char *s)
{
	if (s == NULL || strlen(s) != REPORT_RECEIPT_LEN)
		return 0;
	for (size_t i = 0; i < REPORT_RECEIPT_LEN; i++) {
		int dash = i == 4 || i == 9;
		if (dash ? s[i] != '-'
			 : !((s[i] >= 'A' && s[i] <= 'Z') ||
			     (s[i] >= '0' && s[i] <= '9')))
			return 0;
	}
	return 1;
}

enum nara_err page_report_receipt(struct req *r)
{
	struct tvars *v = page_vars(r);
	const char *code = kv_get(&r->cookies, RECEIPT_COOKIE);
	const char *title = i18n_get(r->lang, "report.receipt_title");
	if (code_shaped(code)) {
		tv_set(v, "code", code);
		web_set_cookie(r, RECEIPT_COOKIE, "", 0);
	} else {
		title = i18n_get(r->lang, "report.receipt_gone_title");
	}
	tv_set(v, "heading", title);
	return page_render(r, "report_receipt", v, title);
}

/* ---- R1.5: asking with the code ---- */

static enum nara_err render_status(struct req *r, const char *answer,
				   const char *error, const char *notice)
{
	struct tvars *v = page_vars(r);
	tv_set(v, "csrf", form_token(r));
	const char *title = i18n_get(r->lang, "report.status.title");
	if (answer != NULL)
		tv_set(v, "answer", i18n_get(r->lang, answer));
	if (error != NULL) {
		tv_set(v, "code_error", i18n_get(r->lang, error));
		r->resp.status = 400;
	}
	if (notice != NULL)
		tv_set(v, "notice", i18n_get(r->lang, notice));
	if (error != NULL || notice != NULL)
		title = arena_printf(&r->arena, "%s %s",
				     i18n_get(r->lang, "apply.error_prefix"),
				     title);
	return page_render(r, "report_status", v, title);
}

enum nara_err page_report_status(struct req *r)
{
	return render_status(r, NULL, NULL, NULL);
}

/*
 * POST /orosanmalan/status: rate-limited like the report itself (the
 * walls and rate limits work sets the route flag), so that codes cannot
 * be guessed by trying many. The code travels in the body, never in an
 * address that logs and histories keep.
 */
enum nara_err page_report_status_check(struct req *r)
{
	if (!token_ok(r)) {
		enum nara_err e =
		    render_status(r, NULL, NULL, "report.error.expired");
		r->resp.status = 403;
		return e;
	}
	const char *code = kv_get(&r->form, "code");
	if (code == NULL || code[0] == '\0')
		return render_status(r, NULL, "report.status.no_code", NULL);
	enum report_status s;
	enum nara_err err = report_status(r->db, code, (int64_t)time(NULL), &s);
	/* An unknown code and a mistyped one get the same plain answer. */
	if (err == NARA_ENOTFOUND)
		return render_status(r, "report.status.unknown", NULL, NULL);
	if (err != NARA_OK)
		return err;
	static const char *const answers[] = {
	    [REPORT_PENDING] = "report.status.pending",
	    [REPORT_OPENED] = "report.status.opened",
	    [REPORT_NOT_OPENED] = "report.status.not_opened",
	    [REPORT_ALREADY_RUNNING] = "report.status.already_running",
	};
	return render_status(r, answers[s], NULL, NULL);
}
