/* Guardians and their children; see guardian.h. */
#include "domain/guardian.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/person_internal.h"
#include "policy/clock.h"
#include "policy/policy.h"

enum { CHILDREN_MAX = 16 };

enum nara_err guardianship_add(struct db *db, int64_t municipality_id,
			       int64_t guardian_id, int64_t child_id,
			       const char *actor_label)
{
	if (guardian_id == child_id || guardian_id <= 0 || child_id <= 0)
		return NARA_EINVAL;
	int owned = !db_in_tx(db);
	enum nara_err err = owned ? db_begin(db) : NARA_OK;
	if (err != NARA_OK)
		return err;
	/*
	 * The foreign keys refuse a pair across municipalities too; asking
	 * first turns that into NARA_EINVAL, which says what was wrong,
	 * rather than a failed statement that aborts the caller's work.
	 */
	int64_t both = 0;
	err = db_query_int(db, &both,
			   "SELECT count(*) FROM person WHERE id IN (?, ?)"
			   " AND municipality_id = ?",
			   "iii", guardian_id, child_id, municipality_id);
	if (err == NARA_OK && both != 2)
		err = NARA_EINVAL;
	int64_t id = 0;
	if (err == NARA_OK)
		err = db_query_int(db, &id,
				   "INSERT INTO guardianship (municipality_id,"
				   " guardian_id, child_id, created_at)"
				   " VALUES (?, ?, ?, ?) RETURNING id",
				   "iiii", municipality_id, guardian_id,
				   child_id, (int64_t)time(NULL));
	if (err == NARA_OK) {
		struct audit_entry e = {
		    .actor_kind = "system",
		    .actor_label = actor_label ? actor_label : "nara",
		    .municipality_id = municipality_id,
		    .action = "create",
		    .record_kind = "guardianship",
		    .record_id = id,
		    .person_id = child_id,
		};
		err = audit_append(db, &e);
	}
	if (!owned)
		return err;
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

/*
 * The policy record of a loaded child as the asking citizen stands to it:
 * the committee that registers them as its guardian (0: none does) and
 * the child's age today, in Swedish time (policy/clock.h, whatever the
 * server's own time zone).
 */
static enum nara_err relation(struct db *db, const struct actor *who,
			      const struct person_view *child, int64_t now,
			      struct policy_record *r)
{
	*r = person_record(child, REC_PERSON);
	struct civil_date d = clock_local_date(now);
	char today[16];
	snprintf(today, sizeof(today), "%04d-%02d-%02d", d.year, d.month, d.day);
	r->person_age = policy_age_on(child->birth_date, today);
	int64_t m = 0;
	enum nara_err err =
	    db_query_int(db, &m,
			 "SELECT g.municipality_id FROM guardianship g"
			 " JOIN person gp ON gp.id = g.guardian_id"
			 " WHERE g.child_id = ? AND gp.personnummer = ?",
			 "is", child->id, who->personnummer);
	if (err == NARA_ENOTFOUND)
		err = NARA_OK;
	r->guardianship_municipality_id = m;
	return err;
}

enum nara_err guardian_children(struct db *db, struct arena *a,
				const struct actor *who, int64_t now,
				struct person_view **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (who->subject.kind != SUBJECT_CITIZEN)
		return NARA_EDENIED;
	struct person_view *list = arena_calloc(a, CHILDREN_MAX, sizeof(*list));
	if (list == NULL)
		return NARA_ENOMEM;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(db,
			 "SELECT g.child_id FROM guardianship g"
			 " JOIN person gp ON gp.id = g.guardian_id"
			 " WHERE gp.personnummer = ? ORDER BY g.child_id",
			 &st);
	int64_t ids[CHILDREN_MAX];
	size_t n = 0;
	if (err == NARA_OK) {
		db_bind_text(st, 1, who->personnummer, (size_t)-1);
		int rc = DB_DONE;
		while (n < CHILDREN_MAX && (rc = db_step(st)) == DB_ROW)
			ids[n++] = db_col_int(st, 0);
		db_done(st);
		err = db_step_err(rc);
	}
	size_t kept = 0;
	for (size_t i = 0; i < n && err == NARA_OK; i++) {
		struct person_view *v = &list[kept];
		struct policy_record r;
		err = person_load(db, a, ids[i], v);
		if (err == NARA_OK)
			err = relation(db, who, v, now, &r);
		if (err != NARA_OK)
			break;
		v->decision = policy_decide(&who->subject, ACT_READ, &r);
		if (!v->decision.allowed)
			continue;
		err = person_audit(db, who, v, "read",
				   policy_reason_text(v->decision.reason), 0);
		person_withhold_address(who, &r, 0, v);
		kept++;
	}
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	if ((err = db_commit(db)) != NARA_OK)
		return err;
	*out = list;
	*count = kept;
	return NARA_OK;
}

enum nara_err guardian_read_child(struct db *db, struct arena *a,
				  const struct actor *who, int64_t child_id,
				  int64_t now, struct person_view *out,
				  struct person_read_log **reads,
				  size_t *nreads)
{
	memset(out, 0, sizeof(*out));
	*reads = NULL;
	*nreads = 0;
	if (who->subject.kind != SUBJECT_CITIZEN)
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct policy_record r;
	err = person_load(db, a, child_id, out);
	if (err == NARA_OK)
		err = relation(db, who, out, now, &r);
	if (err == NARA_OK)
		err = person_decide_read(db, a, who, NULL, &r, out);
	/* Who has read the file is part of it: read with it, or not at all. */
	if (err == NARA_OK && out->decision.allowed)
		err = person_reads_load(db, a, NULL, child_id, reads, nreads);
	if (err == NARA_OK)
		err = db_commit(db);
	else
		db_rollback(db);
	if (err != NARA_OK) {
		memset(out, 0, sizeof(*out));
		*reads = NULL;
		*nreads = 0;
		return err;
	}
	if (!out->decision.allowed) {
		person_keep_refused(out, 0);
		return NARA_EDENIED;
	}
	person_withhold_address(who, &r, 0, out);
	return NARA_OK;
}
