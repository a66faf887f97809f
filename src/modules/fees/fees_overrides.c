/*
** fees_overrides.c — a unit's own terms for one fee item (单独设置), each with its reason: a
** discount (pays discount_percent of the charge), an exemption (免收: no bill), the share paid
** while the unit is 空置 (vacancy_percent), a start date (起收日期: the handover or move-in day;
** the days before it are not billed) and, for a quantity item, the quantity (2 个车位).
*/
#include "fees_app.h"
#include "kit/list.h"
#include <stdio.h>
#include <string.h>

#define OVR_COLS "o.unit_id, un.code, b.name, un.status, un.area_build, o.discount_percent, o.exempt, o.vacancy_percent, " \
                 "o.start_date, o.quantity, o.reason, o.version, COALESCE(us.display_name, ''), o.updated_at, o.item_id"
#define OVR_FROM "fee_unit_overrides o JOIN units un ON un.id = o.unit_id JOIN buildings b ON b.id = un.building_id " \
                 "LEFT JOIN users us ON us.id = o.updated_by"

/* "九五折；空置按 50% 收取；自 2026-12-16 起收；数量 2" — the terms in words. */
static const char *terms_text(arena *a, int64_t discount, bool exempt, int64_t vacancy, const char *start, int64_t qty) {
    char q[32];
    if (exempt) return "免收";
    fee_fmt_fixed(qty, 2, q, sizeof q);
    const char *s = "";
    if (discount != 100) s = arena_printf(a, "按 %lld%% 收取", (long long)discount);
    if (vacancy != 100) s = arena_printf(a, "%s%s空置按 %lld%% 收取", s, *s ? "；" : "", (long long)vacancy);
    if (start && *start) s = arena_printf(a, "%s%s自 %s 起收", s, *s ? "；" : "", start);
    if (qty) s = arena_printf(a, "%s%s数量 %s", s, *s ? "；" : "", q);
    return *s ? s : "与项目相同";
}

static kerr override_row(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)arg;
    char q[32];
    int64_t discount = db_col_int(st, 5), vacancy = db_col_int(st, 7), qty = db_col_int(st, 9);
    bool exempt = db_col_int(st, 6) != 0;
    fee_fmt_fixed(qty, 2, q, sizeof q);
    jw_obj(w, NULL);
    jw_int(w, "item_id", db_col_int(st, 14));
    jw_int(w, "unit_id", db_col_int(st, 0));
    jw_str(w, "unit_code", db_col_text(st, 1));
    jw_str(w, "building_name", db_col_text(st, 2));
    jw_str(w, "unit_status", db_col_text(st, 3));
    char area[32];
    fee_fmt_fixed(db_col_int(st, 4), 2, area, sizeof area);
    jw_raw(w, "area", db_col_is_null(st, 4) ? "null" : area);
    jw_int(w, "discount_percent", discount);
    jw_bool(w, "exempt", exempt);
    jw_int(w, "vacancy_percent", vacancy);
    jw_str(w, "start_date", db_col_text(st, 8));
    jw_str(w, "quantity", q);
    jw_str(w, "terms_text", terms_text(&c->a, discount, exempt, vacancy, db_col_text(st, 8), qty));
    jw_str(w, "reason", db_col_text(st, 10));
    jw_int(w, "version", db_col_int(st, 11));
    jw_str(w, "updated_by_name", db_col_text(st, 12));
    jw_time(w, "updated_at", db_col_int(st, 13));
    jw_end(w);
    return E_OK;
}

static kerr overrides_filter(ctx *c, list_q *f) {
    (void)c;
    qb_and(&f->b, "o.item_id = ?", DI(*(const int64_t *)f->arg));
    return E_OK;
}

static const list_def OVERRIDES = {
    .perm = "fees.read", .project_col = "o.project_id",
    .ids = (const id_filter[]){{"unit_id", "房屋", "o.unit_id = ?"}, {NULL, NULL, NULL}},
    .q_cond = "un.code LIKE ? ESCAPE '\\' OR o.reason LIKE ? ESCAPE '\\'",
    .filter = overrides_filter,
    .sorts = (const list_sort[]){{"unit", "ORDER BY un.building_id, un.code"}, {"-updated", "ORDER BY o.updated_at DESC, o.id DESC"},
                                 {NULL, NULL}},
    .spec = {.cols = OVR_COLS, .from = OVR_FROM},
    .row = override_row,
};

kerr overrides_list(ctx *c) {
    fee_item it;
    int64_t id;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = fee_item_load(c, id, "fees.read", &it))) return e;
    return list_run(c, &OVERRIDES, &id);
}

/* The one override of the item and unit, as the list shows it. */
static kerr override_answer(ctx *c, int status, int64_t oid) {
    db_stmt *st = db_query(c->db, "SELECT " OVR_COLS " FROM " OVR_FROM " WHERE o.id = ?", DI(oid));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    kerr e = rc == DB_ROW ? override_row(c, st, ctx_json(c, status), NULL)
                          : rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, "没有这条单独设置") : db_last_kerr(c->db);
    db_finish(st);
    return e;
}

/* The path's item (writable by the user) and unit (of the item's project). */
static kerr path_item_unit(ctx *c, fee_item *it, int64_t *unit) {
    int64_t id, pid = 0;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = fee_item_load(c, id, "fees.write", it)) ||
        (e = ctx_param_id(c, "unit_id", unit)))
        return e;
    if (!db_int(c->db, &pid, "SELECT project_id FROM units WHERE id = ?", DI(*unit)) || pid != it->project_id)
        return ctx_fail(c, E_NOT_FOUND, "unit_id", "该管理处没有这户房屋");
    return E_OK;
}

typedef struct terms { int64_t discount, vacancy, quantity, version; bool exempt, has_version; const char *start, *reason; } terms;

static kerr read_terms(ctx *c, terms *t) {
    static const char *const f[] = {"discount_percent", "exempt", "vacancy_percent", "start_date", "quantity", "reason",
                                    "version", NULL};
    int64_t day;
    *t = (terms){.discount = 100, .vacancy = 100, .start = ""};
    kerr e;
    if ((e = in_only(c, f)) || (e = in_int(c, "discount_percent", "收取比例（%）", 0, 1, 100, &t->discount, NULL)) ||
        (e = in_bool(c, "exempt", "免收", 0, &t->exempt, NULL)) ||
        (e = in_int(c, "vacancy_percent", "空置时收取比例（%）", 0, 0, 100, &t->vacancy, NULL)) ||
        (e = in_str(c, "start_date", "起收日期", 0, 10, &t->start)) ||
        (e = in_decimal(c, "quantity", "数量", 2, 0, &t->quantity, NULL)) ||
        (e = in_str(c, "reason", "原因", IN_REQUIRED, 200, &t->reason)) ||
        (e = in_int(c, "version", "版本号", 0, 1, INT64_MAX, &t->version, &t->has_version)))
        return e;
    if (!t->start) t->start = "";
    if (*t->start && fee_date_parse(t->start, &day)) return ctx_fail(c, E_VALIDATION, "start_date", "起收日期应为 2026-12-16 这样的日期");
    return E_OK;
}

static const char *terms_changes(ctx *c, const terms *t) {
    return arena_printf(&c->a, "{\"discount_percent\":%lld,\"exempt\":%s,\"vacancy_percent\":%lld,\"start_date\":\"%s\","
                               "\"quantity\":%lld,\"reason\":%s}", (long long)t->discount, t->exempt ? "true" : "false",
                        (long long)t->vacancy, t->start, (long long)t->quantity, jv_dump(c, json_object_get(c->json, "reason")));
}

/* Writes the terms over the row (oid) or as a new one. */
static kerr write_terms(ctx *c, const fee_item *it, int64_t unit, const terms *t, int64_t *oid) {
    if (*oid) {
        kerr e = db_exec(c->db, "UPDATE fee_unit_overrides SET discount_percent = ?, exempt = ?, vacancy_percent = ?, "
                                "start_date = ?, quantity = ?, reason = ?, version = version + 1, updated_by = ?, "
                                "updated_at = ? WHERE id = ? AND version = COALESCE(?, version)",
                         DI(t->discount), DI(t->exempt), DI(t->vacancy), DT(t->start), DI(t->quantity), DT(t->reason),
                         DI(c->user->id), DI(c->now), DI(*oid), t->has_version ? DI(t->version) : DN);
        if (!e && db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, "version", NULL);
        return e;
    }
    if (db_insert(c->db, oid, "INSERT INTO fee_unit_overrides(project_id, item_id, unit_id, discount_percent, exempt, "
                             "vacancy_percent, start_date, quantity, reason, updated_by, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                  DI(it->project_id), DI(it->id), DI(unit), DI(t->discount), DI(t->exempt), DI(t->vacancy), DT(t->start),
                  DI(t->quantity), DT(t->reason), DI(c->user->id), DI(c->now)))
        return db_last_kerr(c->db);
    return E_OK;
}

kerr override_put(ctx *c) {
    fee_item it;
    terms t;
    int64_t unit, oid = 0;
    kerr e;
    if ((e = path_item_unit(c, &it, &unit)) || (e = read_terms(c, &t))) return e;
    if (!strcmp(it.rule, "quantity") && !t.exempt && t.quantity <= 0)
        return ctx_fail(c, E_VALIDATION, "quantity", "按数量计费的项目请填写数量（%s）", it.unit_name);
    db_int(c->db, &oid, "SELECT id FROM fee_unit_overrides WHERE item_id = ? AND unit_id = ?", DI(it.id), DI(unit));
    bool created = oid == 0;
    if ((e = write_terms(c, &it, unit, &t, &oid)) ||
        (e = ctx_audit(c, it.project_id, "fee_unit_override", oid, created ? "create" : "update", terms_changes(c, &t))))
        return e;
    return ctx_answer_after_commit(c, override_answer, created ? 201 : 200, oid);
}

kerr override_delete(ctx *c) {
    fee_item it;
    int64_t unit, oid = 0;
    kerr e;
    if ((e = path_item_unit(c, &it, &unit))) return e;
    if (!db_int(c->db, &oid, "SELECT id FROM fee_unit_overrides WHERE item_id = ? AND unit_id = ?", DI(it.id), DI(unit)))
        return ctx_fail(c, E_NOT_FOUND, NULL, "这户房屋没有单独设置");
    if ((e = db_exec(c->db, "DELETE FROM fee_unit_overrides WHERE id = ?", DI(oid))) ||
        (e = ctx_audit(c, it.project_id, "fee_unit_override", oid, "delete",
                       arena_printf(&c->a, "{\"item_id\":%lld,\"unit_id\":%lld}", (long long)it.id, (long long)unit))))
        return e;
    return ctx_no_content(c);
}

static const export_col override_cols[] = {
    {"unit_code", "房号", EX_TEXT, NULL},           {"building_name", "楼栋", EX_TEXT, NULL},
    {"unit_status", "房屋状态", EX_TEXT, NULL},     {"area", "建筑面积（m²）", EX_AREA, NULL},
    {"terms_text", "单独设置", EX_TEXT, NULL},      {"reason", "原因", EX_TEXT, NULL},
    {"updated_by_name", "设置人", EX_TEXT, NULL},   {"updated_at", "设置时间", EX_TIME, NULL},
    {NULL, NULL, 0, NULL},
};
const export_spec override_export = {"收费项目单独设置", override_cols};
