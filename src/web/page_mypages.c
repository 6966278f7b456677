/*
 * The citizen's own pages (/mina-sidor): what each municipality has
 * recorded about them, who in the social services has read it (R2.6), and
 * the young children whose records they may read as guardian (R2.5), each
 * a link to the child's page (page_child.c), and their cases with what
 * happens next (each case opens at /mina-sidor/arenden/{id},
 * page_mycase.c).
 */
#include <stdio.h>
#include <time.h>

#include "domain/case.h"
#include "domain/foster.h"
#include "domain/guardian.h"
#include "domain/person.h"
#include "web/auth.h"
#include "web/format.h"
#include "web/mycase.h"
#include "web/web.h"

void web_reads_vars(struct req *r, struct tvars *v,
		    const struct person_read_log *reads, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tvars *item = tv_item(v, "reads");
		/* In Swedish time, whatever the server's own time zone. */
		tv_set(item, "when", web_iso_datetime(r, reads[i].at));
		tv_set(item, "municipality", reads[i].municipality_name);
		tv_set(item, "unit", reads[i].unit_name);
	}
}

/* The person's cases, with what happens next and by when. */
static enum nara_err list_cases(struct req *r, const struct actor *who,
				struct tvars *v)
{
	struct case_summary *cases;
	size_t n;
	enum nara_err err = case_list_own(r->db, &r->arena, who,
					  (int64_t)time(NULL), &cases, &n);
	for (size_t i = 0; err == NARA_OK && i < n; i++) {
		const struct case_summary *c = &cases[i];
		struct tvars *item = tv_item(v, "cases");
		tv_setf(item, "id", "%lld", (long long)c->id);
		tv_set(item, "reference", c->reference);
		tv_set(item, "matter",
		       mycase_word(r, "matter", c->matter,
				   arena_printf(&r->arena, "casekind.%s",
						case_kind_name(c->kind))));
		tv_set(item, "municipality", c->municipality_name);
		tv_set(item, "unit", c->unit_name);
		tv_set(item, "state",
		       mycase_word(r, "state", case_state_name(c->state),
				   "state.received"));
		tv_set(item, "next", i18n_get(r->lang, c->next.what));
		if (c->next.by != 0)
			tv_set(item, "next_by", web_date(r, c->next.by));
	}
	return err;
}

enum nara_err page_mypages(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	struct person_view *own;
	size_t n;
	err = person_read_own(r->db, &r->arena, &who, &own, &n);
	if (err != NARA_OK)
		return err;
	struct person_view *children;
	size_t nchildren;
	err = guardian_children(r->db, &r->arena, &who, (int64_t)time(NULL),
				&children, &nchildren);
	if (err != NARA_OK)
		return err;
	struct person_read_log *reads;
	size_t nreads;
	err = person_reads_of(r->db, &r->arena, &who, &reads, &nreads);
	if (err != NARA_OK)
		return err;

	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	err = list_cases(r, &who, v);
	if (err != NARA_OK)
		return err;
	if (n > 0)
		tv_set(v, "who_name", arena_printf(&r->arena, "%s %s", own[0].given_name,
						   own[0].family_name));
	for (size_t i = 0; i < n; i++) {
		struct tvars *item = tv_item(v, "records");
		tv_set(item, "municipality", own[i].municipality_name);
		tv_set(item, "name", arena_printf(&r->arena, "%s %s", own[i].given_name,
						  own[i].family_name));
		tv_set(item, "address", own[i].address);
		tv_set(item, "postal_code", own[i].postal_code);
		tv_set(item, "city", own[i].city);
		tv_set(item, "phone", own[i].phone);
	}
	for (size_t i = 0; i < nchildren; i++) {
		struct tvars *item = tv_item(v, "children");
		tv_setf(item, "id", "%lld", (long long)children[i].id);
		tv_set(item, "name", arena_printf(&r->arena, "%s %s",
						  children[i].given_name,
						  children[i].family_name));
		tv_set(item, "municipality", children[i].municipality_name);
	}
	web_reads_vars(r, v, reads, nreads);
	/* A foster parent of the register finds the centre's support here. */
	int64_t foster_home;
	if (foster_home_of(r->db, &who, &foster_home) == NARA_OK &&
	    foster_home != 0)
		tv_set(v, "foster_home", "1");
	return page_render(r, "mypages", v, i18n_get(r->lang, "mypages.title"));
}
