/*
 * A person who moves: the case handed over as a package (DOMAIN.md R3.4),
 * with a disclosure decision (R3.2), never as shared access.
 *
 *   offer    A case officer of the sending municipality (casework in the
 *            case's unit: the policy's write grant) chooses the parts
 *            that go — the person's identity, the application or report,
 *            which journal notes, decisions and documents — and records
 *            who decided the disclosure, its legal basis (SoL 2 a kap.
 *            10 § överflyttning, or the person's consent) and the
 *            reasons. The package is a snapshot of the parts as they are
 *            then. A note withheld from the person (third party,
 *            reporter's identity, harm) goes only when the officer says
 *            so on purpose (include_withheld): it then stays withheld,
 *            with its reason, in the new case. A report's reporter is
 *            never in the package: the report part carries the concern,
 *            when it came and what kind of reporter, nothing more.
 *   list     The receiving municipality's reception (policy/handover.h)
 *            sees incoming handovers WITHOUT personal data: from which
 *            municipality, the kind of matter, when. Opening one is a read
 *            of personal data, audited in the receiving committee.
 *   accept   A NEW case of the receiving municipality in a unit where the
 *            receiver does casework, holding copies of exactly the parts
 *            (each note marked "Överlämnat från A, datum"); the sending
 *            case is closed (its timeline, a note, the flow's close move).
 *   decline  With a reason; the sending case stays open and gets a note.
 *   withdraw The sending officer takes an unanswered offer back, with a
 *            reason: the reception can no longer open, accept or decline
 *            it (nothing personal is shown for it any more), the sending
 *            case gets a note and may be offered again.
 *
 * Afterwards neither committee reads the other's case: nothing here opens
 * a door in the tenant wall. Each action is one transaction with its audit
 * rows in both committees.
 *
 * Errors: NARA_EDENIED (the policy refuses; the refusal is audited),
 * NARA_ENOTFOUND, NARA_EINVAL with *why a catalogue key for bad input,
 * NARA_ECONFLICT with *why when the case or handover changed meanwhile.
 */
#ifndef NARA_HANDOVER_H
#define NARA_HANDOVER_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct db;
struct actor;

enum { HANDOVER_MAX_PARTS = 500, HANDOVER_TEXT_MAX = 4000 };

struct handover_offer {
	int64_t case_id;
	int64_t expected_version; /* 0: do not check */
	int64_t to_municipality_id;
	int identity;	 /* the person's name and personnummer */
	int application; /* the application's answers, or the report */
	const int64_t *notes, *decisions, *documents;
	size_t nnotes, ndecisions, ndocuments;
	int include_withheld; /* withheld notes chosen on purpose */
	const char
	    *legal_basis; /* "transfer" (SoL 2 a kap. 10 §) or "consent" */
	const char *decided_by, *reasons;
};

enum nara_err handover_offer(struct db *db, struct arena *a,
			     const struct actor *who,
			     const struct handover_offer *o, int64_t now,
			     int64_t *id, const char **why);

/* A handover as lists show it: no personal data. */
struct handover_summary {
	int64_t id, from_case_id, new_case_id;
	int64_t from_municipality_id, to_municipality_id;
	const char *from_municipality, *to_municipality;
	const char *kind, *matter, *state, *legal_basis;
	const char *decline_reason, *answered_by;
	int64_t offered_at, answered_at;
};

/* Incoming to the actor's municipality, newest first (the reception only). */
enum nara_err handover_incoming(struct db *db, struct arena *a,
				const struct actor *who,
				struct handover_summary **out, size_t *count);

/* The handovers of a case, for the sending officer (the read policy). */
enum nara_err handover_of_case(struct db *db, struct arena *a,
			       const struct actor *who, int64_t case_id,
			       struct handover_summary **out, size_t *count);

struct handover_part_view {
	const char *kind, *title, *author_label, *body, *visibility,
	    *withheld_reason;
	int64_t written_at, visible_from;
	int64_t source_id; /* the note, decision, document ... it copies */
};

struct handover_view {
	struct handover_summary s;
	const char *decided_by, *reasons, *offered_by;
	int has_identity, protected_identity;
	const char *personnummer, *given_name, *family_name;
	struct handover_part_view *parts;
	size_t nparts;
};

/* The package, for the receiving reception; audited as a read. */
enum nara_err handover_open(struct db *db, struct arena *a,
			    const struct actor *who, int64_t id,
			    struct handover_view *out);

/* A unit of the actor's municipality where they may receive the new case. */
struct handover_unit {
	int64_t id;
	const char *name;
};
enum nara_err handover_units(struct db *db, struct arena *a,
			     const struct actor *who,
			     struct handover_unit **out, size_t *count);

/* unit_id: where the new case goes (casework of the actor there). */
enum nara_err handover_accept(struct db *db, struct arena *a,
			      const struct actor *who, int64_t id,
			      int64_t unit_id, int64_t now,
			      int64_t *new_case_id, const char **why);

enum nara_err handover_decline(struct db *db, struct arena *a,
			       const struct actor *who, int64_t id,
			       const char *reason, int64_t now,
			       const char **why);

/*
 * The sending officer (the case's write policy) takes back offer id of
 * case_id: NARA_EINVAL "handover.error.withdraw_reason" without a reason,
 * NARA_ECONFLICT "handover.error.answered" once answered, NARA_ENOTFOUND
 * when it is not of that case.
 */
enum nara_err handover_withdraw(struct db *db, struct arena *a,
				const struct actor *who, int64_t case_id,
				int64_t id, const char *reason, int64_t now,
				const char **why);

#endif
