/*
** copy.c — `kefu migrate --from sqlite:PATH --to pg:CONNINFO`: copies a whole database, every
** table and row as it is (ids, the document-number sequences, the audit chain), into a
** migrated, empty target, in one transaction. Tables come from the source's own schema, so
** tables added by later migrations are copied too. PostgreSQL's id sequences are moved past
** the copied ids at the end.
*/
#include "db_internal.h"
#include "base/buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TABLES 256
#define MAX_COLS 128

typedef struct table_info { char *name; int ncols; char *cols[MAX_COLS]; bool has_id; } table_info;

static void free_tables(table_info *t, int n) {
    for (int i = 0; i < n; i++) {
        free(t[i].name);
        for (int k = 0; k < t[i].ncols; k++) free(t[i].cols[k]);
    }
}

/* The source's tables and columns (SQLite catalogue), schema_migrations excepted. */
static int list_tables(db *src, table_info *t) {
    db_stmt *st = db_query(src, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                "AND name <> 'schema_migrations' ORDER BY name");
    int n = 0;
    while (st && n < MAX_TABLES && db_step(st) == DB_ROW) t[n++] = (table_info){.name = strdup(db_col_text(st, 0))};
    if (st) db_finish(st);
    for (int i = 0; i < n; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s') ORDER BY cid", t[i].name);
        db_stmt *c = db_query(src, sql);
        while (c && t[i].ncols < MAX_COLS && db_step(c) == DB_ROW) {
            t[i].cols[t[i].ncols] = strdup(db_col_text(c, 0));
            if (!strcmp(t[i].cols[t[i].ncols], "id")) t[i].has_id = true;
            t[i].ncols++;
        }
        if (c) db_finish(c);
    }
    return n;
}

/* Rows already in the target, apart from what a fresh schema seeds (auth_epoch). */
static int64_t target_rows(db *dst, const table_info *t, int n, const char **which) {
    for (int i = 0; i < n; i++) {
        if (!strcmp(t[i].name, "auth_epoch")) continue;
        char sql[256];
        int64_t rows = 0;
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM \"%s\"", t[i].name);
        if (!db_int(dst, &rows, sql)) { *which = t[i].name; return -1; }
        if (rows) { *which = t[i].name; return rows; }
    }
    return 0;
}

/* Copies one table row by row; *copied gets the count. */
static kerr copy_table(db *src, db *dst, const table_info *t, int64_t *copied) {
    buf sel, ins;
    buf_init(&sel);
    buf_init(&ins);
    buf_puts(&sel, "SELECT ");
    buf_printf(&ins, "INSERT INTO \"%s\"(", t->name);
    for (int k = 0; k < t->ncols; k++) {
        buf_printf(&sel, "%s\"%s\"", k ? ", " : "", t->cols[k]);
        buf_printf(&ins, "%s\"%s\"", k ? ", " : "", t->cols[k]);
    }
    buf_printf(&sel, " FROM \"%s\"%s", t->name, t->has_id ? " ORDER BY id" : "");
    buf_puts(&ins, ") VALUES (");
    for (int k = 0; k < t->ncols; k++) buf_puts(&ins, k ? ", ?" : "?");
    buf_puts(&ins, ")");
    kerr e = E_OK;
    db_stmt *s = db_query(src, buf_cstr(&sel));
    if (!s) e = db_last_kerr(src);
    while (!e && db_step(s) == DB_ROW) {
        db_stmt *w = db_prepare(dst, buf_cstr(&ins));
        if (!w) { e = db_last_kerr(dst); break; }
        for (int k = 0; k < t->ncols; k++) db_bind_text(w, k + 1, db_col_text(s, k));
        int rc = db_step(w);
        db_finish(w);
        if (rc == DB_ERROR) e = db_last_kerr(dst);
        else (*copied)++;
    }
    if (s) db_finish(s);
    buf_free(&sel);
    buf_free(&ins);
    return e;
}

/* PostgreSQL: move each id sequence past the copied ids. */
static kerr bump_sequences(db *dst, const table_info *t, int n) {
    if (strcmp(db_backend_name(dst), "postgres") != 0) return E_OK;
    for (int i = 0; i < n; i++) {
        if (!t[i].has_id) continue;
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence('\"%s\"', 'id'), "
                                  "COALESCE((SELECT MAX(id) FROM \"%s\"), 0) + 1, false)", t[i].name, t[i].name);
        kerr e = db_exec(dst, sql);
        if (e) return e;
    }
    return E_OK;
}

kerr db_copy(db *src, db *dst, char *report, size_t n) {
    static table_info t[MAX_TABLES];
    int nt = list_tables(src, t);
    const char *which = NULL;
    int64_t have = target_rows(dst, t, nt, &which);
    if (have) {
        snprintf(report, n, have < 0 ? "目标数据库缺少表 %s" : "目标数据库不是空的（表 %s 已有数据），未做任何改动",
                 which ? which : "?");
        free_tables(t, nt);
        return E_STATE;
    }
    buf r;
    buf_init(&r);
    kerr e = db_begin(dst);
    if (!e && !strcmp(db_backend_name(dst), "postgres")) e = db_exec(dst, "SET CONSTRAINTS ALL DEFERRED");
    if (!e) e = db_exec(dst, "DELETE FROM auth_epoch");
    for (int i = 0; !e && i < nt; i++) {
        int64_t rows = 0;
        e = copy_table(src, dst, &t[i], &rows);
        buf_printf(&r, "  %-20s %lld 行\n", t[i].name, (long long)rows);
    }
    if (!e) e = bump_sequences(dst, t, nt);
    if (!e) e = db_commit(dst);
    else db_rollback(dst);
    snprintf(report, n, "%s%s", e ? "复制失败：" : "", e ? db_errmsg(dst) : buf_cstr(&r));
    buf_free(&r);
    free_tables(t, nt);
    return e;
}
