/*
 * The demo's support groups (`nara demo`): groups of Landskrona's shared
 * unit "Stödgrupper i nordvästra Skåne", open to the residents of every
 * member of its agreement, and two groups of members' own units, each
 * with a coming series of weekly sessions. Made through the group domain
 * as the unit's staff, so every row has its audit row. Once: a database
 * that already has groups gets nothing.
 */
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "domain/access.h"
#include "domain/demo.h"
#include "domain/group.h"
#include "domain/tenant.h"
#include "policy/clock.h"

static const struct {
	const char *municipality, *unit, *staff, *title, *audience,
	    *description, *place;
	int open, days, minute, sessions, minutes, capacity, video;
} groups[] = {
    {"landskrona", "stodgrupper", "landskrona.stodgrupper",
     "Stödgrupp för barn som har levt med våld", "children",
     "För barn 7–12 år som har sett eller hört våld hemma. Barnen träffas"
     " i en liten grupp med två gruppledare, pratar, ritar och leker."
     " Föräldrarna träffas samtidigt i en egen grupp. Du kommer till"
     " gruppen genom din socialsekreterare.",
     "Stödgrupper, Föreningsgatan 12, Landskrona", 0, 16, 15 * 60 + 30, 10, 90,
     8, 0},
    {"landskrona", "stodgrupper", "landskrona.stodgrupper",
     "Barn i familjer med missbruk", "children",
     "För barn 8–12 år som har en förälder eller annan vuxen i familjen"
     " som dricker för mycket eller använder droger. Vi pratar om hur det"
     " är och om att det aldrig är barnets fel. Du kan anmäla ditt barn"
     " direkt, utan utredning.",
     "Stödgrupper, Föreningsgatan 12, Landskrona", 1, 10, 16 * 60, 8, 90, 8, 0},
    {"landskrona", "stodgrupper", "landskrona.stodgrupper",
     "Separationsgrupp för barn", "children",
     "För barn 6–12 år vars föräldrar har separerat. Barnen får träffa"
     " andra i samma situation och prata om sina tankar och känslor. Du"
     " kan anmäla ditt barn direkt.",
     "Stödgrupper, Föreningsgatan 12, Landskrona", 1, 21, 15 * 60 + 30, 6, 75,
     6, 0},
    {"landskrona", "stodgrupper", "landskrona.stodgrupper",
     "Unga anhöriga – för dig 13–18 år", "young",
     "För dig som är ung och har en förälder eller ett syskon med"
     " psykisk ohälsa eller missbruk. Vi ses på video, så du kan vara med"
     " var du än bor. Anmäl dig själv direkt.",
     "", 1, 12, 18 * 60, 6, 60, 10, 1},
    {"helsingborg", "barn-och-familj", "helsingborg.handlaggare",
     "Föräldragrupp: Alla barn i centrum", "parents",
     "Fem träffar för föräldrar med barn 3–12 år om hur du kan stärka"
     " relationen till ditt barn och hantera konflikter i vardagen. För"
     " dig som bor i Helsingborg. Anmäl dig direkt.",
     "Familjens hus, Helsingborg", 1, 14, 17 * 60 + 30, 5, 120, 12, 0},
    {"bjuv", "vuxen", "bjuv.handlaggare2", "Samtalsgrupp för vuxna anhöriga",
     "adults",
     "För dig som är vuxen och lever nära någon med ett beroende. Du får"
     " stöd av andra i samma situation och av två samtalsledare. För dig"
     " som bor i Bjuv. Kontakta din socialsekreterare.",
     "Socialtjänsten, Bjuv", 0, 9, 18 * 60, 6, 90, 10, 0},
};

/* The Stockholm time `minute` after midnight, `days` days after now. */
static int64_t at_local(int64_t now, int days, int minute)
{
	struct civil_date d = clock_local_date(now + (int64_t)days * 86400);
	int64_t midnight = clock_local_midnight(d);
	int64_t t = midnight + (int64_t)minute * 60;
	return t - clock_stockholm_offset(t) + clock_stockholm_offset(midnight);
}

enum nara_err demo_add_groups(struct db *db, int64_t now)
{
	int64_t have = 0;
	enum nara_err err =
	    db_query_int(db, &have, "SELECT COUNT(*) FROM support_group", "");
	if (err != NARA_OK || have > 0)
		return err;
	struct arena a;
	arena_init(&a, 0);
	for (size_t i = 0;
	     err == NARA_OK && i < sizeof(groups) / sizeof(groups[0]); i++) {
		int64_t municipality = 0, unit = 0, staff = 0, id = 0,
			series = 0;
		err = municipality_id_by_slug(db, groups[i].municipality,
					      &municipality);
		if (err == NARA_OK)
			err = unit_id_by_slug(db, municipality, groups[i].unit,
					      &unit);
		if (err == NARA_OK)
			err = db_query_int(db, &staff,
					   "SELECT id FROM staff_user WHERE"
					   " username = ?",
					   "s", groups[i].staff);
		struct actor who;
		if (err == NARA_OK)
			err = access_load_staff(db, &a, staff, &who);
		const char *why = NULL;
		struct group_new g = {
		    .unit_id = unit,
		    .title = groups[i].title,
		    .audience = groups[i].audience,
		    .description = groups[i].description,
		    .open_signup = groups[i].open,
		};
		if (err == NARA_OK)
			err = group_add(db, &who, &g, now, &id, &why);
		struct group_series_new s = {
		    .group_id = id,
		    .starts_at =
			at_local(now, groups[i].days, groups[i].minute),
		    .sessions = groups[i].sessions,
		    .minutes = groups[i].minutes,
		    .capacity = groups[i].capacity,
		    .video = groups[i].video,
		    .place = groups[i].place,
		};
		if (err == NARA_OK)
			err =
			    group_series_add(db, &who, &s, now, &series, &why);
		if (err != NARA_OK && why != NULL)
			fprintf(stderr, "demo group %s: %s\n", groups[i].title,
				why);
		arena_reset(&a);
	}
	arena_free(&a);
	return err;
}
