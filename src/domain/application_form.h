/*
 * Application forms as data (ansökan). Each kind of application is a JSON
 * definition in forms/<slug>.v<version>.json, embedded in the binary like
 * the templates. A definition has a slug, a version, the matter it opens a
 * case in, a title and introduction, and sections of questions; every text
 * a person reads is given in the definition itself, in Swedish and in
 * English ({"sv": ..., "en": ...}), so that a stored version keeps exactly
 * the words the person answered; the few words every form shares (yes, no,
 * the error messages) are catalogue keys (apply.*).
 *
 * Question types: text, textarea, number (whole numbers, min and max),
 * yesno, choice (one, or several with "multiple"), date (YYYY-MM-DD) and
 * month (YYYY-MM), either limited by "range": "past" or "future", and
 * attachment (PDF, PNG, JPEG; "max_files"). A question may be asked only
 * "when" an earlier yes/no or choice question has one of the given
 * answers: without JavaScript every question is on the page, the condition
 * is said in words, and an answer to a question whose condition does not
 * hold is neither required nor kept.
 *
 * Loading (application_forms_load) validates every definition at start-up;
 * a broken one stops the server with a message naming the file, as a
 * broken template does. A version, once stored, is immutable: `nara
 * migrate` stores every (slug, version) not yet in application_form and
 * refuses a definition that changed under a version already stored.
 *
 * Validating answers (application_form_validate) reads untrusted input and
 * is fuzzed (tests/fuzz/fuzz_answers.c).
 */
#ifndef NARA_APPLICATION_FORM_H
#define NARA_APPLICATION_FORM_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"

struct db;

enum form_type {
	FORM_TEXT,
	FORM_TEXTAREA,
	FORM_NUMBER,
	FORM_YESNO,
	FORM_CHOICE,
	FORM_DATE,
	FORM_MONTH,
	FORM_ATTACHMENT,
};

enum form_range { FORM_RANGE_ANY, FORM_RANGE_PAST, FORM_RANGE_FUTURE };

/* A text in both languages; "" when a definition leaves it out. */
struct form_text {
	const char *sv, *en;
};

struct form_option {
	const char *value;
	struct form_text label;
};

struct form_question {
	const char *id;
	enum form_type type;
	int required;
	int multiple; /* choice: several may be chosen */
	struct form_text label, help, unit;
	int64_t min, max;	  /* number */
	int max_length;		  /* text, textarea: characters */
	int max_files;		  /* attachment */
	enum form_range range;	  /* date, month */
	const char *autocomplete; /* text: an HTML autocomplete token, or "" */
	struct form_option *options; /* choice */
	size_t noptions;
	int when;		  /* index of the question it depends on, -1 */
	const char **when_values; /* ... and the answers that ask it */
	size_t nwhen;
	size_t section;
};

struct form_section {
	struct form_text title, intro;
	size_t first, count; /* its questions */
};

struct form_def {
	const char *slug;
	int version;
	const char *matter;
	struct form_text title, intro;
	struct form_section *sections;
	size_t nsections;
	struct form_question *questions;
	size_t nquestions;
	const char *canonical; /* the definition as stored: compact JSON */
	void *json;	       /* owns every string above */
};

/* The text in lang ("sv" or "en"). */
const char *form_text(const struct form_text *t, const char *lang);

/*
 * Parses and checks one definition; name is its file name for messages
 * and must be "<slug>.v<version>.json". On error errmsg says what and
 * where (file, question) and NARA_EINVAL is returned.
 */
enum nara_err application_form_parse(const char *name, const char *json,
				     size_t len, struct form_def **out,
				     char *errmsg, size_t errlen);
void application_form_free(struct form_def *f);

/* Loads every embedded forms/NAME.json; a broken one is NARA_EINVAL. */
enum nara_err application_forms_load(char *errmsg, size_t errlen);
void application_forms_free(void);

/* The form with that slug and version (0: the newest); NULL if none. */
const struct form_def *application_form_find(const char *slug, int version);

/* The newest version of each kind, in slug order, for the choice page. */
size_t application_form_kinds(const struct form_def ***out);

/*
 * Stores every loaded (slug, version) not yet in application_form, in
 * one transaction. NARA_ECONFLICT, with errmsg naming it, when a stored
 * version differs from the embedded one: a changed form needs a new
 * version. *added counts the versions stored now.
 */
enum nara_err application_forms_sync(struct db *db, int64_t now, int *added,
				     char *errmsg, size_t errlen);

/* ---- answers ---- */

/* An uploaded file as the page received it. */
struct form_file {
	const char *field; /* the question id it was sent for */
	const char *filename;
	const void *data;
	size_t len;
};

/* What a person sent: fields (repeated for several choices) and files. */
struct form_input {
	const struct kvlist *fields;
	const struct form_file *files;
	size_t nfiles;
};

/* The answer to one question, checked. */
struct form_answer {
	int applies;	       /* asked: no condition, or its condition holds */
	int answered;	       /* something was given */
	const char *error;     /* a catalogue key, NULL when fine */
	const char *error_arg; /* what the message names (a file), or NULL */
	const char *value;     /* as given, trimmed: to fill the form again */
	const char **values;   /* choice: the values chosen */
	size_t nvalues;
	int64_t number;
	const struct form_file **files; /* attachment: the files */
	const char **file_types;	/* ... and their sniffed types */
	size_t nfiles;
};

struct form_result {
	struct form_answer *answers; /* one per question, in order */
	size_t nerrors;
	size_t nfiles; /* files to store, over all questions that apply */
	/* {"question id": answer, ...} for the questions asked and
	 * answered: text and dates as strings, numbers as integers, yes/no
	 * as "yes"/"no", choices as a string or an array of strings,
	 * attachments as the list of file names. NULL when nerrors > 0. */
	const char *json;
};

/*
 * Checks the input against the definition, as of now (dates and months
 * with a range). NARA_OK with out->json set when every answer is good;
 * NARA_EINVAL with out->nerrors > 0 and an error at each question that
 * needs one; NARA_ENOMEM.
 */
enum nara_err application_form_validate(struct arena *a,
					const struct form_def *f,
					const struct form_input *in,
					int64_t now, struct form_result *out);

/* The label of a choice's value in lang, or the value itself. */
const char *form_option_label(const struct form_question *q, const char *value,
			      const char *lang);

#endif
