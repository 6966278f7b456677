/*
 * The API for meetings (DESIGN.md "books, rebooks and cancels meetings"):
 * what /mina-sidor/moten and /arbete/moten offer, through the same domain
 * calls (domain/booking.h), so the same policy, audit rows, notices and
 * refusals. A time someone else just took answers 409 with the page's
 * words (booking.error.taken); a stale version 409 booking.error.changed.
 *
 * A free time is named as on the page: "availability-start" (the id of
 * the published hours and the start, epoch seconds), from
 * GET /api/v1/my/meetings/free.
 */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/booking.h"
#include "web/booking_page.h"
#include "web/i18n.h"

static json_t *kinds_json(unsigned kinds)
{
	json_t *a = json_array();
	for (int k = 0; a && k < BOOKING_KIND_COUNT; k++)
		if (kinds & (1u << k))
			json_array_append_new(
			    a, json_string(booking_kind_name((enum booking_kind)k)));
	return a;
}

static json_t *meeting_json(const struct booking_view *b)
{
	json_t *o = json_pack(
	    "{s:I,s:s,s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:I}", "id", (json_int_t)b->id,
	    "state", b->state, "kind", booking_kind_name(b->kind), "starts_at",
	    (json_int_t)b->starts_at, "ends_at", (json_int_t)b->ends_at,
	    "version", (json_int_t)b->version, "unit", b->unit_name,
	    "municipality", b->municipality_name, "staff", b->staff_name,
	    "unit_id", (json_int_t)b->unit_id);
	if (o == NULL)
		return NULL;
	static const char *roles[] = {"", "citizen", "officer", "interpreter"};
	if (b->role > BOOKING_ROLE_NONE && b->role <= BOOKING_ROLE_INTERPRETER)
		json_object_set_new(o, "role", json_string(roles[b->role]));
	if (b->person_name && b->person_name[0])
		json_object_set_new(o, "person", json_string(b->person_name));
	if (b->case_reference && b->case_reference[0])
		json_object_set_new(o, "case_reference",
				    json_string(b->case_reference));
	if (b->interpreter_mode != INTERPRETER_NONE)
		json_object_set_new(
		    o, "interpreter",
		    json_pack("{s:s,s:s}", "language",
			      b->interpreter_language ? b->interpreter_language
						      : "",
			      "mode", interpreter_mode_name(b->interpreter_mode)));
	if (strcmp(b->state, "proposed") == 0) {
		json_t *p = json_array();
		for (size_t i = 0; p && i < b->nproposals; i++)
			json_array_append_new(p, json_integer(b->proposals[i]));
		json_object_set_new(o, "proposals", p ? p : json_array());
	}
	return o;
}

static enum nara_err send_list(struct req *r, const struct booking_view *list,
			       size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, meeting_json(&list[i]));
	return api_send(r, 200, json_pack("{s:o}", "meetings", arr));
}

enum nara_err api_my_meetings(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 0, &c, &err))
		return err;
	struct booking_view *list;
	size_t n;
	err = booking_list_own(r->db, &r->arena, &c.who, (int64_t)time(NULL),
			       &list, &n);
	if (err != NARA_OK)
		return api_answer(r, err, NULL);
	return send_list(r, list, n);
}

enum nara_err api_my_meeting(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 0, &c, &err))
		return err;
	int64_t id = api_param_id(r, 0);
	if (id == 0)
		return api_error(r, 404, "error.404.title");
	struct booking_view b;
	err = booking_read(r->db, &r->arena, &c.who, id, &b);
	if (err != NARA_OK)
		return api_answer(r, err, NULL);
	return api_send(r, 200, meeting_json(&b));
}

/* "unit-staff" as the page's ?hos= (staff 0: the unit's reception). */
static int parse_host(const char *s, int64_t *unit, int64_t *staff)
{
	if (s == NULL)
		return 0;
	long long u, st;
	char tail;
	if (sscanf(s, "%lld-%lld%c", &u, &st, &tail) != 2 || u <= 0 || st < 0)
		return 0;
	*unit = u;
	*staff = st;
	return 1;
}

enum nara_err api_my_meetings_free(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 0, &c, &err))
		return err;
	int64_t unit = 0, staff = -1;
	const char *host = kv_get(&r->query, "host");
	if (host != NULL && !parse_host(host, &unit, &staff))
		return api_error(r, 400, "booking.api.host");
	int days = BOOKING_PAGE_DAYS;
	const char *d = kv_get(&r->query, "days");
	if (d != NULL) {
		char *end;
		long v = strtol(d, &end, 10);
		if (*end != '\0' || v < 1 || v > BOOKING_DAYS_AHEAD)
			return api_error(r, 400, "booking.api.days");
		days = (int)v;
	}
	struct booking_host_times t;
	err = booking_host_times(r->db, &r->arena, &c.who, unit, staff,
				 (int64_t)time(NULL), days, 1, &t);
	if (err != NARA_OK)
		return api_answer(r, err, NULL);
	json_t *hosts = json_array();
	int known = 0;
	for (size_t i = 0; hosts && i < t.navail; i++) {
		const struct booking_availability_view *a = &t.avail[i];
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++)
			seen = t.avail[k].unit_id == a->unit_id &&
			       t.avail[k].staff_id == a->staff_id;
		if (a->unit_id == unit && a->staff_id == staff)
			known = 1;
		if (seen)
			continue;
		char with[48];
		snprintf(with, sizeof(with), "%lld-%lld", (long long)a->unit_id,
			 (long long)a->staff_id);
		json_array_append_new(
		    hosts, json_pack("{s:s,s:s,s:s,s:s}", "host", with, "unit",
				     a->unit_name, "municipality",
				     a->municipality_name, "staff",
				     a->staff_name));
	}
	if (host != NULL && !known) {
		json_decref(hosts);
		return api_error(r, 404, "booking.api.host");
	}
	json_t *o = json_pack("{s:o}", "hosts", hosts ? hosts : json_array());
	if (o == NULL)
		return NARA_ENOMEM;
	if (host != NULL) {
		json_t *free_ = json_array();
		for (size_t i = 0; free_ && i < t.nslots; i++) {
			char slot[48];
			snprintf(slot, sizeof(slot), "%lld-%lld",
				 (long long)t.slots[i].availability_id,
				 (long long)t.slots[i].starts_at);
			json_array_append_new(
			    free_,
			    json_pack("{s:s,s:I,s:I,s:I}", "slot", slot,
				      "availability_id",
				      (json_int_t)t.slots[i].availability_id,
				      "starts_at",
				      (json_int_t)t.slots[i].starts_at, "ends_at",
				      (json_int_t)t.slots[i].ends_at));
		}
		json_object_set_new(o, "host", json_string(host));
		json_object_set_new(o, "free", free_ ? free_ : json_array());
		json_object_set_new(o, "kinds", kinds_json(t.kinds));
		json_t *langs = json_array();
		for (size_t i = 0; langs && i < t.nlanguages; i++)
			json_array_append_new(langs, json_string(t.languages[i]));
		json_object_set_new(o, "interpreter_languages",
				    langs ? langs : json_array());
	}
	return api_send(r, 200, o);
}

enum nara_err api_my_meeting_create(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 1, &c, &err))
		return err;
	json_t *body = c.body;
	struct booking_new n = {0};
	const char *why = NULL;
	const char *kind_s = api_str(body, "kind");
	int kind = booking_kind_parse(kind_s ? kind_s : "office");
	const char *language = api_str(body, "interpreter_language");
	const char *mode = api_str(body, "interpreter_mode");
	if (!booking_parse_slot(api_str(body, "slot"), &n.availability_id,
				&n.starts_at))
		why = "booking.error.choose_time";
	else if (kind < 0)
		why = "booking.error.kind";
	n.kind = kind < 0 ? BOOKING_OFFICE : (enum booking_kind)kind;
	if (why == NULL && language && language[0]) {
		int m = interpreter_mode_parse(mode ? mode : "remote");
		if (m < 0)
			why = "booking.error.language";
		n.interpreter_language = language;
		n.interpreter_mode =
		    m <= 0 ? INTERPRETER_REMOTE : (enum interpreter_mode)m;
	}
	int64_t id = 0;
	if (why == NULL)
		err = booking_create(r->db, &c.who, &n, (int64_t)time(NULL),
				     &id, &why);
	else
		err = NARA_EINVAL;
	json_decref(body);
	if (err != NARA_OK)
		return api_answer(r, err, why);
	return api_send(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

enum nara_err api_my_meeting_rebook(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 1, &c, &err))
		return err;
	json_t *body = c.body;
	int64_t id = api_param_id(r, 0);
	int64_t availability_id = 0, starts_at = 0, version = 0;
	const char *why = NULL;
	if (id == 0)
		err = NARA_ENOTFOUND;
	else if (api_int(body, "version", &version) < 0)
		err = NARA_EINVAL;
	else if (!booking_parse_slot(api_str(body, "slot"), &availability_id,
				     &starts_at)) {
		why = "booking.error.choose_time";
		err = NARA_EINVAL;
	} else
		err = booking_rebook(r->db, &c.who, id, availability_id,
				     starts_at, version, (int64_t)time(NULL),
				     &why);
	json_decref(body);
	if (err != NARA_OK)
		return api_answer(r, err, why);
	return api_send(r, 200, json_pack("{s:I}", "id", (json_int_t)id));
}

enum nara_err api_my_meeting_cancel(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 0, &c, &err))
		return err;
	int64_t id = api_param_id(r, 0);
	if (id == 0)
		return api_error(r, 404, "error.404.title");
	const char *why = NULL;
	err = booking_cancel(r->db, &c.who, id, (int64_t)time(NULL), &why);
	if (err != NARA_OK)
		return api_answer(r, err, why);
	return api_send(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id,
					  "state", "cancelled"));
}

enum nara_err api_my_meeting_accept(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "citizen", 1, &c, &err))
		return err;
	json_t *body = c.body;
	int64_t id = api_param_id(r, 0);
	int64_t starts_at = 0;
	const char *why = NULL;
	if (id == 0)
		err = NARA_ENOTFOUND;
	else if (api_int(body, "starts_at", &starts_at) != 1 || starts_at <= 0) {
		why = "booking.error.choose_time";
		err = NARA_EINVAL;
	} else
		err = booking_accept(r->db, &c.who, id, starts_at,
				     (int64_t)time(NULL), &why);
	json_decref(body);
	if (err != NARA_OK)
		return api_answer(r, err, why);
	return api_send(r, 200, json_pack("{s:I}", "id", (json_int_t)id));
}

enum nara_err api_staff_meetings(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "staff", 0, &c, &err))
		return err;
	struct booking_view *list;
	size_t n;
	err = booking_list_staff(r->db, &r->arena, &c.who, (int64_t)time(NULL),
				 &list, &n);
	if (err != NARA_OK)
		return api_answer(r, err, NULL);
	return send_list(r, list, n);
}
