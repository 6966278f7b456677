/*
 * The PDF writer (src/web/pdf.c), read back with pdftotext (poppler-utils,
 * installed by scripts/deps.sh test): Swedish letters come out right in
 * the standard font, a name Windows-1252 cannot say comes out right in
 * the embedded one, long text flows over pages with "Sida i av n" on
 * each, a word longer than a line is broken rather than cut, and the
 * text's order is kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "web/pdf.h"

static void test_cp1252(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(pdf_to_cp1252("åäö ÅÄÖ é", out), 0);
	assert_string_equal(out, "\xe5\xe4\xf6 \xc5\xc4\xd6 \xe9");
	/* The letters of 0x80..0x9F that are not Latin-1. */
	assert_int_equal(pdf_to_cp1252("– € Š", out), 0);
	assert_string_equal(out, "\x96 \x80 \x8a");
	/* A letter it cannot say becomes '?', and says so. */
	assert_int_equal(pdf_to_cp1252("Yılmaz", out), -1);
	assert_string_equal(out, "Y?lmaz");
	/* Control characters are not text. */
	assert_int_equal(pdf_to_cp1252("a\tb", out), 0);
	assert_string_equal(out, "a b");
}

/* Runs pdftotext on the document; the text, or NULL. */
static char *text_of(const struct buf *pdf)
{
	char path[] = "/tmp/nara-test-pdf-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	ssize_t w = write(fd, pdf->data, pdf->len);
	close(fd);
	if (w != (ssize_t)pdf->len)
		return NULL;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "pdftotext -q -enc UTF-8 %s - 2>/dev/null",
		 path);
	FILE *f = popen(cmd, "r");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *text = malloc(cap);
	size_t n;
	while (text != NULL &&
	       (n = fread(text + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap) {
			char *more = realloc(text, cap * 2);
			if (more == NULL) {
				free(text);
				text = NULL;
				break;
			}
			text = more;
			cap *= 2;
		}
	}
	int rc = pclose(f);
	unlink(path);
	if (text == NULL || rc != 0) {
		free(text);
		return NULL;
	}
	text[len] = '\0';
	return text;
}

static void test_document(void **state)
{
	(void)state;
	struct pdf *p = pdf_new("Ärende TEST-2026-000001");
	assert_non_null(p);
	pdf_heading(p, 1, "Ärende TEST-2026-000001");
	pdf_field(p, "Gäller", "Stöd och hjälp åt Nguyễn Văn Ánh");
	pdf_heading(p, 2, "Anteckningar");
	char para[2048];
	for (int i = 0; i < 60; i++) {
		snprintf(para, sizeof(para),
			 "Stycke %d. Blåbärssoppa och smörgåsbord på "
			 "Åkersberga gård, där vi pratade länge om hur "
			 "vardagen går och vad du behöver från oss framöver.",
			 i + 1);
		pdf_paragraph(p, para);
	}
	/* One word far longer than a line. */
	char word[301];
	memset(word, 'x', 300);
	word[300] = '\0';
	pdf_paragraph(p, word);
	pdf_paragraph(p, "Slutet.");
	struct buf out;
	buf_init(&out);
	assert_int_equal(pdf_finish(p, "Skapad 23 november 2026 kl. 14:05",
				    "Sida", "av", &out),
			 NARA_OK);
	pdf_free(p);
	assert_true(out.len > 1000);
	assert_memory_equal(out.data, "%PDF-", 5);

	char *text = text_of(&out);
	assert_non_null(text);
	assert_non_null(strstr(text, "Ärende TEST-2026-000001"));
	assert_non_null(strstr(text, "Blåbärssoppa och smörgåsbord"));
	assert_non_null(strstr(text, "Nguyễn"));
	assert_non_null(strstr(text, "Skapad 23 november 2026 kl. 14:05"));
	/* Three pages or more, each numbered, the last one last. */
	char last[32];
	int pages = 0;
	for (int n = 1; n < 10; n++) {
		snprintf(last, sizeof(last), "Sida %d av ", n);
		if (strstr(text, last) != NULL)
			pages = n;
	}
	assert_true(pages >= 3);
	snprintf(last, sizeof(last), "Sida %d av %d", pages, pages);
	assert_non_null(strstr(text, last));
	/* Every paragraph is there, in order. */
	const char *at = text;
	for (int i = 0; i < 60; i++) {
		snprintf(para, sizeof(para), "Stycke %d.", i + 1);
		at = strstr(at, para);
		assert_non_null(at);
	}
	/* The long word is broken over lines, not cut: 300 x in all. */
	size_t xs = 0;
	for (const char *c = at; *c; c++)
		xs += *c == 'x';
	assert_int_equal(xs, 300);
	assert_non_null(strstr(at, "Slutet."));
	free(text);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cp1252),
	    cmocka_unit_test(test_document),
	};
	return cmocka_run_group_tests_name("pdf", tests, NULL, NULL);
}
