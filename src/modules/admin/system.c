/*
** system.c — health, the audit log, deadlines, and the test clock (only with --test-clock).
*/
#include "admin.h"
#include "base/clock.h"
#include "core/crypto.h"
#include "core/deadline.h"
#include "core/qb.h"
#include "kit/list.h"
#include "http/export.h"
#include "http/input.h"
#include "http/module.h"
#include "http/server.h"
#include "version.h"
#include <string.h>
#include <time.h>


static kerr health(ctx *c) {
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_str(w, "status", "ok");
    jw_str(w, "db", db_pool_backend());
    jw_str(w, "version", KEFU_VERSION);
    jw_int(w, "schema", db_migrated_version());
    jw_bool(w, "tick_leader", server_is_tick_leader());
    if (crypto_fast_hash()) jw_str(w, "warning", "KEFU_PWHASH=min：密码哈希为最低强度，仅供测试");
    jw_end(w);
    return E_OK;
}

/* A word in Chinese, or the key itself when no module names it. */
static const char *or_key(const char *label, const char *key) { return label ? label : key; }

static kerr audit_row(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)arg;
    const char *entity = db_col_text(st, 5), *action = db_col_text(st, 7);
    jw_obj(w, NULL);
    jw_int(w, "id", db_col_int(st, 0));
    jw_time(w, "at", db_col_int(st, 1));
    if (db_col_is_null(st, 2)) jw_null(w, "actor_id"); else jw_int(w, "actor_id", db_col_int(st, 2));
    jw_str(w, "actor_name", db_col_text(st, 3));
    if (db_col_is_null(st, 4)) jw_null(w, "project_id"); else jw_int(w, "project_id", db_col_int(st, 4));
    jw_str(w, "entity", entity);
    if (db_col_is_null(st, 6)) jw_null(w, "entity_id"); else jw_int(w, "entity_id", db_col_int(st, 6));
    jw_str(w, "action", action);
    jw_raw(w, "changes", db_col_text(st, 8));
    jw_str(w, "ip", db_col_text(st, 9));
    jw_str(w, "entity_label", or_key(module_audit_word(AUDIT_ENTITY, entity), entity));
    jw_str(w, "action_label", or_key(module_audit_action(entity, action), action));
    jw_str(w, "summary", audit_summary(&c->a, entity, db_col_text(st, 8)));
    jw_end(w);
    return E_OK;
}

static kerr audit_filter(ctx *c, list_q *f) {
    qb *b = &f->b;
    const char *entity = q_str(c, "entity"), *action = q_str(c, "action");
    if (entity) qb_and(b, "entity = ?", DT(entity));
    if (action) qb_and(b, "action = ?", DT(action));
    return E_OK;
}

/* Company-wide holders see every row, those without a project too; others their projects'. */
static const list_def AUDIT = {
    .perm = "audit.read", .project_col = "project_id",
    .ids = (const id_filter[]){{"id", "记录编号", "entity_id = ?"}, {"actor_id", "操作人", "actor_id = ?"}, {NULL}},
    .filter = audit_filter,
    .spec = {.cols = "id, at, actor_id, actor_name, project_id, entity, entity_id, action, changes, ip",
             .from = "audit_log", .order = "ORDER BY id DESC"},
    .row = audit_row,
};
static kerr audit_list(ctx *c) { return list_run(c, &AUDIT, NULL); }

static void word_json(const char *key, const char *label, void *arg) {
    jw *w = arg;
    jw_obj(w, NULL);
    jw_str(w, "key", key);
    jw_str(w, "label", label);
    jw_end(w);
}

/* GET /audit/words: every module's words of the audit log (the filters offer them). */
static kerr audit_words_list(ctx *c) {
    static const char *const keys[] = {"entities", "actions", "fields"};
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    for (int k = AUDIT_ENTITY; k <= AUDIT_FIELD; k++) {
        jw_arr(w, keys[k]);
        module_audit_words_each((audit_kind)k, word_json, w);
        jw_end(w);
    }
    jw_end(w);
    return E_OK;
}

static kerr deadlines_filter(ctx *c, list_q *f) {
    qb *b = &f->b;
    const char *state = q_str(c, "state"), *entity = q_str(c, "entity");
    if (entity) qb_and(b, "entity = ?", DT(entity));
    if (!state) return E_OK;
    if (strcmp(state, "open") == 0) qb_and(b, "met_at IS NULL AND overdue_at IS NULL");
    else if (strcmp(state, "overdue") == 0) qb_and(b, "met_at IS NULL AND overdue_at IS NOT NULL");
    else if (strcmp(state, "met") == 0) qb_and(b, "met_at IS NOT NULL");
    else return ctx_fail(c, E_BAD_REQUEST, "state", "状态应为 open、overdue 或 met");
    return E_OK;
}

static kerr deadline_row(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)c, (void)arg;
    int64_t met = db_col_int(st, 7), over = db_col_int(st, 8);
    jw_obj(w, NULL);
    jw_int(w, "id", db_col_int(st, 0));
    jw_int(w, "project_id", db_col_int(st, 1));
    jw_str(w, "entity", db_col_text(st, 2));
    jw_int(w, "entity_id", db_col_int(st, 3));
    jw_str(w, "kind", db_col_text(st, 4));
    jw_str(w, "title", db_col_text(st, 5));
    jw_time(w, "due_at", db_col_int(st, 6));
    jw_time(w, "met_at", met);
    jw_time(w, "overdue_at", over);
    jw_str(w, "state", met ? "met" : over ? "overdue" : "open");
    jw_end(w);
    return E_OK;
}

static const list_def DEADLINES = {
    .perm = "deadlines.read", .project_col = "project_id", .filter = deadlines_filter,
    .sorts = (const list_sort[]){{"due", "ORDER BY due_at, id"}, {"-due", "ORDER BY due_at DESC, id DESC"}, {NULL, NULL}},
    .spec = {.cols = "id, project_id, entity, entity_id, kind, title, due_at, met_at, overdue_at", .from = "deadlines"},
    .row = deadline_row,
};
static kerr deadlines_list(ctx *c) { return list_run(c, &DEADLINES, NULL); }

static kerr clock_answer(ctx *c, int marked) {
    char iso[40];
    clock_iso(clock_now(), iso, sizeof iso);
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_str(w, "now", iso);
    if (marked >= 0) jw_int(w, "overdue_marked", marked);
    jw_end(w);
    return E_OK;
}

static kerr clock_get(ctx *c) { return clock_answer(c, -1); }

static kerr clock_set(ctx *c) {
    static const char *const fields[] = {"now", "advance_seconds", NULL};
    const char *now = NULL;
    int64_t adv = 0, t = 0;
    bool has_adv = false;
    kerr e;
    if ((e = in_only(c, fields)) || (e = in_str(c, "now", "时间", 0, 40, &now)) ||
        (e = in_int(c, "advance_seconds", "前进秒数", 0, -400LL * 86400 * 366, 400LL * 86400 * 366, &adv, &has_adv)))
        return e;
    if (!now && !has_adv) return ctx_fail(c, E_VALIDATION, "now", "请提供 now 或 advance_seconds");
    if (now && !clock_parse_iso(now, &t))
        return ctx_fail(c, E_VALIDATION, "now", "时间格式应为 2026-11-25T09:00:00+08:00");
    if (now) clock_set_now(t);
    if (has_adv) clock_advance(adv);
    c->now = clock_now();
    int marked = deadline_tick(c->db, c->now);
    if (marked < 0) return E_INTERNAL;
    return clock_answer(c, marked);
}

/* Writes (an audit row), then fails: how the tests make a request that must be undone alone
** inside a shared commit (src/db/pool.c runs its batch again). */
static kerr write_then_fail(ctx *c) {
    static const char *const fields[] = {"note", NULL};
    const char *note = NULL;
    kerr e;
    if ((e = in_only(c, fields)) || (e = in_str(c, "note", "说明", IN_REQUIRED, 100, &note))) return e;
    const char *ch = arena_printf(&c->a, "{\"note\":%s}", jv_dump(c, json_object_get(c->json, "note")));
    if ((e = ctx_audit(c, 0, "test", 0, "write_then_fail", ch))) return e;
    return ctx_fail(c, E_VALIDATION, "note", "测试：写入后失败，这次写入不应保留");
}

/* Answers after ?ms= milliseconds (up to 10 s): a handler slower than --idle-timeout, whose
** answer must still be sent (tests/api/slow_clients.test.mjs). */
static kerr sleep_then_answer(ctx *c) {
    int64_t ms = 0;
    kerr e = q_int(c, "ms", "毫秒", 0, 10000, 0, &ms);
    if (e) return e;
    struct timespec t = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
    while (nanosleep(&t, &t) != 0) {}
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_int(w, "slept_ms", ms);
    jw_end(w);
    return E_OK;
}

/* Columns that change outside any request's transaction: the last-seen time an authenticated
** request refreshes (at most once a minute) before its handler runs. The digest leaves them
** out, so that a test can see that a failed request changed nothing else. */
static const struct { const char *table, *column; } volatile_cols[] = {
    {"sessions", "last_seen_at"}, {"api_tokens", "last_used_at"}, {NULL, NULL}};

static bool is_volatile(const char *table, const char *column) {
    for (int i = 0; volatile_cols[i].table; i++)
        if (!strcmp(volatile_cols[i].table, table) && !strcmp(volatile_cols[i].column, column)) return true;
    return false;
}

/* The columns of a table that has a row (0 when it has none). */
static kerr table_columns(ctx *c, const char *table, int *ncols) {
    db_stmt *st = db_query(c->db, arena_printf(&c->a, "SELECT * FROM \"%s\" LIMIT 1", table));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    *ncols = rc == DB_ROW ? db_col_count(st) : 0;
    db_finish(st);
    return rc == DB_ERROR ? db_last_kerr(c->db) : E_OK;
}

/* One table's row count and SHA-256: its rows in one total order (by every column in turn),
** each value as its text with its length in front (or N for NULL), a line per row. */
static kerr table_digest(ctx *c, const char *table, jw *w) {
    int ncols = 0;
    kerr e = table_columns(c, table, &ncols);
    if (e) return e;
    buf sql, rows;
    buf_init(&sql);
    buf_init(&rows);
    buf_printf(&sql, "SELECT * FROM \"%s\"", table);
    for (int i = 1; i <= ncols; i++) buf_printf(&sql, "%s%d", i == 1 ? " ORDER BY " : ", ", i);
    db_stmt *st = ncols ? db_query(c->db, buf_cstr(&sql)) : NULL;
    int64_t n = 0;
    int rc = DB_DONE;
    if (ncols && !st) rc = DB_ERROR;
    while (st && (rc = db_step(st)) == DB_ROW) {
        for (int i = 0; i < ncols; i++) {
            if (is_volatile(table, db_col_name(st, i))) continue;
            const char *v = db_col_is_null(st, i) ? NULL : db_col_text(st, i);
            if (v) buf_printf(&rows, "%zu:%s;", strlen(v), v); else buf_puts(&rows, "N;");
        }
        buf_putc(&rows, '\n');
        n++;
    }
    if (st) db_finish(st);
    char hex[65];
    crypto_sha256_hex(rows.data ? rows.data : "", rows.len, hex);
    bool ok = buf_ok(&rows);
    buf_free(&sql);
    buf_free(&rows);
    if (rc == DB_ERROR) return db_last_kerr(c->db);
    if (!ok) return E_NOMEM;
    jw_obj(w, table);
    jw_int(w, "rows", n);
    jw_str(w, "sha256", hex);
    jw_end(w);
    return E_OK;
}

/* Test servers: every table's row count and content hash, so that a test can check that a
** request which failed left nothing behind (tests/api/lib/faults.mjs). On SQLite in one read
** transaction; on PostgreSQL each table is its own snapshot (the test writes nothing meanwhile). */
static kerr digest(ctx *c) {
    if (db_begin_read(c->db)) return E_BUSY;
    const char **tables = db_table_names(c->db, &c->a);
    kerr e = tables ? E_OK : db_last_kerr(c->db);
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_str(w, "backend", db_backend_name(c->db));
    jw_obj(w, "tables");
    for (int i = 0; !e && tables[i]; i++) e = table_digest(c, tables[i], w);
    jw_end(w);
    jw_obj(w, "volatile");
    for (int i = 0; volatile_cols[i].table; i++) {
        jw_arr(w, volatile_cols[i].table);
        jw_str(w, NULL, volatile_cols[i].column);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
    db_end_read(c->db);
    return e;
}

static const export_col audit_cols[] = {
    {"id", "序号", EX_INT, NULL},            {"at", "时间", EX_TIME, NULL},
    {"actor_name", "操作人", EX_TEXT, NULL}, {"project_id", "管理处编号", EX_INT, NULL},
    {"entity_label", "对象", EX_TEXT, NULL}, {"entity_id", "记录编号", EX_INT, NULL},
    {"action_label", "操作", EX_TEXT, NULL}, {"summary", "变更内容", EX_TEXT, NULL},
    {"ip", "地址", EX_TEXT, NULL},           {NULL, NULL, 0, NULL},
};
static const export_spec audit_export = {"审计日志", audit_cols};

static const char *deadline_state(arena *a, json_t *item) {
    (void)a;
    const char *s = json_string_value(json_object_get(item, "state"));
    return !s ? "" : !strcmp(s, "met") ? "已完成" : !strcmp(s, "overdue") ? "已超时" : "进行中";
}

static const export_col deadline_cols[] = {
    {"project_id", "管理处编号", EX_INT, NULL}, {"title", "事项", EX_TEXT, NULL},
    {"entity", "对象", EX_TEXT, NULL},          {"entity_id", "记录编号", EX_INT, NULL},
    {"kind", "时限类型", EX_TEXT, NULL},        {"due_at", "到期时间", EX_TIME, NULL},
    {"state", "状态", EX_TEXT, deadline_state}, {"met_at", "完成时间", EX_TIME, NULL},
    {"overdue_at", "标记超时时间", EX_TIME, NULL}, {NULL, NULL, 0, NULL},
};
static const export_spec deadline_export = {"时限事项", deadline_cols};

/* The role names of a mask, as a JSON array (pseudo-roles of a module, such as a complaint's
** handler, have no name here: "pseudo" says a transition grants one). */
static void role_names(jw *w, const char *key, unsigned roles) {
    jw_arr(w, key);
    for (int i = 0; i < ROLE_COUNT; i++)
        if (roles & role_at(i)) jw_str(w, NULL, role_name(role_at(i)));
    jw_end(w);
}

static bool is_write_route(const route *r) { return strcmp(r->method, "GET") != 0; }

static void route_json(jw *w, const route *r) {
    jw_obj(w, NULL);
    jw_str(w, "module", module_of_route(r)->name);
    jw_str(w, "method", r->method);
    jw_str(w, "path", r->path);
    jw_str(w, "perm", r->perm);
    /* who passes the door (server.c check_access): the permission's roles, every role when
    ** the route needs a login only; handlers may narrow it further (a record's project, a
    ** workflow transition's roles, a company-wide role) */
    role_names(w, "roles", r->perm ? perm_roles(r->perm) : ROLE_ALL);
    jw_bool(w, "public", r->flags & RF_PUBLIC);
    jw_bool(w, "test_only", r->flags & RF_TEST);
    /* a cookie-authenticated call must send X-CSRF-Token (bearer calls never do) */
    jw_bool(w, "csrf", is_write_route(r) && !(r->flags & (RF_PUBLIC | RF_NO_CSRF)));
    jw_bool(w, "raw_body", r->flags & RF_RAW_BODY);
    jw_bool(w, "export", r->export != NULL);
    jw_arr(w, "formats");   /* ?format= values besides json */
    if (r->export) { jw_str(w, NULL, "xlsx"); jw_str(w, NULL, "csv"); }
    if (r->flags & RF_PDF) jw_str(w, NULL, "pdf");
    jw_end(w);
    jw_end(w);
}

static void workflow_json(jw *w, const kmodule *m, const wf_def *d) {
    jw_obj(w, NULL);
    jw_str(w, "module", m->name);
    jw_str(w, "entity", d->entity);
    jw_arr(w, "transitions");
    for (const wf_transition *t = d->transitions; t->action; t++) {
        if (!t->roles) continue;   /* an event's label only, never an action */
        jw_obj(w, NULL);
        jw_str(w, "action", t->action);
        role_names(w, "roles", t->roles & ROLE_ALL);
        jw_bool(w, "pseudo", (t->roles & ~(unsigned)ROLE_ALL) != 0);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
}

/* Test servers list their routes with the roles each lets in, and the role names, the modules,
** the permissions with their roles and the workflow transitions with theirs: the crawl hits
** every route with junk, the authorization matrix calls each as every role
** (tests/api/authz_matrix.test.mjs). */
static kerr routes_list(ctx *c) {
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_arr(w, "items");
    const route *const *tables = modules_route_tables();
    for (int t = 0; tables[t]; t++)
        for (const route *r = tables[t]; r->method; r++) route_json(w, r);
    jw_end(w);
    role_names(w, "roles", ROLE_ALL);
    jw_arr(w, "modules");
    for (int i = 0; module_at(i); i++) jw_str(w, NULL, module_at(i)->name);
    jw_end(w);
    jw_arr(w, "perms");
    for (int i = 0; i < perm_count(); i++) {
        jw_obj(w, NULL);
        jw_str(w, "name", perm_name_at(i));
        role_names(w, "roles", perm_roles_at(i));
        jw_end(w);
    }
    jw_end(w);
    jw_arr(w, "workflows");
    for (int i = 0; module_at(i); i++)
        for (int k = 0; module_at(i)->workflows && module_at(i)->workflows[k]; k++)
            workflow_json(w, module_at(i), module_at(i)->workflows[k]);
    jw_end(w);
    jw_end(w);
    return E_OK;
}

const route system_routes[] = {
    {"GET",  "/api/v1/health",      NULL,             RF_PUBLIC, 0, health},
    {"GET",  "/api/v1/audit",       "audit.read",     0, 0, audit_list, &audit_export},
    {"GET",  "/api/v1/audit/words", "audit.read",     0, 0, audit_words_list},
    {"GET",  "/api/v1/deadlines",   "deadlines.read", 0, 0, deadlines_list, &deadline_export},
    {"GET",  "/api/v1/_test/clock", NULL,             RF_PUBLIC | RF_TEST, 0, clock_get},
    {"GET",  "/api/v1/_test/routes", NULL,            RF_PUBLIC | RF_TEST, 0, routes_list},
    {"POST", "/api/v1/_test/clock", NULL,             RF_PUBLIC | RF_TEST | RF_NO_CSRF | RF_ONCE, 1024, clock_set},
    {"POST", "/api/v1/_test/write-then-fail", NULL,   RF_PUBLIC | RF_TEST | RF_NO_CSRF, 1024, write_then_fail},
    {"GET",  "/api/v1/_test/sleep", NULL,             RF_PUBLIC | RF_TEST, 0, sleep_then_answer},
    {"GET",  "/api/v1/_test/digest", NULL,            RF_PUBLIC | RF_TEST, 0, digest},
    {NULL, NULL, NULL, 0, 0, NULL},
};
