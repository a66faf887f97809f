/*
** codes.c — code/label tables (see codes.h).
*/
#include "codes.h"
#include "core/qb.h"
#include <string.h>

const char *code_label_of(const code_label *t, const char *code) {
    for (; code && t->code; t++)
        if (!strcmp(t->code, code)) return t->label ? t->label : t->code;
    return NULL;
}

bool code_in(const code_label *t, const char *code) { return code_label_of(t, code) != NULL; }

/* "住宅、商铺" or "water（给排水）、electric（电气）" in the arena. */
static const char *choices(ctx *c, const code_label *t) {
    buf b;
    buf_init(&b);
    for (int i = 0; t[i].code; i++) {
        buf_printf(&b, "%s%s", i ? "、" : "", t[i].code);
        if (t[i].label) buf_printf(&b, "（%s）", t[i].label);
    }
    const char *s = arena_strdup(&c->a, buf_cstr(&b));
    buf_free(&b);
    return s ? s : "";
}

kerr in_code(ctx *c, const char *key, const char *label, unsigned flags, const code_label *t, const char **out) {
    kerr e = in_str(c, key, label, flags, 30, out);
    if (e || !*out || code_in(t, *out)) return e;
    return ctx_fail(c, E_VALIDATION, key, "%s应为：%s", label, choices(c, t));
}

kerr q_code(ctx *c, const char *name, const char *label, const code_label *t, const char **out) {
    *out = q_str(c, name);
    if (!*out || code_in(t, *out)) return E_OK;
    return ctx_fail(c, E_BAD_REQUEST, name, "%s应为：%s", label, choices(c, t));
}

kerr q_code_list(ctx *c, qb *b, const char *name, const char *label, const char *col, const code_label *t) {
    const char *v = q_str(c, name);
    if (!v) return E_OK;
    char *list = arena_strdup(&c->a, v), *save = NULL;
    db_arg args[17];
    int n = 0;
    buf cond;
    buf_init(&cond);
    buf_printf(&cond, "%s IN (", col);
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!code_in(t, tok) || n == 16) { buf_free(&cond); return ctx_fail(c, E_BAD_REQUEST, name, "%s「%s」无效", label, tok); }
        buf_puts(&cond, n ? ",?" : "?");
        args[n++] = DT(tok);
    }
    args[n] = DEND_;
    buf_puts(&cond, ")");
    if (n) qb_and_a(b, buf_cstr(&cond), args);
    buf_free(&cond);
    return E_OK;
}
