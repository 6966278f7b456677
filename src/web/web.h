/*
 * The pages: handlers that parse a request, call the domain, and render a
 * template inside the layout. Shared helpers for every page live here.
 */
#ifndef NARA_WEB_H
#define NARA_WEB_H

#include "core/err.h"
#include "http/http.h"
#include "web/i18n.h"
#include "web/template.h"

/* Loads catalogues, templates and static files; errmsg says what failed. */
enum nara_err web_init(char *errmsg, size_t errlen);
void web_free(void);

/* The request's language: the lang cookie, then Accept-Language. */
const char *i18n_choose_request(const struct req *r);

/* Catalogue text for key with "{name}" replaced by value (arena copy). */
const char *i18n_format(struct req *r, const char *key, const char *value);

/*
 * text with every "{name}" (name given with its braces) replaced by value,
 * in the arena; text itself when it has none or memory runs out.
 */
const char *i18n_replace(struct req *r, const char *text, const char *name,
			 const char *value);

/* New template values with what the layout needs already set. */
struct tvars *page_vars(struct req *r);

/* Renders templates/<name>.html inside the layout, with the page title. */
enum nara_err page_render(struct req *r, const char *name, struct tvars *v,
			  const char *title);

/* Renders the error page for status (never fails: falls back to text). */
void web_error_page(struct req *r, int status);

/*
 * The 429 page: too many requests, try again in retry_after seconds (said
 * in words, and in the Retry-After header).
 */
void web_too_many_page(struct req *r, unsigned retry_after);

/* "Who has read" rows for a template's `reads` list (page_mypages.c). */
struct person_read_log;
void web_reads_vars(struct req *r, struct tvars *v,
		    const struct person_read_log *reads, size_t n);

/* Handlers (one file each). */
enum nara_err page_home(struct req *r);
enum nara_err page_municipality(struct req *r);
enum nara_err page_accessibility(struct req *r);
enum nara_err page_language(struct req *r);
enum nara_err page_static(struct req *r);
enum nara_err page_login(struct req *r);
enum nara_err page_login_dev(struct req *r);
enum nara_err page_logout(struct req *r);
enum nara_err page_auth_citizen(struct req *r);
enum nara_err page_auth_staff(struct req *r);
enum nara_err page_auth_callback(struct req *r);
enum nara_err page_worklist(struct req *r);
enum nara_err page_work_person(struct req *r);
enum nara_err page_work_person_open(struct req *r);
enum nara_err page_child(struct req *r);
enum nara_err page_work_reports(struct req *r);
enum nara_err page_case(struct req *r);
enum nara_err page_case_move(struct req *r);
enum nara_err page_case_team(struct req *r);
enum nara_err page_case_protection(struct req *r);
enum nara_err page_case_note(struct req *r);
enum nara_err page_case_visibility(struct req *r);
enum nara_err page_report_new(struct req *r);
enum nara_err page_report_register(struct req *r);

/*
 * The person search of /arbete (page_work.c): ?pnr= fills `searched`,
 * `pnr_query`, `pnr_error` and the list `found` of v.
 */
struct actor;
enum nara_err work_search_vars(struct req *r, struct tvars *v,
			       const struct actor *who);
enum nara_err page_mypages(struct req *r);
enum nara_err page_mycase(struct req *r);
enum nara_err page_mycase_comment(struct req *r);
enum nara_err page_mycase_wrong(struct req *r);
enum nara_err page_mycase_events(struct req *r);
enum nara_err page_mycase_pdf(struct req *r);
/* Secure messages, both sides (page_messages.c). */
enum nara_err page_mycase_messages(struct req *r);
enum nara_err page_mycase_message_post(struct req *r);
enum nara_err page_mycase_message_events(struct req *r);
enum nara_err page_case_messages(struct req *r);
enum nara_err page_case_message_post(struct req *r);
enum nara_err page_case_message_events(struct req *r);
enum nara_err page_case_message_journal(struct req *r);
enum nara_err page_review(struct req *r);
enum nara_err page_sessions(struct req *r);
enum nara_err page_sessions_end(struct req *r);
enum nara_err page_review_done(struct req *r);

/*
 * The login page with v already holding what the caller adds (the local
 * form's error), for a failed login that shows the page again.
 */
enum nara_err page_login_render(struct req *r, struct tvars *v,
				const char *next);
enum nara_err page_login_local(struct req *r);
enum nara_err page_login_code(struct req *r);
enum nara_err page_login_code_check(struct req *r);
enum nara_err page_two_step(struct req *r);
enum nara_err page_two_step_change(struct req *r);
enum nara_err page_apply_choose(struct req *r);
enum nara_err page_apply_form(struct req *r);
enum nara_err page_apply_submit(struct req *r);
enum nara_err page_apply_receipt(struct req *r);
enum nara_err page_document(struct req *r);
enum nara_err page_report_choose(struct req *r);
enum nara_err page_report_form(struct req *r);
enum nara_err page_report_submit(struct req *r);
enum nara_err page_report_receipt(struct req *r);
enum nara_err page_report_status(struct req *r);
enum nara_err page_report_status_check(struct req *r);
/* Video meetings (page_video.c). */
enum nara_err page_video(struct req *r);
enum nara_err page_video_join(struct req *r);
enum nara_err page_video_send(struct req *r);
enum nara_err page_video_fetch(struct req *r);
enum nara_err page_video_events(struct req *r);
/* Referrals to shared units and consents (page_referral.c). */
enum nara_err page_referral_new(struct req *r);
enum nara_err page_referral_create(struct req *r);
enum nara_err page_referral_inbox(struct req *r);
enum nara_err page_referral(struct req *r);
enum nara_err page_referral_answer(struct req *r);
enum nara_err page_referral_whereabouts(struct req *r);
enum nara_err page_referral_end(struct req *r);
enum nara_err page_handover_withdraw(struct req *r);
enum nara_err page_referral_end_case(struct req *r);
enum nara_err page_referral_note(struct req *r);
enum nara_err page_consents(struct req *r);
enum nara_err page_consent_give(struct req *r);
enum nara_err page_consent_withdraw(struct req *r);
enum nara_err page_healthz(struct req *r);
enum nara_err page_readyz(struct req *r);
enum nara_err page_metrics(struct req *r);

struct form_def;
struct form_result;
/* The answers of an application as its journal note (page_apply.c). */
const char *apply_answers_note(struct req *r, const struct form_def *f,
			       const struct form_result *res);

/* Agreements (page_agreement.c) and handovers (page_handover.c), R3.3 and R3.4. */
enum nara_err page_agreements(struct req *r);
enum nara_err page_agreement_record(struct req *r);
enum nara_err page_agreement(struct req *r);
enum nara_err page_agreement_change(struct req *r);
enum nara_err page_agreement_end(struct req *r);
enum nara_err page_handover_offer_form(struct req *r);
enum nara_err page_handover_offer(struct req *r);
enum nara_err page_handovers(struct req *r);
enum nara_err page_handover(struct req *r);
enum nara_err page_handover_accept(struct req *r);
enum nara_err page_handover_decline(struct req *r);

#endif
