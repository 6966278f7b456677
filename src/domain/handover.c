/*
 * A case handed over as a package; see handover.h. The sending side goes
 * through the case's own policy (case_authorize_in_tx: casework in the
 * case's unit); the receiving side through policy_handover_reception and,
 * for the unit the new case goes to, the policy's write grant on a case
 * of that unit. The journal is the legal record and is written in
 * Swedish, whatever the reader's language.
 */
#include "domain/handover.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/document.h"
#include "domain/journal.h"
#include "domain/notify.h"
#include "domain/person.h"
#include "policy/case_flow.h"
#include "policy/clock.h"
#include "policy/handover.h"
#include "policy/policy.h"
#include "policy/visibility.h"

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	return arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
}

static int blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

static int too_long(const char *s)
{
	return s != NULL && strlen(s) > HANDOVER_TEXT_MAX;
}

/* "2026-12-07" in Swedish time, for the journal's text. */
static const char *day(struct arena *a, int64_t t)
{
	struct civil_date d = clock_local_date(t);
	return arena_printf(a, "%04d-%02d-%02d", d.year, d.month, d.day);
}

static const char *basis_words(const char *basis)
{
	return strcmp(basis, "transfer") == 0
		   ? "överflyttning av ärende, SoL 2 a kap. 10 §"
		   : "den enskildes samtycke";
}

static enum nara_err audit(struct db *db, const struct actor *who,
			   int64_t municipality_id, const char *action,
			   const char *record_kind, int64_t record_id,
			   int64_t person_id, const char *reason, int flagged)
{
	return audit_actor(db, who, municipality_id, 0, action, record_kind,
			   record_id, person_id, reason, flagged);
}

/* ---- the sending side ---- */

struct case_row {
	int64_t municipality_id, person_id, version;
	const char *kind, *matter, *state, *reference, *municipality_name;
};

static enum nara_err load_case(struct db *db, struct arena *a, int64_t id,
			       struct case_row *c)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT c.municipality_id, COALESCE(c.person_id, 0), c.version,"
	    " c.kind, c.matter, c.state, c.reference, m.name FROM case_file c"
	    " JOIN municipality m ON m.id = c.municipality_id WHERE c.id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		c->municipality_id = db_col_int(st, 0);
		c->person_id = db_col_int(st, 1);
		c->version = db_col_int(st, 2);
		c->kind = col(a, st, 3);
		c->matter = col(a, st, 4);
		c->state = col(a, st, 5);
		c->reference = col(a, st, 6);
		c->municipality_name = col(a, st, 7);
	}
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

/* The flow's close move is legal from the case's state (and kind). */
static int closable(const struct case_row *c, enum case_state *to)
{
	int k = case_kind_parse(c->kind), s = case_state_parse(c->state);
	if (k < 0 || s < 0)
		return 0;
	struct case_facts f = {.kind = (enum case_kind)k,
			       .state = (enum case_state)s};
	return case_flow_next(&f, CA_CLOSE, to) == FLOW_OK;
}

struct part {
	const char *kind, *title, *author, *body, *visibility, *reason;
	int64_t source, written_at, visible_from;
};

static enum nara_err add_part(struct db *db, int64_t handover, int seq,
			      const struct part *p)
{
	return db_run(
	    db,
	    "INSERT INTO handover_part (handover_id, seq, kind,"
	    " source_id, written_at, author_label, title, body,"
	    " visibility, visible_from, withheld_reason) VALUES (?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)",
	    "iisiissssis", handover, (int64_t)seq, p->kind, p->source,
	    p->written_at, p->author, p->title, p->body,
	    p->visibility ? p->visibility : "now", p->visible_from,
	    p->reason ? p->reason : "");
}

/* The application's answers as "question: answer" lines. */
static const char *answers_text(struct arena *a, const char *json)
{
	json_error_t e;
	json_t *root = json_loads(json, 0, &e);
	if (!json_is_object(root)) {
		json_decref(root);
		return arena_strdup(a, json);
	}
	const char *key;
	json_t *value;
	const char *out = "";
	json_object_foreach(root, key, value)
	{
		char *text =
		    json_is_string(value)
			? NULL
			: json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
		out = arena_printf(a, "%s%s: %s\n", out, key,
				   text ? text : json_string_value(value));
		free(text);
		if (out == NULL)
			break;
	}
	json_decref(root);
	return out;
}

/* The application or the reports (never a reporter's identity). */
static enum nara_err application_parts(struct db *db, struct arena *a,
				       int64_t handover, int64_t case_id,
				       int *seq)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(db,
				       "SELECT id, submitted_at, answers FROM "
				       "application WHERE case_id = ?",
				       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	struct part parts[64];
	size_t n = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && n < 64) {
		parts[n++] = (struct part){
		    .kind = "application",
		    .source = db_col_int(st, 0),
		    .written_at = db_col_int(st, 1),
		    .author = "den sökande",
		    .title = "Ansökan",
		    .body = answers_text(a, db_col_text(st, 2)),
		};
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	err = db_prepare(db,
			 "SELECT id, received_at, reporter_kind, concern"
			 " FROM child_report WHERE case_id = ?"
			 " ORDER BY received_at",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	while ((rc = db_step(st)) == DB_ROW && n < 64) {
		const char *kind = db_col_text(st, 2);
		parts[n++] = (struct part){
		    .kind = "report",
		    .source = db_col_int(st, 0),
		    .written_at = db_col_int(st, 1),
		    .author =
			"anmälaren (uppgifter om anmälaren lämnas inte ut)",
		    .title = arena_printf(
			a, "Orosanmälan från %s",
			strcmp(kind, "professional") == 0 ? "yrkesperson"
			: strcmp(kind, "private") == 0	  ? "privatperson"
							  : "anonym anmälare"),
		    .body = col(a, st, 3),
		};
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	for (size_t i = 0; i < n && err == NARA_OK; i++) {
		if (parts[i].body == NULL || parts[i].title == NULL)
			return NARA_ENOMEM;
		err = add_part(db, handover, (*seq)++, &parts[i]);
	}
	return err;
}

/*
 * The row of a chosen part (a note, decision or document `id`) of the
 * case: sql takes id and case_id, and is stepped once; the caller reads
 * the row (*rc DB_ROW), calls db_done and then part_finish.
 */
static enum nara_err part_row(struct db *db, const char *sql, int64_t id,
			      int64_t case_id, struct db_stmt **st, int *rc)
{
	enum nara_err err = db_prepare(db, sql, st);
	if (err != NARA_OK)
		return err;
	db_bind_int(*st, 1, id);
	db_bind_int(*st, 2, case_id);
	*rc = db_step(*st);
	return NARA_OK;
}

/*
 * A part read by part_row into p, added to the package: one that is not
 * the case's is refused, and so is a withheld one unless chosen on
 * purpose (include_withheld).
 */
static enum nara_err part_finish(struct db *db, int64_t handover, int rc,
				 const struct part *p, int include_withheld,
				 int *seq, const char **why)
{
	if (rc == DB_DONE) {
		*why = "handover.error.part";
		return NARA_EINVAL;
	}
	if (rc < 0)
		return db_step_err(rc);
	if (p->visibility != NULL && strcmp(p->visibility, "withheld") == 0 &&
	    !include_withheld) {
		*why = "handover.error.withheld";
		return NARA_EINVAL;
	}
	return add_part(db, handover, (*seq)++, p);
}

/* One chosen journal note; withheld ones only when chosen on purpose. */
static enum nara_err note_part(struct db *db, struct arena *a, int64_t handover,
			       int64_t case_id, int64_t id,
			       int include_withheld, int *seq, const char **why)
{
	struct db_stmt *st;
	int rc;
	enum nara_err err = part_row(
	    db,
	    "SELECT written_at, author_label, kind, body, visibility,"
	    " COALESCE(visible_from, 0), withheld_reason FROM journal_note"
	    " WHERE id = ? AND case_id = ?",
	    id, case_id, &st, &rc);
	if (err != NARA_OK)
		return err;
	struct part p = {.kind = "note", .source = id};
	if (rc == DB_ROW) {
		p.written_at = db_col_int(st, 0);
		p.author = col(a, st, 1);
		p.title = arena_printf(a, "Journalanteckning (%s)",
				       db_col_text(st, 2));
		p.body = col(a, st, 3);
		p.visibility = col(a, st, 4);
		p.visible_from = db_col_int(st, 5);
		p.reason = col(a, st, 6);
	}
	db_done(st);
	return part_finish(db, handover, rc, &p, include_withheld, seq, why);
}

static enum nara_err decision_part(struct db *db, struct arena *a,
				   int64_t handover, int64_t case_id,
				   int64_t id, int *seq, const char **why)
{
	struct db_stmt *st;
	int rc;
	enum nara_err err = part_row(
	    db,
	    "SELECT decided_at, decided_by_label, outcome, subject, content,"
	    " reasons, legal_basis, delegation, appeal FROM decision"
	    " WHERE id = ? AND case_id = ?",
	    id, case_id, &st, &rc);
	if (err != NARA_OK)
		return err;
	struct part p = {.kind = "decision", .source = id};
	if (rc == DB_ROW) {
		const char *outcome = db_col_text(st, 2);
		p.written_at = db_col_int(st, 0);
		p.author = col(a, st, 1);
		p.title = arena_printf(a, "Beslut: %s", db_col_text(st, 3));
		p.body = arena_printf(
		    a,
		    "Utfall: %s\n%s\n\nSkäl: %s\nLagrum: %s\nDelegation: %s\n"
		    "Överklagande: %s",
		    strcmp(outcome, "granted") == 0  ? "bifall"
		    : strcmp(outcome, "partly") == 0 ? "delvis bifall"
						     : "avslag",
		    db_col_text(st, 4), db_col_text(st, 5), db_col_text(st, 6),
		    db_col_text(st, 7), db_col_text(st, 8));
	}
	db_done(st);
	if (rc == DB_ROW && (p.title == NULL || p.body == NULL))
		return NARA_ENOMEM;
	return part_finish(db, handover, rc, &p, 0, seq, why);
}

/* A document: its note's withholding applies to it as to the note. */
static enum nara_err document_part(struct db *db, struct arena *a,
				   int64_t handover, int64_t case_id,
				   int64_t id, int include_withheld, int *seq,
				   const char **why)
{
	struct db_stmt *st;
	int rc;
	enum nara_err err = part_row(
	    db,
	    "SELECT d.added_at, d.added_by_label, d.filename,"
	    " COALESCE(n.visibility, 'now'), COALESCE(n.visible_from, 0),"
	    " COALESCE(n.withheld_reason, '') FROM document d"
	    " LEFT JOIN journal_note n ON n.id = d.journal_note_id"
	    " WHERE d.id = ? AND d.case_id = ?",
	    id, case_id, &st, &rc);
	if (err != NARA_OK)
		return err;
	struct part p = {.kind = "document", .source = id, .title = "Dokument"};
	if (rc == DB_ROW) {
		p.written_at = db_col_int(st, 0);
		p.author = col(a, st, 1);
		p.body = col(a, st, 2);
		p.visibility = col(a, st, 3);
		p.visible_from = db_col_int(st, 4);
		p.reason = col(a, st, 5);
	}
	db_done(st);
	return part_finish(db, handover, rc, &p, include_withheld, seq, why);
}

static enum nara_err check_offer(const struct handover_offer *o,
				 const char **why)
{
	if (o->legal_basis == NULL ||
	    (strcmp(o->legal_basis, "transfer") != 0 &&
	     strcmp(o->legal_basis, "consent") != 0))
		*why = "handover.error.basis";
	else if (blank(o->decided_by) || too_long(o->decided_by))
		*why = "handover.error.decided_by";
	else if (blank(o->reasons) || too_long(o->reasons))
		*why = "handover.error.reasons";
	else if (!o->identity && !o->application &&
		 o->nnotes + o->ndecisions + o->ndocuments == 0)
		*why = "handover.error.nothing";
	else if (o->nnotes + o->ndecisions + o->ndocuments > HANDOVER_MAX_PARTS)
		*why = "handover.error.part";
	return *why ? NARA_EINVAL : NARA_OK;
}

enum nara_err handover_offer(struct db *db, struct arena *a,
			     const struct actor *who,
			     const struct handover_offer *o, int64_t now,
			     int64_t *id, const char **why)
{
	*why = NULL;
	*id = 0;
	if (who == NULL || strcmp(who->kind, "staff") != 0)
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality = 0, person = 0;
	err = case_authorize_in_tx(db, who, o->case_id, 1, &municipality,
				   &person);
	if (err != NARA_OK)
		return audit_finish(db, err);
	struct case_row c;
	enum case_state to;
	err = load_case(db, a, o->case_id, &c);
	if (err == NARA_OK && o->expected_version != 0 &&
	    o->expected_version != c.version) {
		*why = "handover.error.changed";
		err = NARA_ECONFLICT;
	}
	if (err == NARA_OK && !closable(&c, &to)) {
		*why = "handover.error.state";
		err = NARA_EINVAL;
	}
	int64_t pending = 0;
	if (err == NARA_OK)
		err = db_query_int(db, &pending,
				   "SELECT COUNT(*) FROM handover WHERE"
				   " from_case_id = ? AND state = 'offered'",
				   "i", o->case_id);
	if (err == NARA_OK && pending > 0) {
		*why = "handover.error.pending";
		err = NARA_ECONFLICT;
	}
	if (err == NARA_OK)
		err = check_offer(o, why);
	const char *to_name = NULL;
	if (err == NARA_OK) {
		struct db_stmt *st;
		err = db_prepare(
		    db, "SELECT name FROM municipality WHERE id = ?", &st);
		if (err == NARA_OK) {
			db_bind_int(st, 1, o->to_municipality_id);
			if (db_step(st) == DB_ROW)
				to_name = col(a, st, 0);
			db_done(st);
		}
		if (err == NARA_OK &&
		    (to_name == NULL ||
		     o->to_municipality_id == c.municipality_id)) {
			*why = "handover.error.municipality";
			err = NARA_EINVAL;
		}
	}
	if (err == NARA_OK && o->identity && person == 0) {
		*why = "handover.error.no_person";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err = db_query_int(
		    db, id,
		    "INSERT INTO handover (from_case_id, from_municipality_id,"
		    " to_municipality_id, state, kind, matter, legal_basis,"
		    " decided_by, reasons, offered_by, offered_by_label,"
		    " offered_at) VALUES (?, ?, ?, 'offered', ?, ?, ?, ?, ?, ?,"
		    " ?, ?) RETURNING id",
		    "iiisssssisi", o->case_id, c.municipality_id,
		    o->to_municipality_id, c.kind, c.matter, o->legal_basis,
		    o->decided_by, o->reasons, who->staff_id, who->label, now);
	if (err == NARA_ECONFLICT && *why == NULL)
		*why = "handover.error.pending"; /* another officer, just now */
	/* The identity: name and number, and the marks that protect them. */
	if (err == NARA_OK && o->identity)
		err = db_run(db,
			     "UPDATE handover SET has_identity = 1,"
			     " (personnummer, given_name, family_name,"
			     " protected_identity, fictitious) = (SELECT"
			     " personnummer, given_name, family_name,"
			     " protected_identity, fictitious FROM person"
			     " WHERE id = ?) WHERE id = ?",
			     "ii", person, *id);
	int seq = 0;
	if (err == NARA_OK && o->application)
		err = application_parts(db, a, *id, o->case_id, &seq);
	for (size_t i = 0; i < o->nnotes && err == NARA_OK; i++)
		err = note_part(db, a, *id, o->case_id, o->notes[i],
				o->include_withheld, &seq, why);
	for (size_t i = 0; i < o->ndecisions && err == NARA_OK; i++)
		err = decision_part(db, a, *id, o->case_id, o->decisions[i],
				    &seq, why);
	for (size_t i = 0; i < o->ndocuments && err == NARA_OK; i++)
		err = document_part(db, a, *id, o->case_id, o->documents[i],
				    o->include_withheld, &seq, why);
	/* The disclosure decision in the sending case's journal. */
	if (err == NARA_OK) {
		const char *body = arena_printf(
		    a,
		    "Beslut att lämna över ärendet till %s. Rättslig grund: %s."
		    " Beslutat av: %s. Skäl: %s. Delar som lämnas: %s%s%zu"
		    " journalanteckningar, %zu beslut, %zu dokument.",
		    to_name, basis_words(o->legal_basis), o->decided_by,
		    o->reasons, o->identity ? "personens identitet, " : "",
		    o->application ? "ansökan eller anmälan, " : "", o->nnotes,
		    o->ndecisions, o->ndocuments);
		err = body ? journal_insert_in_tx(
				 db, o->case_id, c.municipality_id, now,
				 "staff", who->staff_id,
				 who->name ? who->name : who->label, "note",
				 body, VIS_NOW, 0, 0, 0, NULL)
			   : NARA_ENOMEM;
	}
	if (err == NARA_OK)
		err = case_touch_in_tx(db, o->case_id, now);
	if (err == NARA_OK)
		err = audit(db, who, c.municipality_id, "disclose", "handover",
			    *id, person, o->legal_basis, 0);
	if (err != NARA_OK)
		*id = 0;
	return audit_finish(db, err);
}

/* ---- lists ---- */

/* The summary's columns (summary_row reads them), then the tables. */
#define SUMMARY_SELECT                                                         \
	"SELECT h.id, h.from_case_id, COALESCE(h.new_case_id, 0),"             \
	" h.from_municipality_id, h.to_municipality_id, f.name, t.name,"       \
	" h.kind, h.matter, h.state, h.legal_basis, h.decline_reason,"         \
	" h.answered_by_label, h.offered_at, COALESCE(h.answered_at, 0)"
#define SUMMARY_FROM                                                           \
	" FROM handover h JOIN municipality f ON f.id ="                       \
	" h.from_municipality_id JOIN municipality t ON t.id ="                \
	" h.to_municipality_id "
#define SUMMARY_COLUMNS SUMMARY_SELECT SUMMARY_FROM

static void summary_row(struct arena *a, struct db_stmt *st,
			struct handover_summary *s)
{
	s->id = db_col_int(st, 0);
	s->from_case_id = db_col_int(st, 1);
	s->new_case_id = db_col_int(st, 2);
	s->from_municipality_id = db_col_int(st, 3);
	s->to_municipality_id = db_col_int(st, 4);
	s->from_municipality = col(a, st, 5);
	s->to_municipality = col(a, st, 6);
	s->kind = col(a, st, 7);
	s->matter = col(a, st, 8);
	s->state = col(a, st, 9);
	s->legal_basis = col(a, st, 10);
	s->decline_reason = col(a, st, 11);
	s->answered_by = col(a, st, 12);
	s->offered_at = db_col_int(st, 13);
	s->answered_at = db_col_int(st, 14);
}

static enum nara_err summaries(struct db *db, struct arena *a, const char *sql,
			       int64_t bind, struct handover_summary **out,
			       size_t *count)
{
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(db, sql, &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, bind);
	enum { MAX = 200 };
	struct handover_summary *list = arena_calloc(a, MAX, sizeof(*list));
	int rc = DB_DONE;
	while (list != NULL && *count < MAX && (rc = db_step(st)) == DB_ROW)
		summary_row(a, st, &list[(*count)++]);
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	*out = list;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

enum nara_err handover_incoming(struct db *db, struct arena *a,
				const struct actor *who,
				struct handover_summary **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (!policy_handover_reception(&who->subject,
				       who->subject.municipality_id))
		return NARA_EDENIED;
	return summaries(db, a,
			 SUMMARY_COLUMNS " WHERE h.to_municipality_id = ?"
					 " ORDER BY h.state = 'offered' DESC,"
					 " h.id DESC LIMIT 200",
			 who->subject.municipality_id, out, count);
}

enum nara_err handover_of_case(struct db *db, struct arena *a,
			       const struct actor *who, int64_t case_id,
			       struct handover_summary **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality = 0, person = 0;
	err = case_authorize_in_tx(db, who, case_id, 0, &municipality, &person);
	if (err == NARA_OK)
		err = summaries(db, a,
				SUMMARY_COLUMNS " WHERE h.from_case_id = ?"
						" ORDER BY h.id DESC",
				case_id, out, count);
	return audit_finish(db, err);
}

/* ---- the receiving side ---- */

/* The handover's row for the reception of its receiving municipality. */
static enum nara_err load_for_reception(struct db *db, struct arena *a,
					const struct actor *who, int64_t id,
					struct handover_view *v)
{
	memset(v, 0, sizeof(*v));
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    SUMMARY_SELECT
	    ", h.decided_by, h.reasons, h.offered_by_label,"
	    " h.has_identity, h.protected_identity,"
	    " h.personnummer, h.given_name, h.family_name" SUMMARY_FROM
	    "WHERE h.id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		summary_row(a, st, &v->s);
		v->decided_by = col(a, st, 15);
		v->reasons = col(a, st, 16);
		v->offered_by = col(a, st, 17);
		v->has_identity = (int)db_col_int(st, 18);
		v->protected_identity = (int)db_col_int(st, 19);
		v->personnummer = col(a, st, 20);
		v->given_name = col(a, st, 21);
		v->family_name = col(a, st, 22);
	}
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	if (rc < 0)
		return db_step_err(rc);
	/*
	 * Anybody but the receiving reception: refused, flagged, in the
	 * receiving committee's log (whose data the package now is).
	 */
	if (!policy_handover_reception(&who->subject,
				       v->s.to_municipality_id)) {
		err =
		    audit(db, who, v->s.to_municipality_id, "read_denied",
			  "handover", id, 0, "not the receiving reception", 1);
		return err != NARA_OK ? err : NARA_EDENIED;
	}
	return NARA_OK;
}

static enum nara_err load_parts(struct db *db, struct arena *a, int64_t id,
				struct handover_view *v)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT kind, title, author_label, body, visibility,"
	    " withheld_reason, written_at, COALESCE(visible_from, 0),"
	    " source_id FROM handover_part WHERE handover_id = ? ORDER BY seq",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, id);
	v->parts = arena_calloc(a, HANDOVER_MAX_PARTS + 64, sizeof(*v->parts));
	int rc = DB_DONE;
	while (v->parts != NULL && v->nparts < HANDOVER_MAX_PARTS + 64 &&
	       (rc = db_step(st)) == DB_ROW) {
		struct handover_part_view *p = &v->parts[v->nparts++];
		p->kind = col(a, st, 0);
		p->title = col(a, st, 1);
		p->author_label = col(a, st, 2);
		p->body = col(a, st, 3);
		p->visibility = col(a, st, 4);
		p->withheld_reason = col(a, st, 5);
		p->written_at = db_col_int(st, 6);
		p->visible_from = db_col_int(st, 7);
		p->source_id = db_col_int(st, 8);
	}
	db_done(st);
	if (v->parts == NULL)
		return NARA_ENOMEM;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

enum nara_err handover_open(struct db *db, struct arena *a,
			    const struct actor *who, int64_t id,
			    struct handover_view *out)
{
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	err = load_for_reception(db, a, who, id, out);
	/* Taken back: the disclosure is void, nothing personal is read. */
	if (err == NARA_OK && strcmp(out->s.state, "withdrawn") == 0) {
		out->has_identity = 0;
		out->protected_identity = 0;
		out->personnummer = out->given_name = out->family_name = "";
		return audit_finish(db, NARA_OK);
	}
	if (err == NARA_OK)
		err = load_parts(db, a, id, out);
	if (err == NARA_OK)
		err = audit(db, who, out->s.to_municipality_id, "read",
			    "handover", id, 0, "the receiving reception", 0);
	return audit_finish(db, err);
}

enum nara_err handover_units(struct db *db, struct arena *a,
			     const struct actor *who,
			     struct handover_unit **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(db,
				       "SELECT id, name FROM unit WHERE"
				       " municipality_id = ? AND shared = 0"
				       " ORDER BY name",
				       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, who->subject.municipality_id);
	enum { MAX = 64 };
	struct handover_unit *list = arena_calloc(a, MAX, sizeof(*list));
	int rc = DB_DONE;
	while (list != NULL && *count < MAX && (rc = db_step(st)) == DB_ROW) {
		struct policy_record rec = {.kind = REC_CASE,
					    .municipality_id =
						who->subject.municipality_id,
					    .unit_id = db_col_int(st, 0)};
		if (!policy_decide(&who->subject, ACT_WRITE, &rec).allowed)
			continue;
		list[*count].id = rec.unit_id;
		list[*count].name = col(a, st, 1);
		(*count)++;
	}
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	*out = list;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

/* The person in the receiving municipality: the one known, or a new row. */
static enum nara_err receiving_person(struct db *db,
				      const struct handover_view *v,
				      int64_t fictitious, int64_t unit_id,
				      const struct actor *who, int64_t *id)
{
	enum nara_err err =
	    db_query_int(db, id,
			 "SELECT id FROM person WHERE municipality_id = ? AND"
			 " personnummer = ?",
			 "is", v->s.to_municipality_id, v->personnummer);
	if (err != NARA_ENOTFOUND)
		return err;
	struct person_new p = {
	    .municipality_id = v->s.to_municipality_id,
	    .unit_id = unit_id,
	    .personnummer = v->personnummer,
	    .given_name = v->given_name,
	    .family_name = v->family_name,
	    .protected_identity = v->protected_identity,
	    .fictitious = (int)fictitious,
	    .actor_label = who->label,
	};
	return person_add(db, &p, id);
}

/* A copy of one part in the new case's journal (and its document). */
static enum nara_err copy_part(struct db *db, struct arena *a,
			       const struct handover_view *v,
			       const struct handover_part_view *p,
			       int64_t case_id, int64_t person_id,
			       const struct actor *who, int64_t now)
{
	int vis = note_visibility_parse(p->visibility);
	int reason = p->withheld_reason[0]
			 ? withheld_reason_parse(p->withheld_reason)
			 : 0;
	if (vis < 0 || reason < 0)
		return NARA_EINTEGRITY;
	const char *body = arena_printf(
	    a, "Överlämnat från %s %s. %s, %s:\n\n%s", v->s.from_municipality,
	    day(a, v->s.offered_at), p->title, day(a, p->written_at), p->body);
	const char *author =
	    arena_printf(a, "%s (%s)", p->author_label, v->s.from_municipality);
	if (body == NULL || author == NULL)
		return NARA_ENOMEM;
	int64_t note = 0;
	int is_doc = strcmp(p->kind, "document") == 0;
	enum nara_err err = journal_insert_in_tx(
	    db, case_id, v->s.to_municipality_id, now, "system", 0, author,
	    is_doc ? "document" : "note", body, (enum note_visibility)vis,
	    p->visible_from, (enum withheld_reason)reason, 0, &note);
	if (err != NARA_OK || !is_doc)
		return err;
	struct document_file f;
	err = document_open_in_tx(db, a, p->source_id, v->s.from_case_id,
				  v->s.from_municipality_id, &f);
	if (err != NARA_OK)
		return err;
	struct document_new d = {
	    .case_id = case_id,
	    .municipality_id = v->s.to_municipality_id,
	    .person_id = person_id,
	    .added_by_kind = "staff",
	    .added_by_id = who->staff_id,
	    .added_by_label = who->label,
	    .request_id = who->request_id,
	    .filename = f.filename,
	    .data = f.data,
	    .len = f.len,
	    .journal_note_id = note,
	    .now = now,
	};
	int64_t doc = 0;
	const char *why = NULL;
	return document_add_in_tx(db, a, &d, &doc, &why);
}

/* Closes the sending case through the flow's close move, with its note. */
static enum nara_err close_sending(struct db *db, struct arena *a,
				   const struct handover_view *v,
				   const struct actor *who, int64_t now)
{
	struct case_row c;
	enum case_state to;
	enum nara_err err = load_case(db, a, v->s.from_case_id, &c);
	if (err != NARA_OK)
		return err;
	if (!closable(&c, &to))
		return NARA_ECONFLICT;
	const char *reason =
	    arena_printf(a, "Överlämnat till %s, som tog emot ärendet %s.",
			 v->s.to_municipality, day(a, now));
	if (reason == NULL)
		return NARA_ENOMEM;
	err =
	    db_run(db,
		   "UPDATE case_file SET state = ?, closed_at = ?,"
		   " closure_reason = ? WHERE id = ?",
		   "sisi", case_state_name(to), now, reason, v->s.from_case_id);
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE case_intervention SET ended_at = ?,"
			     " end_reason = ? WHERE case_id = ? AND"
			     " ended_at IS NULL",
			     "isi", now, reason, v->s.from_case_id);
	if (err == NARA_OK)
		err = case_event_in_tx(
		    db, v->s.from_case_id, now, case_action_name(CA_CLOSE),
		    (enum case_state)case_state_parse(c.state), to, "system", 0,
		    "nara (överlämning)", reason, 0);
	if (err == NARA_OK)
		err = journal_insert_in_tx(db, v->s.from_case_id,
					   c.municipality_id, now, "system", 0,
					   "nara (överlämning)", "note", reason,
					   VIS_NOW, 0, 0, 0, NULL);
	/*
	 * The person is told there is news on Mina sidor, where the closed
	 * case says where it went and the new case shows; the notice itself
	 * says nothing of the move. Only the sending committee has their
	 * e-mail and phone (the package carries no contact details). A
	 * protected identity is told by staff in the way the protection
	 * allows, as in case_move.c.
	 */
	int64_t protected_identity = 1;
	if (err == NARA_OK && c.person_id != 0)
		err = db_query_int(db, &protected_identity,
				   "SELECT protected_identity FROM person"
				   " WHERE id = ?",
				   "i", c.person_id);
	if (err == NARA_OK && c.person_id != 0 && protected_identity == 0) {
		char key[64];
		snprintf(key, sizeof(key), "handover:%lld:closed",
			 (long long)v->s.id);
		err = notify_person_in_tx(db, c.person_id, "case_news",
					  "/mina-sidor", key, now);
	}
	if (err == NARA_OK)
		err = case_touch_in_tx(db, v->s.from_case_id, now);
	if (err == NARA_OK)
		err = audit(db, who, c.municipality_id, "handover_closed",
			    "case", v->s.from_case_id, c.person_id, reason, 0);
	return err;
}

/*
 * Takes the offered handover for this answer: the row is locked until the
 * transaction ends (PostgreSQL; SQLite writes one at a time), so a second
 * receiver answering at once finds it answered instead of making a second
 * case.
 */
static enum nara_err claim(struct db *db, int64_t id, const char **why)
{
	int64_t got = 0;
	enum nara_err err =
	    db_query_int(db, &got,
			 "UPDATE handover SET state = state WHERE"
			 " id = ? AND state = 'offered' RETURNING id",
			 "i", id);
	if (err == NARA_ENOTFOUND) {
		int64_t withdrawn = 0;
		err = db_query_int(db, &withdrawn,
				   "SELECT COUNT(*) FROM handover WHERE id = ?"
				   " AND state = 'withdrawn'",
				   "i", id);
		if (err != NARA_OK)
			return err;
		*why = withdrawn ? "handover.error.withdrawn"
				 : "handover.error.answered";
		return NARA_ECONFLICT;
	}
	return err;
}

enum nara_err handover_accept(struct db *db, struct arena *a,
			      const struct actor *who, int64_t id,
			      int64_t unit_id, int64_t now,
			      int64_t *new_case_id, const char **why)
{
	*why = NULL;
	*new_case_id = 0;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct handover_view v;
	err = load_for_reception(db, a, who, id, &v);
	if (err != NARA_OK)
		return audit_finish(db, err);
	if ((err = claim(db, id, why)) != NARA_OK)
		return audit_finish(db, err);
	/* The new case's unit: one where the receiver does casework. */
	int64_t unit_municipality = 0, shared = 1;
	err = db_query_int(db, &unit_municipality,
			   "SELECT municipality_id FROM unit WHERE id = ?", "i",
			   unit_id);
	if (err == NARA_OK)
		err = db_query_int(db, &shared,
				   "SELECT shared FROM unit WHERE id = ?", "i",
				   unit_id);
	struct policy_record rec = {.kind = REC_CASE,
				    .municipality_id = v.s.to_municipality_id,
				    .unit_id = unit_id};
	if (err == NARA_ENOTFOUND ||
	    (err == NARA_OK &&
	     (unit_municipality != v.s.to_municipality_id || shared ||
	      !policy_decide(&who->subject, ACT_WRITE, &rec).allowed))) {
		*why = "handover.error.unit";
		return audit_finish(db, NARA_EINVAL);
	}
	if (err == NARA_OK)
		err = load_parts(db, a, id, &v);
	int64_t person = 0, fictitious = 0;
	if (err == NARA_OK && v.has_identity) {
		err = db_query_int(
		    db, &fictitious,
		    "SELECT fictitious FROM handover WHERE id = ?", "i", id);
		if (err == NARA_OK)
			err = receiving_person(db, &v, fictitious, unit_id, who,
					       &person);
	}
	int k = case_kind_parse(v.s.kind);
	if (err == NARA_OK && k < 0)
		err = NARA_EINTEGRITY;
	const char *reference = NULL;
	if (err == NARA_OK) {
		struct case_new c = {.municipality_id = v.s.to_municipality_id,
				     .unit_id = unit_id,
				     .person_id = person,
				     .kind = (enum case_kind)k,
				     .matter = v.s.matter,
				     .received_at = now,
				     .actor_kind = "staff",
				     .actor_id = who->staff_id,
				     .actor_label = who->label};
		err = case_create_in_tx(db, a, &c, new_case_id, &reference);
	}
	/* The package's header: where it came from and on what basis. */
	if (err == NARA_OK) {
		const char *body = arena_printf(
		    a,
		    "Ärendet överlämnades från %s %s (överlämning %lld)."
		    " Rättslig grund: %s. Beslutat av: %s. Skäl: %s."
		    " Mottaget av %s.%s",
		    v.s.from_municipality, day(a, v.s.offered_at),
		    (long long)id, basis_words(v.s.legal_basis), v.decided_by,
		    v.reasons, who->label,
		    v.has_identity ? ""
				   : " Personens identitet lämnades inte ut.");
		err = body ? journal_insert_in_tx(
				 db, *new_case_id, v.s.to_municipality_id, now,
				 "system", 0, "Överlämning", "note", body,
				 VIS_NOW, 0, 0, 0, NULL)
			   : NARA_ENOMEM;
	}
	for (size_t i = 0; i < v.nparts && err == NARA_OK; i++)
		err = copy_part(db, a, &v, &v.parts[i], *new_case_id, person,
				who, now);
	if (err == NARA_OK)
		err = case_touch_in_tx(db, *new_case_id, now);
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE handover SET state = 'accepted',"
			     " answered_by = ?, answered_by_label = ?,"
			     " answered_at = ?, new_case_id = ? WHERE id = ?"
			     " AND state = 'offered'",
			     "isiii", who->staff_id, who->label, now,
			     *new_case_id, id);
	if (err == NARA_OK) {
		err = close_sending(db, a, &v, who, now);
		if (err == NARA_ECONFLICT)
			*why = "handover.error.state";
	}
	if (err == NARA_OK)
		err = audit(db, who, v.s.to_municipality_id, "handover_accept",
			    "case", *new_case_id, person,
			    arena_printf(a, "handover %lld from %s",
					 (long long)id, v.s.from_municipality),
			    0);
	if (err != NARA_OK)
		*new_case_id = 0;
	return audit_finish(db, err);
}

enum nara_err handover_decline(struct db *db, struct arena *a,
			       const struct actor *who, int64_t id,
			       const char *reason, int64_t now,
			       const char **why)
{
	*why = NULL;
	if (blank(reason) || too_long(reason)) {
		*why = "handover.error.decline_reason";
		return NARA_EINVAL;
	}
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct handover_view v;
	err = load_for_reception(db, a, who, id, &v);
	if (err != NARA_OK)
		return audit_finish(db, err);
	if ((err = claim(db, id, why)) != NARA_OK)
		return audit_finish(db, err);
	err =
	    db_run(db,
		   "UPDATE handover SET state = 'declined', answered_by = ?,"
		   " answered_by_label = ?, answered_at = ?, decline_reason = ?"
		   " WHERE id = ? AND state = 'offered'",
		   "isisi", who->staff_id, who->label, now, reason, id);
	const char *body = arena_printf(
	    a,
	    "%s tog inte emot överlämningen %s. Skäl: %s Ärendet är kvar här.",
	    v.s.to_municipality, day(a, now), reason);
	if (err == NARA_OK)
		err = body ? journal_insert_in_tx(
				 db, v.s.from_case_id, v.s.from_municipality_id,
				 now, "system", 0, "nara (överlämning)", "note",
				 body, VIS_NOW, 0, 0, 0, NULL)
			   : NARA_ENOMEM;
	if (err == NARA_OK)
		err = case_touch_in_tx(db, v.s.from_case_id, now);
	if (err == NARA_OK)
		err = audit(db, who, v.s.to_municipality_id, "handover_decline",
			    "handover", id, 0, reason, 0);
	if (err == NARA_OK)
		err = audit(db, who, v.s.from_municipality_id,
			    "handover_declined", "case", v.s.from_case_id, 0,
			    reason, 0);
	return audit_finish(db, err);
}

enum nara_err handover_withdraw(struct db *db, struct arena *a,
				const struct actor *who, int64_t case_id,
				int64_t id, const char *reason, int64_t now,
				const char **why)
{
	*why = NULL;
	if (who == NULL || strcmp(who->kind, "staff") != 0)
		return NARA_EDENIED;
	if (blank(reason) || too_long(reason)) {
		*why = "handover.error.withdraw_reason";
		return NARA_EINVAL;
	}
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	/* The sender's side: whoever may write the case, as for the offer. */
	int64_t municipality = 0, person = 0;
	err = case_authorize_in_tx(db, who, case_id, 1, &municipality, &person);
	struct db_stmt *st;
	int64_t to_municipality = 0;
	const char *to_name = NULL;
	if (err == NARA_OK)
		err = db_prepare(db,
				 "SELECT h.to_municipality_id, m.name FROM"
				 " handover h JOIN municipality m ON m.id ="
				 " h.to_municipality_id WHERE h.id = ? AND"
				 " h.from_case_id = ?",
				 &st);
	if (err == NARA_OK) {
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, case_id);
		int rc = db_step(st);
		if (rc == DB_ROW) {
			to_municipality = db_col_int(st, 0);
			to_name = col(a, st, 1);
		}
		db_done(st);
		err = rc == DB_ROW    ? NARA_OK
		      : rc == DB_DONE ? NARA_ENOTFOUND
				      : db_step_err(rc);
	}
	if (err == NARA_OK)
		err = claim(db, id, why);
	if (err == NARA_OK)
		err =
		    db_run(db,
			   "UPDATE handover SET state = 'withdrawn',"
			   " withdrawn_at = ?, withdrawn_by = ?,"
			   " withdrawn_by_label = ?, withdraw_reason = ?"
			   " WHERE id = ? AND state = 'offered'",
			   "iissi", now, who->staff_id, who->label, reason, id);
	const char *body =
	    err == NARA_OK
		? arena_printf(a,
			       "Överlämningen till %s togs tillbaka %s av %s."
			       " Skäl: %s",
			       to_name, day(a, now), who->label, reason)
		: NULL;
	if (err == NARA_OK)
		err = body ? journal_insert_in_tx(db, case_id, municipality,
						  now, "system", 0,
						  "nara (överlämning)", "note",
						  body, VIS_NOW, 0, 0, 0, NULL)
			   : NARA_ENOMEM;
	if (err == NARA_OK)
		err = case_touch_in_tx(db, case_id, now);
	if (err == NARA_OK)
		err = audit(db, who, municipality, "handover_withdraw", "case",
			    case_id, person, reason, 0);
	/* The receiving committee's log says the offer is void. */
	if (err == NARA_OK)
		err = audit(db, who, to_municipality, "handover_withdrawn",
			    "handover", id, 0, "", 0);
	return audit_finish(db, err);
}
