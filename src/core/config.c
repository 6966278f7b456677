/* Configuration from NARA_* variables; see config.h and README.md. */
#include "core/config.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sealed.h"
#include "core/url.h"

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

/*
 * NARA_OIDC_<KIND>_*: all of issuer, client id and secret, or none. The
 * issuer is checked here so that a typo stops the server at start rather
 * than at the first person's login.
 */
static enum nara_err load_oidc(struct config_oidc *o, const char *kind,
			       const char *default_scope, int citizen,
			       char *errmsg, size_t errlen)
{
	char name[64];
	snprintf(name, sizeof(name), "NARA_OIDC_%s_ISSUER", kind);
	o->issuer = env_or(name, NULL);
	snprintf(name, sizeof(name), "NARA_OIDC_%s_CLIENT_ID", kind);
	o->client_id = env_or(name, NULL);
	snprintf(name, sizeof(name), "NARA_OIDC_%s_CLIENT_SECRET", kind);
	o->client_secret = env_or(name, NULL);
	snprintf(name, sizeof(name), "NARA_OIDC_%s_SCOPE", kind);
	o->scope = env_or(name, default_scope);
	if (citizen)
		o->pnr_claim = env_or("NARA_OIDC_CITIZEN_PNR_CLAIM",
				      CONFIG_PNR_CLAIM_DEFAULT);
	int set = (o->issuer != NULL) + (o->client_id != NULL) +
		  (o->client_secret != NULL);
	if (set != 0 && set != 3) {
		snprintf(errmsg, errlen,
			 "NARA_OIDC_%s_ISSUER, _CLIENT_ID and _CLIENT_SECRET"
			 " must be set together (or none of them)", kind);
		return NARA_EINVAL;
	}
	if (o->issuer != NULL && !url_is_secure_or_loopback(o->issuer)) {
		snprintf(errmsg, errlen,
			 "NARA_OIDC_%s_ISSUER must be an https:// URL (http://"
			 " only on 127.0.0.1 or localhost), got '%s'",
			 kind, o->issuer);
		return NARA_EINVAL;
	}
	if (strncmp(o->scope, "openid", 6) != 0 ||
	    (o->scope[6] != '\0' && o->scope[6] != ' ')) {
		snprintf(errmsg, errlen,
			 "NARA_OIDC_%s_SCOPE must start with 'openid'", kind);
		return NARA_EINVAL;
	}
	return NARA_OK;
}

enum nara_err config_redirect_uri(const struct config *cfg, char *out,
				  size_t size)
{
	int n;
	if (cfg->base_url != NULL) {
		size_t len = strlen(cfg->base_url);
		while (len > 0 && cfg->base_url[len - 1] == '/')
			len--;
		n = snprintf(out, size, "%.*s/auth/callback", (int)len,
			     cfg->base_url);
	} else {
		n = snprintf(out, size, "http://%s/auth/callback", cfg->listen);
	}
	return n > 0 && (size_t)n < size ? NARA_OK : NARA_ETOOBIG;
}

/*
 * NARA_SECRET_KEY, or the file NARA_SECRET_KEY_FILE names (so the key
 * need not sit in the environment of every process): 64 hex digits or
 * base64 of 32 bytes. Absent is not an error here; the commands that
 * need the key say so (nara serve refuses to start without it).
 */
static enum nara_err load_secret_key(struct config *cfg, char *errmsg,
				     size_t errlen)
{
	const char *s = env_or("NARA_SECRET_KEY", NULL);
	const char *path = env_or("NARA_SECRET_KEY_FILE", NULL);
	char text[256];
	const char *from = "NARA_SECRET_KEY";
	if (s == NULL && path != NULL) {
		FILE *f = fopen(path, "r");
		if (f == NULL) {
			snprintf(errmsg, errlen,
				 "NARA_SECRET_KEY_FILE: cannot read %s", path);
			return NARA_EINVAL;
		}
		size_t n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		text[n] = '\0';
		s = text;
		from = "NARA_SECRET_KEY_FILE";
	}
	if (s == NULL)
		return NARA_OK;
	enum nara_err err = sealed_key_parse(s, cfg->secret_key);
	sodium_memzero(text, sizeof(text));
	if (err != NARA_OK) {
		snprintf(errmsg, errlen,
			 "%s must hold 32 bytes written as 64 hex digits or as"
			 " base64; make one with: head -c 32 /dev/urandom | base64",
			 from);
		return NARA_EINVAL;
	}
	cfg->has_secret_key = 1;
	return NARA_OK;
}

/*
 * The TURN server for video meetings: its URLs, and the secret shared
 * with coturn (static-auth-secret), from the environment or a file like
 * the secret key. URLs without a secret would give browsers credentials
 * coturn refuses: an error at start, not a meeting that never connects.
 */
static enum nara_err load_turn(struct config *cfg, char *errmsg,
			       size_t errlen)
{
	cfg->turn_urls = env_or("NARA_TURN_URLS", NULL);
	if (cfg->turn_urls != NULL && cfg->turn_urls[0] == '\0')
		cfg->turn_urls = NULL;
	cfg->turn_relay_only =
	    strcmp(env_or("NARA_TURN_RELAY_ONLY", "0"), "1") == 0;
	long minutes;
	if (parse_int(env_or("NARA_VIDEO_OPEN_MINUTES", "10"), 0, 1440,
		      &minutes) != 0) {
		snprintf(errmsg, errlen,
			 "NARA_VIDEO_OPEN_MINUTES must be minutes from 0 to"
			 " 1440 (how long before its start a video meeting"
			 " opens; default 10)");
		return NARA_EINVAL;
	}
	cfg->video_open_minutes = (int)minutes;
	const char *s = env_or("NARA_TURN_SECRET", NULL);
	const char *path = env_or("NARA_TURN_SECRET_FILE", NULL);
	size_t n = 0;
	if (s != NULL) {
		n = strlen(s);
		if (n >= sizeof(cfg->turn_secret))
			n = sizeof(cfg->turn_secret); /* refused below */
		else
			memcpy(cfg->turn_secret, s, n);
	} else if (path != NULL) {
		FILE *f = fopen(path, "r");
		if (f == NULL) {
			snprintf(errmsg, errlen,
				 "NARA_TURN_SECRET_FILE: cannot read %s", path);
			return NARA_EINVAL;
		}
		n = fread(cfg->turn_secret, 1, sizeof(cfg->turn_secret), f);
		fclose(f);
		/* A file ends with a newline that is not part of the secret. */
		while (n > 0 && n < sizeof(cfg->turn_secret) &&
		       (cfg->turn_secret[n - 1] == '\n' ||
			cfg->turn_secret[n - 1] == '\r'))
			n--;
	}
	if (n >= sizeof(cfg->turn_secret)) {
		sodium_memzero(cfg->turn_secret, sizeof(cfg->turn_secret));
		snprintf(errmsg, errlen,
			 "the TURN secret must be shorter than %zu bytes",
			 sizeof(cfg->turn_secret));
		return NARA_EINVAL;
	}
	cfg->turn_secret[n] = '\0';
	cfg->turn_secret_len = n;
	if (cfg->turn_urls != NULL && n == 0) {
		snprintf(errmsg, errlen,
			 "NARA_TURN_URLS needs NARA_TURN_SECRET or"
			 " NARA_TURN_SECRET_FILE: coturn's static-auth-secret");
		return NARA_EINVAL;
	}
	if (cfg->turn_urls != NULL &&
	    (strlen(cfg->turn_urls) > 1024 ||
	     strpbrk(cfg->turn_urls, "\"\\<> ") != NULL ||
	     (strncmp(cfg->turn_urls, "turn:", 5) != 0 &&
	      strncmp(cfg->turn_urls, "turns:", 6) != 0 &&
	      strncmp(cfg->turn_urls, "stun:", 5) != 0))) {
		snprintf(errmsg, errlen,
			 "NARA_TURN_URLS must be turn:, turns: or stun: URLs"
			 " separated by commas, e.g."
			 " turn:turn.example.se:3478?transport=udp");
		return NARA_EINVAL;
	}
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
	err = load_oidc(&cfg->oidc_citizen, "CITIZEN", CONFIG_PNR_SCOPE_DEFAULT,
			1, errmsg, errlen);
	if (err == NARA_OK)
		err = load_oidc(&cfg->oidc_staff, "STAFF", "openid", 0,
				errmsg, errlen);
	if (err != NARA_OK)
		return err;
	err = load_turn(cfg, errmsg, errlen);
	if (err != NARA_OK)
		return err;
	return load_secret_key(cfg, errmsg, errlen);
}

void config_wipe(struct config *cfg)
{
	sodium_memzero(cfg->turn_secret, sizeof(cfg->turn_secret));
	cfg->turn_secret_len = 0;
	sodium_memzero(cfg->secret_key, sizeof(cfg->secret_key));
	cfg->has_secret_key = 0;
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
