/*
 * libFuzzer: the template compiler (src/web/template.c) on arbitrary text,
 * and rendering whatever compiles with a few values and lists.
 */
#include <stdint.h>
#include <stdlib.h>

#include "web/i18n.h"
#include "web/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int loaded;
	if (!loaded) {
		char msg[256];
		if (i18n_load(msg, sizeof(msg)) != NARA_OK)
			abort();
		loaded = 1;
	}
	struct tpl *t;
	char msg[256];
	if (tpl_compile("fuzz", (const char *)data, size, &t, msg, sizeof(msg)) != NARA_OK)
		return 0;
	struct arena a;
	arena_init(&a, 1 << 22);
	struct tvars *v = tv_new(&a);
	tv_set(v, "a", "<x>");
	tv_set(v, "b", "");
	for (int i = 0; i < 3; i++)
		tv_setf(tv_item(v, "list"), "a", "%d", i);
	struct buf out;
	buf_init(&out);
	tpl_render_compiled(&out, t, v, (size & 1) ? "en" : "sv");
	buf_free(&out);
	arena_free(&a);
	tpl_destroy(t);
	return 0;
}
