/*
 * Every report of concern about a child, /arbete/person/{id}/anmalningar
 * (DOMAIN.md R1.6): all reports in the municipality, also those that led
 * to no investigation, each with its case and what came of it. A child of
 * another municipality, or another unit's child the policy keeps from the
 * user, gives the 403 page; the domain has audited the attempt.
 */
#include <string.h>

#include "domain/person.h"
#include "domain/report.h"
#include "web/auth.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/web.h"

/* The start of a long text, cut between characters, never inside one. */
static const char *excerpt(struct req *r, const char *s, size_t max)
{
	size_t len = strlen(s), cut = len > max ? max : len;
	while (cut < len && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	return arena_printf(&r->arena, "%.*s%s", (int)cut, s,
			    cut < len ? "…" : "");
}

enum nara_err page_work_reports(struct req *r)
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
	struct person_view child;
	struct report_view *reports;
	size_t n;
	err = report_list_for_child(r->db, &r->arena, &who, id, &child,
				    &reports, &n);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	const char *name = arena_printf(&r->arena, "%s %s", child.given_name,
					child.family_name);
	tv_set(v, "heading", i18n_format(r, "reports.title", name));
	tv_setf(v, "person_id", "%lld", (long long)id);
	tv_set(v, "name", name);
	for (size_t i = 0; i < n; i++) {
		const struct report_view *p = &reports[i];
		struct tvars *item = tv_item(v, "reports");
		tv_set(item, "received", web_iso_datetime(r, p->received_at));
		tv_setf(item, "case_id", "%lld", (long long)p->case_id);
		tv_set(item, "reference", p->case_reference);
		tv_set(item, "reporter_kind",
		       casework_text(r, "reporter", p->reporter_kind));
		tv_set(item, "organisation", p->reporter_organisation);
		tv_set(item, "concern", excerpt(r, p->concern, 200));
		tv_set(item, "outcome", casework_report_outcome(r, p->outcome));
		tv_set(item, "protection",
		       p->protection_assessed_at != 0
			   ? web_iso_date(r, p->protection_assessed_at)
			   : i18n_get(r->lang, "reports.not_assessed"));
	}
	return page_render(r, "reports", v,
			   i18n_format(r, "reports.title", name));
}
