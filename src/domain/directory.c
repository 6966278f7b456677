/*
 * The public directory; see directory.h. Rows are copied into the arena
 * because the engine's column text is only valid until the next step.
 *
 * The directory is the most read data there is (every visitor's first
 * pages) and changes a few times a year, so each thread keeps what it last
 * read, tagged with the directory's version: a row that triggers move on
 * every change to municipalities, units and agreements (migration 009). A
 * page then costs one primary-key read instead of three joins. The version
 * and the data it tags are read in one snapshot, so an entry is never
 * newer or older than its tag. Which shared units a municipality may use
 * also depends on the date (agreements start and end), so an entry also
 * carries the time of the next start or end of any agreement and is not
 * used from then on. Nothing here is personal data: the cache cannot leak
 * anything across the walls of DOMAIN.md.
 */
#include "domain/directory.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"

/* Grows an arena array by doubling; the old copy is left in the arena. */
static void *grow(struct arena *a, void *items, size_t count, size_t *cap,
		  size_t size)
{
	if (count < *cap)
		return items;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *n = arena_alloc(a, ncap * size);
	if (n == NULL)
		return NULL;
	if (count)
		memcpy(n, items, count * size);
	*cap = ncap;
	return n;
}

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	return arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
}

static enum nara_err read_municipalities(struct db *db, struct arena *a,
					 struct directory_municipality **out,
					 size_t *count)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db, "SELECT id, slug, name FROM municipality ORDER BY name", &st);
	if (err != NARA_OK)
		return err;
	struct directory_municipality *items = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		items = grow(a, items, n, &cap, sizeof(*items));
		if (items == NULL) {
			db_done(st);
			return NARA_ENOMEM;
		}
		items[n].id = db_col_int(st, 0);
		items[n].slug = col(a, st, 1);
		items[n].name = col(a, st, 2);
		n++;
	}
	db_done(st);
	*out = items;
	*count = n;
	return db_step_err(rc);
}

/* Reads rows of (name, kind, description, phone[, host]) into units. */
static enum nara_err read_units(struct db_stmt *st, struct arena *a,
				int with_host, struct directory_unit **out,
				size_t *count)
{
	struct directory_unit *items = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		items = grow(a, items, n, &cap, sizeof(*items));
		if (items == NULL)
			return NARA_ENOMEM;
		items[n].name = col(a, st, 0);
		items[n].kind = col(a, st, 1);
		items[n].description = col(a, st, 2);
		items[n].phone = col(a, st, 3);
		items[n].host = with_host ? col(a, st, 4) : NULL;
		n++;
	}
	*out = items;
	*count = n;
	return db_step_err(rc);
}

static enum nara_err read_page(struct db *db, struct arena *a, const char *slug,
			       int64_t now, struct directory_page *out)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db, "SELECT id, slug, name FROM municipality WHERE slug = ?", &st);
	if (err != NARA_OK)
		return err;
	db_bind_text(st, 1, slug, (size_t)-1);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->municipality.id = db_col_int(st, 0);
		out->municipality.slug = col(a, st, 1);
		out->municipality.name = col(a, st, 2);
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? NARA_ENOTFOUND : db_step_err(rc);

	err = db_prepare(db,
			 "SELECT name, kind, description, phone FROM unit"
			 " WHERE municipality_id = ? AND shared = 0"
			 " AND kind <> 'administration' ORDER BY name",
			 &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, out->municipality.id);
	err = read_units(st, a, 0, &out->units, &out->nunits);
	db_done(st);
	if (err != NARA_OK)
		return err;

	/*
	 * Shared units the municipality may use now: those of agreements in
	 * force that it hosts or is a member of.
	 */
	err =
	    db_prepare(db,
		       "SELECT DISTINCT u.name, u.kind, u.description, u.phone,"
		       " m.name FROM agreement a"
		       " JOIN agreement_unit au ON au.agreement_id = a.id"
		       " JOIN unit u ON u.id = au.unit_id"
		       " JOIN municipality m ON m.id = a.host_municipality_id"
		       " WHERE a.valid_from <= ?"
		       " AND (a.valid_to IS NULL OR a.valid_to > ?)"
		       " AND (a.host_municipality_id = ? OR EXISTS"
		       " (SELECT 1 FROM agreement_member am"
		       " WHERE am.agreement_id = a.id"
		       " AND am.municipality_id = ?))"
		       " ORDER BY u.name",
		       &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, out->municipality.id);
	db_bind_int(st, 4, out->municipality.id);
	err = read_units(st, a, 1, &out->shared, &out->nshared);
	db_done(st);
	return err;
}

/* ---- the per-thread cache ---- */

enum { CACHE_ENTRIES = 32, CACHE_SLUG_MAX = 64 };

/* What one read of the directory produced, in an arena of its own. */
struct cache_entry {
	int used;
	int is_list; /* the list of municipalities, not a page */
	char slug[CACHE_SLUG_MAX];
	int64_t version;
	int64_t valid_until; /* the next start or end of an agreement */
	struct arena arena;
	struct directory_page page;
	struct directory_municipality *list;
	size_t nlist;
};

struct cache {
	struct cache_entry entry[CACHE_ENTRIES];
	unsigned next_victim;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
	struct cache *c = p;
	for (size_t i = 0; i < CACHE_ENTRIES; i++)
		arena_free(&c->entry[i].arena);
	free(c);
}

static void cache_key_init(void)
{
	(void)pthread_key_create(&cache_key, cache_free);
}

/* This thread's cache; NULL when it cannot be had (then nothing is kept). */
static struct cache *cache_get(void)
{
	pthread_once(&cache_once, cache_key_init);
	struct cache *c = pthread_getspecific(cache_key);
	if (c == NULL) {
		c = calloc(1, sizeof(*c));
		if (c != NULL && pthread_setspecific(cache_key, c) != 0) {
			free(c);
			c = NULL;
		}
	}
	return c;
}

static struct cache_entry *cache_find(struct cache *c, int is_list,
				      const char *slug, int64_t version,
				      int64_t now)
{
	for (size_t i = 0; i < CACHE_ENTRIES; i++) {
		struct cache_entry *e = &c->entry[i];
		if (e->used && e->is_list == is_list && e->version == version &&
		    now < e->valid_until && strcmp(e->slug, slug) == 0)
			return e;
	}
	return NULL;
}

/* An entry to fill: one with the same key, else a free one, else a victim. */
static struct cache_entry *cache_slot(struct cache *c, int is_list,
				      const char *slug)
{
	struct cache_entry *e = NULL;
	for (size_t i = 0; i < CACHE_ENTRIES && e == NULL; i++)
		if (c->entry[i].used && c->entry[i].is_list == is_list &&
		    strcmp(c->entry[i].slug, slug) == 0)
			e = &c->entry[i];
	for (size_t i = 0; i < CACHE_ENTRIES && e == NULL; i++)
		if (!c->entry[i].used)
			e = &c->entry[i];
	if (e == NULL)
		e = &c->entry[c->next_victim++ % CACHE_ENTRIES];
	arena_free(&e->arena);
	memset(e, 0, sizeof(*e));
	arena_init(&e->arena, 0);
	e->is_list = is_list;
	snprintf(e->slug, sizeof(e->slug), "%s", slug);
	return e;
}

static enum nara_err read_version(struct db *db, int64_t *version)
{
	return db_query_int(
	    db, version, "SELECT version FROM directory_version WHERE id = 1",
	    "");
}

/* The next moment at which an agreement starts or ends, after now. */
static enum nara_err read_valid_until(struct db *db, int64_t now, int64_t *out)
{
	struct db_stmt *st;
	enum nara_err err = db_prepare(
	    db,
	    "SELECT MIN(t) FROM (SELECT valid_from AS t FROM agreement"
	    " WHERE valid_from > ? UNION ALL SELECT valid_to FROM agreement"
	    " WHERE valid_to > ?) AS boundary",
	    &st);
	if (err != NARA_OK)
		return err;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	int rc = db_step(st);
	*out = INT64_MAX;
	if (rc == DB_ROW && !db_col_is_null(st, 0))
		*out = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? db_step_err(rc) : NARA_OK;
}

/* Reads the version, the boundary and the data in one snapshot. */
static enum nara_err fill(struct db *db, struct cache_entry *e, int64_t now)
{
	enum nara_err err = db_begin_read(db);
	if (err != NARA_OK)
		return err;
	err = read_version(db, &e->version);
	/* The list of municipalities does not depend on the date. */
	e->valid_until = INT64_MAX;
	if (err == NARA_OK && !e->is_list)
		err = read_valid_until(db, now, &e->valid_until);
	if (err == NARA_OK)
		err = e->is_list
			  ? read_municipalities(db, &e->arena, &e->list,
						&e->nlist)
			  : read_page(db, &e->arena, e->slug, now, &e->page);
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

/* Copies of the cached strings, so the caller's data lives in its arena. */
static enum nara_err copy_units(struct arena *a,
				const struct directory_unit *in, size_t n,
				struct directory_unit **out)
{
	*out = NULL;
	if (n == 0)
		return NARA_OK;
	struct directory_unit *u = arena_alloc(a, n * sizeof(*u));
	if (u == NULL)
		return NARA_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		u[i].name = arena_strdup(a, in[i].name);
		u[i].kind = arena_strdup(a, in[i].kind);
		u[i].description = arena_strdup(a, in[i].description);
		u[i].phone = arena_strdup(a, in[i].phone);
		u[i].host = in[i].host ? arena_strdup(a, in[i].host) : NULL;
		if (u[i].name == NULL || u[i].kind == NULL ||
		    u[i].description == NULL || u[i].phone == NULL ||
		    (in[i].host != NULL && u[i].host == NULL))
			return NARA_ENOMEM;
	}
	*out = u;
	return NARA_OK;
}

static enum nara_err copy_municipality(struct arena *a,
				       const struct directory_municipality *in,
				       struct directory_municipality *out)
{
	out->id = in->id;
	out->slug = arena_strdup(a, in->slug);
	out->name = arena_strdup(a, in->name);
	return out->slug && out->name ? NARA_OK : NARA_ENOMEM;
}

/*
 * The entry for (is_list, slug) as of now: from the cache when its version
 * is current, else read anew. A slug that names no municipality is not
 * kept: anyone can ask for any slug, and they must not push out the pages
 * people use.
 */
static enum nara_err lookup(struct db *db, int is_list, const char *slug,
			    int64_t now, struct cache_entry **out)
{
	*out = NULL;
	if (strlen(slug) >= CACHE_SLUG_MAX)
		return NARA_ENOTFOUND; /* no slug is that long */
	struct cache *c = cache_get();
	if (c == NULL)
		return NARA_ENOMEM;
	int64_t version;
	enum nara_err err = read_version(db, &version);
	if (err != NARA_OK)
		return err;
	struct cache_entry *e = cache_find(c, is_list, slug, version, now);
	if (e == NULL) {
		e = cache_slot(c, is_list, slug);
		err = fill(db, e, now);
		if (err != NARA_OK)
			return err;
		e->used = 1;
	}
	*out = e;
	return NARA_OK;
}

enum nara_err directory_municipalities(struct db *db, struct arena *a,
				       struct directory_municipality **out,
				       size_t *count)
{
	*out = NULL;
	*count = 0;
	struct cache_entry *e;
	enum nara_err err = lookup(db, 1, "", 0, &e);
	if (err != NARA_OK)
		return err;
	if (e->nlist == 0)
		return NARA_OK;
	struct directory_municipality *list =
	    arena_alloc(a, e->nlist * sizeof(*list));
	if (list == NULL)
		return NARA_ENOMEM;
	for (size_t i = 0; i < e->nlist; i++)
		if ((err = copy_municipality(a, &e->list[i], &list[i])) !=
		    NARA_OK)
			return err;
	*out = list;
	*count = e->nlist;
	return NARA_OK;
}

enum nara_err directory_page(struct db *db, struct arena *a, const char *slug,
			     int64_t now, struct directory_page *out)
{
	memset(out, 0, sizeof(*out));
	struct cache_entry *e;
	enum nara_err err = lookup(db, 0, slug, now, &e);
	if (err != NARA_OK)
		return err;
	const struct directory_page *p = &e->page;
	if ((err = copy_municipality(a, &p->municipality,
				     &out->municipality)) != NARA_OK ||
	    (err = copy_units(a, p->units, p->nunits, &out->units)) !=
		NARA_OK ||
	    (err = copy_units(a, p->shared, p->nshared, &out->shared)) !=
		NARA_OK)
		return err;
	out->nunits = p->nunits;
	out->nshared = p->nshared;
	return NARA_OK;
}
