/* Loading who acts; see access.h. */
#include "domain/access.h"

#include <stdio.h>
#include <string.h>

#include "db/db.h"

enum nara_err access_load_staff(struct db *db, struct arena *a,
				int64_t staff_id, struct actor *out)
{
	memset(out, 0, sizeof(*out));
	struct db_stmt *st;
	enum nara_err err = db_prepare(
		db,
		"SELECT s.display_name, s.username, s.municipality_id, m.name,"
		" s.protected_identity_cleared FROM staff_user s"
		" JOIN municipality m ON m.id = s.municipality_id"
		" WHERE s.id = ? AND s.active = 1",
		&st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, staff_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->name = arena_strdup(a, db_col_text(st, 0));
		snprintf(out->label, sizeof(out->label), "%s (%s)",
			 db_col_text(st, 0), db_col_text(st, 1));
		out->subject.municipality_id = db_col_int(st, 2);
		out->municipality_name = arena_strdup(a, db_col_text(st, 3));
		out->subject.protected_identity_cleared = db_col_int(st, 4) == 1;
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? NARA_ENOTFOUND : db_step_err(rc);
	out->kind = "staff";
	out->staff_id = staff_id;
	out->subject.kind = SUBJECT_STAFF;
	out->subject.id = staff_id;

	err = db_prepare(db,
			 "SELECT u.municipality_id, r.unit_id, r.role"
			 " FROM staff_role r JOIN unit u ON u.id = r.unit_id"
			 " WHERE r.user_id = ? ORDER BY r.unit_id, r.role",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, staff_id);
	while ((rc = db_step(st)) == DB_ROW &&
	       out->subject.ngrants < POLICY_MAX_GRANTS) {
		int role = policy_role_parse(db_col_text(st, 2));
		if (role < 0)
			continue; /* a role this build does not know grants nothing */
		struct policy_grant *g = &out->subject.grants[out->subject.ngrants++];
		g->municipality_id = db_col_int(st, 0);
		g->unit_id = db_col_int(st, 1);
		g->role = (enum policy_role)role;
	}
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

void access_citizen(const char *personnummer, struct actor *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = "citizen";
	snprintf(out->personnummer, sizeof(out->personnummer), "%s", personnummer);
	out->subject.kind = SUBJECT_CITIZEN;
	snprintf(out->subject.personnummer, sizeof(out->subject.personnummer), "%s",
		 personnummer);
	snprintf(out->label, sizeof(out->label), "invånare %.8s-****", personnummer);
}
