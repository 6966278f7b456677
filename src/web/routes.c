/*
 * Every URL Nära answers, in one place (like cgit's cmd.c). Order matters
 * only where patterns overlap; the first match wins. `needs_db`: the
 * handler gets a database connection and 503 when none can be had.
 * `off_loop`: the handler calls another server or works the CPU for long,
 * so it runs on the worker pool (http/server.c). The rate class:
 * RATE_LOGIN on every route that logs in or out or checks a secret (a new
 * login route sets it too), RATE_FORM on forms that change something.
 * Fields after needs_db are set by name, so that a route says only what
 * is special about it.
 */
#include "api/api.h"
#include "domain/document.h"
#include "domain/message.h"
#include "http/http.h"
#include "web/booking_page.h"
#include "web/foster_page.h"
#include "web/groups_page.h"
#include "web/web.h"

/*
 * An application with its attachments: five files of the largest size,
 * and room for the answers and the multipart framing around them.
 */
#define APPLY_MAX_BODY                                                         \
	((size_t)DOCUMENT_MAX_PER_APPLICATION * DOCUMENT_MAX_BYTES +           \
	 1024 * 1024)

/* Designated fields: a route names only what is special about it. */
/* A message with its attachments (domain/message.h). */
#define MESSAGE_MAX_BODY                                                       \
	((size_t)MESSAGE_FILES_MAX * DOCUMENT_MAX_BYTES + 1024 * 1024)

#define ROUTE(m, p, h, n, db, ...)                                              \
	{.methods = (m), .pattern = (p), .handler = (h), .name = (n),          \
	 .needs_db = (db), __VA_ARGS__}

const struct route routes[] = {
	ROUTE(HTTP_GET, "/", page_home, "home", 1),
	ROUTE(HTTP_GET, "/kommun/{}", page_municipality, "municipality", 1),
	ROUTE(HTTP_GET, "/om/tillganglighet", page_accessibility, "accessibility", 0),
	ROUTE(HTTP_GET, "/sprak", page_language, "language", 0),
	ROUTE(HTTP_GET, "/login", page_login, "login", 1),
	ROUTE(HTTP_POST, "/login/dev", page_login_dev, "login_dev", 1, .rate_class = RATE_LOGIN),
	ROUTE(HTTP_POST, "/logout", page_logout, "logout", 1, .rate_class = RATE_LOGIN),
	ROUTE(HTTP_POST, "/login/local", page_login_local, "login_local", 1, .off_loop = 1, .rate_class = RATE_LOGIN),
	ROUTE(HTTP_GET, "/login/kod", page_login_code, "login_code", 1),
	ROUTE(HTTP_POST, "/login/kod", page_login_code_check, "login_code_check", 1, .rate_class = RATE_LOGIN),
	ROUTE(HTTP_GET, "/auth/citizen/start", page_auth_citizen, "auth_citizen", 1, .off_loop = 1, .rate_class = RATE_LOGIN),
	ROUTE(HTTP_GET, "/auth/staff/start", page_auth_staff, "auth_staff", 1, .off_loop = 1, .rate_class = RATE_LOGIN),
	ROUTE(HTTP_GET, "/auth/callback", page_auth_callback, "auth_callback", 1, .off_loop = 1, .rate_class = RATE_LOGIN),
	ROUTE(HTTP_GET, "/arbete", page_worklist, "worklist", 1),
	ROUTE(HTTP_GET, "/arbete/person/{}", page_work_person, "work_person", 1),
	ROUTE(HTTP_POST, "/arbete/person/{}", page_work_person_open, "work_person_open", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/person/{}/anmalningar", page_work_reports, "work_reports", 1),
	ROUTE(HTTP_GET, "/arbete/anmalan", page_report_new, "report_new", 1),
	ROUTE(HTTP_POST, "/arbete/anmalan", page_report_register, "report_register", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/arende/{}", page_case, "case", 1),
	ROUTE(HTTP_POST, "/arbete/arende/{}/steg", page_case_move, "case_move", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/arende/{}/team", page_case_team, "case_team", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/arende/{}/skydd", page_case_protection, "case_protection", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/arende/{}/anteckning", page_case_note, "case_note", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/arende/{}/synlighet", page_case_visibility, "case_visibility", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/arende/{}/meddelanden", page_case_messages, "case_messages", 1),
	ROUTE(HTTP_POST, "/arbete/arende/{}/meddelanden", page_case_message_post, "case_message_post", 1, .rate_class = RATE_FORM, .max_body = MESSAGE_MAX_BODY),
	ROUTE(HTTP_GET, "/arbete/arende/{}/meddelanden/handelser", page_case_message_events, "case_message_events", 1),
	ROUTE(HTTP_POST, "/arbete/arende/{}/meddelanden/{}/journal", page_case_message_journal, "case_message_journal", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/granskning", page_review, "review", 1),
	ROUTE(HTTP_POST, "/arbete/granskning", page_review_done, "review_done", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/mina-sidor", page_mypages, "mypages", 1),
	ROUTE(HTTP_GET, "/mina-sidor/barn/{}", page_child, "mypages_child", 1),
	ROUTE(HTTP_GET, "/mina-sidor/arenden/{}", page_mycase, "mycase", 1),
	ROUTE(HTTP_POST, "/mina-sidor/arenden/{}/kommentar", page_mycase_comment, "mycase_comment", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/mina-sidor/arenden/{}/fel", page_mycase_wrong, "mycase_wrong", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/mina-sidor/arenden/{}/handelser", page_mycase_events, "mycase_events", 1),
	ROUTE(HTTP_GET, "/mina-sidor/arenden/{}/meddelanden", page_mycase_messages, "mycase_messages", 1),
	ROUTE(HTTP_POST, "/mina-sidor/arenden/{}/meddelanden", page_mycase_message_post, "mycase_message_post", 1, .rate_class = RATE_FORM, .max_body = MESSAGE_MAX_BODY),
	ROUTE(HTTP_GET, "/mina-sidor/arenden/{}/meddelanden/handelser", page_mycase_message_events, "mycase_message_events", 1),
	/* A PDF of a long file takes tens of milliseconds: off the loop. */
	ROUTE(HTTP_GET, "/mina-sidor/arenden/{}/pdf", page_mycase_pdf, "mycase_pdf", 1, .off_loop = 1),
	/* Meetings (page_booking.c, page_booking_staff.c). */
	ROUTE(HTTP_GET, "/mina-sidor/moten", page_booking_list, "booking_list", 1),
	ROUTE(HTTP_GET, "/mina-sidor/moten/boka", page_booking_new, "booking_new", 1),
	ROUTE(HTTP_POST, "/mina-sidor/moten/boka", page_booking_create, "booking_create", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/mina-sidor/moten/{}", page_booking_one, "booking_one", 1),
	ROUTE(HTTP_GET, "/mina-sidor/moten/{}/kalender.ics", page_booking_ics, "booking_ics", 1),
	ROUTE(HTTP_POST, "/mina-sidor/moten/{}/flytta", page_booking_rebook, "booking_rebook", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/mina-sidor/moten/{}/avboka", page_booking_cancel, "booking_cancel", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/mina-sidor/moten/{}/acceptera", page_booking_accept, "booking_accept", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/moten", page_booking_work, "booking_work", 1),
	ROUTE(HTTP_POST, "/arbete/moten/tider", page_booking_publish, "booking_publish", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/moten/tider/{}/ta-bort", page_booking_withdraw, "booking_withdraw", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/moten/boka", page_booking_staff_new, "booking_staff_new", 1),
	ROUTE(HTTP_POST, "/arbete/moten/boka", page_booking_staff_create, "booking_staff_create", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/moten/{}/kalender.ics", page_booking_ics, "booking_staff_ics", 1),
	ROUTE(HTTP_POST, "/arbete/moten/{}/avboka", page_booking_staff_cancel, "booking_staff_cancel", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/konto/inloggningar", page_sessions, "sessions", 1),
	ROUTE(HTTP_POST, "/konto/inloggningar", page_sessions_end, "sessions_end", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/konto/tvastegsverifiering", page_two_step, "two_step", 1),
	ROUTE(HTTP_POST, "/konto/tvastegsverifiering", page_two_step_change, "two_step_change", 1, .rate_class = RATE_LOGIN),
	ROUTE(HTTP_GET, "/ansok", page_apply_choose, "apply", 1),
	ROUTE(HTTP_GET, "/ansok/kvitto/{}", page_apply_receipt, "apply_receipt", 1),
	ROUTE(HTTP_GET, "/ansok/{}/{}", page_apply_form, "apply_form", 1),
	ROUTE(HTTP_POST, "/ansok/{}/{}", page_apply_submit, "apply_submit", 1, .rate_class = RATE_FORM, .max_body = APPLY_MAX_BODY),
	ROUTE(HTTP_GET, "/dokument/{}", page_document, "document", 1),
	/* The public forms, for anyone: a report of concern and its receipt. */
	ROUTE(HTTP_GET, "/orosanmalan", page_report_choose, "report", 1),
	ROUTE(HTTP_GET, "/orosanmalan/kvitto", page_report_receipt, "report_receipt", 0),
	ROUTE(HTTP_GET, "/orosanmalan/status", page_report_status, "report_status", 0),
	ROUTE(HTTP_POST, "/orosanmalan/status", page_report_status_check, "report_status_check", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/orosanmalan/{}", page_report_form, "report_form", 1),
	ROUTE(HTTP_POST, "/orosanmalan/{}", page_report_submit, "report_submit", 1, .rate_class = RATE_FORM),
	/*
	 * Video meetings. The messages between browsers are many and small
	 * (a few dozen per participant); each room bounds them
	 * (domain/video.h), so they are not counted as forms.
	 */
	ROUTE(HTTP_GET, "/mote/{}", page_video, "video", 1),
	ROUTE(HTTP_POST, "/mote/{}/in", page_video_join, "video_join", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/mote/{}/signal", page_video_send, "video_send", 1),
	ROUTE(HTTP_GET, "/mote/{}/signal", page_video_fetch, "video_fetch", 1),
	ROUTE(HTTP_GET, "/mote/{}/handelser", page_video_events, "video_events", 1),
	ROUTE(HTTP_GET, "/static/{}", page_static, "static", 0),
	/* The JSON API (docs/openapi.yaml): what the pages offer. */
	ROUTE(HTTP_GET, "/api/v1/me", api_me, "api_me", 1),
	ROUTE(HTTP_GET, "/api/v1/municipalities", api_municipalities, "api_municipalities", 1),
	ROUTE(HTTP_POST, "/api/v1/reports", api_report_create, "api_report_create", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/api/v1/reports/status", api_report_status, "api_report_status", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/api/v1/reports/{}/protection", api_report_protection, "api_report_protection", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/api/v1/my/cases", api_my_cases, "api_my_cases", 1),
	ROUTE(HTTP_GET, "/api/v1/my/cases/{}", api_my_case, "api_my_case", 1),
	ROUTE(HTTP_POST, "/api/v1/my/cases/{}/comments", api_my_comment, "api_my_comment", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/api/v1/worklist", api_worklist, "api_worklist", 1),
	ROUTE(HTTP_GET, "/api/v1/cases/{}", api_case, "api_case", 1),
	ROUTE(HTTP_POST, "/api/v1/cases/{}/notes", api_case_note, "api_case_note", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/api/v1/cases/{}/moves", api_case_move, "api_case_move", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/api/v1/cases/{}/team", api_case_assign, "api_case_team", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/api/v1/notes/{}/visibility", api_note_visibility, "api_note_visibility", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/api/v1/persons/{}/reports", api_child_reports, "api_child_reports", 1),
	ROUTE(HTTP_GET, "/api/v1/my/cases/{}/reads", api_my_case_reads, "api_my_case_reads", 1),
	ROUTE(HTTP_GET, "/api/v1/my/cases/{}/messages", api_my_messages, "api_my_messages", 1),
	ROUTE(HTTP_POST, "/api/v1/my/cases/{}/messages", api_my_message_create, "api_my_message_create", 1, .rate_class = RATE_FORM, .max_body = MESSAGE_MAX_BODY / 3 * 4 + 4096),
	ROUTE(HTTP_GET, "/api/v1/cases/{}/messages", api_case_messages, "api_case_messages", 1),
	ROUTE(HTTP_POST, "/api/v1/cases/{}/messages", api_case_message_create, "api_case_message_create", 1, .rate_class = RATE_FORM, .max_body = MESSAGE_MAX_BODY / 3 * 4 + 4096),
	ROUTE(HTTP_POST, "/api/v1/cases/{}/messages/{}/journal", api_case_message_journal, "api_case_message_journal", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/api/v1/my/meetings", api_my_meetings, "api_my_meetings", 1),
	ROUTE(HTTP_GET, "/api/v1/my/meetings/free", api_my_meetings_free, "api_my_meetings_free", 1),
	ROUTE(HTTP_POST, "/api/v1/my/meetings", api_my_meeting_create, "api_my_meeting_create", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/api/v1/my/meetings/{}", api_my_meeting, "api_my_meeting", 1),
	ROUTE(HTTP_POST, "/api/v1/my/meetings/{}/rebook", api_my_meeting_rebook, "api_my_meeting_rebook", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/api/v1/my/meetings/{}/cancel", api_my_meeting_cancel, "api_my_meeting_cancel", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/api/v1/my/meetings/{}/accept", api_my_meeting_accept, "api_my_meeting_accept", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/api/v1/meetings", api_staff_meetings, "api_staff_meetings", 1),
	ROUTE(HTTP_GET, "/api/v1/forms", api_forms, "api_forms", 0),
	ROUTE(HTTP_GET, "/api/v1/forms/{}", api_form, "api_form", 0),
	/* Attachments come as base64 in the JSON: a third more than as files. */
	ROUTE(HTTP_POST, "/api/v1/applications", api_application_create, "api_application_create", 1, .rate_class = RATE_FORM, .max_body = APPLY_MAX_BODY / 3 * 4 + 4096),
	ROUTE(HTTP_GET, "/healthz", page_healthz, "healthz", 0),
	ROUTE(HTTP_GET, "/readyz", page_readyz, "readyz", 1),
	ROUTE(HTTP_GET, "/metrics", page_metrics, "metrics", 0),
	/* Agreements and handovers between municipalities (R3.3, R3.4): page_agreement.c, page_handover.c. */
	ROUTE(HTTP_GET, "/arbete/avtal", page_agreements, "agreements", 1),
	ROUTE(HTTP_POST, "/arbete/avtal", page_agreement_record, "agreement_record", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/avtal/{}", page_agreement, "agreement", 1),
	ROUTE(HTTP_POST, "/arbete/avtal/{}/andra", page_agreement_change, "agreement_change", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/avtal/{}/avsluta", page_agreement_end, "agreement_end", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/arende/{}/overlamna", page_handover_offer_form, "handover_offer_form", 1),
	ROUTE(HTTP_POST, "/arbete/arende/{}/overlamna", page_handover_offer, "handover_offer", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/arende/{}/overlamna/{}/aterkalla", page_handover_withdraw, "handover_withdraw", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/overlamningar", page_handovers, "handovers", 1),
	ROUTE(HTTP_GET, "/arbete/overlamningar/{}", page_handover, "handover", 1),
	ROUTE(HTTP_POST, "/arbete/overlamningar/{}/ta-emot", page_handover_accept, "handover_accept", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/overlamningar/{}/avboj", page_handover_decline, "handover_decline", 1, .rate_class = RATE_FORM),
	/* Referrals to shared units and the person's consents (R3.2, R3.3). */
	ROUTE(HTTP_GET, "/arbete/arende/{}/remiss", page_referral_new, "referral_new", 1),
	ROUTE(HTTP_POST, "/arbete/arende/{}/remiss", page_referral_create, "referral_create", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/remisser", page_referral_inbox, "referral_inbox", 1),
	ROUTE(HTTP_GET, "/arbete/remisser/{}", page_referral, "referral", 1),
	ROUTE(HTTP_POST, "/arbete/remisser/{}/svar", page_referral_answer, "referral_answer", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/remisser/{}/anteckning", page_referral_note, "referral_note", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/remisser/{}/vistelse", page_referral_whereabouts, "referral_whereabouts", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/remisser/{}/avsluta", page_referral_end, "referral_end", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/arende/{}/remiss/{}/avsluta", page_referral_end_case, "referral_end_case", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/mina-sidor/samtycken", page_consents, "consents", 1),
	ROUTE(HTTP_POST, "/mina-sidor/samtycken/{}/ge", page_consent_give, "consent_give", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/mina-sidor/samtycken/{}/aterkalla", page_consent_withdraw, "consent_withdraw", 1, .rate_class = RATE_FORM),
	/* The foster-home centre: inquiries, assessment, register, matching; placements of a case (R1.7). */
	ROUTE(HTTP_GET, "/familjehem/intresse", page_foster_inquiry, "foster_inquiry", 1),
	ROUTE(HTTP_POST, "/familjehem/intresse", page_foster_inquiry_submit, "foster_inquiry_submit", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/familjehem/intresse/tack", page_foster_inquiry_thanks, "foster_inquiry_thanks", 0),
	ROUTE(HTTP_GET, "/familjehemscentrum", page_foster_centre, "foster_centre", 1),
	ROUTE(HTTP_GET, "/familjehemscentrum/intresse/{}", page_foster_assess, "foster_assess", 1),
	ROUTE(HTTP_POST, "/familjehemscentrum/intresse/{}/steg", page_foster_step, "foster_step", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/familjehemscentrum/intresse/{}/beslut", page_foster_decide, "foster_decide", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/familjehemscentrum/matchning/{}", page_foster_match, "foster_match", 1),
	ROUTE(HTTP_POST, "/familjehemscentrum/matchning/{}/forslag", page_foster_propose, "foster_propose", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/arende/{}/placering", page_foster_case, "foster_case", 1),
	ROUTE(HTTP_POST, "/arbete/arende/{}/placering", page_foster_place, "foster_place", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/arende/{}/placering/uppfoljning", page_foster_review, "foster_review", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/arende/{}/placering/matchning", page_foster_request, "foster_request", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/arende/{}/placering/val", page_foster_choose, "foster_choose", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/mina-sidor/familjehem", page_foster_support, "foster_support", 1),
	ROUTE(HTTP_POST, "/mina-sidor/familjehem", page_foster_support_send, "foster_support_send", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/familjehemscentrum/stod", page_foster_support_centre, "foster_support_centre", 1),
	ROUTE(HTTP_POST, "/familjehemscentrum/stod/{}/klar", page_foster_support_handle, "foster_support_handle", 1, .rate_class = RATE_FORM),
	/* Support groups (page_groups.c, page_groups_staff.c). */
	ROUTE(HTTP_GET, "/stodgrupper", page_groups, "groups", 1),
	ROUTE(HTTP_GET, "/stodgrupper/{}", page_group, "group", 1),
	ROUTE(HTTP_POST, "/stodgrupper/serie/{}/anmal", page_group_signup, "group_signup", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/mina-sidor/grupper", page_mygroups, "mygroups", 1),
	ROUTE(HTTP_POST, "/mina-sidor/grupper/{}/avboka", page_mygroup_cancel, "mygroup_cancel", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/grupper", page_work_groups, "work_groups", 1),
	ROUTE(HTTP_POST, "/arbete/grupper", page_work_group_add, "work_group_add", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/grupper/{}", page_work_group_change, "work_group_change", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/grupper/{}/serie", page_work_series_add, "work_series_add", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/grupper/serie/{}", page_work_series, "work_series", 1),
	ROUTE(HTTP_POST, "/arbete/grupper/tillfalle/{}", page_work_session_change, "work_session_change", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/grupper/tillfalle/{}/narvaro", page_work_attendance, "work_attendance", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/arbete/grupper/deltagare/{}/avboka", page_work_enrolment_cancel, "work_enrolment_cancel", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_GET, "/arbete/arende/{}/stodgrupp", page_case_group, "case_group", 1),
	ROUTE(HTTP_POST, "/arbete/arende/{}/stodgrupp", page_case_group_enrol, "case_group_enrol", 1, .rate_class = RATE_FORM),
	/* The person's consents through the API (api_consents.c, R3.2). */
	ROUTE(HTTP_GET, "/api/v1/my/consents", api_my_consents, "api_my_consents", 1),
	ROUTE(HTTP_POST, "/api/v1/my/consents/{}/give", api_my_consent_give, "api_my_consent_give", 1, .rate_class = RATE_FORM),
	ROUTE(HTTP_POST, "/api/v1/my/consents/{}/withdraw", api_my_consent_withdraw, "api_my_consent_withdraw", 1, .rate_class = RATE_FORM),
};
const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
