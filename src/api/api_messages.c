/*
 * The secure messages of a case in the JSON API (domain/message.h), for
 * both sides: the person at /api/v1/my/cases/{id}/messages, staff at
 * /api/v1/cases/{id}/messages and .../messages/{m}/journal. The same
 * domain calls as the pages, so the policy, the audit rows and the read
 * receipts are the same; attachments come as base64 in the JSON, like an
 * application's, and pass the same checks.
 */
#include "api/api.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "api/api_json.h"
#include "domain/message.h"
#include "web/messages.h"

static enum nara_err get_thread(struct req *r, const char *kind)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, kind, 0, &c, &err))
		return err;
	struct message_thread t;
	int staff = strcmp(kind, "staff") == 0;
	err = message_read(r->db, &r->arena, &c.who, api_param_id(r, 0),
			   (int64_t)time(NULL), 1, &t);
	if (err != NARA_OK)
		return api_answer(r, err, NULL);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < t.count; i++) {
		const struct message_view *m = &t.messages[i];
		json_t *files = json_array();
		for (size_t k = 0; files && k < m->nattachments; k++)
			json_array_append_new(
			    files,
			    json_pack("{s:I,s:s}", "document_id",
				      (json_int_t)m->attachments[k].document_id,
				      "filename", m->attachments[k].filename));
		json_t *o = json_pack(
		    "{s:I,s:I,s:s,s:s,s:s,s:b,s:o}", "id", (json_int_t)m->id,
		    "written_at", (json_int_t)m->written_at, "author_kind",
		    m->author_kind, "author", m->author_label, "body", m->body,
		    "read", m->read_by_other_side, "attachments",
		    files ? files : json_array());
		if (o != NULL && staff && m->journal_note_id != 0)
			json_object_set_new(o, "journal_note_id",
					    json_integer(m->journal_note_id));
		json_array_append_new(arr, o);
	}
	return api_send(r, 200,
			json_pack("{s:I,s:I,s:b,s:b,s:o}", "case_id",
				  (json_int_t)t.case_id, "version",
				  (json_int_t)t.version, "awaiting_staff",
				  t.awaiting_staff, "closed", t.closed,
				  "messages", arr ? arr : json_array()));
}

/* {"filename", "content": base64} each; -1 when one is not. */
static int files_of(struct req *r, json_t *body, struct message_file **out,
		    size_t *n)
{
	json_t *files = json_object_get(body, "attachments");
	*out = NULL;
	*n = 0;
	if (files == NULL)
		return 0;
	if (!json_is_array(files))
		return -1;
	size_t count = json_array_size(files);
	struct message_file *list =
	    arena_calloc(&r->arena, count ? count : 1, sizeof(*list));
	if (list == NULL)
		return -1;
	for (size_t i = 0; i < count; i++) {
		json_t *f = json_array_get(files, i);
		const char *name = api_str(f, "filename");
		const char *b64 = api_str(f, "content");
		if (name == NULL || b64 == NULL)
			return -1;
		size_t b64_len = strlen(b64), len = 0;
		size_t cap = b64_len / 4 * 3 + 3;
		unsigned char *bin = arena_alloc(&r->arena, cap);
		if (bin == NULL ||
		    sodium_base642bin(bin, cap, b64, b64_len, NULL, &len, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0)
			return -1;
		list[i] = (struct message_file){name, bin, len};
	}
	*out = list;
	*n = count;
	return 0;
}

static enum nara_err post_message(struct req *r, const char *kind)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, kind, 1, &c, &err))
		return err;
	struct message_file *files = NULL;
	size_t nfiles = 0;
	const char *text = api_str(c.body, "body");
	if (files_of(r, c.body, &files, &nfiles) != 0) {
		json_decref(c.body);
		return api_error(r, 400, "api.error.body");
	}
	/* The strings live in the body until it is released. */
	text = arena_strdup(&r->arena, text ? text : "");
	for (size_t i = 0; i < nfiles; i++)
		files[i].filename = arena_strdup(&r->arena, files[i].filename);
	json_decref(c.body);
	if (text == NULL)
		return NARA_ENOMEM;
	struct message_new m = {.case_id = api_param_id(r, 0),
				.body = text,
				.files = files,
				.nfiles = nfiles};
	int64_t id = 0;
	const char *why = NULL;
	err = message_post(r->db, &r->arena, &c.who, &m, (int64_t)time(NULL),
			   &id, &why);
	if ((err == NARA_EINVAL || err == NARA_ECONFLICT) && why != NULL) {
		/* The message names the refused file, as the page does. */
		json_t *o = json_pack(
		    "{s:{s:i,s:s,s:s}}", "error", "status",
		    err == NARA_EINVAL ? 400 : 409, "key", why, "message",
		    messages_error_text(r, why, files, nfiles));
		return api_send(r, err == NARA_EINVAL ? 400 : 409, o);
	}
	if (err != NARA_OK)
		return api_answer(r, err, NULL);
	return api_send(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

enum nara_err api_my_messages(struct req *r)
{
	return get_thread(r, "citizen");
}

enum nara_err api_my_message_create(struct req *r)
{
	return post_message(r, "citizen");
}

enum nara_err api_case_messages(struct req *r)
{
	return get_thread(r, "staff");
}

enum nara_err api_case_message_create(struct req *r)
{
	return post_message(r, "staff");
}

enum nara_err api_case_message_journal(struct req *r)
{
	struct api_call c;
	enum nara_err err;
	if (!api_begin(r, "staff", 1, &c, &err))
		return err;
	const char *vis = api_str(c.body, "visibility");
	const char *reason = api_str(c.body, "withheld_reason");
	int v = note_visibility_parse(vis ? vis : "now");
	int w = reason ? withheld_reason_parse(reason) : 0;
	json_decref(c.body);
	if (v < 0 || v == VIS_FROM_DATE || w < 0)
		return api_error(r, 400, "journal.error.visibility");
	int64_t note = 0;
	const char *why = NULL;
	err = message_journal(r->db, &c.who, api_param_id(r, 0),
			      api_param_id(r, 1), (enum note_visibility)v, 0,
			      (enum withheld_reason)w, (int64_t)time(NULL),
			      &note, &why);
	if (err == NARA_ECONFLICT && why == NULL)
		why = "case.error.changed";
	if (err != NARA_OK)
		return api_answer(r, err, why);
	return api_send(r, 201, json_pack("{s:I}", "id", (json_int_t)note));
}
