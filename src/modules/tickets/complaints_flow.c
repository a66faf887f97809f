/*
** complaints_flow.c — the complaint workflow (SPEC C2–C4, C6) as one static table run by the
** workflow engine: 已登记 → 已分派 → 已答复 → 已处理 → 已回访 → 已关闭, with reassign,
** escalate, reopen (by hand, or at once after an unsatisfied callback), void for a mistaken
** registration (the record stays), and notes.
**
** The handler a complaint is assigned to holds ROLE_HANDLER on it, whatever their role: they
** reply and record the result; of the others only the supervisor and the manager may record
** the result (issue 6, point 7). Deadlines: reply and handling from registration
** (complaints.c), the callback from handling; the tick escalates late ones (escalate below).
*/
#include "complaints.h"
#include "core/deadline.h"
#include <string.h>

#define DESK (ROLE_ADMIN | ROLE_MANAGER | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD)
#define LEAD (ROLE_ADMIN | ROLE_MANAGER | ROLE_SUPERVISOR)

typedef struct cp_act {
    ctx *c;                              /* NULL when the system acts (the escalation tick) */
    int64_t handler_id, due_at, level, new_level;
    const char *number, *severity, *department, *reply, *method, *satisfaction;
    const char *result, *cause, *corrective, *preventive;
    bool valid, auto_reopen;
    complaint_in cls;                    /* classify: the fields given, and their names for the history */
    const char *type_label, *staff_names;
} cp_act;

static kerr refuse(wf_run *r, const char *field, const char *msg) {
    r->err_field = field;
    r->err_msg = msg;
    return E_VALIDATION;
}

static kerr only(wf_run *r, const char *const *f) { return in_only(((cp_act *)r->user)->c, f); }

static kerr text(wf_run *r, const char *key, const char *label, unsigned flags, int max, const char **out) {
    return in_str(((cp_act *)r->user)->c, key, label, flags | IN_MULTILINE, max, out);
}


/* ---- assign / reassign ---- */

static kerr read_handler(wf_run *r, unsigned flags) {
    cp_act *a = r->user;
    kerr e = in_int(a->c, "handler_id", "处理人", flags, 1, INT64_MAX, &a->handler_id, NULL);
    if (e || !a->handler_id) return e;
    if (!db_exists(r->db, "SELECT 1 FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE ur.user_id = ? "
                          "AND (ur.project_id = ? OR ur.project_id IS NULL) AND u.disabled = 0",
                   DI(a->handler_id), DI(r->project_id)))
        return refuse(r, "handler_id", "请选择本管理处的员工作为处理人");
    if (db_exists(r->db, "SELECT 1 FROM complaint_staff WHERE ticket_id = ? AND user_id = ?", DI(r->id), DI(a->handler_id)))
        return refuse(r, "handler_id", "被投诉人不能处理针对自己的投诉");
    return E_OK;
}

/* The handler's deadline: in the future and not later than the rule's (due_at, or deadline). */
static kerr read_due(wf_run *r) {
    cp_act *a = r->user;
    const char *s = NULL, *alias = NULL, *key = "due_at";
    kerr e;
    if ((e = in_str(a->c, "due_at", "处理期限", 0, 40, &s)) || (e = in_str(a->c, "deadline", "处理期限", 0, 40, &alias)))
        return e;
    if (!s && alias) s = alias, key = "deadline";
    if (!s) return E_OK;
    if (!clock_parse_iso(s, &a->due_at)) return refuse(r, key, "处理期限格式应为 2026-11-25T18:00:00+08:00");
    if (a->due_at <= r->now) return refuse(r, key, "处理期限不能早于现在");
    int64_t rule_due = 0;
    db_int(r->db, &rule_due, "SELECT handle_due_at FROM complaints WHERE ticket_id = ?", DI(r->id));
    if (a->due_at > rule_due) {
        char when[40];
        clock_iso(rule_due, when, sizeof when);
        return refuse(r, key, arena_printf(r->a, "处理期限不能晚于规定时限（%.16s）", when));
    }
    return E_OK;
}

static void assign_data(void *u, jw *w) {
    cp_act *a = u;
    jw_str(w, "department", a->department);
    jw_int(w, "handler_id", a->handler_id);
    char *name = db_text(a->c->db, &a->c->a, "SELECT display_name FROM users WHERE id = ?", DI(a->handler_id));
    jw_str(w, "handler_name", name ? name : "");
    if (a->due_at) jw_time(w, "due_at", a->due_at);
}

static kerr assign_guard(wf_run *r) {
    static const char *const f[] = {"version", "department", "handler_id", "due_at", "deadline", "note", NULL};
    cp_act *a = r->user;
    kerr e;
    if ((e = only(r, f)) || (e = in_str(a->c, "department", "责任部门", IN_REQUIRED, 50, &a->department)) ||
        (e = read_handler(r, IN_REQUIRED)) || (e = read_due(r)) || (e = text(r, "note", "备注", 0, 500, &r->note)))
        return e;
    r->data_json = wf_data(r, assign_data);
    return E_OK;
}

static kerr reassign_guard(wf_run *r) {
    static const char *const f[] = {"version", "department", "handler_id", "reason", NULL};
    cp_act *a = r->user;
    kerr e;
    if ((e = only(r, f)) || (e = in_str(a->c, "department", "责任部门", 0, 50, &a->department)) ||
        (e = read_handler(r, IN_REQUIRED)) || (e = text(r, "reason", "改派原因", IN_REQUIRED, 500, &r->note)))
        return e;
    int64_t cur = 0;
    db_int(r->db, &cur, "SELECT handler_id FROM complaints WHERE ticket_id = ?", DI(r->id));
    if (cur == a->handler_id) return refuse(r, "handler_id", "该投诉已由这位处理人处理");
    if (!a->department)
        a->department = db_text(r->db, r->a, "SELECT department FROM complaints WHERE ticket_id = ?", DI(r->id));
    r->data_json = wf_data(r, assign_data);
    return E_OK;
}

static kerr assign_effect(wf_run *r) {
    cp_act *a = r->user;
    kerr e = db_exec(r->db, "UPDATE complaints SET department = ?, handler_id = ?, assigned_at = ?, "
                            "handle_due_at = COALESCE(?, handle_due_at) WHERE ticket_id = ?",
                     DT(a->department), DI(a->handler_id), DI(r->now), a->due_at ? DI(a->due_at) : DN, DI(r->id));
    if (!e && a->due_at)
        e = db_exec(r->db, "UPDATE deadlines SET due_at = ?, warn_at = ?, warned_at = NULL, overdue_at = NULL "
                           "WHERE entity = 'ticket' AND entity_id = ? AND kind = 'handle' AND met_at IS NULL",
                    DI(a->due_at), DI(r->now + (a->due_at - r->now) * 2 / 3), DI(r->id));
    if (e) return e;
    return complaint_notify(r->db, r->project_id, r->id, 0, a->handler_id, "assigned",
                  arena_printf(r->a, "投诉 %s 已分派给您处理", a->number), r->now);
}

/* ---- reply, handle, callback ---- */

static void reply_data(void *u, jw *w) {
    cp_act *a = u;
    if (a->method) jw_str(w, "method", a->method);
}

static kerr reply_guard(wf_run *r) {
    static const char *const f[] = {"version", "reply", "method", "note", NULL};
    cp_act *a = r->user;
    kerr e;
    if ((e = only(r, f)) || (e = text(r, "reply", "答复内容", IN_REQUIRED, 2000, &a->reply)) ||
        (e = in_code(a->c, "method", "答复方式", 0, CALLBACK_METHODS, &a->method)) ||
        (e = text(r, "note", "备注", 0, 500, &r->note)))
        return e;
    r->data_json = wf_data(r, reply_data);
    return E_OK;
}

static kerr reply_effect(wf_run *r) {
    cp_act *a = r->user;
    kerr e = db_exec(r->db, "UPDATE complaints SET reply = ?, reply_method = ?, replied_at = COALESCE(replied_at, ?) "
                            "WHERE ticket_id = ?",
                     DT(a->reply), a->method ? DT(a->method) : DN, DI(r->now), DI(r->id));
    if (!e) e = db_exec(r->db, "UPDATE tickets SET reply = ? WHERE id = ?", DT(a->reply), DI(r->id));
    return e ? e : deadline_meet(r->db, "ticket", r->id, "reply", r->now, NULL);
}

static void handle_data(void *u, jw *w) {
    cp_act *a = u;
    jw_bool(w, "valid", a->valid);
}

/* A field that may also be sent under a short name (corrective for corrective_action). */
static kerr text_or(wf_run *r, const char *key, const char *alias, const char *label, unsigned flags, const char **out) {
    bool aliased = json_object_get(((cp_act *)r->user)->c->json, alias) && !json_object_get(((cp_act *)r->user)->c->json, key);
    return text(r, aliased ? alias : key, label, flags, 1000, out);
}

static kerr handle_guard(wf_run *r) {
    static const char *const f[] = {"version", "result", "cause", "corrective_action", "preventive_action", "corrective",
                                    "preventive", "valid", "note", NULL};
    cp_act *a = r->user;
    bool has_valid = false;
    kerr e;
    if ((e = only(r, f)) || (e = text(r, "result", "处理结果", IN_REQUIRED, 2000, &a->result)) ||
        (e = text(r, "cause", "原因分析", IN_REQUIRED, 1000, &a->cause)) ||
        (e = text_or(r, "corrective_action", "corrective", "整改措施", IN_REQUIRED, &a->corrective)) ||
        (e = text_or(r, "preventive_action", "preventive", "预防措施", 0, &a->preventive)) ||
        (e = in_bool(a->c, "valid", "是否有效投诉", IN_REQUIRED, &a->valid, &has_valid)) ||
        (e = text(r, "note", "备注", 0, 500, &r->note)))
        return e;
    r->data_json = wf_data(r, handle_data);
    return E_OK;
}

static kerr handle_effect(wf_run *r) {
    cp_act *a = r->user;
    kerr e = db_exec(r->db, "UPDATE complaints SET result = ?, cause = ?, corrective = ?, preventive = ?, valid = ?, "
                            "handled_at = COALESCE(handled_at, ?) WHERE ticket_id = ?",
                     DT(a->result), DT(a->cause), DT(a->corrective), DT(a->preventive ? a->preventive : ""),
                     DI(a->valid), DI(r->now), DI(r->id));
    if (!e) e = ticket_counted_exec(r->db, r->id, "UPDATE tickets SET completed_at = ?, work_done = ? WHERE id = ?",
                                    DI(r->now), DT(a->result), DI(r->id));
    if (!e) e = deadline_meet(r->db, "ticket", r->id, "handle", r->now, NULL);
    complaint_rule rule;
    if (e || (e = complaint_rule_of(r->db, r->project_id, a->severity, &rule))) return e;
    return deadline_open_warn(r->db, r->project_id, "ticket", r->id, "callback", arena_printf(r->a, "%s 回访", a->number),
                              r->now + rule.callback * 3600, r->now + rule.callback * 2400, r->now);
}

static void callback_data(void *u, jw *w) {
    cp_act *a = u;
    jw_str(w, "satisfaction", a->satisfaction);
    jw_str(w, "method", a->method);
}

static kerr callback_guard(wf_run *r) {
    static const char *const f[] = {"version", "method", "satisfaction", "result", NULL};
    cp_act *a = r->user;
    kerr e;
    if ((e = only(r, f)) || (e = in_code(a->c, "method", "回访方式", IN_REQUIRED, CALLBACK_METHODS, &a->method)) ||
        (e = in_code(a->c, "satisfaction", "满意度", IN_REQUIRED, SATISFACTIONS, &a->satisfaction)) ||
        (e = text(r, "result", "回访结果", IN_REQUIRED, 500, &r->note)))
        return e;
    r->data_json = wf_data(r, callback_data);
    return E_OK;
}

/* An unsatisfied complainant reopens the complaint at once: back to its handler. */
static kerr callback_effect(wf_run *r) {
    cp_act *a = r->user;
    return ticket_record_callback(r, a->method, a->satisfaction, "回访不满意，重新处理", &a->auto_reopen);
}

/* ---- reopen, close, void, escalate, note ---- */

static kerr reason_guard(wf_run *r) {
    static const char *const f[] = {"version", "reason", NULL};
    kerr e = only(r, f);
    return e ? e : text(r, "reason", "原因", IN_REQUIRED, 500, &r->note);
}

static kerr reopen_guard(wf_run *r) { return ((cp_act *)r->user)->auto_reopen ? E_OK : reason_guard(r); }

/* New reply and handling limits from now; the handler keeps the complaint. The complaint's
** first due times and first reply and handling stay as they were: the month's "on time"
** figures are about how the complaint was first dealt with. */
static kerr reopen_effect(wf_run *r) {
    cp_act *a = r->user;
    complaint_rule rule;
    kerr e = complaint_rule_of(r->db, r->project_id, a->severity, &rule);
    if (e) return e;
    int64_t rd = r->now + rule.reply * 3600, hd = r->now + rule.handle * 3600;
    e = db_exec(r->db, "UPDATE tickets SET reopen_count = reopen_count + 1, closed_at = NULL WHERE id = ?", DI(r->id));
    if (!e) e = deadline_meet(r->db, "ticket", r->id, NULL, r->now, NULL);
    if (!e) e = deadline_open_warn(r->db, r->project_id, "ticket", r->id, "reply", arena_printf(r->a, "%s 答复", a->number),
                                   rd, r->now + rule.reply * 2400, r->now);
    if (!e) e = deadline_open_warn(r->db, r->project_id, "ticket", r->id, "handle", arena_printf(r->a, "%s 处理", a->number),
                                   hd, r->now + rule.handle * 2400, r->now);
    int64_t handler = 0;
    if (!e && (e = db_read_int(r->db, &handler, "SELECT handler_id FROM complaints WHERE ticket_id = ?", DI(r->id))) == E_NOT_FOUND)
        e = E_OK, handler = 0;
    if (!e && handler)
        e = complaint_notify(r->db, r->project_id, r->id, 0, handler, "reopened", arena_printf(r->a, "投诉 %s 已重新打开，请再次处理", a->number),
                   r->now);
    return e;
}

static kerr close_guard(wf_run *r) {
    static const char *const f[] = {"version", "note", NULL};
    kerr e = only(r, f);
    return e ? e : text(r, "note", "备注", 0, 500, &r->note);
}

static kerr finish_effect(wf_run *r) {
    kerr e = db_exec(r->db, "UPDATE tickets SET closed_at = ? WHERE id = ?", DI(r->now), DI(r->id));
    return e ? e : deadline_meet(r->db, "ticket", r->id, NULL, r->now, NULL);
}

static void level_data(void *u, jw *w) {
    cp_act *a = u;
    jw_int(w, "escalation_level", a->new_level);
}

/* By hand: one level up with a reason. By the tick (no request): to the level it computed. */
static kerr escalate_guard(wf_run *r) {
    cp_act *a = r->user;
    if (!a->c) {
        r->data_json = wf_data(r, level_data);
        return E_OK;
    }
    static const char *const f[] = {"version", "reason", NULL};
    kerr e;
    if ((e = only(r, f)) || (e = text(r, "reason", "升级原因", 0, 500, &r->note))) return e;
    if (a->level >= 2) { r->err_msg = "已升级至管理处经理，不能再升级"; return E_STATE; }
    a->new_level = a->level + 1;
    r->data_json = wf_data(r, level_data);
    return E_OK;
}

static kerr escalate_effect(wf_run *r) {
    cp_act *a = r->user;
    kerr e = db_exec(r->db, "UPDATE complaints SET escalation_level = ?, escalated_at = ? WHERE ticket_id = ?",
                     DI(a->new_level), DI(r->now), DI(r->id));
    if (e) return e;
    const char *who = a->new_level >= 2 ? "管理处经理" : "客服主管";
    return complaint_notify(r->db, r->project_id, r->id, a->new_level >= 2 ? ROLE_MANAGER : ROLE_SUPERVISOR, 0, "escalated",
                  arena_printf(r->a, "投诉 %s 已升级至%s（%s）", a->number, who, a->c && r->note ? r->note : "超时未办结"),
                  r->now);
}

/* ---- classify: type, severity and the staff named, changed after registration ---- */

static void classify_data(void *u, jw *w) {
    cp_act *a = u;
    if (a->cls.type) {
        jw_str(w, "complaint_type", a->cls.type);
        jw_str(w, "type_label", a->type_label);
    }
    if (a->cls.severity) {
        jw_str(w, "severity", a->cls.severity);
        jw_str(w, "severity_label", code_label_of(COMPLAINT_SEVERITIES, a->cls.severity));
    }
    if (a->cls.staff_given) {
        jw_arr(w, "staff_ids");
        for (int i = 0; i < a->cls.nstaff; i++) jw_int(w, NULL, a->cls.staff[i]);
        jw_end(w);
        jw_str(w, "staff_names", a->staff_names);
    }
}

/* "张伟、刘强" (or 未指明) for the history. */
static const char *staff_names(wf_run *r, const complaint_in *in) {
    buf b;
    buf_init(&b);
    for (int i = 0; i < in->nstaff; i++) {
        char *n = db_text(r->db, r->a, "SELECT display_name FROM users WHERE id = ?", DI(in->staff[i]));
        buf_printf(&b, "%s%s", i ? "、" : "", n ? n : "");
    }
    const char *s = arena_strdup(r->a, b.len ? buf_cstr(&b) : "未指明");
    buf_free(&b);
    return s;
}

static kerr classify_guard(wf_run *r) {
    static const char *const f[] = {"version", "complaint_type", "type", "severity", "staff_ids", "note", NULL};
    cp_act *a = r->user;
    kerr e;
    if ((e = only(r, f)) || (e = complaint_read_given(a->c, r->project_id, &a->cls)) ||
        (e = text(r, "note", "备注", 0, 500, &r->note)))
        return e;
    if (!a->cls.given && !a->cls.staff_given)
        return refuse(r, "complaint_type", "请填写要修改的投诉类型、严重程度或被投诉人");
    for (int i = 0; i < a->cls.nstaff; i++)
        if (db_exists(r->db, "SELECT 1 FROM complaints WHERE ticket_id = ? AND handler_id = ?", DI(r->id), DI(a->cls.staff[i])))
            return refuse(r, arena_printf(r->a, "staff_ids[%d]", i), "处理人不能同时是被投诉人，请先改派");
    if (a->cls.type && (e = complaint_type_label(a->c, r->project_id, a->cls.type, &a->type_label))) return e;
    if (a->cls.staff_given) a->staff_names = staff_names(r, &a->cls);
    r->data_json = wf_data(r, classify_data);
    return E_OK;
}

/* A new severity moves the open reply and handling limits to the new rule's hours from when
** each limit started (registration, or the last reopen). */
static kerr move_limits(wf_run *r, const char *severity) {
    complaint_rule rule;
    static const char *const kinds[] = {"reply", "handle"};
    kerr e = complaint_rule_of(r->db, r->project_id, severity, &rule);
    if (e) return e;
    e = db_exec(r->db, "UPDATE complaints SET severity = ?, reply_due_at = created_at + ?, handle_due_at = created_at + ? "
                            "WHERE ticket_id = ?", DT(severity), DI(rule.reply * 3600), DI(rule.handle * 3600), DI(r->id));
    for (int i = 0; !e && i < 2; i++) {
        int64_t secs = (i ? rule.handle : rule.reply) * 3600;
        e = db_exec(r->db, "UPDATE deadlines SET due_at = created_at + ?, warn_at = created_at + ?, warned_at = NULL, "
                           "overdue_at = CASE WHEN created_at + ? < ? THEN overdue_at END "
                           "WHERE entity = 'ticket' AND entity_id = ? AND kind = ? AND met_at IS NULL",
                    DI(secs), DI(secs * 2 / 3), DI(secs), DI(r->now), DI(r->id), DT(kinds[i]));
    }
    return e;
}

static kerr classify_effect(wf_run *r) {
    cp_act *a = r->user;
    kerr e = E_OK;
    if (a->cls.type) e = db_exec(r->db, "UPDATE complaints SET type = ? WHERE ticket_id = ?", DT(a->cls.type), DI(r->id));
    if (!e && a->cls.severity && strcmp(a->cls.severity, a->severity)) e = move_limits(r, a->cls.severity);
    if (!e && a->cls.staff_given) e = db_exec(r->db, "DELETE FROM complaint_staff WHERE ticket_id = ?", DI(r->id));
    for (int i = 0; !e && i < a->cls.nstaff; i++)
        e = db_exec(r->db, "INSERT INTO complaint_staff(ticket_id, user_id) VALUES (?,?)", DI(r->id), DI(a->cls.staff[i]));
    return e;
}

static kerr note_guard(wf_run *r) {
    static const char *const f[] = {"version", "note", NULL};
    kerr e = only(r, f);
    return e ? e : text(r, "note", "备注", IN_REQUIRED, 500, &r->note);
}

static const wf_state COMPLAINT_STATES[] = {
    {"registered", "已登记"}, {"assigned", "已分派"}, {"replied", "已答复"}, {"handled", "已处理"},
    {"called_back", "已回访"}, {"closed", "已关闭"}, {"voided", "已作废"}, {NULL, NULL},
};

#define OPEN_STATES "registered", "assigned", "replied", "handled"
static const wf_transition COMPLAINT_TRANSITIONS[] = {
    {"create", "登记", {NULL}, NULL, 0, NULL, NULL},
    {"assign", "分派", {"registered"}, "assigned", DESK, assign_guard, assign_effect},
    {"reply", "答复", {"assigned"}, "replied", DESK | ROLE_HANDLER, reply_guard, reply_effect},
    {"handle", "处理完毕", {"replied"}, "handled", LEAD | ROLE_HANDLER, handle_guard, handle_effect},
    {"callback", "回访", {"handled"}, "called_back", DESK, callback_guard, callback_effect},
    {"close", "关闭", {"called_back"}, "closed", DESK, close_guard, finish_effect},
    {"reassign", "改派", {"assigned", "replied"}, NULL, DESK, reassign_guard, assign_effect},
    {"escalate", "升级", {OPEN_STATES}, NULL, DESK, escalate_guard, escalate_effect},
    {"classify", "修改分类", {OPEN_STATES}, NULL, DESK, classify_guard, classify_effect},
    {"reopen", "重新打开", {"called_back", "closed"}, "assigned", LEAD, reopen_guard, reopen_effect},
    {"void", "作废", {"registered", "assigned", "replied"}, "voided", DESK, reason_guard, finish_effect},
    {"note", "备注", {OPEN_STATES, "called_back"}, NULL, ROLE_ALL | ROLE_HANDLER, note_guard, NULL},
    {NULL, NULL, {NULL}, NULL, 0, NULL, NULL},
};

const wf_def COMPLAINT_WF = {"ticket", "tickets", COMPLAINT_STATES, COMPLAINT_TRANSITIONS, ticket_moved};

/* ---- running an action ---- */

/* The complaint's number, severity and level; E_NOT_FOUND when it is not a complaint. */
static kerr load_act(db *d, arena *ar, int64_t id, cp_act *a) {
    db_stmt *st = db_query(d, "SELECT t.number, cp.severity, cp.escalation_level FROM tickets t "
                              "JOIN complaints cp ON cp.ticket_id = t.id WHERE t.id = ?", DI(id));
    if (!st) return db_last_kerr(d);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        a->number = arena_strdup(ar, db_col_text(st, 0));
        a->severity = arena_strdup(ar, db_col_text(st, 1));
        a->level = db_col_int(st, 2);
    }
    db_finish(st);
    return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOT_FOUND : db_last_kerr(d);
}

/* The roles on the complaint; a failed read gives none and is kept in err for the caller. */
typedef struct who_id { ctx *c; int64_t id; kerr err; } who_id;
static unsigned roles_on(void *who, int64_t pid) {
    who_id *w = who;
    unsigned roles = 0;
    kerr e = complaint_roles(w->c, pid, w->id, &roles);
    if (e && !w->err) w->err = e;
    return e ? 0 : roles;
}

kerr complaint_action(ctx *c, int64_t id, const char *action, int64_t version) {
    cp_act a = {.c = c};
    kerr e = load_act(c->db, &c->a, id, &a);
    if (e) return e == E_NOT_FOUND ? ctx_fail(c, e, NULL, "投诉不存在") : e;
    if (!wf_find(&COMPLAINT_WF, action) || !strcmp(action, "create"))
        return ctx_fail(c, E_NOT_FOUND, "action", "投诉不支持的操作「%s」", action);
    wf_run r = {.def = &COMPLAINT_WF, .db = c->db, .a = &c->a, .id = id, .now = c->now, .actor = &c->actor, .user = &a};
    who_id w = {c, id, E_OK};
    e = wf_act(&r, action, version, roles_on, &w);
    if (w.err) return w.err;
    if (e == E_FORBIDDEN && !r.err_msg && !strcmp(action, "handle"))
        r.err_msg = "只有该投诉的处理人、客服主管或经理可以记录处理结果";
    return ctx_wf_fail(c, e, &r);
}

/* ---- the escalation tick ---- */

typedef struct late { int64_t id, level, due, pid; char severity[8]; } late;

/* Late complaints: the earliest open overdue deadline of each, with its current level. */
static int collect_late(db *d, buf *out) {
    db_stmt *st = db_query(d, "SELECT cp.ticket_id, cp.escalation_level, MIN(dl.due_at), cp.project_id, cp.severity "
                              "FROM deadlines dl JOIN complaints cp ON cp.ticket_id = dl.entity_id "
                              "WHERE dl.entity = 'ticket' AND dl.met_at IS NULL AND dl.overdue_at IS NOT NULL "
                              "AND dl.kind IN ('reply','handle','callback') AND cp.escalation_level < 2 "
                              "GROUP BY cp.ticket_id, cp.escalation_level, cp.project_id, cp.severity");
    if (!st) return -1;
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        late l = {db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2), db_col_int(st, 3), {0}};
        snprintf(l.severity, sizeof l.severity, "%s", db_col_text(st, 4));
        buf_append(out, &l, sizeof l);
        n++;
    }
    db_finish(st);
    return rc == DB_ERROR || !buf_ok(out) ? -1 : n;
}

/* One level at a time, so a complaint late for long still passes the supervisor first. */
static kerr escalate_one(db *d, const late *l, int64_t now) {
    complaint_rule rule;
    kerr e = complaint_rule_of(d, l->pid, l->severity, &rule);
    if (e) return e;
    int64_t target = l->due < now - rule.escalate * 3600 ? 2 : 1;
    static const audit_actor sys = {0, "系统", ""};
    for (int64_t lv = l->level + 1; !e && lv <= target; lv++) {
        arena ar;
        arena_init(&ar, 4096);
        cp_act a = {.new_level = lv};
        e = load_act(d, &ar, l->id, &a);
        if (e == E_NOT_FOUND) e = E_OK;
        else if (!e) {
            wf_run r = {.def = &COMPLAINT_WF, .db = d, .a = &ar, .id = l->id, .now = now, .actor = &sys, .user = &a,
                        .note = lv == 2 ? "超时未办结，升级至管理处经理" : "超时未办结，升级至客服主管"};
            e = wf_act(&r, "escalate", 0, wf_system_roles, NULL);
            if (e == E_STATE) e = E_OK;   /* finished meanwhile: nothing to escalate */
        }
        arena_free(&ar);
    }
    return e;
}

int complaints_escalate(db *d, int64_t now) {
    buf rows;
    buf_init(&rows);
    int n = collect_late(d, &rows), done = 0;
    for (int i = 0; i < n; i++) {
        const late *l = (const late *)rows.data + i;
        if (escalate_one(d, l, now)) { done = -1; break; }
        done++;
    }
    buf_free(&rows);
    return n < 0 ? -1 : done;
}
