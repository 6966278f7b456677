/*
 * Who is acting: a logged-in staff member with their roles per unit, or a
 * citizen known by personnummer. Loaded once per request from the session;
 * the policy layer decides with the `subject` inside.
 */
#ifndef NARA_ACCESS_H
#define NARA_ACCESS_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "policy/policy.h"

struct db;

struct actor {
	struct policy_subject subject;
	const char *kind;        /* "staff" or "citizen" */
	int64_t staff_id;
	char personnummer[13];
	const char *name;        /* staff: display name */
	const char *municipality_name;
	char label[96];          /* for audit rows: "Anna Andersson (bjuv.handlaggare)" */
	const char *request_id;
};

/* NARA_ENOTFOUND when the account does not exist or is not active. */
enum nara_err access_load_staff(struct db *db, struct arena *a,
				int64_t staff_id, struct actor *out);
void access_citizen(const char *personnummer, struct actor *out);

#endif
