/*
** db.c — backend-neutral part of db.h: connection objects, the statement cache, typed
** argument binding, one-shot helpers, transactions and migrations.
*/
#include "db_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool db_target_is_pg(const char *target) { return strncmp(target, "pg:", 3) == 0; }

/* "pg:CONNINFO" is PostgreSQL; anything else is a SQLite file. */
static const db_ops *backend_for(const char *target) {
    return db_target_is_pg(target) ? &db_postgres_ops : &db_sqlite_ops;
}

db *db_open(const char *target, char *err, size_t errlen) {
    const db_ops *ops = backend_for(target);
    void *conn = ops->open(target, err, errlen);
    if (!conn) return NULL;
    db *d = calloc(1, sizeof *d);
    if (!d) { ops->close(conn); snprintf(err, errlen, "out of memory"); return NULL; }
    d->ops = ops;
    d->conn = conn;
    return d;
}

void db_close(db *d) {
    if (!d) return;
    for (int i = 0; i < DB_CACHE_SLOTS; i++) {
        db_stmt *s = d->cache[i];
        while (s) {
            db_stmt *n = s->next;
            d->ops->finalize(s->b);
            free(s->sql);
            free(s);
            s = n;
        }
    }
    d->ops->close(d->conn);
    free(d);
}

const char *db_backend_name(const db *d) { return d->ops->name; }

bool db_durable = true;
void db_set_durable(bool on) { db_durable = on; }

static uint32_t sql_hash(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static db_stmt *cached(db *d, const char *sql, uint32_t h) {
    db_stmt **slot = &d->cache[h % DB_CACHE_SLOTS];
    for (db_stmt *s = *slot; s; s = s->next)
        if (s->hash == h && !s->in_use && strcmp(s->sql, sql) == 0) return s;
    return NULL;
}

db_stmt *db_prepare(db *d, const char *sql) {
    size_t r = ((uintptr_t)sql >> 3) % DB_RECENT_SLOTS;
    db_stmt *hit = d->recent[r].at == sql ? d->recent[r].st : NULL;
    if (hit && !hit->in_use && strcmp(hit->sql, sql) == 0) {
        hit->in_use = true;
        return hit;
    }
    uint32_t h = sql_hash(sql);
    db_stmt **slot = &d->cache[h % DB_CACHE_SLOTS];
    if ((hit = cached(d, sql, h))) {
        hit->in_use = true;
        d->recent[r].at = sql;
        d->recent[r].st = hit;
        return hit;
    }
    bool busy_copy = false;   /* same SQL already in use (nested): make an uncached one */
    for (db_stmt *s = *slot; s; s = s->next)
        if (s->hash == h && strcmp(s->sql, sql) == 0) busy_copy = true;
    void *b = d->ops->prepare(d->conn, sql);
    if (!b) return NULL;
    db_stmt *st = calloc(1, sizeof *st);
    char *copy = strdup(sql);
    if (!st || !copy) { d->ops->finalize(b); free(st); free(copy); return NULL; }
    st->d = d; st->b = b; st->sql = copy; st->hash = h; st->in_use = true;
    st->cached = !busy_copy;
    if (st->cached) {
        st->next = *slot;
        *slot = st;
        d->recent[r].at = sql;
        d->recent[r].st = st;
    }
    return st;
}

void db_bind_int(db_stmt *st, int idx, int64_t v) { st->d->ops->bind_int(st->b, idx, v); }
void db_bind_text(db_stmt *st, int idx, const char *s) {
    if (s) st->d->ops->bind_text(st->b, idx, s);
    else st->d->ops->bind_null(st->b, idx);
}
void db_bind_null(db_stmt *st, int idx) { st->d->ops->bind_null(st->b, idx); }

bool db_bind_args(db_stmt *st, const db_arg *args) {
    for (int i = 0; args && args[i].type; i++) {
        bool ok;
        switch (args[i].type) {
        case 'i': ok = st->d->ops->bind_int(st->b, i + 1, args[i].i); break;
        case 't': ok = args[i].s ? st->d->ops->bind_text(st->b, i + 1, args[i].s)
                                 : st->d->ops->bind_null(st->b, i + 1); break;
        default:  ok = st->d->ops->bind_null(st->b, i + 1); break;
        }
        if (!ok) return false;
    }
    return true;
}

static void step_failed(db *d, const db_stmt *st, kerr e) {
    if (d->step_err) return;
    d->step_err = e;
    snprintf(d->step_err_sql, sizeof d->step_err_sql, "%s", st->sql);
}

/* Whether this step is the one db_fault_arm chose. */
static bool fault_now(db *d, const db_stmt *st) {
    if (d->fault.match[0] && !strstr(st->sql, d->fault.match)) return false;
    if (--d->fault.left > 0) return false;
    d->fault.fired = true;
    step_failed(d, st, d->fault.err);
    return true;
}

int db_step(db_stmt *st) {
    db *d = st->d;
    if (d->fault.left > 0 && fault_now(d, st)) return DB_ERROR;
    int rc = d->ops->step(st->b);
    if (rc == DB_ERROR) step_failed(d, st, d->ops->last_kerr(d->conn));
    return rc;
}

kerr db_step_error(const db *d) { return d->step_err; }
const char *db_step_error_sql(const db *d) { return d->step_err ? d->step_err_sql : ""; }
void db_step_error_clear(db *d) { d->step_err = E_OK; }

void db_fault_arm(db *d, int n, const char *match, kerr err) {
    d->fault.left = n > 0 ? n : 0;
    d->fault.err = err;
    d->fault.fired = false;
    snprintf(d->fault.match, sizeof d->fault.match, "%s", match ? match : "");
}

bool db_fault_disarm(db *d) {
    bool fired = d->fault.fired;
    d->fault.left = 0;
    d->fault.fired = false;
    return fired;
}

int db_fault_left(const db *d) { return d->fault.left; }
int64_t db_col_int(db_stmt *st, int c) { return st->d->ops->col_int(st->b, c); }
const char *db_col_text(db_stmt *st, int c) { return st->d->ops->col_text(st->b, c); }
bool db_col_is_null(db_stmt *st, int c) { return st->d->ops->col_is_null(st->b, c); }
int db_col_count(db_stmt *st) { return st->d->ops->col_count(st->b); }
const char *db_col_name(db_stmt *st, int c) { return st->d->ops->col_name(st->b, c); }

void db_finish(db_stmt *st) {
    if (!st) return;
    st->d->ops->reset(st->b);
    if (st->cached) { st->in_use = false; return; }
    st->d->ops->finalize(st->b);
    free(st->sql);
    free(st);
}

db_stmt *db_query_a(db *d, const char *sql, const db_arg *args) {
    db_stmt *st = db_prepare(d, sql);
    if (!st) return NULL;
    if (!db_bind_args(st, args)) { db_finish(st); return NULL; }
    return st;
}

kerr db_exec_a(db *d, const char *sql, const db_arg *args) {
    db_stmt *st = db_query_a(d, sql, args);
    if (!st) return db_last_kerr(d);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {}
    db_finish(st);
    return rc == DB_DONE ? E_OK : db_last_kerr(d);
}

bool db_int_a(db *d, int64_t *out, const char *sql, const db_arg *args) {
    db_stmt *st = db_query_a(d, sql, args);
    if (!st) return false;
    bool found = db_step(st) == DB_ROW && !db_col_is_null(st, 0);
    if (found) *out = db_col_int(st, 0);
    db_finish(st);
    return found;
}

kerr db_read_int_a(db *d, int64_t *out, const char *sql, const db_arg *args) {
    db_stmt *st = db_query_a(d, sql, args);
    if (!st) return db_last_kerr(d);
    int rc = db_step(st);
    bool found = rc == DB_ROW && !db_col_is_null(st, 0);
    if (found) *out = db_col_int(st, 0);
    db_finish(st);
    return found ? E_OK : rc == DB_ERROR ? db_last_kerr(d) : E_NOT_FOUND;
}

kerr db_read_exists_a(db *d, bool *found, const char *sql, const db_arg *args) {
    db_stmt *st = db_query_a(d, sql, args);
    if (!st) return db_last_kerr(d);
    int rc = db_step(st);
    *found = rc == DB_ROW;
    db_finish(st);
    return rc == DB_ERROR ? db_last_kerr(d) : E_OK;
}

/* SQLite: a RETURNING clause opens an ephemeral table on every execution (about 50 µs for an
** INSERT into tickets here, five times the insert itself), so the id comes from
** last_insert_rowid; PostgreSQL has no such thing and gets RETURNING id. */
kerr db_insert_a(db *d, int64_t *id, const char *sql, const db_arg *args) {
    if (d->ops->last_id) {
        kerr e = db_exec_a(d, sql, args);
        if (!e && d->ops->changes(d->conn) == 0) e = E_NOT_FOUND;   /* an INSERT … SELECT that found nothing */
        if (!e) *id = d->ops->last_id(d->conn);
        return e;
    }
    size_t n = strlen(sql);
    char *q = malloc(n + sizeof " RETURNING id");
    if (!q) return E_NOMEM;
    memcpy(q, sql, n);
    memcpy(q + n, " RETURNING id", sizeof " RETURNING id");
    db_stmt *st = db_query_a(d, q, args);
    free(q);
    if (!st) return db_last_kerr(d);
    int rc = db_step(st);
    if (rc == DB_ROW) *id = db_col_int(st, 0);
    db_finish(st);
    return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOT_FOUND : db_last_kerr(d);
}

char *db_text_a(db *d, arena *a, const char *sql, const db_arg *args) {
    db_stmt *st = db_query_a(d, sql, args);
    if (!st) return NULL;
    char *r = NULL;
    if (db_step(st) == DB_ROW) r = arena_strdup(a, db_col_text(st, 0));
    db_finish(st);
    return r;
}

bool db_exists_a(db *d, const char *sql, const db_arg *args) {
    db_stmt *st = db_query_a(d, sql, args);
    if (!st) return false;
    bool r = db_step(st) == DB_ROW;
    db_finish(st);
    return r;
}

kerr db_begin(db *d) {
    kerr e = db_exec(d, d->ops->begin_sql);
    if (e == E_OK) d->in_tx = true;
    return e;
}

kerr db_begin_read(db *d) {
    if (!d->ops->begin_read_sql) return E_OK;
    kerr e = db_exec(d, d->ops->begin_read_sql);
    if (e == E_OK) d->in_tx = true;
    return e;
}

void db_end_read(db *d) {
    if (!d->in_tx) return;
    db_exec(d, "COMMIT");
    d->in_tx = false;
}

kerr db_commit(db *d) {
    kerr e = db_exec(d, "COMMIT");
    if (e == E_OK) d->in_tx = false;
    else db_rollback(d);
    return e;
}

void db_rollback(db *d) {
    if (!d->in_tx) return;
    db_exec(d, "ROLLBACK");
    d->in_tx = false;
}

bool db_in_tx(const db *d) { return d->in_tx; }

const char **db_table_names(db *d, arena *a) {
    db_stmt *st = db_query(d, d->ops->tables_sql);
    if (!st) return NULL;
    size_t n = 0, cap = 64;
    const char **names = arena_alloc(a, cap * sizeof *names);
    int rc = DB_ERROR;
    while (names && (rc = db_step(st)) == DB_ROW) {
        if (n + 1 == cap) {
            const char **more = arena_alloc(a, 2 * cap * sizeof *names);
            if (more) memcpy(more, names, n * sizeof *names);
            names = more;
            cap *= 2;
        }
        if (names) names[n++] = arena_strdup(a, db_col_text(st, 0));
    }
    db_finish(st);
    return names && rc == DB_DONE ? names : NULL;
}
int64_t db_changes(db *d) { return d->ops->changes(d->conn); }
int64_t db_total_changes(db *d) { return d->ops->total_changes(d->conn); }
const char *db_errmsg(db *d) { return d->fault.fired ? "injected fault (X-Kefu-Fault)" : d->ops->errmsg(d->conn); }
kerr db_last_kerr(db *d) { return d->fault.fired ? d->fault.err : d->ops->last_kerr(d->conn); }
kerr db_backup(db *d, const char *dest, char *err, size_t n) {
    return d->ops->backup(d->conn, dest, err, n);
}
int db_check_foreign_keys(db *d, char *r, size_t n) { return d->ops->check_fk(d->conn, r, n); }
kerr db_lock_chain(db *d) { return d->ops->lock_chain(d->conn); }
bool db_try_leader(db *d) { return d->ops->try_leader(d->conn); }

int db_latest_migration(void) {
    return db_migrations_count ? db_migrations[db_migrations_count - 1].version : 0;
}

int db_schema_version(db *d) {
    int64_t v = -1;
    if (!db_int(d, &v, "SELECT MAX(version) FROM schema_migrations")) return -1;
    return (int)v;
}

static int last_migrated = -1;
int db_migrated_version(void) { return last_migrated; }

kerr db_migrate(db *d, int *version_out) {
    kerr e = db_exec(d, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    if (e) return e;
    int have = db_schema_version(d);
    for (int i = 0; i < db_migrations_count; i++) {
        const db_migration *m = &db_migrations[i];
        if (m->version <= have) continue;
        if ((e = db_begin(d))) return e;
        e = d->ops->exec_script(d->conn, m->sql);
        if (!e) e = db_exec(d, "INSERT INTO schema_migrations(version, name, applied_at) "
                               "VALUES (?, ?, ?)", DI(m->version), DT(m->name), DI(time(NULL)));
        if (e) { fprintf(stderr, "migration %04d_%s failed: %s\n", m->version, m->name,
                         db_errmsg(d)); db_rollback(d); return e; }
        if ((e = db_commit(d))) return e;
    }
    last_migrated = db_schema_version(d);
    if (version_out) *version_out = last_migrated;
    return E_OK;
}
