/* QR codes as SVG data: URIs; see qr.h. */
#include "web/qr.h"

#include <errno.h>
#include <qrencode.h>
#include <sodium.h>
#include <string.h>

#include "core/buf.h"

enum { QUIET = 4, PIXELS = 240 };

/*
 * One path for all dark modules, each a unit square, so the image is a
 * few kilobytes and renders crisp at any size.
 */
static void draw(struct buf *svg, const QRcode *qr)
{
	int side = qr->width + 2 * QUIET;
	buf_printf(svg,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
		   " height=\"%d\" viewBox=\"0 0 %d %d\""
		   " shape-rendering=\"crispEdges\">"
		   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		   "<path fill=\"#000\" d=\"",
		   PIXELS, PIXELS, side, side, side, side);
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width; x++)
			/* Bit 0 of each byte is the module's colour: 1 dark. */
			if (qr->data[y * qr->width + x] & 1)
				buf_printf(svg, "M%d %dh1v1h-1z", x + QUIET,
					   y + QUIET);
	buf_adds(svg, "\"/></svg>");
}

enum nara_err qr_svg_data_uri(struct arena *a, const char *text,
			      const char **out)
{
	*out = NULL;
	if (text == NULL || text[0] == '\0')
		return NARA_EINVAL;
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL)
		return errno == ENOMEM ? NARA_ENOMEM : NARA_EINVAL;
	struct buf svg;
	buf_init(&svg);
	draw(&svg, qr);
	QRcode_free(qr);
	enum nara_err err = NARA_ENOMEM;
	if (!svg.failed) {
		static const char prefix[] = "data:image/svg+xml;base64,";
		size_t b64 = sodium_base64_ENCODED_LEN(
		    svg.len, sodium_base64_VARIANT_ORIGINAL);
		char *uri = arena_alloc(a, sizeof(prefix) - 1 + b64);
		if (uri != NULL) {
			memcpy(uri, prefix, sizeof(prefix) - 1);
			sodium_bin2base64(uri + sizeof(prefix) - 1, b64,
					  (const unsigned char *)svg.data,
					  svg.len,
					  sodium_base64_VARIANT_ORIGINAL);
			*out = uri;
			err = NARA_OK;
		}
	}
	buf_free(&svg);
	return err;
}
