/*
 * The person's consents through the API (R3.2): what each allows, to whom,
 * until when, where its referral stands; give one asked for, withdraw one
 * with one call. The same domain calls as /mina-sidor/samtycken
 * (src/web/page_referral.c), so the same audit rows and the same walls.
 */
#include "api/api.h"

#include <string.h>
#include <time.h>

#include "domain/referral.h"
#include "policy/referral.h"

static json_t *consent_json(const struct consent_view *c)
{
	json_t *parts = json_array();
	for (size_t i = 0; parts && i < REFERRAL_NPARTS; i++)
		if (c->scope & referral_parts[i].bit)
			json_array_append_new(
			    parts, json_string(referral_parts[i].name));
	json_t *o = json_pack(
	    "{s:I,s:s,s:o,s:s,s:s,s:s,s:s,s:I,s:I}", "id", (json_int_t)c->id,
	    "status", c->status, "parts", parts ? parts : json_array(), "unit",
	    c->unit_name, "host", c->host_name, "municipality",
	    c->municipality_name, "purpose", c->purpose, "requested_at",
	    (json_int_t)c->requested_at, "valid_until",
	    (json_int_t)c->valid_until);
	if (o == NULL)
		return NULL;
	if (c->given_at != 0)
		json_object_set_new(o, "given_at", json_integer(c->given_at));
	if (c->withdrawn_at != 0)
		json_object_set_new(o, "withdrawn_at",
				    json_integer(c->withdrawn_at));
	if (c->referral_status[0] != '\0') {
		json_t *ref = json_pack("{s:s}", "status", c->referral_status);
		if (ref && c->referral_answered_at != 0)
			json_object_set_new(
			    ref, "answered_at",
			    json_integer(c->referral_answered_at));
		if (ref)
			json_object_set_new(o, "referral", ref);
	}
	return o;
}

enum nara_err api_my_consents(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 0, &c, &err))
		return err;
	struct consent_view *list;
	size_t n;
	err = consent_list_own(r->db, &r->arena, &c.who, (int64_t)time(NULL),
			       &list, &n);
	if (err != NARA_OK)
		return api_answer(r, err, NULL);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, consent_json(&list[i]));
	return api_send(r, 200, json_pack("{s:o}", "consents", arr));
}

/* Gives or withdraws; answers with the consent as it stands then. */
static enum nara_err change(struct req *r, int withdraw)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 0, &c, &err))
		return err;
	int64_t id = api_param_id(r, 0);
	if (id == 0)
		return api_answer(r, NARA_ENOTFOUND, NULL);
	int64_t now = (int64_t)time(NULL);
	err = withdraw ? consent_withdraw_own(r->db, &c.who, id, now)
		       : consent_give_own(r->db, &c.who, id, now);
	if (err != NARA_OK)
		return api_answer(r, err, "consent.error.unchanged");
	struct consent_view *list;
	size_t n;
	err = consent_list_own(r->db, &r->arena, &c.who, now, &list, &n);
	if (err != NARA_OK)
		return api_answer(r, err, NULL);
	for (size_t i = 0; i < n; i++)
		if (list[i].id == id)
			return api_send(r, 200, consent_json(&list[i]));
	return api_answer(r, NARA_ENOTFOUND, NULL);
}

enum nara_err api_my_consent_give(struct req *r)
{
	return change(r, 0);
}

enum nara_err api_my_consent_withdraw(struct req *r)
{
	return change(r, 1);
}
