/*
 * The template compiler and renderer; the syntax is described in
 * template.h. A template compiles to a flat array of nodes; blocks
 * (#each, #if, #unless) store the index of their {{else}} and {{/..}} so
 * rendering jumps rather than searches. Catalogue texts are looked up at
 * compile time for both languages, so {{t key}} costs a pointer copy.
 */
#include "web/template.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "web/html.h"
#include "web/i18n.h"

enum node_kind { N_TEXT, N_VAR, N_RAW, N_T, N_EACH, N_IF, N_UNLESS, N_ELSE, N_END };

struct node {
	enum node_kind kind;
	const char *text; /* N_TEXT: into the source; else the name/key */
	size_t len;
	const char *tr[I18N_LANGS]; /* N_T: the texts */
	size_t tr_len[I18N_LANGS];
	size_t else_at; /* blocks: index of {{else}} or 0 */
	size_t end_at;  /* blocks: index of {{/..}} */
};

struct tpl {
	char *name;
	char *src; /* owned copy; N_TEXT nodes point into it */
	struct node *nodes;
	size_t count;
};

/* ---- values ---- */

struct tlist {
	struct tvars **items;
	size_t count, cap;
};

struct tvar {
	const char *name;
	size_t name_len; /* compared first: most names differ in length */
	const char *str;
	size_t len;
	struct tlist *list;
};

struct tvars {
	struct arena *arena;
	const struct tvars *parent;
	struct tvar *vars;
	size_t count, cap;
	int *failed; /* shared by a tree of tvars */
};

struct tvars *tv_new(struct arena *a)
{
	struct tvars *v = arena_calloc(a, 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	v->arena = a;
	v->failed = arena_calloc(a, 1, sizeof(int));
	if (v->failed == NULL)
		return NULL;
	return v;
}

int tv_failed(const struct tvars *v) { return v == NULL || *v->failed; }

static struct tvar *tv_slot(struct tvars *v, const char *name)
{
	size_t name_len = strlen(name);
	for (size_t i = 0; i < v->count; i++)
		if (v->vars[i].name_len == name_len &&
		    memcmp(v->vars[i].name, name, name_len) == 0)
			return &v->vars[i];
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		struct tvar *nv = arena_alloc(v->arena, cap * sizeof(*nv));
		if (nv == NULL) {
			*v->failed = 1;
			return NULL;
		}
		if (v->count)
			memcpy(nv, v->vars, v->count * sizeof(*nv));
		v->vars = nv;
		v->cap = cap;
	}
	struct tvar *t = &v->vars[v->count++];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->name_len = name_len;
	return t;
}

void tv_setn(struct tvars *v, const char *name, const char *value, size_t len)
{
	if (v == NULL || value == NULL)
		return;
	struct tvar *t = tv_slot(v, name);
	if (t == NULL)
		return;
	t->str = value;
	t->len = len;
}

void tv_set(struct tvars *v, const char *name, const char *value)
{
	if (value != NULL)
		tv_setn(v, name, value, strlen(value));
}

void tv_setf(struct tvars *v, const char *name, const char *fmt, ...)
{
	if (v == NULL)
		return;
	char small[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		*v->failed = 1;
		return;
	}
	char *s = arena_alloc(v->arena, (size_t)n + 1);
	if (s == NULL) {
		*v->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	tv_setn(v, name, s, (size_t)n);
}

struct tvars *tv_item(struct tvars *v, const char *name)
{
	if (v == NULL)
		return NULL;
	struct tvar *t = tv_slot(v, name);
	if (t == NULL)
		return NULL;
	if (t->list == NULL) {
		t->list = arena_calloc(v->arena, 1, sizeof(*t->list));
		if (t->list == NULL) {
			*v->failed = 1;
			return NULL;
		}
	}
	struct tlist *l = t->list;
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct tvars **items = arena_alloc(v->arena, cap * sizeof(*items));
		if (items == NULL) {
			*v->failed = 1;
			return NULL;
		}
		if (l->count)
			memcpy(items, l->items, l->count * sizeof(*items));
		l->items = items;
		l->cap = cap;
	}
	struct tvars *item = arena_calloc(v->arena, 1, sizeof(*item));
	if (item == NULL) {
		*v->failed = 1;
		return NULL;
	}
	item->arena = v->arena;
	item->parent = v;
	item->failed = v->failed;
	l->items[l->count++] = item;
	return item;
}

static const struct tvar *lookup(const struct tvars *v, const char *name,
				 size_t len)
{
	for (; v != NULL; v = v->parent)
		for (size_t i = 0; i < v->count; i++)
			if (v->vars[i].name_len == len &&
			    memcmp(v->vars[i].name, name, len) == 0)
				return &v->vars[i];
	return NULL;
}

/* ---- compiling ---- */

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static int line_of(const char *src, const char *at)
{
	int line = 1;
	for (const char *p = src; p < at; p++)
		line += *p == '\n';
	return line;
}

void tpl_destroy(struct tpl *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->src);
	free(t->nodes);
	free(t);
}

enum nara_err tpl_compile(const char *name, const char *src_in, size_t len,
			  struct tpl **out, char *errmsg, size_t errlen)
{
	struct tpl *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NARA_ENOMEM;
	t->name = strdup(name);
	t->src = malloc(len + 1);
	/* At most one text and one tag per "{{", plus the tail. */
	size_t max_nodes = 1;
	for (size_t i = 0; i + 1 < len; i++)
		max_nodes += (src_in[i] == '{' && src_in[i + 1] == '{') ? 2 : 0;
	t->nodes = calloc(max_nodes, sizeof(struct node));
	if (t->name == NULL || t->src == NULL || t->nodes == NULL) {
		tpl_destroy(t);
		return NARA_ENOMEM;
	}
	memcpy(t->src, src_in, len);
	t->src[len] = '\0';
	const char *src = t->src, *p = src, *end = src + len;

	size_t stack[32];
	int depth = 0;
#define FAIL(...)                                                        \
	do {                                                             \
		snprintf(errmsg, errlen, __VA_ARGS__);                   \
		tpl_destroy(t);                                          \
		return NARA_EINVAL;                                      \
	} while (0)

	while (p < end) {
		const char *open = strstr(p, "{{");
		const char *text_end = open ? open : end;
		if (text_end > p) {
			struct node *n = &t->nodes[t->count++];
			n->kind = N_TEXT;
			n->text = p;
			n->len = (size_t)(text_end - p);
		}
		if (open == NULL)
			break;
		const char *close = strstr(open + 2, "}}");
		if (close == NULL)
			FAIL("%s:%d: '{{' without '}}'", name, line_of(src, open));
		const char *in = open + 2;
		while (in < close && *in == ' ')
			in++;
		const char *in_end = close;
		while (in_end > in && in_end[-1] == ' ')
			in_end--;

		struct node *n = &t->nodes[t->count];
		enum node_kind kind = N_VAR;
		const char *word = in;
		if (strncmp(in, "raw ", 4) == 0) {
			kind = N_RAW;
			word = in + 4;
		} else if (strncmp(in, "t ", 2) == 0) {
			kind = N_T;
			word = in + 2;
		} else if (strncmp(in, "#each ", 6) == 0) {
			kind = N_EACH;
			word = in + 6;
		} else if (strncmp(in, "#if ", 4) == 0) {
			kind = N_IF;
			word = in + 4;
		} else if (strncmp(in, "#unless ", 8) == 0) {
			kind = N_UNLESS;
			word = in + 8;
		} else if ((size_t)(in_end - in) == 4 &&
			   strncmp(in, "else", 4) == 0) {
			kind = N_ELSE;
			word = in_end;
		} else if (*in == '/') {
			kind = N_END;
			word = in_end;
		}
		/* "{{raw }}": the keyword's space was trimmed off the end. */
		if (word > in_end)
			word = in_end;
		while (word < in_end && *word == ' ')
			word++;
		for (const char *c = word; c < in_end; c++)
			if (!is_name_char(*c))
				FAIL("%s:%d: bad character in '{{%.*s}}'", name,
				     line_of(src, open), (int)(close - open - 2),
				     open + 2);
		/* "raw" and "t" alone are a keyword missing its name. */
		if (kind == N_VAR && ((in_end - word == 3 && strncmp(word, "raw", 3) == 0) ||
				      (in_end - word == 1 && word[0] == 't')))
			word = in_end;
		if (kind != N_ELSE && kind != N_END && word == in_end)
			FAIL("%s:%d: '{{}}' needs a name", name,
			     line_of(src, open));
		n->kind = kind;
		n->text = word;
		n->len = (size_t)(in_end - word);

		if (kind == N_T) {
			char key[128];
			if (n->len >= sizeof(key))
				FAIL("%s:%d: key too long", name, line_of(src, open));
			memcpy(key, word, n->len);
			key[n->len] = '\0';
			if (!i18n_has(key))
				FAIL("%s:%d: catalogue key '%s' does not exist",
				     name, line_of(src, open), key);
			n->tr[I18N_SV] = i18n_get("sv", key);
			n->tr[I18N_EN] = i18n_get("en", key);
			n->tr_len[I18N_SV] = strlen(n->tr[I18N_SV]);
			n->tr_len[I18N_EN] = strlen(n->tr[I18N_EN]);
		} else if (kind == N_EACH || kind == N_IF || kind == N_UNLESS) {
			if (depth == (int)(sizeof(stack) / sizeof(stack[0])))
				FAIL("%s:%d: blocks nested too deep", name,
				     line_of(src, open));
			stack[depth++] = t->count;
		} else if (kind == N_ELSE) {
			if (depth == 0 || t->nodes[stack[depth - 1]].kind == N_EACH)
				FAIL("%s:%d: {{else}} outside {{#if}}", name,
				     line_of(src, open));
			t->nodes[stack[depth - 1]].else_at = t->count;
		} else if (kind == N_END) {
			if (depth == 0)
				FAIL("%s:%d: {{/}} without a block", name,
				     line_of(src, open));
			t->nodes[stack[--depth]].end_at = t->count;
		}
		t->count++;
		p = close + 2;
	}
	if (depth != 0)
		FAIL("%s: a block is not closed", name);
#undef FAIL
	*out = t;
	return NARA_OK;
}

/* ---- rendering ---- */

static int truthy(const struct tvar *var)
{
	if (var == NULL)
		return 0;
	if (var->list != NULL)
		return var->list->count > 0;
	return var->len > 0;
}

static void render_range(struct buf *out, const struct tpl *t, size_t from,
			 size_t to, const struct tvars *v, int lang)
{
	size_t i = from;
	while (i < to) {
		const struct node *n = &t->nodes[i];
		const struct tvar *var;
		switch (n->kind) {
		case N_TEXT:
			buf_add(out, n->text, n->len);
			i++;
			break;
		case N_VAR:
		case N_RAW:
			var = lookup(v, n->text, n->len);
			if (var != NULL && var->str != NULL) {
				if (n->kind == N_VAR)
					html_escape(out, var->str, var->len);
				else
					buf_add(out, var->str, var->len);
			}
			i++;
			break;
		case N_T:
			html_escape(out, n->tr[lang], n->tr_len[lang]);
			i++;
			break;
		case N_EACH:
			var = lookup(v, n->text, n->len);
			if (var != NULL && var->list != NULL)
				for (size_t k = 0; k < var->list->count; k++)
					render_range(out, t, i + 1, n->end_at,
						     var->list->items[k], lang);
			i = n->end_at + 1;
			break;
		case N_IF:
		case N_UNLESS: {
			int yes = truthy(lookup(v, n->text, n->len));
			if (n->kind == N_UNLESS)
				yes = !yes;
			size_t body_end = n->else_at ? n->else_at : n->end_at;
			if (yes)
				render_range(out, t, i + 1, body_end, v, lang);
			else if (n->else_at)
				render_range(out, t, n->else_at + 1, n->end_at,
					     v, lang);
			i = n->end_at + 1;
			break;
		}
		case N_ELSE:
		case N_END:
			i++;
			break;
		}
	}
}

enum nara_err tpl_render_compiled(struct buf *out, const struct tpl *t,
				  const struct tvars *v, const char *lang)
{
	int l = (lang != NULL && strcmp(lang, "en") == 0) ? I18N_EN : I18N_SV;
	render_range(out, t, 0, t->count, v, l);
	if (out->failed || (v != NULL && tv_failed(v)))
		return NARA_ENOMEM;
	return NARA_OK;
}

/* ---- the embedded set ---- */

static struct tpl **loaded;
static size_t loaded_count;

void tpl_free(void)
{
	for (size_t i = 0; i < loaded_count; i++)
		tpl_destroy(loaded[i]);
	free(loaded);
	loaded = NULL;
	loaded_count = 0;
}

static int cmp_tpl(const void *a, const void *b)
{
	return strcmp((*(struct tpl *const *)a)->name,
		      (*(struct tpl *const *)b)->name);
}

enum nara_err tpl_load(char *errmsg, size_t errlen)
{
	tpl_free();
	loaded = calloc(nara_assets_count + 1, sizeof(*loaded));
	if (loaded == NULL)
		return NARA_ENOMEM;
	for (size_t i = 0; i < nara_assets_count; i++) {
		const struct asset *as = &nara_assets[i];
		size_t plen = strlen(as->path);
		if (strncmp(as->path, "templates/", 10) != 0 || plen < 15 ||
		    strcmp(as->path + plen - 5, ".html") != 0)
			continue;
		char name[128];
		snprintf(name, sizeof(name), "%.*s", (int)(plen - 15),
			 as->path + 10);
		enum nara_err err = tpl_compile(name, (const char *)as->data,
						as->len, &loaded[loaded_count],
						errmsg, errlen);
		if (err != NARA_OK)
			return err;
		loaded_count++;
	}
	qsort(loaded, loaded_count, sizeof(*loaded), cmp_tpl);
	return NARA_OK;
}

enum nara_err tpl_render(struct buf *out, const char *name,
			 const struct tvars *v, const char *lang)
{
	size_t lo = 0, hi = loaded_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, loaded[mid]->name);
		if (c == 0)
			return tpl_render_compiled(out, loaded[mid], v, lang);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NARA_ENOTFOUND;
}
