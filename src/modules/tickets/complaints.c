/*
** complaints.c — what a complaint adds to a ticket (SPEC C1–C7): its type and severity at
** registration, the staff it names, the reply and handling time limits that start when it
** arrives, the complaint section of the ticket page, and the project's own types and limits.
**
** Time limits (hours) default to 000 管家职责 9 — every complaint is answered; a major one is
** replied to within 3 days and handled within 5 — and to 24 h / 3 days for a normal one; the
** callback is due 24 h after handling; a late complaint rises to the supervisor at once and
** to the manager when it is still late `escalate` hours later (complaints_tick.c).
*/
#include "complaints.h"
#include "core/deadline.h"
#include <string.h>

const code_label COMPLAINT_SEVERITIES[] = {{"normal", "一般"}, {"major", "重大"}, {NULL, NULL}};
const code_label COMPLAINT_TYPES_DEFAULT[] = {
    {"service_attitude", "服务态度"}, {"engineering", "工程质量"}, {"charges", "收费"}, {"safety", "安全"},
    {"environment", "环境卫生"},      {"noise", "噪音"},          {"neighbour", "邻里纠纷"}, {"other", "其他"},
    {NULL, NULL},
};

const wf_def *ticket_wf(const char *kind) { return kind && !strcmp(kind, "complaint") ? &COMPLAINT_WF : &TICKET_WF; }

kerr complaint_rule_of(db *d, int64_t pid, const char *severity, complaint_rule *out) {
    bool major = severity && !strcmp(severity, "major");
    complaint_rule r = {major ? 72 : 24, major ? 120 : 72, 24, 24, false};
    db_stmt *st = db_query(d, "SELECT reply_hours, handle_hours, callback_hours, escalate_hours FROM complaint_rules "
                              "WHERE project_id = ? AND severity = ?", DI(pid), DT(major ? "major" : "normal"));
    if (!st) return db_last_kerr(d);
    int rc = db_step(st);
    if (rc == DB_ROW) r = (complaint_rule){db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2), db_col_int(st, 3), true};
    db_finish(st);
    *out = r;
    return rc == DB_ERROR ? db_last_kerr(d) : E_OK;
}

/* ---- types: the defaults, changed or added to by the project ---- */

/* Label of type `code` in the project (NULL when unknown) in *label; *active says whether new
** complaints may use it. */
static kerr type_label(ctx *c, int64_t pid, const char *code, const char **label, bool *active) {
    *active = false;
    *label = NULL;
    db_stmt *st = db_query(c->db, "SELECT label, active FROM complaint_types WHERE project_id = ? AND code = ?", DI(pid),
                           DT(code));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *label = arena_strdup(&c->a, db_col_text(st, 0));
        *active = db_col_int(st, 1) != 0;
    }
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(c->db);
    if (*label) return E_OK;
    *label = code_label_of(COMPLAINT_TYPES_DEFAULT, code);
    *active = *label != NULL;
    return E_OK;
}

kerr complaint_type_label(ctx *c, int64_t pid, const char *code, const char **label) {
    bool active;
    kerr e = type_label(c, pid, code, label, &active);
    if (!e && !*label) *label = code;
    return e;
}

static kerr types_list(ctx *c) {
    int64_t pid;
    kerr e = query_project(c, "tickets.read", &pid);
    if (e) return e;
    db_stmt *st = db_query(c->db, "SELECT code, label, active, sort FROM complaint_types WHERE project_id = ? "
                                  "ORDER BY sort, code", DI(pid));
    if (!st) return db_last_kerr(c->db);
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_arr(w, "items");
    for (const code_label *t = COMPLAINT_TYPES_DEFAULT; t->code; t++) {
        bool active;
        const char *label;
        if ((e = type_label(c, pid, t->code, &label, &active))) { db_finish(st); return e; }
        jw_obj(w, NULL);
        jw_str(w, "code", t->code);
        jw_str(w, "label", label);
        jw_bool(w, "active", active);
        jw_bool(w, "custom", false);
        jw_end(w);
    }
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (code_label_of(COMPLAINT_TYPES_DEFAULT, db_col_text(st, 0))) continue;
        jw_obj(w, NULL);
        jw_str(w, "code", db_col_text(st, 0));
        jw_str(w, "label", db_col_text(st, 1));
        jw_bool(w, "active", db_col_int(st, 2) != 0);
        jw_bool(w, "custom", true);
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    jw_end(w);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

static bool code_ok(const char *s) {
    size_t n = strlen(s);
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
    return n >= 1 && n <= 30;
}

/* PUT /complaint-types/{code}?project_id=: rename, retire or add a type for one project. */
static kerr type_put(ctx *c) {
    static const char *const fields[] = {"label", "active", NULL};
    const char *code = ctx_param(c, "code"), *label = NULL;
    int64_t pid;
    bool active = true, has_active = false;
    kerr e;
    if ((e = query_project(c, "complaints.settings", &pid)) || (e = in_only(c, fields)) ||
        (e = in_str(c, "label", "类型名称", IN_REQUIRED, 20, &label)) ||
        (e = in_bool(c, "active", "是否启用", 0, &active, &has_active)))
        return e;
    if (!code_ok(code)) return ctx_fail(c, E_VALIDATION, "code", "类型编码只能使用小写字母、数字和 _（最多 30 个）");
    if ((e = db_exec(c->db, "DELETE FROM complaint_types WHERE project_id = ? AND code = ?", DI(pid), DT(code))) ||
        (e = db_exec(c->db, "INSERT INTO complaint_types(project_id, code, label, active, sort, updated_at) "
                            "VALUES (?,?,?,?,0,?)", DI(pid), DT(code), DT(label), DI(active), DI(c->now))))
        return e;
    const char *changes = arena_printf(&c->a, "{\"code\":\"%s\",\"label\":%s,\"active\":%s}", code,
                                       jv_dump(c, json_string(label)), active ? "true" : "false");
    if ((e = ctx_audit(c, pid, "complaint_type", pid, "update", changes))) return e;
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_str(w, "code", code);
    jw_str(w, "label", label);
    jw_bool(w, "active", active);
    jw_end(w);
    return E_OK;
}

/* ---- time limits per severity ---- */

static kerr rule_json(ctx *c, int64_t pid, const code_label *sev, jw *w) {
    complaint_rule r;
    kerr e = complaint_rule_of(c->db, pid, sev->code, &r);
    if (e) return e;
    jw_obj(w, NULL);
    jw_str(w, "severity", sev->code);
    jw_str(w, "severity_label", sev->label);
    jw_int(w, "reply_hours", r.reply);
    jw_int(w, "handle_hours", r.handle);
    jw_int(w, "callback_hours", r.callback);
    jw_int(w, "escalate_hours", r.escalate);
    jw_bool(w, "custom", r.custom);
    jw_end(w);
    return E_OK;
}

static kerr rules_list(ctx *c) {
    int64_t pid;
    kerr e = query_project(c, "tickets.read", &pid);
    if (e) return e;
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_arr(w, "items");
    for (const code_label *s = COMPLAINT_SEVERITIES; s->code && !e; s++) e = rule_json(c, pid, s, w);
    jw_end(w);
    jw_end(w);
    return e;
}

static kerr rule_put(ctx *c) {
    static const char *const fields[] = {"reply_hours", "handle_hours", "callback_hours", "escalate_hours", NULL};
    const code_label *sev = COMPLAINT_SEVERITIES;
    while (sev->code && strcmp(sev->code, ctx_param(c, "severity"))) sev++;
    if (!sev->code) return ctx_fail(c, E_NOT_FOUND, "severity", "严重程度应为 normal 或 major");
    int64_t pid, rh, hh, ch, eh;
    kerr e;
    if ((e = query_project(c, "complaints.settings", &pid)) || (e = in_only(c, fields)) ||
        (e = in_int(c, "reply_hours", "答复时限（小时）", IN_REQUIRED, 1, 720, &rh, NULL)) ||
        (e = in_int(c, "handle_hours", "处理时限（小时）", IN_REQUIRED, 1, 720, &hh, NULL)) ||
        (e = in_int(c, "callback_hours", "回访时限（小时）", IN_REQUIRED, 1, 720, &ch, NULL)) ||
        (e = in_int(c, "escalate_hours", "升级至经理（小时）", IN_REQUIRED, 1, 720, &eh, NULL)))
        return e;
    if (rh > hh) return ctx_fail(c, E_VALIDATION, "reply_hours", "答复时限不能长于处理时限");
    complaint_rule old;
    if ((e = complaint_rule_of(c->db, pid, sev->code, &old)) || (e = db_exec(c->db, "DELETE FROM complaint_rules WHERE project_id = ? AND severity = ?", DI(pid), DT(sev->code))) ||
        (e = db_exec(c->db, "INSERT INTO complaint_rules(project_id, severity, reply_hours, handle_hours, callback_hours, "
                            "escalate_hours, updated_at) VALUES (?,?,?,?,?,?,?)",
                     DI(pid), DT(sev->code), DI(rh), DI(hh), DI(ch), DI(eh), DI(c->now))))
        return e;
    const char *changes = arena_printf(&c->a, "{\"severity\":\"%s\",\"reply_hours\":{\"from\":%lld,\"to\":%lld},"
                                              "\"handle_hours\":{\"from\":%lld,\"to\":%lld}}", sev->code,
                                       (long long)old.reply, (long long)rh, (long long)old.handle, (long long)hh);
    if ((e = ctx_audit(c, pid, "complaint_rule", pid, "update", changes))) return e;
    return rule_json(c, pid, sev, ctx_json(c, 200));
}

/* ---- registration ---- */

static kerr read_staff(ctx *c, int64_t pid, complaint_in *in) {
    json_t *a = json_object_get(c->json, "staff_ids");
    if (!a || json_is_null(a)) return E_OK;
    in->given = true;
    if (!json_is_array(a) || json_array_size(a) > 16) return ctx_fail(c, E_VALIDATION, "staff_ids", "被投诉人应为用户编号列表（最多 16 人）");
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        const char *field = arena_printf(&c->a, "staff_ids[%zu]", i);
        if (!json_is_integer(v)) return ctx_fail(c, E_VALIDATION, field, "被投诉人应为用户编号");
        int64_t id = json_integer_value(v);
        bool staff = false;
        kerr e = db_read_exists(c->db, &staff, "SELECT 1 FROM user_roles WHERE user_id = ? AND (project_id = ? OR "
                                               "project_id IS NULL)", DI(id), DI(pid));
        if (e) return e;
        if (!staff) return ctx_fail(c, E_VALIDATION, field, "被投诉人不是本管理处的员工");
        bool dup = false;
        for (int k = 0; k < in->nstaff; k++) dup |= in->staff[k] == id;
        if (!dup) in->staff[in->nstaff++] = id;
    }
    return E_OK;
}

/* The complaint fields of the body as given (NULL / no staff when absent), the type checked. */
kerr complaint_read_given(ctx *c, int64_t pid, complaint_in *in) {
    const char *type = NULL, *alias = NULL;
    kerr e;
    *in = (complaint_in){0};
    if ((e = in_str(c, "complaint_type", "投诉类型", 0, 30, &type)) || (e = in_str(c, "type", "投诉类型", 0, 30, &alias)) ||
        (e = in_code(c, "severity", "严重程度", 0, COMPLAINT_SEVERITIES, &in->severity)) || (e = read_staff(c, pid, in)))
        return e;
    in->given |= type || alias || in->severity;
    if (type && alias && strcmp(type, alias)) return ctx_fail(c, E_VALIDATION, "type", "type 与 complaint_type 不一致");
    in->type = type ? type : alias;
    bool active;
    const char *label = NULL;
    if (in->type && (e = type_label(c, pid, in->type, &label, &active))) return e;
    if (in->type && (!label || !active))
        return ctx_fail(c, E_VALIDATION, type ? "complaint_type" : "type", "投诉类型「%s」不存在或已停用", in->type);
    in->staff_given = json_object_get(c->json, "staff_ids") != NULL;
    return E_OK;
}

kerr complaint_read(ctx *c, const char *kind, int64_t pid, complaint_in *in) {
    bool complaint = !strcmp(kind, "complaint");
    kerr e = complaint_read_given(c, complaint ? pid : 0, in);
    if (e && complaint) return e;
    if (!complaint) {
        if (!e && !in->given) return E_OK;
        c->err_msg = NULL;   /* whatever the fields held: they do not belong to this kind */
        const char *f = json_object_get(c->json, "complaint_type") ? "complaint_type" : json_object_get(c->json, "type") ? "type"
                      : json_object_get(c->json, "severity") ? "severity" : "staff_ids";
        return ctx_fail(c, E_VALIDATION, f, "只有投诉需要填写投诉类型、严重程度和被投诉人");
    }
    if (!in->type) in->type = "other";
    if (!in->severity) in->severity = "normal";
    return E_OK;
}

kerr complaint_register(ctx *c, int64_t pid, int64_t id, const char *number, const complaint_in *in) {
    complaint_rule r;
    kerr e = complaint_rule_of(c->db, pid, in->severity, &r);
    if (e) return e;
    int64_t reply_due = c->now + r.reply * 3600, handle_due = c->now + r.handle * 3600;
    e = db_exec(c->db, "INSERT INTO complaints(ticket_id, project_id, type, severity, reply_due_at, handle_due_at, "
                            "created_at) VALUES (?,?,?,?,?,?,?)",
                     DI(id), DI(pid), DT(in->type), DT(in->severity), DI(reply_due), DI(handle_due), DI(c->now));
    for (int i = 0; !e && i < in->nstaff; i++)
        e = db_exec(c->db, "INSERT INTO complaint_staff(ticket_id, user_id) VALUES (?,?)", DI(id), DI(in->staff[i]));
    if (!e) e = deadline_open_warn(c->db, pid, "ticket", id, "reply", arena_printf(&c->a, "%s 答复", number), reply_due,
                                   c->now + r.reply * 2400, c->now);
    if (!e) e = deadline_open_warn(c->db, pid, "ticket", id, "handle", arena_printf(&c->a, "%s 处理", number), handle_due,
                                   c->now + r.handle * 2400, c->now);
    if (!e && !strcmp(in->severity, "major"))
        e = notify(c->db, pid, id, ROLE_SUPERVISOR | ROLE_MANAGER, 0, "major",
                   arena_printf(&c->a, "重大投诉 %s 已登记，请关注", number), c->now);
    return e;
}

/* ---- who sees and acts ---- */

kerr complaint_hides(ctx *c, int64_t id, bool *hides) {
    return db_read_exists(c->db, hides, "SELECT 1 FROM complaint_staff WHERE ticket_id = ? AND user_id = ?", DI(id),
                          DI(c->user->id));
}

kerr complaint_user_named(ctx *c, bool *named) {
    return db_read_exists(c->db, named, "SELECT 1 FROM complaint_staff WHERE user_id = ?", DI(c->user->id));
}

kerr complaint_roles(ctx *c, int64_t pid, int64_t id, unsigned *roles) {
    bool handler = false;
    kerr e = db_read_exists(c->db, &handler, "SELECT 1 FROM complaints WHERE ticket_id = ? AND handler_id = ?", DI(id),
                            DI(c->user->id));
    *roles = auth_roles_in(c->user, pid) | (handler ? ROLE_HANDLER : 0);
    return e;
}

/* ---- the ticket page's complaint section ---- */

static kerr staff_json(ctx *c, int64_t id, jw *w) {
    db_stmt *st = db_query(c->db, "SELECT u.id, u.display_name FROM complaint_staff s JOIN users u ON u.id = s.user_id "
                                  "WHERE s.ticket_id = ? ORDER BY u.id", DI(id));
    if (!st) return db_last_kerr(c->db);
    jw_arr(w, "staff");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w, NULL);
        jw_int(w, "id", db_col_int(st, 0));
        jw_str(w, "display_name", db_col_text(st, 1));
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

#define DETAIL "cp.type, cp.severity, cp.department, cp.handler_id, hu.display_name, cp.assigned_at, cp.reply_due_at, " \
               "cp.handle_due_at, cp.reply, cp.reply_method, cp.replied_at, cp.cause, cp.corrective, cp.preventive, " \
               "cp.result, cp.valid, cp.handled_at, cp.escalation_level, cp.escalated_at, cp.project_id"

static kerr detail_fields(ctx *c, db_stmt *st, jw *w) {
    bool active;
    const char *tl;
    kerr e = type_label(c, db_col_int(st, 19), db_col_text(st, 0), &tl, &active);
    if (e) return e;
    jw_str(w, "type", db_col_text(st, 0));
    jw_str(w, "type_label", tl ? tl : db_col_text(st, 0));
    jw_str(w, "severity", db_col_text(st, 1));
    jw_str(w, "severity_label", code_label_of(COMPLAINT_SEVERITIES, db_col_text(st, 1)));
    jw_str(w, "department", db_col_text(st, 2));
    if (db_col_is_null(st, 3)) jw_null(w, "handler_id"); else jw_int(w, "handler_id", db_col_int(st, 3));
    jw_str(w, "handler_name", db_col_text(st, 4));
    jw_time(w, "assigned_at", db_col_int(st, 5));
    jw_time(w, "reply_due_at", db_col_int(st, 6));
    jw_time(w, "handle_due_at", db_col_int(st, 7));
    jw_str(w, "reply", db_col_text(st, 8));
    jw_str(w, "reply_method", db_col_text(st, 9));
    jw_time(w, "replied_at", db_col_int(st, 10));
    jw_str(w, "cause", db_col_text(st, 11));
    jw_str(w, "corrective_action", db_col_text(st, 12));
    jw_str(w, "preventive_action", db_col_text(st, 13));
    jw_str(w, "result", db_col_text(st, 14));
    if (db_col_is_null(st, 15)) jw_null(w, "valid"); else jw_bool(w, "valid", db_col_int(st, 15) != 0);
    jw_time(w, "handled_at", db_col_int(st, 16));
    jw_int(w, "escalation_level", db_col_int(st, 17));
    static const char *const levels[] = {"", "已升级至客服主管", "已升级至管理处经理"};
    int64_t lv = db_col_int(st, 17);
    jw_str(w, "escalation_label", levels[lv >= 0 && lv <= 2 ? lv : 0]);
    jw_time(w, "escalated_at", db_col_int(st, 18));
    return E_OK;
}

kerr complaint_details(ctx *c, int64_t id, jw *w) {
    db_stmt *st = db_query(c->db, "SELECT " DETAIL " FROM complaints cp LEFT JOIN users hu ON hu.id = cp.handler_id "
                                  "WHERE cp.ticket_id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    kerr e = rc == DB_ERROR ? db_last_kerr(c->db) : E_OK;
    if (rc == DB_ROW) {
        jw_obj(w, "complaint");
        e = detail_fields(c, st, w);
    }
    db_finish(st);
    if (rc == DB_ROW && !e) e = staff_json(c, id, w);
    if (rc == DB_ROW) jw_end(w);
    return e;
}

/* ---- notifications ---- */

kerr notify(db *d, int64_t pid, int64_t id, unsigned roles, int64_t user_id, const char *kind, const char *title,
            int64_t now) {
    if (user_id)
        return db_exec(d, "INSERT INTO notifications(user_id, project_id, entity, entity_id, kind, title, created_at) "
                          "VALUES (?,?,'ticket',?,?,?,?)", DI(user_id), DI(pid), DI(id), DT(kind), DT(title), DI(now));
    kerr e = E_OK;
    for (int i = 0; !e && i < ROLE_COUNT; i++) {
        if (!(roles & role_at(i))) continue;
        e = db_exec(d, "INSERT INTO notifications(user_id, project_id, entity, entity_id, kind, title, created_at) "
                       "SELECT DISTINCT ur.user_id, CAST(? AS BIGINT), 'ticket', CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), "
                       "CAST(? AS BIGINT) FROM user_roles ur JOIN users u ON u.id = ur.user_id "
                       "WHERE ur.role = ? AND (ur.project_id = ? OR ur.project_id IS NULL) AND u.disabled = 0 "
                       "AND NOT EXISTS (SELECT 1 FROM complaint_staff s WHERE s.ticket_id = ? AND s.user_id = ur.user_id) "
                       "AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = ur.user_id AND n.entity = 'ticket' "
                       "AND n.entity_id = ? AND n.kind = ? AND n.read_at IS NULL)",
                    DI(pid), DI(id), DT(kind), DT(title), DI(now), DT(role_name(role_at(i))), DI(pid), DI(id), DI(id), DT(kind));
    }
    return e;
}

static kerr notifications_list(ctx *c) {
    page pg;
    int64_t unread = 0, nunread = 0;
    kerr e;
    if ((e = q_page(c, &pg)) || (e = q_int(c, "unread", "未读", 0, 1, 0, &unread)) ||
        (e = db_read_int(c->db, &nunread, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL",
                         DI(c->user->id))))
        return e;
    db_stmt *st = db_query(c->db, unread ? "SELECT id, project_id, entity, entity_id, kind, title, created_at, read_at FROM "
                                           "notifications WHERE user_id = ? AND read_at IS NULL ORDER BY id DESC LIMIT ? OFFSET ?"
                                         : "SELECT id, project_id, entity, entity_id, kind, title, created_at, read_at FROM "
                                           "notifications WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
                           DI(c->user->id), DI(pg.per_page), DI(pg.offset));
    if (!st) return db_last_kerr(c->db);
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_int(w, "unread", nunread);
    jw_arr(w, "items");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w, NULL);
        jw_int(w, "id", db_col_int(st, 0));
        jw_int(w, "project_id", db_col_int(st, 1));
        jw_str(w, "entity", db_col_text(st, 2));
        jw_int(w, "entity_id", db_col_int(st, 3));
        jw_str(w, "kind", db_col_text(st, 4));
        jw_str(w, "title", db_col_text(st, 5));
        jw_time(w, "created_at", db_col_int(st, 6));
        jw_time(w, "read_at", db_col_int(st, 7));
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    jw_end(w);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

/* Marks one notification (or, without {id}, all of the user's) as read. */
static kerr notifications_read(ctx *c) {
    int64_t id = 0;
    kerr e;
    if (ctx_param(c, "id") && (e = ctx_param_id(c, "id", &id))) return e;
    if (id && !db_exists(c->db, "SELECT 1 FROM notifications WHERE id = ? AND user_id = ?", DI(id), DI(c->user->id)))
        return ctx_fail(c, E_NOT_FOUND, NULL, "消息不存在");
    e = id ? db_exec(c->db, "UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL", DI(c->now), DI(id))
           : db_exec(c->db, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", DI(c->now),
                     DI(c->user->id));
    if (e) return e;
    c->status = 204;
    return E_OK;
}

kerr complaints_stats(ctx *c);          /* complaints_stats.c */
kerr complaints_summary_pdf(ctx *c);
extern const struct export_spec complaint_summary_export;

const route complaints_routes[] = {
    {"GET",  "/api/v1/complaint-types",               "tickets.read",        0, 0, types_list, NULL},
    {"PUT",  "/api/v1/complaint-types/{code}",        "complaints.settings", 0, 4096, type_put, NULL},
    {"GET",  "/api/v1/complaint-rules",               "tickets.read",        0, 0, rules_list, NULL},
    {"PUT",  "/api/v1/complaint-rules/{severity}",    "complaints.settings", 0, 4096, rule_put, NULL},
    {"GET",  "/api/v1/stats/complaints",              "complaints.stats",    RF_PDF, 0, complaints_stats, &complaint_summary_export},
    {"GET",  "/api/v1/stats/complaints/summary.pdf",  "complaints.stats",    0, 0, complaints_summary_pdf, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};

const route notifications_routes[] = {
    {"GET",  "/api/v1/notifications",                 "notifications.read",  0, 0, notifications_list, NULL},
    {"POST", "/api/v1/notifications/{id}/read",       "notifications.read",  0, 1024, notifications_read, NULL},
    {"POST", "/api/v1/notifications/read-all",        "notifications.read",  0, 1024, notifications_read, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};
