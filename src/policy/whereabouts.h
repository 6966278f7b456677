/*
 * Whether a text carries a protected person's whereabouts (DOMAIN.md
 * R4.4): messages and letters that would carry a marked person's address,
 * postal code or telephone number are blocked. Pure: the caller loads the
 * person's details and asks before anything is written.
 *
 * The comparison forgives what people vary when they type: case (Swedish
 * letters too), spaces, punctuation and hyphens ("Storgatan 12 B" matches
 * "storgatan 12b", "252 25" matches "25225", "070-123 45 67" matches
 * "0701234567" and "+46 70 123 45 67"). A detail too short to be telling
 * (a street of under four letters and digits, a number of under six
 * digits) is not looked for, so that ordinary words are not refused.
 */
#ifndef NARA_WHEREABOUTS_H
#define NARA_WHEREABOUTS_H

struct whereabouts {
	const char *address, *postal_code, *phone; /* each may be NULL or "" */
};

/*
 * The first detail of w found in text: "address", "postal_code" or
 * "phone"; NULL when the text carries none (or is NULL).
 */
const char *whereabouts_in_text(const char *text, const struct whereabouts *w);

#endif
