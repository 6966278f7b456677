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
#include "web/auth.h"
#include "web/web.h"

/* "2026-11-01" at 00:00 Swedish time; end_of_day moves it to 23:59:59. */
static int parse_day(const char *s, int end_of_day, int64_t *out)
{
	int y, m, d;
	char tail;
	if (s == NULL || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
			.tm_isdst = -1};
	if (end_of_day) {
		tm.tm_hour = 23;
		tm.tm_min = 59;
		tm.tm_sec = 59;
	}
	time_t t = mktime(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d)
		return -1;
	*out = (int64_t)t;
	return 0;
}

static const char *when(struct req *r, int64_t at)
{
	time_t t = (time_t)at;
	struct tm tm;
	localtime_r(&t, &tm);
	char s[32];
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M", &tm);
	return arena_strdup(&r->arena, s);
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
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	/* The month just ended is the one usually reviewed. */
	tm.tm_mday = 1;
	tm.tm_mon -= 1;
	mktime(&tm);
	tv_set(v, "last_month", arena_printf(&r->arena, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1));
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
