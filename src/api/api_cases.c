/*
 * The API for staff: the worklist, a case, and what staff do to it. Every
 * call goes through the domain (policy layer, audit row in the same
 * transaction), exactly as the pages do.
 */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api_json.h"
#include "domain/case.h"
#include "domain/journal.h"
#include "domain/referral.h"
#include "domain/report.h"
#include "web/i18n.h"

enum nara_err api_worklist(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "staff", 0, &c, &err))
		return err;
	struct case_filter f = {.sort = kv_get(&r->query, "sort")};
	const char *unit = kv_get(&r->query, "unit");
	if (unit != NULL)
		f.unit_id = strtoll(unit, NULL, 10);
	f.mine = kv_get(&r->query, "mine") != NULL;
	f.only_attention = kv_get(&r->query, "attention") != NULL;
	f.include_closed = kv_get(&r->query, "closed") != NULL;
	struct case_summary *list;
	size_t n;
	int64_t now = (int64_t)time(NULL);
	err = case_worklist(r->db, &r->arena, &c.who, &f, now, &list, &n);
	if (err != NARA_OK)
		return api_answer(r, err, NULL);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, api_case_summary_json(&list[i]));
	return api_send(
	    r, 200,
	    json_pack("{s:o,s:I}", "cases", arr, "now", (json_int_t)now));
}

enum nara_err api_case(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "staff", 0, &c, &err))
		return err;
	struct case_view v;
	err = case_read(r->db, &r->arena, &c.who, api_param_id(r, 0),
			(int64_t)time(NULL), &v);
	if (err != NARA_OK)
		return api_answer(r, err, NULL);
	return api_send(r, 200, api_case_view_json(r, &v, 1));
}

/* Visibility from a body: "now", "from_date" (+ visible_from), "withheld". */
static int read_visibility(json_t *body, enum note_visibility *v, int64_t *from,
			   enum withheld_reason *reason)
{
	const char *vis = api_str(body, "visibility");
	int parsed = note_visibility_parse(vis ? vis : "now");
	const char *why = api_str(body, "withheld_reason");
	int rparsed = withheld_reason_parse(why ? why : "");
	*from = 0;
	if (parsed < 0 || rparsed < 0 ||
	    api_int(body, "visible_from", from) < 0)
		return -1;
	*v = (enum note_visibility)parsed;
	*reason = (enum withheld_reason)rparsed;
	return 0;
}

enum nara_err api_case_note(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "staff", 1, &c, &err))
		return err;
	json_t *body = c.body;
	struct journal_new n = {.case_id = api_param_id(r, 0),
				.body = api_str(body, "body")};
	if (read_visibility(body, &n.visibility, &n.visible_from,
			    &n.withheld_reason) != 0 ||
	    api_int(body, "corrects", &n.corrects_id) < 0 ||
	    api_int(body, "expected_version", &n.expected_version) < 0) {
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

enum nara_err api_case_move(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "staff", 1, &c, &err))
		return err;
	json_t *body = c.body;
	int action = case_action_parse(api_str(body, "action"));
	int64_t heard = -1;
	struct case_move m = {
	    .reason = api_str(body, "reason"),
	    .child_not_heard_reason = api_str(body, "child_not_heard_reason"),
	    .late_reason = api_str(body, "late_reason"),
	    .outcome = api_str(body, "outcome"),
	    .subject = api_str(body, "subject"),
	    .content = api_str(body, "content"),
	    .reasons = api_str(body, "reasons"),
	    .legal_basis = api_str(body, "legal_basis"),
	    .delegation = api_str(body, "delegation"),
	    .appeal = api_str(body, "appeal"),
	};
	json_t *jh = json_object_get(body, "child_heard");
	if (json_is_boolean(jh))
		heard = json_is_true(jh);
	m.child_heard = (int)heard;
	if (action < 0 ||
	    api_int(body, "expected_version", &m.expected_version) < 0 ||
	    api_int(body, "new_due", &m.new_due) < 0 ||
	    api_int(body, "presented_by", &m.presented_by) < 0 ||
	    api_int(body, "intervention_kind", &m.intervention_kind_id) < 0 ||
	    (jh != NULL && !json_is_boolean(jh))) {
		json_decref(body);
		return api_error(r, 400, "api.error.move");
	}
	m.action = (enum case_action)action;
	const char *why = NULL, *warning = NULL;
	int64_t id = api_param_id(r, 0);
	err = case_move(r->db, &c.who, id, &m, (int64_t)time(NULL), &why,
			&warning);
	json_decref(body);
	/* Outside the agreement's delegation (R3.3): say which agreement. */
	const char *named = NULL;
	if (err == NARA_EDENIED && why != NULL &&
	    strcmp(why, "ref.error.not_delegated") == 0 &&
	    referral_move_refusal(r->db, &r->arena, &c.who, id,
				  (int64_t)time(NULL), &named) == NARA_OK &&
	    named != NULL)
		return api_send(r, 403,
				json_pack("{s:{s:i,s:s,s:s}}", "error",
					  "status", 403, "key", why, "message",
					  named));
	if (err != NARA_OK)
		return api_answer(r, err, why);
	/*
	 * The host's staff under a referral made the move for the member's
	 * committee but may not read the whole file: they get where it stands.
	 * Only a shared unit's staff can be in by a referral: nobody else
	 * pays for the question.
	 */
	if (policy_holds_role(&c.who.subject, ROLE_SHARED_SERVICE)) {
		enum case_state state;
		int64_t version;
		int whole;
		err =
		    case_standing(r->db, &c.who, id, &state, &version, &whole);
		if (err != NARA_OK)
			return api_answer(r, err, NULL);
		if (!whole)
			return api_send(
			    r, 200,
			    json_pack("{s:I,s:s,s:I}", "id", (json_int_t)id,
				      "state", case_state_name(state),
				      "version", (json_int_t)version));
	}
	struct case_view v;
	err = case_read(r->db, &r->arena, &c.who, id, (int64_t)time(NULL), &v);
	if (err != NARA_OK)
		return api_answer(r, err, NULL);
	json_t *o = api_case_view_json(r, &v, 1);
	if (o != NULL && warning != NULL)
		json_object_set_new(o, "warning",
				    json_pack("{s:s,s:s}", "key", warning,
					      "message",
					      i18n_get(r->lang, warning)));
	return api_send(r, 200, o);
}

enum nara_err api_case_assign(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "staff", 1, &c, &err))
		return err;
	json_t *body = c.body;
	int64_t staff_id = 0, version = 0;
	int has = api_int(body, "staff_id", &staff_id);
	if (api_int(body, "expected_version", &version) < 0)
		has = -1;
	json_t *jm = json_object_get(body, "member_only");
	int member_only = json_is_true(jm);
	json_decref(body);
	if (has != 1)
		return api_error(r, 400, "case.error.staff");
	int64_t now = (int64_t)time(NULL), id = api_param_id(r, 0);
	err = member_only
		  ? case_add_member(r->db, &c.who, id, staff_id, version, now)
		  : case_assign(r->db, &c.who, id, staff_id, version, now);
	if (err != NARA_OK)
		return api_answer(r, err,
				  err == NARA_ECONFLICT ? "case.error.changed"
							: "case.error.staff");
	return api_send(r, 200, json_pack("{s:b}", "ok", 1));
}

enum nara_err api_note_visibility(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "staff", 1, &c, &err))
		return err;
	json_t *body = c.body;
	enum note_visibility v;
	int64_t from;
	enum withheld_reason reason;
	int64_t version = 0;
	int bad = read_visibility(body, &v, &from, &reason) != 0 ||
		  api_int(body, "expected_version", &version) < 0;
	json_decref(body);
	if (bad)
		return api_error(r, 400, "journal.error.visibility");
	const char *why = NULL;
	err = journal_set_visibility(r->db, &c.who, 0, api_param_id(r, 0), v,
				     from, reason, version, (int64_t)time(NULL),
				     &why);
	if (err != NARA_OK)
		return api_answer(r, err, why);
	return api_send(r, 200, json_pack("{s:b}", "ok", 1));
}

enum nara_err api_report_protection(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "staff", 1, &c, &err))
		return err;
	json_t *body = c.body;
	json_t *ji = json_object_get(body, "immediate");
	enum note_visibility v;
	int64_t from;
	enum withheld_reason reason;
	int64_t version = 0;
	int bad = read_visibility(body, &v, &from, &reason) != 0 ||
		  !json_is_boolean(ji) ||
		  api_int(body, "expected_version", &version) < 0;
	const char *why = NULL;
	if (!bad)
		err = report_assess_protection(
		    r->db, &c.who, 0, api_param_id(r, 0), json_is_true(ji),
		    api_str(body, "assessment"), v, from, reason, version,
		    (int64_t)time(NULL), &why);
	json_decref(body);
	if (bad)
		return api_error(r, 400, "report.error.immediate");
	if (err != NARA_OK)
		return api_answer(r, err, why);
	return api_send(r, 200, json_pack("{s:b}", "ok", 1));
}

enum nara_err api_child_reports(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "staff", 0, &c, &err))
		return err;
	struct report_view *list;
	size_t n;
	err = report_list_for_child(r->db, &r->arena, &c.who,
				    api_param_id(r, 0), NULL, &list, &n);
	if (err != NARA_OK)
		return api_answer(r, err, NULL);
	static const char *const outcomes[] = {
	    [REPORT_PENDING] = "pending",
	    [REPORT_OPENED] = "opened",
	    [REPORT_NOT_OPENED] = "not_opened",
	    [REPORT_ALREADY_RUNNING] = "already_running",
	};
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(
		    arr,
		    json_pack(
			"{s:I,s:I,s:I,s:s,s:s,s:s,s:s}", "id",
			(json_int_t)list[i].id, "received_at",
			(json_int_t)list[i].received_at, "case",
			(json_int_t)list[i].case_id, "case_reference",
			list[i].case_reference ? list[i].case_reference : "",
			"outcome", outcomes[list[i].outcome], "reporter_kind",
			list[i].reporter_kind, "concern", list[i].concern));
	return api_send(r, 200, json_pack("{s:o}", "reports", arr));
}
