/*
 * QR codes drawn on the server, so that setting up an authenticator app
 * needs no JavaScript: libqrencode makes the modules, this draws them as
 * an SVG image inside a data: URI, which the page shows with <img> (the
 * CSP allows images from data:, and an <img> keeps the SVG from running
 * anything or borrowing the page's styles).
 */
#ifndef NARA_QR_H
#define NARA_QR_H

#include "core/arena.h"
#include "core/err.h"

/*
 * text as a QR code (error correction M, quiet zone of four modules) in
 * "data:image/svg+xml;base64,...", allocated in a. NARA_EINVAL when the
 * text cannot be encoded (empty or too long), NARA_ENOMEM otherwise.
 */
enum nara_err qr_svg_data_uri(struct arena *a, const char *text,
			      const char **out);

#endif
