/*
 * libFuzzer: a video meeting's signalling message as a browser posts it
 * (video_signal_parse in src/domain/video_signal.c). Accepted input must
 * come back, written again by video_signal_json, as a message that
 * parses to the same fields; refused input leaves nothing to free.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/video_signal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct video_signal s;
	if (video_signal_parse((const char *)data, size, &s) != NARA_OK) {
		if (s.sdp != NULL || s.candidate != NULL || s.to[0] != '\0')
			abort();
		return 0;
	}
	if (s.type != VIDEO_SIGNAL_JOIN && s.type != VIDEO_SIGNAL_LEAVE &&
	    !video_peer_ok(s.to))
		abort();
	char *again = video_signal_json(&s);
	if (again == NULL) {
		video_signal_free(&s);
		return 0;
	}
	struct video_signal t;
	if (video_signal_parse(again, strlen(again), &t) != NARA_OK ||
	    t.type != s.type || strcmp(t.to, s.to) != 0 ||
	    strcmp(t.mid, s.mid) != 0 || t.index != s.index ||
	    (s.sdp && strcmp(s.sdp, t.sdp) != 0) ||
	    (s.candidate && strcmp(s.candidate, t.candidate) != 0))
		abort();
	free(again);
	video_signal_free(&t);
	video_signal_free(&s);
	return 0;
}
