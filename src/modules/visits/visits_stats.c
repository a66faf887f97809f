/*
** visits_stats.c — the month's figures: the visit rate (巡访率, SPEC V3) per steward and
** district against the plan's target (80% by default), and the managers' callback quotas
** (SPEC V4, 003 业主回访制度: 管理处正、副主任亲自回访) shown as done / required.
**
** A callback counts for a quota when its user made it in the project and month: a visit of
** kind callback recorded as done (visits.steward_id), or a ticket callback they recorded (an
** events row with action callback and them as the actor).
*/
#include "visits.h"
#include <string.h>

/* ---- 巡访率 ---- */

typedef struct totals { int64_t plans, met, households, visited; } totals;

static kerr add_plan(totals *t, db_stmt *st, jw *w, ctx *c) {
    plan_fig f;
    plan_item p;
    plan_item_read(st, &p);
    int64_t target = p.target_percent;
    jw_obj(w, NULL);
    kerr e = plan_fields(c, &p, w, &f);
    jw_end(w);
    if (e) return e;
    t->plans++;
    t->households += f.households;
    t->visited += f.visited;
    t->met += plan_met(&f, target);
    return E_OK;
}

/* One month's rows (?month, this month by default) of a table scoped as visits are: the
** statement, and the answer begun as {"month": …, "items": [. The statement is
** SELECT select WHERE <scope> AND mcol = month order. */
typedef struct month_rows { const char *pcol, *own_sql, *mcol, *select, *order; } month_rows;
static kerr month_rows_open(ctx *c, const month_rows *m, db_stmt **st, jw **w) {
    qb b;
    qb_init(&b);
    const char *month = NULL;
    int64_t start, end;
    kerr e = q_month(c, &month, &start, &end);
    if (!e) e = visits_scope(c, &b, m->pcol, m->own_sql, 1);
    if (e) { qb_free(&b); return e; }
    qb_and(&b, arena_printf(&c->a, "%s = ?", m->mcol), DT(month));
    char *sql = qb_sql(&b, &c->a, m->select, m->order);
    *st = sql ? db_query_a(c->db, sql, qb_args(&b, 0, DN, DN)) : NULL;
    qb_free(&b);
    if (!*st) return db_last_kerr(c->db);
    *w = ctx_json(c, 200);
    jw_obj(*w, NULL);
    jw_str(*w, "month", month);
    jw_arr(*w, "items");
    return E_OK;
}

kerr visit_stats(ctx *c) {
    static const month_rows plans = {"p.project_id", PLAN_OWN, "p.month", "SELECT " PLAN_COLS " FROM " PLAN_FROM,
                                     "ORDER BY p.project_id, su.display_name, p.id"};
    totals t = {0};
    db_stmt *st;
    jw *w;
    kerr e = month_rows_open(c, &plans, &st, &w);
    if (e) return e;
    int rc = DB_DONE;
    while (!e && (rc = db_step(st)) == DB_ROW) e = add_plan(&t, st, w, c);
    db_finish(st);
    if (e || (rc != DB_DONE && (e = db_last_kerr(c->db)))) return e;
    jw_end(w);
    jw_obj(w, "total");
    jw_int(w, "plans", t.plans);
    jw_int(w, "met_plans", t.met);
    jw_int(w, "households", t.households);
    jw_int(w, "visited", t.visited);
    jw_fraction(w, "rate", t.visited, t.households);
    jw_end(w);
    jw_end(w);
    return E_OK;
}

static const export_col stats_cols[] = {
    {"project_name", "管理处", EX_TEXT, NULL},    {"steward_name", "管家", EX_TEXT, NULL},
    {"district", "片区", EX_TEXT, NULL},          {"households", "户数", EX_INT, NULL},
    {"visited", "已巡访户数", EX_INT, NULL},      {"rate", "巡访率", EX_TEXT, rate_text},
    {"target_percent", "目标（%）", EX_INT, NULL}, {"met", "达标", EX_BOOL, NULL},
    {"visits_done", "拜访次数", EX_INT, NULL},    {"visits_planned", "待拜访预约", EX_INT, NULL},
    {NULL, NULL, 0, NULL},
};
const export_spec visit_stats_export = {"巡访率统计", stats_cols};

/* ---- callback quotas ---- */

#define QUOTA_COLS "q.id, q.project_id, pr.name, q.user_id, u.display_name, q.month, q.required, q.updated_at"
#define QUOTA_FROM "callback_quotas q JOIN users u ON u.id = q.user_id JOIN projects pr ON pr.id = q.project_id"

/* The user's callbacks in the project and month: visits of kind callback, ticket callbacks. */
static kerr quota_done(db *d, int64_t uid, int64_t pid, int64_t start, int64_t end, int64_t *visits, int64_t *tickets) {
    *visits = *tickets = 0;
    kerr e = db_read_int(d, visits, "SELECT COUNT(*) FROM visits v WHERE v.steward_id = ? AND v.state = 'done' AND "
                                    "v.at >= ? AND v.at < ? AND v.kind = 'callback' AND v.project_id = ?",
                         DI(uid), DI(start), DI(end), DI(pid));
    if (!e) e = db_read_int(d, tickets, "SELECT COUNT(*) FROM events e WHERE e.actor_id = ? AND e.at >= ? AND e.at < ? "
                                        "AND e.action = 'callback' AND e.project_id = ?", DI(uid), DI(start), DI(end), DI(pid));
    return e;
}

static kerr quota_fields(ctx *c, db_stmt *st, jw *w) {
    int64_t uid = db_col_int(st, 3), pid = db_col_int(st, 1), required = db_col_int(st, 6), start = 0, end = 0, v, t;
    (void)month_parse(db_col_text(st, 5), &start, &end);
    kerr e = quota_done(c->db, uid, pid, start, end, &v, &t);
    if (e) return e;
    jw_int(w, "id", db_col_int(st, 0));
    jw_int(w, "project_id", pid);
    jw_str(w, "project_name", db_col_text(st, 2));
    jw_int(w, "user_id", uid);
    jw_str(w, "user_name", db_col_text(st, 4));
    jw_str(w, "month", db_col_text(st, 5));
    jw_int(w, "required", required);
    jw_int(w, "visits_done", v);
    jw_int(w, "ticket_callbacks", t);
    jw_int(w, "done", v + t);
    jw_bool(w, "met", v + t >= required);
    jw_time(w, "updated_at", db_col_int(st, 7));
    return E_OK;
}

kerr quotas_list(ctx *c) {
    static const month_rows quotas = {"q.project_id", "q.user_id = ?", "q.month", "SELECT " QUOTA_COLS " FROM " QUOTA_FROM,
                                      "ORDER BY q.project_id, u.display_name, q.id"};
    db_stmt *st;
    jw *w;
    kerr e = month_rows_open(c, &quotas, &st, &w);
    if (e) return e;
    int rc = DB_DONE;
    while (!e && (rc = db_step(st)) == DB_ROW) {
        jw_obj(w, NULL);
        e = quota_fields(c, st, w);
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    jw_end(w);
    return e ? e : rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

static kerr quota_answer(ctx *c, int status, int64_t id) {
    db_stmt *st = db_query(c->db, "SELECT " QUOTA_COLS " FROM " QUOTA_FROM " WHERE q.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, NULL) : db_last_kerr(c->db); }
    jw *w = ctx_json(c, status);
    jw_obj(w, NULL);
    kerr e = quota_fields(c, st, w);
    jw_end(w);
    db_finish(st);
    return e;
}

kerr quota_put(ctx *c) {
    static const char *const f[] = {"project_id", "user_id", "month", "required", NULL};
    int64_t pid = 0, uid = 0, required = 0, start, end, id = 0, old = -1;
    const char *month = NULL;
    kerr e;
    if ((e = in_only(c, f)) || (e = body_project(c, "visits.plan", &pid)) ||
        (e = in_int(c, "user_id", "回访人", IN_REQUIRED, 1, INT64_MAX, &uid, NULL)) ||
        (e = in_month(c, "month", IN_REQUIRED, &month, &start, &end)) ||
        (e = in_int(c, "required", "应回访数", IN_REQUIRED, 0, 1000, &required, NULL)))
        return e;
    if (!visits_user_has_role(c->db, uid, pid, "'admin','manager','supervisor','agent','steward'"))
        return ctx_fail(c, E_VALIDATION, "user_id", "只能为本管理处的经理、主管、客服或管家设定回访配额");
    db_int(c->db, &old, "SELECT required FROM callback_quotas WHERE project_id = ? AND user_id = ? AND month = ?",
           DI(pid), DI(uid), DT(month));
    if (old >= 0) e = db_exec(c->db, "UPDATE callback_quotas SET required = ?, updated_by = ?, updated_at = ? WHERE "
                                     "project_id = ? AND user_id = ? AND month = ?", DI(required), DI(c->user->id),
                              DI(c->now), DI(pid), DI(uid), DT(month));
    else e = db_exec(c->db, "INSERT INTO callback_quotas(project_id, user_id, month, required, updated_by, updated_at) "
                            "VALUES (?,?,?,?,?,?)", DI(pid), DI(uid), DT(month), DI(required), DI(c->user->id), DI(c->now));
    if (e || !db_int(c->db, &id, "SELECT id FROM callback_quotas WHERE project_id = ? AND user_id = ? AND month = ?",
                     DI(pid), DI(uid), DT(month)))
        return e ? e : db_last_kerr(c->db);
    const char *from = old >= 0 ? arena_printf(&c->a, "%lld", (long long)old) : "null";
    if ((e = ctx_audit(c, pid, "callback_quota", id, old >= 0 ? "update" : "create",
                       arena_printf(&c->a, "{\"user_id\":%lld,\"month\":\"%s\",\"required\":{\"from\":%s,\"to\":%lld}}",
                                    (long long)uid, month, from, (long long)required))))
        return e;
    return ctx_answer_after_commit(c, quota_answer, 200, id);
}

static const export_col quota_cols[] = {
    {"month", "月份", EX_TEXT, NULL},             {"project_name", "管理处", EX_TEXT, NULL},
    {"user_name", "回访人", EX_TEXT, NULL},       {"required", "应回访", EX_INT, NULL},
    {"done", "已回访", EX_INT, NULL},             {"visits_done", "其中上门回访", EX_INT, NULL},
    {"ticket_callbacks", "其中工单回访", EX_INT, NULL}, {"met", "完成", EX_BOOL, NULL},
    {NULL, NULL, 0, NULL},
};
const export_spec quota_export = {"回访配额", quota_cols};
