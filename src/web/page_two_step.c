/*
 * Two-step verification for the logged-in staff member's own local
 * account (/konto/tvastegsverifiering): turn it on, by scanning a QR code
 * (or typing the key) into an authenticator app and confirming with a
 * first code; turn it off, with a current code. Staff who log in through
 * their organisation see that it is handled there.
 *
 * The secret is shown only while it is being set up, and only to its
 * owner; once confirmed it is never shown again (set it up anew instead).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/config.h"
#include "core/log.h"
#include "domain/local_account.h"
#include "domain/totp.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/qr.h"
#include "web/web.h"

/*
 * What the app needs: the key in base32 (in groups of four, to copy by
 * eye), the otpauth:// URI (Key URI Format, as Google Authenticator
 * defined it and every app reads), and that URI as a QR code.
 */
static enum nara_err show_secret(struct req *r, struct tvars *v,
				 const struct actor *who,
				 const unsigned char secret[TOTP_SECRET_BYTES])
{
	char b32[TOTP_BASE32_MAX];
	totp_base32(secret, TOTP_SECRET_BYTES, b32, sizeof(b32));
	char grouped[TOTP_BASE32_MAX * 2];
	size_t n = 0;
	for (size_t i = 0; b32[i] != '\0'; i++) {
		if (i > 0 && i % 4 == 0)
			grouped[n++] = ' ';
		grouped[n++] = b32[i];
	}
	grouped[n] = '\0';
	tv_set(v, "secret", arena_strdup(&r->arena, grouped));

	const char *issuer = i18n_get(r->lang, "app.name");
	char *label = arena_printf(&r->arena, "%s:%s", issuer,
				   who->name ? who->name : "");
	struct buf uri;
	buf_init(&uri);
	buf_adds(&uri, "otpauth://totp/");
	if (label != NULL)
		url_escape(&uri, label, strlen(label));
	buf_printf(&uri, "?secret=%s&issuer=", b32);
	url_escape(&uri, issuer, strlen(issuer));
	buf_printf(&uri, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS,
		   TOTP_PERIOD);
	const char *text = arena_strdup(&r->arena, buf_cstr(&uri));
	const char *qr = NULL;
	enum nara_err err = uri.failed || text == NULL
				? NARA_ENOMEM
				: qr_svg_data_uri(&r->arena, text, &qr);
	/* The buffers held the secret: wipe them before they go. */
	if (uri.data != NULL)
		sodium_memzero(uri.data, uri.cap);
	buf_free(&uri);
	sodium_memzero(b32, sizeof(b32));
	sodium_memzero(grouped, sizeof(grouped));
	if (err != NARA_OK)
		return err;
	tv_set(v, "otpauth", text);
	tv_set(v, "qr", qr);
	return NARA_OK;
}

/* The page as it stands; error_key and locked_until explain a refusal. */
static enum nara_err render(struct req *r, const struct session *s,
			    const struct actor *who, const char *error_key,
			    int64_t locked_until)
{
	struct local_status st;
	enum nara_err err = local_status(r->db, who->staff_id, &st);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	const char *done = kv_get(&r->query, "klart");
	if (done != NULL && strcmp(done, "pa") == 0)
		tv_set(v, "notice", i18n_get(r->lang, "two_step.turned_on"));
	else if (done != NULL && strcmp(done, "av") == 0)
		tv_set(v, "notice", i18n_get(r->lang, "two_step.turned_off"));
	if (error_key != NULL) {
		tv_set(v, "code_error", i18n_get(r->lang, error_key));
		r->resp.status = 400;
	}
	if (locked_until > 0) {
		int64_t left = locked_until - (int64_t)time(NULL);
		char minutes[24];
		snprintf(minutes, sizeof(minutes), "%lld",
			 (long long)((left > 0 ? left + 59 : 60) / 60));
		tv_set(v, "code_error",
		       i18n_format(r, "two_step.locked", minutes));
		r->resp.status = 429;
	}

	if (!st.has_password) {
		tv_set(v, "not_local", "1");
	} else if (st.totp_enabled) {
		tv_set(v, "enabled", "1");
	} else if (!r->cfg->has_secret_key) {
		tv_set(v, "no_key", "1");
	} else if (st.totp_pending) {
		unsigned char secret[TOTP_SECRET_BYTES];
		struct local_request q = web_local_request(r);
		err = local_totp_pending(r->db, &q, who->staff_id, secret);
		if (err == NARA_OK)
			err = show_secret(r, v, who, secret);
		sodium_memzero(secret, sizeof(secret));
		if (err == NARA_EINTEGRITY) {
			/*
			 * Sealed under a key the server no longer has: nothing
			 * was confirmed with it yet, so the set-up starts over.
			 */
			log_kv(LOG_WARN,
			       "a TOTP set-up was sealed under another"
			       " NARA_SECRET_KEY; it starts over",
			       "id", r->request_id, NULL);
			err = local_totp_cancel(r->db, who->staff_id);
			if (err != NARA_OK)
				return err;
			tv_set(v, "off", "1");
		} else if (err != NARA_OK) {
			return err;
		} else {
			tv_set(v, "pending", "1");
		}
	} else {
		tv_set(v, "off", "1");
	}
	return page_render(r, "two_step", v,
			   i18n_get(r->lang, "two_step.title"));
}

enum nara_err page_two_step(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	return render(r, &s, &who, NULL, 0);
}

enum nara_err page_two_step_change(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	if (!session_csrf_ok(&s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	const char *action = kv_get(&r->form, "action");
	const char *code = kv_get(&r->form, "code");
	struct local_request q = web_local_request(r);
	if (action == NULL)
		return NARA_EINVAL;
	if (strcmp(action, "start") == 0) {
		unsigned char secret[TOTP_SECRET_BYTES];
		err = local_totp_begin(r->db, &q, who.staff_id, secret);
		sodium_memzero(secret, sizeof(secret));
		if (err == NARA_ECONFLICT) /* on already (another tab) */
			err = NARA_OK;
		if (err == NARA_EINTEGRITY) /* no key: the page says so */
			err = NARA_OK;
		if (err != NARA_OK)
			return err;
		resp_redirect(r, 303, "/konto/tvastegsverifiering");
		return NARA_OK;
	}
	if (strcmp(action, "cancel") == 0) {
		if ((err = local_totp_cancel(r->db, who.staff_id)) != NARA_OK)
			return err;
		resp_redirect(r, 303, "/konto/tvastegsverifiering");
		return NARA_OK;
	}
	if (strcmp(action, "confirm") == 0) {
		int accepted = 0;
		err = local_totp_confirm(r->db, &q, who.staff_id, code,
					 &accepted);
		if (err ==
		    NARA_ENOTFOUND) { /* on already, or nothing to confirm */
			resp_redirect(r, 303, "/konto/tvastegsverifiering");
			return NARA_OK;
		}
		if (err != NARA_OK)
			return err;
		if (!accepted)
			return render(r, &s, &who, "two_step.wrong", 0);
		resp_redirect(r, 303, "/konto/tvastegsverifiering?klart=pa");
		return NARA_OK;
	}
	if (strcmp(action, "off") == 0) {
		struct local_outcome o;
		err = local_totp_disable(r->db, &q, who.staff_id, code, &o);
		if (err == NARA_ENOTFOUND) {
			resp_redirect(r, 303, "/konto/tvastegsverifiering");
			return NARA_OK;
		}
		if (err != NARA_OK)
			return err;
		if (o.result == LOCAL_LOCKED)
			return render(r, &s, &who, NULL, o.locked_until);
		if (o.result != LOCAL_LOGGED_IN)
			return render(r, &s, &who, "two_step.wrong_off", 0);
		resp_redirect(r, 303, "/konto/tvastegsverifiering?klart=av");
		return NARA_OK;
	}
	return NARA_EINVAL;
}
