/*
 * The support-group pages: for everyone and citizens (page_groups.c), for
 * the groups' staff and case officers (page_groups_staff.c), and what
 * they share.
 */
#ifndef NARA_WEB_GROUPS_PAGE_H
#define NARA_WEB_GROUPS_PAGE_H

#include <stdint.h>

#include "domain/group.h"
#include "http/http.h"
#include "web/template.h"

struct actor;
struct session;

/*
 * A form's "YYYY-MM-DD" and "HH:MM" as that wall-clock time in Stockholm
 * (epoch seconds); 0 when either is not exactly that.
 */
int64_t group_parse_when(const char *date, const char *time_s);
/* A form's count: one to six digits; -1 when not. */
int group_parse_count(const char *s);
/*
 * The person of a form, logged in as kind ("staff", "citizen"), whose
 * CSRF token matches the session's: NARA_EDENIED otherwise (also when the
 * login would be asked for, as a form cannot be sent on after it).
 */
enum nara_err group_require_form(struct req *r, const char *kind,
				 struct session *s, struct actor *who);
/* "Barn", "Unga", ... */
const char *group_audience_word(struct req *r, const char *audience);
/*
 * Sets "done" on v to what was done, from the query's klart=...: table has
 * n rows of {klart value, i18n key}; nothing is set when no row matches.
 */
void group_done_vars(struct req *r, struct tvars *v,
		     const char *const table[][2], size_t n);
/* A series' dates and places (from, to, left or full, ...) on item. */
void group_series_vars(struct req *r, struct tvars *item,
		       const struct group_series *s);
/* The list `sessions` (n, when, place or video) on item. */
void group_sessions_vars(struct req *r, struct tvars *item,
			 const struct group_series *s);

enum nara_err page_groups(struct req *r);
enum nara_err page_group(struct req *r);
enum nara_err page_group_signup(struct req *r);
enum nara_err page_mygroups(struct req *r);
enum nara_err page_mygroup_cancel(struct req *r);
enum nara_err page_work_groups(struct req *r);
enum nara_err page_work_group_add(struct req *r);
enum nara_err page_work_series_add(struct req *r);
enum nara_err page_work_group_change(struct req *r);
enum nara_err page_work_series(struct req *r);
enum nara_err page_work_session_change(struct req *r);
enum nara_err page_work_attendance(struct req *r);
enum nara_err page_work_enrolment_cancel(struct req *r);
enum nara_err page_case_group(struct req *r);
enum nara_err page_case_group_enrol(struct req *r);

#endif
