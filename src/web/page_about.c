/* Pages about the service itself: accessibility statement, language. */
#include <string.h>

#include "core/config.h"
#include "web/web.h"

enum nara_err page_accessibility(struct req *r)
{
	struct tvars *v = page_vars(r);
	return page_render(r, "accessibility", v,
			   i18n_get(r->lang, "about.accessibility.title"));
}

/*
 * GET /sprak?lang=en&next=/kommun/bjuv: remembers the choice in a cookie
 * (a preference, not personal data) and goes back. `next` must be a local
 * path, so the link cannot send anyone to another site.
 */
enum nara_err page_language(struct req *r)
{
	const char *lang = kv_get(&r->query, "lang");
	const char *next = kv_get(&r->query, "next");
	if (lang == NULL || (strcmp(lang, "sv") != 0 && strcmp(lang, "en") != 0))
		return NARA_EINVAL;
	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		next = "/";
	const char *secure = (r->cfg->base_url != NULL &&
			      strncmp(r->cfg->base_url, "https:", 6) == 0)
				     ? "; Secure"
				     : "";
	resp_header(r, "Set-Cookie",
		    arena_printf(&r->arena,
				 "lang=%s; Path=/; Max-Age=31536000;"
				 " SameSite=Lax; HttpOnly%s",
				 lang, secure));
	resp_redirect(r, 303, next);
	return NARA_OK;
}
