/* Templates and escaping: the syntax, escaping by default, compile errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "web/html.h"
#include "web/i18n.h"
#include "web/template.h"

static int setup(void **state)
{
	(void)state;
	char msg[256];
	return i18n_load(msg, sizeof(msg)) == NARA_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	i18n_free();
	return 0;
}

/* Compiles src, renders with v, compares with want. */
static void expect(const char *src, struct tvars *v, const char *lang,
		   const char *want)
{
	struct tpl *t;
	char msg[256] = "";
	enum nara_err err = tpl_compile("t", src, strlen(src), &t, msg, sizeof(msg));
	if (err != NARA_OK)
		fail_msg("compile '%s': %s", src, msg);
	struct buf out;
	buf_init(&out);
	assert_int_equal(tpl_render_compiled(&out, t, v, lang), NARA_OK);
	assert_string_equal(buf_cstr(&out), want);
	buf_free(&out);
	tpl_destroy(t);
}

static void test_escape(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } rows[] = {
		{"", ""},
		{"plain åäö", "plain åäö"},
		{"<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
		{"a & b \"c\"", "a &amp; b &quot;c&quot;"},
		{"&&", "&amp;&amp;"},
		{">", "&gt;"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf b;
		buf_init(&b);
		html_escape(&b, rows[i].in, strlen(rows[i].in));
		assert_string_equal(buf_cstr(&b), rows[i].out);
		buf_free(&b);
	}
	struct buf u;
	buf_init(&u);
	url_escape(&u, "/kommun/å b?&", 14);
	assert_string_equal(buf_cstr(&u), "%2Fkommun%2F%C3%A5%20b%3F%26");
	buf_free(&u);
}

static void test_values_escaped_raw_by_name(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 0);
	struct tvars *v = tv_new(&a);
	tv_set(v, "name", "<b>Åsa</b>");
	tv_set(v, "html", "<b>ok</b>");
	expect("Hej {{name}}!", v, "sv", "Hej &lt;b&gt;Åsa&lt;/b&gt;!");
	expect("{{ name }}", v, "sv", "&lt;b&gt;Åsa&lt;/b&gt;");
	expect("{{raw html}}", v, "sv", "<b>ok</b>");
	expect("[{{missing}}]", v, "sv", "[]");
	arena_free(&a);
}

static void test_blocks(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 0);
	struct tvars *v = tv_new(&a);
	tv_set(v, "who", "outer");
	for (int i = 1; i <= 3; i++) {
		struct tvars *item = tv_item(v, "items");
		tv_setf(item, "n", "%d", i);
	}
	tv_set(v, "empty", "");
	expect("{{#each items}}<{{n}}:{{who}}>{{/each}}", v, "sv",
	       "<1:outer><2:outer><3:outer>");
	expect("{{#if items}}yes{{else}}no{{/if}}", v, "sv", "yes");
	expect("{{#if nolist}}yes{{else}}no{{/if}}", v, "sv", "no");
	expect("{{#if empty}}yes{{else}}no{{/if}}", v, "sv", "no");
	expect("{{#unless empty}}shown{{/unless}}", v, "sv", "shown");
	expect("{{#each none}}x{{/each}}.", v, "sv", ".");
	expect("{{#each items}}{{#if n}}[{{n}}]{{/if}}{{/each}}", v, "sv",
	       "[1][2][3]");
	arena_free(&a);
}

static void test_catalogue(void **state)
{
	(void)state;
	expect("{{t layout.skip}}", NULL, "sv", "Hoppa till innehållet");
	expect("{{t layout.skip}}", NULL, "en", "Skip to content");
	assert_string_equal(i18n_choose(NULL, "en-GB,en;q=0.9"), "en");
	assert_string_equal(i18n_choose(NULL, "sv-SE"), "sv");
	assert_string_equal(i18n_choose(NULL, "de, en;q=0.5"), "en");
	assert_string_equal(i18n_choose(NULL, NULL), "sv");
	assert_string_equal(i18n_choose("en", "sv"), "en");
	assert_string_equal(i18n_choose("xx", "en"), "en");
	assert_string_equal(i18n_choose(NULL, "sve"), "sv"); /* not "sv" */
}

static void test_compile_errors(void **state)
{
	(void)state;
	static const char *bad[] = {
		"{{name",               /* not closed */
		"{{#if x}}no end",      /* block not closed */
		"{{/if}}",              /* end without block */
		"{{else}}",             /* else outside if */
		"{{#each x}}{{else}}{{/each}}",
		"{{t no.such.key}}",    /* unknown catalogue key */
		"{{na<me}}",            /* bad character */
		"{{}}",
		"{{raw }}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tpl *t = NULL;
		char msg[256] = "";
		if (tpl_compile("bad", bad[i], strlen(bad[i]), &t, msg,
				sizeof(msg)) == NARA_OK)
			fail_msg("'%s' compiled", bad[i]);
		assert_true(strlen(msg) > 0);
	}
}

static void test_embedded_templates_load(void **state)
{
	(void)state;
	char msg[256] = "";
	if (tpl_load(msg, sizeof(msg)) != NARA_OK)
		fail_msg("%s", msg);
	struct buf out;
	buf_init(&out);
	assert_int_equal(tpl_render(&out, "no-such-template", NULL, "sv"),
			 NARA_ENOTFOUND);
	buf_free(&out);
	tpl_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_values_escaped_raw_by_name),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_embedded_templates_load),
	};
	return cmocka_run_group_tests_name("template", tests, setup, teardown);
}
