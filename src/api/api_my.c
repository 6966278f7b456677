/*
 * The API for the person: who they are, their cases as they may see them
 * (DOMAIN.md R2.3, R2.4: computed by the domain, never copied), and their
 * comments and objections (R2.1).
 */
#include "api/api.h"

#include <time.h>

#include "api/api_json.h"
#include "domain/case.h"
#include "domain/journal.h"
#include "web/auth.h"
#include "web/i18n.h"

enum nara_err api_me(struct req *r)
{
	struct session s;
	enum nara_err err = web_session(r, &s);
	if (err == NARA_ENOTFOUND)
		return api_error(r, 401, "api.error.login");
	if (err != NARA_OK)
		return err;
	json_t *o = json_pack("{s:s,s:s,s:I}", "kind", s.kind, "csrf", s.csrf,
			      "expires_at", (json_int_t)s.expires_at);
	return api_send(r, 200, o);
}

enum nara_err api_my_cases(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 0, &c, &err))
		return err;
	struct case_summary *list;
	size_t n;
	err = case_list_own(r->db, &r->arena, &c.who, (int64_t)time(NULL),
			    &list, &n);
	if (err != NARA_OK)
		return err;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, api_case_summary_json(&list[i]));
	return api_send(r, 200, json_pack("{s:o}", "cases", arr));
}

enum nara_err api_my_case(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 0, &c, &err))
		return err;
	struct case_view v;
	err = case_read_own(r->db, &r->arena, &c.who, api_param_id(r, 0),
			    (int64_t)time(NULL), &v);
	if (err == NARA_EDENIED || err == NARA_ENOTFOUND)
		return api_error(r, err == NARA_EDENIED ? 403 : 404,
				 err == NARA_EDENIED ? "error.403.title"
						     : "error.404.title");
	if (err != NARA_OK)
		return err;
	return api_send(r, 200, api_case_view_json(r, &v, 0));
}

enum nara_err api_my_comment(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 1, &c, &err))
		return err;
	json_t *body = c.body;
	struct journal_new n = {.case_id = api_param_id(r, 0),
				.body = api_str(body, "body")};
	int has = api_int(body, "objection_to", &n.corrects_id);
	n.objection = has == 1;
	if (has < 0) {
		json_decref(body);
		return api_error(r, 400, "api.error.body");
	}
	int64_t id = 0;
	const char *why = NULL;
	err = journal_add(r->db, &c.who, &n, (int64_t)time(NULL), &id, &why);
	json_decref(body);
	if (err != NARA_OK)
		return api_answer(r, err, why);
	return api_send(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

enum nara_err api_my_case_reads(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 0, &c, &err))
		return err;
	struct case_read_log *reads;
	size_t n;
	err = case_reads_own(r->db, &r->arena, &c.who, api_param_id(r, 0),
			     &reads, &n);
	if (err == NARA_EDENIED || err == NARA_ENOTFOUND)
		return api_error(r, err == NARA_EDENIED ? 403 : 404,
				 err == NARA_EDENIED ? "error.403.title"
						     : "error.404.title");
	if (err != NARA_OK)
		return err;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(
		    arr,
		    json_pack("{s:I,s:s,s:s}", "at", (json_int_t)reads[i].at,
			      "municipality", reads[i].municipality_name,
			      "unit", reads[i].unit_name));
	return api_send(r, 200, json_pack("{s:o}", "reads", arr));
}
