/*
 * A case handed over when a person moves (DOMAIN.md R3.4): the sending
 * officer's form at /arbete/arende/{id}/overlamna (which parts go, the
 * disclosure decision), and the receiving reception's list and package at
 * /arbete/overlamningar (accept into a new case, or decline with a
 * reason). The rules are domain/handover.c's; this file parses and
 * renders.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/agreement.h"
#include "domain/case.h"
#include "domain/document.h"
#include "domain/handover.h"
#include "domain/journal.h"
#include "web/auth.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/web.h"

static const char *state_text(struct req *r, const char *state)
{
	return casework_text(r, "handover.state", state);
}

static void summary_vars(struct req *r, struct tvars *t,
			 const struct handover_summary *s)
{
	tv_setf(t, "id", "%lld", (long long)s->id);
	tv_set(t, "from", s->from_municipality);
	tv_set(t, "to", s->to_municipality);
	tv_set(t, "matter", casework_text(r, "matter", s->matter));
	tv_set(t, "state", state_text(r, s->state));
	tv_set(t, "offered_at", web_date(r, s->offered_at));
	if (s->answered_at)
		tv_set(t, "answered_at", web_date(r, s->answered_at));
	tv_set(t, "answered_by", s->answered_by);
	tv_set(t, "decline_reason", s->decline_reason);
	if (strcmp(s->state, "offered") == 0)
		tv_set(t, "offered", "1");
}

/* ---- the sending officer ---- */

static enum nara_err render_offer(struct req *r, const struct session *s,
				  const struct actor *who, int64_t case_id,
				  const char *error, int posted,
				  const char *withdraw_error)
{
	int64_t now = (int64_t)time(NULL);
	struct case_view c;
	enum nara_err err = case_read(r->db, &r->arena, who, case_id, now, &c);
	if (err != NARA_OK)
		return err;
	struct document_info *docs;
	size_t ndocs;
	if ((err = document_list_for(r->db, &r->arena, who, case_id, now, &docs,
				     &ndocs)) != NARA_OK)
		return err;
	struct handover_summary *earlier;
	size_t nearlier;
	if ((err = handover_of_case(r->db, &r->arena, who, case_id, &earlier,
				    &nearlier)) != NARA_OK)
		return err;
	struct agreement_party *m;
	size_t nm;
	if ((err = agreement_municipalities(r->db, &r->arena, &m, &nm)) !=
	    NARA_OK)
		return err;

	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	tv_setf(v, "case_id", "%lld", (long long)case_id);
	tv_setf(v, "version", "%lld", (long long)c.s.version);
	tv_set(v, "reference", c.s.reference);
	tv_set(v, "person", c.s.person_name);
	if (c.s.state == CS_CLOSED)
		tv_set(v, "closed", "1");
	for (size_t i = 0; i < nearlier; i++) {
		struct tvars *t = tv_item(v, "earlier");
		summary_vars(r, t, &earlier[i]);
		tv_setf(t, "case_id", "%lld", (long long)case_id);
		tv_set(t, "csrf", s->csrf);
		if (strcmp(earlier[i].state, "offered") == 0) {
			tv_set(v, "pending", "1");
			/* A refused withdrawal keeps its text, with why. */
			if (withdraw_error != NULL) {
				tv_set(t, "withdraw_error",
				       i18n_get(r->lang, withdraw_error));
				tv_set(t, "withdraw_text",
				       kv_get(&r->form, "reason"));
			}
		}
	}
	int64_t to = posted ? casework_id(kv_get(&r->form, "to")) : 0;
	for (size_t i = 0; i < nm; i++) {
		if (m[i].id == c.s.municipality_id)
			continue;
		struct tvars *t = tv_item(v, "municipalities");
		tv_setf(t, "id", "%lld", (long long)m[i].id);
		tv_set(t, "name", m[i].name);
		if (m[i].id == to)
			tv_set(t, "selected", "1");
	}
	for (size_t i = 0; i < c.nnotes; i++) {
		const struct journal_note_view *n = &c.notes[i];
		struct tvars *t = tv_item(v, "notes");
		tv_setf(t, "id", "%lld", (long long)n->id);
		tv_set(t, "when", web_iso_datetime(r, n->written_at));
		tv_set(t, "author", n->author_label);
		tv_set(t, "body", n->body);
		if (n->visibility == VIS_WITHHELD) {
			tv_set(t, "withheld", "1");
			tv_set(t, "withheld_reason",
			       casework_text(
				   r, "withheld",
				   withheld_reason_name(n->withheld_reason)));
		}
		if (posted && casework_form_has(r, "note", n->id))
			tv_set(t, "checked", "1");
	}
	for (size_t i = 0; i < c.ndecisions; i++) {
		struct tvars *t = tv_item(v, "decisions");
		tv_setf(t, "id", "%lld", (long long)c.decisions[i].id);
		tv_set(t, "when", web_iso_date(r, c.decisions[i].decided_at));
		tv_set(t, "subject", c.decisions[i].subject);
		if (posted &&
		    casework_form_has(r, "decision", c.decisions[i].id))
			tv_set(t, "checked", "1");
	}
	for (size_t i = 0; i < ndocs; i++) {
		struct tvars *t = tv_item(v, "documents");
		tv_setf(t, "id", "%lld", (long long)docs[i].id);
		tv_set(t, "name", docs[i].filename);
		tv_set(t, "when", web_iso_date(r, docs[i].added_at));
		if (posted && casework_form_has(r, "document", docs[i].id))
			tv_set(t, "checked", "1");
	}
	if (posted) {
		if (kv_get(&r->form, "identity"))
			tv_set(v, "f_identity", "1");
		if (kv_get(&r->form, "application"))
			tv_set(v, "f_application", "1");
		if (kv_get(&r->form, "include_withheld"))
			tv_set(v, "f_include_withheld", "1");
		const char *basis = kv_get(&r->form, "legal_basis");
		if (basis && strcmp(basis, "consent") == 0)
			tv_set(v, "f_consent", "1");
		else if (basis && strcmp(basis, "transfer") == 0)
			tv_set(v, "f_transfer", "1");
		tv_set(v, "f_decided_by", kv_get(&r->form, "decided_by"));
		tv_set(v, "f_reasons", kv_get(&r->form, "reasons"));
	} else {
		tv_set(v, "f_identity", "1");
		tv_set(v, "f_application", "1");
	}
	if (error)
		tv_set(v, "error", i18n_get(r->lang, error));
	if (kv_get(&r->query, "skickat"))
		tv_set(v, "sent", "1");
	if (kv_get(&r->query, "aterkallad"))
		tv_set(v, "withdrawn", "1");
	return page_render(r, "handover_offer", v,
			   i18n_get(r->lang, "handover.offer_title"));
}

enum nara_err page_handover_offer_form(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 0, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	return render_offer(r, &c.s, &c.who, c.id, NULL, 0, NULL);
}

enum nara_err page_handover_offer(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 1, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	struct handover_offer o = {
	    .case_id = c.id,
	    .expected_version = casework_id(kv_get(&r->form, "version")),
	    .to_municipality_id = casework_id(kv_get(&r->form, "to")),
	    .identity = kv_get(&r->form, "identity") != NULL,
	    .application = kv_get(&r->form, "application") != NULL,
	    .include_withheld = kv_get(&r->form, "include_withheld") != NULL,
	    .legal_basis = kv_get(&r->form, "legal_basis"),
	    .decided_by = kv_get(&r->form, "decided_by"),
	    .reasons = kv_get(&r->form, "reasons"),
	};
	int64_t *ids;
	o.nnotes = casework_form_ids(r, "note", &ids, HANDOVER_MAX_PARTS);
	o.notes = ids;
	o.ndecisions =
	    casework_form_ids(r, "decision", &ids, HANDOVER_MAX_PARTS);
	o.decisions = ids;
	o.ndocuments =
	    casework_form_ids(r, "document", &ids, HANDOVER_MAX_PARTS);
	o.documents = ids;
	int64_t id = 0;
	const char *why = NULL;
	err = handover_offer(r->db, &r->arena, &c.who, &o, (int64_t)time(NULL),
			     &id, &why);
	if (why != NULL) {
		r->resp.status = err == NARA_ECONFLICT ? 409 : 400;
		return render_offer(r, &c.s, &c.who, c.id, why, 1, NULL);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena,
				   "/arbete/arende/%lld/overlamna?skickat=1",
				   (long long)c.id));
	return NARA_OK;
}

/* The sending officer takes an unanswered offer back, with a reason. */
enum nara_err page_handover_withdraw(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 1, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	int64_t id = casework_param_id(r, 1);
	if (id == 0)
		return NARA_ENOTFOUND;
	const char *why = NULL;
	err = handover_withdraw(r->db, &r->arena, &c.who, c.id, id,
				kv_get(&r->form, "reason"), (int64_t)time(NULL),
				&why);
	if (err == NARA_EINVAL && why != NULL) {
		r->resp.status = 400;
		return render_offer(r, &c.s, &c.who, c.id, NULL, 0, why);
	}
	if (err == NARA_ECONFLICT && why != NULL) {
		r->resp.status = 409;
		return render_offer(r, &c.s, &c.who, c.id, why, 0, NULL);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena,
				   "/arbete/arende/%lld/overlamna?aterkallad=1",
				   (long long)c.id));
	return NARA_OK;
}

/* ---- the receiving reception ---- */

enum nara_err page_handovers(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	struct handover_summary *list;
	size_t n;
	if ((err = handover_incoming(r->db, &r->arena, &who, &list, &n)) !=
	    NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	tv_set(v, "municipality", who.municipality_name);
	for (size_t i = 0; i < n; i++) {
		struct tvars *t = tv_item(
		    v, strcmp(list[i].state, "offered") == 0 ? "incoming"
							     : "answered");
		summary_vars(r, t, &list[i]);
		if (list[i].new_case_id)
			tv_setf(t, "new_case", "%lld",
				(long long)list[i].new_case_id);
	}
	if (kv_get(&r->query, "avbojt"))
		tv_set(v, "declined", "1");
	return page_render(r, "handovers", v,
			   i18n_get(r->lang, "handover.incoming_title"));
}

static enum nara_err render_package(struct req *r, const struct session *s,
				    const struct actor *who, int64_t id,
				    const char *error, const char *which)
{
	struct handover_view h;
	enum nara_err err = handover_open(r->db, &r->arena, who, id, &h);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	summary_vars(r, v, &h.s);
	tv_set(v, "basis", casework_text(r, "handover.basis", h.s.legal_basis));
	tv_set(v, "decided_by", h.decided_by);
	tv_set(v, "reasons", h.reasons);
	tv_set(v, "offered_by", h.offered_by);
	if (h.has_identity) {
		tv_set(v, "has_identity", "1");
		tv_set(v, "person",
		       arena_printf(&r->arena, "%s %s", h.given_name,
				    h.family_name));
		tv_set(v, "pnr", h.personnummer);
		if (h.protected_identity)
			tv_set(v, "protected", "1");
	}
	for (size_t i = 0; i < h.nparts; i++) {
		const struct handover_part_view *p = &h.parts[i];
		struct tvars *t = tv_item(v, "parts");
		tv_set(t, "kind", casework_text(r, "handover.part", p->kind));
		tv_set(t, "title", p->title);
		tv_set(t, "author", p->author_label);
		tv_set(t, "when", web_iso_datetime(r, p->written_at));
		tv_set(t, "body", p->body);
		if (strcmp(p->visibility, "withheld") == 0) {
			tv_set(t, "withheld", "1");
			tv_set(
			    t, "withheld_reason",
			    casework_text(r, "withheld", p->withheld_reason));
		}
	}
	if (h.s.new_case_id)
		tv_setf(v, "new_case", "%lld", (long long)h.s.new_case_id);
	if (strcmp(h.s.state, "offered") == 0) {
		struct handover_unit *units;
		size_t nu;
		if ((err = handover_units(r->db, &r->arena, who, &units,
					  &nu)) != NARA_OK)
			return err;
		for (size_t i = 0; i < nu; i++) {
			struct tvars *t = tv_item(v, "units");
			tv_setf(t, "uid", "%lld", (long long)units[i].id);
			tv_set(t, "name", units[i].name);
		}
	}
	if (error) {
		tv_set(v, "error", i18n_get(r->lang, error));
		tv_set(v,
		       strcmp(which, "decline") == 0 ? "error_decline"
						     : "error_accept",
		       "1");
	}
	return page_render(r, "handover", v,
			   i18n_get(r->lang, "handover.package_title"));
}

/*
 * After accept or decline: with why, the package again with the error at
 * `which` (409 when it changed meanwhile, else 400); else err, or on to
 * next.
 */
static enum nara_err package_answer(struct req *r, const struct session *s,
				    const struct actor *who, int64_t id,
				    enum nara_err err, const char *why,
				    const char *which, const char *next)
{
	if (why != NULL) {
		r->resp.status = err == NARA_ECONFLICT ? 409 : 400;
		return render_package(r, s, who, id, why, which);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, next);
	return NARA_OK;
}

enum nara_err page_handover(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 0, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	return render_package(r, &c.s, &c.who, c.id, NULL, NULL);
}

enum nara_err page_handover_accept(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 1, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	int64_t new_case = 0;
	const char *why = NULL;
	err = handover_accept(r->db, &r->arena, &c.who, c.id,
			      casework_id(kv_get(&r->form, "unit")),
			      (int64_t)time(NULL), &new_case, &why);
	return package_answer(r, &c.s, &c.who, c.id, err, why, "accept",
			      arena_printf(&r->arena, "/arbete/arende/%lld",
					   (long long)new_case));
}

enum nara_err page_handover_decline(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 1, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	const char *why = NULL;
	err = handover_decline(r->db, &r->arena, &c.who, c.id,
			       kv_get(&r->form, "reason"), (int64_t)time(NULL),
			       &why);
	return package_answer(r, &c.s, &c.who, c.id, err, why, "decline",
			      "/arbete/overlamningar?avbojt=1");
}
