/* nara audit verify: checks the audit log's hash chain. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "db/db.h"
#include "domain/audit.h"

int cmd_audit(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1]) || strcmp(argv[1], "verify") != 0) {
		FILE *out = (argc > 1 && cli_is_help(argv[1])) ? stdout : stderr;
		fprintf(out, "usage: nara audit verify [--database URL]\n\n"
			     "Recomputes the hash chain of the audit log. Exits 0 when every\n"
			     "row is intact, 1 and names the first bad row when a row was\n"
			     "edited or deleted.\n");
		return out == stdout ? 0 : 2;
	}
	struct config cfg;
	if (cli_config(&cfg, argc - 1, argv + 1) != 0)
		return 2;
	struct db *db = cli_open_db(&cfg);
	if (db == NULL)
		return 1;
	int64_t rows = 0, bad = 0;
	enum nara_err err = audit_verify(db, &rows, &bad);
	int status = 0;
	if (err == NARA_OK) {
		printf("audit log intact: %" PRId64 " rows checked\n", rows);
	} else if (err == NARA_EINTEGRITY) {
		fprintf(stderr,
			"audit log BROKEN at row %" PRId64 " (%" PRId64
			" rows checked before it): a row was edited or deleted\n",
			bad, rows);
		status = 1;
	} else {
		fprintf(stderr, "nara audit verify: %s: %s\n", nara_strerror(err),
			db_errmsg(db));
		status = 1;
	}
	db_close(db);
	return status;
}
