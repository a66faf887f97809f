/*
** visits_list.c — the list of visits and callbacks (SPEC V1, V2, X4): filters by project,
** visitor, month or day, plan, unit, state and kind; newest first, or soonest first for the
** appointments still open (state=planned); exports to Excel like every list.
*/
#include "visits.h"
#include "kit/list.h"
#include <string.h>

static const code_label STATES[] = {
    {"planned", "已预约"}, {"done", "已拜访"}, {"missed", "未遇"}, {"cancelled", "已取消"}, {NULL, NULL},
};

/* A steward's own visits, and the visits of units in their districts. */
#define OWN_VISITS "v.steward_id = ? OR v.unit_id IN (SELECT u2.id FROM visit_plans p2 JOIN visit_plan_buildings pb2 " \
                   "ON pb2.plan_id = p2.id JOIN units u2 ON u2.building_id = pb2.building_id WHERE p2.steward_id = ?)"

static kerr filter_ids(ctx *c, qb *b) {
    static const id_filter ids[] = {
        {"steward_id", "拜访人", "v.steward_id = ?"}, {"plan_id", "拜访计划", "v.plan_id = ?"},
        {"unit_id", "房屋", "v.unit_id = ?"},
    };
    return q_id_filters(c, b, ids, sizeof ids / sizeof *ids);
}

/* ?month=2026-11 or ?date=2026-11-25 on the visit's time. */
static kerr filter_when(ctx *c, qb *b) {
    const char *month = q_str(c, "month");
    int64_t start = 0, end = 0, day = 0;
    kerr e = q_date(c, "date", "日期", &day);
    if (e) return e;
    if (month && !month_parse(month, &start, &end))
        return ctx_fail(c, E_BAD_REQUEST, "month", "月份格式应为 2026-11");
    if (month) qb_and(b, "v.at >= ? AND v.at < ?", DI(start), DI(end));
    if (day) qb_and(b, "v.at >= ? AND v.at < ?", DI(day), DI(day + 86400));
    return E_OK;
}

static kerr visits_filter(ctx *c, qb *b, const char **state) {
    const char *kind = NULL;
    kerr e;
    if ((e = visits_scope(c, b, "v.project_id", OWN_VISITS, 2)) || (e = filter_ids(c, b)) || (e = filter_when(c, b)) ||
        (e = q_code(c, "state", "状态", STATES, state)) || (e = q_code(c, "kind", "类型", VISIT_KINDS, &kind)))
        return e;
    if (*state) qb_and(b, "v.state = ?", DT(*state));
    if (kind) qb_and(b, "v.kind = ?", DT(kind));
    return E_OK;
}

/* A steward sees their own; planned visits come soonest first, the others newest first. */
static kerr visits_list_filter(ctx *c, list_q *f) {
    qb *b = &f->b;
    const char *state = NULL;
    kerr e = visits_filter(c, b, &state);
    if (!e && state && !strcmp(state, "planned")) f->spec.order = "ORDER BY v.at, v.id";
    return e;
}

static kerr visit_list_item(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)c, (void)arg;
    visit_item v;
    visit_item_read(st, &v);
    jw_obj(w, NULL);
    visit_summary(&v, w);
    jw_end(w);
    return E_OK;
}

static const list_def VISITS = {
    .filter = visits_list_filter,   /* its own scope: visits_scope */
    .sorts = (const list_sort[]){{"-at", "ORDER BY v.at DESC, v.id DESC"}, {"at", "ORDER BY v.at, v.id"}, {NULL, NULL}},
    .spec = {.cols = VISIT_COLS, .from = VISIT_FROM, .count_from = "visits v"},
    .row = visit_list_item,
};
kerr visits_list(ctx *c) { return list_run(c, &VISITS, NULL); }

static const export_col visit_cols[] = {
    {"at", "时间", EX_TIME, NULL},                   {"kind_label", "类型", EX_TEXT, NULL},
    {"state_label", "状态", EX_TEXT, NULL},          {"unit_code", "房号", EX_TEXT, NULL},
    {"met_person", "会谈人", EX_TEXT, NULL},         {"steward_name", "拜访人", EX_TEXT, NULL},
    {"topic", "事由", EX_TEXT, NULL},                {"opinions", "业主意见", EX_TEXT, NULL},
    {"suggestions", "业主建议", EX_TEXT, NULL},      {"summary", "会谈内容", EX_TEXT, NULL},
    {"requests_count", "诉求数", EX_INT, NULL},      {"open_requests", "未处理诉求", EX_INT, NULL},
    {"reason", "未遇/取消原因", EX_TEXT, NULL},      {"appointment_at", "预约时间", EX_TIME, NULL},
    {NULL, NULL, 0, NULL},
};
const export_spec visit_export = {"拜访记录", visit_cols};
