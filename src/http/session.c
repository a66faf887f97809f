/*
** session.c — cookie sessions and API tokens (see session.h).
*/
#include "session.h"
#include "authcache.h"
#include "base/clock.h"
#include "core/crypto.h"
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

static bool secure_cookie;
void session_set_secure_cookie(bool on) { secure_cookie = on; }

#define USER_COLS "u.id, u.username, u.display_name, u.phone, u.disabled, u.must_change_password, " \
                  "u.version, u.created_at, u.updated_at, COALESCE(u.last_login_at, 0)"

/* Fills a user from the USER_COLS columns starting at col. */
static auth_user *user_from_row(ctx *c, db_stmt *st, int col, bool *disabled) {
    auth_user *u = arena_alloc(&c->a, sizeof *u);
    if (!u) return NULL;
    u->id = db_col_int(st, col);
    u->username = arena_strdup(&c->a, db_col_text(st, col + 1));
    u->display_name = arena_strdup(&c->a, db_col_text(st, col + 2));
    u->phone = arena_strdup(&c->a, db_col_text(st, col + 3));
    u->disabled = db_col_int(st, col + 4) != 0;
    if (disabled) *disabled = u->disabled;
    u->must_change_password = db_col_int(st, col + 5) != 0;
    u->version = db_col_int(st, col + 6);
    u->created_at = db_col_int(st, col + 7);
    u->updated_at = db_col_int(st, col + 8);
    u->last_login_at = db_col_int(st, col + 9);
    return u;
}

/* Loads the user's roles (company-wide first) into u; false on failure. */
static bool load_roles(ctx *c, db *d, auth_user *u) {
    db_stmt *st = db_query(d, "SELECT COALESCE(project_id, 0), role FROM user_roles WHERE user_id = ? "
                              "ORDER BY COALESCE(project_id, 0), id", DI(u->id));
    if (!st) return false;
    int cap = 8, rc = DB_DONE;
    u->roles = arena_alloc(&c->a, sizeof(user_role) * (size_t)cap);
    while (u->roles && (rc = db_step(st)) == DB_ROW) {
        unsigned r = role_from_name(db_col_text(st, 1));
        if (!r) continue;
        if (u->nroles == cap) {
            user_role *n = arena_alloc(&c->a, sizeof(user_role) * (size_t)cap * 2);
            if (!n) break;
            memcpy(n, u->roles, sizeof(user_role) * (size_t)cap);
            u->roles = n;
            cap *= 2;
        }
        u->roles[u->nroles++] = (user_role){db_col_int(st, 0), r};
    }
    db_finish(st);
    return u->roles != NULL && rc != DB_ERROR;   /* some roles missing would be a narrower user */
}

auth_user *session_load_user(ctx *c, db *d, int64_t user_id, bool *disabled) {
    db_stmt *st = db_query(d, "SELECT " USER_COLS " FROM users u WHERE u.id = ?", DI(user_id));
    if (!st) return NULL;
    auth_user *u = db_step(st) == DB_ROW ? user_from_row(c, st, 0, disabled) : NULL;
    db_finish(st);
    return u && load_roles(c, d, u) ? u : NULL;
}

static const char *bearer_token(ctx *c) {
    const char *h = ctx_req_header(c, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0) return NULL;
    h += 7;
    while (*h == ' ') h++;
    return *h ? h : NULL;
}

/* Whether the use is worth recording: at most once a minute, and for a token also whenever
** it comes from another address (every use shows where the token was last used from). */
static bool touch_due(ctx *c, int kind, int64_t last_seen, const char *last_ip) {
    return c->now - last_seen >= 60 || (kind == 2 && strcmp(last_ip, c->ip) != 0);
}

/* Records the use: a brief write outside any request transaction (the caller holds no writer). */
static void touch(ctx *c, int kind, int64_t id) {
    db *w = db_pool_writer_acquire();
    if (w && kind == 1) db_exec(w, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", DI(c->now), DI(id));
    if (w && kind == 2)
        db_exec(w, "UPDATE api_tokens SET last_used_at = ?, last_used_ip = ? WHERE id = ?",
                DI(c->now), DT(c->ip), DI(id));
    db_pool_writer_release(w);
}

/* Identity from the cache: fills the ctx when the token is known and still valid. */
static bool from_cache(ctx *c, const char *h) {
    auth_hit hit;
    if (!authcache_get(h, &c->a, &hit)) return false;
    if (c->now >= hit.expires || (hit.kind == 1 && c->now - hit.last_seen > SESSION_IDLE_S)) return false;
    c->user = arena_alloc(&c->a, sizeof *c->user);
    if (!c->user) return false;
    *c->user = hit.user;
    c->auth_kind = hit.kind;
    c->session_id = hit.kind == 1 ? hit.id : 0;
    c->csrf_token = hit.csrf;
    if (touch_due(c, hit.kind, hit.last_seen, hit.ip)) {
        touch(c, hit.kind, hit.id);
        authcache_touch(h, c->now, c->ip);
    }
    return true;
}

static void remember(ctx *c, const char *h, int64_t id, int64_t last_seen, int64_t expires, uint64_t epoch) {
    auth_hit hit = {.kind = c->auth_kind, .id = id, .csrf = c->csrf_token, .last_seen = last_seen,
                    .expires = expires, .user = *c->user};
    snprintf(hit.ip, sizeof hit.ip, "%s", c->ip);
    authcache_put(h, &hit, epoch);
}

/* A token that is not revoked, with its expiry and last use; *tid 0 when there is none. */
static kerr token_find(ctx *c, const char *h, int64_t *tid, int64_t *uid, int64_t *exp, bool *due) {
    db_stmt *st = db_query(c->db, "SELECT id, user_id, COALESCE(last_used_at, 0), last_used_ip, expires_at "
                                  "FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", DT(h));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    *tid = 0;
    if (rc == DB_ROW) {
        *tid = db_col_int(st, 0);
        *uid = db_col_int(st, 1);
        *due = touch_due(c, 2, db_col_int(st, 2), db_col_text(st, 3));
        *exp = db_col_int(st, 4);
    }
    db_finish(st);
    return rc == DB_ERROR ? db_last_kerr(c->db) : E_OK;   /* a busy database is not a bad token */
}

static kerr auth_bearer(ctx *c, const char *token) {
    char h[65];
    crypto_sha256_hex(token, strlen(token), h);
    if (from_cache(c, h)) return E_OK;
    uint64_t epoch = authcache_epoch();    /* before reading: a change after it invalidates */
    int64_t tid = 0, uid = 0, exp = 0;
    bool due = false, disabled = false;
    kerr e = token_find(c, h, &tid, &uid, &exp, &due);
    if (e) return e;
    if (!tid) return E_UNAUTH;
    if (c->now >= exp) return ctx_fail(c, E_UNAUTH, NULL, "API 令牌已过期，请登录后新建令牌");
    c->user = session_load_user(c, c->db, uid, &disabled);
    if (!c->user || disabled) return E_UNAUTH;
    c->auth_kind = 2;
    if (due) touch(c, 2, tid);
    remember(c, h, tid, c->now, exp, epoch);
    return E_OK;
}

kerr session_authenticate(ctx *c) {
    const char *bt = bearer_token(c);
    if (bt) return auth_bearer(c, bt);
    const char *tok = MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
    if (!tok || strlen(tok) != 64) return E_UNAUTH;
    char h[65];
    crypto_sha256_hex(tok, 64, h);
    if (from_cache(c, h)) return E_OK;
    uint64_t epoch = authcache_epoch();
    db_stmt *st = db_query(c->db, "SELECT s.id, s.csrf_token, s.last_seen_at, s.expires_at, " USER_COLS
                                  " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?", DT(h));
    if (!st) return db_last_kerr(c->db);
    int64_t sid = 0, last = 0, exp = 0;
    bool disabled = true;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        sid = db_col_int(st, 0);
        c->csrf_token = arena_strdup(&c->a, db_col_text(st, 1));
        last = db_col_int(st, 2);
        exp = db_col_int(st, 3);
        c->user = user_from_row(c, st, 4, &disabled);
    }
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(c->db);
    if (!sid || !c->user || disabled || c->now >= exp || c->now - last > SESSION_IDLE_S) return E_UNAUTH;
    if (!load_roles(c, c->db, c->user)) return db_last_kerr(c->db);
    c->auth_kind = 1;
    c->session_id = sid;
    bool due = touch_due(c, 1, last, "");
    if (due) touch(c, 1, sid);
    remember(c, h, sid, due ? c->now : last, exp, epoch);
    return E_OK;
}

static void set_cookie(ctx *c, const char *value, int max_age) {
    ctx_header(c, "Set-Cookie",
               arena_printf(&c->a, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
                            SESSION_COOKIE, value, max_age, secure_cookie ? "; Secure" : ""));
}

kerr session_create(ctx *c, int64_t user_id, const char **csrf_out) {
    char tok[65], h[65], csrf[65];
    crypto_token_hex(tok, 32);
    crypto_token_hex(csrf, 32);
    crypto_sha256_hex(tok, 64, h);
    const char *ua = ctx_req_header(c, "User-Agent");
    char uabuf[200];   /* printable ASCII only: headers are not promised to be UTF-8 */
    size_t k = 0;
    for (const char *p = ua ? ua : ""; *p && k < sizeof uabuf - 1; p++)
        if (*p >= 0x20 && *p < 0x7f) uabuf[k++] = *p;
    uabuf[k] = 0;
    kerr e = db_exec(c->db, "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, "
                            "last_seen_at, expires_at, ip, user_agent) VALUES (?,?,?,?,?,?,?,?)",
                     DT(h), DI(user_id), DT(csrf), DI(c->now), DI(c->now),
                     DI(c->now + SESSION_MAX_S), DT(c->ip), DT(uabuf));
    if (e) return e;
    set_cookie(c, tok, SESSION_MAX_S);
    *csrf_out = arena_strdup(&c->a, csrf);
    return E_OK;
}

kerr session_destroy(ctx *c) {
    set_cookie(c, "", 0);
    if (!c->session_id) return E_OK;
    kerr e = db_exec(c->db, "DELETE FROM sessions WHERE id = ?", DI(c->session_id));
    return e ? e : auth_epoch_bump(c->db);
}

kerr session_end_all_db(db *d, int64_t user_id, int64_t keep_id, const char *why, int64_t actor_id, int64_t now) {
    kerr e = db_exec(d, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", DI(user_id), DI(keep_id));
    if (!e) e = db_exec(d, "UPDATE api_tokens SET revoked_at = ?, revoked_by = ?, revoked_reason = ? "
                           "WHERE user_id = ? AND revoked_at IS NULL", DI(now), DI(actor_id), DT(why), DI(user_id));
    return e ? e : auth_epoch_bump(d);
}

kerr session_end_all(ctx *c, int64_t user_id, int64_t keep_id, const char *why) {
    return session_end_all_db(c->db, user_id, keep_id, why, c->user ? c->user->id : 0, c->now);
}
