/*
** complaints_stats.c — 客户投诉汇总及处理情况表 (SPEC C4, C5, C7; 004 §6.7: the month's
** complaints summed up for the manager): counts by type, severity, building and department;
** valid complaints; replied and handled on time; the callback rate (target 100%) and the
** satisfaction of valid complaints (target 100%); the top causes; the staff named (two or
** more in a month is a disciplinary matter, 001 第1篇); the type × building hot spots.
** As JSON for the screen, as a worksheet of the month's complaints (format=xlsx|csv), and as
** an A4 PDF for the manager. Every figure reads the complaints table over its
** (project_id, created_at) index: one month of one project, or of every project.
*/
#include "complaints.h"
#include "core/printform.h"
#include "core/qb.h"
#include <stdio.h>
#include <string.h>

typedef struct month { int64_t from, to; const char *label; } month;

/* The month's complaints of the projects in scope, on cp (complaints) joined to t (tickets). */
static kerr month_scope(ctx *c, qb *b, const month *m) {
    kerr e = scope_projects(c, b, "tickets.read", "cp.project_id");   /* read over complaints_month */
    if (e) return e;
    qb_and(b, "cp.created_at >= ? AND cp.created_at < ?", DI(m->from), DI(m->to));
    bool named = false;
    if ((e = complaint_user_named(c, &named))) return e;
    if (named) qb_and(b, "NOT EXISTS (SELECT 1 FROM complaint_staff cs WHERE cs.ticket_id = t.id AND cs.user_id = ?)",
                       DI(c->user->id));
    return E_OK;
}

#define FROM_CP "complaints cp JOIN tickets t ON t.id = cp.ticket_id "

/* The month's query in *st, or the error (the scope's, or the database's). */
static kerr run(ctx *c, const month *m, const char *select, const char *from, const char *tail, db_stmt **st) {
    qb b;
    qb_init(&b);
    kerr e = month_scope(c, &b, m);
    char *sql = e ? NULL : qb_sql(&b, &c->a, arena_printf(&c->a, "SELECT %s FROM %s", select, from), tail);
    *st = sql ? db_query_a(c->db, sql, qb_args(&b, 0, DN, DN)) : NULL;
    qb_free(&b);
    if (!e && !*st) e = sql ? db_last_kerr(c->db) : E_NOMEM;
    return e;
}

/* A statement's rows ended: E_OK when done, else the database's error. */
static kerr ended(ctx *c, int rc) { return rc == DB_DONE ? E_OK : db_last_kerr(c->db); }

enum { T_COUNT, T_VOIDED, T_MAJOR, T_VALID, T_INVALID, T_REPLIED, T_REPLIED_OT, T_HANDLED, T_HANDLED_OT, T_CALLED,
       T_VALID_CALLED, T_VALID_SAT, T_ESCALATED, T_OPEN, T_N };
#define LIVE "t.state <> 'voided'"
#define SAT "t.satisfaction IN ('satisfied','basically_satisfied')"
#define TOTAL_COLS \
    "COUNT(*) FILTER (WHERE " LIVE "), COUNT(*) FILTER (WHERE t.state = 'voided'), " \
    "COUNT(*) FILTER (WHERE " LIVE " AND cp.severity = 'major'), COUNT(*) FILTER (WHERE " LIVE " AND cp.valid = 1), " \
    "COUNT(*) FILTER (WHERE " LIVE " AND cp.valid = 0), COUNT(cp.replied_at), " \
    "COUNT(*) FILTER (WHERE cp.replied_at <= cp.reply_due_at), COUNT(cp.handled_at), " \
    "COUNT(*) FILTER (WHERE cp.handled_at <= cp.handle_due_at), COUNT(*) FILTER (WHERE cp.handled_at IS NOT NULL AND " \
    "t.called_back_at IS NOT NULL), COUNT(*) FILTER (WHERE cp.valid = 1 AND t.called_back_at IS NOT NULL), " \
    "COUNT(*) FILTER (WHERE cp.valid = 1 AND t.called_back_at IS NOT NULL AND " SAT "), " \
    "COUNT(*) FILTER (WHERE " LIVE " AND cp.escalation_level > 0), " \
    "COUNT(*) FILTER (WHERE t.state IN ('registered','assigned','replied','handled'))"


static kerr totals(ctx *c, const month *m, jw *w, int64_t *t) {
    db_stmt *st;
    kerr e = run(c, m, TOTAL_COLS, FROM_CP, NULL, &st);
    if (e) return e;
    memset(t, 0, sizeof(int64_t) * T_N);
    int rc = db_step(st);
    if (rc == DB_ROW)
        for (int i = 0; i < T_N; i++) t[i] = db_col_int(st, i);
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(c->db);
    static const char *const keys[T_N] = {"count", "voided", "major", "valid", "invalid", "replied", "replied_on_time",
                                          "handled", "handled_on_time", "called_back", "valid_called_back",
                                          "valid_satisfied", "escalated", "open"};
    jw_obj(w, "totals");
    for (int i = 0; i < T_N; i++) jw_int(w, keys[i], t[i]);
    jw_fraction(w, "reply_on_time_rate", t[T_REPLIED_OT], t[T_REPLIED]);
    jw_fraction(w, "handle_on_time_rate", t[T_HANDLED_OT], t[T_HANDLED]);
    jw_fraction(w, "callback_rate", t[T_CALLED], t[T_HANDLED]);
    jw_fraction(w, "valid_satisfaction_rate", t[T_VALID_SAT], t[T_VALID_CALLED]);
    jw_int(w, "callback_target_percent", 100);
    jw_int(w, "satisfaction_target_percent", 100);
    jw_end(w);
    return E_OK;
}

/* ---- the breakdowns ---- */

typedef struct group { const char *name, *key, *label_sql, *joins; } group;
static const group GROUPS[] = {
    {"by_type", "cp.type", "cp.type", ""},
    {"by_severity", "cp.severity", "cp.severity", ""},
    {"by_building", "COALESCE(t.building_id, 0)", "COALESCE(MAX(b.name), '公共区域')", "LEFT JOIN buildings b ON b.id = t.building_id "},
    {"by_department", "cp.department", "cp.department", ""},
};

/* A type's label in the project (without one, the default's), or the code itself. */
static kerr type_label(ctx *c, const char *key, int64_t pid, const char **out) {
    const char *def = code_label_of(COMPLAINT_TYPES_DEFAULT, key);
    *out = def ? def : key;
    if (!pid) return E_OK;
    db_stmt *st = db_query(c->db, "SELECT label FROM complaint_types WHERE project_id = ? AND code = ?", DI(pid), DT(key));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc == DB_ROW) *out = arena_strdup(&c->a, db_col_text(st, 0));
    db_finish(st);
    return rc == DB_ERROR ? db_last_kerr(c->db) : E_OK;
}

static kerr group_label(ctx *c, int g, const char *key, const char *label, int64_t pid, const char **out) {
    if (g == 0) return type_label(c, key, pid, out);
    *out = g == 1 ? code_label_of(COMPLAINT_SEVERITIES, key) : g == 3 && !*key ? "未分派" : label;
    return E_OK;
}

static kerr breakdown(ctx *c, const month *m, int g, int64_t pid, jw *w) {
    const char *sel = arena_printf(&c->a, "%s, %s, COUNT(*), COUNT(*) FILTER (WHERE cp.valid = 1), "
                                          "COUNT(*) FILTER (WHERE cp.handled_at <= cp.handle_due_at)",
                                   GROUPS[g].key, GROUPS[g].label_sql);
    db_stmt *st;
    kerr e = run(c, m, sel, arena_printf(&c->a, FROM_CP "%s", GROUPS[g].joins),
                 arena_printf(&c->a, "AND " LIVE " GROUP BY %s ORDER BY 3 DESC, 1", GROUPS[g].key), &st);
    if (e) return e;
    jw_arr(w, GROUPS[g].name);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *key = arena_strdup(&c->a, db_col_text(st, 0)), *label;
        if ((e = group_label(c, g, key, db_col_text(st, 1), pid, &label))) break;
        jw_obj(w, NULL);
        jw_str(w, "key", key);
        jw_str(w, "label", label);
        jw_int(w, "count", db_col_int(st, 2));
        jw_int(w, "valid", db_col_int(st, 3));
        jw_int(w, "handled_on_time", db_col_int(st, 4));
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    return e ? e : ended(c, rc);
}

static kerr top_causes(ctx *c, const month *m, jw *w) {
    db_stmt *st;
    kerr e = run(c, m, "cp.cause, COUNT(*)", FROM_CP, "AND cp.cause <> '' GROUP BY cp.cause ORDER BY 2 DESC, 1 LIMIT 5", &st);
    if (e) return e;
    jw_arr(w, "top_causes");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w, NULL);
        jw_str(w, "cause", db_col_text(st, 0));
        jw_int(w, "count", db_col_int(st, 1));
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    return ended(c, rc);
}

/* Staff named in the month; two or more complaints is flagged (001 第1篇 员工解雇条例 4). */
static kerr staff_named(ctx *c, const month *m, jw *w) {
    db_stmt *st;
    kerr e = run(c, m, "u.id, u.display_name, COUNT(*), COUNT(*) FILTER (WHERE cp.valid = 1)",
                 FROM_CP "JOIN complaint_staff s ON s.ticket_id = cp.ticket_id JOIN users u ON u.id = s.user_id ",
                 "AND " LIVE " GROUP BY u.id, u.display_name ORDER BY 3 DESC, 1", &st);
    if (e) return e;
    jw_arr(w, "staff");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w, NULL);
        jw_int(w, "user_id", db_col_int(st, 0));
        jw_str(w, "display_name", db_col_text(st, 1));
        jw_int(w, "count", db_col_int(st, 2));
        jw_int(w, "valid", db_col_int(st, 3));
        jw_bool(w, "flagged", db_col_int(st, 2) >= 2);
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    return ended(c, rc);
}

/* Type × building counts for the hot-spot chart: [building label, type code, count]. */
static kerr hotspots(ctx *c, const month *m, int64_t pid, jw *w) {
    db_stmt *st;
    kerr e = run(c, m, "COALESCE(MAX(b.name), '公共区域'), cp.type, COUNT(*)",
                 FROM_CP "LEFT JOIN buildings b ON b.id = t.building_id ",
                 "AND " LIVE " GROUP BY COALESCE(t.building_id, 0), cp.type ORDER BY 3 DESC LIMIT 400", &st);
    if (e) return e;
    jw_arr(w, "hotspots");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *type = arena_strdup(&c->a, db_col_text(st, 1)), *label;
        if ((e = type_label(c, type, pid, &label))) break;
        jw_obj(w, NULL);
        jw_str(w, "building", db_col_text(st, 0));
        jw_str(w, "type", type);
        jw_str(w, "type_label", label);
        jw_int(w, "count", db_col_int(st, 2));
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    return e ? e : ended(c, rc);
}

/* ---- the month's complaints, one row each (the worksheet) ---- */

#define ITEM_COLS "t.id, t.number, t.created_at, un.code, t.caller, cp.type, cp.severity, t.content, cp.department, " \
                  "hu.display_name, cp.reply, cp.replied_at, cp.reply_due_at, cp.cause, cp.corrective, cp.result, " \
                  "cp.valid, cp.handled_at, cp.handle_due_at, t.satisfaction, t.state, cp.escalation_level, cp.project_id"

static kerr item_json(ctx *c, db_stmt *st, jw *w) {
    const char *type = arena_strdup(&c->a, db_col_text(st, 5)), *label;
    kerr e = type_label(c, type, db_col_int(st, 22), &label);
    if (e) return e;
    jw_obj(w, NULL);
    jw_int(w, "id", db_col_int(st, 0));
    jw_str(w, "number", db_col_text(st, 1));
    jw_time(w, "created_at", db_col_int(st, 2));
    jw_str(w, "unit_code", db_col_text(st, 3));
    jw_str(w, "caller", db_col_text(st, 4));
    jw_str(w, "type_label", label);
    jw_str(w, "severity_label", code_label_of(COMPLAINT_SEVERITIES, db_col_text(st, 6)));
    jw_str(w, "content", db_col_text(st, 7));
    jw_str(w, "department", db_col_text(st, 8));
    jw_str(w, "handler_name", db_col_text(st, 9));
    jw_str(w, "reply", db_col_text(st, 10));
    jw_time(w, "replied_at", db_col_int(st, 11));
    jw_bool(w, "replied_on_time", !db_col_is_null(st, 11) && db_col_int(st, 11) <= db_col_int(st, 12));
    jw_str(w, "cause", db_col_text(st, 13));
    jw_str(w, "corrective_action", db_col_text(st, 14));
    jw_str(w, "result", db_col_text(st, 15));
    if (db_col_is_null(st, 16)) jw_null(w, "valid"); else jw_bool(w, "valid", db_col_int(st, 16) != 0);
    jw_time(w, "handled_at", db_col_int(st, 17));
    jw_bool(w, "handled_on_time", !db_col_is_null(st, 17) && db_col_int(st, 17) <= db_col_int(st, 18));
    const char *sat = code_label_of(SATISFACTIONS, db_col_text(st, 19));
    jw_str(w, "satisfaction_label", sat ? sat : "");
    jw_str(w, "state_label", wf_state_label(&COMPLAINT_WF, db_col_text(st, 20)));
    jw_int(w, "escalation_level", db_col_int(st, 21));
    jw_end(w);
    return E_OK;
}

static kerr items(ctx *c, const month *m, jw *w) {
    db_stmt *st;
    kerr e = run(c, m, ITEM_COLS,
                 FROM_CP "LEFT JOIN units un ON un.id = t.unit_id LEFT JOIN users hu ON hu.id = cp.handler_id ",
                 arena_printf(&c->a, "ORDER BY cp.created_at, t.id LIMIT %d", EXPORT_MAX_ROWS), &st);
    if (e) return e;
    jw_arr(w, "items");
    int rc = DB_DONE;
    while (!e && (rc = db_step(st)) == DB_ROW) e = item_json(c, st, w);
    db_finish(st);
    jw_end(w);
    return e ? e : ended(c, rc);
}

static kerr summary_json(ctx *c, const month *m, int64_t pid, bool with_items, jw *w, int64_t *t) {
    kerr e;
    jw_obj(w, NULL);
    jw_str(w, "month", m->label);
    if (pid) jw_int(w, "project_id", pid); else jw_null(w, "project_id");
    if ((e = totals(c, m, w, t))) return e;
    for (int g = 0; g < 4; g++)
        if ((e = breakdown(c, m, g, pid, w))) return e;
    if ((e = top_causes(c, m, w)) || (e = staff_named(c, m, w)) || (e = hotspots(c, m, pid, w))) return e;
    if (with_items && (e = items(c, m, w))) return e;
    jw_end(w);
    return E_OK;
}

kerr complaints_summary_pdf(ctx *c);

kerr complaints_stats(ctx *c) {
    if (c->export_format && !strcmp(c->export_format, "pdf")) return complaints_summary_pdf(c);
    month m;
    int64_t pid = 0, with = 0, t[T_N];
    kerr e;
    if ((e = q_month(c, &m.label, &m.from, &m.to)) || (e = q_int(c, "project_id", "管理处", 1, INT64_MAX, 0, &pid)) ||
        (e = q_int(c, "items", "明细", 0, 1, 0, &with)))
        return e;
    return summary_json(c, &m, pid, with || c->export_format, ctx_json(c, 200), t);
}

static const export_col item_cols[] = {
    {"number", "投诉编号", EX_TEXT, NULL},        {"created_at", "投诉时间", EX_TIME, NULL},
    {"unit_code", "房号", EX_TEXT, NULL},         {"caller", "投诉人", EX_TEXT, NULL},
    {"type_label", "投诉类型", EX_TEXT, NULL},    {"severity_label", "程度", EX_TEXT, NULL},
    {"content", "投诉内容", EX_TEXT, NULL},       {"department", "责任部门", EX_TEXT, NULL},
    {"handler_name", "处理人", EX_TEXT, NULL},    {"reply", "答复内容", EX_TEXT, NULL},
    {"replied_at", "答复时间", EX_TIME, NULL},    {"replied_on_time", "按时答复", EX_BOOL, NULL},
    {"cause", "原因分析", EX_TEXT, NULL},         {"corrective_action", "整改措施", EX_TEXT, NULL},
    {"result", "处理结果", EX_TEXT, NULL},        {"valid", "有效投诉", EX_BOOL, NULL},
    {"handled_at", "处理完毕时间", EX_TIME, NULL}, {"handled_on_time", "按时处理", EX_BOOL, NULL},
    {"satisfaction_label", "回访满意度", EX_TEXT, NULL}, {"state_label", "状态", EX_TEXT, NULL},
    {NULL, NULL, 0, NULL},
};
const export_spec complaint_summary_export = {"客户投诉汇总及处理情况表", item_cols};

/* ---- the A4 PDF for the manager ---- */

static const char *pct(ctx *c, json_t *tot, const char *num, const char *den) {
    json_int_t n = json_integer_value(json_object_get(tot, num)), d = json_integer_value(json_object_get(tot, den));
    return d ? arena_printf(&c->a, "%lld / %lld（%.1f%%）", (long long)n, (long long)d, 100.0 * (double)n / (double)d)
             : arena_strdup(&c->a, "—");
}

static const char *count_of(ctx *c, json_t *tot, const char *key) {
    return arena_printf(&c->a, "%lld", (long long)json_integer_value(json_object_get(tot, key)));
}

/* "噪音 3、收费 2" from a breakdown array; "无" when empty. */
static const char *joined(ctx *c, json_t *arr, const char *label_key, const char *count_key, bool flag) {
    buf b;
    buf_init(&b);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        buf_printf(&b, "%s%s %lld%s", i ? "、" : "", json_string_value(json_object_get(v, label_key)),
                   (long long)json_integer_value(json_object_get(v, count_key)),
                   flag && json_is_true(json_object_get(v, "flagged")) ? "（本月两次及以上）" : "");
    }
    const char *s = arena_strdup(&c->a, b.len ? buf_cstr(&b) : "无");
    buf_free(&b);
    return s;
}

static int pdf_fields(ctx *c, json_t *s, const char *project, pf_field *f) {
    json_t *t = json_object_get(s, "totals");
    int n = 0;
    f[n++] = (pf_field){"管理处", project, false, 0};
    f[n++] = (pf_field){"月份", json_string_value(json_object_get(s, "month")), false, 0};
    f[n++] = (pf_field){"投诉总数", count_of(c, t, "count"), false, 0};
    f[n++] = (pf_field){"重大投诉", count_of(c, t, "major"), false, 0};
    f[n++] = (pf_field){"有效投诉", count_of(c, t, "valid"), false, 0};
    f[n++] = (pf_field){"未办结 / 已升级", arena_printf(&c->a, "%s / %s", count_of(c, t, "open"), count_of(c, t, "escalated")), false, 0};
    f[n++] = (pf_field){"按时答复", pct(c, t, "replied_on_time", "replied"), false, 0};
    f[n++] = (pf_field){"按时处理", pct(c, t, "handled_on_time", "handled"), false, 0};
    f[n++] = (pf_field){"回访率（目标 100%）", pct(c, t, "called_back", "handled"), false, 0};
    f[n++] = (pf_field){"有效投诉满意率（目标 100%）", pct(c, t, "valid_satisfied", "valid_called_back"), false, 0};
    f[n++] = (pf_field){"按类型", joined(c, json_object_get(s, "by_type"), "label", "count", false), true, 0};
    f[n++] = (pf_field){"按楼栋", joined(c, json_object_get(s, "by_building"), "label", "count", false), true, 0};
    f[n++] = (pf_field){"按责任部门", joined(c, json_object_get(s, "by_department"), "label", "count", false), true, 0};
    f[n++] = (pf_field){"主要原因", joined(c, json_object_get(s, "top_causes"), "cause", "count", false), true, 0};
    f[n++] = (pf_field){"被投诉员工", joined(c, json_object_get(s, "staff"), "display_name", "count", true), true, 0};
    f[n++] = (pf_field){"经理意见", "", true, 4};
    return n;
}

static const char *project_title(ctx *c, int64_t pid) {
    char *name = pid ? db_text(c->db, &c->a, "SELECT name FROM projects WHERE id = ?", DI(pid)) : NULL;
    return name ? name : "全部管理处";
}

kerr complaints_summary_pdf(ctx *c) {
    month m;
    int64_t pid = 0, t[T_N];
    kerr e;
    bool ok = true;
    if ((e = q_month(c, &m.label, &m.from, &m.to)) || (e = q_int(c, "project_id", "管理处", 1, INT64_MAX, 0, &pid)) ||
        (pid && (e = project_visible(c, pid, &ok))))
        return e;
    if (!ok) return ctx_fail(c, E_NOT_FOUND, "project_id", NULL);
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    e = summary_json(c, &m, pid, false, &w, t);
    json_t *s = !e && buf_ok(&b) ? json_loads(buf_cstr(&b), 0, NULL) : NULL;
    buf_free(&b);
    if (!s) return e ? e : E_INTERNAL;
    pf_field f[20];
    static const char *const signs[] = {"制表（客服主管）", "审阅（管理处经理）"};
    char now[40];
    clock_iso(c->now, now, sizeof now);
    pf_doc d = {.title = "客户投诉汇总及处理情况表", .org = project_title(c, pid), .number = "", .fields = f,
                .nfields = pdf_fields(c, s, project_title(c, pid), f), .signatures = signs, .nsign = 2,
                .footer = arena_printf(&c->a, "打印时间 %.10s %.5s · 打印人 %s", now, now + 11, c->user->display_name), .a4 = true};
    int rc = pf_render_pdf(&d, &c->out);
    json_decref(s);
    if (rc != 0) { buf_free(&c->out); buf_init(&c->out); return E_INTERNAL; }
    c->status = 200;
    c->content_type = "application/pdf";
    ctx_header(c, "Content-Disposition", arena_printf(&c->a, "inline; filename=\"complaints-%s.pdf\"", m.label));
    return E_OK;
}
