/*
 * The foster-home centre and the placements of children; see foster.h.
 *
 * Two kinds of work, two ways in. The centre's own records (inquiries,
 * assessments, the register, the requests sent to it) are opened by
 * centre_begin: the actor must hold shared_service in a foster-home unit
 * (policy_foster_centre), and each row read must be that unit's. The
 * child's case is opened by case_begin through case_authorize_in_tx, the
 * same policy as the rest of the file, so the centre's staff (no referral)
 * and another committee's staff (the tenant wall) are refused and audited
 * there. A matching request crosses between them carrying only the needs
 * profile; the centre's queries never select its case_id.
 */
#include "domain/foster.h"

#include <string.h>

#include "core/utf8.h"
#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/personnummer.h"
#include "domain/tenant.h"

/* ---- helpers ---- */

static enum nara_err audit_row(struct db *db, const struct actor *who,
			       int64_t municipality_id, int64_t agreement_id,
			       const char *action, const char *record_kind,
			       int64_t record_id, int64_t person_id,
			       const char *reason, int flagged, int64_t now)
{
	struct audit_entry e = {
	    .actor_kind = who->kind,
	    .actor_id = who->staff_id,
	    .actor_label = who->label,
	    .municipality_id = municipality_id,
	    .agreement_id = agreement_id,
	    .action = action,
	    .record_kind = record_kind,
	    .record_id = record_id,
	    .person_id = person_id,
	    .reason = reason,
	    .flagged = flagged,
	    .request_id = who->request_id,
	    .at = now,
	};
	return audit_append(db, &e);
}

/* Text within bounds: valid UTF-8 and at most max bytes; NULL is "". */
static int text_ok(const char *s, size_t max)
{
	if (s == NULL)
		return 1;
	size_t len = strlen(s);
	return len <= max && utf8_valid(s, len);
}

static int blank(const char *s)
{
	for (; s != NULL && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static const char *nz(const char *s)
{
	return s != NULL ? s : "";
}

static const char *dup_col(struct arena *a, struct db_stmt *st, int col)
{
	const char *s = arena_strdup(a, db_col_text(st, col));
	return s != NULL ? s : "";
}

/*
 * The centre serving a member municipality at `now`: a shared foster-home
 * unit whose agreement in force covers it. NARA_ENOTFOUND when none.
 */
static enum nara_err centre_for(struct db *db, int64_t municipality_id,
				int64_t now, int64_t *unit_id, int64_t *host_id,
				int64_t *agreement_id)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT id, municipality_id FROM unit WHERE kind = 'foster_home'"
	    " AND shared = 1 ORDER BY id",
	    &st);
	if (err != NARA_OK)
		return err;
	int64_t units[16], hosts[16];
	size_t n = 0;
	int rc = DB_DONE;
	while ((rc = db_step(st)) == DB_ROW && n < 16) {
		units[n] = db_col_int(st, 0);
		hosts[n++] = db_col_int(st, 1);
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	for (size_t i = 0; i < n; i++) {
		err = agreement_in_force(db, units[i], municipality_id, now,
					 agreement_id);
		if (err == NARA_ENOTFOUND)
			continue;
		if (err != NARA_OK)
			return err;
		*unit_id = units[i];
		*host_id = hosts[i];
		return NARA_OK;
	}
	return NARA_ENOTFOUND;
}

enum nara_err foster_centre_of(struct db *db, const struct actor *who,
			       int64_t *unit_id, int64_t *municipality_id)
{
	const struct policy_subject *s = &who->subject;
	for (size_t i = 0; i < s->ngrants && i < POLICY_MAX_GRANTS; i++) {
		if (s->grants[i].role != ROLE_SHARED_SERVICE)
			continue;
		int64_t unit = s->grants[i].unit_id;
		if (!policy_foster_centre(s, unit).allowed)
			continue;
		int64_t m;
		enum nara_err err = db_query_int(
		    db, &m,
		    "SELECT municipality_id FROM unit WHERE id = ? AND"
		    " kind = 'foster_home'",
		    "i", unit);
		if (err == NARA_ENOTFOUND)
			continue;
		if (err != NARA_OK)
			return err;
		*unit_id = unit;
		*municipality_id = m;
		return NARA_OK;
	}
	return NARA_EDENIED;
}

/*
 * Opens the transaction of a centre action: the actor's centre, or a
 * refusal with its flagged audit row (committed by finish).
 */
static enum nara_err centre_begin(struct db *db, const struct actor *who,
				  const char *what, int64_t now,
				  int64_t *unit_id, int64_t *municipality_id)
{
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	err = foster_centre_of(db, who, unit_id, municipality_id);
	if (err == NARA_EDENIED) {
		err =
		    audit_row(db, who, who->subject.municipality_id, 0,
			      "read_denied", what, 0, 0,
			      policy_reason_text(POLICY_DENY_DEFAULT), 1, now);
		if (err == NARA_OK)
			err = NARA_EDENIED;
	}
	return err;
}

/*
 * A row of the centre's (an inquiry, a request) must be its own unit's:
 * another centre's is refused and audited, one that does not exist is
 * not found.
 */
static enum nara_err own_row(struct db *db, const struct actor *who,
			     const char *sql, int64_t id, int64_t unit_id,
			     const char *kind, int64_t now)
{
	int64_t unit;
	enum nara_err err = db_query_int(db, &unit, sql, "i", id);
	if (err != NARA_OK)
		return err;
	if (unit == unit_id)
		return NARA_OK;
	err = audit_row(db, who, who->subject.municipality_id, 0, "read_denied",
			kind, id, 0, "another centre's record", 1, now);
	return err != NARA_OK ? err : NARA_EDENIED;
}

/* centre_begin for an action on one row of the centre's own (own_row). */
static enum nara_err centre_row_begin(struct db *db, const struct actor *who,
				      const char *kind, const char *sql,
				      int64_t id, int64_t now, int64_t *unit_id,
				      int64_t *municipality_id)
{
	enum nara_err err =
	    centre_begin(db, who, kind, now, unit_id, municipality_id);
	if (err == NARA_OK)
		err = own_row(db, who, sql, id, *unit_id, kind, now);
	return err;
}

/* The end of a read by the centre or a foster parent: the audit row of
 * what was read (kind, id) if all went well, then the transaction's end. */
static enum nara_err read_finish(struct db *db, const struct actor *who,
				 int64_t municipality_id, const char *kind,
				 int64_t id, enum nara_err err)
{
	if (err == NARA_OK)
		err = audit_row(db, who, municipality_id, 0, "read", kind, id,
				0, NULL, 0, 0);
	return audit_finish(db, err);
}

/* ---- recruitment ---- */

size_t foster_inquiry_check(const struct foster_inquiry_new *in,
			    struct foster_problem out[FOSTER_MAX_PROBLEMS])
{
	size_t n = 0;
#define PROBLEM(f, w)                                                          \
	do {                                                                   \
		out[n].field = (f);                                            \
		out[n].why = (w);                                              \
		n++;                                                           \
	} while (0)
	if (blank(in->name))
		PROBLEM("name", "foster.error.name");
	else if (!text_ok(in->name, FOSTER_NAME_MAX))
		PROBLEM("name", "foster.error.long");
	if (blank(in->email) && blank(in->phone))
		PROBLEM("email", "foster.error.contact");
	else if (!text_ok(in->email, FOSTER_NAME_MAX) ||
		 !text_ok(in->phone, 40))
		PROBLEM("email", "foster.error.long");
	else if (!blank(in->email) && strchr(in->email, '@') == NULL)
		PROBLEM("email", "foster.error.email");
	if (blank(in->residence) || !text_ok(in->residence, 64))
		PROBLEM("residence", "foster.error.residence");
	if (in->interests < 1 || in->interests > 7)
		PROBLEM("interests", "foster.error.interests");
	if (!text_ok(in->message, FOSTER_TEXT_MAX))
		PROBLEM("message", "foster.error.long");
#undef PROBLEM
	return n;
}

enum nara_err foster_inquiry_submit(struct db *db,
				    const struct foster_inquiry_new *in,
				    int64_t now, int64_t *id, const char **why)
{
	struct foster_problem p[FOSTER_MAX_PROBLEMS];
	*why = NULL;
	if (foster_inquiry_check(in, p) > 0) {
		*why = p[0].why;
		return NARA_EINVAL;
	}
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t residence, unit, host, agreement;
	err = municipality_id_by_slug(db, in->residence, &residence);
	if (err == NARA_OK)
		err = centre_for(db, residence, now, &unit, &host, &agreement);
	if (err == NARA_ENOTFOUND) {
		*why = "foster.error.residence";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err = db_query_int(
		    db, id,
		    "INSERT INTO foster_inquiry (municipality_id, unit_id, "
		    "name,"
		    " email, phone, residence_municipality_id, interests,"
		    " message, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
		    " RETURNING id",
		    "iisssiisi", host, unit, in->name, nz(in->email),
		    nz(in->phone), residence, (int64_t)in->interests,
		    nz(in->message), now);
	if (err == NARA_OK) {
		struct audit_entry e = {
		    .actor_kind = "system",
		    .actor_label = "webbformulär: intresseanmälan familjehem",
		    .municipality_id = host,
		    .action = "create",
		    .record_kind = "foster_inquiry",
		    .record_id = *id,
		    .at = now,
		};
		err = audit_append(db, &e);
	}
	return audit_finish(db, err);
}

/* ---- the centre: inquiries and assessments ---- */

enum nara_err foster_inquiries(struct db *db, struct arena *a,
			       const struct actor *who,
			       struct foster_inquiry_view **out, size_t *n)
{
	int64_t now = 0, unit, host;
	*out = NULL;
	*n = 0;
	enum nara_err err =
	    centre_begin(db, who, "foster_inquiry", now, &unit, &host);
	if (err != NARA_OK)
		return audit_finish(db, err);
	struct db_stmt *st;
	err = db_prepare(
	    db,
	    "SELECT i.id, i.name, i.email, i.phone, m.name, i.interests,"
	    " i.message, i.received_at, i.state, (SELECT count(*) FROM"
	    " foster_step s WHERE s.inquiry_id = i.id) FROM foster_inquiry i"
	    " JOIN municipality m ON m.id = i.residence_municipality_id"
	    " WHERE i.unit_id = ? ORDER BY i.id DESC LIMIT 200",
	    &st);
	if (err == NARA_OK) {
		db_bind_int(st, 1, unit);
		*out = arena_calloc(a, 200, sizeof(**out));
		int rc = DB_DONE;
		while (*out != NULL && (rc = db_step(st)) == DB_ROW) {
			struct foster_inquiry_view *v = &(*out)[(*n)++];
			v->id = db_col_int(st, 0);
			v->name = dup_col(a, st, 1);
			v->email = dup_col(a, st, 2);
			v->phone = dup_col(a, st, 3);
			v->residence = dup_col(a, st, 4);
			v->interests = (int)db_col_int(st, 5);
			v->message = dup_col(a, st, 6);
			v->received_at = db_col_int(st, 7);
			v->state = dup_col(a, st, 8);
			v->steps_done = (int)db_col_int(st, 9);
		}
		err = *out == NULL ? NARA_ENOMEM : db_step_err(rc);
		db_done(st);
	}
	return read_finish(db, who, host, "foster_inquiry_list", unit, err);
}

/* One inquiry of the centre, inside the transaction. */
static enum nara_err load_inquiry(struct db *db, struct arena *a, int64_t id,
				  struct foster_inquiry_view *v)
{
	memset(v, 0, sizeof(*v));
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT i.id, i.name, i.email, i.phone, m.name, i.interests,"
	    " i.message, i.received_at, i.state, i.decided_at,"
	    " COALESCE(s.display_name, ''), i.decision_note,"
	    " COALESCE((SELECT h.id FROM foster_home h WHERE h.inquiry_id ="
	    " i.id), 0) FROM foster_inquiry i JOIN municipality m ON m.id ="
	    " i.residence_municipality_id LEFT JOIN staff_user s ON s.id ="
	    " i.decided_by WHERE i.id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		v->id = db_col_int(st, 0);
		v->name = dup_col(a, st, 1);
		v->email = dup_col(a, st, 2);
		v->phone = dup_col(a, st, 3);
		v->residence = dup_col(a, st, 4);
		v->interests = (int)db_col_int(st, 5);
		v->message = dup_col(a, st, 6);
		v->received_at = db_col_int(st, 7);
		v->state = dup_col(a, st, 8);
		v->decided_at = db_col_int(st, 9);
		v->decided_by = dup_col(a, st, 10);
		v->decision_note = dup_col(a, st, 11);
		v->home_id = db_col_int(st, 12);
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	if (rc != DB_ROW)
		return NARA_ENOTFOUND;
	for (int i = 0; i < FOSTER_STEP_COUNT; i++) {
		v->steps[i].step = foster_step_names[i];
		v->steps[i].note = v->steps[i].done_by = "";
	}
	err = db_prepare(db,
			 "SELECT f.step, f.done_on, f.note, s.display_name FROM"
			 " foster_step f JOIN staff_user s ON s.id = f.done_by"
			 " WHERE f.inquiry_id = ?",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		int k = foster_step_index(db_col_text(st, 0));
		if (k < 0)
			continue;
		v->steps[k].done_on = db_col_int(st, 1);
		v->steps[k].note = dup_col(a, st, 2);
		v->steps[k].done_by = dup_col(a, st, 3);
		v->steps_done++;
	}
	db_done(st);
	return db_step_err(rc);
}

static const char *const inquiry_unit_sql =
    "SELECT unit_id FROM foster_inquiry WHERE id = ?";

enum nara_err foster_inquiry_read(struct db *db, struct arena *a,
				  const struct actor *who, int64_t id,
				  struct foster_inquiry_view *out)
{
	int64_t unit, host;
	enum nara_err err = centre_row_begin(
	    db, who, "foster_inquiry", inquiry_unit_sql, id, 0, &unit, &host);
	if (err == NARA_OK)
		err = load_inquiry(db, a, id, out);
	return read_finish(db, who, host, "foster_inquiry", id, err);
}

enum nara_err foster_step_done(struct db *db, const struct actor *who,
			       int64_t inquiry_id, const char *step,
			       int64_t done_on, const char *note, int64_t now,
			       const char **why)
{
	*why = NULL;
	if (foster_step_index(step) < 0) {
		*why = "foster.error.step";
		return NARA_EINVAL;
	}
	if (done_on == 0 || done_on > now) {
		*why = "foster.error.date";
		return NARA_EINVAL;
	}
	if (!text_ok(note, FOSTER_TEXT_MAX)) {
		*why = "foster.error.long";
		return NARA_EINVAL;
	}
	int64_t unit, host;
	enum nara_err err =
	    centre_row_begin(db, who, "foster_inquiry", inquiry_unit_sql,
			     inquiry_id, now, &unit, &host);
	int64_t open = 0;
	if (err == NARA_OK)
		err = db_query_int(db, &open,
				   "SELECT count(*) FROM foster_inquiry WHERE"
				   " id = ? AND state IN ('new', 'assessing')",
				   "i", inquiry_id);
	if (err == NARA_OK && open == 0) {
		*why = "foster.error.decided";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK) {
		err = db_run(db,
			     "INSERT INTO foster_step (inquiry_id, step,"
			     " done_on, note, done_by, recorded_at) VALUES"
			     " (?, ?, ?, ?, ?, ?)",
			     "isisii", inquiry_id, step, done_on, nz(note),
			     who->staff_id, now);
		if (err == NARA_ECONFLICT)
			*why = "foster.error.step_done";
		err = err == NARA_ECONFLICT ? NARA_EINVAL : err;
	}
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE foster_inquiry SET state = 'assessing'"
			     " WHERE id = ?",
			     "i", inquiry_id);
	if (err == NARA_OK)
		err = audit_row(db, who, host, 0, "update", "foster_inquiry",
				inquiry_id, 0, NULL, 0, now);
	return audit_finish(db, err);
}

enum nara_err foster_decide(struct db *db, const struct actor *who,
			    int64_t inquiry_id, int approve,
			    const struct foster_approval *w, int64_t now,
			    int64_t *home_id, const char **why)
{
	*why = NULL;
	*home_id = 0;
	if (!text_ok(w->note, FOSTER_TEXT_MAX)) {
		*why = "foster.error.long";
		return NARA_EINVAL;
	}
	if (!approve && blank(w->note)) {
		*why = "foster.error.decline_note";
		return NARA_EINVAL;
	}
	if (approve && (w->kinds < 1 || w->kinds > 3)) {
		*why = "foster.error.kinds";
		return NARA_EINVAL;
	}
	if (approve && (w->places < 1 || w->places > 10)) {
		*why = "foster.error.places";
		return NARA_EINVAL;
	}
	if (approve &&
	    (w->age_min < 0 || w->age_max > 17 || w->age_min > w->age_max)) {
		*why = "foster.error.ages";
		return NARA_EINVAL;
	}
	if (approve && (w->needs < 0 || w->needs >= (1 << FOSTER_NEED_COUNT))) {
		*why = "foster.error.needs";
		return NARA_EINVAL;
	}
	struct personnummer pnr = {0};
	if (approve && !blank(w->personnummer) &&
	    personnummer_parse(w->personnummer, now, &pnr) != NARA_OK) {
		*why = "foster.error.personnummer";
		return NARA_EINVAL;
	}
	int64_t unit, host;
	enum nara_err err =
	    centre_row_begin(db, who, "foster_inquiry", inquiry_unit_sql,
			     inquiry_id, now, &unit, &host);
	struct arena a;
	arena_init(&a, 0);
	struct foster_inquiry_view v;
	if (err == NARA_OK)
		err = load_inquiry(db, &a, inquiry_id, &v);
	if (err == NARA_OK && strcmp(v.state, "approved") != 0 &&
	    strcmp(v.state, "declined") != 0) {
		if (approve && v.steps_done < FOSTER_STEP_COUNT) {
			*why = "foster.error.steps";
			err = NARA_EINVAL;
		}
	} else if (err == NARA_OK) {
		*why = "foster.error.decided";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK && approve)
		err = db_query_int(
		    db, home_id,
		    "INSERT INTO foster_home (inquiry_id, municipality_id,"
		    " unit_id, residence_municipality_id, name, kinds, places,"
		    " age_min, age_max, needs, approved_by, approved_at,"
		    " personnummer) SELECT id, municipality_id, unit_id,"
		    " residence_municipality_id, name, ?, ?, ?, ?, ?, ?, ?, ?"
		    " FROM foster_inquiry WHERE id = ? RETURNING id",
		    "iiiiiiisi", (int64_t)w->kinds, (int64_t)w->places,
		    (int64_t)w->age_min, (int64_t)w->age_max, (int64_t)w->needs,
		    who->staff_id, now, pnr.canonical, inquiry_id);
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE foster_inquiry SET state = ?, decided_by"
			     " = ?, decided_at = ?, decision_note = ? WHERE"
			     " id = ?",
			     "siisi", approve ? "approved" : "declined",
			     who->staff_id, now, nz(w->note), inquiry_id);
	if (err == NARA_OK)
		err =
		    audit_row(db, who, host, 0, approve ? "approve" : "decline",
			      "foster_inquiry", inquiry_id, 0, NULL, 0, now);
	arena_free(&a);
	return audit_finish(db, err);
}

/* ---- the register and matching ---- */

/* The homes of a unit with their placements now; all when match is NULL. */
static enum nara_err load_homes(struct db *db, struct arena *a, int64_t unit,
				int64_t only_home,
				struct foster_home_view **out, size_t *n)
{
	enum { MAX_HOMES = 500 };
	*n = 0;
	*out = arena_calloc(a, MAX_HOMES, sizeof(**out));
	if (*out == NULL)
		return NARA_ENOMEM;
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT h.id, h.name, m.name, h.kinds, h.places, h.age_min,"
	    " h.age_max, h.needs, h.approved_at, (SELECT count(*) FROM"
	    " foster_placement p WHERE p.home_id = h.id AND p.ended_at IS"
	    " NULL) FROM foster_home h JOIN municipality m ON m.id ="
	    " h.residence_municipality_id WHERE h.unit_id = ? AND (? = 0 OR"
	    " h.id = ?) ORDER BY h.id",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, unit);
	db_bind_int(st, 2, only_home);
	db_bind_int(st, 3, only_home);
	int rc = DB_DONE;
	while ((rc = db_step(st)) == DB_ROW && *n < MAX_HOMES) {
		struct foster_home_view *h = &(*out)[(*n)++];
		h->id = db_col_int(st, 0);
		h->name = dup_col(a, st, 1);
		h->residence = dup_col(a, st, 2);
		h->cap.kinds = (int)db_col_int(st, 3);
		h->cap.places = (int)db_col_int(st, 4);
		h->cap.age_min = (int)db_col_int(st, 5);
		h->cap.age_max = (int)db_col_int(st, 6);
		h->cap.needs = (int)db_col_int(st, 7);
		h->approved_at = db_col_int(st, 8);
		h->cap.placed = (int)db_col_int(st, 9);
		h->free = foster_free_places(&h->cap);
	}
	db_done(st);
	return db_step_err(rc);
}

enum nara_err foster_register(struct db *db, struct arena *a,
			      const struct actor *who,
			      struct foster_home_view **out, size_t *n)
{
	int64_t unit, host;
	*n = 0;
	enum nara_err err =
	    centre_begin(db, who, "foster_home", 0, &unit, &host);
	if (err == NARA_OK)
		err = load_homes(db, a, unit, 0, out, n);
	return read_finish(db, who, host, "foster_home_list", unit, err);
}

/* The proposals of a request, as the officer and the centre see them. */
static enum nara_err load_proposals(struct db *db, struct arena *a,
				    struct foster_match_view *m)
{
	enum { MAX_PROPOSALS = 50 };
	m->nproposals = 0;
	m->proposals = arena_calloc(a, MAX_PROPOSALS, sizeof(*m->proposals));
	if (m->proposals == NULL)
		return NARA_ENOMEM;
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT p.home_id, m.name, h.kinds, h.age_min, h.age_max,"
	    " h.needs, h.places - (SELECT count(*) FROM foster_placement x"
	    " WHERE x.home_id = h.id AND x.ended_at IS NULL), p.disclosed"
	    " FROM foster_proposal p JOIN foster_home h ON h.id = p.home_id"
	    " JOIN municipality m ON m.id = h.residence_municipality_id"
	    " WHERE p.match_id = ? ORDER BY p.proposed_at, p.home_id",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, m->id);
	int rc = DB_DONE;
	while ((rc = db_step(st)) == DB_ROW && m->nproposals < MAX_PROPOSALS) {
		struct foster_proposal_view *p = &m->proposals[m->nproposals++];
		p->home_id = db_col_int(st, 0);
		p->residence = dup_col(a, st, 1);
		p->kinds = (int)db_col_int(st, 2);
		p->age_min = (int)db_col_int(st, 3);
		p->age_max = (int)db_col_int(st, 4);
		p->needs = (int)db_col_int(st, 5);
		int free = (int)db_col_int(st, 6);
		p->free = free > 0 ? free : 0;
		p->disclosed = dup_col(a, st, 7);
	}
	db_done(st);
	return db_step_err(rc);
}

/*
 * Requests, by the centre's unit or by a case. The columns never include
 * the case: what the centre reads is the needs profile.
 */
static enum nara_err load_matches(struct db *db, struct arena *a,
				  const char *where, int64_t key,
				  struct foster_match_view **out, size_t *n)
{
	enum { MAX_MATCHES = 200 };
	*n = 0;
	*out = arena_calloc(a, MAX_MATCHES, sizeof(**out));
	if (*out == NULL)
		return NARA_ENOMEM;
	const char *sql = arena_printf(
	    a,
	    "SELECT f.id, m.name, f.child_age, f.child_sex, f.needs,"
	    " f.wanted_from, f.emergency_now, f.state, f.created_at,"
	    " COALESCE(f.chosen_home_id, 0) FROM foster_match f JOIN"
	    " municipality m ON m.id = f.municipality_id WHERE %s ORDER BY"
	    " f.id DESC",
	    where);
	if (sql == NULL)
		return NARA_ENOMEM;
	struct db_stmt *st;
	enum nara_err err = db_prepare(db, sql, &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, key);
	int rc = DB_DONE;
	while ((rc = db_step(st)) == DB_ROW && *n < MAX_MATCHES) {
		struct foster_match_view *m = &(*out)[(*n)++];
		m->id = db_col_int(st, 0);
		m->municipality = dup_col(a, st, 1);
		m->child_age = (int)db_col_int(st, 2);
		m->child_sex = dup_col(a, st, 3);
		m->needs = (int)db_col_int(st, 4);
		m->wanted_from = db_col_int(st, 5);
		m->emergency_now = (int)db_col_int(st, 6);
		m->state = dup_col(a, st, 7);
		m->created_at = db_col_int(st, 8);
		m->chosen_home_id = db_col_int(st, 9);
	}
	db_done(st);
	err = db_step_err(rc);
	for (size_t i = 0; err == NARA_OK && i < *n; i++)
		err = load_proposals(db, a, &(*out)[i]);
	return err;
}

enum nara_err foster_centre_matches(struct db *db, struct arena *a,
				    const struct actor *who,
				    struct foster_match_view **out, size_t *n)
{
	int64_t unit, host;
	*n = 0;
	enum nara_err err =
	    centre_begin(db, who, "foster_match", 0, &unit, &host);
	if (err == NARA_OK)
		err = load_matches(db, a, "f.unit_id = ?", unit, out, n);
	return read_finish(db, who, host, "foster_match_list", unit, err);
}

static const char *const match_unit_sql =
    "SELECT unit_id FROM foster_match WHERE id = ?";

/* The requesting committee and agreement of a request, for audit rows. */
static enum nara_err match_owner(struct db *db, int64_t match_id,
				 int64_t *municipality_id,
				 int64_t *agreement_id)
{
	enum nara_err err = db_query_int(
	    db, municipality_id,
	    "SELECT municipality_id FROM foster_match WHERE id = ?", "i",
	    match_id);
	if (err == NARA_OK)
		err = db_query_int(
		    db, agreement_id,
		    "SELECT agreement_id FROM foster_match WHERE id = ?", "i",
		    match_id);
	return err;
}

static struct foster_profile profile_of(const struct foster_match_view *m)
{
	return (struct foster_profile){m->child_age, m->needs,
				       FOSTER_KIND_FOSTER};
}

enum nara_err foster_centre_match(struct db *db, struct arena *a,
				  const struct actor *who, int64_t match_id,
				  struct foster_match_view *out,
				  struct foster_home_view **candidates,
				  size_t *ncandidates)
{
	int64_t unit, host, requester = 0, agreement = 0;
	*ncandidates = 0;
	enum nara_err err = centre_row_begin(
	    db, who, "foster_match", match_unit_sql, match_id, 0, &unit, &host);
	struct foster_match_view *list = NULL;
	size_t n = 0;
	if (err == NARA_OK)
		err = load_matches(db, a, "f.id = ?", match_id, &list, &n);
	if (err == NARA_OK && n != 1)
		err = NARA_ENOTFOUND;
	if (err == NARA_OK)
		*out = list[0];
	struct foster_home_view *homes = NULL;
	size_t nhomes = 0;
	if (err == NARA_OK)
		err = load_homes(db, a, unit, 0, &homes, &nhomes);
	if (err == NARA_OK) {
		struct foster_profile child = profile_of(out);
		*candidates = homes;
		for (size_t i = 0; i < nhomes; i++)
			if (foster_home_can_take(&homes[i].cap, &child))
				homes[(*ncandidates)++] = homes[i];
	}
	if (err == NARA_OK)
		err = match_owner(db, match_id, &requester, &agreement);
	if (err == NARA_OK)
		err = audit_row(db, who, requester, agreement, "read",
				"foster_match", match_id, 0, NULL, 0, 0);
	return audit_finish(db, err);
}

enum nara_err foster_propose(struct db *db, const struct actor *who,
			     int64_t match_id, int64_t home_id,
			     const char *disclosed, int64_t now,
			     const char **why)
{
	*why = NULL;
	if (!text_ok(disclosed, FOSTER_TEXT_MAX)) {
		*why = "foster.error.long";
		return NARA_EINVAL;
	}
	int64_t unit, host, requester = 0, agreement = 0;
	enum nara_err err =
	    centre_row_begin(db, who, "foster_match", match_unit_sql, match_id,
			     now, &unit, &host);
	struct arena a;
	arena_init(&a, 0);
	struct foster_match_view *m = NULL;
	struct foster_home_view *h = NULL;
	size_t n = 0, nh = 0;
	if (err == NARA_OK)
		err = load_matches(db, &a, "f.id = ?", match_id, &m, &n);
	if (err == NARA_OK && (n != 1 || strcmp(m->state, "chosen") == 0)) {
		*why = "foster.error.match_closed";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err = load_homes(db, &a, unit, home_id, &h, &nh);
	if (err == NARA_OK) {
		struct foster_profile child = profile_of(m);
		if (nh != 1 || !foster_home_can_take(&h->cap, &child)) {
			*why = "foster.error.cannot_take";
			err = NARA_EINVAL;
		}
	}
	if (err == NARA_OK) {
		err = db_run(db,
			     "INSERT INTO foster_proposal (match_id, home_id,"
			     " disclosed, proposed_by, proposed_at) VALUES"
			     " (?, ?, ?, ?, ?)",
			     "iisii", match_id, home_id, nz(disclosed),
			     who->staff_id, now);
		if (err == NARA_ECONFLICT) {
			*why = "foster.error.proposed";
			err = NARA_EINVAL;
		}
	}
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE foster_match SET state = 'proposed' WHERE"
			     " id = ?",
			     "i", match_id);
	if (err == NARA_OK)
		err = match_owner(db, match_id, &requester, &agreement);
	/* Acting for the requesting committee under the agreement (R3.3). */
	if (err == NARA_OK)
		err = audit_row(db, who, requester, agreement, "create",
				"foster_proposal", match_id, 0, NULL, 0, now);
	arena_free(&a);
	return audit_finish(db, err);
}

/* ---- the child's case ---- */

/* Opens the transaction of a case action: the case's policy, audited. */
static enum nara_err case_begin(struct db *db, const struct actor *who,
				int64_t case_id, int write,
				int64_t *municipality_id, int64_t *person_id)
{
	enum nara_err err = db_begin(db);
	if (err == NARA_OK)
		err = case_authorize_in_tx(db, who, case_id, write,
					   municipality_id, person_id);
	return err;
}

/* The dates of a case's placements, for its clocks. */
static enum nara_err load_dates(struct db *db, int64_t case_id,
				struct foster_dates *d, int64_t *current_id)
{
	memset(d, 0, sizeof(*d));
	*current_id = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT id, kind, from_at, ended_at FROM foster_placement WHERE"
	    " case_id = ? ORDER BY from_at, id",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	int rc = DB_DONE;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t from = db_col_int(st, 2);
		int emergency = strcmp(db_col_text(st, 1), "emergency") == 0;
		if (emergency && d->emergency_from == 0)
			d->emergency_from = from;
		if (!emergency && d->foster_from == 0)
			d->foster_from = from;
		if (db_col_is_null(st, 3)) {
			*current_id = db_col_int(st, 0);
			d->current_from = from;
		}
	}
	db_done(st);
	if ((err = db_step_err(rc)) != NARA_OK)
		return err;
	if (*current_id == 0)
		return NARA_OK;
	return db_query_int(db, &d->last_review,
			    "SELECT COALESCE(MAX(reviewed_at), 0) FROM"
			    " foster_review WHERE placement_id = ?",
			    "i", *current_id);
}

enum nara_err foster_case_read(struct db *db, struct arena *a,
			       const struct actor *who, int64_t case_id,
			       int64_t now, struct foster_case_view *out)
{
	memset(out, 0, sizeof(*out));
	int64_t mun, person;
	enum nara_err err = case_begin(db, who, case_id, 0, &mun, &person);
	if (err != NARA_OK)
		return audit_finish(db, err);
	err = load_dates(db, case_id, &out->dates, &out->current_id);
	struct db_stmt *st;
	enum { MAX_ROWS = 100 };
	if (err == NARA_OK)
		err = db_prepare(
		    db,
		    "SELECT p.id, p.kind, COALESCE(p.home_id, 0),"
		    " p.home_label, COALESCE(m.name, ''), p.from_at,"
		    " COALESCE(p.ended_at, 0) FROM foster_placement p LEFT"
		    " JOIN foster_home h ON h.id = p.home_id LEFT JOIN"
		    " municipality m ON m.id = h.residence_municipality_id"
		    " WHERE p.case_id = ? ORDER BY p.from_at, p.id",
		    &st);
	if (err == NARA_OK) {
		out->placements =
		    arena_calloc(a, MAX_ROWS, sizeof(*out->placements));
		db_bind_int(st, 1, case_id);
		int rc = DB_DONE;
		while (out->placements != NULL &&
		       (rc = db_step(st)) == DB_ROW &&
		       out->nplacements < MAX_ROWS) {
			struct foster_placement_view *p =
			    &out->placements[out->nplacements++];
			p->id = db_col_int(st, 0);
			p->kind = dup_col(a, st, 1);
			p->home_id = db_col_int(st, 2);
			p->home =
			    p->home_id ? dup_col(a, st, 4) : dup_col(a, st, 3);
			p->from_at = db_col_int(st, 5);
			p->ended_at = db_col_int(st, 6);
		}
		err = out->placements == NULL ? NARA_ENOMEM : db_step_err(rc);
		db_done(st);
	}
	if (err == NARA_OK)
		err = db_prepare(db,
				 "SELECT r.reviewed_at, r.note, s.display_name"
				 " FROM foster_review r JOIN staff_user s ON"
				 " s.id = r.created_by WHERE r.case_id = ?"
				 " ORDER BY r.reviewed_at, r.id",
				 &st);
	if (err == NARA_OK) {
		out->reviews = arena_calloc(a, MAX_ROWS, sizeof(*out->reviews));
		db_bind_int(st, 1, case_id);
		int rc = DB_DONE;
		while (out->reviews != NULL && (rc = db_step(st)) == DB_ROW &&
		       out->nreviews < MAX_ROWS) {
			struct foster_review_view *r =
			    &out->reviews[out->nreviews++];
			r->reviewed_at = db_col_int(st, 0);
			r->note = dup_col(a, st, 1);
			r->by = dup_col(a, st, 2);
		}
		err = out->reviews == NULL ? NARA_ENOMEM : db_step_err(rc);
		db_done(st);
	}
	if (err == NARA_OK)
		err = load_matches(db, a, "f.case_id = ?", case_id,
				   &out->matches, &out->nmatches);
	int64_t host, agreement;
	if (err == NARA_OK) {
		err = centre_for(db, mun, now, &out->centre_unit_id, &host,
				 &agreement);
		err = err == NARA_ENOTFOUND ? NARA_OK : err;
	}
	out->goal = foster_goal_clock(&out->dates, now);
	out->review = foster_review_clock(&out->dates, now);
	if (err == NARA_OK)
		err = audit_row(db, who, mun, 0, "read", "foster_placement",
				case_id, person, NULL, 0, now);
	return audit_finish(db, err);
}

/* A home of the register that can take one more child of this kind. */
static enum nara_err home_has_place(struct db *db, int64_t home_id, int kind,
				    const char **why)
{
	int64_t kinds = 0, free = 0;
	/*
	 * Two officers choosing the last place of one home at once: the
	 * write lock on the home's row (SQLite's BEGIN IMMEDIATE holds the
	 * whole file already; on PostgreSQL this no-op update takes the row)
	 * makes the second wait for the first's commit, and its count below,
	 * a statement of its own under READ COMMITTED, then sees the first
	 * placement.
	 */
	enum nara_err err =
	    db_run(db, "UPDATE foster_home SET places = places WHERE id = ?",
		   "i", home_id);
	if (err == NARA_OK)
		err = db_query_int(db, &kinds,
				   "SELECT kinds FROM foster_home WHERE id = ?",
				   "i", home_id);
	if (err == NARA_OK)
		err = db_query_int(
		    db, &free,
		    "SELECT h.places - (SELECT count(*) FROM foster_placement"
		    " p WHERE p.home_id = h.id AND p.ended_at IS NULL) FROM"
		    " foster_home h WHERE h.id = ?",
		    "i", home_id);
	if (err == NARA_ENOTFOUND || (err == NARA_OK && (kinds & kind) == 0)) {
		*why = "foster.error.home";
		return NARA_EINVAL;
	}
	if (err == NARA_OK && free < 1) {
		*why = "foster.error.full";
		return NARA_EINVAL;
	}
	return err;
}

/* The placement itself, inside the case's transaction. */
static enum nara_err place_in_tx(struct db *db, const struct actor *who,
				 int64_t case_id, int64_t mun, int64_t person,
				 const char *kind, int64_t home_id,
				 const char *label, int64_t from, int64_t now,
				 const char **why)
{
	struct foster_dates d;
	int64_t current;
	enum nara_err err = load_dates(db, case_id, &d, &current);
	if (err == NARA_OK && current != 0 && from < d.current_from) {
		*why = "foster.error.from_order";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK && home_id != 0)
		err = home_has_place(db, home_id,
				     strcmp(kind, "foster") == 0
					 ? FOSTER_KIND_FOSTER
					 : FOSTER_KIND_EMERGENCY,
				     why);
	if (err == NARA_OK && current != 0)
		err = db_run(db,
			     "UPDATE foster_placement SET ended_at = ? WHERE"
			     " id = ?",
			     "ii", from, current);
	int64_t id = 0;
	if (err == NARA_OK) {
		const char *sql =
		    "INSERT INTO foster_placement (case_id, municipality_id,"
		    " kind, home_id, home_label, from_at, created_by,"
		    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
		err = home_id ? db_query_int(db, &id, sql, "iisisiii", case_id,
					     mun, kind, home_id, nz(label),
					     from, who->staff_id, now)
			      : db_query_int(db, &id, sql, "iisnsiii", case_id,
					     mun, kind, nz(label), from,
					     who->staff_id, now);
	}
	if (err == NARA_OK)
		err = case_touch_in_tx(db, case_id, now);
	if (err == NARA_OK)
		err = audit_row(db, who, mun, 0, "create", "foster_placement",
				id, person, NULL, 0, now);
	return err;
}

enum nara_err foster_place(struct db *db, const struct actor *who,
			   int64_t case_id, const char *kind, int64_t home_id,
			   const char *label, int64_t from, int64_t now,
			   const char **why)
{
	*why = NULL;
	int emergency = kind != NULL && strcmp(kind, "emergency") == 0;
	if (!emergency && (kind == NULL || strcmp(kind, "foster") != 0)) {
		*why = "foster.error.kind";
		return NARA_EINVAL;
	}
	if (from == 0) {
		*why = "foster.error.date";
		return NARA_EINVAL;
	}
	if (!text_ok(label, FOSTER_NAME_MAX) ||
	    (home_id == 0 && (!emergency || blank(label)))) {
		*why = "foster.error.home";
		return NARA_EINVAL;
	}
	int64_t mun, person;
	enum nara_err err = case_begin(db, who, case_id, 1, &mun, &person);
	if (err == NARA_OK)
		err = place_in_tx(db, who, case_id, mun, person, kind, home_id,
				  label, from, now, why);
	return audit_finish(db, err);
}

enum nara_err foster_review_add(struct db *db, const struct actor *who,
				int64_t case_id, int64_t on, const char *note,
				int64_t now, const char **why)
{
	*why = NULL;
	if (on == 0 || on > now) {
		*why = "foster.error.date";
		return NARA_EINVAL;
	}
	if (blank(note) || !text_ok(note, FOSTER_TEXT_MAX)) {
		*why = "foster.error.review_note";
		return NARA_EINVAL;
	}
	int64_t mun, person, current = 0;
	struct foster_dates d;
	enum nara_err err = case_begin(db, who, case_id, 1, &mun, &person);
	if (err == NARA_OK)
		err = load_dates(db, case_id, &d, &current);
	if (err == NARA_OK && current == 0) {
		*why = "foster.error.no_placement";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK && on < d.current_from) {
		*why = "foster.error.from_order";
		err = NARA_EINVAL;
	}
	int64_t id = 0;
	if (err == NARA_OK)
		err = db_query_int(
		    db, &id,
		    "INSERT INTO foster_review (case_id, municipality_id,"
		    " placement_id, reviewed_at, note, created_by, created_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    "iiiisii", case_id, mun, current, on, note, who->staff_id,
		    now);
	if (err == NARA_OK)
		err = case_touch_in_tx(db, case_id, now);
	if (err == NARA_OK)
		err = audit_row(db, who, mun, 0, "create", "foster_review", id,
				person, NULL, 0, now);
	return audit_finish(db, err);
}

enum nara_err foster_match_send(struct db *db, const struct actor *who,
				int64_t case_id,
				const struct foster_request *req, int64_t now,
				int64_t *match_id, const char **why)
{
	*why = NULL;
	*match_id = 0;
	if (req->child_age < 0 || req->child_age > 17) {
		*why = "foster.error.age";
		return NARA_EINVAL;
	}
	const char *sex = req->child_sex != NULL ? req->child_sex : "";
	if (strcmp(sex, "girl") != 0 && strcmp(sex, "boy") != 0 &&
	    strcmp(sex, "unstated") != 0) {
		*why = "foster.error.sex";
		return NARA_EINVAL;
	}
	if (req->needs < 0 || req->needs >= (1 << FOSTER_NEED_COUNT)) {
		*why = "foster.error.needs";
		return NARA_EINVAL;
	}
	if (req->wanted_from == 0) {
		*why = "foster.error.date";
		return NARA_EINVAL;
	}
	int64_t mun, person, unit = 0, host, agreement = 0;
	enum nara_err err = case_begin(db, who, case_id, 1, &mun, &person);
	if (err == NARA_OK) {
		err = centre_for(db, mun, now, &unit, &host, &agreement);
		if (err == NARA_ENOTFOUND) {
			*why = "foster.error.no_centre";
			err = NARA_EINVAL;
		}
	}
	if (err == NARA_OK)
		err = db_query_int(
		    db, match_id,
		    "INSERT INTO foster_match (case_id, municipality_id,"
		    " unit_id, agreement_id, child_age, child_sex, needs,"
		    " wanted_from, emergency_now, created_by, created_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    "iiiiisiiiii", case_id, mun, unit, agreement,
		    (int64_t)req->child_age, sex, (int64_t)req->needs,
		    req->wanted_from, (int64_t)(req->emergency_now ? 1 : 0),
		    who->staff_id, now);
	if (err == NARA_OK)
		err = case_touch_in_tx(db, case_id, now);
	if (err == NARA_OK)
		err =
		    audit_row(db, who, mun, agreement, "create", "foster_match",
			      *match_id, person, NULL, 0, now);
	return audit_finish(db, err);
}

enum nara_err foster_match_choose(struct db *db, const struct actor *who,
				  int64_t case_id, int64_t match_id,
				  int64_t home_id, int64_t from, int64_t now,
				  const char **why)
{
	*why = NULL;
	if (from == 0) {
		*why = "foster.error.date";
		return NARA_EINVAL;
	}
	int64_t mun, person;
	enum nara_err err = case_begin(db, who, case_id, 1, &mun, &person);
	int64_t proposed = 0, agreement = 0;
	if (err == NARA_OK)
		err = db_query_int(
		    db, &proposed,
		    "SELECT count(*) FROM foster_proposal p JOIN foster_match"
		    " f ON f.id = p.match_id WHERE p.match_id = ? AND"
		    " p.home_id = ? AND f.case_id = ? AND f.state = 'proposed'",
		    "iii", match_id, home_id, case_id);
	if (err == NARA_OK && proposed == 0) {
		*why = "foster.error.not_proposed";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err = place_in_tx(db, who, case_id, mun, person, "foster",
				  home_id, "", from, now, why);
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE foster_match SET state = 'chosen',"
			     " chosen_home_id = ?, chosen_at = ? WHERE id = ?",
			     "iii", home_id, now, match_id);
	if (err == NARA_OK)
		err = db_query_int(
		    db, &agreement,
		    "SELECT agreement_id FROM foster_match WHERE id = ?", "i",
		    match_id);
	if (err == NARA_OK)
		err = audit_row(db, who, mun, agreement, "update",
				"foster_match", match_id, person, NULL, 0, now);
	return audit_finish(db, err);
}

enum nara_err
foster_worklist_clocks(struct db *db, struct arena *a, int64_t municipality_id,
		       const int64_t *case_ids, size_t n, int64_t now,
		       struct foster_case_clocks **out, size_t *nout)
{
	*nout = 0;
	*out = NULL;
	if (n == 0)
		return NARA_OK;
	*out = arena_calloc(a, n, sizeof(**out));
	if (*out == NULL)
		return NARA_ENOMEM;
	/*
	 * The committee's placements, few beside its cases, in one read;
	 * each case's dates as load_dates gathers them.
	 */
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT p.case_id, p.kind, p.from_at, p.ended_at IS NULL,"
	    " COALESCE((SELECT MAX(r.reviewed_at) FROM foster_review r WHERE"
	    " r.placement_id = p.id), 0) FROM foster_placement p WHERE"
	    " p.municipality_id = ? ORDER BY p.case_id, p.from_at, p.id",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, municipality_id);
	int rc = DB_DONE;
	struct foster_dates *all = arena_calloc(a, n, sizeof(*all));
	if (all == NULL) {
		db_done(st);
		return NARA_ENOMEM;
	}
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t case_id = db_col_int(st, 0);
		size_t i = 0;
		while (i < n && case_ids[i] != case_id)
			i++;
		if (i == n)
			continue;
		struct foster_dates *x = &all[i];
		int64_t from = db_col_int(st, 2);
		int emergency = strcmp(db_col_text(st, 1), "emergency") == 0;
		if (emergency && x->emergency_from == 0)
			x->emergency_from = from;
		if (!emergency && x->foster_from == 0)
			x->foster_from = from;
		if (db_col_int(st, 3)) {
			x->current_from = from;
			x->last_review = db_col_int(st, 4);
		}
	}
	db_done(st);
	if ((err = db_step_err(rc)) != NARA_OK)
		return err;
	for (size_t i = 0; i < n; i++) {
		if (all[i].emergency_from == 0 && all[i].current_from == 0)
			continue;
		struct foster_case_clocks *c = &(*out)[(*nout)++];
		c->case_id = case_ids[i];
		c->goal = foster_goal_clock(&all[i], now);
		c->review = foster_review_clock(&all[i], now);
	}
	return NARA_OK;
}

/* ---- after-hours support ---- */

enum nara_err foster_home_of(struct db *db, const struct actor *who,
			     int64_t *home_id)
{
	*home_id = 0;
	if (who->subject.kind != SUBJECT_CITIZEN || who->personnummer[0] == 0)
		return NARA_OK;
	enum nara_err err =
	    db_query_int(db, home_id,
			 "SELECT id FROM foster_home WHERE"
			 " personnummer = ? ORDER BY id LIMIT 1",
			 "s", who->personnummer);
	return err == NARA_ENOTFOUND ? NARA_OK : err;
}

/*
 * Opens the transaction of a foster parent's action: their home (the
 * register's row with their personnummer), or a refusal with its flagged
 * audit row.
 */
static enum nara_err parent_begin(struct db *db, const struct actor *who,
				  const char *refused, int64_t now,
				  int64_t *home_id, int64_t *host,
				  int64_t *unit)
{
	enum nara_err err = db_begin(db);
	if (err == NARA_OK)
		err = foster_home_of(db, who, home_id);
	if (err == NARA_OK && *home_id == 0) {
		err =
		    audit_row(db, who, 0, 0, refused, "foster_support", 0, 0,
			      policy_reason_text(POLICY_DENY_NOT_OWN), 1, now);
		return err != NARA_OK ? err : NARA_EDENIED;
	}
	if (err == NARA_OK)
		err = db_query_int(db, host,
				   "SELECT municipality_id FROM foster_home"
				   " WHERE id = ?",
				   "i", *home_id);
	if (err == NARA_OK)
		err = db_query_int(
		    db, unit, "SELECT unit_id FROM foster_home WHERE id = ?",
		    "i", *home_id);
	return err;
}

enum nara_err foster_support_send(struct db *db, const struct actor *who,
				  const char *kind, const char *body,
				  const char *phone, int64_t call_at,
				  int64_t now, int64_t *id, const char **why)
{
	*why = NULL;
	*id = 0;
	int call = kind != NULL && strcmp(kind, "call") == 0;
	if (!call && (kind == NULL || strcmp(kind, "message") != 0)) {
		*why = "foster.error.support_kind";
		return NARA_EINVAL;
	}
	if (!text_ok(body, FOSTER_TEXT_MAX) || !text_ok(phone, 40)) {
		*why = "foster.error.long";
		return NARA_EINVAL;
	}
	if (!call && blank(body)) {
		*why = "foster.error.support_body";
		return NARA_EINVAL;
	}
	if (call && blank(phone)) {
		*why = "foster.error.support_phone";
		return NARA_EINVAL;
	}
	if (call && call_at != 0 && call_at < now - 3600) {
		*why = "foster.error.support_when";
		return NARA_EINVAL;
	}
	int64_t home, host, unit;
	enum nara_err err =
	    parent_begin(db, who, "write_denied", now, &home, &host, &unit);
	if (err == NARA_OK) {
		const char *sql =
		    "INSERT INTO foster_support (home_id, municipality_id,"
		    " unit_id, kind, body, phone, call_at, created_at) VALUES"
		    " (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
		err = call && call_at != 0
			  ? db_query_int(db, id, sql, "iiisssii", home, host,
					 unit, "call", nz(body), nz(phone),
					 call_at, now)
			  : db_query_int(db, id, sql, "iiisssni", home, host,
					 unit, call ? "call" : "message",
					 nz(body), nz(phone), now);
	}
	if (err == NARA_OK)
		err = audit_row(db, who, host, 0, "create", "foster_support",
				*id, 0, NULL, 0, now);
	return audit_finish(db, err);
}

static enum nara_err load_support(struct db *db, struct arena *a,
				  const char *where, int64_t key,
				  struct foster_support_view **out, size_t *n)
{
	enum { MAX_SUPPORT = 200 };
	*n = 0;
	*out = arena_calloc(a, MAX_SUPPORT, sizeof(**out));
	const char *sql = arena_printf(
	    a,
	    "SELECT s.id, s.kind, s.body, s.phone, COALESCE(s.call_at, 0),"
	    " s.created_at, COALESCE(s.handled_at, 0), h.name, m.name,"
	    " COALESCE(u.display_name, '') FROM foster_support s JOIN"
	    " foster_home h ON h.id = s.home_id JOIN municipality m ON m.id ="
	    " h.residence_municipality_id LEFT JOIN staff_user u ON u.id ="
	    " s.handled_by WHERE %s ORDER BY CASE WHEN s.handled_at IS NULL"
	    " THEN 0 ELSE 1 END, s.id DESC",
	    where);
	if (*out == NULL || sql == NULL)
		return NARA_ENOMEM;
	struct db_stmt *st;
	enum nara_err err = db_prepare(db, sql, &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, key);
	int rc = DB_DONE;
	while (*n < MAX_SUPPORT && (rc = db_step(st)) == DB_ROW) {
		struct foster_support_view *v = &(*out)[(*n)++];
		v->id = db_col_int(st, 0);
		v->kind = dup_col(a, st, 1);
		v->body = dup_col(a, st, 2);
		v->phone = dup_col(a, st, 3);
		v->call_at = db_col_int(st, 4);
		v->created_at = db_col_int(st, 5);
		v->handled_at = db_col_int(st, 6);
		v->home = dup_col(a, st, 7);
		v->residence = dup_col(a, st, 8);
		v->handled_by = dup_col(a, st, 9);
	}
	db_done(st);
	return db_step_err(rc);
}

enum nara_err foster_support_mine(struct db *db, struct arena *a,
				  const struct actor *who,
				  struct foster_support_view **out, size_t *n)
{
	int64_t home, host, unit;
	*n = 0;
	enum nara_err err =
	    parent_begin(db, who, "read_denied", 0, &home, &host, &unit);
	if (err == NARA_OK)
		err = load_support(db, a, "s.home_id = ?", home, out, n);
	return read_finish(db, who, host, "foster_support_list", home, err);
}

enum nara_err foster_support_list(struct db *db, struct arena *a,
				  const struct actor *who,
				  struct foster_support_view **out, size_t *n)
{
	int64_t unit, host;
	*n = 0;
	enum nara_err err =
	    centre_begin(db, who, "foster_support", 0, &unit, &host);
	if (err == NARA_OK)
		err = load_support(db, a, "s.unit_id = ?", unit, out, n);
	return read_finish(db, who, host, "foster_support_list", unit, err);
}

enum nara_err foster_support_handle(struct db *db, const struct actor *who,
				    int64_t id, int64_t now)
{
	int64_t unit, host;
	enum nara_err err =
	    centre_row_begin(db, who, "foster_support",
			     "SELECT unit_id FROM foster_support WHERE id = ?",
			     id, now, &unit, &host);
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE foster_support SET handled_by = ?,"
			     " handled_at = ? WHERE id = ? AND handled_at IS"
			     " NULL",
			     "iii", who->staff_id, now, id);
	if (err == NARA_OK)
		err = audit_row(db, who, host, 0, "update", "foster_support",
				id, 0, NULL, 0, now);
	return audit_finish(db, err);
}
