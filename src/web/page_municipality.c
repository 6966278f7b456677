/*
 * A municipality's page: the units a citizen can turn to and the shared
 * services its agreements give access to. The page most people land on
 * first, and the one `make bench` measures.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/directory.h"
#include "web/web.h"

/* "042-10 50 00" becomes "+4642105000" for a tel: link. */
static const char *phone_uri(struct arena *a, const char *phone)
{
	size_t len = strlen(phone);
	char *out = arena_alloc(a, len + 4);
	if (out == NULL)
		return NULL;
	size_t n = 0;
	const char *p = phone;
	if (p[0] == '0') {
		memcpy(out, "+46", 3);
		n = 3;
		p++;
	}
	for (; *p; p++)
		if (*p >= '0' && *p <= '9')
			out[n++] = *p;
	out[n] = '\0';
	return out;
}

static void add_units(struct req *r, struct tvars *v, const char *list,
		      const struct directory_unit *units, size_t n)
{
	char key[64];
	for (size_t i = 0; i < n; i++) {
		struct tvars *item = tv_item(v, list);
		tv_set(item, "name", units[i].name);
		snprintf(key, sizeof(key), "kind.%s", units[i].kind);
		/* "Barn och familj" needs no "Barn och familj" under it. */
		const char *kind = i18n_get(r->lang, key);
		if (units[i].host != NULL || strcmp(kind, units[i].name) != 0)
			tv_set(item, "kind", kind);
		tv_set(item, "description", units[i].description);
		if (units[i].phone[0] != '\0') {
			tv_set(item, "phone", units[i].phone);
			tv_set(item, "phone_uri",
			       phone_uri(&r->arena, units[i].phone));
		}
		if (units[i].host != NULL)
			tv_set(item, "host", units[i].host);
	}
}

enum nara_err page_municipality(struct req *r)
{
	struct directory_page page;
	enum nara_err err = directory_page(r->db, &r->arena, r->params[0],
					   (int64_t)time(NULL), &page);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	const char *title = i18n_format(r, "municipality.title",
					page.municipality.name);
	tv_set(v, "slug", page.municipality.slug);
	add_units(r, v, "units", page.units, page.nunits);
	add_units(r, v, "shared", page.shared, page.nshared);
	return page_render(r, "municipality", v, title);
}
