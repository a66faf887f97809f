/*
** fees_run_http.c — the bill run's two doors (fees_run.c does the work): the route
** POST /api/v1/bill-runs?project_id=&period=2026-12[&preview=1] (a manager; 公摊 totals in the
** body) and the command `kefu bill-run --project ID --period 2026-12 [--preview]`.
*/
#include "fees_app.h"
#include "base/clock.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SHARES 50

/* The body's {"shared": [{"item_id": 7, "total": 123456}, …]} (totals in fen). */
static kerr read_shares(ctx *c, run_req *q) {
    static const char *const f[] = {"shared", NULL};
    static const char *const sf[] = {"item_id", "total", NULL};
    kerr e = in_only(c, f);
    json_t *a = json_object_get(c->json, "shared");
    if (e || !a || json_is_null(a)) return e;
    size_t n = json_is_array(a) ? json_array_size(a) : 0;
    if (!json_is_array(a) || n > MAX_SHARES) return ctx_fail(c, E_VALIDATION, "shared", "分摊总额应为列表，最多 %d 项", MAX_SHARES);
    run_share *s = arena_alloc(&c->a, sizeof *s * (n + 1));
    if (!s) return E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(a, i);
        const char *path = arena_printf(&c->a, "shared[%zu]", i);
        if (!json_is_object(o)) return ctx_fail(c, E_VALIDATION, path, "应为 {item_id, total}");
        if ((e = jv_only(c, o, path, sf)) ||
            (e = jv_int(c, o, "item_id", arena_printf(&c->a, "%s.item_id", path), "公摊项目", IN_REQUIRED, 1, INT64_MAX,
                        &s[i].item_id, NULL)) ||
            (e = jv_int(c, o, "total", arena_printf(&c->a, "%s.total", path), "分摊总额（分）", IN_REQUIRED, 0,
                        100000000000LL, &s[i].total, NULL)))
            return e;
    }
    q->shares = s, q->n_shares = (int)n;
    return E_OK;
}

static kerr bill_run_post(ctx *c) {
    run_req q = {.who = c->actor, .now = c->now};
    run_result r;
    const char *preview = q_str(c, "preview");
    kerr e;
    if ((e = query_project(c, "fees.write", &q.project_id)) || (e = read_shares(c, &q))) return e;
    if (!(q.period = q_str(c, "period"))) return ctx_fail(c, E_BAD_REQUEST, "period", "请选择账期（如 2026-12）");
    if ((e = q_int(c, "item_id", "收费项目", 1, INT64_MAX, 0, &q.item_id))) return e;
    if (preview && strcmp(preview, "0") && strcmp(preview, "1")) return ctx_fail(c, E_BAD_REQUEST, "preview", "preview 应为 0 或 1");
    q.preview = preview && preview[0] == '1';
    e = fees_bill_run(c->db, &c->a, &q, &r);
    if (e == E_VALIDATION) return ctx_fail(c, !strcmp(r.error_field, "period") ? E_BAD_REQUEST : e, r.error_field, "%s", r.error);
    if (e) return e;
    run_result_json(ctx_json(c, q.preview ? 200 : 201), &q, &r);
    return E_OK;
}

const route bill_run_routes[] = {
    {"POST", "/api/v1/bill-runs", "fees.write", RF_BULK, 65536, bill_run_post, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};

/* ---- kefu bill-run ---- */

static void print_result(const run_req *q, const run_result *r) {
    char y[32];
    fee_fmt_yuan(r->amount, y, sizeof y);
    printf("%s %s：%s %lld 张账单，合计 %s 元；已有 %lld 张，跳过 %lld 户次\n", q->preview ? "预览" : "已生成", q->period,
           q->preview ? "将生成" : "新建", (long long)r->bills, y, (long long)r->existing, (long long)r->skipped);
    for (int i = 0; i < r->n_items; i++) {
        const run_item_sum *s = &r->items[i];
        fee_fmt_yuan(s->amount, y, sizeof y);
        printf("  %-8s %s：%lld 张，%s 元；已有 %lld，跳过 %lld%s%s\n", s->code, s->name, (long long)s->bills, y,
               (long long)s->existing, (long long)s->skipped, s->note[0] ? "；" : "", s->note);
    }
    for (int i = 0; i < r->n_reasons; i++) printf("  跳过原因 %s：%lld\n", r->reasons[i].reason, (long long)r->reasons[i].count);
}

int fees_cli_bill_run(db *d, const char *(*opt)(const char *name)) {
    static const audit_actor cli = {0, "命令行", ""};
    const char *project = opt("project"), *period = opt("period");
    char *end = NULL;
    long long pid = project ? strtoll(project, &end, 10) : 0;
    if (!project || *end || pid < 1 || !period) {
        fprintf(stderr, "kefu: 用法 kefu bill-run --project ID --period 2026-12 [--preview]\n");
        return 2;
    }
    if (!db_exists(d, "SELECT 1 FROM projects WHERE id = ?", DI(pid))) {
        fprintf(stderr, "kefu: 管理处 %lld 不存在\n", pid);
        return 1;
    }
    const char *item = opt("item");
    long long iid = item ? strtoll(item, &end, 10) : 0;
    if (item && (*end || iid < 1)) {
        fprintf(stderr, "kefu: --item 应为收费项目编号\n");
        return 2;
    }
    run_req q = {.project_id = pid, .period = period, .item_id = iid, .preview = opt("preview") != NULL, .who = cli,
                 .now = clock_now()};
    run_result r;
    arena a;
    arena_init(&a, 1 << 20);
    kerr e = db_begin(d);
    if (!e) e = fees_bill_run(d, &a, &q, &r);
    if (!e) e = q.preview ? (db_rollback(d), E_OK) : db_commit(d);
    else db_rollback(d);
    if (e == E_VALIDATION) fprintf(stderr, "kefu: %s\n", r.error);
    else if (e) fprintf(stderr, "kefu: 生成账单失败：%s\n", db_errmsg(d));
    else print_result(&q, &r);
    arena_free(&a);
    return e == E_VALIDATION ? 2 : e ? 1 : 0;
}
