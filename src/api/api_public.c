/*
 * The API's public part: the directory, and reports of concern about a
 * child (anyone may report, DOMAIN.md R1.5: the receipt code tells only
 * whether an investigation was opened).
 */
#include "api/api.h"

#include <stdio.h>
#include <time.h>

#include "domain/directory.h"
#include "domain/report.h"
#include "web/i18n.h"

enum nara_err api_municipalities(struct req *r)
{
	struct directory_municipality *list;
	size_t n;
	enum nara_err err =
	    directory_municipalities(r->db, &r->arena, &list, &n);
	if (err != NARA_OK)
		return err;
	json_t *arr = json_array();
	for (size_t i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s}", "id",
						     (json_int_t)list[i].id,
						     "slug", list[i].slug,
						     "name", list[i].name));
	return api_send(r, 200, json_pack("{s:o}", "municipalities", arr));
}

static const char *const status_names[] = {
    [REPORT_PENDING] = "pending",
    [REPORT_OPENED] = "opened",
    [REPORT_NOT_OPENED] = "not_opened",
    [REPORT_ALREADY_RUNNING] = "already_running",
};

enum nara_err api_report_create(struct req *r)
{
	json_t *body;
	if (api_body(r, &body) != NARA_OK)
		return api_error(r, 400, "api.error.body");
	struct report_new n = {
	    .municipality_slug = api_str(body, "municipality"),
	    .child_name = api_str(body, "child_name"),
	    .child_personnummer = api_str(body, "child_personnummer"),
	    .child_details = api_str(body, "child_details"),
	    .reporter_kind = api_str(body, "reporter_kind"),
	    .reporter_name = api_str(body, "reporter_name"),
	    .reporter_organisation = api_str(body, "reporter_organisation"),
	    .reporter_profession = api_str(body, "reporter_profession"),
	    .reporter_phone = api_str(body, "reporter_phone"),
	    .reporter_email = api_str(body, "reporter_email"),
	    .concern = api_str(body, "concern"),
	};
	char receipt[REPORT_RECEIPT_LEN + 1];
	int64_t case_id;
	const char *why = NULL;
	enum nara_err err = report_submit(
	    r->db, &r->arena, &n, (int64_t)time(NULL), receipt, &case_id, &why);
	json_decref(body);
	if (err == NARA_EINVAL)
		return api_error(r, 400, why ? why : "api.error.body");
	if (err == NARA_ENOTFOUND)
		return api_error(r, 404, "api.error.municipality");
	if (err != NARA_OK)
		return err;
	/* The code is shown once and never stored: only its hash is kept. */
	return api_send(
	    r, 201,
	    json_pack("{s:s,s:s}", "receipt", receipt, "status", "pending"));
}

enum nara_err api_report_status(struct req *r)
{
	json_t *body;
	if (api_body(r, &body) != NARA_OK)
		return api_error(r, 400, "api.error.body");
	const char *code = api_str(body, "receipt");
	enum report_status st;
	enum nara_err err =
	    code ? report_status(r->db, code, (int64_t)time(NULL), &st)
		 : NARA_ENOTFOUND;
	json_decref(body);
	if (err == NARA_ENOTFOUND)
		return api_error(r, 404, "api.error.receipt");
	if (err != NARA_OK)
		return err;
	char key[48];
	snprintf(key, sizeof(key), "report.status.%s", status_names[st]);
	return api_send(r, 200,
			json_pack("{s:s,s:s}", "status", status_names[st],
				  "message", i18n_get(r->lang, key)));
}
