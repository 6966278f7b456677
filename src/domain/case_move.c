/*
 * Cases, part two (see case.h): the moves of the case flow with their
 * decisions and interventions, the people told (R1.4), and the team. The
 * loading, policy and audit they share are in case.c (case_internal.h).
 */
#include "domain/case.h"
#include "domain/case_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/journal.h"
#include "domain/notify.h"
#include "domain/referral.h"
#include "domain/report.h"
#include "domain/tenant.h"
#include "policy/policy.h"

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
	return s ? s : "";
}

/* ---- moves ---- */

static int blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* The law's requirements of each move (R1.2, R1.3, R2.2). */
static const char *check_move(const struct case_move *m,
			      const struct case_facts_row *f, int64_t now)
{
	switch (m->action) {
	case CA_OPEN_INVESTIGATION:
	case CA_NOT_OPEN:
		if (f->flow.state == CS_PRELIMINARY) {
			if (m->child_heard != 0 && m->child_heard != 1)
				return "case.error.child_heard";
			if (m->child_heard == 0 &&
			    blank(m->child_not_heard_reason))
				return "case.error.child_not_heard_reason";
			if (f->preliminary_due && now >= f->preliminary_due &&
			    blank(m->late_reason))
				return "case.error.late_reason";
		}
		if (m->action == CA_NOT_OPEN && blank(m->reason))
			return "case.error.reason";
		return NULL;
	case CA_EXTEND:
		if (blank(m->reason))
			return "case.error.reason";
		if (!clock_extension_allowed(f->investigation_due, now,
					     m->new_due))
			return "case.error.extension";
		return NULL;
	case CA_DECIDE:
		if (m->outcome == NULL || (strcmp(m->outcome, "granted") != 0 &&
					   strcmp(m->outcome, "partly") != 0 &&
					   strcmp(m->outcome, "refused") != 0))
			return "case.error.outcome";
		/* Each part named on its own, so the form can point at it. */
		if (blank(m->subject))
			return "case.error.subject";
		if (blank(m->content))
			return "case.error.content";
		if (blank(m->reasons))
			return "case.error.reasons";
		if (blank(m->appeal))
			return "case.error.appeal";
		return NULL;
	case CA_START_INTERVENTION:
		return m->intervention_kind_id > 0 ? NULL
						   : "case.error.intervention";
	case CA_FOLLOW_UP:
		/* A follow-up records what it found: that is its point. */
		return blank(m->reason) ? "case.error.follow_up" : NULL;
	case CA_CLOSE:
	case CA_REOPEN:
		return blank(m->reason) ? "case.error.reason" : NULL;
	default:
		return NULL;
	}
}

static const char *flow_error(enum case_flow_result r)
{
	switch (r) {
	case FLOW_NEEDS_GRANTED:
		return "case.error.needs_granted";
	case FLOW_NEEDS_INVESTIGATED:
		return "case.error.needs_investigated";
	default:
		return "case.error.illegal";
	}
}

/* A staff member of the case's municipality, active, for "presented by". */
static enum nara_err staff_label(struct db *db, struct arena *a,
				 int64_t staff_id, int64_t municipality_id,
				 const char **label)
{
	struct db_stmt *st;
	enum nara_err err =
	    db_prepare(db,
		       "SELECT display_name FROM staff_user WHERE id = ? AND"
		       " municipality_id = ? AND active = 1",
		       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, staff_id);
	db_bind_int(st, 2, municipality_id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*label = col(a, st, 0);
	db_done(st);
	if (rc == DB_DONE)
		return NARA_EINVAL;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

/*
 * Who made a move, as the record names them: the host's staff acting
 * under a referral say for whose committee and under which agreement
 * (R3.3), so the decision reads as the committee's.
 */
static const char *mover_label(struct arena *a, const struct actor *who,
			       const struct case_facts_row *f)
{
	const char *name = who->name ? who->name : who->label;
	if (!f->via_referral)
		return name;
	const char *stamped =
	    arena_printf(a, "%s (%s)", name, referral_acting_for(a, &f->ref));
	return stamped ? stamped : name;
}

static enum nara_err add_decision(struct db *db, struct arena *a,
				  const struct actor *who, int64_t case_id,
				  const struct case_facts_row *f,
				  const struct case_move *m, int64_t now)
{
	const char *presented = "";
	enum nara_err err = NARA_OK;
	if (m->presented_by > 0)
		err = staff_label(db, a, m->presented_by, f->municipality_id,
				  &presented);
	if (err != NARA_OK)
		return err;
	/* The decision is always told to the person: a note shown at once. */
	char *body = arena_printf(a, "%s\n\n%s", m->subject, m->content);
	if (body == NULL)
		return NARA_ENOMEM;
	int64_t note_id;
	err = db_query_int(db, &note_id,
			   "INSERT INTO journal_note (case_id, municipality_id,"
			   " written_at, author_kind, author_id, author_label,"
			   " kind, body, visibility) VALUES (?, ?, ?, 'staff',"
			   " ?, ?, 'decision', ?, 'now') RETURNING id",
			   "iiiiss", case_id, f->municipality_id, now,
			   who->staff_id, mover_label(a, who, f), body);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err =
	    db_prepare(db,
		       "INSERT INTO decision (case_id, municipality_id,"
		       " decided_at, outcome, subject, content, reasons,"
		       " legal_basis, decided_by, decided_by_label,"
		       " presented_by, presented_by_label, delegation, appeal,"
		       " journal_note_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		       " ?, ?, ?, ?, ?)",
		       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	db_bind_int(st, 2, f->municipality_id);
	db_bind_int(st, 3, now);
	db_bind_text(st, 4, m->outcome, (size_t)-1);
	db_bind_text(st, 5, m->subject, (size_t)-1);
	db_bind_text(st, 6, m->content, (size_t)-1);
	db_bind_text(st, 7, m->reasons, (size_t)-1);
	db_bind_text(st, 8, m->legal_basis ? m->legal_basis : "", (size_t)-1);
	db_bind_int(st, 9, who->staff_id);
	db_bind_text(st, 10, mover_label(a, who, f), (size_t)-1);
	if (m->presented_by > 0)
		db_bind_int(st, 11, m->presented_by);
	else
		db_bind_null(st, 11);
	db_bind_text(st, 12, presented, (size_t)-1);
	db_bind_text(st, 13, m->delegation ? m->delegation : "", (size_t)-1);
	db_bind_text(st, 14, m->appeal, (size_t)-1);
	db_bind_int(st, 15, note_id);
	int rc = db_step(st);
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

static enum nara_err start_intervention(struct db *db, int64_t case_id,
					const struct case_facts_row *f,
					const struct case_move *m, int64_t now,
					const char **why)
{
	int64_t kind_ok;
	enum nara_err err =
	    db_query_int(db, &kind_ok,
			 "SELECT id FROM intervention_kind WHERE id = ? AND"
			 " municipality_id = ?",
			 "ii", m->intervention_kind_id, f->municipality_id);
	if (err == NARA_ENOTFOUND) {
		/* Not in this municipality's catalogue: as if none was chosen.
		 */
		*why = "case.error.intervention";
		return NARA_EINVAL;
	}
	if (err != NARA_OK)
		return err;
	return db_run(db,
		      "INSERT INTO case_intervention (case_id, kind_id,"
		      " decision_id, started_at, follow_up_due) VALUES (?, ?,"
		      " (SELECT MAX(id) FROM decision WHERE case_id = ? AND"
		      " outcome IN ('granted', 'partly')), ?, ?)",
		      "iiiii", case_id, m->intervention_kind_id, case_id, now,
		      clock_six_months_due(now));
}

/* The state and dates the move leaves behind, and its side effects. */
static enum nara_err apply_move(struct db *db, struct arena *a,
				const struct actor *who, int64_t case_id,
				const struct case_facts_row *f,
				const struct case_move *m, enum case_state to,
				int64_t now, const char **why)
{
	enum nara_err err = NARA_OK;
	int from_preliminary = f->flow.state == CS_PRELIMINARY;
	switch (m->action) {
	case CA_OPEN_INVESTIGATION:
	case CA_NOT_OPEN:
		if (from_preliminary)
			err = db_run(
			    db,
			    "UPDATE case_file SET preliminary_decided_at"
			    " = ?, child_heard = ?,"
			    " child_not_heard_reason = ?, late_reason = ?"
			    " WHERE id = ?",
			    "iissi", now, (int64_t)m->child_heard,
			    m->child_heard ? "" : m->child_not_heard_reason,
			    m->late_reason ? m->late_reason : "", case_id);
		if (err == NARA_OK && m->action == CA_OPEN_INVESTIGATION) {
			/*
			 * The four months of R1.3 apply to investigations of
			 * children; an application's investigation has no
			 * statutory end, only "without delay".
			 */
			int64_t due = f->flow.kind == CASE_CHILD_REPORT
					  ? clock_investigation_due(now)
					  : 0;
			err =
			    due ? db_run(db,
					 "UPDATE case_file SET"
					 " investigation_opened_at = ?,"
					 " investigation_due = ? WHERE id = ?",
					 "iii", now, due, case_id)
				: db_run(db,
					 "UPDATE case_file SET"
					 " investigation_opened_at = ?"
					 " WHERE id = ?",
					 "ii", now, case_id);
		}
		if (err == NARA_OK && m->action == CA_NOT_OPEN)
			err = db_run(db,
				     "UPDATE case_file SET closed_at = ?,"
				     " closure_reason = ? WHERE id = ?",
				     "isi", now, m->reason, case_id);
		break;
	case CA_EXTEND:
		err = db_run(db,
			     "UPDATE case_file SET investigation_due = ?"
			     " WHERE id = ?",
			     "ii", m->new_due, case_id);
		break;
	case CA_DECIDE:
		err = add_decision(db, a, who, case_id, f, m, now);
		break;
	case CA_START_INTERVENTION:
		err = start_intervention(db, case_id, f, m, now, why);
		break;
	case CA_CLOSE:
		err = db_run(db,
			     "UPDATE case_file SET closed_at = ?,"
			     " closure_reason = ? WHERE id = ?",
			     "isi", now, m->reason, case_id);
		if (err == NARA_OK)
			err =
			    db_run(db,
				   "UPDATE case_intervention SET ended_at = ?,"
				   " end_reason = ? WHERE case_id = ? AND"
				   " ended_at IS NULL",
				   "isi", now, m->reason, case_id);
		break;
	case CA_REOPEN:
		/* R1.3: the investigation's clock is not reset. */
		err =
		    db_run(db,
			   "UPDATE case_file SET closed_at = NULL, reopened = 1"
			   " WHERE id = ?",
			   "i", case_id);
		break;
	default:
		break;
	}
	if (err != NARA_OK)
		return err;
	return db_run(db, "UPDATE case_file SET state = ? WHERE id = ?", "si",
		      case_state_name(to), case_id);
}

/*
 * R1.4: the people concerned are told at once that an investigation has
 * opened. What is said is on Mina sidor (the case's timeline); a notice
 * by e-mail and SMS, with nothing sensitive in it, tells them to look: the
 * person of an application; the guardians of a reported child, unless the
 * child has a protected identity (then staff tell them in the way the
 * protection allows: no letter of the case goes out by itself).
 */
static enum nara_err tell_one(struct db *db, int64_t case_id, int64_t person_id,
			      int64_t now)
{
	char key[96];
	snprintf(key, sizeof(key),
		 "case:%" PRId64 ":investigation:%" PRId64 ":%" PRId64, case_id,
		 now, person_id);
	return notify_person_in_tx(db, person_id, "case_news", "/mina-sidor",
				   key, now);
}

static enum nara_err tell_concerned(struct db *db, int64_t case_id,
				    const struct case_facts_row *f, int64_t now)
{
	if (f->person_id == 0)
		return NARA_OK;
	if (f->flow.kind != CASE_CHILD_REPORT)
		return tell_one(db, case_id, f->person_id, now);
	if (f->protected_identity)
		return NARA_OK;
	int64_t guardians[8];
	size_t n = 0;
	struct db_stmt *st;
	enum nara_err err =
	    db_prepare(db,
		       "SELECT guardian_id FROM guardianship WHERE child_id = ?"
		       " ORDER BY guardian_id",
		       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, f->person_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		if (n < sizeof(guardians) / sizeof(guardians[0]))
			guardians[n++] = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	for (size_t i = 0; err == NARA_OK && i < n; i++)
		err = tell_one(db, case_id, guardians[i], now);
	return err;
}

enum nara_err case_move(struct db *db, const struct actor *who, int64_t case_id,
			const struct case_move *m, int64_t now,
			const char **why, const char **warning)
{
	*why = NULL;
	if (warning)
		*warning = NULL;
	if (who->subject.kind != SUBJECT_STAFF || (int)m->action < 0 ||
	    m->action >= CA_COUNT)
		return NARA_EDENIED;
	struct arena a;
	arena_init(&a, 0);
	enum nara_err err = db_begin(db);
	if (err != NARA_OK) {
		arena_free(&a);
		return err;
	}
	struct case_facts_row f;
	err = case_authorize(db, &a, who, case_id, ACT_WRITE, &f);
	/*
	 * The host's staff decide for the member's committee only what the
	 * agreement in force delegates (R3.3); the record stays the
	 * committee's.
	 */
	if (err == NARA_OK && f.via_referral) {
		int delegated = 0;
		err = agreement_delegates(db, f.ref.agreement_id,
					  case_action_name(m->action),
					  &delegated);
		if (err == NARA_OK && !delegated) {
			*why = "ref.error.not_delegated";
			err = case_audit_f(
			    db, &a, who, &f, case_id, "write_denied",
			    referral_not_delegated(&a, &f.ref), 1);
			if (err == NARA_OK)
				err = NARA_EDENIED;
		}
	}
	enum case_state to = f.flow.state;
	if (err == NARA_OK && m->expected_version != 0 &&
	    m->expected_version != f.version) {
		*why = "case.error.changed";
		err = NARA_ECONFLICT;
	}
	if (err == NARA_OK) {
		enum case_flow_result r =
		    case_flow_next(&f.flow, m->action, &to);
		if (r != FLOW_OK) {
			*why = flow_error(r);
			err = NARA_ECONFLICT;
		}
	}
	if (err == NARA_OK && (*why = check_move(m, &f, now)) != NULL)
		err = NARA_EINVAL;
	if (err == NARA_OK)
		err = apply_move(db, &a, who, case_id, &f, m, to, now, why);
	if (err == NARA_OK && m->action == CA_OPEN_INVESTIGATION)
		err = tell_concerned(db, case_id, &f, now);
	/* The one other refusal inside a move: "presented by" is no colleague.
	 */
	if (err == NARA_EINVAL && *why == NULL)
		*why = "case.error.presented_by";
	if (err == NARA_OK)
		err = case_event_in_tx(
		    db, case_id, now, case_action_name(m->action), f.flow.state,
		    to, "staff", who->staff_id, mover_label(&a, who, &f),
		    m->reason ? m->reason : "",
		    m->action == CA_EXTEND ? m->new_due : 0);
	if (err == NARA_OK)
		err = case_touch_in_tx(db, case_id, now);
	if (err == NARA_OK) {
		char *what =
		    arena_printf(&a, "case.%s", case_action_name(m->action));
		err = case_audit_f(db, &a, who, &f, case_id,
				   what ? what : "update",
				   m->reason ? m->reason : "", 0);
	}
	err = audit_finish(db, err);
	if (err == NARA_OK && m->action == CA_REOPEN && warning)
		*warning = "case.warning.reopened";
	arena_free(&a);
	return err;
}

/* ---- the team ---- */

/* Checks that staff_id may work on cases of the municipality. */
static enum nara_err check_colleague(struct db *db, int64_t staff_id,
				     int64_t municipality_id)
{
	int64_t n;
	enum nara_err err = db_query_int(
	    db, &n,
	    "SELECT COUNT(*) FROM staff_user s JOIN staff_role r ON"
	    " r.user_id = s.id JOIN unit u ON u.id = r.unit_id"
	    " WHERE s.id = ? AND s.active = 1 AND s.municipality_id = ?"
	    " AND u.municipality_id = ? AND r.role IN ('first_line',"
	    " 'case_officer', 'team_lead')",
	    "iii", staff_id, municipality_id, municipality_id);
	if (err != NARA_OK)
		return err;
	return n > 0 ? NARA_OK : NARA_EINVAL;
}

static enum nara_err team_change(struct db *db, const struct actor *who,
				 int64_t case_id, int64_t staff_id,
				 int64_t expected_version, int64_t now,
				 int assign)
{
	if (who->subject.kind != SUBJECT_STAFF)
		return NARA_EDENIED;
	struct arena a;
	arena_init(&a, 0);
	enum nara_err err = db_begin(db);
	if (err != NARA_OK) {
		arena_free(&a);
		return err;
	}
	struct case_facts_row f;
	err = case_authorize(db, &a, who, case_id, ACT_WRITE, &f);
	if (err == NARA_OK && expected_version != 0 &&
	    expected_version != f.version)
		err = NARA_ECONFLICT;
	if (err == NARA_OK)
		err = check_colleague(db, staff_id, f.municipality_id);
	const char *name = "";
	if (err == NARA_OK)
		err = staff_label(db, &a, staff_id, f.municipality_id, &name);
	int64_t present = 0;
	if (err == NARA_OK)
		err = db_query_int(db, &present,
				   "SELECT COUNT(*) FROM case_member WHERE"
				   " case_id = ? AND staff_id = ?",
				   "ii", case_id, staff_id);
	if (err == NARA_OK && !present)
		err = db_run(db,
			     "INSERT INTO case_member (case_id, staff_id,"
			     " added_at) VALUES (?, ?, ?)",
			     "iii", case_id, staff_id, now);
	if (err == NARA_OK && assign)
		err = db_run(db,
			     "UPDATE case_file SET assigned_staff_id = ?"
			     " WHERE id = ?",
			     "ii", staff_id, case_id);
	if (err == NARA_OK)
		err = case_event_in_tx(
		    db, case_id, now, assign ? "assign" : "member",
		    f.flow.state, f.flow.state, "staff", who->staff_id,
		    who->name ? who->name : who->label, name, 0);
	if (err == NARA_OK)
		err = case_touch_in_tx(db, case_id, now);
	if (err == NARA_OK)
		err =
		    case_audit(db, who, f.municipality_id, case_id, f.person_id,
			       assign ? "case.assign" : "case.member", name, 0);
	err = audit_finish(db, err);
	arena_free(&a);
	return err;
}

enum nara_err case_assign(struct db *db, const struct actor *who,
			  int64_t case_id, int64_t staff_id,
			  int64_t expected_version, int64_t now)
{
	return team_change(db, who, case_id, staff_id, expected_version, now,
			   1);
}

enum nara_err case_add_member(struct db *db, const struct actor *who,
			      int64_t case_id, int64_t staff_id,
			      int64_t expected_version, int64_t now)
{
	return team_change(db, who, case_id, staff_id, expected_version, now,
			   0);
}

enum nara_err case_staff_options(struct db *db, struct arena *a,
				 const struct actor *who, int64_t case_id,
				 struct case_staff_option **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	int64_t municipality_id;
	enum nara_err err = db_query_int(
	    db, &municipality_id,
	    "SELECT municipality_id FROM case_file WHERE id = ?", "i", case_id);
	if (err != NARA_OK)
		return err;
	if (municipality_id != who->subject.municipality_id)
		return NARA_EDENIED;
	struct db_stmt *st;
	err = db_prepare(
	    db,
	    "SELECT s.id, s.display_name, MIN(u.name) FROM staff_user s"
	    " JOIN staff_role r ON r.user_id = s.id JOIN unit u ON u.id ="
	    " r.unit_id WHERE s.municipality_id = ? AND s.active = 1 AND"
	    " u.municipality_id = ? AND r.role IN ('first_line',"
	    " 'case_officer', 'team_lead') GROUP BY s.id, s.display_name"
	    " ORDER BY s.display_name LIMIT 200",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, municipality_id);
	db_bind_int(st, 2, municipality_id);
	struct case_staff_option *list = arena_alloc(a, 200 * sizeof(*list));
	int rc = DB_DONE;
	while (list != NULL && (rc = db_step(st)) == DB_ROW) {
		list[*count].id = db_col_int(st, 0);
		list[*count].name = col(a, st, 1);
		list[*count].unit_name = col(a, st, 2);
		(*count)++;
	}
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	*out = list;
	return db_step_err(rc);
}

enum nara_err case_intervention_kinds(struct db *db, struct arena *a,
				      int64_t municipality_id,
				      struct case_intervention_kind **out,
				      size_t *count)
{
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT id, name, level, description FROM intervention_kind"
	    " WHERE municipality_id = ? ORDER BY CASE level"
	    " WHEN 'universal' THEN 1 WHEN 'preventive' THEN 2"
	    " WHEN 'early' THEN 3 WHEN 'targeted' THEN 4 ELSE 5 END, name"
	    " LIMIT 200",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, municipality_id);
	struct case_intervention_kind *list =
	    arena_alloc(a, 200 * sizeof(*list));
	int rc = DB_DONE;
	while (list != NULL && (rc = db_step(st)) == DB_ROW) {
		list[*count].id = db_col_int(st, 0);
		list[*count].name = col(a, st, 1);
		list[*count].level = col(a, st, 2);
		list[*count].description = col(a, st, 3);
		(*count)++;
	}
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	*out = list;
	return db_step_err(rc);
}
