/*
 * Configuration: NARA_* environment variables, overridden by command-line
 * flags. README.md lists every one; config_load() refuses values it cannot
 * use with a message that says which variable and what it expects.
 */
#ifndef NARA_CONFIG_H
#define NARA_CONFIG_H

#include <stddef.h>

#include "core/err.h"

/*
 * One OpenID Connect provider: the citizens' e-ID broker
 * (NARA_OIDC_CITIZEN_*) or the staff's identity provider
 * (NARA_OIDC_STAFF_*). issuer NULL: that way in is off.
 */
struct config_oidc {
	const char *issuer;        /* _ISSUER: https, or http on loopback */
	const char *client_id;     /* _CLIENT_ID */
	const char *client_secret; /* _CLIENT_SECRET */
	const char *scope;         /* _SCOPE: "openid" and what else to ask */
	const char *pnr_claim;     /* citizens: the claim with the personnummer */
};

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
	struct config_oidc oidc_citizen, oidc_staff;
	/*
	 * NARA_SECRET_KEY: the master key that seals secrets at rest (the
	 * TOTP secrets of local accounts; see core/sealed.h). Without it
	 * two-step verification cannot be turned on. Wiped by whoever
	 * loaded the configuration when it is done (config_wipe).
	 */
	int has_secret_key;
	unsigned char secret_key[32];
	struct rate_rule rate_login; /* NARA_RATE_LOGIN: "N/S", default 30/60 */
	struct rate_rule rate_form;  /* NARA_RATE_FORM: "N/S", default 60/60 */
	/* NARA_TRUSTED_PROXY: addresses whose X-Forwarded-For is believed. */
	const char *trusted_proxy;
	/*
	 * Video meetings (domain/video.h, domain/turn.h). NARA_TURN_URLS:
	 * the TURN servers browsers are given, comma-separated
	 * ("turn:turn.example.se:3478?transport=udp,turns:..."); NULL: none,
	 * the browsers try directly. NARA_TURN_SECRET or the file
	 * NARA_TURN_SECRET_FILE: coturn's static-auth-secret, needed with
	 * the URLs. NARA_TURN_RELAY_ONLY=1: the browsers send media only
	 * through TURN (iceTransportPolicy "relay"), which hides the
	 * participants' addresses from each other.
	 */
	const char *turn_urls;
	char turn_secret[256];
	size_t turn_secret_len;
	int turn_relay_only;
	/*
	 * NARA_VIDEO_OPEN_MINUTES: how long before its start a video
	 * meeting's room opens to its participants, 0 to 1440; default 10.
	 */
	int video_open_minutes;
};


/* The claim e-ID brokers of the Swedish OIDC profile put the personnummer in. */
#define CONFIG_PNR_CLAIM_DEFAULT "https://id.oidc.se/claim/personalIdentityNumber"
#define CONFIG_PNR_SCOPE_DEFAULT "openid https://id.oidc.se/scope/naturalPersonNumber"

/*
 * The address identity providers send people back to: NARA_BASE_URL +
 * /auth/callback, or http://NARA_LISTEN/auth/callback without a base URL.
 * out has room for size bytes; NARA_ETOOBIG when it does not fit.
 */
enum nara_err config_redirect_uri(const struct config *cfg, char *out,
				  size_t size);

/*
 * Parses "N/S" (N requests in S seconds: N from 1 to 1000000, S from 1 to
 * 86400) into out; 0 when it does.
 */
int config_rate_parse(const char *s, struct rate_rule *out);

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
