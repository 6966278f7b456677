/*
 * For the domain modules that read persons on someone's behalf (person.c,
 * guardian.c) and nothing else: loading a row without asking the policy,
 * the policy record of a view, the audit row of a read. Every caller asks
 * policy_decide and writes the audit row in the same transaction before
 * anything it loaded leaves the domain layer. Pages never include this.
 */
#ifndef NARA_PERSON_INTERNAL_H
#define NARA_PERSON_INTERNAL_H

#include "domain/person.h"

/* The row, without asking anyone; NARA_ENOTFOUND when there is none. */
enum nara_err person_load(struct db *db, struct arena *a, int64_t id,
			  struct person_view *out);

/* The policy record of a loaded person, as kind. */
struct policy_record person_record(const struct person_view *v,
				   enum policy_record_kind kind);

/*
 * Applies R4.4 to a person the actor may read: asks about the address
 * with the same record (kind changed) and the same mode (break-the-glass
 * or not), and blanks address and contact details when refused.
 */
void person_withhold_address(const struct actor *who,
			     const struct policy_record *r, int break_glass,
			     struct person_view *v);

/*
 * Asks the policy whether who may read the loaded person v, as record r
 * says (the caller adds what it knows, e.g. a guardianship), sets
 * v->decision, and writes the audit row in the caller's transaction. An
 * ordinary read is "read" with the policy's basis, or "read_denied",
 * flagged, with its reason. With a stated reason: the row of a
 * break-the-glass read is "read_break_glass", flagged, carrying the reason
 * as stated; a refused one "break_glass_denied", flagged, with the refusal
 * and the stated reason both.
 */
enum nara_err person_decide_read(struct db *db, struct arena *a,
				 const struct actor *who,
				 const char *break_glass_reason,
				 const struct policy_record *r,
				 struct person_view *v);

/* Leaves only what a refusal may show: the id, the decision, the number. */
void person_keep_refused(struct person_view *v, int keep_personnummer);

/* The audit row of one read of v (flagged when asked), in the caller's tx. */
enum nara_err person_audit(struct db *db, const struct actor *who,
			   const struct person_view *v, const char *action,
			   const char *reason, int flagged);

/*
 * Staff reads of a person's file, newest first: of every person row with
 * that personnummer (a citizen's own, across municipalities) when
 * personnummer is given, else of the one row person_id.
 */
enum nara_err person_reads_load(struct db *db, struct arena *a,
				const char *personnummer, int64_t person_id,
				struct person_read_log **out, size_t *count);

#endif
