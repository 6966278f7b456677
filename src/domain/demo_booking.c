/*
 * The demo's meetings (`nara demo`, after the Mina sidor case): weekday
 * hours for every municipality's first-line worker and case officers and
 * the first-line unit's reception, the languages of the shared
 * interpreter service's interpreters (hosted by Helsingborg, a second
 * interpreter added here), and an e-mail address for every demo person
 * (example.com, RFC 2606) so that confirmations have somewhere to go.
 * Once: a database that already has hours gets nothing.
 */
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "domain/demo.h"
#include "domain/staff.h"
#include "domain/tenant.h"

static const struct {
	const char *suffix, *unit;
	int for_unit, start, end, length, buffer;
	unsigned kinds;
} hours[] = {
	/* 09:00-12:00, 45 minutes and 15 between: office, phone, video. */
	{"forstalinjen", "forsta-linjen", 0, 9 * 60, 12 * 60, 45, 15, 7},
	/* The reception: 13:00-15:00, half an hour, office and phone. */
	{"forstalinjen", "forsta-linjen", 1, 13 * 60, 15 * 60, 30, 0, 3},
	{"handlaggare", "barn-och-familj", 0, 10 * 60, 15 * 60, 60, 15, 7},
	{"handlaggare2", "vuxen", 0, 10 * 60, 15 * 60, 60, 15, 7},
};

/* The interpreters: username suffix after "helsingborg.", languages. */
static const struct {
	const char *user, *name;
	const char *languages[6];
} interpreters[] = {
	{"digital-tolktjanst", NULL, {"ar", "so", "ti", "fa", "en", NULL}},
	{"tolk2", "Samira Haddad", {"ar", "ku", "tr", NULL}},
};

enum nara_err demo_add_bookings(struct db *db, int64_t now)
{
	int64_t have = 0;
	enum nara_err err = db_query_int(
	    db, &have, "SELECT count(*) FROM booking_availability", "");
	if (err != NARA_OK || have > 0)
		return err;
	if ((err = db_begin(db)) != NARA_OK)
		return err;
	int64_t helsingborg = 0, tolk_unit = 0;
	err = municipality_id_by_slug(db, "helsingborg", &helsingborg);
	if (err == NARA_OK)
		err = unit_id_by_slug(db, helsingborg, "digital-tolktjanst",
				      &tolk_unit);
	for (size_t i = 0; err == NARA_OK &&
			   i < sizeof(interpreters) / sizeof(interpreters[0]);
	     i++) {
		char username[64];
		snprintf(username, sizeof(username), "helsingborg.%s",
			 interpreters[i].user);
		int64_t user = 0;
		if (interpreters[i].name != NULL) {
			struct staff_new sn = {.municipality_id = helsingborg,
					       .username = username,
					       .display_name = interpreters[i].name};
			err = staff_add(db, &sn, &user);
			if (err == NARA_OK)
				err = staff_grant_role(db, user, tolk_unit,
						       "shared_service");
		} else {
			err = db_query_int(db, &user,
					   "SELECT id FROM staff_user WHERE"
					   " username = ?",
					   "s", username);
		}
		for (size_t l = 0; err == NARA_OK && interpreters[i].languages[l];
		     l++)
			err = db_run(db,
				     "INSERT INTO interpreter_language"
				     " (staff_id, language, modes) VALUES (?, ?, 3)",
				     "is", user, interpreters[i].languages[l]);
	}
	/* Weekday hours of every municipality's staff. */
	struct db_stmt *st;
	if (err == NARA_OK)
		err = db_prepare(db, "SELECT id, slug FROM municipality ORDER BY id",
				 &st);
	int64_t mids[64];
	char slugs[64][32];
	size_t nm = 0;
	if (err == NARA_OK) {
		int rc;
		while ((rc = db_step(st)) == DB_ROW && nm < 64) {
			mids[nm] = db_col_int(st, 0);
			snprintf(slugs[nm], sizeof(slugs[nm]), "%s",
				 db_col_text(st, 1));
			nm++;
		}
		db_done(st);
		err = rc < 0 ? db_step_err(rc) : NARA_OK;
	}
	for (size_t m = 0; err == NARA_OK && m < nm; m++) {
		for (size_t h = 0;
		     err == NARA_OK && h < sizeof(hours) / sizeof(hours[0]); h++) {
			char username[64];
			snprintf(username, sizeof(username), "%s.%s", slugs[m],
				 hours[h].suffix);
			int64_t user = 0, unit = 0;
			err = db_query_int(db, &user,
					   "SELECT id FROM staff_user WHERE"
					   " username = ?",
					   "s", username);
			if (err == NARA_OK)
				err = unit_id_by_slug(db, mids[m], hours[h].unit,
						      &unit);
			for (int day = 1; err == NARA_OK && day <= 5; day++)
				err = db_run(
				    db,
				    "INSERT INTO booking_availability"
				    " (municipality_id, unit_id, staff_id, weekday,"
				    " start_minute, end_minute, kinds,"
				    " length_minutes, buffer_minutes, created_by,"
				    " created_at) VALUES (?, ?, NULLIF(?, 0), ?, ?,"
				    " ?, ?, ?, ?, ?, ?)",
				    "iiiii" "iiiiii", mids[m], unit,
				    hours[h].for_unit ? (int64_t)0 : user,
				    (int64_t)day, (int64_t)hours[h].start,
				    (int64_t)hours[h].end, (int64_t)hours[h].kinds,
				    (int64_t)hours[h].length,
				    (int64_t)hours[h].buffer, user, now);
		}
	}
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE person SET email = 'invanare' ||"
			     " CAST(id AS TEXT) || '@example.com'"
			     " WHERE email = ''",
			     "");
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}
