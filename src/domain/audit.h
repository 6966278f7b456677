/*
 * The audit trail (DOMAIN.md R4.2): every read and write of personal data
 * leaves a row, written in the same transaction as the work, so either both
 * are stored or neither. The log is append-only and hash-chained: each
 * row's hash covers the previous row's hash and all of the row's fields.
 */
#ifndef NARA_AUDIT_H
#define NARA_AUDIT_H

#include <stdint.h>

#include "core/err.h"

struct db;

struct audit_entry {
	const char *actor_kind;   /* "staff", "citizen" or "system" */
	int64_t actor_id;         /* 0: none */
	const char *actor_label;  /* a name a reviewer can read */
	int64_t municipality_id;  /* the committee acted for; 0: none */
	int64_t agreement_id;     /* acting under an agreement; 0: none */
	const char *action;       /* "read", "create", "update", ... */
	const char *record_kind;  /* "person", "case", ... */
	int64_t record_id;        /* 0: none */
	int64_t person_id;        /* whose data; 0: none */
	const char *reason;       /* why, for break-the-glass; may be NULL */
	int flagged;              /* for review */
	const char *request_id;   /* may be NULL */
	int64_t at;               /* epoch seconds; 0: now */
};

/*
 * Appends a row. Must run inside the caller's transaction (db_begin), which
 * holds the work being audited: NARA_EINVAL otherwise.
 */
enum nara_err audit_append(struct db *db, const struct audit_entry *e);

struct actor;

/*
 * The row of what `who` did, in the caller's transaction: the actor's
 * kind, id (staff: their account; a citizen: 0, the person is person_id),
 * label and request id come from who, the rest as given; reason NULL is
 * "".
 */
enum nara_err audit_actor(struct db *db, const struct actor *who,
			  int64_t municipality_id, int64_t agreement_id,
			  const char *action, const char *record_kind,
			  int64_t record_id, int64_t person_id,
			  const char *reason, int flagged);

/*
 * Ends an action's transaction (db_begin): commits the work, or a refusal
 * whose audit row must stay (err NARA_EDENIED), and rolls back anything
 * else, so nothing is half-written. Returns err, or the commit's error.
 * Does nothing but return err when no transaction is open.
 */
enum nara_err audit_finish(struct db *db, enum nara_err err);

/* A row as stored; ids of 0 were stored as NULL. */
struct audit_row {
	int64_t id, at, actor_id, municipality_id, agreement_id, record_id,
		person_id;
	const char *actor_kind, *actor_label, *action, *record_kind, *reason,
		*request_id;
	int flagged;
};

/*
 * Calls each(row) for the rows after after_id, oldest first; only those
 * of one request when request_id is not NULL. The row's strings last
 * until each returns. For exporting the log and for the tests, which read
 * exactly the rows a page wrote.
 */
enum nara_err audit_list(struct db *db, int64_t after_id,
			 const char *request_id,
			 void (*each)(const struct audit_row *row, void *arg),
			 void *arg);

/* The id of the last row (0: the log is empty). */
enum nara_err audit_last_id(struct db *db, int64_t *id);

/*
 * Walks the whole log in order and recomputes every hash. NARA_EINTEGRITY
 * with *first_bad_id set when a row was edited or deleted (including the
 * last); *rows_checked counts the rows found intact before it. Reads in
 * one snapshot (a read transaction of its own, or the caller's), so a
 * server appending meanwhile does not look like tampering.
 */
enum nara_err audit_verify(struct db *db, int64_t *rows_checked,
			   int64_t *first_bad_id);

#endif
