/*
** tickets_stats.c — the desk's figures (SPEC B5, R5, R8): contacts by kind, channel,
** category, building or technician over a date range, with the callback rate (回访率: called
** back within 24 h of completion ÷ completed, target ≥ 98%), satisfaction, the repair
** complaint rate (维修投诉率: repairs a complaint names ÷ repairs, target ≤ 5%) and the
** average minutes to dispatch and to complete. One GROUP BY over the day sums of the range
** (ticket_day_stats: a few rows per day and key, kept by tickets_agg.c), one over the
** complaints; totals summed here.
*/
#include "tickets.h"
#include "core/qb.h"
#include <stdio.h>
#include <string.h>

kerr tickets_scope(ctx *c, qb *b);        /* tickets_list.c */

enum { S_COUNT, S_REPAIRS, S_COMPLETED, S_CALLED, S_CALLED24, S_SAT, S_BASIC, S_UNSAT, S_COMPLAINTS, S_RCOMPLAINTS,
       S_DISP_SUM, S_DISP_N, S_DONE_SUM, S_DONE_N, S_N };

#define REPAIR_SQL "t.kind IN ('public_repair','home_repair','service')"
/* the day sums (ticket_day_stats, tickets_agg.c) in the order of the S_ enum */
#define DAY_COLS \
    "SUM(a.n_count), SUM(a.n_repairs), SUM(a.n_completed), SUM(a.n_called), SUM(a.n_called24), " \
    "SUM(a.n_satisfied), SUM(a.n_basic), SUM(a.n_unsatisfied), SUM(a.n_complaints), 0, " \
    "SUM(a.s_dispatch), SUM(a.n_dispatch), SUM(a.s_done), SUM(a.n_done)"

static const struct { const char *name, *key; } GROUPS[] = {
    {"kind", "t.kind"}, {"channel", "t.channel"}, {"category", "t.category"},
    {"building", "COALESCE(t.building_id, 0)"}, {"technician", "COALESCE(t.technician_id, 0)"},
};


static void jw_avg_minutes(jw *w, const char *key, int64_t seconds, int64_t n) {
    if (!n) { jw_null(w, key); return; }
    char v[32];
    snprintf(v, sizeof v, "%.1f", (double)seconds / (double)n / 60.0);
    jw_raw(w, key, v);
}

static void figures_json(jw *w, const int64_t *s) {
    jw_int(w, "count", s[S_COUNT]);
    jw_int(w, "repairs", s[S_REPAIRS]);
    jw_int(w, "completed", s[S_COMPLETED]);
    jw_int(w, "called_back", s[S_CALLED]);
    jw_int(w, "called_back_24h", s[S_CALLED24]);
    jw_fraction(w, "callback_rate", s[S_CALLED24], s[S_COMPLETED]);
    jw_int(w, "satisfied", s[S_SAT]);
    jw_int(w, "basically_satisfied", s[S_BASIC]);
    jw_int(w, "unsatisfied", s[S_UNSAT]);
    jw_fraction(w, "satisfaction_rate", s[S_SAT] + s[S_BASIC], s[S_SAT] + s[S_BASIC] + s[S_UNSAT]);
    jw_int(w, "complaints", s[S_COMPLAINTS]);
    jw_int(w, "repair_complaints", s[S_RCOMPLAINTS]);
    jw_fraction(w, "repair_complaint_rate", s[S_RCOMPLAINTS], s[S_REPAIRS]);
    jw_avg_minutes(w, "avg_dispatch_minutes", s[S_DISP_SUM], s[S_DISP_N]);
    jw_avg_minutes(w, "avg_complete_minutes", s[S_DONE_SUM], s[S_DONE_N]);
}

/* Repairs a complaint names, per group key: read from the complaints (few) rather than by
** probing every repair of the range. */
typedef struct keyed { const char *key; int64_t n; } keyed;

/* The repairs complaints name, per key of group g, into *out (*n of them). */
static kerr repair_complaints(ctx *c, int g, int64_t from, int64_t to, keyed **out, int *count) {
    qb b;
    qb_init(&b);
    *out = NULL;
    *count = 0;
    kerr e = tickets_scope(c, &b);
    if (e) { qb_free(&b); return e; }
    /* from the few complaints that name a repair (partial index tickets_related), never by
    ** walking the range's repairs */
    qb_and(&b, "t.id IN (SELECT x.related_id FROM tickets x WHERE x.related_id IS NOT NULL AND x.kind = 'complaint') "
               "AND " REPAIR_SQL " AND t.created_at >= ? AND t.created_at < ?", DI(from), DI(to));
    char *sql = qb_sql(&b, &c->a, arena_printf(&c->a, "SELECT %s, COUNT(*) FROM tickets t", GROUPS[g].key),
                       arena_printf(&c->a, "GROUP BY %s", GROUPS[g].key));
    db_stmt *st = sql ? db_query_a(c->db, sql, qb_args(&b, 0, DN, DN)) : NULL;
    qb_free(&b);
    if (!st) return sql ? db_last_kerr(c->db) : E_NOMEM;
    int n = 0, cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            keyed *k = arena_alloc(&c->a, sizeof *k * (size_t)(cap = cap ? cap * 2 : 16));
            if (!k) { rc = DB_DONE; e = E_NOMEM; break; }
            if (n) memcpy(k, *out, sizeof *k * (size_t)n);
            *out = k;
        }
        (*out)[n++] = (keyed){arena_strdup(&c->a, db_col_text(st, 0)), db_col_int(st, 1)};
    }
    db_finish(st);
    *count = n;
    return e ? e : rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

static int64_t keyed_get(const keyed *k, int n, const char *key) {
    for (int i = 0; i < n; i++)
        if (key && !strcmp(k[i].key, key)) return k[i].n;
    return 0;
}

/* The Chinese name of a group key. */
static const char *group_label(ctx *c, int g, db_stmt *st) {
    const char *code = db_col_text(st, 0);
    int64_t id = db_col_int(st, 0);
    const char *l = NULL;
    switch (g) {
    case 0: l = code_label_of(TICKET_KINDS, code); break;
    case 1: l = code_label_of(TICKET_CHANNELS, code); break;
    case 2: l = code && *code ? code_label_of(REPAIR_CATEGORIES, code) : "（非维修）"; break;
    case 3: l = id ? db_text(c->db, &c->a, "SELECT name FROM buildings WHERE id = ?", DI(id)) : "公共区域/未指定"; break;
    default: l = id ? db_text(c->db, &c->a, "SELECT display_name FROM users WHERE id = ?", DI(id)) : "未派工"; break;
    }
    return l ? l : code;
}

static kerr stats_range(ctx *c, int64_t *from, int64_t *to, const char **fs, const char **ts) {
    kerr e;
    if ((e = q_date(c, "from", "开始日期", from)) || (e = q_date(c, "to", "结束日期", to))) return e;
    char day[16];
    clock_date(c->now, day, sizeof day);
    if (!*from) {   /* default: this month so far */
        day[8] = '0', day[9] = '1';
        clock_parse_iso(day, from);
    }
    if (!*to) *to = clock_day_start(c->now);
    if (*to < *from) return ctx_fail(c, E_BAD_REQUEST, "to", "结束日期不能早于开始日期");
    if (*to - *from > 366 * 86400) return ctx_fail(c, E_BAD_REQUEST, "to", "统计区间最长一年");
    clock_date(*from, day, sizeof day);
    *fs = arena_strdup(&c->a, day);
    clock_date(*to, day, sizeof day);
    *ts = arena_strdup(&c->a, day);
    *to += 86400;
    return E_OK;
}

kerr tickets_stats(ctx *c) {
    const char *group = q_str(c, "group"), *fs = NULL, *ts = NULL;
    int g = 0;
    if (group) {
        while (g < 5 && strcmp(GROUPS[g].name, group)) g++;
        if (g == 5) return ctx_fail(c, E_BAD_REQUEST, "group", "group 应为 kind、channel、category、building 或 technician");
    }
    int64_t from = 0, to = 0;
    qb b;
    qb_init(&b);
    kerr e = stats_range(c, &from, &to, &fs, &ts);
    if (!e) e = scope_projects(c, &b, "tickets.read", "a.project_id");
    if (e) { qb_free(&b); return e; }
    keyed *rcs = NULL;
    int nrc = 0;
    if ((e = repair_complaints(c, g, from, to, &rcs, &nrc))) { qb_free(&b); return e; }
    qb_and(&b, "a.dim = ? AND a.day >= ? AND a.day < ?", DT(GROUPS[g].name), DI(from), DI(to));
    char *sql = qb_sql(&b, &c->a, "SELECT a.key, " DAY_COLS " FROM ticket_day_stats a",
                       "GROUP BY a.key HAVING SUM(a.n_count) > 0 ORDER BY SUM(a.n_count) DESC, a.key");
    db_stmt *st = sql ? db_query_a(c->db, sql, qb_args(&b, 0, DN, DN)) : NULL;
    qb_free(&b);
    if (!st) return sql ? db_last_kerr(c->db) : E_NOMEM;
    int64_t total[S_N] = {0};
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_str(w, "from", fs);
    jw_str(w, "to", ts);
    jw_str(w, "group", GROUPS[g].name);
    jw_arr(w, "items");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t s[S_N];
        for (int i = 0; i < S_N; i++) s[i] = db_col_int(st, i + 1);
        s[S_RCOMPLAINTS] = keyed_get(rcs, nrc, db_col_text(st, 0));
        for (int i = 0; i < S_N; i++) total[i] += s[i];
        jw_obj(w, NULL);
        jw_str(w, "key", db_col_text(st, 0));
        jw_str(w, "label", group_label(c, g, st));
        figures_json(w, s);
        jw_end(w);
    }
    db_finish(st);
    if (rc != DB_DONE) return db_last_kerr(c->db);
    jw_end(w);
    jw_obj(w, "total");
    figures_json(w, total);
    jw_end(w);
    jw_end(w);
    return E_OK;
}

static const char *pct(arena *a, json_t *item, const char *key) {
    json_t *v = json_object_get(item, key);
    return json_is_number(v) ? arena_printf(a, "%.1f%%", json_number_value(v) * 100) : "";
}
static const char *callback_pct(arena *a, json_t *i) { return pct(a, i, "callback_rate"); }
static const char *satisfaction_pct(arena *a, json_t *i) { return pct(a, i, "satisfaction_rate"); }
static const char *complaint_pct(arena *a, json_t *i) { return pct(a, i, "repair_complaint_rate"); }
static const char *minutes(arena *a, json_t *item, const char *key) {
    json_t *v = json_object_get(item, key);
    return json_is_number(v) ? arena_printf(a, "%.1f", json_number_value(v)) : "";
}
static const char *dispatch_min(arena *a, json_t *i) { return minutes(a, i, "avg_dispatch_minutes"); }
static const char *complete_min(arena *a, json_t *i) { return minutes(a, i, "avg_complete_minutes"); }

static const export_col stats_cols[] = {
    {"label", "分组", EX_TEXT, NULL},             {"count", "登记数", EX_INT, NULL},
    {"repairs", "维修单", EX_INT, NULL},          {"completed", "已完工", EX_INT, NULL},
    {"called_back_24h", "24小时内回访", EX_INT, NULL}, {"callback_rate", "回访率", EX_TEXT, callback_pct},
    {"satisfied", "满意", EX_INT, NULL},          {"basically_satisfied", "基本满意", EX_INT, NULL},
    {"unsatisfied", "不满意", EX_INT, NULL},      {"satisfaction_rate", "满意率", EX_TEXT, satisfaction_pct},
    {"complaints", "投诉", EX_INT, NULL},         {"repair_complaint_rate", "维修投诉率", EX_TEXT, complaint_pct},
    {"avg_dispatch_minutes", "平均派工(分钟)", EX_TEXT, dispatch_min},
    {"avg_complete_minutes", "平均完工(分钟)", EX_TEXT, complete_min},
    {NULL, NULL, 0, NULL},
};
const export_spec stats_export = {"工单统计", stats_cols};
