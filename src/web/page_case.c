/*
 * The case page for staff, /arbete/arende/{id} (DOMAIN.md sections 1 and
 * 2): who and what the case is about, its clocks, the reports of concern
 * with the reporters' identities (staff only, under a warning), the
 * protection assessment of each report not yet assessed (R1.1), the
 * journal with each note's visibility to the person (R2.1–R2.4), the
 * decisions in full (R2.2), the interventions, the team, the timeline,
 * and a form for each move the flow allows from where the case stands —
 * no other. Every form carries the session's CSRF token and the version
 * of the case it was drawn from; page_case_forms.c takes them.
 *
 * The page is drawn again, not redirected to, when a form is refused: the
 * refused form keeps what was typed (`in.<form>.<field>`, and for choices
 * `in.<form>.<field>.<value>`), the reason stands next to the field
 * (`err.<form>.<field>`) and in a summary at the top that links to it.
 */
#include "web/page_case.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/case.h"
#include "domain/journal.h"
#include "domain/report.h"
#include "web/auth.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/messages.h"
#include "web/web.h"

/* What was posted to the form called name, or NULL. */
static const char *posted(const struct req *r, const struct case_form *f,
			  const char *name, const char *key)
{
	if (f == NULL || strcmp(f->name, name) != 0)
		return NULL;
	return kv_get(&r->form, key);
}

/* A value that can be part of a template name ("now", "12", "granted"). */
static int name_safe(const char *s)
{
	size_t n = 0;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		      (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n > 0 && n <= 40;
}

/* Puts the refused form's input and its error into v under prefix. */
static void refused_form(struct req *r, struct tvars *v,
			 const struct case_form *f, const char *prefix)
{
	casework_set(v, arena_printf(&r->arena, "posted.%s", prefix), "1");
	casework_set(v, arena_printf(&r->arena, "open.%s", prefix), "1");
	for (size_t i = 0; i < r->form.count; i++) {
		const struct kv *kv = &r->form.items[i];
		if (strcmp(kv->key, "csrf") == 0 ||
		    strcmp(kv->key, "version") == 0 || !name_safe(kv->key))
			continue;
		casework_set(
		    v, arena_printf(&r->arena, "in.%s.%s", prefix, kv->key),
		    kv->value);
		if (name_safe(kv->value))
			casework_set(v,
				     arena_printf(&r->arena, "in.%s.%s.%s",
						  prefix, kv->key, kv->value),
				     "1");
	}
	if (f->why == NULL)
		return;
	const char *message = i18n_get(r->lang, f->why);
	if (f->field != NULL)
		casework_set(
		    v, arena_printf(&r->arena, "err.%s.%s", prefix, f->field),
		    message);
}

/* The summary at the top of the page: what went wrong, linked to it. */
static void error_summary(struct req *r, struct tvars *v,
			  const struct case_form *f)
{
	if (f == NULL || f->why == NULL)
		return;
	tv_set(v, "error", i18n_get(r->lang, f->why));
	/*
	 * A reason about one field links to it; one about the whole form
	 * (the case changed, the move is not allowed now) stands alone: the
	 * form it was about may not be on the page any more.
	 */
	if (f->field == NULL)
		return;
	if (strcmp(f->name, "protection") == 0)
		tv_set(v, "error_anchor",
		       arena_printf(&r->arena, "protection-%lld-%s",
				    (long long)f->report_id, f->field));
	else
		tv_set(v, "error_anchor",
		       arena_printf(&r->arena, "%s-%s", f->name, f->field));
}

static void header_vars(struct req *r, struct tvars *v,
			const struct case_view *c)
{
	const struct case_summary *s = &c->s;
	tv_setf(v, "id", "%lld", (long long)s->id);
	tv_setf(v, "version", "%lld", (long long)s->version);
	tv_set(v, "reference", s->reference);
	tv_set(v, "person",
	       s->person_name[0] ? s->person_name
				 : i18n_get(r->lang, "case.no_person"));
	if (s->person_id != 0)
		tv_setf(v, "person_id", "%lld", (long long)s->person_id);
	if (c->person_pnr[0] != '\0')
		tv_set(v, "pnr",
		       arena_printf(&r->arena, "%.8s-%s", c->person_pnr,
				    c->person_pnr + 8));
	if (s->protected_identity)
		tv_set(v, "protected", "1");
	if (s->kind == CASE_CHILD_REPORT)
		tv_set(v, "child_report", "1");
	tv_set(v, "kind",
	       casework_text(r, "casekind", case_kind_name(s->kind)));
	tv_set(v, "matter", casework_text(r, "matter", s->matter));
	tv_set(v, "state",
	       casework_text(r, "state", case_state_name(s->state)));
	tv_set(v, "unit", s->unit_name);
	tv_set(v, "received", web_datetime(r, s->received_at));
	tv_set(v, "assigned", s->assigned_name);
	/* R1.3: a reopened case keeps its first clock; say so while open. */
	if (s->reopened && s->state != CS_CLOSED)
		tv_set(v, "reopened", "1");
	tv_set(v, "next", i18n_get(r->lang, c->next.what));
	if (c->next.by != 0)
		tv_set(v, "next_by", web_date(r, c->next.by - 1));
	if (c->child_heard >= 0) {
		tv_set(v, "heard",
		       i18n_get(r->lang, c->child_heard ? "case.heard.yes"
							: "case.heard.no"));
		tv_set(v, "not_heard_reason", c->child_not_heard_reason);
	}
	tv_set(v, "late_reason", c->late_reason);
	if (s->state == CS_CLOSED) {
		tv_set(v, "closed_at", web_date(r, c->closed_at));
		tv_set(v, "closure_reason", c->closure_reason);
	}
	casework_clock(r, v, "clocks", "clock.protection", &s->protection);
	casework_clock(r, v, "clocks", "clock.preliminary", &s->preliminary);
	casework_clock(r, v, "clocks", "clock.investigation",
		       &s->investigation);
	if (s->state == CS_PRELIMINARY)
		tv_set(v, "from_preliminary", "1");
	/* R1.2: the late reason is asked for once the 14 days have passed. */
	if (s->preliminary.state == CLOCK_OVERDUE)
		tv_set(v, "preliminary_late", "1");
	if (s->investigation.due != 0) {
		tv_set(v, "investigation_due",
		       web_date(r, s->investigation.due - 1));
		tv_set(v, "investigation_due_iso",
		       web_iso_date(r, s->investigation.due - 1));
	}
}

/* One form per move the flow allows now (case_view.moves). */
static void move_vars(struct req *r, struct tvars *v, const struct case_view *c)
{
	for (int a = 0; a < CA_COUNT; a++)
		if (c->moves & (1u << a)) {
			tv_set(v, "moves", "1");
			tv_set(
			    v,
			    arena_printf(&r->arena, "move.%s",
					 case_action_name((enum case_action)a)),
			    "1");
		}
}

static enum nara_err team_vars(struct req *r, struct tvars *v,
			       const struct actor *who,
			       const struct case_view *c,
			       const struct case_form *f)
{
	for (size_t i = 0; i < c->nmembers; i++) {
		struct tvars *m = tv_item(v, "members");
		tv_set(m, "name", c->members[i].name);
		tv_set(m, "unit", c->members[i].unit_name);
		if (c->members[i].staff_id == c->s.assigned_staff_id)
			tv_set(m, "is_assigned", "1");
	}
	struct case_staff_option *staff;
	size_t n;
	enum nara_err err =
	    case_staff_options(r->db, &r->arena, who, c->s.id, &staff, &n);
	if (err != NARA_OK)
		return err;
	const char *team = posted(r, f, "team", "staff");
	const char *presented = posted(r, f, "decide", "presented_by");
	for (size_t i = 0; i < n; i++) {
		struct tvars *o = tv_item(v, "staff");
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)staff[i].id);
		tv_set(o, "id", arena_strdup(&r->arena, id));
		tv_set(o, "name", staff[i].name);
		tv_set(o, "unit", staff[i].unit_name);
		if (team != NULL && strcmp(team, id) == 0)
			tv_set(o, "sel_team", "1");
		if (presented != NULL && strcmp(presented, id) == 0)
			tv_set(o, "sel_presented", "1");
	}
	return NARA_OK;
}

/* The catalogue grouped by level, for the choice of an intervention. */
static enum nara_err intervention_vars(struct req *r, struct tvars *v,
				       const struct case_view *c,
				       const struct case_form *f)
{
	if (!(c->moves & (1u << CA_START_INTERVENTION)))
		return NARA_OK;
	struct case_intervention_kind *kinds;
	size_t n;
	enum nara_err err = case_intervention_kinds(
	    r->db, &r->arena, c->s.municipality_id, &kinds, &n);
	if (err != NARA_OK)
		return err;
	const char *chosen = posted(r, f, "start_intervention", "intervention");
	struct tvars *level = NULL;
	const char *level_name = "";
	for (size_t i = 0; i < n; i++) {
		/* The domain lists them by level, so a new level starts a
		 * group. */
		if (level == NULL || strcmp(level_name, kinds[i].level) != 0) {
			level = tv_item(v, "levels");
			level_name = kinds[i].level;
			tv_set(level, "level",
			       casework_text(r, "level", kinds[i].level));
		}
		struct tvars *k = tv_item(level, "kinds");
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)kinds[i].id);
		tv_set(k, "id", arena_strdup(&r->arena, id));
		tv_set(k, "name", kinds[i].name);
		tv_set(k, "description", kinds[i].description);
		if (chosen != NULL && strcmp(chosen, id) == 0)
			tv_set(k, "selected", "1");
	}
	return NARA_OK;
}

/* The index of the first report without a protection assessment. */
static size_t first_unassessed(const struct case_view *c)
{
	size_t i = 0;
	while (i < c->nreports && c->reports[i].protection_assessed_at != 0)
		i++;
	return i;
}

static void report_vars(struct req *r, struct tvars *v,
			const struct case_view *c, const struct case_form *f)
{
	for (size_t i = 0; i < c->nreports; i++) {
		const struct report_view *p = &c->reports[i];
		struct tvars *item = tv_item(v, "reports");
		tv_setf(item, "report_id", "%lld", (long long)p->id);
		tv_set(item, "received", web_datetime(r, p->received_at));
		tv_set(item, "child_name", p->child_name);
		tv_set(item, "child_details", p->child_details);
		tv_set(item, "reporter_kind",
		       casework_text(r, "reporter", p->reporter_kind));
		tv_set(item, "reporter_name", p->reporter_name);
		tv_set(item, "organisation", p->reporter_organisation);
		if (p->reporter_profession[0] != '\0')
			tv_set(item, "profession",
			       casework_text(r, "profession",
					     p->reporter_profession));
		tv_set(item, "phone", p->reporter_phone);
		tv_set(item, "email", p->reporter_email);
		tv_set(item, "concern", p->concern);
		if (p->protection_assessed_at != 0) {
			tv_set(item, "assessed",
			       web_datetime(r, p->protection_assessed_at));
			tv_set(item, "assessed_by", p->protection_assessed_by);
			tv_set(item, "immediate",
			       i18n_get(r->lang, p->protection_immediate == 1
						     ? "case.immediate.yes"
						     : "case.immediate.no"));
		} else {
			tv_set(item, "unassessed", "1");
			/* R1.1: the first one waiting is pointed to at the top.
			 */
			if (!tv_failed(v) && i == first_unassessed(c))
				tv_setf(v, "first_unassessed", "%lld",
					(long long)p->id);
		}
		/* The refused assessment of this report keeps its input. */
		if (f != NULL && strcmp(f->name, "protection") == 0 &&
		    f->report_id == p->id)
			refused_form(r, item, f, "p");
	}
}

static const char *visibility_text(struct req *r,
				   const struct journal_note_view *n)
{
	switch (n->visibility) {
	case VIS_FROM_DATE:
		return arena_printf(&r->arena, "%s: %s",
				    i18n_get(r->lang, "visibility.from_date"),
				    web_date(r, n->visible_from));
	case VIS_WITHHELD:
		return arena_printf(
		    &r->arena, "%s: %s",
		    i18n_get(r->lang, "visibility.withheld"),
		    casework_text(r, "withheld",
				  withheld_reason_name(n->withheld_reason)));
	default:
		return i18n_get(r->lang, "visibility.now");
	}
}

/* The first words of a note, for a choice in a list. */
static const char *note_label(struct req *r, const struct journal_note_view *n)
{
	size_t len = strlen(n->body), cut = len > 60 ? 60 : len;
	/* Never cut inside a UTF-8 sequence. */
	while (cut < len && ((unsigned char)n->body[cut] & 0xC0) == 0x80)
		cut--;
	return arena_printf(&r->arena, "%s, %s: %.*s%s",
			    web_iso_datetime(r, n->written_at), n->author_label,
			    (int)cut, n->body, cut < len ? "…" : "");
}

static void journal_vars(struct req *r, struct tvars *v,
			 const struct case_view *c, const struct case_form *f)
{
	int64_t correct = casework_id(kv_get(&r->query, "rattar"));
	int64_t change = casework_id(kv_get(&r->query, "synlighet"));
	const char *p_corrects = posted(r, f, "note", "corrects");
	const char *p_note = posted(r, f, "visibility", "note");
	for (size_t i = 0; i < c->nnotes; i++) {
		const struct journal_note_view *n = &c->notes[i];
		struct tvars *item = tv_item(v, "notes");
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)n->id);
		tv_set(item, "note_id", arena_strdup(&r->arena, id));
		tv_set(item, "written", web_datetime(r, n->written_at));
		tv_set(item, "author", n->author_label);
		tv_set(item, "note_kind",
		       casework_text(r, "notekind", n->kind));
		tv_set(item, "body", n->body);
		tv_set(item, "visibility", visibility_text(r, n));
		tv_set(item, "shown",
		       i18n_get(r->lang, n->visible_to_person
					     ? "journal.shown_yes"
					     : "journal.shown_no"));
		if (n->corrects_id != 0)
			tv_setf(item, "corrects", "%lld",
				(long long)n->corrects_id);
		if (n->corrected_by != 0)
			tv_setf(item, "corrected_by", "%lld",
				(long long)n->corrected_by);
		if (strcmp(n->author_kind, "citizen") == 0) {
			tv_set(item, "citizen", "1");
			continue;
		}
		/* Staff and system notes may be corrected and re-released. */
		struct tvars *o = tv_item(v, "note_options");
		tv_set(o, "note_id", arena_strdup(&r->arena, id));
		tv_set(o, "label", note_label(r, n));
		if ((p_corrects && strcmp(p_corrects, id) == 0) ||
		    (f == NULL && correct == n->id)) {
			tv_set(o, "sel_correct", "1");
			/* The old text to start from: R2.1 keeps both. */
			if (f == NULL)
				tv_set(v, "in.note.body", n->body);
		}
		if ((p_note && strcmp(p_note, id) == 0) ||
		    (f == NULL && change == n->id)) {
			tv_set(o, "sel_vis", "1");
			if (f == NULL) {
				/* Start from what the note has now. */
				tv_set(v, "posted.visibility", "1");
				casework_set(
				    v,
				    arena_printf(
					&r->arena,
					"in.visibility.visibility.%s",
					note_visibility_name(n->visibility)),
				    "1");
				casework_set(
				    v,
				    arena_printf(&r->arena,
						 "in.visibility.reason.%s",
						 withheld_reason_name(
						     n->withheld_reason)),
				    "1");
				if (n->visibility == VIS_FROM_DATE)
					tv_set(
					    v, "in.visibility.from",
					    web_iso_date(r, n->visible_from));
			}
		}
		tv_set(item, "staff_note", "1");
	}
}

static void decision_vars(struct req *r, struct tvars *v,
			  const struct case_view *c)
{
	for (size_t i = 0; i < c->ndecisions; i++) {
		const struct case_decision_view *d = &c->decisions[i];
		struct tvars *item = tv_item(v, "decisions");
		tv_set(item, "decided_at", web_datetime(r, d->decided_at));
		tv_set(item, "outcome",
		       casework_text(r, "outcome", d->outcome));
		tv_set(item, "subject", d->subject);
		tv_set(item, "content", d->content);
		tv_set(item, "reasons", d->reasons);
		tv_set(item, "legal_basis", d->legal_basis);
		tv_set(item, "decided_by", d->decided_by);
		tv_set(item, "presented_by", d->presented_by);
		tv_set(item, "delegation", d->delegation);
		tv_set(item, "appeal", d->appeal);
	}
	for (size_t i = 0; i < c->ninterventions; i++) {
		const struct case_intervention_view *n = &c->interventions[i];
		struct tvars *item = tv_item(v, "interventions");
		tv_set(item, "name", n->name);
		tv_set(item, "level", casework_text(r, "level", n->level));
		tv_set(item, "started", web_date(r, n->started_at));
		if (n->follow_up_due != 0)
			tv_set(item, "follow_up",
			       web_date(r, n->follow_up_due - 1));
		if (n->ended_at != 0) {
			tv_set(item, "ended", web_date(r, n->ended_at));
			tv_set(item, "end_reason", n->end_reason);
		}
	}
}

static void event_vars(struct req *r, struct tvars *v,
		       const struct case_view *c)
{
	for (size_t i = 0; i < c->nevents; i++) {
		const struct case_event_view *e = &c->events[i];
		struct tvars *item = tv_item(v, "events");
		tv_set(item, "at", web_datetime(r, e->at));
		tv_set(item, "action", casework_text(r, "action", e->action));
		tv_set(item, "actor", e->actor_label);
		/* The one coded reason: a protection need found at once. */
		if (strcmp(e->action, "protection") == 0)
			tv_set(item, "reason",
			       strcmp(e->reason, "immediate") == 0
				   ? i18n_get(r->lang, "case.immediate.yes")
				   : "");
		else
			tv_set(item, "reason", e->reason);
		if (e->from != e->to) {
			tv_set(item, "from",
			       casework_text(r, "state",
					     case_state_name(e->from)));
			tv_set(
			    item, "to",
			    casework_text(r, "state", case_state_name(e->to)));
		}
		if (e->due != 0)
			tv_set(item, "due", web_date(r, e->due - 1));
	}
}

/* After a form succeeded: ?klart=<what> says so (post/redirect/get). */
static void done_vars(struct req *r, struct tvars *v)
{
	static const char *const known[] = {
	    "open_investigation",
	    "not_open",
	    "extend",
	    "decide",
	    "start_intervention",
	    "follow_up",
	    "resume",
	    "close",
	    "reopen",
	    "assign",
	    "member",
	    "protection",
	    "note",
	    "visibility",
	};
	const char *done = kv_get(&r->query, "klart");
	for (size_t i = 0; done != NULL && i < sizeof(known) / sizeof(known[0]);
	     i++)
		if (strcmp(done, known[i]) == 0)
			tv_set(v, "done", casework_text(r, "case.done", done));
}

enum nara_err case_page_show(struct req *r, const struct session *s,
			     const struct actor *who, int64_t case_id,
			     const struct case_form *f)
{
	struct case_view c;
	enum nara_err err =
	    case_read(r->db, &r->arena, who, case_id, (int64_t)time(NULL), &c);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	header_vars(r, v, &c);
	move_vars(r, v, &c);
	if ((err = team_vars(r, v, who, &c, f)) != NARA_OK ||
	    (err = intervention_vars(r, v, &c, f)) != NARA_OK)
		return err;
	report_vars(r, v, &c, f);
	journal_vars(r, v, &c, f);
	decision_vars(r, v, &c);
	event_vars(r, v, &c);
	/* The messages of the case (page_messages.c), read and audited. */
	int message_form = f != NULL && strcmp(f->name, "message") == 0;
	const char *messages = NULL;
	err = messages_section(
	    r, s, who, case_id, message_form ? kv_get(&r->form, "text") : NULL,
	    message_form && f->field != NULL ? i18n_get(r->lang, f->why) : NULL,
	    &messages);
	if (err != NARA_OK)
		return err;
	tv_set(v, "messages", messages);
	if (f != NULL) {
		if (strcmp(f->name, "protection") != 0)
			refused_form(r, v, f, f->name);
		error_summary(r, v, f);
		r->resp.status = f->status;
	} else {
		done_vars(r, v);
	}
	return page_render(r, "case", v,
			   i18n_format(r, "case.title", c.s.reference));
}

enum nara_err page_case(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	int64_t id = casework_path_id(r);
	if (id == 0)
		return NARA_ENOTFOUND;
	return case_page_show(r, &s, &who, id, NULL);
}
