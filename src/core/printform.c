/*
** printform.c — the one-page form renderer (see printform.h).
**
** Units are PDF points (1/72 in), the PDF surface's own; MM() converts millimetres. Pango runs
** at 72 dpi with absolute font sizes, so a 10 pt font is 10 units tall. Type sizes are for A5
** and grow by p->k on A4.
**
** Order of work: the header and the bottom (signature boxes, footer) are fixed; the table
** gets the height between them. Every row is measured first; two-column rows keep their
** height (values cut after MAX_LINES lines), wide rows share what is left (fit_rows), each
** cut with "…" (see cut_lines) when its text needs more.
**
** Thread safety: a mutex is held for the whole render (pf_render_pdf). Pango font maps and
** the fonts and shapers cached in them must not be used by two threads at once; under the
** mutex one font map, made on first use and kept for the life of the process, serves every
** call (loading the font afresh for each form would cost more than drawing it).
*/
#include "printform.h"
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#define MM(x) ((x) * 72.0 / 25.4)
#define FONT "WenQuanYi Zen Hei"   /* not Noto Sans CJK: cairo 1.16 writes a broken 如 from it */
#define MARGIN MM(12)
#define PAD_X MM(1.8)              /* text inside a cell */
#define PAD_Y MM(1.3)
#define LINE_W 0.5                 /* cell borders, pt */
#define FRAME_W 1.2                /* frame around the table */
#define QR_SIZE MM(22)
#define MAX_LINES 4                /* a two-column value is cut after this many lines */
#define LABEL_GREY 0.9             /* shading of label cells */
#define SIGN_GAP MM(4)             /* between signature boxes */

static pthread_mutex_t pf_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *pf_fontmap;   /* under pf_lock; made on first use, never freed */

typedef struct pf {
    cairo_t *cr;
    PangoContext *pc;
    double w, h;                   /* page */
    double left, right, top, bottom; /* inside the margins */
    double k;                      /* type scale: 1 on A5 */
} pf;

/* One table row: two label/value pairs, or one field (f[1] < 0) across the row. */
typedef struct pf_row {
    int f[2];
    int lines;                     /* pf_field.lines of a wide row, else 0 */
    PangoLayout *lab[2], *val[2];
    double nat, min, room, h;      /* natural, least, asked for (pf_field.lines), given height */
} pf_row;

/* Table geometry shared by the row functions. */
typedef struct pf_grid {
    double lw;                     /* label column width */
    double half;                   /* width of one label/value pair */
    double line;                   /* height of one line of value text */
    double min_h;                  /* least height of a row */
} pf_grid;

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len) {
    buf *b = closure;
    buf_append(b, data, len);
    return buf_ok(b) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* ---- text ---- */

/* A layout of s (NULL prints as empty; invalid UTF-8 as U+FFFD) at size pt (times p->k).
** width > 0 wraps the text at that width. */
static PangoLayout *text(pf *p, const char *s, double size, bool bold, double width) {
    PangoLayout *l = pango_layout_new(p->pc);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family_static(fd, FONT);
    pango_font_description_set_absolute_size(fd, size * p->k * PANGO_SCALE);
    if (bold) pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (!s) s = "";
    if (g_utf8_validate(s, -1, NULL)) {
        pango_layout_set_text(l, s, -1);
    } else {
        char *v = g_utf8_make_valid(s, -1);
        pango_layout_set_text(l, v, -1);
        g_free(v);
    }
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    return l;
}

/* Keeps the first n lines of l (n >= 1); when text is cut, the last line ends in "…".
** Cut in the text itself rather than by pango's ellipsizing, which keeps the whole hidden
** text in the PDF (as the ellipsis glyph's ActualText) for copy and search to find. */
static void cut_lines(PangoLayout *l, int n) {
    if (pango_layout_get_line_count(l) <= n) return;
    PangoLayoutLine *first_cut = pango_layout_get_line_readonly(l, n);
    GString *t = g_string_new_len(pango_layout_get_text(l), first_cut->start_index);
    for (;;) {
        while (t->len && strchr(" \t\r\n", t->str[t->len - 1])) g_string_truncate(t, t->len - 1);
        g_string_append(t, "…");
        pango_layout_set_text(l, t->str, (int)t->len);
        if (pango_layout_get_line_count(l) <= n || t->len <= strlen("…")) break;
        g_string_truncate(t, t->len - strlen("…"));
        const char *prev = g_utf8_find_prev_char(t->str, t->str + t->len);
        g_string_truncate(t, prev ? (size_t)(prev - t->str) : 0);
    }
    g_string_free(t, TRUE);
}

static double text_h(PangoLayout *l) {
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static double text_w(PangoLayout *l) {
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)w / PANGO_SCALE;
}

static void show(pf *p, PangoLayout *l, double x, double y, double grey) {
    cairo_set_source_rgb(p->cr, grey, grey, grey);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, l);
}

/* Draws s as one line in [x, x + width] with its top at y, cut with "…" when too long.
** Returns its height. */
static double one_line(pf *p, const char *s, double size, bool bold, double x, double y,
                       double width, PangoAlignment align, double grey) {
    PangoLayout *l = text(p, s, size, bold, width);
    pango_layout_set_alignment(l, align);
    cut_lines(l, 1);
    double h = text_h(l);
    show(p, l, x, y, grey);
    g_object_unref(l);
    return h;
}

/* Height of one line of text at size pt. */
static double line_h(pf *p, double size) {
    PangoLayout *l = text(p, "国", size, false, 0);
    double h = text_h(l);
    g_object_unref(l);
    return h;
}

/* ---- header ---- */

/* The QR code of s, size × size at (x, y): one rectangle per run of dark modules, filled
** as a single path so no seams show between modules. */
static int draw_qr(pf *p, const char *s, double x, double y, double size) {
    QRcode *q = QRcode_encodeString(s, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) return -1;
    int n = q->width;
    double m = size / n;
    for (int r = 0; r < n; r++) {
        const unsigned char *row = q->data + (size_t)r * (size_t)n;
        for (int c = 0; c < n;) {
            if (!(row[c] & 1)) { c++; continue; }
            int c0 = c;
            while (c < n && (row[c] & 1)) c++;
            cairo_rectangle(p->cr, x + c0 * m, y + r * m, (c - c0) * m, m);
        }
    }
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    cairo_fill(p->cr);
    QRcode_free(q);
    return 0;
}

/* Number at the top right: under the QR code when there is one, else on the org line.
** Sets *reserve to the width kept free at each side of the centred org line and title,
** and *bottom to the lowest point drawn. */
static int draw_number(pf *p, const pf_doc *d, double *reserve, double *bottom) {
    const char *num = d->number ? d->number : "";
    *reserve = 0;
    *bottom = p->top;
    if (!*num) return 0;
    char *label = g_strconcat("编号：", num, NULL);
    double width = (p->right - p->left) / 3, y = p->top;
    if (d->qr) {
        if (draw_qr(p, num, p->right - QR_SIZE, y, QR_SIZE) != 0) { g_free(label); return -1; }
        y += QR_SIZE + MM(2.5);              /* about 3 modules of quiet zone above the text */
        *reserve = QR_SIZE + MM(4);
    }
    PangoLayout *l = text(p, label, 8, false, 0);
    double w = text_w(l);
    g_object_unref(l);
    if (w > width) w = width;
    *bottom = y + one_line(p, label, 8, false, p->right - w, y, w, PANGO_ALIGN_RIGHT, 0);
    if (!d->qr) *reserve = w + MM(2);
    g_free(label);
    return 0;
}

/* Title size: 20 pt, smaller (down to 14 pt) for a long title that would not fit width. */
static double title_size(pf *p, const char *title, double width) {
    PangoLayout *l = text(p, title, 20, true, 0);
    double w = text_w(l);
    g_object_unref(l);
    double size = w > width ? 20 * width / w : 20;
    return size < 14 ? 14 : size;
}

/* Org line, title, number and QR code; returns the y below them, or -1. */
static double draw_header(pf *p, const pf_doc *d) {
    double reserve, num_bottom;
    if (draw_number(p, d, &reserve, &num_bottom) != 0) return -1;
    double x = p->left + reserve, width = p->right - p->left - 2 * reserve, y = p->top;
    if (d->org && *d->org)
        y += one_line(p, d->org, 10.5, false, x, y, width, PANGO_ALIGN_CENTER, 0.2) + MM(1.5);
    if (!d->qr) {                      /* the number is beside the org line: the title is below it */
        x = p->left;
        width = p->right - p->left;
        if (num_bottom > y) y = num_bottom + MM(1.5);
    }
    double size = title_size(p, d->title, width);
    y += one_line(p, d->title, size, true, x, y, width, PANGO_ALIGN_CENTER, 0);
    if (num_bottom > y) y = num_bottom;
    return y + MM(4);
}

/* ---- table ---- */

/* Width of the label column: the widest label on one line, within limits. */
static double label_width(pf *p, const pf_doc *d, double half) {
    double w = 0;
    for (int i = 0; i < d->nfields; i++) {
        PangoLayout *l = text(p, d->fields[i].label, 9.5, false, 0);
        double lw = text_w(l);
        g_object_unref(l);
        if (lw > w) w = lw;
    }
    w += 2 * PAD_X + MM(1.5) * p->k;
    if (w < MM(16) * p->k) w = MM(16) * p->k;
    if (w > half * 0.45) w = half * 0.45;
    return w;
}

/* Pairs the fields into rows; returns the row count. rows has room for nfields. */
static int make_rows(const pf_doc *d, pf_row *rows) {
    int n = 0, pending = -1;
    for (int i = 0; i < d->nfields; i++) {
        if (d->fields[i].wide) {
            if (pending >= 0) rows[n++] = (pf_row){.f = {pending, -1}};
            pending = -1;
            rows[n++] = (pf_row){.f = {i, -1}};
        } else if (pending >= 0) {
            rows[n++] = (pf_row){.f = {pending, i}};
            pending = -1;
        } else {
            pending = i;
        }
    }
    if (pending >= 0) rows[n++] = (pf_row){.f = {pending, -1}};
    return n;
}

/* Lays out the labels and values of a row and sets its natural height. */
static void measure_row(pf *p, const pf_doc *d, const pf_grid *g, pf_row *r) {
    bool pair = r->f[1] >= 0;
    double vw = (pair ? g->half : p->right - p->left) - g->lw - 2 * PAD_X;
    r->nat = r->min = g->min_h;
    for (int j = 0; j < 2 && r->f[j] >= 0; j++) {
        const pf_field *f = &d->fields[r->f[j]];
        r->lab[j] = text(p, f->label, 9.5, false, g->lw - 2 * PAD_X);
        pango_layout_set_alignment(r->lab[j], PANGO_ALIGN_CENTER);
        cut_lines(r->lab[j], 3);
        r->val[j] = text(p, f->value, 10, false, vw);
        if (!f->wide) cut_lines(r->val[j], MAX_LINES);
        double lh = text_h(r->lab[j]) + 2 * PAD_Y, vh = text_h(r->val[j]) + 2 * PAD_Y;
        if (lh > r->min) r->min = lh;
        if (lh > r->nat) r->nat = lh;
        if (vh > r->nat) r->nat = vh;
        double room = f->wide && f->lines > 0 ? f->lines * g->line + 2 * PAD_Y : 0;
        if (room > r->nat) r->nat = room;
        r->room = room > r->min ? room : r->min;
        r->lines = f->wide && f->lines > 0 ? f->lines : 0;
        if (!f->wide) r->min = r->room = r->nat;
    }
    r->h = r->min;
}

/* Grows r towards height to, out of *spare. */
static void grow(pf_row *r, double to, double *spare) {
    double extra = to - r->h;
    if (extra <= 0) return;
    if (extra > *spare) extra = *spare;
    r->h += extra;
    *spare -= extra;
}

/* Shares out spare among the rows with `lines`, in proportion to them. */
static void fill(pf_row *rows, int n, double spare) {
    double total = 0;
    for (int i = 0; i < n; i++) total += rows[i].lines;
    for (int i = 0; total > 0 && i < n; i++) rows[i].h += spare * rows[i].lines / total;
}

/* Gives wide rows the height left in avail: first the room their `lines` ask for, then what
** their text needs, each time in field order; cuts the text that still does not fit. What is
** left goes to the rows with `lines`. Returns -1 when not even one line of every row fits. */
static int fit_rows(pf_row *rows, int n, const pf_grid *g, double avail) {
    double spare = avail;
    for (int i = 0; i < n; i++) spare -= rows[i].min;
    if (spare < 0) return -1;
    for (int i = 0; i < n; i++) grow(&rows[i], rows[i].room, &spare);
    for (int i = 0; i < n; i++) grow(&rows[i], rows[i].nat, &spare);
    fill(rows, n, spare);
    for (int i = 0; i < n; i++) {
        pf_row *r = &rows[i];
        int lines = (int)((r->h - 2 * PAD_Y) / g->line);
        while (r->h < r->nat && lines >= 1 && text_h(r->val[0]) > r->h - 2 * PAD_Y)
            cut_lines(r->val[0], lines--);
    }
    return 0;
}

/* One cell: optional shading, border, and l (may be NULL) at the top or vertically centred. */
static void draw_cell(pf *p, double x, double y, double w, double h, PangoLayout *l, bool shade, bool top) {
    cairo_rectangle(p->cr, x, y, w, h);
    if (shade) {
        cairo_set_source_rgb(p->cr, LABEL_GREY, LABEL_GREY, LABEL_GREY);
        cairo_fill_preserve(p->cr);
    }
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    cairo_set_line_width(p->cr, LINE_W);
    cairo_stroke(p->cr);
    if (l) show(p, l, x + PAD_X, top ? y + PAD_Y : y + (h - text_h(l)) / 2, 0);
}

static void draw_row(pf *p, const pf_grid *g, const pf_row *r, double y) {
    bool pair = r->f[1] >= 0;
    double x = p->left, vw = (pair ? g->half : p->right - p->left) - g->lw;
    for (int j = 0; j < 2 && r->f[j] >= 0; j++) {
        draw_cell(p, x, y, g->lw, r->h, r->lab[j], true, false);
        draw_cell(p, x + g->lw, y, vw, r->h, r->val[j], false, r->lines > 0);  /* text, then room */
        x += g->half;
    }
}

/* The rows one under the other from y, then the frame around them. */
static void draw_rows(pf *p, const pf_grid *g, const pf_row *rows, int n, double y) {
    double y0 = y;
    for (int i = 0; i < n; i++) {
        draw_row(p, g, &rows[i], y);
        y += rows[i].h;
    }
    cairo_rectangle(p->cr, p->left, y0, p->right - p->left, y - y0);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    cairo_set_line_width(p->cr, FRAME_W);
    cairo_stroke(p->cr);
}

static void free_rows(pf_row *rows, int n) {
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 2; j++) {
            if (rows[i].lab[j]) g_object_unref(rows[i].lab[j]);
            if (rows[i].val[j]) g_object_unref(rows[i].val[j]);
        }
    free(rows);
}

/* The field table between y and bottom. */
static int draw_table(pf *p, const pf_doc *d, double y, double bottom) {
    if (!d->fields || d->nfields <= 0) return 0;
    pf_grid g = {.half = (p->right - p->left) / 2, .line = line_h(p, 10)};
    g.lw = label_width(p, d, g.half);
    g.min_h = g.line + 2 * PAD_Y;
    if (g.min_h < MM(7.5) * p->k) g.min_h = MM(7.5) * p->k;
    pf_row *rows = calloc((size_t)d->nfields, sizeof *rows);
    if (!rows) return -1;
    int n = make_rows(d, rows);
    for (int i = 0; i < n; i++) measure_row(p, d, &g, &rows[i]);
    int rc = fit_rows(rows, n, &g, bottom - y);
    if (rc == 0) draw_rows(p, &g, rows, n, y);
    free_rows(rows, n);
    return rc;
}

/* ---- bottom ---- */

/* "日期：  年  月  日" at the bottom of a signature box, or just "日期：" when narrow. */
static void draw_date(pf *p, double x, double y, double w, double h) {
    PangoLayout *l = text(p, "日期：      年    月    日", 8.5, false, 0);
    if (text_w(l) > w - 2 * PAD_X) pango_layout_set_text(l, "日期：", -1);
    show(p, l, x + PAD_X, y + h - PAD_Y - text_h(l), 0.25);
    g_object_unref(l);
}

/* The signature boxes in a row, the tops of their labels at y. */
static void draw_signatures(pf *p, const pf_doc *d, double y, double box_w, double box_h) {
    double box_y = y + line_h(p, 9) + MM(1);
    for (int i = 0; i < d->nsign; i++) {
        double x = p->left + i * (box_w + SIGN_GAP);
        one_line(p, d->signatures[i], 9, false, x, y, box_w, PANGO_ALIGN_LEFT, 0);
        cairo_rectangle(p->cr, x, box_y, box_w, box_h);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
        cairo_set_line_width(p->cr, LINE_W * 2);
        cairo_stroke(p->cr);
        draw_date(p, x, box_y, box_w, box_h);
    }
}

/* Signatures and footer at the bottom; returns the y above them, where the table must end,
** or -1 when the signature boxes would be too narrow to sign in. */
static double draw_bottom(pf *p, const pf_doc *d) {
    double y = p->bottom;
    if (d->footer && *d->footer) {
        y -= line_h(p, 7.5);
        one_line(p, d->footer, 7.5, false, p->left, y, p->right - p->left, PANGO_ALIGN_CENTER, 0.45);
        y -= MM(2.5);
    }
    if (!d->signatures || d->nsign <= 0) return y;
    double n = d->nsign, box_w = (p->right - p->left - SIGN_GAP * (n - 1)) / n;
    if (box_w < MM(12)) return -1;
    double box_h = MM(17) * p->k;
    y -= line_h(p, 9) + MM(1) + box_h;
    draw_signatures(p, d, y, box_w, box_h);
    return y - MM(5);
}

/* ---- page ---- */

static void setup_context(pf *p) {
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(p->pc, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_context_set_resolution(p->pc, 72);
    pango_context_set_round_glyph_positions(p->pc, FALSE);
    pango_context_set_language(p->pc, pango_language_from_string("zh-cn"));
    pango_cairo_update_context(p->cr, p->pc);
}

static int draw_page(pf *p, const pf_doc *d) {
    double y = draw_header(p, d);
    if (y < 0) return -1;
    double end = draw_bottom(p, d);
    if (end < 0) return -1;
    return draw_table(p, d, y, end);
}

/* Renders into out; the caller holds pf_lock. */
static int render(const pf_doc *d, buf *out) {
    if (!pf_fontmap) pf_fontmap = pango_cairo_font_map_new();
    if (!pf_fontmap) return -1;
    pf p = {.w = d->a4 ? MM(210) : MM(148), .h = d->a4 ? MM(297) : MM(210), .k = d->a4 ? 1.2 : 1};
    p.left = p.top = MARGIN;
    p.right = p.w - MARGIN;
    p.bottom = p.h - MARGIN;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_buf, out, p.w, p.h);
    if (d->title && *d->title) {
        char *t = g_utf8_make_valid(d->title, -1);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, t);
        g_free(t);
    }
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "kefu");
    p.cr = cairo_create(s);
    p.pc = pango_font_map_create_context(pf_fontmap);
    setup_context(&p);
    int rc = draw_page(&p, d);
    cairo_show_page(p.cr);
    if (cairo_status(p.cr) != CAIRO_STATUS_SUCCESS) rc = -1;
    g_object_unref(p.pc);
    cairo_destroy(p.cr);
    cairo_surface_finish(s);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) rc = -1;
    cairo_surface_destroy(s);
    return buf_ok(out) ? rc : -1;
}

int pf_render_pdf(const pf_doc *d, buf *out) {
    if (!d || !out) return -1;
    pthread_mutex_lock(&pf_lock);
    int rc = render(d, out);
    pthread_mutex_unlock(&pf_lock);
    return rc;
}
