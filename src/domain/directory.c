/*
 * The public directory; see directory.h. Rows are copied into the arena
 * because the engine's column text is only valid until the next step.
 */
#include "domain/directory.h"

#include <string.h>

#include "db/db.h"

/* Grows an arena array by doubling; the old copy is left in the arena. */
static void *grow(struct arena *a, void *items, size_t count, size_t *cap,
		  size_t size)
{
	if (count < *cap)
		return items;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *n = arena_alloc(a, ncap * size);
	if (n == NULL)
		return NULL;
	if (count)
		memcpy(n, items, count * size);
	*cap = ncap;
	return n;
}

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	return arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
}

enum nara_err directory_municipalities(struct db *db, struct arena *a,
				       struct directory_municipality **out,
				       size_t *count)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
		db, "SELECT id, slug, name FROM municipality ORDER BY name", &st);
	if (err != NARA_OK)
		return err;
	struct directory_municipality *items = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		items = grow(a, items, n, &cap, sizeof(*items));
		if (items == NULL) {
			db_done(st);
			return NARA_ENOMEM;
		}
		items[n].id = db_col_int(st, 0);
		items[n].slug = col(a, st, 1);
		items[n].name = col(a, st, 2);
		n++;
	}
	db_done(st);
	*out = items;
	*count = n;
	return db_step_err(rc);
}

/* Reads rows of (name, kind, description, phone[, host]) into units. */
static enum nara_err read_units(struct db_stmt *st, struct arena *a,
				int with_host, struct directory_unit **out,
				size_t *count)
{
	struct directory_unit *items = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		items = grow(a, items, n, &cap, sizeof(*items));
		if (items == NULL)
			return NARA_ENOMEM;
		items[n].name = col(a, st, 0);
		items[n].kind = col(a, st, 1);
		items[n].description = col(a, st, 2);
		items[n].phone = col(a, st, 3);
		items[n].host = with_host ? col(a, st, 4) : NULL;
		n++;
	}
	*out = items;
	*count = n;
	return db_step_err(rc);
}

static enum nara_err read_page(struct db *db, struct arena *a, const char *slug,
			       int64_t now, struct directory_page *out)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
		db, "SELECT id, slug, name FROM municipality WHERE slug = ?", &st);
	if (err != NARA_OK)
		return err;
	db_bind_text(st, 1, slug, (size_t)-1);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->municipality.id = db_col_int(st, 0);
		out->municipality.slug = col(a, st, 1);
		out->municipality.name = col(a, st, 2);
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? NARA_ENOTFOUND : db_step_err(rc);

	err = db_prepare(db,
			 "SELECT name, kind, description, phone FROM unit"
			 " WHERE municipality_id = ? AND shared = 0"
			 " AND kind <> 'administration' ORDER BY name",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, out->municipality.id);
	err = read_units(st, a, 0, &out->units, &out->nunits);
	db_done(st);
	if (err != NARA_OK)
		return err;

	/*
	 * Shared units the municipality may use now: those of agreements in
	 * force that it hosts or is a member of.
	 */
	err = db_prepare(db,
			 "SELECT DISTINCT u.name, u.kind, u.description, u.phone,"
			 " m.name FROM agreement a"
			 " JOIN agreement_unit au ON au.agreement_id = a.id"
			 " JOIN unit u ON u.id = au.unit_id"
			 " JOIN municipality m ON m.id = a.host_municipality_id"
			 " WHERE a.valid_from <= ?"
			 " AND (a.valid_to IS NULL OR a.valid_to > ?)"
			 " AND (a.host_municipality_id = ? OR EXISTS"
			 " (SELECT 1 FROM agreement_member am"
			 " WHERE am.agreement_id = a.id"
			 " AND am.municipality_id = ?))"
			 " ORDER BY u.name",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, out->municipality.id);
	db_bind_int(st, 4, out->municipality.id);
	err = read_units(st, a, 1, &out->shared, &out->nshared);
	db_done(st);
	return err;
}

enum nara_err directory_page(struct db *db, struct arena *a, const char *slug,
			     int64_t now, struct directory_page *out)
{
	memset(out, 0, sizeof(*out));
	/* Three reads that must agree: one snapshot. */
	enum nara_err err = db_begin_read(db);
	if (err != NARA_OK)
		return err;
	err = read_page(db, a, slug, now, out);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}
