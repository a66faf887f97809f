/*
** deadline.c — the deadlines table and its tick (see deadline.h).
*/
#include "deadline.h"
#include "base/buf.h"
#include "base/jw.h"

kerr deadline_open_warn(db *d, int64_t project_id, const char *entity, int64_t entity_id,
                        const char *kind, const char *title, int64_t due_at, int64_t warn_at, int64_t now) {
    return db_exec(d, "INSERT INTO deadlines(project_id, entity, entity_id, kind, title, due_at, warn_at, created_at) "
                      "VALUES (?,?,?,?,?,?,?,?)",
                   DI(project_id), DT(entity), DI(entity_id), DT(kind), DT(title ? title : ""),
                   DI(due_at), warn_at ? DI(warn_at) : DN, DI(now));
}

kerr deadline_open(db *d, int64_t project_id, const char *entity, int64_t entity_id,
                   const char *kind, const char *title, int64_t due_at, int64_t now) {
    return deadline_open_warn(d, project_id, entity, entity_id, kind, title, due_at, 0, now);
}

kerr deadline_meet(db *d, const char *entity, int64_t entity_id, const char *kind, int64_t now, int *met) {
    kerr e = kind ? db_exec(d, "UPDATE deadlines SET met_at = ? WHERE entity = ? AND entity_id = ? "
                               "AND kind = ? AND met_at IS NULL",
                            DI(now), DT(entity), DI(entity_id), DT(kind))
                  : db_exec(d, "UPDATE deadlines SET met_at = ? WHERE entity = ? AND entity_id = ? AND met_at IS NULL",
                            DI(now), DT(entity), DI(entity_id));
    if (met) *met = e ? 0 : (int)db_changes(d);
    return e;
}

/* Audits one overdue deadline (the row of the thing that is late). */
static kerr audit_overdue(db *d, db_stmt *st, int64_t now) {
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_int(&w, "deadline_id", db_col_int(st, 0));
    jw_str(&w, "kind", db_col_text(st, 4));
    jw_time(&w, "due_at", db_col_int(st, 5));
    jw_end(&w);
    static const audit_actor sys = {0, "系统", ""};
    kerr e = audit_append(d, &sys, db_col_int(st, 1), db_col_text(st, 2), db_col_int(st, 3),
                          "overdue", b.data, now);
    buf_free(&b);
    return e;
}

static deadline_hook hooks[DEADLINE_MAX_HOOKS];
static int nhooks;

bool deadline_on_tick(deadline_hook fn) {
    for (int i = 0; i < nhooks; i++)
        if (hooks[i] == fn) return true;
    if (nhooks == DEADLINE_MAX_HOOKS) return false;
    hooks[nhooks++] = fn;
    return true;
}

static int run_hooks(db *d, int64_t now) {
    for (int i = 0; i < nhooks; i++)
        if (hooks[i](d, now) < 0) return -1;
    return 0;
}

int deadline_tick(db *d, int64_t now) {
    if (db_exec(d, "UPDATE deadlines SET warned_at = ? WHERE met_at IS NULL AND warned_at IS NULL AND warn_at < ?",
                DI(now), DI(now)))
        return -1;
    db_stmt *st = db_query(d, "UPDATE deadlines SET overdue_at = ? WHERE met_at IS NULL AND "
                              "overdue_at IS NULL AND due_at < ? "
                              "RETURNING id, project_id, entity, entity_id, kind, due_at",
                           DI(now), DI(now));
    if (!st) return -1;
    /* RETURNING rows are all produced before the first is returned; collect ids to audit
    ** after the statement completes (audit_append uses the same connection). */
    typedef struct { int64_t id; } row;
    int n = 0, rc;
    buf ids;
    buf_init(&ids);
    while ((rc = db_step(st)) == DB_ROW) {
        row r = {db_col_int(st, 0)};
        buf_append(&ids, &r, sizeof r);
        n++;
    }
    db_finish(st);
    if (rc == DB_ERROR || !buf_ok(&ids)) { buf_free(&ids); return -1; }
    const row *rows = (const row *)ids.data;
    for (int i = 0; i < n; i++) {
        db_stmt *q = db_query(d, "SELECT id, project_id, entity, entity_id, kind, due_at FROM deadlines "
                                 "WHERE id = ?", DI(rows[i].id));
        if (!q) { buf_free(&ids); return -1; }
        kerr e = db_step(q) == DB_ROW ? audit_overdue(d, q, now) : E_INTERNAL;
        db_finish(q);
        if (e) { buf_free(&ids); return -1; }
    }
    buf_free(&ids);
    return run_hooks(d, now) < 0 ? -1 : n;
}
