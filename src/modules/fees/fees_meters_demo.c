/*
** fees_meters_demo.c — the meters' demo: a water meter (水表, whole 吨, no maximum declared) for each
** unit of building 1 of 翠湖花园 (project 1), with last month's reading entered on the 25th, so
** this month's round is there to be walked on the phone (fees_readings.c).
*/
#include "fees_meters.h"
#include "http/module.h"
#include "base/clock.h"
#include "kit/dates.h"
#include <stdio.h>
#include <string.h>

/* The month before "YYYY-MM". */
static void month_before(const char *m, char out[8]) {
    int y = 0, mo = 1;
    if (sscanf(m, "%4d-%2d", &y, &mo) != 2 || mo < 1 || mo > 12) mo = 1;
    if (--mo < 1) mo = 12, y--;
    if (y < 2000 || y > 2099) y = 2026;
    snprintf(out, 8, "%04d-%02d", y, mo);
}

/* One unit's meter and its reading of period. */
static kerr demo_meter(db *d, int64_t unit, const char *code, const char *period, int64_t reader, int64_t now, int i) {
    meter_rec m = {.project_id = 1, .unit_id = unit, .decimals = 0, .multiplier = 1, .measure = "吨",
                   .start_reading = 100 + (i * 37) % 900};
    reading_in r = {.reading = m.start_reading + 6 + (i * 13) % 15};
    reading_calc k;
    char number[40], read_at[16];
    snprintf(number, sizeof number, "SB-%s", code);
    snprintf(read_at, sizeof read_at, "%s-25", period);
    if (reading_compute(&m, m.start_reading, &r, &k)) return E_INTERNAL;
    if (db_insert(d, &m.id, "INSERT INTO meters(project_id, unit_id, kind, number, measure, decimals, multiplier, loss, maximum, "
                          "start_reading, active, installed_at, note, created_at, updated_at) VALUES "
                          "(1,?,'water',?,'吨',0,1,0,0,?,1,'2024-06-01','交房时安装',?,?)",
                DI(unit), DT(number), DI(m.start_reading), DI(now), DI(now)))
        return db_last_kerr(d);
    return db_exec(d, "INSERT INTO meter_readings(project_id, meter_id, period, reading, previous, usage, explanation, "
                      "read_at, read_by, created_at, updated_at) VALUES (1,?,?,?,?,?,?,?,?,?,?)",
                   DI(m.id), DT(period), DI(r.reading), DI(k.previous), DI(k.usage), DT(k.text), DT(read_at),
                   reader ? DI(reader) : DN, DI(now), DI(now));
}

kerr fees_meters_demo(db *d, int64_t now) {
    static const audit_actor sys = {0, "系统", ""};
    char month[8], last[8];
    int64_t reader = 0;
    month_of(now, month);
    month_before(month, last);
    (void)db_int(d, &reader, "SELECT id FROM users WHERE username = 'steward'");
    db_stmt *st = db_query(d, "SELECT u.id, u.code FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.project_id = 1 "
                              "AND b.code = '1' ORDER BY u.floor, u.entrance, u.room");
    if (!st) return db_last_kerr(d);
    int64_t ids[400];
    char *codes[400];
    int n = 0, rc = DB_DONE;
    arena a;
    arena_init(&a, 16384);
    while (n < 400 && (rc = db_step(st)) == DB_ROW) { ids[n] = db_col_int(st, 0); codes[n++] = arena_strdup(&a, db_col_text(st, 1)); }
    db_finish(st);
    kerr e = rc == DB_ERROR ? db_last_kerr(d) : E_OK;
    for (int i = 0; !e && i < n; i++) e = demo_meter(d, ids[i], codes[i] ? codes[i] : "", last, reader, now, i);
    arena_free(&a);
    if (e || !n) return e;
    char ch[96];
    snprintf(ch, sizeof ch, "{\"source\":\"demo\",\"meters\":%d,\"period\":\"%s\"}", n, last);
    return audit_append(d, &sys, 1, "meter", 0, "demo_load", ch, now);
}
