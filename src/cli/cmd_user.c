/*
 * nara user add | link | list | password | reset-totp: staff accounts.
 *
 * A password is never taken from the command line, where other users of
 * the machine see it in the process list and the shell keeps it in its
 * history: it is read from standard input, as one line (a pipe, a file, a
 * secret store), or typed twice without echo when standard input is a
 * terminal. It is hashed before the transaction opens, so the database is
 * never held while argon2id works.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/config.h"
#include "db/db.h"
#include "domain/local_account.h"
#include "domain/password.h"
#include "domain/staff.h"
#include "domain/tenant.h"

static int usage(FILE *out)
{
	fprintf(out,
		"usage: nara user add --municipality SLUG --username NAME --name \"Full Name\"\n"
		"                     [--email E] [--unit SLUG --role ROLE]\n"
		"                     [--oidc-issuer URL --oidc-subject SUB]\n"
		"                     [--password-stdin]\n"
		"       nara user link USERNAME --issuer URL --subject SUB\n"
		"       nara user list [--municipality SLUG]\n"
		"       nara user password USERNAME\n"
		"       nara user reset-totp USERNAME\n\n"
		"Roles: first_line, case_officer, team_lead, shared_service,\n"
		"municipal_admin, security_officer, platform_admin.\n\n"
		"`link` lets the account log in through the organisation's identity\n"
		"provider: URL is the provider's issuer (NARA_OIDC_STAFF_ISSUER), SUB\n"
		"the person's subject there (the \"sub\" of its ID tokens; a person\n"
		"whose login is not linked is shown it on the refusal page).\n\n"
		"--password-stdin and `password` make a local account, which logs in at\n"
		"/login with user name and password (and a TOTP code once the person has\n"
		"turned it on at /konto/tvastegsverifiering). The password is read from\n"
		"standard input, one line, or asked for twice when that is a terminal;\n"
		"at least %d characters. Setting a password clears a lockout and ends the\n"
		"account's live sessions. reset-totp turns off the account's TOTP (a lost\n"
		"phone); the person sets it up again after logging in.\n",
		PASSWORD_MIN_CHARS);
	return out == stdout ? 0 : 2;
}

static int has_flag(int argc, char **argv, const char *flag)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return 1;
	return 0;
}

/* One line from stdin into buf, without its line end; -1 if too long. */
static int read_line(char *buf, size_t cap)
{
	if (fgets(buf, (int)cap, stdin) == NULL)
		return -1;
	size_t n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(stdin))
		return -1; /* no line end within cap: longer than allowed */
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

/* Reads a line from the terminal with echo off. */
static int read_hidden(const char *prompt, char *buf, size_t cap)
{
	struct termios old, quiet;
	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	int rc = read_line(buf, cap);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return rc;
}

/*
 * Reads a new password (see the top of this file), checks it, and hashes
 * it into hash. Prints why not and returns -1 when it cannot be used.
 */
static int new_password_hash(const char *cmd, char hash[PASSWORD_HASH_MAX])
{
	char pw[PASSWORD_MAX_BYTES + 2], again[PASSWORD_MAX_BYTES + 2];
	int rc = -1;
	if (isatty(STDIN_FILENO)) {
		if (read_hidden("New password: ", pw, sizeof(pw)) != 0 ||
		    read_hidden("The same again: ", again, sizeof(again)) != 0) {
			fprintf(stderr, "nara user %s: no password read\n", cmd);
			goto out;
		}
		if (strcmp(pw, again) != 0) {
			fprintf(stderr, "nara user %s: the two were not the same\n", cmd);
			goto out;
		}
	} else if (read_line(pw, sizeof(pw)) != 0) {
		fprintf(stderr, "nara user %s: give the password as one line on"
				" standard input, at most %d bytes\n",
			cmd, PASSWORD_MAX_BYTES);
		goto out;
	}
	switch (password_check_new(pw)) {
	case NARA_OK:
		break;
	case NARA_ETOOBIG:
		fprintf(stderr, "nara user %s: the password is longer than %d bytes\n",
			cmd, PASSWORD_MAX_BYTES);
		goto out;
	default:
		fprintf(stderr, "nara user %s: the password must be at least %d"
				" characters of text, without tabs or control"
				" characters\n",
			cmd, PASSWORD_MIN_CHARS);
		goto out;
	}
	if (password_hash(pw, hash) != NARA_OK) {
		fprintf(stderr, "nara user %s: could not hash the password (out of"
				" memory?)\n", cmd);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(again, sizeof(again));
	return rc;
}

static int user_list(int argc, char **argv, struct db *db)
{
	const char *slug = cli_flag(argc, argv, "--municipality");
	struct db_stmt *st;
	enum nara_err err = db_prepare(
		db,
		"SELECT m.slug, s.username, s.display_name,"
		" COALESCE(r.role, ''), COALESCE(u.slug, '')"
		" FROM staff_user s JOIN municipality m ON m.id = s.municipality_id"
		" LEFT JOIN staff_role r ON r.user_id = s.id"
		" LEFT JOIN unit u ON u.id = r.unit_id"
		" WHERE (CAST(? AS TEXT) IS NULL OR m.slug = ?)"
		" ORDER BY m.slug, s.username, r.role",
		&st);
	if (err != NARA_OK) {
		fprintf(stderr, "nara user list: %s\n", db_errmsg(db));
		return 1;
	}
	db_bind_text(st, 1, slug, (size_t)-1);
	db_bind_text(st, 2, slug, (size_t)-1);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		printf("%-14s %-34s %-28s %s@%s\n", db_col_text(st, 0),
		       db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
		       db_col_text(st, 4));
	db_done(st);
	return rc < 0 ? 1 : 0;
}

static int user_add(int argc, char **argv, struct db *db)
{
	const char *slug = cli_flag(argc, argv, "--municipality");
	const char *username = cli_flag(argc, argv, "--username");
	const char *name = cli_flag(argc, argv, "--name");
	const char *unit = cli_flag(argc, argv, "--unit");
	const char *role = cli_flag(argc, argv, "--role");
	if (slug == NULL || username == NULL || name == NULL ||
	    (unit == NULL) != (role == NULL))
		return usage(stderr);
	int with_password = has_flag(argc, argv, "--password-stdin");
	char hash[PASSWORD_HASH_MAX] = "";
	if (with_password && new_password_hash("add", hash) != 0)
		return 1;

	int64_t municipality_id, unit_id = 0, user_id;
	if (municipality_id_by_slug(db, slug, &municipality_id) != NARA_OK) {
		fprintf(stderr, "nara user add: no municipality '%s' (see the"
				" slugs on the start page)\n", slug);
		return 1;
	}
	if (unit != NULL &&
	    unit_id_by_slug(db, municipality_id, unit, &unit_id) != NARA_OK) {
		fprintf(stderr, "nara user add: %s has no unit '%s'\n", slug, unit);
		return 1;
	}
	struct staff_new s = {
		.municipality_id = municipality_id,
		.username = username,
		.display_name = name,
		.email = cli_flag(argc, argv, "--email"),
		.oidc_issuer = cli_flag(argc, argv, "--oidc-issuer"),
		.oidc_subject = cli_flag(argc, argv, "--oidc-subject"),
	};
	/* The account and its role are one action: both or neither. */
	enum nara_err err = db_begin(db);
	if (err == NARA_OK)
		err = staff_add(db, &s, &user_id);
	if (err == NARA_OK && role != NULL)
		err = staff_grant_role(db, user_id, unit_id, role);
	if (err == NARA_OK && with_password)
		err = local_set_password(db, user_id, hash, (int64_t)time(NULL));
	if (err == NARA_OK)
		err = db_commit(db);
	else if (db_in_tx(db))
		db_rollback(db);
	if (err == NARA_ECONFLICT) {
		fprintf(stderr, "nara user add: the username '%s' is taken\n", username);
		return 1;
	}
	if (err == NARA_EINVAL) {
		fprintf(stderr, "nara user add: unknown role '%s'\n", role ? role : "");
		return 1;
	}
	if (err != NARA_OK) {
		fprintf(stderr, "nara user add: %s: %s\n", nara_strerror(err), db_errmsg(db));
		return 1;
	}
	printf("added %s (id %" PRId64 ")%s\n", username, user_id,
	       with_password ? ", who can log in with the password at /login" : "");
	return 0;
}

/* The link and its audit row are one transaction (staff_link_oidc). */
static int user_link(int argc, char **argv, struct db *db)
{
	const char *username = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	const char *issuer = cli_flag(argc, argv, "--issuer");
	const char *subject = cli_flag(argc, argv, "--subject");
	if (username == NULL || issuer == NULL || subject == NULL)
		return usage(stderr);
	int64_t id;
	enum nara_err err = staff_link_oidc(db, username, issuer, subject, &id);
	switch (err) {
	case NARA_OK:
		printf("linked %s (id %" PRId64 ") to %s as %s\n", username, id,
		       issuer, subject);
		return 0;
	case NARA_ENOTFOUND:
		fprintf(stderr, "nara user link: no user '%s' (see nara user list)\n",
			username);
		return 1;
	case NARA_ECONFLICT:
		fprintf(stderr, "nara user link: another account is already linked"
				" to %s as %s\n", issuer, subject);
		return 1;
	case NARA_EINVAL:
		fprintf(stderr, "nara user link: the issuer must be an https:// URL"
				" (http:// only on 127.0.0.1 or localhost) and the"
				" subject 1 to 255 bytes\n");
		return 1;
	default:
		fprintf(stderr, "nara user link: %s: %s\n", nara_strerror(err),
			db_errmsg(db));
		return 1;
	}
}

/* nara user password USERNAME and nara user reset-totp USERNAME. */
static int user_local(int argc, char **argv, struct db *db)
{
	const char *cmd = argv[0];
	if (argc < 2 || argv[1][0] == '-')
		return usage(stderr);
	const char *username = argv[1];
	int64_t id;
	enum nara_err err = local_staff_id(db, username, &id);
	if (err == NARA_ENOTFOUND) {
		fprintf(stderr, "nara user %s: no user '%s' (see nara user list)\n",
			cmd, username);
		return 1;
	}
	if (strcmp(cmd, "password") == 0) {
		char hash[PASSWORD_HASH_MAX];
		if (err == NARA_OK && new_password_hash(cmd, hash) != 0)
			return 1;
		if (err == NARA_OK)
			err = local_set_password(db, id, hash, (int64_t)time(NULL));
		if (err == NARA_OK) {
			printf("password set for %s; their lockout, if any, is"
			       " lifted and their live sessions are ended\n",
			       username);
			return 0;
		}
	} else {
		if (err == NARA_OK)
			err = local_totp_reset(db, id);
		if (err == NARA_ENOTFOUND) {
			fprintf(stderr, "nara user reset-totp: %s has no password"
					" of Nära's (logs in elsewhere)\n",
				username);
			return 1;
		}
		if (err == NARA_OK) {
			printf("two-step verification is off for %s; they can set"
			       " it up again after logging in\n",
			       username);
			return 0;
		}
	}
	fprintf(stderr, "nara user %s: %s: %s\n", cmd, nara_strerror(err),
		db_errmsg(db));
	return 1;
}

int cmd_user(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1]))
		return usage(argc < 2 ? stderr : stdout);
	int add = strcmp(argv[1], "add") == 0, list = strcmp(argv[1], "list") == 0,
	    link = strcmp(argv[1], "link") == 0;
	int local = strcmp(argv[1], "password") == 0 ||
		    strcmp(argv[1], "reset-totp") == 0;
	if (!add && !list && !link && !local)
		return usage(stderr);
	for (int i = 2; i < argc; i++)
		if (cli_is_help(argv[i]))
			return usage(stdout);
	struct config cfg;
	if (cli_config(&cfg, argc - 1, argv + 1) != 0)
		return 2;
	struct db *db = cli_open_db(&cfg);
	if (db == NULL)
		return 1;
	int status = add    ? user_add(argc - 1, argv + 1, db)
		     : link ? user_link(argc - 1, argv + 1, db)
		     : list ? user_list(argc - 1, argv + 1, db)
			    : user_local(argc - 1, argv + 1, db);
	db_close(db);
	return status;
}
