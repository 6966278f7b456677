/*
 * /dokument/{id}: a document of a case, for the person whose file it is or
 * for staff the policy lets read the case (domain/document.c decides,
 * opens the sealed bytes and audits the read). Sent as a download with the
 * type found when it was uploaded, never shown inline: a file from outside
 * is never rendered by the browser as part of our site, and nosniff (sent
 * on every response) keeps the browser from guessing otherwise.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/document.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/web.h"

/*
 * Content-Disposition with the name twice: plain ASCII for old clients
 * (other bytes become '_'), and the UTF-8 name percent-encoded (RFC 6266,
 * RFC 8187) for everyone else. The stored name is already clean of quotes
 * and control characters (document_clean_name).
 */
static const char *disposition(struct req *r, const char *name)
{
	struct buf b;
	buf_init(&b);
	buf_adds(&b, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		buf_addc(&b, (*p >= 0x20 && *p < 0x7f && *p != '"' &&
			      *p != '\\' && *p != '%')
				 ? (char)*p
				 : '_');
	buf_adds(&b, "\"; filename*=UTF-8''");
	url_escape(&b, name, strlen(name));
	const char *s = b.failed ? NULL : arena_strdup(&r->arena, buf_cstr(&b));
	buf_free(&b);
	return s;
}

enum nara_err page_document(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require_any(r, &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	char *end;
	long long id = strtoll(r->params[0], &end, 10);
	if (*end != '\0' || id <= 0)
		return NARA_ENOTFOUND;
	struct document_file f;
	err =
	    document_read(r->db, &r->arena, &who, id, (int64_t)time(NULL), &f);
	if (err != NARA_OK)
		return err;
	const char *cd = disposition(r, f.filename);
	if (cd == NULL)
		return NARA_ENOMEM;
	buf_add(&r->resp.body, f.data, f.len);
	/* The plain bytes leave the arena now that the reply has its copy. */
	sodium_memzero((void *)f.data, f.len);
	if (r->resp.body.failed)
		return NARA_ENOMEM;
	r->resp.content_type = f.content_type;
	resp_header(r, "Content-Disposition", cd);
	return NARA_OK;
}
