/*
 * Staff accounts and their roles per unit. A role is held in one unit
 * (src/policy/policy.h says what each may do); the roles are the ones the
 * CHECK in sql/001_tenants.sql lists, and policy_role_parse() knows.
 *
 * The audit rows name the platform itself as the actor (actor_kind
 * 'system', label "nara"): accounts are made by `nara user add` and by the
 * demo, which run with the database's own authority and have no staff
 * account to name. When an admin page creates accounts, it should take an
 * actor here rather than write a second row.
 */
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
 * already opened one (then it joins it, and on error the caller rolls
 * back). NARA_ECONFLICT: the username or the issuer+subject is taken, the
 * role is already held, or the municipality or user does not exist;
 * NARA_EINVAL: an unknown role or an empty name; NARA_ENOTFOUND: no such
 * unit.
 */
enum nara_err staff_add(struct db *db, const struct staff_new *s, int64_t *id);
enum nara_err staff_grant_role(struct db *db, int64_t user_id, int64_t unit_id,
			       const char *role);
/*
 * Names the staff member as one who may see the address of a person with
 * protected identity in a unit where they do casework (R4.4), or takes
 * that away; audited. NARA_ENOTFOUND: no such account.
 */
enum nara_err staff_set_protected_clearance(struct db *db, int64_t user_id,
					    int cleared);

/*
 * Links the account `username` to its login at an OpenID Connect provider:
 * the provider's issuer URL and the account's subject there (the "sub" of
 * its ID tokens). Replaces an earlier link. Joins or opens a transaction
 * like the above, with its audit row. NARA_ENOTFOUND: no such user;
 * NARA_ECONFLICT: another account has this issuer and subject; NARA_EINVAL:
 * the issuer is not https (or loopback) or the subject is empty or longer
 * than 255 bytes.
 */
enum nara_err staff_link_oidc(struct db *db, const char *username,
			      const char *issuer, const char *subject,
			      int64_t *id);

/*
 * The active account linked to issuer and subject, for the login.
 * NARA_ENOTFOUND when none is (or it was closed).
 */
enum nara_err staff_find_by_oidc(struct db *db, const char *issuer,
				 const char *subject, int64_t *id);

#endif
