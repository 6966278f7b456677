/*
 * Files embedded in the binary at build time (tools/embed.c writes
 * build/assets.c): sql/, templates/, i18n/, static/ and forms/. Sorted by path, so
 * the files of one folder are next to each other and asset_find can search
 * by halves. Embedding means `./nara` runs from anywhere and a deployed
 * binary can never meet templates of another version.
 */
#ifndef NARA_ASSETS_H
#define NARA_ASSETS_H

#include <stddef.h>

struct asset {
	const char *path; /* "templates/layout.html" */
	const unsigned char *data;
	size_t len;
};

extern const struct asset nara_assets[];
extern const size_t nara_assets_count;

const struct asset *asset_find(const char *path);

#endif
