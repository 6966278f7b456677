/*
 * The citizen's case as a PDF (/mina-sidor/arenden/{id}/pdf): what the
 * page shows of it (the facts, what happens next, the timeline, the notes
 * the person may read with their corrections, the decisions with how to
 * appeal, the interventions), read through case_export_own: the same
 * policy and the same released view as the page, audited as an export.
 * Nothing withheld is in the view, so nothing withheld can be in the file.
 *
 * It is built on the request's thread: a case of a hundred notes takes a
 * few milliseconds with the standard fonts (docs/operations.md). When the
 * server gets its route flag for work off the event loop, this route
 * should carry it: a file that needs the embedded font takes longer.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/case.h"
#include "domain/journal.h"
#include "web/auth.h"
#include "web/format.h"
#include "web/mycase.h"
#include "web/pdf.h"
#include "web/web.h"

static const char *t(struct req *r, const char *key)
{
	return i18n_get(r->lang, key);
}

static const struct journal_note_view *note_by_id(const struct case_view *v,
						  int64_t id)
{
	for (size_t i = 0; i < v->nnotes; i++)
		if (v->notes[i].id == id)
			return &v->notes[i];
	return NULL;
}

static void facts(struct req *r, struct pdf *p, const struct case_view *c)
{
	const struct case_summary *s = &c->s;
	pdf_field(p, t(r, "mycase.matter"),
		  mycase_word(r, "matter", s->matter,
			      arena_printf(&r->arena, "casekind.%s",
					   case_kind_name(s->kind))));
	pdf_field(p, t(r, "person.municipality"), s->municipality_name);
	pdf_field(p, t(r, "mypages.unit"), s->unit_name);
	pdf_field(p, t(r, "mycase.state"),
		  mycase_word(r, "state", case_state_name(s->state),
			      "state.received"));
	pdf_field(p, t(r, "mycase.received"), web_date(r, s->received_at));
	pdf_field(p, t(r, "mycase.officer"),
		  s->assigned_name[0] ? s->assigned_name
				      : t(r, "mycase.no_officer"));
	pdf_heading(p, 2, t(r, "mycase.next"));
	const char *next = t(r, c->next.what);
	if (c->next.by != 0)
		next = arena_printf(&r->arena, "%s %s %s.", next,
				    t(r, "mycase.by"), web_date(r, c->next.by));
	pdf_paragraph(p, next);
}

static void timeline(struct req *r, struct pdf *p, const struct case_view *c)
{
	pdf_heading(p, 2, t(r, "mycase.timeline"));
	for (size_t i = 0; i < c->nevents; i++) {
		const struct case_event_view *e = &c->events[i];
		const char *detail = mycase_event_detail(r, e);
		const char *state =
		    e->from != e->to
			? arena_printf(&r->arena, " (%s)",
				       mycase_word(r, "state",
						   case_state_name(e->to),
						   "state.received"))
			: "";
		pdf_paragraph(
		    p, arena_printf(
			   &r->arena, "%s: %s%s%s", web_date(r, e->at),
			   mycase_word(r, "action", e->action, "mycase.event"),
			   state ? state : "", detail));
	}
}

static void notes(struct req *r, struct pdf *p, const struct case_view *c)
{
	pdf_heading(p, 2, t(r, "mycase.journal"));
	if (c->nnotes == 0)
		pdf_paragraph(p, t(r, "mycase.no_notes"));
	for (size_t i = 0; i < c->nnotes; i++) {
		const struct journal_note_view *n = &c->notes[i];
		pdf_heading(p, 3,
			    arena_printf(&r->arena, "%s, %s",
					 mycase_note_kind(r, n),
					 web_datetime(r, n->written_at)));
		pdf_paragraph(p, arena_printf(&r->arena, "%s %s.",
					      t(r, "mycase.written_by"),
					      mycase_note_author(r, n)));
		const struct journal_note_view *target =
		    n->corrects_id ? note_by_id(c, n->corrects_id) : NULL;
		if (target != NULL)
			pdf_paragraph(
			    p, i18n_format(
				   r,
				   strcmp(n->kind, "citizen_objection") == 0
				       ? "mycase.objects_to"
				       : "mycase.corrects",
				   web_datetime(r, target->written_at)));
		pdf_paragraph(p, n->body);
		/* R2.1 both ways: what corrected the note, what was said of it.
		 */
		const struct journal_note_view *fix =
		    n->corrected_by ? note_by_id(c, n->corrected_by) : NULL;
		if (fix != NULL)
			pdf_paragraph(
			    p, i18n_format(r, "pdf.corrected_on",
					   web_datetime(r, fix->written_at)));
		for (size_t k = 0; k < c->nnotes; k++)
			if (c->notes[k].corrects_id == n->id &&
			    strcmp(c->notes[k].kind, "citizen_objection") == 0)
				pdf_paragraph(
				    p, i18n_format(
					   r, "pdf.objected_on",
					   web_datetime(
					       r, c->notes[k].written_at)));
	}
}

static void decisions(struct req *r, struct pdf *p, const struct case_view *c)
{
	if (c->ndecisions == 0)
		return;
	pdf_heading(p, 2, t(r, "mycase.decisions"));
	for (size_t i = 0; i < c->ndecisions; i++) {
		const struct case_decision_view *d = &c->decisions[i];
		pdf_heading(p, 3,
			    arena_printf(&r->arena, "%s: %s", d->subject,
					 mycase_word(r, "outcome", d->outcome,
						     "outcome.granted")));
		pdf_field(p, t(r, "mycase.decided_at"),
			  web_date(r, d->decided_at));
		pdf_field(p, t(r, "mycase.content"), d->content);
		pdf_field(p, t(r, "mycase.reasons"), d->reasons);
		if (d->legal_basis[0])
			pdf_field(p, t(r, "mycase.legal_basis"),
				  d->legal_basis);
		pdf_field(p, t(r, "mycase.decided_by"), d->decided_by);
		if (d->presented_by[0])
			pdf_field(p, t(r, "mycase.presented_by"),
				  d->presented_by);
		if (d->delegation[0])
			pdf_field(p, t(r, "mycase.delegation"), d->delegation);
		pdf_field(p, t(r, "mycase.appeal"), d->appeal);
	}
}

static void interventions(struct req *r, struct pdf *p,
			  const struct case_view *c)
{
	if (c->ninterventions == 0)
		return;
	pdf_heading(p, 2, t(r, "mycase.interventions"));
	for (size_t i = 0; i < c->ninterventions; i++) {
		const struct case_intervention_view *n = &c->interventions[i];
		const char *line = arena_printf(
		    &r->arena, "%s (%s). %s %s.", n->name,
		    mycase_word(r, "level", n->level, "level.targeted"),
		    t(r, "mycase.started"), web_date(r, n->started_at));
		if (line != NULL && n->ended_at != 0)
			line = arena_printf(&r->arena, "%s %s %s.", line,
					    t(r, "mycase.ended"),
					    web_date(r, n->ended_at));
		else if (line != NULL && n->follow_up_due != 0)
			line = arena_printf(&r->arena, "%s %s %s.", line,
					    t(r, "mycase.follow_up"),
					    web_date(r, n->follow_up_due));
		pdf_paragraph(p, line ? line : n->name);
	}
}

enum nara_err page_mycase_pdf(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	int64_t id = mycase_id(r);
	if (id == 0)
		return NARA_ENOTFOUND;
	int64_t now = (int64_t)time(NULL);
	struct case_view c;
	err = case_export_own(r->db, &r->arena, &who, id, now, &c);
	if (err != NARA_OK)
		return err;
	const char *title = i18n_format(r, "mycase.title", c.s.reference);
	struct pdf *p = pdf_new(title);
	if (p == NULL)
		return NARA_ENOMEM;
	pdf_heading(p, 1, title);
	pdf_paragraph(p, t(r, "pdf.intro"));
	pdf_gap(p, 4);
	facts(r, p, &c);
	timeline(r, p, &c);
	notes(r, p, &c);
	decisions(r, p, &c);
	interventions(r, p, &c);
	err = pdf_finish(p, i18n_format(r, "pdf.made", web_datetime(r, now)),
			 t(r, "pdf.page"), t(r, "pdf.of"), &r->resp.body);
	pdf_free(p);
	if (err != NARA_OK)
		return err;
	r->resp.content_type = "application/pdf";
	/* A file name of letters, digits and hyphens: safe in a header. */
	char *name = arena_strdup(&r->arena, c.s.reference);
	for (char *q = name; q != NULL && *q; q++)
		if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
		      (*q >= '0' && *q <= '9')))
			*q = '-';
	resp_header(r, "Content-Disposition",
		    arena_printf(&r->arena, "attachment; filename=\"%s.pdf\"",
				 name ? name : "arende"));
	return NARA_OK;
}
