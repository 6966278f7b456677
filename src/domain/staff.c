/* Staff accounts; see staff.h. */
#include "domain/staff.h"

#include <string.h>
#include <time.h>

#include "core/url.h"
#include "db/db.h"
#include "domain/audit.h"
#include "policy/policy.h"

/* Opens a transaction unless one is open; *owned says whether we did. */
static enum nara_err begin_if_needed(struct db *db, int *owned)
{
	*owned = !db_in_tx(db);
	return *owned ? db_begin(db) : NARA_OK;
}

static enum nara_err end(struct db *db, int owned, enum nara_err err)
{
	if (!owned)
		return err;
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

enum nara_err staff_add(struct db *db, const struct staff_new *s, int64_t *id)
{
	if (s->username == NULL || s->username[0] == '\0' ||
	    s->display_name == NULL || s->display_name[0] == '\0')
		return NARA_EINVAL;
	int owned;
	enum nara_err err = begin_if_needed(db, &owned);
	if (err != NARA_OK)
		return err;
	err = db_query_int(db, id,
			   "INSERT INTO staff_user (municipality_id, username,"
			   " display_name, email, oidc_issuer, oidc_subject,"
			   " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			   "isssssi", s->municipality_id, s->username,
			   s->display_name, s->email ? s->email : "",
			   s->oidc_issuer, s->oidc_subject, (int64_t)time(NULL));
	if (err == NARA_OK) {
		struct audit_entry e = {
			.actor_kind = "system",
			.actor_label = "nara",
			.municipality_id = s->municipality_id,
			.action = "create",
			.record_kind = "staff_user",
			.record_id = *id,
		};
		err = audit_append(db, &e);
	}
	return end(db, owned, err);
}

enum nara_err staff_grant_role(struct db *db, int64_t user_id, int64_t unit_id,
			       const char *role)
{
	if (role == NULL || policy_role_parse(role) < 0)
		return NARA_EINVAL;
	int owned;
	enum nara_err err = begin_if_needed(db, &owned);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0;
	err = db_query_int(db, &municipality_id,
			   "SELECT municipality_id FROM unit WHERE id = ?", "i",
			   unit_id);
	if (err == NARA_OK)
		err = db_run(db,
			     "INSERT INTO staff_role (user_id, unit_id, role)"
			     " VALUES (?, ?, ?)",
			     "iis", user_id, unit_id, role);
	if (err == NARA_OK) {
		struct audit_entry e = {
			.actor_kind = "system",
			.actor_label = "nara",
			.municipality_id = municipality_id,
			.action = "grant",
			.record_kind = "staff_role",
			.record_id = user_id,
			.reason = role,
		};
		err = audit_append(db, &e);
	}
	return end(db, owned, err);
}

enum nara_err staff_link_oidc(struct db *db, const char *username,
			      const char *issuer, const char *subject,
			      int64_t *id)
{
	if (username == NULL || !url_is_secure_or_loopback(issuer) ||
	    subject == NULL || subject[0] == '\0' || strlen(subject) > 255)
		return NARA_EINVAL;
	int owned;
	enum nara_err err = begin_if_needed(db, &owned);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0;
	err = db_query_int(db, id, "SELECT id FROM staff_user WHERE username = ?",
			   "s", username);
	if (err == NARA_OK)
		err = db_query_int(db, &municipality_id,
				   "SELECT municipality_id FROM staff_user"
				   " WHERE id = ?",
				   "i", *id);
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE staff_user SET oidc_issuer = ?,"
			     " oidc_subject = ? WHERE id = ?",
			     "ssi", issuer, subject, *id);
	if (err == NARA_OK) {
		/* Who may log in as whom is what a reviewer needs to see. */
		struct audit_entry e = {
			.actor_kind = "system",
			.actor_label = "nara",
			.municipality_id = municipality_id,
			.action = "link_login",
			.record_kind = "staff_user",
			.record_id = *id,
			.reason = issuer,
		};
		err = audit_append(db, &e);
	}
	return end(db, owned, err);
}

enum nara_err staff_find_by_oidc(struct db *db, const char *issuer,
				 const char *subject, int64_t *id)
{
	return db_query_int(db, id,
			    "SELECT id FROM staff_user WHERE oidc_issuer = ?"
			    " AND oidc_subject = ? AND active = 1",
			    "ss", issuer, subject);
}

enum nara_err staff_set_protected_clearance(struct db *db, int64_t user_id,
					    int cleared)
{
	int owned;
	enum nara_err err = begin_if_needed(db, &owned);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0;
	err = db_query_int(db, &municipality_id,
			   "SELECT municipality_id FROM staff_user WHERE id = ?",
			   "i", user_id);
	if (err == NARA_OK)
		err = db_run(db,
			     "UPDATE staff_user SET protected_identity_cleared = ?"
			     " WHERE id = ?",
			     "ii", (int64_t)(cleared ? 1 : 0), user_id);
	if (err == NARA_OK) {
		/* Who may see where people in hiding live is itself audited. */
		struct audit_entry e = {
			.actor_kind = "system",
			.actor_label = "nara",
			.municipality_id = municipality_id,
			.action = cleared ? "clear_protected" : "unclear_protected",
			.record_kind = "staff_user",
			.record_id = user_id,
		};
		err = audit_append(db, &e);
	}
	return end(db, owned, err);
}
