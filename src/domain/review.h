/*
 * The security officer's review of the audit log (DOMAIN.md R4.2): the
 * log of their own municipality, filtered, and the record that a month's
 * review was done. Reading the log is itself audited.
 */
#ifndef NARA_REVIEW_H
#define NARA_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct db;
struct actor;

struct review_filter {
	const char *personnummer; /* twelve digits, or NULL */
	const char *actor;        /* part of the actor's label, or NULL */
	int64_t from, to;         /* epoch seconds; 0: open */
	int flagged_only;
};

struct review_row {
	int64_t id, at;
	const char *actor_label, *action, *record_kind, *reason;
	int64_t record_id;
	int flagged;
};

struct review_done {
	const char *month, *reviewer, *note;
	int64_t at;
};

/* NARA_EDENIED unless the actor is security officer of their municipality. */
enum nara_err review_list(struct db *db, struct arena *a, const struct actor *who,
			  const struct review_filter *f, struct review_row **rows,
			  size_t *count);
enum nara_err review_done_list(struct db *db, struct arena *a,
			       const struct actor *who, struct review_done **out,
			       size_t *count);
/* month: YYYY-MM. NARA_ECONFLICT when that month is already recorded. */
enum nara_err review_record(struct db *db, const struct actor *who,
			    const char *month, const char *note);

#endif
