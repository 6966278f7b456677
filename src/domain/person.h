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

#endif
