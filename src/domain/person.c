/* Persons; see person.h and person_internal.h. */
#include "domain/person.h"

#include <string.h>
#include <time.h>

#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/person_internal.h"
#include "domain/personnummer.h"

enum { SEARCH_MAX = 8, OWN_MAX = 16, READS_MAX = 200 };

enum nara_err person_add(struct db *db, const struct person_new *p, int64_t *id)
{
	struct personnummer pnr;
	if (p->given_name == NULL || p->family_name == NULL ||
	    p->given_name[0] == '\0' || p->family_name[0] == '\0' ||
	    p->personnummer == NULL ||
	    personnummer_parse(p->personnummer, (int64_t)time(NULL), &pnr) !=
		NARA_OK)
		return NARA_EINVAL;
	int owned = !db_in_tx(db);
	enum nara_err err = owned ? db_begin(db) : NARA_OK;
	if (err != NARA_OK)
		return err;
	/* A unit of another municipality would put the person behind its wall.
	 */
	if (p->unit_id != 0) {
		int64_t unit_municipality = 0;
		err = db_query_int(
		    db, &unit_municipality,
		    "SELECT municipality_id FROM unit WHERE id = ?", "i",
		    p->unit_id);
		if (err == NARA_ENOTFOUND ||
		    (err == NARA_OK && unit_municipality != p->municipality_id))
			err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err = db_query_int(
		    db, id,
		    "INSERT INTO person (municipality_id, unit_id, "
		    "personnummer,"
		    " given_name, family_name, sex, birth_date,"
		    " protected_identity, address, postal_code, city, phone,"
		    " email, fictitious, created_at)"
		    " VALUES (?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, "
		    "?,"
		    " ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    "iisssssisssssii", p->municipality_id, p->unit_id,
		    pnr.canonical, p->given_name, p->family_name, pnr.sex,
		    pnr.birth_date, (int64_t)(p->protected_identity ? 1 : 0),
		    p->address ? p->address : "",
		    p->postal_code ? p->postal_code : "",
		    p->city ? p->city : "", p->phone ? p->phone : "",
		    p->email ? p->email : "", (int64_t)(p->fictitious ? 1 : 0),
		    (int64_t)time(NULL));
	if (err == NARA_OK) {
		struct audit_entry e = {
		    .actor_kind = "system",
		    .actor_label = p->actor_label ? p->actor_label : "nara",
		    .municipality_id = p->municipality_id,
		    .action = "create",
		    .record_kind = "person",
		    .record_id = *id,
		    .person_id = *id,
		};
		err = audit_append(db, &e);
	}
	if (!owned)
		return err;
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

/* ---- loading, for the domain only (person_internal.h) ---- */

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	return arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
}

#define PERSON_COLUMNS                                                         \
	"SELECT p.id, p.municipality_id, m.name, p.personnummer,"              \
	" p.given_name, p.family_name, p.sex, p.birth_date, p.address,"        \
	" p.postal_code, p.city, p.phone, p.email, p.protected_identity,"      \
	" COALESCE(p.unit_id, 0), COALESCE(u.name, '') FROM person p"          \
	" JOIN municipality m ON m.id = p.municipality_id"                     \
	" LEFT JOIN unit u ON u.id = p.unit_id"

static int fill_view(struct db_stmt *st, struct arena *a, struct person_view *v)
{
	memset(v, 0, sizeof(*v));
	v->id = db_col_int(st, 0);
	v->municipality_id = db_col_int(st, 1);
	v->municipality_name = col(a, st, 2);
	v->personnummer = col(a, st, 3);
	v->given_name = col(a, st, 4);
	v->family_name = col(a, st, 5);
	v->sex = col(a, st, 6);
	v->birth_date = col(a, st, 7);
	v->address = col(a, st, 8);
	v->postal_code = col(a, st, 9);
	v->city = col(a, st, 10);
	v->phone = col(a, st, 11);
	v->email = col(a, st, 12);
	v->protected_identity = (int)db_col_int(st, 13);
	v->unit_id = db_col_int(st, 14);
	v->unit_name = col(a, st, 15);
	return v->municipality_name && v->personnummer && v->given_name &&
	       v->family_name && v->sex && v->birth_date && v->address &&
	       v->postal_code && v->city && v->phone && v->email &&
	       v->unit_name;
}

enum nara_err person_load(struct db *db, struct arena *a, int64_t id,
			  struct person_view *out)
{
	struct db_stmt *st;
	enum nara_err err =
	    db_prepare(db, PERSON_COLUMNS " WHERE p.id = ?", &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	int filled = rc == DB_ROW && fill_view(st, a, out);
	db_done(st);
	if (rc == DB_ROW)
		return filled ? NARA_OK : NARA_ENOMEM;
	return rc == DB_DONE ? NARA_ENOTFOUND : db_step_err(rc);
}

struct policy_record person_record(const struct person_view *v,
				   enum policy_record_kind kind)
{
	struct policy_record r = {
	    .kind = kind,
	    .municipality_id = v->municipality_id,
	    .unit_id = v->unit_id,
	    .person_id = v->id,
	    .protected_identity = v->protected_identity,
	    .personnummer = v->personnummer,
	    .person_age = -1,
	};
	return r;
}

void person_withhold_address(const struct actor *who,
			     const struct policy_record *r, int break_glass,
			     struct person_view *v)
{
	struct policy_record address = *r;
	address.kind = REC_PERSON_ADDRESS;
	struct policy_decision d =
	    break_glass
		? policy_decide_break_glass(&who->subject, ACT_READ, &address)
		: policy_decide(&who->subject, ACT_READ, &address);
	if (d.allowed)
		return;
	v->address = v->postal_code = v->city = "";
	v->phone = v->email = "";
	v->address_withheld = 1;
}

enum nara_err person_audit(struct db *db, const struct actor *who,
			   const struct person_view *v, const char *action,
			   const char *reason, int flagged)
{
	struct audit_entry e = {
	    .actor_kind = who->kind,
	    .actor_id = who->staff_id,
	    .actor_label = who->label,
	    .municipality_id = v->municipality_id,
	    .action = action,
	    .record_kind = "person",
	    .record_id = v->id,
	    .person_id = v->id,
	    .reason = reason,
	    .flagged = flagged,
	    .request_id = who->request_id,
	};
	return audit_append(db, &e);
}

void person_keep_refused(struct person_view *v, int keep_personnummer)
{
	struct person_view refused = {.id = v->id, .decision = v->decision};
	refused.personnummer = keep_personnummer ? v->personnummer : "";
	*v = refused;
}

enum nara_err person_decide_read(struct db *db, struct arena *a,
				 const struct actor *who,
				 const char *break_glass_reason,
				 const struct policy_record *r,
				 struct person_view *v)
{
	struct policy_decision d =
	    break_glass_reason
		? policy_decide_break_glass(&who->subject, ACT_READ, r)
		: policy_decide(&who->subject, ACT_READ, r);
	v->decision = d;
	if (d.allowed && d.reason == POLICY_ALLOWED_BREAK_GLASS)
		return person_audit(db, who, v, "read_break_glass",
				    break_glass_reason, 1);
	if (d.allowed)
		return person_audit(db, who, v, "read",
				    policy_reason_text(d.reason), 0);
	if (break_glass_reason == NULL)
		return person_audit(db, who, v, "read_denied",
				    policy_reason_text(d.reason), 1);
	const char *why = arena_printf(
	    a, "%s: %s", policy_reason_text(d.reason), break_glass_reason);
	if (why == NULL)
		return NARA_ENOMEM;
	return person_audit(db, who, v, "break_glass_denied", why, 1);
}

enum nara_err person_read(struct db *db, struct arena *a,
			  const struct actor *who, int64_t person_id,
			  const char *break_glass_reason,
			  struct person_view *out)
{
	memset(out, 0, sizeof(*out));
	if (break_glass_reason != NULL &&
	    !policy_reason_is_sentence(break_glass_reason))
		return NARA_EINVAL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct policy_record r;
	err = person_load(db, a, person_id, out);
	if (err == NARA_OK) {
		r = person_record(out, REC_PERSON);
		err = person_decide_read(db, a, who, break_glass_reason, &r, out);
	}
	if (err == NARA_OK)
		err = db_commit(db);
	else
		db_rollback(db);
	if (err != NARA_OK) {
		memset(out, 0, sizeof(*out));
		return err;
	}
	if (!out->decision.allowed) {
		person_keep_refused(out, 0);
		return NARA_EDENIED;
	}
	person_withhold_address(who, &r, break_glass_reason != NULL, out);
	return NARA_OK;
}

/* The ids of the rows that match; the statement is done before any load. */
static enum nara_err collect_ids(struct db_stmt *st, int64_t *ids, size_t max,
				 size_t *count)
{
	int rc = DB_DONE;
	*count = 0;
	while (*count < max && (rc = db_step(st)) == DB_ROW)
		ids[(*count)++] = db_col_int(st, 0);
	db_done(st);
	return *count == max ? NARA_OK : db_step_err(rc);
}

enum nara_err person_search(struct db *db, struct arena *a,
			    const struct actor *who, const char *personnummer,
			    struct person_view **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	struct personnummer pnr;
	if (personnummer == NULL ||
	    personnummer_parse(personnummer, (int64_t)time(NULL), &pnr) !=
		NARA_OK)
		return NARA_EINVAL;
	struct person_view *list = arena_calloc(a, SEARCH_MAX, sizeof(*list));
	if (list == NULL)
		return NARA_ENOMEM;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	/* The search itself: whom they asked for, found or not. */
	struct audit_entry e = {
	    .actor_kind = who->kind,
	    .actor_id = who->staff_id,
	    .actor_label = who->label,
	    .municipality_id = who->subject.municipality_id,
	    .action = "search",
	    .record_kind = "person",
	    .reason = pnr.canonical,
	    .request_id = who->request_id,
	};
	err = audit_append(db, &e);
	struct db_stmt *st = NULL;
	if (err == NARA_OK)
		err = db_prepare(db,
				 "SELECT id FROM person WHERE personnummer = ?"
				 " AND municipality_id = ? ORDER BY id",
				 &st);
	int64_t ids[SEARCH_MAX];
	size_t n = 0;
	if (err == NARA_OK) {
		db_bind_text(st, 1, pnr.canonical, (size_t)-1);
		db_bind_int(st, 2, who->subject.municipality_id);
		err = collect_ids(st, ids, SEARCH_MAX, &n);
	}
	struct policy_record records[SEARCH_MAX];
	for (size_t i = 0; i < n && err == NARA_OK; i++) {
		err = person_load(db, a, ids[i], &list[i]);
		if (err == NARA_OK) {
			records[i] = person_record(&list[i], REC_PERSON);
			err = person_decide_read(db, a, who, NULL, &records[i],
						 &list[i]);
		}
	}
	if (err == NARA_OK)
		err = db_commit(db);
	else
		db_rollback(db);
	if (err != NARA_OK)
		return err;
	for (size_t i = 0; i < n; i++) {
		if (list[i].decision.allowed)
			person_withhold_address(who, &records[i], 0, &list[i]);
		else
			person_keep_refused(&list[i], 1);
	}
	*out = list;
	*count = n;
	return NARA_OK;
}

enum nara_err person_read_own(struct db *db, struct arena *a,
			      const struct actor *who, struct person_view **out,
			      size_t *count)
{
	*out = NULL;
	*count = 0;
	struct person_view *list = arena_calloc(a, OWN_MAX, sizeof(*list));
	if (list == NULL)
		return NARA_ENOMEM;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(
	    db, PERSON_COLUMNS " WHERE p.personnummer = ? ORDER BY m.name",
	    &st);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	db_bind_text(st, 1, who->personnummer, (size_t)-1);
	size_t n = 0;
	int rc = DB_DONE;
	while (n < OWN_MAX && (rc = db_step(st)) == DB_ROW)
		if (fill_view(st, a, &list[n]))
			n++;
	db_done(st);
	if (rc < 0) {
		db_rollback(db);
		return db_step_err(rc);
	}
	size_t kept = 0;
	for (size_t i = 0; i < n && err == NARA_OK; i++) {
		struct policy_record r = person_record(&list[i], REC_PERSON);
		err = person_decide_read(db, a, who, NULL, &r, &list[i]);
		if (err == NARA_OK && list[i].decision.allowed)
			list[kept++] = list[i];
	}
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	*count = kept;
	*out = list;
	return db_commit(db);
}

enum nara_err person_reads_load(struct db *db, struct arena *a,
				const char *personnummer, int64_t person_id,
				struct person_read_log **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	/*
	 * The unit shown is the reader's: what the person may know is which
	 * part of the social services looked, not who (R2.6, like 1177).
	 */
	static const char *const sql[2] = {
	    "SELECT l.at, COALESCE(m.name, ''),"
	    " COALESCE((SELECT min(u.name) FROM staff_role r"
	    "  JOIN unit u ON u.id = r.unit_id WHERE r.user_id = l.actor_id), "
	    "'')"
	    " FROM audit_log l JOIN person p ON p.id = l.person_id"
	    " LEFT JOIN municipality m ON m.id = l.municipality_id"
	    " WHERE p.personnummer = ? AND l.actor_kind = 'staff'"
	    " AND l.action IN ('read', 'read_break_glass')"
	    " ORDER BY l.id DESC LIMIT 200",
	    "SELECT l.at, COALESCE(m.name, ''),"
	    " COALESCE((SELECT min(u.name) FROM staff_role r"
	    "  JOIN unit u ON u.id = r.unit_id WHERE r.user_id = l.actor_id), "
	    "'')"
	    " FROM audit_log l"
	    " LEFT JOIN municipality m ON m.id = l.municipality_id"
	    " WHERE l.person_id = ? AND l.actor_kind = 'staff'"
	    " AND l.action IN ('read', 'read_break_glass')"
	    " ORDER BY l.id DESC LIMIT 200",
	};
	struct db_stmt *st;
	enum nara_err err = db_prepare(db, sql[personnummer == NULL], &st);
	if (err != NARA_OK)
		return err;
	if (personnummer != NULL)
		db_bind_text(st, 1, personnummer, (size_t)-1);
	else
		db_bind_int(st, 1, person_id);
	struct person_read_log *list =
	    arena_calloc(a, READS_MAX, sizeof(*list));
	int rc = DB_DONE;
	while (list != NULL && *count < READS_MAX &&
	       (rc = db_step(st)) == DB_ROW) {
		list[*count].at = db_col_int(st, 0);
		list[*count].municipality_name = col(a, st, 1);
		list[*count].unit_name = col(a, st, 2);
		(*count)++;
	}
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	*out = list;
	return db_step_err(rc);
}

enum nara_err person_reads_of(struct db *db, struct arena *a,
			      const struct actor *who,
			      struct person_read_log **out, size_t *count)
{
	return person_reads_load(db, a, who->personnummer, 0, out, count);
}
