/* See whereabouts.h. */
#include "domain/whereabouts.h"

#include <stdlib.h>

#include "db/db.h"
#include "policy/whereabouts.h"

/* One guarded detail set at a time, copied out of the statement. */
static enum nara_err check_rows(struct db *db, const char *sql,
				int64_t person_id, const char *text,
				const char **found)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(db, sql, &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, person_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const struct whereabouts w = {
		    .address = db_col_text(st, 0),
		    .postal_code = db_col_text(st, 1),
		    .phone = db_col_text(st, 2),
		};
		const char *hit = whereabouts_in_text(text, &w);
		if (hit != NULL) {
			*found = hit;
			db_done(st);
			return NARA_EINVAL;
		}
	}
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

enum nara_err whereabouts_check_in_tx(struct db *db, int64_t person_id,
				      const char *text, const char **found)
{
	*found = NULL;
	if (person_id == 0 || text == NULL)
		return NARA_OK;
	/* The person's own details, when marked or at a family-peace
	 * centre (an accepted referral of any of their cases). */
	enum nara_err err = check_rows(
	    db,
	    "SELECT p.address, p.postal_code, p.phone FROM person p"
	    " WHERE p.id = ? AND (p.protected_identity = 1 OR EXISTS"
	    " (SELECT 1 FROM referral r JOIN case_file c ON c.id = r.case_id"
	    "  JOIN unit u ON u.id = r.unit_id WHERE c.person_id = p.id"
	    "  AND r.status = 'accepted' AND u.kind = 'family_peace'))",
	    person_id, text, found);
	if (err != NARA_OK)
		return err;
	/* Every place a centre has recorded for them. */
	return check_rows(db,
			  "SELECT address, postal_code, phone FROM whereabouts"
			  " WHERE person_id = ?",
			  person_id, text, found);
}
