/*
 * The demo's case for "Mina sidor": one known citizen (the first
 * Helsingborg citizen without protected identity, whom the development
 * login lists) with an application for support that has been through the
 * journal and the case flow, so the citizen's page, its live updates and
 * its PDF have something true to show and something to keep back:
 *
 *   - notes released at once, a correction linked to the note it corrects
 *     (R2.1), and a note that was delayed until after a meeting and is now
 *     visible (R2.4);
 *   - a note delayed until two weeks after the demo was made (not yet
 *     visible);
 *   - a note that names a private reporter (a neighbour), withheld for the
 *     reporter's identity, and one withheld as information about a third
 *     party (R2.3, OSL 26 kap. 1 and 5 §§);
 *   - an assigned case officer, a decision in full with how to appeal
 *     (R2.2), an intervention, and a read by the case officer for "who has
 *     read this case" (R2.6).
 *
 * Everything goes through the domain functions a member of staff would
 * use (journal_add, case_move, case_read), each with its audit row; the
 * texts are the demo's own, the times relative to when it runs. The
 * integration and browser tests rely on the texts below: the released
 * ones must show, the withheld and delayed ones never.
 */
#include <string.h>

#include "db/db.h"
#include "domain/access.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/journal.h"

enum { DAY = 86400 };

/* How the case's first note begins: what marks the demo's case as made. */
#define FIRST_NOTE_START "Telefonsamtal med dig samma dag som ansökan kom in."

static enum nara_err staff_actor(struct db *db, struct arena *a,
				 const char *username, struct actor *out)
{
	int64_t id = 0;
	enum nara_err err = db_query_int(
	    db, &id, "SELECT id FROM staff_user WHERE username = ?", "s",
	    username);
	if (err == NARA_OK)
		err = access_load_staff(db, a, id, out);
	if (err == NARA_OK)
		out->request_id = "nara-demo";
	return err;
}

static enum nara_err note(struct db *db, const struct actor *who,
			  int64_t case_id, int64_t at, const char *body,
			  enum note_visibility v, int64_t visible_from,
			  enum withheld_reason reason, int64_t corrects,
			  int64_t *id)
{
	struct journal_new n = {.case_id = case_id,
				.body = body,
				.visibility = v,
				.visible_from = visible_from,
				.withheld_reason = reason,
				.corrects_id = corrects};
	const char *why = NULL;
	int64_t got = 0;
	enum nara_err err = journal_add(db, who, &n, at, &got, &why);
	if (id != NULL)
		*id = got;
	return err;
}

static enum nara_err move(struct db *db, const struct actor *who,
			  int64_t case_id, const struct case_move *m,
			  int64_t at)
{
	const char *why = NULL, *warning = NULL;
	return case_move(db, who, case_id, m, at, &why, &warning);
}

/* Creates the case inside a transaction of its own. */
static enum nara_err open_case(struct db *db, struct arena *a,
			       int64_t person_id, int64_t municipality_id,
			       int64_t received, int64_t *case_id)
{
	int64_t unit_id = 0;
	enum nara_err err =
	    db_query_int(db, &unit_id,
			 "SELECT id FROM unit WHERE"
			 " municipality_id = ? AND slug = 'vuxen'",
			 "i", municipality_id);
	if (err != NARA_OK)
		return err;
	if ((err = db_begin(db)) != NARA_OK)
		return err;
	struct case_new c = {.municipality_id = municipality_id,
			     .unit_id = unit_id,
			     .person_id = person_id,
			     .kind = CASE_APPLICATION,
			     .matter = "support",
			     .received_at = received,
			     .actor_kind = "system",
			     .actor_label = "ansökan via webben"};
	err = case_create_in_tx(db, a, &c, case_id, NULL);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

static enum nara_err fill(struct db *db, struct arena *a, int64_t case_id,
			  int64_t municipality_id, int64_t now)
{
	struct actor officer;
	enum nara_err err =
	    staff_actor(db, a, "helsingborg.handlaggare2", &officer);
	int64_t call = 0;
	int64_t t = now - 39 * DAY;
	if (err == NARA_OK)
		err = note(db, &officer, case_id, t,
			   FIRST_NOTE_START
			   " Du berättade att du har haft svårt att klara"
			   " vardagen sedan i vintras och att du vill ha någon"
			   " att prata med regelbundet. Vi bestämde att vi ses"
			   " på kontoret.",
			   VIS_NOW, 0, WITHHELD_NONE, 0, &call);
	/* The officer takes the case: the person sees who handles it. */
	if (err == NARA_OK)
		err = case_assign(db, &officer, case_id, officer.staff_id, 0,
				  t + 1800);
	struct case_move opening = {.action = CA_OPEN_INVESTIGATION,
				    .child_heard = -1};
	if (err == NARA_OK)
		err = move(db, &officer, case_id, &opening, t + 3600);
	if (err == NARA_OK)
		err =
		    note(db, &officer, case_id, now - 38 * DAY,
			 "Grannen Karin Lindqvist, telefon 070-174 06 42,"
			 " ringde och berättade att hon är orolig: hon har"
			 " inte sett dig ute på flera veckor. Hon vill inte"
			 " att det kommer fram att hon har hört av sig.",
			 VIS_WITHHELD, 0, WITHHELD_REPORTER_IDENTITY, 0, NULL);
	if (err == NARA_OK)
		err = note(db, &officer, case_id, now - 37 * DAY,
			   "Rättelse: vi bestämde att vi ses hemma hos dig,"
			   " inte på kontoret.",
			   VIS_NOW, 0, WITHHELD_NONE, call, NULL);
	if (err == NARA_OK)
		err = note(db, &officer, case_id, now - 36 * DAY,
			   "Din son har i ett eget samtal berättat om sin egen"
			   " situation: han har förlorat sitt arbete och har"
			   " svårt att hjälpa till just nu.",
			   VIS_WITHHELD, 0, WITHHELD_THIRD_PARTY, 0, NULL);
	/* Held back until the meeting where it was said, then visible. */
	if (err == NARA_OK)
		err =
		    note(db, &officer, case_id, now - 35 * DAY,
			 "Inför mötet: vi föreslår en kontaktperson som du"
			 " träffar en gång i veckan, och att vi följer upp"
			 " efter sex månader.",
			 VIS_FROM_DATE, now - 30 * DAY, WITHHELD_NONE, 0, NULL);
	struct case_move decision = {
	    .action = CA_DECIDE,
	    .child_heard = -1,
	    .outcome = "granted",
	    .subject = "Kontaktperson",
	    .content = "Du får en kontaktperson som du träffar en gång i"
		       " veckan, i sex månader från beslutet.",
	    .reasons = "Du har berättat att du är ensam och har svårt att"
		       " klara vardagen. En kontaktperson kan hjälpa dig att"
		       " bryta isoleringen och hitta sammanhang.",
	    .legal_basis = "4 kap. 1 § socialtjänstlagen (2001:453)",
	    .delegation = "Delegationsordningen, punkt 4.1",
	    .appeal = "Om du inte är nöjd med beslutet kan du överklaga det"
		      " till förvaltningsrätten. Skicka överklagandet till"
		      " socialnämnden inom tre veckor från den dag du fick"
		      " beslutet. Skriv vilket beslut du överklagar och varför."
		      " Vi hjälper dig gärna."};
	if (err == NARA_OK)
		err = move(db, &officer, case_id, &decision, now - 25 * DAY);
	int64_t contact_person = 0;
	if (err == NARA_OK)
		err = db_query_int(db, &contact_person,
				   "SELECT id FROM intervention_kind WHERE"
				   " municipality_id = ? AND slug ="
				   " 'kontaktperson'",
				   "i", municipality_id);
	struct case_move starting = {.action = CA_START_INTERVENTION,
				     .child_heard = -1,
				     .intervention_kind_id = contact_person};
	if (err == NARA_OK)
		err = move(db, &officer, case_id, &starting, now - 24 * DAY);
	if (err == NARA_OK)
		err =
		    note(db, &officer, case_id, now - 20 * DAY,
			 "Planering inför uppföljningen: vi tar upp om"
			 " kontaktpersonen ska fortsätta efter sex månader.",
			 VIS_FROM_DATE, now + 14 * DAY, WITHHELD_NONE, 0, NULL);
	/* The case officer reads the case: "who has read this case". */
	struct case_view view;
	if (err == NARA_OK)
		err = case_read(db, a, &officer, case_id, now, &view);
	return err;
}

enum nara_err demo_add_citizen_case(struct db *db, int64_t now)
{
	int64_t person_id = 0, municipality_id = 0, have = 0;
	enum nara_err err = db_query_int(
	    db, &person_id,
	    "SELECT p.id FROM person p JOIN municipality m ON m.id ="
	    " p.municipality_id WHERE m.slug = 'helsingborg' AND"
	    " p.protected_identity = 0 AND p.fictitious = 1 ORDER BY p.id"
	    " LIMIT 1",
	    "");
	if (err == NARA_OK)
		err = db_query_int(db, &municipality_id,
				   "SELECT municipality_id FROM person WHERE"
				   " id = ?",
				   "i", person_id);
	/*
	 * Runs add up: once there, the case is not made again. It is known by
	 * its first note, so other demo cases of the same person (the staff
	 * pages' demo) neither stop it nor are taken for it.
	 */
	if (err == NARA_OK)
		err = db_query_int(
		    db, &have,
		    "SELECT COUNT(*) FROM case_file c WHERE c.person_id = ? AND"
		    " EXISTS (SELECT 1 FROM journal_note n WHERE n.case_id ="
		    " c.id AND n.body LIKE ?)",
		    "is", person_id, FIRST_NOTE_START "%");
	if (err != NARA_OK || have > 0)
		return err;
	struct arena a;
	arena_init(&a, 0);
	int64_t case_id = 0;
	err = open_case(db, &a, person_id, municipality_id, now - 40 * DAY,
			&case_id);
	if (err == NARA_OK)
		err = fill(db, &a, case_id, municipality_id, now);
	arena_free(&a);
	return err;
}
