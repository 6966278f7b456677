/*
 * A video meeting: /mote/{booking id}. The page says what the meeting is,
 * when it opens, and offers to join; static/video.js does the rest (the
 * camera, the connections) and talks to the JSON routes below it:
 *
 *   POST /mote/{id}/in         take a seat: the peer name, where to read
 *                              from, and the TURN servers with credentials
 *   POST /mote/{id}/signal     a message to another seat, or to all
 *   GET  /mote/{id}/signal     the messages for my seat after ?efter=
 *   GET  /mote/{id}/handelser  an event stream that says "look again"
 *
 * Every one asks domain/video.c, which asks the policy layer
 * (policy/video_door.c) from the booking as it is now. Without JavaScript
 * the page says that video needs it and gives the telephone instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "api/api.h"
#include "domain/turn.h"
#include "domain/video.h"
#include "web/auth.h"
#include "web/format.h"
#include "web/web.h"

static int64_t booking_param(const struct req *r)
{
	if (r->nparams < 1 || r->params[0] == NULL)
		return 0;
	int64_t id = 0;
	for (const char *p = r->params[0]; *p; p++) {
		if (*p < '0' || *p > '9' || id > (INT64_MAX - 9) / 10)
			return 0;
		id = id * 10 + (*p - '0');
	}
	return id;
}

/* Why the door is shut, in words for the person. */
static const char *closed_text(struct req *r, const struct video_room *room)
{
	switch (room->door) {
	case VIDEO_DENY_TOO_EARLY: {
		const char *opens =
		    web_datetime(r, room->starts - video_opens_before());
		/* The usual words name the default lead, ten minutes. */
		return i18n_format(r,
				   video_opens_before() == VIDEO_OPENS_BEFORE
				       ? "video.closed.early"
				       : "journey.video.closed.early",
				   opens);
	}
	case VIDEO_DENY_ENDED:
		return i18n_get(r->lang, "video.closed.ended");
	case VIDEO_DENY_CANCELLED:
		return i18n_get(r->lang, "video.closed.cancelled");
	case VIDEO_DENY_NOT_VIDEO:
		return i18n_get(r->lang, "video.closed.not_video");
	default:
		return "";
	}
}

enum nara_err page_video(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require_any(r, &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	int64_t id = booking_param(r);
	if (id == 0)
		return NARA_ENOTFOUND;
	struct video_room room;
	err = video_room_find(r->db, &who, id, (int64_t)time(NULL), &room);
	if (err != NARA_OK)
		return err;
	if (room.door == VIDEO_DENY_NOT_FOUND)
		return NARA_ENOTFOUND;
	if (room.door == VIDEO_DENY_NOT_INVITED)
		return NARA_EDENIED;

	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	tv_setf(v, "id", "%lld", (long long)id);
	tv_set(v, "starts", web_datetime(r, room.starts));
	tv_set(v, "ends", web_datetime(r, room.ends));
	tv_set(v, "role",
	       i18n_get(r->lang, arena_printf(&r->arena, "video.role.%s",
					      video_role_name(room.role))));
	if (room.door == VIDEO_OPEN) {
		tv_set(v, "open", "1");
		/* Only this page may use the camera and microphone. */
		r->resp.permissions =
		    "camera=(self), microphone=(self), geolocation=()";
	} else {
		tv_set(v, "closed", closed_text(r, &room));
		r->resp.status = 403;
	}
	return page_render(r, "video", v, i18n_get(r->lang, "video.title"));
}

/*
 * The logged-in person for the JSON routes: 401 without a login, 403
 * for a post without the session's CSRF token (X-CSRF-Token). 0 when the
 * answer is already sent.
 */
static int json_actor(struct req *r, struct session *s, struct actor *who,
		      enum nara_err *err)
{
	int redirected;
	*err = web_require_any(r, s, who, &redirected);
	if (*err == NARA_OK && redirected) {
		r->resp.nheaders = 0;
		*err = api_error(r, 401, "api.error.login");
		return 0;
	}
	if (*err == NARA_OK && (r->method & HTTP_POST) &&
	    !session_csrf_ok(s, r->csrf_header)) {
		*err = api_error(r, 403, "error.403.title");
		return 0;
	}
	if (*err == NARA_EDENIED) {
		*err = api_error(r, 403, "error.403.title");
		return 0;
	}
	return *err == NARA_OK;
}

/* A domain error as the JSON routes answer it. */
static enum nara_err json_fail(struct req *r, enum nara_err err)
{
	switch (err) {
	case NARA_EDENIED:
		return api_error(r, 403, "video.error.closed");
	case NARA_ENOTFOUND:
		return api_error(r, 404, "error.404.title");
	case NARA_EINVAL:
		return api_error(r, 400, "video.error.message");
	case NARA_ETOOBIG:
		return api_error(r, 413, "video.error.full");
	default:
		return err;
	}
}

/* NARA_TURN_URLS as one ICE server with this seat's credentials. */
static json_t *ice_servers(const struct config *cfg, const char *peer,
			   int64_t expires)
{
	json_t *list = json_array();
	if (list == NULL || cfg->turn_urls == NULL)
		return list;
	char user[TURN_USERNAME_MAX], cred[TURN_CREDENTIAL_MAX];
	if (turn_credentials((const unsigned char *)cfg->turn_secret,
			     cfg->turn_secret_len, expires, peer, user,
			     cred) != NARA_OK)
		return list;
	json_t *urls = json_array();
	const char *p = cfg->turn_urls;
	while (urls != NULL && *p) {
		size_t n = strcspn(p, ",");
		if (n > 0)
			json_array_append_new(urls, json_stringn(p, n));
		p += n;
		if (*p == ',')
			p++;
	}
	json_t *server =
	    json_pack("{s:o, s:s, s:s}", "urls", urls ? urls : json_array(),
		      "username", user, "credential", cred);
	if (server != NULL)
		json_array_append_new(list, server);
	return list;
}

enum nara_err page_video_join(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err;
	if (!json_actor(r, &s, &who, &err))
		return err;
	int64_t id = booking_param(r);
	if (id == 0)
		return api_error(r, 404, "error.404.title");
	struct video_room room;
	char peer[VIDEO_PEER_LEN + 1];
	int64_t after = 0;
	err = video_join(r->db, &who, s.token_hash, id, (int64_t)time(NULL),
			 &room, peer, &after);
	if (err != NARA_OK)
		return json_fail(r, err);
	json_t *o = json_pack(
	    "{s:s, s:I, s:s, s:o, s:b}", "peer", peer, "after",
	    (json_int_t)after, "role", video_role_name(room.role), "iceServers",
	    ice_servers(r->cfg, peer, room.ends + VIDEO_TURN_MARGIN),
	    "relayOnly", r->cfg->turn_relay_only);
	return o ? api_send(r, 200, o) : NARA_ENOMEM;
}

enum nara_err page_video_send(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err;
	if (!json_actor(r, &s, &who, &err))
		return err;
	int64_t id = booking_param(r);
	if (id == 0)
		return api_error(r, 404, "error.404.title");
	if (r->content_type == NULL ||
	    strncmp(r->content_type, "application/json", 16) != 0)
		return api_error(r, 415, "video.error.message");
	struct video_signal msg;
	err = video_signal_parse(r->body, r->body_len, &msg);
	if (err != NARA_OK)
		return json_fail(r, err);
	int64_t sid = 0;
	err = video_send(r->db, &who, s.token_hash, id,
			 kv_get(&r->query, "plats"), &msg, (int64_t)time(NULL),
			 &sid);
	video_signal_free(&msg);
	if (err != NARA_OK)
		return json_fail(r, err);
	json_t *o = json_pack("{s:I}", "id", (json_int_t)sid);
	return o ? api_send(r, 200, o) : NARA_ENOMEM;
}

static int64_t query_after(const struct req *r)
{
	const char *s = kv_get(&r->query, "efter");
	char *end = NULL;
	long long v = s ? strtoll(s, &end, 10) : 0;
	return (s == NULL || end == s || *end != '\0' || v < 0) ? -1 : v;
}

enum nara_err page_video_fetch(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err;
	if (!json_actor(r, &s, &who, &err))
		return err;
	int64_t id = booking_param(r);
	int64_t after = query_after(r);
	if (id == 0 || after < 0)
		return api_error(r, 404, "error.404.title");
	int64_t last = 0;
	buf_reset(&r->resp.body);
	err = video_fetch(r->db, &who, s.token_hash, id,
			  kv_get(&r->query, "plats"), after,
			  (int64_t)time(NULL), &r->resp.body, &last);
	if (err != NARA_OK) {
		buf_reset(&r->resp.body);
		return json_fail(r, err);
	}
	if (r->resp.body.failed)
		return NARA_ENOMEM;
	r->resp.status = 200;
	r->resp.content_type = "application/json";
	return NARA_OK;
}

enum nara_err page_video_events(struct req *r)
{
	struct session s;
	struct actor who;
	enum nara_err err;
	if (!json_actor(r, &s, &who, &err))
		return err;
	int64_t id = booking_param(r);
	int64_t after = query_after(r);
	if (id == 0 || after < 0)
		return api_error(r, 404, "error.404.title");
	/* The same checks as a fetch, and the room's last message. */
	struct buf none;
	buf_init(&none);
	int64_t last = 0;
	err = video_fetch(r->db, &who, s.token_hash, id,
			  kv_get(&r->query, "plats"), INT64_MAX,
			  (int64_t)time(NULL), &none, &last);
	buf_free(&none);
	if (err != NARA_OK)
		return json_fail(r, err);
	resp_stream(r, "video", id, after, last, web_session_owner(&s));
	return NARA_OK;
}
