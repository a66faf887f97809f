/*
** qb.c — WHERE-clause builder (see qb.h).
*/
#include "qb.h"
#include <string.h>

void qb_init(qb *q) { buf_init(&q->where); q->nargs = 0; q->overflow = false; }
void qb_free(qb *q) { buf_free(&q->where); }

static void add_arg(qb *q, db_arg a) {
    if (q->nargs >= QB_MAX_ARGS) { q->overflow = true; return; }
    q->args[q->nargs++] = a;
}

void qb_and_a(qb *q, const char *cond, const db_arg *args) {
    buf_puts(&q->where, q->where.len ? " AND (" : "(");
    buf_puts(&q->where, cond);
    buf_putc(&q->where, ')');
    for (int i = 0; args[i].type; i++) add_arg(q, args[i]);
}

void qb_in_ids(qb *q, const char *cond, const int64_t *ids, int n) {
    const char *star = strstr(cond, "?*");
    if (n <= 0 || !star) { qb_and(q, "1 = 0"); return; }
    buf_puts(&q->where, q->where.len ? " AND (" : "(");
    buf_append(&q->where, cond, (size_t)(star - cond));
    buf_putc(&q->where, '(');
    for (int i = 0; i < n; i++) {
        buf_puts(&q->where, i ? ",?" : "?");
        add_arg(q, DI(ids[i]));
    }
    buf_putc(&q->where, ')');
    buf_puts(&q->where, star + 2);
    buf_putc(&q->where, ')');
}

char *qb_like(arena *a, const char *term) {
    size_t n = strlen(term);
    char *p = arena_alloc(a, n * 2 + 3);
    if (!p) return NULL;
    size_t j = 0;
    p[j++] = '%';
    for (size_t i = 0; i < n; i++) {
        if (term[i] == '%' || term[i] == '_' || term[i] == '\\') p[j++] = '\\';
        p[j++] = term[i];
    }
    p[j++] = '%';
    p[j] = 0;
    return p;
}

char *qb_sql(qb *q, arena *a, const char *head, const char *tail) {
    if (q->overflow || !buf_ok(&q->where)) return NULL;
    return arena_printf(a, "%s%s%s %s", head, q->where.len ? " WHERE " : "", buf_cstr(&q->where),
                        tail ? tail : "");
}

const db_arg *qb_args(qb *q, int nextra, db_arg x1, db_arg x2) {
    int n = q->nargs;
    if (nextra > 0) q->args[n++] = x1;
    if (nextra > 1) q->args[n++] = x2;
    q->args[n] = DEND_;
    return q->args;
}
