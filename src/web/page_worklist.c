/*
 * The staff's start page, /arbete: the worklist of the units where they do
 * casework, with the statutory clocks of DOMAIN.md R1.1–R1.3 (protection
 * assessment the day a report arrives, preliminary assessment in 14 days,
 * investigation in four months), the count per unit, and the person
 * search. Filters and order are a GET form, so a list can be bookmarked
 * and works without JavaScript. What is overdue or due soon says so in
 * words as well as in colour (WCAG 1.4.1).
 *
 * Staff who do no casework (administrators, security officers) see no
 * list: the domain refuses it, and the page shows the search alone.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/case.h"
#include "domain/foster.h"
#include "domain/message.h"
#include "web/auth.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/web.h"

static void add_roles(struct req *r, struct tvars *v, const struct actor *who)
{
	for (size_t i = 0; i < who->subject.ngrants; i++) {
		tv_set(tv_item(v, "roles"), "role",
		       casework_text(
			   r, "role",
			   policy_role_name(who->subject.grants[i].role)));
		if (who->subject.grants[i].role == ROLE_SECURITY_OFFICER)
			tv_set(v, "security_officer", "1");
		if (who->subject.grants[i].role == ROLE_MUNICIPAL_ADMIN)
			tv_set(v, "municipal_admin", "1");
		if (who->subject.grants[i].role == ROLE_SHARED_SERVICE)
			tv_set(v, "shared_service", "1");
	}
}

/* The filter from the query string; anything unknown is the default. */
static void read_filter(struct req *r, struct tvars *v, struct case_filter *f)
{
	static const char *const sorts[] = {"due", "received", "reference"};
	memset(f, 0, sizeof(*f));
	f->unit_id = casework_id(kv_get(&r->query, "unit"));
	f->mine = kv_get(&r->query, "mine") != NULL;
	f->only_attention = kv_get(&r->query, "attention") != NULL;
	f->include_closed = kv_get(&r->query, "closed") != NULL;
	f->sort = "due";
	const char *sort = kv_get(&r->query, "sort");
	for (size_t i = 0; sort != NULL && i < 3; i++)
		if (strcmp(sort, sorts[i]) == 0)
			f->sort = sorts[i];
	if (f->mine)
		tv_set(v, "f_mine", "1");
	if (f->only_attention)
		tv_set(v, "f_attention", "1");
	if (f->include_closed)
		tv_set(v, "f_closed", "1");
	for (size_t i = 0; i < 3; i++) {
		struct tvars *o = tv_item(v, "sorts");
		tv_set(o, "value", sorts[i]);
		tv_set(o, "label", casework_text(r, "worklist.sort", sorts[i]));
		if (strcmp(f->sort, sorts[i]) == 0)
			tv_set(o, "selected", "1");
	}
}

static void units_vars(struct tvars *v, const struct case_unit_count *units,
		       size_t n, int64_t chosen)
{
	for (size_t i = 0; i < n; i++) {
		struct tvars *u = tv_item(v, "units");
		tv_setf(u, "id", "%lld", (long long)units[i].unit_id);
		tv_set(u, "name", units[i].unit_name);
		tv_setf(u, "open", "%d", units[i].open);
		tv_setf(u, "overdue", "%d", units[i].overdue);
		tv_setf(u, "due_soon", "%d", units[i].due_soon);
		if (units[i].overdue > 0)
			tv_set(u, "has_overdue", "1");
		if (units[i].unit_id == chosen)
			tv_set(u, "selected", "1");
	}
}

static void row_vars(struct req *r, struct tvars *row,
		     const struct case_summary *c, const struct actor *who)
{
	tv_setf(row, "id", "%lld", (long long)c->id);
	tv_set(row, "reference", c->reference);
	tv_set(row, "person",
	       c->person_name[0] ? c->person_name
				 : i18n_get(r->lang, "case.no_person"));
	if (c->protected_identity)
		tv_set(row, "protected", "1");
	tv_set(row, "kind",
	       casework_text(r, "casekind", case_kind_name(c->kind)));
	tv_set(row, "matter", casework_text(r, "matter", c->matter));
	tv_set(row, "state",
	       casework_text(r, "state", case_state_name(c->state)));
	tv_set(row, "unit", c->unit_name);
	tv_set(row, "received", web_iso_date(r, c->received_at));
	if (c->assigned_staff_id == 0)
		tv_set(row, "unassigned", "1");
	else if (c->assigned_staff_id == who->staff_id)
		tv_set(row, "mine", "1");
	tv_set(row, "assigned", c->assigned_name);
	int overdue = casework_clocks(r, row, c);
	int soon = c->protection.state == CLOCK_DUE_SOON ||
		   c->preliminary.state == CLOCK_DUE_SOON ||
		   c->investigation.state == CLOCK_DUE_SOON;
	tv_set(row, "tone", overdue ? "overdue" : soon ? "soon" : "");
	if (c->objections > 0)
		tv_setf(row, "objections", "%d", c->objections);
	if (c->reopened)
		tv_set(row, "reopened", "1");
}

/*
 * The placement clocks of a case (R1.7): the six-month goal of a foster
 * home while the child is in an emergency home, shown stopped once one is
 * found, and the next six-monthly review of the current placement.
 */
static void foster_row_clocks(struct req *r, struct tvars *row,
			      int64_t case_id,
			      const struct foster_case_clocks *placed,
			      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (placed[i].case_id != case_id)
			continue;
		const struct foster_clock *g = &placed[i].goal, *w = &placed[i].review;
		struct case_clock goal = {g->due, g->done_at, g->state, g->days_left};
		struct case_clock review = {w->due, w->done_at, w->state, w->days_left};
		casework_clock(r, row, "clocks", "foster.clock.goal", &goal);
		casework_clock(r, row, "clocks", "foster.clock.review", &review);
		if (g->state == CLOCK_OVERDUE || w->state == CLOCK_OVERDUE)
			tv_set(row, "tone", "overdue");
		return;
	}
}

/* A case of the list whose person waits for a reply: listed on top. */
static int awaiting_vars(struct req *r, struct tvars *v, struct tvars *row,
			 const struct case_summary *c,
			 const struct message_awaiting *waiting, size_t n)
{
	(void)row;
	for (size_t i = 0; i < n; i++) {
		if (waiting[i].case_id != c->id)
			continue;
		struct tvars *item = tv_item(v, "awaiting");
		tv_setf(item, "id", "%lld", (long long)c->id);
		tv_set(item, "reference", c->reference);
		tv_set(item, "person",
		       c->person_name[0] ? c->person_name
					 : i18n_get(r->lang, "case.no_person"));
		tv_set(item, "since", web_datetime(r, waiting[i].since));
		tv_set(item, "since_iso",
		       web_iso_datetime(r, waiting[i].since));
		return 1;
	}
	return 0;
}

enum nara_err page_worklist(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	tv_set(v, "municipality", who.municipality_name);
	add_roles(r, v, &who);

	int64_t now = (int64_t)time(NULL);
	struct case_filter f;
	read_filter(r, v, &f);
	struct case_unit_count *units;
	size_t nunits;
	err = case_unit_counts(r->db, &r->arena, &who, now, &units, &nunits);
	if (err == NARA_OK) {
		tv_set(v, "casework", "1");
		units_vars(v, units, nunits, f.unit_id);
		struct case_summary *list;
		size_t n;
		err = case_worklist(r->db, &r->arena, &who, &f, now, &list, &n);
		/*
		 * Unanswered messages (domain/message.h): of the threads of
		 * the municipality that await a reply, those of the cases
		 * this list (policy-checked, audited) holds.
		 */
		struct message_awaiting *waiting = NULL;
		size_t nwaiting = 0;
		if (err == NARA_OK)
			err = message_awaiting_in(r->db, &r->arena,
						  who.subject.municipality_id,
						  &waiting, &nwaiting);
		/*
		 * R1.7: the placement clocks of the listed cases (the foster
		 * home goal, the next review), read with the list and covered
		 * by its audit row.
		 */
		struct foster_case_clocks *placed = NULL;
		size_t nplaced = 0;
		int64_t *ids = n ? arena_calloc(&r->arena, n, sizeof(*ids)) : NULL;
		for (size_t i = 0; ids != NULL && i < n; i++)
			ids[i] = list[i].id;
		if (err == NARA_OK && ids != NULL)
			err = foster_worklist_clocks(
			    r->db, &r->arena, who.subject.municipality_id, ids,
			    n, now, &placed, &nplaced);
		size_t unanswered = 0;
		for (size_t i = 0; err == NARA_OK && i < n; i++) {
			struct tvars *row = tv_item(v, "cases");
			row_vars(r, row, &list[i], &who);
			foster_row_clocks(r, row, list[i].id, placed, nplaced);
			if (awaiting_vars(r, v, row, &list[i], waiting,
					  nwaiting)) {
				tv_set(row, "unanswered", "1");
				unanswered++;
			}
		}
		if (err == NARA_OK && unanswered > 0)
			tv_setf(v, "awaiting_count", "%zu", unanswered);
		if (err == NARA_OK)
			tv_setf(v, "shown", "%zu", n);
	}
	/* No casework role: the search alone, which the policy still guards. */
	if (err != NARA_OK && err != NARA_EDENIED)
		return err;
	int64_t centre_unit, centre_host;
	if (foster_centre_of(r->db, &who, &centre_unit, &centre_host) == NARA_OK)
		tv_set(v, "foster_centre", "1");
	if ((err = work_search_vars(r, v, &who)) != NARA_OK)
		return err;
	return page_render(r, "work", v, i18n_get(r->lang, "work.title"));
}
