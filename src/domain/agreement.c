/*
 * Agreements recorded by a municipal administrator; see agreement.h. The
 * policy decides who administers (ACT_ADMINISTER on the municipality's
 * settings): the actor's own municipality to read what it hosts or is a
 * member of, the host to write. Rows go in through tenant.c's
 * agreement_add* so the demo and this page make the same rows.
 */
#include "domain/agreement.h"

#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/tenant.h"
#include "policy/case_flow.h"
#include "policy/policy.h"

enum { DAY = 86400 };

/* The actor administers the municipality (the policy's answer). */
static int administers(const struct actor *who, int64_t municipality_id)
{
	if (who == NULL || strcmp(who->kind, "staff") != 0)
		return 0;
	struct policy_record r = {.kind = REC_MUNICIPALITY_SETTINGS,
				  .municipality_id = municipality_id};
	return policy_decide(&who->subject, ACT_ADMINISTER, &r).allowed;
}

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	return arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
}

static int blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

/*
 * A list of cap items of `size` bytes copied into one twice as long in the
 * arena (cap doubled); NULL without memory.
 */
static void *grow(struct arena *a, const void *list, size_t *cap, size_t size)
{
	void *more = arena_calloc(a, *cap * 2, size);
	if (more != NULL)
		memcpy(more, list, *cap * size);
	*cap *= 2;
	return more;
}

/* The parties (members or units) of one version. */
static enum nara_err parties(struct db *db, struct arena *a, const char *sql,
			     int64_t id, struct agreement_party **out,
			     size_t *count)
{
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(db, sql, &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, id);
	size_t cap = 16;
	struct agreement_party *list = arena_calloc(a, cap, sizeof(*list));
	int rc = DB_DONE;
	while (list != NULL && (rc = db_step(st)) == DB_ROW) {
		if (*count == cap &&
		    (list = grow(a, list, &cap, sizeof(*list))) == NULL)
			break;
		list[*count].id = db_col_int(st, 0);
		list[*count].name = col(a, st, 1);
		(*count)++;
	}
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	*out = list;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

static enum nara_err fill_version(struct db *db, struct arena *a, int64_t now,
				  struct agreement_version *v)
{
	enum nara_err err = parties(
	    db, a,
	    "SELECT m.id, m.name FROM agreement_member am JOIN municipality m"
	    " ON m.id = am.municipality_id WHERE am.agreement_id = ?"
	    " ORDER BY m.name",
	    v->id, &v->members, &v->nmembers);
	if (err == NARA_OK)
		err = parties(db, a,
			      "SELECT u.id, u.name FROM agreement_unit au JOIN"
			      " unit u ON u.id = au.unit_id WHERE"
			      " au.agreement_id = ? ORDER BY u.name",
			      v->id, &v->units, &v->nunits);
	struct agreement_party *d = NULL;
	size_t nd = 0;
	if (err == NARA_OK)
		err = parties(db, a,
			      "SELECT 0, decision FROM agreement_delegation"
			      " WHERE agreement_id = ?",
			      v->id, &d, &nd);
	for (size_t i = 0; i < nd; i++) {
		int act = case_action_parse(d[i].name);
		if (act >= 0)
			v->delegation |= 1u << act;
	}
	v->ended = v->valid_to != 0 && v->valid_to <= now;
	v->upcoming = v->valid_from > now;
	v->in_force = !v->ended && !v->upcoming;
	return err;
}

#define VERSION_COLUMNS                                                        \
	"SELECT a.id, a.series, a.version, a.host_municipality_id, h.name,"    \
	" a.name, a.services, COALESCE(s.display_name, 'nara'),"               \
	" a.valid_from, COALESCE(a.valid_to, 0), a.created_at"                 \
	" FROM agreement a JOIN municipality h ON h.id ="                      \
	" a.host_municipality_id LEFT JOIN staff_user s ON s.id ="             \
	" a.recorded_by "

static void read_row(struct arena *a, struct db_stmt *st,
		     struct agreement_version *v)
{
	memset(v, 0, sizeof(*v));
	v->id = db_col_int(st, 0);
	v->series = db_col_int(st, 1);
	v->version = db_col_int(st, 2);
	v->host_id = db_col_int(st, 3);
	v->host_name = col(a, st, 4);
	v->name = col(a, st, 5);
	v->services = col(a, st, 6);
	v->recorded_by = col(a, st, 7);
	v->valid_from = db_col_int(st, 8);
	v->valid_to = db_col_int(st, 9);
	v->created_at = db_col_int(st, 10);
}

/* Reads rows of VERSION_COLUMNS + where, with one id bound, then fills. */
static enum nara_err read_versions(struct db *db, struct arena *a,
				   const char *sql, int64_t bind, int nbind,
				   int64_t now, struct agreement_version **out,
				   size_t *count)
{
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(db, sql, &st);
	if (err != NARA_OK)
		return err;
	for (int i = 1; i <= nbind; i++)
		db_bind_int(st, i, bind);
	size_t cap = 8;
	struct agreement_version *list = arena_calloc(a, cap, sizeof(*list));
	int rc = DB_DONE;
	while (list != NULL && (rc = db_step(st)) == DB_ROW) {
		if (*count == cap &&
		    (list = grow(a, list, &cap, sizeof(*list))) == NULL)
			break;
		read_row(a, st, &list[(*count)++]);
	}
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	if (rc < 0)
		return db_step_err(rc);
	for (size_t i = 0; i < *count && err == NARA_OK; i++)
		err = fill_version(db, a, now, &list[i]);
	*out = list;
	return err;
}

enum nara_err agreement_list_for(struct db *db, struct arena *a,
				 const struct actor *who, int64_t now,
				 struct agreement_version **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (!administers(who, who->subject.municipality_id))
		return NARA_EDENIED;
	/*
	 * A series is the municipality's when it hosts it or is a member of
	 * any of its versions: a member left out of a later version still
	 * sees the history that concerned it.
	 */
	return read_versions(
	    db, a,
	    VERSION_COLUMNS
	    " WHERE a.version = (SELECT MAX(b.version) FROM agreement b"
	    "  WHERE b.series = a.series)"
	    " AND a.series IN (SELECT b.series FROM agreement b WHERE"
	    "  b.host_municipality_id = ? OR EXISTS (SELECT 1 FROM"
	    "  agreement_member m WHERE m.agreement_id = b.id AND"
	    "  m.municipality_id = ?))"
	    " ORDER BY a.series DESC",
	    who->subject.municipality_id, 2, now, out, count);
}

/* The series' host, or NARA_ENOTFOUND; *concerned: host or a member. */
static enum nara_err series_host(struct db *db, int64_t series,
				 int64_t municipality_id, int64_t *host,
				 int *concerned)
{
	enum nara_err err = db_query_int(
	    db, host,
	    "SELECT host_municipality_id FROM agreement WHERE series = ?"
	    " AND version = 1",
	    "i", series);
	if (err != NARA_OK)
		return err;
	int64_t n = 0;
	err = db_query_int(db, &n,
			   "SELECT COUNT(*) FROM agreement a JOIN"
			   " agreement_member m ON m.agreement_id = a.id"
			   " WHERE a.series = ? AND m.municipality_id = ?",
			   "ii", series, municipality_id);
	*concerned = *host == municipality_id || n > 0;
	return err;
}

enum nara_err agreement_series_read(struct db *db, struct arena *a,
				    const struct actor *who, int64_t series,
				    int64_t now,
				    struct agreement_version **versions,
				    size_t *count, int *can_write)
{
	*versions = NULL;
	*count = 0;
	*can_write = 0;
	if (!administers(who, who->subject.municipality_id))
		return NARA_EDENIED;
	int64_t host = 0;
	int concerned = 0;
	enum nara_err err = series_host(
	    db, series, who->subject.municipality_id, &host, &concerned);
	if (err != NARA_OK)
		return err;
	/* Another municipality's agreement is answered as none (R3.1). */
	if (!concerned)
		return NARA_ENOTFOUND;
	*can_write = administers(who, host);
	return read_versions(db, a,
			     VERSION_COLUMNS " WHERE a.series = ?"
					     " ORDER BY a.version DESC",
			     series, 1, now, versions, count);
}

/* Checks the input against the platform; *why a catalogue key. */
static enum nara_err check_input(struct db *db, int64_t host,
				 const struct agreement_input *in,
				 const char **why)
{
	if (blank(in->name) || strlen(in->name) > AGREEMENT_NAME_MAX) {
		*why = "agreement.error.name";
		return NARA_EINVAL;
	}
	if (in->services != NULL &&
	    strlen(in->services) > AGREEMENT_SERVICES_MAX) {
		*why = "agreement.error.services";
		return NARA_EINVAL;
	}
	if (in->valid_from <= 0) {
		*why = "agreement.error.from";
		return NARA_EINVAL;
	}
	if (in->valid_to != 0 && in->valid_to <= in->valid_from) {
		*why = "agreement.error.period";
		return NARA_EINVAL;
	}
	if (in->nmembers == 0 || in->nmembers > AGREEMENT_MAX_MEMBERS) {
		*why = "agreement.error.no_members";
		return NARA_EINVAL;
	}
	if (in->nunits == 0 || in->nunits > AGREEMENT_MAX_UNITS) {
		*why = "agreement.error.no_unit";
		return NARA_EINVAL;
	}
	if (in->delegation >> CA_COUNT) {
		*why = "agreement.error.delegation";
		return NARA_EINVAL;
	}
	for (size_t i = 0; i < in->nmembers; i++) {
		int64_t n = 0;
		enum nara_err err = db_query_int(
		    db, &n, "SELECT COUNT(*) FROM municipality WHERE id = ?",
		    "i", in->members[i]);
		if (err != NARA_OK)
			return err;
		for (size_t j = 0; j < i; j++)
			if (in->members[j] == in->members[i])
				n = 0;
		if (n == 0 || in->members[i] == host) {
			*why = "agreement.error.municipality";
			return NARA_EINVAL;
		}
	}
	for (size_t i = 0; i < in->nunits; i++) {
		int64_t n = 0;
		enum nara_err err =
		    db_query_int(db, &n,
				 "SELECT COUNT(*) FROM unit WHERE id = ? AND"
				 " municipality_id = ? AND shared = 1",
				 "ii", in->units[i], host);
		if (err != NARA_OK)
			return err;
		for (size_t j = 0; j < i; j++)
			if (in->units[j] == in->units[i])
				n = 0;
		if (n == 0) {
			*why = "agreement.error.unit";
			return NARA_EINVAL;
		}
	}
	return NARA_OK;
}

/* Members, units and delegation of a version just inserted. */
static enum nara_err add_parts(struct db *db, int64_t id,
			       const struct agreement_input *in)
{
	enum nara_err err = NARA_OK;
	for (size_t i = 0; i < in->nmembers && err == NARA_OK; i++)
		err = agreement_add_member(db, id, in->members[i]);
	for (size_t i = 0; i < in->nunits && err == NARA_OK; i++)
		err = agreement_add_unit(db, id, in->units[i]);
	for (int act = 0; act < CA_COUNT && err == NARA_OK; act++)
		if (in->delegation & (1u << act))
			err = agreement_add_delegation(
			    db, id, case_action_name((enum case_action)act));
	return err;
}

static enum nara_err audit_admin(struct db *db, const struct actor *who,
				 const char *action, int64_t host, int64_t id,
				 const char *reason)
{
	return audit_actor(db, who, host, id, action, "agreement", id, 0,
			   reason, 0);
}

static enum nara_err finish(struct db *db, enum nara_err err)
{
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

enum nara_err agreement_record(struct db *db, const struct actor *who,
			       const struct agreement_input *in, int64_t now,
			       int64_t *id, const char **why)
{
	*why = NULL;
	int64_t host = who ? who->subject.municipality_id : 0;
	if (!administers(who, host))
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	err = check_input(db, host, in, why);
	if (err == NARA_OK)
		err = agreement_add(db, host, in->name, in->valid_from,
				    in->valid_to, id);
	if (err == NARA_OK)
		err =
		    db_run(db,
			   "UPDATE agreement SET services = ?, recorded_by = ?,"
			   " created_at = ? WHERE id = ?",
			   "siii", in->services ? in->services : "",
			   who->staff_id, now, *id);
	if (err == NARA_OK)
		err = add_parts(db, *id, in);
	if (err == NARA_OK)
		err = audit_admin(db, who, "create", host, *id, "version 1");
	return finish(db, err);
}

/*
 * The newest version of a series, for a write: it must be the one the
 * form was drawn on and must not have ended.
 */
static enum nara_err newest_for_write(struct db *db, const struct actor *who,
				      int64_t series, int64_t expected_id,
				      int64_t now, int64_t *host, int64_t *id,
				      int64_t *version, int64_t *valid_from,
				      int64_t *valid_to, const char **why)
{
	int concerned = 0;
	enum nara_err err = series_host(
	    db, series, who->subject.municipality_id, host, &concerned);
	if (err != NARA_OK)
		return err;
	if (!concerned)
		return NARA_ENOTFOUND;
	if (!administers(who, *host))
		return NARA_EDENIED;
	struct db_stmt *st;
	if ((err = db_prepare(db,
			      "SELECT id, version, valid_from,"
			      " COALESCE(valid_to, 0) FROM agreement WHERE"
			      " series = ? ORDER BY version DESC LIMIT 1",
			      &st)) != NARA_OK)
		return err;
	db_bind_int(st, 1, series);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*version = db_col_int(st, 1);
		*valid_from = db_col_int(st, 2);
		*valid_to = db_col_int(st, 3);
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc < 0 ? db_step_err(rc) : NARA_ENOTFOUND;
	if (expected_id != 0 && expected_id != *id) {
		*why = "agreement.error.changed";
		return NARA_ECONFLICT;
	}
	if (*valid_to != 0 && *valid_to <= now) {
		*why = "agreement.error.ended";
		return NARA_ECONFLICT;
	}
	return NARA_OK;
}

enum nara_err agreement_change(struct db *db, const struct actor *who,
			       int64_t series, int64_t expected_id,
			       const struct agreement_input *in, int64_t now,
			       int64_t *id, const char **why)
{
	*why = NULL;
	if (who == NULL || !administers(who, who->subject.municipality_id))
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t host = 0, prev = 0, version = 0, from = 0, to = 0;
	err = newest_for_write(db, who, series, expected_id, now, &host, &prev,
			       &version, &from, &to, why);
	if (err == NARA_OK)
		err = check_input(db, host, in, why);
	/*
	 * The new version starts after the one it replaces (which keeps a
	 * period of its own), not in the past (what was done under the old
	 * one stays done under it), and before the old one's end (a change
	 * of an agreement that will have ended would revive it).
	 */
	if (err == NARA_OK &&
	    (in->valid_from <= from || in->valid_from + DAY <= now)) {
		*why = "agreement.error.change_from";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK && to != 0 && in->valid_from >= to) {
		*why = "agreement.error.after_end";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err =
		    db_run(db, "UPDATE agreement SET valid_to = ? WHERE id = ?",
			   "ii", in->valid_from, prev);
	if (err == NARA_OK)
		err = db_query_int(
		    db, id,
		    "INSERT INTO agreement (series, version,"
		    " host_municipality_id, name, valid_from, valid_to,"
		    " created_at, services, recorded_by) VALUES (?, ?, ?, ?,"
		    " ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?) RETURNING id",
		    "iiisiiisi", series, version + 1, host, in->name,
		    in->valid_from, in->valid_to, now,
		    in->services ? in->services : "", who->staff_id);
	if (err == NARA_ECONFLICT && *why == NULL)
		*why =
		    "agreement.error.changed"; /* someone else's version + 1 */
	if (err == NARA_OK)
		err = add_parts(db, *id, in);
	if (err == NARA_OK) {
		char reason[48];
		snprintf(reason, sizeof(reason), "version %lld replaces %lld",
			 (long long)(version + 1), (long long)prev);
		err = audit_admin(db, who, "new_version", host, *id, reason);
	}
	return finish(db, err);
}

enum nara_err agreement_end(struct db *db, const struct actor *who,
			    int64_t series, int64_t expected_id,
			    int64_t valid_to, int64_t now, const char **why)
{
	*why = NULL;
	if (who == NULL || !administers(who, who->subject.municipality_id))
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t host = 0, id = 0, version = 0, from = 0, to = 0;
	err = newest_for_write(db, who, series, expected_id, now, &host, &id,
			       &version, &from, &to, why);
	if (err == NARA_OK && (valid_to <= from || valid_to + DAY <= now)) {
		*why = "agreement.error.end";
		err = NARA_EINVAL;
	}
	if (err == NARA_OK)
		err =
		    db_run(db, "UPDATE agreement SET valid_to = ? WHERE id = ?",
			   "ii", valid_to, id);
	if (err == NARA_OK)
		err = audit_admin(db, who, "end", host, id, "ended");
	return finish(db, err);
}

enum nara_err agreement_municipalities(struct db *db, struct arena *a,
				       struct agreement_party **out,
				       size_t *count)
{
	return parties(db, a,
		       "SELECT id, name FROM municipality WHERE id <> ?"
		       " ORDER BY name",
		       0, out, count);
}

enum nara_err agreement_shared_units(struct db *db, struct arena *a,
				     int64_t municipality_id,
				     struct agreement_party **out,
				     size_t *count)
{
	return parties(db, a,
		       "SELECT id, name FROM unit WHERE municipality_id = ?"
		       " AND shared = 1 ORDER BY name",
		       municipality_id, out, count);
}
