/*
 * What the citizen's meeting pages (page_booking.c) and the staff's
 * (page_booking_staff.c) share: the words for kinds, languages and days,
 * and the free times of one officer or reception as template rows.
 */
#ifndef NARA_WEB_BOOKING_PAGE_H
#define NARA_WEB_BOOKING_PAGE_H

#include <stdint.h>

#include "domain/booking.h"
#include "http/http.h"
#include "web/template.h"

/* "Möte på kontoret", ... */
/* Two weeks of free times on the pages (and the API's default). */
enum { BOOKING_PAGE_DAYS = 14 };

const char *booking_kind_word(struct req *r, enum booking_kind k);
/* "arabiska"; the code itself when the catalogue has no name for it. */
const char *booking_language_word(struct req *r, const char *code);
/* "måndag 8 december 2026 kl. 10:00" */
const char *booking_when(struct req *r, int64_t t);

/*
 * Adds to v the list `slots` (value "availability-start", label, a
 * `kinds` text) of the free times of the officer staff_id (0: the
 * reception) of unit_id over the coming two weeks, from the hours in
 * avail[]; `checked` marks one value. Sets `no_slots` when there are none,
 * and `offer_office`, `offer_phone`, `offer_video` for the kinds any hours
 * offer. Returns the number of times.
 */
size_t booking_slot_vars(struct req *r, struct tvars *v,
			 const struct booking_host_times *t,
			 const char *checked);

/* Parses "availability-start"; 0 when it is not that. */
int booking_parse_slot(const char *s, int64_t *availability_id,
		       int64_t *starts_at);

/* The interpreter languages as `languages` rows (code, name, selected). */
void booking_language_vars(struct req *r, struct tvars *v,
			   const struct booking_host_times *t,
			   const char *selected);

/* Handlers: page_booking.c (citizens), page_booking_staff.c (staff). */
enum nara_err page_booking_list(struct req *r);
enum nara_err page_booking_new(struct req *r);
enum nara_err page_booking_create(struct req *r);
enum nara_err page_booking_one(struct req *r);
enum nara_err page_booking_rebook(struct req *r);
enum nara_err page_booking_cancel(struct req *r);
enum nara_err page_booking_accept(struct req *r);
enum nara_err page_booking_ics(struct req *r);
enum nara_err page_booking_work(struct req *r);
enum nara_err page_booking_publish(struct req *r);
enum nara_err page_booking_withdraw(struct req *r);
enum nara_err page_booking_staff_cancel(struct req *r);
enum nara_err page_booking_staff_new(struct req *r);
enum nara_err page_booking_staff_create(struct req *r);

#endif
