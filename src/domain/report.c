/* Reports of concern about a child; see report.h. */
#include "domain/report.h"

#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "db/db.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/journal.h"
#include "domain/person.h"
#include "domain/personnummer.h"
#include "policy/policy.h"

enum { NAME_MAX_LEN = 200, DETAILS_MAX = 2000, CONCERN_MAX = 20000 };

const char *const report_professions[] = {
    "school", "preschool", "health", "dental", "police",
    "social", "religious", "other",  NULL,
};

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
	return s ? s : "";
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

/* Text a person typed: present when required, valid UTF-8, not too long. */
static int text_ok(const char *s, size_t max, int required)
{
	if (s == NULL)
		return !required;
	size_t len = strlen(s);
	if (len > max || !utf8_valid(s, len))
		return 0;
	return !required || !blank(s);
}

static const char *s_or_empty(const char *s)
{
	return s ? s : "";
}

/* Adds a problem to the list, as long as there is room. */
static void problem(struct report_problem *out, size_t *n, const char *field,
		    const char *why)
{
	if (*n < REPORT_MAX_PROBLEMS)
		out[(*n)++] = (struct report_problem){field, why};
}

size_t report_check(const struct report_new *r, int64_t now,
		    struct report_problem out[REPORT_MAX_PROBLEMS])
{
	size_t n = 0;
	if (!text_ok(r->child_name, NAME_MAX_LEN, 1))
		problem(out, &n, "child_name", "report.error.child_name");
	if (!text_ok(r->child_details, DETAILS_MAX, 0))
		problem(out, &n, "child_details", "report.error.child_details");
	if (!text_ok(r->concern, CONCERN_MAX, 1))
		problem(out, &n, "concern", "report.error.concern");
	const char *kind = s_or_empty(r->reporter_kind);
	int pro = strcmp(kind, "professional") == 0;
	if (strcmp(kind, "anonymous") != 0 && strcmp(kind, "private") != 0 &&
	    !pro)
		problem(out, &n, "reporter_kind", "report.error.reporter_kind");
	static const struct {
		const char *field;
		size_t offset, max;
	} about_you[] = {
	    {"reporter_name", offsetof(struct report_new, reporter_name),
	     NAME_MAX_LEN},
	    {"reporter_organisation",
	     offsetof(struct report_new, reporter_organisation), NAME_MAX_LEN},
	    {"reporter_phone", offsetof(struct report_new, reporter_phone), 40},
	    {"reporter_email", offsetof(struct report_new, reporter_email),
	     NAME_MAX_LEN},
	};
	for (size_t i = 0; i < sizeof(about_you) / sizeof(about_you[0]); i++) {
		const char *v = *(const char *const *)((const char *)r +
						       about_you[i].offset);
		if (!text_ok(v, about_you[i].max, 0))
			problem(out, &n, about_you[i].field,
				"report.error.reporter");
	}
	if (strcmp(kind, "private") == 0 && blank(r->reporter_name))
		problem(out, &n, "reporter_name", "report.error.private_name");
	if (pro) {
		if (blank(r->reporter_name))
			problem(out, &n, "reporter_name",
				"report.error.professional");
		if (blank(r->reporter_organisation))
			problem(out, &n, "reporter_organisation",
				"report.error.professional");
		int known = 0;
		for (size_t i = 0;
		     report_professions[i] && r->reporter_profession; i++)
			known |= strcmp(report_professions[i],
					r->reporter_profession) == 0;
		if (!known)
			problem(out, &n, "reporter_profession",
				"report.error.profession");
	}
	struct personnummer pnr;
	if (!blank(r->child_personnummer) &&
	    personnummer_parse(r->child_personnummer, now, &pnr) != NARA_OK)
		problem(out, &n, "child_personnummer",
			"report.error.child_pnr");
	return n;
}

/* The receipt: 60 random bits in a 32-letter alphabet without look-alikes. */
static void new_receipt(char out[REPORT_RECEIPT_LEN + 1])
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char raw[12];
	randombytes_buf(raw, sizeof(raw));
	size_t k = 0;
	for (size_t i = 0; i < sizeof(raw); i++) {
		if (i > 0 && i % 4 == 0)
			out[k++] = '-';
		out[k++] = alphabet[raw[i] & 31];
	}
	out[k] = '\0';
	sodium_memzero(raw, sizeof(raw));
}

/*
 * SHA-256 of the code as typed, without dashes and spaces, in capitals:
 * "k7p2 9xq4-m3ab" finds the same report. NARA_EINVAL when what remains
 * cannot be a code.
 */
static enum nara_err receipt_hash(const char *code, char hex[65])
{
	char norm[16];
	size_t n = 0;
	for (const char *p = code; p && *p; p++) {
		char c = *p;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ||
		    n == 12)
			return NARA_EINVAL;
		norm[n++] = c;
	}
	if (n != 12)
		return NARA_EINVAL;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)norm, n);
	sodium_bin2hex(hex, 65, h, sizeof(h));
	return NARA_OK;
}

/* The unit that receives reports: children and families, else first line. */
static enum nara_err receiving_unit(struct db *db, int64_t municipality_id,
				    int64_t *unit_id)
{
	return db_query_int(
	    db, unit_id,
	    "SELECT id FROM unit WHERE municipality_id = ? AND shared = 0"
	    " AND kind IN ('children_families', 'first_line')"
	    " ORDER BY kind = 'children_families' DESC, id LIMIT 1",
	    "i", municipality_id);
}

/* The child's person row, made from what the reporter gave when new. */
static enum nara_err find_child(struct db *db, int64_t municipality_id,
				const struct personnummer *pnr,
				const char *child_name, const char *actor_label,
				int64_t *person_id)
{
	enum nara_err err =
	    db_query_int(db, person_id,
			 "SELECT id FROM person WHERE municipality_id = ? AND"
			 " personnummer = ?",
			 "is", municipality_id, pnr->canonical);
	if (err != NARA_ENOTFOUND)
		return err;
	/* "Alva Maria Svensson": the last word is taken as the family name. */
	char given[NAME_MAX_LEN + 1], family[NAME_MAX_LEN + 1];
	snprintf(given, sizeof(given), "%s", child_name);
	char *end = given + strlen(given);
	while (end > given && end[-1] == ' ')
		*--end = '\0';
	char *space = strrchr(given, ' ');
	if (space != NULL) {
		snprintf(family, sizeof(family), "%s", space + 1);
		while (space > given && space[-1] == ' ')
			space--;
		*space = '\0';
	} else {
		snprintf(family, sizeof(family), "–");
	}
	struct person_new p = {
	    .municipality_id = municipality_id,
	    .personnummer = pnr->canonical,
	    .given_name = given[0] ? given : "–",
	    .family_name = family,
	    .actor_label = actor_label,
	};
	return person_add(db, &p, person_id);
}

/*
 * The child's case that a new report joins (R1.2), 0 when none is open;
 * *investigating when that case is under investigation, so the report
 * needs no decision of its own and the reporter is told so (R1.5).
 */
static enum nara_err open_case_of(struct db *db, int64_t person_id,
				  int64_t *case_id, int *investigating)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
		db,
		"SELECT id, CASE WHEN state = 'investigation' THEN 1 ELSE 0"
		" END FROM case_file WHERE"
		" person_id = ? AND kind = 'child_report' AND state IN"
		" ('preliminary', 'investigation') ORDER BY received_at LIMIT 1",
		&st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, person_id);
	int rc = db_step(st);
	*case_id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	*investigating = rc == DB_ROW && db_col_int(st, 1) != 0;
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

/*
 * Who files the report, for the timeline and the audit log: the public
 * form, or the member of staff who registers a report that came another
 * way. Staff may only register where they may open cases: the policy is
 * asked as for a case of their municipality that has no unit yet, which
 * lets every casework role of that municipality (first line included, who
 * take most calls) and nobody else.
 */
struct report_origin {
	const char *kind, *label;
	int64_t id;
};

static enum nara_err report_origin(struct db *db, const struct actor *who,
				   int64_t municipality_id, int64_t now,
				   struct report_origin *o)
{
	if (who == NULL) {
		*o = (struct report_origin){"system", "orosanmälan via webben",
					    0};
		return NARA_OK;
	}
	*o = (struct report_origin){"staff", who->label, who->staff_id};
	struct policy_record rec = {.kind = REC_CASE,
				    .municipality_id = municipality_id};
	struct policy_decision d =
	    policy_decide(&who->subject, ACT_WRITE, &rec);
	if (who->subject.kind == SUBJECT_STAFF && d.allowed)
		return NARA_OK;
	struct audit_entry e = {
	    .actor_kind = who->kind ? who->kind : "staff",
	    .actor_id = who->staff_id,
	    .actor_label = who->label,
	    .municipality_id = municipality_id,
	    .action = "write_denied",
	    .record_kind = "child_report",
	    .reason = policy_reason_text(d.reason),
	    .flagged = 1,
	    .request_id = who->request_id,
	    .at = now,
	};
	enum nara_err err = audit_append(db, &e);
	return err != NARA_OK ? err : NARA_EDENIED;
}

enum nara_err report_submit(struct db *db, struct arena *a,
			    const struct report_new *r, int64_t now,
			    char receipt[REPORT_RECEIPT_LEN + 1],
			    int64_t *case_id, const char **why)
{
	receipt[0] = '\0';
	*why = NULL;
	struct report_problem problems[REPORT_MAX_PROBLEMS];
	if (report_check(r, now, problems) > 0) {
		*why = problems[0].why;
		return NARA_EINVAL;
	}
	struct personnummer pnr;
	int have_pnr = !blank(r->child_personnummer);
	if (have_pnr &&
	    personnummer_parse(r->child_personnummer, now, &pnr) != NARA_OK)
		return NARA_EINVAL; /* report_check said so already */
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t municipality_id = 0, unit_id = 0, child_id = 0;
	struct report_origin origin = {"system", "", 0};
	if (r->registered_by != NULL)
		municipality_id = r->registered_by->subject.municipality_id;
	else
		err = db_query_int(db, &municipality_id,
				   "SELECT id FROM municipality WHERE slug = ?",
				   "s", s_or_empty(r->municipality_slug));
	if (err == NARA_OK)
		err = report_origin(db, r->registered_by, municipality_id, now,
				    &origin);
	if (err == NARA_OK)
		err = receiving_unit(db, municipality_id, &unit_id);
	if (err == NARA_OK && have_pnr)
		err = find_child(db, municipality_id, &pnr, r->child_name,
				 origin.label, &child_id);
	*case_id = 0;
	int joined = 0;
	if (err == NARA_OK && child_id)
		err = open_case_of(db, child_id, case_id, &joined);
	if (err == NARA_OK && *case_id == 0) {
		struct case_new c = {
		    .municipality_id = municipality_id,
		    .unit_id = unit_id,
		    .person_id = child_id,
		    .kind = CASE_CHILD_REPORT,
		    .matter = "child_protection",
		    .received_at = now,
		    .actor_kind = origin.kind,
		    .actor_label = origin.label,
		    .actor_id = origin.id,
		};
		err = case_create_in_tx(db, a, &c, case_id, NULL);
	}
	char hash[65];
	new_receipt(receipt);
	if (err == NARA_OK)
		err = receipt_hash(receipt, hash);
	int64_t report_id = 0;
	if (err == NARA_OK) {
		struct db_stmt *st;
		err = db_prepare(
		    db,
		    "INSERT INTO child_report (municipality_id, case_id,"
		    " child_person_id, child_name, child_personnummer,"
		    " child_details, reporter_kind, reporter_name,"
		    " reporter_organisation, reporter_profession,"
		    " reporter_phone, reporter_email, concern, received_at,"
		    " receipt_hash, joined_investigation) VALUES (?, ?, ?, ?,"
		    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    &st);
		if (err == NARA_OK) {
			int pro = strcmp(r->reporter_kind, "professional") == 0;
			int anon = strcmp(r->reporter_kind, "anonymous") == 0;
			db_bind_int(st, 1, municipality_id);
			db_bind_int(st, 2, *case_id);
			if (child_id)
				db_bind_int(st, 3, child_id);
			else
				db_bind_null(st, 3);
			db_bind_text(st, 4, r->child_name, (size_t)-1);
			db_bind_text(st, 5, have_pnr ? pnr.canonical : "",
				     (size_t)-1);
			db_bind_text(st, 6, s_or_empty(r->child_details),
				     (size_t)-1);
			db_bind_text(st, 7, r->reporter_kind, (size_t)-1);
			/* An anonymous report keeps nothing that could name
			 * anyone. */
			db_bind_text(st, 8,
				     anon ? "" : s_or_empty(r->reporter_name),
				     (size_t)-1);
			db_bind_text(st, 9,
				     pro ? s_or_empty(r->reporter_organisation)
					 : "",
				     (size_t)-1);
			db_bind_text(st, 10,
				     pro ? s_or_empty(r->reporter_profession)
					 : "",
				     (size_t)-1);
			db_bind_text(st, 11,
				     anon ? "" : s_or_empty(r->reporter_phone),
				     (size_t)-1);
			db_bind_text(st, 12,
				     anon ? "" : s_or_empty(r->reporter_email),
				     (size_t)-1);
			db_bind_text(st, 13, r->concern, (size_t)-1);
			db_bind_int(st, 14, now);
			db_bind_text(st, 15, hash, (size_t)-1);
			db_bind_int(st, 16, joined);
			int rc = db_step(st);
			if (rc == DB_ROW)
				report_id = db_col_int(st, 0);
			while (rc == DB_ROW)
				rc = db_step(st);
			db_done(st);
			err = rc < 0 ? db_step_err(rc) : NARA_OK;
		}
	}
	/*
	 * The report's text goes into the child's file withheld: a private
	 * reporter's identity may show through it (OSL 26 kap. 5 §), and
	 * what a report says may put the child at risk until staff have
	 * assessed it (26 kap. 1 §). Staff release it when they can.
	 */
	if (err == NARA_OK) {
		enum withheld_reason why_withheld =
		    strcmp(r->reporter_kind, "private") == 0
			? WITHHELD_REPORTER_IDENTITY
			: WITHHELD_HARM;
		err = journal_insert_in_tx(db, *case_id, municipality_id, now,
					   "system", 0, "Orosanmälan", "report",
					   r->concern, VIS_WITHHELD, 0,
					   why_withheld, 0, NULL);
	}
	if (err == NARA_OK)
		err = case_touch_in_tx(db, *case_id, now);
	if (err == NARA_OK) {
		struct audit_entry e = {
		    .actor_kind = origin.kind,
		    .actor_id = origin.id,
		    .actor_label = origin.label,
		    .municipality_id = municipality_id,
		    .action = "create",
		    .record_kind = "child_report",
		    .record_id = report_id,
		    .person_id = child_id,
		    .request_id =
			r->registered_by ? r->registered_by->request_id : NULL,
		    .at = now,
		};
		err = audit_append(db, &e);
	}
	/* A refusal keeps its audit row; anything else half-done goes. */
	if (err == NARA_OK || err == NARA_EDENIED) {
		enum nara_err c = db_commit(db);
		err = c != NARA_OK ? c : err;
	} else {
		db_rollback(db);
	}
	if (err != NARA_OK) {
		sodium_memzero(receipt, REPORT_RECEIPT_LEN + 1);
		if (err == NARA_ENOTFOUND && municipality_id == 0)
			return NARA_ENOTFOUND;
		if (err == NARA_ENOTFOUND)
			err = NARA_EDB; /* a municipality without a receiving
					   unit */
	}
	return err;
}

/*
 * What came of a report: one that joined a running investigation says so
 * (recorded when it arrived); otherwise its case's dates tell whether an
 * investigation was opened, or a decision or closure came without one.
 * R1.5 tells the reporter this much, R1.6 shows it to staff beside each
 * report about a child.
 */
static enum report_status outcome_of(int joined_investigation,
				     int64_t decided_at, int64_t opened_at,
				     int closed)
{
	if (joined_investigation)
		return REPORT_ALREADY_RUNNING;
	if (opened_at != 0)
		return REPORT_OPENED;
	if (decided_at != 0 || closed)
		return REPORT_NOT_OPENED;
	return REPORT_PENDING;
}

enum nara_err report_status(struct db *db, const char *receipt, int64_t now,
			    enum report_status *out)
{
	char hash[65];
	if (receipt_hash(receipt, hash) != NARA_OK)
		return NARA_ENOTFOUND;
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(
	    db,
	    "SELECT r.id, r.municipality_id, r.received_at,"
	    " COALESCE(c.preliminary_decided_at, 0),"
	    " COALESCE(c.investigation_opened_at, 0), c.state,"
	    " COALESCE(r.child_person_id, 0), r.joined_investigation"
	    " FROM child_report r JOIN case_file c ON c.id = r.case_id"
	    " WHERE r.receipt_hash = ?",
	    &st);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	db_bind_text(st, 1, hash, (size_t)-1);
	int rc = db_step(st);
	int64_t id = 0, municipality_id = 0, child = 0;
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		municipality_id = db_col_int(st, 1);
		*out = outcome_of((int)db_col_int(st, 7), db_col_int(st, 3),
				  db_col_int(st, 4),
				  strcmp(db_col_text(st, 5), "closed") == 0);
		child = db_col_int(st, 6);
	}
	db_done(st);
	if (rc != DB_ROW) {
		db_rollback(db);
		return rc == DB_DONE ? NARA_ENOTFOUND : db_step_err(rc);
	}
	struct audit_entry e = {
	    .actor_kind = "system",
	    .actor_label = "anmälare med kvittokod",
	    .municipality_id = municipality_id,
	    .action = "read_status",
	    .record_kind = "child_report",
	    .record_id = id,
	    .person_id = child,
	    .at = now,
	};
	err = audit_append(db, &e);
	if (err == NARA_OK)
		return db_commit(db);
	db_rollback(db);
	return err;
}

#define REPORT_COLUMNS                                                         \
	"r.id, r.received_at, COALESCE(r.child_person_id, 0), r.child_name,"   \
	" r.child_personnummer, r.child_details, r.reporter_kind,"             \
	" r.reporter_name, r.reporter_organisation, r.reporter_profession,"    \
	" r.reporter_phone, r.reporter_email, r.concern,"                      \
	" COALESCE(r.protection_assessed_at, 0),"                              \
	" COALESCE(r.protection_immediate, -1), COALESCE(s.display_name, '')," \
	" c.id, c.reference, COALESCE(c.preliminary_decided_at, 0),"           \
	" COALESCE(c.investigation_opened_at, 0), c.state,"                    \
	" r.joined_investigation"                                              \
	" FROM child_report r JOIN case_file c ON c.id = r.case_id"            \
	" LEFT JOIN staff_user s ON s.id = r.protection_assessed_by"

static enum nara_err read_reports(struct db_stmt *st, struct arena *a,
				  struct report_view **out, size_t *count)
{
	enum { MAX = 500 };
	struct report_view *list = arena_calloc(a, MAX, sizeof(*list));
	size_t n = 0;
	int rc = DB_DONE;
	while (list != NULL && n < MAX && (rc = db_step(st)) == DB_ROW) {
		struct report_view *v = &list[n++];
		v->id = db_col_int(st, 0);
		v->received_at = db_col_int(st, 1);
		v->child_person_id = db_col_int(st, 2);
		v->child_name = col(a, st, 3);
		v->child_personnummer = col(a, st, 4);
		v->child_details = col(a, st, 5);
		v->reporter_kind = col(a, st, 6);
		v->reporter_name = col(a, st, 7);
		v->reporter_organisation = col(a, st, 8);
		v->reporter_profession = col(a, st, 9);
		v->reporter_phone = col(a, st, 10);
		v->reporter_email = col(a, st, 11);
		v->concern = col(a, st, 12);
		v->protection_assessed_at = db_col_int(st, 13);
		v->protection_immediate = (int)db_col_int(st, 14);
		v->protection_assessed_by = col(a, st, 15);
		v->case_id = db_col_int(st, 16);
		v->case_reference = col(a, st, 17);
		v->outcome =
		    outcome_of((int)db_col_int(st, 21), db_col_int(st, 18),
			       db_col_int(st, 19),
			       strcmp(db_col_text(st, 20), "closed") == 0);
	}
	if (list == NULL)
		return NARA_ENOMEM;
	*out = list;
	*count = n;
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

enum nara_err report_read_in_tx(struct db *db, struct arena *a, int64_t case_id,
				struct report_view **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db, "SELECT " REPORT_COLUMNS " WHERE r.case_id = ? ORDER BY r.id",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, case_id);
	err = read_reports(st, a, out, count);
	db_done(st);
	return err;
}

enum nara_err report_list_for_child(struct db *db, struct arena *a,
				    const struct actor *who,
				    int64_t child_person_id,
				    struct person_view *child_out,
				    struct report_view **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	/* Reading the child's person record asks the policy and audits it. */
	struct person_view child;
	enum nara_err err =
	    person_read(db, a, who, child_person_id, NULL, &child);
	if (err != NARA_OK)
		return err;
	if (child_out != NULL)
		*child_out = child;
	if ((err = db_begin(db)) != NARA_OK)
		return err;
	struct db_stmt *st;
	err = db_prepare(
	    db,
	    "SELECT " REPORT_COLUMNS " WHERE r.child_person_id = ?"
	    " AND r.municipality_id = ? ORDER BY r.received_at DESC, r.id DESC",
	    &st);
	if (err == NARA_OK) {
		db_bind_int(st, 1, child_person_id);
		db_bind_int(st, 2, child.municipality_id);
		err = read_reports(st, a, out, count);
		db_done(st);
	}
	if (err == NARA_OK) {
		struct audit_entry e = {
		    .actor_kind = "staff",
		    .actor_id = who->staff_id,
		    .actor_label = who->label,
		    .municipality_id = child.municipality_id,
		    .action = "read",
		    .record_kind = "child_reports",
		    .record_id = child_person_id,
		    .person_id = child_person_id,
		    .request_id = who->request_id,
		};
		err = audit_append(db, &e);
	}
	if (err == NARA_OK)
		return db_commit(db);
	db_rollback(db);
	*count = 0;
	return err;
}

enum nara_err report_assess_protection(
    struct db *db, const struct actor *who, int64_t of_case, int64_t report_id,
    int immediate, const char *assessment, enum note_visibility v,
    int64_t visible_from, enum withheld_reason reason, int64_t expected_version,
    int64_t now, const char **why)
{
	*why = NULL;
	if (who->subject.kind != SUBJECT_STAFF)
		return NARA_EDENIED;
	if (immediate != 0 && immediate != 1) {
		*why = "report.error.immediate";
		return NARA_EINVAL;
	}
	if (!text_ok(assessment, JOURNAL_BODY_MAX, 1)) {
		*why = "report.error.assessment";
		return NARA_EINVAL;
	}
	if (!policy_visibility_valid(v, visible_from, reason, now)) {
		*why = "journal.error.visibility";
		return NARA_EINVAL;
	}
	enum nara_err err = db_begin(db);
	if (err != NARA_OK)
		return err;
	int64_t case_id = 0, municipality_id = 0, person_id = 0, assessed = 0;
	/*
	 * A page names the case it shows, and its form never reaches another
	 * case's report; the API names the report alone (of_case 0).
	 */
	err = db_query_int(db, &case_id,
			   "SELECT case_id FROM child_report WHERE id = ? AND"
			   " (? = 0 OR case_id = ?)",
			   "iii", report_id, of_case, of_case);
	if (err == NARA_OK)
		err = case_authorize_in_tx(db, who, case_id, 1,
					   &municipality_id, &person_id);
	if (err == NARA_OK && expected_version != 0) {
		int64_t version = 0;
		err = case_version(db, case_id, &version);
		if (err == NARA_OK && version != expected_version) {
			*why = "case.error.changed";
			err = NARA_ECONFLICT;
		}
	}
	if (err == NARA_OK)
		err = db_query_int(
		    db, &assessed,
		    "SELECT COUNT(*) FROM child_report WHERE id = ?"
		    " AND protection_assessed_at IS NOT NULL",
		    "i", report_id);
	if (err == NARA_OK && assessed) {
		*why = "report.error.assessed";
		err = NARA_ECONFLICT;
	}
	if (err == NARA_OK)
		err = db_run(
		    db,
		    "UPDATE child_report SET protection_assessed_at = ?,"
		    " protection_assessed_by = ?, protection_immediate = ?"
		    " WHERE id = ?",
		    "iiii", now, who->staff_id, (int64_t)immediate, report_id);
	if (err == NARA_OK)
		err = journal_insert_in_tx(
		    db, case_id, municipality_id, now, "staff", who->staff_id,
		    who->name ? who->name : who->label, "protection",
		    assessment, v, visible_from, reason, 0, NULL);
	/* The timeline records the assessment in whatever state the case is. */
	enum case_state state = CS_PRELIMINARY;
	if (err == NARA_OK)
		err = case_state_in_tx(db, case_id, &state);
	if (err == NARA_OK)
		err = case_event_in_tx(db, case_id, now, "protection", state,
				       state, "staff", who->staff_id,
				       who->name ? who->name : who->label,
				       immediate ? "immediate" : "", 0);
	if (err == NARA_OK)
		err = case_touch_in_tx(db, case_id, now);
	if (err == NARA_OK) {
		struct audit_entry e = {
		    .actor_kind = "staff",
		    .actor_id = who->staff_id,
		    .actor_label = who->label,
		    .municipality_id = municipality_id,
		    .action = "case.protection",
		    .record_kind = "child_report",
		    .record_id = report_id,
		    .person_id = person_id,
		    .request_id = who->request_id,
		};
		err = audit_append(db, &e);
	}
	if (err == NARA_OK || err == NARA_EDENIED) {
		enum nara_err c = db_commit(db);
		return c != NARA_OK ? c : err;
	}
	db_rollback(db);
	return err;
}
