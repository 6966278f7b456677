/*
 * Referrals of a case to a shared unit, and the consents they rest on
 * (DOMAIN.md R3.2, R3.3). A case officer of the responsible committee
 * refers a case to a shared unit that serves the committee under an
 * agreement in force; the referral says what is asked, which parts of the
 * file it discloses (policy/referral.h) and its legal basis: the person's
 * consent (given in a meeting and recorded by the officer, or asked of the
 * person and given on Mina sidor) or a statutory ground of a fixed list.
 *
 * The shared unit's staff see what is asked and which municipality asks,
 * nothing personal, until they accept. Then they read exactly the
 * disclosed parts, through the policy layer (policy_record.
 * referral_unit_id), as long as the basis holds at the instant of the
 * read: computed per read, never copied. Everything they read or write is
 * audited with the agreement's id and the legal basis ("referral 12,
 * consent 7"), and the notes they write say for whom they act.
 *
 * Each function is one transaction with its audit row inside.
 */
#ifndef NARA_REFERRAL_H
#define NARA_REFERRAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "policy/referral.h"

struct db;
struct actor;

/*
 * What one staff member may do in one case through a referral to their
 * shared unit, as of now: loaded by src/domain/case.c for the policy.
 * referral_id 0: no referral to a unit of theirs.
 */
struct referral_grant {
	int64_t referral_id, unit_id, consent_id;
	int64_t agreement_id; /* in force now; 0: none */
	enum referral_access access;
	unsigned parts;
	const char *basis_text;	    /* "referral 12, consent 7" */
	const char *agreement_name; /* "" when none in force */
	int64_t agreement_version;
	const char *municipality_name; /* the responsible committee's */
};

enum nara_err referral_grant_in_tx(struct db *db, struct arena *a,
				   const struct actor *who, int64_t case_id,
				   int64_t municipality_id, int64_t now,
				   struct referral_grant *g);

/*
 * "Skrivet för Bjuvs kommun enligt <agreement>, version N": the stamp of
 * what the host's staff write (R3.3), and the refusal of a move the
 * agreement does not delegate.
 */
const char *referral_acting_for(struct arena *a,
				const struct referral_grant *g);
const char *referral_not_delegated(struct arena *a,
				   const struct referral_grant *g);

/*
 * The refusal of a move outside the delegation, naming the agreement and
 * the committee, for the actor acting in the case through a referral;
 * *text NULL when they act through none. Reads nothing personal.
 */
enum nara_err referral_move_refusal(struct db *db, struct arena *a,
				    const struct actor *who, int64_t case_id,
				    int64_t now, const char **text);

enum consent_mode {
	CONSENT_GIVEN_IN_MEETING, /* the officer records a consent given */
	CONSENT_ASK_PERSON,	  /* the person gives it on Mina sidor */
};

struct referral_new {
	int64_t case_id, unit_id;
	const char *asked;
	unsigned parts;
	enum referral_basis basis;
	enum consent_mode consent_mode;
	int64_t consent_until;
	const char *ground, *ground_note;
};

enum { REFERRAL_TEXT_MAX = 4000, CONSENT_MAX_DAYS = 3 * 366 };

/*
 * A case officer or team lead of the case's unit refers it. NARA_EINVAL
 * with *why a catalogue key ("ref.error.asked", "ref.error.parts",
 * "ref.error.until", "ref.error.ground", "ref.error.no_person",
 * "ref.error.unit"), NARA_ENOTFOUND with "ref.error.no_agreement" when no
 * agreement in force covers the unit for the case's municipality,
 * NARA_EDENIED for anyone else.
 */
enum nara_err referral_create(struct db *db, struct arena *a,
			      const struct actor *who,
			      const struct referral_new *n, int64_t now,
			      int64_t *id, const char **why);

/*
 * The shared units that serve the case's municipality under an agreement
 * in force at now, for the referral form (names only: nothing personal).
 */
struct referral_unit {
	int64_t id;
	const char *name, *host_name, *agreement_name;
};
enum nara_err referral_units(struct db *db, struct arena *a, int64_t case_id,
			     int64_t now, struct referral_unit **out,
			     size_t *count);

/* A referral as a list or its page shows it. */
struct referral_view {
	int64_t id, case_id, unit_id, consent_id, created_at, answered_at;
	const char *status; /* pending, accepted, declined, ended */
	const char *asked, *decline_reason;
	const char *municipality_name, *unit_name, *host_name;
	const char *agreement_name;
	unsigned parts;
	const char *basis; /* consent, statutory */
	const char *ground_law, *ground_note;
	const char *consent_status; /* requested, given, withdrawn, expired */
	int64_t consent_until;
	enum referral_access access; /* as of now */
	const char *created_by_label, *answered_by_label;
	int64_t ended_at; /* 0: not ended */
	const char *ended_by_label, *end_reason;
};

/* The referrals of a case, for its officers (case read policy). */
enum nara_err referral_list_for_case(struct db *db, struct arena *a,
				     const struct actor *who, int64_t case_id,
				     int64_t now, struct referral_view **out,
				     size_t *count);

/*
 * The inbox of the actor's shared units: what is asked, by which
 * municipality, its status; nothing personal. NARA_EDENIED when the actor
 * works in no shared unit.
 */
enum nara_err referral_inbox(struct db *db, struct arena *a,
			     const struct actor *who, int64_t now,
			     struct referral_view **out, size_t *count);

/* Accept, or decline with a reason ("ref.error.reason"). */
enum nara_err referral_answer(struct db *db, const struct actor *who,
			      int64_t referral_id, int accept,
			      const char *reason, int64_t now,
			      const char **why);

/*
 * Ends a referral (R3.2): a case officer or team lead of the case's unit
 * (also before the unit has answered: the referral is taken back), or the
 * shared unit's staff once they have accepted it. A reason is required
 * ("ref.error.end_reason"); an ended or declined referral does not end
 * again (NARA_ECONFLICT, "ref.error.ended"). The unit's access closes at
 * its next request, whatever the basis. Anyone else: NARA_EDENIED,
 * audited and flagged. case_id: the case whose page the form was on
 * (NARA_ENOTFOUND when the referral is not of it); 0 from the unit's side.
 */
enum nara_err referral_end(struct db *db, const struct actor *who,
			   int64_t case_id, int64_t referral_id,
			   const char *reason, int64_t now, const char **why);

struct journal_note_view;

/* The disclosed parts of the case (each NULL/0 when not disclosed). */
struct referral_file {
	struct referral_view r;
	int open; /* the parts below were read */
	unsigned parts;
	const char *reference, *kind, *matter, *case_state;
	const char *given_name, *family_name, *personnummer, *birth_date;
	const char *address, *postal_code, *city, *phone, *email;
	int address_withheld;
	struct journal_note_view *notes;
	size_t nnotes;
	struct referral_decision {
		int64_t decided_at;
		const char *outcome, *subject, *content, *reasons;
	} * decisions;
	size_t ndecisions;
	/*
	 * A family-peace centre's referral (R4.4, the norm there): where the
	 * person stays now, as the centre recorded it; present 0: not yet.
	 * Only the centre's staff ever read it, here.
	 */
	int family_peace;
	struct referral_whereabouts {
		int present;
		int64_t recorded_at;
		const char *address, *postal_code, *phone, *note, *recorded_by;
	} where;
};

/*
 * The referral for the shared unit's staff: before acceptance only what
 * is asked; after, the disclosed parts while the basis holds. A read after
 * the basis has ended is refused (NARA_EDENIED, audited, flagged) and
 * *why says why ("ref.closed.withdrawn", ...).
 */
enum nara_err referral_read(struct db *db, struct arena *a,
			    const struct actor *who, int64_t referral_id,
			    int64_t now, struct referral_file *out,
			    const char **why);

/* A journal note by the shared unit's staff, stamped acting-for (R3.3). */
enum nara_err referral_note(struct db *db, const struct actor *who,
			    int64_t referral_id, const char *body, int64_t now,
			    int64_t *note_id, const char **why);

/*
 * A family-peace centre records where the person stays (R4.4): only the
 * centre's staff, under an open referral to a unit of kind family_peace;
 * NARA_EINVAL with *why "ref.error.where_address", "ref.error.where_field"
 * for bad input, NARA_EDENIED (audited, flagged) otherwise, with *why
 * saying why when the referral is closed. address is required.
 */
struct whereabouts_new {
	const char *address, *postal_code, *phone, *note;
};
enum nara_err referral_whereabouts_record(struct db *db,
					  const struct actor *who,
					  int64_t referral_id,
					  const struct whereabouts_new *w,
					  int64_t now, const char **why);

/* A consent as the person sees it on Mina sidor. */
struct consent_view {
	int64_t id, valid_until, given_at, withdrawn_at, requested_at;
	unsigned scope;
	const char *status; /* requested, given, withdrawn, expired */
	const char *unit_name, *host_name, *municipality_name, *purpose;
	const char *given_by;
	/*
	 * The referral the consent was asked for, as the person may follow
	 * it: pending, accepted, declined or ended ("" when none), and when
	 * the unit answered (0 when it has not).
	 */
	const char *referral_status;
	int64_t referral_answered_at;
};

/* The person's consents in every municipality (audited as a read). */
enum nara_err consent_list_own(struct db *db, struct arena *a,
			       const struct actor *who, int64_t now,
			       struct consent_view **out, size_t *count);

/* The person gives a requested consent, or withdraws one (audited). */
enum nara_err consent_give_own(struct db *db, const struct actor *who,
			       int64_t consent_id, int64_t now);
enum nara_err consent_withdraw_own(struct db *db, const struct actor *who,
				   int64_t consent_id, int64_t now);

#endif
