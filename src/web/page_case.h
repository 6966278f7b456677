/*
 * The case page (/arbete/arende/{id}) is drawn by page_case.c and its
 * forms are taken by page_case_forms.c. A form that is refused shows the
 * whole page again, with what the person typed still in the form and the
 * reason next to the field it is about; this is what passes between them.
 */
#ifndef NARA_WEB_PAGE_CASE_H
#define NARA_WEB_PAGE_CASE_H

#include <stdint.h>

#include "domain/access.h"
#include "domain/session.h"
#include "http/http.h"

struct case_form {
	/*
	 * Which form was sent: a move's action name ("close"), "team",
	 * "note", "visibility" or "protection" (with report_id).
	 */
	const char *name;
	int64_t report_id;
	const char *why;   /* the catalogue key of the refusal */
	const char *field; /* the field it is about; NULL: the whole form */
	int status;	   /* 400 or 409 */
};

/*
 * Reads the case for the actor (audited by the domain) and renders the
 * page; with form set, as the refusal of that form. NARA_EDENIED and
 * NARA_ENOTFOUND come back for the error page.
 */
enum nara_err case_page_show(struct req *r, const struct session *s,
			     const struct actor *who, int64_t case_id,
			     const struct case_form *form);

#endif
