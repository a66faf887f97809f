/*
** fees_run.c — the bill run (生成账单, issue 21 point 3): for a project and a month, one bill per
** unit × active fee item × period, computed exactly and explained (fee_line_calc), idempotent:
** a unit that already has the item's bill of the period is left alone, so a second run creates
** nothing and a run after new units adds only theirs (the UNIQUE (item_id, unit_id, period) of
** bills stands behind it). A preview computes the same and writes nothing.
**
** Set-based: per item one SELECT over the project's units (with the unit's own terms and whether
** the bill exists, by index), the lines computed in C, and one prepared INSERT per bill, all in
** the caller's transaction — no query per unit.
**
** The period an item bills in the run of month M: monthly M; quarterly the quarter starting in M
** (runs of January, April, July, October); yearly the year (runs of January); once: M, and only
** for units that never had the item. Due: 预收 on the due day of the period's first month, 后收
** on the due day of the month after the period.
*/
#include "fees_app.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One item's period in this run: dates, due date; note when the item bills nothing this month. */
typedef struct item_period { char start[11], end[11], due[11]; const char *note; bool once; } item_period;

static void ymd_text(char out[11], int y, int m, int d) {
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000, (unsigned)m % 100, (unsigned)d % 100);
}

/* y-m moved by k months. */
static void month_add(int *y, int *m, int k) {
    int idx = *y * 12 + (*m - 1) + k;
    *y = idx / 12, *m = idx % 12 + 1;
}

bool fee_month_parse(const char *s, int *y, int *m) {
    if (!s || strlen(s) != 7 || s[4] != '-') return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9')) return false;
    *y = atoi(s), *m = atoi(s + 5);
    return *y >= 2000 && *y <= 2999 && *m >= 1 && *m <= 12;
}

static void item_period_of(const fee_item *it, int y, int m, item_period *p) {
    int months = !strcmp(it->cycle, "quarterly") ? 3 : !strcmp(it->cycle, "yearly") ? 12 : 1;
    int ey = y, em = m, dy, dm;
    *p = (item_period){.note = NULL, .once = !strcmp(it->cycle, "once")};
    if (months == 3 && m % 3 != 1) p->note = "按季计费：在 1、4、7、10 月生成";
    if (months == 12 && m != 1) p->note = "按年计费：在 1 月生成";
    month_add(&ey, &em, months - 1);
    ymd_text(p->start, y, m, 1);
    ymd_text(p->end, ey, em, fee_month_days(ey, em));
    dy = it->prepaid ? y : ey, dm = it->prepaid ? m : em;
    if (!it->prepaid) month_add(&dy, &dm, 1);
    ymd_text(p->due, dy, dm, (int)it->due_day);
}

/* ---- the answer's bookkeeping ---- */

static void skip(arena *a, run_result *r, run_item_sum *s, int64_t unit, const char *code, const char *reason) {
    int i = 0;
    s->skipped++, r->skipped++;
    while (i < r->n_reasons && strcmp(r->reasons[i].reason, reason)) i++;
    if (i == r->n_reasons && i < 16) r->reasons[r->n_reasons++] = (run_reason){reason, 0};
    if (i < 16) r->reasons[i].count++;
    if (r->n_skips < RUN_SKIP_LIST)
        r->skips[r->n_skips++] = (run_skip){unit, s->item_id, arena_strdup(a, code), s->name, reason};
}

/* ---- one unit's line ---- */

typedef struct unit_row {
    int64_t id, area, discount, vacancy, quantity;
    bool has_area, exempt, exists;
    const char *code, *status, *start;
} unit_row;

#define UNIT_COLS "SELECT u.id, u.code, u.status, u.area_build, COALESCE(o.discount_percent, 100), COALESCE(o.exempt, 0), " \
    "COALESCE(o.vacancy_percent, 100), COALESCE(o.start_date, ''), COALESCE(o.quantity, 0), " \
    "EXISTS (SELECT 1 FROM bills b WHERE b.item_id = ? AND b.unit_id = u.id AND (b.period = ? OR ? = 1)) " \
    "FROM units u LEFT JOIN fee_unit_overrides o ON o.item_id = ? AND o.unit_id = u.id WHERE u.project_id = ? "
#define UNIT_ORDER " ORDER BY u.id"

static void unit_read(db_stmt *st, unit_row *u) {
    u->id = db_col_int(st, 0), u->code = db_col_text(st, 1), u->status = db_col_text(st, 2);
    u->has_area = !db_col_is_null(st, 3) && db_col_int(st, 3) > 0, u->area = db_col_int(st, 3);
    u->discount = db_col_int(st, 4), u->exempt = db_col_int(st, 5) != 0, u->vacancy = db_col_int(st, 6);
    u->start = db_col_text(st, 7), u->quantity = db_col_int(st, 8), u->exists = db_col_int(st, 9) != 0;
}

static db_stmt *units_query(db *d, const fee_item *it, const char *period, bool once) {
    const char *where = !strcmp(it->applies, "buildings") ? "AND u.building_id IN (SELECT building_id FROM fee_item_targets WHERE item_id = ?)"
                      : !strcmp(it->applies, "uses") ? "AND u.use_type IN (SELECT use_type FROM fee_item_targets WHERE item_id = ?)"
                      : !strcmp(it->applies, "units") ? "AND u.id IN (SELECT unit_id FROM fee_item_targets WHERE item_id = ?)"
                      : "AND 0 = ?";
    char sql[1024];
    snprintf(sql, sizeof sql, "%s%s%s", UNIT_COLS, where, UNIT_ORDER);
    return db_query(d, sql, DI(it->id), DT(period), DI(once), DI(it->id), DI(it->project_id),
                    DI(strcmp(it->applies, "all") ? it->id : 0));
}

/* Why the unit gets no bill of the item (before its amount), NULL when it gets one. */
static const char *unit_refusal(const fee_item *it, const unit_row *u, const item_period *p) {
    if (u->exempt) return "免收（单独设置）";
    if (!strcmp(u->status, "未交房") && !it->bill_unhanded) return "未交房";
    if (u->start[0] && strcmp(u->start, p->end) > 0) return "起收日期在本期之后";
    if ((!strcmp(it->rule, "area") || !strcmp(it->rule, "shared")) && !u->has_area) return "无建筑面积";
    if (!strcmp(it->rule, "quantity") && u->quantity <= 0) return "未填写数量";
    if (!strcmp(it->rule, "meter")) return "无本期读数";
    return NULL;
}

/* The text's " × 95%（折扣）" and the fraction, for a unit's percent. */
static fee_err apply_percent(fee_ratio *q, int64_t pct, const char *why, tx *t) {
    if (pct == 100) return FEE_OK;
    tx_add(t, " × %lld%%（%s）", (long long)pct, why);
    return ratio_mul(q, pct, 100);
}

/* The unit's line: exact, its percents, rounded once, explained. */
static fee_err unit_line(const fee_item *it, const unit_row *u, const item_period *p, fee_line *out) {
    fee_period per;
    fee_ratio q;
    fee_line_in in = {.rule = !strcmp(it->rule, "area") ? FEE_RULE_AREA : !strcmp(it->rule, "fixed") ? FEE_RULE_FIXED
                                                                                                      : FEE_RULE_QUANTITY,
                      .price = it->price, .fixed = it->fixed, .area = u->area, .quantity = u->quantity,
                      .unit = it->unit_name, .round = fee_item_rounding(it)};
    fee_err e = fee_period_split(p->start, p->end, u->start, &per);
    if (e) return fee_fail(out->text, sizeof out->text, e);
    in.period = p->once ? NULL : &per;
    out->fen = 0;
    if ((e = fee_line_exact(&in, &q, out->text, sizeof out->text))) return e;
    tx t = {out->text, sizeof out->text, strlen(out->text), false};
    if ((e = apply_percent(&q, u->discount, "折扣", &t)) ||
        (!strcmp(u->status, "空置") && (e = apply_percent(&q, u->vacancy, "空置", &t))))
        return fee_fail(out->text, sizeof out->text, e);
    if ((e = tx_done(&t))) return e;
    return fee_round_say(q, in.round, &out->fen, out->text, sizeof out->text);
}

/* ---- writing ---- */

typedef struct run_ctx {
    db *d;
    arena *a;
    const run_req *q;
    run_result *r;
    int64_t run_id;
} run_ctx;

static kerr bill_add(run_ctx *x, run_item_sum *s, const fee_item *it, int64_t unit, const item_period *p, const fee_line *l) {
    s->bills++, s->amount += l->fen, x->r->bills++, x->r->amount += l->fen;
    if (x->q->preview) return E_OK;
    return db_exec(x->d, "INSERT INTO bills(project_id, unit_id, item_id, run_id, period, period_start, period_end, amount, "
                         "text, due_date, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                   DI(it->project_id), DI(unit), DI(it->id), DI(x->run_id), DT(x->q->period), DT(p->start), DT(p->end),
                   DI(l->fen), DT(l->text), DT(p->due), DI(x->q->now));
}

/* An item billed unit by unit (area, fixed, quantity; meter units are skipped for want of a reading). */
static kerr run_item_units(run_ctx *x, const fee_item *it, const item_period *p, run_item_sum *s) {
    db_stmt *st = units_query(x->d, it, x->q->period, p->once);
    if (!st) return db_last_kerr(x->d);
    unit_row u;
    fee_line l;
    kerr e = E_OK;
    int rc = DB_DONE;
    while (!e && (rc = db_step(st)) == DB_ROW) {
        unit_read(st, &u);
        const char *why = u.exists ? NULL : unit_refusal(it, &u, p);
        if (u.exists) s->existing++, x->r->existing++;
        else if (why) skip(x->a, x->r, s, u.id, u.code, why);
        else if (unit_line(it, &u, p, &l)) skip(x->a, x->r, s, u.id, u.code, arena_strdup(x->a, l.text));
        else if (l.fen == 0) skip(x->a, x->r, s, u.id, u.code, "金额为 0");
        else e = bill_add(x, s, it, u.id, p, &l);
    }
    db_finish(st);
    return e ? e : rc == DB_DONE ? E_OK : db_last_kerr(x->d);
}

/* ---- 公摊 ---- */

typedef struct share_set { int64_t *ids, *areas, *shares; const char **codes; size_t n, cap; } share_set;

static bool share_push(arena *a, share_set *s, const unit_row *u) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        int64_t *ids = arena_alloc(a, sizeof *ids * cap), *areas = arena_alloc(a, sizeof *areas * cap);
        const char **codes = arena_alloc(a, sizeof *codes * cap);
        if (!ids || !areas || !codes) return false;
        if (s->n) memcpy(ids, s->ids, sizeof *ids * s->n), memcpy(areas, s->areas, sizeof *areas * s->n),
                  memcpy(codes, s->codes, sizeof *codes * s->n);
        s->ids = ids, s->areas = areas, s->codes = codes, s->cap = cap;
    }
    s->ids[s->n] = u->id, s->areas[s->n] = u->area, s->codes[s->n++] = arena_strdup(a, u->code);
    return true;
}

/* The units sharing the item's total: handed over (or not, as the item says), with an area. */
static kerr share_units(run_ctx *x, const fee_item *it, const item_period *p, run_item_sum *s, share_set *set) {
    db_stmt *st = units_query(x->d, it, x->q->period, false);
    if (!st) return db_last_kerr(x->d);
    unit_row u;
    kerr e = E_OK;
    int rc = DB_DONE;
    while (!e && (rc = db_step(st)) == DB_ROW) {
        unit_read(st, &u);
        const char *why = unit_refusal(it, &u, p);
        if (why) skip(x->a, x->r, s, u.id, u.code, why);
        else if (!share_push(x->a, set, &u)) e = E_NOMEM;
    }
    db_finish(st);
    return e ? e : rc == DB_DONE ? E_OK : db_last_kerr(x->d);
}

static kerr run_item_shared(run_ctx *x, const fee_item *it, const item_period *p, run_item_sum *s, int64_t total) {
    share_set set = {0};
    int64_t sum = 0;
    fee_line l;
    kerr e = share_units(x, it, p, s, &set);
    if (e || !set.n) return e;
    if (!(set.shares = arena_alloc(x->a, sizeof *set.shares * set.n))) return E_NOMEM;
    for (size_t i = 0; i < set.n; i++) sum += set.areas[i];
    if (fee_share(total, set.areas, set.n, set.shares)) { s->note = "无法分摊：请核对总额与面积"; return E_OK; }
    for (size_t i = 0; !e && i < set.n; i++) {
        l.fen = set.shares[i];
        fee_share_text(total, set.areas[i], sum, set.shares[i], l.text, sizeof l.text);
        e = bill_add(x, s, it, set.ids[i], p, &l);
    }
    return e;
}

/* ---- the run ---- */

static kerr refuse(run_result *r, const char *field, const char *msg) {
    snprintf(r->error, sizeof r->error, "%s", msg);
    r->error_field = field;
    return E_VALIDATION;
}

static kerr load_items(run_ctx *x, fee_item **items, int *n) {
    int64_t cnt = 0, only = x->q->item_id;
    kerr e = db_read_int(x->d, &cnt, "SELECT COUNT(*) FROM fee_items WHERE project_id = ? AND active = 1 AND (? = 0 OR id = ?)",
                         DI(x->q->project_id), DI(only), DI(only));
    if (e) return e;
    if (only && !cnt) return refuse(x->r, "item_id", "没有这个启用的收费项目");
    *items = arena_alloc(x->a, sizeof **items * (size_t)(cnt + 1));
    x->r->items = arena_alloc(x->a, sizeof *x->r->items * (size_t)(cnt + 1));
    if (!*items || !x->r->items) return E_NOMEM;
    db_stmt *st = db_query(x->d, "SELECT " FEE_ITEM_COLS " FROM fee_items i WHERE i.project_id = ? AND i.active = 1 "
                                 "AND (? = 0 OR i.id = ?) ORDER BY i.code", DI(x->q->project_id), DI(only), DI(only));
    if (!st) return db_last_kerr(x->d);
    int rc = DB_DONE;
    for (*n = 0; *n < cnt && (rc = db_step(st)) == DB_ROW; (*n)++) fee_item_read(st, x->a, &(*items)[*n]);
    db_finish(st);
    return rc == DB_ERROR ? db_last_kerr(x->d) : E_OK;
}


/* Each share names an active shared item of the project, once. */
static kerr check_shares(const run_req *q, const fee_item *items, int n, run_result *r) {
    for (int k = 0; k < q->n_shares; k++) {
        int i = 0;
        while (i < n && items[i].id != q->shares[k].item_id) i++;
        if (i == n || strcmp(items[i].rule, "shared")) return refuse(r, "shared", "分摊总额只能填写本管理处启用的公摊项目");
        for (int j = 0; j < k; j++)
            if (q->shares[j].item_id == q->shares[k].item_id) return refuse(r, "shared", "同一公摊项目填写了两次");
    }
    return E_OK;
}

static kerr run_shared_item(run_ctx *x, const fee_item *it, const item_period *p, run_item_sum *s) {
    int k = 0;
    while (k < x->q->n_shares && x->q->shares[k].item_id != it->id) k++;
    if (k == x->q->n_shares) { s->note = "未填写本期分摊总额"; return E_OK; }
    bool done = db_exists(x->d, "SELECT 1 FROM bills WHERE item_id = ? AND period = ?", DI(it->id), DT(x->q->period));
    if (done) { s->note = "本期已分摊"; return E_OK; }
    return run_item_shared(x, it, p, s, x->q->shares[k].total);
}

static kerr run_one(run_ctx *x, const fee_item *it, int y, int m) {
    item_period p;
    run_item_sum *s = &x->r->items[x->r->n_items++];
    *s = (run_item_sum){.item_id = it->id, .code = it->code, .name = it->name, .rule = it->rule, .note = ""};
    item_period_of(it, y, m, &p);
    if (p.note) { s->note = p.note; return E_OK; }
    if (!strcmp(it->rule, "shared")) return run_shared_item(x, it, &p, s);
    return run_item_units(x, it, &p, s);
}

static kerr record_run(run_ctx *x) {
    const run_req *q = x->q;
    run_result *r = x->r;
    kerr e = db_exec(x->d, "UPDATE bill_runs SET bills = ?, amount = ?, skipped = ? WHERE id = ?", DI(r->bills), DI(r->amount),
                     DI(r->skipped), DI(x->run_id));
    if (e) return e;
    const char *changes = arena_printf(x->a, "{\"period\":\"%s\",\"bills\":%lld,\"amount\":%lld,\"skipped\":%lld}", q->period,
                                       (long long)r->bills, (long long)r->amount, (long long)r->skipped);
    return audit_append(x->d, &q->who, q->project_id, "bill_run", x->run_id, "run", changes, q->now);
}

kerr fees_bill_run(db *d, arena *a, const run_req *q, run_result *r) {
    run_ctx x = {d, a, q, r, 0};
    fee_item *items = NULL;
    int y, m, n = 0;
    memset(r, 0, sizeof *r);
    if (!fee_month_parse(q->period, &y, &m)) return refuse(r, "period", "账期应为 2026-12 这样的月份");
    if (!(r->skips = arena_alloc(a, sizeof *r->skips * RUN_SKIP_LIST))) return E_NOMEM;
    kerr e = load_items(&x, &items, &n);
    if (e || (e = check_shares(q, items, n, r))) return e;
    if (!q->preview && db_insert(d, &x.run_id, "INSERT INTO bill_runs(project_id, period, bills, amount, skipped, created_by, "
                                               "created_at) VALUES (?,?,0,0,0,?,?)", DI(q->project_id), DT(q->period),
                                 q->who.id ? DI(q->who.id) : DN, DI(q->now)))
        return db_last_kerr(d);
    for (int i = 0; !e && i < n; i++) e = run_one(&x, &items[i], y, m);
    r->run_id = x.run_id;
    return e || q->preview ? e : record_run(&x);
}

void run_result_json(jw *w, const run_req *q, const run_result *r) {
    jw_obj(w, NULL);
    if (r->run_id) jw_int(w, "run_id", r->run_id); else jw_null(w, "run_id");
    jw_int(w, "project_id", q->project_id);
    jw_str(w, "period", q->period);
    if (q->item_id) jw_int(w, "item_id", q->item_id);
    jw_bool(w, "preview", q->preview);
    jw_int(w, "bills", r->bills);
    jw_money(w, "amount", r->amount);
    jw_int(w, "existing", r->existing);
    jw_int(w, "skipped", r->skipped);
    jw_arr(w, "items");
    for (int i = 0; i < r->n_items; i++) {
        const run_item_sum *s = &r->items[i];
        jw_obj(w, NULL);
        jw_int(w, "item_id", s->item_id), jw_str(w, "code", s->code), jw_str(w, "name", s->name);
        jw_str(w, "rule", s->rule), jw_str(w, "rule_label", code_label_of(FEE_RULES, s->rule));
        jw_int(w, "bills", s->bills), jw_money(w, "amount", s->amount);
        jw_int(w, "existing", s->existing), jw_int(w, "skipped", s->skipped), jw_str(w, "note", s->note);
        jw_end(w);
    }
    jw_end(w);
    jw_arr(w, "reasons");
    for (int i = 0; i < r->n_reasons; i++) {
        jw_obj(w, NULL), jw_str(w, "reason", r->reasons[i].reason), jw_int(w, "count", r->reasons[i].count), jw_end(w);
    }
    jw_end(w);
    jw_arr(w, "skipped_units");
    for (int i = 0; i < r->n_skips; i++) {
        const run_skip *k = &r->skips[i];
        jw_obj(w, NULL);
        jw_int(w, "unit_id", k->unit_id), jw_str(w, "unit_code", k->unit_code), jw_int(w, "item_id", k->item_id);
        jw_str(w, "item_name", k->item_name), jw_str(w, "reason", k->reason);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
}
