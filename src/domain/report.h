/*
 * Reports of concern about a child (orosanmälan, DOMAIN.md R1.1, R1.2,
 * R1.5, R1.6). Anyone may report, anonymously; professionals (school,
 * health care, police, ...) must give their name and organisation. A
 * report opens a case in preliminary assessment, or joins the child's case
 * when an assessment or investigation is already under way (R1.2: no new
 * decision is needed then). The reporter gets a receipt code and may later
 * ask, with it, whether an investigation was opened — nothing more (R1.5).
 * The reporter's identity is shown only on staff pages of the responsible
 * municipality; the report's text is withheld from the child's file until
 * staff release it.
 */
#ifndef NARA_REPORT_H
#define NARA_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "policy/visibility.h"

struct db;
struct actor;

enum { REPORT_RECEIPT_LEN = 14 }; /* "XXXX-XXXX-XXXX" */

struct report_new {
	const char *municipality_slug;
	const char *child_name;
	const char *child_personnummer; /* may be "" */
	const char *child_details;	/* age, school, address: as known */
	const char *reporter_kind;	/* anonymous, private, professional */
	const char *reporter_name, *reporter_organisation, *reporter_profession;
	const char *reporter_phone, *reporter_email;
	const char *concern;
	/*
	 * A report that came by telephone, letter or from the police and is
	 * registered by staff: who registered it (NULL: the public form).
	 * The report then belongs to their own municipality, whatever
	 * municipality_slug says, and the policy must let them open cases
	 * there.
	 */
	const struct actor *registered_by;
};

/* The professions a professional reporter chooses from (catalogue keys). */
extern const char *const report_professions[];

/* One thing to fix in a report: the field and a catalogue key. */
struct report_problem {
	const char *field; /* "child_name", "reporter_organisation", ... */
	const char *why;
};
enum { REPORT_MAX_PROBLEMS = 12 };

/*
 * Every problem of a report at once, in the order of the form, so that a
 * page can mark each field; the number found (0: the report is good).
 * report_submit refuses with the first of them.
 */
size_t report_check(const struct report_new *r, int64_t now,
		    struct report_problem out[REPORT_MAX_PROBLEMS]);

/*
 * Files a report. NARA_EINVAL with *why a catalogue key naming what to
 * fix; NARA_ENOTFOUND when no municipality has the slug; NARA_EDENIED
 * when registered_by may not open cases in their municipality (the
 * attempt is audited, flagged). On success receipt holds the code to give
 * the reporter (shown once, never stored).
 */
enum nara_err report_submit(struct db *db, struct arena *a,
			    const struct report_new *r, int64_t now,
			    char receipt[REPORT_RECEIPT_LEN + 1],
			    int64_t *case_id, const char **why);

enum report_status {
	REPORT_PENDING,		/* no decision yet */
	REPORT_OPENED,		/* an investigation was opened */
	REPORT_NOT_OPENED,	/* it was decided not to open one */
	REPORT_ALREADY_RUNNING, /* an investigation was already running */
};

/*
 * R1.5: what a reporter may learn with their receipt code. NARA_ENOTFOUND
 * for an unknown code (the same answer for a mistyped one).
 */
enum nara_err report_status(struct db *db, const char *receipt, int64_t now,
			    enum report_status *out);

struct report_view {
	int64_t id, received_at, child_person_id;
	int64_t case_id;
	const char *case_reference;
	enum report_status outcome; /* what came of it (R1.6) */
	const char *child_name, *child_personnummer, *child_details;
	const char *reporter_kind, *reporter_name, *reporter_organisation,
	    *reporter_profession, *reporter_phone, *reporter_email;
	const char *concern;
	int64_t protection_assessed_at;
	int protection_immediate; /* -1: not assessed */
	const char *protection_assessed_by;
};

/* The reports of a case (staff only), inside the caller's transaction. */
enum nara_err report_read_in_tx(struct db *db, struct arena *a, int64_t case_id,
				struct report_view **out, size_t *count);

/*
 * Every report about a child, in every case of the municipality (R1.6),
 * including those that led to nothing, newest first. Staff; audited. The
 * child as the policy let the actor read them goes to *child (may be
 * NULL).
 */
struct person_view;
enum nara_err report_list_for_child(struct db *db, struct arena *a,
				    const struct actor *who,
				    int64_t child_person_id,
				    struct person_view *child,
				    struct report_view **out, size_t *count);

/*
 * R1.1: the protection assessment of a report, documented at once: is
 * the child in immediate need of protection, and the assessment itself
 * as a journal note with its visibility. of_case: the case the report
 * must belong to (0: whichever it belongs to). NARA_ENOTFOUND when there
 * is no such report; NARA_ECONFLICT when it is done
 * already ("report.error.assessed") or the case changed since
 * expected_version (0: do not check; "case.error.changed").
 */
enum nara_err report_assess_protection(
    struct db *db, const struct actor *who, int64_t of_case, int64_t report_id,
    int immediate, const char *assessment, enum note_visibility v,
    int64_t visible_from, enum withheld_reason reason, int64_t expected_version,
    int64_t now, const char **why);

#endif
