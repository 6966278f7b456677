/*
 * The placements of a child's case (DOMAIN.md R1.7), for the responsible
 * committee's staff, at /arbete/arende/{id}/placering:
 *
 *   GET                      placements, reviews, the two clocks, the
 *                            matching requests and the centre's proposals
 *   POST                     an emergency home from a day
 *   POST .../uppfoljning     a review of the current placement
 *   POST .../matchning       a needs profile to the foster-home centre
 *                            (age, sex, needs, from when: never a name)
 *   POST .../val             a proposed home chosen: the child moves there
 *
 * The domain asks the case's policy for every call (the centre's staff
 * and other committees are refused and audited there).
 */
#include <string.h>
#include <time.h>

#include "domain/foster.h"
#include "web/auth.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/foster_page.h"
#include "web/web.h"

static struct case_clock as_case_clock(const struct foster_clock *c)
{
	return (struct case_clock){c->due, c->done_at, c->state, c->days_left};
}

static enum nara_err show(struct req *r, const struct session *s,
			  const struct actor *who, int64_t case_id,
			  const char *why)
{
	int64_t now = (int64_t)time(NULL);
	struct foster_case_view c;
	enum nara_err err =
	    foster_case_read(r->db, &r->arena, who, case_id, now, &c);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	tv_setf(v, "case_id", "%lld", (long long)case_id);
	tv_set(v, "today", web_iso_date(r, now));
	struct case_clock goal = as_case_clock(&c.goal);
	struct case_clock review = as_case_clock(&c.review);
	casework_clock(r, v, "clocks", "foster.clock.goal", &goal);
	casework_clock(r, v, "clocks", "foster.clock.review", &review);
	for (size_t i = 0; i < c.nplacements; i++) {
		const struct foster_placement_view *p = &c.placements[i];
		struct tvars *x = tv_item(v, "placements");
		tv_set(x, "kind",
		       casework_text(r, "foster.placement", p->kind));
		tv_set(x, "home",
		       p->home_id ? i18n_format(r, "foster.case.register_home",
						p->home)
				  : p->home);
		tv_set(x, "from", web_date(r, p->from_at));
		if (p->ended_at)
			tv_set(x, "ended", web_date(r, p->ended_at));
		else
			tv_set(x, "current", "1");
	}
	if (c.current_id != 0)
		tv_set(v, "has_current", "1");
	for (size_t i = 0; i < c.nreviews; i++) {
		struct tvars *x = tv_item(v, "reviews");
		tv_set(x, "on", web_date(r, c.reviews[i].reviewed_at));
		tv_set(x, "note", c.reviews[i].note);
		tv_set(x, "by", c.reviews[i].by);
	}
	for (size_t i = 0; i < c.nmatches; i++) {
		struct tvars *m = tv_item(v, "matches");
		foster_match_vars(r, m, &c.matches[i]);
		if (strcmp(c.matches[i].state, "proposed") == 0)
			tv_set(m, "can_choose", "1");
	}
	if (c.centre_unit_id != 0)
		tv_set(v, "has_centre", "1");
	foster_need_choices(r, v, 0);
	if (why != NULL)
		foster_error(r, v, why);
	return page_render(r, "foster_case", v,
			   i18n_get(r->lang, "foster.case.title"));
}

static enum nara_err begin(struct req *r, struct session *s, struct actor *who,
			   int form, int64_t *case_id, int *redirected)
{
	enum nara_err err = web_require(r, "staff", s, who, redirected);
	if (err != NARA_OK || *redirected)
		return err;
	if (form && !session_csrf_ok(s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	*case_id = casework_path_id(r);
	return *case_id == 0 ? NARA_ENOTFOUND : NARA_OK;
}

/* One form's work on the case: the domain call, with why not when the
 * domain refuses the input (NARA_EINVAL). */
typedef enum nara_err (*case_form)(struct req *r, const struct actor *who,
				   int64_t case_id, const char **why);

/* Every request here. Without work (the GET): the page. With work (a
 * form): the session's token, the work, then back to the page (303), or
 * the page again with why not (400). */
static enum nara_err serve(struct req *r, case_form work)
{
	int form = work != NULL;
	struct session s;
	struct actor who;
	int redirected;
	int64_t id;
	enum nara_err err = begin(r, &s, &who, form, &id, &redirected);
	if (err != NARA_OK || redirected)
		return redirected && form ? NARA_EDENIED : err;
	if (!form)
		return show(r, &s, &who, id, NULL);
	const char *why = NULL;
	err = work(r, &who, id, &why);
	if (err == NARA_EINVAL)
		return show(r, &s, &who, id, why);
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena, "/arbete/arende/%lld/placering",
				   (long long)id));
	return NARA_OK;
}

static enum nara_err place(struct req *r, const struct actor *who,
			   int64_t case_id, const char **why)
{
	return foster_place(r->db, who, case_id, "emergency", 0,
			    kv_get(&r->form, "home"),
			    web_parse_date(kv_get(&r->form, "from"), 0),
			    (int64_t)time(NULL), why);
}

static enum nara_err review(struct req *r, const struct actor *who,
			    int64_t case_id, const char **why)
{
	return foster_review_add(
	    r->db, who, case_id, web_parse_date(kv_get(&r->form, "on"), 0),
	    kv_get(&r->form, "note"), (int64_t)time(NULL), why);
}

static enum nara_err request(struct req *r, const struct actor *who,
			     int64_t case_id, const char **why)
{
	struct foster_request q = {
	    .child_age = foster_form_int(r, "age", -1),
	    .child_sex = kv_get(&r->form, "sex"),
	    .needs = foster_need_mask(r),
	    .emergency_now = kv_get(&r->form, "emergency_now") != NULL,
	    .wanted_from = web_parse_date(kv_get(&r->form, "from"), 0),
	};
	int64_t match;
	return foster_match_send(r->db, who, case_id, &q, (int64_t)time(NULL),
				 &match, why);
}

static enum nara_err choose(struct req *r, const struct actor *who,
			    int64_t case_id, const char **why)
{
	return foster_match_choose(r->db, who, case_id,
				   casework_id(kv_get(&r->form, "match")),
				   casework_id(kv_get(&r->form, "home")),
				   web_parse_date(kv_get(&r->form, "from"), 0),
				   (int64_t)time(NULL), why);
}

enum nara_err page_foster_case(struct req *r)
{
	return serve(r, NULL);
}

enum nara_err page_foster_place(struct req *r)
{
	return serve(r, place);
}

enum nara_err page_foster_review(struct req *r)
{
	return serve(r, review);
}

enum nara_err page_foster_request(struct req *r)
{
	return serve(r, request);
}

enum nara_err page_foster_choose(struct req *r)
{
	return serve(r, choose);
}
