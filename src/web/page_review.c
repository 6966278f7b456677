/*
 * The security officer's log review (/arbete/granskning, DOMAIN.md R4.2):
 * the audit log of their own municipality, filtered by person, user,
 * period and flagged access, and the form that records that a month's
 * review was done. Only the municipality's security officer gets here.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/personnummer.h"
#include "domain/review.h"
#include "policy/clock.h"
#include "web/auth.h"
#include "web/format.h"
#include "web/web.h"

/*
 * "2026-11-01" at 00:00 Swedish time; end_of_day moves it to 23:59:59 of
 * that day (web/format.c reads the date strictly).
 */
static int parse_day(const char *s, int end_of_day, int64_t *out)
{
	int64_t t = web_parse_date(s, end_of_day);
	if (t == 0)
		return -1;
	*out = end_of_day ? t - 1 : t;
	return 0;
}

/* In Swedish time, whatever the server's own time zone. */
static const char *when(struct req *r, int64_t at)
{
	return web_iso_datetime(r, at);
}

static enum nara_err render(struct req *r, const struct session *s,
			    const struct actor *who, const char *notice)
{
	struct review_filter f = {0};
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	tv_set(v, "municipality", who->municipality_name);
	const char *pnr = kv_get(&r->query, "pnr");
	const char *user = kv_get(&r->query, "user");
	const char *from = kv_get(&r->query, "from");
	const char *to = kv_get(&r->query, "to");
	tv_set(v, "f_pnr", pnr);
	tv_set(v, "f_user", user);
	tv_set(v, "f_from", from);
	tv_set(v, "f_to", to);
	if (pnr != NULL && pnr[0] != '\0') {
		struct personnummer p;
		if (personnummer_parse(pnr, (int64_t)time(NULL), &p) != NARA_OK) {
			tv_set(v, "filter_error", i18n_get(r->lang, "review.bad_pnr"));
			f.personnummer = "-";
		} else {
			f.personnummer = arena_strdup(&r->arena, p.canonical);
		}
	}
	if (user != NULL && user[0] != '\0')
		f.actor = user;
	if ((from && from[0] && parse_day(from, 0, &f.from) != 0) ||
	    (to && to[0] && parse_day(to, 1, &f.to) != 0)) {
		tv_set(v, "filter_error", i18n_get(r->lang, "review.bad_date"));
		f.from = f.to = 0;
	}
	f.flagged_only = kv_get(&r->query, "flagged") != NULL;
	if (f.flagged_only)
		tv_set(v, "f_flagged", "1");
	if (notice != NULL)
		tv_set(v, "notice", notice);

	struct review_row *rows;
	size_t n;
	enum nara_err err = review_list(r->db, &r->arena, who, &f, &rows, &n);
	if (err != NARA_OK)
		return err;
	for (size_t i = 0; i < n; i++) {
		struct tvars *item = tv_item(v, "rows");
		tv_set(item, "when", when(r, rows[i].at));
		tv_set(item, "actor", rows[i].actor_label);
		tv_set(item, "action", rows[i].action);
		tv_set(item, "record", rows[i].record_id
					       ? arena_printf(&r->arena, "%s %lld", rows[i].record_kind,
							      (long long)rows[i].record_id)
					       : rows[i].record_kind);
		tv_set(item, "reason", rows[i].reason);
		if (rows[i].flagged)
			tv_set(item, "flagged", "1");
	}
	struct review_done *done;
	size_t nd;
	if ((err = review_done_list(r->db, &r->arena, who, &done, &nd)) != NARA_OK)
		return err;
	for (size_t i = 0; i < nd; i++) {
		struct tvars *item = tv_item(v, "done");
		tv_set(item, "month", done[i].month);
		tv_set(item, "reviewer", done[i].reviewer);
		tv_set(item, "note", done[i].note);
		tv_set(item, "when", when(r, done[i].at));
	}
	/* The month just ended (in Sweden) is the one usually reviewed. */
	struct civil_date last =
	    clock_add_months(clock_local_date((int64_t)time(NULL)), -1);
	tv_set(v, "last_month",
	       arena_printf(&r->arena, "%04d-%02d", last.year, last.month));
	return page_render(r, "review", v, i18n_get(r->lang, "review.title"));
}

enum nara_err page_review(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	return render(r, &s, &who, NULL);
}

enum nara_err page_review_done(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	if (!session_csrf_ok(&s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	err = review_record(r->db, &who, kv_get(&r->form, "month"), kv_get(&r->form, "note"));
	if (err == NARA_EINVAL || err == NARA_ECONFLICT) {
		r->resp.status = 400;
		return render(r, &s, &who, i18n_get(r->lang, err == NARA_EINVAL
								    ? "review.bad_month"
								    : "review.already"));
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, "/arbete/granskning?klar=1");
	return NARA_OK;
}
