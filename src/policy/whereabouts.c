/*
 * See whereabouts.h. Both sides are folded to one alphabet before the
 * search: ASCII letters lower case, the Latin-1 capitals of UTF-8 (Å, Ä,
 * Ö, É, ...) to their small letters, digits kept, every other ASCII byte
 * dropped. Telephone numbers compare on their last eight digits, so a
 * leading 0 or +46 makes no difference.
 */
#include "policy/whereabouts.h"

#include <stdlib.h>
#include <string.h>

enum { MIN_ADDRESS = 4, MIN_DIGITS = 5, PHONE_TAIL = 8, MIN_PHONE = 6 };

/* The folded text in a new string (NULL when out of memory). */
static char *fold(const char *s, int digits_only)
{
	size_t n = strlen(s);
	char *out = malloc(n + 1);
	if (out == NULL)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= '0' && c <= '9') {
			out[k++] = (char)c;
		} else if (digits_only) {
			continue;
		} else if (c >= 'A' && c <= 'Z') {
			out[k++] = (char)(c - 'A' + 'a');
		} else if (c >= 'a' && c <= 'z') {
			out[k++] = (char)c;
		} else if (c == 0xC3 && i + 1 < n) {
			/* U+00C0..U+00DE but U+00D7 (x sign): lower case is
			 * 0x20 further on, in the same two-byte row. */
			unsigned char d = (unsigned char)s[i + 1];
			if (d >= 0x80 && d <= 0x9E && d != 0x97)
				d = (unsigned char)(d + 0x20);
			out[k++] = (char)c;
			out[k++] = (char)d;
			i++;
		} else if (c >= 0x80) {
			out[k++] = (char)c;
		}
	}
	out[k] = '\0';
	return out;
}

static int contains(const char *folded_text, const char *detail,
		    int digits_only, size_t min_len, size_t tail)
{
	if (detail == NULL || *detail == '\0')
		return 0;
	char *d = fold(detail, digits_only);
	if (d == NULL)
		return 1; /* out of memory: refuse rather than let it through */
	size_t len = strlen(d);
	const char *needle = d;
	if (tail && len > tail)
		needle = d + (len - tail);
	int found = len >= min_len && strstr(folded_text, needle) != NULL;
	free(d);
	return found;
}

const char *whereabouts_in_text(const char *text, const struct whereabouts *w)
{
	if (text == NULL || w == NULL)
		return NULL;
	char *letters = fold(text, 0);
	char *digits = fold(text, 1);
	const char *found = NULL;
	if (letters == NULL || digits == NULL)
		found = "address";
	else if (contains(letters, w->address, 0, MIN_ADDRESS, 0))
		found = "address";
	else if (contains(letters, w->postal_code, 1, MIN_DIGITS, 0))
		found = "postal_code";
	else if (contains(digits, w->phone, 1, MIN_PHONE, PHONE_TAIL))
		found = "phone";
	free(letters);
	free(digits);
	return found;
}
