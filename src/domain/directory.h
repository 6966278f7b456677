/*
 * The public directory: municipalities and the services a citizen can turn
 * to, including the shared services a municipality offers through an
 * agreement with its neighbours. No personal data, so no audit rows: this
 * is what anyone may read without logging in ("en väg in").
 */
#ifndef NARA_DIRECTORY_H
#define NARA_DIRECTORY_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct db;

struct directory_municipality {
	int64_t id;
	const char *slug;
	const char *name;
};

struct directory_unit {
	const char *name;
	const char *kind; /* unit.kind: 'first_line', ... */
	const char *description;
	const char *phone;
	const char *host; /* shared units: the host municipality's name */
};

struct directory_page {
	struct directory_municipality municipality;
	struct directory_unit *units; /* its own units */
	size_t nunits;
	struct directory_unit *shared; /* shared units it may use now */
	size_t nshared;
};

enum nara_err directory_municipalities(struct db *db, struct arena *a,
				       struct directory_municipality **out,
				       size_t *count);

/* NARA_ENOTFOUND when no municipality has that slug. `now`: epoch s. */
enum nara_err directory_page(struct db *db, struct arena *a, const char *slug,
			     int64_t now, struct directory_page *out);

#endif
