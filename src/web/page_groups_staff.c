/*
 * Support groups for staff: the groups of the units they run groups in
 * (/arbete/grupper) with a new group and a new series; one series
 * (/arbete/grupper/serie/{id}) with its sessions (moved one by one), the
 * participants and the waiting list (names and contact details only), and
 * attendance per session. A case officer enrols the person of a case in a
 * group with the person's consent (/arbete/arende/{id}/stodgrupp). The
 * domain and the policy decide and audit; the pages parse and render.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/group.h"
#include "policy/clock.h"
#include "web/auth.h"
#include "web/booking_page.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/groups_page.h"
#include "web/web.h"

int64_t group_parse_when(const char *date, const char *time_s)
{
	int64_t midnight = web_parse_date(date, 0);
	if (midnight == 0 || time_s == NULL || strlen(time_s) != 5 ||
	    time_s[2] != ':')
		return 0;
	int h = 0, m = 0;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (time_s[i] < '0' || time_s[i] > '9'))
			return 0;
	h = (time_s[0] - '0') * 10 + (time_s[1] - '0');
	m = (time_s[3] - '0') * 10 + (time_s[4] - '0');
	if (h > 23 || m > 59)
		return 0;
	int64_t t = midnight + (int64_t)(h * 60 + m) * 60;
	return t - clock_stockholm_offset(t) + clock_stockholm_offset(midnight);
}

int group_parse_count(const char *s)
{
	if (s == NULL || s[0] == '\0' || strlen(s) > 6)
		return -1;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	return atoi(s);
}

static int form_int(struct req *r, const char *name)
{
	return group_parse_count(kv_get(&r->form, name));
}

/* What was done, from the query's klart=..., as "done" on v. */
static void done_vars(struct req *r, struct tvars *v)
{
	static const char *const done[][2] = {
	    {"grupp", "group.done.group"},
	    {"andrad", "group.done.group_changed"},
	    {"omgang", "group.done.series"},
	    {"tillfalle", "group.done.session"},
	    {"narvaro", "group.done.attendance"},
	    {"avbokad", "group.done.removed"},
	    {"anmald", "group.done.case_enrolled"},
	    {"ko", "group.done.case_waiting"},
	};
	group_done_vars(r, v, done, sizeof(done) / sizeof(done[0]));
}

static enum nara_err render_groups(struct req *r, const struct session *s,
				   const struct actor *who, const char *error,
				   int64_t error_group)
{
	struct group_view *gs;
	size_t n = 0;
	enum nara_err err = group_list_staff(r->db, &r->arena, who,
					     (int64_t)time(NULL), &gs, &n);
	if (err != NARA_OK)
		return err;
	struct group_unit *units;
	size_t nunits = 0;
	err = group_units_of(r->db, &r->arena, who, &units, &nunits);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	for (size_t i = 0; i < n; i++) {
		struct tvars *item = tv_item(v, "groups");
		tv_setf(item, "id", "%lld", (long long)gs[i].id);
		tv_set(item, "title", gs[i].title);
		tv_set(item, "audience",
		       group_audience_word(r, gs[i].audience));
		tv_set(item, "unit", gs[i].unit_name);
		tv_set(item, gs[i].open_signup ? "open" : "closed", "1");
		tv_set(item, "description", gs[i].description);
		for (int k = 0; k < GROUP_AUDIENCE_COUNT; k++) {
			struct tvars *x = tv_item(item, "group_audiences");
			tv_set(x, "value", group_audience_name(k));
			tv_set(x, "name",
			       group_audience_word(r, group_audience_name(k)));
			if (strcmp(gs[i].audience, group_audience_name(k)) == 0)
				tv_set(x, "selected", "1");
		}
		for (size_t k = 0; k < gs[i].nseries; k++) {
			struct tvars *x = tv_item(item, "series");
			group_series_vars(r, x, &gs[i].series[k]);
			tv_setf(x, "taken", "%d", gs[i].series[k].taken);
			tv_setf(x, "waiting", "%d", gs[i].series[k].waiting);
		}
		if (error && error_group == gs[i].id)
			tv_set(item, "group_error", error);
	}
	for (size_t i = 0; i < nunits; i++) {
		struct tvars *item = tv_item(v, "units");
		tv_setf(item, "id", "%lld", (long long)units[i].id);
		tv_set(item, "name",
		       arena_printf(&r->arena, "%s, %s", units[i].name,
				    units[i].municipality_name));
	}
	for (int i = 0; i < GROUP_AUDIENCE_COUNT; i++) {
		struct tvars *item = tv_item(v, "audiences");
		tv_set(item, "value", group_audience_name(i));
		tv_set(item, "name",
		       group_audience_word(r, group_audience_name(i)));
	}
	if (error && error_group == 0)
		tv_set(v, "error", error);
	done_vars(r, v);
	return page_render(r, "work_groups", v,
			   i18n_get(r->lang, "group.work.title"));
}

/*
 * The answer to a form on the groups page: the page again (400) with the
 * refusal beside the group (0: at the top), or on to where when it is done.
 */
static enum nara_err answer_groups(struct req *r, const struct session *s,
				   const struct actor *who, enum nara_err err,
				   const char *why, int64_t group,
				   const char *where)
{
	if (err == NARA_EINVAL && why) {
		r->resp.status = 400;
		return render_groups(r, s, who, i18n_get(r->lang, why), group);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, where);
	return NARA_OK;
}

enum nara_err page_work_groups(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected = 0;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	return render_groups(r, &s, &who, NULL, 0);
}

enum nara_err page_work_group_add(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = group_require_form(r, "staff", &s, &who);
	if (err != NARA_OK)
		return err;
	const char *unit = kv_get(&r->form, "enhet");
	struct group_new n = {
	    .unit_id = unit ? atoll(unit) : 0,
	    .title = kv_get(&r->form, "titel"),
	    .audience = kv_get(&r->form, "for"),
	    .description = kv_get(&r->form, "beskrivning"),
	    .open_signup = kv_get(&r->form, "oppen") != NULL,
	};
	int64_t id = 0;
	const char *why = NULL;
	err = group_add(r->db, &who, &n, (int64_t)time(NULL), &id, &why);
	if (err == NARA_ENOTFOUND)
		err = NARA_EDENIED;
	return answer_groups(r, &s, &who, err, why, 0,
			     "/arbete/grupper?klart=grupp");
}

enum nara_err page_work_group_change(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = group_require_form(r, "staff", &s, &who);
	if (err != NARA_OK)
		return err;
	int64_t group = casework_param_id(r, 0);
	if (group == 0)
		return NARA_ENOTFOUND;
	struct group_new n = {
	    .title = kv_get(&r->form, "titel"),
	    .audience = kv_get(&r->form, "for"),
	    .description = kv_get(&r->form, "beskrivning"),
	    .open_signup = kv_get(&r->form, "oppen") != NULL,
	};
	const char *why = NULL;
	err = group_update(r->db, &who, group, &n, &why);
	return answer_groups(r, &s, &who, err, why, group,
			     "/arbete/grupper?klart=andrad");
}

enum nara_err page_work_series_add(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = group_require_form(r, "staff", &s, &who);
	if (err != NARA_OK)
		return err;
	int64_t group = casework_param_id(r, 0);
	if (group == 0)
		return NARA_ENOTFOUND;
	struct group_series_new n = {
	    .group_id = group,
	    .starts_at = group_parse_when(kv_get(&r->form, "datum"),
					  kv_get(&r->form, "tid")),
	    .sessions = form_int(r, "antal"),
	    .minutes = form_int(r, "minuter"),
	    .capacity = form_int(r, "platser"),
	    .video = kv_get(&r->form, "video") != NULL,
	    .place = kv_get(&r->form, "plats"),
	};
	if (n.place == NULL)
		n.place = "";
	int64_t id = 0;
	const char *why = NULL;
	if (n.starts_at == 0) {
		why = "group.error.when";
		err = NARA_EINVAL;
	} else {
		err = group_series_add(r->db, &who, &n, (int64_t)time(NULL),
				       &id, &why);
	}
	return answer_groups(
	    r, &s, &who, err, why, group,
	    arena_printf(&r->arena, "/arbete/grupper/serie/%lld?klart=omgang",
			 (long long)id));
}

static void participant_vars(struct req *r, struct tvars *item,
			     const struct group_participant *p, size_t pos)
{
	tv_setf(item, "id", "%lld", (long long)p->enrolment_id);
	tv_setf(item, "pos", "%zu", pos);
	tv_set(item, "name", p->name);
	tv_set(item, "email", p->email);
	tv_set(item, "phone", p->phone);
	tv_set(item, "how",
	       i18n_get(r->lang, strcmp(p->source, "officer") == 0
				     ? "group.roster.via_officer"
				     : "group.roster.self"));
}

static enum nara_err render_series(struct req *r, const struct session *s,
				   const struct actor *who, int64_t id,
				   const char *error)
{
	struct group_roster ro;
	enum nara_err err = group_roster_read(r->db, &r->arena, who, id,
					      (int64_t)time(NULL), &ro);
	if (err != NARA_OK)
		return err;
	const struct group_series *se = &ro.group.series[0];
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	tv_set(v, "title", ro.group.title);
	tv_set(v, "unit", ro.group.unit_name);
	tv_setf(v, "series_id", "%lld", (long long)id);
	group_series_vars(r, v, se);
	tv_setf(v, "taken", "%d", se->taken);
	for (size_t k = 0; k < se->nsession; k++) {
		struct tvars *x = tv_item(v, "sessions");
		const struct group_session *gs = &se->session[k];
		tv_setf(x, "id", "%lld", (long long)gs->id);
		tv_setf(x, "session_id", "%lld", (long long)gs->id);
		tv_setf(x, "n", "%zu", k + 1);
		tv_set(x, "when", booking_when(r, gs->starts_at));
		const char *iso = web_iso_datetime(r, gs->starts_at);
		tv_set(x, "date", arena_strndup(&r->arena, iso, 10));
		tv_set(x, "time", strlen(iso) > 11 ? iso + 11 : "");
		tv_setf(x, "minutes", "%lld",
			(long long)((gs->ends_at - gs->starts_at) / 60));
		tv_set(x, "place", gs->place);
		if (gs->video)
			tv_set(x, "video", "1");
		for (size_t i = 0; i < ro.nenrolled; i++) {
			struct tvars *p = tv_item(x, "marks");
			tv_setf(p, "id", "%lld",
				(long long)ro.enrolled[i].enrolment_id);
			tv_set(p, "name", ro.enrolled[i].name);
			if (ro.enrolled[i].present[k] == 1)
				tv_set(p, "checked", "1");
			if (ro.enrolled[i].present[k] >= 0)
				tv_set(p, "marked", "1");
		}
	}
	for (size_t i = 0; i < ro.nenrolled; i++) {
		struct tvars *item = tv_item(v, "enrolled");
		participant_vars(r, item, &ro.enrolled[i], i + 1);
		int came = 0;
		for (size_t k = 0; k < se->nsession; k++)
			came += ro.enrolled[i].present[k] == 1;
		tv_setf(item, "came", "%d", came);
	}
	for (size_t i = 0; i < ro.nwaiting; i++)
		participant_vars(r, tv_item(v, "waiting_list"), &ro.waiting[i],
				 i + 1);
	if (ro.hidden)
		tv_set(v, "hidden",
		       i18n_format(r, "group.roster.hidden",
				   arena_printf(&r->arena, "%zu", ro.hidden)));
	if (error)
		tv_set(v, "error", error);
	done_vars(r, v);
	return page_render(r, "work_group_series", v, ro.group.title);
}

enum nara_err page_work_series(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 0, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	return render_series(r, &c.s, &c.who, c.id, NULL);
}

/* The series of the form (its hidden field), to go back to. */
static int64_t form_series(struct req *r)
{
	const char *s = kv_get(&r->form, "serie");
	return s ? atoll(s) : 0;
}

/*
 * The answer to a form on a series' page: the page again (400) with the
 * refusal, or back to it saying what was done.
 */
static enum nara_err answer_series(struct req *r, const struct session *s,
				   const struct actor *who, enum nara_err err,
				   const char *why, int64_t series,
				   const char *done)
{
	if (err == NARA_EINVAL && why) {
		r->resp.status = 400;
		return render_series(r, s, who, series, i18n_get(r->lang, why));
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena,
				   "/arbete/grupper/serie/%lld?klart=%s",
				   (long long)series, done));
	return NARA_OK;
}

enum nara_err page_work_session_change(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = group_require_form(r, "staff", &s, &who);
	if (err != NARA_OK)
		return err;
	int64_t id = casework_param_id(r, 0), series = form_series(r);
	if (id == 0 || series <= 0)
		return NARA_ENOTFOUND;
	int64_t at = group_parse_when(kv_get(&r->form, "datum"),
				      kv_get(&r->form, "tid"));
	const char *place = kv_get(&r->form, "plats");
	const char *why = NULL;
	if (at == 0) {
		why = "group.error.when";
		err = NARA_EINVAL;
	} else {
		err = group_session_change(
		    r->db, &who, id, at, form_int(r, "minuter"),
		    place ? place : "", kv_get(&r->form, "video") != NULL,
		    &why);
	}
	return answer_series(r, &s, &who, err, why, series, "tillfalle");
}

enum nara_err page_work_attendance(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = group_require_form(r, "staff", &s, &who);
	if (err != NARA_OK)
		return err;
	int64_t id = casework_param_id(r, 0), series = form_series(r);
	if (id == 0 || series <= 0)
		return NARA_ENOTFOUND;
	int64_t present[256];
	size_t n = 0;
	for (size_t i = 0; i < r->form.count && n < 256; i++)
		if (strcmp(r->form.items[i].key, "narvarande") == 0)
			present[n++] = atoll(r->form.items[i].value);
	const char *why = NULL;
	err = group_attendance_mark(r->db, &who, id, present, n,
				    (int64_t)time(NULL), &why);
	return answer_series(r, &s, &who, err, why, series, "narvaro");
}

enum nara_err page_work_enrolment_cancel(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = group_require_form(r, "staff", &s, &who);
	if (err != NARA_OK)
		return err;
	int64_t id = casework_param_id(r, 0), series = form_series(r);
	if (id == 0 || series <= 0)
		return NARA_ENOTFOUND;
	int64_t promoted = 0;
	const char *why = NULL;
	err =
	    group_cancel(r->db, &who, id, (int64_t)time(NULL), &promoted, &why);
	return answer_series(r, &s, &who, err, why, series, "avbokad");
}

/* The case officer's form --------------------------------------------- */

struct case_form {
	const char *series, *consent_by;
	int consent;
	const char *error;
};

static enum nara_err render_case_group(struct req *r, const struct session *s,
				       const struct actor *who, int64_t case_id,
				       const struct case_form *f)
{
	struct group_view *gs;
	size_t n = 0;
	enum nara_err err =
	    group_catalogue(r->db, &r->arena, who->subject.municipality_id, -1,
			    (int64_t)time(NULL), &gs, &n);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	tv_setf(v, "case_id", "%lld", (long long)case_id);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < gs[i].nseries; k++) {
			struct tvars *x = tv_item(v, "choices");
			const struct group_series *se = &gs[i].series[k];
			tv_setf(x, "value", "%lld", (long long)se->id);
			tv_set(x, "label",
			       arena_printf(&r->arena, "%s (%s, %s)",
					    gs[i].title, gs[i].unit_name,
					    gs[i].municipality_name));
			group_series_vars(r, x, se);
			if (f && f->series &&
			    atoll(f->series) == (long long)se->id)
				tv_set(x, "checked", "1");
		}
	}
	if (f) {
		tv_set(v, "consent_by", f->consent_by ? f->consent_by : "");
		if (f->error)
			tv_set(v, "error", f->error);
	}
	done_vars(r, v);
	return page_render(r, "case_group", v,
			   i18n_get(r->lang, "group.case.title"));
}

enum nara_err page_case_group(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 0, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	return render_case_group(r, &c.s, &c.who, c.id, NULL);
}

enum nara_err page_case_group_enrol(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = group_require_form(r, "staff", &s, &who);
	if (err != NARA_OK)
		return err;
	int64_t id = casework_param_id(r, 0);
	if (id == 0)
		return NARA_ENOTFOUND;
	struct case_form f = {
	    .series = kv_get(&r->form, "serie"),
	    .consent_by = kv_get(&r->form, "samtycke_av"),
	    .consent = kv_get(&r->form, "samtycke") != NULL,
	};
	int64_t enrolment = 0;
	int waiting = 0;
	const char *why = NULL;
	if (f.series == NULL || atoll(f.series) <= 0) {
		why = "group.error.choose_series";
		err = NARA_EINVAL;
	} else if (!f.consent) {
		why = "group.error.consent_missing";
		err = NARA_EINVAL;
	} else {
		err = group_enrol_from_case(r->db, &who, id, atoll(f.series),
					    f.consent_by ? f.consent_by : "",
					    (int64_t)time(NULL), &enrolment,
					    &waiting, &why);
	}
	if (err == NARA_ENOTFOUND && why == NULL && f.series)
		why = "group.error.choose_series";
	if ((err == NARA_EINVAL || err == NARA_ENOTFOUND) && why) {
		f.error = i18n_get(r->lang, why);
		r->resp.status = 400;
		return render_case_group(r, &s, &who, id, &f);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena,
				   "/arbete/arende/%lld/stodgrupp?klart=%s",
				   (long long)id, waiting ? "ko" : "anmald"));
	return NARA_OK;
}
