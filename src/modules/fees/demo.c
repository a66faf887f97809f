/*
** demo.c — the fees module's demo: the fee items of every demo project — 物业服务费 (area ×
** 1.55 元/m²·月, 预收, due on the 15th), 车位费 (300 元/月 for the units that rent a parking space:
** those with a vehicle and a space), 水费 (meter, 3.50 元/吨, 后收) — a unit of project 1 exempt
** and one at 80 % with their reasons, and last month's bills made by the bill run itself (this
** month's are left for the manager to preview and generate).
*/
#include "fees_app.h"
#include "base/clock.h"
#include <stdio.h>
#include <string.h>

static const struct { const char *code, *name, *rule, *unit, *applies, *note; int64_t price; bool prepaid; } ITEMS[] = {
    {"WY", "物业服务费", "area", "", "all", "按建筑面积每月收取", 15500, true},
    {"CW", "车位费", "fixed", "", "units", "租用地下车位的房屋", 3000000, true},
    {"SF", "水费", "meter", "吨", "all", "按水表读数收取", 35000, false},
};

static kerr add_item(db *d, int64_t pid, int i, int64_t manager, int64_t now, int64_t *id) {
    if (db_insert(d, id, "INSERT INTO fee_items(project_id, code, name, rule, price, unit_name, cycle, prepaid, due_day, "
                       "applies, note, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,'monthly',?,15,?,?,?,?,?)",
                  DI(pid), DT(ITEMS[i].code), DT(ITEMS[i].name), DT(ITEMS[i].rule), DI(ITEMS[i].price), DT(ITEMS[i].unit),
                  DI(ITEMS[i].prepaid), DT(ITEMS[i].applies), DT(ITEMS[i].note), manager ? DI(manager) : DN, DI(now), DI(now)))
        return db_last_kerr(d);
    if (strcmp(ITEMS[i].applies, "units")) return E_OK;
    return db_exec(d, "INSERT INTO fee_item_targets(item_id, unit_id) SELECT ?, u.id FROM units u WHERE u.project_id = ? "
                      "AND EXISTS (SELECT 1 FROM vehicles v WHERE v.unit_id = u.id AND v.active = 1 AND v.space <> '')",
                   DI(*id), DI(pid));
}

/* Two units of the project with terms of their own: the office's own room exempt, a unit at 80 %. */
static kerr add_overrides(db *d, int64_t pid, int64_t item, int64_t manager, int64_t now) {
    static const struct { int discount, exempt; const char *reason; } T[] = {
        {100, 1, "管理处办公用房"}, {80, 0, "开发商承诺首年八折（合同附件）"}};
    int64_t units[2] = {0, 0};
    int n = 0;
    db_stmt *st = db_query(d, "SELECT id FROM units WHERE project_id = ? AND status <> '未交房' ORDER BY id LIMIT 2", DI(pid));
    if (!st) return db_last_kerr(d);
    while (n < 2 && db_step(st) == DB_ROW) units[n++] = db_col_int(st, 0);
    db_finish(st);
    kerr e = E_OK;
    for (int i = 0; !e && i < n; i++)
        e = db_exec(d, "INSERT INTO fee_unit_overrides(project_id, item_id, unit_id, discount_percent, exempt, reason, "
                       "updated_by, updated_at) VALUES (?,?,?,?,?,?,?,?)", DI(pid), DI(item), DI(units[i]),
                    DI(T[i].discount), DI(T[i].exempt), DT(T[i].reason), manager ? DI(manager) : DN, DI(now));
    return e;
}

/* Last month's bills of the project, by the bill run. */
static kerr last_month(db *d, int64_t pid, int64_t now) {
    char today[16], period[16];
    int y, m;
    clock_date(now, today, sizeof today);
    if (sscanf(today, "%d-%d", &y, &m) != 2) return E_OK;
    if (--m == 0) m = 12, y--;
    snprintf(period, sizeof period, "%04d-%02d", y % 10000, m % 100);
    run_req q = {.project_id = pid, .period = period, .who = {0, "系统", ""}, .now = now};
    run_result r;
    arena a;
    arena_init(&a, 1 << 16);
    kerr e = fees_bill_run(d, &a, &q, &r);
    arena_free(&a);
    return e;
}

kerr fees_demo(db *d, int64_t now) {
    int64_t manager = 0, item = 0;
    db_int(d, &manager, "SELECT id FROM users WHERE username = 'manager'");
    db_stmt *st = db_query(d, "SELECT id FROM projects ORDER BY id");
    if (!st) return db_last_kerr(d);
    int64_t pids[16];
    int n = 0;
    while (n < 16 && db_step(st) == DB_ROW) pids[n++] = db_col_int(st, 0);
    db_finish(st);
    kerr e = E_OK;
    for (int p = 0; !e && p < n; p++) {
        for (int i = 0; !e && i < (int)(sizeof ITEMS / sizeof *ITEMS); i++) {
            e = add_item(d, pids[p], i, manager, now, &item);
            if (!e && i == 0 && p == 0) e = add_overrides(d, pids[p], item, manager, now);
        }
        if (!e) e = last_month(d, pids[p], now);
    }
    return e;
}
