/*
 * Documents in a person's file: attachments from the person (an
 * application's pay slips, a lease) and, later, from staff. DESIGN.md asks
 * that they are checked for size and type and encrypted at rest:
 *
 *   - Only PDF, PNG and JPEG are taken, recognised by their first bytes
 *     (the file's own signature), never by the name or the type the
 *     browser claims: a renamed program is refused, whatever it is called.
 *   - At most DOCUMENT_MAX_BYTES each (the route that takes them sets its
 *     body limit so that DOCUMENT_MAX_PER_APPLICATION of them fit).
 *   - The name is cleaned before it is stored or sent back: no path, no
 *     control or quoting characters, an extension that matches the type.
 *   - The bytes are sealed with libsodium's secretbox (XSalsa20-Poly1305)
 *     under the municipality's own key, secret_derive("attachmt",
 *     municipality id) (core/secret.h), with a random nonce per document.
 *     A copy of the database alone reads as noise, one municipality's key
 *     opens nothing of another's, and a changed byte fails the MAC.
 *
 * Reading one goes through the policy layer (case_authorize_in_tx) and
 * leaves an audit row, a refusal a flagged one, in the same transaction.
 */
#ifndef NARA_DOCUMENT_H
#define NARA_DOCUMENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct db;
struct actor;

enum {
	DOCUMENT_MAX_BYTES = 5 * 1024 * 1024,
	DOCUMENT_MAX_PER_APPLICATION = 5,
	DOCUMENT_NAME_MAX = 100,   /* bytes of a cleaned name */
	DOCUMENT_NONCE_BYTES = 24, /* crypto_secretbox_NONCEBYTES */
	DOCUMENT_MAC_BYTES = 16,   /* crypto_secretbox_MACBYTES */
};

/*
 * What the bytes are, from their signature: "application/pdf",
 * "image/png" or "image/jpeg"; NULL for anything else. Untrusted input
 * (tests/fuzz/fuzz_sniff.c).
 */
const char *document_sniff(const void *data, size_t len);

/*
 * Checks an upload before anything is stored. NARA_EINVAL with *why
 * "document.error.empty" or "document.error.type", NARA_ETOOBIG with
 * "document.error.size"; else *content_type is the sniffed type.
 */
enum nara_err document_check(const void *data, size_t len,
			     const char **content_type, const char **why);

/*
 * A file name safe to store and to send in Content-Disposition: the last
 * path segment of name, without control characters or any of / \ " ; :
 * * ? < > | (each becomes '_'), no leading dots or spaces, at most
 * DOCUMENT_NAME_MAX bytes cut at a character boundary, and ending in the
 * extension of content_type (".pdf", ".png", ".jpg"). An empty or invalid
 * name becomes "bilaga" with that extension. In the arena; NULL when it
 * is full.
 */
const char *document_clean_name(struct arena *a, const char *name,
				const char *content_type);

/*
 * Seals len bytes for a municipality: a new random nonce, and
 * len + DOCUMENT_MAC_BYTES bytes of ciphertext in out. NARA_EIO when no
 * master key is loaded.
 */
enum nara_err document_seal(int64_t municipality_id, const void *plain,
			    size_t len,
			    unsigned char nonce[DOCUMENT_NONCE_BYTES],
			    unsigned char *out);

/*
 * Opens what document_seal made: ct_len - DOCUMENT_MAC_BYTES bytes to
 * out. NARA_EINTEGRITY when the key is another municipality's or a byte
 * was changed; NARA_EIO when no master key is loaded.
 */
enum nara_err document_open(int64_t municipality_id,
			    const unsigned char nonce[DOCUMENT_NONCE_BYTES],
			    const unsigned char *ct, size_t ct_len,
			    unsigned char *out);

/* A document to add to a case, inside the caller's transaction. */
struct document_new {
	int64_t case_id, municipality_id;
	int64_t person_id;	   /* whose file, for the audit row */
	const char *added_by_kind; /* "citizen" or "staff" */
	int64_t added_by_id;	   /* staff id, or the person's id */
	const char *added_by_label;
	const char *request_id; /* may be NULL */
	const char *filename;	/* as given; cleaned here */
	const void *data;
	size_t len;
	int64_t journal_note_id; /* the note it belongs to, 0: none */
	int64_t now;
};

/*
 * Checks, seals and stores a document with its audit row, inside the
 * caller's transaction (NARA_EINVAL outside one). The check's errors are
 * document_check's, with *why set. *id gets the new document's id.
 */
enum nara_err document_add_in_tx(struct db *db, struct arena *a,
				 const struct document_new *d, int64_t *id,
				 const char **why);

/* A document as a download sends it. */
struct document_file {
	int64_t id, case_id, added_at;
	const char *filename, *content_type;
	const unsigned char *data; /* in the arena */
	size_t len;
};

/*
 * Reads and opens a document for the actor: staff of the case's unit, or
 * the person whose file it is (and then only if the note it belongs to is
 * one they may read now). The read, or the refused attempt (flagged), is
 * audited in the same transaction. NARA_ENOTFOUND, NARA_EDENIED,
 * NARA_EINTEGRITY when the stored bytes do not open or do not match their
 * checksum.
 */
enum nara_err document_read(struct db *db, struct arena *a,
			    const struct actor *who, int64_t id, int64_t now,
			    struct document_file *out);

/*
 * Opens document id of case_id (stored under municipality_id's key)
 * inside the caller's transaction, WITHOUT asking the policy or writing an
 * audit row: for a caller that has done both for the whole work (a
 * handover's package, domain/handover.c). NARA_ENOTFOUND when the
 * document is not the case's.
 */
enum nara_err document_open_in_tx(struct db *db, struct arena *a, int64_t id,
				 int64_t case_id, int64_t municipality_id,
				 struct document_file *out);

/* A case's documents, as a list shows them (no bytes). */
struct document_info {
	int64_t id, added_at, size;
	const char *filename, *content_type;
};

/*
 * The documents of a case inside the caller's transaction, after the
 * caller's policy check; for_person: only those the person may see now.
 */
enum nara_err document_list_in_tx(struct db *db, struct arena *a,
				  int64_t case_id, int for_person, int64_t now,
				  struct document_info **out, size_t *count);

/*
 * The documents of a case for the actor, in a transaction of its own: the
 * policy decides (case_authorize_in_tx), the person sees only those with
 * notes they may read now, and the read of the list is audited.
 */
enum nara_err document_list_for(struct db *db, struct arena *a,
				const struct actor *who, int64_t case_id,
				int64_t now, struct document_info **out,
				size_t *count);

#endif
