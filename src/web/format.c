/* Dates as people read them; see format.h. */
#include "web/format.h"

#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "policy/clock.h"
#include "web/i18n.h"

static const char *month_name(struct req *r, int month)
{
	char key[16];
	snprintf(key, sizeof(key), "month.%d", month);
	return i18n_get(r->lang, key);
}

static void local_time(int64_t t, struct civil_date *d, int *hour, int *min)
{
	*d = clock_local_date(t);
	int64_t local = t + clock_stockholm_offset(t);
	int64_t secs = ((local % 86400) + 86400) % 86400;
	*hour = (int)(secs / 3600);
	*min = (int)(secs % 3600 / 60);
}

const char *web_date(struct req *r, int64_t t)
{
	if (t == 0)
		return "";
	struct civil_date d;
	int h, m;
	local_time(t, &d, &h, &m);
	const char *s = arena_printf(&r->arena, "%d %s %d", d.day,
				     month_name(r, d.month), d.year);
	return s ? s : "";
}

const char *web_datetime(struct req *r, int64_t t)
{
	if (t == 0)
		return "";
	struct civil_date d;
	int h, m;
	local_time(t, &d, &h, &m);
	const char *s = arena_printf(&r->arena, "%d %s %d %s %02d:%02d", d.day,
				     month_name(r, d.month), d.year,
				     i18n_get(r->lang, "format.at"), h, m);
	return s ? s : "";
}

const char *web_iso_date(struct req *r, int64_t t)
{
	if (t == 0)
		return "";
	struct civil_date d = clock_local_date(t);
	const char *s =
	    arena_printf(&r->arena, "%04d-%02d-%02d", d.year, d.month, d.day);
	return s ? s : "";
}

const char *web_iso_datetime(struct req *r, int64_t t)
{
	if (t == 0)
		return "";
	struct civil_date d;
	int h, m;
	local_time(t, &d, &h, &m);
	const char *s = arena_printf(&r->arena, "%04d-%02d-%02d %02d:%02d",
				     d.year, d.month, d.day, h, m);
	return s ? s : "";
}

/* n digits at s as a number; -1 when any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int64_t web_parse_date(const char *s, int end_of_day)
{
	/* Exactly YYYY-MM-DD: no signs, spaces or other forms sscanf allows. */
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	struct civil_date d = {digits(s, 4), digits(s + 5, 2),
			       digits(s + 8, 2)};
	if (d.year < 1900 || d.year > 2999 || d.month < 1 || d.month > 12 ||
	    d.day < 1 || d.day > 31)
		return 0;
	/* A day that does not exist (31 April) comes back as another date. */
	struct civil_date back = civil_from_days(civil_to_days(d));
	if (back.day != d.day || back.month != d.month)
		return 0;
	if (end_of_day)
		d = civil_from_days(civil_to_days(d) + 1);
	return clock_local_midnight(d);
}
