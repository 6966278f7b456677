/*
 * Finding a person of the own municipality by personnummer (the search on
 * /arbete, whose page is the worklist, page_worklist.c) and the person
 * page (/arbete/person/{id}). Each person shown is read through the policy
 * layer and audited (domain/person.c); another municipality's person is
 * never found, and opening one by address gives the 403 page, with the
 * attempt in the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/person.h"
#include "web/auth.h"
#include "web/web.h"

static void person_vars(struct req *r, struct tvars *p, const struct person_view *pv)
{
	tv_setf(p, "id", "%lld", (long long)pv->id);
	tv_set(p, "name", arena_printf(&r->arena, "%s %s", pv->given_name, pv->family_name));
	tv_set(p, "pnr", arena_printf(&r->arena, "%.8s-%s", pv->personnummer, pv->personnummer + 8));
	tv_set(p, "municipality", pv->municipality_name);
	tv_set(p, "birth_date", pv->birth_date);
	tv_set(p, "address", pv->address);
	tv_set(p, "postal_code", pv->postal_code);
	tv_set(p, "city", pv->city);
	tv_set(p, "phone", pv->phone);
	if (pv->protected_identity)
		tv_set(p, "protected", "1");
	if (pv->address_withheld)
		tv_set(p, "withheld", "1");
}

enum nara_err work_search_vars(struct req *r, struct tvars *v,
			       const struct actor *who)
{
	enum nara_err err = NARA_OK;
	const char *pnr = kv_get(&r->query, "pnr");
	if (pnr != NULL && pnr[0] != '\0') {
		tv_set(v, "searched", "1");
		tv_set(v, "pnr_query", pnr);
		int64_t *ids;
		size_t n;
		err = person_find(r->db, &r->arena, who, pnr, &ids, &n);
		if (err == NARA_EINVAL) {
			tv_set(v, "pnr_error", "1");
		} else if (err != NARA_OK) {
			return err;
		}
		for (size_t i = 0; err == NARA_OK && i < n; i++) {
			struct person_view pv;
			enum nara_err e = person_read(r->db, &r->arena, who, ids[i], &pv);
			if (e == NARA_EDENIED)
				continue;
			if (e != NARA_OK)
				return e;
			person_vars(r, tv_item(v, "found"), &pv);
		}
	}
	return NARA_OK;
}

enum nara_err page_work_person(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	char *end;
	long long id = strtoll(r->params[0], &end, 10);
	if (*end != '\0' || id <= 0)
		return NARA_ENOTFOUND;
	struct person_view pv;
	err = person_read(r->db, &r->arena, &who, id, &pv);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	person_vars(r, v, &pv);
	return page_render(r, "person", v,
			   arena_printf(&r->arena, "%s %s", pv.given_name, pv.family_name));
}
