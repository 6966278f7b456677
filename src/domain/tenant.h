/*
 * Municipalities, their units and the agreements between them: the walls
 * and the doors of the platform. Writes run in a transaction of their own
 * with an audit row (actor: the given label, e.g. the command line user).
 */
#ifndef NARA_TENANT_H
#define NARA_TENANT_H

#include <stdint.h>

#include "core/err.h"

struct db;

enum nara_err municipality_add(struct db *db, const char *code,
			       const char *slug, const char *name, int64_t *id);
enum nara_err municipality_id_by_slug(struct db *db, const char *slug,
				      int64_t *id);
enum nara_err unit_add(struct db *db, int64_t municipality_id, const char *slug,
		       const char *name, const char *kind, int shared,
		       const char *description, const char *phone, int64_t *id);
enum nara_err unit_id_by_slug(struct db *db, int64_t municipality_id,
			      const char *slug, int64_t *id);
/* valid_to 0: until further notice. The agreement starts its own series. */
enum nara_err agreement_add(struct db *db, int64_t host_municipality_id,
			    const char *name, int64_t valid_from,
			    int64_t valid_to, int64_t *id);
enum nara_err agreement_add_member(struct db *db, int64_t agreement_id,
				   int64_t municipality_id);
enum nara_err agreement_add_unit(struct db *db, int64_t agreement_id,
				 int64_t unit_id);

#endif
