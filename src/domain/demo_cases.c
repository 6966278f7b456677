/*
 * The demo's catalogue of interventions (DOMAIN.md section 7: levels from
 * universal to intensive), the same in every municipality, and the demo
 * cases that make the worklists and "Mina sidor" worth looking at.
 */
#include "domain/demo.h"

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

static const struct {
	const char *slug, *name, *level, *description;
	int needs_decision;
} interventions[] = {
    {"oppen-forskola", "Öppen förskola och familjecentral", "universal",
     "Öppen verksamhet för alla föräldrar med små barn.", 0},
    {"foraldrakurs", "Föräldrakurs (ABC)", "preventive",
     "Fyra träffar för föräldrar om vardagen med barn.", 0},
    {"samtalsstod-unga", "Samtalsstöd för unga", "early",
     "Upp till fem samtal utan utredning, för unga 13–20 år.", 0},
    {"stodgrupp-barn", "Stödgrupp för barn", "early",
     "Gruppverksamhet för barn i familjer med missbruk eller"
     " separation.",
     0},
    {"kontaktperson", "Kontaktperson", "targeted",
     "En vuxen som träffar barnet eller den unga regelbundet.", 1},
    {"familjebehandling", "Familjebehandling", "targeted",
     "Samtal och stöd till hela familjen, hemma eller på mottagningen.", 1},
    {"ekonomiskt-bistand", "Ekonomiskt bistånd", "targeted",
     "Försörjningsstöd och bistånd till livsföringen i övrigt.", 1},
    {"intensiv-familjebehandling", "Intensiv familjebehandling", "intensive",
     "Behandling flera gånger i veckan när barnet riskerar att placeras.", 1},
    {"familjehem", "Placering i familjehem", "intensive",
     "Barnet bor i ett annat hem, med stöd från familjehemscentrum.", 1},
};

/* Inside the caller's transaction; adds what is missing, so runs add up. */
enum nara_err demo_add_interventions(struct db *db)
{
	enum nara_err err = NARA_OK;
	for (size_t i = 0;
	     i < sizeof(interventions) / sizeof(interventions[0]) &&
	     err == NARA_OK;
	     i++)
		err =
		    db_run(db,
			   "INSERT INTO intervention_kind (municipality_id,"
			   " slug, name, level, needs_decision, description)"
			   " SELECT m.id, ?, ?, ?, ?, ? FROM municipality m"
			   " WHERE NOT EXISTS (SELECT 1 FROM intervention_kind"
			   " k WHERE k.municipality_id = m.id AND k.slug = ?)",
			   "sssiss", interventions[i].slug,
			   interventions[i].name, interventions[i].level,
			   (int64_t)interventions[i].needs_decision,
			   interventions[i].description, interventions[i].slug);
	return err;
}
