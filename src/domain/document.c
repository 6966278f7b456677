/* Documents in a person's file, encrypted at rest; see document.h. */
#include "domain/document.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "core/secret.h"
#include "core/utf8.h"
#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "policy/visibility.h"

_Static_assert(DOCUMENT_NONCE_BYTES == crypto_secretbox_NONCEBYTES,
	       "nonce size");
_Static_assert(DOCUMENT_MAC_BYTES == crypto_secretbox_MACBYTES, "MAC size");
_Static_assert(SECRET_KEY_BYTES == crypto_secretbox_KEYBYTES, "key size");

/* The purpose of the key, for crypto_kdf: exactly eight characters. */
static const char key_context[] = "attachmt";

/* ---- what a file is ---- */

/*
 * The signatures: PDF files begin "%PDF-" (ISO 32000-1, 7.5.2; readers
 * tolerate leading bytes, we do not, so a file that hides something in
 * front of its header is refused), PNG with its eight-byte signature
 * (RFC 2083), JPEG with an SOI marker followed by another marker (FF D8
 * FF). Enough bytes must follow the signature for the file to be more
 * than its first line.
 */
const char *document_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;
	static const unsigned char png[8] = {0x89, 'P',	 'N',  'G',
					     '\r', '\n', 0x1a, '\n'};
	if (p == NULL)
		return NULL;
	if (len > 8 && memcmp(p, "%PDF-", 5) == 0 && p[5] >= '1' &&
	    p[5] <= '9' && p[6] == '.')
		return "application/pdf";
	if (len > 8 && memcmp(p, png, sizeof(png)) == 0)
		return "image/png";
	if (len > 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	return NULL;
}

enum nara_err document_check(const void *data, size_t len,
			     const char **content_type, const char **why)
{
	*content_type = NULL;
	*why = NULL;
	if (data == NULL || len == 0) {
		*why = "document.error.empty";
		return NARA_EINVAL;
	}
	if (len > DOCUMENT_MAX_BYTES) {
		*why = "document.error.size";
		return NARA_ETOOBIG;
	}
	*content_type = document_sniff(data, len);
	if (*content_type == NULL) {
		*why = "document.error.type";
		return NARA_EINVAL;
	}
	return NARA_OK;
}

static const char *extension_of(const char *content_type)
{
	if (strcmp(content_type, "application/pdf") == 0)
		return ".pdf";
	if (strcmp(content_type, "image/png") == 0)
		return ".png";
	return ".jpg";
}

/* Bytes that never go into a stored name or a header. */
static int unsafe_byte(unsigned char c)
{
	return c < 0x20 || c == 0x7f || strchr("/\\\";:*?<>|", c) != NULL;
}

/* The length of a valid UTF-8 sequence starting at s, 0 if none. */
static size_t char_len(const char *s, size_t left)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	if (n > left || !utf8_valid(s, n))
		return 0;
	return n;
}

const char *document_clean_name(struct arena *a, const char *name,
				const char *content_type)
{
	const char *ext = extension_of(content_type);
	size_t ext_len = strlen(ext);
	char out[DOCUMENT_NAME_MAX + 1];
	size_t n = 0;
	if (name != NULL) {
		/* The last path segment: browsers of old sent C:\x\y.pdf. */
		const char *base = name;
		for (const char *p = name; *p; p++)
			if (*p == '/' || *p == '\\')
				base = p + 1;
		size_t left = strlen(base);
		const char *p = base;
		int space = 0;
		while (left > 0) {
			size_t k = char_len(p, left);
			if (k == 0)
				break; /* not UTF-8 from here on: drop it */
			if (k == 1 && (*p == ' ' || *p == '\t')) {
				/* Runs of spaces become one; none leads. */
				space = n > 0;
			} else if (!(k == 1 && *p == '.' && n == 0)) {
				if (n + space + k > DOCUMENT_NAME_MAX - ext_len)
					break;
				if (space)
					out[n++] = ' ';
				space = 0;
				if (k == 1 && unsafe_byte((unsigned char)*p)) {
					out[n++] = '_';
				} else {
					memcpy(out + n, p, k);
					n += k;
				}
			}
			p += k;
			left -= k;
		}
	}
	out[n] = '\0';
	/* The extension follows the type, never the other way round. */
	char *dot = strrchr(out, '.');
	if (dot != NULL && dot != out) {
		size_t tail = strlen(dot);
		int same = tail == ext_len && strcasecmp(dot, ext) == 0;
		int jpeg = strcmp(ext, ".jpg") == 0 && tail == 5 &&
			   strcasecmp(dot, ".jpeg") == 0;
		if (same || jpeg)
			return arena_strdup(a, out);
	}
	if (n == 0)
		return arena_printf(a, "bilaga%s", ext);
	return arena_printf(a, "%s%s", out, ext);
}

/* ---- sealing ---- */

static enum nara_err key_of(int64_t municipality_id,
			    unsigned char key[SECRET_KEY_BYTES])
{
	if (municipality_id <= 0)
		return NARA_EINVAL;
	/* No master key is a deployment fault, not the person's: a 500. */
	if (secret_derive(key_context, (uint64_t)municipality_id, key) !=
	    NARA_OK)
		return NARA_EIO;
	return NARA_OK;
}

enum nara_err document_seal(int64_t municipality_id, const void *plain,
			    size_t len,
			    unsigned char nonce[DOCUMENT_NONCE_BYTES],
			    unsigned char *out)
{
	unsigned char key[SECRET_KEY_BYTES];
	enum nara_err err = key_of(municipality_id, key);
	if (err != NARA_OK)
		return err;
	randombytes_buf(nonce, DOCUMENT_NONCE_BYTES);
	crypto_secretbox_easy(out, plain, len, nonce, key);
	sodium_memzero(key, sizeof(key));
	return NARA_OK;
}

enum nara_err document_open(int64_t municipality_id,
			    const unsigned char nonce[DOCUMENT_NONCE_BYTES],
			    const unsigned char *ct, size_t ct_len,
			    unsigned char *out)
{
	if (ct_len < DOCUMENT_MAC_BYTES)
		return NARA_EINTEGRITY;
	unsigned char key[SECRET_KEY_BYTES];
	enum nara_err err = key_of(municipality_id, key);
	if (err != NARA_OK)
		return err;
	int bad = crypto_secretbox_open_easy(out, ct, ct_len, nonce, key);
	sodium_memzero(key, sizeof(key));
	return bad ? NARA_EINTEGRITY : NARA_OK;
}

/* ---- storing ---- */

static enum nara_err audit_document(struct db *db, const struct actor *who,
				    int64_t municipality_id, int64_t id,
				    int64_t person_id, const char *action,
				    const char *reason, int flagged)
{
	int staff = strcmp(who->kind, "staff") == 0;
	struct audit_entry e = {
	    .actor_kind = who->kind,
	    .actor_id = staff ? who->staff_id : who->subject.id,
	    .actor_label = who->label,
	    .municipality_id = municipality_id,
	    .action = action,
	    .record_kind = "document",
	    .record_id = id,
	    .person_id = person_id,
	    .reason = reason,
	    .flagged = flagged,
	    .request_id = who->request_id,
	};
	return audit_append(db, &e);
}

enum nara_err document_add_in_tx(struct db *db, struct arena *a,
				 const struct document_new *d, int64_t *id,
				 const char **why)
{
	*id = 0;
	if (!db_in_tx(db))
		return NARA_EINVAL;
	const char *type;
	enum nara_err err = document_check(d->data, d->len, &type, why);
	if (err != NARA_OK)
		return err;
	const char *name = document_clean_name(a, d->filename, type);
	unsigned char *ct = arena_alloc(a, d->len + DOCUMENT_MAC_BYTES);
	if (name == NULL || ct == NULL)
		return NARA_ENOMEM;
	unsigned char nonce[DOCUMENT_NONCE_BYTES];
	err = document_seal(d->municipality_id, d->data, d->len, nonce, ct);
	if (err != NARA_OK)
		return err;
	unsigned char sum[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(sum, d->data, d->len);
	char sum_hex[2 * sizeof(sum) + 1], nonce_hex[2 * sizeof(nonce) + 1];
	sodium_bin2hex(sum_hex, sizeof(sum_hex), sum, sizeof(sum));
	sodium_bin2hex(nonce_hex, sizeof(nonce_hex), nonce, sizeof(nonce));

	struct db_stmt *st;
	err = db_prepare(db,
			 "INSERT INTO document (case_id, municipality_id,"
			 " added_at, added_by_kind, added_by_id,"
			 " added_by_label, filename, content_type, size,"
			 " sha256, nonce, ciphertext, journal_note_id)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			 " RETURNING id",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, d->case_id);
	db_bind_int(st, 2, d->municipality_id);
	db_bind_int(st, 3, d->now);
	db_bind_text(st, 4, d->added_by_kind, (size_t)-1);
	if (d->added_by_id)
		db_bind_int(st, 5, d->added_by_id);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, d->added_by_label, (size_t)-1);
	db_bind_text(st, 7, name, (size_t)-1);
	db_bind_text(st, 8, type, (size_t)-1);
	db_bind_int(st, 9, (int64_t)d->len);
	db_bind_text(st, 10, sum_hex, (size_t)-1);
	db_bind_text(st, 11, nonce_hex, (size_t)-1);
	db_bind_blob(st, 12, ct, d->len + DOCUMENT_MAC_BYTES);
	if (d->journal_note_id)
		db_bind_int(st, 13, d->journal_note_id);
	else
		db_bind_null(st, 13);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_step_err(rc);
	struct audit_entry e = {
	    .actor_kind = d->added_by_kind,
	    .actor_id = d->added_by_id,
	    .actor_label = d->added_by_label,
	    .municipality_id = d->municipality_id,
	    .action = "create",
	    .record_kind = "document",
	    .record_id = *id,
	    .person_id = d->person_id,
	    .request_id = d->request_id,
	    .at = d->now,
	};
	return audit_append(db, &e);
}

/* ---- reading ---- */

/* What the row holds, copied out of the statement. */
struct stored {
	int64_t case_id, added_at, size;
	const char *filename, *content_type, *sha256, *nonce;
	unsigned char *ct;
	size_t ct_len;
	int has_note, note_visible;
};

static enum nara_err load(struct db *db, struct arena *a, int64_t id,
			  int64_t now, struct stored *s)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT d.case_id, d.added_at, d.size, d.filename, d.content_type,"
	    " d.sha256, d.nonce, d.ciphertext, COALESCE(n.visibility, ''),"
	    " COALESCE(n.visible_from, 0)"
	    " FROM document d LEFT JOIN journal_note n"
	    " ON n.id = d.journal_note_id WHERE d.id = ?",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		s->case_id = db_col_int(st, 0);
		s->added_at = db_col_int(st, 1);
		s->size = db_col_int(st, 2);
		s->filename = arena_strdup(a, db_col_text(st, 3));
		s->content_type = arena_strdup(a, db_col_text(st, 4));
		s->sha256 = arena_strdup(a, db_col_text(st, 5));
		s->nonce = arena_strdup(a, db_col_text(st, 6));
		const void *ct = db_col_blob(st, 7, &s->ct_len);
		s->ct = ct ? arena_alloc(a, s->ct_len + 1) : NULL;
		if (s->ct != NULL)
			memcpy(s->ct, ct, s->ct_len);
		const char *vis = db_col_text(st, 8);
		s->has_note = vis[0] != '\0';
		int v = note_visibility_parse(vis);
		s->note_visible =
		    !s->has_note ||
		    (v >= 0 && policy_note_visible((enum note_visibility)v,
						   db_col_int(st, 9), now));
		if (s->filename == NULL || s->content_type == NULL ||
		    s->sha256 == NULL || s->nonce == NULL)
			rc = -(int)NARA_ENOMEM;
		else if (s->ct == NULL)
			rc = -(int)(ct ? NARA_ENOMEM : NARA_EINTEGRITY);
	}
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

/* Opens the stored bytes and checks them against their checksum. */
static enum nara_err unseal(struct arena *a, int64_t municipality_id,
			    const struct stored *s, struct document_file *out)
{
	unsigned char nonce[DOCUMENT_NONCE_BYTES];
	size_t nonce_len = 0;
	if (s->ct_len < DOCUMENT_MAC_BYTES ||
	    (int64_t)(s->ct_len - DOCUMENT_MAC_BYTES) != s->size ||
	    sodium_hex2bin(nonce, sizeof(nonce), s->nonce, strlen(s->nonce),
			   NULL, &nonce_len, NULL) != 0 ||
	    nonce_len != sizeof(nonce))
		return NARA_EINTEGRITY;
	size_t len = s->ct_len - DOCUMENT_MAC_BYTES;
	unsigned char *plain = arena_alloc(a, len + 1);
	if (plain == NULL)
		return NARA_ENOMEM;
	enum nara_err err =
	    document_open(municipality_id, nonce, s->ct, s->ct_len, plain);
	if (err != NARA_OK)
		return err;
	unsigned char sum[crypto_hash_sha256_BYTES];
	char sum_hex[2 * sizeof(sum) + 1];
	crypto_hash_sha256(sum, plain, len);
	sodium_bin2hex(sum_hex, sizeof(sum_hex), sum, sizeof(sum));
	if (strcmp(sum_hex, s->sha256) != 0)
		return NARA_EINTEGRITY;
	out->data = plain;
	out->len = len;
	return NARA_OK;
}

enum nara_err document_open_in_tx(struct db *db, struct arena *a, int64_t id,
				 int64_t case_id, int64_t municipality_id,
				 struct document_file *out)
{
	struct stored s = {0};
	enum nara_err err = load(db, a, id, 0, &s);
	if (err != NARA_OK)
		return err;
	if (s.case_id != case_id)
		return NARA_ENOTFOUND;
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->case_id = s.case_id;
	out->added_at = s.added_at;
	out->filename = s.filename;
	out->content_type = s.content_type;
	return unseal(a, municipality_id, &s, out);
}

enum nara_err document_read(struct db *db, struct arena *a,
			    const struct actor *who, int64_t id, int64_t now,
			    struct document_file *out)
{
	memset(out, 0, sizeof(*out));
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct stored s = {0};
	int64_t municipality_id = 0, person_id = 0;
	err = load(db, a, id, now, &s);
	if (err == NARA_OK)
		err = case_authorize_in_tx(db, who, s.case_id, 0,
					   &municipality_id, &person_id);
	/*
	 * The person reads a document only with the note it belongs to
	 * (R2.3, R2.4): one withheld from them stays withheld, and asking
	 * for it is a flagged attempt like any other refusal.
	 */
	if (err == NARA_OK && who->subject.kind == SUBJECT_CITIZEN &&
	    !s.note_visible) {
		err = audit_document(db, who, municipality_id, id, person_id,
				     "read_denied", "withheld", 1);
		if (err == NARA_OK)
			err = NARA_EDENIED;
	}
	if (err == NARA_OK)
		err = unseal(a, municipality_id, &s, out);
	if (err == NARA_OK)
		err = audit_document(db, who, municipality_id, id, person_id,
				     "read", NULL, 0);
	if (err == NARA_OK || err == NARA_EDENIED) {
		/* A refusal keeps its audit row. */
		enum nara_err c = db_commit(db);
		if (c != NARA_OK)
			err = c;
	} else {
		db_rollback(db);
	}
	if (err != NARA_OK) {
		if (out->data != NULL)
			sodium_memzero((void *)out->data, out->len);
		memset(out, 0, sizeof(*out));
		return err;
	}
	out->id = id;
	out->case_id = s.case_id;
	out->added_at = s.added_at;
	out->filename = s.filename;
	out->content_type = s.content_type;
	return NARA_OK;
}

enum nara_err document_list_in_tx(struct db *db, struct arena *a,
				  int64_t case_id, int for_person, int64_t now,
				  struct document_info **out, size_t *count)
{
	enum { MAX = 200 };
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT d.id, d.added_at, d.size, d.filename, d.content_type,"
	    " COALESCE(n.visibility, ''), COALESCE(n.visible_from, 0)"
	    " FROM document d LEFT JOIN journal_note n"
	    " ON n.id = d.journal_note_id WHERE d.case_id = ?"
	    " ORDER BY d.added_at, d.id",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	struct document_info *list = arena_calloc(a, MAX, sizeof(*list));
	size_t n = 0;
	int rc = DB_DONE;
	while (list != NULL && n < MAX && (rc = db_step(st)) == DB_ROW) {
		const char *vis = db_col_text(st, 5);
		int v = note_visibility_parse(vis);
		if (for_person && vis[0] != '\0' &&
		    (v < 0 || !policy_note_visible((enum note_visibility)v,
						   db_col_int(st, 6), now)))
			continue;
		struct document_info *d = &list[n++];
		d->id = db_col_int(st, 0);
		d->added_at = db_col_int(st, 1);
		d->size = db_col_int(st, 2);
		d->filename = arena_strdup(a, db_col_text(st, 3));
		d->content_type = arena_strdup(a, db_col_text(st, 4));
		if (d->filename == NULL || d->content_type == NULL) {
			rc = -(int)NARA_ENOMEM;
			break;
		}
	}
	db_done(st);
	if (list == NULL)
		return NARA_ENOMEM;
	if (rc < 0)
		return db_step_err(rc);
	*out = list;
	*count = n;
	return NARA_OK;
}

enum nara_err document_list_for(struct db *db, struct arena *a,
				const struct actor *who, int64_t case_id,
				int64_t now, struct document_info **out,
				size_t *count)
{
	*out = NULL;
	*count = 0;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0, person_id = 0;
	err = case_authorize_in_tx(db, who, case_id, 0, &municipality_id,
				   &person_id);
	if (err == NARA_OK)
		err = document_list_in_tx(db, a, case_id,
					  who->subject.kind == SUBJECT_CITIZEN,
					  now, out, count);
	if (err == NARA_OK) {
		int staff = strcmp(who->kind, "staff") == 0;
		struct audit_entry e = {
		    .actor_kind = who->kind,
		    .actor_id = staff ? who->staff_id : person_id,
		    .actor_label = who->label,
		    .municipality_id = municipality_id,
		    .action = "read",
		    .record_kind = "case_documents",
		    .record_id = case_id,
		    .person_id = person_id,
		    .request_id = who->request_id,
		};
		err = audit_append(db, &e);
	}
	if (err == NARA_OK || err == NARA_EDENIED) {
		/* A refusal keeps its audit row. */
		enum nara_err c = db_commit(db);
		if (c != NARA_OK)
			err = c;
	} else {
		db_rollback(db);
	}
	if (err != NARA_OK) {
		*out = NULL;
		*count = 0;
	}
	return err;
}
