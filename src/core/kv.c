/* Lookups in parsed key/value lists; see kv.h. */
#include "core/kv.h"

#include <string.h>

const char *kv_get(const struct kvlist *list, const char *key)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcmp(list->items[i].key, key) == 0)
			return list->items[i].value;
	return NULL;
}
