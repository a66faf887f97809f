/*
** input.c — typed getters for body fields and query parameters (see input.h).
*/
#include "input.h"
#include "export.h"
#include "core/qb.h"
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int utf8_chars(const char *s) {
    int n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        if (!len) return -1;
        for (int i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80) return -1;
        p += len;
        n++;
    }
    return n;
}

kerr jv_only(ctx *c, json_t *obj, const char *path, const char *const *allowed) {
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        bool ok = false;
        for (int i = 0; allowed[i]; i++)
            if (strcmp(allowed[i], k) == 0) { ok = true; break; }
        if (!ok) {
            const char *f = path ? arena_printf(&c->a, "%s.%s", path, k) : arena_strdup(&c->a, k);
            return ctx_fail(c, E_UNKNOWN_FIELD, f, "不支持的字段：%s", f);
        }
    }
    return E_OK;
}

kerr in_only(ctx *c, const char *const *allowed) { return jv_only(c, c->json, NULL, allowed); }

static bool has_control(const char *s, bool multiline) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r'))) || *p == 0x7F)
            return true;
    return false;
}

/* Length of a space at s (ASCII blank, or the ideographic space U+3000 of Chinese input
** methods), 0 if none. */
static size_t space_at(const char *s) {
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') return 1;
    /* byte by byte: the string may end before 3 bytes (memcmp may read past its end) */
    return s[0] == '\xe3' && s[1] == '\x80' && s[2] == '\x80' ? 3 : 0;
}

static bool space_ends(const char *s, size_t n, size_t *len) {
    if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) { *len = 1; return true; }
    if (n >= 3 && memcmp(s + n - 3, "\xe3\x80\x80", 3) == 0) { *len = 3; return true; }
    return false;
}

static const char *trim(arena *a, const char *s) {
    size_t k;
    while ((k = space_at(s))) s += k;
    size_t n = strlen(s);
    while (space_ends(s, n, &k)) n -= k;
    return arena_strndup(a, s, n);
}

kerr jv_str(ctx *c, json_t *obj, const char *key, const char *field, const char *label,
            unsigned flags, int max, const char **out) {
    json_t *v = obj ? json_object_get(obj, key) : NULL;
    *out = NULL;
    if (!v || json_is_null(v)) {   /* null may not clear a field that must not be empty */
        if ((flags & IN_REQUIRED) || (v && (flags & IN_NONEMPTY))) return ctx_fail(c, E_VALIDATION, field, "%s不能为空", label);
        return E_OK;
    }
    if (!json_is_string(v)) return ctx_fail(c, E_VALIDATION, field, "%s应为文字", label);
    if (json_string_length(v) != strlen(json_string_value(v)))
        return ctx_fail(c, E_VALIDATION, field, "%s不能包含控制字符", label);
    const char *s = trim(&c->a, json_string_value(v));
    if (!s) return E_NOMEM;
    if (has_control(s, flags & IN_MULTILINE))
        return ctx_fail(c, E_VALIDATION, field, "%s不能包含控制字符", label);
    if (!*s && (flags & (IN_REQUIRED | IN_NONEMPTY)))
        return ctx_fail(c, E_VALIDATION, field, "%s不能为空", label);
    int n = utf8_chars(s);
    if (n < 0) return ctx_fail(c, E_VALIDATION, field, "%s包含无效字符", label);
    if (max > 0 && n > max) return ctx_fail(c, E_VALIDATION, field, "%s不能超过 %d 个字", label, max);
    *out = s;
    return E_OK;
}

kerr in_str(ctx *c, const char *key, const char *label, unsigned flags, int max, const char **out) {
    return jv_str(c, c->json, key, key, label, flags, max, out);
}

kerr jv_int(ctx *c, json_t *obj, const char *key, const char *field, const char *label,
            unsigned flags, int64_t min, int64_t max, int64_t *out, bool *present) {
    json_t *v = obj ? json_object_get(obj, key) : NULL;
    if (present) *present = false;
    if (!v || json_is_null(v)) {
        if (flags & IN_REQUIRED) return ctx_fail(c, E_VALIDATION, field, "%s不能为空", label);
        return E_OK;
    }
    if (!json_is_integer(v)) return ctx_fail(c, E_VALIDATION, field, "%s应为整数", label);
    json_int_t x = json_integer_value(v);
    if (x < min || x > max)
        return ctx_fail(c, E_VALIDATION, field, "%s应在 %lld 到 %lld 之间", label, (long long)min,
                        (long long)max);
    *out = x;
    if (present) *present = true;
    return E_OK;
}

kerr in_int(ctx *c, const char *key, const char *label, unsigned flags, int64_t min, int64_t max,
            int64_t *out, bool *present) {
    return jv_int(c, c->json, key, key, label, flags, min, max, out, present);
}

kerr in_bool(ctx *c, const char *key, const char *label, unsigned flags, bool *out, bool *present) {
    json_t *v = c->json ? json_object_get(c->json, key) : NULL;
    if (present) *present = false;
    if (!v || json_is_null(v)) {
        if (flags & IN_REQUIRED) return ctx_fail(c, E_VALIDATION, key, "%s不能为空", label);
        return E_OK;
    }
    if (!json_is_boolean(v)) return ctx_fail(c, E_VALIDATION, key, "%s应为是或否（true/false）", label);
    *out = json_is_true(v);
    if (present) *present = true;
    return E_OK;
}

kerr in_version(ctx *c, int64_t *version) {
    return in_int(c, "version", "版本号", IN_REQUIRED, 1, INT64_MAX, version, NULL);
}

kerr in_body(ctx *c) {
    if (c->body.len == 0) { c->json = json_object(); return c->json ? E_OK : E_NOMEM; }
    const char *ct = ctx_req_header(c, "Content-Type");
    if (!ct || strncasecmp(ct, "application/json", 16) != 0) return E_MEDIA_TYPE;
    json_error_t je;
    c->json = json_loadb(c->body.data, c->body.len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!c->json) return ctx_fail(c, E_BAD_JSON, NULL, "请求内容不是有效的 JSON（第 %d 行第 %d 列）",
                                  je.line, je.column);
    if (!json_is_object(c->json)) return ctx_fail(c, E_BAD_JSON, NULL, "请求内容应为 JSON 对象");
    return E_OK;
}

/* Query values are C strings: one with an embedded NUL byte would be read cut short, and
** text that is not UTF-8 is refused here rather than by the database. */
static enum MHD_Result nul_check(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                 const char *value, size_t value_size) {
    (void)kind;
    bool bad = strlen(key) != key_size || (value && strlen(value) != value_size) ||
               utf8_chars(key) < 0 || (value && utf8_chars(value) < 0);
    if (bad) *(const char **)cls = key;
    return bad ? MHD_NO : MHD_YES;
}

kerr q_check(ctx *c) {
    const char *bad = NULL;
    MHD_get_connection_values_n(c->conn, MHD_GET_ARGUMENT_KIND, nul_check, &bad);
    if (!bad) return E_OK;
    return ctx_fail(c, E_BAD_REQUEST, bad, "查询参数包含无效字符");
}

kerr q_format(ctx *c) {
    const char *f = MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, "format");
    if (!f || !*f || strcmp(f, "json") == 0) return E_OK;
    if (strcmp(f, "pdf") == 0 && (c->route->flags & RF_PDF) && strcmp(c->method, "GET") == 0) {
        c->export_format = f;   /* the handler renders it; the server's export leaves it alone */
        return E_OK;
    }
    if (strcmp(f, "xlsx") != 0 && strcmp(f, "csv") != 0)
        return ctx_fail(c, E_BAD_REQUEST, "format", (c->route->flags & RF_PDF) ? "导出格式应为 xlsx、csv 或 pdf"
                                                                              : "导出格式应为 xlsx 或 csv");
    if (!c->route->export || strcmp(c->method, "GET") != 0)
        return ctx_fail(c, E_BAD_REQUEST, "format", "此接口不支持导出");
    c->export_format = f;
    return E_OK;
}

const char *q_str(ctx *c, const char *name) {
    const char *v = MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, name);
    if (!v) return NULL;
    const char *t = trim(&c->a, v);
    return t && *t ? t : NULL;
}

kerr q_int(ctx *c, const char *name, const char *label, int64_t min, int64_t max, int64_t def, int64_t *out) {
    const char *v = q_str(c, name);
    *out = def;
    if (!v) return E_OK;
    int64_t x = 0;
    const char *p = v;
    bool neg = *p == '-';
    if (neg) p++;
    if (!*p || strlen(p) > 18) return ctx_fail(c, E_BAD_REQUEST, name, "%s应为整数", label);
    for (; *p; p++) {
        if (*p < '0' || *p > '9') return ctx_fail(c, E_BAD_REQUEST, name, "%s应为整数", label);
        x = x * 10 + (*p - '0');
    }
    if (neg) x = -x;
    if (x < min || x > max)
        return ctx_fail(c, E_BAD_REQUEST, name, "%s应在 %lld 到 %lld 之间", label, (long long)min, (long long)max);
    *out = x;
    return E_OK;
}

kerr q_page(ctx *c, page *p) {
    if (c->export_format) {   /* an export is the whole filtered list, up to EXPORT_MAX_ROWS */
        *p = (page){1, EXPORT_MAX_ROWS, 0};
        return E_OK;
    }
    kerr e = q_int(c, "page", "页码", 1, 1000000, 1, &p->page);
    if (!e) e = q_int(c, "per_page", "每页条数", 1, 200, 50, &p->per_page);
    p->offset = (p->page - 1) * p->per_page;
    return e;
}

jw *list_begin(ctx *c) {
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_arr(w, "items");
    return w;
}

void list_end(ctx *c, int64_t total, const page *p) {
    jw_end(&c->w);
    jw_int(&c->w, "total", total);
    jw_int(&c->w, "page", p->page);
    jw_int(&c->w, "per_page", p->per_page);
    jw_end(&c->w);
}

const char *jv_dump(ctx *c, json_t *v) {
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    const char *r = s ? arena_strdup(&c->a, s) : NULL;
    free(s);
    return r ? r : "null";
}

kerr list_open(ctx *c, qb *b, const char *cols, const char *from, const char *order,
               const page *p, listq *lq) {
    return list_open_counted(c, b, cols, from, from, order, p, lq);
}

kerr list_open_spec(ctx *c, qb *b, const list_spec *ls, const page *p, listq *lq) {
    *lq = (listq){.offset = p->offset, .per_page = p->per_page};
    const char *cf = ls->count_from ? ls->count_from : ls->from;
    char *list_sql = ls->key
        ? qb_sql(b, &c->a, arena_printf(&c->a, "SELECT %s FROM %s WHERE %s IN (SELECT %s FROM %s", ls->cols, ls->from,
                                        ls->key, ls->key, ls->pick_from ? ls->pick_from : cf),
                 arena_printf(&c->a, "%s LIMIT ? OFFSET ?) %s", ls->order, ls->order))
        : qb_sql(b, &c->a, arena_printf(&c->a, "SELECT %s FROM %s", ls->cols, ls->from),
                 arena_printf(&c->a, "%s LIMIT ? OFFSET ?", ls->order));
    char *count_sql = qb_sql(b, &c->a, arena_printf(&c->a, "SELECT %s FROM %s",
                                                    ls->count_expr ? ls->count_expr : "COUNT(*)", cf), NULL);
    db_arg *args = arena_alloc(&c->a, sizeof *args * (size_t)(b->nargs + 1));
    kerr e = E_OK;
    if (!list_sql || !count_sql || !args) e = E_NOMEM;
    if (!e) {
        memcpy(args, qb_args(b, 0, DN, DN), sizeof *args * (size_t)(b->nargs + 1));
        lq->count_sql = count_sql;
        lq->args = args;
        if (!(lq->st = db_query_a(c->db, list_sql, qb_args(b, 2, DI(p->per_page), DI(p->offset)))))
            e = db_last_kerr(c->db);
    }
    qb_free(b);
    return e;
}

kerr list_open_counted(ctx *c, qb *b, const char *cols, const char *from, const char *count_from,
                       const char *order, const page *p, listq *lq) {
    return list_open_spec(c, b, &(list_spec){.cols = cols, .from = from, .order = order, .count_from = count_from}, p, lq);
}

bool list_next(listq *lq) {
    if (!lq->st || (lq->rc = db_step(lq->st)) != DB_ROW) return false;
    lq->rows++;
    return true;
}

/* A list whose rows stopped on an error answers the error, not a short page. */
kerr list_close(ctx *c, listq *lq) {
    if (lq->st) db_finish(lq->st);
    lq->st = NULL;
    if (lq->rc == DB_ERROR) return db_last_kerr(c->db);
    if (lq->rows < lq->per_page && (lq->rows > 0 || lq->offset == 0)) {
        lq->total = lq->offset + lq->rows;   /* the last page: it tells the total */
        return E_OK;
    }
    return db_int_a(c->db, &lq->total, lq->count_sql, lq->args) ? E_OK : db_last_kerr(c->db);
}
