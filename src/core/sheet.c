/*
** sheet.c — reading a spreadsheet upload (.xlsx or .csv) into rows of text cells (see sheet.h).
**
** Both readers feed one row builder: the current row is a column-indexed scratch array, a
** finished row is copied into the arena, row pointers grow geometrically in malloc'd memory
** and are copied into the arena at the end. Cell strings are carved from 64 KiB arena blocks
** (no per-string alignment), so 4 M cells cost their text plus one pointer each.
**
** XLSX: libzip on the memory buffer, expat streaming. Before anything is inflated the sum of
** the declared entry sizes must fit max_unzipped; every byte actually inflated is counted
** against the same budget (declared sizes can lie). DTDs are refused (no entity tricks), the
** element depth is bounded, and so is the amount of input expat may buffer without
** reporting anything (one giant tag or comment).
*/
#include "sheet.h"
#include <expat.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define XLSX_MAX_COLS   16384
#define XLSX_MAX_ROWS   1048576L
#define MAX_SHARED      2000000u
#define MAX_RELS        10000u
#define MAX_DEPTH       256
#define MAX_SILENT      (32u * 1024 * 1024)   /* input expat may hold without one callback */
#define POOL_BLOCK      65536u
#define READ_CHUNK      65536
#define NOT_SHEET_MSG   "不是 Excel (.xlsx) 或 CSV 文件"

/* ------------------------------------------------------------------------------------------ */
/* row builder                                                                                 */

typedef struct builder {
    arena *a;
    sheet_limits lim;
    sheet_err err;              /* first error; later ones are ignored */
    char *msg;
    size_t msglen;
    char *pp;                   /* string pool: free part of the current arena block */
    size_t pleft;
    char *empty;                /* the one "" every empty cell points at */
    char ***rows;               /* malloc'd while building */
    int *ncols;
    size_t nrows, cap;
    size_t last_nonempty;       /* row count up to the last row with content */
    char **cur;                 /* current row by column (max_cols entries), NULL = empty */
    int cur_n;                  /* highest column set + 1 */
    bool cur_nonempty;
} builder;

/* Largest cut <= n that does not split a UTF-8 sequence of s (s has at least n bytes + NUL). */
static size_t utf8_cut(const char *s, size_t n) {
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return n;
}

static sheet_err fail(builder *b, sheet_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static sheet_err fail(builder *b, sheet_err e, const char *fmt, ...) {
    if (b->err != SHEET_OK) return b->err;
    b->err = e;
    if (b->msg && b->msglen) {
        char tmp[768];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
        va_end(ap);
        size_t len = n < 0 ? 0 : (size_t)n >= sizeof tmp ? sizeof tmp - 1 : (size_t)n;
        if (len >= b->msglen) len = utf8_cut(tmp, b->msglen - 1);
        memcpy(b->msg, tmp, len);
        b->msg[len] = 0;
    }
    return e;
}

static sheet_err nomem(builder *b) { return fail(b, SHEET_NOMEM, "服务器内存不足，无法读取文件，请稍后再试"); }

/* Column number (1-based) as letters: 1 → A, 28 → AB. */
static const char *col_name(int col, char buf[8]) {
    char t[8];
    int n = 0;
    while (col > 0 && n < 7) {
        col--;
        t[n++] = (char)('A' + col % 26);
        col /= 26;
    }
    for (int i = 0; i < n; i++) buf[i] = t[n - 1 - i];
    buf[n] = 0;
    return buf;
}

static void *pool_alloc(builder *b, size_t n, size_t align) {
    size_t pad = b->pp ? (size_t)(-(uintptr_t)b->pp) & (align - 1) : 0;
    if (!b->pp || b->pleft < pad || b->pleft - pad < n) {
        if (n > POOL_BLOCK / 4) return arena_alloc(b->a, n);     /* big: its own allocation */
        char *blk = arena_alloc(b->a, POOL_BLOCK);
        if (!blk) return NULL;
        b->pp = blk;
        b->pleft = POOL_BLOCK;
        pad = 0;
    }
    void *p = b->pp + pad;
    b->pp += pad + n;
    b->pleft -= pad + n;
    return p;
}

static char *pool_str(builder *b, const char *s, size_t n) {
    if (n == 0) return b->empty;
    if (n == SIZE_MAX) return NULL;
    char *p = pool_alloc(b, n + 1, 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static bool rows_push(builder *b, char **cells, int n) {
    if (b->nrows == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 1024;
        char ***r = realloc(b->rows, nc * sizeof *r);
        if (!r) return false;
        b->rows = r;
        int *c = realloc(b->ncols, nc * sizeof *c);
        if (!c) return false;
        b->ncols = c;
        b->cap = nc;
    }
    b->rows[b->nrows] = cells;
    b->ncols[b->nrows] = n;
    b->nrows++;
    return true;
}

static void row_clear(builder *b, int n) {
    if (n < b->cur_n) n = b->cur_n;
    if (n > 0) memset(b->cur, 0, (size_t)n * sizeof *b->cur);
    b->cur_n = 0;
    b->cur_nonempty = false;
}

/* Ends the current row as row idx (0-based) with n cells. Rows between the last one stored
** and idx become empty rows. An empty row is stored only if keep_empty and within max_rows. */
static sheet_err emit_row(builder *b, size_t idx, int n, bool keep_empty) {
    bool content = b->cur_nonempty;
    if (!content && (!keep_empty || idx >= (size_t)b->lim.max_rows)) {
        row_clear(b, n);
        return SHEET_OK;
    }
    if (idx >= (size_t)b->lim.max_rows)
        return fail(b, SHEET_TOO_BIG, "表格超过 %d 行（第 %zu 行仍有数据），请分批上传", b->lim.max_rows, idx + 1);
    while (b->nrows < idx)
        if (!rows_push(b, NULL, 0)) return nomem(b);
    if (n < b->cur_n) n = b->cur_n;
    char **cells = NULL;
    if (n > 0) {
        cells = pool_alloc(b, (size_t)n * sizeof *cells, _Alignof(char *));
        if (!cells) return nomem(b);
        for (int i = 0; i < n; i++) cells[i] = b->cur[i] ? b->cur[i] : b->empty;
    }
    if (!rows_push(b, cells, n)) return nomem(b);
    if (content) b->last_nonempty = b->nrows;
    row_clear(b, n);
    return SHEET_OK;
}

static sheet_err finish(builder *b, sheet *out) {
    size_t n = b->last_nonempty;
    if (n == 0) return fail(b, SHEET_EMPTY, "文件里没有数据（表格是空的）");
    int *nc = arena_alloc(b->a, n * sizeof *nc);
    char ***cl = arena_alloc(b->a, n * sizeof *cl);
    if (!nc || !cl) return nomem(b);
    memcpy(nc, b->ncols, n * sizeof *nc);
    memcpy(cl, b->rows, n * sizeof *cl);
    out->nrows = (int)n;
    out->ncols = nc;
    out->cells = cl;
    return SHEET_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* CSV                                                                                         */

static bool utf8_valid(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t k;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) { k = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { k = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { k = 3; cp = c & 0x07; }
        else return false;
        if (n - i <= k) return false;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if (k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return false;
        if (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) return false;
        i += k + 1;
    }
    return true;
}

/* GB18030 (a superset of GBK and GB2312) to UTF-8. 1 = converted, 0 = not GB18030, -1 = OOM. */
static int gb_to_utf8(const char *s, size_t n, char **out, size_t *outn) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) return 0;
    size_t cap = n + n / 2 + 16;               /* 2 bytes → 3, 4 → 4, 1 → 1 */
    char *buf = malloc(cap);
    if (!buf) { iconv_close(cd); return -1; }
    char *in = (char *)s, *o = buf;
    size_t inl = n, ol = cap;
    size_t r = iconv(cd, &in, &inl, &o, &ol);
    if (r != (size_t)-1) r = iconv(cd, NULL, NULL, &o, &ol);
    iconv_close(cd);
    if (r == (size_t)-1 || inl != 0) { free(buf); return 0; }
    *out = buf;
    *outn = cap - ol;
    return 1;
}

/* Physical lines ended inside s[from, to): LF, CRLF and a lone CR each end one. */
static long count_breaks(const char *s, size_t from, size_t to, size_t n) {
    long k = 0;
    for (size_t i = from; i < to; i++) {
        if (s[i] == '\n') k++;
        else if (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n')) k++;
    }
    return k;
}

static bool buf_add(char **p, size_t *len, size_t *cap, const char *s, size_t n) {
    if (*cap - *len < n + 1) {
        size_t nc = *cap ? *cap : 256;
        while (nc - *len < n + 1) {
            if (nc > SIZE_MAX / 2) return false;
            nc *= 2;
        }
        char *q = realloc(*p, nc);
        if (!q) return false;
        *p = q;
        *cap = nc;
    }
    memcpy(*p + *len, s, n);
    *len += n;
    return true;
}

static sheet_err csv_parse(builder *b, const char *s, size_t n) {
    const size_t maxcell = b->lim.max_cell;
    const int maxcols = b->lim.max_cols;
    char *tmp = NULL;                       /* unescaped text of a quoted field with "" */
    size_t tcap = 0;
    size_t i = 0, rec = 0;
    long line = 1;                          /* physical line of s[i] */
    sheet_err e = SHEET_OK;
    char cb[8];

    while (i < n) {
        int field = 0;
        if (s[i] == '\n' || s[i] == '\r') {                 /* blank line: a row of no cells */
            i += (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
            line++;
            if ((e = emit_row(b, rec++, 0, true)) != SHEET_OK) goto out;
            continue;
        }
        for (;;) {
            const char *v;
            size_t vl;
            while (i < n && s[i] == ' ') i++;
            if (i < n && s[i] == '"') {
                long qline = line;
                size_t start = ++i, tl = 0;
                bool escaped = false;
                for (;;) {
                    const char *q = memchr(s + i, '"', n - i);
                    if (!q) {
                        e = fail(b, SHEET_BAD_CSV, "第 %ld 行：引号不成对（CSV 格式错误），这一行的引号一直到文件末尾都没有结束", qline);
                        goto out;
                    }
                    size_t qi = (size_t)(q - s);
                    line += count_breaks(s, i, qi, n);
                    if (qi + 1 < n && s[qi + 1] == '"') {   /* "" → " */
                        if (!escaped) { escaped = true; tl = 0; }
                        if (!buf_add(&tmp, &tl, &tcap, s + i, qi + 1 - i)) { e = nomem(b); goto out; }
                        i = qi + 2;
                        continue;
                    }
                    if (escaped) {
                        if (!buf_add(&tmp, &tl, &tcap, s + i, qi - i)) { e = nomem(b); goto out; }
                        v = tmp;
                        vl = tl;
                    } else {
                        v = s + start;
                        vl = qi - start;
                    }
                    i = qi + 1;
                    break;
                }
                while (i < n && s[i] == ' ') i++;
                if (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
                    e = fail(b, SHEET_BAD_CSV, "第 %ld 行：引号结束后还有其他字符（CSV 格式错误），引号括起的内容后面应紧跟逗号或换行", line);
                    goto out;
                }
            } else {
                size_t st = i;
                while (i < n) {
                    char c = s[i];
                    if (c == ',' || c == '\n' || c == '\r') break;
                    if (c == '"') {
                        e = fail(b, SHEET_BAD_CSV, "第 %ld 行：内容中间出现了引号（CSV 格式错误），含引号的内容应整体用双引号括起，里面的引号写成两个", line);
                        goto out;
                    }
                    i++;
                }
                size_t en = i;
                while (en > st && s[en - 1] == ' ') en--;
                v = s + st;
                vl = en - st;
            }
            if (vl > 0) {
                if (field >= maxcols) {
                    e = fail(b, SHEET_TOO_BIG, "第 %zu 行超过 %d 列，请删除多余的列后再上传", rec + 1, maxcols);
                    goto out;
                }
                if (vl > maxcell) {
                    e = fail(b, SHEET_TOO_BIG, "第 %zu 行 %s 列的内容过长（超过 %zu 字节）", rec + 1, col_name(field + 1, cb), maxcell);
                    goto out;
                }
                char *p = pool_str(b, v, vl);
                if (!p) { e = nomem(b); goto out; }
                b->cur[field] = p;
                if (field + 1 > b->cur_n) b->cur_n = field + 1;
                b->cur_nonempty = true;
            }
            if (field < INT_MAX) field++;
            if (i < n && s[i] == ',') { i++; continue; }
            break;
        }
        if (i < n) {                                        /* at a line break */
            i += (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
            line++;
        }
        if ((e = emit_row(b, rec++, field < maxcols ? field : maxcols, true)) != SHEET_OK) goto out;
    }
out:
    free(tmp);
    return e;
}

static bool starts_ci(const char *s, size_t n, const char *lit) {
    size_t k = strlen(lit);
    if (n < k) return false;
    for (size_t i = 0; i < k; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != lit[i]) return false;
    }
    return true;
}

static sheet_err read_csv(builder *b, const char *data, size_t len) {
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return fail(b, SHEET_NOT_SPREADSHEET, "这是旧版 Excel (.xls) 文件或设了密码的 Excel 文件，无法读取。"
                                              "请在 Excel 中“另存为” Excel 工作簿 (.xlsx)（不设密码）后再上传");
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return fail(b, SHEET_NOT_SPREADSHEET, "文件是 UTF-16 编码的文本，无法读取。"
                                              "请在 Excel 中另存为 Excel 工作簿 (.xlsx) 或“CSV UTF-8（逗号分隔）”后再上传");
    if (memchr(data, 0, len)) return fail(b, SHEET_NOT_SPREADSHEET, NOT_SHEET_MSG "（文件含有二进制数据）");
    size_t ctl = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned c = u[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1A) || c == 0x7F) ctl++;
    }
    if (ctl > 0 && ctl >= len / 100 + 1)
        return fail(b, SHEET_NOT_SPREADSHEET, NOT_SHEET_MSG "（文件含有二进制数据）");

    const char *s = data;
    size_t n = len;
    char *conv = NULL;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) { s += 3; n -= 3; }
    if (!utf8_valid((const unsigned char *)s, n)) {
        size_t cn = 0;
        int r = gb_to_utf8(s, n, &conv, &cn);
        if (r < 0) return nomem(b);
        if (r == 0) return fail(b, SHEET_NOT_SPREADSHEET, NOT_SHEET_MSG "（文字编码既不是 UTF-8 也不是 GBK）");
        s = conv;
        n = cn;
        if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) { s += 3; n -= 3; }   /* GB18030 BOM */
    }
    size_t k = 0;
    while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n')) k++;
    static const char *const markup[] = {"<?xml", "<html", "<!doctype", "<table", "<head", "<meta", "<body"};
    for (size_t m = 0; m < sizeof markup / sizeof markup[0]; m++)
        if (starts_ci(s + k, n - k, markup[m])) {
            free(conv);
            return fail(b, SHEET_NOT_SPREADSHEET, NOT_SHEET_MSG "：这是网页或 XML 格式的文件（常见于其他系统导出的“xls”），"
                                                  "请用 Excel 打开后另存为 .xlsx 或 CSV 再上传");
        }
    sheet_err e = csv_parse(b, s, n);
    free(conv);
    return e;
}

/* ------------------------------------------------------------------------------------------ */
/* XLSX                                                                                        */

typedef struct rel { const char *id, *type, *target; } rel;

enum part { P_RELS, P_WORKBOOK, P_SST, P_SHEET };

static char too_long_mark;          /* shared string longer than max_cell (error only if used) */

typedef struct xctx {
    builder *b;
    zip_t *z;
    XML_Parser p;
    enum part kind;
    size_t budget;                  /* bytes that may still be inflated */
    char *buf;                      /* READ_CHUNK bytes */
    int depth;
    XML_Index last_event;           /* input offset of the last callback */
    /* text being collected (a <t> run, a <v>) */
    char *tx;
    size_t txlen, txcap, txmax;
    bool txover;
    bool in_item;                   /* inside <si> (sst) or <is> (sheet) */
    int rph;                        /* inside <rPh> phonetic runs (ignored) */
    bool in_t, in_v;
    /* shared strings */
    char **ss;
    size_t nss, capss;
    /* relationships, workbook */
    rel *rels;
    size_t nrels, caprels;
    const char *rels_dir;           /* folder the targets are relative to */
    const char *first_ws, *first_visible_ws;
    /* sheet */
    bool in_row, in_c;
    long row_r, last_r;
    int col, last_col;
    char ctype;
} xctx;

/* Local name of an element or attribute (after any prefix); hot, hence no libc calls. */
static inline const char *lname(const char *n) {
    const char *l = n;
    for (; *n; n++)
        if (*n == ':') l = n + 1;
    return l;
}

static inline bool eq(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

static const char *attr(const char **atts, const char *name) {
    for (int i = 0; atts[i]; i += 2)
        if (eq(lname(atts[i]), name)) return atts[i + 1];
    return NULL;
}

static bool ends_with(const char *s, const char *suf) {
    size_t a = strlen(s), k = strlen(suf);
    return a >= k && strcmp(s + a - k, suf) == 0;
}

static void xstop(xctx *x) {
    if (x->p) XML_StopParser(x->p, XML_FALSE);
}

static void tx_reset(xctx *x) {
    x->txlen = 0;
    x->txover = false;
}

static void tx_add(xctx *x, const char *s, size_t n) {
    if (x->txover) return;
    if (n > x->txmax - x->txlen) {
        n = x->txmax - x->txlen;
        x->txover = true;
    }
    if (!buf_add(&x->tx, &x->txlen, &x->txcap, s, n)) { nomem(x->b); xstop(x); }
}

static int hexv(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes OOXML's _xHHHH_ escapes in place (control characters other than tab and line
** breaks are dropped); returns the new length. */
static size_t unescape_x(char *s, size_t n) {
    if (!memchr(s, '_', n)) return n;
    size_t o = 0, i = 0;
    while (i < n) {
        if (s[i] == '_' && n - i >= 7 && s[i + 1] == 'x' && s[i + 6] == '_') {
            int h0 = hexv(s[i + 2]), h1 = hexv(s[i + 3]), h2 = hexv(s[i + 4]), h3 = hexv(s[i + 5]);
            if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0) {
                unsigned cp = (unsigned)(h0 << 12 | h1 << 8 | h2 << 4 | h3);
                i += 7;
                if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F ||
                    (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
                    continue;
                if (cp < 0x80) s[o++] = (char)cp;
                else if (cp < 0x800) {
                    s[o++] = (char)(0xC0 | cp >> 6);
                    s[o++] = (char)(0x80 | (cp & 0x3F));
                } else {
                    s[o++] = (char)(0xE0 | cp >> 12);
                    s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    s[o++] = (char)(0x80 | (cp & 0x3F));
                }
                continue;
            }
        }
        s[o++] = s[i++];
    }
    return o;
}

/* The text of an xlsx number as Excel shows it in a General cell, into out (>= 48 bytes).
** Returns the length, or -1 to keep the text as written (plain integers, non-numbers,
** magnitudes that need an exponent). */
static int num_text(const char *s, size_t n, char *out) {
    size_t i = 0;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    bool neg = false, point = false, any = false, plain = true;
    if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    char dig[40];
    int nd = 0;
    long p = 0;                             /* value = 0.dig × 10^p */
    for (; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            if (point) return -1;
            point = true;
            plain = false;
            continue;
        }
        if (c < '0' || c > '9') break;
        any = true;
        if (nd == 0 && c == '0') {
            if (point) p--;
            continue;
        }
        if (nd < (int)sizeof dig) dig[nd++] = c;
        if (!point) p++;
        if (p > 100000 || p < -100000) return -1;
    }
    if (!any) return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        plain = false;
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
        long x = 0;
        bool ed = false;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            ed = true;
            if (x < 100000) x = x * 10 + (s[i] - '0');
        }
        if (!ed) return -1;
        p += eneg ? -x : x;
    }
    if (i != n || plain) return -1;
    if (nd == 0) {
        out[0] = '0';
        out[1] = 0;
        return 1;
    }
    if (nd > 15) {                          /* 15 significant digits, half up */
        bool up = dig[15] >= '5';
        nd = 15;
        for (int k = 14; up && k >= 0; k--) {
            if (dig[k] == '9') dig[k] = '0';
            else { dig[k]++; up = false; }
        }
        if (up) { dig[0] = '1'; nd = 1; p++; }
    }
    while (nd > 0 && dig[nd - 1] == '0') nd--;
    if (p > 21 || p < -9) return -1;
    int o = 0;
    if (neg) out[o++] = '-';
    if (p <= 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (long k = 0; k < -p; k++) out[o++] = '0';
        memcpy(out + o, dig, (size_t)nd);
        o += nd;
    } else if (p >= nd) {
        memcpy(out + o, dig, (size_t)nd);
        o += nd;
        for (long k = nd; k < p; k++) out[o++] = '0';
    } else {
        memcpy(out + o, dig, (size_t)p);
        o += (int)p;
        out[o++] = '.';
        memcpy(out + o, dig + p, (size_t)(nd - p));
        o += nd - (int)p;
    }
    out[o] = 0;
    return o;
}

/* Joins a relationship target to the folder of its source part and removes . and .. */
static const char *resolve(xctx *x, const char *dir, const char *target) {
    char path[1024];
    size_t n = 0;
    if (*target == '/' || *target == '\\') target++;
    else {
        size_t dl = strlen(dir);
        if (dl >= sizeof path) return NULL;
        memcpy(path, dir, dl);
        n = dl;
    }
    size_t tl = strlen(target);
    if (tl >= sizeof path - n) return NULL;
    memcpy(path + n, target, tl);
    n += tl;
    path[n] = 0;
    char out[1024];
    size_t o = 0;
    const char *seg = path;
    while (*seg) {
        const char *end = seg;
        while (*end && *end != '/' && *end != '\\') end++;
        size_t sl = (size_t)(end - seg);
        if (sl == 0 || (sl == 1 && seg[0] == '.')) {
            /* skip */
        } else if (sl == 2 && seg[0] == '.' && seg[1] == '.') {
            while (o > 0 && out[o - 1] == '/') o--;
            while (o > 0 && out[o - 1] != '/') o--;
        } else {
            if (o > 0 && out[o - 1] != '/') out[o++] = '/';
            memcpy(out + o, seg, sl);
            o += sl;
        }
        seg = *end ? end + 1 : end;
    }
    out[o] = 0;
    return pool_str(x->b, out, o);
}

static const rel *find_rel_type(xctx *x, const char *suffix) {
    for (size_t i = 0; i < x->nrels; i++)
        if (ends_with(x->rels[i].type, suffix)) return &x->rels[i];
    return NULL;
}

static void on_rel(xctx *x, const char **atts) {
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
    const char *mode = attr(atts, "TargetMode");
    if (!id || !type || !target || (mode && strcmp(mode, "External") == 0)) return;
    if (x->nrels >= MAX_RELS || strlen(id) > 256 || strlen(type) > 512 || strlen(target) > 512) return;
    if (x->nrels == x->caprels) {
        size_t nc = x->caprels ? x->caprels * 2 : 16;
        rel *r = realloc(x->rels, nc * sizeof *r);
        if (!r) { nomem(x->b); xstop(x); return; }
        x->rels = r;
        x->caprels = nc;
    }
    rel *r = &x->rels[x->nrels];
    r->id = pool_str(x->b, id, strlen(id));
    r->type = pool_str(x->b, type, strlen(type));
    r->target = resolve(x, x->rels_dir, target);
    if (!r->id || !r->type || !r->target) { nomem(x->b); xstop(x); return; }
    x->nrels++;
}

static void on_sheet_entry(xctx *x, const char **atts) {
    if (x->first_visible_ws) return;
    const char *id = attr(atts, "id"), *state = attr(atts, "state");
    if (!id) return;
    for (size_t i = 0; i < x->nrels; i++) {
        if (strcmp(x->rels[i].id, id) != 0) continue;
        if (!ends_with(x->rels[i].type, "/worksheet")) return;     /* a chartsheet, ... */
        if (!x->first_ws) x->first_ws = x->rels[i].target;
        if (!state || strcmp(state, "visible") == 0) x->first_visible_ws = x->rels[i].target;
        return;
    }
}

static void ss_end(xctx *x) {
    builder *b = x->b;
    if (x->nss >= MAX_SHARED) {
        fail(b, SHEET_TOO_BIG, "表格中不同的文字超过 %u 个，请分批上传", MAX_SHARED);
        xstop(x);
        return;
    }
    if (x->nss == x->capss) {
        size_t nc = x->capss ? x->capss * 2 : 1024;
        char **s = realloc(x->ss, nc * sizeof *s);
        if (!s) { nomem(b); xstop(x); return; }
        x->ss = s;
        x->capss = nc;
    }
    char *v;
    size_t n = x->txover ? 0 : unescape_x(x->tx ? x->tx : "", x->txlen);
    if (x->txover || n > b->lim.max_cell) v = &too_long_mark;
    else if (!(v = pool_str(b, x->tx, n))) { nomem(b); xstop(x); return; }
    x->ss[x->nss++] = v;
}

static void cell_end(xctx *x) {
    builder *b = x->b;
    char cb[8], nb[64];
    if (!x->in_row) return;
    if (x->txover) {
        fail(b, SHEET_TOO_BIG, "第 %ld 行 %s 列的内容过长（超过 %zu 字节）", x->row_r, col_name(x->col, cb), b->lim.max_cell);
        xstop(x);
        return;
    }
    char *t = x->tx ? x->tx : nb;
    size_t tl = x->txlen;
    const char *v = t;
    size_t vl = tl;
    bool copy = true;
    if (x->ctype == 's') {
        size_t k = 0, idx = 0;
        bool ok = false;
        while (k < tl && (t[k] == ' ' || t[k] == '\n' || t[k] == '\r' || t[k] == '\t')) k++;
        for (; k < tl && t[k] >= '0' && t[k] <= '9'; k++) {
            ok = true;
            idx = idx * 10 + (size_t)(t[k] - '0');
            if (idx > MAX_SHARED) break;
        }
        while (k < tl && (t[k] == ' ' || t[k] == '\n' || t[k] == '\r' || t[k] == '\t')) k++;
        if (tl == 0) return;                             /* <c t="s"/>: empty */
        if (!ok || k != tl || idx >= x->nss) {
            fail(b, SHEET_BAD_XLSX, "Excel 文件已损坏：第 %ld 行 %s 列引用了不存在的文字，请用 Excel 打开并重新保存后再上传",
                 x->row_r, col_name(x->col, cb));
            xstop(x);
            return;
        }
        v = x->ss[idx];
        if (v == &too_long_mark) {
            fail(b, SHEET_TOO_BIG, "第 %ld 行 %s 列的内容过长（超过 %zu 字节）", x->row_r, col_name(x->col, cb), b->lim.max_cell);
            xstop(x);
            return;
        }
        vl = strlen(v);
        copy = false;
    } else if (x->ctype == 'i' || x->ctype == 'f') {
        vl = unescape_x(t, tl);
    } else if (x->ctype == 'b') {
        if (tl == 1 && t[0] == '1') { v = "TRUE"; vl = 4; }
        else if (tl == 1 && t[0] == '0') { v = "FALSE"; vl = 5; }
    } else if (x->ctype == 'n') {
        int k = num_text(t, tl, nb);
        if (k >= 0) { v = nb; vl = (size_t)k; }
    }
    if (vl == 0) return;
    if (x->col > b->lim.max_cols) {
        fail(b, SHEET_TOO_BIG, "第 %ld 行超过 %d 列（%s 列有内容），请删除多余的列后再上传", x->row_r, b->lim.max_cols,
             col_name(x->col, cb));
        xstop(x);
        return;
    }
    if (vl > b->lim.max_cell) {
        fail(b, SHEET_TOO_BIG, "第 %ld 行 %s 列的内容过长（超过 %zu 字节）", x->row_r, col_name(x->col, cb), b->lim.max_cell);
        xstop(x);
        return;
    }
    char *p = copy ? pool_str(b, v, vl) : (char *)v;
    if (!p) { nomem(b); xstop(x); return; }
    b->cur[x->col - 1] = p;
    if (x->col > b->cur_n) b->cur_n = x->col;
    b->cur_nonempty = true;
}

static void bad_sheet(xctx *x, const char *what) {
    fail(x->b, SHEET_BAD_XLSX, "Excel 文件已损坏：%s，请用 Excel 打开并重新保存后再上传", what);
    xstop(x);
}

static void row_start(xctx *x, const char **atts) {
    const char *r = attr(atts, "r");
    long v = x->last_r + 1;
    if (r) {
        v = 0;
        const char *q = r;
        for (; *q >= '0' && *q <= '9' && v <= XLSX_MAX_ROWS; q++) v = v * 10 + (*q - '0');
        if (*q || q == r || v < 1 || v > XLSX_MAX_ROWS) { bad_sheet(x, "行号无效"); return; }
    }
    if (v <= x->last_r || v > XLSX_MAX_ROWS) { bad_sheet(x, "行的顺序错乱"); return; }
    x->in_row = true;
    x->row_r = x->last_r = v;
    x->last_col = 0;
}

static void c_start(xctx *x, const char **atts) {
    const char *r = attr(atts, "r"), *t = attr(atts, "t");
    int col = x->last_col + 1;
    if (r) {
        col = 0;
        const char *q = r;
        for (; ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z')) && col <= XLSX_MAX_COLS; q++)
            col = col * 26 + ((*q | 0x20) - 'a' + 1);
        const char *d = q;
        while (*q >= '0' && *q <= '9') q++;
        if (d == r || *q || col > XLSX_MAX_COLS) { bad_sheet(x, "单元格位置无效"); return; }
    }
    if (col > XLSX_MAX_COLS) { bad_sheet(x, "单元格位置无效"); return; }
    x->in_c = true;
    x->col = x->last_col = col;
    x->ctype = 'n';
    if (t) {
        if (strcmp(t, "s") == 0) x->ctype = 's';
        else if (strcmp(t, "inlineStr") == 0) x->ctype = 'i';
        else if (strcmp(t, "b") == 0) x->ctype = 'b';
        else if (strcmp(t, "n") == 0) x->ctype = 'n';
        else if (strcmp(t, "str") == 0) x->ctype = 'f';
        else x->ctype = 'e';                            /* e, d, unknown: the text as written */
    }
    tx_reset(x);
    x->in_item = x->in_t = x->in_v = false;
    x->rph = 0;
}

static void XMLCALL on_start(void *ud, const char *name, const char **atts) {
    xctx *x = ud;
    x->last_event = XML_GetCurrentByteIndex(x->p);
    if (x->b->err) return;
    if (++x->depth > MAX_DEPTH) {
        fail(x->b, SHEET_BAD_XLSX, "Excel 文件内容异常（XML 嵌套过深）");
        xstop(x);
        return;
    }
    const char *n = lname(name);
    switch (x->kind) {
    case P_RELS:
        if (eq(n, "Relationship")) on_rel(x, atts);
        break;
    case P_WORKBOOK:
        if (eq(n, "sheet")) on_sheet_entry(x, atts);
        break;
    case P_SST:
        if (eq(n, "si")) {
            x->in_item = true;
            x->in_t = false;
            x->rph = 0;
            tx_reset(x);
        } else if (x->in_item && eq(n, "rPh")) x->rph++;
        else if (x->in_item && !x->rph && eq(n, "t")) x->in_t = true;
        break;
    case P_SHEET:
        if (eq(n, "row")) row_start(x, atts);
        else if (eq(n, "c")) c_start(x, atts);
        else if (x->in_c) {
            if (eq(n, "v")) x->in_v = x->ctype != 'i';
            else if (eq(n, "is")) x->in_item = true;
            else if (x->in_item && eq(n, "rPh")) x->rph++;
            else if (x->in_item && !x->rph && eq(n, "t")) x->in_t = x->ctype == 'i';
        }
        break;
    }
}

static void XMLCALL on_end(void *ud, const char *name) {
    xctx *x = ud;
    x->last_event = XML_GetCurrentByteIndex(x->p);
    x->depth--;
    if (x->b->err) return;
    const char *n = lname(name);
    if (x->kind == P_SST) {
        if (eq(n, "t")) x->in_t = false;
        else if (eq(n, "rPh")) { if (x->rph > 0) x->rph--; }
        else if (eq(n, "si") && x->in_item) {
            x->in_item = false;
            ss_end(x);
        }
    } else if (x->kind == P_SHEET) {
        if (eq(n, "v")) x->in_v = false;
        else if (eq(n, "t")) x->in_t = false;
        else if (eq(n, "rPh")) { if (x->rph > 0) x->rph--; }
        else if (eq(n, "is")) x->in_item = false;
        else if (eq(n, "c") && x->in_c) {
            x->in_c = x->in_v = x->in_t = x->in_item = false;
            cell_end(x);
        } else if (eq(n, "row") && x->in_row) {
            x->in_row = false;
            builder *b = x->b;
            if (emit_row(b, (size_t)(x->row_r - 1), b->cur_n, false) != SHEET_OK) xstop(x);
        }
    }
}

static void XMLCALL on_text(void *ud, const char *s, int len) {
    xctx *x = ud;
    x->last_event = XML_GetCurrentByteIndex(x->p);
    if (x->b->err) return;
    if (x->in_t || x->in_v) tx_add(x, s, (size_t)len);
}

static void XMLCALL on_other(void *ud, const char *s) {
    xctx *x = ud;
    (void)s;
    x->last_event = XML_GetCurrentByteIndex(x->p);
}

static void XMLCALL on_pi(void *ud, const char *target, const char *data) {
    (void)data;
    on_other(ud, target);
}

static void XMLCALL on_doctype(void *ud, const char *name, const char *sysid, const char *pubid, int has_internal) {
    xctx *x = ud;
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    fail(x->b, SHEET_BAD_XLSX, "Excel 文件内容异常（含有 DTD 声明），无法读取");
    xstop(x);
}

static zip_int64_t locate(xctx *x, const char *name) {
    return name ? zip_name_locate(x->z, name, ZIP_FL_NOCASE) : -1;
}

/* Streams one zip entry through expat with the handlers of kind. what names it in messages. */
static sheet_err parse_part(xctx *x, zip_int64_t idx, enum part kind, const char *what) {
    builder *b = x->b;
    zip_file_t *f = zip_fopen_index(x->z, (zip_uint64_t)idx, 0);
    if (!f) return fail(b, SHEET_BAD_XLSX, "Excel 文件已损坏：%s无法解压，请用 Excel 打开并重新保存后再上传", what);
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p) {
        zip_fclose(f);
        return nomem(b);
    }
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetCommentHandler(p, on_other);
    XML_SetProcessingInstructionHandler(p, on_pi);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    x->p = p;
    x->kind = kind;
    x->depth = 0;
    x->last_event = 0;
    x->in_item = x->in_t = x->in_v = x->in_row = x->in_c = false;
    x->rph = 0;
    tx_reset(x);
    sheet_err e = SHEET_OK;
    size_t fed = 0;
    for (;;) {
        zip_int64_t r = zip_fread(f, x->buf, READ_CHUNK);
        if (r < 0) {
            e = fail(b, SHEET_BAD_XLSX, "Excel 文件已损坏或不完整：%s解压失败，请重新保存后再上传", what);
            break;
        }
        if ((zip_uint64_t)r > x->budget) {
            e = fail(b, SHEET_TOO_BIG, "文件解压后过大（超过 %zu MB），请分批上传", b->lim.max_unzipped >> 20);
            break;
        }
        x->budget -= (size_t)r;
        fed += (size_t)r;
        if (XML_Parse(p, x->buf, (int)r, r == 0) == XML_STATUS_ERROR) {
            e = b->err ? b->err
                       : fail(b, SHEET_BAD_XLSX, "Excel 文件已损坏：%s格式错误（第 %lu 行），请用 Excel 打开并重新保存后再上传",
                              what, (unsigned long)XML_GetCurrentLineNumber(p));
            break;
        }
        if (b->err) { e = b->err; break; }
        if (r == 0) break;
        if (fed > (size_t)x->last_event + MAX_SILENT) {
            e = fail(b, SHEET_BAD_XLSX, "Excel 文件内容异常：%s含有超大的 XML 元素", what);
            break;
        }
    }
    XML_ParserFree(p);
    x->p = NULL;
    zip_fclose(f);
    return e;
}

/* Like parse_part, but a damaged optional part only means "not found". */
static sheet_err parse_soft(xctx *x, zip_int64_t idx, enum part kind) {
    builder *b = x->b;
    sheet_err e = parse_part(x, idx, kind, "");
    if (e == SHEET_BAD_XLSX) {
        b->err = SHEET_OK;
        if (b->msg && b->msglen) b->msg[0] = 0;
        return SHEET_OK;
    }
    return e;
}

static sheet_err read_xlsx(builder *b, const char *data, size_t len) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return nomem(b);
    }
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    int zerr = zip_error_code_zip(&ze);
    zip_error_fini(&ze);
    if (!z) {
        zip_source_free(src);
        if (zerr == ZIP_ER_MEMORY) return nomem(b);
        return fail(b, SHEET_BAD_XLSX, "Excel 文件已损坏或不完整（可能上传时中断），请重新保存后再上传");
    }
    xctx xs = {.b = b, .z = z, .budget = b->lim.max_unzipped};
    xctx *x = &xs;
    sheet_err e = SHEET_OK;
    x->txmax = b->lim.max_cell * 7 + 64;              /* room for _xHHHH_ escapes */
    x->buf = malloc(READ_CHUNK);
    if (!x->buf) { e = nomem(b); goto done; }

    zip_int64_t ne = zip_get_num_entries(z, 0);
    size_t total = 0;
    for (zip_int64_t i = 0; i < ne; i++) {
        zip_stat_t st;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) continue;
        if (st.size > b->lim.max_unzipped - total) {
            e = fail(b, SHEET_TOO_BIG, "文件解压后过大（超过 %zu MB），请分批上传", b->lim.max_unzipped >> 20);
            goto done;
        }
        total += (size_t)st.size;
    }

    /* package → workbook → its relationships → first worksheet, shared strings */
    const char *wb = NULL;
    zip_int64_t idx = locate(x, "_rels/.rels");
    if (idx >= 0) {
        x->rels_dir = "";
        if ((e = parse_soft(x, idx, P_RELS)) != SHEET_OK) goto done;
        const rel *r = find_rel_type(x, "/officeDocument");
        if (r && locate(x, r->target) >= 0) wb = r->target;
    }
    if (!wb) wb = "xl/workbook.xml";
    const char *slash = strrchr(wb, '/');
    size_t dl = slash ? (size_t)(slash - wb) + 1 : 0;
    char *dir = pool_str(b, wb, dl);
    char *wbrels = pool_str(b, "", 0);
    if (dl + strlen(wb) < 900) {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s_rels/%s.rels", dir, wb + dl);
        wbrels = pool_str(b, tmp, strlen(tmp));
    }
    if (!dir || !wbrels) { e = nomem(b); goto done; }
    x->nrels = 0;
    const char *ws = NULL, *sst = NULL;
    if ((idx = locate(x, wbrels)) >= 0) {
        x->rels_dir = dir;
        if ((e = parse_soft(x, idx, P_RELS)) != SHEET_OK) goto done;
        const rel *r = find_rel_type(x, "/sharedStrings");
        if (r) sst = r->target;
        if ((idx = locate(x, wb)) >= 0 && x->nrels > 0) {
            if ((e = parse_soft(x, idx, P_WORKBOOK)) != SHEET_OK) goto done;
            ws = x->first_visible_ws ? x->first_visible_ws : x->first_ws;
        }
    }
    zip_int64_t ws_idx = locate(x, ws);
    if (ws_idx < 0) ws_idx = locate(x, "xl/worksheets/sheet1.xml");
    if (ws_idx < 0) {
        e = fail(b, SHEET_BAD_XLSX, "文件中没有找到工作表（不是 Excel 表格文件，或文件已损坏）");
        goto done;
    }
    zip_int64_t sst_idx = locate(x, sst);
    if (sst_idx < 0) sst_idx = locate(x, "xl/sharedStrings.xml");
    if (sst_idx >= 0 && (e = parse_part(x, sst_idx, P_SST, "共享文字表")) != SHEET_OK) goto done;

    b->cur_n = 0;
    b->cur_nonempty = false;
    x->last_r = 0;
    if ((e = parse_part(x, ws_idx, P_SHEET, "工作表")) != SHEET_OK) goto done;

done:
    free(x->buf);
    free(x->tx);
    free(x->ss);
    free(x->rels);
    zip_discard(z);
    return e;
}

/* ------------------------------------------------------------------------------------------ */

sheet_err sheet_read(const char *data, size_t len, arena *a, const sheet_limits *lim, sheet *out, char *msg, size_t msglen) {
    const sheet_limits def = SHEET_LIMITS_DEFAULT;
    builder bs = {.a = a, .lim = lim ? *lim : def, .msg = msg, .msglen = msg ? msglen : 0};
    builder *b = &bs;
    if (msg && msglen) msg[0] = 0;
    if (out) *out = (sheet){0, NULL, NULL};
    if (b->lim.max_rows <= 0) b->lim.max_rows = def.max_rows;
    if (b->lim.max_cols <= 0) b->lim.max_cols = def.max_cols;
    if (b->lim.max_cols > XLSX_MAX_COLS) b->lim.max_cols = XLSX_MAX_COLS;
    if (b->lim.max_cell == 0) b->lim.max_cell = def.max_cell;
    if (b->lim.max_cell > (SIZE_MAX - 64) / 8) b->lim.max_cell = (SIZE_MAX - 64) / 8;
    if (b->lim.max_unzipped == 0) b->lim.max_unzipped = def.max_unzipped;
    if (!a || !out || (!data && len)) return fail(b, SHEET_NOMEM, "内部错误：参数无效");
    if (len == 0) return fail(b, SHEET_EMPTY, "文件是空的");

    sheet_err e;
    b->empty = arena_alloc(a, 1);
    b->cur = calloc((size_t)b->lim.max_cols, sizeof *b->cur);
    if (!b->empty || !b->cur) e = nomem(b);
    else if (len >= 4 && data[0] == 'P' && data[1] == 'K' &&
             ((data[2] == 3 && data[3] == 4) || (data[2] == 5 && data[3] == 6)))
        e = read_xlsx(b, data, len);
    else
        e = read_csv(b, data, len);
    if (e == SHEET_OK) e = finish(b, out);
    free(b->cur);
    free(b->rows);
    free(b->ncols);
    return e;
}
