/* Configuration from NARA_* variables; see config.h and README.md. */
#include "core/config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Every comma-separated item is an IPv4 or IPv6 address. */
static int addresses_ok(const char *list)
{
	for (;;) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);
		while (len > 0 && *list == ' ') {
			list++;
			len--;
		}
		while (len > 0 && list[len - 1] == ' ')
			len--;
		char item[64];
		unsigned char bin[16];
		if (len == 0 || len >= sizeof(item))
			return 0;
		memcpy(item, list, len);
		item[len] = '\0';
		if (inet_pton(AF_INET, item, bin) != 1 &&
		    inet_pton(AF_INET6, item, bin) != 1)
			return 0;
		if (comma == NULL)
			return 1;
		list = comma + 1;
	}
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

	/*
	 * Generous enough for an office behind one NAT address at the start
	 * of the day; tighter limits per account come with local passwords.
	 */
	const struct {
		const char *name, *fallback;
		struct rate_rule *rule;
	} rates[] = {
		{"NARA_RATE_LOGIN", "30/60", &cfg->rate_login},
		{"NARA_RATE_FORM", "60/60", &cfg->rate_form},
	};
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		if (config_rate_parse(env_or(rates[i].name, rates[i].fallback),
				      rates[i].rule) != 0) {
			snprintf(errmsg, errlen,
				 "%s must be requests/seconds, e.g. %s (requests"
				 " 1 to 1000000, seconds 1 to 86400)",
				 rates[i].name, rates[i].fallback);
			return NARA_EINVAL;
		}
	}
	cfg->trusted_proxy = env_or("NARA_TRUSTED_PROXY", NULL);
	if (cfg->trusted_proxy != NULL && !addresses_ok(cfg->trusted_proxy)) {
		snprintf(errmsg, errlen,
			 "NARA_TRUSTED_PROXY must be IP addresses separated by"
			 " commas, e.g. 10.0.0.5 (got '%s')", cfg->trusted_proxy);
		return NARA_EINVAL;
	}
	return NARA_OK;
}

int config_rate_parse(const char *s, struct rate_rule *out)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	char count[16];
	long n, secs;
	if (slash == NULL || (size_t)(slash - s) >= sizeof(count))
		return -1;
	memcpy(count, s, (size_t)(slash - s));
	count[slash - s] = '\0';
	if (parse_int(count, 1, 1000000, &n) != 0 ||
	    parse_int(slash + 1, 1, 86400, &secs) != 0)
		return -1;
	out->count = (unsigned)n;
	out->seconds = (unsigned)secs;
	return 0;
}

int config_listen_is_loopback(const struct config *cfg)
{
	return strncmp(cfg->host, "127.", 4) == 0 || strcmp(cfg->host, "::1") == 0 ||
	       strcmp(cfg->host, "[::1]") == 0 || strcmp(cfg->host, "localhost") == 0;
}
