/*
 * The journal of a case (DOMAIN.md R2.1–R2.4): append-only notes stamped
 * with author and time; a correction is a new note linked to the one it
 * corrects, and both stay readable. Staff choose each note's visibility to
 * the person (policy/visibility.h); the person may add comments to their
 * own file and say that something written is wrong, which staff see in
 * their worklist. Every write goes through the policy layer with its audit
 * row and moves the case's version, in one transaction.
 */
#ifndef NARA_JOURNAL_H
#define NARA_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "policy/visibility.h"

struct db;
struct actor;

struct journal_note_view {
	int64_t id, written_at, corrects_id, visible_from;
	const char *author_kind; /* staff, citizen, system */
	const char *author_label;
	const char *kind; /* note, report, protection, decision, ... */
	const char *body;
	enum note_visibility visibility;
	enum withheld_reason withheld_reason;
	int64_t corrected_by; /* a later note that corrects this one, 0: none */
	int visible_to_person; /* as of now */
};

struct journal_new {
	int64_t case_id;
	int64_t expected_version; /* 0: do not check */
	const char *body;
	/* Staff: */
	enum note_visibility visibility;
	int64_t visible_from;
	enum withheld_reason withheld_reason;
	int64_t corrects_id; /* a correction of this note (R2.1), 0: none */
	/* The person: a comment, or that note corrects_id is wrong. */
	int objection;
};

enum { JOURNAL_BODY_MAX = 20000 };

/*
 * Adds a note for the actor: staff write notes with a visibility; the
 * person writes comments and objections (always visible to them, and an
 * objection names a note they can see). NARA_EINVAL with *why a catalogue
 * key when the note breaks a rule; NARA_ECONFLICT when the case changed
 * (expected_version) or is closed to staff notes; NARA_EDENIED.
 */
enum nara_err journal_add(struct db *db, const struct actor *who,
			  const struct journal_new *n, int64_t now, int64_t *id,
			  const char **why);

/*
 * Changes what the person may see of a staff note (released or withheld).
 * of_case: the case the note must belong to (0: whichever it belongs to).
 * NARA_ENOTFOUND when there is no such staff note; NARA_ECONFLICT
 * ("case.error.changed") when expected_version (0: do not check) is not
 * the case's version any more.
 */
enum nara_err
journal_set_visibility(struct db *db, const struct actor *who, int64_t of_case,
		       int64_t note_id, enum note_visibility v,
		       int64_t visible_from, enum withheld_reason reason,
		       int64_t expected_version, int64_t now, const char **why);

/*
 * The notes of a case, oldest first, inside the caller's transaction and
 * after the caller's policy check. for_person: only what the person may
 * read as of now (R2.3, R2.4), computed here, never copied.
 */
enum nara_err journal_read_in_tx(struct db *db, struct arena *a,
				 int64_t case_id, int for_person, int64_t now,
				 struct journal_note_view **out, size_t *count);

/* Adds a system or staff note inside the caller's transaction. */
enum nara_err journal_insert_in_tx(struct db *db, int64_t case_id,
				   int64_t municipality_id, int64_t now,
				   const char *author_kind, int64_t author_id,
				   const char *author_label, const char *kind,
				   const char *body, enum note_visibility v,
				   int64_t visible_from,
				   enum withheld_reason reason,
				   int64_t corrects_id, int64_t *id);

#endif
