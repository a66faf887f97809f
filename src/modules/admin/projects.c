/*
** projects.c — 管理处: the offices a company runs. Everyone sees the projects where they
** hold a role; a company-wide admin creates them; admin or manager edits their own.
*/
#include "admin.h"
#include "kit/list.h"
#include "core/qb.h"
#include "http/authcache.h"
#include "http/export.h"
#include "http/input.h"
#include <string.h>

#define PROJECT_COLS "id, code, name, address, phone, active, version, created_at, updated_at"

static void project_row(db_stmt *st, jw *w) {
    jw_obj(w, NULL);
    jw_int(w, "id", db_col_int(st, 0));
    jw_str(w, "code", db_col_text(st, 1));
    jw_str(w, "name", db_col_text(st, 2));
    jw_str(w, "address", db_col_text(st, 3));
    jw_str(w, "phone", db_col_text(st, 4));
    jw_bool(w, "active", db_col_int(st, 5) != 0);
    jw_int(w, "version", db_col_int(st, 6));
    jw_time(w, "created_at", db_col_int(st, 7));
    jw_time(w, "updated_at", db_col_int(st, 8));
    jw_end(w);
}

static kerr answer_project(ctx *c, int status, int64_t id) {
    db_stmt *st = db_query(c->db, "SELECT " PROJECT_COLS " FROM projects WHERE id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    kerr e = E_OK;
    int rc = db_step(st);
    if (rc == DB_ROW) project_row(st, ctx_json(c, status));
    else e = rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, NULL) : db_last_kerr(c->db);
    db_finish(st);
    return e;
}

static kerr project_item(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)c, (void)arg;
    project_row(st, w);
    return E_OK;
}

static const list_def PROJECTS = {
    .perm = "projects.read", .project_col = "id",
    .q_cond = "name LIKE ? ESCAPE '\\' OR code LIKE ? ESCAPE '\\'",
    .sorts = (const list_sort[]){{"id", "ORDER BY id"}, {"code", "ORDER BY code"}, {NULL, NULL}},
    .spec = {.cols = PROJECT_COLS, .from = "projects"},
    .row = project_item,
};
static kerr projects_list(ctx *c) { return list_run(c, &PROJECTS, NULL); }

static kerr project_get(ctx *c) {
    int64_t id;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = ctx_require(c, "projects.read", id))) return e;
    return answer_project(c, 200, id);
}

static kerr check_code(ctx *c, const char *code) {
    if (!code) return E_OK;
    for (const char *p = code; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return ctx_fail(c, E_VALIDATION, "code", "管理处编码只能使用字母、数字和 -");
    return E_OK;
}

typedef struct project_in { const char *code, *name, *address, *phone; bool active, has_active; } project_in;

static kerr read_project(ctx *c, project_in *p, bool create) {
    kerr e;
    if ((e = in_str(c, "code", "管理处编码", create ? IN_REQUIRED : IN_NONEMPTY, 16, &p->code)) ||
        (e = check_code(c, p->code)) ||
        (e = in_str(c, "name", "管理处名称", create ? IN_REQUIRED : IN_NONEMPTY, 60, &p->name)) ||
        (e = in_str(c, "address", "地址", 0, 200, &p->address)) ||
        (e = in_str(c, "phone", "电话", 0, 30, &p->phone)))
        return e;
    if (!create) return in_bool(c, "active", "是否启用", 0, &p->active, &p->has_active);
    return E_OK;
}

static kerr project_create(ctx *c) {
    static const char *const fields[] = {"code", "name", "address", "phone", NULL};
    if (!auth_is_admin(c->user)) return ctx_fail(c, E_FORBIDDEN, NULL, "只有系统管理员可以新建管理处");
    project_in p = {0};
    kerr e;
    if ((e = in_only(c, fields)) || (e = read_project(c, &p, true))) return e;
    int64_t id = 0;
    if (db_insert(c->db, &id, "INSERT INTO projects(code, name, address, phone, created_at, updated_at) "
                              "VALUES (?,?,?,?,?,?)",
                  DT(p.code), DT(p.name), DT(p.address ? p.address : ""), DT(p.phone ? p.phone : ""),
                  DI(c->now), DI(c->now))) {
        kerr k = db_last_kerr(c->db);
        return k == E_DUPLICATE ? ctx_fail(c, E_DUPLICATE, "code", "管理处编码「%s」已被使用", p.code) : k;
    }
    const char *ch = jv_dump(c, c->json);
    if ((e = auth_epoch_bump(c->db)) || (e = ctx_audit(c, id, "project", id, "create", ch))) return e;
    return answer_project(c, 201, id);
}

static kerr project_patch(ctx *c) {
    static const char *const fields[] = {"version", "code", "name", "address", "phone", "active", NULL};
    int64_t id, version;
    project_in p = {0};
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = ctx_require(c, "projects.manage", id)) ||
        (e = in_only(c, fields)) || (e = in_version(c, &version)) || (e = read_project(c, &p, false)))
        return e;
    e = db_exec(c->db, "UPDATE projects SET code = COALESCE(?, code), name = COALESCE(?, name), "
                       "address = COALESCE(?, address), phone = COALESCE(?, phone), active = COALESCE(?, active), "
                       "version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                DT(p.code), DT(p.name), DT(p.address), DT(p.phone), p.has_active ? DI(p.active) : DN,
                DI(c->now), DI(id), DI(version));
    if (e == E_DUPLICATE) return ctx_fail(c, E_DUPLICATE, "code", "管理处编码「%s」已被使用", p.code);
    if (e) return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, "version", NULL);
    if ((e = auth_epoch_bump(c->db))) return e;   /* names in the cached project directory */
    if ((e = ctx_audit(c, id, "project", id, "update", jv_dump(c, c->json)))) return e;
    return answer_project(c, 200, id);
}

static const export_col project_cols[] = {
    {"code", "编码", EX_TEXT, NULL},    {"name", "管理处名称", EX_TEXT, NULL},
    {"address", "地址", EX_TEXT, NULL}, {"phone", "电话", EX_TEXT, NULL},
    {"active", "启用", EX_BOOL, NULL},  {"created_at", "创建时间", EX_TIME, NULL},
    {NULL, NULL, 0, NULL},
};
static const export_spec project_export = {"管理处列表", project_cols};

const route projects_routes[] = {
    {"GET",   "/api/v1/projects",      "projects.read",   0, 0, projects_list, &project_export},
    {"POST",  "/api/v1/projects",      "projects.manage", 0, 16384, project_create},
    {"GET",   "/api/v1/projects/{id}", "projects.read",   0, 0, project_get},
    {"PATCH", "/api/v1/projects/{id}", "projects.manage", 0, 16384, project_patch},
    {NULL, NULL, NULL, 0, 0, NULL},
};
