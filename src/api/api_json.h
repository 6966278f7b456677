/*
 * Cases as JSON, for the API. One serializer for staff and the person:
 * what the person may not see is never in the case_view the domain gives
 * for them (case_read_own computes it), and reports of concern with the
 * reporters' identities are written only for staff.
 */
#ifndef NARA_API_JSON_H
#define NARA_API_JSON_H

#include <jansson.h>

#include "domain/case.h"

struct req;

json_t *api_case_summary_json(const struct case_summary *c);
json_t *api_case_view_json(struct req *r, const struct case_view *v, int staff);

#endif
