/*
** fees_items.c — fee items (收费项目, issue 21 point 1): a project's charges with their pricing
** rule (area × price (+ fixed), fixed, meter, quantity, shared by area), cycle, 预收/后收, due
** day, rounding, late-fee rule (off by default), and the units they apply to (all, buildings,
** uses, a list of units). Created and edited by a manager (fees.write), every change audited;
** an edit carries the version (409 on a stale one). Bills already made keep their amounts.
*/
#include "fees_app.h"
#include "kit/list.h"
#include "modules/archive/archive_public.h"
#include <stdio.h>
#include <string.h>

const code_label FEE_RULES[] = {{"area", "按面积"}, {"fixed", "固定金额"}, {"meter", "按表计量"},
                                {"quantity", "按数量"}, {"shared", "公摊"}, {NULL, NULL}};
const code_label FEE_CYCLES[] = {{"monthly", "按月"}, {"quarterly", "按季"}, {"yearly", "按年"}, {"once", "一次性"}, {NULL, NULL}};
const code_label FEE_APPLIES[] = {{"all", "全部房屋"}, {"buildings", "指定楼栋"}, {"uses", "指定用途"},
                                  {"units", "指定房屋"}, {NULL, NULL}};

#define MAX_TARGETS 2000

void fee_item_read(db_stmt *st, arena *a, fee_item *it) {
    int i = 0;
#define TXT() arena_strdup(a, db_col_text(st, i) ? db_col_text(st, i) : ""), i++
    it->id = db_col_int(st, i++), it->project_id = db_col_int(st, i++);
    it->code = TXT(); it->name = TXT(); it->rule = TXT();
    it->price = db_col_int(st, i++), it->fixed = db_col_int(st, i++);
    it->unit_name = TXT(); it->cycle = TXT();
    it->prepaid = db_col_int(st, i++) != 0, it->due_day = db_col_int(st, i++);
    it->round_mode = TXT(); it->round_unit = TXT();
    it->late_rate = db_col_int(st, i++), it->late_grace = db_col_int(st, i++), it->late_cap = db_col_int(st, i++);
    it->applies = TXT();
    it->bill_unhanded = db_col_int(st, i++) != 0, it->active = db_col_int(st, i++) != 0;
    it->note = TXT();
    it->version = db_col_int(st, i++), it->created_at = db_col_int(st, i++), it->updated_at = db_col_int(st, i++);
#undef TXT
}

fee_rounding fee_item_rounding(const fee_item *it) {
    fee_rounding r = {0};
    (void)fee_rounding_parse(it->round_mode, it->round_unit, &r);
    return r;
}

kerr fee_item_load(ctx *c, int64_t id, const char *perm, fee_item *it) {
    db_stmt *st = db_query(c->db, "SELECT " FEE_ITEM_COLS " FROM fee_items i WHERE i.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc == DB_ROW) fee_item_read(st, &c->a, it);
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(c->db);
    if (rc != DB_ROW || !auth_can(c->user, "fees.read", it->project_id)) return ctx_fail(c, E_NOT_FOUND, NULL, "没有这个收费项目");
    return ctx_require(c, perm, it->project_id);
}

/* ---- input ---- */

kerr in_decimal(ctx *c, const char *key, const char *label, int decimals, unsigned flags, int64_t *out, bool *present) {
    json_t *v = json_object_get(c->json, key);
    char tmp[64];
    if (present) *present = false;
    if (!v || json_is_null(v)) return flags & IN_REQUIRED ? ctx_fail(c, E_VALIDATION, key, "%s不能为空", label) : E_OK;
    if (json_is_integer(v)) snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) snprintf(tmp, sizeof tmp, "%.12g", json_real_value(v));
    else if (json_is_string(v) && json_string_length(v) < sizeof tmp && json_string_length(v) == strlen(json_string_value(v)))
        snprintf(tmp, sizeof tmp, "%s", json_string_value(v));
    else return ctx_fail(c, E_VALIDATION, key, "%s应为数字，如 1.55", label);
    fee_err e = fee_parse_decimal(tmp, decimals, out);
    if (e == FEE_E_DECIMALS) return ctx_fail(c, E_VALIDATION, key, "%s最多 %d 位小数", label, decimals);
    if (e == FEE_E_NEGATIVE) return ctx_fail(c, E_VALIDATION, key, "%s不能为负数", label);
    if (e == FEE_E_OVERFLOW || (!e && *out > 1000000000000LL)) return ctx_fail(c, E_VALIDATION, key, "%s数值过大", label);
    if (e) return ctx_fail(c, E_VALIDATION, key, "%s格式不对：请只填写数字，如 1.55", label);
    if (present) *present = true;
    return E_OK;
}

/* The units an item applies to, as given: building ids, uses or unit ids (n = -1: not given). */
typedef struct target_list { int64_t *ids; const char **uses; int n; } target_list;

static kerr target_id(ctx *c, int64_t pid, const char *key, int i, json_t *v, const char *table, int64_t *out) {
    const char *field = arena_printf(&c->a, "%s[%d]", key, i);
    int64_t p = 0;
    if (!json_is_integer(v) || json_integer_value(v) < 1) return ctx_fail(c, E_VALIDATION, field, "应为编号");
    *out = json_integer_value(v);
    const char *sql = !strcmp(table, "buildings") ? "SELECT project_id FROM buildings WHERE id = ?"
                                                 : "SELECT project_id FROM units WHERE id = ?";
    if (!db_int(c->db, &p, sql, DI(*out)) || p != pid)
        return ctx_fail(c, E_VALIDATION, field, "%s不存在或不属于该管理处", !strcmp(table, "buildings") ? "楼栋" : "房屋");
    return E_OK;
}

/* The list for applies (buildings, uses, units); the other lists must not be given. */
static kerr read_targets(ctx *c, int64_t pid, const char *applies, bool required, target_list *t) {
    static const char *const keys[] = {"building_ids", "use_types", "unit_ids"};
    static const char *const kinds[] = {"buildings", "uses", "units"};
    *t = (target_list){NULL, NULL, -1};
    for (int k = 0; k < 3; k++) {
        json_t *a = json_object_get(c->json, keys[k]);
        bool mine = !strcmp(applies, kinds[k]);
        if (!mine && a && !json_is_null(a) && json_array_size(a))
            return ctx_fail(c, E_VALIDATION, keys[k], "收费范围为「%s」，不用填写此项", code_label_of(FEE_APPLIES, applies));
        if (!mine) continue;
        size_t n = json_is_array(a) ? json_array_size(a) : 0;
        if (!a && !required) return E_OK;
        if (!n) return ctx_fail(c, E_VALIDATION, keys[k], "请选择收费范围（%s）", code_label_of(FEE_APPLIES, applies));
        if (n > MAX_TARGETS) return ctx_fail(c, E_VALIDATION, keys[k], "最多 %d 项", MAX_TARGETS);
        t->ids = arena_alloc(&c->a, sizeof *t->ids * n), t->uses = arena_alloc(&c->a, sizeof *t->uses * n);
        if (!t->ids || !t->uses) return E_NOMEM;
        for (t->n = 0; t->n < (int)n; t->n++) {
            json_t *v = json_array_get(a, (size_t)t->n);
            kerr e = E_OK;
            if (k == 1 && (!json_is_string(v) || !code_in(UNIT_USES, json_string_value(v))))
                e = ctx_fail(c, E_VALIDATION, arena_printf(&c->a, "use_types[%d]", t->n), "用途应为：住宅、商铺、办公、车位");
            else if (k == 1) t->uses[t->n] = json_string_value(v);
            else e = target_id(c, pid, keys[k], t->n, v, k == 0 ? "buildings" : "units", &t->ids[t->n]);
            if (e) return e;
        }
    }
    return E_OK;
}

static kerr write_targets(ctx *c, int64_t item, const char *applies, const target_list *t) {
    kerr e = db_exec(c->db, "DELETE FROM fee_item_targets WHERE item_id = ?", DI(item));
    for (int i = 0; !e && i < t->n; i++) {
        bool b = !strcmp(applies, "buildings"), u = !strcmp(applies, "units");
        e = db_exec(c->db, "INSERT INTO fee_item_targets(item_id, building_id, use_type, unit_id) VALUES (?,?,?,?)",
                    DI(item), b ? DI(t->ids[i]) : DN, !b && !u ? DT(t->uses[i]) : DN, u ? DI(t->ids[i]) : DN);
    }
    return e;
}

/* The body's fields over *it (a new item's defaults, or the stored item of a PATCH). */
static kerr overlay_texts(ctx *c, fee_item *it, bool create) {
    unsigned req = create ? IN_REQUIRED : IN_NONEMPTY;
    const char *s = NULL;
    kerr e;
#define TEXT_FIELD(key, label, fl, max, dst) \
    if ((e = in_str(c, key, label, fl, max, &s))) return e; \
    if (s) dst = s;
    TEXT_FIELD("code", "项目编码", req, 20, it->code)
    TEXT_FIELD("name", "项目名称", req, 40, it->name)
    TEXT_FIELD("unit_name", "计量单位", 0, 8, it->unit_name)
    TEXT_FIELD("note", "说明", IN_MULTILINE, 500, it->note)
#undef TEXT_FIELD
#define CODE_FIELD(key, label, fl, table, dst) \
    if ((e = in_code(c, key, label, fl, table, &s))) return e; \
    if (s) dst = s;
    CODE_FIELD("rule", "计费方式", req, FEE_RULES, it->rule)
    CODE_FIELD("cycle", "计费周期", IN_NONEMPTY, FEE_CYCLES, it->cycle)
    CODE_FIELD("round_mode", "取整方式", IN_NONEMPTY, FEE_ROUND_MODES, it->round_mode)
    CODE_FIELD("round_unit", "取整到", IN_NONEMPTY, FEE_ROUND_UNITS, it->round_unit)
    CODE_FIELD("applies", "收费范围", IN_NONEMPTY, FEE_APPLIES, it->applies)
#undef CODE_FIELD
    return E_OK;
}

static kerr overlay_numbers(ctx *c, fee_item *it) {
    kerr e;
    if ((e = in_decimal(c, "price", "单价", 4, 0, &it->price, NULL)) ||
        (e = in_decimal(c, "fixed", "固定金额", 4, 0, &it->fixed, NULL)) ||
        (e = in_int(c, "due_day", "缴费日", 0, 1, 28, &it->due_day, NULL)) ||
        (e = in_int(c, "late_rate", "滞纳金日费率（万分之）", 0, 0, 10000, &it->late_rate, NULL)) ||
        (e = in_int(c, "late_grace", "滞纳金宽限天数", 0, 0, 365, &it->late_grace, NULL)) ||
        (e = in_int(c, "late_cap", "滞纳金上限（分）", 0, 0, 100000000000LL, &it->late_cap, NULL)) ||
        (e = in_bool(c, "prepaid", "预收", 0, &it->prepaid, NULL)) ||
        (e = in_bool(c, "bill_unhanded", "未交房也收费", 0, &it->bill_unhanded, NULL)))
        return e;
    return in_bool(c, "active", "启用", 0, &it->active, NULL);
}

/* Rules across the fields of the whole item. */
static kerr item_check(ctx *c, const fee_item *it) {
    bool shared = !strcmp(it->rule, "shared"), area = !strcmp(it->rule, "area");
    bool per_unit = !strcmp(it->rule, "meter") || !strcmp(it->rule, "quantity");
    if (!shared && it->price <= 0) return ctx_fail(c, E_VALIDATION, "price", "单价须大于 0");
    if (shared && it->price) return ctx_fail(c, E_VALIDATION, "price", "公摊项目没有单价：每期填写分摊总额");
    if (!area && it->fixed) return ctx_fail(c, E_VALIDATION, "fixed", "只有按面积计费的项目可以另加固定金额");
    if (per_unit && !it->unit_name[0]) return ctx_fail(c, E_VALIDATION, "unit_name", "请填写计量单位，如 吨、度、个");
    if ((shared || !strcmp(it->rule, "meter")) && strcmp(it->cycle, "monthly"))
        return ctx_fail(c, E_VALIDATION, "cycle", "按表计量和公摊的项目按月计费");
    return E_OK;
}

/* ---- answers ---- */

/* "1栋、2栋" / "住宅、商铺" / "3 户" for the item's targets, and their ids. */
static kerr targets_json(ctx *c, const fee_item *it, jw *w) {
    bool b = !strcmp(it->applies, "buildings"), u = !strcmp(it->applies, "units");
    const char *sql = b ? "SELECT t.building_id, x.name FROM fee_item_targets t JOIN buildings x ON x.id = t.building_id "
                          "WHERE t.item_id = ? ORDER BY t.building_id"
                    : u ? "SELECT t.unit_id, x.code FROM fee_item_targets t JOIN units x ON x.id = t.unit_id "
                          "WHERE t.item_id = ? ORDER BY t.unit_id"
                        : "SELECT 0, t.use_type FROM fee_item_targets t WHERE t.item_id = ? ORDER BY t.use_type";
    db_stmt *st = db_query(c->db, sql, DI(it->id));
    if (!st) return db_last_kerr(c->db);
    buf names;
    buf_init(&names);
    int rc, n = 0;
    jw_arr(w, b ? "building_ids" : u ? "unit_ids" : "use_types");
    while ((rc = db_step(st)) == DB_ROW) {
        if (b || u) jw_int(w, NULL, db_col_int(st, 0)); else jw_str(w, NULL, db_col_text(st, 1));
        if (n++ < 10) buf_printf(&names, "%s%s", n > 1 ? "、" : "", db_col_text(st, 1));
    }
    db_finish(st);
    jw_end(w);
    if (n > 10) buf_printf(&names, " 等 %d %s", n, u ? "户" : "项");
    const char *all = code_label_of(FEE_APPLIES, it->applies);
    jw_str(w, "applies_text", !strcmp(it->applies, "all") ? all : arena_printf(&c->a, "%s：%s", all, buf_cstr(&names)));
    buf_free(&names);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

/* "1.5500 元/m²·月", "300.00 元/月", "3.5000 元/吨", "按面积分摊" (a fixed charge as money, a unit
** price with its four decimals). */
static const char *price_text(arena *a, const fee_item *it) {
    char p[32], f[32];
    if (!strcmp(it->rule, "fixed")) fee_fmt_charge(it->price, p, sizeof p);
    else fee_fmt_fixed(it->price, 4, p, sizeof p);
    fee_fmt_charge(it->fixed, f, sizeof f);
    bool once = !strcmp(it->cycle, "once");
    if (!strcmp(it->rule, "shared")) return "按建筑面积分摊";
    if (!strcmp(it->rule, "area"))
        return it->fixed ? arena_printf(a, "%s 元/m²%s + %s 元%s", p, once ? "" : "·月", f, once ? "" : "/月")
                         : arena_printf(a, "%s 元/m²%s", p, once ? "" : "·月");
    if (!strcmp(it->rule, "fixed")) return arena_printf(a, "%s 元%s", p, once ? "" : "/月");
    return arena_printf(a, "%s 元/%s%s", p, it->unit_name, !strcmp(it->rule, "quantity") && !once ? "·月" : "");
}

static void item_fields(ctx *c, const fee_item *it, jw *w) {
    char p[32], f[32], how[48];
    fee_fmt_fixed(it->price, 4, p, sizeof p), fee_fmt_fixed(it->fixed, 4, f, sizeof f);
    fee_rounding_text(fee_item_rounding(it), how, sizeof how);
    jw_int(w, "id", it->id);
    jw_int(w, "project_id", it->project_id);
    jw_str(w, "code", it->code);
    jw_str(w, "name", it->name);
    jw_str(w, "rule", it->rule);
    jw_str(w, "rule_label", code_label_of(FEE_RULES, it->rule));
    jw_str(w, "price", p);
    jw_str(w, "fixed", f);
    jw_str(w, "price_text", price_text(&c->a, it));
    jw_str(w, "unit_name", it->unit_name);
    jw_str(w, "cycle", it->cycle);
    jw_str(w, "cycle_label", code_label_of(FEE_CYCLES, it->cycle));
    jw_bool(w, "prepaid", it->prepaid);
    jw_int(w, "due_day", it->due_day);
    jw_str(w, "round_mode", it->round_mode);
    jw_str(w, "round_unit", it->round_unit);
    jw_str(w, "rounding_text", how);
    jw_int(w, "late_rate", it->late_rate);
    jw_int(w, "late_grace", it->late_grace);
    jw_money(w, "late_cap", it->late_cap);
    jw_str(w, "late_text", it->late_rate ? arena_printf(&c->a, "每日万分之 %lld，宽限 %lld 天", (long long)it->late_rate,
                                                        (long long)it->late_grace) : "不收");
    jw_str(w, "applies", it->applies);
    jw_bool(w, "bill_unhanded", it->bill_unhanded);
    jw_bool(w, "active", it->active);
    jw_str(w, "note", it->note);
    jw_int(w, "version", it->version);
    jw_time(w, "created_at", it->created_at);
    jw_time(w, "updated_at", it->updated_at);
}

static kerr item_json(ctx *c, const fee_item *it, jw *w) {
    jw_obj(w, NULL);
    item_fields(c, it, w);
    kerr e = targets_json(c, it, w);
    if (!e) {
        int64_t n = 0;
        e = db_read_int(c->db, &n, "SELECT COUNT(*) FROM fee_unit_overrides WHERE item_id = ?", DI(it->id));
        jw_int(w, "overrides", n);
    }
    jw_end(w);
    return e;
}

static kerr item_answer(ctx *c, int status, int64_t id) {
    fee_item it;
    kerr e = fee_item_load(c, id, "fees.read", &it);
    return e ? e : item_json(c, &it, ctx_json(c, status));
}

static kerr item_get(ctx *c) {
    int64_t id;
    kerr e = ctx_param_id(c, "id", &id);
    return e ? e : item_answer(c, 200, id);
}

static kerr item_row(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)arg;
    fee_item it;
    fee_item_read(st, &c->a, &it);
    return item_json(c, &it, w);
}

static kerr items_filter(ctx *c, list_q *f) {
    const char *rule = NULL, *active = q_str(c, "active");
    kerr e = q_code(c, "rule", "计费方式", FEE_RULES, &rule);
    if (e) return e;
    if (rule) qb_and(&f->b, "i.rule = ?", DT(rule));
    if (active && strcmp(active, "0") && strcmp(active, "1")) return ctx_fail(c, E_BAD_REQUEST, "active", "启用应为 0 或 1");
    if (active) qb_and(&f->b, "i.active = ?", DI(active[0] == '1'));
    return E_OK;
}

static const list_def FEE_ITEMS = {
    .perm = "fees.read", .project_col = "i.project_id",
    .q_cond = "i.code LIKE ? ESCAPE '\\' OR i.name LIKE ? ESCAPE '\\'",
    .filter = items_filter,
    .sorts = (const list_sort[]){{"code", "ORDER BY i.project_id, i.code"}, {"-id", "ORDER BY i.id DESC"}, {NULL, NULL}},
    .spec = {.cols = FEE_ITEM_COLS, .from = "fee_items i"},
    .row = item_row,
};
static kerr items_list(ctx *c) { return list_run(c, &FEE_ITEMS, NULL); }

/* ---- writes ---- */

static const char *const ITEM_FIELDS[] = {"code", "name", "rule", "price", "fixed", "unit_name", "cycle", "prepaid",
    "due_day", "round_mode", "round_unit", "late_rate", "late_grace", "late_cap", "applies", "building_ids",
    "use_types", "unit_ids", "bill_unhanded", "active", "note", "project_id", "version", NULL};

/* The audit's changes from *was to *now (was NULL: a new item, every field). */
static const char *item_changes(ctx *c, const fee_item *was, const fee_item *now, bool targets) {
    static const fee_item none = {.code = NULL};
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    const fee_item *o = was ? was : &none;
    const char *so[] = {o->code, o->name, o->rule, o->unit_name, o->cycle, o->round_mode, o->round_unit, o->applies, o->note};
    const char *sn[] = {now->code, now->name, now->rule, now->unit_name, now->cycle, now->round_mode, now->round_unit,
                        now->applies, now->note};
    static const char *const sk[] = {"code", "name", "rule", "unit_name", "cycle", "round_mode", "round_unit", "applies", "note"};
    for (int i = 0; i < 9; i++) audit_change_str(&w, sk[i], so[i], sn[i]);
    const int64_t io[] = {o->price, o->fixed, o->due_day, o->late_rate, o->late_grace, o->late_cap, o->prepaid,
                          o->bill_unhanded, o->active};
    const int64_t in[] = {now->price, now->fixed, now->due_day, now->late_rate, now->late_grace, now->late_cap,
                          now->prepaid, now->bill_unhanded, now->active};
    static const char *const ik[] = {"price", "fixed", "due_day", "late_rate", "late_grace", "late_cap", "prepaid",
                                     "bill_unhanded", "active"};
    for (int i = 0; i < 9; i++) audit_change_int(&w, ik[i], was != NULL, io[i], true, in[i]);
    if (targets) jw_bool(&w, "targets", true);
    jw_end(&w);
    const char *s = buf_ok(&b) ? arena_strdup(&c->a, b.data) : "{}";
    buf_free(&b);
    return s;
}

static kerr item_insert(ctx *c, const fee_item *it, int64_t *id) {
    if (!db_insert(c->db, id, "INSERT INTO fee_items(project_id, code, name, rule, price, fixed, unit_name, cycle, prepaid, "
                            "due_day, round_mode, round_unit, late_rate, late_grace, late_cap, applies, bill_unhanded, "
                            "active, note, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   DI(it->project_id), DT(it->code), DT(it->name), DT(it->rule), DI(it->price), DI(it->fixed),
                   DT(it->unit_name), DT(it->cycle), DI(it->prepaid), DI(it->due_day), DT(it->round_mode),
                   DT(it->round_unit), DI(it->late_rate), DI(it->late_grace), DI(it->late_cap), DT(it->applies),
                   DI(it->bill_unhanded), DI(it->active), DT(it->note), DI(c->user->id), DI(c->now), DI(c->now)))
        return E_OK;
    kerr e = db_last_kerr(c->db);
    return e == E_DUPLICATE ? ctx_fail(c, e, "code", "项目编码「%s」已被使用", it->code) : e;
}

static kerr item_create(ctx *c) {
    fee_item it = {.unit_name = "", .cycle = "monthly", .round_mode = "half", .round_unit = "fen", .applies = "all",
                   .note = "", .due_day = 15, .active = true};
    target_list t;
    int64_t id = 0;
    kerr e;
    if ((e = in_only(c, ITEM_FIELDS)) || (e = body_project(c, "fees.write", &it.project_id)) ||
        (e = overlay_texts(c, &it, true)) || (e = overlay_numbers(c, &it)) || (e = item_check(c, &it)) ||
        (e = read_targets(c, it.project_id, it.applies, true, &t)) || (e = item_insert(c, &it, &id)) ||
        (e = write_targets(c, id, it.applies, &t)) ||
        (e = ctx_audit(c, it.project_id, "fee_item", id, "create", item_changes(c, NULL, &it, t.n > 0))))
        return e;
    return ctx_answer_after_commit(c, item_answer, 201, id);
}

static kerr item_update(ctx *c, const fee_item *it, int64_t version) {
    kerr e = db_exec(c->db, "UPDATE fee_items SET code = ?, name = ?, rule = ?, price = ?, fixed = ?, unit_name = ?, cycle = ?, "
                            "prepaid = ?, due_day = ?, round_mode = ?, round_unit = ?, late_rate = ?, late_grace = ?, "
                            "late_cap = ?, applies = ?, bill_unhanded = ?, active = ?, note = ?, version = version + 1, "
                            "updated_at = ? WHERE id = ? AND version = ?",
                     DT(it->code), DT(it->name), DT(it->rule), DI(it->price), DI(it->fixed), DT(it->unit_name),
                     DT(it->cycle), DI(it->prepaid), DI(it->due_day), DT(it->round_mode), DT(it->round_unit),
                     DI(it->late_rate), DI(it->late_grace), DI(it->late_cap), DT(it->applies), DI(it->bill_unhanded),
                     DI(it->active), DT(it->note), DI(c->now), DI(it->id), DI(version));
    if (e == E_DUPLICATE) return ctx_fail(c, e, "code", "项目编码「%s」已被使用", it->code);
    if (!e && db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, "version", NULL);
    return e;
}

static kerr item_patch(ctx *c) {
    fee_item was, it;
    target_list t;
    int64_t id, version;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = fee_item_load(c, id, "fees.write", &was)) ||
        (e = in_only(c, ITEM_FIELDS)) || (e = in_version(c, &version)))
        return e;
    if (json_object_get(c->json, "project_id")) return ctx_fail(c, E_VALIDATION, "project_id", "收费项目不能改到其他管理处");
    it = was;
    bool applies_changed;
    if ((e = overlay_texts(c, &it, false)) || (e = overlay_numbers(c, &it)) || (e = item_check(c, &it))) return e;
    applies_changed = strcmp(it.applies, was.applies) != 0;
    if ((e = read_targets(c, it.project_id, it.applies, applies_changed, &t)) || (e = item_update(c, &it, version)))
        return e;
    if ((applies_changed || t.n >= 0) && (e = write_targets(c, id, it.applies, &t))) return e;
    if ((e = ctx_audit(c, it.project_id, "fee_item", id, "update", item_changes(c, &was, &it, t.n >= 0)))) return e;
    return ctx_answer_after_commit(c, item_answer, 200, id);
}

kerr overrides_list(ctx *c);                     /* fees_overrides.c */
kerr override_put(ctx *c);
kerr override_delete(ctx *c);

static const export_col item_cols[] = {
    {"code", "编码", EX_TEXT, NULL},                {"name", "项目名称", EX_TEXT, NULL},
    {"rule_label", "计费方式", EX_TEXT, NULL},      {"price_text", "单价", EX_TEXT, NULL},
    {"cycle_label", "计费周期", EX_TEXT, NULL},     {"prepaid", "预收", EX_BOOL, NULL},
    {"due_day", "缴费日", EX_INT, NULL},            {"rounding_text", "取整", EX_TEXT, NULL},
    {"late_text", "滞纳金", EX_TEXT, NULL},         {"applies_text", "收费范围", EX_TEXT, NULL},
    {"bill_unhanded", "未交房也收费", EX_BOOL, NULL}, {"overrides", "单独设置的房屋", EX_INT, NULL},
    {"active", "启用", EX_BOOL, NULL},              {"note", "说明", EX_TEXT, NULL},
    {NULL, NULL, 0, NULL},
};
const export_spec fee_item_export = {"收费项目", item_cols};

const route fee_items_routes[] = {
    {"GET",    "/api/v1/fee-items",                      "fees.read",  0, 0, items_list, &fee_item_export},
    {"POST",   "/api/v1/fee-items",                      "fees.write", 0, 131072, item_create, NULL},
    {"GET",    "/api/v1/fee-items/{id}",                 "fees.read",  0, 0, item_get, NULL},
    {"PATCH",  "/api/v1/fee-items/{id}",                 "fees.write", 0, 131072, item_patch, NULL},
    {"GET",    "/api/v1/fee-items/{id}/units",           "fees.read",  0, 0, overrides_list, &override_export},
    {"PUT",    "/api/v1/fee-items/{id}/units/{unit_id}", "fees.write", 0, 8192, override_put, NULL},
    {"DELETE", "/api/v1/fee-items/{id}/units/{unit_id}", "fees.write", 0, 1024, override_delete, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};
