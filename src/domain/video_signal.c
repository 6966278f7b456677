/*
 * Reading signalling messages; see video_signal.h. Every string is
 * checked for length and for what it may hold before it is kept: an SDP
 * and a candidate line are printable ASCII with line breaks (RFC 8866
 * and RFC 8839 allow no more), a mid is a short token.
 */
#include "domain/video_signal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {
    [VIDEO_SIGNAL_JOIN] = "join",	    [VIDEO_SIGNAL_LEAVE] = "leave",
    [VIDEO_SIGNAL_OFFER] = "offer",	    [VIDEO_SIGNAL_ANSWER] = "answer",
    [VIDEO_SIGNAL_CANDIDATE] = "candidate",
};

const char *video_signal_type_name(enum video_signal_type t)
{
	return (size_t)t < sizeof(type_names) / sizeof(type_names[0])
		   ? type_names[t]
		   : "";
}

int video_peer_ok(const char *s)
{
	size_t n = 0;
	for (; s[n] != '\0'; n++)
		if (n >= VIDEO_PEER_LEN || !((s[n] >= '0' && s[n] <= '9') ||
					     (s[n] >= 'a' && s[n] <= 'f')))
			return 0;
	return n == VIDEO_PEER_LEN;
}

/* Printable ASCII, and CR LF where lines may break. */
static int text_ok(const char *s, size_t len, size_t max, int lines)
{
	if (len > max || strlen(s) != len)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f)
			continue;
		if (lines && (c == '\r' || c == '\n'))
			continue;
		return 0;
	}
	return 1;
}

static int mid_ok(const char *s, size_t len)
{
	if (len > VIDEO_MID_MAX || strlen(s) != len)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			return 0;
	}
	return 1;
}

void video_signal_free(struct video_signal *s)
{
	free(s->sdp);
	free(s->candidate);
	memset(s, 0, sizeof(*s));
}

/* The keys each type has, besides "type". */
static int keys_ok(json_t *root, const char *const *allowed)
{
	const char *key;
	json_t *value;
	json_object_foreach(root, key, value)
	{
		(void)value;
		if (strcmp(key, "type") == 0)
			continue;
		int found = 0;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				found = 1;
		if (!found)
			return 0;
	}
	return 1;
}

static enum nara_err parse(json_t *root, struct video_signal *out)
{
	if (!json_is_object(root))
		return NARA_EINVAL;
	json_t *type = json_object_get(root, "type");
	if (!json_is_string(type))
		return NARA_EINVAL;
	const char *t = json_string_value(type);
	int found = -1;
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(t, type_names[i]) == 0)
			found = (int)i;
	if (found < 0)
		return NARA_EINVAL;
	out->type = (enum video_signal_type)found;

	static const char *const none[] = {NULL};
	static const char *const sdp_keys[] = {"to", "sdp", NULL};
	static const char *const cand_keys[] = {"to", "candidate", "mid",
						"index", NULL};
	if (out->type == VIDEO_SIGNAL_JOIN || out->type == VIDEO_SIGNAL_LEAVE)
		return keys_ok(root, none) ? NARA_OK : NARA_EINVAL;

	json_t *to = json_object_get(root, "to");
	if (!json_is_string(to) || !video_peer_ok(json_string_value(to)))
		return NARA_EINVAL;
	memcpy(out->to, json_string_value(to), VIDEO_PEER_LEN + 1);

	if (out->type == VIDEO_SIGNAL_OFFER ||
	    out->type == VIDEO_SIGNAL_ANSWER) {
		json_t *sdp = json_object_get(root, "sdp");
		if (!keys_ok(root, sdp_keys) || !json_is_string(sdp) ||
		    json_string_length(sdp) == 0 ||
		    !text_ok(json_string_value(sdp), json_string_length(sdp),
			     VIDEO_SDP_MAX, 1))
			return NARA_EINVAL;
		out->sdp = strdup(json_string_value(sdp));
		return out->sdp ? NARA_OK : NARA_ENOMEM;
	}

	json_t *cand = json_object_get(root, "candidate");
	json_t *mid = json_object_get(root, "mid");
	json_t *index = json_object_get(root, "index");
	if (!keys_ok(root, cand_keys) || !json_is_string(cand) ||
	    !text_ok(json_string_value(cand), json_string_length(cand),
		     VIDEO_CANDIDATE_MAX, 0) ||
	    !json_is_string(mid) ||
	    !mid_ok(json_string_value(mid), json_string_length(mid)) ||
	    !json_is_integer(index) || json_integer_value(index) < 0 ||
	    json_integer_value(index) > VIDEO_MLINE_MAX)
		return NARA_EINVAL;
	memcpy(out->mid, json_string_value(mid), json_string_length(mid) + 1);
	out->index = (int)json_integer_value(index);
	out->candidate = strdup(json_string_value(cand));
	return out->candidate ? NARA_OK : NARA_ENOMEM;
}

enum nara_err video_signal_parse(const char *body, size_t len,
				 struct video_signal *out)
{
	memset(out, 0, sizeof(*out));
	if (len > VIDEO_SIGNAL_BODY_MAX)
		return NARA_ETOOBIG;
	if (body == NULL)
		return NARA_EINVAL;
	json_error_t jerr;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return NARA_EINVAL;
	enum nara_err err = parse(root, out);
	json_decref(root);
	if (err != NARA_OK)
		video_signal_free(out);
	return err;
}

char *video_signal_json(const struct video_signal *s)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	int bad = json_object_set_new(
	    o, "type", json_string(video_signal_type_name(s->type)));
	if (s->to[0])
		bad |= json_object_set_new(o, "to", json_string(s->to));
	if (s->sdp)
		bad |= json_object_set_new(o, "sdp", json_string(s->sdp));
	if (s->candidate) {
		bad |= json_object_set_new(o, "candidate",
					   json_string(s->candidate));
		bad |= json_object_set_new(o, "mid", json_string(s->mid));
		bad |= json_object_set_new(o, "index", json_integer(s->index));
	}
	char *text = bad ? NULL : json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}
