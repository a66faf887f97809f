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

/* Refreshes a last-seen column at most once a minute (a brief write outside any request tx;
** the caller holds no writer). `sql` is a constant UPDATE … SET col = ? WHERE id = ?. */
static void touch(const char *sql, int64_t id, int64_t last_seen, int64_t now) {
    if (now - last_seen < 60) return;
    db *w = db_pool_writer_acquire();
    if (w) db_exec(w, sql, DI(now), DI(id));
    db_pool_writer_release(w);
}

/* Identity from the cache: fills the ctx when the token is known and still valid. */
static bool from_cache(ctx *c, const char *h) {
    auth_hit hit;
    if (!authcache_get(h, &c->a, &hit)) return false;
    if (hit.kind == 1 && (c->now >= hit.expires || c->now - hit.last_seen > SESSION_IDLE_S)) return false;
    c->user = arena_alloc(&c->a, sizeof *c->user);
    if (!c->user) return false;
    *c->user = hit.user;
    c->auth_kind = hit.kind;
    c->session_id = hit.kind == 1 ? hit.id : 0;
    c->csrf_token = hit.csrf;
    if (c->now - hit.last_seen >= 60) {
        touch(hit.kind == 1 ? "UPDATE sessions SET last_seen_at = ? WHERE id = ?"
                            : "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", hit.id, hit.last_seen, c->now);
        authcache_touch(h, c->now);
    }
    return true;
}

static void remember(ctx *c, const char *h, int64_t id, int64_t last_seen, int64_t expires, uint64_t epoch) {
    auth_hit hit = {.kind = c->auth_kind, .id = id, .csrf = c->csrf_token, .last_seen = last_seen,
                    .expires = expires, .user = *c->user};
    authcache_put(h, &hit, epoch);
}

static kerr auth_bearer(ctx *c, const char *token) {
    char h[65];
    crypto_sha256_hex(token, strlen(token), h);
    if (from_cache(c, h)) return E_OK;
    uint64_t epoch = authcache_epoch();    /* before reading: a change after it invalidates */
    db_stmt *st = db_query(c->db, "SELECT id, user_id, COALESCE(last_used_at, 0) FROM api_tokens "
                                  "WHERE token_hash = ? AND revoked_at IS NULL", DT(h));
    if (!st) return db_last_kerr(c->db);
    int64_t tid = 0, uid = 0, last = 0;
    int rc = db_step(st);
    if (rc == DB_ROW) { tid = db_col_int(st, 0); uid = db_col_int(st, 1); last = db_col_int(st, 2); }
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(c->db);   /* a busy database is not a bad token */
    if (!tid) return E_UNAUTH;
    bool disabled = false;
    c->user = session_load_user(c, c->db, uid, &disabled);
    if (!c->user || disabled) return E_UNAUTH;
    c->auth_kind = 2;
    touch("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", tid, last, c->now);
    remember(c, h, tid, c->now - last >= 60 ? c->now : last, INT64_MAX, epoch);
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
    touch("UPDATE sessions SET last_seen_at = ? WHERE id = ?", sid, last, c->now);
    remember(c, h, sid, c->now - last >= 60 ? c->now : last, exp, epoch);
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

kerr session_end_all(db *d, int64_t user_id, int64_t keep_id) {
    kerr e = db_exec(d, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", DI(user_id), DI(keep_id));
    return e ? e : auth_epoch_bump(d);
}
