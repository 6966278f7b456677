/*
 * HTML escaping (URL escaping is in core/url.c). html_escape scans for
 * the next special byte and copies the run before it in one memcpy: most
 * text has no special bytes, so a page costs a few copies rather than a
 * call per byte (the naive byte-by-byte version measured at a third of the
 * throughput, DESIGN.md).
 */
#include "web/html.h"

#include <string.h>

/* 1 for the bytes html_escape replaces. */
static const unsigned char special[256] = {
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
};

void html_escape(struct buf *out, const char *s, size_t len)
{
	if (buf_reserve(out, len) != 0)
		return;
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!special[c])
			continue;
		buf_add(out, s + run, i - run);
		switch (c) {
		case '&': buf_add(out, "&amp;", 5); break;
		case '<': buf_add(out, "&lt;", 4); break;
		case '>': buf_add(out, "&gt;", 4); break;
		case '"': buf_add(out, "&quot;", 6); break;
		default: buf_add(out, "&#39;", 5); break;
		}
		run = i + 1;
	}
	buf_add(out, s + run, len - run);
}
