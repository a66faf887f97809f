/*
** tickets_list.c — the ticket lists of a working day (SPEC B2, B4, R5, R6): filters, my open
** items (首问负责制), the technician's queue, yesterday's leftovers, overdue and due-today
** callbacks, the dispatch queue; the technicians to dispatch to; the repair categories' times
** and the repair workflow's switches.
*/
#include "complaints.h"
#include "core/qb.h"
#include "kit/list.h"
#include "kit/settings.h"
#include <stdio.h>
#include <ctype.h>
#include <string.h>

static const code_label STATES[] = {{"open"}, {"registered"}, {"pending_dispatch"}, {"dispatched"}, {"in_progress"},
                                    {"completed"}, {"called_back"}, {"closed"}, {"cancelled"},
                                    {"assigned"}, {"replied"}, {"handled"}, {"voided"}, {NULL}};
static const char *const OVERDUE_KINDS[] = {"dispatch", "complete", "callback", "reply", "handle", "any", NULL};
/* not closed, cancelled or voided, as a list an index can use */
/* (the partial index tickets_mine, migration 0008, holds these states: keep the two lists equal) */
#define UNFINISHED "('open','registered','pending_dispatch','dispatched','in_progress','completed','called_back'," \
                   "'assigned','replied','handled')"

/* The nearest open deadline of each row (one index seek per row): when, which, late or close. */
#define LIST_COLS TICKET_COLS ", nd.due_at AS due_at, nd.kind, nd.overdue_at, nd.warned_at, cp.type, cp.severity, " \
                  "cp.escalation_level, cp.handler_id, hu.display_name, cp.department"
/* A LIST_COLS row: the ticket, its nearest deadline and, for a complaint, the complaint's own
** columns (its type is NULL for other kinds). Text borrowed until the next step. */
typedef struct list_rec {
    ticket_rec t;
    int64_t due_at, escalation_level, handler_id;
    bool has_due, overdue, warned, complaint, has_handler;
    const char *due_kind, *type, *severity, *handler_name, *department;
} list_rec;

static int list_rec_read(db_stmt *st, list_rec *r) {
    int i = ticket_rec_read(st, &r->t);
    r->has_due = !db_col_is_null(st, i), r->due_at = db_col_int(st, i++);
    r->due_kind = db_col_text(st, i++);
    r->overdue = !db_col_is_null(st, i++);
    r->warned = !db_col_is_null(st, i++);
    r->complaint = !db_col_is_null(st, i), r->type = db_col_text(st, i++);
    r->severity = db_col_text(st, i++);
    r->escalation_level = db_col_int(st, i++);
    r->has_handler = !db_col_is_null(st, i), r->handler_id = db_col_int(st, i++);
    r->handler_name = db_col_text(st, i++);
    r->department = db_col_text(st, i++);
    return i;
}
/* a complaint's own columns (NULL for other kinds) */
#define COMPLAINT_JOINS "LEFT JOIN complaints cp ON cp.ticket_id = t.id LEFT JOIN users hu ON hu.id = cp.handler_id "
#define NEAREST "LEFT JOIN deadlines nd ON nd.id = (SELECT d.id FROM deadlines d WHERE d.entity = 'ticket' " \
                "AND d.entity_id = t.id AND d.met_at IS NULL ORDER BY d.due_at LIMIT 1)"
/* The overdue and due-today views start from the open deadlines (od), in due order, so the
** first page is read without visiting every late ticket of the company. */
#define BY_DEADLINE "deadlines od JOIN tickets t ON t.id = od.entity_id AND od.entity = 'ticket' AND od.met_at IS NULL "

/* The count of a deadline view whose filters name only the deadline: every ticket deadline has
** its ticket (tickets are never deleted), so the join would change nothing and cost one random
** read of the tickets table per late deadline (18 ms for the company's 28k). */
#define BY_DEADLINE_ONLY "(SELECT * FROM deadlines WHERE entity = 'ticket' AND met_at IS NULL) od "

/* Whether every column the conditions name is one of `names`: a qualifier ("od.") stands for
** all of its columns. */
static bool names_only(qb *b, const char *const *names) {
    const char *w = buf_cstr(&b->where);
    for (const char *p = strchr(w, '.'); p; p = strchr(p + 1, '.')) {
        const char *q = p, *e = p + 1;
        while (q > w && (isalnum((unsigned char)q[-1]) || q[-1] == '_')) q--;
        while (isalnum((unsigned char)*e) || *e == '_') e++;
        bool ok = false;
        for (int i = 0; names[i] && !ok; i++) {
            size_t n = strlen(names[i]);
            ok = names[i][n - 1] == '.' ? (size_t)(p + 1 - q) == n && !strncmp(q, names[i], n)
                                        : (size_t)(e - q) == n && !strncmp(q, names[i], n);
        }
        if (!ok) return false;
    }
    return true;
}

/* The count of a list filtered by nothing but the projects the user sees, the kind, the state
** and the receiver (我的 ?mine=1 is receiver and open states): ticket_counts keeps one row per
** project, receiver, kind and state (tickets_agg.c; `kefu check` compares it with the tickets),
** so an agent's 50k open tickets are counted from a few rows (the conditions read the columns of
** the same names). */
#define COUNTED (const char *const[]){"t.project_id", "t.kind", "t.state", "t.received_by", NULL}
#define COUNTED_COUNT "COALESCE(SUM(t.n), 0)"
#define COUNTED_FROM "ticket_counts t"

/* How a list is read: its order, and whether it starts from the deadlines. */
typedef struct shape { const char *order; bool by_deadline; } shape;

kerr tickets_scope(ctx *c, qb *b) { return scope_projects(c, b, "tickets.read", "t.project_id"); }


static kerr filter_ids(ctx *c, qb *b) {
    static const id_filter ids[] = {
        {"unit_id", "房屋", "t.unit_id = ?"}, {"building_id", "楼栋", "t.building_id = ?"},
        {"technician_id", "维修人员", "t.technician_id = ?"}, {"received_by", "登记人", "t.received_by = ?"},
    };
    return q_id_filters(c, b, ids, sizeof ids / sizeof *ids);
}

static kerr filter_dates(ctx *c, qb *b) {
    int64_t from, to, cb_from, cb_to;
    kerr e;
    if ((e = q_date(c, "from", "开始日期", &from)) || (e = q_date(c, "to", "结束日期", &to)) ||
        (e = q_date(c, "called_back_from", "回访开始日期", &cb_from)) || (e = q_date(c, "called_back_to", "回访结束日期", &cb_to)))
        return e;
    if (from) qb_and(b, "t.created_at >= ?", DI(from));
    if (to) qb_and(b, "t.created_at < ?", DI(to + 86400));
    if (cb_from) qb_and(b, "t.called_back_at >= ?", DI(cb_from));
    if (cb_to) qb_and(b, "t.called_back_at < ?", DI(cb_to + 86400));
    return E_OK;
}

/* Complaint filters (SPEC C2, C6): severity, type, escalated, handler, my complaints to handle. */
static kerr filter_complaints(ctx *c, qb *b, bool *on_cp) {
    int64_t escalated = 0, handler = 0, handling = 0;
    const char *type = q_str(c, "complaint_type");
    kerr e;
    if ((e = q_code_list(c, b, "severity", "严重程度", "cp.severity", COMPLAINT_SEVERITIES)) ||
        (e = q_int(c, "escalated", "已升级", 0, 2, 0, &escalated)) ||
        (e = q_int(c, "handler_id", "处理人", 1, INT64_MAX, 0, &handler)) ||
        (e = q_int(c, "handling", "我处理的投诉", 0, 1, 0, &handling)))
        return e;
    if (type) qb_and(b, "cp.type = ?", DT(type));
    /* literal levels: the partial index complaints_escalated (escalation_level > 0) serves them */
    if (escalated) qb_and(b, escalated == 2 ? "cp.escalation_level > 0 AND cp.escalation_level >= 2" : "cp.escalation_level > 0");
    if (handler) qb_and(b, "cp.handler_id = ?", DI(handler));
    if (handling) qb_and(b, "cp.handler_id = ? AND t.state IN ('assigned','replied')", DI(c->user->id));
    *on_cp = q_str(c, "severity") || type || escalated || handler || handling;
    /* the few escalated or handled-by complaints are read from the complaints, not the project's tickets */
    if ((escalated || handler || handling) && (e = scope_projects(c, b, "tickets.read", "cp.project_id"))) return e;
    bool named = false;
    if ((e = complaint_user_named(c, &named))) return e;
    if (named)   /* a complaint naming the user is not shown to them (C7) */
        qb_and(b, "NOT EXISTS (SELECT 1 FROM complaint_staff cs WHERE cs.ticket_id = t.id AND cs.user_id = ?)",
               DI(c->user->id));
    return E_OK;
}

/* The dispatch queue (issue 20): ?waiting=dispatch the repairs 待派工 (a repair's state only),
** ?waiting=assign the complaints not yet assigned (已登记: no handler yet), both with
** ?waiting=dispatch,assign; oldest first. One state is read in that order from the index
** tickets_state (project, state, created_at); both are two seeks of it and a sort of the few
** rows: "+ 0" keeps SQLite from reading the project's every ticket in time order through
** tickets_project instead (15k tickets: 50–160 ms against 2 ms). It names only the state and
** the kind, so its count is read from ticket_counts. */
static kerr filter_waiting(ctx *c, qb *b, shape *sh) {
    const char *v = q_str(c, "waiting");
    if (!v) return E_OK;
    bool dispatch = false, assign = false;
    char *list = arena_strdup(&c->a, v), *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "dispatch")) dispatch = true;
        else if (!strcmp(tok, "assign")) assign = true;
        else return ctx_fail(c, E_BAD_REQUEST, "waiting", "waiting 应为 dispatch（待派工）或 assign（待分派的投诉）");
    }
    if (dispatch && assign) qb_and(b, "t.state = 'pending_dispatch' OR (t.kind = 'complaint' AND t.state = 'registered')");
    else if (dispatch) qb_and(b, "t.state = 'pending_dispatch'");
    else if (assign) qb_and(b, "t.kind = 'complaint' AND t.state = 'registered'");
    sh->order = dispatch && assign ? "ORDER BY t.created_at + 0, t.id" : "ORDER BY t.created_at, t.id";
    return E_OK;
}

/* The working views: mine, queue, carryover, overdue, due today. */
static kerr filter_views(ctx *c, qb *b, shape *sh) {
    int64_t mine = 0, queue = 0, carry = 0;
    const char *overdue = q_str(c, "overdue"), *due = q_str(c, "due");
    kerr e;
    if ((e = q_int(c, "mine", "我的", 0, 1, 0, &mine)) || (e = q_int(c, "queue", "我的派工单", 0, 1, 0, &queue)) ||
        (e = q_int(c, "carryover", "昨日未完成", 0, 1, 0, &carry)))
        return e;
    if (mine) qb_and(b, "t.received_by = ? AND t.state IN " UNFINISHED, DI(c->user->id));
    if (queue) {
        qb_and(b, "t.technician_id = ? AND t.state IN ('dispatched','in_progress')", DI(c->user->id));
        sh->order = "ORDER BY COALESCE(t.appointment_at, t.dispatched_at), t.id";
    }
    if (carry) qb_and(b, "t.created_at < ? AND t.state IN " UNFINISHED, DI(clock_day_start(c->now)));
    if (overdue) {
        int k = 0;
        while (OVERDUE_KINDS[k] && strcmp(OVERDUE_KINDS[k], overdue)) k++;
        if (!OVERDUE_KINDS[k])
            return ctx_fail(c, E_BAD_REQUEST, "overdue", "overdue 应为 dispatch、complete、callback、reply、handle 或 any");
        if (strcmp(overdue, "any")) qb_and(b, "od.overdue_at IS NOT NULL AND od.kind = ?", DT(overdue));
        else qb_and(b, "od.overdue_at IS NOT NULL");
        *sh = (shape){"ORDER BY od.due_at, od.id", true};
    }
    if (due) {
        if (strcmp(due, "today")) return ctx_fail(c, E_BAD_REQUEST, "due", "due 只支持 today");
        qb_and(b, "od.kind = 'callback' AND od.due_at < ?", DI(clock_day_start(c->now) + 86400));
        *sh = (shape){"ORDER BY od.due_at, od.id", true};
    }
    if (sh->by_deadline) return scope_projects(c, b, "tickets.read", "od.project_id");   /* so the deadlines index is read per project */
    return E_OK;
}

/* The deadlines each kind of ticket opens: repairs dispatch, complete and callback
** (tickets_flow.c), complaints reply, handle and callback (complaints_flow.c), the other kinds
** none. A deadline view filtered by kind reads only those deadlines (index deadlines_due_open)
** instead of joining every late deadline of the company to its ticket: the complaints' overdue
** list counted their 5k open deadlines instead of 60k late ones, mostly undispatched repairs
** (46 ms → 6 ms). */
static void deadline_kinds(ctx *c, qb *b, const char *kind) {
    const char *v = kind ? kind : q_str(c, "kind");
    if (!v) return;
    bool repair = false, complaint = false;
    char *list = arena_strdup(&c->a, v), *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        complaint |= !strcmp(tok, "complaint");
        repair |= ticket_is_repair(tok);
    }
    if (repair && complaint) return;
    qb_and(b, complaint ? "od.kind IN ('reply','handle','callback')"
              : repair  ? "od.kind IN ('dispatch','complete','callback')"
                        : "od.kind IN ('')");
}

/* kind: the one kind a list holds (the complaints list), else ?kind= */
static kerr tickets_filter(ctx *c, qb *b, shape *sh, bool *on_cp, const char *kind) {
    kerr e;
    if ((e = tickets_scope(c, b)) || (e = q_code_list(c, b, "state", "状态", "t.state", STATES)) ||
        (e = q_code_list(c, b, "kind", "类型", "t.kind", TICKET_KINDS)) ||
        (e = q_code_list(c, b, "channel", "来源", "t.channel", TICKET_CHANNELS)) ||
        (e = q_code_list(c, b, "category", "报修类别", "t.category", REPAIR_CATEGORIES)) ||
        (e = filter_ids(c, b)) || (e = filter_dates(c, b)) || (e = filter_complaints(c, b, on_cp)) ||
        (e = filter_waiting(c, b, sh)) || (e = filter_views(c, b, sh)))
        return e;
    if (kind) qb_and(b, "t.kind = ?", DT(kind));
    if (sh->by_deadline) deadline_kinds(c, b, kind);
    const char *q = q_str(c, "q");
    if (q) {
        const char *like = qb_like(&c->a, q);
        qb_and(b, "t.number LIKE ? ESCAPE '\\' OR t.caller LIKE ? ESCAPE '\\' OR t.phone LIKE ? ESCAPE '\\' "
                  "OR t.content LIKE ? ESCAPE '\\' OR un.code LIKE ? ESCAPE '\\'",
               DT(like), DT(like), DT(like), DT(like), DT(like));
    }
    return E_OK;
}

/* What the complaints list adds to a row (the 客情记录表's handling and the callback). */
#define HANDLING_COLS ", cp.reply, cp.replied_at, cp.cause, cp.corrective, cp.preventive, cp.result, cp.valid, " \
                      "cp.handled_at, t.callback_method, t.callback_result, t.closed_at"

/* The handling of a complaint (the columns HANDLING_COLS from i) in its complaint object. */
static void handling_fields(db_stmt *st, int i, jw *w) {
    jw_str(w, "reply", db_col_text(st, i));
    jw_time(w, "replied_at", db_col_int(st, i + 1));
    jw_str(w, "cause", db_col_text(st, i + 2));
    jw_str(w, "corrective_action", db_col_text(st, i + 3));
    jw_str(w, "preventive_action", db_col_text(st, i + 4));
    jw_str(w, "result", db_col_text(st, i + 5));
    if (db_col_is_null(st, i + 6)) jw_null(w, "valid"); else jw_bool(w, "valid", db_col_int(st, i + 6) != 0);
    jw_time(w, "handled_at", db_col_int(st, i + 7));
}

/* The callback and the closing of a complaint (HANDLING_COLS from i), beside the ticket's fields. */
static void callback_fields(db_stmt *st, int i, jw *w) {
    const char *method = db_col_text(st, i + 8), *label = code_label_of(CALLBACK_METHODS, method);
    jw_str(w, "callback_method", method);
    jw_str(w, "callback_method_label", label ? label : "");
    jw_str(w, "callback_result", db_col_text(st, i + 9));
    jw_time(w, "closed_at", db_col_int(st, i + 10));
}

/* A complaint's severity, type, escalation and handler in the list; with more (the complaints
** list), its handling from column `at` of st. */
static kerr complaint_fields(ctx *c, const list_rec *r, jw *w, db_stmt *more, int at) {
    const char *label;
    if (!r->complaint) return E_OK;
    kerr e = complaint_type_label(c, r->t.project_id, r->type, &label);
    if (e) return e;
    jw_obj(w, "complaint");
    jw_str(w, "type", r->type);
    jw_str(w, "type_label", label);
    jw_str(w, "severity", r->severity);
    jw_str(w, "severity_label", code_label_of(COMPLAINT_SEVERITIES, r->severity));
    jw_int(w, "escalation_level", r->escalation_level);
    if (r->has_handler) jw_int(w, "handler_id", r->handler_id); else jw_null(w, "handler_id");
    jw_str(w, "handler_name", r->handler_name);
    jw_str(w, "department", r->department);
    if (more) handling_fields(more, at, w);
    jw_end(w);
    return E_OK;
}

static void due_fields(const list_rec *r, jw *w) {
    jw_time(w, "due_at", r->due_at);
    jw_str(w, "due_kind", r->due_kind);
    jw_str(w, "due_state", !r->has_due ? "" : r->overdue ? "overdue" : r->warned ? "due_soon" : "open");
    jw_arr(w, "overdue");
    if (r->overdue) jw_str(w, NULL, r->due_kind);
    jw_end(w);
}

/* One list item. */
static kerr ticket_item(ctx *c, db_stmt *st, jw *w, void *arg) {
    list_rec r;
    int at = list_rec_read(st, &r);
    bool handling = arg != NULL;   /* the complaints list */
    jw_obj(w, NULL);
    ticket_summary(c, &r.t, w, false);
    due_fields(&r, w);
    if (handling) callback_fields(st, at, w);
    kerr e = complaint_fields(c, &r, w, handling ? st : NULL, at);
    jw_end(w);
    return e;
}

/* How the page is read, from the filters: a list picks its page's tickets first (the filters'
** joins only), then reads the nearest deadline and the names for those alone; the deadline
** views are read in index order and stop at the page anyway; the count reads only what the
** filters name (q reads the unit code), from the counts table when it can. */
static kerr tickets_view(ctx *c, list_q *f) {
    shape sh = {"ORDER BY t.id DESC", false};
    bool on_cp = false;
    kerr e = tickets_filter(c, &f->b, &sh, &on_cp, f->arg);
    if (e) return e;
    const char *head = sh.by_deadline ? BY_DEADLINE : "tickets t ";
    const char *from = arena_printf(&c->a, "%s%s %s %s", head, TICKET_JOINS, COMPLAINT_JOINS,
                                    sh.by_deadline ? "LEFT JOIN deadlines nd ON nd.id = od.id" : NEAREST);
    const char *count_from = arena_printf(&c->a, "%s%s %s", head, q_str(c, "q") ? "LEFT JOIN units un ON un.id = t.unit_id" : "",
                                          on_cp ? "JOIN complaints cp ON cp.ticket_id = t.id" : "");
    bool counted = !sh.by_deadline && !on_cp && !q_str(c, "q") && names_only(&f->b, COUNTED);
    const char *pick_from = count_from;
    if (counted) count_from = COUNTED_FROM;
    if (sh.by_deadline && !on_cp && names_only(&f->b, (const char *const[]){"od.", NULL})) count_from = BY_DEADLINE_ONLY;
    f->spec = (list_spec){.cols = LIST_COLS, .from = from, .order = sh.order, .count_from = count_from,
                          .key = sh.by_deadline ? NULL : "t.id", .pick_from = pick_from,
                          .count_expr = counted ? COUNTED_COUNT : NULL};
    return E_OK;
}

static const list_def TICKETS = {.filter = tickets_view, .row = ticket_item};   /* scoped by tickets_filter */
kerr tickets_list(ctx *c) { return list_run(c, &TICKETS, NULL); }

/* The complaints list (GET /complaints): the tickets list's filters and views on complaints
** alone, each row with its handling and callback (the 客情记录表's columns, for the export). */
static kerr complaints_view(ctx *c, list_q *f) {
    kerr e = tickets_view(c, f);
    f->spec.cols = LIST_COLS HANDLING_COLS;
    return e;
}
static const list_def COMPLAINTS = {.filter = complaints_view, .row = ticket_item};
kerr complaints_list(ctx *c) { return list_run(c, &COMPLAINTS, (void *)"complaint"); }

static const char *overdue_text(arena *a, json_t *item) {
    static const code_label kinds[] = {{"dispatch", "派工超时"}, {"complete", "完工超时"}, {"callback", "回访超时"},
                                       {"reply", "答复超时"}, {"handle", "处理超时"}, {NULL, NULL}};
    json_t *o = json_array_get(json_object_get(item, "overdue"), 0);
    const char *l = o ? code_label_of(kinds, json_string_value(o)) : NULL;
    return arena_strdup(a, l ? l : "");
}

/* Whom a complaint has risen to ("" for other kinds and for none). */
static const char *cp_level(arena *a, json_t *item) {
    static const char *const levels[] = {"", "客服主管", "管理处经理"};
    json_int_t n = json_integer_value(json_object_get(json_object_get(item, "complaint"), "escalation_level"));
    (void)a;
    return levels[n >= 0 && n <= 2 ? n : 0];
}

static const export_col ticket_cols[] = {
    {"number", "单号", EX_TEXT, NULL},           {"kind_label", "类型", EX_TEXT, NULL},
    {"channel_label", "来源", EX_TEXT, NULL},    {"state_label", "状态", EX_TEXT, NULL},
    {"unit_code", "房号", EX_TEXT, NULL},        {"location", "公共位置", EX_TEXT, NULL},
    {"caller", "联系人", EX_TEXT, NULL},         {"phone", "电话", EX_TEXT, NULL},
    {"content", "内容", EX_TEXT, NULL},          {"category_label", "报修类别", EX_TEXT, NULL},
    {"paid", "有偿", EX_BOOL, NULL},             {"appointment_at", "预约时间", EX_TIME, NULL},
    {"received_by_name", "登记人", EX_TEXT, NULL}, {"technician_name", "维修人员", EX_TEXT, NULL},
    {"created_at", "登记时间", EX_TIME, NULL},   {"completed_at", "完工时间", EX_TIME, NULL},
    {"called_back_at", "回访时间", EX_TIME, NULL}, {"satisfaction_label", "满意度", EX_TEXT, NULL},
    {"due_at", "时限", EX_TIME, NULL},           {"overdue", "超时", EX_TEXT, overdue_text},
    {"complaint.type_label", "投诉类型", EX_TEXT, NULL}, {"complaint.severity_label", "投诉程度", EX_TEXT, NULL},
    {"complaint.handler_name", "投诉处理人", EX_TEXT, NULL}, {"complaint", "已升级至", EX_TEXT, cp_level},
    {NULL, NULL, 0, NULL},
};
const export_spec ticket_export = {"工单列表", ticket_cols};

/* What a complaint's nearest deadline says: 答复超时, 处理即将到期, 回访未到期; "" when none is open. */
static const char *deadline_text(arena *a, json_t *item) {
    static const code_label kinds[] = {{"reply", "答复"}, {"handle", "处理"}, {"callback", "回访"}, {NULL, NULL}};
    static const code_label states[] = {{"overdue", "超时"}, {"due_soon", "即将到期"}, {"open", "未到期"}, {NULL, NULL}};
    const char *k = code_label_of(kinds, json_string_value(json_object_get(item, "due_kind")));
    const char *s = code_label_of(states, json_string_value(json_object_get(item, "due_state")));
    return k && s ? arena_printf(a, "%s%s", k, s) : "";
}

/* 客情记录表 as a list: the complaint, its handling, its callback. */
static const export_col complaint_cols[] = {
    {"number", "投诉编号", EX_TEXT, NULL},                {"created_at", "登记时间", EX_TIME, NULL},
    {"channel_label", "来源", EX_TEXT, NULL},             {"unit_code", "房号", EX_TEXT, NULL},
    {"location", "公共位置", EX_TEXT, NULL},              {"caller", "投诉人", EX_TEXT, NULL},
    {"phone", "电话", EX_TEXT, NULL},                     {"content", "投诉内容", EX_TEXT, NULL},
    {"complaint.type_label", "投诉类型", EX_TEXT, NULL},  {"complaint.severity_label", "严重程度", EX_TEXT, NULL},
    {"complaint.department", "责任部门", EX_TEXT, NULL},  {"complaint.handler_name", "处理人", EX_TEXT, NULL},
    {"state_label", "状态", EX_TEXT, NULL},               {"due_at", "时限", EX_TIME, NULL},
    {"due_state", "时限状态", EX_TEXT, deadline_text},    {"complaint", "已升级至", EX_TEXT, cp_level},
    {"complaint.reply", "答复内容", EX_TEXT, NULL},       {"complaint.replied_at", "答复时间", EX_TIME, NULL},
    {"complaint.cause", "原因分析", EX_TEXT, NULL},       {"complaint.corrective_action", "整改措施", EX_TEXT, NULL},
    {"complaint.preventive_action", "预防措施", EX_TEXT, NULL}, {"complaint.result", "处理结果", EX_TEXT, NULL},
    {"complaint.valid", "有效投诉", EX_BOOL, NULL},       {"complaint.handled_at", "处理完毕时间", EX_TIME, NULL},
    {"callback_method_label", "回访方式", EX_TEXT, NULL}, {"callback_result", "回访结果", EX_TEXT, NULL},
    {"satisfaction_label", "满意度", EX_TEXT, NULL},      {"called_back_at", "回访时间", EX_TIME, NULL},
    {"closed_at", "关闭时间", EX_TIME, NULL},
    {NULL, NULL, 0, NULL},
};
const export_spec complaint_export = {"投诉列表", complaint_cols};

/* ---- technicians to dispatch to ---- */


static void technician_row(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)c, (void)arg;
    jw_int(w, "id", db_col_int(st, 0));
    jw_str(w, "display_name", db_col_text(st, 1));
    jw_str(w, "phone", db_col_text(st, 2));
    jw_int(w, "open_orders", db_col_int(st, 3));
}

kerr technicians_list(ctx *c) {
    int64_t pid = 0;
    kerr e = query_project(c, "tickets.read", &pid);
    if (e) return e;
    db_stmt *st = db_query(c->db, "SELECT u.id, u.display_name, u.phone, (SELECT COUNT(*) FROM tickets t WHERE "
                                  "t.technician_id = u.id AND t.state IN ('dispatched','in_progress')) AS busy "
                                  "FROM users u WHERE u.disabled = 0 AND u.id IN (SELECT user_id FROM user_roles WHERE "
                                  "role = 'technician' AND (project_id = ? OR project_id IS NULL)) "
                                  "ORDER BY busy, u.display_name, u.id", DI(pid));
    return json_items(c, st, technician_row, NULL);
}

/* The project's staff (active users with a role there or company-wide) and their roles, for
** naming the staff a complaint is about and choosing its handler; the desk does not hold
** users.read, and needs no more than names and roles. */
kerr staff_list(ctx *c) {
    int64_t pid = 0;
    kerr e = query_project(c, "tickets.read", &pid);
    if (e) return e;
    db_stmt *st = db_query(c->db, "SELECT u.id, u.display_name, ur.role FROM users u JOIN user_roles ur ON ur.user_id = u.id "
                                  "WHERE u.disabled = 0 AND (ur.project_id = ? OR ur.project_id IS NULL) "
                                  "ORDER BY u.display_name, u.id, ur.role", DI(pid));
    if (!st) return db_last_kerr(c->db);
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_arr(w, "items");
    int64_t last = 0;
    buf labels;
    buf_init(&labels);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        const char *label = role_label(role_from_name(db_col_text(st, 2)));
        if (id == last) { buf_printf(&labels, "、%s", label); continue; }
        if (last) { jw_str(w, "role_label", buf_cstr(&labels)); jw_end(w); }
        buf_reset(&labels);
        buf_puts(&labels, label);
        jw_obj(w, NULL);
        jw_int(w, "id", id);
        jw_str(w, "display_name", db_col_text(st, 1));
        last = id;
    }
    if (last) { jw_str(w, "role_label", buf_cstr(&labels)); jw_end(w); }
    buf_free(&labels);
    db_finish(st);
    jw_end(w);
    jw_end(w);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

/* ---- repair categories: dispatch / completion times per project; the workflow's switches ---- */


kerr repair_categories_list(ctx *c) { return settings_list(c, &REPAIR_SLA); }
kerr repair_category_put(ctx *c) { return setting_put(c, &REPAIR_SLA); }
kerr ticket_options_list(ctx *c) { return settings_list(c, &TICKET_OPTIONS); }
kerr ticket_option_put(ctx *c) { return setting_put(c, &TICKET_OPTIONS); }
