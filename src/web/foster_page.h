/*
 * The foster-home centre's pages (page_foster.c) and the placements of a
 * child's case (page_foster_case.c): the handlers, and the words both
 * draw from the catalogue.
 */
#ifndef NARA_WEB_FOSTER_PAGE_H
#define NARA_WEB_FOSTER_PAGE_H

#include "core/err.h"
#include "http/http.h"
#include "web/template.h"

struct foster_match_view;

/* Catalogue words of the bits of mask, joined by commas ("none" if 0). */
const char *foster_mask_text(struct req *r, const char *prefix,
			     const char *const *names, int count, int mask);
const char *foster_kinds_text(struct req *r, int kinds);
const char *foster_needs_text(struct req *r, int needs);
/* The list `needs` of checkboxes (name, label, checked). */
void foster_need_choices(struct req *r, struct tvars *v, int checked);
/* The needs checked in the form (need_<name>). */
int foster_need_mask(struct req *r);
/* A small number from the form; fallback when absent or not digits. */
int foster_form_int(struct req *r, const char *name, int fallback);
/* The page's `error` from a catalogue key, and the status 400. */
void foster_error(struct req *r, struct tvars *v, const char *why);
/* A request and its proposals as template values. */
void foster_match_vars(struct req *r, struct tvars *m,
		       const struct foster_match_view *x);

enum nara_err page_foster_inquiry(struct req *r);
enum nara_err page_foster_inquiry_submit(struct req *r);
enum nara_err page_foster_inquiry_thanks(struct req *r);
enum nara_err page_foster_centre(struct req *r);
enum nara_err page_foster_assess(struct req *r);
enum nara_err page_foster_step(struct req *r);
enum nara_err page_foster_decide(struct req *r);
enum nara_err page_foster_match(struct req *r);
enum nara_err page_foster_propose(struct req *r);

enum nara_err page_foster_case(struct req *r);
enum nara_err page_foster_place(struct req *r);
enum nara_err page_foster_review(struct req *r);
enum nara_err page_foster_request(struct req *r);
enum nara_err page_foster_choose(struct req *r);

enum nara_err page_foster_support(struct req *r);
enum nara_err page_foster_support_send(struct req *r);
enum nara_err page_foster_support_centre(struct req *r);
enum nara_err page_foster_support_handle(struct req *r);

#endif
