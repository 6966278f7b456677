/*
 * The foster-home centre's pages (domain/foster.h):
 *
 *   /familjehem/intresse            the public inquiry form, for anyone,
 *                                   without logging in (double-submit
 *                                   token as the report form has)
 *   /familjehem/intresse/tack       the answer after sending it
 *   /familjehemscentrum             the centre's staff: inquiries, the
 *                                   register, matching requests
 *   /familjehemscentrum/intresse/{id}   one inquiry: the assessment's
 *                                   steps, approval or refusal
 *   /familjehemscentrum/matchning/{id}  one request: the needs profile,
 *                                   the homes that can take the child,
 *                                   the proposals
 *
 * The child's side (placements, reviews, the request, the choice) is in
 * page_foster_case.c. Handlers parse, call the domain once, and render;
 * a form with something to fix is drawn again with the reason (400).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/directory.h"
#include "domain/foster.h"
#include "domain/session.h"
#include "web/auth.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/foster_page.h"
#include "web/web.h"

#define FOSTER_COOKIE "nara_foster"
enum { FOSTER_COOKIE_AGE = 4 * 60 * 60 };

/* ---- words shared with page_foster_case.c ---- */

const char *foster_mask_text(struct req *r, const char *prefix,
			     const char *const *names, int count, int mask)
{
	const char *out = "";
	for (int i = 0; i < count; i++) {
		if (!(mask & (1 << i)))
			continue;
		const char *word = casework_text(r, prefix, names[i]);
		out = out[0] ? arena_printf(&r->arena, "%s, %s", out, word)
			     : word;
		if (out == NULL)
			return "";
	}
	return out[0] ? out : i18n_get(r->lang, "foster.none");
}

static const char *const kind_names[] = {"foster", "emergency"};
static const char *const interest_names[] = {"foster", "emergency", "contact"};

const char *foster_kinds_text(struct req *r, int kinds)
{
	return foster_mask_text(r, "foster.kind", kind_names, 2, kinds);
}

const char *foster_needs_text(struct req *r, int needs)
{
	return foster_mask_text(r, "foster.need", foster_need_names,
				FOSTER_NEED_COUNT, needs);
}

void foster_need_choices(struct req *r, struct tvars *v, int checked)
{
	for (int i = 0; i < FOSTER_NEED_COUNT; i++) {
		struct tvars *n = tv_item(v, "needs");
		tv_set(n, "name", foster_need_names[i]);
		tv_set(n, "label",
		       casework_text(r, "foster.need", foster_need_names[i]));
		if (checked & (1 << i))
			tv_set(n, "checked", "1");
	}
}

int foster_need_mask(struct req *r)
{
	int mask = 0;
	for (int i = 0; i < FOSTER_NEED_COUNT; i++) {
		char key[48];
		snprintf(key, sizeof(key), "need_%s", foster_need_names[i]);
		if (kv_get(&r->form, key) != NULL)
			mask |= 1 << i;
	}
	return mask;
}

int foster_form_int(struct req *r, const char *name, int fallback)
{
	const char *s = kv_get(&r->form, name);
	if (s == NULL || *s == '\0' || strlen(s) > 4)
		return fallback;
	int n = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return fallback;
		n = n * 10 + (*s - '0');
	}
	return n;
}

void foster_error(struct req *r, struct tvars *v, const char *why)
{
	tv_set(v, "error",
	       i18n_get(r->lang, why != NULL ? why : "foster.error.form"));
	r->resp.status = 400;
}

/* ---- the public inquiry ---- */

/* A token from our cookie, or a new one; the cookie is set either way. */
static const char *form_token(struct req *r)
{
	const char *have = kv_get(&r->cookies, FOSTER_COOKIE);
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
		web_set_cookie(r, FOSTER_COOKIE, have, FOSTER_COOKIE_AGE);
	return have;
}

static int token_ok(struct req *r)
{
	const char *cookie = kv_get(&r->cookies, FOSTER_COOKIE);
	const char *given = kv_get(&r->form, "csrf");
	return cookie != NULL && given != NULL &&
	       strlen(cookie) == SESSION_TOKEN_LEN &&
	       strlen(given) == SESSION_TOKEN_LEN &&
	       sodium_memcmp(cookie, given, SESSION_TOKEN_LEN) == 0;
}

static int interests_of(struct req *r)
{
	int mask = 0;
	for (int i = 0; i < 3; i++) {
		char key[32];
		snprintf(key, sizeof(key), "interest_%s", interest_names[i]);
		if (kv_get(&r->form, key) != NULL)
			mask |= 1 << i;
	}
	return mask;
}

static enum nara_err render_inquiry(struct req *r,
				    const struct foster_problem *problems,
				    size_t nproblems, const char *notice)
{
	struct directory_municipality *list;
	size_t n;
	enum nara_err err =
	    directory_municipalities(r->db, &r->arena, &list, &n);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	tv_set(v, "csrf", form_token(r));
	const char *chosen = kv_get(&r->form, "residence");
	if (chosen == NULL)
		chosen = kv_get(&r->query, "kommun");
	for (size_t i = 0; i < n; i++) {
		struct tvars *m = tv_item(v, "municipalities");
		tv_set(m, "slug", list[i].slug);
		tv_set(m, "name", list[i].name);
		if (chosen != NULL && strcmp(chosen, list[i].slug) == 0)
			tv_set(m, "selected", "1");
	}
	static const char *const fields[] = {"name", "email", "phone",
					     "message"};
	for (size_t i = 0; i < 4; i++) {
		const char *value = kv_get(&r->form, fields[i]);
		if (value != NULL)
			tv_set(v, fields[i], value);
	}
	int interests = interests_of(r);
	for (int i = 0; i < 3; i++) {
		struct tvars *k = tv_item(v, "interests");
		tv_set(k, "name", interest_names[i]);
		tv_set(k, "label",
		       casework_text(r, "foster.interest", interest_names[i]));
		if (interests & (1 << i))
			tv_set(k, "checked", "1");
	}
	for (size_t i = 0; i < nproblems; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s_error", problems[i].field);
		const char *text = i18n_get(r->lang, problems[i].why);
		tv_set(v, arena_strdup(&r->arena, name), text);
		struct tvars *e = tv_item(v, "summary");
		tv_set(
		    e, "href",
		    strcmp(problems[i].field, "interests") == 0
			? "#f-interest_foster"
			: arena_printf(&r->arena, "#f-%s", problems[i].field));
		tv_set(e, "text", text);
	}
	const char *title = i18n_get(r->lang, "foster.public.title");
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
	return page_render(r, "foster_inquiry", v, title);
}

enum nara_err page_foster_inquiry(struct req *r)
{
	return render_inquiry(r, NULL, 0, NULL);
}

enum nara_err page_foster_inquiry_submit(struct req *r)
{
	if (!token_ok(r)) {
		enum nara_err e =
		    render_inquiry(r, NULL, 0, "report.error.expired");
		r->resp.status = 403;
		return e;
	}
	struct foster_inquiry_new in = {
	    .name = kv_get(&r->form, "name"),
	    .email = kv_get(&r->form, "email"),
	    .phone = kv_get(&r->form, "phone"),
	    .residence = kv_get(&r->form, "residence"),
	    .interests = interests_of(r),
	    .message = kv_get(&r->form, "message"),
	};
	struct foster_problem problems[FOSTER_MAX_PROBLEMS];
	size_t n = foster_inquiry_check(&in, problems);
	if (n > 0)
		return render_inquiry(r, problems, n, NULL);
	int64_t id;
	const char *why;
	enum nara_err err =
	    foster_inquiry_submit(r->db, &in, (int64_t)time(NULL), &id, &why);
	if (err == NARA_EINVAL) {
		struct foster_problem p = {"residence", why};
		return render_inquiry(r, &p, 1, NULL);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, "/familjehem/intresse/tack");
	return NARA_OK;
}

enum nara_err page_foster_inquiry_thanks(struct req *r)
{
	struct tvars *v = page_vars(r);
	return page_render(r, "foster_thanks", v,
			   i18n_get(r->lang, "foster.public.thanks_title"));
}

/* ---- the centre ---- */

/* A logged-in member of staff; for forms also the session's token. */
static enum nara_err staff_begin(struct req *r, struct session *s,
				 struct actor *who, int form, int *redirected)
{
	enum nara_err err = web_require(r, "staff", s, who, redirected);
	if (err != NARA_OK || *redirected)
		return err;
	if (form && !session_csrf_ok(s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	return NARA_OK;
}

static void home_vars(struct req *r, struct tvars *h,
		      const struct foster_home_view *home)
{
	tv_setf(h, "id", "%lld", (long long)home->id);
	tv_set(h, "name", home->name);
	tv_set(h, "residence", home->residence);
	tv_set(h, "kinds", foster_kinds_text(r, home->cap.kinds));
	tv_setf(h, "places", "%d", home->cap.places);
	tv_setf(h, "placed", "%d", home->cap.placed);
	tv_setf(h, "free", "%d", home->free);
	tv_setf(h, "ages", "%d–%d", home->cap.age_min, home->cap.age_max);
	tv_set(h, "needs", foster_needs_text(r, home->cap.needs));
	tv_set(h, "approved", web_date(r, home->approved_at));
}

void foster_match_vars(struct req *r, struct tvars *m,
		       const struct foster_match_view *x)
{
	tv_setf(m, "id", "%lld", (long long)x->id);
	tv_setf(m, "match_id", "%lld", (long long)x->id);
	tv_set(m, "municipality", x->municipality);
	tv_setf(m, "age", "%d", x->child_age);
	tv_set(m, "sex", casework_text(r, "foster.sex", x->child_sex));
	tv_set(m, "needs", foster_needs_text(r, x->needs));
	tv_set(m, "wanted_from", web_date(r, x->wanted_from));
	tv_set(m, "sent", web_date(r, x->created_at));
	tv_set(m, "state", casework_text(r, "foster.match_state", x->state));
	if (x->emergency_now)
		tv_set(m, "emergency_now", "1");
	if (strcmp(x->state, "chosen") == 0)
		tv_set(m, "chosen", "1");
	for (size_t i = 0; i < x->nproposals; i++) {
		const struct foster_proposal_view *p = &x->proposals[i];
		struct tvars *o = tv_item(m, "proposals");
		tv_setf(o, "home_id", "%lld", (long long)p->home_id);
		tv_set(o, "residence", p->residence);
		tv_set(o, "kinds", foster_kinds_text(r, p->kinds));
		tv_setf(o, "ages", "%d–%d", p->age_min, p->age_max);
		tv_set(o, "home_needs", foster_needs_text(r, p->needs));
		tv_setf(o, "free", "%d", p->free);
		tv_set(o, "disclosed", p->disclosed);
		if (p->home_id == x->chosen_home_id)
			tv_set(o, "is_chosen", "1");
	}
}

enum nara_err page_foster_centre(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = staff_begin(r, &s, &who, 0, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	struct foster_inquiry_view *inq;
	struct foster_home_view *homes;
	struct foster_match_view *matches;
	size_t ninq, nhomes, nmatches;
	err = foster_inquiries(r->db, &r->arena, &who, &inq, &ninq);
	if (err == NARA_OK)
		err = foster_register(r->db, &r->arena, &who, &homes, &nhomes);
	if (err == NARA_OK)
		err = foster_centre_matches(r->db, &r->arena, &who, &matches,
					    &nmatches);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	for (size_t i = 0; i < ninq; i++) {
		struct tvars *q = tv_item(v, "inquiries");
		tv_setf(q, "id", "%lld", (long long)inq[i].id);
		tv_set(q, "name", inq[i].name);
		tv_set(q, "residence", inq[i].residence);
		tv_set(q, "interests",
		       foster_mask_text(r, "foster.interest", interest_names, 3,
					inq[i].interests));
		tv_set(q, "received", web_date(r, inq[i].received_at));
		tv_set(q, "state",
		       casework_text(r, "foster.state", inq[i].state));
		tv_setf(q, "steps", "%d", inq[i].steps_done);
	}
	for (size_t i = 0; i < nhomes; i++)
		home_vars(r, tv_item(v, "homes"), &homes[i]);
	for (size_t i = 0; i < nmatches; i++)
		foster_match_vars(r, tv_item(v, "matches"), &matches[i]);
	return page_render(r, "foster_centre", v,
			   i18n_get(r->lang, "foster.centre.title"));
}

static enum nara_err show_inquiry(struct req *r, const struct session *s,
				  const struct actor *who, int64_t id,
				  const char *why)
{
	struct foster_inquiry_view q;
	enum nara_err err = foster_inquiry_read(r->db, &r->arena, who, id, &q);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	tv_setf(v, "id", "%lld", (long long)q.id);
	tv_set(v, "name", q.name);
	tv_set(v, "email", q.email);
	tv_set(v, "phone", q.phone);
	tv_set(v, "residence", q.residence);
	tv_set(v, "interests",
	       foster_mask_text(r, "foster.interest", interest_names, 3,
				q.interests));
	tv_set(v, "message", q.message);
	tv_set(v, "received", web_datetime(r, q.received_at));
	tv_set(v, "state", casework_text(r, "foster.state", q.state));
	int open =
	    strcmp(q.state, "new") == 0 || strcmp(q.state, "assessing") == 0;
	if (open)
		tv_set(v, "open", "1");
	if (q.steps_done == FOSTER_STEP_COUNT)
		tv_set(v, "all_done", "1");
	tv_set(v, "today", web_iso_date(r, (int64_t)time(NULL)));
	for (int i = 0; i < FOSTER_STEP_COUNT; i++) {
		struct tvars *st = tv_item(v, "steps");
		tv_set(st, "step", q.steps[i].step);
		tv_set(st, "label",
		       casework_text(r, "foster.step", q.steps[i].step));
		if (q.steps[i].done_on != 0) {
			tv_set(st, "done", web_date(r, q.steps[i].done_on));
			tv_set(st, "note", q.steps[i].note);
			tv_set(st, "by", q.steps[i].done_by);
		} else if (open) {
			tv_set(st, "can_do", "1");
		}
	}
	if (q.decided_at != 0) {
		tv_set(v, "decided", web_date(r, q.decided_at));
		tv_set(v, "decided_by", q.decided_by);
		tv_set(v, "decision_note", q.decision_note);
	}
	foster_need_choices(r, v, 0);
	if (why != NULL)
		foster_error(r, v, why);
	return page_render(r, "foster_assess", v,
			   i18n_format(r, "foster.assess.title", q.name));
}

static enum nara_err show_match(struct req *r, const struct session *s,
				const struct actor *who, int64_t id,
				const char *why)
{
	struct foster_match_view m;
	struct foster_home_view *homes;
	size_t nhomes;
	enum nara_err err =
	    foster_centre_match(r->db, &r->arena, who, id, &m, &homes, &nhomes);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	foster_match_vars(r, v, &m);
	if (!tv_failed(v) && strcmp(m.state, "chosen") != 0)
		tv_set(v, "can_propose", "1");
	for (size_t i = 0; i < nhomes; i++)
		home_vars(r, tv_item(v, "candidates"), &homes[i]);
	if (why != NULL)
		foster_error(r, v, why);
	return page_render(r, "foster_match", v,
			   i18n_get(r->lang, "foster.match.title"));
}

/* One inquiry or matching request drawn for the centre's staff, with why
 * not when a form about it was refused (NULL otherwise). */
typedef enum nara_err (*item_page)(struct req *r, const struct session *s,
				   const struct actor *who, int64_t id,
				   const char *why);

/* A form's work on one inquiry or request: the domain call, with why not
 * when the domain refuses the input (NARA_EINVAL). */
typedef enum nara_err (*item_form)(struct req *r, const struct actor *who,
				   int64_t id, const char **why);

/* Every page about one inquiry or request. Without work (a GET): a member
 * of staff, the id from the path, the page. With work (a form): also the
 * session's token, then the work, then back to the item's page (back, then
 * the id; 303), or the page again with why not (400). */
static enum nara_err item(struct req *r, item_page show, const char *back,
			  item_form work)
{
	int form = work != NULL;
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = staff_begin(r, &s, &who, form, &redirected);
	if (err != NARA_OK || redirected)
		return redirected && form ? NARA_EDENIED : err;
	int64_t id = casework_path_id(r);
	if (id == 0)
		return NARA_ENOTFOUND;
	if (!form)
		return show(r, &s, &who, id, NULL);
	const char *why = NULL;
	err = work(r, &who, id, &why);
	if (err == NARA_EINVAL)
		return show(r, &s, &who, id, why);
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena, "%s/%lld", back, (long long)id));
	return NARA_OK;
}

static const char INQUIRY_PAGE[] = "/familjehemscentrum/intresse";
static const char MATCH_PAGE[] = "/familjehemscentrum/matchning";

static enum nara_err step_done(struct req *r, const struct actor *who,
			       int64_t id, const char **why)
{
	return foster_step_done(r->db, who, id, kv_get(&r->form, "step"),
				web_parse_date(kv_get(&r->form, "done_on"), 0),
				kv_get(&r->form, "note"), (int64_t)time(NULL),
				why);
}

static enum nara_err decide(struct req *r, const struct actor *who, int64_t id,
			    const char **why)
{
	const char *decision = kv_get(&r->form, "decision");
	int approve = decision != NULL && strcmp(decision, "approve") == 0;
	if (!approve &&
	    (decision == NULL || strcmp(decision, "decline") != 0)) {
		*why = "foster.error.decision";
		return NARA_EINVAL;
	}
	struct foster_approval w = {
	    .kinds =
		(kv_get(&r->form, "kind_foster") ? FOSTER_KIND_FOSTER : 0) |
		(kv_get(&r->form, "kind_emergency") ? FOSTER_KIND_EMERGENCY
						    : 0),
	    .places = foster_form_int(r, "places", 0),
	    .age_min = foster_form_int(r, "age_min", -1),
	    .age_max = foster_form_int(r, "age_max", -1),
	    .needs = foster_need_mask(r),
	    .note = kv_get(&r->form, "note"),
	    .personnummer = kv_get(&r->form, "personnummer"),
	};
	int64_t home;
	return foster_decide(r->db, who, id, approve, &w, (int64_t)time(NULL),
			     &home, why);
}

static enum nara_err propose(struct req *r, const struct actor *who, int64_t id,
			     const char **why)
{
	return foster_propose(
	    r->db, who, id, casework_id(kv_get(&r->form, "home")),
	    kv_get(&r->form, "disclosed"), (int64_t)time(NULL), why);
}

enum nara_err page_foster_assess(struct req *r)
{
	return item(r, show_inquiry, NULL, NULL);
}

enum nara_err page_foster_step(struct req *r)
{
	return item(r, show_inquiry, INQUIRY_PAGE, step_done);
}

enum nara_err page_foster_decide(struct req *r)
{
	return item(r, show_inquiry, INQUIRY_PAGE, decide);
}

enum nara_err page_foster_match(struct req *r)
{
	return item(r, show_match, NULL, NULL);
}

enum nara_err page_foster_propose(struct req *r)
{
	return item(r, show_match, MATCH_PAGE, propose);
}
