/*
** printform.h — one-page printable Chinese forms (维修任务单 now; receipts and passes later)
** rendered as PDF bytes with cairo + pango, in the font WenQuanYi Zen Hei.
**
** The page, top to bottom, inside 12 mm margins:
**   org line (centred), title (large, centred); number top-right, under a QR code of it
**   when qr is set; a bordered table of fields — two label/value pairs a row, label cells
**   shaded, a wide field on a row of its own; a row of signature boxes (label above, a
**   "日期：" line inside) at the bottom of the page; the footer in small grey type.
**
** Text is set as plain text (never markup): any UTF-8, '<' and '&' included, prints as it
** is; invalid UTF-8 is shown as replacement marks. NULL strings print as empty.
** The result is always exactly one page:
**   - a value wraps inside its cell; a two-column value is cut with "…" after 4 lines;
**   - wide fields share the height left over by everything else: first each gets the room
**     its `lines` asks for (space to write in beats more of a long text), then the height its
**     text needs, in field order; text that still does not fit is cut with "…"; height still
**     left over goes to the fields with `lines`, in proportion, so the boxes to write in reach
**     down to the signatures (without such fields the table ends where its text ends);
**   - org, title, number and footer stay on one line, cut with "…" when too long (the title
**     first shrinks from 20 to 14 pt);
**   - the render fails when not even one line of every field fits (too many fields), or when
**     the signature boxes would be narrower than 12 mm (too many of them).
** Safe to call from several threads: renders are serialised by one mutex (see printform.c).
*/
#ifndef KEFU_PRINTFORM_H
#define KEFU_PRINTFORM_H
#include <stdbool.h>
#include "base/buf.h"

typedef struct pf_field {
    const char *label, *value;
    bool wide;                  /* spans the full width, multi-line (content) */
    int lines;                  /* wide only: room for at least this many lines, to be written in by
                                ** hand ("处理情况"); grows into spare height, shrinks when the page is full.
                                ** 0: as high as the text needs */
} pf_field;

typedef struct pf_doc {
    const char *title;          /* "维修任务单" — large, centred */
    const char *org;            /* project/company name printed above the title, e.g. "碧桂园·凤凰城管理处" */
    const char *number;         /* "BX20261125-0007", printed top-right, and encoded in the QR code when qr is true */
    bool qr;                    /* draw a QR code of `number` top-right (about 22 mm); no QR when number is empty */
    const pf_field *fields;     /* label/value pairs in a two-column grid with cell borders; wide ones take a full row and wrap */
    int nfields;
    const char *const *signatures; /* labels of signature boxes drawn as empty bordered boxes at the bottom: "维修人员签字" "业主签字确认" "客服回访" */
    int nsign;
    const char *footer;         /* small grey line at the bottom, e.g. "打印时间 2026-11-25 14:03 · 打印人 李静" */
    bool a4;                    /* A4 portrait (210×297 mm) when true, else A5 portrait (148×210 mm) */
} pf_doc;

/* Renders the form as a one-page PDF appended to out. Returns 0 on success, -1 on failure
** (out may then hold partial data; the caller discards it). Text longer than its cell wraps;
** a wide field whose text does not fit the page is cut with "…" so the page count stays 1. */
int pf_render_pdf(const pf_doc *d, buf *out);
#endif
