/*
 * Guardians and their children (DOMAIN.md R2.5). A committee records who
 * is the guardian of a child in its own records (table guardianship: both
 * persons in the same municipality). A guardian reads the record of a
 * child under 13 through the policy layer, and sees who in the social
 * services has read it, like their own; from 13 the child's own interest
 * in secrecy is weighed and the guardian is refused until staff decide, a
 * child with protected identity is never shown, nor anyone 18 or older.
 */
#ifndef NARA_GUARDIAN_H
#define NARA_GUARDIAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/person.h"

struct db;
struct actor;

/*
 * Records that guardian_id is the guardian of child_id, with its audit
 * row. Both must be persons of municipality_id (NARA_EINVAL otherwise,
 * also when they are the same person). Joins the caller's transaction if
 * one is open. NARA_ECONFLICT when already recorded.
 */
enum nara_err guardianship_add(struct db *db, int64_t municipality_id,
			       int64_t guardian_id, int64_t child_id,
			       const char *actor_label);

/*
 * The children whose records the citizen may read as their guardian, at
 * time now (for the child's age), each read audited in one transaction.
 * Children the policy refuses are left out and nothing is written for
 * them: the citizen asked for their own page, not for those records, and
 * a page that said "there is a record you may not see" would itself
 * disclose that a protected child or a teenager has a file.
 */
enum nara_err guardian_children(struct db *db, struct arena *a,
				const struct actor *who, int64_t now,
				struct person_view **out, size_t *count);

/*
 * One child's record and who has read it, for the guardian asking: the
 * policy decides and the read, or the refused attempt (flagged), is
 * audited in the same transaction as the reads. NARA_EDENIED when
 * refused, NARA_ENOTFOUND when there is no such person.
 */
enum nara_err guardian_read_child(struct db *db, struct arena *a,
				  const struct actor *who, int64_t child_id,
				  int64_t now, struct person_view *out,
				  struct person_read_log **reads,
				  size_t *nreads);

#endif
