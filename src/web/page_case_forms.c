/*
 * The forms of the case page (page_case.c): a move of the state machine,
 * the team, a protection assessment, a journal note, a note's visibility.
 * Each handler checks the session's CSRF token first, reads the form,
 * makes one call to the domain (one transaction, with its audit row) and
 * then either sends the person back to the case with 303 (post, redirect,
 * get) or, when the law's requirements are not met (400) or someone
 * changed the case since the form was drawn (409), draws the page again
 * with the input kept and the reason next to its field. Refusals by the
 * policy are the 403 page; the domain has audited them.
 */
#include <string.h>
#include <time.h>

#include "domain/case.h"
#include "domain/journal.h"
#include "domain/report.h"
#include "web/auth.h"
#include "web/casework.h"
#include "web/format.h"
#include "web/page_case.h"
#include "web/web.h"

/*
 * The field each refusal is about, so the message stands next to it. A
 * reason not in the table (the case changed, the move is illegal now) is
 * about the whole form and shows in the summary at the top.
 */
static const struct {
	const char *why, *field;
} fields[] = {
    {"case.error.child_heard", "child_heard"},
    {"case.error.child_not_heard_reason", "child_not_heard_reason"},
    {"case.error.late_reason", "late_reason"},
    {"case.error.reason", "reason"},
    {"case.error.follow_up", "reason"},
    {"case.error.extension", "new_due"},
    {"case.error.outcome", "outcome"},
    {"case.error.subject", "subject"},
    {"case.error.content", "content"},
    {"case.error.reasons", "reasons"},
    {"case.error.appeal", "appeal"},
    {"case.error.presented_by", "presented_by"},
    {"case.error.intervention", "intervention"},
    {"case.error.staff", "staff"},
    {"journal.error.empty", "body"},
    {"journal.error.long", "body"},
    {"journal.error.visibility", "visibility"},
    {"journal.error.target", "corrects"},
    {"report.error.immediate", "immediate"},
    {"report.error.assessment", "assessment"},
};

static const char *field_of(const char *why)
{
	for (size_t i = 0;
	     why != NULL && i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(fields[i].why, why) == 0)
			return fields[i].field;
	return NULL;
}

/*
 * What every form of the case page starts with: a logged-in member of
 * staff (a form without a session is refused, not sent to the login
 * page), the session's CSRF token, the case of the address and the
 * version of the case the form was drawn from.
 */
static enum nara_err form_begin(struct req *r, struct session *s,
				struct actor *who, int64_t *case_id,
				int64_t *version)
{
	int redirected;
	enum nara_err err = web_require(r, "staff", s, who, &redirected);
	if (err != NARA_OK)
		return err;
	if (redirected || !session_csrf_ok(s, kv_get(&r->form, "csrf")))
		return NARA_EDENIED;
	*case_id = casework_path_id(r);
	if (*case_id == 0)
		return NARA_ENOTFOUND;
	/* A form without its version could overwrite someone's work. */
	*version = casework_id(kv_get(&r->form, "version"));
	return *version == 0 ? NARA_EINVAL : NARA_OK;
}

/* Back to the case with what was done, or the page again with why not. */
static enum nara_err answer(struct req *r, const struct session *s,
			    const struct actor *who, int64_t case_id,
			    enum nara_err err, struct case_form *f,
			    const char *done)
{
	if (err == NARA_OK) {
		resp_redirect(r, 303,
			      arena_printf(&r->arena,
					   "/arbete/arende/%lld?klart=%s",
					   (long long)case_id, done));
		return NARA_OK;
	}
	if (err != NARA_EINVAL && err != NARA_ECONFLICT)
		return err;
	if (f->why == NULL)
		f->why = err == NARA_ECONFLICT ? "case.error.changed"
					       : "case.error.staff";
	f->field = field_of(f->why);
	f->status = err == NARA_ECONFLICT ? 409 : 400;
	return case_page_show(r, s, who, case_id, f);
}

/* "1" and "0" from a yes/no choice; -1 when none was made. */
static int yes_no(const char *s)
{
	if (s != NULL && strcmp(s, "1") == 0)
		return 1;
	if (s != NULL && strcmp(s, "0") == 0)
		return 0;
	return -1;
}

/*
 * The visibility fields shared by notes and protection assessments. What
 * does not parse is left for the policy to refuse with its own words
 * (journal.error.visibility), so the person is told one thing.
 */
static void read_visibility(struct req *r, enum note_visibility *v,
			    int64_t *from, enum withheld_reason *reason)
{
	int vis = note_visibility_parse(kv_get(&r->form, "visibility"));
	*v = vis < 0 ? VIS_COUNT : (enum note_visibility)vis;
	*from = *v == VIS_FROM_DATE
		    ? web_parse_date(kv_get(&r->form, "from"), 0)
		    : 0;
	const char *why = kv_get(&r->form, "reason");
	int w = *v == VIS_WITHHELD && why != NULL && why[0] != '\0'
		    ? withheld_reason_parse(why)
		    : -1;
	*reason = w < 0 ? WITHHELD_NONE : (enum withheld_reason)w;
}

enum nara_err page_case_move(struct req *r)
{
	struct session s;
	struct actor who;
	int64_t id, version;
	enum nara_err err = form_begin(r, &s, &who, &id, &version);
	if (err != NARA_OK)
		return err;
	int action = case_action_parse(kv_get(&r->form, "action"));
	if (action < 0)
		return NARA_EINVAL;
	const char *new_due = kv_get(&r->form, "new_due");
	struct case_move m = {
	    .action = (enum case_action)action,
	    .expected_version = version,
	    .reason = kv_get(&r->form, "reason"),
	    .child_heard = yes_no(kv_get(&r->form, "child_heard")),
	    .child_not_heard_reason =
		kv_get(&r->form, "child_not_heard_reason"),
	    .late_reason = kv_get(&r->form, "late_reason"),
	    /* The last day allowed: its end is the due instant (R1.3). */
	    .new_due = new_due ? web_parse_date(new_due, 1) : 0,
	    .outcome = kv_get(&r->form, "outcome"),
	    .subject = kv_get(&r->form, "subject"),
	    .content = kv_get(&r->form, "content"),
	    .reasons = kv_get(&r->form, "reasons"),
	    .legal_basis = kv_get(&r->form, "legal_basis"),
	    .delegation = kv_get(&r->form, "delegation"),
	    .presented_by = casework_id(kv_get(&r->form, "presented_by")),
	    .appeal = kv_get(&r->form, "appeal"),
	    .intervention_kind_id =
		casework_id(kv_get(&r->form, "intervention")),
	};
	struct case_form f = {.name = case_action_name(m.action)};
	err = case_move(r->db, &who, id, &m, (int64_t)time(NULL), &f.why, NULL);
	return answer(r, &s, &who, id, err, &f, f.name);
}

enum nara_err page_case_team(struct req *r)
{
	struct session s;
	struct actor who;
	int64_t id, version;
	enum nara_err err = form_begin(r, &s, &who, &id, &version);
	if (err != NARA_OK)
		return err;
	const char *what = kv_get(&r->form, "do");
	int assign = what != NULL && strcmp(what, "assign") == 0;
	if (!assign && (what == NULL || strcmp(what, "member") != 0))
		return NARA_EINVAL;
	int64_t staff = casework_id(kv_get(&r->form, "staff"));
	int64_t now = (int64_t)time(NULL);
	err = assign ? case_assign(r->db, &who, id, staff, version, now)
		     : case_add_member(r->db, &who, id, staff, version, now);
	struct case_form f = {.name = "team"};
	return answer(r, &s, &who, id, err, &f, assign ? "assign" : "member");
}

enum nara_err page_case_protection(struct req *r)
{
	struct session s;
	struct actor who;
	int64_t id, version;
	enum nara_err err = form_begin(r, &s, &who, &id, &version);
	if (err != NARA_OK)
		return err;
	int64_t report = casework_id(kv_get(&r->form, "report"));
	if (report == 0)
		return NARA_EINVAL;
	enum note_visibility v;
	int64_t from;
	enum withheld_reason reason;
	read_visibility(r, &v, &from, &reason);
	struct case_form f = {.name = "protection", .report_id = report};
	err = report_assess_protection(
	    r->db, &who, id, report, yes_no(kv_get(&r->form, "immediate")),
	    kv_get(&r->form, "assessment"), v, from, reason, version,
	    (int64_t)time(NULL), &f.why);
	return answer(r, &s, &who, id, err, &f, "protection");
}

enum nara_err page_case_note(struct req *r)
{
	struct session s;
	struct actor who;
	int64_t id, version;
	enum nara_err err = form_begin(r, &s, &who, &id, &version);
	if (err != NARA_OK)
		return err;
	struct journal_new n = {
	    .case_id = id,
	    .expected_version = version,
	    .body = kv_get(&r->form, "body"),
	    .corrects_id = casework_id(kv_get(&r->form, "corrects")),
	};
	read_visibility(r, &n.visibility, &n.visible_from, &n.withheld_reason);
	struct case_form f = {.name = "note"};
	int64_t note_id;
	err =
	    journal_add(r->db, &who, &n, (int64_t)time(NULL), &note_id, &f.why);
	return answer(r, &s, &who, id, err, &f, "note");
}

enum nara_err page_case_visibility(struct req *r)
{
	struct session s;
	struct actor who;
	int64_t id, version;
	enum nara_err err = form_begin(r, &s, &who, &id, &version);
	if (err != NARA_OK)
		return err;
	int64_t note = casework_id(kv_get(&r->form, "note"));
	enum note_visibility v;
	int64_t from;
	enum withheld_reason reason;
	read_visibility(r, &v, &from, &reason);
	struct case_form f = {.name = "visibility"};
	err = journal_set_visibility(r->db, &who, id, note, v, from, reason,
				     version, (int64_t)time(NULL), &f.why);
	return answer(r, &s, &who, id, err, &f, "visibility");
}
