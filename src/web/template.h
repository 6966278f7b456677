/*
 * HTML templates, kept as files in templates/ and compiled once at start-up.
 *
 *   {{name}}            the value of name, HTML-escaped (the default)
 *   {{raw name}}        the value unescaped: only for HTML we built ourselves
 *                       (the layout's page body); every use is reviewed
 *   {{t key}}           the catalogue text for key in the request's language
 *   {{#each list}}..{{/each}}   once per item; names look in the item first,
 *                       then outwards
 *   {{#if name}}..{{else}}..{{/if}}   name set and not empty (a list: has items)
 *   {{#unless name}}..{{/unless}}
 *
 * A template that does not parse, or names a catalogue key that does not
 * exist, stops the server at start-up rather than failing in front of a
 * person.
 */
#ifndef NARA_TEMPLATE_H
#define NARA_TEMPLATE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

struct tvars;

struct tvars *tv_new(struct arena *a);
void tv_set(struct tvars *v, const char *name, const char *value);
void tv_setn(struct tvars *v, const char *name, const char *value, size_t len);
void tv_setf(struct tvars *v, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends a new item to the list `name` and returns it for filling. */
struct tvars *tv_item(struct tvars *v, const char *name);
/* Any allocation failed: the page cannot be rendered faithfully. */
int tv_failed(const struct tvars *v);

/* Compiles every embedded templates/NAME.html; needs i18n_load() first. */
enum nara_err tpl_load(char *errmsg, size_t errlen);
void tpl_free(void);

/* Renders templates/<name>.html; NARA_ENOTFOUND for an unknown name. */
enum nara_err tpl_render(struct buf *out, const char *name,
			 const struct tvars *v, const char *lang);

/* Compiles one template from text, for tests: returns an opaque handle. */
struct tpl;
enum nara_err tpl_compile(const char *name, const char *src, size_t len,
			  struct tpl **out, char *errmsg, size_t errlen);
enum nara_err tpl_render_compiled(struct buf *out, const struct tpl *t,
				  const struct tvars *v, const char *lang);
void tpl_destroy(struct tpl *t);

#endif
