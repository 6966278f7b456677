/*
 * The hash-chained audit log; see audit.h.
 *
 * hash(n) = hex(SHA-256(prev_hash(n) || encode(fields of row n))), where
 * each field is encoded as a tag byte ('N' for NULL, 'I' integer, 'T' text)
 * followed by its length and bytes, so no two different rows encode alike
 * (NULL is not 0, "" is not NULL, "ab"+"c" is not "a"+"bc"). Ids run
 * 1, 2, 3, ... without gaps; audit_head holds the last id and hash, so a
 * deleted last row is found too.
 *
 * Appends are serialised: on SQLite by the write lock of the caller's
 * transaction (BEGIN IMMEDIATE), on PostgreSQL by SELECT ... FOR UPDATE on
 * the single audit_head row. A chain never forks.
 */
#include "domain/audit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "db/db.h"
#include "domain/access.h"

enum { HASH_HEX = crypto_hash_sha256_BYTES * 2 + 1 };

static void enc_int(struct buf *b, int has, int64_t v)
{
	if (!has) {
		buf_addc(b, 'N');
		return;
	}
	buf_printf(b, "I%" PRId64 ";", v);
}

static void enc_text(struct buf *b, const char *s, size_t len)
{
	if (s == NULL) {
		buf_addc(b, 'N');
		return;
	}
	buf_printf(b, "T%zu:", len);
	buf_add(b, s, len);
}

/* The row as stored: ids of 0 were stored as NULL. */
struct row {
	int64_t id, at, actor_id, municipality_id, agreement_id, record_id,
		person_id, flagged;
	int has_actor_id, has_municipality_id, has_agreement_id, has_record_id,
		has_person_id;
	const char *actor_kind, *actor_label, *action, *record_kind, *reason,
		*request_id;
	size_t actor_kind_len, actor_label_len, action_len, record_kind_len,
		reason_len, request_id_len;
};

/*
 * NARA_ENOMEM when the encoding could not be built: a hash over half a row
 * would be stored as if it were right, or reported as tampering.
 */
static enum nara_err row_hash(const char *prev_hash, const struct row *r,
			      char out[HASH_HEX])
{
	struct buf b;
	buf_init(&b);
	buf_adds(&b, prev_hash);
	enc_int(&b, 1, r->id);
	enc_int(&b, 1, r->at);
	enc_text(&b, r->actor_kind, r->actor_kind_len);
	enc_int(&b, r->has_actor_id, r->actor_id);
	enc_text(&b, r->actor_label, r->actor_label_len);
	enc_int(&b, r->has_municipality_id, r->municipality_id);
	enc_int(&b, r->has_agreement_id, r->agreement_id);
	enc_text(&b, r->action, r->action_len);
	enc_text(&b, r->record_kind, r->record_kind_len);
	enc_int(&b, r->has_record_id, r->record_id);
	enc_int(&b, r->has_person_id, r->person_id);
	enc_text(&b, r->reason, r->reason_len);
	enc_int(&b, 1, r->flagged);
	enc_text(&b, r->request_id, r->request_id_len);
	if (b.failed) {
		buf_free(&b);
		return NARA_ENOMEM;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)(b.data ? b.data : ""), b.len);
	sodium_bin2hex(out, HASH_HEX, h, sizeof(h));
	buf_free(&b);
	return NARA_OK;
}

static void nullable(struct db_stmt *st, int idx, int64_t v)
{
	if (v == 0)
		db_bind_null(st, idx);
	else
		db_bind_int(st, idx, v);
}

enum nara_err audit_append(struct db *db, const struct audit_entry *e)
{
	if (!db_in_tx(db) || e->actor_kind == NULL || e->actor_label == NULL ||
	    e->action == NULL || e->record_kind == NULL)
		return NARA_EINVAL;
	if (sodium_init() < 0)
		return NARA_ENOMEM;

	const char *head_sql =
		db_engine_of(db) == DB_POSTGRES
			? "SELECT last_id, last_hash FROM audit_head WHERE id = 1 FOR UPDATE"
			: "SELECT last_id, last_hash FROM audit_head WHERE id = 1";
	struct db_stmt *st;
	enum nara_err err = db_prepare(db, head_sql, &st);
	if (err != NARA_OK)
		return err;
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc < 0 ? db_step_err(rc) : NARA_EINTEGRITY;
	}
	int64_t last_id = db_col_int(st, 0);
	char prev[HASH_HEX];
	snprintf(prev, sizeof(prev), "%s", db_col_text(st, 1));
	db_done(st);

	const char *reason = e->reason ? e->reason : "";
	const char *request_id = e->request_id ? e->request_id : "";
	struct row r = {
		.id = last_id + 1,
		.at = e->at ? e->at : (int64_t)time(NULL),
		.actor_id = e->actor_id, .has_actor_id = e->actor_id != 0,
		.municipality_id = e->municipality_id,
		.has_municipality_id = e->municipality_id != 0,
		.agreement_id = e->agreement_id,
		.has_agreement_id = e->agreement_id != 0,
		.record_id = e->record_id, .has_record_id = e->record_id != 0,
		.person_id = e->person_id, .has_person_id = e->person_id != 0,
		.flagged = e->flagged ? 1 : 0,
		.actor_kind = e->actor_kind, .actor_kind_len = strlen(e->actor_kind),
		.actor_label = e->actor_label, .actor_label_len = strlen(e->actor_label),
		.action = e->action, .action_len = strlen(e->action),
		.record_kind = e->record_kind, .record_kind_len = strlen(e->record_kind),
		.reason = reason, .reason_len = strlen(reason),
		.request_id = request_id, .request_id_len = strlen(request_id),
	};
	char hash[HASH_HEX];
	if ((err = row_hash(prev, &r, hash)) != NARA_OK)
		return err;

	err = db_prepare(db,
			 "INSERT INTO audit_log (id, at, actor_kind, actor_id,"
			 " actor_label, municipality_id, agreement_id, action,"
			 " record_kind, record_id, person_id, reason, flagged,"
			 " request_id, prev_hash, hash)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, r.id);
	db_bind_int(st, 2, r.at);
	db_bind_text(st, 3, r.actor_kind, (size_t)-1);
	nullable(st, 4, e->actor_id);
	db_bind_text(st, 5, r.actor_label, (size_t)-1);
	nullable(st, 6, e->municipality_id);
	nullable(st, 7, e->agreement_id);
	db_bind_text(st, 8, r.action, (size_t)-1);
	db_bind_text(st, 9, r.record_kind, (size_t)-1);
	nullable(st, 10, e->record_id);
	nullable(st, 11, e->person_id);
	db_bind_text(st, 12, reason, (size_t)-1);
	db_bind_int(st, 13, r.flagged);
	db_bind_text(st, 14, request_id, (size_t)-1);
	db_bind_text(st, 15, prev, (size_t)-1);
	db_bind_text(st, 16, hash, (size_t)-1);
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	return db_run(db, "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1",
		      "is", r.id, hash);
}

static enum nara_err verify_walk(struct db *db, int64_t *rows_checked,
				 int64_t *first_bad_id)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
		db,
		"SELECT id, at, actor_kind, actor_id, actor_label,"
		" municipality_id, agreement_id, action, record_kind, record_id,"
		" person_id, reason, flagged, request_id, prev_hash, hash"
		" FROM audit_log ORDER BY id",
		&st);
	if (err != NARA_OK)
		return err;
	char prev[HASH_HEX];
	memset(prev, '0', HASH_HEX - 1);
	prev[HASH_HEX - 1] = '\0';
	int64_t expect_id = 1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct row r = {
			.id = db_col_int(st, 0),
			.at = db_col_int(st, 1),
			.actor_kind = db_col_text(st, 2), .actor_kind_len = db_col_len(st, 2),
			.actor_id = db_col_int(st, 3), .has_actor_id = !db_col_is_null(st, 3),
			.actor_label = db_col_text(st, 4), .actor_label_len = db_col_len(st, 4),
			.municipality_id = db_col_int(st, 5),
			.has_municipality_id = !db_col_is_null(st, 5),
			.agreement_id = db_col_int(st, 6),
			.has_agreement_id = !db_col_is_null(st, 6),
			.action = db_col_text(st, 7), .action_len = db_col_len(st, 7),
			.record_kind = db_col_text(st, 8), .record_kind_len = db_col_len(st, 8),
			.record_id = db_col_int(st, 9), .has_record_id = !db_col_is_null(st, 9),
			.person_id = db_col_int(st, 10), .has_person_id = !db_col_is_null(st, 10),
			.reason = db_col_text(st, 11), .reason_len = db_col_len(st, 11),
			.flagged = db_col_int(st, 12),
			.request_id = db_col_text(st, 13), .request_id_len = db_col_len(st, 13),
		};
		char hash[HASH_HEX];
		if ((err = row_hash(prev, &r, hash)) != NARA_OK) {
			db_done(st);
			return err;
		}
		/* A gap, a changed link or a changed row: the chain breaks here. */
		if (r.id != expect_id || strcmp(db_col_text(st, 14), prev) != 0 ||
		    strcmp(db_col_text(st, 15), hash) != 0) {
			*first_bad_id = expect_id;
			db_done(st);
			return NARA_EINTEGRITY;
		}
		memcpy(prev, hash, HASH_HEX);
		expect_id++;
		(*rows_checked)++;
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);

	/* The head must point at the last row: a deleted tail shows here. */
	err = db_prepare(db, "SELECT last_id, last_hash FROM audit_head WHERE id = 1", &st);
	if (err != NARA_OK)
		return err;
	rc = db_step(st);
	int ok = rc == DB_ROW && db_col_int(st, 0) == expect_id - 1 &&
		 strcmp(db_col_text(st, 1), prev) == 0;
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	if (!ok) {
		*first_bad_id = expect_id;
		return NARA_EINTEGRITY;
	}
	return NARA_OK;
}

enum nara_err audit_verify(struct db *db, int64_t *rows_checked,
			   int64_t *first_bad_id)
{
	*rows_checked = 0;
	*first_bad_id = 0;
	if (sodium_init() < 0)
		return NARA_ENOMEM;
	if (db_in_tx(db))
		return verify_walk(db, rows_checked, first_bad_id);
	/*
	 * One snapshot for the walk and the head. Without it a server that
	 * appends between the two reads would make the head look ahead of the
	 * last row, and an intact log would be reported as cut short.
	 */
	enum nara_err err = db_begin_read(db);
	if (err != NARA_OK)
		return err;
	err = verify_walk(db, rows_checked, first_bad_id);
	if (err == NARA_OK || err == NARA_EINTEGRITY) {
		enum nara_err end = db_commit(db);
		return end != NARA_OK ? end : err;
	}
	db_rollback(db);
	return err;
}

enum nara_err audit_list(struct db *db, int64_t after_id,
			 const char *request_id,
			 void (*each)(const struct audit_row *row, void *arg),
			 void *arg)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
		db,
		"SELECT id, at, actor_kind, COALESCE(actor_id, 0), actor_label,"
		" COALESCE(municipality_id, 0), COALESCE(agreement_id, 0), action,"
		" record_kind, COALESCE(record_id, 0), COALESCE(person_id, 0),"
		" reason, flagged, request_id FROM audit_log"
		" WHERE id > ? AND (CAST(? AS TEXT) = '' OR request_id = ?)"
		" ORDER BY id",
		&st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, after_id);
	db_bind_text(st, 2, request_id ? request_id : "", (size_t)-1);
	db_bind_text(st, 3, request_id ? request_id : "", (size_t)-1);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct audit_row row = {
			.id = db_col_int(st, 0),
			.at = db_col_int(st, 1),
			.actor_kind = db_col_text(st, 2),
			.actor_id = db_col_int(st, 3),
			.actor_label = db_col_text(st, 4),
			.municipality_id = db_col_int(st, 5),
			.agreement_id = db_col_int(st, 6),
			.action = db_col_text(st, 7),
			.record_kind = db_col_text(st, 8),
			.record_id = db_col_int(st, 9),
			.person_id = db_col_int(st, 10),
			.reason = db_col_text(st, 11),
			.flagged = (int)db_col_int(st, 12),
			.request_id = db_col_text(st, 13),
		};
		each(&row, arg);
	}
	db_done(st);
	return db_step_err(rc);
}

enum nara_err audit_last_id(struct db *db, int64_t *id)
{
	return db_query_int(db, id, "SELECT last_id FROM audit_head WHERE id = 1",
			    "");
}

enum nara_err audit_actor(struct db *db, const struct actor *who,
			  int64_t municipality_id, int64_t agreement_id,
			  const char *action, const char *record_kind,
			  int64_t record_id, int64_t person_id,
			  const char *reason, int flagged)
{
	int staff = who->subject.kind == SUBJECT_STAFF;
	struct audit_entry e = {
		.actor_kind = staff ? "staff" : "citizen",
		.actor_id = staff ? who->staff_id : 0,
		.actor_label = who->label,
		.municipality_id = municipality_id,
		.agreement_id = agreement_id,
		.action = action,
		.record_kind = record_kind,
		.record_id = record_id,
		.person_id = person_id,
		.reason = reason ? reason : "",
		.flagged = flagged,
		.request_id = who->request_id,
	};
	return audit_append(db, &e);
}

enum nara_err audit_finish(struct db *db, enum nara_err err)
{
	if (!db_in_tx(db))
		return err;
	if (err == NARA_OK || err == NARA_EDENIED) {
		enum nara_err c = db_commit(db);
		return c != NARA_OK ? c : err;
	}
	db_rollback(db);
	return err;
}
