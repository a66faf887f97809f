/*
** visits_list.c — the list of visits and callbacks (SPEC V1, V2, X4): filters by project,
** visitor, month or day, plan, unit, state and kind; newest first, or soonest first for the
** appointments still open (state=planned); exports to Excel like every list.
*/
#include "visits.h"
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

kerr visits_list(ctx *c) {
    page pg;
    qb b;
    qb_init(&b);
    const char *state = NULL;
    kerr e = q_page(c, &pg);
    if (!e) e = visits_filter(c, &b, &state);
    if (e) { qb_free(&b); return e; }
    const char *order = state && !strcmp(state, "planned") ? "ORDER BY v.at, v.id" : "ORDER BY v.at DESC, v.id DESC";
    listq lq;
    if ((e = list_open_counted(c, &b, VISIT_COLS, VISIT_FROM, "visits v", order, &pg, &lq))) return e;
    jw *w = list_begin(c);
    while (list_next(&lq)) {
        visit_item v;
        visit_item_read(lq.st, &v);
        jw_obj(w, NULL);
        visit_summary(&v, w);
        jw_end(w);
    }
    if ((e = list_close(c, &lq))) return e;
    list_end(c, lq.total, &pg);
    return E_OK;
}

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
