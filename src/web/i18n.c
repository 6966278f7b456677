/*
 * Catalogues parsed once at start-up from the embedded i18n/ files into a
 * sorted array per language; lookups are binary searches. Read-only after
 * loading, so every thread can use them without locks.
 */
#include "web/i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"

struct entry {
	char *key;
	char *text;
};

static struct {
	struct entry *entries;
	size_t count;
} catalogue[I18N_LANGS];

static const char *lang_file[I18N_LANGS] = {"i18n/sv.txt", "i18n/en.txt"};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key,
		      ((const struct entry *)b)->key);
}

static char *trimmed_dup(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s))
		s++, len--;
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	char *p = malloc(len + 1);
	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static enum nara_err parse(int lang, char *errmsg, size_t errlen)
{
	const struct asset *as = asset_find(lang_file[lang]);
	if (as == NULL) {
		snprintf(errmsg, errlen, "%s is missing", lang_file[lang]);
		return NARA_ENOTFOUND;
	}
	const char *p = (const char *)as->data, *end = p + as->len;
	size_t cap = 0;
	int line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		line++;
		const char *s = p;
		p = nl ? nl + 1 : end;
		while (s < eol && isspace((unsigned char)*s))
			s++;
		if (s == eol || *s == '#')
			continue;
		const char *eq = memchr(s, '=', (size_t)(eol - s));
		if (eq == NULL) {
			snprintf(errmsg, errlen, "%s:%d: expected key = text",
				 lang_file[lang], line);
			return NARA_EINVAL;
		}
		if (catalogue[lang].count == cap) {
			cap = cap ? cap * 2 : 256;
			struct entry *e = realloc(catalogue[lang].entries,
						  cap * sizeof(*e));
			if (e == NULL)
				return NARA_ENOMEM;
			catalogue[lang].entries = e;
		}
		struct entry *e = &catalogue[lang].entries[catalogue[lang].count];
		e->key = trimmed_dup(s, (size_t)(eq - s));
		e->text = trimmed_dup(eq + 1, (size_t)(eol - eq - 1));
		if (e->key == NULL || e->text == NULL)
			return NARA_ENOMEM;
		catalogue[lang].count++;
	}
	qsort(catalogue[lang].entries, catalogue[lang].count,
	      sizeof(struct entry), cmp_entry);
	for (size_t i = 1; i < catalogue[lang].count; i++) {
		if (strcmp(catalogue[lang].entries[i - 1].key,
			   catalogue[lang].entries[i].key) == 0) {
			snprintf(errmsg, errlen, "%s: key '%s' appears twice",
				 lang_file[lang], catalogue[lang].entries[i].key);
			return NARA_EINVAL;
		}
	}
	return NARA_OK;
}

enum nara_err i18n_load(char *errmsg, size_t errlen)
{
	i18n_free();
	for (int lang = 0; lang < I18N_LANGS; lang++) {
		enum nara_err err = parse(lang, errmsg, errlen);
		if (err != NARA_OK)
			return err;
	}
	/* Same keys in both: walk the two sorted lists side by side. */
	size_t i = 0, j = 0;
	struct entry *sv = catalogue[I18N_SV].entries;
	struct entry *en = catalogue[I18N_EN].entries;
	while (i < catalogue[I18N_SV].count || j < catalogue[I18N_EN].count) {
		int c = i == catalogue[I18N_SV].count	 ? 1
			: j == catalogue[I18N_EN].count ? -1
							 : strcmp(sv[i].key, en[j].key);
		if (c == 0) {
			i++, j++;
			continue;
		}
		snprintf(errmsg, errlen, "i18n: key '%s' is only in %s",
			 c < 0 ? sv[i].key : en[j].key,
			 c < 0 ? lang_file[I18N_SV] : lang_file[I18N_EN]);
		return NARA_EINVAL;
	}
	return NARA_OK;
}

void i18n_free(void)
{
	for (int lang = 0; lang < I18N_LANGS; lang++) {
		for (size_t i = 0; i < catalogue[lang].count; i++) {
			free(catalogue[lang].entries[i].key);
			free(catalogue[lang].entries[i].text);
		}
		free(catalogue[lang].entries);
		catalogue[lang].entries = NULL;
		catalogue[lang].count = 0;
	}
}

static const struct entry *find(int lang, const char *key)
{
	struct entry probe = {(char *)key, NULL};
	if (catalogue[lang].entries == NULL)
		return NULL; /* not loaded: callers get the key */
	return bsearch(&probe, catalogue[lang].entries, catalogue[lang].count,
		       sizeof(struct entry), cmp_entry);
}

const char *i18n_get(const char *lang, const char *key)
{
	int l = (lang != NULL && strcmp(lang, "en") == 0) ? I18N_EN : I18N_SV;
	const struct entry *e = find(l, key);
	return e ? e->text : key;
}

int i18n_has(const char *key) { return find(I18N_SV, key) != NULL; }

const char *i18n_choose(const char *cookie_lang, const char *accept_language)
{
	if (cookie_lang != NULL) {
		if (strcmp(cookie_lang, "sv") == 0)
			return "sv";
		if (strcmp(cookie_lang, "en") == 0)
			return "en";
	}
	/*
	 * Accept-Language lists languages in order of preference (quality
	 * values are almost always in falling order in practice); the first
	 * one we have wins.
	 */
	const char *p = accept_language;
	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if ((p[0] == 's' || p[0] == 'S') && (p[1] == 'v' || p[1] == 'V') &&
		    (p[2] == '\0' || p[2] == '-' || p[2] == ';' || p[2] == ','))
			return "sv";
		if ((p[0] == 'e' || p[0] == 'E') && (p[1] == 'n' || p[1] == 'N') &&
		    (p[2] == '\0' || p[2] == '-' || p[2] == ';' || p[2] == ','))
			return "en";
		p = strchr(p, ',');
	}
	return "sv";
}
