/* Support groups; see group.h. */
#include "domain/group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/notify.h"
#include "domain/tenant.h"
#include "policy/clock.h"
#include "policy/group.h"

static const char *const audiences[GROUP_AUDIENCE_COUNT] = {
    "children", "young", "adults", "parents"};

int group_audience_parse(const char *s)
{
	for (int i = 0; s != NULL && i < GROUP_AUDIENCE_COUNT; i++)
		if (strcmp(s, audiences[i]) == 0)
			return i;
	return -1;
}

const char *group_audience_name(int audience)
{
	return audience >= 0 && audience < GROUP_AUDIENCE_COUNT
		   ? audiences[audience]
		   : NULL;
}

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = arena_strdup(a, db_col_text(st, i));
	return s ? s : "";
}

/* An integer column that may be NULL (an optional id): 0 for NULL. */
static int64_t col_int0(struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? 0 : db_col_int(st, i);
}

/* What the rules need of a series and its group. */
struct series_facts {
	int64_t id, group_id, municipality_id, unit_id, starts_at, ends_at;
	int shared, open_signup, capacity, taken;
};

static enum nara_err series_facts_load(struct db *db, int64_t series_id,
				       struct series_facts *f)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT s.id, g.id, g.municipality_id, g.unit_id, s.starts_at,"
	    " s.ends_at, u.shared, g.open_signup, s.capacity, s.taken"
	    " FROM support_group_series s"
	    " JOIN support_group g ON g.id = s.group_id"
	    " JOIN unit u ON u.id = g.unit_id WHERE s.id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, series_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		f->id = db_col_int(st, 0);
		f->group_id = db_col_int(st, 1);
		f->municipality_id = db_col_int(st, 2);
		f->unit_id = db_col_int(st, 3);
		f->starts_at = db_col_int(st, 4);
		f->ends_at = db_col_int(st, 5);
		f->shared = (int)db_col_int(st, 6);
		f->open_signup = (int)db_col_int(st, 7);
		f->capacity = (int)db_col_int(st, 8);
		f->taken = (int)db_col_int(st, 9);
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	return rc == DB_ROW ? NARA_OK : NARA_ENOTFOUND;
}

/*
 * Takes the series' row for this transaction (PostgreSQL's row lock; on
 * SQLite the transaction already holds the writer's lock) and then reads
 * it: every change of a series' places starts here, so two never
 * interleave.
 */
static enum nara_err series_lock(struct db *db, int64_t series_id,
				 struct series_facts *f)
{
	int64_t taken = 0;
	enum nara_err err = db_query_int(
	    db, &taken,
	    "UPDATE support_group_series SET taken = taken WHERE id = ?"
	    " RETURNING taken",
	    "i", series_id);
	if (err != NARA_OK)
		return err;
	return series_facts_load(db, series_id, f);
}

/* The series a session belongs to, and its facts. */
static enum nara_err session_series_load(struct db *db, int64_t session_id,
					 int64_t *series_id,
					 struct series_facts *f)
{
	enum nara_err err = db_query_int(db, series_id,
					 "SELECT series_id FROM"
					 " support_group_session WHERE id = ?",
					 "i", session_id);
	if (err != NARA_OK)
		return err;
	return series_facts_load(db, *series_id, f);
}

int group_serves(struct db *db, int64_t host_municipality_id, int64_t unit_id,
		 int shared, int64_t home, int64_t at, int64_t *agreement_id)
{
	*agreement_id = 0;
	if (home == host_municipality_id)
		return 1;
	if (!shared)
		return 0;
	return agreement_in_force(db, unit_id, home, at, agreement_id) ==
	       NARA_OK;
}

/* Reading ------------------------------------------------------------- */

static enum nara_err load_sessions(struct db *db, struct arena *a,
				   struct group_series *s)
{
	struct db_stmt *st;
	enum nara_err err =
	    db_prepare(db,
		       "SELECT id, starts_at, ends_at, place, video FROM"
		       " support_group_session WHERE series_id = ?"
		       " ORDER BY starts_at, id",
		       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, s->id);
	size_t cap = (size_t)(s->sessions > 0 ? s->sessions : 1) + 8;
	s->session = arena_calloc(a, cap, sizeof(*s->session));
	s->nsession = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (s->session == NULL || s->nsession == cap)
			continue;
		struct group_session *x = &s->session[s->nsession++];
		x->id = db_col_int(st, 0);
		x->starts_at = db_col_int(st, 1);
		x->ends_at = db_col_int(st, 2);
		x->place = col(a, st, 3);
		x->video = (int)db_col_int(st, 4);
	}
	db_done(st);
	if (s->session == NULL)
		return NARA_ENOMEM;
	return db_step_err(rc);
}

#define GROUP_SELECT                                                           \
	"SELECT g.id, g.municipality_id, g.unit_id, g.title, g.audience,"      \
	" g.description, g.open_signup, u.name, u.shared, m.name, m.slug,"     \
	" s.id, s.starts_at, s.ends_at, s.sessions, s.capacity, s.taken,"      \
	" (SELECT COUNT(*) FROM group_enrolment w WHERE w.series_id = s.id"    \
	"  AND w.state = 'waiting')"                                           \
	" FROM support_group g JOIN unit u ON u.id = g.unit_id"                \
	" JOIN municipality m ON m.id = g.municipality_id"                     \
	" LEFT JOIN support_group_series s ON s.group_id = g.id"

/*
 * Rows of GROUP_SELECT (ordered by group) into views, one per group,
 * each with its series.
 */
static enum nara_err collect(struct db_stmt *st, struct arena *a,
			     struct group_view **out, size_t *count)
{
	size_t cap = 16, n = 0;
	struct group_view *v = arena_calloc(a, cap, sizeof(*v));
	int rc;
	while (v != NULL && (rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		if (n == 0 || v[n - 1].id != id) {
			if (n == cap) {
				struct group_view *w =
				    arena_calloc(a, cap * 2, sizeof(*v));
				if (w == NULL) {
					v = NULL;
					break;
				}
				memcpy(w, v, n * sizeof(*v));
				v = w;
				cap *= 2;
			}
			struct group_view *g = &v[n++];
			g->id = id;
			g->municipality_id = db_col_int(st, 1);
			g->unit_id = db_col_int(st, 2);
			g->title = col(a, st, 3);
			g->audience = col(a, st, 4);
			g->description = col(a, st, 5);
			g->open_signup = (int)db_col_int(st, 6);
			g->unit_name = col(a, st, 7);
			g->shared = (int)db_col_int(st, 8);
			g->municipality_name = col(a, st, 9);
			g->municipality_slug = col(a, st, 10);
			g->series = arena_calloc(a, 8, sizeof(*g->series));
			if (g->series == NULL) {
				v = NULL;
				break;
			}
		}
		struct group_view *g = &v[n - 1];
		if (db_col_is_null(st, 11) || g->nseries == 8)
			continue;
		struct group_series *s = &g->series[g->nseries++];
		s->id = db_col_int(st, 11);
		s->starts_at = db_col_int(st, 12);
		s->ends_at = db_col_int(st, 13);
		s->sessions = (int)db_col_int(st, 14);
		s->capacity = (int)db_col_int(st, 15);
		s->taken = (int)db_col_int(st, 16);
		s->waiting = (int)db_col_int(st, 17);
	}
	if (v == NULL) {
		while ((rc = db_step(st)) == DB_ROW)
			;
		return NARA_ENOMEM;
	}
	*out = v;
	*count = n;
	return db_step_err(rc);
}

enum nara_err group_catalogue(struct db *db, struct arena *a,
			      int64_t for_municipality, int audience,
			      int64_t now, struct group_view **out,
			      size_t *count)
{
	*out = NULL;
	*count = 0;
	enum nara_err err = db_begin_read(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(db,
			 GROUP_SELECT " WHERE s.starts_at > ? AND"
				      " (? = '' OR g.audience = ?)"
				      " ORDER BY m.name, g.title, g.id,"
				      " s.starts_at",
			 &st);
	struct group_view *v = NULL;
	size_t n = 0;
	if (err == NARA_OK) {
		const char *aud = group_audience_name(audience);
		db_bind_int(st, 1, now);
		db_bind_text(st, 2, aud ? aud : "", (size_t)-1);
		db_bind_text(st, 3, aud ? aud : "", (size_t)-1);
		err = collect(st, a, &v, &n);
		db_done(st);
	}
	size_t kept = 0;
	for (size_t i = 0; err == NARA_OK && i < n; i++) {
		int64_t ag;
		if (for_municipality != 0 &&
		    !group_serves(db, v[i].municipality_id, v[i].unit_id,
				  v[i].shared, for_municipality, now, &ag))
			continue;
		v[kept++] = v[i];
	}
	enum nara_err c = db_commit(db);
	if (err != NARA_OK)
		return err;
	*out = v;
	*count = kept;
	return c;
}

enum nara_err group_read(struct db *db, struct arena *a, int64_t group_id,
			 int64_t now, struct group_view *out)
{
	memset(out, 0, sizeof(*out));
	enum nara_err err = db_begin_read(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(db,
			 GROUP_SELECT " AND s.starts_at > ? WHERE g.id = ?"
				      " ORDER BY g.id, s.starts_at",
			 &st);
	struct group_view *v = NULL;
	size_t n = 0;
	if (err == NARA_OK) {
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, group_id);
		err = collect(st, a, &v, &n);
		db_done(st);
	}
	if (err == NARA_OK && n == 0)
		err = NARA_ENOTFOUND;
	for (size_t i = 0; err == NARA_OK && i < v[0].nseries; i++)
		err = load_sessions(db, a, &v[0].series[i]);
	enum nara_err c = db_commit(db);
	if (err != NARA_OK)
		return err;
	*out = v[0];
	return c;
}

/* Staff: setting up -------------------------------------------------- */

static int text_ok(const char *s, size_t min, size_t max)
{
	if (s == NULL)
		return min == 0;
	size_t n = strlen(s);
	if (n < min || n > max || !utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n' &&
		    s[i] != '\r' && s[i] != '\t')
			return 0;
	return 1;
}

/* Not only white space. */
static int has_text(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 1;
	return 0;
}

/* Why a group's title, audience or description is refused; NULL: none. */
static const char *group_new_check(const struct group_new *n)
{
	if (!text_ok(n->title, 1, GROUP_TITLE_MAX) || !has_text(n->title))
		return "group.error.title";
	if (group_audience_parse(n->audience) < 0)
		return "group.error.audience";
	if (!text_ok(n->description, 0, GROUP_TEXT_MAX))
		return "group.error.description";
	return NULL;
}

/*
 * NARA_OK when who leads the groups of the unit; else the refusal of
 * action on the record, audited and flagged (NARA_EDENIED).
 */
static enum nara_err require_leader(struct db *db, const struct actor *who,
				    int64_t municipality_id, int64_t unit_id,
				    const char *record_kind, int64_t record_id,
				    const char *action)
{
	struct policy_group pg = {municipality_id, unit_id};
	if (policy_group_access(&who->subject, &pg) == GROUP_LEADER)
		return NARA_OK;
	enum nara_err err =
	    audit_actor(db, who, municipality_id, 0, action, record_kind,
			record_id, 0, "not staff of the group's unit", 1);
	return err == NARA_OK ? NARA_EDENIED : err;
}

/* The municipality and unit a group belongs to. */
static enum nara_err group_owner_load(struct db *db, int64_t group_id,
				      int64_t *municipality_id,
				      int64_t *unit_id)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(db,
				       "SELECT municipality_id, unit_id FROM"
				       " support_group WHERE id = ?",
				       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, group_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*municipality_id = db_col_int(st, 0);
		*unit_id = db_col_int(st, 1);
	}
	db_done(st);
	return rc < 0	      ? db_step_err(rc)
	       : rc == DB_ROW ? NARA_OK
			      : NARA_ENOTFOUND;
}

enum nara_err group_add(struct db *db, const struct actor *who,
			const struct group_new *n, int64_t now, int64_t *id,
			const char **why)
{
	*why = group_new_check(n);
	if (*why)
		return NARA_EINVAL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0;
	err = db_query_int(db, &municipality_id,
			   "SELECT municipality_id FROM unit WHERE id = ?", "i",
			   n->unit_id);
	if (err == NARA_OK)
		err = require_leader(db, who, municipality_id, n->unit_id,
				     "support_group", 0, "write_denied");
	if (err == NARA_OK)
		err = db_query_int(
		    db, id,
		    "INSERT INTO support_group (municipality_id, unit_id,"
		    " title, audience, description, open_signup, created_by,"
		    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    "iisssiii", municipality_id, n->unit_id, n->title,
		    n->audience, n->description ? n->description : "",
		    (int64_t)(n->open_signup ? 1 : 0), who->staff_id, now);
	if (err == NARA_OK)
		err = audit_actor(db, who, municipality_id, 0, "create",
				  "support_group", *id, 0, "", 0);
	return audit_finish(db, err);
}

enum nara_err group_update(struct db *db, const struct actor *who,
			   int64_t group_id, const struct group_new *n,
			   const char **why)
{
	*why = group_new_check(n);
	if (*why)
		return NARA_EINVAL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0, unit_id = 0;
	err = group_owner_load(db, group_id, &municipality_id, &unit_id);
	if (err == NARA_OK)
		err = require_leader(db, who, municipality_id, unit_id,
				     "support_group", group_id, "write_denied");
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE support_group SET title = ?, audience = ?,"
			     " description = ?, open_signup = ? WHERE id = ?",
			     "sssii", n->title, n->audience,
			     n->description ? n->description : "",
			     (int64_t)(n->open_signup ? 1 : 0), group_id);
	if (err == NARA_OK)
		err = audit_actor(db, who, municipality_id, 0, "update",
				  "support_group", group_id, 0, "", 0);
	return audit_finish(db, err);
}

/* t plus k weeks at the same Stockholm wall-clock time. */
static int64_t weeks_later(int64_t t, int k)
{
	int64_t u = t + (int64_t)k * 7 * 86400;
	return u + clock_stockholm_offset(t) - clock_stockholm_offset(u);
}

enum nara_err group_series_add(struct db *db, const struct actor *who,
			       const struct group_series_new *n, int64_t now,
			       int64_t *id, const char **why)
{
	*why = NULL;
	if (n->starts_at <= now)
		*why = "group.error.past";
	else if (n->sessions < 1 || n->sessions > 52)
		*why = "group.error.sessions";
	else if (n->minutes < 15 || n->minutes > 480)
		*why = "group.error.minutes";
	else if (n->capacity < 1 || n->capacity > 200)
		*why = "group.error.capacity";
	else if (!text_ok(n->place, 0, GROUP_TITLE_MAX) ||
		 (!n->video && !has_text(n->place)))
		*why = "group.error.place";
	if (*why)
		return NARA_EINVAL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0, unit_id = 0;
	err = group_owner_load(db, n->group_id, &municipality_id, &unit_id);
	if (err == NARA_OK)
		err = require_leader(db, who, municipality_id, unit_id,
				     "support_group", n->group_id,
				     "write_denied");
	int64_t len = (int64_t)n->minutes * 60;
	int64_t last = weeks_later(n->starts_at, n->sessions - 1);
	if (err == NARA_OK)
		err = db_query_int(
		    db, id,
		    "INSERT INTO support_group_series (group_id, starts_at,"
		    " ends_at, sessions, capacity, created_at) VALUES"
		    " (?, ?, ?, ?, ?, ?) RETURNING id",
		    "iiiiii", n->group_id, n->starts_at, last + len,
		    (int64_t)n->sessions, (int64_t)n->capacity, now);
	for (int k = 0; err == NARA_OK && k < n->sessions; k++) {
		int64_t t = weeks_later(n->starts_at, k);
		err = db_run(db,
			     "INSERT INTO support_group_session (series_id,"
			     " starts_at, ends_at, place, video) VALUES"
			     " (?, ?, ?, ?, ?)",
			     "iiisi", *id, t, t + len, n->place ? n->place : "",
			     (int64_t)(n->video ? 1 : 0));
	}
	if (err == NARA_OK)
		err = audit_actor(db, who, municipality_id, 0, "create",
				  "group_series", *id, 0, "", 0);
	return audit_finish(db, err);
}

enum nara_err group_session_change(struct db *db, const struct actor *who,
				   int64_t session_id, int64_t starts_at,
				   int minutes, const char *place, int video,
				   const char **why)
{
	*why = NULL;
	if (minutes < 15 || minutes > 480)
		*why = "group.error.minutes";
	else if (!text_ok(place, 0, GROUP_TITLE_MAX) ||
		 (!video && !has_text(place)))
		*why = "group.error.place";
	else if (starts_at <= 0)
		*why = "group.error.when";
	if (*why)
		return NARA_EINVAL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t series_id = 0;
	struct series_facts f;
	err = session_series_load(db, session_id, &series_id, &f);
	if (err == NARA_OK)
		err =
		    require_leader(db, who, f.municipality_id, f.unit_id,
				   "group_session", session_id, "write_denied");
	if (err == NARA_OK)
		err = db_run(
		    db,
		    "UPDATE support_group_session SET starts_at = ?,"
		    " ends_at = ?, place = ?, video = ? WHERE id = ?",
		    "iisii", starts_at, starts_at + (int64_t)minutes * 60,
		    place ? place : "", (int64_t)(video ? 1 : 0), session_id);
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE support_group_series SET"
			     " starts_at = (SELECT MIN(starts_at) FROM"
			     "  support_group_session WHERE series_id = ?),"
			     " ends_at = (SELECT MAX(ends_at) FROM"
			     "  support_group_session WHERE series_id = ?)"
			     " WHERE id = ?",
			     "iii", series_id, series_id, series_id);
	if (err == NARA_OK)
		err = audit_actor(db, who, f.municipality_id, 0, "update",
				  "group_session", session_id, 0, "", 0);
	return audit_finish(db, err);
}

/* Enrolment ----------------------------------------------------------- */

static int email_ok(const char *s)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n == 0)
		return 1;
	if (n > 254 || at == NULL || at == s || strchr(at + 1, '.') == NULL)
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' ||
		    *p == '"' || *p == ',' || *p == ';')
			return 0;
	return 1;
}

static int phone_ok(const char *s)
{
	size_t n = strlen(s), digits = 0;
	if (n == 0)
		return 1;
	if (n > 30)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != ' ' && *p != '-' && *p != '+')
			return 0;
	}
	return digits >= 6;
}

const char *group_contact_check(const char *name, const char *email,
				const char *phone)
{
	if (!text_ok(name, 1, GROUP_NAME_MAX) || !has_text(name) ||
	    strchr(name, '\n'))
		return "group.error.name";
	if (email == NULL || !email_ok(email))
		return "group.error.email";
	if (phone == NULL || !phone_ok(phone))
		return "group.error.phone";
	if (email[0] == '\0' && phone[0] == '\0')
		return "group.error.contact";
	return NULL;
}

/* A person's second enrolment or waiting place in a series is refused. */
static enum nara_err not_yet_enrolled(struct db *db, int64_t series_id,
				      const char *personnummer,
				      const char **why)
{
	int64_t n = 0;
	enum nara_err err = db_query_int(
	    db, &n,
	    "SELECT COUNT(*) FROM group_enrolment WHERE series_id = ? AND"
	    " personnummer = ? AND state IN ('enrolled', 'waiting')",
	    "is", series_id, personnummer);
	if (err == NARA_OK && n > 0) {
		*why = "group.error.already";
		err = NARA_EINVAL;
	}
	return err;
}

/*
 * Why the series cannot take a resident of home now (NULL: it can, under
 * *agreement when the unit is shared).
 */
static const char *series_refuses(struct db *db, const struct series_facts *f,
				  int64_t home, int64_t now, int64_t *agreement)
{
	if (f->starts_at <= now)
		return "group.error.started";
	if (!group_serves(db, f->municipality_id, f->unit_id, f->shared, home,
			  now, agreement))
		return "group.error.not_served";
	return NULL;
}

/* The place or the waiting list; the series is locked. */
static enum nara_err take_place(struct db *db, const struct series_facts *f,
				int *waiting)
{
	*waiting = f->taken >= f->capacity;
	if (*waiting)
		return NARA_OK;
	return db_run(db,
		      "UPDATE support_group_series SET taken = taken + 1"
		      " WHERE id = ?",
		      "i", f->id);
}

struct enrolment_new {
	int64_t home, person_id, case_id, enrolled_by, consent_until,
	    consent_unit_id;
	const char *personnummer, *name, *email, *phone, *source, *consent_by;
};

static enum nara_err insert_enrolment(struct db *db,
				      const struct series_facts *f,
				      const struct enrolment_new *e,
				      int waiting, int64_t now, int64_t *id)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "INSERT INTO group_enrolment (series_id, municipality_id,"
	    " home_municipality_id, personnummer, person_id, name, email,"
	    " phone, state, source, case_id, enrolled_by, consent_by,"
	    " consent_scope, consent_unit_id, consent_until, created_at,"
	    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?) RETURNING id",
	    &st);
	if (err != NARA_OK)
		return err;
	int officer = strcmp(e->source, "officer") == 0;
	db_bind_int(st, 1, f->id);
	db_bind_int(st, 2, f->municipality_id);
	db_bind_int(st, 3, e->home);
	db_bind_text(st, 4, e->personnummer, (size_t)-1);
	if (e->person_id)
		db_bind_int(st, 5, e->person_id);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, e->name, (size_t)-1);
	db_bind_text(st, 7, e->email, (size_t)-1);
	db_bind_text(st, 8, e->phone, (size_t)-1);
	db_bind_text(st, 9, waiting ? "waiting" : "enrolled", (size_t)-1);
	db_bind_text(st, 10, e->source, (size_t)-1);
	if (officer) {
		db_bind_int(st, 11, e->case_id);
		db_bind_int(st, 12, e->enrolled_by);
		db_bind_text(st, 13, e->consent_by, (size_t)-1);
		db_bind_text(st, 14, "name_contact", (size_t)-1);
		db_bind_int(st, 15, e->consent_unit_id);
		db_bind_int(st, 16, e->consent_until);
	} else {
		db_bind_null(st, 11);
		db_bind_null(st, 12);
		db_bind_text(st, 13, "", 0);
		db_bind_text(st, 14, "", 0);
		db_bind_null(st, 15);
		db_bind_null(st, 16);
	}
	db_bind_int(st, 17, now);
	db_bind_int(st, 18, now);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	db_done(st);
	return db_step_err(rc);
}

enum nara_err group_signup(struct db *db, const struct actor *who,
			   const struct group_signup *s, int64_t now,
			   int64_t *enrolment_id, int *waiting,
			   const char **why)
{
	*why = NULL;
	*waiting = 0;
	if (who->subject.kind != SUBJECT_CITIZEN || who->personnummer[0] == 0)
		return NARA_EDENIED;
	*why = group_contact_check(s->name, s->email, s->phone);
	if (*why)
		return NARA_EINVAL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct series_facts f;
	int64_t agreement = 0, home_ok = 0;
	err = series_lock(db, s->series_id, &f);
	if (err == NARA_OK)
		err = db_query_int(db, &home_ok,
				   "SELECT COUNT(*) FROM municipality"
				   " WHERE id = ?",
				   "i", s->home_municipality_id);
	if (err == NARA_OK) {
		if (!home_ok)
			*why = "group.error.home";
		else if (!f.open_signup)
			*why = "group.error.not_open";
		else
			*why = series_refuses(db, &f, s->home_municipality_id,
					      now, &agreement);
		if (*why)
			err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err = not_yet_enrolled(db, f.id, who->personnummer, why);
	/* Whose notices: their record at home, else any of theirs. */
	int64_t person_id = 0;
	if (err == NARA_OK) {
		err = db_query_int(
		    db, &person_id,
		    "SELECT id FROM person WHERE personnummer = ? ORDER BY"
		    " CASE WHEN municipality_id = ? THEN 0 ELSE 1 END, id"
		    " LIMIT 1",
		    "si", who->personnummer, s->home_municipality_id);
		if (err == NARA_ENOTFOUND) {
			person_id = 0;
			err = NARA_OK;
		}
	}
	if (err == NARA_OK)
		err = take_place(db, &f, waiting);
	struct enrolment_new e = {
	    .home = s->home_municipality_id,
	    .person_id = person_id,
	    .personnummer = who->personnummer,
	    .name = s->name,
	    .email = s->email,
	    .phone = s->phone,
	    .source = "self",
	};
	if (err == NARA_OK)
		err = insert_enrolment(db, &f, &e, *waiting, now, enrolment_id);
	if (err == NARA_OK)
		err = audit_actor(
		    db, who, f.municipality_id, agreement, "create",
		    "group_enrolment", *enrolment_id, person_id,
		    *waiting ? "own sign-up, waiting list" : "own sign-up", 0);
	if (err == NARA_OK)
		err = db_notify(db, "group", f.id, now);
	return audit_finish(db, err);
}

enum nara_err group_enrol_from_case(struct db *db, const struct actor *who,
				    int64_t case_id, int64_t series_id,
				    const char *consent_by, int64_t now,
				    int64_t *enrolment_id, int *waiting,
				    const char **why)
{
	*why = NULL;
	*waiting = 0;
	if (who->subject.kind != SUBJECT_STAFF)
		return NARA_EDENIED;
	if (!text_ok(consent_by, 1, GROUP_NAME_MAX) || !has_text(consent_by) ||
	    strchr(consent_by, '\n'))
		*why = "group.error.consent";
	if (*why)
		return NARA_EINVAL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t case_municipality = 0, person_id = 0;
	/*
	 * The series first, as every change of places takes it (then the
	 * audit log's head): one order of locks, so no two wait on each
	 * other.
	 */
	struct series_facts f;
	err = series_lock(db, series_id, &f);
	if (err == NARA_OK)
		err = case_authorize_in_tx(db, who, case_id, 1,
					   &case_municipality, &person_id);
	if (err == NARA_OK && person_id == 0) {
		*why = "group.error.no_person";
		err = NARA_EINVAL;
	}
	struct arena a;
	arena_init(&a, 0);
	const char *pnr = "", *name = "", *email = "", *phone = "";
	int protected_identity = 0;
	if (err == NARA_OK) {
		struct db_stmt *st;
		err = db_prepare(db,
				 "SELECT personnummer, given_name || ' ' ||"
				 " family_name, email, phone,"
				 " protected_identity FROM person WHERE id = ?",
				 &st);
		if (err == NARA_OK) {
			db_bind_int(st, 1, person_id);
			int rc = db_step(st);
			if (rc == DB_ROW) {
				pnr = col(&a, st, 0);
				name = col(&a, st, 1);
				email = col(&a, st, 2);
				phone = col(&a, st, 3);
				protected_identity = (int)db_col_int(st, 4);
			}
			db_done(st);
			err = rc < 0	     ? db_step_err(rc)
			      : rc == DB_ROW ? NARA_OK
					     : NARA_ENOTFOUND;
		}
	}
	/* Protected identity (R4.4): no contact details leave the unit. */
	if (protected_identity) {
		email = "";
		phone = "";
	}
	int64_t agreement = 0;
	if (err == NARA_OK) {
		*why =
		    series_refuses(db, &f, case_municipality, now, &agreement);
		if (*why)
			err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err = not_yet_enrolled(db, f.id, pnr, why);
	if (err == NARA_OK)
		err = take_place(db, &f, waiting);
	struct enrolment_new e = {
	    .home = case_municipality,
	    .person_id = person_id,
	    .case_id = case_id,
	    .enrolled_by = who->staff_id,
	    .consent_until = f.ends_at,
	    .consent_unit_id = f.unit_id,
	    .personnummer = pnr,
	    .name = name,
	    .email = email,
	    .phone = phone,
	    .source = "officer",
	    .consent_by = consent_by,
	};
	if (err == NARA_OK)
		err = insert_enrolment(db, &f, &e, *waiting, now, enrolment_id);
	/* The disclosure, by the case's committee, on its legal basis. */
	if (err == NARA_OK) {
		const char *reason = arena_printf(
		    &a,
		    "consent of %s: name and contact to unit %lld until"
		    " %lld (enrolment %lld, case %lld)",
		    consent_by, (long long)f.unit_id, (long long)f.ends_at,
		    (long long)*enrolment_id, (long long)case_id);
		err = reason
			  ? audit_actor(db, who, case_municipality, agreement,
					"disclose", "group_enrolment",
					*enrolment_id, person_id, reason, 0)
			  : NARA_ENOMEM;
	}
	if (err == NARA_OK)
		err = db_notify(db, "group", f.id, now);
	arena_free(&a);
	return audit_finish(db, err);
}

/* The first on the waiting list gets the freed place and is told. */
static enum nara_err promote(struct db *db, const struct actor *who,
			     const struct series_facts *f, int64_t now,
			     int64_t *promoted)
{
	*promoted = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT id, person_id, home_municipality_id FROM group_enrolment"
	    " WHERE series_id = ? AND state = 'waiting' ORDER BY id LIMIT 1",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, f->id);
	int rc = db_step(st);
	int64_t id = 0, person_id = 0, home = 0;
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		person_id = col_int0(st, 1);
		home = db_col_int(st, 2);
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	if (rc == DB_DONE || f->ends_at <= now)
		return db_run(db,
			      "UPDATE support_group_series SET taken ="
			      " taken - 1 WHERE id = ?",
			      "i", f->id);
	err = db_run(db,
		     "UPDATE group_enrolment SET state = 'enrolled',"
		     " updated_at = ? WHERE id = ?",
		     "ii", now, id);
	int64_t agreement = 0;
	if (err == NARA_OK)
		group_serves(db, f->municipality_id, f->unit_id, f->shared,
			     home, now, &agreement);
	if (err == NARA_OK)
		err =
		    audit_actor(db, who, f->municipality_id, agreement,
				"update", "group_enrolment", id, person_id,
				"a place freed: first on the waiting list", 0);
	/* Says nothing of the group (R-B2): "Du har fått en plats". */
	if (err == NARA_OK && person_id != 0) {
		char key[64];
		snprintf(key, sizeof(key), "group:%lld:place", (long long)id);
		err = notify_person_in_tx(db, person_id, "group_place",
					  "/mina-sidor/grupper", key, now);
		if (err == NARA_ENOTFOUND)
			err = NARA_OK;
	}
	if (err == NARA_OK)
		*promoted = id;
	return err;
}

enum nara_err group_cancel(struct db *db, const struct actor *who,
			   int64_t enrolment_id, int64_t now, int64_t *promoted,
			   const char **why)
{
	*why = NULL;
	*promoted = 0;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t series_id = 0;
	err = db_query_int(db, &series_id,
			   "SELECT series_id FROM group_enrolment WHERE id = ?",
			   "i", enrolment_id);
	struct series_facts f;
	if (err == NARA_OK)
		err = series_lock(db, series_id, &f);
	char state[16] = "", pnr[16] = "";
	int64_t home = 0, person_id = 0;
	if (err == NARA_OK) {
		struct db_stmt *st;
		err = db_prepare(db,
				 "SELECT state, personnummer,"
				 " home_municipality_id, person_id FROM"
				 " group_enrolment WHERE id = ?",
				 &st);
		if (err == NARA_OK) {
			db_bind_int(st, 1, enrolment_id);
			int rc = db_step(st);
			if (rc == DB_ROW) {
				snprintf(state, sizeof(state), "%s",
					 db_col_text(st, 0));
				snprintf(pnr, sizeof(pnr), "%s",
					 db_col_text(st, 1));
				home = db_col_int(st, 2);
				person_id = col_int0(st, 3);
			}
			db_done(st);
			err = db_step_err(rc);
		}
	}
	int64_t agreement = 0;
	if (err == NARA_OK) {
		struct policy_group pg = {f.municipality_id, f.unit_id};
		group_serves(db, f.municipality_id, f.unit_id, f.shared, home,
			     now, &agreement);
		int own = policy_group_own(&who->subject, pnr);
		if (!own && !policy_group_participant(&who->subject, &pg, home,
						      agreement)) {
			/* A stranger learns nothing: as if there were none. */
			if (who->subject.kind == SUBJECT_CITIZEN) {
				err = NARA_ENOTFOUND;
			} else {
				err = audit_actor(
				    db, who, f.municipality_id, 0,
				    "write_denied", "group_enrolment",
				    enrolment_id, person_id,
				    "not staff of the group's unit", 1);
				if (err == NARA_OK)
					err = NARA_EDENIED;
			}
		}
	}
	int was_enrolled = strcmp(state, "enrolled") == 0;
	if (err == NARA_OK && !was_enrolled && strcmp(state, "waiting") != 0) {
		*why = "group.error.not_active";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE group_enrolment SET state = 'cancelled',"
			     " updated_at = ? WHERE id = ?",
			     "ii", now, enrolment_id);
	if (err == NARA_OK)
		err =
		    audit_actor(db, who, f.municipality_id, agreement, "cancel",
				"group_enrolment", enrolment_id, person_id,
				who->subject.kind == SUBJECT_CITIZEN
				    ? "own cancellation"
				    : "cancelled by the group's staff",
				0);
	if (err == NARA_OK && was_enrolled)
		err = promote(db, who, &f, now, promoted);
	if (err == NARA_OK)
		err = db_notify(db, "group", f.id, now);
	return audit_finish(db, err);
}

/* The citizen's pages -------------------------------------------------- */

enum nara_err group_list_own(struct db *db, struct arena *a,
			     const struct actor *who, int64_t now,
			     struct group_mine **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (who->subject.kind != SUBJECT_CITIZEN || who->personnummer[0] == 0)
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(
	    db,
	    "SELECT e.id, g.id, s.id, g.title, u.name, m.name, e.state,"
	    " s.starts_at, s.ends_at, s.sessions, s.capacity, s.taken,"
	    " (SELECT COUNT(*) FROM group_enrolment w WHERE w.series_id ="
	    "  e.series_id AND w.state = 'waiting' AND w.id <= e.id),"
	    " e.municipality_id, e.person_id, e.home_municipality_id,"
	    " g.unit_id, u.shared, e.personnummer"
	    " FROM group_enrolment e"
	    " JOIN support_group_series s ON s.id = e.series_id"
	    " JOIN support_group g ON g.id = s.group_id"
	    " JOIN unit u ON u.id = g.unit_id"
	    " JOIN municipality m ON m.id = g.municipality_id"
	    " WHERE e.personnummer = ? AND e.state IN ('enrolled', 'waiting')"
	    " AND s.ends_at > ? ORDER BY s.starts_at, e.id",
	    &st);
	size_t cap = 16, n = 0;
	struct group_mine *v = arena_calloc(a, cap, sizeof(*v));
	int64_t *muni = arena_calloc(a, cap, sizeof(int64_t));
	int64_t *pid = arena_calloc(a, cap, sizeof(int64_t));
	if (v == NULL || muni == NULL || pid == NULL)
		err = err == NARA_OK ? NARA_ENOMEM : err;
	if (err == NARA_OK) {
		db_bind_text(st, 1, who->personnummer, (size_t)-1);
		db_bind_int(st, 2, now);
		int rc;
		while ((rc = db_step(st)) == DB_ROW) {
			/* Only what the policy says is theirs. */
			if (n == cap || !policy_group_own(&who->subject,
							  db_col_text(st, 18)))
				continue;
			struct group_mine *x = &v[n];
			x->enrolment_id = db_col_int(st, 0);
			x->group_id = db_col_int(st, 1);
			x->series_id = db_col_int(st, 2);
			x->title = col(a, st, 3);
			x->unit_name = col(a, st, 4);
			x->municipality_name = col(a, st, 5);
			x->state = col(a, st, 6);
			x->series.id = x->series_id;
			x->series.starts_at = db_col_int(st, 7);
			x->series.ends_at = db_col_int(st, 8);
			x->series.sessions = (int)db_col_int(st, 9);
			x->series.capacity = (int)db_col_int(st, 10);
			x->series.taken = (int)db_col_int(st, 11);
			x->position = strcmp(x->state, "waiting") == 0
					  ? (int)db_col_int(st, 12)
					  : 0;
			muni[n] = db_col_int(st, 13);
			pid[n] = col_int0(st, 14);
			n++;
		}
		db_done(st);
		err = db_step_err(rc);
	}
	for (size_t i = 0; err == NARA_OK && i < n; i++)
		err = load_sessions(db, a, &v[i].series);
	for (size_t i = 0; err == NARA_OK && i < n; i++)
		err =
		    audit_actor(db, who, muni[i], 0, "read", "group_enrolment",
				v[i].enrolment_id, pid[i], "own enrolment", 0);
	err = audit_finish(db, err);
	if (err != NARA_OK)
		return err;
	*out = v;
	*count = n;
	return NARA_OK;
}

/* Staff's pages -------------------------------------------------------- */

enum nara_err group_list_staff(struct db *db, struct arena *a,
			       const struct actor *who, int64_t now,
			       struct group_view **out, size_t *count)
{
	(void)now;
	*out = NULL;
	*count = 0;
	if (who->subject.kind != SUBJECT_STAFF)
		return NARA_EDENIED;
	enum nara_err err = db_begin_read(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(db,
			 GROUP_SELECT " WHERE g.municipality_id = ?"
				      " ORDER BY g.id, s.starts_at",
			 &st);
	struct group_view *v = NULL;
	size_t n = 0;
	if (err == NARA_OK) {
		db_bind_int(st, 1, who->subject.municipality_id);
		err = collect(st, a, &v, &n);
		db_done(st);
	}
	size_t kept = 0;
	for (size_t i = 0; err == NARA_OK && i < n; i++) {
		struct policy_group pg = {v[i].municipality_id, v[i].unit_id};
		if (policy_group_access(&who->subject, &pg) == GROUP_LEADER)
			v[kept++] = v[i];
	}
	enum nara_err c = db_commit(db);
	if (err != NARA_OK)
		return err;
	*out = v;
	*count = kept;
	return c;
}

enum nara_err group_units_of(struct db *db, struct arena *a,
			     const struct actor *who, struct group_unit **out,
			     size_t *count)
{
	*out = NULL;
	*count = 0;
	const struct policy_subject *sub = &who->subject;
	struct group_unit *u = arena_calloc(a, sub->ngrants + 1, sizeof(*u));
	if (u == NULL)
		return NARA_ENOMEM;
	size_t n = 0;
	enum nara_err err = NARA_OK;
	for (size_t i = 0; err == NARA_OK && i < sub->ngrants; i++) {
		struct policy_group pg = {sub->grants[i].municipality_id,
					  sub->grants[i].unit_id};
		int seen = 0;
		for (size_t k = 0; k < n; k++)
			seen |= u[k].id == pg.unit_id;
		if (seen || policy_group_access(sub, &pg) != GROUP_LEADER)
			continue;
		struct db_stmt *st;
		err = db_prepare(db,
				 "SELECT u.name, m.name FROM unit u JOIN"
				 " municipality m ON m.id = u.municipality_id"
				 " WHERE u.id = ?",
				 &st);
		if (err != NARA_OK)
			break;
		db_bind_int(st, 1, pg.unit_id);
		int rc = db_step(st);
		if (rc == DB_ROW) {
			u[n].id = pg.unit_id;
			u[n].name = col(a, st, 0);
			u[n].municipality_name = col(a, st, 1);
			n++;
		}
		db_done(st);
		err = db_step_err(rc);
	}
	*out = u;
	*count = n;
	return err;
}

static struct group_participant *
grow(struct arena *a, struct group_participant *p, size_t n, size_t *cap)
{
	if (n < *cap)
		return p;
	size_t c = *cap ? *cap * 2 : 16;
	struct group_participant *w = arena_calloc(a, c, sizeof(*w));
	if (w != NULL && n)
		memcpy(w, p, n * sizeof(*w));
	*cap = c;
	return w;
}

enum nara_err group_roster_read(struct db *db, struct arena *a,
				const struct actor *who, int64_t series_id,
				int64_t now, struct group_roster *out)
{
	memset(out, 0, sizeof(*out));
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct series_facts f = {0};
	err = series_facts_load(db, series_id, &f);
	if (err == NARA_OK)
		err = require_leader(db, who, f.municipality_id, f.unit_id,
				     "group_series", series_id, "read_denied");
	struct policy_group pg = {f.municipality_id, f.unit_id};
	struct db_stmt *st;
	struct group_view *v = NULL;
	size_t n = 0;
	if (err == NARA_OK)
		err = db_prepare(
		    db, GROUP_SELECT " AND s.id = ? WHERE g.id = ?", &st);
	if (err == NARA_OK) {
		db_bind_int(st, 1, series_id);
		db_bind_int(st, 2, f.group_id);
		err = collect(st, a, &v, &n);
		db_done(st);
		if (err == NARA_OK && (n != 1 || v[0].nseries != 1))
			err = NARA_ENOTFOUND;
	}
	if (err == NARA_OK) {
		out->group = v[0];
		err = load_sessions(db, a, &out->group.series[0]);
	}
	const struct group_series *s =
	    err == NARA_OK ? &out->group.series[0] : NULL;
	size_t cap_e = 0, cap_w = 0;
	if (err == NARA_OK)
		err = db_prepare(db,
				 "SELECT id, name, email, phone, state, source,"
				 " home_municipality_id, person_id,"
				 " consent_until FROM group_enrolment WHERE"
				 " series_id = ? AND state IN ('enrolled',"
				 " 'waiting') ORDER BY id",
				 &st);
	/* Read the rows first; the audit rows after (one statement at a time).
	 */
	struct row {
		int64_t id, home, person_id, agreement, consent_until;
		struct group_participant p;
		int waiting, read;
	} *rows = NULL;
	size_t nrows = 0, caprows = 0;
	if (err == NARA_OK) {
		db_bind_int(st, 1, series_id);
		int rc;
		while ((rc = db_step(st)) == DB_ROW) {
			if (nrows == caprows) {
				size_t c = caprows ? caprows * 2 : 32;
				struct row *w = arena_calloc(a, c, sizeof(*w));
				if (w == NULL)
					continue;
				if (nrows)
					memcpy(w, rows, nrows * sizeof(*w));
				rows = w;
				caprows = c;
			}
			struct row *x = &rows[nrows++];
			x->id = db_col_int(st, 0);
			x->p.enrolment_id = x->id;
			x->p.name = col(a, st, 1);
			x->p.email = col(a, st, 2);
			x->p.phone = col(a, st, 3);
			x->p.state = col(a, st, 4);
			x->p.source = col(a, st, 5);
			x->home = db_col_int(st, 6);
			x->person_id = col_int0(st, 7);
			x->consent_until = col_int0(st, 8);
			x->waiting = strcmp(x->p.state, "waiting") == 0;
		}
		db_done(st);
		err = db_step_err(rc);
	}
	for (size_t i = 0; err == NARA_OK && i < nrows; i++) {
		struct row *x = &rows[i];
		group_serves(db, f.municipality_id, f.unit_id, f.shared,
			     x->home, now, &x->agreement);
		/* A consent given for the series ends with it (R3.2). */
		int consent_over =
		    x->consent_until != 0 && now > x->consent_until;
		if (consent_over ||
		    !policy_group_participant(&who->subject, &pg, x->home,
					      x->agreement)) {
			out->hidden++;
			continue;
		}
		x->read = 1;
		x->p.agreement_id = x->agreement;
		x->p.present = arena_calloc(a, s->nsession + 1, sizeof(int));
		if (x->p.present == NULL) {
			err = NARA_ENOMEM;
			break;
		}
		for (size_t k = 0; k < s->nsession; k++)
			x->p.present[k] = -1;
		const char *reason = arena_printf(
		    a, "enrolment %lld, %s", (long long)x->id,
		    strcmp(x->p.source, "officer") == 0 ? "consent"
							: "own sign-up");
		err = reason
			  ? audit_actor(db, who, f.municipality_id,
					x->agreement, "read", "group_enrolment",
					x->id, x->person_id, reason, 0)
			  : NARA_ENOMEM;
	}
	/* Attendance of the participants read. */
	if (err == NARA_OK)
		err = db_prepare(db,
				 "SELECT a.session_id, a.enrolment_id,"
				 " a.present FROM group_attendance a JOIN"
				 " support_group_session s ON s.id ="
				 " a.session_id WHERE s.series_id = ?",
				 &st);
	if (err == NARA_OK) {
		db_bind_int(st, 1, series_id);
		int rc;
		while ((rc = db_step(st)) == DB_ROW) {
			int64_t sid = db_col_int(st, 0),
				eid = db_col_int(st, 1);
			int present = (int)db_col_int(st, 2);
			for (size_t i = 0; i < nrows; i++) {
				if (rows[i].id != eid || !rows[i].read)
					continue;
				for (size_t k = 0; k < s->nsession; k++)
					if (s->session[k].id == sid)
						rows[i].p.present[k] = present;
			}
		}
		db_done(st);
		err = db_step_err(rc);
	}
	for (size_t i = 0; err == NARA_OK && i < nrows; i++) {
		if (!rows[i].read)
			continue;
		if (rows[i].waiting) {
			out->waiting =
			    grow(a, out->waiting, out->nwaiting, &cap_w);
			if (out->waiting == NULL)
				err = NARA_ENOMEM;
			else
				out->waiting[out->nwaiting++] = rows[i].p;
		} else {
			out->enrolled =
			    grow(a, out->enrolled, out->nenrolled, &cap_e);
			if (out->enrolled == NULL)
				err = NARA_ENOMEM;
			else
				out->enrolled[out->nenrolled++] = rows[i].p;
		}
	}
	return audit_finish(db, err);
}

enum nara_err group_attendance_mark(struct db *db, const struct actor *who,
				    int64_t session_id, const int64_t *present,
				    size_t npresent, int64_t now,
				    const char **why)
{
	*why = NULL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t series_id = 0;
	struct series_facts f = {0};
	err = session_series_load(db, session_id, &series_id, &f);
	if (err == NARA_OK)
		err =
		    require_leader(db, who, f.municipality_id, f.unit_id,
				   "group_session", session_id, "write_denied");
	struct policy_group pg = {f.municipality_id, f.unit_id};
	/* Every id named must be a participant of this series. */
	for (size_t i = 0; err == NARA_OK && i < npresent; i++) {
		int64_t k = 0;
		err = db_query_int(db, &k,
				   "SELECT COUNT(*) FROM group_enrolment WHERE"
				   " id = ? AND series_id = ? AND state ="
				   " 'enrolled'",
				   "ii", present[i], series_id);
		if (err == NARA_OK && k == 0) {
			*why = "group.error.not_participant";
			err = NARA_EINVAL;
		}
	}
	struct db_stmt *st;
	int64_t ids[256], homes[256], persons[256];
	size_t nids = 0;
	if (err == NARA_OK)
		err = db_prepare(db,
				 "SELECT id, home_municipality_id, person_id"
				 " FROM group_enrolment WHERE series_id = ?"
				 " AND state = 'enrolled' ORDER BY id",
				 &st);
	if (err == NARA_OK) {
		db_bind_int(st, 1, series_id);
		int rc;
		while ((rc = db_step(st)) == DB_ROW)
			if (nids < 256) {
				ids[nids] = db_col_int(st, 0);
				homes[nids] = db_col_int(st, 1);
				persons[nids] = col_int0(st, 2);
				nids++;
			}
		db_done(st);
		err = db_step_err(rc);
	}
	for (size_t i = 0; err == NARA_OK && i < nids; i++) {
		int64_t agreement = 0;
		group_serves(db, f.municipality_id, f.unit_id, f.shared,
			     homes[i], now, &agreement);
		if (!policy_group_participant(&who->subject, &pg, homes[i],
					      agreement))
			continue;
		int here = 0;
		for (size_t k = 0; k < npresent; k++)
			here |= present[k] == ids[i];
		err =
		    db_run(db,
			   "INSERT INTO group_attendance (session_id,"
			   " enrolment_id, present, marked_by, marked_at)"
			   " VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id,"
			   " enrolment_id) DO UPDATE SET present ="
			   " excluded.present, marked_by = excluded.marked_by,"
			   " marked_at = excluded.marked_at",
			   "iiiii", session_id, ids[i], (int64_t)here,
			   who->staff_id, now);
		if (err == NARA_OK)
			err = audit_actor(db, who, f.municipality_id, agreement,
					  "update", "group_attendance", ids[i],
					  persons[i],
					  here ? "present" : "absent", 0);
	}
	return audit_finish(db, err);
}
