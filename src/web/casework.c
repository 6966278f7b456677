/* Shared help for the casework pages; see casework.h. */
#include "web/casework.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/format.h"
#include "web/web.h"

const char *casework_text(struct req *r, const char *prefix, const char *name)
{
	/*
	 * A value this build has no text for (a profession or matter added
	 * elsewhere) is shown as it is stored rather than as a key.
	 */
	const char *key = arena_printf(&r->arena, "%s.%s", prefix, name);
	return key != NULL && i18n_has(key) ? i18n_get(r->lang, key) : name;
}

void casework_set(struct tvars *v, const char *name, const char *value)
{
	if (name != NULL)
		tv_set(v, name, value);
}

/* "3 dagar kvar", "i dag", "1 dag för sent": never a bare number. */
static const char *days_text(struct req *r, const struct case_clock *c)
{
	char n[24];
	if (c->state == CLOCK_OVERDUE) {
		/* Overdue is at or after the midnight ending the last day. */
		int late = -c->days_left;
		if (late <= 1)
			return i18n_get(r->lang, "clock.late_one");
		snprintf(n, sizeof(n), "%d", late);
		return i18n_format(r, "clock.late", n);
	}
	if (c->days_left <= 0)
		return i18n_get(r->lang, "clock.today");
	if (c->days_left == 1)
		return i18n_get(r->lang, "clock.left_one");
	snprintf(n, sizeof(n), "%d", c->days_left);
	return i18n_format(r, "clock.left", n);
}

void casework_clock(struct req *r, struct tvars *v, const char *list,
		    const char *what_key, const struct case_clock *c)
{
	if (c->due == 0)
		return;
	static const char *const tones[] = {
	    [CLOCK_DONE] = "done",
	    [CLOCK_RUNNING] = "running",
	    [CLOCK_DUE_SOON] = "soon",
	    [CLOCK_OVERDUE] = "overdue",
	};
	static const char *const states[] = {
	    [CLOCK_DONE] = "clock.done",
	    [CLOCK_RUNNING] = "clock.running",
	    [CLOCK_DUE_SOON] = "clock.due_soon",
	    [CLOCK_OVERDUE] = "clock.overdue",
	};
	struct tvars *item = tv_item(v, list);
	tv_set(item, "what", i18n_get(r->lang, what_key));
	tv_set(item, "tone", tones[c->state]);
	tv_set(item, "state", i18n_get(r->lang, states[c->state]));
	/* The due instant is the midnight after the last allowed day. */
	tv_set(item, "due", web_date(r, c->due - 1));
	tv_set(item, "due_iso", web_iso_date(r, c->due - 1));
	if (c->state == CLOCK_DONE) {
		tv_set(item, "is_done", "1");
		return;
	}
	tv_set(item, "days", days_text(r, c));
	/* Designsystemet's colours for a tag; the words say the same. */
	if (c->state == CLOCK_OVERDUE || c->state == CLOCK_DUE_SOON)
		tv_set(item, "color",
		       c->state == CLOCK_OVERDUE ? "danger" : "warning");
}

int casework_clocks(struct req *r, struct tvars *v,
		    const struct case_summary *s)
{
	casework_clock(r, v, "clocks", "clock.protection", &s->protection);
	/* Done clocks of the past say nothing a list needs; the case does. */
	if (s->preliminary.state != CLOCK_DONE)
		casework_clock(r, v, "clocks", "clock.preliminary",
			       &s->preliminary);
	casework_clock(r, v, "clocks", "clock.investigation",
		       &s->investigation);
	return s->protection.state == CLOCK_OVERDUE ||
	       s->preliminary.state == CLOCK_OVERDUE ||
	       s->investigation.state == CLOCK_OVERDUE;
}

int64_t casework_id(const char *s)
{
	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	char *end;
	long long id = strtoll(s, &end, 10);
	return *end == '\0' && id > 0 ? (int64_t)id : 0;
}

int64_t casework_path_id(const struct req *r)
{
	return casework_param_id(r, 0);
}

int64_t casework_param_id(const struct req *r, int i)
{
	return i >= 0 && r->nparams > i ? casework_id(r->params[i]) : 0;
}

size_t casework_form_ids(struct req *r, const char *key, int64_t **out,
			 size_t max)
{
	*out = arena_calloc(&r->arena, max + 1, sizeof(**out));
	size_t n = 0;
	for (size_t i = 0; *out != NULL && i < r->form.count && n <= max; i++)
		if (strcmp(r->form.items[i].key, key) == 0)
			(*out)[n++] = casework_id(r->form.items[i].value);
	return n;
}

int casework_form_has(const struct req *r, const char *key, int64_t id)
{
	for (size_t i = 0; i < r->form.count; i++)
		if (strcmp(r->form.items[i].key, key) == 0 &&
		    casework_id(r->form.items[i].value) == id)
			return 1;
	return 0;
}

const char *casework_report_outcome(struct req *r, enum report_status s)
{
	switch (s) {
	case REPORT_OPENED:
		return i18n_get(r->lang, "report.outcome.opened");
	case REPORT_NOT_OPENED:
		return i18n_get(r->lang, "report.outcome.not_opened");
	case REPORT_ALREADY_RUNNING:
		return i18n_get(r->lang, "report.outcome.already_running");
	default:
		return i18n_get(r->lang, "report.outcome.pending");
	}
}
