/*
 * Secure messages on the pages, for both sides of a case (web/messages.h,
 * domain/message.h):
 *
 *   person  /mina-sidor/arenden/{id}/meddelanden            GET the thread,
 * POST a message /mina-sidor/arenden/{id}/meddelanden/handelser  the thread's
 * event stream staff   /arbete/arende/{id}/meddelanden                 GET,
 * POST /arbete/arende/{id}/meddelanden/handelser
 *           /arbete/arende/{id}/meddelanden/{m}/journal     POST: "journal
 * this"
 *
 * The thread shows on each side's case page; the GET here is that thread
 * alone (the live fragment). Without JavaScript a message is a form that
 * posts and redirects back to the page (post/redirect/get), and a reload
 * shows new messages; a refused message draws the page again with the
 * text kept and the reason at the field. With JavaScript
 * (static/messages.js) the form posts by fetch with ?svar=lista and gets
 * the thread back, and the page follows the stream ("thread", case id):
 * the stream carries only a version, and the script fetches the thread
 * through message_read, so the policy decides and audits every read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/document.h"
#include "domain/message.h"
#include "web/auth.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/messages.h"
#include "web/mycase.h"
#include "web/page_case.h"
#include "web/web.h"

static int is_staff(const struct actor *who)
{
	return who->subject.kind == SUBJECT_STAFF;
}

static const char *base_of(struct req *r, const struct actor *who,
			   int64_t case_id)
{
	return arena_printf(&r->arena,
			    is_staff(who) ? "/arbete/arende/%lld"
					  : "/mina-sidor/arenden/%lld",
			    (long long)case_id);
}

/* A template rendered into the request's arena, to be put in a page. */
static enum nara_err render_html(struct req *r, const char *name,
				 struct tvars *v, const char **html)
{
	struct buf out;
	buf_init(&out);
	enum nara_err err = tpl_render(&out, name, v, r->lang);
	if (err == NARA_OK) {
		*html =
		    arena_strndup(&r->arena, out.data ? out.data : "", out.len);
		if (*html == NULL)
			err = NARA_ENOMEM;
	}
	buf_free(&out);
	return err;
}

/* The thread, read for the actor (audited, marked read), as HTML. */
static enum nara_err thread_html(struct req *r, const struct session *s,
				 const struct actor *who, int64_t case_id,
				 struct message_thread *t, const char **html)
{
	*html = NULL;
	enum nara_err err = message_read(r->db, &r->arena, who, case_id,
					 (int64_t)time(NULL), 1, t);
	if (err != NARA_OK)
		return err;
	struct tvars *v = tv_new(&r->arena);
	if (v == NULL)
		return NARA_ENOMEM;
	int staff = is_staff(who);
	tv_set(v, "base", base_of(r, who, case_id));
	tv_setf(v, "version", "%lld", (long long)t->version);
	tv_set(v, "csrf", s->csrf);
	if (staff)
		tv_set(v, "staff_view", "1");
	for (size_t i = 0; i < t->count; i++) {
		const struct message_view *m = &t->messages[i];
		struct tvars *item = tv_item(v, "messages");
		int from_staff = strcmp(m->author_kind, "staff") == 0;
		int own = from_staff == staff;
		tv_setf(item, "id", "%lld", (long long)m->id);
		tv_set(item, "when", web_datetime(r, m->written_at));
		tv_set(item, "iso", web_iso_datetime(r, m->written_at));
		/* The person reads their own as "Du"; staff see who wrote. */
		tv_set(item, "author",
		       !staff && !from_staff ? i18n_get(r->lang, "msg.you")
		       : from_staff	     ? m->author_label
				    : i18n_get(r->lang, "msg.citizen"));
		tv_set(item, "body", m->body);
		if (own)
			tv_set(item, "own", "1");
		if (m->read_by_other_side)
			tv_set(item, "read", "1");
		if (m->journal_note_id != 0)
			tv_setf(item, "journaled", "%lld",
				(long long)m->journal_note_id);
		for (size_t k = 0; k < m->nattachments; k++) {
			struct tvars *at = tv_item(item, "attachments");
			tv_setf(at, "doc", "%lld",
				(long long)m->attachments[k].document_id);
			tv_set(at, "name", m->attachments[k].filename);
		}
	}
	return render_html(r, "message_thread", v, html);
}

enum nara_err messages_section(struct req *r, const struct session *s,
			       const struct actor *who, int64_t case_id,
			       const char *text, const char *error,
			       const char **html)
{
	*html = NULL;
	struct message_thread t;
	const char *thread = NULL;
	enum nara_err err = thread_html(r, s, who, case_id, &t, &thread);
	if (err != NARA_OK)
		return err;
	struct tvars *v = tv_new(&r->arena);
	if (v == NULL)
		return NARA_ENOMEM;
	tv_set(v, "base", base_of(r, who, case_id));
	tv_set(v, "csrf", s->csrf);
	tv_set(v, "thread", thread);
	if (is_staff(who))
		tv_set(v, "staff_view", "1");
	if (t.closed)
		tv_set(v, "closed", "1");
	tv_set(v, "text", text);
	tv_set(v, "error", error);
	tv_setf(v, "max_files", "%d", MESSAGE_FILES_MAX);
	return render_html(r, "message_section", v, html);
}

enum nara_err messages_form_fields(struct req *r)
{
	if (r->multipart.count == 0)
		return NARA_OK;
	size_t n = r->multipart.count;
	struct kv *items = arena_calloc(&r->arena, n, sizeof(*items));
	if (items == NULL)
		return NARA_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct multipart_part *p = &r->multipart.parts[i];
		if (p->filename == NULL)
			items[k++] = (struct kv){p->name, p->data, p->len};
	}
	r->form.items = items;
	r->form.count = k;
	return NARA_OK;
}

/* The files of a multipart message form; an empty file input is none. */
static size_t files_of(struct req *r, struct message_file *files, size_t max,
		       int *too_many)
{
	size_t n = 0;
	*too_many = 0;
	for (size_t i = 0; i < r->multipart.count; i++) {
		const struct multipart_part *p = &r->multipart.parts[i];
		if (p->filename == NULL ||
		    (p->filename[0] == '\0' && p->len == 0))
			continue;
		if (n == max) {
			*too_many = 1;
			break;
		}
		files[n++] =
		    (struct message_file){p->filename, p->data, p->len};
	}
	return n;
}

static int64_t path_id(const char *p)
{
	int64_t id = 0;
	if (p == NULL || *p == '\0')
		return 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || id > (INT64_MAX - 9) / 10)
			return 0;
		id = id * 10 + (*p - '0');
	}
	return id;
}

const char *messages_error_text(struct req *r, const char *why,
				const struct message_file *files, size_t n)
{
	const char *text = i18n_get(r->lang, why);
	if (strncmp(why, "document.error.", 15) != 0)
		return text;
	/* The file the check refused, by the name the person gave it. */
	for (size_t i = 0; i < n; i++) {
		const char *type = NULL, *bad = NULL;
		if (document_check(files[i].data, files[i].len, &type, &bad) !=
		    NARA_OK)
			return i18n_replace(r, text, "{name}",
					    files[i].filename);
	}
	return text;
}

/* The JavaScript client asks for the thread back instead of a redirect. */
static int wants_thread(const struct req *r)
{
	const char *s = kv_get(&r->query, "svar");
	return s != NULL && strcmp(s, "lista") == 0;
}

static enum nara_err send_thread(struct req *r, const struct session *s,
				 const struct actor *who, int64_t case_id)
{
	struct message_thread t;
	const char *html = NULL;
	enum nara_err err = thread_html(r, s, who, case_id, &t, &html);
	if (err != NARA_OK)
		return err;
	r->resp.content_type = "text/html; charset=utf-8";
	buf_adds(&r->resp.body, html);
	return NARA_OK;
}

static enum nara_err show_thread(struct req *r, const char *kind)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, kind, &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	int64_t id = path_id(r->nparams > 0 ? r->params[0] : NULL);
	if (id == 0)
		return NARA_ENOTFOUND;
	return send_thread(r, &s, &who, id);
}

enum nara_err page_mycase_messages(struct req *r)
{
	return show_thread(r, "citizen");
}

enum nara_err page_case_messages(struct req *r)
{
	return show_thread(r, "staff");
}

/* The person behind a form, and the form's own token. */
static enum nara_err form_actor(struct req *r, const char *kind,
				struct session *s, struct actor *who)
{
	int redirected;
	enum nara_err err = web_require(r, kind, s, who, &redirected);
	if (err == NARA_OK && redirected)
		err = NARA_EDENIED; /* no session: a form cannot be sent */
	if (err == NARA_OK)
		err = messages_form_fields(r);
	if (err == NARA_OK && !session_csrf_ok(s, kv_get(&r->form, "csrf")))
		err = NARA_EDENIED;
	return err;
}

static enum nara_err post_message(struct req *r, const char *kind)
{
	struct session s;
	struct actor who;
	enum nara_err err = form_actor(r, kind, &s, &who);
	int64_t id = path_id(r->nparams > 0 ? r->params[0] : NULL);
	if (err != NARA_OK || id == 0)
		return err != NARA_OK ? err : NARA_ENOTFOUND;
	const char *text = kv_get(&r->form, "text");
	struct message_file files[MESSAGE_FILES_MAX];
	int too_many = 0;
	size_t nfiles = files_of(r, files, MESSAGE_FILES_MAX, &too_many);
	struct message_new m = {.case_id = id,
				.body = text ? text : "",
				.files = files,
				.nfiles = nfiles};
	const char *why = NULL;
	int64_t mid = 0;
	if (too_many) {
		why = "msg.error.files";
		err = NARA_EINVAL;
	} else {
		err = message_post(r->db, &r->arena, &who, &m,
				   (int64_t)time(NULL), &mid, &why);
	}
	if ((err == NARA_EINVAL || err == NARA_ECONFLICT) && why != NULL) {
		int status = err == NARA_EINVAL ? 400 : 409;
		const char *said = messages_error_text(r, why, files, nfiles);
		if (wants_thread(r)) {
			r->resp.status = status;
			r->resp.content_type = "text/plain; charset=utf-8";
			buf_adds(&r->resp.body, said);
			return NARA_OK;
		}
		if (is_staff(&who)) {
			struct case_form f = {.name = "message",
					      .why = why,
					      .field = "text",
					      .status = status};
			return case_page_show(r, &s, &who, id, &f);
		}
		r->resp.status = status;
		return mycase_show_message(r, &s, &who, id, text, said);
	}
	if (err != NARA_OK)
		return err;
	if (wants_thread(r))
		return send_thread(r, &s, &who, id);
	resp_redirect(r, 303,
		      arena_printf(&r->arena,
				   "%s?sparat=meddelande#meddelanden",
				   base_of(r, &who, id)));
	return NARA_OK;
}

enum nara_err page_mycase_message_post(struct req *r)
{
	return post_message(r, "citizen");
}

enum nara_err page_case_message_post(struct req *r)
{
	return post_message(r, "staff");
}

static enum nara_err thread_events(struct req *r, const char *kind)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, kind, &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	int64_t id = path_id(r->nparams > 0 ? r->params[0] : NULL);
	if (id == 0)
		return NARA_ENOTFOUND;
	int64_t current = 0;
	err = message_subscribe(r->db, &who, id, &current);
	if (err != NARA_OK)
		return err;
	web_stream(r, "thread", id, current, &s);
	return NARA_OK;
}

enum nara_err page_mycase_message_events(struct req *r)
{
	return thread_events(r, "citizen");
}

enum nara_err page_case_message_events(struct req *r)
{
	return thread_events(r, "staff");
}

/* "Journal this": the visibility chosen in the message's form. */
static int journal_visibility(const char *s, enum note_visibility *v,
			      enum withheld_reason *why)
{
	*why = WITHHELD_NONE;
	if (s == NULL || strcmp(s, "now") == 0) {
		*v = VIS_NOW;
		return 1;
	}
	int reason = withheld_reason_parse(s);
	if (reason <= 0)
		return 0;
	*v = VIS_WITHHELD;
	*why = (enum withheld_reason)reason;
	return 1;
}

enum nara_err page_case_message_journal(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = form_actor(r, "staff", &s, &who);
	int64_t id = path_id(r->nparams > 0 ? r->params[0] : NULL);
	int64_t mid = path_id(r->nparams > 1 ? r->params[1] : NULL);
	if (err != NARA_OK || id == 0 || mid == 0)
		return err != NARA_OK ? err : NARA_ENOTFOUND;
	enum note_visibility v;
	enum withheld_reason reason;
	const char *why = NULL;
	int64_t note = 0;
	if (!journal_visibility(kv_get(&r->form, "synlighet"), &v, &reason)) {
		why = "journal.error.visibility";
		err = NARA_EINVAL;
	} else {
		err = message_journal(r->db, &who, id, mid, v, 0, reason,
				      (int64_t)time(NULL), &note, &why);
	}
	if ((err == NARA_EINVAL || err == NARA_ECONFLICT) && why != NULL) {
		struct case_form f = {.name = "message",
				      .why = why,
				      .status = err == NARA_EINVAL ? 400 : 409};
		return case_page_show(r, &s, &who, id, &f);
	}
	if (err != NARA_OK)
		return err;
	resp_redirect(r, 303,
		      arena_printf(&r->arena,
				   "/arbete/arende/%lld#anteckning-%lld",
				   (long long)id, (long long)note));
	return NARA_OK;
}
