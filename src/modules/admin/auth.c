/*
** auth.c — logging in and out, who am I, and changing one's password (API tokens: tokens.c).
**
** Login throttling per account and per address is throttle.c's. The password is checked on a
** reader before the writer is taken (argon2id costs ~80 ms).
*/
#include "admin.h"
#include "core/password.h"
#include "kit/list.h"
#include "base/clock.h"
#include "core/crypto.h"
#include "http/input.h"
#include "http/authcache.h"
#include "http/session.h"
#include <string.h>


kerr password_policy(ctx *c, const char *field, const char *username, const char *pw) {
    const char *why = password_problem(username, pw);
    return why ? ctx_fail(c, E_VALIDATION, field, "%s", why) : E_OK;
}

/* Raw password field: not trimmed (spaces are part of a password), no control chars. */
static kerr in_password(ctx *c, const char *key, const char *label, const char **out) {
    json_t *v = json_object_get(c->json, key);
    if (!v || json_is_null(v)) return ctx_fail(c, E_VALIDATION, key, "请输入%s", label);
    if (!json_is_string(v)) return ctx_fail(c, E_VALIDATION, key, "%s应为文字", label);
    *out = json_string_value(v);
    if (json_string_length(v) != strlen(*out)) return ctx_fail(c, E_VALIDATION, key, "%s不能包含控制字符", label);
    if (!**out) return ctx_fail(c, E_VALIDATION, key, "请输入%s", label);
    if (strlen(*out) > 512) return ctx_fail(c, E_VALIDATION, key, "%s过长", label);
    return E_OK;
}

/* Records the failure (for throttling) and audits it: who tried which account from where. */
static kerr login_failed(ctx *c, const char *username, int64_t uid) {
    kerr e = ctx_write_begin(c);
    if (e) return e;
    c->actor = (audit_actor){0, "未登录", c->ip};
    e = ctx_write_end(c, throttle_failed(c, username, uid));   /* the failure, its audit rows */
    return e ? e : E_BAD_LOGIN;
}

static kerr login_succeeded(ctx *c, int64_t uid) {
    const char *csrf = NULL;
    kerr e = session_create(c, uid, &csrf);
    if (!e) e = db_exec(c->db, "UPDATE users SET last_login_at = ? WHERE id = ?", DI(c->now), DI(uid));
    if (!e) e = throttle_succeeded(c, uid, c->user->username);
    if (!e) e = ctx_audit(c, 0, "user", uid, "login", NULL);
    if (e) return e;
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    if ((e = user_json(c, c->db, uid, w, "user"))) return e;
    jw_str(w, "csrf_token", csrf);
    jw_end(w);
    return E_OK;
}

static kerr login(ctx *c) {
    static const char *const fields[] = {"username", "password", NULL};
    const char *username, *password;
    kerr e;
    if ((e = in_only(c, fields)) || (e = in_str(c, "username", "用户名", IN_REQUIRED, 64, &username)) ||
        (e = in_password(c, "password", "密码", &password)))
        return e;
    if ((e = throttle_check(c, username))) return e;
    int64_t uid = 0, disabled = 0;
    char hash[256] = "";
    db_stmt *st = db_query(c->db, "SELECT id, password_hash, disabled FROM users WHERE username = ?",
                           DT(username));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        uid = db_col_int(st, 0);
        snprintf(hash, sizeof hash, "%s", db_col_text(st, 1));
        disabled = db_col_int(st, 2);
    }
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(c->db);   /* not a failed login */
    if (!uid) crypto_password_dummy(password);   /* the same work as for a name that exists */
    if (!uid || !crypto_password_verify(hash, password)) return login_failed(c, username, uid);
    if (disabled) return E_DISABLED;
    c->user = session_load_user(c, c->db, uid, NULL);
    if (!c->user) return db_step_error(c->db) ? db_step_error(c->db) : E_INTERNAL;
    c->actor = (audit_actor){uid, c->user->display_name, c->ip};
    if ((e = ctx_write_begin(c))) return e;
    return ctx_write_end(c, login_succeeded(c, uid));
}

static kerr logout(ctx *c) {
    kerr e = session_destroy(c);
    if (!e) e = ctx_audit(c, 0, "user", c->user->id, "logout", NULL);
    return e ? e : ctx_no_content(c);
}

static void permissions_json(jw *w, const char *key, unsigned roles) {
    jw_arr(w, key);
    for (int i = 0, n = perm_count(); i < n; i++)
        if (perm_roles_at(i) & roles) jw_str(w, NULL, perm_name_at(i));
    jw_end(w);
}

static void roles_json(jw *w, const char *key, unsigned roles) {
    jw_arr(w, key);
    for (int i = 0; i < ROLE_COUNT; i++)
        if (roles & role_at(i)) jw_str(w, NULL, role_name(role_at(i)));
    jw_end(w);
}

/* Every project (id, code, name, active), from the directory cache or the database. */
static int all_projects(ctx *c, project_info **out) {
    int n = 0;
    if (projcache_get(&c->a, out, &n)) return n;
    uint64_t epoch = authcache_epoch();
    int cap = 16;
    project_info *p = arena_alloc(&c->a, sizeof *p * (size_t)cap);
    db_stmt *st = db_query(c->db, "SELECT id, code, name, active FROM projects ORDER BY id");
    if (!st || !p) { if (st) db_finish(st); return -1; }
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            project_info *q = arena_alloc(&c->a, sizeof *q * (size_t)cap * 2);
            if (!q) { db_finish(st); return -1; }
            memcpy(q, p, sizeof *p * (size_t)cap);
            p = q;
            cap *= 2;
        }
        p[n++] = (project_info){db_col_int(st, 0), arena_strdup(&c->a, db_col_text(st, 1)),
                                arena_strdup(&c->a, db_col_text(st, 2)), db_col_int(st, 3) != 0};
    }
    db_finish(st);
    if (rc != DB_DONE) return -1;   /* me() answers db_step_error's kind */
    projcache_put(p, n, epoch);
    *out = p;
    return n;
}

/* The projects the user sees (all of them for company-wide roles). */
static int me_load_projects(ctx *c, project_info **out) {
    project_info *all = NULL;
    int n = all_projects(c, &all), k = 0;
    for (int i = 0; i < n; i++)
        if (auth_roles_in(c->user, all[i].id)) all[k++] = all[i];
    *out = all;
    return n < 0 ? -1 : k;
}

/* GET /me answers from the authenticated identity plus one query for the projects. */
static kerr me(ctx *c) {
    project_info *p = NULL;
    int n = me_load_projects(c, &p);
    if (n < 0) return db_step_error(c->db) ? db_step_error(c->db) : E_INTERNAL;
    project_name *names = arena_alloc(&c->a, sizeof *names * (size_t)(n + 1));
    if (!names) return E_NOMEM;
    for (int i = 0; i < n; i++) names[i] = (project_name){p[i].id, p[i].name};
    unsigned all = auth_company_roles(c->user);
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_obj(w, "user");
    user_write_fields(w, c->user, names, n);
    jw_end(w);
    if (c->csrf_token) jw_str(w, "csrf_token", c->csrf_token); else jw_null(w, "csrf_token");
    jw_arr(w, "projects");
    for (int i = 0; i < n; i++) {
        unsigned roles = auth_roles_in(c->user, p[i].id);
        all |= roles;
        jw_obj(w, NULL);
        jw_int(w, "id", p[i].id);
        jw_str(w, "code", p[i].code);
        jw_str(w, "name", p[i].name);
        jw_bool(w, "active", p[i].active);
        roles_json(w, "roles", roles);
        permissions_json(w, "permissions", roles);
        jw_end(w);
    }
    jw_end(w);
    roles_json(w, "company_roles", auth_company_roles(c->user));
    permissions_json(w, "permissions", all);
    jw_end(w);
    return E_OK;
}

/* The new hash, unless the password changed since it was checked (old: the hash then). */
static kerr password_writes(ctx *c, const char *old, const char *nh) {
    kerr e = db_exec(c->db, "UPDATE users SET password_hash = ?, must_change_password = 0, updated_at = ?, "
                            "version = version + 1 WHERE id = ? AND password_hash = ?",
                     DT(nh), DI(c->now), DI(c->user->id), DT(old));
    if (e) return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, NULL, "密码刚刚被修改过，请重新输入原密码");
    if ((e = session_end_all(c, c->user->id, c->session_id, "password_changed"))) return e;
    if ((e = ctx_audit(c, 0, "user", c->user->id, "change_password", NULL))) return e;
    return ctx_no_content(c);
}

/* RF_OWN_TX: the old password is checked and the new one hashed (argon2id, ~80 ms each) before
** the writer is taken, so that nobody's writes wait for them. */
static kerr change_password(ctx *c) {
    static const char *const fields[] = {"old_password", "new_password", NULL};
    const char *old_pw, *new_pw;
    kerr e;
    if (c->auth_kind != 1)   /* a stolen token must not become the account */
        return ctx_fail(c, E_FORBIDDEN, NULL, "API 令牌不能用来修改密码，请登录系统后修改");
    if ((e = in_only(c, fields)) || (e = in_password(c, "old_password", "原密码", &old_pw)) ||
        (e = in_password(c, "new_password", "新密码", &new_pw)) ||
        (e = password_policy(c, "new_password", c->user->username, new_pw)))
        return e;
    char *hash = db_text(c->db, &c->a, "SELECT password_hash FROM users WHERE id = ?", DI(c->user->id));
    if (!crypto_password_verify(hash, old_pw))
        return ctx_fail(c, E_VALIDATION, "old_password", "原密码不正确");
    if (strcmp(old_pw, new_pw) == 0)
        return ctx_fail(c, E_VALIDATION, "new_password", "新密码不能与原密码相同");
    char nh[256];
    if (!crypto_password_hash(new_pw, nh, sizeof nh)) return E_INTERNAL;
    if ((e = ctx_write_begin(c))) return e;
    return ctx_write_end(c, password_writes(c, hash, nh));
}

const route auth_routes[] = {
    {"POST",   "/api/v1/session",     NULL, RF_PUBLIC | RF_NO_CSRF | RF_OWN_TX, 4096, login},
    {"DELETE", "/api/v1/session",     NULL, RF_PW_CHANGE, 1024, logout},
    {"GET",    "/api/v1/me",          NULL, RF_PW_CHANGE, 0, me},
    {"POST",   "/api/v1/me/password", NULL, RF_PW_CHANGE | RF_OWN_TX, 4096, change_password},
    {NULL, NULL, NULL, 0, 0, NULL},
};
