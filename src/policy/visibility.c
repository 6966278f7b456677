/* What of the file the person may read; see visibility.h. */
#include "policy/visibility.h"

#include <stddef.h>
#include <string.h>

int policy_note_visible(enum note_visibility v, int64_t visible_from,
			int64_t now)
{
	switch (v) {
	case VIS_NOW:
		return 1;
	case VIS_FROM_DATE:
		return now >= visible_from;
	default:
		return 0; /* withheld, or a value this build does not know */
	}
}

int policy_visibility_valid(enum note_visibility v, int64_t visible_from,
			    enum withheld_reason reason, int64_t now)
{
	switch (v) {
	case VIS_NOW:
		return visible_from == 0 && reason == WITHHELD_NONE;
	case VIS_FROM_DATE:
		return visible_from > now && reason == WITHHELD_NONE;
	case VIS_WITHHELD:
		return visible_from == 0 && reason > WITHHELD_NONE &&
		       reason < WITHHELD_COUNT;
	default:
		return 0;
	}
}

static const char *const vis_names[VIS_COUNT] = {
    [VIS_NOW] = "now",
    [VIS_FROM_DATE] = "from_date",
    [VIS_WITHHELD] = "withheld",
};

static const char *const reason_names[WITHHELD_COUNT] = {
    [WITHHELD_NONE] = "",
    [WITHHELD_THIRD_PARTY] = "third_party",
    [WITHHELD_REPORTER_IDENTITY] = "reporter_identity",
    [WITHHELD_HARM] = "harm",
};

const char *note_visibility_name(enum note_visibility v)
{
	return (int)v >= 0 && v < VIS_COUNT ? vis_names[v] : "withheld";
}

int note_visibility_parse(const char *name)
{
	for (int i = 0; name != NULL && i < VIS_COUNT; i++)
		if (strcmp(vis_names[i], name) == 0)
			return i;
	return -1;
}

const char *withheld_reason_name(enum withheld_reason r)
{
	return (int)r >= 0 && r < WITHHELD_COUNT ? reason_names[r] : "";
}

int withheld_reason_parse(const char *name)
{
	for (int i = 0; name != NULL && i < WITHHELD_COUNT; i++)
		if (strcmp(reason_names[i], name) == 0)
			return i;
	return -1;
}
