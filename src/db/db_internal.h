/*
** db_internal.h — what a storage backend implements (db_ops) and the shared structs.
** Only the files of src/db include this file.
*/
#ifndef KEFU_DB_INTERNAL_H
#define KEFU_DB_INTERNAL_H
#include "db.h"

typedef struct db_ops {
    const char *name;
    void *(*open)(const char *target, char *err, size_t n);
    void (*close)(void *conn);
    void *(*prepare)(void *conn, const char *sql);
    void (*finalize)(void *st);
    void (*reset)(void *st);
    bool (*bind_int)(void *st, int idx, int64_t v);
    bool (*bind_text)(void *st, int idx, const char *s);
    bool (*bind_null)(void *st, int idx);
    int (*step)(void *st);
    int64_t (*col_int)(void *st, int col);
    const char *(*col_text)(void *st, int col);
    bool (*col_is_null)(void *st, int col);
    int (*col_count)(void *st);
    const char *(*col_name)(void *st, int col);
    kerr (*exec_script)(void *conn, const char *sql);
    const char *(*errmsg)(void *conn);
    kerr (*last_kerr)(void *conn);
    int64_t (*changes)(void *conn);
    int64_t (*total_changes)(void *conn);
    int64_t (*last_id)(void *conn);   /* the last INSERT's row id; NULL: db_insert appends RETURNING id */
    kerr (*backup)(void *conn, const char *dest, char *err, size_t n);
    int (*check_fk)(void *conn, char *report, size_t n);
    kerr (*lock_chain)(void *conn);
    bool (*try_leader)(void *conn);
    void (*share_reads)(const char *target, int lanes);   /* NULL: every connection reads alone */
    const char *begin_sql;
    const char *begin_read_sql;   /* NULL: reads need no transaction */
    const char *tables_sql;       /* the names of kefu's tables, sorted */
    /* Group commit (pool.c), NULL where the backend has none: this connection's commits no
    ** longer wait for the log to reach the disk; the pool fdatasyncs log_path instead. */
    kerr (*defer_sync)(void *conn);
    bool (*log_path)(void *conn, char *out, size_t n);
    /* Checkpoints elsewhere: this connection no longer checkpoints after its commits but calls
    ** notify with the log's size in pages; checkpoint (on another connection) copies what it
    ** can into the database without blocking the writer, and gives how many of the log's
    ** pages are now in the database (-1 when it could not run). */
    void (*defer_checkpoints)(void *conn, void (*notify)(int pages));
    kerr (*checkpoint)(void *conn, int *copied);
} db_ops;

extern bool db_durable;   /* db_set_durable */
int sqlite_vfs_install(void);   /* sqlite_vfs.c: the WAL-frame buffering shim, as default VFS */

#define DB_CACHE_SLOTS 128
#define DB_RECENT_SLOTS 256

struct db_stmt {
    db *d;
    void *b;            /* backend statement */
    char *sql;          /* owned copy, cache key */
    uint32_t hash;
    bool in_use, cached;
    db_stmt *next;      /* cache chain */
};

struct db {
    const db_ops *ops;
    void *conn;
    bool in_tx;
    db_stmt *cache[DB_CACHE_SLOTS];
    /* By the address of the caller's SQL text (almost always a literal): a statement found there
    ** is taken once strcmp confirms the text, without hashing it. */
    struct { const char *at; db_stmt *st; } recent[DB_RECENT_SLOTS];
    kerr step_err;      /* the first error a step returned since db_step_error_clear */
    char step_err_sql[96];   /* the start of its statement */
    /* db_fault_arm: `left` steps (of statements whose SQL holds `match`) until one fails */
    struct { int left; kerr err; bool fired; char match[64]; } fault;
};

extern const db_ops db_sqlite_ops;
extern const db_ops db_postgres_ops;

/* Embedded migrations (generated from src/db/migrations/NNNN_name.sql). */
typedef struct db_migration { int version; const char *name; const char *sql; } db_migration;
extern const db_migration db_migrations[];
extern const int db_migrations_count;
#endif
