/*
 * Documents out as PDF (DESIGN.md: libharu): a small writer of headings,
 * word-wrapped paragraphs and labelled values that flow over A4 pages,
 * with a footer on every page that says when the document was made and
 * "page i of n". Text comes in as UTF-8.
 *
 * Fonts: Helvetica and Helvetica-Bold, the standard PDF fonts every
 * reader has, in the Windows-1252 encoding, which holds Swedish (å ä ö é)
 * and most western European letters: such text needs no embedded font,
 * stays small (about 10 KB a case) and quick (about a millisecond), and
 * copies and searches exactly in every reader. A word that Windows-1252
 * cannot say (Yılmaz, Nguyễn, Łukasz) is set in Liberation Sans from
 * fonts-liberation, embedded as a subset with Unicode (UTF-8), so every
 * name comes out as it is written. That font is loaded only when a
 * document needs it; without the font file such a letter becomes "?".
 */
#ifndef NARA_PDF_H
#define NARA_PDF_H

#include "core/buf.h"
#include "core/err.h"

struct pdf;

/* A new document; title goes into the document's properties. NULL: no memory.
 */
struct pdf *pdf_new(const char *title);
void pdf_free(struct pdf *p);

/* level 1 (the title), 2 (a section) or 3 (an entry in a section). */
void pdf_heading(struct pdf *p, int level, const char *text);
/* A paragraph, wrapped to the page; a newline in text starts a new line. */
void pdf_paragraph(struct pdf *p, const char *text);
/* "label: value" with the label in bold, wrapped like a paragraph. */
void pdf_field(struct pdf *p, const char *label, const char *value);
/* Vertical space, in points. */
void pdf_gap(struct pdf *p, double points);

/*
 * Writes the footer on every page ("made" on the left, "page_word i
 * of_word n" on the right) and the document into out.
 */
enum nara_err pdf_finish(struct pdf *p, const char *made, const char *page_word,
			 const char *of_word, struct buf *out);

/*
 * UTF-8 to Windows-1252 (out has room for strlen(in) + 1 bytes): 0 when
 * every character could be said, -1 when one could not (it became '?').
 */
int pdf_to_cp1252(const char *in, char *out);

#endif
