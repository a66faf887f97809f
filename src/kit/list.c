/*
** list.c — the list runner (see list.h).
*/
#include "list.h"
#include <string.h>

kerr list_sort_order(ctx *c, const list_def *l, const char **order) {
    const char *want = q_str(c, "sort");
    if (!l->sorts) return want ? ctx_fail(c, E_BAD_REQUEST, "sort", "此列表不支持排序") : E_OK;
    if (!want) {
        if (!*order) *order = l->sorts[0].order;
        return E_OK;
    }
    for (const list_sort *s = l->sorts; s->key; s++)
        if (!strcmp(s->key, want)) { *order = s->order; return E_OK; }
    buf b;
    buf_init(&b);
    for (const list_sort *s = l->sorts; s->key; s++) buf_printf(&b, "%s%s", s == l->sorts ? "" : "、", s->key);
    kerr e = ctx_fail(c, E_BAD_REQUEST, "sort", "排序应为：%s", buf_cstr(&b));
    buf_free(&b);
    return e;
}

/* ?q=: the condition with every ? bound to the term's LIKE pattern. */
static void q_search(ctx *c, const list_def *l, qb *b) {
    const char *q = q_str(c, "q");
    if (!q || !l->q_cond) return;
    const char *like = qb_like(&c->a, q);
    db_arg args[9];
    int n = 0;
    for (const char *p = l->q_cond; *p && n < 8; p++) n += *p == '?';
    for (int i = 0; i < n; i++) args[i] = DT(like);
    args[n] = DEND_;
    qb_and_a(b, l->q_cond, args);
}

static kerr conditions(ctx *c, const list_def *l, list_q *q) {
    qb *b = &q->b;
    kerr e = E_OK;
    if (l->perm && (e = scope_projects(c, b, l->perm, l->project_col))) return e;
    size_t nids = 0;
    while (l->ids && l->ids[nids].name) nids++;
    if (nids && (e = q_id_filters(c, b, l->ids, nids))) return e;
    q_search(c, l, b);
    if (l->filter && (e = l->filter(c, q))) return e;
    return list_sort_order(c, l, &q->spec.order);
}

kerr list_run(ctx *c, const list_def *l, void *arg) {
    page pg;
    list_q q = {.spec = l->spec, .arg = arg};
    qb_init(&q.b);
    kerr e = q_page(c, &pg);
    if (!e) e = conditions(c, l, &q);
    if (e) { qb_free(&q.b); return e; }
    listq lq;
    if ((e = list_open_spec(c, &q.b, &q.spec, &pg, &lq))) return e;
    jw *w = list_begin(c);
    if (l->rows) e = l->rows(c, &lq, w, arg);
    else
        while (!e && list_next(&lq)) e = l->row(c, lq.st, w, arg);
    kerr ce = list_close(c, &lq);
    if (e || (e = ce)) return e;
    list_end(c, lq.total, &pg);
    return E_OK;
}

int list_step(void *lq) { return list_next(lq) ? DB_ROW : ((listq *)lq)->rc; }

kerr json_rows(ctx *c, db_stmt *st, jw *w, const char *key, row_fields_fn fn, void *arg) {
    if (!st) return db_last_kerr(c->db);
    jw_arr(w, key);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w, NULL);
        fn(c, st, w, arg);
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

kerr json_items(ctx *c, db_stmt *st, row_fields_fn fn, void *arg) {
    if (!st) return db_last_kerr(c->db);
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    kerr e = json_rows(c, st, w, "items", fn, arg);
    jw_end(w);
    return e;
}
