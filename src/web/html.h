/*
 * Every byte of HTML escaping in Nära is in html.c (as cgit keeps it in
 * html.c). Templates call html_escape for every {{value}}; nothing else
 * writes text from data into a page.
 */
#ifndef NARA_HTML_H
#define NARA_HTML_H

#include <stddef.h>

#include "core/buf.h"
#include "core/url.h" /* url_escape, used with html_escape by every page */

/* Appends s (len bytes) with & < > " ' escaped: safe in text and attributes. */
void html_escape(struct buf *out, const char *s, size_t len);

#endif
