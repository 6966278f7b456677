/*
 * Municipalities, their units and the agreements between them: the walls
 * and the doors of the platform. A municipality (kommun) is the tenant; a
 * unit is one of its teams; a shared unit belongs to a host municipality
 * and serves the members of an agreement (avtalssamverkan).
 *
 * Every write leaves an audit row (actor_kind 'system', label "nara") in
 * the same transaction. Each function joins the caller's transaction when
 * one is open, so a whole set-up (the demo, a future admin page) commits
 * or fails as one; otherwise it runs in a transaction of its own.
 *
 * Errors: NARA_EINVAL for a missing name or slug, an unknown unit kind or
 * an agreement that ends before it starts; NARA_ECONFLICT for a code or
 * slug already taken, a link added twice, or a municipality or agreement
 * id that does not exist; NARA_ENOTFOUND from the lookups and for a unit
 * id that does not exist.
 */
#ifndef NARA_TENANT_H
#define NARA_TENANT_H

#include <stdint.h>

#include "core/err.h"

struct db;

/* code: the four-digit kommunkod; slug: the ASCII name in URLs. */
enum nara_err municipality_add(struct db *db, const char *code,
			       const char *slug, const char *name, int64_t *id);
enum nara_err municipality_id_by_slug(struct db *db, const char *slug,
				      int64_t *id);

/*
 * kind: one of the unit kinds in sql/001_tenants.sql ('first_line',
 * 'children_families', ...). shared: 1 for a unit other municipalities
 * use under an agreement. description and phone may be NULL ("").
 */
enum nara_err unit_add(struct db *db, int64_t municipality_id, const char *slug,
		       const char *name, const char *kind, int shared,
		       const char *description, const char *phone, int64_t *id);
enum nara_err unit_id_by_slug(struct db *db, int64_t municipality_id,
			      const char *slug, int64_t *id);

/*
 * Times are epoch seconds; valid_to 0: until further notice. The new
 * agreement is version 1 of a series of its own (series = its id).
 */
enum nara_err agreement_add(struct db *db, int64_t host_municipality_id,
			    const char *name, int64_t valid_from,
			    int64_t valid_to, int64_t *id);
enum nara_err agreement_add_member(struct db *db, int64_t agreement_id,
				   int64_t municipality_id);
enum nara_err agreement_add_unit(struct db *db, int64_t agreement_id,
				 int64_t unit_id);

/*
 * decision: a move of src/policy/case_flow.c ("decide", "close", ...) the
 * host's staff may make for members under this version (R3.3).
 * NARA_EINVAL for a name that is no move.
 */
enum nara_err agreement_add_delegation(struct db *db, int64_t agreement_id,
				       const char *decision);

/*
 * The version of an agreement in force at `at` under which the shared
 * unit serves the member municipality: the unit is covered, the
 * municipality is a member (or the host itself), valid_from <= at and
 * (no valid_to or at < valid_to). The lowest such id when several are.
 * NARA_ENOTFOUND when none is: then nobody may act under one.
 */
enum nara_err agreement_in_force(struct db *db, int64_t unit_id,
				 int64_t member_municipality_id, int64_t at,
				 int64_t *agreement_id);

/*
 * *allowed = 1 when the version's delegation lists the move, 0 when not
 * (a version that does not exist delegates nothing).
 */
enum nara_err agreement_delegates(struct db *db, int64_t agreement_id,
				  const char *decision, int *allowed);

#endif
