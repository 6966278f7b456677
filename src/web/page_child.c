/*
 * A child's page for their guardian (/mina-sidor/barn/{id}, DOMAIN.md
 * R2.5): what the municipality has recorded about the child and who in the
 * social services has read it, the same view a citizen has of their own.
 * The policy decides (domain/guardian.c); a child of 13 or more, a child
 * with protected identity, or someone else's child gives the 403 page and
 * a flagged row in the audit log.
 */
#include <stdlib.h>
#include <time.h>

#include "domain/guardian.h"
#include "web/auth.h"
#include "web/web.h"

enum nara_err page_child(struct req *r)
{
	struct session s;
	struct actor who;
	int redirected;
	enum nara_err err = web_require(r, "citizen", &s, &who, &redirected);
	if (err != NARA_OK || redirected)
		return err;
	char *end;
	long long id = strtoll(r->params[0], &end, 10);
	if (*end != '\0' || id <= 0)
		return NARA_ENOTFOUND;
	struct person_view child;
	struct person_read_log *reads;
	size_t nreads;
	err = guardian_read_child(r->db, &r->arena, &who, id,
				  (int64_t)time(NULL), &child, &reads, &nreads);
	if (err != NARA_OK)
		return err;
	struct tvars *v = page_vars(r);
	web_session_vars(r, v, &s, &who);
	const char *name = arena_printf(&r->arena, "%s %s", child.given_name,
					child.family_name);
	tv_set(v, "name", name);
	tv_set(v, "pnr",
	       arena_printf(&r->arena, "%.8s-%s", child.personnummer,
			    child.personnummer + 8));
	tv_set(v, "municipality", child.municipality_name);
	tv_set(v, "address", child.address);
	tv_set(v, "postal_code", child.postal_code);
	tv_set(v, "city", child.city);
	tv_set(v, "phone", child.phone);
	web_reads_vars(r, v, reads, nreads);
	return page_render(r, "child", v, name);
}
