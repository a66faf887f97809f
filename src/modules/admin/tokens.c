/*
** tokens.c — API tokens for scripts: a user's own (list, create, revoke) and, for whoever
** manages that user, anyone's (list with the ended ones, revoke).
**
** A token is shown once; the database keeps its SHA-256 (http/session.c authenticates it).
** It ends at its expiry (90 days unless asked, 365 at most), when revoked, and when its user
** is disabled or the password is changed or reset (session_end_all). Only a signed-in session
** makes tokens: a token that could mint tokens would outlive its own revocation.
*/
#include "admin.h"
#include "kit/list.h"
#include "core/crypto.h"
#include "http/input.h"
#include "http/authcache.h"
#include "http/session.h"
#include <string.h>

#define TOKEN_DAYS_DEFAULT 90
#define TOKEN_DAYS_MAX 365
#define TOKEN_COLS "id, name, created_at, expires_at, last_used_at, last_used_ip, revoked_at, revoked_reason"

static const char *reason_label(const char *why) {
    if (!strcmp(why, "revoked")) return "已撤销";
    if (!strcmp(why, "revoked_by_admin")) return "被管理员撤销";
    if (!strcmp(why, "password_changed")) return "用户修改了密码";
    if (!strcmp(why, "password_reset")) return "密码被重置";
    if (!strcmp(why, "disabled")) return "账号被停用";
    return why;
}

/* One token as the lists show it: never its secret. */
static void token_row(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)arg;
    bool revoked = !db_col_is_null(st, 6), expired = !revoked && c->now >= db_col_int(st, 3);
    jw_int(w, "id", db_col_int(st, 0));
    jw_str(w, "name", db_col_text(st, 1));
    jw_time(w, "created_at", db_col_int(st, 2));
    jw_time(w, "expires_at", db_col_int(st, 3));
    jw_time(w, "last_used_at", db_col_int(st, 4));
    if (*db_col_text(st, 5)) jw_str(w, "last_used_ip", db_col_text(st, 5)); else jw_null(w, "last_used_ip");
    jw_str(w, "status", revoked ? "revoked" : expired ? "expired" : "active");
    jw_str(w, "status_label", revoked ? "已作废" : expired ? "已过期" : "有效");
    jw_time(w, "revoked_at", db_col_int(st, 6));
    if (revoked) {
        jw_str(w, "revoked_reason", db_col_text(st, 7));
        jw_str(w, "revoked_reason_label", reason_label(db_col_text(st, 7)));
    } else {
        jw_null(w, "revoked_reason");
        jw_null(w, "revoked_reason_label");
    }
}

/* The caller's own tokens that were not revoked (expired ones show as expired). */
static kerr tokens_list(ctx *c) {
    return json_items(c, db_query(c->db, "SELECT " TOKEN_COLS " FROM api_tokens "
                                         "WHERE user_id = ? AND revoked_at IS NULL ORDER BY id", DI(c->user->id)),
                      token_row, NULL);
}

static kerr token_create(ctx *c) {
    static const char *const fields[] = {"name", "expires_in_days", NULL};
    const char *name;
    int64_t days = TOKEN_DAYS_DEFAULT;
    kerr e;
    if (c->auth_kind != 1)
        return ctx_fail(c, E_FORBIDDEN, NULL, "API 令牌不能用来创建新令牌，请登录系统后创建");
    if ((e = in_only(c, fields)) || (e = in_str(c, "name", "令牌名称", IN_REQUIRED, 40, &name)) ||
        (e = in_int(c, "expires_in_days", "有效天数", 0, 1, TOKEN_DAYS_MAX, &days, NULL)))
        return e;
    char raw[65], tok[80], h[65];
    crypto_token_hex(raw, 32);
    snprintf(tok, sizeof tok, "kf_%s", raw);
    crypto_sha256_hex(tok, strlen(tok), h);
    int64_t id = 0, exp = c->now + days * 86400;
    if (db_insert(c->db, &id, "INSERT INTO api_tokens(user_id, name, token_hash, created_at, expires_at) "
                              "VALUES (?,?,?,?,?)", DI(c->user->id), DT(name), DT(h), DI(c->now), DI(exp)))
        return db_last_kerr(c->db);
    jw *w = ctx_json(c, 201);
    jw_obj(w, NULL);
    jw_int(w, "id", id);
    jw_str(w, "name", name);
    jw_str(w, "token", tok);
    jw_time(w, "created_at", c->now);
    jw_time(w, "expires_at", exp);
    jw_end(w);
    return ctx_audit(c, 0, "api_token", id, "create",
                     arena_printf(&c->a, "{\"expires_in_days\":%lld}", (long long)days));
}

/* Revokes token `id` of user `uid` (why: "revoked" or "revoked_by_admin"); 404 if none. */
static kerr revoke(ctx *c, int64_t uid, int64_t id, const char *why) {
    kerr e = db_exec(c->db, "UPDATE api_tokens SET revoked_at = ?, revoked_by = ?, revoked_reason = ? "
                            "WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                     DI(c->now), DI(c->user->id), DT(why), DI(id), DI(uid));
    if (e) return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_NOT_FOUND, NULL, "没有这个有效的令牌");
    if ((e = auth_epoch_bump(c->db))) return e;
    e = ctx_audit(c, 0, "api_token", id, why,
                  arena_printf(&c->a, "{\"user_id\":%lld}", (long long)uid));
    return e ? e : ctx_no_content(c);
}

static kerr token_revoke(ctx *c) {
    int64_t id;
    kerr e = ctx_param_id(c, "id", &id);
    return e ? e : revoke(c, c->user->id, id, "revoked");
}

/* GET /users/{id}/tokens: every token of a user the caller manages, the ended ones too. */
static kerr user_tokens(ctx *c) {
    int64_t uid;
    kerr e;
    if ((e = ctx_param_id(c, "id", &uid)) || (e = user_manageable(c, uid))) return e;
    return json_items(c, db_query(c->db, "SELECT " TOKEN_COLS " FROM api_tokens WHERE user_id = ? "
                                         "ORDER BY revoked_at IS NOT NULL, id DESC", DI(uid)),
                      token_row, NULL);
}

static kerr user_token_revoke(ctx *c) {
    int64_t uid, id;
    kerr e;
    if ((e = ctx_param_id(c, "id", &uid)) || (e = ctx_param_id(c, "token_id", &id)) ||
        (e = user_manageable(c, uid)))
        return e;
    return revoke(c, uid, id, uid == c->user->id ? "revoked" : "revoked_by_admin");
}

const route tokens_routes[] = {
    {"GET",    "/api/v1/tokens",                         NULL,           0, 0, tokens_list},
    {"POST",   "/api/v1/tokens",                         NULL,           0, 4096, token_create},
    {"DELETE", "/api/v1/tokens/{id}",                    NULL,           0, 1024, token_revoke},
    {"GET",    "/api/v1/users/{id}/tokens",              "users.manage", 0, 0, user_tokens},
    {"DELETE", "/api/v1/users/{id}/tokens/{token_id}",   "users.manage", 0, 1024, user_token_revoke},
    {NULL, NULL, NULL, 0, 0, NULL},
};
