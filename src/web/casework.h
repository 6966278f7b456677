/*
 * What the staff's casework pages share (page_worklist.c, page_case.c,
 * page_case_forms.c, page_reports.c, page_report_new.c): the legal clocks
 * in words, the names of states and kinds from the catalogue, and reading
 * ids, versions and dates from a request. Rendering help only: the rules
 * themselves live in policy/ and domain/.
 */
#ifndef NARA_WEB_CASEWORK_H
#define NARA_WEB_CASEWORK_H

#include <stdint.h>

#include "domain/case.h"
#include "domain/report.h"
#include "http/http.h"
#include "web/template.h"

/*
 * A clock as a list item of `list` in v: its name (`what`), the due date,
 * the state in words (`state`), its class for the look (`tone`: overdue,
 * soon, running, done) and the days left or late in words (`days`).
 * Nothing is added for a clock that does not apply (due 0).
 */
void casework_clock(struct req *r, struct tvars *v, const char *list,
		    const char *what_key, const struct case_clock *c);

/* The three clocks of a case, in the list `clocks`; 1 if any is late. */
int casework_clocks(struct req *r, struct tvars *v,
		    const struct case_summary *s);

/*
 * Catalogue text for "<prefix>.<name>", e.g. ("state", "investigation");
 * name itself when the catalogue has none.
 */
const char *casework_text(struct req *r, const char *prefix, const char *name);

/* tv_set under a name made in the arena, which may have failed (NULL). */
void casework_set(struct tvars *v, const char *name, const char *value);

/* A positive id from text (a path segment or a form field), else 0. */
int64_t casework_id(const char *s);

/* The case id of the route's first parameter, else 0. */
int64_t casework_path_id(const struct req *r);

/* The id in the route's i-th parameter ({}), else 0. */
int64_t casework_param_id(const struct req *r, int i);

/*
 * The ids of a form's repeated field `key` (checkboxes), in the request's
 * arena: at most max + 1 of them, so that a caller can tell "too many"
 * from "max". 0 when none (or no memory: *out NULL).
 */
size_t casework_form_ids(struct req *r, const char *key, int64_t **out,
			 size_t max);

/* 1 when id is among the values of the form's field `key`. */
int casework_form_has(const struct req *r, const char *key, int64_t id);

/* The report outcome in words (R1.5, R1.6). */
const char *casework_report_outcome(struct req *r, enum report_status s);

#endif
