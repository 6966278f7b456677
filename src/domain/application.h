/*
 * Applications for help (ansökan, DESIGN.md "What a person does"): a
 * logged-in person answers a form (domain/application_form.h) and the
 * answers open a case in the unit that handles the matter, in one
 * transaction with everything that belongs to it: the person's row in the
 * municipality if it has none yet, the case (case_create_in_tx), the
 * application with its answers and the form's version, the attachments
 * sealed at rest (domain/document.h), a journal note with the answers
 * that the person can read at once, and the audit rows. Either all of it
 * is stored or none of it.
 */
#ifndef NARA_APPLICATION_H
#define NARA_APPLICATION_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct db;
struct actor;
struct form_def;
struct form_result;

/*
 * The kinds of unit (unit.kind) that take applications in a matter, best
 * first, ending in NULL; NULL for a matter no form may use.
 */
const char *const *application_unit_kinds(const char *matter);

/* Who applies, as the form greets them. */
struct applicant {
	int known;		/* the municipality has a record of them */
	const char *given_name; /* "" when not known */
	const char *family_name;
	const char *municipality_name;
};

/*
 * Whether the municipality already knows the logged-in person, and their
 * name there. A read of the person's own record, audited as such.
 * NARA_ENOTFOUND when no municipality has the slug.
 */
enum nara_err application_applicant(struct db *db, struct arena *a,
				    const struct actor *who,
				    const char *municipality_slug,
				    struct applicant *out);

struct application_new {
	const char *municipality_slug;
	const struct form_def *form;
	const struct form_result *answers; /* validated: json set */
	/* The journal note: the answers as the person reads them. */
	const char *note;
	/* Needed only when the municipality does not know the person. */
	const char *given_name, *family_name;
};

/*
 * Files the application for the logged-in person. NARA_EINVAL with *why a
 * catalogue key ("apply.error.given_name", "apply.error.family_name", or
 * a document error with *why_field naming the question) when something
 * must be fixed; NARA_ENOTFOUND for an unknown municipality; NARA_EDENIED
 * when the actor is not a citizen. On success the new case's id and
 * reference.
 */
enum nara_err application_submit(struct db *db, struct arena *a,
				 const struct actor *who,
				 const struct application_new *app, int64_t now,
				 int64_t *case_id, const char **reference,
				 const char **why, const char **why_field);

#endif
