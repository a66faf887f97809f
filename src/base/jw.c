/*
** jw.c — JSON writer (see jw.h).
*/
#include "jw.h"
#include "clock.h"
#include <stdio.h>

void jw_init(jw *w, buf *b) { w->b = b; w->depth = 0; w->need_comma[0] = false; }

static void key(jw *w, const char *k) {
    if (w->need_comma[w->depth]) buf_putc(w->b, ',');
    w->need_comma[w->depth] = true;
    if (k) { buf_json_str(w->b, k); buf_putc(w->b, ':'); }
}

static void open(jw *w, const char *k, char ch) {
    key(w, k);
    buf_putc(w->b, ch);
    if (w->depth == JW_MAX_DEPTH - 1) { w->b->oom = true; return; }   /* too deep: the answer fails */
    w->depth++;
    w->need_comma[w->depth] = false;
    w->closer[w->depth] = ch == '{' ? '}' : ']';
}

void jw_obj(jw *w, const char *k) { open(w, k, '{'); }
void jw_arr(jw *w, const char *k) { open(w, k, '['); }

void jw_end(jw *w) {
    if (w->depth == 0) return;
    buf_putc(w->b, w->closer[w->depth]);
    w->depth--;
}

void jw_str(jw *w, const char *k, const char *v) { key(w, k); buf_json_str(w->b, v); }
void jw_int(jw *w, const char *k, int64_t v) { key(w, k); buf_int(w->b, v); }
void jw_bool(jw *w, const char *k, bool v) { key(w, k); buf_puts(w->b, v ? "true" : "false"); }
void jw_null(jw *w, const char *k) { key(w, k); buf_puts(w->b, "null"); }
void jw_raw(jw *w, const char *k, const char *json) { key(w, k); buf_puts(w->b, json ? json : "null"); }
void jw_money(jw *w, const char *k, int64_t fen) { jw_int(w, k, fen); }

void jw_time(jw *w, const char *k, int64_t t) {
    if (!t) { jw_null(w, k); return; }
    char iso[40];
    clock_iso(t, iso, sizeof iso);
    jw_str(w, k, iso);
}

void jw_fraction(jw *w, const char *key, int64_t num, int64_t den) {
    if (!den) { jw_null(w, key); return; }
    char v[32];
    snprintf(v, sizeof v, "%.4f", (double)num / (double)den);
    jw_raw(w, key, v);
}
