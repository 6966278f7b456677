/*
 * What the citizen's case page (page_mycase.c) and its PDF
 * (page_mycase_pdf.c) say alike: the words for a case's codes, and the
 * case id from the path. Results live in the request's arena.
 */
#ifndef NARA_WEB_MYCASE_H
#define NARA_WEB_MYCASE_H

#include <stdint.h>

#include "domain/case.h"
#include "domain/journal.h"
#include "http/http.h"

/* The case id of /mina-sidor/arenden/{id}/...; 0 when it is not one. */
int64_t mycase_id(const struct req *r);

/*
 * The catalogue text for prefix.name ("state", "received"), or fallback's
 * text when the catalogue has no such key (a code a newer build added).
 */
const char *mycase_word(struct req *r, const char *prefix, const char *name,
			const char *fallback);

/* "Anteckning", "Beslut", "Din kommentar", ... for a note. */
const char *mycase_note_kind(struct req *r, const struct journal_note_view *n);

/* The author as the person reads it ("dig" for their own notes). */
const char *mycase_note_author(struct req *r,
			       const struct journal_note_view *n);

/*
 * What a timeline entry adds to its action, with its separator: ": a
 * name", ". By a date", ". A reason", or "".
 */
const char *mycase_event_detail(struct req *r, const struct case_event_view *e);

/*
 * The case page drawn again for a refused message (page_messages.c): the
 * text kept, the reason at the field; the caller sets the status.
 */
struct session;
struct actor;
enum nara_err mycase_show_message(struct req *r, const struct session *s,
				  const struct actor *who, int64_t case_id,
				  const char *text, const char *error);

#endif
