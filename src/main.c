/*
 * nara: one binary, one command per job. Each command lives in src/cli/ and
 * answers --help. Configuration comes from NARA_* variables (README.md)
 * and the flags each command lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "cli/cli.h"

#ifndef NARA_VERSION
#define NARA_VERSION "dev"
#endif

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"serve", cmd_serve, "serve the web pages and the API"},
	{"migrate", cmd_migrate, "create or update the database tables"},
	{"demo", cmd_demo, "fill the database with the demo municipalities"},
	{"audit", cmd_audit, "check the audit log (audit verify), print it (audit list)"},
	{"user", cmd_user, "manage staff accounts (user add)"},
};

static void usage(FILE *out)
{
	fprintf(out, "Nära %s — digital social services for municipalities\n\n"
		     "usage: nara COMMAND [options]\n\ncommands:\n",
		NARA_VERSION);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n`nara COMMAND --help` tells more. Configuration:"
		     " NARA_DATABASE, NARA_LISTEN, NARA_BASE_URL (README.md).\n");
}

int main(int argc, char **argv)
{
	/* Times are stored in UTC and shown in Swedish time unless told otherwise. */
	setenv("TZ", "Europe/Stockholm", 0);
	tzset();
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("nara %s\n", NARA_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "nara: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
