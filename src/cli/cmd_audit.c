/*
 * nara audit verify: checks the audit log's hash chain.
 * nara audit list: prints rows as JSON lines, for export (a SIEM, a
 * review outside Nära) and for the tests, which check exactly the rows
 * each page writes.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "db/db.h"
#include "domain/audit.h"

static int usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: nara audit verify [--database URL]\n"
	    "       nara audit list [--after ID | --last N] [--request ID]"
	    " [--database URL]\n\n"
	    "verify recomputes the hash chain of the audit log. Exits 0 when\n"
	    "every row is intact, 1 and names the first bad row when a row "
	    "was\n"
	    "edited or deleted.\n\n"
	    "list prints the rows as JSON, one a line, oldest first: all of\n"
	    "them, those after row ID, or the last N; --request keeps those "
	    "of\n"
	    "one request (its X-Request-Id).\n");
	return out == stdout ? 0 : 2;
}

static int verify(struct db *db)
{
	int64_t rows = 0, bad = 0;
	enum nara_err err = audit_verify(db, &rows, &bad);
	if (err == NARA_OK) {
		printf("audit log intact: %" PRId64 " rows checked\n", rows);
		return 0;
	}
	if (err == NARA_EINTEGRITY)
		fprintf(
		    stderr,
		    "audit log BROKEN at row %" PRId64 " (%" PRId64
		    " rows checked before it): a row was edited or deleted\n",
		    bad, rows);
	else
		fprintf(stderr, "nara audit verify: %s: %s\n",
			nara_strerror(err), db_errmsg(db));
	return 1;
}

static void print_row(const struct audit_row *row, void *arg)
{
	int *failed = arg;
	json_t *o = json_pack(
	    "{sI sI ss sI ss sI sI ss ss sI sI ss sb ss}", "id",
	    (json_int_t)row->id, "at", (json_int_t)row->at, "actor_kind",
	    row->actor_kind, "actor_id", (json_int_t)row->actor_id,
	    "actor_label", row->actor_label, "municipality_id",
	    (json_int_t)row->municipality_id, "agreement_id",
	    (json_int_t)row->agreement_id, "action", row->action, "record_kind",
	    row->record_kind, "record_id", (json_int_t)row->record_id,
	    "person_id", (json_int_t)row->person_id, "reason", row->reason,
	    "flagged", row->flagged, "request_id", row->request_id);
	char *line = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	if (line == NULL || puts(line) == EOF)
		*failed = 1;
	free(line);
	json_decref(o);
}

/* A whole number from 0 up, or -1. */
static int64_t count_arg(const char *s)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : -1;
	return (s == NULL || *s == '\0' || *end != '\0' || v < 0) ? -1 : v;
}

static int list(struct db *db, int argc, char **argv)
{
	const char *after = cli_flag(argc, argv, "--after");
	const char *last = cli_flag(argc, argv, "--last");
	int64_t after_id = 0;
	if (after != NULL && (after_id = count_arg(after)) < 0)
		return usage(stderr);
	if (last != NULL) {
		int64_t n = count_arg(last), end = 0;
		if (n < 0 || after != NULL)
			return usage(stderr);
		enum nara_err err = audit_last_id(db, &end);
		if (err != NARA_OK) {
			fprintf(stderr, "nara audit list: %s\n", db_errmsg(db));
			return 1;
		}
		after_id = end > n ? end - n : 0;
	}
	int failed = 0;
	enum nara_err err =
	    audit_list(db, after_id, cli_flag(argc, argv, "--request"),
		       print_row, &failed);
	if (err != NARA_OK) {
		fprintf(stderr, "nara audit list: %s: %s\n", nara_strerror(err),
			db_errmsg(db));
		return 1;
	}
	if (failed || fflush(stdout) != 0) {
		fprintf(stderr, "nara audit list: could not write the rows\n");
		return 1;
	}
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1]))
		return usage(argc > 1 ? stdout : stderr);
	int is_verify = strcmp(argv[1], "verify") == 0;
	if (!is_verify && strcmp(argv[1], "list") != 0)
		return usage(stderr);
	struct config cfg;
	if (cli_config(&cfg, argc - 1, argv + 1) != 0)
		return 2;
	struct db *db = cli_open_db(&cfg);
	if (db == NULL)
		return 1;
	int status = is_verify ? verify(db) : list(db, argc - 1, argv + 1);
	db_close(db);
	return status;
}
