/*
 * Cases; see case.h. Each public function is one transaction: it loads
 * what the policy needs, asks it, does the work and writes the audit row,
 * or rolls everything back. Reads of lists are audited as one row per
 * list (which cases were listed is in the row's reason); opening a case is
 * audited per case, which is what the person sees in "who has read my
 * file" (R2.6).
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

enum { WORKLIST_MAX = 2000, OWN_MAX = 200, LIST_MAX = 500 };

/* How many local days ahead each clock starts to warn in the worklist. */
enum {
	WARN_PROTECTION = 0,
	WARN_PRELIMINARY = 3,
	WARN_INVESTIGATION = 14,
};

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
	return s ? s : "";
}

static int64_t col_int0(struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? 0 : db_col_int(st, i);
}

/* ---- clocks ---- */

static void set_clock(struct case_clock *c, int64_t due, int64_t done_at,
		      int64_t now, int warn_days)
{
	c->due = due;
	c->done_at = done_at;
	if (due == 0) {
		c->state = CLOCK_DONE;
		c->days_left = 0;
		return;
	}
	c->state = clock_state_at(due, done_at, now, warn_days);
	c->days_left = clock_days_left(due, now);
}

/*
 * The dates behind the clocks come from the row; these fields are filled
 * by fill_summary and read here.
 */
struct clock_dates {
	int64_t preliminary_due, preliminary_done, investigation_opened,
	    investigation_due;
};

static void clocks_from(struct case_summary *c, const struct clock_dates *d,
			int64_t oldest_unassessed, int64_t now)
{
	set_clock(&c->protection,
		  oldest_unassessed ? clock_protection_due(oldest_unassessed)
				    : 0,
		  0, now, WARN_PROTECTION);
	set_clock(&c->preliminary, d->preliminary_due,
		  d->preliminary_done ? d->preliminary_done
				      : (c->state != CS_PRELIMINARY ? 1 : 0),
		  now, WARN_PRELIMINARY);
	/* The investigation's clock runs while the case is under investigation.
	 */
	set_clock(&c->investigation,
		  c->state == CS_INVESTIGATION ? d->investigation_due : 0, 0,
		  now, WARN_INVESTIGATION);
}

void case_clocks(struct case_summary *c, int64_t oldest_unassessed_report,
		 int64_t now)
{
	struct clock_dates d = {c->preliminary.due, c->preliminary.done_at, 0,
				c->investigation.due};
	clocks_from(c, &d, oldest_unassessed_report, now);
}

/* ---- the summary row, shared by every list ---- */

#define SUMMARY_COLUMNS                                                        \
	"c.id, c.version, c.reference, c.kind, c.matter, c.state,"             \
	" c.municipality_id, m.name, c.unit_id, u.name,"                       \
	" COALESCE(c.person_id, 0),"                                           \
	" COALESCE(p.given_name || ' ' || p.family_name,"                      \
	"  (SELECT r.child_name FROM child_report r WHERE r.case_id = c.id"    \
	"   ORDER BY r.id LIMIT 1), ''),"                                      \
	" COALESCE(p.protected_identity, 0), c.received_at, c.updated_at,"     \
	" COALESCE(c.assigned_staff_id, 0), COALESCE(s.display_name, ''),"     \
	" c.preliminary_due, c.preliminary_decided_at,"                        \
	" c.investigation_opened_at, c.investigation_due, c.reopened,"         \
	" (SELECT MIN(r.received_at) FROM child_report r WHERE r.case_id ="    \
	"  c.id AND r.protection_assessed_at IS NULL),"                        \
	" (SELECT COUNT(*) FROM child_report r WHERE r.case_id = c.id"         \
	"  AND r.protection_assessed_at IS NULL),"                             \
	" (SELECT COUNT(*) FROM journal_note n WHERE n.case_id = c.id"         \
	"  AND n.author_kind = 'citizen' AND n.written_at >= COALESCE("        \
	"  (SELECT MAX(k.written_at) FROM journal_note k WHERE k.case_id ="    \
	"   c.id AND k.author_kind = 'staff'), 0))"
#define SUMMARY_FROM                                                           \
	" FROM case_file c JOIN municipality m ON m.id = c.municipality_id"    \
	" JOIN unit u ON u.id = c.unit_id"                                     \
	" LEFT JOIN person p ON p.id = c.person_id"                            \
	" LEFT JOIN staff_user s ON s.id = c.assigned_staff_id"

static int fill_summary(struct db_stmt *st, struct arena *a, int64_t now,
			struct case_summary *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_col_int(st, 0);
	c->version = db_col_int(st, 1);
	c->reference = col(a, st, 2);
	int kind = case_kind_parse(db_col_text(st, 3));
	int state = case_state_parse(db_col_text(st, 5));
	if (kind < 0 || state < 0)
		return 0; /* a value this build does not know: not shown */
	c->kind = (enum case_kind)kind;
	c->matter = col(a, st, 4);
	c->state = (enum case_state)state;
	c->municipality_id = db_col_int(st, 6);
	c->municipality_name = col(a, st, 7);
	c->unit_id = db_col_int(st, 8);
	c->unit_name = col(a, st, 9);
	c->person_id = db_col_int(st, 10);
	c->person_name = col(a, st, 11);
	c->protected_identity = (int)db_col_int(st, 12);
	c->received_at = db_col_int(st, 13);
	c->updated_at = db_col_int(st, 14);
	c->assigned_staff_id = db_col_int(st, 15);
	c->assigned_name = col(a, st, 16);
	struct clock_dates d = {col_int0(st, 17), col_int0(st, 18),
				col_int0(st, 19), col_int0(st, 20)};
	c->reopened = (int)db_col_int(st, 21);
	int64_t oldest = col_int0(st, 22);
	c->unassessed_reports = (int)db_col_int(st, 23);
	c->objections = (int)db_col_int(st, 24);
	clocks_from(c, &d, oldest, now);
	return 1;
}

/* ---- policy and audit ---- */

static enum nara_err load_facts(struct db *db, struct arena *a,
				const struct actor *who, int64_t case_id,
				struct case_facts_row *f)
{
	memset(f, 0, sizeof(*f));
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT c.municipality_id, c.unit_id, COALESCE(c.person_id, 0),"
	    " c.version, COALESCE(p.protected_identity, 0),"
	    " COALESCE(p.personnummer, ''), c.kind, c.state,"
	    " c.investigation_opened_at, c.preliminary_due,"
	    " c.investigation_due,"
	    " (SELECT COUNT(*) FROM case_member cm WHERE cm.case_id = c.id"
	    "  AND cm.staff_id = ?),"
	    " (SELECT COUNT(*) FROM decision d WHERE d.case_id = c.id"
	    "  AND d.outcome IN ('granted', 'partly')),"
	    " COALESCE(p.birth_date, ''),"
	    " COALESCE((SELECT g.municipality_id FROM guardianship g"
	    "  JOIN person gp ON gp.id = g.guardian_id WHERE g.child_id ="
	    "  c.person_id AND gp.personnummer = ?), 0)"
	    " FROM case_file c LEFT JOIN person p ON p.id = c.person_id"
	    " WHERE c.id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, who->staff_id);
	/* Only a citizen can be a guardian; staff match nobody's number. */
	db_bind_text(st, 2,
		     who->subject.kind == SUBJECT_CITIZEN ? who->personnummer
							  : "",
		     (size_t)-1);
	db_bind_int(st, 3, case_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		f->municipality_id = db_col_int(st, 0);
		f->unit_id = db_col_int(st, 1);
		f->person_id = db_col_int(st, 2);
		f->version = db_col_int(st, 3);
		f->protected_identity = (int)db_col_int(st, 4);
		f->personnummer = col(a, st, 5);
		int kind = case_kind_parse(db_col_text(st, 6));
		int state = case_state_parse(db_col_text(st, 7));
		f->flow.kind =
		    kind < 0 ? CASE_APPLICATION : (enum case_kind)kind;
		f->flow.state = state < 0 ? CS_CLOSED : (enum case_state)state;
		f->investigation_opened_at = col_int0(st, 8);
		f->flow.was_investigated = f->investigation_opened_at != 0;
		f->preliminary_due = col_int0(st, 9);
		f->investigation_due = col_int0(st, 10);
		f->team_member = who->staff_id != 0 && db_col_int(st, 11) > 0;
		f->flow.has_granted_decision = db_col_int(st, 12) > 0;
		/*
		 * The child's age for a guardian's reading (R2.5), on today's
		 * date in Stockholm.
		 */
		f->person_age = -1;
		f->guardianship_municipality_id = db_col_int(st, 14);
		if (f->guardianship_municipality_id != 0) {
			struct civil_date d =
			    clock_local_date((int64_t)time(NULL));
			char today[16];
			snprintf(today, sizeof(today), "%04d-%02d-%02d", d.year,
				 d.month, d.day);
			f->person_age =
			    policy_age_on(db_col_text(st, 13), today);
		}
		if (kind < 0 || state < 0)
			rc = -(int)NARA_EDB;
	}
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	if (rc < 0)
		return db_step_err(rc);
	/* Computed per read, never copied: the basis as of this instant. */
	return referral_grant_in_tx(db, a, who, case_id, f->municipality_id,
				    (int64_t)time(NULL), &f->ref);
}

static struct policy_decision decide(const struct actor *who,
				     const struct case_facts_row *f,
				     enum policy_action action)
{
	struct policy_record r = {
	    .kind = REC_CASE,
	    .municipality_id = f->municipality_id,
	    .unit_id = f->unit_id,
	    .person_id = f->person_id,
	    .protected_identity = f->protected_identity,
	    .personnummer = f->personnummer,
	    .guardianship_municipality_id = f->guardianship_municipality_id,
	    .person_age = f->person_age,
	    .team_member = f->team_member,
	    .referral_unit_id =
		f->ref.access == REFERRAL_OPEN ? f->ref.unit_id : 0,
	};
	return policy_decide(&who->subject, action, &r);
}

enum nara_err case_audit(struct db *db, const struct actor *who,
			 int64_t municipality_id, int64_t case_id,
			 int64_t person_id, const char *action,
			 const char *reason, int flagged)
{
	struct audit_entry e = {
	    .actor_kind = who->kind,
	    .actor_id = who->kind && strcmp(who->kind, "staff") == 0
			    ? who->staff_id
			    : who->subject.id,
	    .actor_label = who->label,
	    .municipality_id = municipality_id,
	    .action = action,
	    .record_kind = "case",
	    .record_id = case_id,
	    .person_id = person_id,
	    .reason = reason,
	    .flagged = flagged,
	    .request_id = who->request_id,
	};
	return audit_append(db, &e);
}

/*
 * The audit row of a host's staff member in a member's case (R3.3): the
 * agreement's id and the legal basis ("referral 12, consent 7") with it.
 * Anyone else's row is audit_case's.
 */
enum nara_err case_audit_f(struct db *db, struct arena *a,
			   const struct actor *who,
			   const struct case_facts_row *f, int64_t case_id,
			   const char *action, const char *reason, int flagged)
{
	if (f->ref.referral_id == 0)
		return case_audit(db, who, f->municipality_id, case_id,
				  f->person_id, action, reason, flagged);
	struct audit_entry e = {
	    .actor_kind = "staff",
	    .actor_id = who->staff_id,
	    .actor_label = who->label,
	    .municipality_id = f->municipality_id,
	    .agreement_id = f->ref.agreement_id,
	    .action = action,
	    .record_kind = "case",
	    .record_id = case_id,
	    .person_id = f->person_id,
	    .reason = arena_printf(a, "%s; %s", f->ref.basis_text,
				   reason ? reason : ""),
	    .flagged = flagged,
	    .request_id = who->request_id,
	};
	return e.reason ? audit_append(db, &e) : NARA_ENOMEM;
}

/*
 * A host's staff member let in by a referral reads only the parts it
 * discloses, through src/domain/referral.c; the whole file (reports with
 * reporters, messages, documents) stays closed to them here.
 */
static enum nara_err refuse_whole_file(struct db *db, struct arena *a,
				       const struct actor *who,
				       const struct case_facts_row *f,
				       int64_t case_id, int write)
{
	enum nara_err err = case_audit_f(
	    db, a, who, f, case_id, write ? "write_denied" : "read_denied",
	    "only the referral's disclosed parts", 1);
	return err != NARA_OK ? err : NARA_EDENIED;
}

/* Asks the policy; a refusal is audited, flagged, and committed. */
enum nara_err case_authorize(struct db *db, struct arena *a,
			     const struct actor *who, int64_t case_id,
			     enum policy_action action,
			     struct case_facts_row *f)
{
	enum nara_err err = load_facts(db, a, who, case_id, f);
	if (err != NARA_OK)
		return err;
	struct policy_decision d = decide(who, f, action);
	f->via_referral = d.allowed && d.reason == POLICY_ALLOWED_REFERRAL;
	if (d.allowed)
		return NARA_OK;
	err = case_audit_f(db, a, who, f, case_id,
			   action == ACT_READ ? "read_denied" : "write_denied",
			   f->ref.referral_id != 0
			       ? referral_access_text(f->ref.access)
			       : policy_reason_text(d.reason),
			   1);
	return err != NARA_OK ? err : NARA_EDENIED;
}

enum nara_err case_authorize_in_tx(struct db *db, const struct actor *who,
				   int64_t case_id, int write,
				   int64_t *municipality_id, int64_t *person_id)
{
	struct arena a;
	arena_init(&a, 0);
	struct case_facts_row f;
	enum nara_err err;
	if (who->subject.kind == SUBJECT_CITIZEN) {
		err = load_facts(db, &a, who, case_id, &f);
		if (err == NARA_OK) {
			struct policy_decision d = decide(who, &f, ACT_READ);
			/*
			 * A person may read their own case and add to it
			 * (comments, documents, R2.1): the same grant.
			 */
			if (!d.allowed) {
				err = case_audit(
				    db, who, f.municipality_id, case_id,
				    f.person_id,
				    write ? "write_denied" : "read_denied",
				    policy_reason_text(d.reason), 1);
				if (err == NARA_OK)
					err = NARA_EDENIED;
			}
		}
	} else {
		err = case_authorize(db, &a, who, case_id,
				     write ? ACT_WRITE : ACT_READ, &f);
		if (err == NARA_OK && f.via_referral)
			err =
			    refuse_whole_file(db, &a, who, &f, case_id, write);
	}
	if (err == NARA_OK || err == NARA_EDENIED) {
		*municipality_id = f.municipality_id;
		*person_id = f.person_id;
	}
	arena_free(&a);
	return err;
}

/*
 * The person's own case: the policy's read grant (the person may read
 * their file and add to it, R2.3, R2.1). A refusal is audited, flagged.
 */
static enum nara_err authorize_own(struct db *db, struct arena *a,
				   const struct actor *who, int64_t case_id,
				   struct case_facts_row *f)
{
	enum nara_err err = load_facts(db, a, who, case_id, f);
	if (err != NARA_OK)
		return err;
	struct policy_decision d = decide(who, f, ACT_READ);
	if (d.allowed)
		return NARA_OK;
	err = case_audit(db, who, f->municipality_id, case_id, f->person_id,
			 "read_denied", policy_reason_text(d.reason), 1);
	return err != NARA_OK ? err : NARA_EDENIED;
}

/* ---- creating ---- */

static enum nara_err next_reference(struct db *db, struct arena *a,
				    int64_t municipality_id, int64_t now,
				    const char **out)
{
	int year = clock_local_date(now).year;
	int64_t n;
	enum nara_err err = db_query_int(
	    db, &n,
	    "UPDATE case_reference_seq SET last = last + 1"
	    " WHERE municipality_id = ? AND year = ? RETURNING last",
	    "ii", municipality_id, (int64_t)year);
	if (err == NARA_ENOTFOUND) {
		n = 1;
		err = db_run(db,
			     "INSERT INTO case_reference_seq (municipality_id,"
			     " year, last) VALUES (?, ?, 1)",
			     "ii", municipality_id, (int64_t)year);
	}
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(db, "SELECT slug FROM municipality WHERE id = ?", &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, municipality_id);
	int rc = db_step(st);
	char slug[16] = "";
	if (rc == DB_ROW) {
		/* The slug in capitals, ASCII only, at most 12 letters. */
		const char *s = db_col_text(st, 0);
		size_t k = 0;
		for (; *s && k < 12; s++)
			if ((*s >= 'a' && *s <= 'z') ||
			    (*s >= '0' && *s <= '9'))
				slug[k++] = (char)(*s >= 'a' ? *s - 32 : *s);
		slug[k] = '\0';
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? NARA_ENOTFOUND : db_step_err(rc);
	*out = arena_printf(a, "%s-%d-%06lld", slug, year, (long long)n);
	return *out ? NARA_OK : NARA_ENOMEM;
}

enum nara_err case_event_in_tx(struct db *db, int64_t case_id, int64_t now,
			       const char *action, enum case_state from,
			       enum case_state to, const char *actor_kind,
			       int64_t actor_id, const char *actor_label,
			       const char *reason, int64_t due)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "INSERT INTO case_event (case_id, at, action, from_state,"
	    " to_state, actor_kind, actor_id, actor_label, reason, due)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	db_bind_int(st, 2, now);
	db_bind_text(st, 3, action, (size_t)-1);
	db_bind_text(st, 4, case_state_name(from), (size_t)-1);
	db_bind_text(st, 5, case_state_name(to), (size_t)-1);
	db_bind_text(st, 6, actor_kind, (size_t)-1);
	if (actor_id)
		db_bind_int(st, 7, actor_id);
	else
		db_bind_null(st, 7);
	db_bind_text(st, 8, actor_label, (size_t)-1);
	db_bind_text(st, 9, reason ? reason : "", (size_t)-1);
	if (due)
		db_bind_int(st, 10, due);
	else
		db_bind_null(st, 10);
	int rc = db_step(st);
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

enum nara_err case_create_in_tx(struct db *db, struct arena *a,
				const struct case_new *c, int64_t *id,
				const char **reference)
{
	if (!db_in_tx(db))
		return NARA_EINVAL;
	const char *ref = NULL;
	enum nara_err err =
	    next_reference(db, a, c->municipality_id, c->received_at, &ref);
	if (err != NARA_OK)
		return err;
	enum case_state initial = case_flow_initial(c->kind);
	int64_t prelim_due = c->kind == CASE_CHILD_REPORT
				 ? clock_preliminary_due(c->received_at)
				 : 0;
	struct db_stmt *st;
	err = db_prepare(db,
			 "INSERT INTO case_file (municipality_id, unit_id,"
			 " person_id, kind, matter, state, reference,"
			 " received_at, preliminary_due, updated_at)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, c->municipality_id);
	db_bind_int(st, 2, c->unit_id);
	if (c->person_id)
		db_bind_int(st, 3, c->person_id);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, case_kind_name(c->kind), (size_t)-1);
	db_bind_text(st, 5, c->matter, (size_t)-1);
	db_bind_text(st, 6, case_state_name(initial), (size_t)-1);
	db_bind_text(st, 7, ref, (size_t)-1);
	db_bind_int(st, 8, c->received_at);
	if (prelim_due)
		db_bind_int(st, 9, prelim_due);
	else
		db_bind_null(st, 9);
	db_bind_int(st, 10, c->received_at);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	err = case_event_in_tx(db, *id, c->received_at, "created", initial,
			       initial, c->actor_kind, c->actor_id,
			       c->actor_label, "", 0);
	if (err != NARA_OK)
		return err;
	struct audit_entry e = {
	    .actor_kind = c->actor_kind,
	    .actor_id = c->actor_id,
	    .actor_label = c->actor_label,
	    .municipality_id = c->municipality_id,
	    .action = "create",
	    .record_kind = "case",
	    .record_id = *id,
	    .person_id = c->person_id,
	    .at = c->received_at,
	};
	err = audit_append(db, &e);
	if (err == NARA_OK && reference != NULL)
		*reference = ref;
	return err;
}

enum nara_err case_state_in_tx(struct db *db, int64_t case_id,
			       enum case_state *out)
{
	struct db_stmt *st;
	enum nara_err err =
	    db_prepare(db, "SELECT state FROM case_file WHERE id = ?", &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	int rc = db_step(st);
	int state = rc == DB_ROW ? case_state_parse(db_col_text(st, 0)) : -1;
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	if (rc < 0)
		return db_step_err(rc);
	if (state < 0)
		return NARA_EDB;
	*out = (enum case_state)state;
	return NARA_OK;
}

/*
 * Every change to a case's file passes here, so this is where the live
 * pages hear of it: the notification names the case and its new version,
 * nothing of the change itself, and leaves only if the transaction
 * commits (db_notify).
 */
enum nara_err case_touch_in_tx(struct db *db, int64_t case_id, int64_t now)
{
	int64_t version = 0;
	enum nara_err err = db_query_int(
	    db, &version,
	    "UPDATE case_file SET version = version + 1, updated_at = ?"
	    " WHERE id = ? RETURNING version",
	    "ii", now, case_id);
	if (err == NARA_OK)
		err = db_notify(db, "case", case_id, version);
	return err;
}

/* ---- lists ---- */

/* The most urgent first: the earliest due of the clocks still running. */
static int64_t urgency(const struct case_summary *c)
{
	int64_t best = INT64_MAX;
	const struct case_clock *clocks[] = {&c->protection, &c->preliminary,
					     &c->investigation};
	for (size_t i = 0; i < 3; i++)
		if (clocks[i]->due != 0 && clocks[i]->state != CLOCK_DONE &&
		    clocks[i]->due < best)
			best = clocks[i]->due;
	return best;
}

static int by_due(const void *pa, const void *pb)
{
	const struct case_summary *a = pa, *b = pb;
	int64_t ua = urgency(a), ub = urgency(b);
	if (ua != ub)
		return ua < ub ? -1 : 1;
	if (a->objections != b->objections)
		return a->objections > b->objections ? -1 : 1;
	return a->received_at < b->received_at
		   ? -1
		   : a->received_at > b->received_at;
}

static int by_received(const void *pa, const void *pb)
{
	const struct case_summary *a = pa, *b = pb;
	if (a->received_at != b->received_at)
		return a->received_at > b->received_at ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

static int by_reference(const void *pa, const void *pb)
{
	const struct case_summary *a = pa, *b = pb;
	return strcmp(a->reference, b->reference);
}

static int needs_attention(const struct case_summary *c)
{
	const struct case_clock *clocks[] = {&c->protection, &c->preliminary,
					     &c->investigation};
	for (size_t i = 0; i < 3; i++)
		if (clocks[i]->state == CLOCK_OVERDUE ||
		    clocks[i]->state == CLOCK_DUE_SOON)
			return 1;
	return c->objections > 0;
}

static int does_casework(const struct actor *who)
{
	for (size_t i = 0; i < who->subject.ngrants; i++) {
		enum policy_role r = who->subject.grants[i].role;
		if (r == ROLE_FIRST_LINE || r == ROLE_CASE_OFFICER ||
		    r == ROLE_TEAM_LEAD)
			return 1;
	}
	return 0;
}

/*
 * The rows of a worklist, inside the caller's transaction: the cases of
 * the actor's units and teams that the policy lets them read, filtered and
 * in order. No audit row: the callers decide what they show.
 */
static enum nara_err worklist_rows(struct db *db, struct arena *a,
				   const struct actor *who,
				   const struct case_filter *f, int64_t now,
				   struct case_summary **out, size_t *count)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT " SUMMARY_COLUMNS SUMMARY_FROM
	    " WHERE c.municipality_id = ?"
	    " AND (c.unit_id IN (SELECT r.unit_id FROM staff_role r WHERE"
	    "  r.user_id = ? AND r.role IN ('first_line', 'case_officer',"
	    "  'team_lead'))"
	    "  OR EXISTS (SELECT 1 FROM case_member cm WHERE cm.case_id = c.id"
	    "  AND cm.staff_id = ?))"
	    " AND (? = 0 OR c.unit_id = ?)"
	    " AND (? = 0 OR c.assigned_staff_id = ? OR EXISTS (SELECT 1 FROM"
	    "  case_member cm WHERE cm.case_id = c.id AND cm.staff_id = ?))"
	    " AND (? = 1 OR c.state <> 'closed')"
	    " ORDER BY c.received_at DESC LIMIT ?",
	    &st);
	if (err != NARA_OK)
		return err;
	int64_t me = who->staff_id;
	db_bind_int(st, 1, who->subject.municipality_id);
	db_bind_int(st, 2, me);
	db_bind_int(st, 3, me);
	db_bind_int(st, 4, f->unit_id);
	db_bind_int(st, 5, f->unit_id);
	db_bind_int(st, 6, f->mine ? 1 : 0);
	db_bind_int(st, 7, me);
	db_bind_int(st, 8, me);
	db_bind_int(st, 9, f->include_closed ? 1 : 0);
	db_bind_int(st, 10, WORKLIST_MAX);
	struct case_summary *list =
	    arena_alloc(a, WORKLIST_MAX * sizeof(*list));
	size_t n = 0;
	int rc = DB_DONE;
	while (list != NULL && (rc = db_step(st)) == DB_ROW) {
		struct case_summary *c = &list[n];
		if (!fill_summary(st, a, now, c))
			continue;
		/* The policy has the last word on every row. */
		struct case_facts_row facts = {
		    .municipality_id = c->municipality_id,
		    .unit_id = c->unit_id,
		    .person_id = c->person_id,
		    .protected_identity = c->protected_identity,
		    .personnummer = "",
		    .team_member = 1,
		};
		if (!decide(who, &facts, ACT_READ).allowed)
			continue;
		if (f->only_attention && !needs_attention(c))
			continue;
		n++;
	}
	db_done(st);
	if (list == NULL || rc < 0)
		return list == NULL ? NARA_ENOMEM : db_step_err(rc);
	const char *sort = f->sort ? f->sort : "due";
	qsort(list, n, sizeof(*list),
	      strcmp(sort, "received") == 0    ? by_received
	      : strcmp(sort, "reference") == 0 ? by_reference
					       : by_due);
	size_t limit = f->limit > 0 ? (size_t)f->limit : 200;
	*out = list;
	*count = n > limit ? limit : n;
	return NARA_OK;
}

enum nara_err case_worklist(struct db *db, struct arena *a,
			    const struct actor *who,
			    const struct case_filter *f, int64_t now,
			    struct case_summary **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (who->subject.kind != SUBJECT_STAFF || !does_casework(who))
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct case_summary *list;
	size_t n;
	err = worklist_rows(db, a, who, f, now, &list, &n);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	char *reason = arena_printf(a, "worklist: %zu cases, unit %lld", n,
				    (long long)f->unit_id);
	struct audit_entry e = {
	    .actor_kind = "staff",
	    .actor_id = who->staff_id,
	    .actor_label = who->label,
	    .municipality_id = who->subject.municipality_id,
	    .action = "read",
	    .record_kind = "worklist",
	    .record_id = f->unit_id,
	    .reason = reason ? reason : "worklist",
	    .request_id = who->request_id,
	};
	err = audit_append(db, &e);
	err = audit_finish(db, err);
	if (err != NARA_OK)
		return err;
	*out = list;
	*count = n;
	return NARA_OK;
}

enum nara_err case_unit_counts(struct db *db, struct arena *a,
			       const struct actor *who, int64_t now,
			       struct case_unit_count **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (who->subject.kind != SUBJECT_STAFF || !does_casework(who))
		return NARA_EDENIED;
	struct case_filter f = {.limit = WORKLIST_MAX, .sort = "received"};
	struct case_summary *list;
	size_t n;
	/*
	 * The counts are of the same rows the worklist shows, computed with
	 * the same clocks, so the heading never disagrees with the list. They
	 * are numbers, not people (R4.3), so they leave no audit row; the
	 * list they stand beside leaves its own.
	 */
	enum nara_err err = db_begin_read(db);
	if (err != NARA_OK)
		return err;
	err = worklist_rows(db, a, who, &f, now, &list, &n);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	if ((err = db_commit(db)) != NARA_OK)
		return err;
	struct case_unit_count *units = arena_calloc(a, 64, sizeof(*units));
	if (units == NULL)
		return NARA_ENOMEM;
	size_t nu = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < nu && units[k].unit_id != list[i].unit_id)
			k++;
		if (k == nu) {
			if (nu == 64)
				continue;
			units[nu].unit_id = list[i].unit_id;
			units[nu].unit_name = list[i].unit_name;
			nu++;
		}
		units[k].open++;
		const struct case_clock *clocks[] = {&list[i].protection,
						     &list[i].preliminary,
						     &list[i].investigation};
		int overdue = 0, soon = 0;
		for (size_t c = 0; c < 3; c++) {
			overdue |= clocks[c]->state == CLOCK_OVERDUE;
			soon |= clocks[c]->state == CLOCK_DUE_SOON;
		}
		units[k].overdue += overdue;
		units[k].due_soon += !overdue && soon;
	}
	*out = units;
	*count = nu;
	return NARA_OK;
}

/* ---- reading one case ---- */

static enum nara_err read_summary(struct db *db, struct arena *a,
				  int64_t case_id, int64_t now,
				  struct case_view *v)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT " SUMMARY_COLUMNS ", COALESCE(p.personnummer, ''),"
	    " COALESCE(p.birth_date, ''), c.late_reason, c.closure_reason,"
	    " c.child_not_heard_reason, c.child_heard,"
	    " c.investigation_opened_at, c.closed_at" SUMMARY_FROM
	    " WHERE c.id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		if (!fill_summary(st, a, now, &v->s)) {
			rc = -(int)NARA_EDB;
		} else {
			v->person_pnr = col(a, st, 25);
			v->birth_date = col(a, st, 26);
			v->late_reason = col(a, st, 27);
			v->closure_reason = col(a, st, 28);
			v->child_not_heard_reason = col(a, st, 29);
			v->child_heard = db_col_is_null(st, 30)
					     ? -1
					     : (int)db_col_int(st, 30);
			v->investigation_opened_at = col_int0(st, 31);
			v->closed_at = col_int0(st, 32);
		}
	}
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

/*
 * The lists of a case's view (timeline, team, decisions, interventions)
 * are read alike: a statement with the case as its first parameter and
 * the most rows as its second, each row filled into an arena array by a
 * function that knows its columns.
 */
typedef void (*fill_row)(struct db_stmt *st, struct arena *a, void *item);

static enum nara_err read_rows(struct db *db, struct arena *a, const char *sql,
			       int64_t case_id, size_t item_size, fill_row fill,
			       void **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(db, sql, &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	db_bind_int(st, 2, LIST_MAX);
	char *items = arena_alloc(a, LIST_MAX * item_size);
	size_t n = 0;
	int rc = DB_DONE;
	while (items != NULL && n < LIST_MAX && (rc = db_step(st)) == DB_ROW)
		fill(st, a, items + item_size * n++);
	db_done(st);
	if (items == NULL)
		return NARA_ENOMEM;
	*out = items;
	*count = n;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

static void fill_event(struct db_stmt *st, struct arena *a, void *item)
{
	struct case_event_view *e = item;
	e->at = db_col_int(st, 0);
	e->action = col(a, st, 1);
	int from = case_state_parse(db_col_text(st, 2));
	int to = case_state_parse(db_col_text(st, 3));
	e->from = from < 0 ? CS_CLOSED : (enum case_state)from;
	e->to = to < 0 ? CS_CLOSED : (enum case_state)to;
	e->actor_label = col(a, st, 4);
	e->reason = col(a, st, 5);
	e->due = db_col_int(st, 6);
}

static void fill_member(struct db_stmt *st, struct arena *a, void *item)
{
	struct case_member_view *m = item;
	m->staff_id = db_col_int(st, 0);
	m->name = col(a, st, 1);
	m->unit_name = col(a, st, 2);
}

static void fill_decision(struct db_stmt *st, struct arena *a, void *item)
{
	struct case_decision_view *d = item;
	d->id = db_col_int(st, 0);
	d->decided_at = db_col_int(st, 1);
	d->outcome = col(a, st, 2);
	d->subject = col(a, st, 3);
	d->content = col(a, st, 4);
	d->reasons = col(a, st, 5);
	d->legal_basis = col(a, st, 6);
	d->decided_by = col(a, st, 7);
	d->presented_by = col(a, st, 8);
	d->delegation = col(a, st, 9);
	d->appeal = col(a, st, 10);
}

static void fill_intervention(struct db_stmt *st, struct arena *a, void *item)
{
	struct case_intervention_view *i = item;
	i->id = db_col_int(st, 0);
	i->started_at = db_col_int(st, 1);
	i->follow_up_due = db_col_int(st, 2);
	i->ended_at = db_col_int(st, 3);
	i->name = col(a, st, 4);
	i->level = col(a, st, 5);
	i->end_reason = col(a, st, 6);
}

static enum nara_err read_lists(struct db *db, struct arena *a, int64_t case_id,
				struct case_view *v)
{
	void *items = NULL;
	enum nara_err err = read_rows(
	    db, a,
	    "SELECT at, action, from_state, to_state, actor_label, reason,"
	    " COALESCE(due, 0) FROM case_event WHERE case_id = ?"
	    " ORDER BY at, id LIMIT ?",
	    case_id, sizeof(*v->events), fill_event, &items, &v->nevents);
	v->events = items;
	if (err == NARA_OK)
		err = read_rows(
		    db, a,
		    "SELECT s.id, s.display_name, COALESCE((SELECT MIN(u.name)"
		    " FROM staff_role r JOIN unit u ON u.id = r.unit_id WHERE"
		    " r.user_id = s.id), '') FROM case_member cm JOIN "
		    "staff_user"
		    " s ON s.id = cm.staff_id WHERE cm.case_id = ?"
		    " ORDER BY cm.added_at, s.id LIMIT ?",
		    case_id, sizeof(*v->members), fill_member, &items,
		    &v->nmembers);
	if (err == NARA_OK)
		v->members = items;
	if (err == NARA_OK)
		err = read_rows(
		    db, a,
		    "SELECT id, decided_at, outcome, subject, content, reasons,"
		    " legal_basis, decided_by_label, presented_by_label,"
		    " delegation, appeal FROM decision WHERE case_id = ?"
		    " ORDER BY decided_at, id LIMIT ?",
		    case_id, sizeof(*v->decisions), fill_decision, &items,
		    &v->ndecisions);
	if (err == NARA_OK)
		v->decisions = items;
	if (err == NARA_OK)
		err = read_rows(
		    db, a,
		    "SELECT ci.id, ci.started_at, COALESCE(ci.follow_up_due, "
		    "0),"
		    " COALESCE(ci.ended_at, 0), k.name, k.level, ci.end_reason"
		    " FROM case_intervention ci JOIN intervention_kind k ON"
		    " k.id = ci.kind_id WHERE ci.case_id = ?"
		    " ORDER BY ci.started_at, ci.id LIMIT ?",
		    case_id, sizeof(*v->interventions), fill_intervention,
		    &items, &v->ninterventions);
	if (err == NARA_OK)
		v->interventions = items;
	return err;
}

/*
 * What happens next, in words the person understands (catalogue keys),
 * and by when: the clock that runs in the case's state, or the earliest
 * follow-up of an intervention under way.
 */
static struct case_next next_of(const struct case_summary *s,
				int64_t follow_up_due)
{
	struct case_next n = {0};
	switch (s->state) {
	case CS_RECEIVED:
		n.what = "next.received";
		break;
	case CS_PRELIMINARY:
		n.what = "next.preliminary";
		n.by = s->preliminary.due;
		break;
	case CS_INVESTIGATION:
		n.what = "next.investigation";
		n.by = s->investigation.due;
		break;
	case CS_DECIDED:
		n.what = "next.decided";
		break;
	case CS_INTERVENTION:
		n.what = "next.intervention";
		n.by = follow_up_due;
		break;
	case CS_FOLLOW_UP:
		n.what = "next.follow_up";
		break;
	default:
		n.what = "next.closed";
		break;
	}
	return n;
}

static void what_next(struct case_view *v)
{
	int64_t follow_up = 0;
	for (size_t i = 0; i < v->ninterventions; i++)
		if (v->interventions[i].ended_at == 0 &&
		    v->interventions[i].follow_up_due != 0 &&
		    (follow_up == 0 ||
		     v->interventions[i].follow_up_due < follow_up))
			follow_up = v->interventions[i].follow_up_due;
	v->next = next_of(&v->s, follow_up);
	v->s.next = v->next;
}

/*
 * The moves the flow allows from where the case stands, so that a page
 * offers only those; case_move asks the flow again when one is made.
 */
static unsigned allowed_moves(const struct case_facts *facts)
{
	unsigned moves = 0;
	for (int action = 0; action < CA_COUNT; action++) {
		enum case_state to;
		if (case_flow_next(facts, (enum case_action)action, &to) ==
		    FLOW_OK)
			moves |= 1u << action;
	}
	return moves;
}

static enum nara_err read_view(struct db *db, struct arena *a, int64_t case_id,
			       int64_t now, int for_person, struct case_view *v)
{
	enum nara_err err = read_summary(db, a, case_id, now, v);
	if (err == NARA_OK)
		err = journal_read_in_tx(db, a, case_id, for_person, now,
					 &v->notes, &v->nnotes);
	if (err == NARA_OK && !for_person)
		err = report_read_in_tx(db, a, case_id, &v->reports,
					&v->nreports);
	if (err == NARA_OK)
		err = read_lists(db, a, case_id, v);
	if (err == NARA_OK)
		what_next(v);
	return err;
}

enum nara_err case_read(struct db *db, struct arena *a, const struct actor *who,
			int64_t case_id, int64_t now, struct case_view *out)
{
	memset(out, 0, sizeof(*out));
	if (who->subject.kind != SUBJECT_STAFF)
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct case_facts_row f;
	err = case_authorize(db, a, who, case_id, ACT_READ, &f);
	if (err == NARA_OK && f.via_referral)
		err = refuse_whole_file(db, a, who, &f, case_id, 0);
	if (err == NARA_OK)
		err = read_view(db, a, case_id, now, 0, out);
	if (err == NARA_OK)
		out->moves = allowed_moves(&f.flow);
	if (err == NARA_OK)
		err = case_audit(db, who, f.municipality_id, case_id,
				 f.person_id, "read", "", 0);
	err = audit_finish(db, err);
	if (err != NARA_OK)
		memset(out, 0, sizeof(*out));
	return err;
}

enum nara_err case_standing(struct db *db, const struct actor *who,
			    int64_t case_id, enum case_state *state,
			    int64_t *version, int *whole)
{
	*state = CS_CLOSED;
	*version = 0;
	*whole = 0;
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
	err = case_authorize(db, &a, who, case_id, ACT_READ, &f);
	if (err == NARA_OK) {
		*state = f.flow.state;
		*version = f.version;
		*whole = !f.via_referral;
	}
	/* The whole file's reader is audited by the read that follows. */
	if (err == NARA_OK && f.via_referral)
		err = case_audit_f(db, &a, who, &f, case_id, "read",
				   "the state after a move", 0);
	err = audit_finish(db, err);
	arena_free(&a);
	return err;
}

enum nara_err case_version(struct db *db, int64_t case_id, int64_t *version)
{
	return db_query_int(db, version,
			    "SELECT version FROM case_file WHERE id = ?", "i",
			    case_id);
}

/* ---- the person's own cases ---- */

enum nara_err case_list_own(struct db *db, struct arena *a,
			    const struct actor *who, int64_t now,
			    struct case_summary **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (who->subject.kind != SUBJECT_CITIZEN)
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(
	    db,
	    "SELECT " SUMMARY_COLUMNS SUMMARY_FROM " WHERE p.personnummer = ?"
	    " ORDER BY c.state = 'closed', c.updated_at DESC LIMIT ?",
	    &st);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	db_bind_text(st, 1, who->personnummer, (size_t)-1);
	db_bind_int(st, 2, OWN_MAX);
	struct case_summary *list = arena_alloc(a, OWN_MAX * sizeof(*list));
	size_t n = 0;
	int rc = DB_DONE;
	while (list != NULL && (rc = db_step(st)) == DB_ROW) {
		struct case_summary *c = &list[n];
		if (!fill_summary(st, a, now, c))
			continue;
		struct case_facts_row facts = {
		    .municipality_id = c->municipality_id,
		    .unit_id = c->unit_id,
		    .person_id = c->person_id,
		    .protected_identity = c->protected_identity,
		    .personnummer = who->personnummer,
		};
		if (decide(who, &facts, ACT_READ).allowed)
			n++;
	}
	db_done(st);
	if (list == NULL || rc < 0) {
		db_rollback(db);
		return list == NULL ? NARA_ENOMEM : db_step_err(rc);
	}
	/* What happens next; an intervention's date is its follow-up. */
	for (size_t i = 0; i < n && err == NARA_OK; i++) {
		int64_t follow_up = 0;
		if (list[i].state == CS_INTERVENTION)
			err = db_query_int(
			    db, &follow_up,
			    "SELECT COALESCE(MIN(follow_up_due), 0) FROM"
			    " case_intervention WHERE case_id = ? AND ended_at"
			    " IS NULL",
			    "i", list[i].id);
		list[i].next = next_of(&list[i], follow_up);
	}
	/* The person reads their own list: one row, for completeness. */
	for (size_t i = 0; i < n && err == NARA_OK; i++)
		err = case_audit(db, who, list[i].municipality_id, list[i].id,
				 list[i].person_id, "read_own", "", 0);
	err = audit_finish(db, err);
	if (err != NARA_OK)
		return err;
	*out = list;
	*count = n;
	return NARA_OK;
}

/*
 * The person's own case, read (action "read_own") or exported as a
 * document (action "export_own"): the same policy, the same view, each
 * audited as what it is.
 */
static enum nara_err read_own(struct db *db, struct arena *a,
			      const struct actor *who, int64_t case_id,
			      int64_t now, const char *action,
			      struct case_view *out)
{
	memset(out, 0, sizeof(*out));
	if (who->subject.kind != SUBJECT_CITIZEN)
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct case_facts_row f;
	err = authorize_own(db, a, who, case_id, &f);
	if (err == NARA_OK)
		err = read_view(db, a, case_id, now, 1, out);
	if (err == NARA_OK)
		err = case_audit(db, who, f.municipality_id, case_id,
				 f.person_id, action, "", 0);
	err = audit_finish(db, err);
	if (err != NARA_OK) {
		memset(out, 0, sizeof(*out));
		return err;
	}
	/*
	 * What the person is not told: the internal reasons of a late
	 * decision are for the file, the timeline's actor names stay (the
	 * person has a right to know who handles their case).
	 */
	out->late_reason = "";
	return NARA_OK;
}

enum nara_err case_read_own(struct db *db, struct arena *a,
			    const struct actor *who, int64_t case_id,
			    int64_t now, struct case_view *out)
{
	return read_own(db, a, who, case_id, now, "read_own", out);
}

enum nara_err case_export_own(struct db *db, struct arena *a,
			      const struct actor *who, int64_t case_id,
			      int64_t now, struct case_view *out)
{
	return read_own(db, a, who, case_id, now, "export_own", out);
}

enum nara_err case_subscribe_own(struct db *db, const struct actor *who,
				 int64_t case_id, int64_t *version)
{
	*version = 0;
	if (who->subject.kind != SUBJECT_CITIZEN)
		return NARA_EDENIED;
	struct arena a;
	arena_init(&a, 0);
	enum nara_err err = db_begin(db);
	struct case_facts_row f;
	if (err == NARA_OK)
		err = authorize_own(db, &a, who, case_id, &f);
	/*
	 * A subscription reads nothing of the file: it is audited as what
	 * it is, and each fragment the page then fetches is audited as a
	 * read.
	 */
	if (err == NARA_OK)
		err = case_audit(db, who, f.municipality_id, case_id,
				 f.person_id, "subscribe_own", "", 0);
	if (db_in_tx(db))
		err = audit_finish(db, err);
	if (err == NARA_OK)
		*version = f.version;
	arena_free(&a);
	return err;
}

enum nara_err case_reads_own(struct db *db, struct arena *a,
			     const struct actor *who, int64_t case_id,
			     struct case_read_log **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (who->subject.kind != SUBJECT_CITIZEN)
		return NARA_EDENIED;
	/*
	 * A read snapshot: the log is only read. A refusal needs its audit
	 * row, so it is written in a transaction of its own.
	 */
	enum nara_err err = db_begin_read(db);
	if (err != NARA_OK)
		return err;
	struct case_facts_row f;
	err = load_facts(db, a, who, case_id, &f);
	struct policy_decision d = {0};
	if (err == NARA_OK && !(d = decide(who, &f, ACT_READ)).allowed) {
		db_rollback(db);
		if ((err = db_begin(db)) != NARA_OK)
			return err;
		err =
		    case_audit(db, who, f.municipality_id, case_id, f.person_id,
			       "read_denied", policy_reason_text(d.reason), 1);
		return audit_finish(db, err == NARA_OK ? NARA_EDENIED : err);
	}
	struct db_stmt *st = NULL;
	if (err == NARA_OK)
		err = db_prepare(
		    db,
		    "SELECT l.at, COALESCE(m.name, ''),"
		    " COALESCE((SELECT MIN(u.name) FROM staff_role r JOIN unit "
		    "u"
		    "  ON u.id = r.unit_id WHERE r.user_id = l.actor_id), '')"
		    " FROM audit_log l LEFT JOIN municipality m ON m.id ="
		    " l.municipality_id WHERE l.record_kind = 'case' AND"
		    " l.record_id = ? AND l.actor_kind = 'staff' AND l.action ="
		    " 'read' ORDER BY l.id DESC LIMIT ?",
		    &st);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	db_bind_int(st, 1, case_id);
	db_bind_int(st, 2, LIST_MAX);
	struct case_read_log *list = arena_alloc(a, LIST_MAX * sizeof(*list));
	size_t n = 0;
	int rc = DB_DONE;
	while (list != NULL && (rc = db_step(st)) == DB_ROW) {
		list[n].at = db_col_int(st, 0);
		list[n].municipality_name = col(a, st, 1);
		list[n].unit_name = col(a, st, 2);
		n++;
	}
	db_done(st);
	if (list == NULL || rc < 0) {
		db_rollback(db);
		return list == NULL ? NARA_ENOMEM : db_step_err(rc);
	}
	err = db_commit(db);
	if (err == NARA_OK) {
		*out = list;
		*count = n;
	}
	return err;
}
