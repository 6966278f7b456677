/*
 * "My logins" (/konto/inloggningar): the person's live sessions, where and
 * when, and a button to end any of them, or all.
 */
#include <time.h>

#include "web/auth.h"
#include "web/format.h"
#include "web/web.h"

/* In Swedish time, whatever the server's own time zone. */
static const char *when(struct req *r, int64_t at)
{
	return web_iso_datetime(r, at);
}

enum nara_err page_sessions(struct req *r)
{
	struct session s;
	enum nara_err err = web_session(r, &s);
	if (err == NARA_ENOTFOUND) {
		resp_redirect(r, 303, "/login?next=%2Fkonto%2Finloggningar");
		return NARA_OK;
	}
	if (err != NARA_OK)
		return err;
	struct session_info *list;
	size_t n;
	err = session_list(r->db, &r->arena, &s, (int64_t)time(NULL), &list, &n);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	tv_set(v, "logged_in", "1");
	tv_set(v, "csrf", s.csrf);
	for (size_t i = 0; i < n; i++) {
		struct tvars *item = tv_item(v, "sessions");
		tv_set(item, "id", list[i].id);
		tv_set(item, "created", when(r, list[i].created_at));
		tv_set(item, "seen", when(r, list[i].last_seen));
		tv_set(item, "agent", list[i].user_agent[0] ? list[i].user_agent
							    : i18n_get(r->lang, "sessions.unknown"));
		if (list[i].current)
			tv_set(item, "current", "1");
	}
	return page_render(r, "sessions", v, i18n_get(r->lang, "sessions.title"));
}

enum nara_err page_sessions_end(struct req *r)
{
	struct session s;
	enum nara_err err = web_session(r, &s);
	if (err != NARA_OK)
		return err == NARA_ENOTFOUND ? NARA_EDENIED : err;
	if (!session_csrf_ok(&s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	err = session_end_id(r->db, &s, kv_get(&r->form, "id"), (int64_t)time(NULL));
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, "/konto/inloggningar");
	return NARA_OK;
}
