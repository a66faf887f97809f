/*
** fees_readings_import.c — a period's readings from an .xlsx or .csv (the paper round typed in, or
** a reading company's file): one row per meter, found by its number (表号) or by the unit's code and
** the meter's kind. `mode=check` answers every row's problems in Chinese; `mode=commit` enters
** every reading in one transaction, or nothing when any row has a problem (as the roster import,
** archive_import.c). The template (GET …/template) is the sheet of the period with this column
** left empty.
*/
#include "fees_meters.h"
#include "core/sheet.h"
#include "kit/codes.h"
#include "kit/dates.h"
#include "base/clock.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_ROWS 10000
#define MAX_PROBLEMS 1000

enum col { C_UNIT, C_KIND, C_NUMBER, C_PREVIOUS, C_READING, C_REPLACED, C_OLD, C_NEW, C_READ_AT, C_NOTE, C_COUNT };
static const char *const HEADERS[C_COUNT] = {"房号", "表类", "表号", "上期读数", "本期读数", "换表", "旧表止码", "新表起码",
                                             "抄表日期", "备注"};

/* The rows found good, to enter on commit. */
typedef struct imp_reading { meter_rec m; reading_in r; reading_calc k; const char *read_at, *note; } imp_reading;

typedef struct imp {
    ctx *c;
    int64_t pid;
    const char *period, *today;
    const sheet *s;
    int map[C_COUNT], rows;
    imp_reading *ok;
    int nok;
    buf b;                      /* the problems, a JSON array */
    jw w;
    int problems;
} imp;

static void problem(imp *j, int row, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void problem(imp *j, int row, int col, const char *fmt, ...) {
    if (j->problems++ >= MAX_PROBLEMS) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    jw_obj(&j->w, NULL);
    jw_int(&j->w, "row", row);
    jw_str(&j->w, "column", col >= 0 ? HEADERS[col] : "");
    jw_str(&j->w, "message", msg);
    jw_end(&j->w);
}

static const char *cell(const imp *j, int r, int k) {
    int i = j->map[k];
    return i >= 0 && i < j->s->ncols[r] ? j->s->cells[r][i] : "";
}

/* The template's headers in the first row ("房号*" marks a required one). */
static bool map_headers(imp *j) {
    for (int k = 0; k < C_COUNT; k++) j->map[k] = -1;
    for (int i = 0; i < j->s->ncols[0]; i++) {
        const char *h = j->s->cells[0][i];
        size_t n = strlen(h) - (strlen(h) && h[strlen(h) - 1] == '*');
        for (int k = 0; k < C_COUNT; k++)
            if (strlen(HEADERS[k]) == n && !strncmp(h, HEADERS[k], n)) j->map[k] = i;
    }
    if (j->map[C_UNIT] < 0 && j->map[C_NUMBER] < 0) problem(j, 1, C_UNIT, "缺少「房号」或「表号」列（请使用导入模板）");
    if (j->map[C_READING] < 0) problem(j, 1, C_READING, "缺少「本期读数」列（请使用导入模板）");
    return j->problems == 0;
}

/* The meter of row r: by its number, else the unit's only active meter of the kind. 0: a problem. */
static int64_t row_meter(imp *j, int r) {
    const char *code = cell(j, r, C_UNIT), *number = cell(j, r, C_NUMBER), *kind_text = cell(j, r, C_KIND);
    ctx *c = j->c;
    int64_t id = 0, n = 0;
    if (*number) {
        if (!db_int(c->db, &id, "SELECT id FROM meters WHERE project_id = ? AND number = ?", DI(j->pid), DT(number)))
            problem(j, r + 1, C_NUMBER, "表号「%s」不是本管理处登记的表", number);
        return id;
    }
    if (!*code) { problem(j, r + 1, C_UNIT, "请填写房号或表号"); return 0; }
    const char *kind = *kind_text ? NULL : "water";   /* 水表 when left empty */
    for (int i = 0; !kind && METER_KINDS[i].code; i++)
        if (!strcmp(kind_text, METER_KINDS[i].label) || !strcmp(kind_text, METER_KINDS[i].code)) kind = METER_KINDS[i].code;
    if (!kind) { problem(j, r + 1, C_KIND, "表类应为 水表、电表、燃气表 或 热量表"); return 0; }
    (void)db_int(c->db, &n, "SELECT COUNT(*) FROM meters m JOIN units u ON u.id = m.unit_id WHERE m.project_id = ? AND "
                            "u.code = ? AND m.kind = ? AND m.active = 1", DI(j->pid), DT(code), DT(kind));
    if (n == 1)
        (void)db_int(c->db, &id, "SELECT m.id FROM meters m JOIN units u ON u.id = m.unit_id WHERE m.project_id = ? AND "
                                 "u.code = ? AND m.kind = ? AND m.active = 1", DI(j->pid), DT(code), DT(kind));
    else if (n == 0) problem(j, r + 1, C_UNIT, "房号 %s 没有在用的%s", code, code_label_of(METER_KINDS, kind));
    else problem(j, r + 1, C_NUMBER, "房号 %s 有 %lld 块%s，请填写表号", code, (long long)n, code_label_of(METER_KINDS, kind));
    return id;
}

/* A value of the meter's resolution in column k; false (with a problem) when it is not one. */
static bool row_value(imp *j, int r, int k, const meter_rec *m, int64_t *out) {
    fee_err e = fee_parse_decimal(cell(j, r, k), (int)m->decimals, out);
    if (!e) return true;
    if (!m->decimals) problem(j, r + 1, k, "%s应为不小于 0 的整数（该表读数没有小数）：%s", HEADERS[k], fee_err_text(e));
    else problem(j, r + 1, k, "%s应为最多 %lld 位小数的数字：%s", HEADERS[k], (long long)m->decimals, fee_err_text(e));
    return false;
}

/* The replacement columns of row r; false with a problem. */
static bool row_replacement(imp *j, int r, const meter_rec *m, reading_in *in) {
    const char *rep = cell(j, r, C_REPLACED);
    if (*rep && strcmp(rep, "是") && strcmp(rep, "否")) { problem(j, r + 1, C_REPLACED, "换表应填 是 或 否（或留空）"); return false; }
    in->replaced = !strcmp(rep, "是");
    if (!in->replaced) {
        if (!*cell(j, r, C_OLD) && !*cell(j, r, C_NEW)) return true;
        problem(j, r + 1, C_OLD, "未注明换表时不填旧表止码和新表起码");
        return false;
    }
    if (!*cell(j, r, C_OLD)) { problem(j, r + 1, C_OLD, "换表时请填写旧表止码（旧表拆下时的读数）"); return false; }
    return row_value(j, r, C_OLD, m, &in->old_final) && (!*cell(j, r, C_NEW) || row_value(j, r, C_NEW, m, &in->new_start));
}

static bool row_clean(imp *j, int r) {
    for (int k = 0; k < C_COUNT; k++)
        for (const unsigned char *ch = (const unsigned char *)cell(j, r, k); *ch; ch++)
            if (*ch < 0x20 || *ch == 0x7F) { problem(j, r + 1, k, "不能包含制表符、换行等控制字符"); return false; }
    return true;
}

/* The other columns of the row, the period's reading not yet entered, the usage. */
static void row_reading(imp *j, int r, imp_reading *x) {
    const char *read_at = cell(j, r, C_READ_AT), *note = cell(j, r, C_NOTE);
    int64_t t;
    int before = j->problems;
    if (*read_at && (strlen(read_at) != 10 || !clock_parse_iso(read_at, &t))) problem(j, r + 1, C_READ_AT, "抄表日期格式应为 2026-11-25");
    if (utf8_chars(note) > 200) problem(j, r + 1, C_NOTE, "备注不能超过 200 个字");
    if (!x->m.active) problem(j, r + 1, C_UNIT, "%s %s已停用", x->m.unit_code, code_label_of(METER_KINDS, x->m.kind));
    int64_t v = 0;
    if (db_int(j->c->db, &v, "SELECT reading FROM meter_readings WHERE meter_id = ? AND period = ?", DI(x->m.id), DT(j->period)))
        problem(j, r + 1, C_READING, "%s %s %s 已录入读数 %s，如需更正请在抄表页修改", x->m.unit_code,
                code_label_of(METER_KINDS, x->m.kind), j->period, meter_fmt(&j->c->a, v, x->m.decimals));
    for (int i = 0; i < j->nok; i++)
        if (j->ok[i].m.id == x->m.id) { problem(j, r + 1, C_READING, "同一块表在文件中出现了两次"); break; }
    if (j->problems > before) return;
    int64_t previous = 0;
    x->read_at = *read_at ? read_at : j->today;
    x->note = note;
    if (reading_previous(j->c->db, &x->m, j->period, &previous)) { problem(j, r + 1, -1, "读取上期读数失败，请重试"); return; }
    if (reading_compute(&x->m, previous, &x->r, &x->k)) { problem(j, r + 1, C_READING, "%s", x->k.text); return; }
    j->ok[j->nok++] = *x;
}

static void read_row(imp *j, int r) {
    imp_reading x = {0};
    if (!row_clean(j, r)) return;
    int64_t id = row_meter(j, r);
    if (!id) return;
    if (meter_load_db(j->c->db, &j->c->a, id, &x.m)) { problem(j, r + 1, -1, "读取表计失败，请重试"); return; }
    if (!*cell(j, r, C_READING)) { problem(j, r + 1, C_READING, "本期读数不能为空"); return; }
    if (!row_value(j, r, C_READING, &x.m, &x.r.reading) || !row_replacement(j, r, &x.m, &x.r)) return;
    row_reading(j, r, &x);
}

static kerr read_rows(imp *j) {
    if (!map_headers(j)) return E_OK;
    if (!(j->ok = arena_alloc(&j->c->a, sizeof *j->ok * (size_t)(j->s->nrows > 1 ? j->s->nrows : 1)))) return E_NOMEM;
    for (int r = 1; r < j->s->nrows; r++) {
        bool empty = true;
        for (int k = 0; k < j->s->ncols[r] && empty; k++) empty = !*j->s->cells[r][k];
        if (empty) continue;
        if (++j->rows > MAX_ROWS) { problem(j, r + 1, -1, "一次最多导入 %d 行", MAX_ROWS); return E_OK; }
        read_row(j, r);
    }
    if (!j->rows) problem(j, 2, -1, "文件中没有数据行");
    return E_OK;
}

static kerr commit_rows(imp *j) {
    kerr e = E_OK;
    for (int i = 0; !e && i < j->nok; i++) {
        imp_reading *x = &j->ok[i];
        int64_t id;
        if (!(e = reading_insert(j->c, &x->m, j->period, &x->r, &x->k, x->read_at, x->note, &id)))
            e = reading_recompute_next(j->c, &x->m, j->period, x->r.reading);
    }
    if (e) return e;
    return ctx_audit(j->c, j->pid, "meter_reading", 0, "import_readings",
                     arena_printf(&j->c->a, "{\"period\":\"%s\",\"rows\":%d,\"readings\":%d}", j->period, j->rows, j->nok));
}

static void report(imp *j, const char *mode, int status) {
    jw_end(&j->w);
    jw *w = ctx_json(j->c, status);
    jw_obj(w, NULL);
    jw_str(w, "mode", mode);
    jw_str(w, "period", j->period);
    jw_bool(w, "ok", j->problems == 0);
    jw_bool(w, "imported", status == 201);
    jw_int(w, "rows", j->rows);
    jw_int(w, "readings", j->nok);
    jw_int(w, "problem_count", j->problems);
    jw_raw(w, "problems", buf_cstr(&j->b));
    jw_end(w);
}

/* ?project_id (or the user's only project with fees.meter), ?period (default this month), ?mode. */
static kerr import_query(ctx *c, imp *j, const char **mode) {
    int64_t *ids = NULL;
    kerr e = q_int(c, "project_id", "管理处", 1, INT64_MAX, 0, &j->pid);
    const char *bad;
    if (e) return e;
    *mode = q_str(c, "mode") ? q_str(c, "mode") : "check";
    if (strcmp(*mode, "check") && strcmp(*mode, "commit")) return ctx_fail(c, E_BAD_REQUEST, "mode", "mode 应为 check 或 commit");
    if (!j->pid && ctx_perm_projects(c, "fees.meter", &ids) != 1) return ctx_fail(c, E_BAD_REQUEST, "project_id", "请选择管理处");
    if (!j->pid) j->pid = ids[0];
    if ((e = ctx_require(c, "fees.meter", j->pid)) || (e = q_period(c, &j->period))) return e;
    if ((bad = period_problem(c, j->period))) return ctx_fail(c, E_BAD_REQUEST, "period", "%s", bad);
    return c->body.len ? E_OK : ctx_fail(c, E_VALIDATION, "file", "请上传 Excel (.xlsx) 或 CSV 文件");
}

/* POST /api/v1/meter-readings/import?project_id=&period=&mode=check|commit, body: the file. */
kerr readings_import(ctx *c) {
    imp j = {.c = c};
    const char *mode;
    char msg[256], today[16];
    sheet s;
    kerr e = import_query(c, &j, &mode);
    if (e) return e;
    sheet_err se = sheet_read(c->body.data, c->body.len, &c->a, NULL, &s, msg, sizeof msg);
    if (se == SHEET_NOMEM) return E_NOMEM;
    if (se) return ctx_fail(c, se == SHEET_TOO_BIG ? E_TOO_LARGE : E_VALIDATION, "file", "%s", msg);
    clock_date(c->now, today, sizeof today);
    j.today = today;
    j.s = &s;
    buf_init(&j.b);
    jw_init(&j.w, &j.b);
    jw_arr(&j.w, NULL);
    if (!(e = read_rows(&j)) && !strcmp(mode, "commit") && !j.problems) e = commit_rows(&j);
    if (!e) report(&j, mode, !strcmp(mode, "commit") && !j.problems ? 201 : 200);
    buf_free(&j.b);
    if (e || strcmp(mode, "commit") || !j.problems) return e;
    c->err_report = arena_strndup(&c->a, c->out.data, c->out.len);   /* nothing written: 422 with the report */
    return ctx_fail(c, E_VALIDATION, "file", "文件中有 %d 处问题，未导入任何读数", j.problems);
}
