/*
 * Configuration: NARA_* environment variables, overridden by command-line
 * flags. README.md lists every one; config_load() refuses values it cannot
 * use with a message that says which variable and what it expects.
 */
#ifndef NARA_CONFIG_H
#define NARA_CONFIG_H

#include <stddef.h>

#include "core/err.h"

/* At most `count` requests in `seconds`, refilled evenly (NARA_RATE_*). */
struct rate_rule {
	unsigned count;
	unsigned seconds;
};

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
	struct rate_rule rate_login; /* NARA_RATE_LOGIN: "N/S", default 30/60 */
	struct rate_rule rate_form;  /* NARA_RATE_FORM: "N/S", default 60/60 */
	/* NARA_TRUSTED_PROXY: addresses whose X-Forwarded-For is believed. */
	const char *trusted_proxy;
};

/*
 * Parses "N/S" (N requests in S seconds: N from 1 to 1000000, S from 1 to
 * 86400) into out; 0 when it does.
 */
int config_rate_parse(const char *s, struct rate_rule *out);

/* 1 when cfg->host is a loopback address (127.0.0.0/8, ::1, localhost). */
int config_listen_is_loopback(const struct config *cfg);

/* Fills cfg from the environment. errmsg gets a sentence when it fails. */
enum nara_err config_load(struct config *cfg, char *errmsg, size_t errlen);

/* Parses "host:port" into cfg->host and cfg->port. */
enum nara_err config_set_listen(struct config *cfg, const char *listen,
				char *errmsg, size_t errlen);

#endif
