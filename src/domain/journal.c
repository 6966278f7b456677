/* The journal; see journal.h. */
#include "domain/journal.h"

#include <string.h>

#include "core/utf8.h"
#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/whereabouts.h"

enum { NOTES_MAX = 2000 };

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
	return s ? s : "";
}

static int blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

enum nara_err journal_insert_in_tx(struct db *db, int64_t case_id,
				   int64_t municipality_id, int64_t now,
				   const char *author_kind, int64_t author_id,
				   const char *author_label, const char *kind,
				   const char *body, enum note_visibility v,
				   int64_t visible_from,
				   enum withheld_reason reason,
				   int64_t corrects_id, int64_t *id)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "INSERT INTO journal_note (case_id, municipality_id, written_at,"
	    " author_kind, author_id, author_label, kind, body, corrects_id,"
	    " visibility, visible_from, withheld_reason)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	db_bind_int(st, 2, municipality_id);
	db_bind_int(st, 3, now);
	db_bind_text(st, 4, author_kind, (size_t)-1);
	if (author_id)
		db_bind_int(st, 5, author_id);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, author_label, (size_t)-1);
	db_bind_text(st, 7, kind, (size_t)-1);
	db_bind_text(st, 8, body, (size_t)-1);
	if (corrects_id)
		db_bind_int(st, 9, corrects_id);
	else
		db_bind_null(st, 9);
	db_bind_text(st, 10, note_visibility_name(v), (size_t)-1);
	if (v == VIS_FROM_DATE)
		db_bind_int(st, 11, visible_from);
	else
		db_bind_null(st, 11);
	db_bind_text(st, 12,
		     v == VIS_WITHHELD ? withheld_reason_name(reason) : "",
		     (size_t)-1);
	int rc = db_step(st);
	int64_t got = rc == DB_ROW ? db_col_int(st, 0) : 0;
	while (rc == DB_ROW)
		rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	if (id)
		*id = got;
	return NARA_OK;
}

/* The note a correction or objection points at, in the same case. */
static enum nara_err target_note(struct db *db, int64_t case_id,
				 int64_t note_id, int64_t now, int for_person)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT visibility, COALESCE(visible_from, 0) FROM journal_note"
	    " WHERE id = ? AND case_id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, note_id);
	db_bind_int(st, 2, case_id);
	int rc = db_step(st);
	int visible = 0;
	if (rc == DB_ROW) {
		int v = note_visibility_parse(db_col_text(st, 0));
		visible = v >= 0 && policy_note_visible((enum note_visibility)v,
							db_col_int(st, 1), now);
	}
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	/* A note the person cannot see does not exist, for them. */
	if (rc == DB_DONE || (for_person && !visible))
		return NARA_EINVAL;
	return NARA_OK;
}

static enum nara_err audit_note(struct db *db, const struct actor *who,
				int64_t municipality_id, int64_t case_id,
				int64_t person_id, const char *action,
				int64_t note_id)
{
	int staff = who->subject.kind == SUBJECT_STAFF;
	struct audit_entry e = {
	    .actor_kind = staff ? "staff" : "citizen",
	    .actor_id = staff ? who->staff_id : 0,
	    .actor_label = who->label,
	    .municipality_id = municipality_id,
	    .action = action,
	    .record_kind = "journal_note",
	    .record_id = note_id,
	    .person_id = person_id,
	    .reason = "",
	    .request_id = who->request_id,
	};
	(void)case_id;
	return audit_append(db, &e);
}

/* Checks a new note; NULL when it may be written, else a catalogue key. */
static const char *check_note(const struct actor *who,
			      const struct journal_new *n, int64_t now)
{
	if (blank(n->body))
		return "journal.error.empty";
	size_t len = strlen(n->body);
	if (len > JOURNAL_BODY_MAX)
		return "journal.error.long";
	if (!utf8_valid(n->body, len))
		return "journal.error.empty";
	if (who->subject.kind == SUBJECT_STAFF) {
		if (!policy_visibility_valid(n->visibility, n->visible_from,
					     n->withheld_reason, now))
			return "journal.error.visibility";
	} else if (n->objection && n->corrects_id == 0) {
		return "journal.error.objection";
	}
	return NULL;
}

enum nara_err journal_add(struct db *db, const struct actor *who,
			  const struct journal_new *n, int64_t now, int64_t *id,
			  const char **why)
{
	*why = check_note(who, n, now);
	if (*why != NULL)
		return NARA_EINVAL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int staff = who->subject.kind == SUBJECT_STAFF;
	int64_t municipality_id = 0, person_id = 0, version = 0;
	err = case_authorize_in_tx(db, who, n->case_id, 1, &municipality_id,
				   &person_id);
	if (err == NARA_OK && n->expected_version != 0) {
		err = case_version(db, n->case_id, &version);
		if (err == NARA_OK && version != n->expected_version) {
			*why = "case.error.changed";
			err = NARA_ECONFLICT;
		}
	}
	/* R4.4: a note is read by the unit and the person; it must not
	 * carry a guarded person's whereabouts (src/domain/whereabouts.h). */
	const char *found = NULL;
	if (err == NARA_OK &&
	    (err = whereabouts_check_in_tx(db, person_id, n->body, &found)) ==
		NARA_EINVAL)
		*why = "journal.error.whereabouts";
	if (err == NARA_OK && n->corrects_id != 0) {
		err = target_note(db, n->case_id, n->corrects_id, now, !staff);
		if (err == NARA_EINVAL)
			*why = "journal.error.target";
	}
	if (err == NARA_OK) {
		const char *kind = staff	  ? "note"
				   : n->objection ? "citizen_objection"
						  : "citizen_comment";
		/* What the person writes is theirs to read, always. */
		enum note_visibility v = staff ? n->visibility : VIS_NOW;
		err = journal_insert_in_tx(
		    db, n->case_id, municipality_id, now,
		    staff ? "staff" : "citizen",
		    staff ? who->staff_id : person_id,
		    staff ? (who->name ? who->name : who->label) : who->label,
		    kind, n->body, v, staff ? n->visible_from : 0,
		    staff ? n->withheld_reason : WITHHELD_NONE, n->corrects_id,
		    id);
	}
	if (err == NARA_OK)
		err = case_touch_in_tx(db, n->case_id, now);
	if (err == NARA_OK)
		err = audit_note(db, who, municipality_id, n->case_id,
				 person_id, "create", *id);
	if (err == NARA_OK || err == NARA_EDENIED) {
		/* A refusal keeps its audit row. */
		enum nara_err c = db_commit(db);
		return c != NARA_OK ? c : err;
	}
	db_rollback(db);
	return err;
}

enum nara_err
journal_set_visibility(struct db *db, const struct actor *who, int64_t of_case,
		       int64_t note_id, enum note_visibility v,
		       int64_t visible_from, enum withheld_reason reason,
		       int64_t expected_version, int64_t now, const char **why)
{
	*why = NULL;
	if (who->subject.kind != SUBJECT_STAFF)
		return NARA_EDENIED;
	if (!policy_visibility_valid(v, visible_from, reason, now)) {
		*why = "journal.error.visibility";
		return NARA_EINVAL;
	}
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t case_id = 0, municipality_id = 0, person_id = 0;
	/*
	 * Only staff notes change visibility: the person's own stay theirs.
	 * A page names the case it shows, and its form never reaches another
	 * case's note; the API names the note alone (of_case 0).
	 */
	err =
	    db_query_int(db, &case_id,
			 "SELECT case_id FROM journal_note WHERE id = ? AND"
			 " (? = 0 OR case_id = ?) AND author_kind <> 'citizen'",
			 "iii", note_id, of_case, of_case);
	if (err == NARA_OK)
		err = case_authorize_in_tx(db, who, case_id, 1,
					   &municipality_id, &person_id);
	if (err == NARA_OK && expected_version != 0) {
		int64_t version = 0;
		err = case_version(db, case_id, &version);
		if (err == NARA_OK && version != expected_version) {
			*why = "case.error.changed";
			err = NARA_ECONFLICT;
		}
	}
	if (err == NARA_OK) {
		struct db_stmt *st;
		err = db_prepare(db,
				 "UPDATE journal_note SET visibility = ?,"
				 " visible_from = ?, withheld_reason = ?"
				 " WHERE id = ?",
				 &st);
		if (err == NARA_OK) {
			db_bind_text(st, 1, note_visibility_name(v),
				     (size_t)-1);
			if (v == VIS_FROM_DATE)
				db_bind_int(st, 2, visible_from);
			else
				db_bind_null(st, 2);
			db_bind_text(st, 3,
				     v == VIS_WITHHELD
					 ? withheld_reason_name(reason)
					 : "",
				     (size_t)-1);
			db_bind_int(st, 4, note_id);
			int rc = db_step(st);
			db_done(st);
			err = rc < 0 ? db_step_err(rc) : NARA_OK;
		}
	}
	if (err == NARA_OK)
		err = case_touch_in_tx(db, case_id, now);
	if (err == NARA_OK)
		err = audit_note(db, who, municipality_id, case_id, person_id,
				 v == VIS_WITHHELD ? "withhold" : "release",
				 note_id);
	if (err == NARA_OK || err == NARA_EDENIED) {
		enum nara_err c = db_commit(db);
		return c != NARA_OK ? c : err;
	}
	db_rollback(db);
	return err;
}

enum nara_err journal_read_in_tx(struct db *db, struct arena *a,
				 int64_t case_id, int for_person, int64_t now,
				 struct journal_note_view **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT n.id, n.written_at, COALESCE(n.corrects_id, 0),"
	    " COALESCE(n.visible_from, 0), n.author_kind, n.author_label,"
	    " n.kind, n.body, n.visibility, n.withheld_reason,"
	    " COALESCE((SELECT MIN(k.id) FROM journal_note k WHERE"
	    "  k.corrects_id = n.id AND k.author_kind = 'staff'), 0)"
	    " FROM journal_note n WHERE n.case_id = ?"
	    " ORDER BY n.written_at, n.id LIMIT ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	db_bind_int(st, 2, NOTES_MAX);
	struct journal_note_view *list = arena_alloc(a, 64 * sizeof(*list));
	size_t cap = 64, n = 0;
	int rc = DB_DONE;
	while (list != NULL && (rc = db_step(st)) == DB_ROW) {
		int v = note_visibility_parse(db_col_text(st, 8));
		int r = withheld_reason_parse(db_col_text(st, 9));
		enum note_visibility vis =
		    v < 0 ? VIS_WITHHELD : (enum note_visibility)v;
		int64_t from = db_col_int(st, 3);
		int visible = policy_note_visible(vis, from, now);
		if (for_person && !visible)
			continue;
		if (n == cap) {
			struct journal_note_view *bigger =
			    arena_alloc(a, 2 * cap * sizeof(*list));
			if (bigger == NULL) {
				list = NULL;
				break;
			}
			memcpy(bigger, list, n * sizeof(*list));
			list = bigger;
			cap *= 2;
		}
		struct journal_note_view *j = &list[n++];
		j->id = db_col_int(st, 0);
		j->written_at = db_col_int(st, 1);
		j->corrects_id = db_col_int(st, 2);
		j->visible_from = from;
		j->author_kind = col(a, st, 4);
		j->author_label = col(a, st, 5);
		j->kind = col(a, st, 6);
		j->body = col(a, st, 7);
		j->visibility = vis;
		j->withheld_reason =
		    r < 0 ? WITHHELD_NONE : (enum withheld_reason)r;
		j->corrected_by = db_col_int(st, 10);
		j->visible_to_person = visible;
	}
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	if (rc < 0)
		return db_step_err(rc);
	/*
	 * For the person, a correction that points at a note they cannot
	 * see must not say so: the link is dropped, the text stays.
	 */
	if (for_person)
		for (size_t i = 0; i < n; i++) {
			int seen = list[i].corrects_id == 0;
			for (size_t k = 0; k < n && !seen; k++)
				seen = list[k].id == list[i].corrects_id;
			if (!seen)
				list[i].corrects_id = 0;
			int corrector = list[i].corrected_by == 0;
			for (size_t k = 0; k < n && !corrector; k++)
				corrector = list[k].id == list[i].corrected_by;
			if (!corrector)
				list[i].corrected_by = 0;
		}
	*out = list;
	*count = n;
	return NARA_OK;
}
