/* What the commands share: flags, configuration and opening the database. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "db/db.h"

int cli_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

const char *cli_flag(int argc, char **argv, const char *flag)
{
	size_t len = strlen(flag);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], flag) == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], flag, len) == 0 && argv[i][len] == '=')
			return argv[i] + len + 1;
	}
	return NULL;
}

int cli_config(struct config *cfg, int argc, char **argv)
{
	char msg[256];
	if (config_load(cfg, msg, sizeof(msg)) != NARA_OK) {
		fprintf(stderr, "nara: %s\n", msg);
		return -1;
	}
	const char *database = cli_flag(argc, argv, "--database");
	if (database != NULL)
		cfg->database = database;
	const char *listen = cli_flag(argc, argv, "--listen");
	if (listen != NULL &&
	    config_set_listen(cfg, listen, msg, sizeof(msg)) != NARA_OK) {
		fprintf(stderr, "nara: %s\n", msg);
		return -1;
	}
	return 0;
}

struct db *cli_open_db(const struct config *cfg)
{
	/* A SQLite file in var/ (the default): make the folder. */
	if (strncmp(cfg->database, "sqlite:var/", 11) == 0)
		mkdir("var", 0750);
	struct db *db;
	enum nara_err err = db_open(cfg->database, &db);
	if (err != NARA_OK) {
		fprintf(stderr, "nara: cannot open the database %s: %s\n",
			strncmp(cfg->database, "sqlite:", 7) == 0 ? cfg->database
								 : "(PostgreSQL)",
			db ? db_errmsg(db) : nara_strerror(err));
		db_close(db);
		return NULL;
	}
	return db;
}
