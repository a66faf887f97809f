/*
** db.h — the only door to storage.
**
** Modules write portable SQL with `?` placeholders and bind values; they never build SQL
** from user text and never call a backend library (sqlite3_*, PQ*) themselves. A backend
** (sqlite.c today) implements db_ops; everything else here is backend-neutral.
**
** Connections: a server holds one writer connection (taken exclusively for a write request
** and its transaction) and a reader per thread. CLI commands open one connection.
**
** Typed arguments: db_exec / db_query take a list of DI(int), DT(text), DN values, e.g.
**     db_exec(d, "UPDATE users SET disabled=? WHERE id=?", DI(1), DI(id));
*/
#ifndef KEFU_DB_H
#define KEFU_DB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/arena.h"
#include "base/err.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

enum { DB_DONE = 0, DB_ROW = 1, DB_ERROR = -1 };

typedef struct db_arg { char type; int64_t i; const char *s; } db_arg;
#define DI(x) ((db_arg){'i', (int64_t)(x), NULL})
#define DT(x) ((db_arg){'t', 0, (x)})
#define DN    ((db_arg){'n', 0, NULL})
#define DEND_ ((db_arg){0, 0, NULL})

/* ---- connections ---- */
/* Opens one connection to `target`: a file path for SQLite (created if missing), or
** "pg:CONNINFO" for PostgreSQL. Returns NULL and a message in err on failure. */
db *db_open(const char *target, char *err, size_t errlen);
void db_close(db *d);
const char *db_backend_name(const db *d);        /* "sqlite" or "postgres" */
bool db_target_is_pg(const char *target);

/* Server pool: writer + per-thread readers on one target. */
bool db_pool_init(const char *target, char *err, size_t errlen);
db *db_pool_reader(void);                         /* this thread's reader; NULL on failure */
db *db_pool_writer_acquire(void);                 /* blocks; pair with release */
void db_pool_writer_release(db *d);
/* A write request's writes: fn(writer, arg, &keep) returns the request's result and sets keep
** when its writes are to be kept. fn must not use thread-local state.
** db_pool_write_async (where the pool has a writer thread: db_pool_queues_writes) queues fn for
** the writer thread, which runs it in a transaction shared with the requests queued meanwhile
** (group commit, SQLite unless --no-group-commit); done(arg, result, commit) is called from a
** pool thread once the kept writes are durable (commit E_OK) or the batch failed (then none of
** it was kept). There fn may be run a second time (its first run rolled back): it must start
** afresh and have no effect outside the database, unless `careful`, which runs it once, in a
** savepoint of its own. False when it could not be queued.
** db_pool_write runs fn on the calling thread in a transaction of its own and returns the
** commit's result once durable; *result is fn's. */
typedef kerr (*db_write_fn)(db *w, void *arg, bool *keep);
typedef void (*db_write_done)(void *arg, kerr result, kerr commit);
bool db_pool_queues_writes(void);
bool db_pool_write_async(db_write_fn fn, void *arg, bool careful, db_write_done done);
kerr db_pool_write(db_write_fn fn, void *arg, kerr *result);
/* The writer in a transaction of its own, for a handler that reads first (a login) or a bulk
** write (an import): a savepoint would make SQLite copy every page it changes into an
** in-memory journal (an import of 100k units spent a fifth of its time walking it).
** db_pool_write_end commits (keep) or rolls back, and releases the writer. */
db *db_pool_write_begin(kerr *e);
kerr db_pool_write_end(db *d, bool keep);
void db_pool_set_group_commit(bool on);
/* SQLite under group commit: the WAL's size, in pages, that starts a checkpoint (16000). Before init. */
void db_pool_set_checkpoint_pages(int pages);
/* PostgreSQL: reads outside a transaction from all threads go down `lanes` shared connections
** in pipelined batches (postgres.c); 0 sends each on its thread's own connection. Before init. */
void db_pool_set_read_lanes(int lanes);
/* Durable commits (default): SQLite synchronous=FULL, PostgreSQL synchronous_commit on. Off only
** to measure what durability costs: a power cut may then lose acknowledged writes. */
void db_set_durable(bool on);            /* default on */
void db_pool_close(void);
const char *db_pool_backend(void);

/* ---- statements ---- */
/* Prepared statement, cached per connection by SQL text. NULL on error (see db_errmsg). */
db_stmt *db_prepare(db *d, const char *sql);
void db_bind_int(db_stmt *st, int idx, int64_t v);       /* 1-based */
void db_bind_text(db_stmt *st, int idx, const char *s);  /* NULL binds NULL */
void db_bind_null(db_stmt *st, int idx);
bool db_bind_args(db_stmt *st, const db_arg *args);      /* until type 0 */
int  db_step(db_stmt *st);                               /* DB_ROW, DB_DONE, DB_ERROR */
int64_t db_col_int(db_stmt *st, int col);                /* 0-based */
const char *db_col_text(db_stmt *st, int col);           /* NULL when NULL; valid until next step */
bool db_col_is_null(db_stmt *st, int col);
int db_col_count(db_stmt *st);
const char *db_col_name(db_stmt *st, int col);
void db_finish(db_stmt *st);                             /* reset; back to the cache */

/* ---- one-shot helpers (argument lists end automatically) ---- */
kerr db_exec_a(db *d, const char *sql, const db_arg *args);
db_stmt *db_query_a(db *d, const char *sql, const db_arg *args);   /* bound, not stepped */
/* First column of the first row; false when no row or on error (then *err is set). */
bool db_int_a(db *d, int64_t *out, const char *sql, const db_arg *args);
char *db_text_a(db *d, arena *a, const char *sql, const db_arg *args);  /* NULL if none */
/* An INSERT of one row (written without RETURNING): the new row's id in *id. E_NOT_FOUND when
** it inserted nothing (an INSERT … SELECT that found no row). */
kerr db_insert_a(db *d, int64_t *id, const char *sql, const db_arg *args);
bool db_exists_a(db *d, const char *sql, const db_arg *args);
/* The same for reads whose error must reach the answer: E_OK with *out set, E_NOT_FOUND when
** there is no row (or its value is NULL), else the database's error (db_last_kerr). */
kerr db_read_int_a(db *d, int64_t *out, const char *sql, const db_arg *args);
kerr db_read_exists_a(db *d, bool *found, const char *sql, const db_arg *args);   /* E_OK or the error */
#define db_read_int(d, out, sql, ...) db_read_int_a(d, out, sql, (const db_arg[]){__VA_ARGS__ __VA_OPT__(,) DEND_})
#define db_read_exists(d, found, sql, ...) \
    db_read_exists_a(d, found, sql, (const db_arg[]){__VA_ARGS__ __VA_OPT__(,) DEND_})
#define db_exec(d, sql, ...)   db_exec_a(d, sql, (const db_arg[]){__VA_ARGS__ __VA_OPT__(,) DEND_})
#define db_query(d, sql, ...)  db_query_a(d, sql, (const db_arg[]){__VA_ARGS__ __VA_OPT__(,) DEND_})
#define db_int(d, out, sql, ...) db_int_a(d, out, sql, (const db_arg[]){__VA_ARGS__ __VA_OPT__(,) DEND_})
#define db_text(d, a, sql, ...)  db_text_a(d, a, sql, (const db_arg[]){__VA_ARGS__ __VA_OPT__(,) DEND_})
#define db_insert(d, id, sql, ...) db_insert_a(d, id, sql, (const db_arg[]){__VA_ARGS__ __VA_OPT__(,) DEND_})
#define db_exists(d, sql, ...)   db_exists_a(d, sql, (const db_arg[]){__VA_ARGS__ __VA_OPT__(,) DEND_})

/* ---- transactions ---- */
kerr db_begin(db *d);         /* write transaction (SQLite: BEGIN IMMEDIATE) */
kerr db_commit(db *d);
/* A read transaction: one consistent snapshot for a whole GET request (and one lock instead
** of one per statement). End it with db_end_read. */
kerr db_begin_read(db *d);
void db_end_read(db *d);
void db_rollback(db *d);
bool db_in_tx(const db *d);
/* The database's tables (on PostgreSQL those of the current schema), sorted by name: a
** NULL-terminated array in the arena; NULL on error. */
const char **db_table_names(db *d, arena *a);
int64_t db_changes(db *d);    /* rows changed by the last statement */
int64_t db_total_changes(db *d);   /* rows changed on this connection since it opened */

/* ---- errors ---- */
const char *db_errmsg(db *d);  /* for logs only, never for users */
kerr db_last_kerr(db *d);      /* E_DUPLICATE on unique violation, E_BUSY, else E_INTERNAL */
/* The first error a step returned on this connection since the last clear, as db_last_kerr
** said then (E_OK if none): the server checks that a read request's handler returned it. */
kerr db_step_error(const db *d);
const char *db_step_error_sql(const db *d);   /* the start of that step's statement, for logs */
void db_step_error_clear(db *d);

/* ---- fault injection, for tests (the server arms it only with --test-clock) ---- */
/* The n-th db_step from now on this connection (n ≥ 1), counting only statements whose SQL
** contains `match` when it is not NULL or empty, fails without reaching the backend: it returns
** DB_ERROR and db_last_kerr says err (E_BUSY, E_INTERNAL) until disarmed. The steps before and
** after it run normally (one transient fault, as SQLite's own fault-injection tests do). */
void db_fault_arm(db *d, int n, const char *match, kerr err);
bool db_fault_disarm(db *d);   /* true when the fault fired */
int db_fault_left(const db *d);   /* steps to go before it fires; 0 once fired or disarmed */

/* ---- schema and maintenance ---- */
kerr db_migrate(db *d, int *version_out);   /* applies embedded migrations in order */
int db_migrated_version(void);              /* the schema this process last migrated to, or -1 */
int db_schema_version(db *d);               /* -1 if no schema */
int db_latest_migration(void);
kerr db_backup(db *d, const char *dest, char *err, size_t errlen);   /* consistent online copy */
/* Foreign-key violations found; 0 = none, -1 on error. Writes up to a few lines to report. */
int db_check_foreign_keys(db *d, char *report, size_t n);
/* Serialize writers that read-then-append on shared rows (audit chain); no-op on SQLite
** where there is one writer. */
kerr db_lock_chain(db *d);
/* Copies every table of src (SQLite) into dst (migrated and empty) in one transaction. A
** report of rows per table (or why not) goes into report. E_STATE when dst is not empty. */
kerr db_copy(db *src, db *dst, char *report, size_t n);
/* Background-work leadership among several servers on one database (PostgreSQL session
** advisory lock, kept by this connection until it closes); always true on SQLite. */
bool db_try_leader(db *d);
#endif
