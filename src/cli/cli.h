/*
 * The commands of the nara binary. Each takes argv with its own name at
 * argv[0], returns the process exit status (0 ok, 1 failed, 2 usage).
 */
#ifndef NARA_CLI_H
#define NARA_CLI_H

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_user(int argc, char **argv);

/* Helpers shared by the commands (cli.c). */
struct config;
struct db;
int cli_is_help(const char *arg);
/* Loads the configuration, applying --database URL if given. */
int cli_config(struct config *cfg, int argc, char **argv);
/* Opens the configured database (creating a SQLite file) or prints why not. */
struct db *cli_open_db(const struct config *cfg);
/* The value after flag (--name VALUE or --name=VALUE), or NULL. */
const char *cli_flag(int argc, char **argv, const char *flag);

#endif
