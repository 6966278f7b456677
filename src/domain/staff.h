/* Staff accounts and their roles per unit. */
#ifndef NARA_STAFF_H
#define NARA_STAFF_H

#include <stdint.h>

#include "core/err.h"

struct db;

struct staff_new {
	int64_t municipality_id;
	const char *username;
	const char *display_name;
	const char *email;        /* may be NULL */
	const char *oidc_issuer;  /* may be NULL: set at first login */
	const char *oidc_subject; /* may be NULL */
};

/*
 * Each runs in its own transaction with its audit row, unless the caller
 * already opened one (then it joins it). NARA_ECONFLICT: the username or
 * the issuer+subject is taken; NARA_EINVAL: an unknown role or an empty
 * name.
 */
enum nara_err staff_add(struct db *db, const struct staff_new *s, int64_t *id);
enum nara_err staff_grant_role(struct db *db, int64_t user_id, int64_t unit_id,
			       const char *role);

#endif
