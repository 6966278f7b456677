/*
 * Staff's meetings (/arbete/moten): their meetings and their units'
 * (an interpreter sees their assignments with time, kind and language
 * only), the hours they publish for themselves or their unit, and booking
 * for a person or proposing times the person accepts on Mina sidor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/booking.h"
#include "web/auth.h"
#include "web/booking_page.h"
#include "web/format.h"
#include "web/web.h"

static int64_t num(const char *s)
{
	if (s == NULL)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	return end != s && *end == '\0' && v > 0 ? v : 0;
}

/* "09:30" -> 570; -1 when it is not a time. */
static int parse_hhmm(const char *s)
{
	int h, m;
	char extra;
	if (s == NULL || sscanf(s, "%d:%d%c", &h, &m, &extra) != 2 || h < 0 ||
	    h > 24 || m < 0 || m > 59 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

static enum nara_err staff_form(struct req *r, struct session *s,
				struct actor *who)
{
	int redirected;
	enum nara_err err = web_require(r, "staff", s, who, &redirected);
	if (err == NARA_OK && redirected)
		err = NARA_EDENIED;
	if (err == NARA_OK && !session_csrf_ok(s, kv_get(&r->form, "csrf")))
		err = NARA_EDENIED;
	return err;
}

struct hours_form {
	const char *error;
	const char *unit, *weekday, *start, *end, *length, *buffer, *for_unit;
};

static enum nara_err render_work(struct req *r, const struct session *s,
				 const struct actor *who,
				 const struct hours_form *f)
{
	struct booking_view *list;
	size_t n;
	enum nara_err err = booking_list_staff(r->db, &r->arena, who,
					       (int64_t)time(NULL), &list, &n);
	if (err != NARA_OK)
		return err;
	struct booking_availability_view *avail;
	size_t navail;
	err = booking_availability_list(r->db, &r->arena, who, &avail, &navail);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, s, who);
	for (size_t i = 0; i < n; i++) {
		const struct booking_view *b = &list[i];
		struct tvars *item = tv_item(v, "meetings");
		tv_setf(item, "id", "%lld", (long long)b->id);
		tv_set(item, "when", booking_when(r, b->starts_at));
		tv_set(item, "kind", booking_kind_word(r, b->kind));
		/* The meeting's room (page_video.c) for its participants. */
		if (b->kind == BOOKING_VIDEO && strcmp(b->state, "booked") == 0)
			tv_set(item, "video", "1");
		if (b->interpreter_mode != INTERPRETER_NONE) {
			char key[48];
			snprintf(key, sizeof(key), "booking.mode.%s",
				 interpreter_mode_name(b->interpreter_mode));
			tv_set(item, "interpreter",
			       arena_printf(&r->arena, "%s, %s",
					    booking_language_word(
						r, b->interpreter_language),
					    i18n_get(r->lang, key)));
		}
		if (b->role == BOOKING_ROLE_INTERPRETER) {
			tv_set(item, "as_interpreter", "1");
			continue;
		}
		tv_set(item, "person", b->person_name);
		tv_set(item, "unit", b->unit_name);
		tv_set(item, "staff", b->staff_name);
		tv_set(item, "reference", b->case_reference);
		tv_set(item, "interpreter_name", b->interpreter_name);
		if (strcmp(b->state, "proposed") == 0)
			tv_set(item, "proposed", "1");
	}
	for (size_t i = 0; i < navail; i++) {
		const struct booking_availability_view *a = &avail[i];
		if (a->staff_id != who->staff_id && a->staff_id != 0)
			continue; /* a colleague's own hours */
		struct tvars *item = tv_item(v, "hours");
		char key[32];
		snprintf(key, sizeof(key), "booking.weekday.%d", a->weekday);
		tv_setf(item, "id", "%lld", (long long)a->id);
		tv_set(item, "day", i18n_get(r->lang, key));
		tv_setf(item, "from", "%02d:%02d", a->start_minute / 60,
			a->start_minute % 60);
		tv_setf(item, "to", "%02d:%02d", a->end_minute / 60,
			a->end_minute % 60);
		tv_setf(item, "length", "%d", a->length_minutes);
		tv_setf(item, "buffer", "%d", a->buffer_minutes);
		tv_set(item, "unit", a->unit_name);
		tv_set(item, "whose", a->staff_id
					  ? i18n_get(r->lang, "booking.staff.mine")
					  : i18n_get(r->lang, "booking.reception"));
	}
	/* The units the actor works in, for new hours. */
	for (size_t g = 0; g < who->subject.ngrants; g++) {
		int64_t unit = who->subject.grants[g].unit_id;
		int seen = 0;
		for (size_t k = 0; k < g && !seen; k++)
			seen = who->subject.grants[k].unit_id == unit;
		if (seen)
			continue;
		struct tvars *item = tv_item(v, "units");
		tv_setf(item, "id", "%lld", (long long)unit);
		const char *name = NULL;
		for (size_t i = 0; i < navail && !name; i++)
			if (avail[i].unit_id == unit)
				name = avail[i].unit_name;
		tv_set(item, "name",
		       name ? name
			    : arena_printf(&r->arena, "%s %lld",
					   i18n_get(r->lang, "booking.staff.unit"),
					   (long long)unit));
		if (f && f->unit && num(f->unit) == unit)
			tv_set(item, "selected", "1");
	}
	for (int d = 1; d <= 7; d++) {
		struct tvars *item = tv_item(v, "weekdays");
		char key[32];
		snprintf(key, sizeof(key), "booking.weekday.%d", d);
		tv_setf(item, "n", "%d", d);
		tv_set(item, "name", i18n_get(r->lang, key));
		if (f && f->weekday && num(f->weekday) == d)
			tv_set(item, "selected", "1");
	}
	tv_set(v, "start", f && f->start ? f->start : "09:00");
	tv_set(v, "end", f && f->end ? f->end : "12:00");
	tv_set(v, "length", f && f->length ? f->length : "45");
	tv_set(v, "buffer", f && f->buffer ? f->buffer : "15");
	if (f && f->error)
		tv_set(v, "error", f->error);
	const char *done = kv_get(&r->query, "klart");
	if (done && strcmp(done, "tider") == 0)
		tv_set(v, "done", i18n_get(r->lang, "booking.done.hours"));
	else if (done && strcmp(done, "bokat") == 0)
		tv_set(v, "done", i18n_get(r->lang, "booking.done.booked_staff"));
	else if (done && strcmp(done, "foreslaget") == 0)
		tv_set(v, "done", i18n_get(r->lang, "booking.done.proposed"));
	else if (done && strcmp(done, "avbokat") == 0)
		tv_set(v, "done", i18n_get(r->lang, "booking.done.cancelled"));
	return page_render(r, "booking_work", v,
			   i18n_get(r->lang, "booking.staff.title"));
}

enum nara_err page_booking_work(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	return render_work(r, &s, &who, NULL);
}

enum nara_err page_booking_publish(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = staff_form(r, &s, &who);
	if (err != NARA_OK)
		return err;
	struct hours_form f = {
	    .unit = kv_get(&r->form, "enhet"),
	    .weekday = kv_get(&r->form, "dag"),
	    .start = kv_get(&r->form, "fran"),
	    .end = kv_get(&r->form, "till"),
	    .length = kv_get(&r->form, "langd"),
	    .buffer = kv_get(&r->form, "mellan"),
	    .for_unit = kv_get(&r->form, "for"),
	};
	struct booking_availability_new a = {
	    .unit_id = num(f.unit),
	    .for_unit = f.for_unit && strcmp(f.for_unit, "enheten") == 0,
	    .weekday = (int)num(f.weekday),
	    .start_minute = parse_hhmm(f.start),
	    .end_minute = parse_hhmm(f.end),
	    .length_minutes = (int)num(f.length),
	    .buffer_minutes =
		f.buffer && strcmp(f.buffer, "0") == 0 ? 0 : (int)num(f.buffer),
	};
	static const char *const kinds[] = {"office", "phone", "video"};
	for (unsigned k = 0; k < 3; k++)
		for (size_t i = 0; i < r->form.count; i++)
			if (strcmp(r->form.items[i].key, "typ") == 0 &&
			    strcmp(r->form.items[i].value, kinds[k]) == 0)
				a.kinds |= 1u << k;
	const char *why = NULL;
	int64_t id = 0;
	err = booking_publish(r->db, &who, &a, (int64_t)time(NULL), &id, &why);
	if (err == NARA_EINVAL && why != NULL) {
		f.error = i18n_get(r->lang, why);
		r->resp.status = 400;
		return render_work(r, &s, &who, &f);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, "/arbete/moten?klart=tider");
	return NARA_OK;
}

enum nara_err page_booking_withdraw(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = staff_form(r, &s, &who);
	int64_t id = r->nparams > 0 ? num(r->params[0]) : 0;
	if (err != NARA_OK || id == 0)
		return err != NARA_OK ? err : NARA_ENOTFOUND;
	err = booking_withdraw(r->db, &who, id, (int64_t)time(NULL));
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, "/arbete/moten?klart=tider");
	return NARA_OK;
}

enum nara_err page_booking_staff_cancel(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = staff_form(r, &s, &who);
	int64_t id = r->nparams > 0 ? num(r->params[0]) : 0;
	if (err != NARA_OK || id == 0)
		return err != NARA_OK ? err : NARA_ENOTFOUND;
	const char *why = NULL;
	err = booking_cancel(r->db, &who, id, (int64_t)time(NULL), &why);
	if (err == NARA_ECONFLICT && why) {
		struct hours_form f = {.error = i18n_get(r->lang, why)};
		r->resp.status = 409;
		return render_work(r, &s, &who, &f);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, "/arbete/moten?klart=avbokat");
	return NARA_OK;
}

/* Booking for a person ---------------------------------------------------- */

struct staff_book_form {
	const char *person, *case_id, *with, *kind, *language, *mode;
	const char *error;
};

static enum nara_err render_book(struct req *r, const struct session *s,
				 const struct actor *who,
				 const struct staff_book_form *f)
{
	long long unit = 0, staff = -1;
	if (f->with)
		sscanf(f->with, "%lld-%lld", &unit, &staff);
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
	tv_setf(v, "person", "%lld", (long long)num(f->person));
	tv_setf(v, "case_id", "%lld", (long long)num(f->case_id));
	int chosen = 0;
	for (size_t i = 0; i < navail; i++) {
		const struct booking_availability_view *a = &avail[i];
		/* Own hours and the receptions of the actor's units. */
		if (a->staff_id != who->staff_id && a->staff_id != 0)
			continue;
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++)
			seen = avail[k].unit_id == a->unit_id &&
			       avail[k].staff_id == a->staff_id;
		if (seen)
			continue;
		struct tvars *item = tv_item(v, "hosts");
		tv_setf(item, "with", "%lld-%lld", (long long)a->unit_id,
			(long long)a->staff_id);
		tv_set(item, "label",
		       arena_printf(&r->arena, "%s – %s", a->unit_name,
				    a->staff_id
					? i18n_get(r->lang, "booking.staff.mine")
					: i18n_get(r->lang, "booking.reception")));
		if (a->unit_id == unit && a->staff_id == staff) {
			chosen = 1;
			tv_set(item, "selected", "1");
		}
	}
	if (chosen) {
		tv_set(v, "chosen", "1");
		tv_set(v, "with", f->with);
		booking_slot_vars(r, v, &t, NULL);
		booking_language_vars(r, v, &t, f->language);
	}
	if (f->error)
		tv_set(v, "error", f->error);
	return page_render(r, "booking_staff_book", v,
			   i18n_get(r->lang, "booking.staff.book_title"));
}

enum nara_err page_booking_staff_new(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "staff", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	struct staff_book_form f = {
	    .person = kv_get(&r->query, "person"),
	    .case_id = kv_get(&r->query, "arende"),
	    .with = kv_get(&r->query, "hos"),
	};
	if (num(f.person) == 0)
		return NARA_ENOTFOUND;
	return render_book(r, &s, &who, &f);
}

enum nara_err page_booking_staff_create(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = staff_form(r, &s, &who);
	if (err != NARA_OK)
		return err;
	struct staff_book_form f = {
	    .person = kv_get(&r->form, "person"),
	    .case_id = kv_get(&r->form, "arende"),
	    .with = kv_get(&r->form, "hos"),
	    .kind = kv_get(&r->form, "typ"),
	    .language = kv_get(&r->form, "tolk"),
	    .mode = kv_get(&r->form, "tolksatt"),
	};
	const char *action = kv_get(&r->form, "atgard");
	int propose = action && strcmp(action, "foresla") == 0;
	struct booking_new n = {.case_id = num(f.case_id),
				.person_id = num(f.person)};
	int kind = booking_kind_parse(f.kind);
	n.kind = kind < 0 ? BOOKING_OFFICE : (enum booking_kind)kind;
	if (f.language && f.language[0]) {
		int m = interpreter_mode_parse(f.mode);
		n.interpreter_language = f.language;
		n.interpreter_mode =
		    m <= 0 ? INTERPRETER_REMOTE : (enum interpreter_mode)m;
	}
	int64_t times[BOOKING_PROPOSALS_MAX];
	size_t ntimes = 0;
	const char *why = NULL;
	for (size_t i = 0; i < r->form.count; i++) {
		if (strcmp(r->form.items[i].key, "tid") != 0)
			continue;
		int64_t a = 0, t = 0;
		if (!booking_parse_slot(r->form.items[i].value, &a, &t))
			continue;
		if (ntimes == BOOKING_PROPOSALS_MAX) {
			why = "booking.error.proposals";
			break;
		}
		n.availability_id = a;
		times[ntimes++] = t;
	}
	if (kind < 0)
		why = "booking.error.kind";
	else if (ntimes == 0)
		why = "booking.error.choose_time";
	else if (!propose && ntimes != 1)
		why = "booking.error.one_time";
	int64_t id = 0;
	if (why != NULL) {
		err = NARA_EINVAL;
	} else if (propose) {
		err = booking_propose(r->db, &who, &n, times, ntimes,
				      (int64_t)time(NULL), &id, &why);
	} else {
		n.starts_at = times[0];
		err = booking_create(r->db, &who, &n, (int64_t)time(NULL), &id,
				     &why);
	}
	if ((err == NARA_EINVAL || err == NARA_ECONFLICT) && why != NULL) {
		f.error = i18n_get(r->lang, why);
		r->resp.status = err == NARA_ECONFLICT ? 409 : 400;
		return render_book(r, &s, &who, &f);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303, propose ? "/arbete/moten?klart=foreslaget"
				      : "/arbete/moten?klart=bokat");
	return NARA_OK;
}
