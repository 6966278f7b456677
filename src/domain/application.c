/* Applications for help; see application.h. */
#include "domain/application.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/utf8.h"
#include "db/db.h"
#include "domain/access.h"
#include "domain/application_form.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/document.h"
#include "domain/journal.h"
#include "domain/person.h"

enum { NAME_MAX_LEN = 100 };

/*
 * Which unit takes which matter. Financial assistance has a unit of its
 * own in every municipality; family support is children and families'
 * work; support for adults (addiction, mental ill-health, housing) and
 * support after violence in a close relationship go to the adults' unit,
 * which refers to the shared family-peace centre when that is what the
 * person needs (a referral, with its consent, under the agreement: the
 * shared-services work). A municipality without the unit gets the
 * application in its first line, which exists everywhere.
 */
static const struct {
	const char *matter;
	const char *kinds[3];
} matters[] = {
    {"financial_assistance", {"financial_aid", "first_line", NULL}},
    {"family_support", {"children_families", "first_line", NULL}},
    {"support", {"adults", "first_line", NULL}},
    {"violence_support", {"adults", "first_line", NULL}},
};

const char *const *application_unit_kinds(const char *matter)
{
	for (size_t i = 0; matter && i < sizeof(matters) / sizeof(matters[0]);
	     i++)
		if (strcmp(matters[i].matter, matter) == 0)
			return matters[i].kinds;
	return NULL;
}

static int blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* A name a person typed: there, readable, one line, not too long. */
static int name_ok(const char *s)
{
	if (blank(s) || strlen(s) > NAME_MAX_LEN || !utf8_valid(s, strlen(s)))
		return 0;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return 0;
	return 1;
}

static enum nara_err municipality_of(struct db *db, struct arena *a,
				     const char *slug, int64_t *id,
				     const char **name)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db, "SELECT id, name FROM municipality WHERE slug = ?", &st);
	if (err != NARA_OK)
		return err;
	db_bind_text(st, 1, slug ? slug : "", (size_t)-1);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*name = arena_strdup(a, db_col_text(st, 1));
		if (*name == NULL)
			rc = -(int)NARA_ENOMEM;
	}
	db_done(st);
	if (rc == DB_DONE)
		return NARA_ENOTFOUND;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

/* The person's row in the municipality: id and name, or *id 0. */
static enum nara_err person_in(struct db *db, struct arena *a,
			       int64_t municipality_id, const char *pnr,
			       int64_t *id, const char **given,
			       const char **family)
{
	struct db_stmt *st;
	*id = 0;
	*given = *family = "";
	enum nara_err err =
	    db_prepare(db,
		       "SELECT id, given_name, family_name FROM person"
		       " WHERE municipality_id = ? AND personnummer = ?",
		       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, municipality_id);
	db_bind_text(st, 2, pnr, (size_t)-1);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*given = arena_strdup(a, db_col_text(st, 1));
		*family = arena_strdup(a, db_col_text(st, 2));
		if (*given == NULL || *family == NULL)
			rc = -(int)NARA_ENOMEM;
	}
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

static enum nara_err audit_citizen(struct db *db, const struct actor *who,
				   int64_t municipality_id, int64_t person_id,
				   const char *action, const char *record_kind,
				   int64_t record_id, int64_t now)
{
	struct audit_entry e = {
	    .actor_kind = "citizen",
	    .actor_id = person_id,
	    .actor_label = who->label,
	    .municipality_id = municipality_id,
	    .action = action,
	    .record_kind = record_kind,
	    .record_id = record_id,
	    .person_id = person_id,
	    .request_id = who->request_id,
	    .at = now,
	};
	return audit_append(db, &e);
}

enum nara_err application_applicant(struct db *db, struct arena *a,
				    const struct actor *who,
				    const char *municipality_slug,
				    struct applicant *out)
{
	memset(out, 0, sizeof(*out));
	out->given_name = out->family_name = out->municipality_name = "";
	if (who->subject.kind != SUBJECT_CITIZEN)
		return NARA_EDENIED;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0, person_id = 0;
	err = municipality_of(db, a, municipality_slug, &municipality_id,
			      &out->municipality_name);
	if (err == NARA_OK)
		err =
		    person_in(db, a, municipality_id, who->personnummer,
			      &person_id, &out->given_name, &out->family_name);
	/* The person reads their own name on the form: a read, audited. */
	if (err == NARA_OK && person_id != 0)
		err = audit_citizen(db, who, municipality_id, person_id, "read",
				    "person", person_id, 0);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	out->known = person_id != 0;
	return db_commit(db);
}

/* The unit that takes the matter: the first kind the municipality has. */
static enum nara_err unit_for(struct db *db, int64_t municipality_id,
			      const char *matter, int64_t *unit_id)
{
	const char *const *kinds = application_unit_kinds(matter);
	if (kinds == NULL)
		return NARA_EINVAL;
	for (size_t i = 0; kinds[i] != NULL; i++) {
		enum nara_err err = db_query_int(
		    db, unit_id,
		    "SELECT id FROM unit WHERE municipality_id = ? AND"
		    " shared = 0 AND kind = ? ORDER BY id LIMIT 1",
		    "is", municipality_id, kinds[i]);
		if (err != NARA_ENOTFOUND)
			return err;
	}
	return NARA_ENOTFOUND;
}

/* The stored version of the form; `nara migrate` stores every version. */
static enum nara_err form_id_of(struct db *db, const struct form_def *f,
				int64_t *id)
{
	enum nara_err err = db_query_int(
	    db, id,
	    "SELECT id FROM application_form WHERE slug = ? AND version = ?",
	    "si", f->slug, (int64_t)f->version);
	if (err == NARA_ENOTFOUND) {
		char version[16];
		snprintf(version, sizeof(version), "%d", f->version);
		log_kv(LOG_ERROR,
		       "an application form is not in the database: run"
		       " `nara migrate`, which stores every form version",
		       "form", f->slug, "version", version, NULL);
		err = NARA_EDB;
	}
	return err;
}

/* The attachments of every question asked, under the answers' note. */
static enum nara_err
add_documents(struct db *db, struct arena *a, const struct actor *who,
	      const struct application_new *app, int64_t case_id,
	      int64_t municipality_id, int64_t person_id, int64_t note_id,
	      int64_t now, const char **why, const char **why_field)
{
	const struct form_def *f = app->form;
	for (size_t i = 0; i < f->nquestions; i++) {
		const struct form_answer *ans = &app->answers->answers[i];
		if (f->questions[i].type != FORM_ATTACHMENT || !ans->applies)
			continue;
		for (size_t k = 0; k < ans->nfiles; k++) {
			struct document_new d = {
			    .case_id = case_id,
			    .municipality_id = municipality_id,
			    .person_id = person_id,
			    .added_by_kind = "citizen",
			    .added_by_id = person_id,
			    .added_by_label = who->label,
			    .request_id = who->request_id,
			    .filename = ans->files[k]->filename,
			    .data = ans->files[k]->data,
			    .len = ans->files[k]->len,
			    .journal_note_id = note_id,
			    .now = now,
			};
			int64_t id;
			enum nara_err err =
			    document_add_in_tx(db, a, &d, &id, why);
			if (err != NARA_OK) {
				*why_field = f->questions[i].id;
				return err == NARA_ETOOBIG ? NARA_EINVAL : err;
			}
		}
	}
	return NARA_OK;
}

enum nara_err application_submit(struct db *db, struct arena *a,
				 const struct actor *who,
				 const struct application_new *app, int64_t now,
				 int64_t *case_id, const char **reference,
				 const char **why, const char **why_field)
{
	*case_id = 0;
	*reference = NULL;
	*why = *why_field = NULL;
	if (who->subject.kind != SUBJECT_CITIZEN)
		return NARA_EDENIED;
	if (app->form == NULL || app->answers == NULL ||
	    app->answers->json == NULL || app->note == NULL)
		return NARA_EINVAL;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0, unit_id = 0, person_id = 0, form_id = 0;
	const char *municipality_name, *given = "", *family = "";
	err = municipality_of(db, a, app->municipality_slug, &municipality_id,
			      &municipality_name);
	if (err == NARA_OK)
		err =
		    unit_for(db, municipality_id, app->form->matter, &unit_id);
	if (err == NARA_OK)
		err = person_in(db, a, municipality_id, who->personnummer,
				&person_id, &given, &family);
	/*
	 * A person new to the municipality (moved here, never in contact)
	 * gets their record now, in the same transaction: the name as they
	 * give it, the rest from the personnummer they logged in with.
	 */
	if (err == NARA_OK && person_id == 0) {
		if (!name_ok(app->given_name)) {
			*why = "apply.error.given_name";
			*why_field = "given_name";
			err = NARA_EINVAL;
		} else if (!name_ok(app->family_name)) {
			*why = "apply.error.family_name";
			*why_field = "family_name";
			err = NARA_EINVAL;
		} else {
			struct person_new p = {
			    .municipality_id = municipality_id,
			    .personnummer = who->personnummer,
			    .given_name = app->given_name,
			    .family_name = app->family_name,
			    .actor_label = who->label,
			};
			given = app->given_name;
			family = app->family_name;
			err = person_add(db, &p, &person_id);
		}
	}
	if (err == NARA_OK)
		err = form_id_of(db, app->form, &form_id);
	const char *author = arena_printf(a, "%s %s", given, family);
	if (err == NARA_OK && author == NULL)
		err = NARA_ENOMEM;
	if (err == NARA_OK) {
		struct case_new c = {
		    .municipality_id = municipality_id,
		    .unit_id = unit_id,
		    .person_id = person_id,
		    .kind = CASE_APPLICATION,
		    .matter = app->form->matter,
		    .received_at = now,
		    .actor_kind = "citizen",
		    .actor_id = person_id,
		    .actor_label = who->label,
		};
		err = case_create_in_tx(db, a, &c, case_id, reference);
	}
	int64_t application_id = 0, note_id = 0;
	if (err == NARA_OK)
		err = db_query_int(db, &application_id,
				   "INSERT INTO application (case_id, form_id,"
				   " submitted_at, answers) VALUES (?, ?, ?, ?)"
				   " RETURNING id",
				   "iiis", *case_id, form_id, now,
				   app->answers->json);
	/* The answers, as written, in the file the person reads at once. */
	if (err == NARA_OK)
		err = journal_insert_in_tx(db, *case_id, municipality_id, now,
					   "citizen", person_id, author, "note",
					   app->note, VIS_NOW, 0, WITHHELD_NONE,
					   0, &note_id);
	if (err == NARA_OK)
		err = add_documents(db, a, who, app, *case_id, municipality_id,
				    person_id, note_id, now, why, why_field);
	if (err == NARA_OK)
		err =
		    audit_citizen(db, who, municipality_id, person_id, "create",
				  "application", application_id, now);
	if (err == NARA_OK)
		err = db_commit(db);
	else
		db_rollback(db);
	if (err != NARA_OK) {
		*case_id = 0;
		*reference = NULL;
	}
	return err;
}
