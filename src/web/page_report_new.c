/*
 * Registering a report of concern that came by telephone, letter or from
 * the police, /arbete/anmalan: the staff's counterpart of the public form.
 * The report lands in the user's own municipality under their name
 * (report_submit with registered_by), opens or joins the child's case
 * like any report (R1.2), and starts the protection clock (R1.1). Only
 * staff who do casework may register; the domain refuses and audits the
 * rest.
 *
 * The answer to a registration is a page, not a redirect: it shows the
 * receipt code the reporter may later ask with (R1.5), which is never
 * stored and so cannot be shown again.
 */
#include <string.h>
#include <time.h>

#include "domain/report.h"
#include "web/auth.h"
#include "web/casework.h"
#include "web/web.h"

static const struct {
	const char *why, *field;
} fields[] = {
    {"report.error.child_name", "child_name"},
    {"report.error.child_details", "child_details"},
    {"report.error.child_pnr", "child_pnr"},
    {"report.error.concern", "concern"},
    {"report.error.reporter_kind", "reporter_kind"},
    {"report.error.reporter", "reporter_name"},
    {"report.error.private_name", "reporter_name"},
    {"report.error.professional", "reporter_name"},
    {"report.error.profession", "profession"},
};

static enum nara_err render(struct req *r, const struct session *s,
			    const struct actor *who, const char *why)
{
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	tv_set(v, "municipality", who->municipality_name);
	const char *profession = kv_get(&r->form, "profession");
	for (size_t i = 0; report_professions[i] != NULL; i++) {
		struct tvars *o = tv_item(v, "professions");
		tv_set(o, "value", report_professions[i]);
		tv_set(o, "label",
		       casework_text(r, "profession", report_professions[i]));
		if (profession != NULL &&
		    strcmp(profession, report_professions[i]) == 0)
			tv_set(o, "selected", "1");
	}
	if (why != NULL) {
		static const char *const kept[] = {
		    "child_name",    "child_pnr",    "child_details", "concern",
		    "reporter_name", "organisation", "phone",	      "email",
		};
		for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
			casework_set(v,
				     arena_printf(&r->arena, "in.%s", kept[i]),
				     kv_get(&r->form, kept[i]));
		const char *kind = kv_get(&r->form, "reporter_kind");
		if (kind != NULL && (strcmp(kind, "anonymous") == 0 ||
				     strcmp(kind, "private") == 0 ||
				     strcmp(kind, "professional") == 0))
			casework_set(
			    v, arena_printf(&r->arena, "in.kind.%s", kind),
			    "1");
		tv_set(v, "posted", "1");
		const char *field = "concern";
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strcmp(fields[i].why, why) == 0)
				field = fields[i].field;
		const char *message = i18n_get(r->lang, why);
		casework_set(v, arena_printf(&r->arena, "err.%s", field),
			     message);
		tv_set(v, "error", message);
		tv_set(v, "error_anchor", field);
		r->resp.status = 400;
	}
	return page_render(r, "report_new", v,
			   i18n_get(r->lang, "report_new.title"));
}

enum nara_err page_report_new(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	return render(r, &s, &who, NULL);
}

enum nara_err page_report_register(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK)
		return err;
	if (redirected || !session_csrf_ok(&s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	struct report_new rn = {
	    .child_name = kv_get(&r->form, "child_name"),
	    .child_personnummer = kv_get(&r->form, "child_pnr"),
	    .child_details = kv_get(&r->form, "child_details"),
	    .reporter_kind = kv_get(&r->form, "reporter_kind"),
	    .reporter_name = kv_get(&r->form, "reporter_name"),
	    .reporter_organisation = kv_get(&r->form, "organisation"),
	    .reporter_profession = kv_get(&r->form, "profession"),
	    .reporter_phone = kv_get(&r->form, "phone"),
	    .reporter_email = kv_get(&r->form, "email"),
	    .concern = kv_get(&r->form, "concern"),
	    .registered_by = &who,
	};
	char receipt[REPORT_RECEIPT_LEN + 1];
	int64_t case_id = 0;
	const char *why = NULL;
	err = report_submit(r->db, &r->arena, &rn, (int64_t)time(NULL), receipt,
			    &case_id, &why);
	if (err == NARA_EINVAL)
		return render(r, &s, &who, why ? why : "report.error.concern");
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	tv_set(v, "receipt", arena_strdup(&r->arena, receipt));
	tv_setf(v, "case_id", "%lld", (long long)case_id);
	return page_render(r, "report_registered", v,
			   i18n_get(r->lang, "report_new.done_title"));
}
