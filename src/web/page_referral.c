/*
 * Referrals to shared units and the person's consents (DOMAIN.md R3.2,
 * R3.3; src/domain/referral.h):
 *
 *   /arbete/arende/{id}/remiss     the case officer refers the case: the
 *                                  shared unit, what is asked, the parts
 *                                  disclosed and the legal basis; and the
 *                                  case's referrals with their state now
 *   /arbete/remisser               the shared unit's inbox: what is asked,
 *                                  by which municipality, nothing personal
 *   /arbete/remisser/{id}          one referral: accept or decline; once
 *                                  accepted, the disclosed parts while the
 *                                  basis holds, and a note written for the
 *                                  responsible committee
 *   /mina-sidor/samtycken          the person's consents: give one asked
 *                                  for, withdraw one given
 *
 * Every form posts with the session's CSRF token and redirects to a page
 * (post/redirect/get); a form with an error is shown again with what was
 * typed and the message at its field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/journal.h"
#include "domain/referral.h"
#include "web/auth.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/mycase.h"
#include "web/web.h"

enum { DEFAULT_CONSENT_DAYS = 90 };

static const char *t(struct req *r, const char *key)
{
	return i18n_get(r->lang, key);
}

static const char *word(struct req *r, const char *prefix, const char *name)
{
	char *key = arena_printf(&r->arena, "%s.%s", prefix, name);
	return key && i18n_has(key) ? t(r, key) : name;
}

/* "Identitet, kontaktuppgifter" */
static const char *parts_words(struct req *r, unsigned parts)
{
	const char *s = "";
	for (size_t i = 0; i < REFERRAL_NPARTS; i++)
		if (parts & referral_parts[i].bit)
			s = arena_printf(
			    &r->arena, "%s%s%s", s, s[0] ? ", " : "",
			    word(r, "ref.part", referral_parts[i].name));
	return s ? s : "";
}

static const char *basis_words(struct req *r, const struct referral_view *v)
{
	if (strcmp(v->basis, "statutory") == 0)
		return arena_printf(&r->arena, "%s: %s%s%s",
				    t(r, "ref.basis.statutory"), v->ground_law,
				    v->ground_note[0] ? ". " : "",
				    v->ground_note);
	return arena_printf(&r->arena, "%s (%s)", t(r, "ref.basis.consent"),
			    word(r, "consent.status", v->consent_status));
}

static void view_vars(struct req *r, struct tvars *item,
		      const struct referral_view *v)
{
	tv_setf(item, "id", "%lld", (long long)v->id);
	tv_set(item, "status", word(r, "ref.status", v->status));
	tv_set(item, "asked", v->asked);
	tv_set(item, "municipality", v->municipality_name);
	tv_set(item, "unit", v->unit_name);
	tv_set(item, "host", v->host_name);
	tv_set(item, "agreement", v->agreement_name);
	tv_set(item, "parts", parts_words(r, v->parts));
	tv_set(item, "basis", basis_words(r, v));
	tv_set(item, "created", web_date(r, v->created_at));
	tv_set(item, "created_iso", web_iso_date(r, v->created_at));
	tv_set(item, "access",
	       word(r, "ref.access",
		    v->access == REFERRAL_OPEN ? "open"
		    : strcmp(v->status, "accepted") == 0 ||
			    strcmp(v->status, "ended") == 0
			? "closed"
			: "none"));
	if (v->decline_reason[0])
		tv_set(item, "decline_reason", v->decline_reason);
	if (strcmp(v->status, "pending") == 0)
		tv_set(item, "pending", "1");
	/* Either side may end it (the committee also before an answer). */
	if (strcmp(v->status, "pending") == 0 ||
	    strcmp(v->status, "accepted") == 0)
		tv_set(item, "can_end", "1");
	if (v->ended_at != 0) {
		tv_set(item, "ended", web_date(r, v->ended_at));
		tv_set(item, "ended_iso", web_iso_date(r, v->ended_at));
		tv_set(item, "ended_by", v->ended_by_label);
		tv_set(item, "end_reason", v->end_reason);
	}
}

/* ---- the officer's form ---- */

struct ref_form {
	const char *error, *field; /* catalogue key, id of the field */
	int64_t end_id;		   /* a refused end: of this referral */
};

static enum nara_err render_new(struct req *r, const struct session *s,
				const struct actor *who, int64_t case_id,
				const struct ref_form *f)
{
	int64_t now = (int64_t)time(NULL);
	struct referral_view *list;
	size_t n;
	enum nara_err err = referral_list_for_case(r->db, &r->arena, who,
						   case_id, now, &list, &n);
	if (err != NARA_OK)
		return err;
	struct referral_unit *units;
	size_t nunits;
	err = referral_units(r->db, &r->arena, case_id, now, &units, &nunits);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	tv_setf(v, "case_id", "%lld", (long long)case_id);
	const char *chosen_unit = kv_get(&r->form, "enhet");
	for (size_t i = 0; i < nunits; i++) {
		struct tvars *u = tv_item(v, "units");
		tv_setf(u, "id", "%lld", (long long)units[i].id);
		tv_set(u, "name", units[i].name);
		tv_set(u, "host", units[i].host_name);
		tv_set(u, "agreement", units[i].agreement_name);
		if (chosen_unit && atoll(chosen_unit) == units[i].id)
			tv_set(u, "selected", "1");
	}
	if (nunits == 0)
		tv_set(v, "no_units", "1");
	for (size_t i = 0; i < REFERRAL_NPARTS; i++) {
		struct tvars *p = tv_item(v, "parts");
		tv_set(p, "name", referral_parts[i].name);
		tv_set(p, "label", word(r, "ref.part", referral_parts[i].name));
		char *field =
		    arena_printf(&r->arena, "del_%s", referral_parts[i].name);
		/* A new form proposes identity, contact and the matter. */
		if (f == NULL ? (referral_parts[i].bit &
				 (PART_IDENTITY | PART_CONTACT | PART_MATTER))
			      : kv_get(&r->form, field) != NULL)
			tv_set(p, "checked", "1");
	}
	const char *ground = kv_get(&r->form, "lag");
	for (size_t i = 0; i < referral_ngrounds; i++) {
		struct tvars *g = tv_item(v, "grounds");
		tv_set(g, "key", referral_grounds[i].key);
		tv_set(g, "law", referral_grounds[i].law);
		tv_set(g, "text",
		       word(r, "ref.ground", referral_grounds[i].key));
		if (ground && strcmp(ground, referral_grounds[i].key) == 0)
			tv_set(g, "selected", "1");
	}
	const char *basis = kv_get(&r->form, "grund");
	if (basis == NULL)
		basis = "meeting";
	tv_set(v,
	       strcmp(basis, "ask") == 0	 ? "basis_ask"
	       : strcmp(basis, "statutory") == 0 ? "basis_statutory"
						 : "basis_meeting",
	       "1");
	const char *until = kv_get(&r->form, "giltig_till");
	tv_set(v, "until",
	       until ? until
		     : web_iso_date(r, now + DEFAULT_CONSENT_DAYS * 86400));
	tv_set(v, "asked", kv_get(&r->form, "fraga"));
	tv_set(v, "ground_note", kv_get(&r->form, "lag_not"));
	for (size_t i = 0; i < n; i++) {
		struct tvars *item = tv_item(v, "referrals");
		view_vars(r, item, &list[i]);
		tv_set(item, "csrf", s->csrf);
		tv_setf(item, "case_id", "%lld", (long long)case_id);
		if (f != NULL && f->end_id == list[i].id) {
			tv_set(item, "end_error", t(r, f->error));
			tv_set(item, "end_text",
			       kv_get(&r->form, "avslut_skal"));
		}
	}
	const char *saved = kv_get(&r->query, "sparat");
	if (saved != NULL)
		tv_set(v, "saved",
		       t(r, strcmp(saved, "ended") == 0 ? "ref.saved.ended"
							: "ref.new.saved"));
	if (f != NULL && f->end_id != 0) {
		r->resp.status = 400;
	} else if (f != NULL) {
		tv_set(v, "error", t(r, f->error));
		tv_set(v, "error_field", f->field);
		tv_set(v, arena_printf(&r->arena, "error_%s", f->field), "1");
		r->resp.status = 400;
	}
	return page_render(r, "referral_new", v, t(r, "ref.new.title"));
}

enum nara_err page_referral_new(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 0, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	return render_new(r, &c.s, &c.who, c.id, NULL);
}

/* The form's field that holds the error, for the link in the summary. */
static const char *field_of(const char *why)
{
	static const struct {
		const char *why, *field;
	} map[] = {{"ref.error.asked", "fraga"},
		   {"ref.error.parts", "del_identity"},
		   {"ref.error.until", "giltig_till"},
		   {"ref.error.ground", "lag"},
		   {"ref.error.unit", "enhet"},
		   {"ref.error.no_agreement", "enhet"},
		   {"ref.error.no_person", "grund-meeting"},
		   {"ref.error.basis", "grund-meeting"}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].why, why) == 0)
			return map[i].field;
	return "fraga";
}

enum nara_err page_referral_create(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err == NARA_OK && redirected)
		return NARA_EDENIED;
	if (err != NARA_OK)
		return err;
	if (!session_csrf_ok(&s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	int64_t id = casework_param_id(r, 0);
	if (id == 0)
		return NARA_ENOTFOUND;
	int64_t now = (int64_t)time(NULL);
	const char *basis = kv_get(&r->form, "grund");
	const char *unit = kv_get(&r->form, "enhet");
	const char *until = kv_get(&r->form, "giltig_till");
	struct referral_new n = {
	    .case_id = id,
	    .unit_id = unit ? atoll(unit) : 0,
	    .asked = kv_get(&r->form, "fraga"),
	    .basis = basis && strcmp(basis, "statutory") == 0 ? BASIS_STATUTORY
							      : BASIS_CONSENT,
	    .consent_mode = basis && strcmp(basis, "ask") == 0
				? CONSENT_ASK_PERSON
				: CONSENT_GIVEN_IN_MEETING,
	    .consent_until = until ? web_parse_date(until, 1) : 0,
	    .ground = kv_get(&r->form, "lag"),
	    .ground_note = kv_get(&r->form, "lag_not"),
	};
	for (size_t i = 0; i < REFERRAL_NPARTS; i++) {
		char *field =
		    arena_printf(&r->arena, "del_%s", referral_parts[i].name);
		if (field && kv_get(&r->form, field) != NULL)
			n.parts |= referral_parts[i].bit;
	}
	int64_t ref_id = 0;
	const char *why = NULL;
	err = referral_create(r->db, &r->arena, &who, &n, now, &ref_id, &why);
	if ((err == NARA_EINVAL || err == NARA_ENOTFOUND) && why != NULL) {
		struct ref_form f = {.error = why, .field = field_of(why)};
		return render_new(r, &s, &who, id, &f);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena,
				   "/arbete/arende/%lld/remiss?sparat=1",
				   (long long)id));
	return NARA_OK;
}

/* ---- the shared unit ---- */

enum nara_err page_referral_inbox(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	struct referral_view *list;
	size_t n;
	err = referral_inbox(r->db, &r->arena, &who, (int64_t)time(NULL), &list,
			     &n);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	for (size_t i = 0; i < n; i++)
		view_vars(r, tv_item(v, "referrals"), &list[i]);
	if (n == 0)
		tv_set(v, "empty", "1");
	const char *saved = kv_get(&r->query, "sparat");
	if (saved != NULL && strcmp(saved, "ended") == 0)
		tv_set(v, "saved", t(r, "ref.saved.ended"));
	return page_render(r, "referral_inbox", v, t(r, "ref.inbox.title"));
}

static enum nara_err render_one(struct req *r, const struct session *s,
				const struct actor *who, int64_t id,
				const char *form_error, const char *field)
{
	struct referral_file f;
	const char *why = NULL;
	enum nara_err err = referral_read(r->db, &r->arena, who, id,
					  (int64_t)time(NULL), &f, &why);
	if (err != NARA_OK && err != NARA_EDENIED)
		return err;
	if (err == NARA_EDENIED && f.r.id == 0)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	view_vars(r, v, &f.r);
	if (err == NARA_EDENIED) {
		/* Closed: the basis ended; say why, show nothing personal. */
		tv_set(v, "closed", t(r, why ? why : "ref.closed.other"));
		r->resp.status = 403;
	}
	if (f.open) {
		tv_set(v, "open", "1");
		if (f.parts & PART_IDENTITY) {
			tv_set(v, "identity", "1");
			tv_set(v, "name",
			       arena_printf(&r->arena, "%s %s", f.given_name,
					    f.family_name));
			tv_set(v, "pnr",
			       arena_printf(&r->arena, "%.8s-%s",
					    f.personnummer,
					    strlen(f.personnummer) > 8
						? f.personnummer + 8
						: ""));
		}
		if (f.parts & PART_CONTACT) {
			tv_set(v, "contact", "1");
			if (f.address_withheld)
				tv_set(v, "address_withheld", "1");
			else {
				tv_set(v, "address",
				       arena_printf(&r->arena, "%s, %s %s",
						    f.address, f.postal_code,
						    f.city));
				tv_set(v, "phone", f.phone);
				tv_set(v, "email", f.email);
			}
		}
		if (f.parts & PART_MATTER) {
			tv_set(v, "matter_part", "1");
			tv_set(v, "reference", f.reference);
			tv_set(v, "kind", casework_text(r, "casekind", f.kind));
			tv_set(v, "matter",
			       casework_text(r, "matter", f.matter));
			tv_set(v, "case_state",
			       casework_text(r, "state", f.case_state));
		}
		if (f.parts & PART_JOURNAL) {
			tv_set(v, "journal", "1");
			for (size_t i = 0; i < f.nnotes; i++) {
				struct tvars *nv = tv_item(v, "notes");
				tv_set(nv, "written",
				       web_datetime(r, f.notes[i].written_at));
				tv_set(
				    nv, "written_iso",
				    web_iso_datetime(r, f.notes[i].written_at));
				tv_set(nv, "author", f.notes[i].author_label);
				tv_set(nv, "body", f.notes[i].body);
			}
		}
		if (f.parts & PART_DECISIONS) {
			tv_set(v, "decisions_part", "1");
			for (size_t i = 0; i < f.ndecisions; i++) {
				struct tvars *d = tv_item(v, "decisions");
				tv_set(d, "date",
				       web_date(r, f.decisions[i].decided_at));
				tv_set(d, "outcome",
				       casework_text(r, "outcome",
						     f.decisions[i].outcome));
				tv_set(d, "subject", f.decisions[i].subject);
				tv_set(d, "content", f.decisions[i].content);
				tv_set(d, "reasons", f.decisions[i].reasons);
			}
		}
	}
	if (f.open && f.family_peace) {
		tv_set(v, "family_peace", "1");
		if (f.where.present) {
			tv_set(v, "where", "1");
			tv_set(v, "where_address", f.where.address);
			tv_set(v, "where_postal_code", f.where.postal_code);
			tv_set(v, "where_phone", f.where.phone);
			tv_set(v, "where_note", f.where.note);
			tv_set(v, "where_recorded",
			       web_datetime(r, f.where.recorded_at));
			tv_set(v, "where_by", f.where.recorded_by);
		}
	}
	if (kv_get(&r->query, "sparat") != NULL)
		tv_set(v, "saved",
		       word(r, "ref.saved", kv_get(&r->query, "sparat")));
	if (form_error != NULL) {
		tv_set(v, "form_error", t(r, form_error));
		tv_set(v, arena_printf(&r->arena, "error_%s", field), "1");
		tv_set(v, "reason", kv_get(&r->form, "skal"));
		tv_set(v, "note_text", kv_get(&r->form, "text"));
		tv_set(v, "end_text", kv_get(&r->form, "avslut_skal"));
		tv_set(v, "where_form_address", kv_get(&r->form, "adress"));
		tv_set(v, "where_form_postal", kv_get(&r->form, "postnummer"));
		tv_set(v, "where_form_phone", kv_get(&r->form, "telefon"));
		tv_set(v, "where_form_note", kv_get(&r->form, "vistelse_not"));
		r->resp.status = 400;
	}
	return page_render(
	    r, "referral_one", v,
	    i18n_format(r, "ref.one.title", f.r.municipality_name));
}

enum nara_err page_referral(struct req *r)
{
	struct staff_item c;
	enum nara_err err = web_require_staff_item(r, 0, &c);
	if (err != NARA_OK || c.redirected)
		return err;
	return render_one(r, &c.s, &c.who, c.id, NULL, NULL);
}

static enum nara_err staff_form(struct req *r, struct session *s,
				struct actor *who, int64_t *id)
{
	int redirected;
	enum nara_err err = web_require(r, "staff", s, who, &redirected);
	if (err == NARA_OK && redirected)
		return NARA_EDENIED;
	if (err == NARA_OK && !session_csrf_ok(s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	if (err == NARA_OK && (*id = casework_param_id(r, 0)) == 0)
		return NARA_ENOTFOUND;
	return err;
}

enum nara_err page_referral_answer(struct req *r)
{
	struct session s;
	struct actor who;
	int64_t id = 0;
	enum nara_err err = staff_form(r, &s, &who, &id);
	if (err != NARA_OK)
		return err;
	const char *answer = kv_get(&r->form, "svar");
	int accept = answer && strcmp(answer, "ja") == 0;
	const char *why = NULL;
	err = referral_answer(r->db, &who, id, accept, kv_get(&r->form, "skal"),
			      (int64_t)time(NULL), &why);
	if ((err == NARA_EINVAL || err == NARA_ECONFLICT) && why != NULL)
		return render_one(r, &s, &who, id, why, "skal");
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena, "/arbete/remisser/%lld?sparat=%s",
				   (long long)id,
				   accept ? "accepted" : "declined"));
	return NARA_OK;
}

/*
 * The answer to a form the centre's staff sent on the referral's page:
 * the page again with the error at field, or as it stands now when the
 * referral has closed (403, it says why), or back to the saved part.
 */
static enum nara_err answer_form(struct req *r, struct session *s,
				 struct actor *who, int64_t id,
				 enum nara_err err, const char *why,
				 const char *field, const char *saved)
{
	if (err == NARA_EINVAL && why != NULL)
		return render_one(r, s, who, id, why, field);
	if (err == NARA_EDENIED && why != NULL) {
		err = render_one(r, s, who, id, NULL, NULL);
		r->resp.status = 403;
		return err;
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena, "/arbete/remisser/%lld?sparat=%s",
				   (long long)id, saved));
	return NARA_OK;
}

enum nara_err page_referral_note(struct req *r)
{
	struct session s;
	struct actor who;
	int64_t id = 0;
	enum nara_err err = staff_form(r, &s, &who, &id);
	if (err != NARA_OK)
		return err;
	int64_t note = 0;
	const char *why = NULL;
	err = referral_note(r->db, &who, id, kv_get(&r->form, "text"),
			    (int64_t)time(NULL), &note, &why);
	return answer_form(r, &s, &who, id, err, why, "text", "note#journal");
}

/* Where the person stays, at a family-peace centre (R4.4). */
enum nara_err page_referral_whereabouts(struct req *r)
{
	struct session s;
	struct actor who;
	int64_t id = 0;
	enum nara_err err = staff_form(r, &s, &who, &id);
	if (err != NARA_OK)
		return err;
	const struct whereabouts_new w = {
	    .address = kv_get(&r->form, "adress"),
	    .postal_code = kv_get(&r->form, "postnummer"),
	    .phone = kv_get(&r->form, "telefon"),
	    .note = kv_get(&r->form, "vistelse_not"),
	};
	const char *why = NULL;
	err = referral_whereabouts_record(r->db, &who, id, &w,
					  (int64_t)time(NULL), &why);
	return answer_form(r, &s, &who, id, err, why, "adress",
			   "where#vistelse");
}

/* ---- ending a referral (R3.2): either side ---- */

/* The unit ends it from the referral's page; back to the inbox. */
enum nara_err page_referral_end(struct req *r)
{
	struct session s;
	struct actor who;
	int64_t id = 0;
	enum nara_err err = staff_form(r, &s, &who, &id);
	if (err != NARA_OK)
		return err;
	const char *why = NULL;
	err = referral_end(r->db, &who, 0, id, kv_get(&r->form, "avslut_skal"),
			   (int64_t)time(NULL), &why);
	if ((err == NARA_EINVAL || err == NARA_ECONFLICT) && why != NULL)
		return render_one(r, &s, &who, id, why, "avslut_skal");
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, "/arbete/remisser?sparat=ended");
	return NARA_OK;
}

/* The committee's officer ends it from the case's referral list. */
enum nara_err page_referral_end_case(struct req *r)
{
	struct session s;
	struct actor who;
	int64_t case_id = 0;
	enum nara_err err = staff_form(r, &s, &who, &case_id);
	if (err != NARA_OK)
		return err;
	int64_t id = casework_param_id(r, 1);
	if (id == 0)
		return NARA_ENOTFOUND;
	const char *why = NULL;
	err = referral_end(r->db, &who, case_id, id,
			   kv_get(&r->form, "avslut_skal"), (int64_t)time(NULL),
			   &why);
	if ((err == NARA_EINVAL || err == NARA_ECONFLICT) && why != NULL) {
		struct ref_form f = {.error = why, .field = "", .end_id = id};
		return render_new(r, &s, &who, case_id, &f);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena,
				   "/arbete/arende/%lld/remiss?sparat=ended",
				   (long long)case_id));
	return NARA_OK;
}

/* ---- the person's consents ---- */

enum nara_err page_consents(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	int64_t now = (int64_t)time(NULL);
	struct consent_view *list;
	size_t n;
	err = consent_list_own(r->db, &r->arena, &who, now, &list, &n);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	for (size_t i = 0; i < n; i++) {
		struct tvars *c = tv_item(v, "consents");
		tv_setf(c, "id", "%lld", (long long)list[i].id);
		tv_set(c, "unit", list[i].unit_name);
		tv_set(c, "host", list[i].host_name);
		tv_set(c, "municipality", list[i].municipality_name);
		tv_set(c, "purpose", list[i].purpose);
		tv_set(c, "parts", parts_words(r, list[i].scope));
		tv_set(c, "until", web_date(r, list[i].valid_until));
		tv_set(c, "until_iso", web_iso_date(r, list[i].valid_until));
		tv_set(c, "status", word(r, "consent.status", list[i].status));
		if (strcmp(list[i].status, "given") == 0)
			tv_set(c, "can_withdraw", "1");
		if (strcmp(list[i].status, "requested") == 0)
			tv_set(c, "can_give", "1");
		if (list[i].withdrawn_at != 0)
			tv_set(c, "withdrawn",
			       web_date(r, list[i].withdrawn_at));
		/* Where the referral stands, so the person can follow it. */
		if (list[i].referral_status[0] != '\0')
			tv_set(c, "referral",
			       word(r, "consent.referral",
				    list[i].referral_status));
		if (list[i].referral_answered_at != 0)
			tv_set(c, "referral_when",
			       web_date(r, list[i].referral_answered_at));
	}
	if (n == 0)
		tv_set(v, "empty", "1");
	const char *done = kv_get(&r->query, "sparat");
	if (done != NULL && strcmp(done, "unchanged") == 0)
		tv_set(v, "unchanged", t(r, "consent.error.unchanged"));
	else if (done != NULL)
		tv_set(v, "saved", word(r, "consent.saved", done));
	return page_render(r, "consents", v, t(r, "consent.title"));
}

static enum nara_err consent_form(struct req *r, int withdraw)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err == NARA_OK && redirected)
		return NARA_EDENIED;
	if (err != NARA_OK)
		return err;
	if (!session_csrf_ok(&s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	int64_t id = casework_param_id(r, 0);
	if (id == 0)
		return NARA_ENOTFOUND;
	int64_t now = (int64_t)time(NULL);
	err = withdraw ? consent_withdraw_own(r->db, &who, id, now)
		       : consent_give_own(r->db, &who, id, now);
	/*
	 * Already withdrawn, given or past its end: nothing changed, and the
	 * page says so next to how it stands.
	 */
	if (err != NARA_OK && err != NARA_ECONFLICT)
		return err;
	resp_redirect(r, 303,
		      err == NARA_ECONFLICT
			  ? "/mina-sidor/samtycken?sparat=unchanged"
		      : withdraw ? "/mina-sidor/samtycken?sparat=withdrawn"
				 : "/mina-sidor/samtycken?sparat=given");
	return NARA_OK;
}

enum nara_err page_consent_withdraw(struct req *r)
{
	return consent_form(r, 1);
}

enum nara_err page_consent_give(struct req *r)
{
	return consent_form(r, 0);
}
