/*
** visits_plans.c — a steward's visit plan for a month (SPEC V1, V3): the district is a list of
** buildings (one steward per building and month), the target is 80% of its households by
** default (000 管家职责 10: 每月巡访率达到80%). A plan answers its figures for the month:
** households (units someone lives in: 已入住 or 出租), households the steward visited, the
** rate and whether the target is met; a single plan also lists its households, each with the
** steward's last visit of the month, for the phone's "pick from the plan".
*/
#include "visits.h"
#include "kit/list.h"
#include <string.h>

#define MAX_BUILDINGS 200

typedef struct id_list { int64_t *v; int n; } id_list;   /* n = -1: not given */

/* ---- reading a plan ---- */

static kerr buildings_json(ctx *c, int64_t plan, jw *w) {
    db_stmt *st = db_query(c->db, "SELECT b.id, b.code, b.name FROM visit_plan_buildings pb JOIN buildings b ON "
                                  "b.id = pb.building_id WHERE pb.plan_id = ? ORDER BY b.id", DI(plan));
    if (!st) return db_last_kerr(c->db);
    buf names;
    buf_init(&names);
    jw_arr(w, "buildings");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w, NULL);
        jw_int(w, "id", db_col_int(st, 0));
        jw_str(w, "code", db_col_text(st, 1));
        jw_str(w, "name", db_col_text(st, 2));
        jw_end(w);
        buf_printf(&names, "%s%s", names.len ? "、" : "", db_col_text(st, 2));
    }
    db_finish(st);
    jw_end(w);
    jw_str(w, "district", buf_ok(&names) ? buf_cstr(&names) : "");
    buf_free(&names);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

static kerr figures_json(ctx *c, int64_t plan, int64_t pid, int64_t steward, const char *month, int64_t target, jw *w,
                         plan_fig *f) {
    int64_t start = 0, end = 0;
    *f = (plan_fig){0};
    kerr e = month_parse(month, &start, &end) ? plan_figures(c->db, plan, pid, steward, start, end, f) : E_OK;
    if (e) return e;
    jw_int(w, "households", f->households);
    jw_int(w, "visited", f->visited);
    jw_fraction(w, "rate", f->visited, f->households);
    jw_fraction(w, "target", target, 100);
    jw_bool(w, "met", plan_met(f, target));
    jw_int(w, "visits_done", f->done);
    jw_int(w, "visits_planned", f->planned);
    return E_OK;
}

/* The fields of a plan with its buildings and figures (also into *f if given). */
kerr plan_fields(ctx *c, const plan_item *p, jw *w, plan_fig *out) {
    plan_fig f;
    const char *month = arena_strdup(&c->a, p->month);
    jw_int(w, "id", p->id);
    jw_int(w, "project_id", p->project_id);
    jw_str(w, "project_name", p->project_name);
    jw_int(w, "steward_id", p->steward_id);
    jw_str(w, "steward_name", p->steward_name);
    jw_str(w, "month", month);
    jw_int(w, "target_percent", p->target_percent);
    jw_str(w, "note", p->note);
    jw_int(w, "version", p->version);
    jw_int(w, "created_by", p->created_by);
    jw_str(w, "created_by_name", p->created_by_name);
    jw_time(w, "created_at", p->created_at);
    jw_time(w, "updated_at", p->updated_at);
    int64_t id = p->id, pid = p->project_id, steward = p->steward_id, target = p->target_percent;   /* p's text ends here */
    kerr e;
    if ((e = buildings_json(c, id, w)) || (e = figures_json(c, id, pid, steward, month, target, w, &f))) return e;
    if (out) *out = f;
    return E_OK;
}

/* The district's households, each with the steward's last visit in the month. */
static kerr households_json(ctx *c, int64_t plan, int64_t steward, const char *month, jw *w) {
    int64_t start = 0, end = 0;
    (void)month_parse(month, &start, &end);
    db_stmt *st = db_query(c->db, "SELECT u.id, u.code, b.name, u.status, (SELECT pe.name FROM residents r JOIN people pe ON "
                                  "pe.id = r.person_id WHERE r.unit_id = u.id AND r.active = 1 AND r.relation = '业主' "
                                  "ORDER BY r.id LIMIT 1), (SELECT MAX(v.at) FROM visits v WHERE v.unit_id = u.id AND "
                                  "v.steward_id = ? AND v.state = 'done' AND v.at >= ? AND v.at < ?) FROM "
                                  "visit_plan_buildings pb JOIN units u ON u.building_id = pb.building_id JOIN buildings b "
                                  "ON b.id = u.building_id WHERE pb.plan_id = ? AND " HOUSEHOLD_SQL
                                  " ORDER BY b.id, u.entrance, u.floor, u.room", DI(steward), DI(start), DI(end), DI(plan));
    if (!st) return db_last_kerr(c->db);
    jw_arr(w, "units");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w, NULL);
        jw_int(w, "id", db_col_int(st, 0));
        jw_str(w, "code", db_col_text(st, 1));
        jw_str(w, "building_name", db_col_text(st, 2));
        jw_str(w, "status", db_col_text(st, 3));
        jw_str(w, "owner_name", db_col_text(st, 4) ? db_col_text(st, 4) : "");
        jw_bool(w, "visited", !db_col_is_null(st, 5));
        jw_time(w, "last_visit_at", db_col_int(st, 5));
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

static kerr plan_answer(ctx *c, int status, int64_t id) {
    db_stmt *st = db_query(c->db, "SELECT " PLAN_COLS " FROM " PLAN_FROM " WHERE p.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, "没有这份拜访计划") : db_last_kerr(c->db); }
    plan_item p;
    plan_item_read(st, &p);
    int64_t steward = p.steward_id;
    const char *month = arena_strdup(&c->a, p.month);
    jw *w = ctx_json(c, status);
    jw_obj(w, NULL);
    kerr e = plan_fields(c, &p, w, NULL);   /* the statement stays open while the plan's sections are read */
    db_finish(st);
    if (e || (e = households_json(c, id, steward, month, w))) return e;
    jw_end(w);
    return E_OK;
}

/* A plan the user may see (their own, or a project they see whole); 404 otherwise. */
static kerr plan_row(ctx *c, int64_t id, int64_t *pid, const char **month) {
    db_stmt *st = db_query(c->db, "SELECT project_id, steward_id, month FROM visit_plans WHERE id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int64_t steward = 0;
    int rc = db_step(st);
    bool found = rc == DB_ROW;
    if (found) { *pid = db_col_int(st, 0); steward = db_col_int(st, 1); *month = arena_strdup(&c->a, db_col_text(st, 2)); }
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(c->db);
    if (!found || !auth_can(c->user, "visits.read", *pid) || !(visits_sees_all(c, *pid) || steward == c->user->id))
        return ctx_fail(c, E_NOT_FOUND, NULL, "没有这份拜访计划");
    return E_OK;
}

kerr plan_get(ctx *c) {
    int64_t id, pid;
    const char *month;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = plan_row(c, id, &pid, &month))) return e;
    return plan_answer(c, 200, id);
}

static kerr plans_filter(ctx *c, list_q *f) {
    qb *b = &f->b;
    const char *month = q_str(c, "month");
    int64_t s, e2;
    kerr e = visits_scope(c, b, "p.project_id", PLAN_OWN, 1);
    if (!e && month && !month_parse(month, &s, &e2)) e = ctx_fail(c, E_BAD_REQUEST, "month", "月份格式应为 2026-11");
    if (!e && month) qb_and(b, "p.month = ?", DT(month));
    return e;
}

static kerr plan_list_item(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)arg;
    plan_item p;
    plan_item_read(st, &p);
    jw_obj(w, NULL);
    kerr e = plan_fields(c, &p, w, NULL);
    jw_end(w);
    return e;
}

static const list_def PLANS = {
    .ids = (const id_filter[]){{"steward_id", "管家", "p.steward_id = ?"}, {NULL, NULL, NULL}},
    .filter = plans_filter,   /* its own scope: visits_scope */
    .sorts = (const list_sort[]){{"-month", "ORDER BY p.month DESC, p.project_id, su.display_name, p.id"},
                                 {"month", "ORDER BY p.month, p.project_id, su.display_name, p.id"}, {NULL, NULL}},
    .spec = {.cols = PLAN_COLS, .from = PLAN_FROM, .count_from = "visit_plans p"},
    .row = plan_list_item,
};
kerr plans_list(ctx *c) { return list_run(c, &PLANS, NULL); }

/* ---- writing a plan ---- */

/* One building of the list: of the project, and in no other steward's district that month. */
static kerr check_building(ctx *c, int64_t pid, const char *month, int64_t plan, int64_t bid, const char *field) {
    int64_t bpid = 0;
    if (!db_int(c->db, &bpid, "SELECT project_id FROM buildings WHERE id = ?", DI(bid)) || bpid != pid)
        return ctx_fail(c, E_VALIDATION, field, "楼栋不存在或不属于该管理处");
    const char *who = db_text(c->db, &c->a, "SELECT su.display_name FROM visit_plan_buildings pb JOIN visit_plans p ON "
                                            "p.id = pb.plan_id JOIN users su ON su.id = p.steward_id WHERE pb.building_id = ? "
                                            "AND p.month = ? AND p.id <> ?", DI(bid), DT(month), DI(plan));
    if (who) {
        const char *name = db_text(c->db, &c->a, "SELECT name FROM buildings WHERE id = ?", DI(bid));
        return ctx_fail(c, E_VALIDATION, field, "%s %s 已在%s的片区", name ? name : "", month, who);
    }
    return E_OK;
}

static kerr read_buildings(ctx *c, int64_t pid, const char *month, int64_t plan, bool required, id_list *out) {
    json_t *a = json_object_get(c->json, "building_ids");
    *out = (id_list){NULL, -1};
    if (!a || json_is_null(a)) return required ? ctx_fail(c, E_VALIDATION, "building_ids", "请选择片区的楼栋") : E_OK;
    size_t n = json_is_array(a) ? json_array_size(a) : 0;
    if (!n) return ctx_fail(c, E_VALIDATION, "building_ids", "请选择片区的楼栋");
    if (n > MAX_BUILDINGS) return ctx_fail(c, E_VALIDATION, "building_ids", "片区最多 %d 栋楼", MAX_BUILDINGS);
    if (!(out->v = arena_alloc(&c->a, sizeof *out->v * n))) return E_NOMEM;
    for (out->n = 0; out->n < (int)n; out->n++) {
        json_t *v = json_array_get(a, (size_t)out->n);
        const char *field = arena_printf(&c->a, "building_ids[%d]", out->n);
        if (!json_is_integer(v) || json_integer_value(v) < 1) return ctx_fail(c, E_VALIDATION, field, "楼栋应为楼栋编号");
        int64_t bid = json_integer_value(v);
        for (int j = 0; j < out->n; j++)
            if (out->v[j] == bid) return ctx_fail(c, E_VALIDATION, field, "楼栋重复");
        kerr e = check_building(c, pid, month, plan, bid, field);
        if (e) return e;
        out->v[out->n] = bid;
    }
    return E_OK;
}

static kerr write_buildings(ctx *c, int64_t plan, const id_list *l) {
    kerr e = db_exec(c->db, "DELETE FROM visit_plan_buildings WHERE plan_id = ?", DI(plan));
    for (int i = 0; !e && i < l->n; i++)
        e = db_exec(c->db, "INSERT INTO visit_plan_buildings(plan_id, building_id) VALUES (?,?)", DI(plan), DI(l->v[i]));
    return e;
}

static const char *ids_json(ctx *c, const id_list *l) {
    buf b;
    buf_init(&b);
    buf_putc(&b, '[');
    for (int i = 0; i < l->n; i++) buf_printf(&b, "%s%lld", i ? "," : "", (long long)l->v[i]);
    buf_putc(&b, ']');
    const char *s = buf_ok(&b) ? arena_strdup(&c->a, buf_cstr(&b)) : "[]";
    buf_free(&b);
    return s;
}

/* The audit's changes of a PATCH: the fields given. */
static const char *patch_json(ctx *c, const int64_t *target, const char *note, const id_list *bl) {
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    if (target) jw_int(&w, "target_percent", *target);
    if (note) jw_str(&w, "note", note);
    if (bl->n >= 0) jw_raw(&w, "buildings", ids_json(c, bl));
    jw_end(&w);
    const char *s = buf_ok(&b) ? arena_strdup(&c->a, b.data) : "{}";
    buf_free(&b);
    return s;
}

kerr plan_create(ctx *c) {
    static const char *const f[] = {"project_id", "steward_id", "month", "building_ids", "target_percent", "note", NULL};
    int64_t pid = 0, steward = 0, target = 80, id = 0, s, end;
    const char *month = NULL, *note = NULL;
    id_list bl;
    kerr e;
    if ((e = in_only(c, f)) || (e = body_project(c, "visits.plan", &pid)) ||
        (e = in_int(c, "steward_id", "管家", IN_REQUIRED, 1, INT64_MAX, &steward, NULL)))
        return e;
    if (!visits_user_has_role(c->db, steward, pid, "'steward'"))
        return ctx_fail(c, E_VALIDATION, "steward_id", "该用户不是本管理处的客服管家");
    if ((e = in_month(c, "month", IN_REQUIRED, &month, &s, &end)) ||
        (e = in_int(c, "target_percent", "目标巡访率（%）", 0, 1, 100, &target, NULL)) ||
        (e = in_str(c, "note", "说明", IN_MULTILINE, 500, &note)) || (e = read_buildings(c, pid, month, 0, true, &bl)))
        return e;
    if (db_insert(c->db, &id, "INSERT INTO visit_plans(project_id, steward_id, month, target_percent, note, created_by, "
                            "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)", DI(pid), DI(steward),
                DT(month), DI(target), DT(note ? note : ""), DI(c->user->id), DI(c->now), DI(c->now))) {
        e = db_last_kerr(c->db);
        return e == E_DUPLICATE ? ctx_fail(c, e, "steward_id", "该管家 %s 已有拜访计划", month) : e;
    }
    if ((e = write_buildings(c, id, &bl)) ||
        (e = ctx_audit(c, pid, "visit_plan", id, "create",
                       arena_printf(&c->a, "{\"steward_id\":%lld,\"month\":\"%s\",\"target_percent\":%lld,\"buildings\":%s}",
                                    (long long)steward, month, (long long)target, ids_json(c, &bl)))))
        return e;
    return ctx_answer_after_commit(c, plan_answer, 201, id);
}

kerr plan_patch(ctx *c) {
    static const char *const f[] = {"version", "building_ids", "target_percent", "note", NULL};
    int64_t id, pid, version, target = 0;
    bool has_target = false;
    const char *month = NULL, *note = NULL;
    id_list bl;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = plan_row(c, id, &pid, &month)) || (e = ctx_require(c, "visits.plan", pid)) ||
        (e = in_only(c, f)) || (e = in_version(c, &version)) ||
        (e = in_int(c, "target_percent", "目标巡访率（%）", 0, 1, 100, &target, &has_target)) ||
        (e = in_str(c, "note", "说明", IN_MULTILINE, 500, &note)) || (e = read_buildings(c, pid, month, id, false, &bl)))
        return e;
    if ((e = db_exec(c->db, "UPDATE visit_plans SET target_percent = COALESCE(?, target_percent), note = COALESCE(?, note), "
                            "version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                     has_target ? DI(target) : DN, note ? DT(note) : DN, DI(c->now), DI(id), DI(version))))
        return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, "version", NULL);
    if (bl.n >= 0 && (e = write_buildings(c, id, &bl))) return e;
    if ((e = ctx_audit(c, pid, "visit_plan", id, "update", patch_json(c, has_target ? &target : NULL, note, &bl)))) return e;
    return ctx_answer_after_commit(c, plan_answer, 200, id);
}

static const export_col plan_cols[] = {
    {"month", "月份", EX_TEXT, NULL},             {"project_name", "管理处", EX_TEXT, NULL},
    {"steward_name", "管家", EX_TEXT, NULL},      {"district", "片区", EX_TEXT, NULL},
    {"households", "户数", EX_INT, NULL},         {"visited", "已巡访户数", EX_INT, NULL},
    {"rate", "巡访率", EX_TEXT, rate_text},            {"target_percent", "目标（%）", EX_INT, NULL},
    {"met", "达标", EX_BOOL, NULL},               {"visits_done", "拜访次数", EX_INT, NULL},
    {"note", "说明", EX_TEXT, NULL},
    {NULL, NULL, 0, NULL},
};
const export_spec plan_export = {"拜访计划", plan_cols};
