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
#include "core/notify.h"
#include "kit/settings.h"
#include <string.h>

const code_label COMPLAINT_SEVERITIES[] = {{"normal", "一般"}, {"major", "重大"}, {NULL, NULL}};
const code_label COMPLAINT_TYPES_DEFAULT[] = {
    {"service_attitude", "服务态度"}, {"engineering", "工程质量"}, {"charges", "收费"}, {"safety", "安全"},
    {"environment", "环境卫生"},      {"noise", "噪音"},          {"neighbour", "邻里纠纷"}, {"other", "其他"},
    {NULL, NULL},
};

const wf_def *ticket_wf(const char *kind) { return kind && !strcmp(kind, "complaint") ? &COMPLAINT_WF : &TICKET_WF; }
const char *ticket_state_label(const char *kind, const char *state) { return wf_state_label(ticket_wf(kind), state); }

/* ---- the project's own time limits per severity, and its types (kit/settings.h) ---- */

static void rule_defaults(const char *severity, setting_val *v) {
    bool major = severity && !strcmp(severity, "major");
    v[0].n = major ? 72 : 24, v[1].n = major ? 120 : 72, v[2].n = 24, v[3].n = 24;
}

static kerr rule_check(ctx *c, const setting_val *v) {
    if (v[0].n > v[1].n) return ctx_fail(c, E_VALIDATION, "reply_hours", "答复时限不能长于处理时限");
    return E_OK;
}

static const setting_field RULE_FIELDS[] = {
    {"reply_hours", "答复时限（小时）", SF_INT, 1, 720, false},
    {"handle_hours", "处理时限（小时）", SF_INT, 1, 720, false},
    {"callback_hours", "回访时限（小时）", SF_INT, 1, 720, false},
    {"escalate_hours", "升级至经理（小时）", SF_INT, 1, 720, false},
    {NULL, NULL, 0, 0, 0, false},
};
static const setting_spec RULES = {
    .table = "complaint_rules", .key_col = "severity", .key_param = "severity",
    .key_json = "severity", .label_json = "severity_label", .audit_entity = "complaint_rule",
    .read_perm = "tickets.read", .write_perm = "complaints.settings",
    .keys = COMPLAINT_SEVERITIES, .fields = RULE_FIELDS, .defaults = rule_defaults, .check = rule_check,
    .unknown_key = "严重程度应为 normal 或 major",
};

kerr complaint_rule_of(db *d, int64_t pid, const char *severity, complaint_rule *out) {
    setting_val v[SETTING_MAX_FIELDS];
    bool own;
    kerr e = setting_get(d, NULL, &RULES, pid, severity && !strcmp(severity, "major") ? "major" : "normal", v, &own);
    *out = (complaint_rule){v[0].n, v[1].n, v[2].n, v[3].n, own};
    return e;
}

static void type_defaults(const char *code, setting_val *v) {
    v[0].s = code_label_of(COMPLAINT_TYPES_DEFAULT, code);
    v[1].n = v[0].s != NULL;
}

static const setting_field TYPE_FIELDS[] = {
    {"label", "类型名称", SF_TEXT, 0, 20, false},
    {"active", "是否启用", SF_BOOL, 0, 1, true},
    {NULL, NULL, 0, 0, 0, false},
};
static const setting_spec TYPES = {
    .table = "complaint_types", .key_col = "code", .key_param = "code", .key_json = "code",
    .audit_entity = "complaint_type", .read_perm = "tickets.read", .write_perm = "complaints.settings",
    .keys = COMPLAINT_TYPES_DEFAULT, .fields = TYPE_FIELDS, .defaults = type_defaults,
    .open_keys = true, .added_order = "sort, code",
};

/* Label of type `code` in the project (NULL when unknown) in *label; *active says whether new
** complaints may use it. */
static kerr type_label(ctx *c, int64_t pid, const char *code, const char **label, bool *active) {
    setting_val v[SETTING_MAX_FIELDS];
    bool own;
    kerr e = setting_get(c->db, &c->a, &TYPES, pid, code, v, &own);
    *label = v[0].s;
    *active = v[0].s && v[1].n;
    return e;
}

kerr complaint_type_label(ctx *c, int64_t pid, const char *code, const char **label) {
    bool active;
    kerr e = type_label(c, pid, code, label, &active);
    if (!e && !*label) *label = code;
    return e;
}

static kerr types_list(ctx *c) { return settings_list(c, &TYPES); }
static kerr type_put(ctx *c) { return setting_put(c, &TYPES); }
static kerr rules_list(ctx *c) { return settings_list(c, &RULES); }
static kerr rule_put(ctx *c) { return setting_put(c, &RULES); }

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
        e = complaint_notify(c->db, pid, id, ROLE_SUPERVISOR | ROLE_MANAGER, 0, "major",
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

kerr complaint_notify(db *d, int64_t pid, int64_t id, unsigned roles, int64_t user_id, const char *kind,
                      const char *title, int64_t now) {
    notice n = {.project_id = pid, .entity = "ticket", .entity_id = id, .kind = kind, .title = title,
                .roles = roles, .user_id = user_id,
                .exclude_sql = "SELECT user_id FROM complaint_staff WHERE ticket_id = ?"};   /* never the staff named */
    return notify(d, &n, now);
}

kerr complaints_list(ctx *c);           /* tickets_list.c */
extern const struct export_spec complaint_export;
kerr complaints_stats(ctx *c);          /* complaints_stats.c */
kerr complaints_summary_pdf(ctx *c);
extern const struct export_spec complaint_summary_export;

const route complaints_routes[] = {
    {"GET",  "/api/v1/complaints",                    "tickets.read",        0, 0, complaints_list, &complaint_export},
    {"GET",  "/api/v1/complaint-types",               "tickets.read",        0, 0, types_list, NULL},
    {"PUT",  "/api/v1/complaint-types/{code}",        "complaints.settings", 0, 4096, type_put, NULL},
    {"GET",  "/api/v1/complaint-rules",               "tickets.read",        0, 0, rules_list, NULL},
    {"PUT",  "/api/v1/complaint-rules/{severity}",    "complaints.settings", 0, 4096, rule_put, NULL},
    {"GET",  "/api/v1/stats/complaints",              "complaints.stats",    RF_PDF, 0, complaints_stats, &complaint_summary_export},
    {"GET",  "/api/v1/stats/complaints/summary.pdf",  "complaints.stats",    0, 0, complaints_summary_pdf, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};
