/*
** users.c — 用户管理: staff accounts, their roles per project, disabling and password resets.
**
** Who may do what: a company-wide admin manages everyone. A manager (users.manage) manages
** the users who hold a role in one of their projects, grants roles only there, and never
** grants `admin` or company-wide roles; holders of company-wide roles are the admin's.
*/
#include "admin.h"
#include "kit/list.h"
#include "core/crypto.h"
#include "core/qb.h"
#include "http/export.h"
#include "http/input.h"
#include "http/authcache.h"
#include "http/session.h"
#include <string.h>

void user_write_fields(jw *w, const auth_user *u, const project_name *names, int n) {
    jw_int(w, "id", u->id);
    jw_str(w, "username", u->username);
    jw_str(w, "display_name", u->display_name);
    jw_str(w, "phone", u->phone);
    jw_bool(w, "is_admin", auth_is_admin(u));
    jw_bool(w, "disabled", u->disabled);
    jw_bool(w, "must_change_password", u->must_change_password);
    jw_int(w, "version", u->version);
    jw_time(w, "created_at", u->created_at);
    jw_time(w, "updated_at", u->updated_at);
    jw_time(w, "last_login_at", u->last_login_at);
    jw_arr(w, "roles");
    for (int i = 0; i < u->nroles; i++) {
        const user_role *r = &u->roles[i];
        const char *pname = "全公司";
        for (int k = 0; r->project_id && k < n; k++)
            if (names[k].id == r->project_id) pname = names[k].name;
        jw_obj(w, NULL);
        if (r->project_id) jw_int(w, "project_id", r->project_id); else jw_null(w, "project_id");
        jw_str(w, "project_name", pname);
        jw_str(w, "role", role_name(r->role));
        jw_str(w, "role_label", role_label(r->role));
        jw_end(w);
    }
    jw_end(w);
}

/* Loads user `id` and the names of the projects of their roles, then writes the fields. */
static kerr user_fields(ctx *c, db *d, int64_t id, jw *w) {
    auth_user *u = session_load_user(c, d, id, NULL);
    if (!u) return db_last_kerr(d);   /* the user is known to exist: a failed read */
    project_name names[64];
    int n = 0, rc = DB_DONE;
    db_stmt *st = db_query(d, "SELECT DISTINCT p.id, p.name FROM user_roles r JOIN projects p "
                              "ON p.id = r.project_id WHERE r.user_id = ?", DI(id));
    if (!st) return db_last_kerr(d);
    while (n < 64 && (rc = db_step(st)) == DB_ROW)
        names[n++] = (project_name){db_col_int(st, 0), arena_strdup(&c->a, db_col_text(st, 1))};
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(d);
    user_write_fields(w, u, names, n);
    return E_OK;
}

kerr user_json(ctx *c, db *d, int64_t id, jw *w, const char *key) {
    jw_obj(w, key);
    kerr e = user_fields(c, d, id, w);
    jw_end(w);
    return e;
}

/* Whether the caller holds perm in a project of one of user id's roles. */
static kerr holds_in_roles(ctx *c, int64_t id, const char *perm, bool *found) {
    db_stmt *st = db_query(c->db, "SELECT project_id FROM user_roles WHERE user_id = ? AND project_id IS NOT NULL",
                           DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc;
    *found = false;
    while ((rc = db_step(st)) == DB_ROW)
        if (auth_can(c->user, perm, db_col_int(st, 0))) *found = true;
    db_finish(st);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

/* A user with no role left: in no project, so any holder of users.read sees them (a manager who
** revoked someone's last role can grant one again) and any holder of users.manage manages them
** (granting only in their own projects, grant_allowed). */
#define NO_ROLE "NOT EXISTS (SELECT 1 FROM user_roles r0 WHERE r0.user_id = u.id)"
static kerr without_roles(ctx *c, int64_t id, bool *none) {
    bool some = false;
    kerr e = db_read_exists(c->db, &some, "SELECT 1 FROM user_roles WHERE user_id = ?", DI(id));
    *none = !e && !some;
    return e;
}

/* May the caller see user `id`? (404 otherwise). Sets *company when the target holds a
** company-wide role. */
static kerr user_visible(ctx *c, int64_t id, const char *perm, bool *company) {
    bool exists = false, seen = false;
    kerr e = db_read_exists(c->db, &exists, "SELECT 1 FROM users WHERE id = ?", DI(id));
    if (e) return e;
    if (!exists) return ctx_fail(c, E_NOT_FOUND, NULL, NULL);
    if ((e = db_read_exists(c->db, company, "SELECT 1 FROM user_roles WHERE user_id = ? AND project_id IS NULL", DI(id))))
        return e;
    if (auth_can_company(c->user, perm)) return E_OK;
    if ((e = holds_in_roles(c, id, "users.read", &seen))) return e;
    bool none = false;
    if (!seen && auth_can_any(c->user, "users.read") && (e = without_roles(c, id, &none))) return e;
    return seen || none || id == c->user->id ? E_OK : ctx_fail(c, E_NOT_FOUND, NULL, NULL);
}

/* Visible and manageable by the caller: company-role holders only by company admins. */
kerr user_manageable(ctx *c, int64_t id) {
    bool company = false;
    kerr e = user_visible(c, id, "users.read", &company);
    if (e) return e;
    if (auth_can_company(c->user, "users.manage")) return E_OK;
    if (company) return ctx_fail(c, E_FORBIDDEN, NULL, "该用户由公司系统管理员管理");
    bool ok = false;
    if ((e = holds_in_roles(c, id, "users.manage", &ok))) return e;
    if (!ok && auth_can_any(c->user, "users.manage") && (e = without_roles(c, id, &ok))) return e;
    return ok ? E_OK : ctx_fail(c, E_FORBIDDEN, NULL, NULL);
}

/* May the caller grant/revoke `role` in project pid (0 = company-wide)? */
static kerr grant_allowed(ctx *c, int64_t pid, unsigned role, const char *field) {
    if (auth_can_company(c->user, "users.manage") && auth_is_admin(c->user)) return E_OK;
    if (pid == 0) return ctx_fail(c, E_FORBIDDEN, field, "只有系统管理员可以授予全公司角色");
    if (role == ROLE_ADMIN) return ctx_fail(c, E_FORBIDDEN, field, "只有系统管理员可以授予系统管理员角色");
    return ctx_require(c, "users.manage", pid);
}

/* Reads {"project_id": id|null, "role": "agent"} at obj; path is "roles[0]" or NULL. */
static kerr read_role(ctx *c, json_t *obj, const char *path, int64_t *pid, unsigned *role) {
    static const char *const fields[] = {"project_id", "role", NULL};
    const char *fp = path ? arena_printf(&c->a, "%s.project_id", path) : "project_id";
    const char *fr = path ? arena_printf(&c->a, "%s.role", path) : "role";
    const char *name;
    kerr e;
    if (!json_is_object(obj)) return ctx_fail(c, E_VALIDATION, path, "角色应为 {project_id, role}");
    if ((e = jv_only(c, obj, path, fields))) return e;
    *pid = 0;
    if ((e = jv_int(c, obj, "project_id", fp, "管理处", 0, 1, INT64_MAX, pid, NULL))) return e;
    if ((e = jv_str(c, obj, "role", fr, "角色", IN_REQUIRED, 32, &name))) return e;
    if (!(*role = role_from_name(name))) return ctx_fail(c, E_VALIDATION, fr, "角色「%s」不存在", name);
    if (*pid && !db_exists(c->db, "SELECT 1 FROM projects WHERE id = ?", DI(*pid)))
        return ctx_fail(c, E_VALIDATION, fp, "管理处不存在");
    return grant_allowed(c, *pid, *role, fr);
}

static kerr insert_role(ctx *c, int64_t uid, int64_t pid, unsigned role) {
    kerr e = db_exec(c->db, "INSERT INTO user_roles(user_id, project_id, role, created_at) VALUES (?,?,?,?)",
                     DI(uid), pid ? DI(pid) : DN, DT(role_name(role)), DI(c->now));
    if (e == E_DUPLICATE) return ctx_fail(c, E_DUPLICATE, "role", "该用户在此管理处已有这个角色");
    return e;
}

/* The project an audit row about user `id` is filed under: the first project of the user's
** roles that the caller can see (so project managers read it), or none. */
static int64_t audit_project(ctx *c, int64_t id) {
    db_stmt *st = db_query(c->db, "SELECT project_id FROM user_roles WHERE user_id = ? AND project_id IS NOT NULL "
                                  "ORDER BY id", DI(id));
    int64_t pid = 0;
    while (st && !pid && db_step(st) == DB_ROW)
        if (auth_sees_project(c->user, db_col_int(st, 0))) pid = db_col_int(st, 0);
    if (st) db_finish(st);
    return pid;
}

static kerr check_username(ctx *c, const char *u) {
    size_t n = strlen(u);
    if (n < 3 || n > 32) return ctx_fail(c, E_VALIDATION, "username", "用户名应为 3 到 32 个字符");
    for (const char *p = u; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
            return ctx_fail(c, E_VALIDATION, "username", "用户名只能使用小写字母、数字和 . _ -");
    return E_OK;
}

static kerr check_phone(ctx *c, const char *phone) {
    if (!phone || !*phone) return E_OK;
    size_t n = strlen(phone), digits = 0;
    for (const char *p = phone; *p; p++) {
        if (*p >= '0' && *p <= '9') digits++;
        else if (*p != '-' && *p != '+' && *p != ' ') return ctx_fail(c, E_VALIDATION, "phone", "电话号码格式不正确");
    }
    if (digits < 5 || n > 20) return ctx_fail(c, E_VALIDATION, "phone", "电话号码格式不正确");
    return E_OK;
}

/* WHERE conditions of the user list from the query string and the caller's scope. */
static kerr users_filter(ctx *c, list_q *f) {
    qb *b = &f->b;
    int64_t pid = 0, disabled = -1, *ids = NULL;
    const char *role = q_str(c, "role"), *q = q_str(c, "q");
    kerr e;
    if ((e = q_int(c, "project_id", "管理处", 1, INT64_MAX, 0, &pid)) ||
        (e = q_int(c, "disabled", "状态", 0, 1, -1, &disabled)))
        return e;
    if (role && !role_from_name(role)) return ctx_fail(c, E_BAD_REQUEST, "role", "角色「%s」不存在", role);
    if (pid && !auth_sees_project(c->user, pid)) return ctx_fail(c, E_NOT_FOUND, "project_id", NULL);
    int n = ctx_perm_projects(c, "users.read", &ids);
    /* a user with no role left belongs to no project: every manager may find them to grant one */
    if (n >= 0) qb_in_ids(b, "u.id IN (SELECT user_id FROM user_roles WHERE project_id IN ?*) OR " NO_ROLE, ids, n);
    if (pid) qb_and(b, "u.id IN (SELECT user_id FROM user_roles WHERE project_id = ?)", DI(pid));
    if (role && pid)
        qb_and(b, "u.id IN (SELECT user_id FROM user_roles WHERE role = ? AND project_id = ?)", DT(role), DI(pid));
    else if (role)
        qb_and(b, "u.id IN (SELECT user_id FROM user_roles WHERE role = ?)", DT(role));
    if (disabled >= 0) qb_and(b, "u.disabled = ?", DI(disabled));
    if (q) {
        const char *like = qb_like(&c->a, q);
        qb_and(b, "u.username LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\' OR u.phone LIKE ? ESCAPE '\\'",
               DT(like), DT(like), DT(like));
    }
    return E_OK;
}

/* The page's ids first, then each user whole (roles with their project names). */
static kerr users_page(ctx *c, listq *lq, jw *w, void *arg) {
    (void)arg;
    int64_t *ids = arena_alloc(&c->a, sizeof *ids * (size_t)lq->per_page);
    int n = 0;
    while (ids && n < lq->per_page && list_next(lq)) ids[n++] = db_col_int(lq->st, 0);
    if (!ids) return E_NOMEM;
    kerr e = E_OK;
    for (int i = 0; i < n && !e; i++) e = user_json(c, c->db, ids[i], w, NULL);
    return e;
}

static const list_def USERS = {
    .filter = users_filter,   /* its own scope: users holding a role in the caller's projects */
    .sorts = (const list_sort[]){{"id", "ORDER BY u.id"}, {"username", "ORDER BY u.username"}, {NULL, NULL}},
    .spec = {.cols = "u.id", .from = "users u"},
    .rows = users_page,
};
static kerr users_list(ctx *c) { return list_run(c, &USERS, NULL); }

static kerr user_get(ctx *c) {
    int64_t id;
    bool company;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = user_visible(c, id, "users.read", &company))) return e;
    return user_json(c, c->db, id, ctx_json(c, 200), NULL);
}

/* Writes the user object after a change, plus an optional one-time password. */
static kerr answer_user(ctx *c, int status, int64_t id, const char *pw_key, const char *pw) {
    jw *w = ctx_json(c, status);
    jw_obj(w, NULL);
    kerr e = user_fields(c, c->db, id, w);
    if (pw) jw_str(w, pw_key, pw);
    jw_end(w);
    return e;
}

typedef struct new_user { const char *username, *display_name, *phone, *password; } new_user;

static kerr read_new_user(ctx *c, new_user *u) {
    static const char *const fields[] = {"username", "display_name", "phone", "password", "roles", NULL};
    kerr e;
    if ((e = in_only(c, fields)) || (e = in_str(c, "username", "用户名", IN_REQUIRED, 32, &u->username)) ||
        (e = check_username(c, u->username)) ||
        (e = in_str(c, "display_name", "姓名", IN_REQUIRED, 40, &u->display_name)) ||
        (e = in_str(c, "phone", "电话", 0, 20, &u->phone)) || (e = check_phone(c, u->phone)))
        return e;
    json_t *pw = json_object_get(c->json, "password");
    if (pw && !json_is_null(pw)) {
        if (!json_is_string(pw)) return ctx_fail(c, E_VALIDATION, "password", "密码应为文字");
        u->password = json_string_value(pw);
        if (json_string_length(pw) != strlen(u->password))
            return ctx_fail(c, E_VALIDATION, "password", "密码不能包含控制字符");
        if (*u->password && (e = password_policy(c, "password", u->username, u->password))) return e;
        if (!*u->password) u->password = NULL;
    }
    json_t *roles = json_object_get(c->json, "roles");
    if (roles && !json_is_null(roles) && !json_is_array(roles))
        return ctx_fail(c, E_VALIDATION, "roles", "角色应为列表");
    if (!auth_is_admin(c->user) && json_array_size(roles) == 0)
        return ctx_fail(c, E_VALIDATION, "roles", "请至少分配一个角色");
    if (json_array_size(roles) > 50) return ctx_fail(c, E_VALIDATION, "roles", "角色过多");
    return E_OK;
}

/* The writes of a user's creation, in the writer's transaction. */
static kerr user_create_writes(ctx *c, const new_user *u, const char *hash, const char *gen) {
    int64_t id = 0;
    if (db_insert(c->db, &id, "INSERT INTO users(username, display_name, phone, password_hash, "
                              "must_change_password, created_at, updated_at) VALUES (?,?,?,?,1,?,?)",
                  DT(u->username), DT(u->display_name), DT(u->phone ? u->phone : ""), DT(hash), DI(c->now),
                  DI(c->now))) {
        kerr k = db_last_kerr(c->db);
        return k == E_DUPLICATE ? ctx_fail(c, E_DUPLICATE, "username", "用户名「%s」已被使用", u->username) : k;
    }
    json_t *roles = json_object_get(c->json, "roles");
    kerr e;
    for (size_t i = 0; i < json_array_size(roles); i++) {
        int64_t pid;
        unsigned role;
        const char *path = arena_printf(&c->a, "roles[%zu]", i);
        if ((e = read_role(c, json_array_get(roles, i), path, &pid, &role)) || (e = insert_role(c, id, pid, role)))
            return e;
    }
    buf ch;
    buf_init(&ch);
    jw w;
    jw_init(&w, &ch);
    jw_obj(&w, NULL);
    jw_str(&w, "username", u->username);
    jw_str(&w, "display_name", u->display_name);
    jw_str(&w, "phone", u->phone ? u->phone : "");
    jw_raw(&w, "roles", roles ? jv_dump(c, roles) : "[]");
    jw_end(&w);
    e = ctx_audit(c, audit_project(c, id), "user", id, "create", buf_cstr(&ch));
    buf_free(&ch);
    if (e) return e;
    return answer_user(c, 201, id, "initial_password", u->password ? NULL : gen);
}

/* RF_OWN_TX: the password hash (argon2id, ~80 ms) is made before the writer is taken, so that
** creating a user does not hold up everybody's writes. */
static kerr user_create(ctx *c) {
    new_user u = {0};
    kerr e = read_new_user(c, &u);
    if (e) return e;
    char gen[16], hash[256];
    if (!u.password) { crypto_password_generate(gen, sizeof gen); }
    if (!crypto_password_hash(u.password ? u.password : gen, hash, sizeof hash)) return E_INTERNAL;
    if ((e = ctx_write_begin(c))) return e;
    return ctx_write_end(c, user_create_writes(c, &u, hash, gen));
}

static kerr user_patch(ctx *c) {
    static const char *const fields[] = {"version", "display_name", "phone", NULL};
    int64_t id, version;
    const char *name, *phone;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = user_manageable(c, id)) || (e = in_only(c, fields)) ||
        (e = in_version(c, &version)) || (e = in_str(c, "display_name", "姓名", IN_NONEMPTY, 40, &name)) ||
        (e = in_str(c, "phone", "电话", 0, 20, &phone)) || (e = check_phone(c, phone)))
        return e;
    char *old_name = db_text(c->db, &c->a, "SELECT display_name FROM users WHERE id = ?", DI(id));
    char *old_phone = db_text(c->db, &c->a, "SELECT phone FROM users WHERE id = ?", DI(id));
    e = db_exec(c->db, "UPDATE users SET display_name = COALESCE(?, display_name), phone = COALESCE(?, phone), "
                       "version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                DT(name), DT(phone), DI(c->now), DI(id), DI(version));
    if (e) return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, "version", NULL);
    if ((e = auth_epoch_bump(c->db))) return e;   /* names shown from cached identities */
    buf ch;
    buf_init(&ch);
    jw w;
    jw_init(&w, &ch);
    jw_obj(&w, NULL);
    audit_change_str(&w, "display_name", old_name, name);
    audit_change_str(&w, "phone", old_phone, phone);
    jw_end(&w);
    e = ctx_audit(c, audit_project(c, id), "user", id, "update", buf_cstr(&ch));
    buf_free(&ch);
    return e ? e : answer_user(c, 200, id, NULL, NULL);
}

static kerr act_disable(ctx *c, int64_t id) {
    if (id == c->user->id) return ctx_fail(c, E_VALIDATION, NULL, "不能停用自己的账号");
    kerr e = db_exec(c->db, "UPDATE users SET disabled = 1, version = version + 1, updated_at = ? "
                            "WHERE id = ? AND disabled = 0", DI(c->now), DI(id));
    if (e) return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_STATE, NULL, "该账号已是停用状态");
    return session_end_all(c, id, 0, "disabled");
}

static kerr act_enable(ctx *c, int64_t id) {
    kerr e = db_exec(c->db, "UPDATE users SET disabled = 0, version = version + 1, updated_at = ? "
                            "WHERE id = ? AND disabled = 1", DI(c->now), DI(id));
    if (e) return e;
    return db_changes(c->db) == 1 ? E_OK : ctx_fail(c, E_STATE, NULL, "该账号已是启用状态");
}

/* pw and its hash were made before the writer was taken (user_action). */
static kerr act_reset_password(ctx *c, int64_t id, const char *pw, const char *hash, const char **pw_out) {
    kerr e = db_exec(c->db, "UPDATE users SET password_hash = ?, must_change_password = 1, "
                            "version = version + 1, updated_at = ? WHERE id = ?", DT(hash), DI(c->now), DI(id));
    if (!e) e = session_end_all(c, id, 0, "password_reset");
    *pw_out = arena_strdup(&c->a, pw);
    return e;
}

static kerr act_role(ctx *c, int64_t id, bool grant, const char **changes) {
    static const char *const fields[] = {"project_id", "role", NULL};
    int64_t pid;
    unsigned role;
    kerr e;
    if ((e = in_only(c, fields)) || (e = read_role(c, c->json, NULL, &pid, &role))) return e;
    if (grant) {
        e = insert_role(c, id, pid, role);
    } else {
        if (id == c->user->id && role == ROLE_ADMIN && pid == 0)
            return ctx_fail(c, E_VALIDATION, "role", "不能撤销自己的系统管理员角色");
        e = db_exec(c->db, "DELETE FROM user_roles WHERE user_id = ? AND COALESCE(project_id, 0) = ? AND role = ?",
                    DI(id), DI(pid), DT(role_name(role)));
        if (!e && db_changes(c->db) == 0) return ctx_fail(c, E_NOT_FOUND, "role", "该用户没有这个角色");
    }
    if (!e) e = db_exec(c->db, "UPDATE users SET version = version + 1, updated_at = ? WHERE id = ?", DI(c->now), DI(id));
    if (!e) e = auth_epoch_bump(c->db);
    *changes = pid ? arena_printf(&c->a, "{\"project_id\":%lld,\"role\":\"%s\"}", (long long)pid, role_name(role))
                   : arena_printf(&c->a, "{\"project_id\":null,\"role\":\"%s\"}", role_name(role));
    return e;
}

/* One action's writes, in the writer's transaction; pw and hash for reset_password. */
static kerr user_action_writes(ctx *c, int64_t id, const char *action, const char *new_pw, const char *hash) {
    kerr e = user_manageable(c, id);   /* again, now in the transaction */
    if (e) return e;
    const char *pw = NULL, *changes = NULL;
    static const char *const none[] = {NULL};
    int64_t audit_pid = audit_project(c, id);   /* before a revoke removes the project */
    if (strcmp(action, "disable") == 0) e = in_only(c, none) ? c->err : act_disable(c, id);
    else if (strcmp(action, "enable") == 0) e = in_only(c, none) ? c->err : act_enable(c, id);
    else if (strcmp(action, "reset_password") == 0) e = in_only(c, none) ? c->err : act_reset_password(c, id, new_pw, hash, &pw);
    else if (strcmp(action, "grant_role") == 0) e = act_role(c, id, true, &changes);
    else if (strcmp(action, "revoke_role") == 0) e = act_role(c, id, false, &changes);
    else return ctx_fail(c, E_ROUTE_NOT_FOUND, NULL, "不支持的操作：%s", action);
    if (!e) e = ctx_audit(c, audit_pid ? audit_pid : audit_project(c, id), "user", id, action, changes);
    if (e) return e;
    if (pw) {
        jw *w = ctx_json(c, 200);
        jw_obj(w, NULL);
        jw_str(w, "password", pw);
        jw_end(w);
        return E_OK;
    }
    return answer_user(c, 200, id, NULL, NULL);
}

/* RF_OWN_TX: a new password is hashed before the writer is taken (see user_create). */
static kerr user_action(ctx *c) {
    int64_t id;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = user_manageable(c, id))) return e;
    const char *action = ctx_param(c, "action");
    char pw[16] = "", hash[256] = "";
    if (strcmp(action, "reset_password") == 0) {
        crypto_password_generate(pw, sizeof pw);
        if (!crypto_password_hash(pw, hash, sizeof hash)) return E_INTERNAL;
    }
    if ((e = ctx_write_begin(c))) return e;
    return ctx_write_end(c, user_action_writes(c, id, action, pw, hash));
}

/* Export: roles as "翠湖花园管理处·前台客服、…", status as 启用/停用. */
static const char *roles_text(arena *a, json_t *item) {
    buf b;
    buf_init(&b);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(item, "roles"), i, r) {
        buf_printf(&b, "%s%s·%s", i ? "、" : "", json_string_value(json_object_get(r, "project_name")),
                   json_string_value(json_object_get(r, "role_label")));
    }
    const char *t = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return t;
}

static const char *status_text(arena *a, json_t *item) {
    (void)a;
    return json_is_true(json_object_get(item, "disabled")) ? "停用" : "启用";
}

static const export_col user_cols[] = {
    {"username", "用户名", EX_TEXT, NULL},       {"display_name", "姓名", EX_TEXT, NULL},
    {"phone", "手机", EX_TEXT, NULL},            {"roles", "角色", EX_TEXT, roles_text},
    {"disabled", "状态", EX_TEXT, status_text},  {"last_login_at", "最后登录", EX_TIME, NULL},
    {"created_at", "创建时间", EX_TIME, NULL},   {NULL, NULL, 0, NULL},
};
static const export_spec user_export = {"用户列表", user_cols};

const route users_routes[] = {
    {"GET",   "/api/v1/users",                        "users.read",   0, 0, users_list, &user_export},
    {"POST",  "/api/v1/users",                        "users.manage", RF_OWN_TX, 16384, user_create},
    {"GET",   "/api/v1/users/{id}",                   "users.read",   0, 0, user_get},
    {"PATCH", "/api/v1/users/{id}",                   "users.manage", 0, 16384, user_patch},
    {"POST",  "/api/v1/users/{id}/actions/{action}",  "users.manage", RF_OWN_TX, 4096, user_action},
    {NULL, NULL, NULL, 0, 0, NULL},
};
