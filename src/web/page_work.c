/*
 * Finding a person of the own municipality by personnummer (the search on
 * /arbete, whose page is the worklist, page_worklist.c) and the person
 * page (/arbete/person/{id}). Each person shown is read through the policy
 * layer and audited (domain/person.c); another municipality's person is
 * never found, and opening one by address gives the 403 page, with the
 * attempt in the audit log.
 *
 * A person in another unit's caseload of the user's own municipality is
 * refused too (R4.1), but there the refusal page carries the
 * break-the-glass form: the user states why they need the record, and a
 * POST of that form opens it for this one view, the reason stored in a
 * flagged audit row for the security officer's review. Nothing is kept: the
 * next GET is refused again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/person.h"
#include "web/auth.h"
#include "web/web.h"

static const char *pnr_shown(struct req *r, const char *pnr)
{
	return arena_printf(&r->arena, "%.8s-%s", pnr, pnr + 8);
}

static void person_vars(struct req *r, struct tvars *p,
			const struct person_view *pv)
{
	tv_setf(p, "id", "%lld", (long long)pv->id);
	tv_set(
	    p, "name",
	    arena_printf(&r->arena, "%s %s", pv->given_name, pv->family_name));
	tv_set(p, "pnr", pnr_shown(r, pv->personnummer));
	tv_set(p, "municipality", pv->municipality_name);
	tv_set(p, "unit",
	       pv->unit_name[0] ? pv->unit_name
				: i18n_get(r->lang, "person.no_unit"));
	tv_set(p, "birth_date", pv->birth_date);
	tv_set(p, "address", pv->address);
	tv_set(p, "postal_code", pv->postal_code);
	tv_set(p, "city", pv->city);
	tv_set(p, "phone", pv->phone);
	if (pv->protected_identity)
		tv_set(p, "protected", "1");
	if (pv->address_withheld)
		tv_set(p, "withheld", "1");
	if (pv->decision.reason == POLICY_ALLOWED_BREAK_GLASS)
		tv_set(p, "break_glass", "1");
}

enum nara_err work_search_vars(struct req *r, struct tvars *v,
			       const struct actor *who)
{
	enum nara_err err = NARA_OK;
	const char *pnr = kv_get(&r->query, "pnr");
	if (pnr != NULL && pnr[0] != '\0') {
		tv_set(v, "searched", "1");
		tv_set(v, "pnr_query", pnr);
		struct person_view *found;
		size_t n;
		err = person_search(r->db, &r->arena, who, pnr, &found, &n);
		if (err == NARA_EINVAL)
			tv_set(v, "pnr_error", "1");
		else if (err != NARA_OK)
			return err;
		for (size_t i = 0; err == NARA_OK && i < n; i++) {
			struct tvars *item = tv_item(v, "found");
			if (found[i].decision.allowed) {
				person_vars(r, item, &found[i]);
				continue;
			}
			/* Refused: the number they typed, and the way on if
			 * there is one. */
			tv_setf(item, "id", "%lld", (long long)found[i].id);
			tv_set(item, "pnr",
			       pnr_shown(r, found[i].personnummer));
			tv_set(item,
			       found[i].decision.break_glass ? "other_unit"
							     : "refused",
			       "1");
		}
	}
	return NARA_OK;
}

/* The refusal that may be lifted: the break-the-glass form, status 403 or 400.
 */
static enum nara_err render_break_glass(struct req *r, const struct session *s,
					const struct actor *who, long long id,
					const char *reason, int status)
{
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	tv_setf(v, "id", "%lld", id);
	tv_set(v, "reason", reason);
	if (status == 400)
		tv_set(v, "reason_error", "1");
	enum nara_err err =
	    page_render(r, "break_glass", v, i18n_get(r->lang, "glass.title"));
	r->resp.status = status;
	return err;
}

static enum nara_err person_page(struct req *r, const char *break_glass_reason)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	if (break_glass_reason != NULL &&
	    !session_csrf_ok(&s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	char *end;
	long long id = strtoll(r->params[0], &end, 10);
	if (*end != '\0' || id <= 0)
		return NARA_ENOTFOUND;
	struct person_view pv;
	err = person_read(r->db, &r->arena, &who, id, break_glass_reason, &pv);
	if (err == NARA_EINVAL)
		return render_break_glass(r, &s, &who, id, break_glass_reason,
					  400);
	if (err == NARA_EDENIED && pv.decision.break_glass)
		return render_break_glass(r, &s, &who, id, "", 403);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	person_vars(r, v, &pv);
	return page_render(
	    r, "person", v,
	    arena_printf(&r->arena, "%s %s", pv.given_name, pv.family_name));
}

enum nara_err page_work_person(struct req *r)
{
	return person_page(r, NULL);
}

enum nara_err page_work_person_open(struct req *r)
{
	/* A missing field is an empty reason: the form again, with the error.
	 */
	const char *reason = kv_get(&r->form, "reason");
	return person_page(r, reason ? reason : "");
}
