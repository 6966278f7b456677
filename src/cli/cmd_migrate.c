/*
 * nara migrate: applies the numbered migrations in sql/, then stores the
 * application forms' versions (forms/) that the database does not have
 * yet, so that an application can name the exact version it answered.
 */
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"
#include "core/config.h"
#include "db/db.h"
#include "domain/application_form.h"

int cmd_migrate(int argc, char **argv)
{
	if (argc > 1 && cli_is_help(argv[1])) {
		printf("usage: nara migrate [--database URL]\n\n"
		       "Creates the database (a SQLite file is created if "
		       "missing) and\n"
		       "applies every migration in sql/ not yet applied, each "
		       "in its own\n"
		       "transaction; then stores every application form "
		       "version in\n"
		       "forms/ not yet stored (a stored version never changes: "
		       "a changed\n"
		       "form needs a new version). Safe to run again.\n");
		return 0;
	}
	struct config cfg;
	if (cli_config(&cfg, argc, argv) != 0)
		return 2;
	char msg[512];
	if (application_forms_load(msg, sizeof(msg)) != NARA_OK) {
		fprintf(stderr, "nara migrate: %s\n", msg);
		return 1;
	}
	struct db *db = cli_open_db(&cfg);
	if (db == NULL) {
		application_forms_free();
		return 1;
	}
	enum nara_err err = db_migrate(db, 1);
	int added = 0;
	if (err != NARA_OK) {
		fprintf(stderr, "nara migrate: %s: %s\n", nara_strerror(err),
			db_errmsg(db));
	} else {
		msg[0] = '\0';
		err = application_forms_sync(db, (int64_t)time(NULL), &added,
					     msg, sizeof(msg));
		if (err != NARA_OK)
			fprintf(stderr, "nara migrate: %s\n",
				msg[0] ? msg : db_errmsg(db));
	}
	if (err == NARA_OK) {
		if (added > 0)
			printf("stored %d application form version%s\n", added,
			       added == 1 ? "" : "s");
		printf("database is up to date\n");
	}
	db_close(db);
	application_forms_free();
	return err == NARA_OK ? 0 : 1;
}
