/*
** fees_meters.c — meters (水表、电表、燃气表、热量表) of the units: the list, one meter with its
** readings, creating and editing one; values in the meter's resolution; the route table of the
** meter files (see fees_meters.h).
*/
#include "fees_meters.h"
#include "http/module.h"
#include "kit/codes.h"
#include "kit/dates.h"
#include "kit/list.h"
#include <stdio.h>
#include <string.h>

const code_label METER_KINDS[] = {
    {"water", "水表"}, {"electric", "电表"}, {"gas", "燃气表"}, {"heat", "热量表"}, {NULL, NULL}};
const code_label METER_MEASURES[] = {{"吨"}, {"度"}, {"m³"}, {"GJ"}, {"kWh"}, {NULL}};
static const char *const DEFAULT_MEASURE[] = {"吨", "度", "m³", "GJ"};   /* METER_KINDS' order */
#define METER_VALUE_MAX 999999999999LL   /* 12 digits in the resolution */

/* ---- values in the resolution ---- */

const char *meter_fmt(arena *a, int64_t v, int64_t decimals) {
    char s[32];
    fee_fmt_fixed(v, (int)decimals, s, sizeof s);
    return arena_strdup(a, s);
}

bool meter_value_parse(json_t *v, int64_t decimals, int64_t *out) {
    char s[64];
    if (json_is_string(v)) {
        if (json_string_length(v) >= sizeof s || json_string_length(v) != strlen(json_string_value(v))) return false;
        snprintf(s, sizeof s, "%s", json_string_value(v));
    } else if (json_is_integer(v)) snprintf(s, sizeof s, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) snprintf(s, sizeof s, "%.15g", json_real_value(v));   /* as written: 1234.5 */
    else return false;
    return fee_parse_decimal(s, (int)decimals, out) == FEE_OK && *out <= METER_VALUE_MAX;
}

kerr in_meter_value(ctx *c, const char *key, const char *label, int64_t decimals, int64_t *out, bool *present) {
    json_t *v = json_object_get(c->json, key);
    if (present) *present = v && !json_is_null(v);
    if (!v || json_is_null(v)) return E_OK;
    if (meter_value_parse(v, decimals, out)) return E_OK;
    if (!decimals) return ctx_fail(c, E_VALIDATION, key, "%s应为不小于 0 的整数（该表读数没有小数）", label);
    return ctx_fail(c, E_VALIDATION, key, "%s应为不小于 0、最多 %lld 位小数的数字", label, (long long)decimals);
}

/* ---- a meter's row ---- */

#define METER_REC_COLS "m.id, m.project_id, m.unit_id, m.decimals, m.multiplier, m.loss, m.maximum, m.start_reading, " \
                       "m.version, m.active, m.kind, m.number, m.measure, u.code"

static void meter_rec_read(arena *a, db_stmt *st, meter_rec *m) {
    *m = (meter_rec){
        .id = db_col_int(st, 0), .project_id = db_col_int(st, 1), .unit_id = db_col_int(st, 2),
        .decimals = db_col_int(st, 3), .multiplier = db_col_int(st, 4), .loss = db_col_int(st, 5),
        .maximum = db_col_int(st, 6), .start_reading = db_col_int(st, 7), .version = db_col_int(st, 8),
        .active = db_col_int(st, 9) != 0, .kind = arena_strdup(a, db_col_text(st, 10)),
        .number = arena_strdup(a, db_col_text(st, 11)), .measure = arena_strdup(a, db_col_text(st, 12)),
        .unit_code = arena_strdup(a, db_col_text(st, 13))};
}

kerr meter_load_db(db *d, arena *a, int64_t id, meter_rec *m) {
    db_stmt *st = db_query(d, "SELECT " METER_REC_COLS " FROM meters m JOIN units u ON u.id = m.unit_id WHERE m.id = ?", DI(id));
    if (!st) return db_last_kerr(d);
    int rc = db_step(st);
    if (rc == DB_ROW) meter_rec_read(a, st, m);
    db_finish(st);
    return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOT_FOUND : db_last_kerr(d);
}

kerr meter_load(ctx *c, int64_t id, const char *perm, meter_rec *m) {
    kerr e = meter_load_db(c->db, &c->a, id, m);
    if (e == E_NOT_FOUND || (!e && !auth_can(c->user, "fees.read", m->project_id) && !auth_can(c->user, perm, m->project_id)))
        return ctx_fail(c, E_NOT_FOUND, NULL, "没有这块表");
    return e ? e : ctx_require(c, perm, m->project_id);
}

/* ---- reading meters ---- */

#define METER_COLS METER_HEAD_COLS ", m.start_reading, m.active, m.installed_at, m.note, m.version, m.created_at, " \
    "m.updated_at, lr.period, lr.reading"
#define METER_FROM "meters m JOIN units u ON u.id = m.unit_id JOIN buildings b ON b.id = u.building_id LEFT JOIN " \
    "meter_readings lr ON lr.id = (SELECT r.id FROM meter_readings r WHERE r.meter_id = m.id ORDER BY r.period DESC LIMIT 1)"

void meter_head_fields(ctx *c, db_stmt *st, jw *w, const char *id_key) {
    int64_t k = db_col_int(st, 10);
    jw_int(w, id_key, db_col_int(st, 0));
    jw_int(w, "project_id", db_col_int(st, 1));
    jw_int(w, "unit_id", db_col_int(st, 2));
    jw_str(w, "unit_code", db_col_text(st, 3));
    jw_int(w, "building_id", db_col_int(st, 4));
    jw_str(w, "building_name", db_col_text(st, 5));
    if (db_col_is_null(st, 6)) jw_null(w, "floor"); else jw_int(w, "floor", db_col_int(st, 6));
    jw_str(w, "kind", db_col_text(st, 7));
    jw_str(w, "kind_label", code_label_of(METER_KINDS, db_col_text(st, 7)));
    jw_str(w, "number", db_col_text(st, 8));
    jw_str(w, "measure", db_col_text(st, 9));
    jw_int(w, "decimals", k);
    jw_int(w, "multiplier", db_col_int(st, 11));
    jw_str(w, "loss", meter_fmt(&c->a, db_col_int(st, 12), k));
    jw_str(w, "maximum", db_col_int(st, 13) ? meter_fmt(&c->a, db_col_int(st, 13), k) : NULL);
}

static void meter_fields(ctx *c, db_stmt *st, jw *w) {
    int64_t k = db_col_int(st, 10);
    meter_head_fields(c, st, w, "id");
    jw_str(w, "start_reading", meter_fmt(&c->a, db_col_int(st, 14), k));
    jw_bool(w, "active", db_col_int(st, 15) != 0);
    jw_str(w, "installed_at", db_col_text(st, 16));
    jw_str(w, "note", db_col_text(st, 17));
    jw_int(w, "version", db_col_int(st, 18));
    jw_time(w, "created_at", db_col_int(st, 19));
    jw_time(w, "updated_at", db_col_int(st, 20));
    jw_str(w, "last_period", db_col_text(st, 21));
    jw_str(w, "last_reading", db_col_is_null(st, 22) ? NULL : meter_fmt(&c->a, db_col_int(st, 22), k));
}

static kerr meter_item(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)arg;
    jw_obj(w, NULL);
    meter_fields(c, st, w);
    jw_end(w);
    return E_OK;
}

static kerr meters_filter(ctx *c, list_q *f) {
    const char *kind = NULL, *active = q_str(c, "active");
    kerr e = q_code(c, "kind", "表类", METER_KINDS, &kind);
    if (e) return e;
    if (kind) qb_and(&f->b, "m.kind = ?", DT(kind));
    if (active && strcmp(active, "0") && strcmp(active, "1")) return ctx_fail(c, E_BAD_REQUEST, "active", "active 应为 0 或 1");
    if (active) qb_and(&f->b, "m.active = ?", DI(active[0] == '1'));
    return E_OK;
}

static const list_def METERS = {
    .perm = "fees.read", .project_col = "m.project_id",
    .ids = (const id_filter[]){{"building_id", "楼栋", "u.building_id = ?"}, {"unit_id", "房屋", "m.unit_id = ?"}, {NULL, NULL, NULL}},
    .q_cond = "u.code LIKE ? ESCAPE '\\' OR m.number LIKE ? ESCAPE '\\'",
    .filter = meters_filter,
    .sorts = (const list_sort[]){{"unit", "ORDER BY m.project_id, LENGTH(b.code), b.code, u.floor, u.entrance, u.room, m.kind, m.id"},
                                 {"-id", "ORDER BY m.id DESC"}, {NULL, NULL}},
    .spec = {.cols = METER_COLS, .from = METER_FROM, .count_from = "meters m JOIN units u ON u.id = m.unit_id"},
    .row = meter_item,
};
static kerr meters_list(ctx *c) { return list_run(c, &METERS, NULL); }

static void history_fields(ctx *c, db_stmt *st, jw *w, void *arg) {
    int64_t k = *(const int64_t *)arg;
    jw_int(w, "id", db_col_int(st, 0));
    jw_str(w, "period", db_col_text(st, 1));
    jw_str(w, "reading", meter_fmt(&c->a, db_col_int(st, 2), k));
    jw_str(w, "usage", meter_fmt(&c->a, db_col_int(st, 3), k));
    jw_str(w, "explanation", db_col_text(st, 4));
    jw_str(w, "read_at", db_col_text(st, 5));
    jw_int(w, "version", db_col_int(st, 6));
}

/* The meter with its last 24 readings, newest first. */
static kerr meter_answer(ctx *c, int status, int64_t id) {
    db_stmt *st = db_query(c->db, "SELECT " METER_COLS " FROM " METER_FROM " WHERE m.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, "没有这块表") : db_last_kerr(c->db); }
    int64_t k = db_col_int(st, 10);
    jw *w = ctx_json(c, status);
    jw_obj(w, NULL);
    meter_fields(c, st, w);
    db_finish(st);
    kerr e = json_rows(c, db_query(c->db, "SELECT id, period, reading, usage, explanation, read_at, version FROM meter_readings "
                                          "WHERE meter_id = ? ORDER BY period DESC LIMIT 24", DI(id)), w, "readings", history_fields, &k);
    jw_end(w);
    return e;
}

static kerr meter_get(ctx *c) {
    int64_t id;
    meter_rec m;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = meter_load(c, id, "fees.read", &m))) return e;
    return meter_answer(c, 200, id);
}

/* ---- writing meters ---- */

typedef struct meter_in {
    const char *kind, *number, *measure, *installed_at, *note;
    int64_t decimals, multiplier, loss, maximum, start;
    bool has_decimals, has_multiplier, has_loss, has_maximum, has_start, active, has_active;
} meter_in;

/* The fields whose reading depends on the resolution, read once the decimals are known. */
static kerr read_values(ctx *c, meter_in *in, int64_t decimals) {
    kerr e;
    if ((e = in_meter_value(c, "loss", "损耗", decimals, &in->loss, &in->has_loss)) ||
        (e = in_meter_value(c, "maximum", "最大读数", decimals, &in->maximum, &in->has_maximum)) ||
        (e = in_meter_value(c, "start_reading", "起始读数", decimals, &in->start, &in->has_start)))
        return e;
    return E_OK;
}

static kerr read_meter(ctx *c, meter_in *in, bool create) {
    kerr e;
    if ((create && (e = in_code(c, "kind", "表类", IN_REQUIRED, METER_KINDS, &in->kind))) ||
        (e = in_str(c, "number", "表号", 0, 30, &in->number)) ||
        (e = in_code(c, "measure", "计量单位", create ? 0 : IN_NONEMPTY, METER_MEASURES, &in->measure)) ||
        (e = in_int(c, "decimals", "读数小数位", 0, 0, 3, &in->decimals, &in->has_decimals)) ||
        (e = in_int(c, "multiplier", "倍率", 0, 1, 100000, &in->multiplier, &in->has_multiplier)) ||
        (e = jv_date(c, c->json, "installed_at", "安装日期", &in->installed_at)) ||
        (e = in_bool(c, "active", "启用", 0, &in->active, &in->has_active)) ||
        (e = in_str(c, "note", "备注", IN_MULTILINE, 500, &in->note)))
        return e;
    if (in->number && (strchr(in->number, ' ') || strchr(in->number, '\t')))
        return ctx_fail(c, E_VALIDATION, "number", "表号不能包含空格");
    return E_OK;
}

/* A reading of the meter may not pass its maximum. */
static kerr check_maximum(ctx *c, int64_t maximum, int64_t start, int64_t decimals) {
    if (maximum && start > maximum)
        return ctx_fail(c, E_VALIDATION, "start_reading", "起始读数 %s 超过表的最大读数 %s", meter_fmt(&c->a, start, decimals),
                        meter_fmt(&c->a, maximum, decimals));
    return E_OK;
}

static const char *measure_of(const char *kind) {
    for (int i = 0; METER_KINDS[i].code; i++)
        if (!strcmp(METER_KINDS[i].code, kind)) return DEFAULT_MEASURE[i];
    return "吨";
}

/* The unit named by the body, and its project where the user may write fees. */
static kerr read_unit(ctx *c, int64_t *unit, int64_t *pid) {
    kerr e = in_int(c, "unit_id", "房屋", IN_REQUIRED, 1, INT64_MAX, unit, NULL);
    if (e) return e;
    e = db_read_int(c->db, pid, "SELECT project_id FROM units WHERE id = ?", DI(*unit));
    if (e == E_NOT_FOUND) return ctx_fail(c, E_VALIDATION, "unit_id", "房屋不存在");
    return e ? e : ctx_require(c, "fees.write", *pid);
}

const char *meter_audit_text(ctx *c, void (*fn)(ctx *c, jw *w, const void *arg), const void *arg) {
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    fn(c, &w, arg);
    jw_end(&w);
    const char *s = buf_ok(&b) ? arena_strdup(&c->a, buf_cstr(&b)) : "{}";
    buf_free(&b);
    return s;
}

typedef struct meter_new { int64_t unit; const meter_in *in; } meter_new;

static void created_fields(ctx *c, jw *w, const void *arg) {
    const meter_new *n = arg;
    const meter_in *in = n->in;
    jw_int(w, "unit_id", n->unit);
    jw_str(w, "kind", in->kind);
    jw_str(w, "number", in->number ? in->number : "");
    jw_str(w, "measure", in->measure);
    jw_int(w, "decimals", in->decimals);
    jw_int(w, "multiplier", in->multiplier);
    jw_str(w, "loss", meter_fmt(&c->a, in->loss, in->decimals));
    jw_str(w, "maximum", meter_fmt(&c->a, in->maximum, in->decimals));
    jw_str(w, "start_reading", meter_fmt(&c->a, in->start, in->decimals));
}

static kerr meter_create(ctx *c) {
    static const char *const f[] = {"unit_id", "kind", "number", "measure", "decimals", "multiplier", "loss", "maximum",
                                    "start_reading", "installed_at", "active", "note", NULL};
    meter_in in = {.multiplier = 1};
    int64_t unit = 0, pid = 0, id = 0;
    kerr e;
    if ((e = in_only(c, f)) || (e = read_unit(c, &unit, &pid)) || (e = read_meter(c, &in, true)) ||
        (e = read_values(c, &in, in.decimals)) || (e = check_maximum(c, in.maximum, in.start, in.decimals)))
        return e;
    if (!in.measure) in.measure = measure_of(in.kind);
    if (db_insert(c->db, &id, "INSERT INTO meters(project_id, unit_id, kind, number, measure, decimals, multiplier, loss, "
                            "maximum, start_reading, active, installed_at, note, created_at, updated_at) "
                            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                DI(pid), DI(unit), DT(in.kind), DT(in.number ? in.number : ""), DT(in.measure), DI(in.decimals),
                DI(in.multiplier), DI(in.loss), DI(in.maximum), DI(in.start), DI(in.has_active ? in.active : 1),
                DT(in.installed_at ? in.installed_at : ""), DT(in.note ? in.note : ""), DI(c->now), DI(c->now))) {
        e = db_last_kerr(c->db);
        return e == E_DUPLICATE ? ctx_fail(c, e, "number", "表号「%s」已登记在另一块表上", in.number) : e;
    }
    if ((e = ctx_audit(c, pid, "meter", id, "create", meter_audit_text(c, created_fields, &(meter_new){unit, &in})))) return e;
    return ctx_answer_after_commit(c, meter_answer, 201, id);
}

typedef struct meter_edit { const meter_rec *m; const meter_in *in; int64_t k; } meter_edit;

/* The audit's changes of an edit: each field given, from → to, in words of the resolution. */
static void edit_fields(ctx *c, jw *w, const void *arg) {
    const meter_edit *x = arg;
    const meter_rec *m = x->m;
    const meter_in *in = x->in;
    audit_change_str(w, "number", m->number, in->number);
    audit_change_str(w, "measure", m->measure, in->measure);
    audit_change_int(w, "decimals", true, m->decimals, in->has_decimals, in->decimals);
    audit_change_int(w, "multiplier", true, m->multiplier, in->has_multiplier, in->multiplier);
    audit_change_str(w, "loss", meter_fmt(&c->a, m->loss, m->decimals), in->has_loss ? meter_fmt(&c->a, in->loss, x->k) : NULL);
    audit_change_str(w, "maximum", meter_fmt(&c->a, m->maximum, m->decimals),
                     in->has_maximum ? meter_fmt(&c->a, in->maximum, x->k) : NULL);
    audit_change_str(w, "start_reading", meter_fmt(&c->a, m->start_reading, m->decimals),
                     in->has_start ? meter_fmt(&c->a, in->start, x->k) : NULL);
    audit_change_int(w, "active", true, m->active, in->has_active, in->active);
    if (in->installed_at) jw_str(w, "installed_at", in->installed_at);
    if (in->note) jw_str(w, "note", in->note);
}

/* The resolution and the start reading stay while the meter has readings. */
static kerr check_edit(ctx *c, const meter_rec *m, const meter_in *in) {
    bool read = db_exists(c->db, "SELECT 1 FROM meter_readings WHERE meter_id = ?", DI(m->id));
    if (read && in->has_decimals && in->decimals != m->decimals)
        return ctx_fail(c, E_STATE, "decimals", "该表已有读数，不能修改读数小数位");
    if (read && in->has_start && in->start != m->start_reading)
        return ctx_fail(c, E_STATE, "start_reading", "该表已有读数，不能修改起始读数");
    return check_maximum(c, in->has_maximum ? in->maximum : m->maximum, in->has_start ? in->start : m->start_reading,
                         in->has_decimals ? in->decimals : m->decimals);
}

static kerr meter_patch(ctx *c) {
    static const char *const f[] = {"version", "number", "measure", "decimals", "multiplier", "loss", "maximum",
                                    "start_reading", "installed_at", "active", "note", NULL};
    meter_in in = {0};
    meter_rec m;
    int64_t id, version;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = meter_load(c, id, "fees.write", &m)) || (e = in_only(c, f)) ||
        (e = in_version(c, &version)) || (e = read_meter(c, &in, false)))
        return e;
    int64_t k = in.has_decimals ? in.decimals : m.decimals;
    if ((e = read_values(c, &in, k)) || (e = check_edit(c, &m, &in))) return e;
    e = db_exec(c->db, "UPDATE meters SET number = COALESCE(?, number), measure = COALESCE(?, measure), "
                       "decimals = COALESCE(?, decimals), multiplier = COALESCE(?, multiplier), loss = COALESCE(?, loss), "
                       "maximum = COALESCE(?, maximum), start_reading = COALESCE(?, start_reading), active = COALESCE(?, active), "
                       "installed_at = COALESCE(?, installed_at), note = COALESCE(?, note), version = version + 1, "
                       "updated_at = ? WHERE id = ? AND version = ?",
                DT(in.number), DT(in.measure), in.has_decimals ? DI(in.decimals) : DN,
                in.has_multiplier ? DI(in.multiplier) : DN, in.has_loss ? DI(in.loss) : DN,
                in.has_maximum ? DI(in.maximum) : DN, in.has_start ? DI(in.start) : DN, in.has_active ? DI(in.active) : DN,
                DT(in.installed_at), DT(in.note), DI(c->now), DI(id), DI(version));
    if (e == E_DUPLICATE) return ctx_fail(c, e, "number", "表号「%s」已登记在另一块表上", in.number);
    if (e) return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, "version", NULL);
    if ((e = ctx_audit(c, m.project_id, "meter", id, "update", meter_audit_text(c, edit_fields, &(meter_edit){&m, &in, k})))) return e;
    return ctx_answer_after_commit(c, meter_answer, 200, id);
}

static const export_col meter_cols[] = {
    {"building_name", "楼栋", EX_TEXT, NULL},  {"unit_code", "房号", EX_TEXT, NULL},    {"kind_label", "表类", EX_TEXT, NULL},
    {"number", "表号", EX_TEXT, NULL},         {"measure", "单位", EX_TEXT, NULL},      {"decimals", "小数位", EX_INT, NULL},
    {"multiplier", "倍率", EX_INT, NULL},      {"loss", "损耗", EX_TEXT, NULL},         {"maximum", "最大读数", EX_TEXT, NULL},
    {"start_reading", "起始读数", EX_TEXT, NULL}, {"last_period", "最近抄表月份", EX_TEXT, NULL},
    {"last_reading", "最近读数", EX_TEXT, NULL}, {"active", "启用", EX_BOOL, NULL},  {"installed_at", "安装日期", EX_TEXT, NULL},
    {"note", "备注", EX_TEXT, NULL},           {NULL, NULL, 0, NULL},
};
static const export_spec meter_export = {"表计列表", meter_cols};

kerr readings_sheet(ctx *c);                     /* fees_readings.c */
kerr reading_create(ctx *c);
kerr reading_patch(ctx *c);
kerr readings_import(ctx *c);                    /* fees_readings_import.c */
kerr readings_template(ctx *c);
extern const export_spec reading_export, reading_template_export;

const route fees_meters_routes[] = {
    {"GET",   "/api/v1/meters",                   "fees.read",  0, 0, meters_list, &meter_export},
    {"POST",  "/api/v1/meters",                   "fees.write", 0, 16384, meter_create, NULL},
    {"GET",   "/api/v1/meters/{id}",              "fees.read",  0, 0, meter_get, NULL},
    {"PATCH", "/api/v1/meters/{id}",              "fees.write", 0, 16384, meter_patch, NULL},
    {"GET",   "/api/v1/meter-readings",           "fees.read",  0, 0, readings_sheet, &reading_export},
    {"POST",  "/api/v1/meter-readings",           "fees.meter", 0, 16384, reading_create, NULL},
    {"PATCH", "/api/v1/meter-readings/{id}",      "fees.meter", 0, 16384, reading_patch, NULL},
    {"POST",  "/api/v1/meter-readings/import",    "fees.meter", RF_RAW_BODY | RF_BULK, 16u * 1024 * 1024, readings_import, NULL},
    {"GET",   "/api/v1/meter-readings/template",  "fees.read",  0, 0, readings_template, &reading_template_export},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};

