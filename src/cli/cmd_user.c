/* nara user add | link | list: staff accounts. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "db/db.h"
#include "domain/staff.h"
#include "domain/tenant.h"

static int usage(FILE *out)
{
	fprintf(out,
		"usage: nara user add --municipality SLUG --username NAME --name \"Full Name\"\n"
		"                     [--email E] [--unit SLUG --role ROLE]\n"
		"                     [--oidc-issuer URL --oidc-subject SUB]\n"
		"       nara user link USERNAME --issuer URL --subject SUB\n"
		"       nara user list [--municipality SLUG]\n\n"
		"Roles: first_line, case_officer, team_lead, shared_service,\n"
		"municipal_admin, security_officer, platform_admin.\n\n"
		"`link` lets the account log in through the organisation's identity\n"
		"provider: URL is the provider's issuer (NARA_OIDC_STAFF_ISSUER), SUB\n"
		"the person's subject there (the \"sub\" of its ID tokens; a person\n"
		"whose login is not linked is shown it on the refusal page).\n");
	return out == stdout ? 0 : 2;
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
	printf("added %s (id %" PRId64 ")\n", username, user_id);
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

int cmd_user(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1]))
		return usage(argc < 2 ? stderr : stdout);
	int add = strcmp(argv[1], "add") == 0, list = strcmp(argv[1], "list") == 0,
	    link = strcmp(argv[1], "link") == 0;
	if (!add && !list && !link)
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
			    : user_list(argc - 1, argv + 1, db);
	db_close(db);
	return status;
}
