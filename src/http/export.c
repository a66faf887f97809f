/*
** export.c — list JSON → CSV (UTF-8 with BOM, RFC 4180) or XLSX (libxlsxwriter) (see export.h).
*/
#include "export.h"
#include "core/money.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* "2026-11-25T09:05:00+08:00" → "2026-11-25 09:05" (times are already in office time). */
static const char *time_text(arena *a, const char *iso, bool date_only) {
    if (!iso || strlen(iso) < 16) return iso ? iso : "";
    return date_only ? arena_strndup(a, iso, 10) : arena_printf(a, "%.10s %.5s", iso, iso + 11);
}

/* The value under key in item; "complaint.cause" reads a field of a nested object. */
static json_t *col_value(json_t *item, const char *key) {
    const char *dot = strchr(key, '.');
    if (!dot) return json_object_get(item, key);
    char head[64];
    size_t n = (size_t)(dot - key);
    if (n >= sizeof head) return NULL;
    memcpy(head, key, n);
    head[n] = 0;
    return col_value(json_object_get(item, head), dot + 1);
}

const char *export_cell_text(arena *a, const export_col *col, json_t *item) {
    if (col->fmt) return col->fmt(a, item);
    json_t *v = col_value(item, col->key);
    if (!v || json_is_null(v)) return "";
    switch (col->type) {
    case EX_TIME: case EX_DATE: return time_text(a, json_string_value(v), col->type == EX_DATE);
    case EX_BOOL: return json_is_true(v) ? "是" : "否";
    case EX_AREA: return json_is_number(v) ? arena_printf(a, "%.2f", json_number_value(v)) : "";
    case EX_MONEY: {
        char m[40];
        money_format(json_integer_value(v), m, sizeof m);
        return arena_strdup(a, m);
    }
    default: break;
    }
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_integer(v)) return arena_printf(a, "%lld", (long long)json_integer_value(v));
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    const char *r = arena_strdup(a, s ? s : "");
    free(s);
    return r;
}

/* One CSV field; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula. */
static void csv_field(buf *b, const char *s) {
    bool formula = strchr("=+-@\t\r", s[0]) && s[0];
    buf_putc(b, '"');
    if (formula) buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"') buf_putc(b, '"');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

static kerr render_csv(const export_spec *spec, json_t *items, arena *a, buf *out) {
    buf_puts(out, "\xEF\xBB\xBF");   /* BOM: Excel then reads UTF-8 Chinese correctly */
    for (int i = 0; spec->cols[i].key; i++) {
        if (i) buf_putc(out, ',');
        csv_field(out, spec->cols[i].title);
    }
    buf_puts(out, "\r\n");
    size_t k;
    json_t *item;
    json_array_foreach(items, k, item) {
        for (int i = 0; spec->cols[i].key; i++) {
            if (i) buf_putc(out, ',');
            csv_field(out, export_cell_text(a, &spec->cols[i], item));
        }
        buf_puts(out, "\r\n");
    }
    return buf_ok(out) ? E_OK : E_NOMEM;
}

typedef struct xlsx_formats { lxw_format *money, *area; } xlsx_formats;

static void xlsx_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const export_col *col, json_t *item,
                      arena *a, const xlsx_formats *fmts) {
    json_t *v = col_value(item, col->key);
    if (!col->fmt && col->type == EX_INT && json_is_integer(v)) {
        worksheet_write_number(ws, r, c, (double)json_integer_value(v), NULL);
    } else if (!col->fmt && col->type == EX_AREA && json_is_number(v)) {
        worksheet_write_number(ws, r, c, json_number_value(v), fmts->area);
    } else if (!col->fmt && col->type == EX_MONEY && json_is_integer(v)) {
        worksheet_write_number(ws, r, c, (double)json_integer_value(v) / 100.0, fmts->money);
    } else {
        const char *t = export_cell_text(a, col, item);
        if (*t) worksheet_write_string(ws, r, c, t, NULL);
    }
}

static kerr render_xlsx(const export_spec *spec, json_t *items, arena *a, buf *out) {
    char path[] = "/tmp/kefu-export-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return E_INTERNAL;
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    if (!wb) { unlink(path); return E_INTERNAL; }
    lxw_worksheet *ws = workbook_add_worksheet(wb, spec->name);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xE8EEF7);
    xlsx_formats fmts = {workbook_add_format(wb), workbook_add_format(wb)};
    format_set_num_format(fmts.money, "¥#,##0.00");
    format_set_num_format(fmts.area, "0.00");
    for (int i = 0; spec->cols[i].key; i++) {
        worksheet_write_string(ws, 0, (lxw_col_t)i, spec->cols[i].title, head);
        worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, spec->cols[i].type == EX_TIME ? 18 : 16, NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    size_t k;
    json_t *item;
    json_array_foreach(items, k, item)
        for (int i = 0; spec->cols[i].key; i++)
            xlsx_cell(ws, (lxw_row_t)(k + 1), (lxw_col_t)i, &spec->cols[i], item, a, &fmts);
    kerr e = workbook_close(wb) == LXW_NO_ERROR ? E_OK : E_INTERNAL;
    FILE *f = e ? NULL : fopen(path, "rb");
    if (f) {
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(out, chunk, n);
        fclose(f);
    } else {
        e = E_INTERNAL;
    }
    unlink(path);
    return e ? e : buf_ok(out) ? E_OK : E_NOMEM;
}

kerr export_render(const export_spec *spec, const char *format, const char *json, size_t len,
                   arena *a, buf *out, const char **ctype) {
    json_t *root = json_loadb(json, len, 0, NULL);
    json_t *items = root ? json_object_get(root, "items") : NULL;
    if (!json_is_array(items)) { json_decref(root); return E_INTERNAL; }
    kerr e;
    if (strcmp(format, "csv") == 0) {
        *ctype = "text/csv; charset=utf-8";
        e = render_csv(spec, items, a, out);
    } else {
        *ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        e = render_xlsx(spec, items, a, out);
    }
    json_decref(root);
    return e;
}
