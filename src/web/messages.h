/*
 * The secure messages of a case on the pages (domain/message.h): the
 * thread is drawn by the same code for the person's case page
 * (/mina-sidor/arenden/{id}) and the staff case page (/arbete/arende/{id}),
 * each under its own base path, and by the fragment that static/messages.js
 * fetches when the thread's event stream says it changed. The handlers of
 * both sides live in page_messages.c.
 */
#ifndef NARA_WEB_MESSAGES_H
#define NARA_WEB_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

#include "domain/access.h"
#include "domain/session.h"
#include "http/http.h"

/*
 * The whole section for a case page: the heading, the thread (read for
 * the actor, audited, and marked read), and the form to write with the
 * text and error of a refused message (both may be NULL). *html is in
 * the request's arena, already escaped.
 */
enum nara_err messages_section(struct req *r, const struct session *s,
			       const struct actor *who, int64_t case_id,
			       const char *text, const char *error,
			       const char **html);

/*
 * A message form's fields from a multipart body into r->form (text and
 * csrf), so that the url-encoded and multipart forms read alike.
 */
enum nara_err messages_form_fields(struct req *r);

/*
 * A refused message's reason in the request's language; a file's reason
 * names the file the check refused. Also for the JSON API.
 */
struct message_file;
const char *messages_error_text(struct req *r, const char *why,
				const struct message_file *files, size_t n);

#endif
