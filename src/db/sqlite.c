/*
** sqlite.c — the SQLite backend of db.h.
**
** Every connection: WAL, foreign keys on, busy_timeout 5 s, synchronous=FULL. FULL (not
** NORMAL) because in WAL mode NORMAL may lose the last transactions on a power cut, and kefu
** promises that a write that answered 2xx survives a crash or power loss (SPEC X3). The one
** exception is the server's writer under group commit (sq_defer_sync): NORMAL there, and the
** pool fdatasyncs the WAL itself before anyone is answered (pool.c).
*/
#include "db_internal.h"
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* Before SQLite initialises: no global memory statistics (they take a process-wide mutex
** on every allocation, which serialises all reader threads). */
static void sq_configure(void) {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
    if (sqlite_vfs_install() != SQLITE_OK) fprintf(stderr, "kefu: SQLite VFS shim not installed; WAL frames are written one by one\n");
}

static void *sq_open(const char *target, char *err, size_t n) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sq_configure);
    sqlite3 *c = NULL;
    int rc = sqlite3_open_v2(target, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, n, "无法打开数据库 %s：%s", target, c ? sqlite3_errmsg(c) : "out of memory");
        sqlite3_close(c);
        return NULL;
    }
    sqlite3_busy_timeout(c, 5000);
    /* Plans never depend on bound values. Without this, every statement with `LIKE ?` is
    ** prepared again whenever the pattern changes (SQLite re-plans for a possible LIKE
    ** index optimisation, which no kefu index can use): the counter lookup spent half its
    ** time in the SQL parser. */
    sqlite3_db_config(c, SQLITE_DBCONFIG_ENABLE_QPSG, 1, (int *)NULL);
    sqlite3_extended_result_codes(c, 1);
    char *msg = NULL;
    rc = sqlite3_exec(c, db_durable ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                                      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-4000;"
                                    : "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON; "
                                      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-4000;", NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, n, "无法初始化数据库 %s：%s", target, msg ? msg : sqlite3_errmsg(c));
        sqlite3_free(msg);
        sqlite3_close(c);
        return NULL;
    }
    return c;
}

static void sq_close(void *c) { sqlite3_close_v2(c); }

static void *sq_prepare(void *c, const char *sql) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite prepare failed: %s\n  in: %.200s\n", sqlite3_errmsg(c), sql);
        return NULL;
    }
    return st;
}

static void sq_finalize(void *st) { sqlite3_finalize(st); }
static void sq_reset(void *st) { sqlite3_reset(st); sqlite3_clear_bindings(st); }
static bool sq_bind_int(void *st, int i, int64_t v) { return sqlite3_bind_int64(st, i, v) == SQLITE_OK; }
static bool sq_bind_text(void *st, int i, const char *s) {
    return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) == SQLITE_OK;
}
static bool sq_bind_null(void *st, int i) { return sqlite3_bind_null(st, i) == SQLITE_OK; }

static int sq_step(void *st) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) return DB_ROW;
    if (rc == SQLITE_DONE) return DB_DONE;
    return DB_ERROR;
}

static int64_t sq_col_int(void *st, int c) { return sqlite3_column_int64(st, c); }
static const char *sq_col_text(void *st, int c) { return (const char *)sqlite3_column_text(st, c); }
static bool sq_col_is_null(void *st, int c) { return sqlite3_column_type(st, c) == SQLITE_NULL; }
static int sq_col_count(void *st) { return sqlite3_column_count(st); }
static const char *sq_col_name(void *st, int c) { return sqlite3_column_name(st, c); }

static kerr code_to_kerr(int rc) {
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return E_DUPLICATE;
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return E_BUSY;
    if ((rc & 0xff) == SQLITE_NOMEM) return E_NOMEM;
    return E_INTERNAL;
}

static kerr sq_exec_script(void *c, const char *sql) {
    char *msg = NULL;
    int rc = sqlite3_exec(c, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "sqlite exec failed: %s\n", msg ? msg : sqlite3_errmsg(c));
        sqlite3_free(msg);
        return code_to_kerr(sqlite3_extended_errcode(c));
    }
    return E_OK;
}

static const char *sq_errmsg(void *c) { return sqlite3_errmsg(c); }
static kerr sq_last_kerr(void *c) { return code_to_kerr(sqlite3_extended_errcode(c)); }
static int64_t sq_changes(void *c) { return sqlite3_changes64(c); }
static int64_t sq_last_id(void *c) { return sqlite3_last_insert_rowid(c); }
static int64_t sq_total_changes(void *c) { return sqlite3_total_changes64(c); }

/* Online backup through the backup API in one step: a consistent snapshot even while the
** server writes (readers and the WAL writer are not blocked). */
static kerr sq_backup(void *c, const char *dest, char *err, size_t n) {
    sqlite3 *out = NULL;
    if (sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, n, "无法创建备份文件 %s：%s", dest, out ? sqlite3_errmsg(out) : "");
        sqlite3_close(out);
        return E_INTERNAL;
    }
    sqlite3_backup *b = sqlite3_backup_init(out, "main", c, "main");
    if (!b) {
        snprintf(err, n, "备份失败：%s", sqlite3_errmsg(out));
        sqlite3_close(out);
        return E_INTERNAL;
    }
    int rc;
    while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep(50);
    sqlite3_backup_finish(b);
    kerr e = E_OK;
    if (rc != SQLITE_DONE) { snprintf(err, n, "备份失败：%s", sqlite3_errmsg(out)); e = E_INTERNAL; }
    else if (sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, n, "备份失败：%s", sqlite3_errmsg(out)); e = E_INTERNAL;
    }
    sqlite3_close(out);
    return e;
}

static int sq_check_fk(void *c, char *report, size_t n) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK) return -1;
    int count = 0;
    size_t used = 0;
    if (n) report[0] = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (count < 5 && used < n) {
            int w = snprintf(report + used, n - used, "  %s 行 %lld 引用的 %s 不存在\n",
                             (const char *)sqlite3_column_text(st, 0),
                             (long long)sqlite3_column_int64(st, 1),
                             (const char *)sqlite3_column_text(st, 2));
            if (w > 0) used += (size_t)w;
        }
        count++;
    }
    sqlite3_finalize(st);
    return count;
}

/* Group commit: this connection's commits write the WAL frames without an fsync
** (synchronous=NORMAL; it cannot change inside a transaction, so it is set once), and the
** pool fdatasyncs the WAL before anyone is answered. NORMAL still syncs at a checkpoint and
** when the WAL is reused, so a checkpoint never copies pages not yet durable in the WAL. */
static kerr sq_defer_sync(void *c) {
    if (!db_durable) return E_OK;
    return sqlite3_exec(c, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) == SQLITE_OK ? E_OK : sq_last_kerr(c);
}

/* The WAL of a database file (none for an in-memory or temporary database). */
static bool sq_log_path(void *c, char *out, size_t n) {
    const char *f = sqlite3_db_filename(c, "main");
    if (!f || !*f) return false;
    int len = snprintf(out, n, "%s-wal", f);
    return len > 0 && (size_t)len < n;
}

static void (*ckpt_notify)(int pages);

static int sq_wal_hook(void *arg, sqlite3 *c, const char *schema, int pages) {
    (void)arg, (void)c, (void)schema;
    ckpt_notify(pages);
    return SQLITE_OK;
}

/* Replaces the automatic checkpoint (which ran in the committing connection, with two fsyncs
** and a write per page, every 1000 pages). */
static void sq_defer_checkpoints(void *c, void (*notify)(int pages)) {
    ckpt_notify = notify;
    sqlite3_wal_hook(c, sq_wal_hook, NULL);
}

static kerr sq_checkpoint(void *c, int *copied) {
    int log = 0;
    int rc = sqlite3_wal_checkpoint_v2(c, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, copied);
    if (rc != SQLITE_OK) *copied = -1;
    return rc == SQLITE_OK || rc == SQLITE_BUSY ? E_OK : sq_last_kerr(c);
}

static kerr sq_lock_chain(void *c) { (void)c; return E_OK; }
static bool sq_try_leader(void *c) { (void)c; return true; }   /* one process owns the file */

const db_ops db_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open, .close = sq_close, .prepare = sq_prepare, .finalize = sq_finalize,
    .reset = sq_reset, .bind_int = sq_bind_int, .bind_text = sq_bind_text,
    .bind_null = sq_bind_null, .step = sq_step, .col_int = sq_col_int,
    .col_text = sq_col_text, .col_is_null = sq_col_is_null, .col_count = sq_col_count,
    .col_name = sq_col_name, .exec_script = sq_exec_script, .errmsg = sq_errmsg,
    .last_kerr = sq_last_kerr, .changes = sq_changes, .last_id = sq_last_id, .total_changes = sq_total_changes, .backup = sq_backup,
    .check_fk = sq_check_fk, .lock_chain = sq_lock_chain, .try_leader = sq_try_leader,
    .begin_sql = "BEGIN IMMEDIATE",
    .begin_read_sql = "BEGIN",
    .tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    .defer_sync = sq_defer_sync, .log_path = sq_log_path,
    .defer_checkpoints = sq_defer_checkpoints, .checkpoint = sq_checkpoint,
};
