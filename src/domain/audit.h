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
