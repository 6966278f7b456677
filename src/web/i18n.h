/*
 * The string catalogues: i18n/sv.txt (first) and i18n/en.txt, lines of
 * `key = text`. Every string a person reads comes from here. At start-up
 * i18n_load() checks that both catalogues have exactly the same keys, so a
 * string cannot be added in one language only.
 */
#ifndef NARA_I18N_H
#define NARA_I18N_H

#include <stddef.h>

#include "core/err.h"

enum { I18N_SV = 0, I18N_EN = 1, I18N_LANGS = 2 };

enum nara_err i18n_load(char *errmsg, size_t errlen);
void i18n_free(void);

/* The text for key in lang ("sv"/"en"); the key itself if missing. */
const char *i18n_get(const char *lang, const char *key);
/* 1 when the key exists. */
int i18n_has(const char *key);

/*
 * Chooses "sv" or "en": the user's choice (the `lang` cookie) first, then
 * the first language of Accept-Language we have, else Swedish.
 */
const char *i18n_choose(const char *cookie_lang, const char *accept_language);

#endif
