/* Cases as JSON; see api_json.h. Times are UTC epoch seconds. */
#include "api/api_json.h"

#include "domain/journal.h"
#include "domain/report.h"
#include "http/http.h"
#include "policy/visibility.h"
#include "web/i18n.h"

static const char *clock_name(enum clock_state s)
{
	switch (s) {
	case CLOCK_OVERDUE:
		return "overdue";
	case CLOCK_DUE_SOON:
		return "due_soon";
	case CLOCK_RUNNING:
		return "running";
	default:
		return "done";
	}
}

/* A clock, or null when it does not apply. */
static json_t *clock_json(const struct case_clock *c)
{
	if (c->due == 0)
		return json_null();
	return json_pack("{s:I,s:s,s:i}", "due", (json_int_t)c->due, "state",
			 clock_name(c->state), "days_left", c->days_left);
}

json_t *api_case_summary_json(const struct case_summary *c)
{
	return json_pack(
	    "{s:I,s:I,s:s,s:s,s:s,s:s,s:{s:I,s:s},s:{s:I,s:s},s:s,s:I,s:I,"
	    "s:o,s:{s:o,s:o,s:o},s:i,s:i}",
	    "id", (json_int_t)c->id, "version", (json_int_t)c->version,
	    "reference", c->reference, "kind", case_kind_name(c->kind),
	    "matter", c->matter, "state", case_state_name(c->state),
	    "municipality", "id", (json_int_t)c->municipality_id, "name",
	    c->municipality_name, "unit", "id", (json_int_t)c->unit_id, "name",
	    c->unit_name, "person_name", c->person_name, "received_at",
	    (json_int_t)c->received_at, "updated_at", (json_int_t)c->updated_at,
	    "assigned_to",
	    c->assigned_staff_id
		? json_pack("{s:I,s:s}", "id", (json_int_t)c->assigned_staff_id,
			    "name", c->assigned_name)
		: json_null(),
	    "clocks", "protection", clock_json(&c->protection), "preliminary",
	    clock_json(&c->preliminary), "investigation",
	    clock_json(&c->investigation), "unassessed_reports",
	    c->unassessed_reports, "person_comments", c->objections);
}

static json_t *notes_json(const struct case_view *v, int staff)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < v->nnotes; i++) {
		const struct journal_note_view *n = &v->notes[i];
		json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s}", "id",
				      (json_int_t)n->id, "written_at",
				      (json_int_t)n->written_at, "author_kind",
				      n->author_kind, "author", n->author_label,
				      "kind", n->kind, "body", n->body);
		if (o == NULL)
			continue;
		if (n->corrects_id)
			json_object_set_new(o, "corrects",
					    json_integer(n->corrects_id));
		if (n->corrected_by)
			json_object_set_new(o, "corrected_by",
					    json_integer(n->corrected_by));
		/* Staff see why a note is or is not shown to the person. */
		if (staff) {
			json_object_set_new(
			    o, "visibility",
			    json_string(note_visibility_name(n->visibility)));
			if (n->visibility == VIS_FROM_DATE)
				json_object_set_new(
				    o, "visible_from",
				    json_integer(n->visible_from));
			if (n->visibility == VIS_WITHHELD)
				json_object_set_new(
				    o, "withheld_reason",
				    json_string(withheld_reason_name(
					n->withheld_reason)));
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *reports_json(const struct case_view *v)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < v->nreports; i++) {
		const struct report_view *p = &v->reports[i];
		json_array_append_new(
		    arr,
		    json_pack(
			"{s:I,s:I,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s,"
			"s:s},s:s,s:o}",
			"id", (json_int_t)p->id, "received_at",
			(json_int_t)p->received_at, "child_name", p->child_name,
			"child_personnummer", p->child_personnummer,
			"child_details", p->child_details, "reporter", "kind",
			p->reporter_kind, "name", p->reporter_name,
			"organisation", p->reporter_organisation, "profession",
			p->reporter_profession, "phone", p->reporter_phone,
			"email", p->reporter_email, "concern", p->concern,
			"protection",
			p->protection_assessed_at
			    ? json_pack("{s:I,s:b,s:s}", "at",
					(json_int_t)p->protection_assessed_at,
					"immediate",
					p->protection_immediate == 1, "by",
					p->protection_assessed_by)
			    : json_null()));
	}
	return arr;
}

json_t *api_case_view_json(struct req *r, const struct case_view *v, int staff)
{
	json_t *o = api_case_summary_json(&v->s);
	if (o == NULL)
		return NULL;
	json_t *events = json_array(), *decisions = json_array(),
	       *interventions = json_array(), *team = json_array();
	for (size_t i = 0; events && i < v->nevents; i++) {
		const struct case_event_view *e = &v->events[i];
		json_t *ev = json_pack(
		    "{s:I,s:s,s:s,s:s,s:s}", "at", (json_int_t)e->at, "action",
		    e->action, "from", case_state_name(e->from), "to",
		    case_state_name(e->to), "by", e->actor_label);
		if (ev && staff && e->reason[0])
			json_object_set_new(ev, "reason",
					    json_string(e->reason));
		if (ev && e->due)
			json_object_set_new(ev, "due", json_integer(e->due));
		json_array_append_new(events, ev);
	}
	for (size_t i = 0; decisions && i < v->ndecisions; i++) {
		const struct case_decision_view *d = &v->decisions[i];
		json_array_append_new(
		    decisions,
		    json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			      "id", (json_int_t)d->id, "decided_at",
			      (json_int_t)d->decided_at, "outcome", d->outcome,
			      "subject", d->subject, "content", d->content,
			      "reasons", d->reasons, "legal_basis",
			      d->legal_basis, "decided_by", d->decided_by,
			      "presented_by", d->presented_by, "delegation",
			      d->delegation, "appeal", d->appeal));
	}
	for (size_t i = 0; interventions && i < v->ninterventions; i++) {
		const struct case_intervention_view *x = &v->interventions[i];
		json_t *iv =
		    json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)x->id,
			      "name", x->name, "level", x->level, "started_at",
			      (json_int_t)x->started_at);
		if (iv && x->follow_up_due)
			json_object_set_new(iv, "follow_up_due",
					    json_integer(x->follow_up_due));
		if (iv && x->ended_at)
			json_object_set_new(iv, "ended_at",
					    json_integer(x->ended_at));
		json_array_append_new(interventions, iv);
	}
	for (size_t i = 0; team && i < v->nmembers; i++)
		json_array_append_new(
		    team, json_pack("{s:I,s:s,s:s}", "id",
				    (json_int_t)v->members[i].staff_id, "name",
				    v->members[i].name, "unit",
				    v->members[i].unit_name));
	json_object_set_new(o, "events", events);
	json_object_set_new(o, "decisions", decisions);
	json_object_set_new(o, "interventions", interventions);
	json_object_set_new(o, "team", team);
	json_object_set_new(o, "notes", notes_json(v, staff));
	json_object_set_new(
	    o, "next",
	    json_pack("{s:s,s:s,s:o}", "key", v->next.what, "text",
		      i18n_get(r->lang, v->next.what), "by",
		      v->next.by ? json_integer(v->next.by) : json_null()));
	if (staff) {
		json_object_set_new(o, "reports", reports_json(v));
		/* The moves the state machine allows now (POST .../moves). */
		json_t *moves = json_array();
		for (int a = 0; moves && a < CA_COUNT; a++)
			if (v->moves & (1u << a))
				json_array_append_new(
				    moves, json_string(case_action_name(
					       (enum case_action)a)));
		json_object_set_new(o, "moves", moves);
	}
	return o;
}
