/*
 * The citizen's meetings (/mina-sidor/moten): the list, booking (whom to
 * meet, how, when, an interpreter), one meeting with its calendar file,
 * rebooking, cancelling and accepting a time staff proposed. Every form
 * works without JavaScript; a time someone else just took is said in
 * plain words with the page shown again (409).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "domain/booking.h"
#include "policy/clock.h"
#include "web/auth.h"
#include "web/booking_page.h"
#include "web/format.h"
#include "web/web.h"

/* Shared words --------------------------------------------------------- */

const char *booking_kind_word(struct req *r, enum booking_kind k)
{
	char key[40];
	snprintf(key, sizeof(key), "booking.kind.%s", booking_kind_name(k));
	return i18n_get(r->lang, key);
}

const char *booking_language_word(struct req *r, const char *code)
{
	char key[40];
	snprintf(key, sizeof(key), "booking.language.%s", code);
	return i18n_has(key) ? i18n_get(r->lang, key) : code;
}

static int weekday_of(int64_t t)
{
	struct civil_date d = clock_local_date(t);
	int64_t days = civil_to_days(d);
	int64_t w = ((days + 3) % 7 + 7) % 7;
	return (int)w + 1;
}

const char *booking_when(struct req *r, int64_t t)
{
	char key[32];
	snprintf(key, sizeof(key), "booking.weekday.%d", weekday_of(t));
	const char *s = arena_printf(&r->arena, "%s %s", i18n_get(r->lang, key),
				     web_datetime(r, t));
	return s ? s : "";
}

/* A positive number in canonical form: digits, no leading zero, no sign. */
static int canonical_number(const char *s, size_t n, int64_t *out)
{
	if (n == 0 || n > 18 || s[0] == '0')
		return 0;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

int booking_parse_slot(const char *s, int64_t *availability_id,
		       int64_t *starts_at)
{
	if (s == NULL)
		return 0;
	const char *dash = strchr(s, '-');
	if (dash == NULL)
		return 0;
	int64_t a, t;
	if (!canonical_number(s, (size_t)(dash - s), &a) ||
	    !canonical_number(dash + 1, strlen(dash + 1), &t))
		return 0;
	*availability_id = a;
	*starts_at = t;
	return 1;
}

size_t booking_slot_vars(struct req *r, struct tvars *v,
			 const struct booking_host_times *t,
			 const char *checked)
{
	for (size_t i = 0; i < t->nslots; i++) {
		struct tvars *item = tv_item(v, "slots");
		const char *value =
		    arena_printf(&r->arena, "%lld-%lld",
				 (long long)t->slots[i].availability_id,
				 (long long)t->slots[i].starts_at);
		tv_set(item, "value", value);
		tv_setf(item, "n", "%zu", i);
		tv_set(item, "label", booking_when(r, t->slots[i].starts_at));
		if (checked && value && strcmp(checked, value) == 0)
			tv_set(item, "checked", "1");
	}
	if (t->nslots == 0)
		tv_set(v, "no_slots", "1");
	if (t->kinds & 1)
		tv_set(v, "offer_office", "1");
	if (t->kinds & 2)
		tv_set(v, "offer_phone", "1");
	if (t->kinds & 4)
		tv_set(v, "offer_video", "1");
	return t->nslots;
}

void booking_language_vars(struct req *r, struct tvars *v,
			   const struct booking_host_times *t,
			   const char *selected)
{
	for (size_t i = 0; i < t->nlanguages; i++) {
		struct tvars *item = tv_item(v, "languages");
		tv_set(item, "code", t->languages[i]);
		tv_set(item, "name", booking_language_word(r, t->languages[i]));
		if (selected && strcmp(selected, t->languages[i]) == 0)
			tv_set(item, "selected", "1");
	}
}

/* Meeting rows --------------------------------------------------------- */

static void meeting_vars(struct req *r, struct tvars *item,
			 const struct booking_view *b)
{
	tv_setf(item, "id", "%lld", (long long)b->id);
	tv_set(item, "when", booking_when(r, b->starts_at));
	const char *until = web_iso_datetime(r, b->ends_at);
	tv_set(item, "until", strlen(until) > 11 ? until + 11 : until);
	tv_set(item, "kind", booking_kind_word(r, b->kind));
	tv_set(item, "unit", b->unit_name);
	tv_set(item, "municipality", b->municipality_name);
	tv_set(item, "staff", b->staff_name);
	tv_set(item, "person", b->person_name);
	tv_set(item, "reference", b->case_reference);
	tv_setf(item, "version", "%lld", (long long)b->version);
	if (b->interpreter_mode != INTERPRETER_NONE) {
		char key[48];
		snprintf(key, sizeof(key), "booking.mode.%s",
			 interpreter_mode_name(b->interpreter_mode));
		tv_set(item, "interpreter",
		       arena_printf(&r->arena, "%s, %s",
				    booking_language_word(r, b->interpreter_language),
				    i18n_get(r->lang, key)));
	}
	if (strcmp(b->state, "proposed") == 0) {
		tv_set(item, "proposed", "1");
		for (size_t i = 0; i < b->nproposals; i++) {
			struct tvars *p = tv_item(item, "proposals");
			tv_setf(p, "value", "%lld", (long long)b->proposals[i]);
			tv_setf(p, "n", "%zu", i);
			tv_set(p, "label", booking_when(r, b->proposals[i]));
		}
	}
	if (b->kind == BOOKING_VIDEO && strcmp(b->state, "booked") == 0)
		tv_set(item, "video", "1");
}

/*
 * The citizen of a page (*redirected: no session, a redirect to log in is
 * prepared) or of a form, whose CSRF token must match the session's.
 */
static enum nara_err require_citizen(struct req *r, struct session *s,
				     struct actor *who, int form,
				     int *redirected)
{
	enum nara_err err = web_require(r, "citizen", s, who, redirected);
	if (err == NARA_OK && form && *redirected)
		err = NARA_EDENIED; /* no session: a form cannot be sent */
	if (err == NARA_OK && form &&
	    !session_csrf_ok(s, kv_get(&r->form, "csrf")))
		err = NARA_EDENIED;
	return err;
}

static int64_t param_id(const struct req *r)
{
	if (r->nparams < 1 || r->params[0] == NULL)
		return 0;
	char *end;
	long long id = strtoll(r->params[0], &end, 10);
	return *end == '\0' && id > 0 ? id : 0;
}

enum nara_err page_booking_list(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected = 0;
	enum nara_err err = require_citizen(r, &s, &who, 0, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	struct booking_view *list;
	size_t n;
	err = booking_list_own(r->db, &r->arena, &who, (int64_t)time(NULL),
			       &list, &n);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	for (size_t i = 0; i < n; i++)
		meeting_vars(r, tv_item(v, strcmp(list[i].state, "proposed") == 0
					       ? "proposed_list"
					       : "meetings"),
			     &list[i]);
	const char *done = kv_get(&r->query, "klart");
	if (done && (strcmp(done, "avbokat") == 0))
		tv_set(v, "cancelled", "1");
	return page_render(r, "booking_list", v,
			   i18n_get(r->lang, "booking.list.title"));
}

/* The form of a new meeting, with what was chosen and what went wrong. */
struct book_form {
	const char *with; /* "unit-staff" */
	const char *kind, *slot, *language, *mode;
	const char *error;
};

static enum nara_err render_book(struct req *r, const struct session *s,
				 const struct actor *who,
				 const struct book_form *f)
{
	long long unit = 0, staff = -1;
	if (f->with)
		sscanf(f->with, "%lld-%lld", &unit, &staff);
	/* Hours, the chosen host's held time and the languages: one snapshot. */
	struct booking_host_times t;
	enum nara_err err =
	    booking_host_times(r->db, &r->arena, who, unit, staff,
			       (int64_t)time(NULL), BOOKING_PAGE_DAYS, 1, &t);
	if (err != NARA_OK)
		return err;
	const struct booking_availability_view *avail = t.avail;
	size_t navail = t.navail;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	/* Whom to meet: each officer or reception with hours, once. */
	int chosen = 0;
	const char *chosen_label = "";
	for (size_t i = 0; i < navail; i++) {
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++)
			seen = avail[k].unit_id == avail[i].unit_id &&
			       avail[k].staff_id == avail[i].staff_id;
		if (seen)
			continue;
		const char *label = arena_printf(
		    &r->arena, "%s, %s – %s", avail[i].unit_name,
		    avail[i].municipality_name,
		    avail[i].staff_id ? avail[i].staff_name
				      : i18n_get(r->lang, "booking.reception"));
		struct tvars *item = tv_item(v, "hosts");
		tv_setf(item, "with", "%lld-%lld", (long long)avail[i].unit_id,
			(long long)avail[i].staff_id);
		tv_set(item, "label", label);
		if (avail[i].unit_id == unit && avail[i].staff_id == staff) {
			chosen = 1;
			chosen_label = label;
		}
	}
	if (chosen) {
		tv_set(v, "chosen", "1");
		tv_set(v, "with", f->with);
		tv_set(v, "with_label", chosen_label);
		booking_slot_vars(r, v, &t, f->slot);
		booking_language_vars(r, v, &t, f->language);
		const char *kind = f->kind ? f->kind : "";
		tv_set(v, strcmp(kind, "phone") == 0   ? "kind_phone"
			  : strcmp(kind, "video") == 0 ? "kind_video"
						       : "kind_office",
		       "1");
		tv_set(v, f->mode && strcmp(f->mode, "in_person") == 0
			      ? "mode_in_person"
			      : "mode_remote",
		       "1");
	}
	if (f->error)
		tv_set(v, "error", f->error);
	return page_render(r, "booking_book", v,
			   i18n_get(r->lang, "booking.book.title"));
}

enum nara_err page_booking_new(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected = 0;
	enum nara_err err = require_citizen(r, &s, &who, 0, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	struct book_form f = {.with = kv_get(&r->query, "hos")};
	return render_book(r, &s, &who, &f);
}

/* The catalogue key of an error for the person, and its status. */
static int error_status(enum nara_err err)
{
	return err == NARA_ECONFLICT ? 409 : 400;
}

enum nara_err page_booking_create(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected = 0;
	enum nara_err err = require_citizen(r, &s, &who, 1, &redirected);
	if (err != NARA_OK)
		return err;
	struct book_form f = {
	    .with = kv_get(&r->form, "hos"),
	    .kind = kv_get(&r->form, "typ"),
	    .slot = kv_get(&r->form, "tid"),
	    .language = kv_get(&r->form, "tolk"),
	    .mode = kv_get(&r->form, "tolksatt"),
	};
	struct booking_new n = {0};
	int kind = booking_kind_parse(f.kind);
	const char *why = NULL;
	if (!booking_parse_slot(f.slot, &n.availability_id, &n.starts_at))
		why = "booking.error.choose_time";
	else if (kind < 0)
		why = "booking.error.kind";
	n.kind = kind < 0 ? BOOKING_OFFICE : (enum booking_kind)kind;
	if (f.language && f.language[0]) {
		int m = interpreter_mode_parse(f.mode);
		n.interpreter_language = f.language;
		n.interpreter_mode =
		    m <= 0 ? INTERPRETER_REMOTE : (enum interpreter_mode)m;
	}
	int64_t id = 0;
	if (why == NULL)
		err = booking_create(r->db, &who, &n, (int64_t)time(NULL), &id,
				     &why);
	else
		err = NARA_EINVAL;
	if ((err == NARA_EINVAL || err == NARA_ECONFLICT) && why != NULL) {
		f.error = i18n_get(r->lang, why);
		if (err == NARA_ECONFLICT)
			f.slot = NULL;
		r->resp.status = error_status(err);
		return render_book(r, &s, &who, &f);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena, "/mina-sidor/moten/%lld?klart=bokat",
				   (long long)id));
	return NARA_OK;
}

static enum nara_err render_one(struct req *r, const struct session *s,
				const struct actor *who, int64_t id,
				const char *error, const char *slot)
{
	struct booking_view b;
	enum nara_err err = booking_read(r->db, &r->arena, who, id, &b);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	meeting_vars(r, v, &b);
	if (strcmp(b.state, "booked") == 0 &&
	    b.starts_at > (int64_t)time(NULL)) {
		tv_set(v, "booked", "1");
		/* Other times with the same officer or reception. */
		struct booking_host_times t;
		err = booking_host_times(r->db, &r->arena, who, b.unit_id,
					 b.staff_id, (int64_t)time(NULL),
					 BOOKING_PAGE_DAYS, 0, &t);
		if (err != NARA_OK)
			return err;
		booking_slot_vars(r, v, &t, slot);
	}
	if (strcmp(b.state, "cancelled") == 0)
		tv_set(v, "is_cancelled", "1");
	const char *done = kv_get(&r->query, "klart");
	if (done && strcmp(done, "bokat") == 0)
		tv_set(v, "done", i18n_get(r->lang, "booking.done.booked"));
	else if (done && strcmp(done, "flyttat") == 0)
		tv_set(v, "done", i18n_get(r->lang, "booking.done.moved"));
	if (error)
		tv_set(v, "error", error);
	return page_render(r, "booking_one", v,
			   i18n_get(r->lang, "booking.one.title"));
}

enum nara_err page_booking_one(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected = 0;
	enum nara_err err = require_citizen(r, &s, &who, 0, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	int64_t id = param_id(r);
	if (id == 0)
		return NARA_ENOTFOUND;
	return render_one(r, &s, &who, id, NULL, NULL);
}

enum nara_err page_booking_rebook(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected = 0;
	enum nara_err err = require_citizen(r, &s, &who, 1, &redirected);
	int64_t id = param_id(r);
	if (err != NARA_OK || id == 0)
		return err != NARA_OK ? err : NARA_ENOTFOUND;
	const char *slot = kv_get(&r->form, "tid");
	const char *version = kv_get(&r->form, "version");
	int64_t availability_id = 0, starts_at = 0;
	const char *why = NULL;
	if (!booking_parse_slot(slot, &availability_id, &starts_at)) {
		why = "booking.error.choose_time";
		err = NARA_EINVAL;
	} else {
		err = booking_rebook(r->db, &who, id, availability_id, starts_at,
				     version ? strtoll(version, NULL, 10) : 0,
				     (int64_t)time(NULL), &why);
	}
	if ((err == NARA_EINVAL || err == NARA_ECONFLICT) && why != NULL) {
		r->resp.status = error_status(err);
		return render_one(r, &s, &who, id, i18n_get(r->lang, why),
				  err == NARA_ECONFLICT ? NULL : slot);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena,
				   "/mina-sidor/moten/%lld?klart=flyttat",
				   (long long)id));
	return NARA_OK;
}

enum nara_err page_booking_cancel(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected = 0;
	enum nara_err err = require_citizen(r, &s, &who, 1, &redirected);
	int64_t id = param_id(r);
	if (err != NARA_OK || id == 0)
		return err != NARA_OK ? err : NARA_ENOTFOUND;
	const char *why = NULL;
	err = booking_cancel(r->db, &who, id, (int64_t)time(NULL), &why);
	if (err == NARA_ECONFLICT && why != NULL) {
		r->resp.status = 409;
		return render_one(r, &s, &who, id, i18n_get(r->lang, why), NULL);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, "/mina-sidor/moten?klart=avbokat");
	return NARA_OK;
}

enum nara_err page_booking_accept(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected = 0;
	enum nara_err err = require_citizen(r, &s, &who, 1, &redirected);
	int64_t id = param_id(r);
	if (err != NARA_OK || id == 0)
		return err != NARA_OK ? err : NARA_ENOTFOUND;
	const char *t = kv_get(&r->form, "tid");
	char *end = NULL;
	long long starts_at = t ? strtoll(t, &end, 10) : 0;
	const char *why = NULL;
	if (end == NULL || *end != '\0' || starts_at <= 0) {
		why = "booking.error.choose_time";
		err = NARA_EINVAL;
	} else {
		err = booking_accept(r->db, &who, id, starts_at,
				     (int64_t)time(NULL), &why);
	}
	if ((err == NARA_EINVAL || err == NARA_ECONFLICT) && why != NULL) {
		r->resp.status = error_status(err);
		return render_one(r, &s, &who, id, i18n_get(r->lang, why), NULL);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena, "/mina-sidor/moten/%lld?klart=bokat",
				   (long long)id));
	return NARA_OK;
}

/*
 * The calendar file: the time, the kind and a link, nothing more, since
 * calendars are synchronised to places the social services do not know.
 */
static enum nara_err booking_ics_reply(struct req *r, const struct booking_view *b)
{
	const char *summary = i18n_get(r->lang, "booking.ics.summary");
	const char *desc = arena_printf(
	    &r->arena, "%s. %s", booking_kind_word(r, b->kind),
	    i18n_get(r->lang, "booking.ics.description"));
	const char *host = "nara";
	if (r->cfg && r->cfg->base_url) {
		const char *p = strstr(r->cfg->base_url, "://");
		host = p ? p + 3 : r->cfg->base_url;
	}
	const char *ics = booking_ics(&r->arena, b, summary, desc ? desc : "",
				      host, (int64_t)time(NULL));
	if (ics == NULL)
		return NARA_ENOMEM;
	buf_adds(&r->resp.body, ics);
	if (r->resp.body.failed)
		return NARA_ENOMEM;
	r->resp.content_type = "text/calendar; charset=utf-8";
	resp_header(r, "Content-Disposition",
		    arena_printf(&r->arena,
				 "attachment; filename=\"mote-%lld.ics\"",
				 (long long)b->id));
	return NARA_OK;
}

enum nara_err page_booking_ics(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require_any(r, &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	int64_t id = param_id(r);
	if (id == 0)
		return NARA_ENOTFOUND;
	struct booking_view b;
	err = booking_read(r->db, &r->arena, &who, id, &b);
	if (err != NARA_OK)
		return err;
	return booking_ics_reply(r, &b);
}
