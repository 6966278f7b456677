/* nara serve: the web server. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "core/log.h"
#include "core/secret.h"
#include "db/db.h"
#include "domain/local_account.h"
#include "domain/oidc.h"
#include "domain/password.h"
#include "domain/video.h"
#include "http/client.h"
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
		       "NARA_MAX_BODY, NARA_ACCESS_LOG, NARA_DEV_LOGIN, NARA_SECRET_KEY or\n"
		       "NARA_SECRET_KEY_FILE (the master key, required), and the logins\n"
		       "through OpenID Connect: NARA_OIDC_CITIZEN_ISSUER, _CLIENT_ID,\n"
		       "_CLIENT_SECRET, _PNR_CLAIM, _SCOPE and NARA_OIDC_STAFF_ISSUER,\n"
		       "_CLIENT_ID, _CLIENT_SECRET, _SCOPE (see README.md). Refuses to\n"
		       "start without the master key, or with another key than the one\n"
		       "stored secrets were sealed with. Stops on SIGINT/SIGTERM.\n");
		return 0;
	}
	struct config cfg;
	if (cli_config(&cfg, argc, argv) != 0)
		return 2;
	video_set_opens_before((int64_t)cfg.video_open_minutes * 60);
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
	/* Say where each provider must send people back, for its set-up. */
	char redirect[512];
	if (config_redirect_uri(&cfg, redirect, sizeof(redirect)) != NARA_OK) {
		log_kv(LOG_ERROR, "NARA_BASE_URL is too long", NULL);
		return 2;
	}
	for (int kind = OIDC_CITIZEN; kind <= OIDC_STAFF; kind++) {
		const struct config_oidc *p = oidc_provider(&cfg, kind);
		if (p != NULL)
			log_kv(LOG_INFO, kind == OIDC_STAFF
						 ? "staff login through OpenID Connect"
						 : "citizen login through OpenID Connect (e-ID)",
			       "issuer", p->issuer, "client_id", p->client_id,
			       "redirect_uri", redirect, NULL);
	}
	if (http_client_init() != NARA_OK) {
		log_kv(LOG_ERROR, "cannot initialise libcurl", NULL);
		return 1;
	}
	oidc_init(http_client_fetch);

	/*
	 * Attachments and second factors are encrypted at rest with keys
	 * derived from the master key: without it, or with another key than
	 * the one the stored secrets were sealed with, nothing would open.
	 */
	if (!cfg.has_secret_key) {
		log_kv(LOG_ERROR, "cannot start without the master key: set"
				  " NARA_SECRET_KEY (64 hex digits or base64) or"
				  " NARA_SECRET_KEY_FILE; see docs/operations.md",
		       NULL);
		http_client_cleanup();
		return 2;
	}
	if (check_secret_key(&cfg) != 0) {
		http_client_cleanup();
		config_wipe(&cfg);
		return 2;
	}
	secret_set(cfg.secret_key);
	password_warm_up();
	char msg[512];
	if (web_init(msg, sizeof(msg)) != NARA_OK) {
		log_kv(LOG_ERROR, "cannot load templates or catalogues", "error",
		       msg, NULL);
		http_client_cleanup();
		config_wipe(&cfg);
		secret_clear();
		return 1;
	}
	enum nara_err err = server_run(&cfg);
	web_free();
	oidc_cleanup();
	http_client_cleanup();
	secret_clear();
	config_wipe(&cfg);
	return err == NARA_OK ? 0 : 1;
}
