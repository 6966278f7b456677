/*
 * After-hours support for foster homes (domain/foster.h):
 *
 *   /mina-sidor/familjehem                a foster parent, logged in with
 *                                         e-ID, sends the foster-home centre
 *                                         a message or asks to be called,
 *                                         and sees what they sent
 *   /familjehemscentrum/stod              the centre's staff on call: what
 *                                         is waiting first, then what was
 *                                         handled
 *   /familjehemscentrum/stod/{id}/klar    marks one handled
 *
 * Kept small on purpose: the secure messages of a case (message.c) and
 * the booked meetings (booking.c) belong to a case or a published hour,
 * which a foster home's call to the centre at night has neither of.
 */
#include <string.h>
#include <time.h>

#include "domain/foster.h"
#include "web/auth.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/foster_page.h"
#include "web/web.h"

static void support_vars(struct req *r, struct tvars *v,
			 const struct foster_support_view *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tvars *x = tv_item(v, "items");
		tv_setf(x, "id", "%lld", (long long)list[i].id);
		tv_set(x, "kind",
		       casework_text(r, "foster.support.kind", list[i].kind));
		tv_set(x, "body", list[i].body);
		tv_set(x, "phone", list[i].phone);
		tv_set(x, "home", list[i].home);
		tv_set(x, "residence", list[i].residence);
		tv_set(x, "sent", web_datetime(r, list[i].created_at));
		if (strcmp(list[i].kind, "call") == 0)
			tv_set(x, "when",
			       list[i].call_at
				   ? web_datetime(r, list[i].call_at)
				   : i18n_get(r->lang, "foster.support.asap"));
		if (list[i].handled_at) {
			tv_set(x, "handled",
			       web_datetime(r, list[i].handled_at));
			tv_set(x, "handled_by", list[i].handled_by);
		}
	}
}

static enum nara_err show_mine(struct req *r, const struct session *s,
			       const struct actor *who, const char *why)
{
	struct foster_support_view *list;
	size_t n;
	enum nara_err err =
	    foster_support_mine(r->db, &r->arena, who, &list, &n);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	support_vars(r, v, list, n);
	tv_set(v, "today", web_iso_date(r, (int64_t)time(NULL)));
	static const char *const kept[] = {"body", "phone", "call_date",
					   "call_time"};
	for (size_t i = 0; why != NULL && i < 4; i++) {
		const char *value = kv_get(&r->form, kept[i]);
		if (value != NULL)
			tv_set(v, kept[i], value);
	}
	if (kv_get(&r->query, "skickat") != NULL)
		tv_set(v, "sent_now", "1");
	if (why != NULL)
		foster_error(r, v, why);
	return page_render(r, "foster_support", v,
			   i18n_get(r->lang, "foster.support.title"));
}

enum nara_err page_foster_support(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	return show_mine(r, &s, &who, NULL);
}

/* "HH:MM" as minutes after midnight; -1 when it is not that. */
static int minutes_of(const char *t)
{
	if (t == NULL || strlen(t) != 5 || t[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (t[i] < '0' || t[i] > '9'))
			return -1;
	int h = (t[0] - '0') * 10 + (t[1] - '0');
	int m = (t[3] - '0') * 10 + (t[4] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

enum nara_err page_foster_support_send(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return redirected ? NARA_EDENIED : err;
	if (!session_csrf_ok(&s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	int64_t now = (int64_t)time(NULL);
	const char *kind = kv_get(&r->form, "kind");
	int64_t call_at = 0;
	const char *date = kv_get(&r->form, "call_date");
	const char *time_of_day = kv_get(&r->form, "call_time");
	if (kind != NULL && strcmp(kind, "call") == 0 &&
	    ((date != NULL && date[0]) || (time_of_day && time_of_day[0]))) {
		int64_t day = web_parse_date(date, 0);
		int minutes = minutes_of(time_of_day);
		if (day == 0 || minutes < 0)
			return show_mine(r, &s, &who,
					 "foster.error.support_when");
		call_at = day + (int64_t)minutes * 60;
	}
	int64_t id;
	const char *why;
	err = foster_support_send(r->db, &who, kind, kv_get(&r->form, "body"),
				  kv_get(&r->form, "phone"), call_at, now, &id,
				  &why);
	if (err == NARA_EINVAL)
		return show_mine(r, &s, &who, why);
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, "/mina-sidor/familjehem?skickat=1");
	return NARA_OK;
}

enum nara_err page_foster_support_centre(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	struct foster_support_view *list;
	size_t n;
	err = foster_support_list(r->db, &r->arena, &who, &list, &n);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	support_vars(r, v, list, n);
	return page_render(r, "foster_support_centre", v,
			   i18n_get(r->lang, "foster.support.centre_title"));
}

enum nara_err page_foster_support_handle(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return redirected ? NARA_EDENIED : err;
	if (!session_csrf_ok(&s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	int64_t id = casework_path_id(r);
	if (id == 0)
		return NARA_ENOTFOUND;
	err = foster_support_handle(r->db, &who, id, (int64_t)time(NULL));
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, "/familjehemscentrum/stod");
	return NARA_OK;
}
