/*
 * Secure messages of a case (DESIGN.md: "meets by chat or secure
 * message"): one thread per case between the person (or a guardian the
 * case rules let in, R2.5) and the case's staff — its officer, its team,
 * and the casework staff of its unit. Who may read and write is the case's
 * own policy (case_authorize_in_tx, deny by default: another municipality,
 * another unit, a guardian of a child of 13 or more or with protected
 * identity are refused), and every read, write, subscription and refusal
 * leaves an audit row in the same transaction as the work.
 *
 * Messages are part of the file: append-only (sql/017_messages.*.sql),
 * their attachments sealed documents of the case (domain/document.h, with
 * the same type and size checks as an application's), and staff may copy
 * one into the journal as a note with a visibility of their choosing
 * ("journal this", message_journal), after which it shows in the file
 * like any note.
 *
 * Read receipts: each reader's mark is the last message they have been
 * shown. The person's messages read "Läst" once a staff reader has seen
 * them, and staff messages once the person has.
 *
 * Live: every message and every read receipt that changes something moves
 * the thread's version and notifies ("thread", case id, version) after
 * COMMIT (db_notify); the notice carries nothing of the thread, and the
 * page that hears it fetches the thread again through message_read.
 * Messages do not move case_file.version: a message must not make a
 * colleague's half-written note on the case page stale.
 */
#ifndef NARA_MESSAGE_H
#define NARA_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "policy/visibility.h"

struct db;
struct actor;

enum {
	MESSAGE_BODY_MAX = 10000, /* bytes */
	MESSAGE_FILES_MAX = 3,	  /* attachments per message */
	MESSAGE_THREAD_MAX = 1000 /* messages a page shows, the newest */
};

struct message_attachment {
	int64_t document_id;
	const char *filename;
};

struct message_view {
	int64_t id, written_at;
	const char *author_kind; /* "staff" or "citizen" */
	const char *author_label;
	const char *body;
	int read_by_other_side;	 /* "Läst": the other side has seen it */
	int64_t journal_note_id; /* copied into the journal; 0: not */
	struct message_attachment *attachments;
	size_t nattachments;
};

struct message_thread {
	int64_t case_id, version;
	int awaiting_staff; /* the last message is the person's, unanswered */
	int closed;	    /* the case is closed: no new messages */
	struct message_view *messages; /* oldest first */
	size_t count;
};

struct message_file {
	const char *filename; /* as given; cleaned by document_add_in_tx */
	const void *data;
	size_t len;
};

struct message_new {
	int64_t case_id;
	const char *body;
	const struct message_file *files;
	size_t nfiles;
};

/*
 * Writes a message for the actor with its attachments, in one
 * transaction with its audit rows. NARA_EINVAL with *why a catalogue key
 * ("msg.error.empty", "msg.error.long", "msg.error.files", or a
 * document check's "document.error.*"); NARA_ECONFLICT ("msg.error.closed")
 * when the case is closed; NARA_EDENIED (audited, flagged);
 * NARA_ENOTFOUND. A staff message queues a notice to the person (no text
 * of the message; one until the person has read the thread).
 */
enum nara_err message_post(struct db *db, struct arena *a,
			   const struct actor *who, const struct message_new *m,
			   int64_t now, int64_t *id, const char **why);

/*
 * The thread of a case for the actor, the newest MESSAGE_THREAD_MAX
 * messages, oldest first. The read is audited; with mark_read the
 * actor's read receipt moves to the newest message (and the thread's
 * version with it when that changed anything the other side sees).
 */
enum nara_err message_read(struct db *db, struct arena *a,
			   const struct actor *who, int64_t case_id,
			   int64_t now, int mark_read,
			   struct message_thread *out);

/*
 * The actor subscribes to news of the thread (the live page): the read
 * policy decides, the subscription is audited as such, *version gets the
 * thread's version now.
 */
enum nara_err message_subscribe(struct db *db, const struct actor *who,
				int64_t case_id, int64_t *version);

/*
 * "Journal this": staff copy a message of the case into the journal as a
 * note of kind "message" with the given visibility (policy_visibility_valid),
 * once. NARA_EINVAL ("journal.error.visibility"), NARA_ECONFLICT
 * ("msg.error.journaled") when it already is, NARA_ENOTFOUND when the
 * message is not the case's, NARA_EDENIED.
 */
enum nara_err message_journal(struct db *db, const struct actor *who,
			      int64_t case_id, int64_t message_id,
			      enum note_visibility v, int64_t visible_from,
			      enum withheld_reason reason, int64_t now,
			      int64_t *note_id, const char **why);

/* A case whose last message is the person's, with no staff reply yet. */
struct message_awaiting {
	int64_t case_id, since;
};

/*
 * The threads of a municipality awaiting a staff reply (no personal data:
 * case ids and times; the worklist shows only the cases its own,
 * policy-checked, read returned). Oldest first.
 */
enum nara_err message_awaiting_in(struct db *db, struct arena *a,
				  int64_t municipality_id,
				  struct message_awaiting **out, size_t *count);

#endif
