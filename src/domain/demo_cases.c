/*
 * The demo's catalogue of interventions (DOMAIN.md section 7: levels from
 * universal to intensive), the same in every municipality, and the demo
 * cases that make the worklists and "Mina sidor" worth looking at.
 *
 * The cases are placed around a clock the caller gives (`nara demo` gives
 * the time it runs), so that a case officer who logs in finds what a real
 * Monday looks like: a report from this morning whose protection
 * assessment is due today, one from yesterday that is overdue, preliminary
 * assessments due soon and late, an investigation near its four months,
 * and one case followed from an old report to family treatment, with a
 * long journal. Every step goes through the same domain functions as the
 * pages, so the timeline, the journal and the audit log are what the
 * pages would have written. The same clock gives the same cases.
 */
#include "domain/demo.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db/db.h"
#include "domain/access.h"
#include "domain/case.h"
#include "domain/journal.h"
#include "domain/report.h"
#include "policy/clock.h"

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

/* ---- the demo cases ---- */

enum { DAY = 86400, HOUR = 3600 };

/*
 * One municipality's cast: its staff as actors, the children and adults
 * the cases are about, and the clock everything is placed around.
 */
struct town {
	struct db *db;
	struct arena *a;
	int64_t municipality_id;
	const char *slug;
	int index; /* the municipality's place in id order: varies names */
	int64_t now, today; /* today: days since 1970 of now's local date */
	struct actor officer, adults_officer, lead;
	/* Identified children (under 18), youngest first, and adults. */
	char child_pnr[2][13], child_name[2][80];
	int nchildren;
	char adult_pnr[2][13];
	int nadults;
};

/* A local time `days_ago` days before today, at `hour`, never after now. */
static int64_t at(const struct town *t, int days_ago, int hour)
{
	int64_t when =
	    clock_local_midnight(civil_from_days(t->today - days_ago)) +
	    (int64_t)hour * HOUR;
	return when < t->now - 60 ? when : t->now - 60;
}

static enum nara_err load_actor(struct town *t, const char *suffix,
				struct actor *out)
{
	char username[64];
	snprintf(username, sizeof(username), "%s.%s", t->slug, suffix);
	int64_t id;
	enum nara_err err = db_query_int(
	    t->db, &id, "SELECT id FROM staff_user WHERE username = ?", "s",
	    username);
	if (err == NARA_OK)
		err = access_load_staff(t->db, t->a, id, out);
	return err;
}

/*
 * The people the cases are about. The base set has few children, so
 * reports about children beyond those name a child without personnummer,
 * as many real reports do; no new person is made, so everything in the
 * person table stays marked fictitious by the demo itself.
 */
static enum nara_err load_people(struct town *t)
{
	struct civil_date d = clock_local_date(t->now);
	char cutoff[40]; /* "YYYY-MM-DD", with room for any int */
	snprintf(cutoff, sizeof(cutoff), "%04d-%02d-%02d", d.year - 18, d.month,
		 d.day);
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    t->db,
	    "SELECT personnummer, given_name || ' ' || family_name,"
	    " birth_date > ? FROM person WHERE municipality_id = ? AND"
	    " protected_identity = 0 AND fictitious = 1"
	    " ORDER BY birth_date DESC, id LIMIT 6",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_text(st, 1, cutoff, (size_t)-1);
	db_bind_int(st, 2, t->municipality_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (db_col_int(st, 2) && t->nchildren < 2) {
			snprintf(t->child_pnr[t->nchildren], 13, "%s",
				 db_col_text(st, 0));
			snprintf(t->child_name[t->nchildren], 80, "%s",
				 db_col_text(st, 1));
			t->nchildren++;
		} else if (!db_col_int(st, 2) && t->nadults < 2) {
			snprintf(t->adult_pnr[t->nadults++], 13, "%s",
				 db_col_text(st, 0));
		}
	}
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

static const char *const unnamed_children[] = {
    "Alva Lindgren", "Noah Berg",    "Selma Ek",      "Omar Sandberg",
    "Tilde Holm",    "Malte Strand", "Nora Wikström", "Adam Falk",
};

/* A child for a report: an identified one (k < nchildren) or a name only. */
static void child_for(const struct town *t, int k, const char **pnr,
		      const char **name)
{
	if (k < t->nchildren) {
		*pnr = t->child_pnr[k];
		*name = t->child_name[k];
	} else {
		*pnr = "";
		*name = unnamed_children[(size_t)(t->index * 3 + k) %
					 (sizeof(unnamed_children) /
					  sizeof(unnamed_children[0]))];
	}
}

struct demo_report {
	const char *reporter_kind, *reporter_name, *organisation, *profession;
	const char *concern;
};

static enum nara_err report(struct town *t, int child, int64_t when,
			    const struct demo_report *r, int64_t *case_id)
{
	struct report_new rn = {
	    .municipality_slug = t->slug,
	    .reporter_kind = r->reporter_kind,
	    .reporter_name = r->reporter_name,
	    .reporter_organisation = r->organisation,
	    .reporter_profession = r->profession,
	    .reporter_phone = "070-174 06 50",
	    .concern = r->concern,
	};
	child_for(t, child, &rn.child_personnummer, &rn.child_name);
	char receipt[REPORT_RECEIPT_LEN + 1];
	const char *why;
	return report_submit(t->db, t->a, &rn, when, receipt, case_id, &why);
}

static enum nara_err assess(struct town *t, const struct actor *who,
			    int64_t case_id, int64_t when, const char *text)
{
	int64_t report_id;
	enum nara_err err =
	    db_query_int(t->db, &report_id,
			 "SELECT id FROM child_report WHERE case_id = ? AND"
			 " protection_assessed_at IS NULL ORDER BY id LIMIT 1",
			 "i", case_id);
	const char *why;
	if (err == NARA_OK)
		err = report_assess_protection(t->db, who, case_id, report_id,
					       0, text, VIS_NOW, 0,
					       WITHHELD_NONE, 0, when, &why);
	return err;
}

static enum nara_err move(struct town *t, const struct actor *who,
			  int64_t case_id, const struct case_move *m,
			  int64_t when)
{
	const char *why, *warning;
	return case_move(t->db, who, case_id, m, when, &why, &warning);
}

static enum nara_err note(struct town *t, const struct actor *who,
			  int64_t case_id, int64_t when, const char *body,
			  enum note_visibility v, int64_t visible_from,
			  enum withheld_reason reason, int64_t corrects,
			  int64_t *id)
{
	struct journal_new n = {
	    .case_id = case_id,
	    .body = body,
	    .visibility = v,
	    .visible_from = visible_from,
	    .withheld_reason = reason,
	    .corrects_id = corrects,
	};
	int64_t ignored;
	const char *why;
	return journal_add(t->db, who, &n, when, id ? id : &ignored, &why);
}

/* An intervention of the municipality's catalogue, by its slug. */
static enum nara_err intervention(struct town *t, const char *slug, int64_t *id)
{
	return db_query_int(t->db, id,
			    "SELECT id FROM intervention_kind WHERE"
			    " municipality_id = ? AND slug = ?",
			    "is", t->municipality_id, slug);
}

/* An application, as the citizen's form will file it (case_create_in_tx). */
static enum nara_err application(struct town *t, const char *adult_pnr,
				 const char *matter, int64_t when,
				 int64_t *case_id)
{
	int64_t person_id, unit_id;
	enum nara_err err =
	    db_query_int(t->db, &person_id,
			 "SELECT id FROM person WHERE municipality_id = ? AND"
			 " personnummer = ?",
			 "is", t->municipality_id, adult_pnr);
	if (err == NARA_OK)
		err = db_query_int(t->db, &unit_id,
				   "SELECT id FROM unit WHERE municipality_id"
				   " = ? AND slug = 'vuxen'",
				   "i", t->municipality_id);
	if (err != NARA_OK)
		return err;
	if ((err = db_begin(t->db)) != NARA_OK)
		return err;
	struct case_new c = {
	    .municipality_id = t->municipality_id,
	    .unit_id = unit_id,
	    .person_id = person_id,
	    .kind = CASE_APPLICATION,
	    .matter = matter,
	    .received_at = when,
	    .actor_kind = "citizen",
	    .actor_label = "ansökan via webben",
	    .actor_id = person_id,
	};
	err = case_create_in_tx(t->db, t->a, &c, case_id, NULL);
	if (err != NARA_OK) {
		db_rollback(t->db);
		return err;
	}
	return db_commit(t->db);
}

/* How to appeal, as the demo's decisions tell it. */
static const char appeal[] =
    "Du kan överklaga beslutet till förvaltningsrätten. Skicka"
    " överklagandet till socialnämnden inom tre veckor från den dag du fick"
    " veta om beslutet.";

/* Reports that arrived today and yesterday: the protection clock (R1.1). */
static enum nara_err new_reports(struct town *t)
{
	static const struct demo_report today = {
	    "private", "Karin Granne", "", "",
	    "Jag bor granne med familjen. I natt hördes skrik och något som"
	    " slogs sönder. Barnet satt ute i trappan i morse utan jacka."};
	static const struct demo_report yesterday = {
	    "professional", "Per Lärare", "Förskolan Solstrålen", "preschool",
	    "Barnet har blåmärken på armarna och säger att pappa blev arg."
	    " Vi har sett liknande märken två gånger förut den här månaden."};
	int64_t id;
	enum nara_err err = report(t, 2, at(t, 0, 8), &today, &id);
	if (err == NARA_OK)
		err = report(t, 3, at(t, 1, 15), &yesterday, &id);
	if (err == NARA_OK)
		err = case_assign(t->db, &t->officer, id, t->officer.staff_id,
				  0, at(t, 1, 16));
	return err;
}

/*
 * Reports in preliminary assessment: one on time, one due in two days,
 * one three days late (R1.2); each assessed for protection on the day it
 * came.
 */
static enum nara_err preliminary(struct town *t)
{
	static const struct demo_report school = {
	    "professional", "Lena Mentor", "Centralskolan", "school",
	    "Eleven har varit frånvarande tre dagar i veckan sedan jul och"
	    " berättar att hen tar hand om sina småsyskon."};
	static const struct demo_report health = {
	    "professional", "Jonas Psykolog", "Vuxenpsykiatrin", "health",
	    "En förälder som vi behandlar berättar att hen inte orkar ta hand"
	    " om sitt barn just nu och är orolig för hur barnet har det."};
	static const struct demo_report police = {
	    "professional", "Polisen, region Syd", "Polismyndigheten", "police",
	    "Polisen ingrep efter larm om bråk i lägenheten. Två barn var"
	    " hemma. Ingen anhölls."};
	int64_t id;
	enum nara_err err = report(t, 1, at(t, 12, 10), &school, &id);
	if (err == NARA_OK)
		err = assess(t, &t->officer, id, at(t, 12, 11),
			     "Inget akut skyddsbehov. Barnet är i skolan och"
			     " har kontakt med skolkuratorn.");
	if (err == NARA_OK)
		err = case_assign(t->db, &t->officer, id, t->officer.staff_id,
				  0, at(t, 12, 11));
	if (err == NARA_OK)
		err = note(t, &t->officer, id, at(t, 10, 14),
			   "Telefonsamtal med mamma. Hon bekräftar frånvaron"
			   " och vill ha stöd.",
			   VIS_NOW, 0, WITHHELD_NONE, 0, NULL);
	if (err == NARA_OK)
		err = report(t, 7, at(t, 5, 13), &health, &id);
	if (err == NARA_OK)
		err = assess(t, &t->officer, id, at(t, 5, 15),
			     "Inget akut skyddsbehov. Den andra föräldern finns"
			     " hemma.");
	if (err == NARA_OK)
		err = case_assign(t->db, &t->officer, id, t->officer.staff_id,
				  0, at(t, 5, 15));
	if (err == NARA_OK)
		err = report(t, 5, at(t, 17, 9), &police, &id);
	if (err == NARA_OK)
		err = assess(t, &t->officer, id, at(t, 17, 10),
			     "Inget akut skyddsbehov efter samtal med polisen"
			     " och båda föräldrarna.");
	if (err == NARA_OK)
		err = case_assign(t->db, &t->officer, id, t->officer.staff_id,
				  0, at(t, 17, 10));
	return err;
}

/* An investigation whose four months (R1.3) end in about nine days. */
static enum nara_err investigation_due_soon(struct town *t)
{
	static const struct demo_report health = {
	    "professional", "Sara Sköterska", "Barnavårdscentralen", "health",
	    "Barnet har inte kommit till sina besök sedan i höstas och"
	    " föräldern har svårt att ta emot information."};
	struct civil_date due = civil_from_days(t->today + 9);
	struct civil_date opened_on = clock_add_months(due, -4);
	int64_t opened = clock_local_midnight(opened_on) + 10 * HOUR;
	int64_t id;
	enum nara_err err = report(t, 6, opened - 6 * DAY, &health, &id);
	if (err == NARA_OK)
		err = assess(t, &t->officer, id, opened - 6 * DAY + HOUR,
			     "Inget akut skyddsbehov.");
	if (err == NARA_OK)
		err = case_assign(t->db, &t->officer, id, t->officer.staff_id,
				  0, opened - 6 * DAY + HOUR);
	struct case_move open = {.action = CA_OPEN_INVESTIGATION,
				 .child_heard = 0,
				 .child_not_heard_reason =
				     "Barnet är ett år och kan inte höras."};
	if (err == NARA_OK)
		err = move(t, &t->officer, id, &open, opened);
	if (err == NARA_OK)
		err = case_add_member(t->db, &t->officer, id, t->lead.staff_id,
				      0, opened);
	if (err == NARA_OK)
		err = note(t, &t->officer, id, opened + 14 * DAY,
			   "Hembesök. Hemmet är städat, barnet är glatt och"
			   " nyfiket. Föräldern berättar om trötthet.",
			   VIS_NOW, 0, WITHHELD_NONE, 0, NULL);
	if (err == NARA_OK)
		err = note(t, &t->officer, id, opened + 40 * DAY,
			   "Samtal med BVC-sköterskan om barnets vikt och"
			   " utveckling.",
			   VIS_NOW, 0, WITHHELD_NONE, 0, NULL);
	return err;
}

/*
 * The whole journey, with a long journal: an earlier report that led to
 * nothing (R1.6), a new one investigated, extended (R1.3), decided under
 * delegation (R2.2), family treatment started, a correction (R2.1), notes
 * released later or withheld (R2.4), and the young person's objection
 * waiting for an answer.
 */
static enum nara_err long_journey(struct town *t)
{
	static const struct demo_report first = {
	    "anonymous", "", "", "",
	    "Jag är orolig för barnet på andra våningen. Hen verkar ofta vara"
	    " ensam hemma på kvällarna."};
	static const struct demo_report second = {
	    "professional", "Anna Kurator", "Högstadieskolan", "school",
	    "Eleven har berättat att det är mycket bråk hemma och att hen"
	    " inte vill gå hem efter skolan. Hen sover dåligt."};
	const int64_t old = at(t, 400, 9), received = at(t, 200, 9);
	int64_t first_case, id;
	enum nara_err err = report(t, 0, old, &first, &first_case);
	if (err == NARA_OK)
		err = assess(t, &t->officer, first_case, old + HOUR,
			     "Inget akut skyddsbehov.");
	struct case_move no = {.action = CA_NOT_OPEN,
			       .child_heard = 1,
			       .reason = "Samtal med barnet och föräldrarna"
					 " visar inget behov av stöd från"
					 " socialtjänsten."};
	if (err == NARA_OK)
		err = move(t, &t->officer, first_case, &no, old + 9 * DAY);
	if (err == NARA_OK)
		err = report(t, 0, received, &second, &id);
	if (err == NARA_OK)
		err = assess(t, &t->officer, id, received + 2 * HOUR,
			     "Inget akut skyddsbehov. Eleven har ett ställe"
			     " att vara på efter skolan hos sin moster.");
	if (err == NARA_OK)
		err = case_assign(t->db, &t->officer, id, t->officer.staff_id,
				  0, received + 2 * HOUR);
	struct case_move open = {.action = CA_OPEN_INVESTIGATION,
				 .child_heard = 1};
	const int64_t opened = received + 6 * DAY;
	if (err == NARA_OK)
		err = move(t, &t->officer, id, &open, opened);
	if (err == NARA_OK)
		err = case_add_member(t->db, &t->officer, id, t->lead.staff_id,
				      0, opened);
	/* The adults' officer joins: the parent's own needs (flexible teams).
	 */
	if (err == NARA_OK)
		err = case_add_member(t->db, &t->officer, id,
				      t->adults_officer.staff_id, 0,
				      opened + DAY);
	int64_t visit = 0;
	if (err == NARA_OK)
		err = note(t, &t->officer, id, opened + 7 * DAY,
			   "Första samtal med eleven i skolan. Hen berättar"
			   " om bråk mellan föräldrarna, mest på helgerna.",
			   VIS_NOW, 0, WITHHELD_NONE, 0, &visit);
	if (err == NARA_OK)
		err = note(t, &t->officer, id, opened + 8 * DAY,
			   "Rättelse: samtalet hölls på fritidsgården, inte i"
			   " skolan.",
			   VIS_NOW, 0, WITHHELD_NONE, visit, NULL);
	if (err == NARA_OK)
		err = note(t, &t->officer, id, opened + 14 * DAY,
			   "Hembesök med båda föräldrarna. De är oroliga och"
			   " vill ha hjälp med konflikterna.",
			   VIS_NOW, 0, WITHHELD_NONE, 0, NULL);
	if (err == NARA_OK)
		err = note(t, &t->officer, id, opened + 20 * DAY,
			   "Grannen berättar om polisutryckningar förra"
			   " vintern och namnger en släkting som bor i"
			   " lägenheten ibland.",
			   VIS_WITHHELD, 0, WITHHELD_THIRD_PARTY, 0, NULL);
	if (err == NARA_OK)
		err = note(t, &t->adults_officer, id, opened + 30 * DAY,
			   "Pappan har fått tid hos beroendemottagningen.",
			   VIS_WITHHELD, 0, WITHHELD_HARM, 0, NULL);
	if (err == NARA_OK)
		err = note(t, &t->officer, id, opened + 45 * DAY,
			   "Bedömning efter samtal med skolan: närvaron har"
			   " blivit bättre. Föräldrarna har fått veta"
			   " bedömningen vid mötet.",
			   VIS_FROM_DATE, opened + 52 * DAY, WITHHELD_NONE, 0,
			   NULL);
	if (err == NARA_OK)
		err = note(t, &t->officer, id, opened + 60 * DAY,
			   "Nätverksmöte med skolan, BUP och föräldrarna."
			   " BUP gör en egen bedömning.",
			   VIS_NOW, 0, WITHHELD_NONE, 0, NULL);
	/* R1.3: waiting for BUP, extended ten days before the due date. */
	int64_t due = clock_investigation_due(opened);
	struct case_move extend = {.action = CA_EXTEND,
				   .reason = "Vi väntar på BUP:s bedömning,"
					     " som behövs för beslutet.",
				   .new_due = due + 30 * DAY};
	if (err == NARA_OK)
		err = move(t, &t->officer, id, &extend,
			   due - 10 * DAY + 9 * HOUR);
	if (err == NARA_OK)
		err = note(t, &t->officer, id, due - 2 * DAY + 10 * HOUR,
			   "BUP:s bedömning har kommit. Familjebehandling"
			   " rekommenderas.",
			   VIS_NOW, 0, WITHHELD_NONE, 0, NULL);
	/* R2.2: decided by the team lead, presented by the officer. */
	struct case_move decide = {
	    .action = CA_DECIDE,
	    .outcome = "granted",
	    .subject = "Familjebehandling för familjen",
	    .content = "Familjen beviljas familjebehandling i sex månader,"
		       " två träffar i veckan.",
	    .reasons = "Utredningen visar att familjen behöver stöd för att"
		       " eleven ska ha det tryggt hemma, och föräldrarna vill"
		       " ta emot det.",
	    .legal_basis = "4 kap. 1 § socialtjänstlagen (2001:453)",
	    .delegation = "Delegationsordningen punkt 3.1 (teamledare)",
	    .presented_by = t->officer.staff_id,
	    .appeal = appeal,
	};
	const int64_t decided = due + 5 * DAY + 13 * HOUR;
	if (err == NARA_OK)
		err = move(t, &t->lead, id, &decide, decided);
	int64_t kind = 0;
	if (err == NARA_OK)
		err = intervention(t, "familjebehandling", &kind);
	struct case_move start = {.action = CA_START_INTERVENTION,
				  .intervention_kind_id = kind};
	if (err == NARA_OK)
		err = move(t, &t->officer, id, &start, decided + DAY);
	if (err == NARA_OK)
		err = note(t, &t->officer, id, decided + 15 * DAY - 3 * HOUR,
			   "Familjebehandlingen har börjat. Första träffen gick"
			   " bra, alla kom.",
			   VIS_NOW, 0, WITHHELD_NONE, 0, NULL);
	/* The young person reads the file and says something is wrong. */
	struct actor young;
	access_citizen(t->child_pnr[0], &young);
	struct journal_new objection = {
	    .case_id = id,
	    .body = "Det stämmer inte att jag inte ville gå hem. Jag ville"
		    " bara inte vara hemma när de bråkade.",
	    .objection = 1,
	    .corrects_id = visit,
	};
	const char *why;
	int64_t ignored;
	if (err == NARA_OK)
		err = journal_add(t->db, &young, &objection, at(t, 2, 19),
				  &ignored, &why);
	return err;
}

/* Applications to the adults' unit: one new, one decided and closed. */
static enum nara_err applications(struct town *t)
{
	int64_t id;
	enum nara_err err =
	    application(t, t->adult_pnr[0], "support", at(t, 3, 13), &id);
	if (err == NARA_OK)
		err = case_assign(t->db, &t->adults_officer, id,
				  t->adults_officer.staff_id, 0, at(t, 2, 9));
	if (err == NARA_OK)
		err = application(t, t->adult_pnr[1], "support", at(t, 40, 10),
				  &id);
	if (err == NARA_OK)
		err = case_assign(t->db, &t->adults_officer, id,
				  t->adults_officer.staff_id, 0, at(t, 39, 9));
	struct case_move open = {.action = CA_OPEN_INVESTIGATION};
	if (err == NARA_OK)
		err = move(t, &t->adults_officer, id, &open, at(t, 38, 10));
	struct case_move decide = {
	    .action = CA_DECIDE,
	    .outcome = "refused",
	    .subject = "Boendestöd",
	    .content = "Ansökan om boendestöd avslås.",
	    .reasons = "Du klarar ditt boende själv med det stöd du redan får"
		       " från hemtjänsten.",
	    .legal_basis = "4 kap. 1 § socialtjänstlagen (2001:453)",
	    .delegation = "Delegationsordningen punkt 2.4 (handläggare)",
	    .appeal = appeal,
	};
	if (err == NARA_OK)
		err = move(t, &t->adults_officer, id, &decide, at(t, 20, 14));
	struct case_move close = {.action = CA_CLOSE,
				  .reason = "Beslutet är meddelat och inte"
					    " överklagat."};
	if (err == NARA_OK)
		err = move(t, &t->adults_officer, id, &close, at(t, 15, 9));
	return err;
}

static enum nara_err add_town(struct db *db, int64_t municipality_id,
			      const char *slug, int index, int64_t now)
{
	struct arena a;
	arena_init(&a, 0);
	struct town t = {.db = db,
			 .a = &a,
			 .municipality_id = municipality_id,
			 .slug = slug,
			 .index = index,
			 .now = now,
			 .today = civil_to_days(clock_local_date(now))};
	enum nara_err err = load_actor(&t, "handlaggare", &t.officer);
	if (err == NARA_OK)
		err = load_actor(&t, "handlaggare2", &t.adults_officer);
	if (err == NARA_OK)
		err = load_actor(&t, "teamledare", &t.lead);
	if (err == NARA_OK)
		err = load_people(&t);
	/* The base set always has adults; children beyond it go unnamed. */
	if (err == NARA_OK && (t.nadults < 2 || t.nchildren < 1))
		err = NARA_ENOTFOUND;
	if (err == NARA_OK)
		err = new_reports(&t);
	if (err == NARA_OK)
		err = preliminary(&t);
	if (err == NARA_OK)
		err = investigation_due_soon(&t);
	if (err == NARA_OK)
		err = long_journey(&t);
	if (err == NARA_OK)
		err = applications(&t);
	arena_free(&a);
	return err;
}

enum nara_err demo_add_cases(struct db *db, int64_t now)
{
	struct db_stmt *st;
	/*
	 * Municipalities that have no case yet: a second run adds nothing,
	 * and the demo never adds to a municipality where real work began.
	 */
	enum nara_err err = db_prepare(
	    db,
	    "SELECT m.id, m.slug FROM municipality m WHERE NOT EXISTS (SELECT"
	    " 1 FROM case_file c WHERE c.municipality_id = m.id) ORDER BY m.id",
	    &st);
	if (err != NARA_OK)
		return err;
	struct {
		int64_t id;
		char slug[32];
	} towns[64];
	size_t n = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && n < 64) {
		towns[n].id = db_col_int(st, 0);
		snprintf(towns[n].slug, sizeof(towns[n].slug), "%s",
			 db_col_text(st, 1));
		n++;
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	for (size_t i = 0; i < n && err == NARA_OK; i++)
		err = add_town(db, towns[i].id, towns[i].slug, (int)i, now);
	return err;
}
