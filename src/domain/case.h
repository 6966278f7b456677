/*
 * Cases (ärenden): the matter of one person from first contact to closure
 * (DOMAIN.md sections 1 and 2). This module reads and changes cases for an
 * actor: every function asks the policy layer first and writes its audit
 * row in the same transaction as the work, so either both are stored or
 * neither. The legal moves come from policy/case_flow.h, the clocks from
 * policy/clock.h; the journal is domain/journal.h, reports of concern
 * domain/report.h.
 *
 * Every change to a case or its file moves case_file.version, in the same
 * transaction: the live pages compare versions, and a form sent with an
 * old version is refused with NARA_ECONFLICT rather than overwriting what
 * someone else just did.
 */
#ifndef NARA_CASE_H
#define NARA_CASE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "policy/case_flow.h"
#include "policy/clock.h"

struct db;
struct actor;

/* A clock as the worklist shows it. due 0: the clock does not apply. */
struct case_clock {
	int64_t due;
	int64_t done_at;
	enum clock_state state;
	int days_left;
};

/* What happens next, for the person: a state and, when known, by when. */
struct case_next {
	const char *what; /* catalogue key: "next.preliminary", ... */
	int64_t by;	  /* 0: no date */
};

/* A case as a list shows it: a worklist row, or a row of "my cases". */
struct case_summary {
	int64_t id, version;
	const char *reference;
	enum case_kind kind;
	const char *matter;
	enum case_state state;
	int64_t municipality_id;
	const char *municipality_name;
	int64_t unit_id;
	const char *unit_name;
	int64_t person_id; /* 0: a reported child not yet identified */
	const char *person_name;
	int protected_identity;
	int64_t received_at, updated_at;
	int64_t assigned_staff_id;
	const char *assigned_name;     /* "" when nobody */
	struct case_clock protection;  /* R1.1: the oldest unassessed report */
	struct case_clock preliminary; /* R1.2 */
	struct case_clock investigation; /* R1.3 */
	int unassessed_reports;
	int objections;	       /* the person's comments awaiting staff */
	int reopened;	       /* R1.3: the clock was not reset */
	struct case_next next; /* the person's own list and views only */
};

/* Fills the clocks of a summary from its dates, as of now. */
void case_clocks(struct case_summary *c, int64_t oldest_unassessed_report,
		 int64_t now);

/* Which cases a worklist shows. */
struct case_filter {
	int64_t unit_id; /* 0: every unit where the actor does casework */
	int mine; /* only cases assigned to the actor or with them in the team
		   */
	int include_closed;
	int only_attention; /* overdue or due soon, or with objections */
	const char *sort;   /* "due" (default), "received", "reference" */
	int limit;	    /* 0: 200 */
};

/*
 * The staff worklist: open cases of the actor's units (or of the team they
 * are in), the clocks computed as of now, the most urgent first. One audit
 * row records that the list was read; each case opened is audited on its
 * own. NARA_EDENIED when the actor does no casework.
 */
enum nara_err case_worklist(struct db *db, struct arena *a,
			    const struct actor *who,
			    const struct case_filter *f, int64_t now,
			    struct case_summary **out, size_t *count);

/* Counts per unit for the worklist's heading. */
struct case_unit_count {
	int64_t unit_id;
	const char *unit_name;
	int open, overdue, due_soon;
};
enum nara_err case_unit_counts(struct db *db, struct arena *a,
			       const struct actor *who, int64_t now,
			       struct case_unit_count **out, size_t *count);

/* One entry of the status timeline. */
struct case_event_view {
	int64_t at;
	const char *action;
	enum case_state from, to;
	const char *actor_label;
	const char *reason;
	int64_t due;
};

struct case_member_view {
	int64_t staff_id;
	const char *name;
	const char *unit_name;
};

struct case_decision_view {
	int64_t id, decided_at;
	const char *outcome; /* granted, partly, refused */
	const char *subject, *content, *reasons, *legal_basis;
	const char *decided_by, *presented_by, *delegation, *appeal;
};

struct case_intervention_view {
	int64_t id, started_at, follow_up_due, ended_at;
	const char *name, *level, *end_reason;
};

struct journal_note_view;
struct report_view;

struct case_view {
	struct case_summary s;
	const char *person_pnr; /* "" when not identified */
	const char *birth_date;
	const char *late_reason, *closure_reason, *child_not_heard_reason;
	int child_heard; /* -1: not recorded */
	int64_t investigation_opened_at, closed_at;
	struct case_event_view *events;
	size_t nevents;
	struct case_member_view *members;
	size_t nmembers;
	struct case_decision_view *decisions;
	size_t ndecisions;
	struct case_intervention_view *interventions;
	size_t ninterventions;
	struct case_next next;
	/*
	 * The moves the flow allows now: bit (1u << action) for each enum
	 * case_action, so a page offers only those (case_flow.h).
	 */
	unsigned moves;
	/* The journal: every note for staff; for the person, what they may
	 * read. */
	struct journal_note_view *notes;
	size_t nnotes;
	/* Reports of concern with the reporters' identities: staff only. */
	struct report_view *reports;
	size_t nreports;
};

/*
 * Reads one case for staff (the policy decides; the read or the refused
 * attempt is audited in the same transaction). NARA_EDENIED, NARA_ENOTFOUND.
 */
enum nara_err case_read(struct db *db, struct arena *a, const struct actor *who,
			int64_t case_id, int64_t now, struct case_view *out);

/*
 * The person's own cases, in every municipality (R2.3), with what happens
 * next. Audited as reads by the person themselves.
 */
enum nara_err case_list_own(struct db *db, struct arena *a,
			    const struct actor *who, int64_t now,
			    struct case_summary **out, size_t *count);

/* One of the person's own cases, as they may see it. */
enum nara_err case_read_own(struct db *db, struct arena *a,
			    const struct actor *who, int64_t case_id,
			    int64_t now, struct case_view *out);

/* The same, for a document the person takes away (audited as an export). */
enum nara_err case_export_own(struct db *db, struct arena *a,
			      const struct actor *who, int64_t case_id,
			      int64_t now, struct case_view *out);

/*
 * The person subscribes to news of their own case (the live page): the
 * read policy decides once, the subscription is audited as such (not as
 * a read: it reads nothing), and *version gets the case's version now.
 */
enum nara_err case_subscribe_own(struct db *db, const struct actor *who,
				 int64_t case_id, int64_t *version);

/* "Who has read this case" (R2.6): a staff read, its unit and time. */
struct case_read_log {
	int64_t at;
	const char *municipality_name;
	const char *unit_name;
};

/*
 * The staff reads of one of the person's own cases, newest first. The
 * read policy decides; a refusal is audited, flagged.
 */
enum nara_err case_reads_own(struct db *db, struct arena *a,
			     const struct actor *who, int64_t case_id,
			     struct case_read_log **out, size_t *count);

/*
 * Where a case stands, for one who has just made a move in it: its state
 * and version, and whether the actor may read the whole file (*whole).
 * The host's staff acting under a referral (R3.2, R3.3) may not, and are
 * told only this much; that read is audited with the agreement and its
 * basis. Refused by the policy as any read is.
 */
enum nara_err case_standing(struct db *db, const struct actor *who,
			    int64_t case_id, enum case_state *state,
			    int64_t *version, int *whole);

/* The version of a case, for the live pages (no audit: no personal data). */
enum nara_err case_version(struct db *db, int64_t case_id, int64_t *version);

/* A move of the state machine, with what the law asks of it. */
struct case_move {
	enum case_action action;
	int64_t expected_version; /* 0: do not check */
	const char *reason; /* closing, extending, not opening, reopening */
	int child_heard;    /* R1.2: -1 not given, 0 no, 1 yes */
	const char *child_not_heard_reason;
	const char
	    *late_reason; /* R1.2: a preliminary decision after its due date */
	int64_t new_due;  /* CA_EXTEND: the new due date (R1.3) */
	/* CA_DECIDE (R2.2): */
	const char *outcome; /* granted, partly, refused */
	const char *subject, *content, *reasons, *legal_basis, *delegation;
	int64_t presented_by; /* staff id, 0: none */
	const char *appeal;   /* how to appeal, as told to the person */
	/* CA_START_INTERVENTION: */
	int64_t intervention_kind_id;
};

/*
 * Makes the move for the actor. NARA_EINVAL with *why set to a catalogue
 * key when the law's requirements are not met ("case.error.reason", ...),
 * NARA_ECONFLICT when the version changed or the move is illegal from the
 * current state (*why says which), NARA_EDENIED when the policy refuses.
 * *warning may be set to a catalogue key the page should show
 * ("case.warning.reopened": R1.3, the clock is not reset).
 */
enum nara_err case_move(struct db *db, const struct actor *who, int64_t case_id,
			const struct case_move *m, int64_t now,
			const char **why, const char **warning);

/*
 * Assigns the case to a member of staff, who joins the team. NARA_EINVAL
 * when staff_id is no colleague who does casework in the municipality
 * ("case.error.staff"); NARA_ECONFLICT when expected_version (0: do not
 * check) is not the case's version any more.
 */
enum nara_err case_assign(struct db *db, const struct actor *who,
			  int64_t case_id, int64_t staff_id,
			  int64_t expected_version, int64_t now);

/* Adds a member of staff of the same municipality to the case's team. */
enum nara_err case_add_member(struct db *db, const struct actor *who,
			      int64_t case_id, int64_t staff_id,
			      int64_t expected_version, int64_t now);

/* Staff of the case's municipality who may be assigned or added. */
struct case_staff_option {
	int64_t id;
	const char *name;
	const char *unit_name;
};
enum nara_err case_staff_options(struct db *db, struct arena *a,
				 const struct actor *who, int64_t case_id,
				 struct case_staff_option **out, size_t *count);

/* The interventions the municipality of a case offers. */
struct case_intervention_kind {
	int64_t id;
	const char *name, *level, *description;
};
enum nara_err case_intervention_kinds(struct db *db, struct arena *a,
				      int64_t municipality_id,
				      struct case_intervention_kind **out,
				      size_t *count);

/*
 * Opens a case (used by applications and reports, inside their own
 * transaction): the reference, the first timeline entry and the clocks.
 */
struct case_new {
	int64_t municipality_id, unit_id, person_id;
	enum case_kind kind;
	const char *matter;
	int64_t received_at;
	const char *actor_kind, *actor_label;
	int64_t actor_id;
};
enum nara_err case_create_in_tx(struct db *db, struct arena *a,
				const struct case_new *c, int64_t *id,
				const char **reference);

/* The state of a case, inside the caller's transaction. */
enum nara_err case_state_in_tx(struct db *db, int64_t case_id,
			       enum case_state *out);

/* A timeline entry (case_event) inside the caller's transaction. */
enum nara_err case_event_in_tx(struct db *db, int64_t case_id, int64_t now,
			       const char *action, enum case_state from,
			       enum case_state to, const char *actor_kind,
			       int64_t actor_id, const char *actor_label,
			       const char *reason, int64_t due);

/* Moves the version of a case (every change to its file calls it). */
enum nara_err case_touch_in_tx(struct db *db, int64_t case_id, int64_t now);

/*
 * Loads what the policy needs to decide about a case and asks it; writes
 * the audit row of the attempt when refused. Used by the journal and the
 * other parts of the file. *person_id gets the case's person (0: none).
 */
enum nara_err case_authorize_in_tx(struct db *db, const struct actor *who,
				   int64_t case_id, int write,
				   int64_t *municipality_id,
				   int64_t *person_id);

#endif
