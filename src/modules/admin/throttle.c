/*
** throttle.c — login throttling, per account and per client address, separately.
**
** Account: from the 5th failed login since the last success (within a day), the account waits
** after each failure — 1 minute, then 2, 4, 8, at most 15 — and refuses even the right password
** until then: guessing one account's password is slowed to a crawl.
** Address: from the 20th failure within 15 minutes from one address (whatever the names), that
** address waits after each further failure — 5 s, then 10, 20, … at most 5 minutes — before the
** next password is checked. That slows guessing across many names, but does not lock an office
** out: a user who has signed in from that address within 90 days (login_addresses) is not
** subject to it, only to their own account's throttle. Each lock leaves an audit row.
** Behind a proxy, pass --trust-proxy, or every client shares the proxy's address.
*/
#include "admin.h"
#include <string.h>

#define ACCT_FREE 5
#define ACCT_BASE_S 60
#define ACCT_MAX_S 900
#define ACCT_WINDOW_S 86400
#define ADDR_FREE 20
#define ADDR_BASE_S 5
#define ADDR_MAX_S 300
#define ADDR_WINDOW_S 900
#define KNOWN_ADDR_S (90 * 86400)

/* base·2^(n−free), at most max; 0 below the free failures. */
static int64_t backoff(int64_t n, int free, int64_t base, int64_t max) {
    if (n < free) return 0;
    int64_t w = base;
    for (int64_t i = free; i < n && w < max; i++) w *= 2;
    return w < max ? w : max;
}

/* Failures and the time of the last one, for a username or an address since `since`. */
static kerr failures(ctx *c, bool by_ip, const char *key, int64_t since, int64_t *n, int64_t *last) {
    db_stmt *st = db_query(c->db, by_ip ? "SELECT COUNT(*), COALESCE(MAX(at), 0) FROM login_failures WHERE ip = ? AND at > ?"
                                        : "SELECT COUNT(*), COALESCE(MAX(at), 0) FROM login_failures WHERE username = ? AND at > ?",
                           DT(key), DI(since));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    *n = rc == DB_ROW ? db_col_int(st, 0) : 0;
    *last = rc == DB_ROW ? db_col_int(st, 1) : 0;
    db_finish(st);
    return rc == DB_ERROR ? db_last_kerr(c->db) : E_OK;
}

kerr throttle_read(ctx *c, const char *username, throttle *t) {
    int64_t last_a = 0, last_i = 0;
    kerr e = failures(c, false, username, c->now - ACCT_WINDOW_S, &t->acct_n, &last_a);
    if (!e) e = failures(c, true, c->ip, c->now - ADDR_WINDOW_S, &t->addr_n, &last_i);
    if (e) return e;
    t->acct_lock = backoff(t->acct_n, ACCT_FREE, ACCT_BASE_S, ACCT_MAX_S);
    t->addr_lock = backoff(t->addr_n, ADDR_FREE, ADDR_BASE_S, ADDR_MAX_S);
    t->acct_wait = t->acct_lock ? last_a + t->acct_lock - c->now : 0;
    t->addr_wait = t->addr_lock ? last_i + t->addr_lock - c->now : 0;
    if (t->acct_wait < 0) t->acct_wait = 0;
    if (t->addr_wait < 0) t->addr_wait = 0;
    return E_OK;
}

static kerr refuse(ctx *c, int64_t wait, const char *who) {
    c->retry_after = (int)wait;
    return wait >= 60 ? ctx_fail(c, E_THROTTLED, NULL, "%s登录失败次数过多，请 %lld 分钟后再试", who, (long long)(wait + 59) / 60)
                      : ctx_fail(c, E_THROTTLED, NULL, "%s登录失败次数过多，请 %lld 秒后再试", who, (long long)wait);
}

/* Whether `username` has signed in from this address within 90 days. */
static kerr known_address(ctx *c, const char *username, bool *known) {
    return db_read_exists(c->db, known, "SELECT 1 FROM login_addresses a JOIN users u ON u.id = a.user_id "
                                        "WHERE u.username = ? AND a.ip = ? AND a.last_at > ?",
                          DT(username), DT(c->ip), DI(c->now - KNOWN_ADDR_S));
}

kerr throttle_check(ctx *c, const char *username) {
    throttle t;
    kerr e = throttle_read(c, username, &t);
    if (e) return e;
    if (t.acct_wait) return refuse(c, t.acct_wait, "该账号");
    if (!t.addr_wait) return E_OK;
    bool known = false;
    if ((e = known_address(c, username, &known))) return e;
    return known ? E_OK : refuse(c, t.addr_wait, "本机地址");
}

/* The audit row of a failed login (scope NULL), or of a lock that this failure began or
** lengthened (scope "account" or "address", with the failures and the lock's length). */
static kerr audit_login(ctx *c, int64_t uid, const char *username, const char *scope, int64_t n, int64_t secs) {
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_str(&w, "username", username);
    if (scope) {
        jw_str(&w, "scope", scope);
        jw_str(&w, "ip", c->ip);
        jw_int(&w, "failures", n);
        jw_int(&w, "lock_seconds", secs);
    }
    jw_end(&w);
    kerr e = ctx_audit(c, 0, "user", uid, scope ? "login_locked" : "login_failed", buf_cstr(&b));
    buf_free(&b);
    return e;
}

kerr throttle_failed(ctx *c, const char *username, int64_t uid) {
    kerr e = db_exec(c->db, "INSERT INTO login_failures(username, ip, at) VALUES (?,?,?)",
                     DT(username), DT(c->ip), DI(c->now));
    if (!e) e = db_exec(c->db, "DELETE FROM login_failures WHERE at < ?", DI(c->now - ACCT_WINDOW_S));
    if (!e) e = audit_login(c, uid, username, NULL, 0, 0);
    throttle t;
    if (!e) e = throttle_read(c, username, &t);
    if (!e && t.acct_lock) e = audit_login(c, uid, username, "account", t.acct_n, t.acct_lock);
    if (!e && t.addr_lock) e = audit_login(c, uid, username, "address", t.addr_n, t.addr_lock);
    return e;
}

kerr throttle_succeeded(ctx *c, int64_t uid, const char *username) {
    kerr e = db_exec(c->db, "DELETE FROM login_failures WHERE username = ?", DT(username));
    if (!e) e = db_exec(c->db, "INSERT INTO login_addresses(user_id, ip, last_at) VALUES (?,?,?) "
                               "ON CONFLICT(user_id, ip) DO UPDATE SET last_at = excluded.last_at",
                        DI(uid), DT(c->ip), DI(c->now));
    return e;
}
