/* nara serve: the web server. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/local_account.h"
#include "domain/password.h"
#include "http/server.h"
#include "web/web.h"

/*
 * Local accounts with TOTP have their secrets sealed under
 * NARA_SECRET_KEY. Without that key none of them could log in, and each
 * would find out with an error page: better to refuse to start and say
 * why. A database that cannot be read yet is not this check's business
 * (the server answers 503 until it can); it is only logged.
 */
static int check_secret_key(const struct config *cfg)
{
	struct db *db = NULL;
	int64_t enabled = 0, other = 0;
	enum nara_err err = db_connect(cfg->database, &db);
	if (err == NARA_OK)
		err = local_key_check(db, cfg->has_secret_key ? cfg->secret_key : NULL,
				      &enabled, &other);
	db_close(db);
	if (err != NARA_OK) {
		log_kv(LOG_WARN, "could not check the TOTP secrets against"
				 " NARA_SECRET_KEY now; the database is not ready",
		       "error", nara_strerror(err), NULL);
		return 0;
	}
	char n[24];
	snprintf(n, sizeof(n), "%lld", (long long)other);
	if (other > 0 && !cfg->has_secret_key) {
		log_kv(LOG_ERROR, "local accounts have two-step verification"
				  " (TOTP) but NARA_SECRET_KEY is not set; set it"
				  " to the key their secrets were sealed with"
				  " (docs/operations.md), or turn TOTP off for"
				  " them with nara user reset-totp; refusing to"
				  " start",
		       "accounts", n, NULL);
		return -1;
	}
	if (other > 0) {
		log_kv(LOG_ERROR, "NARA_SECRET_KEY is not the key that sealed the"
				  " TOTP secrets of local accounts; set the key"
				  " they were sealed with (docs/operations.md);"
				  " refusing to start",
		       "accounts", n, NULL);
		return -1;
	}
	if (!cfg->has_secret_key)
		log_kv(LOG_WARN, "NARA_SECRET_KEY is not set: local accounts"
				 " cannot turn on two-step verification (TOTP)",
		       NULL);
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	if (argc > 1 && cli_is_help(argv[1])) {
		printf("usage: nara serve [--listen HOST:PORT] [--database URL]\n\n"
		       "Serves the pages, the API, /healthz, /readyz and /metrics.\n"
		       "  --listen    address to listen on (NARA_LISTEN, default 127.0.0.1:8080)\n"
		       "  --database  sqlite:PATH or postgresql://... (NARA_DATABASE)\n"
		       "Other settings: NARA_BASE_URL, NARA_THREADS, NARA_DB_WORKERS,\n"
		       "NARA_MAX_BODY, NARA_ACCESS_LOG, NARA_SECRET_KEY (see README.md).\n"
		       "Refuses to start when local accounts use TOTP and NARA_SECRET_KEY\n"
		       "is missing or another key. Stops on SIGINT/SIGTERM.\n");
		return 0;
	}
	struct config cfg;
	if (cli_config(&cfg, argc, argv) != 0)
		return 2;
	/*
	 * The development login lets anyone be anyone. It can never be on
	 * where another machine can reach the server.
	 */
	if (cfg.dev_login) {
		if (!config_listen_is_loopback(&cfg)) {
			log_kv(LOG_ERROR, "NARA_DEV_LOGIN=1 is only allowed when"
					  " listening on loopback (127.0.0.1 or ::1);"
					  " refusing to start",
			       "listen", cfg.listen, NULL);
			config_wipe(&cfg);
			return 2;
		}
		log_kv(LOG_WARN, "development login is ON: /login lists the demo"
				 " accounts and logs in without a password",
		       "listen", cfg.listen, NULL);
	}
	if (check_secret_key(&cfg) != 0) {
		config_wipe(&cfg);
		return 2;
	}
	password_warm_up();
	char msg[512];
	if (web_init(msg, sizeof(msg)) != NARA_OK) {
		log_kv(LOG_ERROR, "cannot load templates or catalogues", "error",
		       msg, NULL);
		config_wipe(&cfg);
		return 1;
	}
	enum nara_err err = server_run(&cfg);
	web_free();
	config_wipe(&cfg);
	return err == NARA_OK ? 0 : 1;
}
