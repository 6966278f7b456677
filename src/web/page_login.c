/*
 * Logging in and out. /login offers the ways in (the local accounts' form
 * posts to page_local_login.c); with NARA_DEV_LOGIN=1
 * (only ever on loopback, see cmd_serve.c) it also lists the demo accounts
 * behind a banner, and one button logs in as any of them. The ways in
 * through OpenID Connect (e-ID for citizens, the organisation's identity
 * provider for staff) are links to page_oidc.c's start pages, shown when
 * configured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "db/db.h"
#include "domain/oidc.h"
#include "domain/personnummer.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/web.h"

static enum nara_err list_dev_accounts(struct req *r, struct tvars *v)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
		r->db,
		"SELECT s.id, s.display_name, s.username, m.name,"
		" COALESCE((SELECT min(role) FROM staff_role WHERE user_id = s.id), '')"
		" FROM staff_user s JOIN municipality m ON m.id = s.municipality_id"
		" WHERE s.active = 1 ORDER BY m.name, s.username",
		&st);
	if (err != NARA_OK)
		return err;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct tvars *item = tv_item(v, "dev_staff");
		tv_set(item, "account", arena_printf(&r->arena, "staff:%lld",
						     (long long)db_col_int(st, 0)));
		tv_set(item, "name", arena_strdup(&r->arena, db_col_text(st, 1)));
		tv_set(item, "username", arena_strdup(&r->arena, db_col_text(st, 2)));
		tv_set(item, "municipality", arena_strdup(&r->arena, db_col_text(st, 3)));
		tv_set(item, "role", arena_strdup(&r->arena, db_col_text(st, 4)));
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	/*
	 * A few citizens of each municipality, one of them with protected
	 * identity, and the demo families (guardians and their children).
	 */
	err = db_prepare(r->db,
			 "SELECT p.personnummer, p.given_name, p.family_name, m.name,"
			 " p.protected_identity FROM person p"
			 " JOIN municipality m ON m.id = p.municipality_id"
			 " WHERE p.fictitious = 1 AND ((p.id <= 220"
			 " AND ((p.id - 1) % 20) IN (0, 1, 3))"
			 " OR p.id IN (SELECT guardian_id FROM guardianship)"
			 " OR p.id IN (SELECT child_id FROM guardianship))"
			 " ORDER BY m.name, p.id",
			 &st);
	if (err != NARA_OK)
		return err;
	while ((rc = db_step(st)) == DB_ROW) {
		struct tvars *item = tv_item(v, "dev_citizens");
		tv_set(item, "account", arena_printf(&r->arena, "citizen:%s", db_col_text(st, 0)));
		tv_set(item, "name", arena_printf(&r->arena, "%s %s", db_col_text(st, 1),
						  db_col_text(st, 2)));
		tv_set(item, "pnr", arena_printf(&r->arena, "%.8s-%s", db_col_text(st, 0),
						 db_col_text(st, 0) + 8));
		tv_set(item, "municipality", arena_strdup(&r->arena, db_col_text(st, 3)));
		if (db_col_int(st, 4))
			tv_set(item, "protected", "1");
	}
	db_done(st);
	return db_step_err(rc);
}

enum nara_err page_login(struct req *r)
{
	return page_login_render(r, page_vars(r), kv_get(&r->query, "next"));
}

enum nara_err page_login_render(struct req *r, struct tvars *v, const char *next)
{
	next = web_safe_next(next, "");
	tv_set(v, "next", next);
	/* The start links carry next on, so the login ends where it began. */
	const char *next_q = "";
	if (next[0] != '\0') {
		struct buf q;
		buf_init(&q);
		buf_adds(&q, "?next=");
		url_escape(&q, next, strlen(next));
		next_q = arena_strdup(&r->arena, buf_cstr(&q));
		buf_free(&q);
		if (next_q == NULL)
			return NARA_ENOMEM;
	}
	tv_set(v, "next_q", next_q);
	if (oidc_provider(r->cfg, OIDC_CITIZEN) != NULL)
		tv_set(v, "citizen_login", "1");
	if (oidc_provider(r->cfg, OIDC_STAFF) != NULL)
		tv_set(v, "staff_login", "1");
	/* The forms' CSRF token, checked against this cookie on POST. */
	char token[SESSION_TOKEN_LEN + 1];
	session_random_token(token);
	web_set_cookie(r, PRELOGIN_COOKIE, token, 3600);
	tv_set(v, "pre_csrf", arena_strdup(&r->arena, token));
	if (r->cfg->dev_login) {
		tv_set(v, "dev_login", "1");
		enum nara_err err = list_dev_accounts(r, v);
		if (err != NARA_OK)
			return err;
	}
	return page_render(r, "login", v, i18n_get(r->lang, "login.title"));
}

enum nara_err page_login_dev(struct req *r)
{
	if (!r->cfg->dev_login)
		return NARA_ENOTFOUND;
	const char *cookie = kv_get(&r->cookies, PRELOGIN_COOKIE);
	const char *given = kv_get(&r->form, "csrf");
	if (cookie == NULL || given == NULL || strlen(cookie) != SESSION_TOKEN_LEN ||
	    strcmp(cookie, given) != 0)
		return NARA_EDENIED;
	const char *account = kv_get(&r->form, "account");
	if (account == NULL)
		return NARA_EINVAL;

	char token[SESSION_TOKEN_LEN + 1];
	struct session s;
	enum nara_err err;
	const char *home;
	int64_t now = (int64_t)time(NULL);
	const char *ua = r->user_agent ? r->user_agent : "";
	if (strncmp(account, "staff:", 6) == 0) {
		char *end;
		long long id = strtoll(account + 6, &end, 10);
		if (*end != '\0' || id <= 0)
			return NARA_EINVAL;
		err = session_create(r->db, "staff", id, NULL, "dev", ua, now, token, &s);
		home = "/arbete";
	} else if (strncmp(account, "citizen:", 8) == 0) {
		struct personnummer pnr;
		if (personnummer_parse(account + 8, now, &pnr) != NARA_OK)
			return NARA_EINVAL;
		err = session_create(r->db, "citizen", 0, pnr.canonical, "dev", ua,
				     now, token, &s);
		home = "/mina-sidor";
	} else {
		return NARA_EINVAL;
	}
	if (err != NARA_OK)
		return err;
	web_set_cookie(r, SESSION_COOKIE, token, SESSION_ABSOLUTE);
	web_set_cookie(r, PRELOGIN_COOKIE, "", 0);
	resp_redirect(r, 303, web_safe_next(kv_get(&r->form, "next"), home));
	return NARA_OK;
}

enum nara_err page_logout(struct req *r)
{
	struct session s;
	enum nara_err err = web_session(r, &s);
	if (err == NARA_ENOTFOUND) {
		resp_redirect(r, 303, "/");
		return NARA_OK;
	}
	if (err != NARA_OK)
		return err;
	if (!session_csrf_ok(&s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	int everywhere = kv_get(&r->form, "everywhere") != NULL;
	int64_t now = (int64_t)time(NULL);
	err = everywhere ? session_end_all(r->db, &s, now) : session_end(r->db, &s, now);
	if (err != NARA_OK)
		return err;
	web_set_cookie(r, SESSION_COOKIE, "", 0);
	resp_redirect(r, 303, "/?utloggad=1");
	return NARA_OK;
}
