/*
 * Configuration: NARA_* environment variables, overridden by command-line
 * flags. README.md lists every one; config_load() refuses values it cannot
 * use with a message that says which variable and what it expects.
 */
#ifndef NARA_CONFIG_H
#define NARA_CONFIG_H

#include <stddef.h>

#include "core/err.h"

struct config {
	const char *database;  /* NARA_DATABASE: sqlite:PATH or postgresql://... */
	const char *listen;    /* NARA_LISTEN: host:port */
	char host[64];
	int port;
	const char *base_url;  /* NARA_BASE_URL */
	int threads;           /* NARA_THREADS: event loops, default cores */
	int db_workers;        /* NARA_DB_WORKERS: PostgreSQL worker threads */
	size_t max_body;       /* NARA_MAX_BODY: bytes, default 1 MiB */
	int access_log;        /* NARA_ACCESS_LOG: 1 logs every request */
	int dev_login;         /* NARA_DEV_LOGIN: 1 lists demo accounts at /login */
	/*
	 * NARA_SECRET_KEY: the master key that seals secrets at rest (the
	 * TOTP secrets of local accounts; see core/sealed.h). Without it
	 * two-step verification cannot be turned on. Wiped by whoever
	 * loaded the configuration when it is done (config_wipe).
	 */
	int has_secret_key;
	unsigned char secret_key[32];
};

/* 1 when cfg->host is a loopback address (127.0.0.0/8, ::1, localhost). */
int config_listen_is_loopback(const struct config *cfg);

/* Fills cfg from the environment. errmsg gets a sentence when it fails. */
enum nara_err config_load(struct config *cfg, char *errmsg, size_t errlen);

/* Wipes the secret key from cfg. */
void config_wipe(struct config *cfg);

/* Parses "host:port" into cfg->host and cfg->port. */
enum nara_err config_set_listen(struct config *cfg, const char *listen,
				char *errmsg, size_t errlen);

#endif
