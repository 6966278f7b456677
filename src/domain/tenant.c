/*
 * Municipalities, units, agreements; see tenant.h. These are the platform's
 * configuration, not personal data, but every change is still audited: who
 * moved a wall matters to the security officer. Because audit_append only
 * works inside a transaction, each function opens one when the caller has
 * not; an insert that committed on its own before its audit row failed
 * would leave a change nobody can account for.
 */
#include "domain/tenant.h"

#include <string.h>
#include <time.h>

#include "db/db.h"
#include "domain/audit.h"
#include "policy/case_flow.h"

/* Opens a transaction unless one is open; *owned says whether we did. */
static enum nara_err begin_if_needed(struct db *db, int *owned)
{
	*owned = !db_in_tx(db);
	return *owned ? db_begin(db) : NARA_OK;
}

/*
 * Ends what begin_if_needed started. In the caller's transaction an error
 * is only passed on: the caller rolls back, and the whole of its work with
 * it.
 */
static enum nara_err end(struct db *db, int owned, enum nara_err err)
{
	if (!owned)
		return err;
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

static enum nara_err audit_system(struct db *db, const char *record_kind,
				  int64_t record_id, int64_t municipality_id,
				  int64_t agreement_id)
{
	struct audit_entry e = {
		.actor_kind = "system",
		.actor_label = "nara",
		.municipality_id = municipality_id,
		.agreement_id = agreement_id,
		.action = "create",
		.record_kind = record_kind,
		.record_id = record_id,
	};
	return audit_append(db, &e);
}

/*
 * The unit kinds of the CHECK in sql/001_tenants.sql. Asking here first
 * turns a wrong kind into NARA_EINVAL, an error in the input, rather than
 * a failed statement that looks like a database fault.
 */
static const char *const unit_kinds[] = {
	"first_line", "children_families", "adults", "financial_aid",
	"family_peace", "foster_home", "support_groups", "interpreter",
	"administration",
};

static int unit_kind_known(const char *kind)
{
	for (size_t i = 0; i < sizeof(unit_kinds) / sizeof(unit_kinds[0]); i++)
		if (strcmp(kind, unit_kinds[i]) == 0)
			return 1;
	return 0;
}

static int blank(const char *s)
{
	return s == NULL || s[0] == '\0';
}

enum nara_err municipality_add(struct db *db, const char *code,
			       const char *slug, const char *name, int64_t *id)
{
	if (blank(code) || blank(slug) || blank(name))
		return NARA_EINVAL;
	int owned;
	enum nara_err err = begin_if_needed(db, &owned);
	if (err != NARA_OK)
		return err;
	err = db_query_int(db, id,
			   "INSERT INTO municipality (code, slug, name, created_at)"
			   " VALUES (?, ?, ?, ?) RETURNING id",
			   "sssi", code, slug, name, (int64_t)time(NULL));
	if (err == NARA_OK)
		err = audit_system(db, "municipality", *id, *id, 0);
	return end(db, owned, err);
}

enum nara_err municipality_id_by_slug(struct db *db, const char *slug,
				      int64_t *id)
{
	return db_query_int(db, id, "SELECT id FROM municipality WHERE slug = ?",
			    "s", slug ? slug : "");
}

enum nara_err unit_add(struct db *db, int64_t municipality_id, const char *slug,
		       const char *name, const char *kind, int shared,
		       const char *description, const char *phone, int64_t *id)
{
	if (blank(slug) || blank(name) || blank(kind) || !unit_kind_known(kind))
		return NARA_EINVAL;
	int owned;
	enum nara_err err = begin_if_needed(db, &owned);
	if (err != NARA_OK)
		return err;
	err = db_query_int(
		db, id,
		"INSERT INTO unit (municipality_id, slug, name, kind, shared,"
		" description, phone, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"isssissi", municipality_id, slug, name, kind,
		(int64_t)(shared ? 1 : 0), description ? description : "",
		phone ? phone : "", (int64_t)time(NULL));
	if (err == NARA_OK)
		err = audit_system(db, "unit", *id, municipality_id, 0);
	return end(db, owned, err);
}

enum nara_err unit_id_by_slug(struct db *db, int64_t municipality_id,
			      const char *slug, int64_t *id)
{
	return db_query_int(db, id,
			    "SELECT id FROM unit WHERE municipality_id = ? AND slug = ?",
			    "is", municipality_id, slug ? slug : "");
}

enum nara_err agreement_add(struct db *db, int64_t host_municipality_id,
			    const char *name, int64_t valid_from,
			    int64_t valid_to, int64_t *id)
{
	if (blank(name) || (valid_to != 0 && valid_to <= valid_from))
		return NARA_EINVAL;
	int owned;
	enum nara_err err = begin_if_needed(db, &owned);
	if (err != NARA_OK)
		return err;
	/*
	 * The first version of a series takes its own id as the series. The
	 * id is known only after the insert, so the row is written with
	 * series 0 and set right in the same transaction; nobody else sees
	 * the 0.
	 */
	err = db_query_int(
		db, id,
		"INSERT INTO agreement (series, version, host_municipality_id,"
		" name, valid_from, valid_to, created_at)"
		" VALUES (0, 1, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)"
		" RETURNING id",
		"isiii", host_municipality_id, name, valid_from, valid_to,
		(int64_t)time(NULL));
	if (err == NARA_OK)
		err = db_run(db, "UPDATE agreement SET series = id WHERE id = ?",
			     "i", *id);
	if (err == NARA_OK)
		err = audit_system(db, "agreement", *id, host_municipality_id, *id);
	return end(db, owned, err);
}

enum nara_err agreement_add_member(struct db *db, int64_t agreement_id,
				   int64_t municipality_id)
{
	int owned;
	enum nara_err err = begin_if_needed(db, &owned);
	if (err != NARA_OK)
		return err;
	err = db_run(db,
		     "INSERT INTO agreement_member (agreement_id, municipality_id)"
		     " VALUES (?, ?)",
		     "ii", agreement_id, municipality_id);
	/* The new member is the committee whose wall just got a door. */
	if (err == NARA_OK)
		err = audit_system(db, "agreement_member", municipality_id,
				   municipality_id, agreement_id);
	return end(db, owned, err);
}

enum nara_err agreement_add_unit(struct db *db, int64_t agreement_id,
				 int64_t unit_id)
{
	int owned;
	enum nara_err err = begin_if_needed(db, &owned);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0;
	err = db_query_int(db, &municipality_id,
			   "SELECT municipality_id FROM unit WHERE id = ?", "i",
			   unit_id);
	if (err == NARA_OK)
		err = db_run(db,
			     "INSERT INTO agreement_unit (agreement_id, unit_id)"
			     " VALUES (?, ?)",
			     "ii", agreement_id, unit_id);
	if (err == NARA_OK)
		err = audit_system(db, "agreement_unit", unit_id,
				   municipality_id, agreement_id);
	return end(db, owned, err);
}

enum nara_err agreement_add_delegation(struct db *db, int64_t agreement_id,
				       const char *decision)
{
	if (decision == NULL || case_action_parse(decision) < 0)
		return NARA_EINVAL;
	int owned;
	enum nara_err err = begin_if_needed(db, &owned);
	if (err != NARA_OK)
		return err;
	int64_t host = 0;
	err = db_query_int(db, &host,
			   "SELECT host_municipality_id FROM agreement"
			   " WHERE id = ?",
			   "i", agreement_id);
	if (err == NARA_ENOTFOUND)
		err = NARA_ECONFLICT;
	if (err == NARA_OK)
		err = db_run(db,
			     "INSERT INTO agreement_delegation (agreement_id,"
			     " decision) VALUES (?, ?)",
			     "is", agreement_id, decision);
	if (err == NARA_OK)
		err = audit_system(db, "agreement_delegation", agreement_id,
				   host, agreement_id);
	return end(db, owned, err);
}

enum nara_err agreement_in_force(struct db *db, int64_t unit_id,
				 int64_t member_municipality_id, int64_t at,
				 int64_t *agreement_id)
{
	return db_query_int(
	    db, agreement_id,
	    "SELECT MIN(a.id) FROM agreement a"
	    " JOIN agreement_unit au ON au.agreement_id = a.id"
	    " WHERE au.unit_id = ? AND a.valid_from <= ?"
	    " AND (a.valid_to IS NULL OR a.valid_to > ?)"
	    " AND (a.host_municipality_id = ? OR EXISTS (SELECT 1 FROM"
	    "  agreement_member m WHERE m.agreement_id = a.id"
	    "  AND m.municipality_id = ?))"
	    " HAVING MIN(a.id) IS NOT NULL",
	    "iiiii", unit_id, at, at, member_municipality_id,
	    member_municipality_id);
}

enum nara_err agreement_delegates(struct db *db, int64_t agreement_id,
				  const char *decision, int *allowed)
{
	int64_t n = 0;
	enum nara_err err = db_query_int(
	    db, &n,
	    "SELECT COUNT(*) FROM agreement_delegation"
	    " WHERE agreement_id = ? AND decision = ?",
	    "is", agreement_id, decision ? decision : "");
	*allowed = err == NARA_OK && n > 0;
	return err;
}
