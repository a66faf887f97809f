/*
** seq.c — the sequences table (see seq.h). One upsert with RETURNING works on SQLite ≥ 3.35
** and PostgreSQL, and takes the row lock that serialises concurrent writers.
*/
#include "seq.h"
#include "base/clock.h"
#include <stdio.h>

kerr seq_next(db *d, int64_t project_id, const char *name, const char *period, int64_t *value) {
    db_stmt *st = db_query(d, "INSERT INTO sequences(project_id, name, period, next) VALUES (?,?,?,1) "
                              "ON CONFLICT(project_id, name, period) DO UPDATE SET next = sequences.next + 1 "
                              "RETURNING next",
                           DI(project_id), DT(name), DT(period));
    if (!st) return db_last_kerr(d);
    int rc = db_step(st);
    if (rc == DB_ROW) *value = db_col_int(st, 0);
    db_finish(st);
    return rc == DB_ROW ? E_OK : db_last_kerr(d);
}

kerr seq_next_daily(db *d, int64_t project_id, const char *prefix, int64_t now, char *out, size_t n) {
    char ymd[16];
    clock_ymd(now, ymd, sizeof ymd);
    int64_t v = 0;
    kerr e = seq_next(d, project_id, prefix, ymd, &v);
    if (e) return e;
    snprintf(out, n, "%s%s-%04lld", prefix, ymd, (long long)v);
    return E_OK;
}
