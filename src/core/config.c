/* Configuration from NARA_* variables; see config.h and README.md. */
#include "core/config.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sealed.h"

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return (v != NULL && *v != '\0') ? v : fallback;
}

static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

enum nara_err config_set_listen(struct config *cfg, const char *listen,
				char *errmsg, size_t errlen)
{
	const char *colon = strrchr(listen, ':');
	long port;
	if (colon == NULL || (size_t)(colon - listen) >= sizeof(cfg->host) ||
	    parse_int(colon + 1, 0, 65535, &port) != 0) {
		snprintf(errmsg, errlen,
			 "NARA_LISTEN must be host:port, e.g. 127.0.0.1:8080"
			 " (got '%s')", listen);
		return NARA_EINVAL;
	}
	memcpy(cfg->host, listen, (size_t)(colon - listen));
	cfg->host[colon - listen] = '\0';
	if (cfg->host[0] == '\0')
		strcpy(cfg->host, "0.0.0.0");
	cfg->port = (int)port;
	cfg->listen = listen;
	return NARA_OK;
}

enum nara_err config_load(struct config *cfg, char *errmsg, size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->database = env_or("NARA_DATABASE", "sqlite:var/nara.db");
	if (strncmp(cfg->database, "sqlite:", 7) != 0 &&
	    strncmp(cfg->database, "postgresql://", 13) != 0 &&
	    strncmp(cfg->database, "postgres://", 11) != 0) {
		snprintf(errmsg, errlen,
			 "NARA_DATABASE must start with sqlite: or"
			 " postgresql:// (got '%s')", cfg->database);
		return NARA_EINVAL;
	}
	enum nara_err err = config_set_listen(
		cfg, env_or("NARA_LISTEN", "127.0.0.1:8080"), errmsg, errlen);
	if (err != NARA_OK)
		return err;
	cfg->base_url = env_or("NARA_BASE_URL", NULL);

	long v;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	cfg->threads = cores > 0 ? (int)cores : 1;
	const char *s = env_or("NARA_THREADS", NULL);
	if (s != NULL) {
		if (parse_int(s, 1, 256, &v) != 0) {
			snprintf(errmsg, errlen,
				 "NARA_THREADS must be a number from 1 to 256");
			return NARA_EINVAL;
		}
		cfg->threads = (int)v;
	}
	cfg->db_workers = 8;
	s = env_or("NARA_DB_WORKERS", NULL);
	if (s != NULL) {
		if (parse_int(s, 1, 256, &v) != 0) {
			snprintf(errmsg, errlen,
				 "NARA_DB_WORKERS must be a number from 1 to 256");
			return NARA_EINVAL;
		}
		cfg->db_workers = (int)v;
	}
	cfg->max_body = 1024 * 1024;
	s = env_or("NARA_MAX_BODY", NULL);
	if (s != NULL) {
		if (parse_int(s, 1024, 64L * 1024 * 1024, &v) != 0) {
			snprintf(errmsg, errlen,
				 "NARA_MAX_BODY must be bytes from 1024 to 67108864");
			return NARA_EINVAL;
		}
		cfg->max_body = (size_t)v;
	}
	cfg->access_log = strcmp(env_or("NARA_ACCESS_LOG", "1"), "0") != 0;
	cfg->dev_login = strcmp(env_or("NARA_DEV_LOGIN", "0"), "1") == 0;
	s = env_or("NARA_SECRET_KEY", NULL);
	if (s != NULL) {
		if (sealed_key_parse(s, cfg->secret_key) != NARA_OK) {
			snprintf(errmsg, errlen,
				 "NARA_SECRET_KEY must be 32 bytes written as 64"
				 " hex digits or as base64; make one with:"
				 " head -c 32 /dev/urandom | base64");
			return NARA_EINVAL;
		}
		cfg->has_secret_key = 1;
	}
	return NARA_OK;
}

void config_wipe(struct config *cfg)
{
	sodium_memzero(cfg->secret_key, sizeof(cfg->secret_key));
	cfg->has_secret_key = 0;
}

int config_listen_is_loopback(const struct config *cfg)
{
	return strncmp(cfg->host, "127.", 4) == 0 || strcmp(cfg->host, "::1") == 0 ||
	       strcmp(cfg->host, "[::1]") == 0 || strcmp(cfg->host, "localhost") == 0;
}
