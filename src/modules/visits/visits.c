/*
** visits.c — owner visits and callbacks (业主拜访 / 回访, SPEC V1–V4): the route table, the
** codes, months, and who sees which plans and visits (see visits.h).
**
** The module's other files: visits_record.c (appointments, visit records, reading a visit),
** visits_flow.c (record / miss / cancel, a request turned into a ticket), visits_list.c (the
** list), visits_plans.c (monthly plans over a district), visits_stats.c (巡访率 and the
** managers' callback quotas).
*/
#include "visits.h"
#include <stdio.h>
#include <string.h>

const code_label VISIT_KINDS[] = {{"visit", "拜访"}, {"callback", "回访"}, {NULL, NULL}};

/* ---- who sees what ---- */

bool visits_sees_all(ctx *c, int64_t pid) { return auth_roles_in(c->user, pid) & VISIT_ALL_ROLES; }

/* "(?,?,…) OR (own)" for the projects the user sees whole and their own rows elsewhere. */
static void own_condition(ctx *c, qb *b, const char *pcol, const char *own_sql, int n_own) {
    buf cond;
    buf_init(&cond);
    db_arg *args = arena_alloc(&c->a, sizeof *args * (size_t)(c->user->nroles + n_own + 1));
    int n = 0;
    if (!args) { qb_and(b, "1 = 0"); buf_free(&cond); return; }
    for (int i = 0; i < c->user->nroles; i++) {
        const user_role *r = &c->user->roles[i];
        if (!(r->role & VISIT_ALL_ROLES)) continue;
        buf_printf(&cond, "%s?", n ? "," : "");
        args[n++] = DI(r->project_id);
    }
    const char *all = n ? arena_printf(&c->a, "%s IN (%s) OR ", pcol, buf_cstr(&cond)) : "";
    for (int i = 0; i < n_own; i++) args[n++] = DI(c->user->id);
    args[n] = DEND_;
    qb_and_a(b, arena_printf(&c->a, "%s(%s)", all, own_sql), args);
    buf_free(&cond);
}

kerr visits_scope(ctx *c, qb *b, const char *pcol, const char *own_sql, int n_own) {
    kerr e = scope_projects(c, b, "visits.read", pcol);
    if (!e && !(auth_company_roles(c->user) & VISIT_ALL_ROLES)) own_condition(c, b, pcol, own_sql, n_own);
    return e;
}


bool visits_user_has_role(db *d, int64_t uid, int64_t pid, const char *roles_sql) {
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.id = ? AND "
                              "u.disabled = 0 AND (r.project_id = ? OR r.project_id IS NULL) AND r.role IN (%s)", roles_sql);
    return db_exists(d, sql, DI(uid), DI(pid));
}

/* Is the visit's unit in one of the user's districts? */
static kerr in_my_district(ctx *c, int64_t id, bool *in) {
    return db_read_exists(c->db, in, "SELECT 1 FROM visits v JOIN units u ON u.id = v.unit_id JOIN visit_plan_buildings pb "
                                     "ON pb.building_id = u.building_id JOIN visit_plans p ON p.id = pb.plan_id "
                                     "WHERE v.id = ? AND p.steward_id = ?", DI(id), DI(c->user->id));
}

kerr visit_row(ctx *c, int64_t id, int64_t *pid, int64_t *steward) {
    db_stmt *st = db_query(c->db, "SELECT project_id, steward_id FROM visits WHERE id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    bool found = rc == DB_ROW, mine = false;
    if (found) { *pid = db_col_int(st, 0); *steward = db_col_int(st, 1); }
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(c->db);
    found = found && auth_can(c->user, "visits.read", *pid);
    mine = found && (visits_sees_all(c, *pid) || *steward == c->user->id);
    kerr e = found && !mine ? in_my_district(c, id, &mine) : E_OK;
    if (e) return e;
    return mine ? E_OK : ctx_fail(c, E_NOT_FOUND, NULL, "没有这条拜访记录");
}

unsigned visit_roles(ctx *c, int64_t pid, int64_t steward) {
    unsigned r = auth_roles_in(c->user, pid);
    if (steward != c->user->id) r &= ~(unsigned)ROLE_STEWARD;
    return r;
}

int64_t visit_plan_for(db *d, int64_t pid, int64_t steward, int64_t unit_id, int64_t at) {
    char month[8];
    int64_t plan = 0;
    month_of(at, month);
    if (!db_int(d, &plan, "SELECT p.id FROM visit_plans p JOIN visit_plan_buildings pb ON pb.plan_id = p.id "
                          "JOIN units u ON u.building_id = pb.building_id WHERE p.project_id = ? AND p.steward_id = ? "
                          "AND p.month = ? AND u.id = ?", DI(pid), DI(steward), DT(month), DI(unit_id)))
        return 0;
    return plan;
}

/* ---- figures ---- */

kerr plan_figures(db *d, int64_t plan, int64_t pid, int64_t steward, int64_t start, int64_t end, plan_fig *f) {
    *f = (plan_fig){0};
    bool ok = db_int(d, &f->households, "SELECT COUNT(*) FROM visit_plan_buildings pb JOIN units u ON "
                                        "u.building_id = pb.building_id WHERE pb.plan_id = ? AND " HOUSEHOLD_SQL, DI(plan)) &&
              db_int(d, &f->visited, "SELECT COUNT(DISTINCT v.unit_id) FROM visits v JOIN units u ON u.id = v.unit_id "
                                     "JOIN visit_plan_buildings pb ON pb.building_id = u.building_id AND pb.plan_id = ? "
                                     "WHERE v.steward_id = ? AND v.state = 'done' AND v.at >= ? AND v.at < ? AND "
                                     HOUSEHOLD_SQL, DI(plan), DI(steward), DI(start), DI(end)) &&
              db_int(d, &f->done, "SELECT COUNT(*) FROM visits v WHERE v.steward_id = ? AND v.state = 'done' AND "
                                  "v.at >= ? AND v.at < ? AND v.project_id = ?", DI(steward), DI(start), DI(end), DI(pid)) &&
              db_int(d, &f->planned, "SELECT COUNT(*) FROM visits v WHERE v.steward_id = ? AND v.state = 'planned' AND "
                                     "v.at >= ? AND v.at < ? AND v.project_id = ?", DI(steward), DI(start), DI(end), DI(pid));
    return ok ? E_OK : db_last_kerr(d);
}

bool plan_met(const plan_fig *f, int64_t target) {
    return f->households > 0 && f->visited * 100 >= target * f->households;
}


const char *rate_text(arena *a, json_t *item) {
    json_t *v = json_object_get(item, "rate");
    if (!json_is_number(v)) return "";
    return arena_printf(a, "%.1f%%", json_number_value(v) * 100.0);
}

/* ---- routes ---- */

kerr visit_create(ctx *c);                       /* visits_record.c */
kerr visit_get(ctx *c);
kerr visit_action(ctx *c);                       /* visits_flow.c */
kerr visit_request_ticket(ctx *c);
kerr visits_list(ctx *c);                        /* visits_list.c */
kerr plans_list(ctx *c);                         /* visits_plans.c */
kerr plan_create(ctx *c);
kerr plan_get(ctx *c);
kerr plan_patch(ctx *c);
kerr visit_stats(ctx *c);                        /* visits_stats.c */
kerr quotas_list(ctx *c);
kerr quota_put(ctx *c);
extern const export_spec visit_export, plan_export, visit_stats_export, quota_export;

const route visits_routes[] = {
    {"GET",   "/api/v1/visit-plans",                          "visits.read",  0, 0, plans_list, &plan_export},
    {"POST",  "/api/v1/visit-plans",                          "visits.plan",  0, 65536, plan_create, NULL},
    {"GET",   "/api/v1/visit-plans/{id}",                     "visits.read",  0, 0, plan_get, NULL},
    {"PATCH", "/api/v1/visit-plans/{id}",                     "visits.plan",  0, 65536, plan_patch, NULL},
    {"GET",   "/api/v1/visits",                               "visits.read",  0, 0, visits_list, &visit_export},
    {"POST",  "/api/v1/visits",                               "visits.write", 0, 65536, visit_create, NULL},
    {"GET",   "/api/v1/visits/{id}",                          "visits.read",  0, 0, visit_get, NULL},
    {"POST",  "/api/v1/visits/{id}/actions/{action}",         "visits.write", 0, 65536, visit_action, NULL},
    {"POST",  "/api/v1/visits/{id}/requests/{seq}/ticket",    "visits.write", 0, 4096, visit_request_ticket, NULL},
    {"GET",   "/api/v1/stats/visits",                         "visits.read",  0, 0, visit_stats, &visit_stats_export},
    {"GET",   "/api/v1/callback-quotas",                      "visits.read",  0, 0, quotas_list, &quota_export},
    {"PUT",   "/api/v1/callback-quotas",                      "visits.plan",  0, 4096, quota_put, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};
