/* nara demo: the eleven Familjen Helsingborg municipalities, and more. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/config.h"
#include "db/db.h"
#include "domain/demo.h"

/* A progress bar on a terminal; a line per tenth elsewhere (logs, CI). */
static void progress(long done, long total, void *arg)
{
	int tty = *(int *)arg;
	if (total <= 0)
		return;
	int pct = (int)(done * 100 / total);
	if (tty) {
		int width = 40, filled = (int)((long)width * done / total);
		fprintf(stderr, "\r[%.*s%*s] %3d%% %ld/%ld persons", filled,
			"########################################", width - filled,
			"", pct, done, total);
		if (done == total)
			fputc('\n', stderr);
	} else if (done == total || (done * 10 / total) != ((done - 1) * 10 / total)) {
		fprintf(stderr, "%d%% %ld/%ld persons\n", pct, done, total);
	}
}

int cmd_demo(int argc, char **argv)
{
	if (argc > 1 && cli_is_help(argv[1])) {
		printf("usage: nara demo [--persons N] [--database URL]\n\n"
		       "Fills the database with the 11 Familjen Helsingborg municipalities,\n"
		       "their units, the shared units under agreements, staff and fictitious\n"
		       "citizens, demo cases dated around the time it runs (reports due\n"
		       "today and overdue, investigations, decisions, a long journal) and\n"
		       "one citizen's case for \"Mina sidor\" (the first Helsingborg citizen\n"
		       "on the development login). Runs the migrations first. Running it\n"
		       "again adds nothing but the extra persons.\n"
		       "  --persons N  add N more fictitious persons (for benchmarks)\n");
		return 0;
	}
	struct config cfg;
	if (cli_config(&cfg, argc, argv) != 0)
		return 2;
	long persons = 0;
	const char *n = cli_flag(argc, argv, "--persons");
	if (n != NULL) {
		char *end;
		persons = strtol(n, &end, 10);
		if (*n == '\0' || *end != '\0' || persons < 0 || persons > 50000000) {
			fprintf(stderr, "nara demo: --persons takes a number from 0 to 50000000\n");
			return 2;
		}
	}
	struct db *db = cli_open_db(&cfg);
	if (db == NULL)
		return 1;
	enum nara_err err = db_migrate(db, 0);
	int tty = isatty(STDERR_FILENO);
	if (err == NARA_OK)
		err = demo_fill_at(db, persons, (int64_t)time(NULL), progress, &tty);
	/*
	 * The case of "Mina sidor", made through the domain like any case;
	 * after the worklists' cases, which go only where no case is yet.
	 */
	if (err == NARA_OK)
		err = demo_add_citizen_case(db, (int64_t)time(NULL));
	if (err == NARA_OK)
		err = demo_add_bookings(db, (int64_t)time(NULL));
	if (err == NARA_OK)
		err = demo_add_foster(db, (int64_t)time(NULL));
	if (err != NARA_OK)
		fprintf(stderr, "nara demo: %s: %s\n", nara_strerror(err), db_errmsg(db));
	else
		printf("demo data ready\n");
	db_close(db);
	return err == NARA_OK ? 0 : 1;
}
