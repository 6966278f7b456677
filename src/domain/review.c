/* The audit-log review; see review.h. */
#include "domain/review.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "policy/policy.h"

enum { REVIEW_MAX_ROWS = 500 };

static enum nara_err check(const struct actor *who)
{
	struct policy_record r = {.kind = REC_AUDIT_LOG,
				  .municipality_id = who->subject.municipality_id};
	return policy_decide(&who->subject, ACT_READ_AUDIT, &r).allowed
		       ? NARA_OK
		       : NARA_EDENIED;
}

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	return arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
}

enum nara_err review_list(struct db *db, struct arena *a, const struct actor *who,
			  const struct review_filter *f, struct review_row **rows,
			  size_t *count)
{
	*rows = NULL;
	*count = 0;
	enum nara_err err = check(who);
	if (err != NARA_OK)
		return err;
	if ((err = db_begin(db)) != NARA_OK)
		return err;
	/* The review is a read of personal data too: it leaves its own row. */
	struct audit_entry e = {
		.actor_kind = "staff",
		.actor_id = who->staff_id,
		.actor_label = who->label,
		.municipality_id = who->subject.municipality_id,
		.action = "review",
		.record_kind = "audit_log",
		.request_id = who->request_id,
	};
	err = audit_append(db, &e);
	struct db_stmt *st = NULL;
	if (err == NARA_OK)
		err = db_prepare(
			db,
			"SELECT l.id, l.at, l.actor_label, l.action, l.record_kind,"
			" COALESCE(l.record_id, 0), l.reason, l.flagged"
			" FROM audit_log l LEFT JOIN person p ON p.id = l.person_id"
			" WHERE l.municipality_id = ?"
			" AND (CAST(? AS TEXT) = '' OR p.personnummer = ?)"
			" AND (CAST(? AS TEXT) = '' OR l.actor_label LIKE ?)"
			" AND l.at >= ? AND l.at <= ?"
			" AND (? = 0 OR l.flagged = 1)"
			" ORDER BY l.id DESC LIMIT 500",
			&st);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	const char *pnr = f->personnummer ? f->personnummer : "";
	const char *actor = f->actor ? f->actor : "";
	char like[140];
	snprintf(like, sizeof(like), "%%%s%%", actor);
	db_bind_int(st, 1, who->subject.municipality_id);
	db_bind_text(st, 2, pnr, (size_t)-1);
	db_bind_text(st, 3, pnr, (size_t)-1);
	db_bind_text(st, 4, actor, (size_t)-1);
	db_bind_text(st, 5, like, (size_t)-1);
	db_bind_int(st, 6, f->from);
	db_bind_int(st, 7, f->to ? f->to : INT64_MAX);
	db_bind_int(st, 8, f->flagged_only ? 1 : 0);
	struct review_row *list = arena_calloc(a, REVIEW_MAX_ROWS, sizeof(*list));
	int rc = DB_DONE;
	while (list != NULL && *count < REVIEW_MAX_ROWS && (rc = db_step(st)) == DB_ROW) {
		struct review_row *r = &list[(*count)++];
		r->id = db_col_int(st, 0);
		r->at = db_col_int(st, 1);
		r->actor_label = col(a, st, 2);
		r->action = col(a, st, 3);
		r->record_kind = col(a, st, 4);
		r->record_id = db_col_int(st, 5);
		r->reason = col(a, st, 6);
		r->flagged = (int)db_col_int(st, 7);
	}
	db_done(st);
	if (list == NULL || rc < 0) {
		db_rollback(db);
		return list == NULL ? NARA_ENOMEM : db_step_err(rc);
	}
	*rows = list;
	return db_commit(db);
}

enum nara_err review_done_list(struct db *db, struct arena *a,
			       const struct actor *who, struct review_done **out,
			       size_t *count)
{
	*out = NULL;
	*count = 0;
	enum nara_err err = check(who);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(db,
			 "SELECT r.month, s.display_name, r.note, r.reviewed_at"
			 " FROM audit_review r JOIN staff_user s ON s.id = r.reviewed_by"
			 " WHERE r.municipality_id = ? ORDER BY r.month DESC LIMIT 24",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, who->subject.municipality_id);
	struct review_done *list = arena_calloc(a, 24, sizeof(*list));
	int rc = DB_DONE;
	while (list != NULL && (rc = db_step(st)) == DB_ROW) {
		struct review_done *d = &list[(*count)++];
		d->month = col(a, st, 0);
		d->reviewer = col(a, st, 1);
		d->note = col(a, st, 2);
		d->at = db_col_int(st, 3);
	}
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	*out = list;
	return db_step_err(rc);
}

enum nara_err review_record(struct db *db, const struct actor *who,
			    const char *month, const char *note)
{
	enum nara_err err = check(who);
	if (err != NARA_OK)
		return err;
	int y, m;
	char tail;
	if (month == NULL || strlen(month) != 7 ||
	    sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 2000 ||
	    y > 9999 || m < 1 || m > 12)
		return NARA_EINVAL;
	if (note != NULL && strlen(note) > 2000)
		return NARA_ETOOBIG;
	if ((err = db_begin(db)) != NARA_OK)
		return err;
	int64_t id = 0;
	err = db_query_int(db, &id,
			   "INSERT INTO audit_review (municipality_id, month,"
			   " reviewed_by, reviewed_at, note) VALUES (?, ?, ?, ?, ?)"
			   " RETURNING id",
			   "isiis", who->subject.municipality_id, month,
			   who->staff_id, (int64_t)time(NULL), note ? note : "");
	if (err == NARA_OK) {
		struct audit_entry e = {
			.actor_kind = "staff",
			.actor_id = who->staff_id,
			.actor_label = who->label,
			.municipality_id = who->subject.municipality_id,
			.action = "review_done",
			.record_kind = "audit_review",
			.record_id = id,
			.reason = month,
			.request_id = who->request_id,
		};
		err = audit_append(db, &e);
	}
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}
