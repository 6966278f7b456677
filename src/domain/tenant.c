/*
 * Municipalities, units, agreements; see tenant.h. These are the platform's
 * configuration, not personal data, but every change is still audited: who
 * moved a wall matters to the security officer.
 *
 * The functions expect to be called inside a transaction when the caller
 * wants several changes to be one (the demo does); they open none
 * themselves, except where noted.
 */
#include "domain/tenant.h"

#include <time.h>

#include "db/db.h"
#include "domain/audit.h"

static enum nara_err audit_system(struct db *db, const char *record_kind,
				  int64_t record_id, int64_t municipality_id)
{
	struct audit_entry e = {
		.actor_kind = "system",
		.actor_label = "nara",
		.municipality_id = municipality_id,
		.action = "create",
		.record_kind = record_kind,
		.record_id = record_id,
	};
	return audit_append(db, &e);
}

enum nara_err municipality_add(struct db *db, const char *code,
			       const char *slug, const char *name, int64_t *id)
{
	enum nara_err err = db_query_int(
		db, id,
		"INSERT INTO municipality (code, slug, name, created_at)"
		" VALUES (?, ?, ?, ?) RETURNING id",
		"sssi", code, slug, name, (int64_t)time(NULL));
	if (err == NARA_OK)
		err = audit_system(db, "municipality", *id, *id);
	return err;
}

enum nara_err municipality_id_by_slug(struct db *db, const char *slug,
				      int64_t *id)
{
	return db_query_int(db, id, "SELECT id FROM municipality WHERE slug = ?",
			    "s", slug);
}

enum nara_err unit_add(struct db *db, int64_t municipality_id, const char *slug,
		       const char *name, const char *kind, int shared,
		       const char *description, const char *phone, int64_t *id)
{
	enum nara_err err = db_query_int(
		db, id,
		"INSERT INTO unit (municipality_id, slug, name, kind, shared,"
		" description, phone, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"isssissi", municipality_id, slug, name, kind, (int64_t)shared,
		description, phone, (int64_t)time(NULL));
	if (err == NARA_OK)
		err = audit_system(db, "unit", *id, municipality_id);
	return err;
}

enum nara_err unit_id_by_slug(struct db *db, int64_t municipality_id,
			      const char *slug, int64_t *id)
{
	return db_query_int(db, id,
			    "SELECT id FROM unit WHERE municipality_id = ? AND slug = ?",
			    "is", municipality_id, slug);
}

enum nara_err agreement_add(struct db *db, int64_t host_municipality_id,
			    const char *name, int64_t valid_from,
			    int64_t valid_to, int64_t *id)
{
	/* The first version of a series takes its own id as the series. */
	enum nara_err err = db_query_int(
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
		err = audit_system(db, "agreement", *id, host_municipality_id);
	return err;
}

enum nara_err agreement_add_member(struct db *db, int64_t agreement_id,
				   int64_t municipality_id)
{
	return db_run(db,
		      "INSERT INTO agreement_member (agreement_id, municipality_id)"
		      " VALUES (?, ?)",
		      "ii", agreement_id, municipality_id);
}

enum nara_err agreement_add_unit(struct db *db, int64_t agreement_id,
				 int64_t unit_id)
{
	return db_run(db,
		      "INSERT INTO agreement_unit (agreement_id, unit_id) VALUES (?, ?)",
		      "ii", agreement_id, unit_id);
}
