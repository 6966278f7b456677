/* Persons; see person.h. */
#include "domain/person.h"

#include <string.h>
#include <time.h>

#include "db/db.h"
#include "domain/audit.h"
#include "domain/access.h"
#include "domain/personnummer.h"
#include "policy/policy.h"

enum nara_err person_add(struct db *db, const struct person_new *p, int64_t *id)
{
	struct personnummer pnr;
	if (p->given_name == NULL || p->family_name == NULL ||
	    p->given_name[0] == '\0' || p->family_name[0] == '\0' ||
	    p->personnummer == NULL ||
	    personnummer_parse(p->personnummer, (int64_t)time(NULL), &pnr) != NARA_OK)
		return NARA_EINVAL;
	int owned = !db_in_tx(db);
	enum nara_err err = owned ? db_begin(db) : NARA_OK;
	if (err != NARA_OK)
		return err;
	err = db_query_int(
		db, id,
		"INSERT INTO person (municipality_id, personnummer, given_name,"
		" family_name, sex, birth_date, protected_identity, address,"
		" postal_code, city, phone, email, fictitious, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"isssssisssssii", p->municipality_id, pnr.canonical,
		p->given_name, p->family_name, pnr.sex, pnr.birth_date,
		(int64_t)(p->protected_identity ? 1 : 0),
		p->address ? p->address : "", p->postal_code ? p->postal_code : "",
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

/* ---- reading, through the policy layer, with the audit row ---- */

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	return arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
}

static int fill_view(struct db_stmt *st, struct arena *a, struct person_view *v)
{
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
	return v->municipality_name && v->personnummer && v->given_name &&
	       v->family_name && v->sex && v->birth_date && v->address &&
	       v->postal_code && v->city && v->phone && v->email;
}

static struct policy_record record_of(const struct person_view *v,
				      enum policy_record_kind kind)
{
	struct policy_record r = {
		.kind = kind,
		.municipality_id = v->municipality_id,
		.person_id = v->id,
		.protected_identity = v->protected_identity,
		.personnummer = v->personnummer,
	};
	return r;
}

/* Applies R4.4 to a view the actor may read: the address may still be hidden. */
static void withhold_address(const struct actor *who, struct person_view *v)
{
	struct policy_record r = record_of(v, REC_PERSON_ADDRESS);
	if (policy_decide(&who->subject, ACT_READ, &r).allowed)
		return;
	v->address = v->postal_code = v->city = "";
	v->phone = v->email = "";
	v->address_withheld = 1;
}

static enum nara_err audit_read(struct db *db, const struct actor *who,
				const struct person_view *v, int allowed,
				enum policy_reason reason)
{
	struct audit_entry e = {
		.actor_kind = who->kind,
		.actor_id = who->staff_id,
		.actor_label = who->label,
		.municipality_id = v->municipality_id,
		.action = allowed ? "read" : "read_denied",
		.record_kind = "person",
		.record_id = v->id,
		.person_id = v->id,
		.reason = allowed ? "" : policy_reason_text(reason),
		.flagged = !allowed,
		.request_id = who->request_id,
	};
	return audit_append(db, &e);
}

enum nara_err person_read(struct db *db, struct arena *a,
			  const struct actor *who, int64_t person_id,
			  struct person_view *out)
{
	memset(out, 0, sizeof(*out));
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(db,
			 "SELECT p.id, p.municipality_id, m.name, p.personnummer,"
			 " p.given_name, p.family_name, p.sex, p.birth_date,"
			 " p.address, p.postal_code, p.city, p.phone, p.email,"
			 " p.protected_identity FROM person p"
			 " JOIN municipality m ON m.id = p.municipality_id"
			 " WHERE p.id = ?",
			 &st);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	db_bind_int(st, 1, person_id);
	int rc = db_step(st);
	int filled = rc == DB_ROW && fill_view(st, a, out);
	db_done(st);
	if (rc != DB_ROW || !filled) {
		db_rollback(db);
		return rc == DB_DONE ? NARA_ENOTFOUND
				     : (rc < 0 ? db_step_err(rc) : NARA_ENOMEM);
	}
	struct policy_record r = record_of(out, REC_PERSON);
	struct policy_decision d = policy_decide(&who->subject, ACT_READ, &r);
	err = audit_read(db, who, out, d.allowed, d.reason);
	if (err == NARA_OK)
		err = db_commit(db);
	else
		db_rollback(db);
	if (err != NARA_OK)
		return err;
	if (!d.allowed) {
		memset(out, 0, sizeof(*out));
		return NARA_EDENIED;
	}
	withhold_address(who, out);
	return NARA_OK;
}

enum nara_err person_find(struct db *db, struct arena *a,
			  const struct actor *who, const char *personnummer,
			  int64_t **ids, size_t *count)
{
	*ids = NULL;
	*count = 0;
	struct personnummer pnr;
	if (personnummer_parse(personnummer, (int64_t)time(NULL), &pnr) != NARA_OK)
		return NARA_EINVAL;
	/*
	 * Only within the actor's own municipality: there is no search across
	 * committees (R3.1). The rows found are read one by one through
	 * person_read, which asks the policy and audits.
	 */
	struct db_stmt *st;
	enum nara_err err = db_prepare(
		db,
		"SELECT id FROM person WHERE personnummer = ? AND municipality_id = ?",
		&st);
	if (err != NARA_OK)
		return err;
	db_bind_text(st, 1, pnr.canonical, (size_t)-1);
	db_bind_int(st, 2, who->subject.municipality_id);
	int64_t *list = arena_alloc(a, 8 * sizeof(int64_t));
	int rc;
	while (list != NULL && (rc = db_step(st)) == DB_ROW && *count < 8)
		list[(*count)++] = db_col_int(st, 0);
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	*ids = list;
	return NARA_OK;
}

enum nara_err person_read_own(struct db *db, struct arena *a,
			      const struct actor *who,
			      struct person_view **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(db,
			 "SELECT p.id, p.municipality_id, m.name, p.personnummer,"
			 " p.given_name, p.family_name, p.sex, p.birth_date,"
			 " p.address, p.postal_code, p.city, p.phone, p.email,"
			 " p.protected_identity FROM person p"
			 " JOIN municipality m ON m.id = p.municipality_id"
			 " WHERE p.personnummer = ? ORDER BY m.name",
			 &st);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	db_bind_text(st, 1, who->personnummer, (size_t)-1);
	struct person_view *list = arena_calloc(a, 16, sizeof(*list));
	int rc = DB_DONE;
	while (list != NULL && *count < 16 && (rc = db_step(st)) == DB_ROW)
		if (fill_view(st, a, &list[*count]))
			(*count)++;
	db_done(st);
	if (list == NULL || rc < 0) {
		db_rollback(db);
		return list == NULL ? NARA_ENOMEM : db_step_err(rc);
	}
	size_t kept = 0;
	for (size_t i = 0; i < *count && err == NARA_OK; i++) {
		struct policy_record r = record_of(&list[i], REC_PERSON);
		struct policy_decision d = policy_decide(&who->subject, ACT_READ, &r);
		err = audit_read(db, who, &list[i], d.allowed, d.reason);
		if (d.allowed)
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

enum nara_err person_reads_of(struct db *db, struct arena *a,
			      const struct actor *who,
			      struct person_read_log **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(
		db,
		"SELECT l.at, COALESCE(m.name, ''),"
		" COALESCE((SELECT min(u.name) FROM staff_role r"
		"  JOIN unit u ON u.id = r.unit_id WHERE r.user_id = l.actor_id), '')"
		" FROM audit_log l JOIN person p ON p.id = l.person_id"
		" LEFT JOIN municipality m ON m.id = l.municipality_id"
		" WHERE p.personnummer = ? AND l.actor_kind = 'staff'"
		" AND l.action = 'read' ORDER BY l.id DESC LIMIT 200",
		&st);
	if (err != NARA_OK)
		return err;
	db_bind_text(st, 1, who->personnummer, (size_t)-1);
	struct person_read_log *list = arena_calloc(a, 200, sizeof(*list));
	int rc = DB_DONE;
	while (list != NULL && (rc = db_step(st)) == DB_ROW) {
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
