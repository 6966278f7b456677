/*
 * The demo's foster-home centre (`nara demo`, after the meetings): three
 * inquiries to the centre hosted by Ängelholm, two of them assessed and
 * approved (a home in Höganäs and one in Helsingborg, so the register and
 * matching have something to show), one just begun. Made through the
 * domain, as the centre's demo staff member, so each step has its audit
 * row. Once: a database that already has inquiries gets nothing.
 */
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "domain/access.h"
#include "domain/demo.h"
#include "domain/foster.h"

static const struct {
	struct foster_inquiry_new in;
	int steps; /* done, of FOSTER_STEP_COUNT */
	struct foster_approval yes;
} families[] = {
    {{"Familjen Nyström", "nystrom@example.com", "", "hoganas",
      FOSTER_INTEREST_FOSTER | FOSTER_INTEREST_EMERGENCY,
      "Vi har två vuxna barn som flyttat hemifrån och ett stort hus."},
     FOSTER_STEP_COUNT,
     {FOSTER_KIND_FOSTER | FOSTER_KIND_EMERGENCY, 2, 0, 12,
      FOSTER_NEED_SIBLINGS | FOSTER_NEED_TRAUMA, "Erfarna, kan ta syskon.",
      NULL}},
    {{"Familjen Ali", "ali@example.com", "", "helsingborg",
      FOSTER_INTEREST_FOSTER, "Vi talar arabiska och svenska hemma."},
     FOSTER_STEP_COUNT,
     {FOSTER_KIND_FOSTER, 1, 6, 17, FOSTER_NEED_LANGUAGE | FOSTER_NEED_SCHOOL,
      "Passar äldre barn.", NULL}},
    {{"Maria Svensson", "", "070-000 00 00", "bjuv", FOSTER_INTEREST_CONTACT,
      "Jag vill vara kontaktfamilj."},
     1,
     {0, 0, 0, 0, 0, NULL, NULL}},
};

enum nara_err demo_add_foster(struct db *db, int64_t now)
{
	int64_t have = 0, staff = 0;
	enum nara_err err =
	    db_query_int(db, &have, "SELECT count(*) FROM foster_inquiry", "");
	if (err != NARA_OK || have > 0)
		return err;
	err = db_query_int(db, &staff,
			   "SELECT id FROM staff_user WHERE username ="
			   " 'angelholm.familjehemscentrum'",
			   "");
	if (err == NARA_ENOTFOUND)
		return NARA_OK; /* no centre in this demo */
	if (err != NARA_OK)
		return err;
	struct arena a;
	arena_init(&a, 0);
	struct actor centre;
	err = access_load_staff(db, &a, staff, &centre);
	const char *why;
	for (size_t f = 0;
	     err == NARA_OK && f < sizeof(families) / sizeof(families[0]);
	     f++) {
		int64_t id, home;
		/* Sent a month ago, the steps a day apart since. */
		int64_t sent = now - 30 * 86400;
		err =
		    foster_inquiry_submit(db, &families[f].in, sent, &id, &why);
		for (int s = 0; err == NARA_OK && s < families[f].steps; s++)
			err = foster_step_done(
			    db, &centre, id, foster_step_names[s],
			    sent + (s + 1) * 86400, "Klart.", now, &why);
		/*
		 * The first home's foster parent is the first Höganäs demo
		 * citizen without protected identity, who finds the centre's
		 * support on Mina sidor.
		 */
		struct foster_approval yes = families[f].yes;
		char pnr[13] = "";
		if (err == NARA_OK && f == 0) {
			struct db_stmt *st;
			err = db_prepare(
			    db,
			    "SELECT p.personnummer FROM person p JOIN"
			    " municipality m ON m.id = p.municipality_id"
			    " WHERE m.slug = 'hoganas' AND"
			    " p.protected_identity = 0 ORDER BY p.id LIMIT 1",
			    &st);
			if (err == NARA_OK && db_step(st) == DB_ROW)
				snprintf(pnr, sizeof(pnr), "%s",
					 db_col_text(st, 0));
			if (err == NARA_OK)
				db_done(st);
			yes.personnummer = pnr;
		}
		if (err == NARA_OK && families[f].steps == FOSTER_STEP_COUNT)
			err = foster_decide(db, &centre, id, 1, &yes, now,
					    &home, &why);
	}
	arena_free(&a);
	return err;
}
