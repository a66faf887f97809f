/*
** fees_readings.c — meter readings (抄表): the reading sheet of a period (every active meter of the
** chosen units, floor by floor, with the last period's reading, this period's when entered and
** its usage), one reading entered, a reading corrected (PATCH with its version, audited from →
** to). The usage is fee_meter_usage's, stored with its explanation; a reading below the last one
** that is neither a rollover nor a replacement is refused with its words (422 on `reading`).
** A reading entered or corrected before a later period's computes that one again.
*/
#include "fees_meters.h"
#include "kit/codes.h"
#include "kit/dates.h"
#include "kit/list.h"
#include "base/clock.h"
#include <stdio.h>
#include <string.h>

/* ---- the computation ---- */

fee_err reading_compute(const meter_rec *m, int64_t previous, const reading_in *r, reading_calc *out) {
    fee_meter fm = {.previous = previous, .current = r->reading, .decimals = (int)m->decimals,
                    .multiplier = m->multiplier, .loss = m->loss, .maximum = m->maximum, .replaced = r->replaced,
                    .old_final = r->old_final, .new_start = r->new_start, .unit = m->measure};
    out->previous = previous;
    out->rollover = !r->replaced && r->reading < previous;
    return fee_meter_usage(&fm, &out->usage, out->text, sizeof out->text);
}

kerr reading_previous(db *d, const meter_rec *m, const char *period, int64_t *previous) {
    kerr e = db_read_int(d, previous, "SELECT reading FROM meter_readings WHERE meter_id = ? AND period < ? "
                                      "ORDER BY period DESC LIMIT 1", DI(m->id), DT(period));
    if (e == E_NOT_FOUND) *previous = m->start_reading;
    return e == E_NOT_FOUND ? E_OK : e;
}

const char *period_problem(ctx *c, const char *period) {
    int64_t s, e;
    char now[8];
    if (!month_parse(period, &s, &e)) return "月份格式应为 2026-11";
    month_of(c->now, now);
    return strcmp(period, now) > 0 ? "不能录入以后月份的读数" : NULL;
}

typedef struct computed { const meter_rec *m; const char *period; const reading_in *r; const reading_calc *k; } computed;

static void created_fields(ctx *c, jw *w, const void *arg) {
    const computed *x = arg;
    int64_t d = x->m->decimals;
    jw_int(w, "meter_id", x->m->id);
    jw_str(w, "period", x->period);
    jw_str(w, "reading", meter_fmt(&c->a, x->r->reading, d));
    jw_str(w, "previous", meter_fmt(&c->a, x->k->previous, d));
    jw_str(w, "usage", meter_fmt(&c->a, x->k->usage, d));
    if (!x->r->replaced) return;
    jw_bool(w, "replaced", true);
    jw_str(w, "old_final", meter_fmt(&c->a, x->r->old_final, d));
    jw_str(w, "new_start", meter_fmt(&c->a, x->r->new_start, d));
}

kerr reading_insert(ctx *c, const meter_rec *m, const char *period, const reading_in *r, const reading_calc *k,
                    const char *read_at, const char *note, int64_t *id) {
    if (db_insert(c->db, id, "INSERT INTO meter_readings(project_id, meter_id, period, reading, previous, usage, explanation, "
                           "replaced, old_final, new_start, rollover, read_at, read_by, note, created_at, updated_at) "
                           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                  DI(m->project_id), DI(m->id), DT(period), DI(r->reading), DI(k->previous), DI(k->usage), DT(k->text),
                  DI(r->replaced), DI(r->replaced ? r->old_final : 0), DI(r->replaced ? r->new_start : 0), DI(k->rollover),
                  DT(read_at), DI(c->user->id), DT(note ? note : ""), DI(c->now), DI(c->now)))
        return db_last_kerr(c->db);
    return ctx_audit(c, m->project_id, "meter_reading", *id, "create",
                     meter_audit_text(c, created_fields, &(computed){m, period, r, k}));
}

typedef struct recomputed { int64_t d, prev_from, prev_to, usage_from, usage_to; } recomputed;

static void recomputed_fields(ctx *c, jw *w, const void *arg) {
    const recomputed *x = arg;
    audit_change_str(w, "previous", meter_fmt(&c->a, x->prev_from, x->d), meter_fmt(&c->a, x->prev_to, x->d));
    audit_change_str(w, "usage", meter_fmt(&c->a, x->usage_from, x->d), meter_fmt(&c->a, x->usage_to, x->d));
}

kerr reading_recompute_next(ctx *c, const meter_rec *m, const char *period, int64_t reading) {
    db_stmt *st = db_query(c->db, "SELECT id, period, reading, replaced, old_final, new_start, previous, usage FROM "
                                  "meter_readings WHERE meter_id = ? AND period > ? ORDER BY period LIMIT 1", DI(m->id), DT(period));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    int64_t id = 0, prev = 0, usage = 0;
    const char *next = NULL;
    reading_in r = {0};
    if (rc == DB_ROW) {
        id = db_col_int(st, 0), next = arena_strdup(&c->a, db_col_text(st, 1));
        r = (reading_in){.reading = db_col_int(st, 2), .replaced = db_col_int(st, 3) != 0, .old_final = db_col_int(st, 4),
                         .new_start = db_col_int(st, 5)};
        prev = db_col_int(st, 6), usage = db_col_int(st, 7);
    }
    db_finish(st);
    if (rc != DB_ROW) return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
    reading_calc k;
    if (reading_compute(m, reading, &r, &k))
        return ctx_fail(c, E_VALIDATION, "reading", "%s 的读数将无法计算：%s", next, k.text);
    if (k.previous == prev && k.usage == usage) return E_OK;
    kerr e = db_exec(c->db, "UPDATE meter_readings SET previous = ?, usage = ?, explanation = ?, rollover = ?, "
                            "version = version + 1, updated_at = ? WHERE id = ?",
                     DI(k.previous), DI(k.usage), DT(k.text), DI(k.rollover), DI(c->now), DI(id));
    return e ? e : ctx_audit(c, m->project_id, "meter_reading", id, "recompute",
                             meter_audit_text(c, recomputed_fields, &(recomputed){m->decimals, prev, k.previous, usage, k.usage}));
}

/* ---- the sheet: one row per meter and period ---- */

#define SHEET_COLS METER_HEAD_COLS ", m.start_reading"
#define SHEET_FROM "meters m JOIN units u ON u.id = m.unit_id JOIN buildings b ON b.id = u.building_id"

/* A reading row: its period, values and who read it. */
typedef struct reading_row {
    int64_t id, reading, previous, usage, old_final, new_start, version;
    bool replaced, rollover;
    const char *period, *explanation, *read_at, *read_by, *note;
} reading_row;

#define ROW_SQL "SELECT r.id, r.period, r.reading, r.previous, r.usage, r.explanation, r.replaced, r.old_final, " \
    "r.new_start, r.rollover, r.read_at, COALESCE(us.display_name, ''), r.note, r.version FROM meter_readings r " \
    "LEFT JOIN users us ON us.id = r.read_by WHERE r.meter_id = ? AND r.period <= ? ORDER BY r.period DESC LIMIT 2"

static void reading_row_read(arena *a, db_stmt *st, reading_row *r) {
    *r = (reading_row){.id = db_col_int(st, 0), .period = arena_strdup(a, db_col_text(st, 1)), .reading = db_col_int(st, 2),
                       .previous = db_col_int(st, 3), .usage = db_col_int(st, 4),
                       .explanation = arena_strdup(a, db_col_text(st, 5)), .replaced = db_col_int(st, 6) != 0,
                       .old_final = db_col_int(st, 7), .new_start = db_col_int(st, 8), .rollover = db_col_int(st, 9) != 0,
                       .read_at = arena_strdup(a, db_col_text(st, 10)), .read_by = arena_strdup(a, db_col_text(st, 11)),
                       .note = arena_strdup(a, db_col_text(st, 12)), .version = db_col_int(st, 13)};
}

/* This period's reading (*has) and the one before it (*had), of the meter. */
static kerr readings_of(ctx *c, int64_t meter, const char *period, reading_row *cur, bool *has, reading_row *last, bool *had) {
    db_stmt *st = db_query(c->db, ROW_SQL, DI(meter), DT(period));
    if (!st) return db_last_kerr(c->db);
    reading_row r[2];
    int n = 0, rc;
    while (n < 2 && (rc = db_step(st)) == DB_ROW) reading_row_read(&c->a, st, &r[n++]);
    db_finish(st);
    if (n < 2 && rc == DB_ERROR) return db_last_kerr(c->db);
    *has = n > 0 && !strcmp(r[0].period, period);
    if (*has) *cur = r[0];
    *had = n > (*has ? 1 : 0);
    if (*had) *last = r[*has ? 1 : 0];
    return E_OK;
}

static void reading_part(ctx *c, jw *w, const reading_row *r, int64_t k) {
    jw_int(w, "id", r->id);
    jw_str(w, "reading", meter_fmt(&c->a, r->reading, k));
    jw_str(w, "usage", meter_fmt(&c->a, r->usage, k));
    jw_str(w, "explanation", r->explanation);
    jw_bool(w, "replaced", r->replaced);
    jw_str(w, "old_final", r->replaced ? meter_fmt(&c->a, r->old_final, k) : NULL);
    jw_str(w, "new_start", r->replaced ? meter_fmt(&c->a, r->new_start, k) : NULL);
    jw_bool(w, "rollover", r->rollover);
    jw_str(w, "read_at", r->read_at);
    jw_str(w, "read_by_name", r->read_by);
    jw_str(w, "note", r->note);
    jw_int(w, "version", r->version);
}

static void no_reading(jw *w) {
    static const char *const keys[] = {"id", "reading", "usage", "explanation", "old_final", "new_start", "read_at",
                                       "read_by_name", "note", "version", NULL};
    for (int i = 0; keys[i]; i++) jw_null(w, keys[i]);
    jw_bool(w, "replaced", false);
    jw_bool(w, "rollover", false);
}

/* One row of the sheet from the meter's columns (SHEET_COLS) and the period's readings. */
static kerr sheet_row(ctx *c, db_stmt *st, jw *w, const char *period) {
    reading_row cur, last;
    bool has, had;
    int64_t k = db_col_int(st, 10), start = db_col_int(st, 14);
    kerr e = readings_of(c, db_col_int(st, 0), period, &cur, &has, &last, &had);
    if (e) return e;
    jw_obj(w, NULL);
    meter_head_fields(c, st, w, "meter_id");
    jw_str(w, "period", period);
    jw_str(w, "previous", meter_fmt(&c->a, has ? cur.previous : had ? last.reading : start, k));
    jw_str(w, "previous_period", had ? last.period : NULL);
    jw_str(w, "last_usage", had ? meter_fmt(&c->a, last.usage, k) : NULL);
    if (has) reading_part(c, w, &cur, k);
    else no_reading(w);
    jw_end(w);
    return E_OK;
}

typedef struct sheet_q { const char *period; } sheet_q;

static kerr sheet_item(ctx *c, db_stmt *st, jw *w, void *arg) { return sheet_row(c, st, w, ((sheet_q *)arg)->period); }

static kerr sheet_filter(ctx *c, list_q *f) {
    const char *period = ((sheet_q *)f->arg)->period, *kind = NULL, *state = NULL;
    static const code_label STATES[] = {{"entered", "已抄"}, {"missing", "未抄"}, {NULL, NULL}};
    kerr e;
    if ((e = q_code(c, "kind", "表类", METER_KINDS, &kind)) || (e = q_code(c, "state", "抄表状态", STATES, &state))) return e;
    qb_and(&f->b, "m.active = 1 OR EXISTS (SELECT 1 FROM meter_readings r WHERE r.meter_id = m.id AND r.period = ?)", DT(period));
    if (kind) qb_and(&f->b, "m.kind = ?", DT(kind));
    if (state) qb_and(&f->b, !strcmp(state, "entered") ? "EXISTS (SELECT 1 FROM meter_readings r WHERE r.meter_id = m.id AND r.period = ?)"
                                                       : "NOT EXISTS (SELECT 1 FROM meter_readings r WHERE r.meter_id = m.id AND r.period = ?)",
                      DT(period));
    return E_OK;
}

static const list_def SHEET = {
    .perm = "fees.read", .project_col = "m.project_id",
    .ids = (const id_filter[]){{"building_id", "楼栋", "u.building_id = ?"}, {"unit_id", "房屋", "m.unit_id = ?"},
                               {"meter_id", "表计", "m.id = ?"}, {NULL, NULL, NULL}},
    .q_cond = "u.code LIKE ? ESCAPE '\\' OR m.number LIKE ? ESCAPE '\\'",
    .filter = sheet_filter,
    .sorts = (const list_sort[]){{"floor", "ORDER BY m.project_id, LENGTH(b.code), b.code, u.floor, u.entrance, u.room, m.kind, m.id"},
                                 {NULL, NULL}},
    .spec = {.cols = SHEET_COLS, .from = SHEET_FROM},
    .row = sheet_item,
};

/* ?period= (default: this month), 400 naming it when it is not a month. */
kerr q_period(ctx *c, const char **period) {
    int64_t s, e;
    *period = q_str(c, "period");
    if (!*period) {
        char *now = arena_alloc(&c->a, 8);
        if (!now) return E_NOMEM;
        month_of(c->now, now);
        *period = now;
    }
    return month_parse(*period, &s, &e) ? E_OK : ctx_fail(c, E_BAD_REQUEST, "period", "月份格式应为 2026-11");
}

kerr readings_sheet(ctx *c) {
    sheet_q q;
    kerr e = q_period(c, &q.period);
    return e ? e : list_run(c, &SHEET, &q);
}

/* The import template: the sheet's meters with their last reading, this period's left to fill. */
static kerr template_item(ctx *c, db_stmt *st, jw *w, void *arg) {
    reading_row cur, last;
    bool has, had;
    int64_t k = db_col_int(st, 10);
    kerr e = readings_of(c, db_col_int(st, 0), ((sheet_q *)arg)->period, &cur, &has, &last, &had);
    if (e) return e;
    jw_obj(w, NULL);
    jw_str(w, "unit_code", db_col_text(st, 3));
    jw_str(w, "kind_label", code_label_of(METER_KINDS, db_col_text(st, 7)));
    jw_str(w, "number", db_col_text(st, 8));
    jw_str(w, "previous", meter_fmt(&c->a, has ? cur.previous : had ? last.reading : db_col_int(st, 14), k));
    jw_str(w, "reading", "");
    jw_end(w);
    return E_OK;
}

static const list_def TEMPLATE = {
    .perm = "fees.read", .project_col = "m.project_id",
    .ids = (const id_filter[]){{"building_id", "楼栋", "u.building_id = ?"}, {NULL, NULL, NULL}},
    .filter = sheet_filter,
    .spec = {.cols = SHEET_COLS, .from = SHEET_FROM,
             .order = "ORDER BY m.project_id, LENGTH(b.code), b.code, u.floor, u.entrance, u.room, m.kind, m.id"},
    .row = template_item,
};

/* GET /api/v1/meter-readings/template?project_id=&building_id=&period=&format=xlsx|csv */
kerr readings_template(ctx *c) {
    sheet_q q;
    kerr e = q_period(c, &q.period);
    return e ? e : list_run(c, &TEMPLATE, &q);
}

static const export_col template_cols[] = {
    {"unit_code", "房号*", EX_TEXT, NULL},  {"kind_label", "表类", EX_TEXT, NULL}, {"number", "表号", EX_TEXT, NULL},
    {"previous", "上期读数", EX_TEXT, NULL}, {"reading", "本期读数*", EX_TEXT, NULL}, {"replaced", "换表", EX_TEXT, NULL},
    {"old_final", "旧表止码", EX_TEXT, NULL}, {"new_start", "新表起码", EX_TEXT, NULL}, {"read_at", "抄表日期", EX_TEXT, NULL},
    {"note", "备注", EX_TEXT, NULL},         {NULL, NULL, 0, NULL},
};
const export_spec reading_template_export = {"抄表读数导入模板", template_cols};

/* A reading answered as its row of the sheet. */
static kerr reading_answer(ctx *c, int status, int64_t id) {
    db_stmt *st = db_query(c->db, "SELECT " SHEET_COLS ", r.period FROM meter_readings r JOIN meters m ON m.id = r.meter_id "
                                  "JOIN units u ON u.id = m.unit_id JOIN buildings b ON b.id = u.building_id WHERE r.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    kerr e = rc == DB_ROW ? sheet_row(c, st, ctx_json(c, status), arena_strdup(&c->a, db_col_text(st, 15)))
           : rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, "没有这条读数") : db_last_kerr(c->db);
    db_finish(st);
    return e;
}

/* ---- entering and correcting ---- */

/* The body's reading and replacement over base (a stored reading, or none: zeros). A replacement
** needs the old meter's final reading; the new meter's first is 0 unless given. */
static kerr read_reading(ctx *c, const meter_rec *m, const reading_in *base, reading_in *r) {
    bool has_rep = false, has_old = false, has_new = false, rep = false;
    int64_t old = 0, start = 0;
    kerr e;
    *r = *base;
    if ((e = in_meter_value(c, "reading", "本期读数", m->decimals, &r->reading, NULL)) ||
        (e = in_bool(c, "replaced", "换表", 0, &rep, &has_rep)) ||
        (e = in_meter_value(c, "old_final", "旧表止码", m->decimals, &old, &has_old)) ||
        (e = in_meter_value(c, "new_start", "新表起码", m->decimals, &start, &has_new)))
        return e;
    if (has_rep) r->replaced = rep;
    if (!r->replaced && (has_old || has_new))
        return ctx_fail(c, E_VALIDATION, has_old ? "old_final" : "new_start", "未注明换表时不填旧表止码和新表起码");
    if (r->replaced && !has_old && !base->replaced)
        return ctx_fail(c, E_VALIDATION, "old_final", "换表时请填写旧表止码（旧表拆下时的读数）");
    r->old_final = !r->replaced ? 0 : has_old ? old : base->old_final;
    r->new_start = !r->replaced ? 0 : has_new ? start : base->replaced ? base->new_start : 0;
    return E_OK;
}

/* The usage of r, or 422: on old_final when the old meter's final is below the last reading. */
static kerr compute_or_refuse(ctx *c, const meter_rec *m, const char *period, const reading_in *r, reading_calc *k) {
    int64_t previous;
    kerr e = reading_previous(c->db, m, period, &previous);
    if (e) return e;
    if (!reading_compute(m, previous, r, k)) return E_OK;
    return ctx_fail(c, E_VALIDATION, r->replaced && r->old_final < previous ? "old_final" : "reading", "%s", k->text);
}

static kerr refuse_duplicate(ctx *c, const meter_rec *m, const char *period) {
    int64_t v = 0;
    (void)db_int(c->db, &v, "SELECT reading FROM meter_readings WHERE meter_id = ? AND period = ?", DI(m->id), DT(period));
    return ctx_fail(c, E_DUPLICATE, "period", "%s %s %s 已录入读数 %s，如需更正请修改该读数", m->unit_code,
                    code_label_of(METER_KINDS, m->kind), period, meter_fmt(&c->a, v, m->decimals));
}

static kerr read_at_of(ctx *c, const char **read_at) {
    kerr e = jv_date(c, c->json, "read_at", "抄表日期", read_at);
    if (e || (*read_at && **read_at)) return e;
    char *today = arena_alloc(&c->a, 16);
    if (!today) return E_NOMEM;
    clock_date(c->now, today, 16);
    *read_at = today;
    return E_OK;
}

kerr reading_create(ctx *c) {
    static const char *const f[] = {"meter_id", "period", "reading", "replaced", "old_final", "new_start", "read_at", "note", NULL};
    int64_t mid = 0, id = 0;
    meter_rec m;
    reading_in r = {0};
    reading_calc k;
    const char *period = NULL, *read_at = NULL, *note = NULL, *bad;
    kerr e;
    if ((e = in_only(c, f)) || (e = in_int(c, "meter_id", "表计", IN_REQUIRED, 1, INT64_MAX, &mid, NULL)) ||
        (e = meter_load(c, mid, "fees.meter", &m)) || (e = in_str(c, "period", "月份", IN_REQUIRED, 7, &period)))
        return e;
    if ((bad = period_problem(c, period))) return ctx_fail(c, E_VALIDATION, "period", "%s", bad);
    if (!m.active) return ctx_fail(c, E_VALIDATION, "meter_id", "该表已停用，不能录入读数");
    if (!json_object_get(c->json, "reading") || json_is_null(json_object_get(c->json, "reading")))
        return ctx_fail(c, E_VALIDATION, "reading", "本期读数不能为空");
    if ((e = read_reading(c, &m, &(reading_in){0}, &r)) || (e = read_at_of(c, &read_at)) ||
        (e = in_str(c, "note", "备注", IN_MULTILINE, 200, &note)))
        return e;
    if (db_exists(c->db, "SELECT 1 FROM meter_readings WHERE meter_id = ? AND period = ?", DI(m.id), DT(period)))
        return refuse_duplicate(c, &m, period);
    if ((e = compute_or_refuse(c, &m, period, &r, &k))) return e;
    e = reading_insert(c, &m, period, &r, &k, read_at, note, &id);
    if (e == E_DUPLICATE) return refuse_duplicate(c, &m, period);
    if (e || (e = reading_recompute_next(c, &m, period, r.reading))) return e;
    return ctx_answer_after_commit(c, reading_answer, 201, id);
}

/* A stored reading: its meter, period and values (the PATCH's "from"). */
typedef struct stored { int64_t meter; const char *period, *read_at, *note; reading_in r; int64_t usage; } stored;

static kerr stored_load(ctx *c, int64_t id, stored *s, meter_rec *m) {
    db_stmt *st = db_query(c->db, "SELECT meter_id, period, read_at, note, reading, replaced, old_final, new_start, usage "
                                  "FROM meter_readings WHERE id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *s = (stored){.meter = db_col_int(st, 0), .period = arena_strdup(&c->a, db_col_text(st, 1)),
                      .read_at = arena_strdup(&c->a, db_col_text(st, 2)), .note = arena_strdup(&c->a, db_col_text(st, 3)),
                      .r = {.reading = db_col_int(st, 4), .replaced = db_col_int(st, 5) != 0, .old_final = db_col_int(st, 6),
                            .new_start = db_col_int(st, 7)}, .usage = db_col_int(st, 8)};
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(c->db);
    if (rc == DB_DONE) return ctx_fail(c, E_NOT_FOUND, NULL, "没有这条读数");
    return meter_load(c, s->meter, "fees.meter", m);
}

typedef struct corrected { const meter_rec *m; const stored *s; const reading_in *r; const reading_calc *k; const char *read_at, *note; } corrected;

static void corrected_fields(ctx *c, jw *w, const void *arg) {
    const corrected *x = arg;
    int64_t d = x->m->decimals;
    const stored *s = x->s;
    jw_str(w, "period", s->period);
    audit_change_str(w, "reading", meter_fmt(&c->a, s->r.reading, d), meter_fmt(&c->a, x->r->reading, d));
    audit_change_str(w, "usage", meter_fmt(&c->a, s->usage, d), meter_fmt(&c->a, x->k->usage, d));
    audit_change_int(w, "replaced", true, s->r.replaced, true, x->r->replaced);
    audit_change_str(w, "old_final", s->r.replaced ? meter_fmt(&c->a, s->r.old_final, d) : "",
                     x->r->replaced ? meter_fmt(&c->a, x->r->old_final, d) : "");
    audit_change_str(w, "new_start", s->r.replaced ? meter_fmt(&c->a, s->r.new_start, d) : "",
                     x->r->replaced ? meter_fmt(&c->a, x->r->new_start, d) : "");
    audit_change_str(w, "read_at", s->read_at, x->read_at);
    audit_change_str(w, "meter_reading.note", s->note, x->note);
}

kerr reading_patch(ctx *c) {
    static const char *const f[] = {"version", "reading", "replaced", "old_final", "new_start", "read_at", "note", NULL};
    int64_t id, version;
    stored s;
    meter_rec m;
    reading_in r;
    reading_calc k;
    const char *read_at = NULL, *note = NULL;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = stored_load(c, id, &s, &m)) || (e = in_only(c, f)) ||
        (e = in_version(c, &version)) || (e = read_reading(c, &m, &s.r, &r)) ||
        (e = jv_date(c, c->json, "read_at", "抄表日期", &read_at)) || (e = in_str(c, "note", "备注", IN_MULTILINE, 200, &note)) ||
        (e = compute_or_refuse(c, &m, s.period, &r, &k)))
        return e;
    if (read_at && !*read_at) read_at = NULL;
    if ((e = db_exec(c->db, "UPDATE meter_readings SET reading = ?, previous = ?, usage = ?, explanation = ?, replaced = ?, "
                            "old_final = ?, new_start = ?, rollover = ?, read_at = COALESCE(?, read_at), note = COALESCE(?, note), "
                            "read_by = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                     DI(r.reading), DI(k.previous), DI(k.usage), DT(k.text), DI(r.replaced), DI(r.replaced ? r.old_final : 0),
                     DI(r.replaced ? r.new_start : 0), DI(k.rollover), DT(read_at), DT(note), DI(c->user->id), DI(c->now),
                     DI(id), DI(version))))
        return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, "version", NULL);
    if ((e = reading_recompute_next(c, &m, s.period, r.reading)) ||
        (e = ctx_audit(c, m.project_id, "meter_reading", id, "update",
                       meter_audit_text(c, corrected_fields, &(corrected){&m, &s, &r, &k, read_at, note}))))
        return e;
    return ctx_answer_after_commit(c, reading_answer, 200, id);
}

static const export_col reading_cols[] = {
    {"period", "月份", EX_TEXT, NULL},          {"building_name", "楼栋", EX_TEXT, NULL},  {"unit_code", "房号", EX_TEXT, NULL},
    {"floor", "楼层", EX_INT, NULL},            {"kind_label", "表类", EX_TEXT, NULL},     {"number", "表号", EX_TEXT, NULL},
    {"previous", "上期读数", EX_TEXT, NULL},    {"reading", "本期读数", EX_TEXT, NULL},    {"usage", "用量", EX_TEXT, NULL},
    {"measure", "单位", EX_TEXT, NULL},         {"explanation", "计算说明", EX_TEXT, NULL},
    {"read_at", "抄表日期", EX_TEXT, NULL},     {"read_by_name", "抄表人", EX_TEXT, NULL}, {"note", "备注", EX_TEXT, NULL},
    {NULL, NULL, 0, NULL},
};
const export_spec reading_export = {"抄表读数", reading_cols};
