/*
 * Persons known to a municipality. A person row belongs to the committee
 * responsible for it (DOMAIN.md R3.1). Creating one is a write of personal
 * data, so it leaves an audit row in the same transaction.
 */
#ifndef NARA_PERSON_H
#define NARA_PERSON_H

#include <stdint.h>

#include "core/err.h"

struct db;

struct person_new {
	int64_t municipality_id;
	const char *personnummer; /* any accepted form; stored canonical */
	const char *given_name;
	const char *family_name;
	int protected_identity;
	int fictitious;
	const char *address, *postal_code, *city, *phone, *email; /* may be NULL */
	const char *actor_label; /* who adds it, for the audit row */
};

/*
 * Validates the personnummer (NARA_EINVAL when wrong) and inserts the
 * person with its audit row. Joins the caller's transaction if one is
 * open, else runs in its own. NARA_ECONFLICT: already known to the
 * municipality.
 */
enum nara_err person_add(struct db *db, const struct person_new *p, int64_t *id);

#include "core/arena.h"

struct actor;

/* A person as a page shows it; address fields are "" when withheld. */
struct person_view {
	int64_t id, municipality_id;
	const char *municipality_name;
	const char *personnummer, *given_name, *family_name, *sex, *birth_date;
	const char *address, *postal_code, *city, *phone, *email;
	int protected_identity;
	int address_withheld; /* protected identity and the reader not cleared */
};

/*
 * Reads one person for the actor: the policy decides, the read (or the
 * refused attempt, flagged) is audited in the same transaction.
 * NARA_EDENIED when refused, NARA_ENOTFOUND when there is no such person.
 */
enum nara_err person_read(struct db *db, struct arena *a,
			  const struct actor *who, int64_t person_id,
			  struct person_view *out);

/* The persons in the actor's municipality with that personnummer (staff). */
enum nara_err person_find(struct db *db, struct arena *a,
			  const struct actor *who, const char *personnummer,
			  int64_t **ids, size_t *count);

/* A citizen's own records in every municipality, each read audited. */
enum nara_err person_read_own(struct db *db, struct arena *a,
			      const struct actor *who,
			      struct person_view **out, size_t *count);

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
