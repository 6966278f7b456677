/*
 * Agreements for the municipal administrator (/arbete/avtal, DOMAIN.md
 * R3.3): the agreements their municipality hosts or is a member of, one
 * agreement's versions, and the host's forms to record one, change it (a
 * new version) or end it. The rules are domain/agreement.c's; this file
 * parses and renders.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/agreement.h"
#include "policy/case_flow.h"
#include "web/auth.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/web.h"

/* The period in words: "1 januari 2025 –" or "1 januari 2025 – 1 mars 2026". */
static const char *period(struct req *r, const struct agreement_version *v)
{
	return arena_printf(&r->arena, "%s – %s", web_date(r, v->valid_from),
			    v->valid_to
				? web_date(r, v->valid_to)
				: i18n_get(r->lang, "agreement.until_further"));
}

static const char *status(struct req *r, const struct agreement_version *v)
{
	return i18n_get(r->lang, v->in_force ? "agreement.status.in_force"
				 : v->ended  ? "agreement.status.ended"
					     : "agreement.status.upcoming");
}

static void version_vars(struct req *r, struct tvars *t,
			 const struct agreement_version *v)
{
	tv_setf(t, "series", "%lld", (long long)v->series);
	tv_setf(t, "id", "%lld", (long long)v->id);
	tv_setf(t, "version", "%lld", (long long)v->version);
	tv_set(t, "name", v->name);
	tv_set(t, "host", v->host_name);
	tv_set(t, "services", v->services);
	tv_set(t, "recorded_by", v->recorded_by);
	tv_set(t, "recorded_at", web_date(r, v->created_at));
	tv_set(t, "period", period(r, v));
	tv_set(t, "status", status(r, v));
	if (v->in_force)
		tv_set(t, "in_force", "1");
	for (size_t i = 0; i < v->nmembers; i++)
		tv_set(tv_item(t, "members"), "name", v->members[i].name);
	for (size_t i = 0; i < v->nunits; i++)
		tv_set(tv_item(t, "units"), "name", v->units[i].name);
	for (int a = 0; a < CA_COUNT; a++)
		if (v->delegation & (1u << a))
			tv_set(tv_item(t, "moves"), "name",
			       casework_text(
				   r, "agreement.move",
				   case_action_name((enum case_action)a)));
}

/*
 * The fields of the new or change form: the platform's municipalities
 * (not the host), the host's shared units, the moves. checked_from: the
 * version whose parts are ticked (a change), else the posted form's
 * values when posted (an error), else nothing.
 */
static enum nara_err form_vars(struct req *r, struct tvars *v, int64_t host,
			       const struct agreement_version *checked_from,
			       int posted)
{
	struct agreement_party *m, *u;
	size_t nm, nu;
	enum nara_err err = agreement_municipalities(r->db, &r->arena, &m, &nm);
	if (err == NARA_OK)
		err = agreement_shared_units(r->db, &r->arena, host, &u, &nu);
	if (err != NARA_OK)
		return err;
	for (size_t i = 0; i < nm; i++) {
		if (m[i].id == host)
			continue;
		struct tvars *t = tv_item(v, "f_members");
		tv_setf(t, "id", "%lld", (long long)m[i].id);
		tv_set(t, "name", m[i].name);
		int on = posted ? casework_form_has(r, "member", m[i].id) : 0;
		for (size_t k = 0; checked_from && k < checked_from->nmembers;
		     k++)
			on |= checked_from->members[k].id == m[i].id;
		if (on)
			tv_set(t, "checked", "1");
	}
	for (size_t i = 0; i < nu; i++) {
		struct tvars *t = tv_item(v, "f_units");
		tv_setf(t, "id", "%lld", (long long)u[i].id);
		tv_set(t, "name", u[i].name);
		int on = posted ? casework_form_has(r, "unit", u[i].id) : 0;
		for (size_t k = 0; checked_from && k < checked_from->nunits;
		     k++)
			on |= checked_from->units[k].id == u[i].id;
		if (on)
			tv_set(t, "checked", "1");
	}
	if (nu > 0)
		tv_set(v, "has_units", "1");
	for (int a = 0; a < CA_COUNT; a++) {
		const char *name = case_action_name((enum case_action)a);
		struct tvars *t = tv_item(v, "f_moves");
		tv_set(t, "value", name);
		tv_set(t, "label", casework_text(r, "agreement.move", name));
		int on = 0;
		for (size_t i = 0; posted && i < r->form.count; i++)
			on |= strcmp(r->form.items[i].key, "move") == 0 &&
			      strcmp(r->form.items[i].value, name) == 0;
		if (checked_from && (checked_from->delegation & (1u << a)))
			on = 1;
		if (on)
			tv_set(t, "checked", "1");
	}
	if (posted) {
		tv_set(v, "f_name", kv_get(&r->form, "name"));
		tv_set(v, "f_services", kv_get(&r->form, "services"));
		tv_set(v, "f_from", kv_get(&r->form, "valid_from"));
		tv_set(v, "f_to", kv_get(&r->form, "valid_to"));
	} else if (checked_from) {
		tv_set(v, "f_name", checked_from->name);
		tv_set(v, "f_services", checked_from->services);
	}
	return NARA_OK;
}

/* The posted form as domain input; *why set for dates that do not parse. */
static void read_input(struct req *r, struct agreement_input *in,
		       const char **why)
{
	memset(in, 0, sizeof(*in));
	in->name = kv_get(&r->form, "name");
	in->services = kv_get(&r->form, "services");
	int64_t *ids;
	in->nmembers =
	    casework_form_ids(r, "member", &ids, AGREEMENT_MAX_MEMBERS);
	in->members = ids;
	in->nunits = casework_form_ids(r, "unit", &ids, AGREEMENT_MAX_UNITS);
	in->units = ids;
	for (size_t i = 0; i < r->form.count; i++) {
		if (strcmp(r->form.items[i].key, "move") != 0)
			continue;
		int a = case_action_parse(r->form.items[i].value);
		if (a < 0)
			*why = "agreement.error.delegation";
		else
			in->delegation |= 1u << a;
	}
	const char *from = kv_get(&r->form, "valid_from");
	const char *to = kv_get(&r->form, "valid_to");
	in->valid_from = from && from[0] ? web_parse_date(from, 0) : 0;
	if (from && from[0] && in->valid_from == 0)
		*why = "agreement.error.date";
	if (to && to[0]) {
		in->valid_to = web_parse_date(to, 0);
		if (in->valid_to == 0)
			*why = "agreement.error.date";
	}
}

static enum nara_err render_list(struct req *r, const struct session *s,
				 const struct actor *who, const char *error,
				 int posted)
{
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	tv_set(v, "municipality", who->municipality_name);
	struct agreement_version *list;
	size_t n;
	int64_t now = (int64_t)time(NULL);
	enum nara_err err =
	    agreement_list_for(r->db, &r->arena, who, now, &list, &n);
	if (err != NARA_OK)
		return err;
	for (size_t i = 0; i < n; i++) {
		struct tvars *t = tv_item(v, "agreements");
		version_vars(r, t, &list[i]);
		tv_set(t, "role",
		       i18n_get(r->lang,
				list[i].host_id == who->subject.municipality_id
				    ? "agreement.role.host"
				    : "agreement.role.member"));
	}
	if (error != NULL)
		tv_set(v, "error", i18n_get(r->lang, error));
	if ((err = form_vars(r, v, who->subject.municipality_id, NULL,
			     posted)) != NARA_OK)
		return err;
	return page_render(r, "agreements", v,
			   i18n_get(r->lang, "agreement.title"));
}

enum nara_err page_agreements(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	return render_list(r, &s, &who, NULL, 0);
}

enum nara_err page_agreement_record(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	if (!session_csrf_ok(&s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	struct agreement_input in;
	const char *why = NULL;
	read_input(r, &in, &why);
	int64_t id = 0;
	if (why == NULL)
		err = agreement_record(r->db, &who, &in, (int64_t)time(NULL),
				       &id, &why);
	if (why != NULL) {
		r->resp.status = 400;
		return render_list(r, &s, &who, why, 1);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena, "/arbete/avtal/%lld?sparat=1",
				   (long long)id));
	return NARA_OK;
}

static enum nara_err render_one(struct req *r, const struct session *s,
				const struct actor *who, int64_t series,
				const char *error, const char *error_form)
{
	struct agreement_version *versions;
	size_t n;
	int can_write;
	int64_t now = (int64_t)time(NULL);
	enum nara_err err = agreement_series_read(
	    r->db, &r->arena, who, series, now, &versions, &n, &can_write);
	if (err != NARA_OK)
		return err;
	if (n == 0)
		return NARA_ENOTFOUND;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	/* The version in force now, else the newest (upcoming or ended). */
	const struct agreement_version *current = &versions[0];
	for (size_t i = 0; i < n; i++)
		if (versions[i].in_force)
			current = &versions[i];
	version_vars(r, v, current);
	tv_setf(v, "newest_id", "%lld", (long long)versions[0].id);
	for (size_t i = 0; i < n; i++)
		version_vars(r, tv_item(v, "versions"), &versions[i]);
	if (can_write && !versions[0].ended) {
		tv_set(v, "can_write", "1");
		int posted = error != NULL && strcmp(error_form, "change") == 0;
		if ((err = form_vars(r, v, versions[0].host_id,
				     posted ? NULL : &versions[0], posted)) !=
		    NARA_OK)
			return err;
	}
	if (kv_get(&r->query, "sparat"))
		tv_set(v, "saved", "1");
	if (error != NULL) {
		tv_set(v, "error", i18n_get(r->lang, error));
		if (strcmp(error_form, "end") == 0)
			tv_set(v, "error_end", "1");
		else
			tv_set(v, "error_change", "1");
	}
	return page_render(r, "agreement", v, current->name);
}

enum nara_err page_agreement(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 0, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	return render_one(r, &c.s, &c.who, c.id, NULL, NULL);
}

/* The agreement's page after a form that saved (?sparat=1). */
static enum nara_err saved(struct req *r, int64_t series)
{
	resp_redirect(r, 303,
		      arena_printf(&r->arena, "/arbete/avtal/%lld?sparat=1",
				   (long long)series));
	return NARA_OK;
}

/*
 * The answer to a change or an end: with why, a refusal the person can act
 * on, the page again with the error at `form`: 400 (bad input) or 409
 * (changed, ended); else err, or back to the saved agreement.
 */
static enum nara_err write_answer(struct req *r, const struct session *s,
				  const struct actor *who, int64_t series,
				  enum nara_err err, const char *why,
				  const char *form)
{
	if (why != NULL) {
		r->resp.status = err == NARA_ECONFLICT ? 409 : 400;
		return render_one(r, s, who, series, why, form);
	}
	return err != NARA_OK ? err : saved(r, series);
}

enum nara_err page_agreement_change(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 1, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	struct agreement_input in;
	const char *why = NULL;
	read_input(r, &in, &why);
	int64_t id = 0;
	if (why == NULL)
		err =
		    agreement_change(r->db, &c.who, c.id,
				     casework_id(kv_get(&r->form, "expected")),
				     &in, (int64_t)time(NULL), &id, &why);
	return write_answer(r, &c.s, &c.who, c.id, err, why, "change");
}

enum nara_err page_agreement_end(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 1, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	const char *to = kv_get(&r->form, "valid_to");
	int64_t valid_to = to && to[0] ? web_parse_date(to, 0) : 0;
	const char *why = NULL;
	if (valid_to == 0)
		why = "agreement.error.date";
	else
		err = agreement_end(r->db, &c.who, c.id,
				    casework_id(kv_get(&r->form, "expected")),
				    valid_to, (int64_t)time(NULL), &why);
	return write_answer(r, &c.s, &c.who, c.id, err, why, "end");
}
