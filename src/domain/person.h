/*
 * Persons known to a municipality. A person row belongs to the committee
 * responsible for it (DOMAIN.md R3.1) and may sit in one unit's caseload
 * (R4.1). Every read goes through the policy layer and leaves an audit row
 * in the same transaction as the read, refused attempts too (flagged);
 * creating a person is a write and leaves one as well.
 */
#ifndef NARA_PERSON_H
#define NARA_PERSON_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "policy/policy.h"

struct db;
struct actor;

struct person_new {
	int64_t municipality_id;
	int64_t unit_id;	  /* 0: no unit's caseload yet */
	const char *personnummer; /* any accepted form; stored canonical */
	const char *given_name;
	const char *family_name;
	int protected_identity;
	int fictitious;
	const char *address, *postal_code, *city, *phone,
	    *email;		 /* may be NULL */
	const char *actor_label; /* who adds it, for the audit row */
};

/*
 * Validates the personnummer and the unit (one of the municipality's; else
 * NARA_EINVAL) and inserts the person with its audit row. Joins the
 * caller's transaction if one is open, else runs in its own.
 * NARA_ECONFLICT: already known to the municipality.
 */
enum nara_err person_add(struct db *db, const struct person_new *p,
			 int64_t *id);

/* A person as a page shows it; address fields are "" when withheld. */
struct person_view {
	int64_t id, municipality_id, unit_id;
	const char *municipality_name, *unit_name; /* unit_name "" when none */
	const char *personnummer, *given_name, *family_name, *sex, *birth_date;
	const char *address, *postal_code, *city, *phone, *email;
	int protected_identity;
	int address_withheld; /* protected identity and the reader not cleared
			       */
	/* The decision on reading it, refusals included (see person_read). */
	struct policy_decision decision;
};

/*
 * Reads one person for a staff member or citizen: the policy decides, the
 * read (or the refused attempt, flagged) is audited in one transaction.
 *
 * break_glass_reason: NULL for an ordinary read. Given, it is the reason
 * the user states to open another unit's record of their own municipality
 * (R4.1): NARA_EINVAL unless it is a sentence (policy_reason_is_sentence),
 * and then nothing is read or written; else the read is allowed only where
 * the policy lets break-the-glass lift the refusal, and its audit row
 * (action "read_break_glass") is flagged and carries the reason.
 *
 * NARA_EDENIED when refused: out then holds only id and decision, so a
 * page can tell whether to offer the break-the-glass form. NARA_ENOTFOUND
 * when there is no such person (nothing is audited: no record was read).
 */
enum nara_err person_read(struct db *db, struct arena *a,
			  const struct actor *who, int64_t person_id,
			  const char *break_glass_reason,
			  struct person_view *out);

/*
 * Staff search by personnummer, only within the actor's own municipality:
 * there is no search across committees (R3.1). One transaction holds the
 * search's audit row (action "search", the number asked for as reason) and
 * one row per person found, allowed or refused, like person_read. Refused
 * persons are in *out with only id, personnummer and decision.
 * NARA_EINVAL: not a valid personnummer (nothing is audited).
 */
enum nara_err person_search(struct db *db, struct arena *a,
			    const struct actor *who, const char *personnummer,
			    struct person_view **out, size_t *count);

/* A citizen's own records in every municipality, each read audited. */
enum nara_err person_read_own(struct db *db, struct arena *a,
			      const struct actor *who, struct person_view **out,
			      size_t *count);

/* "Who has read my file" (R2.6): staff reads of the citizen's records. */
struct person_read_log {
	int64_t at;
	const char *municipality_name;
	const char *unit_name;
};
enum nara_err person_reads_of(struct db *db, struct arena *a,
			      const struct actor *who,
			      struct person_read_log **out, size_t *count);

#endif
