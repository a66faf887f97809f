/*
** tickets_worklog.c — the daily personal work log (个人工作控制日清记录表, SPEC B5): what one
** person did on one office day, generated from the tickets' events (registered, dispatched,
** completed, called back …), with a count per action. Everyone sees their own; supervisors,
** managers and admins (users.read) see anyone's in their projects.
*/
#include "complaints.h"
#include "core/qb.h"
#include <string.h>


/* Someone else's log: only of a person with a role in a project where the caller holds
** users.read (any person for a company-wide holder), as GET /users/{id} shows them; anyone else
** is not found — a supervisor of one office read the name of any user of another by id. */
static kerr worklog_visible(ctx *c, int64_t uid, bool *ok) {
    int64_t *ids = NULL;
    int n = ctx_perm_projects(c, "users.read", &ids);
    *ok = n < 0;
    if (*ok) return E_OK;
    qb b;
    qb_init(&b);
    qb_in_ids(&b, "project_id IN ?*", ids, n);
    qb_and(&b, "user_id = ?", DI(uid));
    char *sql = qb_sql(&b, &c->a, "SELECT 1 FROM user_roles", "LIMIT 1");
    kerr e = sql ? db_read_exists_a(c->db, ok, sql, qb_args(&b, 0, DN, DN)) : E_NOMEM;
    qb_free(&b);
    return e;
}

static kerr worklog_who(ctx *c, int64_t *uid, const char **name) {
    kerr e = q_int(c, "user_id", "人员", 1, INT64_MAX, c->user->id, uid);
    if (e) return e;
    if (*uid != c->user->id && !auth_can_any(c->user, "users.read"))
        return ctx_fail(c, E_FORBIDDEN, "user_id", "只能查看自己的工作日志");
    bool seen = true;
    if (*uid != c->user->id && (e = worklog_visible(c, *uid, &seen))) return e;
    *name = seen ? db_text(c->db, &c->a, "SELECT display_name FROM users WHERE id = ?", DI(*uid)) : NULL;
    return *name ? E_OK : ctx_fail(c, E_NOT_FOUND, "user_id", "没有这个人员");
}

static kerr worklog_day(ctx *c, int64_t *from, const char **day) {
    kerr e = q_date(c, "date", "日期", from);
    if (e) return e;
    *from = clock_day_start(*from ? *from : c->now);
    char d[16];
    clock_date(*from, d, sizeof d);
    *day = arena_strdup(&c->a, d);
    return E_OK;
}

kerr worklog(ctx *c) {
    int64_t uid, from, *ids = NULL;
    const char *name, *day;
    kerr e;
    if ((e = worklog_who(c, &uid, &name)) || (e = worklog_day(c, &from, &day))) return e;
    qb b;
    qb_init(&b);
    int n = ctx_perm_projects(c, "tickets.read", &ids);
    if (n >= 0) qb_in_ids(&b, "e.project_id IN ?*", ids, n);
    qb_and(&b, "e.entity = 'ticket' AND e.actor_id = ? AND e.at >= ? AND e.at < ?", DI(uid), DI(from), DI(from + 86400));
    bool named = false;
    if ((e = complaint_user_named(c, &named))) { qb_free(&b); return e; }
    if (named)   /* a complaint naming the reader is not shown to them (C7), in anyone's log either */
        qb_and(&b, "NOT EXISTS (SELECT 1 FROM complaint_staff cs WHERE cs.ticket_id = e.entity_id AND cs.user_id = ?)",
               DI(c->user->id));
    char *sql = qb_sql(&b, &c->a, "SELECT e.at, e.entity_id, t.number, t.kind, e.action, e.to_state, e.note, "
                                  "COALESCE(un.code, t.location), t.content FROM events e JOIN tickets t ON t.id = e.entity_id "
                                  "LEFT JOIN units un ON un.id = t.unit_id", "ORDER BY e.at, e.id LIMIT 2000");
    db_stmt *st = sql ? db_query_a(c->db, sql, qb_args(&b, 0, DN, DN)) : NULL;
    qb_free(&b);
    if (!st) return sql ? db_last_kerr(c->db) : E_NOMEM;
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_str(w, "date", day);
    jw_int(w, "user_id", uid);
    jw_str(w, "user_name", name);
    jw_arr(w, "items");
    int64_t counts[32] = {0};   /* per transition of TICKET_WF (fewer than 32) */
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *action = db_col_text(st, 4);
        const wf_transition *t = wf_find(&TICKET_WF, action);
        if (t && t - TICKET_WF.transitions < 32) counts[t - TICKET_WF.transitions]++;
        jw_obj(w, NULL);
        jw_time(w, "at", db_col_int(st, 0));
        jw_int(w, "ticket_id", db_col_int(st, 1));
        jw_str(w, "number", db_col_text(st, 2));
        jw_str(w, "kind_label", code_label_of(TICKET_KINDS, db_col_text(st, 3)));
        jw_str(w, "action", action);
        jw_str(w, "action_label", t ? t->label : action);
        jw_str(w, "state_label", wf_state_label(&TICKET_WF, db_col_text(st, 5)));
        jw_str(w, "note", db_col_text(st, 6));
        jw_str(w, "place", db_col_text(st, 7));
        jw_str(w, "content", db_col_text(st, 8));
        jw_end(w);
    }
    db_finish(st);
    if (rc != DB_DONE) return db_last_kerr(c->db);
    jw_end(w);
    jw_obj(w, "summary");
    for (int i = 0; i < 32 && TICKET_WF.transitions[i].action; i++)
        if (counts[i]) jw_int(w, TICKET_WF.transitions[i].action, counts[i]);
    jw_end(w);
    jw_end(w);
    return E_OK;
}

static const export_col worklog_cols[] = {
    {"at", "时间", EX_TIME, NULL},          {"number", "单号", EX_TEXT, NULL},
    {"kind_label", "类型", EX_TEXT, NULL},  {"place", "房号/位置", EX_TEXT, NULL},
    {"content", "内容", EX_TEXT, NULL},     {"action_label", "操作", EX_TEXT, NULL},
    {"state_label", "之后状态", EX_TEXT, NULL}, {"note", "说明", EX_TEXT, NULL},
    {NULL, NULL, 0, NULL},
};
const export_spec worklog_export = {"个人工作日志", worklog_cols};
