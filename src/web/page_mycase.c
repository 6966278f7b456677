/*
 * The citizen's own case (/mina-sidor/arenden/{id}): what the policy layer
 * releases of it, computed at every request by case_read_own (R2.3,
 * R2.4): the facts, what happens next and by when, the timeline, the
 * notes they may read with corrections linked both ways (R2.1), decisions
 * in full with how to appeal (R2.2), interventions, and who in the social
 * services has opened the case (R2.6). Two forms: a comment, and "this
 * note is wrong" (an objection, which staff see in their worklist).
 *
 * Live: the part of the page that changes is one region (templates/
 * mycase_live.html). /handelser is a server-sent event stream that says
 * only that the case changed (http/live.h); static/nara.js then fetches
 * ?del=innehall, which is that region rendered by this same code through
 * case_read_own: the policy decides again and the read is audited. Without
 * JavaScript none of this runs, and a reload shows everything.
 *
 * Forms post, then redirect to the page (post/redirect/get); a form with
 * an error is shown again with the text kept and the message at its field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/case.h"
#include "domain/document.h"
#include "domain/journal.h"
#include "web/auth.h"
#include "web/format.h"
#include "web/messages.h"
#include "web/mycase.h"
#include "web/web.h"

enum { CHOICE_LABEL_MAX = 60 };

int64_t mycase_id(const struct req *r)
{
	if (r->nparams < 1 || r->params[0] == NULL)
		return 0;
	const char *p = r->params[0];
	int64_t id = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || id > (INT64_MAX - 9) / 10)
			return 0;
		id = id * 10 + (*p - '0');
	}
	return id;
}

const char *mycase_word(struct req *r, const char *prefix, const char *name,
			const char *fallback)
{
	char *key = arena_printf(&r->arena, "%s.%s", prefix, name);
	if (key != NULL && i18n_has(key))
		return i18n_get(r->lang, key);
	return i18n_get(r->lang, fallback);
}

const char *mycase_note_kind(struct req *r, const struct journal_note_view *n)
{
	return mycase_word(r, "mycase.kind", n->kind, "mycase.kind.note");
}

const char *mycase_note_author(struct req *r, const struct journal_note_view *n)
{
	if (strcmp(n->author_kind, "citizen") == 0)
		return i18n_get(r->lang, "mycase.you");
	return n->author_label;
}

const char *mycase_event_detail(struct req *r, const struct case_event_view *e)
{
	const char *s = NULL;
	/* A new member of the team, by name. */
	if ((strcmp(e->action, "assign") == 0 ||
	     strcmp(e->action, "member") == 0) &&
	    e->reason[0])
		s = arena_printf(&r->arena, ": %s", e->reason);
	/* The investigation's new last day. */
	else if (strcmp(e->action, "extend") == 0 && e->due != 0)
		s = arena_printf(&r->arena, ". %s %s",
				 i18n_get(r->lang, "mycase.by"),
				 web_date(r, e->due));
	/* The reasons given to the person for closing, not opening, reopening.
	 */
	else if ((strcmp(e->action, "close") == 0 ||
		  strcmp(e->action, "not_open") == 0 ||
		  strcmp(e->action, "reopen") == 0) &&
		 e->reason[0])
		s = arena_printf(&r->arena, ". %s", e->reason);
	return s ? s : "";
}

/* What a failed form sends back to the page. */
struct form_state {
	const char *comment_text, *comment_error;
	const char *message_text, *message_error; /* page_messages.c */
	const char *wrong_text, *wrong_error, *target_error;
	int64_t target;
};

/* The first words of a note, for the list of notes to object to. */
static const char *excerpt(struct req *r, const char *body)
{
	size_t n = strlen(body);
	if (n <= CHOICE_LABEL_MAX)
		return body;
	n = CHOICE_LABEL_MAX;
	/* Cut at a character boundary, not inside a letter. */
	while (n > 0 && ((unsigned char)body[n] & 0xc0) == 0x80)
		n--;
	const char *s = arena_printf(&r->arena, "%.*s…", (int)n, body);
	return s ? s : body;
}

static const struct journal_note_view *note_by_id(const struct case_view *v,
						  int64_t id)
{
	for (size_t i = 0; i < v->nnotes; i++)
		if (v->notes[i].id == id)
			return &v->notes[i];
	return NULL;
}

/* A note the person may say is wrong: written by the social services. */
static int can_object(const struct journal_note_view *n)
{
	return strcmp(n->author_kind, "citizen") != 0 &&
	       strcmp(n->kind, "decision") != 0;
}

static void fill_notes(struct req *r, struct tvars *v,
		       const struct case_view *c)
{
	for (size_t i = 0; i < c->nnotes; i++) {
		const struct journal_note_view *n = &c->notes[i];
		struct tvars *item = tv_item(v, "notes");
		tv_setf(item, "id", "%lld", (long long)n->id);
		tv_set(item, "kind", mycase_note_kind(r, n));
		tv_set(item, "when", web_datetime(r, n->written_at));
		tv_set(item, "iso", web_iso_datetime(r, n->written_at));
		tv_set(item, "author", mycase_note_author(r, n));
		tv_set(item, "body", n->body);
		if (strcmp(n->author_kind, "citizen") == 0)
			tv_set(item, "own", "1");
		const struct journal_note_view *target =
		    n->corrects_id ? note_by_id(c, n->corrects_id) : NULL;
		if (target != NULL) {
			int objection =
			    strcmp(n->kind, "citizen_objection") == 0;
			tv_setf(item, "corrects", "%lld",
				(long long)target->id);
			tv_set(
			    item, "corrects_text",
			    i18n_format(r,
					objection ? "mycase.objects_to"
						  : "mycase.corrects",
					web_datetime(r, target->written_at)));
		}
		if (n->corrected_by != 0 && note_by_id(c, n->corrected_by))
			tv_setf(item, "corrected_by", "%lld",
				(long long)n->corrected_by);
		/* R2.1 both ways: the note links to what the person said of it.
		 */
		for (size_t k = 0; k < c->nnotes; k++)
			if (c->notes[k].corrects_id == n->id &&
			    strcmp(c->notes[k].kind, "citizen_objection") == 0)
				tv_setf(tv_item(item, "objections"),
					"objection", "%lld",
					(long long)c->notes[k].id);
		if (can_object(n))
			tv_set(item, "can_object", "1");
	}
}

static void fill_live(struct req *r, struct tvars *v, const struct case_view *c,
		      const struct case_read_log *reads, size_t nreads,
		      const struct document_info *docs, size_t ndocs)
{
	const struct case_summary *s = &c->s;
	tv_setf(v, "case_id", "%lld", (long long)s->id);
	tv_setf(v, "version", "%lld", (long long)s->version);
	tv_set(v, "matter",
	       mycase_word(r, "matter", s->matter,
			   arena_printf(&r->arena, "casekind.%s",
					case_kind_name(s->kind))));
	tv_set(v, "municipality", s->municipality_name);
	tv_set(v, "unit", s->unit_name);
	tv_set(v, "state",
	       mycase_word(r, "state", case_state_name(s->state),
			   "state.received"));
	tv_set(v, "received", web_date(r, s->received_at));
	tv_set(v, "officer", s->assigned_name);
	tv_set(v, "next", i18n_get(r->lang, c->next.what));
	if (c->next.by != 0)
		tv_set(v, "next_by", web_date(r, c->next.by));

	for (size_t i = 0; i < c->nevents; i++) {
		const struct case_event_view *e = &c->events[i];
		struct tvars *item = tv_item(v, "events");
		tv_set(item, "when", web_date(r, e->at));
		tv_set(item, "iso", web_iso_datetime(r, e->at));
		tv_set(item, "action",
		       mycase_word(r, "action", e->action, "mycase.event"));
		if (e->from != e->to)
			tv_set(item, "to_state",
			       mycase_word(r, "state", case_state_name(e->to),
					   "state.received"));
		tv_set(item, "detail", mycase_event_detail(r, e));
	}
	fill_notes(r, v, c);
	for (size_t i = 0; i < c->ndecisions; i++) {
		const struct case_decision_view *d = &c->decisions[i];
		struct tvars *item = tv_item(v, "decisions");
		tv_setf(item, "id", "%lld", (long long)d->id);
		tv_set(item, "subject", d->subject);
		tv_set(
		    item, "outcome",
		    mycase_word(r, "outcome", d->outcome, "outcome.granted"));
		tv_set(item, "when", web_date(r, d->decided_at));
		tv_set(item, "content", d->content);
		tv_set(item, "reasons", d->reasons);
		tv_set(item, "legal_basis", d->legal_basis);
		tv_set(item, "decided_by", d->decided_by);
		tv_set(item, "presented_by", d->presented_by);
		tv_set(item, "delegation", d->delegation);
		tv_set(item, "appeal", d->appeal);
	}
	for (size_t i = 0; i < c->ninterventions; i++) {
		const struct case_intervention_view *n = &c->interventions[i];
		struct tvars *item = tv_item(v, "interventions");
		tv_set(item, "name", n->name);
		tv_set(item, "level",
		       mycase_word(r, "level", n->level, "level.targeted"));
		tv_set(item, "started", web_date(r, n->started_at));
		if (n->ended_at == 0 && n->follow_up_due != 0)
			tv_set(item, "follow_up",
			       web_date(r, n->follow_up_due));
		if (n->ended_at != 0)
			tv_set(item, "ended", web_date(r, n->ended_at));
	}
	/* The documents of notes the person may read (document_list_for). */
	for (size_t i = 0; i < ndocs; i++) {
		struct tvars *item = tv_item(v, "documents");
		tv_setf(item, "id", "%lld", (long long)docs[i].id);
		tv_set(item, "name", docs[i].filename);
		tv_set(item, "when", web_datetime(r, docs[i].added_at));
	}
	for (size_t i = 0; i < nreads; i++) {
		struct tvars *item = tv_item(v, "reads");
		tv_set(item, "when", web_iso_datetime(r, reads[i].at));
		tv_set(item, "municipality", reads[i].municipality_name);
		tv_set(item, "unit", reads[i].unit_name);
	}
}

static void fill_forms(struct req *r, struct tvars *v,
		       const struct case_view *c, const struct form_state *f)
{
	tv_set(v, "comment_text", f->comment_text);
	tv_set(v, "comment_error", f->comment_error);
	tv_set(v, "wrong_text", f->wrong_text);
	tv_set(v, "wrong_error", f->wrong_error);
	tv_set(v, "target_error", f->target_error);
	if (f->comment_error || f->wrong_error || f->target_error)
		tv_set(v, "form_error", "1");
	for (size_t i = 0; i < c->nnotes; i++) {
		const struct journal_note_view *n = &c->notes[i];
		if (!can_object(n))
			continue;
		struct tvars *item = tv_item(v, "choices");
		tv_setf(item, "id", "%lld", (long long)n->id);
		tv_set(item, "label",
		       arena_printf(&r->arena, "%s, %s: %s",
				    mycase_note_kind(r, n),
				    web_datetime(r, n->written_at),
				    excerpt(r, n->body)));
		if (n->id == f->target)
			tv_set(item, "selected", "1");
	}
}

/*
 * Reads the case for the person (the policy decides, the read is audited)
 * and renders the whole page, or with fragment only its live region.
 */
static enum nara_err render(struct req *r, const struct session *s,
			    const struct actor *who, int64_t case_id,
			    const struct form_state *f, int fragment)
{
	int64_t now = (int64_t)time(NULL);
	struct case_view c;
	enum nara_err err =
	    case_read_own(r->db, &r->arena, who, case_id, now, &c);
	struct case_read_log *reads = NULL;
	size_t nreads = 0;
	if (err == NARA_OK)
		err = case_reads_own(r->db, &r->arena, who, case_id, &reads,
				     &nreads);
	struct document_info *docs = NULL;
	size_t ndocs = 0;
	if (err == NARA_OK)
		err = document_list_for(r->db, &r->arena, who, case_id, now,
					&docs, &ndocs);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	if (v == NULL)
		return NARA_ENOMEM;
	fill_live(r, v, &c, reads, nreads, docs, ndocs);
	if (fragment) {
		r->resp.content_type = "text/html; charset=utf-8";
		return tpl_render(&r->resp.body, "mycase_live", v, r->lang);
	}
	web_session_vars(r, v, s, who);
	fill_forms(r, v, &c, f);
	const char *saved = kv_get(&r->query, "sparat");
	if (saved != NULL && strcmp(saved, "kommentar") == 0)
		tv_set(v, "saved", i18n_get(r->lang, "mycase.comment_saved"));
	else if (saved != NULL && strcmp(saved, "fel") == 0)
		tv_set(v, "saved", i18n_get(r->lang, "mycase.wrong_saved"));
	else if (saved != NULL && strcmp(saved, "meddelande") == 0)
		tv_set(v, "saved", i18n_get(r->lang, "msg.sent"));
	if (f->message_error)
		tv_set(v, "form_error", "1");
	/* The messages of the case (page_messages.c), read and audited. */
	const char *messages = NULL;
	err = messages_section(r, s, who, case_id, f->message_text,
			       f->message_error, &messages);
	if (err != NARA_OK)
		return err;
	tv_set(v, "messages", messages);
	/*
	 * The live region is rendered once, by itself, and put into the page
	 * raw: it is HTML the template just escaped, the same bytes the
	 * fragment request returns.
	 */
	struct buf live;
	buf_init(&live);
	err = tpl_render(&live, "mycase_live", v, r->lang);
	const char *html =
	    err == NARA_OK
		? arena_strndup(&r->arena, live.data ? live.data : "", live.len)
		: NULL;
	buf_free(&live);
	if (err != NARA_OK)
		return err;
	if (html == NULL)
		return NARA_ENOMEM;
	tv_set(v, "live", html);
	return page_render(r, "mycase", v,
			   i18n_format(r, "mycase.title", c.s.reference));
}

enum nara_err mycase_show_message(struct req *r, const struct session *s,
				  const struct actor *who, int64_t case_id,
				  const char *text, const char *error)
{
	struct form_state f = {.message_text = text, .message_error = error};
	return render(r, s, who, case_id, &f, 0);
}

enum nara_err page_mycase(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	int64_t id = mycase_id(r);
	if (id == 0)
		return NARA_ENOTFOUND;
	const char *part = kv_get(&r->query, "del");
	if (part != NULL && strcmp(part, "innehall") != 0)
		return NARA_ENOTFOUND;
	struct form_state f = {0};
	const char *om = kv_get(&r->query, "om");
	f.target = om ? strtoll(om, NULL, 10) : 0;
	return render(r, &s, &who, id, &f, part != NULL);
}

/* The person behind a form, and the form's own token. */
static enum nara_err form_actor(struct req *r, struct session *s,
				struct actor *who)
{
	int redirected;
	enum nara_err err = web_require(r, "citizen", s, who, &redirected);
	if (err == NARA_OK && redirected)
		err = NARA_EDENIED; /* no session: a form cannot be sent */
	if (err == NARA_OK && !session_csrf_ok(s, kv_get(&r->form, "csrf")))
		err = NARA_EDENIED;
	return err;
}

static void after_save(struct req *r, int64_t id, const char *what)
{
	resp_redirect(r, 303,
		      arena_printf(&r->arena,
				   "/mina-sidor/arenden/%lld?sparat=%s",
				   (long long)id, what));
}

enum nara_err page_mycase_comment(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = form_actor(r, &s, &who);
	int64_t id = mycase_id(r);
	if (err != NARA_OK || id == 0)
		return err != NARA_OK ? err : NARA_ENOTFOUND;
	const char *text = kv_get(&r->form, "text");
	struct journal_new n = {.case_id = id, .body = text ? text : ""};
	const char *why = NULL;
	int64_t note_id = 0;
	err = journal_add(r->db, &who, &n, (int64_t)time(NULL), &note_id, &why);
	if (err == NARA_EINVAL && why != NULL) {
		struct form_state f = {.comment_text = text,
				       .comment_error = i18n_get(r->lang, why)};
		r->resp.status = 400;
		return render(r, &s, &who, id, &f, 0);
	}
	if (err != NARA_OK)
		return err;
	after_save(r, id, "kommentar");
	return NARA_OK;
}

enum nara_err page_mycase_wrong(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err = form_actor(r, &s, &who);
	int64_t id = mycase_id(r);
	if (err != NARA_OK || id == 0)
		return err != NARA_OK ? err : NARA_ENOTFOUND;
	const char *text = kv_get(&r->form, "text");
	const char *target = kv_get(&r->form, "anteckning");
	char *end = NULL;
	long long note = target ? strtoll(target, &end, 10) : 0;
	if (end == NULL || *end != '\0' || note < 0)
		note = 0; /* not a note: said so below */
	struct journal_new n = {.case_id = id,
				.body = text ? text : "",
				.objection = 1,
				.corrects_id = note};
	const char *why = NULL;
	int64_t note_id = 0;
	err = journal_add(r->db, &who, &n, (int64_t)time(NULL), &note_id, &why);
	if (err == NARA_EINVAL && why != NULL) {
		struct form_state f = {.wrong_text = text, .target = note};
		const char *msg = i18n_get(r->lang, why);
		if (strcmp(why, "journal.error.objection") == 0 ||
		    strcmp(why, "journal.error.target") == 0)
			f.target_error = msg;
		else
			f.wrong_error = msg;
		r->resp.status = 400;
		return render(r, &s, &who, id, &f, 0);
	}
	if (err != NARA_OK)
		return err;
	after_save(r, id, "fel");
	return NARA_OK;
}

enum nara_err page_mycase_events(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	int64_t id = mycase_id(r);
	if (id == 0)
		return NARA_ENOTFOUND;
	int64_t current = 0;
	err = case_subscribe_own(r->db, &who, id, &current);
	if (err != NARA_OK)
		return err;
	web_stream(r, "case", id, current, &s);
	return NARA_OK;
}
