/*
** audit.c — append and verify the audit chain (see audit.h).
**
** hash = SHA-256(prev_hash | id | at | actor_id | actor_name | project_id | entity |
**                entity_id | action | changes | ip), fields separated by 0x1F, NULL as "".
** The id is part of the hash, so deleting, reordering or editing a row breaks the chain.
*/
#include "audit.h"
#include "base/buf.h"
#include "crypto.h"
#include "base/jw.h"
#include <stdio.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static void row_hash(const char *prev, int64_t id, int64_t at, int64_t actor, const char *actor_name,
                     int64_t project, const char *entity, int64_t entity_id, const char *action,
                     const char *changes, const char *ip, char out[65]) {
    buf b;
    buf_init(&b);
    buf_printf(&b, "%s\x1f%lld\x1f%lld\x1f", prev, (long long)id, (long long)at);
    if (actor) buf_int(&b, actor);
    buf_printf(&b, "\x1f%s\x1f", actor_name ? actor_name : "");
    if (project) buf_int(&b, project);
    buf_printf(&b, "\x1f%s\x1f", entity);
    if (entity_id) buf_int(&b, entity_id);
    buf_printf(&b, "\x1f%s\x1f%s\x1f%s", action, changes ? changes : "{}", ip ? ip : "");
    crypto_sha256_hex(b.data, b.len, out);
    buf_free(&b);
}

kerr audit_append(db *d, const audit_actor *who, int64_t project_id, const char *entity,
                  int64_t entity_id, const char *action, const char *changes, int64_t now) {
    kerr e = db_lock_chain(d);
    if (e) return e;
    char prev[65] = GENESIS;
    int64_t last_id = 0;
    db_stmt *st = db_query(d, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    if (!st) return db_last_kerr(d);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        last_id = db_col_int(st, 0);
        snprintf(prev, sizeof prev, "%s", db_col_text(st, 1));
    }
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(d);
    if (!changes) changes = "{}";
    int64_t id = last_id + 1, actor = who ? who->id : 0;
    const char *name = who && who->name ? who->name : "系统";
    const char *ip = who && who->ip ? who->ip : "";
    char h[65];
    row_hash(prev, id, now, actor, name, project_id, entity, entity_id, action, changes, ip, h);
    return db_exec(d, "INSERT INTO audit_log(id, at, actor_id, actor_name, project_id, entity, "
                      "entity_id, action, changes, ip, prev_hash, hash) "
                      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   DI(id), DI(now), actor ? DI(actor) : DN, DT(name),
                   project_id ? DI(project_id) : DN, DT(entity), entity_id ? DI(entity_id) : DN,
                   DT(action), DT(changes), DT(ip), DT(prev), DT(h));
}

int64_t audit_verify(db *d, char *report, size_t n) {
    db_stmt *st = db_query(d, "SELECT id, at, actor_id, actor_name, project_id, entity, entity_id, "
                              "action, changes, ip, prev_hash, hash FROM audit_log ORDER BY id");
    if (!st) { snprintf(report, n, "无法读取审计日志：%s", db_errmsg(d)); return -1; }
    char prev[65] = GENESIS, h[65];
    int64_t bad = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        row_hash(prev, id, db_col_int(st, 1), db_col_int(st, 2), db_col_text(st, 3),
                 db_col_int(st, 4), db_col_text(st, 5), db_col_int(st, 6), db_col_text(st, 7),
                 db_col_text(st, 8), db_col_text(st, 9), h);
        const char *stored_prev = db_col_text(st, 10), *stored = db_col_text(st, 11);
        if (!stored_prev || strcmp(stored_prev, prev) != 0) {
            snprintf(report, n, "审计日志第 %lld 行的前一行哈希不符（前面的行被删除或改动）", (long long)id);
            bad = id;
            break;
        }
        if (!stored || strcmp(stored, h) != 0) {
            snprintf(report, n, "审计日志第 %lld 行的内容被改动（哈希不符）", (long long)id);
            bad = id;
            break;
        }
        memcpy(prev, h, sizeof prev);
    }
    db_finish(st);
    if (rc == DB_ERROR) { snprintf(report, n, "读取审计日志出错：%s", db_errmsg(d)); return -1; }
    if (!bad) snprintf(report, n, "审计链完整");
    return bad;
}

void audit_change_str(jw *w, const char *field, const char *from, const char *to) {
    if (!to || (from && strcmp(from, to) == 0)) return;
    jw_obj(w, field);
    jw_str(w, "from", from);
    jw_str(w, "to", to);
    jw_end(w);
}

void audit_change_int(jw *w, const char *field, bool had, int64_t from, bool has, int64_t to) {
    if (!has || (had && from == to)) return;
    jw_obj(w, field);
    if (had) jw_int(w, "from", from); else jw_null(w, "from");
    jw_int(w, "to", to);
    jw_end(w);
}
