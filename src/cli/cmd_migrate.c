/* nara migrate: applies the numbered migrations in sql/. */
#include <stdio.h>

#include "cli/cli.h"
#include "core/config.h"
#include "db/db.h"

int cmd_migrate(int argc, char **argv)
{
	if (argc > 1 && cli_is_help(argv[1])) {
		printf("usage: nara migrate [--database URL]\n\n"
		       "Creates the database (a SQLite file is created if missing) and\n"
		       "applies every migration in sql/ not yet applied, each in its own\n"
		       "transaction. Safe to run again.\n");
		return 0;
	}
	struct config cfg;
	if (cli_config(&cfg, argc, argv) != 0)
		return 2;
	struct db *db = cli_open_db(&cfg);
	if (db == NULL)
		return 1;
	enum nara_err err = db_migrate(db, 1);
	if (err != NARA_OK)
		fprintf(stderr, "nara migrate: %s: %s\n", nara_strerror(err),
			db_errmsg(db));
	else
		printf("database is up to date\n");
	db_close(db);
	return err == NARA_OK ? 0 : 1;
}
