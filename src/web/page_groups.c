/*
 * Support groups for everyone (/stodgrupper): the catalogue across the
 * municipalities, filtered by municipality and by whom a group is for, and
 * one group with its coming series and their sessions. No login is needed
 * to look. A logged-in citizen signs up for an open group on the group's
 * page, or joins its waiting list when it is full; their enrolments and
 * waiting places are on Mina sidor (/mina-sidor/grupper), where they can
 * cancel. Every form works without JavaScript.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/directory.h"
#include "domain/group.h"
#include "web/auth.h"
#include "web/booking_page.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/groups_page.h"
#include "web/web.h"

const char *group_audience_word(struct req *r, const char *audience)
{
	char key[48];
	snprintf(key, sizeof(key), "group.audience.%s", audience);
	return i18n_has(key) ? i18n_get(r->lang, key) : audience;
}

/* "torsdag 17 december 2026 kl. 16:00–17:30" */
static const char *session_when(struct req *r, const struct group_session *s)
{
	const char *until = web_iso_datetime(r, s->ends_at);
	const char *t =
	    arena_printf(&r->arena, "%s–%s", booking_when(r, s->starts_at),
			 strlen(until) > 11 ? until + 11 : until);
	return t ? t : "";
}

void group_sessions_vars(struct req *r, struct tvars *item,
			 const struct group_series *s)
{
	for (size_t k = 0; k < s->nsession; k++) {
		struct tvars *x = tv_item(item, "sessions");
		tv_setf(x, "id", "%lld", (long long)s->session[k].id);
		tv_setf(x, "n", "%zu", k + 1);
		tv_set(x, "when", session_when(r, &s->session[k]));
		if (s->session[k].video)
			tv_set(x, "video", "1");
		else
			tv_set(x, "place", s->session[k].place);
	}
}

void group_done_vars(struct req *r, struct tvars *v,
		     const char *const table[][2], size_t n)
{
	const char *k = kv_get(&r->query, "klart");
	for (size_t i = 0; k && i < n; i++)
		if (strcmp(k, table[i][0]) == 0) {
			tv_set(v, "done", i18n_get(r->lang, table[i][1]));
			return;
		}
}

void group_series_vars(struct req *r, struct tvars *item,
		       const struct group_series *s)
{
	tv_setf(item, "series_id", "%lld", (long long)s->id);
	tv_set(item, "from", web_date(r, s->starts_at));
	tv_set(item, "to", web_date(r, s->ends_at));
	tv_setf(item, "sessions_count", "%d", s->sessions);
	tv_setf(item, "capacity", "%d", s->capacity);
	int left = s->capacity - s->taken;
	if (left > 0)
		tv_set(item, "left",
		       i18n_format(r, "group.left",
				   arena_printf(&r->arena, "%d", left)));
	else
		tv_set(item, "full",
		       i18n_format(r, "group.full",
				   arena_printf(&r->arena, "%d", s->waiting)));
}

static void card_vars(struct req *r, struct tvars *item,
		      const struct group_view *g)
{
	tv_setf(item, "id", "%lld", (long long)g->id);
	tv_set(item, "title", g->title);
	tv_set(item, "audience", group_audience_word(r, g->audience));
	tv_set(item, "description", g->description);
	tv_set(item, "unit", g->unit_name);
	tv_set(item, "municipality", g->municipality_name);
	tv_set(item, g->open_signup ? "open" : "closed", "1");
	tv_set(item, "who_may",
	       g->shared ? i18n_get(r->lang, "group.for_members")
			 : i18n_format(r, "group.for_residents",
				       g->municipality_name));
}

enum nara_err page_groups(struct req *r)
{
	struct directory_municipality *ms;
	size_t nms = 0;
	enum nara_err err =
	    directory_municipalities(r->db, &r->arena, &ms, &nms);
	if (err != NARA_OK)
		return err;
	const char *slug = kv_get(&r->query, "kommun");
	const char *aud = kv_get(&r->query, "for");
	int audience = group_audience_parse(aud);
	int64_t municipality = 0;
	struct tvars *v = page_vars(r);
	for (size_t i = 0; i < nms; i++) {
		struct tvars *item = tv_item(v, "municipalities");
		tv_set(item, "slug", ms[i].slug);
		tv_set(item, "name", ms[i].name);
		if (slug && strcmp(slug, ms[i].slug) == 0) {
			municipality = ms[i].id;
			tv_set(item, "selected", "1");
			tv_set(v, "chosen_municipality", ms[i].name);
		}
	}
	for (int i = 0; i < GROUP_AUDIENCE_COUNT; i++) {
		struct tvars *item = tv_item(v, "audiences");
		tv_set(item, "value", group_audience_name(i));
		tv_set(item, "name",
		       group_audience_word(r, group_audience_name(i)));
		if (i == audience)
			tv_set(item, "selected", "1");
	}
	struct group_view *cards;
	size_t n = 0;
	err = group_catalogue(r->db, &r->arena, municipality, audience,
			      (int64_t)time(NULL), &cards, &n);
	if (err != NARA_OK)
		return err;
	for (size_t i = 0; i < n; i++) {
		struct tvars *item = tv_item(v, "groups");
		card_vars(r, item, &cards[i]);
		if (cards[i].nseries > 0)
			group_series_vars(r, item, &cards[i].series[0]);
	}
	tv_setf(v, "count", "%zu", n);
	struct session s;
	if (web_session(r, &s) == NARA_OK)
		tv_set(v, "logged_in", "1");
	return page_render(r, "groups", v, i18n_get(r->lang, "group.title"));
}

/* What a sign-up form was sent with, to show it again. */
struct signup_form {
	int64_t series_id;
	const char *name, *email, *phone, *home;
	const char *error;
};

static enum nara_err render_group(struct req *r, int64_t id,
				  const struct signup_form *f)
{
	struct group_view g;
	enum nara_err err =
	    group_read(r->db, &r->arena, id, (int64_t)time(NULL), &g);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	struct session s;
	int logged_in = web_session(r, &s) == NARA_OK;
	int citizen = logged_in && strcmp(s.kind, "citizen") == 0;
	if (logged_in) {
		tv_set(v, "logged_in", "1");
		tv_set(v, "csrf", s.csrf);
	}
	card_vars(r, v, &g);
	tv_setf(v, "group_id", "%lld", (long long)g.id);
	if (citizen)
		tv_set(v, "citizen", "1");
	tv_set(v, "login_next",
	       arena_printf(&r->arena, "/login?next=/stodgrupper/%lld",
			    (long long)g.id));
	struct directory_municipality *ms;
	size_t nms = 0;
	err = directory_municipalities(r->db, &r->arena, &ms, &nms);
	if (err != NARA_OK)
		return err;
	for (size_t i = 0; i < g.nseries; i++) {
		struct tvars *item = tv_item(v, "series");
		group_series_vars(r, item, &g.series[i]);
		group_sessions_vars(r, item, &g.series[i]);
		tv_setf(item, "n", "%zu", i + 1);
		int mine = f && f->series_id == g.series[i].id;
		tv_set(item, "name", mine && f->name ? f->name : "");
		tv_set(item, "email", mine && f->email ? f->email : "");
		tv_set(item, "phone", mine && f->phone ? f->phone : "");
		if (mine && f->error)
			tv_set(item, "error", f->error);
		for (size_t k = 0; k < nms; k++) {
			/* Only the municipalities whose residents it serves. */
			int64_t ag = 0;
			if (!group_serves(r->db, g.municipality_id, g.unit_id,
					  g.shared, ms[k].id,
					  (int64_t)time(NULL), &ag))
				continue;
			struct tvars *m = tv_item(item, "homes");
			tv_setf(m, "id", "%lld", (long long)ms[k].id);
			tv_set(m, "name", ms[k].name);
			if (mine && f->home &&
			    atoll(f->home) == (long long)ms[k].id)
				tv_set(m, "selected", "1");
		}
	}
	return page_render(r, "group", v, g.title);
}

enum nara_err page_group(struct req *r)
{
	int64_t id = casework_param_id(r, 0);
	if (id == 0)
		return NARA_ENOTFOUND;
	return render_group(r, id, NULL);
}

enum nara_err group_require_form(struct req *r, const char *kind,
				 struct session *s, struct actor *who)
{
	int redirected = 0;
	enum nara_err err = web_require(r, kind, s, who, &redirected);
	if (err == NARA_OK && redirected)
		return NARA_EDENIED;
	if (err == NARA_OK && !session_csrf_ok(s, kv_get(&r->form, "csrf")))
		err = NARA_EDENIED;
	return err;
}

enum nara_err page_group_signup(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = group_require_form(r, "citizen", &s, &who);
	if (err != NARA_OK)
		return err;
	int64_t series_id = casework_param_id(r, 0);
	const char *gid = kv_get(&r->form, "grupp");
	int64_t group = gid ? atoll(gid) : 0;
	if (series_id == 0 || group <= 0)
		return NARA_ENOTFOUND;
	struct signup_form f = {
	    .series_id = series_id,
	    .name = kv_get(&r->form, "namn"),
	    .email = kv_get(&r->form, "epost"),
	    .phone = kv_get(&r->form, "telefon"),
	    .home = kv_get(&r->form, "kommun"),
	};
	struct group_signup sg = {
	    .series_id = series_id,
	    .home_municipality_id = f.home ? atoll(f.home) : 0,
	    .name = f.name ? f.name : "",
	    .email = f.email ? f.email : "",
	    .phone = f.phone ? f.phone : "",
	};
	int64_t id = 0;
	int waiting = 0;
	const char *why = NULL;
	err = group_signup(r->db, &who, &sg, (int64_t)time(NULL), &id, &waiting,
			   &why);
	if (err == NARA_EINVAL && why != NULL) {
		f.error = i18n_get(r->lang, why);
		r->resp.status = 400;
		return render_group(r, group, &f);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      waiting ? "/mina-sidor/grupper?klart=ko"
			      : "/mina-sidor/grupper?klart=anmald");
	return NARA_OK;
}

enum nara_err page_mygroups(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected = 0;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	struct group_mine *list;
	size_t n = 0;
	err = group_list_own(r->db, &r->arena, &who, (int64_t)time(NULL), &list,
			     &n);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	for (size_t i = 0; i < n; i++) {
		struct tvars *item = tv_item(v, "enrolments");
		tv_setf(item, "id", "%lld", (long long)list[i].enrolment_id);
		tv_setf(item, "group_id", "%lld", (long long)list[i].group_id);
		tv_set(item, "title", list[i].title);
		tv_set(item, "unit", list[i].unit_name);
		tv_set(item, "municipality", list[i].municipality_name);
		if (list[i].position > 0)
			tv_set(item, "waiting",
			       i18n_format(r, "group.mine.position",
					   arena_printf(&r->arena, "%d",
							list[i].position)));
		else
			tv_set(item, "enrolled", "1");
		tv_set(item, "from", web_date(r, list[i].series.starts_at));
		tv_set(item, "to", web_date(r, list[i].series.ends_at));
		group_sessions_vars(r, item, &list[i].series);
	}
	static const char *const done[][2] = {
	    {"anmald", "group.done.enrolled"},
	    {"ko", "group.done.waiting"},
	    {"avbokad", "group.done.cancelled"},
	};
	group_done_vars(r, v, done, sizeof(done) / sizeof(done[0]));
	return page_render(r, "mygroups", v,
			   i18n_get(r->lang, "group.mine.title"));
}

enum nara_err page_mygroup_cancel(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = group_require_form(r, "citizen", &s, &who);
	if (err != NARA_OK)
		return err;
	int64_t id = casework_param_id(r, 0);
	if (id == 0)
		return NARA_ENOTFOUND;
	int64_t promoted = 0;
	const char *why = NULL;
	err =
	    group_cancel(r->db, &who, id, (int64_t)time(NULL), &promoted, &why);
	if (err == NARA_EINVAL)
		err = NARA_ENOTFOUND; /* already cancelled: nothing to cancel */
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, "/mina-sidor/grupper?klart=avbokad");
	return NARA_OK;
}
