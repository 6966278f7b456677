/* The start page: what Nära is and the choice of municipality. */
#include "domain/directory.h"
#include "web/web.h"

enum nara_err page_home(struct req *r)
{
	struct directory_municipality *list;
	size_t n;
	enum nara_err err = directory_municipalities(r->db, &r->arena, &list, &n);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	/* The logout redirect lands here: say plainly that it worked. */
	if (kv_get(&r->query, "utloggad") != NULL)
		tv_set(v, "logged_out", "1");
	for (size_t i = 0; i < n; i++) {
		struct tvars *item = tv_item(v, "municipalities");
		tv_set(item, "slug", list[i].slug);
		tv_set(item, "name", list[i].name);
	}
	return page_render(r, "home", v, i18n_get(r->lang, "home.title"));
}
