/*
 * The JSON API (/api/v1), described in docs/openapi.yaml. It offers what
 * the pages offer, through the same domain functions and so through the
 * same policy layer and audit trail: an API client is a person logged in
 * like any other (the session cookie), and a state-changing request
 * carries the session's CSRF token in the X-CSRF-Token header.
 *
 * Responses are JSON objects; errors are
 *   {"error": {"status": 400, "key": "case.error.reason",
 *              "message": "Skriv ett skäl."}}
 * with the message in the request's language, so a client can show it as
 * it is or act on the key.
 */
#ifndef NARA_API_H
#define NARA_API_H

#include <jansson.h>

#include "core/err.h"
#include "domain/access.h"
#include "domain/session.h"
#include "http/http.h"

/* 1 for a request to the API (its errors are JSON, not pages). */
int api_is_api(const struct req *r);

/* Sends obj (taking its reference) with status; NARA_ENOMEM if it cannot. */
enum nara_err api_send(struct req *r, int status, json_t *obj);

/* Sends an error with a catalogue key; returns NARA_OK (the answer is sent). */
enum nara_err api_error(struct req *r, int status, const char *key);

/*
 * What a domain call said, as the answer every route gives: 400 with why
 * (or api.error.body), 403, 404, 409 with why (or error.409.title); NARA_OK
 * when answered, any other error returned as it is.
 */
enum nara_err api_answer(struct req *r, enum nara_err err, const char *why);

/* The error body for a status alone (used by the server's error path). */
void api_error_body(struct req *r, int status);

/*
 * The request's person, who must be of `kind` ("staff" or "citizen").
 * NARA_ENOTFOUND when nobody is logged in (the caller answers 401),
 * NARA_EDENIED when logged in as the other kind. For state-changing
 * methods the X-CSRF-Token header must match the session's token.
 */
enum nara_err api_require(struct req *r, const char *kind, struct session *s,
			  struct actor *who);

/* What every call starts with: who calls, and for a POST what they sent. */
struct api_call {
	struct session s;
	struct actor who;
	json_t *body; /* with_body: the request's object (the caller decrefs) */
};

/*
 * 1 when the call may go on. 0 when it is answered already: 401 without
 * a login, 403 for the other kind of login or a missing CSRF token, 400
 * for a body that is not a JSON object; or it failed. *err is then what
 * the handler returns.
 */
int api_begin(struct req *r, const char *kind, int with_body,
	      struct api_call *c, enum nara_err *err);

/*
 * The request body as a JSON object. NARA_EINVAL when it is not
 * application/json, not valid JSON, or not an object.
 */
enum nara_err api_body(struct req *r, json_t **out);

/* Fields of a body object, with their types checked. */
const char *api_str(json_t *obj, const char *name);	  /* NULL when absent */
int api_int(json_t *obj, const char *name, int64_t *out); /* 0 absent, -1 bad */

/* The id in the path's n-th {} (0 when not a positive integer). */
int64_t api_param_id(const struct req *r, int n);

/* Handlers (one file per resource). */
enum nara_err api_me(struct req *r);
enum nara_err api_municipalities(struct req *r);
enum nara_err api_report_create(struct req *r);
enum nara_err api_report_status(struct req *r);
enum nara_err api_my_cases(struct req *r);
enum nara_err api_my_case(struct req *r);
enum nara_err api_my_comment(struct req *r);
enum nara_err api_worklist(struct req *r);
enum nara_err api_case(struct req *r);
enum nara_err api_case_note(struct req *r);
enum nara_err api_case_move(struct req *r);
enum nara_err api_case_assign(struct req *r);
enum nara_err api_note_visibility(struct req *r);
enum nara_err api_report_protection(struct req *r);
enum nara_err api_child_reports(struct req *r);
enum nara_err api_my_case_reads(struct req *r);
enum nara_err api_my_consents(struct req *r);
enum nara_err api_my_consent_give(struct req *r);
enum nara_err api_my_consent_withdraw(struct req *r);
enum nara_err api_forms(struct req *r);
enum nara_err api_form(struct req *r);
enum nara_err api_application_create(struct req *r);
enum nara_err api_my_messages(struct req *r);
enum nara_err api_my_message_create(struct req *r);
enum nara_err api_case_messages(struct req *r);
enum nara_err api_case_message_create(struct req *r);
enum nara_err api_case_message_journal(struct req *r);
enum nara_err api_my_meetings(struct req *r);
enum nara_err api_my_meetings_free(struct req *r);
enum nara_err api_my_meeting(struct req *r);
enum nara_err api_my_meeting_create(struct req *r);
enum nara_err api_my_meeting_rebook(struct req *r);
enum nara_err api_my_meeting_cancel(struct req *r);
enum nara_err api_my_meeting_accept(struct req *r);
enum nara_err api_staff_meetings(struct req *r);

#endif
