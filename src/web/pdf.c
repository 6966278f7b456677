/*
 * The PDF writer; see pdf.h for what it offers and why these fonts.
 *
 * Layout: A4 portrait, 56 pt margins, text in 10.5 pt with 14.5 pt
 * between lines. Text is set word by word: each word is measured in the
 * font it will be set in, and a line is broken before the word that
 * would not fit; a word longer than a whole line is broken between
 * letters. A heading is never left alone at the foot of a page: it moves
 * to the next page unless two lines fit under it. The footer is written
 * last, when the number of pages is known.
 *
 * libharu reports errors through a callback; the callback only marks the
 * document failed, and pdf_finish says NARA_EIO (or NARA_ENOMEM), so no
 * half document is ever sent.
 */
#include "web/pdf.h"

#include <hpdf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_WORD = 4096 };

static const double PAGE_W = 595.276, PAGE_H = 841.89;
static const double MARGIN = 56, FOOTER_Y = 30;
static const double TEXT_SIZE = 10.5, LEADING = 14.5;

static const char FALLBACK_REGULAR[] =
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf";
static const char FALLBACK_BOLD[] =
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf";

struct pdf {
	HPDF_Doc doc;
	int failed;
	HPDF_Page *pages;
	size_t npages, cap;
	HPDF_Page page;
	double y; /* the baseline of the next line */
	HPDF_Font regular, bold;
	/* Liberation Sans for what Windows-1252 cannot say; loaded on need. */
	HPDF_Font wide_regular, wide_bold;
	int wide_tried;
	char word[MAX_WORD * 3 + 1]; /* one word, encoded for its font */
};

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *arg)
{
	(void)error;
	(void)detail;
	((struct pdf *)arg)->failed = 1;
}

/* ---- Windows-1252 ---- */

/* The code points of bytes 0x80..0x9F in Windows-1252 (0: unassigned). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,	    0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,	    0x017D, 0,
    0,	    0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,	    0x017E, 0x0178};

/* The next code point of valid UTF-8 (the caller's text is validated). */
static uint32_t next_cp(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = *p++;
	int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
	if (more)
		c &= 0x3F >> more;
	while (more-- > 0 && (*p & 0xC0) == 0x80)
		c = (c << 6) | (*p++ & 0x3F);
	*s = p;
	return c;
}

static int cp1252_of(uint32_t c)
{
	if (c < 0x80 || (c >= 0xA0 && c <= 0xFF))
		return (int)c;
	for (int i = 0; i < 32; i++)
		if (cp1252_high[i] == c)
			return 0x80 + i;
	return -1;
}

int pdf_to_cp1252(const char *in, char *out)
{
	const unsigned char *s = (const unsigned char *)in;
	int all = 0;
	size_t n = 0;
	while (*s) {
		uint32_t c = next_cp(&s);
		int b = cp1252_of(c);
		/* Control characters are not text to set. */
		if (b >= 0 && b < 0x20)
			b = ' ';
		if (b < 0) {
			b = '?';
			all = -1;
		}
		out[n++] = (char)b;
	}
	out[n] = '\0';
	return all;
}

/* ---- pages ---- */

static void new_page(struct pdf *p)
{
	if (p->npages == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		HPDF_Page *more = realloc(p->pages, cap * sizeof(*more));
		if (more == NULL) {
			p->failed = 1;
			return;
		}
		p->pages = more;
		p->cap = cap;
	}
	p->page = HPDF_AddPage(p->doc);
	if (p->page == NULL) {
		p->failed = 1;
		return;
	}
	HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	p->pages[p->npages++] = p->page;
	p->y = PAGE_H - MARGIN;
}

/* Makes room for height points of text, on a new page if need be. */
static void need(struct pdf *p, double height)
{
	if (p->page == NULL || p->y - height < MARGIN + 12)
		new_page(p);
}

struct pdf *pdf_new(const char *title)
{
	struct pdf *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->doc = HPDF_New(on_error, p);
	if (p->doc == NULL) {
		free(p);
		return NULL;
	}
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	p->regular = HPDF_GetFont(p->doc, "Helvetica", "CP1252");
	p->bold = HPDF_GetFont(p->doc, "Helvetica-Bold", "CP1252");
	char *t = malloc(strlen(title) + 1);
	if (t != NULL) {
		pdf_to_cp1252(title, t);
		HPDF_SetInfoAttr(p->doc, HPDF_INFO_TITLE, t);
		free(t);
	}
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, "N\xe4ra");
	if (p->regular == NULL || p->bold == NULL)
		p->failed = 1;
	return p;
}

void pdf_free(struct pdf *p)
{
	if (p == NULL)
		return;
	HPDF_Free(p->doc);
	free(p->pages);
	free(p);
}

/* Liberation Sans, once, when a word needs it; NULL when not there. */
static HPDF_Font wide_font(struct pdf *p, int bold)
{
	if (!p->wide_tried) {
		p->wide_tried = 1;
		if (access(FALLBACK_REGULAR, R_OK) == 0 &&
		    access(FALLBACK_BOLD, R_OK) == 0 &&
		    HPDF_UseUTFEncodings(p->doc) == HPDF_OK) {
			const char *r = HPDF_LoadTTFontFromFile(
			    p->doc, FALLBACK_REGULAR, HPDF_TRUE);
			const char *b = HPDF_LoadTTFontFromFile(
			    p->doc, FALLBACK_BOLD, HPDF_TRUE);
			if (r != NULL && b != NULL) {
				p->wide_regular =
				    HPDF_GetFont(p->doc, r, "UTF-8");
				p->wide_bold = HPDF_GetFont(p->doc, b, "UTF-8");
			}
		}
	}
	return bold ? p->wide_bold : p->wide_regular;
}

/*
 * Encodes one word (len bytes of UTF-8) for the font it will be set in:
 * Helvetica in Windows-1252 when it can say every letter, else Liberation
 * Sans in UTF-8. The word lands in p->word.
 */
static HPDF_Font encode_word(struct pdf *p, const char *s, size_t len, int bold)
{
	char utf8[MAX_WORD + 1];
	if (len > MAX_WORD)
		len = MAX_WORD;
	memcpy(utf8, s, len);
	utf8[len] = '\0';
	if (pdf_to_cp1252(utf8, p->word) == 0)
		return bold ? p->bold : p->regular;
	HPDF_Font wide = wide_font(p, bold);
	if (wide == NULL)
		return bold ? p->bold
			    : p->regular; /* with '?' for what is missing */
	memcpy(p->word, utf8, len + 1);
	return wide;
}

static double width_of(HPDF_Font f, const char *text, double size)
{
	HPDF_TextWidth w = HPDF_Font_TextWidth(f, (const HPDF_BYTE *)text,
					       (HPDF_UINT)strlen(text));
	return (double)w.width * size / 1000.0;
}

static void put(struct pdf *p, HPDF_Font f, double size, double x,
		const char *text)
{
	HPDF_Page_BeginText(p->page);
	HPDF_Page_SetFontAndSize(p->page, f, (HPDF_REAL)size);
	HPDF_Page_TextOut(p->page, (HPDF_REAL)x, (HPDF_REAL)p->y, text);
	HPDF_Page_EndText(p->page);
}

/* Length of the UTF-8 character at s. */
static size_t char_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	for (size_t i = 1; i < n; i++)
		if (s[i] == '\0')
			return i;
	return n;
}

/*
 * Sets text from x onwards, wrapped at the right margin; lines after the
 * first start at indent. Returns the x where the text ended.
 */
static double flow(struct pdf *p, const char *text, int bold, double size,
		   double leading, double x, double indent)
{
	const double right = PAGE_W - MARGIN;
	const double space = width_of(p->regular, " ", size);
	const char *s = text;
	int line_start = x <= indent + 0.01;
	while (*s) {
		if (*s == '\n') {
			p->y -= leading;
			need(p, leading);
			x = indent;
			line_start = 1;
			s++;
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\r') {
			s++;
			continue;
		}
		size_t len = 0;
		while (s[len] && s[len] != ' ' && s[len] != '\n' &&
		       s[len] != '\t' && s[len] != '\r')
			len++;
		HPDF_Font f = encode_word(p, s, len, bold);
		double w = width_of(f, p->word, size);
		double at = line_start ? x : x + space;
		if (at + w > right && !line_start) {
			p->y -= leading;
			need(p, leading);
			x = indent;
			at = x;
			line_start = 1;
		}
		if (at + w > right) {
			/* Longer than a line: as many letters as fit. */
			size_t fit = 0;
			while (fit < len) {
				size_t next = fit + char_len(s + fit);
				HPDF_Font g = encode_word(p, s, next, bold);
				if (fit > 0 &&
				    at + width_of(g, p->word, size) > right)
					break;
				fit = next;
			}
			f = encode_word(p, s, fit, bold);
			put(p, f, size, at, p->word);
			s += fit;
			p->y -= leading;
			need(p, leading);
			x = indent;
			line_start = 1;
			continue;
		}
		put(p, f, size, at, p->word);
		x = at + w;
		line_start = 0;
		s += len;
	}
	return x;
}

void pdf_heading(struct pdf *p, int level, const char *text)
{
	double size = level <= 1 ? 17 : level == 2 ? 13.5 : 11.5;
	double before = level <= 1 ? 0 : level == 2 ? 14 : 8;
	double leading = size * 1.3;
	if (p->page != NULL)
		p->y -= before;
	/* Never alone at the foot of a page: two lines must fit under it. */
	need(p, leading + 2 * LEADING);
	if (p->failed)
		return;
	p->y -= size;
	flow(p, text, 1, size, leading, MARGIN, MARGIN);
	p->y -= leading - size + 4;
}

void pdf_paragraph(struct pdf *p, const char *text)
{
	need(p, LEADING);
	if (p->failed)
		return;
	p->y -= TEXT_SIZE;
	flow(p, text, 0, TEXT_SIZE, LEADING, MARGIN, MARGIN);
	p->y -= LEADING - TEXT_SIZE + 3;
}

void pdf_field(struct pdf *p, const char *label, const char *value)
{
	need(p, LEADING);
	if (p->failed)
		return;
	p->y -= TEXT_SIZE;
	/* The colon is part of the label's last word, never on a line alone. */
	char *with_colon = malloc(strlen(label) + 2);
	if (with_colon == NULL) {
		p->failed = 1;
		return;
	}
	strcpy(with_colon, label);
	strcat(with_colon, ":");
	double x = flow(p, with_colon, 1, TEXT_SIZE, LEADING, MARGIN, MARGIN);
	free(with_colon);
	flow(p, value, 0, TEXT_SIZE, LEADING,
	     x + width_of(p->regular, " ", TEXT_SIZE), MARGIN);
	p->y -= LEADING - TEXT_SIZE + 1;
}

void pdf_gap(struct pdf *p, double points)
{
	if (p->page != NULL)
		p->y -= points;
}

enum nara_err pdf_finish(struct pdf *p, const char *made, const char *page_word,
			 const char *of_word, struct buf *out)
{
	if (p->page == NULL)
		new_page(p);
	if (p->failed)
		return NARA_EIO;
	char *made_1252 = malloc(strlen(made) + 1);
	char *page_1252 = malloc(strlen(page_word) + 1);
	char *of_1252 = malloc(strlen(of_word) + 1);
	enum nara_err err = NARA_OK;
	if (made_1252 == NULL || page_1252 == NULL || of_1252 == NULL) {
		err = NARA_ENOMEM;
	} else {
		pdf_to_cp1252(made, made_1252);
		pdf_to_cp1252(page_word, page_1252);
		pdf_to_cp1252(of_word, of_1252);
		for (size_t i = 0; i < p->npages; i++) {
			char number[160];
			snprintf(number, sizeof(number), "%s %zu %s %zu",
				 page_1252, i + 1, of_1252, p->npages);
			p->page = p->pages[i];
			p->y = FOOTER_Y;
			put(p, p->regular, 8.5, MARGIN, made_1252);
			double w = width_of(p->regular, number, 8.5);
			put(p, p->regular, 8.5, PAGE_W - MARGIN - w, number);
		}
	}
	free(made_1252);
	free(page_1252);
	free(of_1252);
	if (err == NARA_OK && HPDF_SaveToStream(p->doc) != HPDF_OK)
		err = NARA_EIO;
	if (err == NARA_OK && p->failed)
		err = NARA_EIO;
	if (err != NARA_OK)
		return err;
	HPDF_UINT32 size = HPDF_GetStreamSize(p->doc);
	if (buf_reserve(out, size) != 0)
		return NARA_ENOMEM;
	/* The whole stream at once; reaching its end is not an error. */
	HPDF_UINT32 got = size;
	HPDF_STATUS rc = HPDF_ReadFromStream(
	    p->doc, (HPDF_BYTE *)out->data + out->len, &got);
	if ((rc != HPDF_OK && rc != HPDF_STREAM_EOF) || got != size)
		return NARA_EIO;
	out->len += got;
	return NARA_OK;
}
