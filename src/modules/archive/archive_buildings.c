/*
** archive_buildings.c — 楼栋: the buildings of a project (code, name, floors, entrances, kind).
*/
#include "archive.h"
#include "kit/list.h"
#include "http/export.h"
#include "http/input.h"
#include <string.h>

#define BUILDING_COLS "b.id, b.project_id, b.code, b.name, b.floors, b.entrances, b.kind, b.remark, b.version, " \
                      "b.created_at, b.updated_at, (SELECT COUNT(*) FROM units u WHERE u.building_id = b.id)"

static void building_row(db_stmt *st, jw *w) {
    jw_obj(w, NULL);
    jw_int(w, "id", db_col_int(st, 0));
    jw_int(w, "project_id", db_col_int(st, 1));
    jw_str(w, "code", db_col_text(st, 2));
    jw_str(w, "name", db_col_text(st, 3));
    jw_int(w, "floors", db_col_int(st, 4));
    jw_int(w, "entrances", db_col_int(st, 5));
    jw_str(w, "kind", db_col_text(st, 6));
    jw_str(w, "remark", db_col_text(st, 7));
    jw_int(w, "version", db_col_int(st, 8));
    jw_time(w, "created_at", db_col_int(st, 9));
    jw_time(w, "updated_at", db_col_int(st, 10));
    jw_int(w, "unit_count", db_col_int(st, 11));
    jw_end(w);
}

static kerr answer_building(ctx *c, int status, int64_t id) {
    db_stmt *st = db_query(c->db, "SELECT " BUILDING_COLS " FROM buildings b WHERE b.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    kerr e = rc == DB_ROW ? (building_row(st, ctx_json(c, status)), E_OK)
           : rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, NULL) : db_last_kerr(c->db);
    db_finish(st);
    return e;
}

static kerr building_item(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)c, (void)arg;
    building_row(st, w);
    return E_OK;
}

static const list_def BUILDINGS = {
    .perm = "archive.read", .project_col = "b.project_id",
    .q_cond = "b.code LIKE ? ESCAPE '\\' OR b.name LIKE ? ESCAPE '\\'",
    .sorts = (const list_sort[]){{"code", "ORDER BY b.project_id, LENGTH(b.code), b.code"},
                                 {"-id", "ORDER BY b.id DESC"}, {NULL, NULL}},
    .spec = {.cols = BUILDING_COLS, .from = "buildings b"},
    .row = building_item,
};
static kerr buildings_list(ctx *c) { return list_run(c, &BUILDINGS, NULL); }

static kerr building_get(ctx *c) {
    int64_t id, pid;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = archive_row(c, "buildings", id, "archive.read", &pid))) return e;
    return answer_building(c, 200, id);
}

typedef struct building_in { const char *code, *name, *kind, *remark; int64_t floors, entrances; bool has_floors, has_entrances; } building_in;

static kerr read_building(ctx *c, building_in *in, bool create) {
    kerr e;
    unsigned req = create ? IN_REQUIRED : IN_NONEMPTY;
    if ((e = in_str(c, "code", "楼栋号", req, 16, &in->code)) || (e = in_str(c, "name", "楼栋名称", req, 40, &in->name)) ||
        (e = in_int(c, "floors", "楼层数", 0, 0, 200, &in->floors, &in->has_floors)) ||
        (e = in_int(c, "entrances", "单元数", 0, 0, 50, &in->entrances, &in->has_entrances)) ||
        (e = in_code(c, "kind", "楼栋类型", 0, BUILDING_KINDS, &in->kind)) ||
        (e = in_str(c, "remark", "备注", IN_MULTILINE, 500, &in->remark)))
        return e;
    if (in->code && (strchr(in->code, '-') || strchr(in->code, ' ')))
        return ctx_fail(c, E_VALIDATION, "code", "楼栋号不能包含 - 或空格（房号由 楼栋-单元-房间 组成）");
    return E_OK;
}

static kerr building_create(ctx *c) {
    static const char *const fields[] = {"project_id", "code", "name", "floors", "entrances", "kind", "remark", NULL};
    building_in in = {0};
    int64_t pid, id = 0;
    kerr e;
    if ((e = in_only(c, fields)) || (e = body_project(c, "archive.write", &pid)) || (e = read_building(c, &in, true)))
        return e;
    if (db_insert(c->db, &id, "INSERT INTO buildings(project_id, code, name, floors, entrances, kind, remark, created_at, "
                            "updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                DI(pid), DT(in.code), DT(in.name), DI(in.floors), DI(in.entrances), DT(in.kind ? in.kind : "住宅楼"),
                DT(in.remark ? in.remark : ""), DI(c->now), DI(c->now))) {
        e = db_last_kerr(c->db);
        return e == E_DUPLICATE ? ctx_fail(c, e, "code", "楼栋号「%s」已存在", in.code) : e;
    }
    if ((e = archive_audit(c, pid, "building", id, "create", jv_dump(c, c->json)))) return e;
    return answer_building(c, 201, id);
}

static kerr building_patch(ctx *c) {
    static const char *const fields[] = {"version", "code", "name", "floors", "entrances", "kind", "remark", NULL};
    building_in in = {0};
    int64_t id, pid, version;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = archive_row(c, "buildings", id, "archive.write", &pid)) ||
        (e = in_only(c, fields)) || (e = in_version(c, &version)) || (e = read_building(c, &in, false)))
        return e;
    if (in.code && db_exists(c->db, "SELECT 1 FROM units WHERE building_id = ?", DI(id)) &&
        !db_exists(c->db, "SELECT 1 FROM buildings WHERE id = ? AND code = ?", DI(id), DT(in.code)))
        return ctx_fail(c, E_STATE, "code", "楼栋下已有房屋，不能修改楼栋号");
    e = db_exec(c->db, "UPDATE buildings SET code = COALESCE(?, code), name = COALESCE(?, name), "
                       "floors = COALESCE(?, floors), entrances = COALESCE(?, entrances), kind = COALESCE(?, kind), "
                       "remark = COALESCE(?, remark), version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                DT(in.code), DT(in.name), in.has_floors ? DI(in.floors) : DN, in.has_entrances ? DI(in.entrances) : DN,
                DT(in.kind), DT(in.remark), DI(c->now), DI(id), DI(version));
    if (e == E_DUPLICATE) return ctx_fail(c, e, "code", "楼栋号「%s」已存在", in.code);
    if (e) return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, "version", NULL);
    if ((e = archive_audit(c, pid, "building", id, "update", jv_dump(c, c->json)))) return e;
    return answer_building(c, 200, id);
}

static const export_col building_cols[] = {
    {"code", "楼栋号", EX_TEXT, NULL}, {"name", "楼栋名称", EX_TEXT, NULL}, {"kind", "类型", EX_TEXT, NULL},
    {"floors", "楼层数", EX_INT, NULL}, {"entrances", "单元数", EX_INT, NULL}, {"unit_count", "房屋数", EX_INT, NULL},
    {"remark", "备注", EX_TEXT, NULL}, {NULL, NULL, 0, NULL},
};
static const export_spec building_export = {"楼栋列表", building_cols};

const route buildings_routes[] = {
    {"GET",   "/api/v1/buildings",      "archive.read",  0, 0, buildings_list, &building_export},
    {"POST",  "/api/v1/buildings",      "archive.write", 0, 16384, building_create, NULL},
    {"GET",   "/api/v1/buildings/{id}", "archive.read",  0, 0, building_get, NULL},
    {"PATCH", "/api/v1/buildings/{id}", "archive.write", 0, 16384, building_patch, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};
