/*
** fees_bills.c — the bills (账单, issue 21 points 3 and 8): GET /api/v1/bills lists a project's
** bills by unit, item, period, state or run, each with how its amount was computed (text), and
** exports them like every list.
*/
#include "fees_app.h"
#include "kit/list.h"
#include <string.h>

const code_label BILL_STATES[] = {{"unpaid", "未缴"}, {"partly", "部分缴纳"}, {"paid", "已缴清"}, {NULL, NULL}};

#define BILL_COLS "b.id, b.project_id, b.unit_id, un.code, bd.name, b.item_id, i.code, i.name, b.period, b.period_start, " \
                  "b.period_end, b.amount, b.paid, b.text, b.due_date, b.state, b.run_id, b.created_at"
#define BILL_FROM "bills b JOIN units un ON un.id = b.unit_id JOIN buildings bd ON bd.id = un.building_id " \
                  "JOIN fee_items i ON i.id = b.item_id"

static kerr bill_row(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)c, (void)arg;
    int64_t amount = db_col_int(st, 11), paid = db_col_int(st, 12);
    const char *state = db_col_text(st, 15);
    jw_obj(w, NULL);
    jw_int(w, "id", db_col_int(st, 0));
    jw_int(w, "project_id", db_col_int(st, 1));
    jw_int(w, "unit_id", db_col_int(st, 2));
    jw_str(w, "unit_code", db_col_text(st, 3));
    jw_str(w, "building_name", db_col_text(st, 4));
    jw_int(w, "item_id", db_col_int(st, 5));
    jw_str(w, "item_code", db_col_text(st, 6));
    jw_str(w, "item_name", db_col_text(st, 7));
    jw_str(w, "period", db_col_text(st, 8));
    jw_str(w, "period_start", db_col_text(st, 9));
    jw_str(w, "period_end", db_col_text(st, 10));
    jw_money(w, "amount", amount);
    jw_money(w, "paid", paid);
    jw_money(w, "owed", amount - paid);
    jw_str(w, "text", db_col_text(st, 13));
    jw_str(w, "due_date", db_col_text(st, 14));
    jw_str(w, "state", state);
    jw_str(w, "state_label", code_label_of(BILL_STATES, state));
    if (db_col_is_null(st, 16)) jw_null(w, "run_id"); else jw_int(w, "run_id", db_col_int(st, 16));
    jw_time(w, "created_at", db_col_int(st, 17));
    jw_end(w);
    return E_OK;
}

/* ?period=2026-12 and ?state=unpaid,partly */
static kerr bills_filter(ctx *c, list_q *f) {
    const char *period = q_str(c, "period");
    int y, m;
    if (period && !fee_month_parse(period, &y, &m))
        return ctx_fail(c, E_BAD_REQUEST, "period", "账期应为 2026-12 这样的月份");
    if (period) qb_and(&f->b, "b.period = ?", DT(period));
    return q_code_list(c, &f->b, "state", "状态", "b.state", BILL_STATES);
}

static const list_def BILLS = {
    .perm = "fees.read", .project_col = "b.project_id",
    .ids = (const id_filter[]){{"unit_id", "房屋", "b.unit_id = ?"}, {"item_id", "收费项目", "b.item_id = ?"},
                               {"run_id", "生成批次", "b.run_id = ?"}, {"building_id", "楼栋", "un.building_id = ?"},
                               {NULL, NULL, NULL}},
    .q_cond = "un.code LIKE ? ESCAPE '\\'",
    .filter = bills_filter,
    .sorts = (const list_sort[]){{"-id", "ORDER BY b.id DESC"}, {"unit", "ORDER BY b.unit_id, b.period, b.item_id"},
                                 {"-period", "ORDER BY b.period DESC, b.unit_id, b.item_id"}, {NULL, NULL}},
    .spec = {.cols = BILL_COLS, .from = BILL_FROM},
    .row = bill_row,
};
static kerr bills_list(ctx *c) { return list_run(c, &BILLS, NULL); }

static const export_col bill_cols[] = {
    {"period", "账期", EX_TEXT, NULL},              {"unit_code", "房号", EX_TEXT, NULL},
    {"building_name", "楼栋", EX_TEXT, NULL},       {"item_name", "收费项目", EX_TEXT, NULL},
    {"period_start", "计费起", EX_TEXT, NULL},      {"period_end", "计费止", EX_TEXT, NULL},
    {"amount", "应收（元）", EX_MONEY, NULL},       {"paid", "已收（元）", EX_MONEY, NULL},
    {"owed", "欠收（元）", EX_MONEY, NULL},         {"due_date", "缴费期限", EX_TEXT, NULL},
    {"state_label", "状态", EX_TEXT, NULL},         {"text", "计算方法", EX_TEXT, NULL},
    {NULL, NULL, 0, NULL},
};
const export_spec bill_export = {"账单", bill_cols};

const route bills_routes[] = {
    {"GET", "/api/v1/bills", "fees.read", 0, 0, bills_list, &bill_export},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};
