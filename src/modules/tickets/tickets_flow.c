/*
** tickets_flow.c — the repair workflow (SPEC R2–R5) as one static transition table run by
** the workflow engine: 待派工 → 已派工 → 处理中 → 已完工 → 已回访 → 已关闭, with cancel,
** reopen, reassign and notes; inquiries are answered and closed. A callback ends in a second
** event by rule: an unsatisfied one reopens the order, a satisfied one closes it (the project's
** switch callback_auto_close, on by default).
**
** Each action's guard reads and checks its own body fields (after the engine has checked the
** role and the state, so a wrong state answers 409 before a missing field answers 422) and
** fills the event's data; its effect writes the ticket's columns and the deadlines:
**     registered → "dispatch" due; dispatched → "complete" due; completed → "callback" due in 24 h.
** A technician acts only on orders dispatched to them: for anyone else's order their role
** does not count (ticket_roles), so the buttons do not show and the engine answers 403.
*/
#include "complaints.h"
#include "core/deadline.h"
#include <sodium.h>
#include <string.h>

#define DESK (ROLE_ADMIN | ROLE_MANAGER | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD)
#define LEAD (ROLE_ADMIN | ROLE_MANAGER | ROLE_SUPERVISOR)
#define FIELD (ROLE_TECHNICIAN | LEAD)
#define CALLBACK_SECONDS (24 * 3600)
#define CALLBACK_WARN_SECONDS (20 * 3600)
#define SIGNATURE_MAX (1 << 20)

/* What an action carries from its guard to its effect. */
typedef struct tk_act {
    ctx *c;
    int64_t technician_id, appointment_at, labour, charge, new_tech;
    const char *kind, *category, *number, *satisfaction, *reply, *work_done, *materials;
    const char *sig_mime, *sig_b64, *confirm_code;
    size_t sig_bytes;
    bool has_labour, has_charge, accepted, auto_reopen, auto_close, on_create;
    const char *action;
} tk_act;

/* The roles that count for `action` on a ticket: a technician's only on orders dispatched to
** them, except for notes (anyone who can read the ticket may add one). */
unsigned ticket_roles(ctx *c, int64_t pid, int64_t technician_id, const char *action) {
    unsigned r = auth_roles_in(c->user, pid);
    if (technician_id != c->user->id && strcmp(action, "note")) r &= ~(unsigned)ROLE_TECHNICIAN;
    return r;
}

static unsigned roles_of(void *who, int64_t pid) {
    tk_act *a = who;
    return ticket_roles(a->c, pid, a->technician_id, a->action);
}

unsigned wf_system_roles(void *who, int64_t pid) { (void)who; (void)pid; return ROLE_ADMIN; }

static kerr refuse(wf_run *r, const char *field, const char *msg) {
    r->err_field = field;
    r->err_msg = msg;
    return E_VALIDATION;
}


/* ---- deadlines ---- */

kerr ticket_open_dispatch_deadline(ctx *c, int64_t pid, int64_t id, const char *number, const char *category) {
    repair_sla s;
    kerr e = repair_sla_of(c->db, pid, category, &s);
    if (e) return e;
    int64_t due = c->now + s.dispatch * 60, warn = c->now + s.dispatch * 40;   /* warned at two thirds of the time */
    return deadline_open_warn(c->db, pid, "ticket", id, "dispatch", arena_printf(&c->a, "%s 派工", number), due, warn,
                              c->now);
}

static kerr open_complete_deadline(wf_run *r, tk_act *a) {
    repair_sla s;
    kerr e = repair_sla_of(r->db, r->project_id, a->category, &s);
    if (e) return e;
    int64_t from = a->appointment_at > r->now ? a->appointment_at : r->now;
    int64_t due = from + s.complete * 60, warn = s.warn < s.complete ? due - s.warn * 60 : 0;
    return deadline_open_warn(r->db, r->project_id, "ticket", r->id, "complete",
                              arena_printf(r->a, "%s 完工", a->number), due, warn, r->now);
}

/* ---- guards: each reads its body fields ---- */

static kerr only(wf_run *r, const char *const *fields) { return in_only(((tk_act *)r->user)->c, fields); }

static kerr read_note(wf_run *r, const char *key, const char *label, unsigned flags) {
    tk_act *a = r->user;
    const char *s = NULL;
    kerr e = in_str(a->c, key, label, flags | IN_MULTILINE, 500, &s);
    if (!e && s) r->note = s;
    return e;
}

static kerr repair_only(wf_run *r) {
    tk_act *a = r->user;
    return ticket_is_repair(a->kind) ? E_OK : refuse(r, "action", "只有维修单可以派工、完工和回访");
}

/* A technician of the ticket's project (or company-wide), not disabled. */
static kerr read_technician(wf_run *r, const char *key) {
    tk_act *a = r->user;
    kerr e = in_int(a->c, key, "维修人员", IN_REQUIRED, 1, INT64_MAX, &a->new_tech, NULL);
    bool ok = false;
    if (e || (e = db_read_exists(r->db, &ok, "SELECT 1 FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE "
                                             "ur.user_id = ? AND ur.role = 'technician' AND (ur.project_id = ? OR "
                                             "ur.project_id IS NULL) AND u.disabled = 0", DI(a->new_tech), DI(r->project_id))))
        return e;
    return ok ? E_OK : refuse(r, key, "请选择本管理处的维修人员");
}

static void tech_data(void *u, jw *w) {
    tk_act *a = u;
    jw_int(w, "technician_id", a->new_tech);
    char *name = db_text(a->c->db, &a->c->a, "SELECT display_name FROM users WHERE id = ?", DI(a->new_tech));
    jw_str(w, "technician_name", name ? name : "");
    if (a->appointment_at) jw_time(w, "appointment_at", a->appointment_at);
}

static kerr dispatch_guard(wf_run *r) {
    static const char *const f[] = {"version", "technician_id", "appointment_at", "note", NULL};
    tk_act *a = r->user;
    int64_t agreed = 0;
    kerr e;
    if ((e = repair_only(r)) || (e = only(r, f)) || (e = read_technician(r, "technician_id")) ||
        (e = in_appointment(a->c, "appointment_at", &agreed)) || (e = read_note(r, "note", "备注", 0)))
        return e;
    if (agreed) a->appointment_at = agreed;
    r->data_json = wf_data(r, tech_data);
    return E_OK;
}

static kerr reassign_guard(wf_run *r) {
    static const char *const f[] = {"version", "technician_id", "reason", NULL};
    tk_act *a = r->user;
    kerr e;
    if ((e = only(r, f)) || (e = read_technician(r, "technician_id")) || (e = read_note(r, "reason", "改派原因", 0)))
        return e;
    if (a->new_tech == a->technician_id) return refuse(r, "technician_id", "该工单已派给这位维修人员");
    r->data_json = wf_data(r, tech_data);
    return E_OK;
}

static kerr note_only_guard(wf_run *r) {
    static const char *const f[] = {"version", "note", NULL};
    kerr e = only(r, f);
    return e ? e : read_note(r, "note", "备注", 0);
}

static kerr note_guard(wf_run *r) {
    static const char *const f[] = {"version", "note", NULL};
    kerr e = only(r, f);
    return e ? e : read_note(r, "note", "备注", IN_REQUIRED);
}

static kerr reason_guard(wf_run *r) {
    static const char *const f[] = {"version", "reason", NULL};
    kerr e = only(r, f);
    return e ? e : read_note(r, "reason", "原因", IN_REQUIRED);
}

static kerr close_guard(wf_run *r) {
    static const char *const f[] = {"version", "reply", "note", NULL};
    tk_act *a = r->user;
    if (a->on_create || a->auto_close) return E_OK;   /* the registration's or the callback's body was read */
    kerr e;
    if ((e = only(r, f)) || (e = in_str(a->c, "reply", "答复", IN_MULTILINE, 2000, &a->reply)) ||
        (e = read_note(r, "note", "备注", 0)))
        return e;
    if (!strcmp(r->from, "open") && !a->reply) return refuse(r, "reply", "请填写答复内容");
    return E_OK;
}

/* ---- complete: work done, materials, labour, charge and the owner's confirmation ---- */

static kerr read_materials(wf_run *r) {
    tk_act *a = r->user;
    json_t *m = json_object_get(a->c->json, "materials");
    a->materials = "[]";
    if (!m || json_is_null(m)) return E_OK;
    if (!json_is_array(m) || json_array_size(m) > 50) return refuse(r, "materials", "材料应为清单（最多 50 行）");
    static const char *const f[] = {"name", "qty", "unit", NULL};
    size_t i;
    json_t *line;
    json_array_foreach(m, i, line) {
        const char *path = arena_printf(r->a, "materials[%zu]", i), *name = NULL, *unit = NULL;
        int64_t qty = 0;
        if (!json_is_object(line)) return refuse(r, path, "材料每行应包含名称和数量");
        kerr e;
        if ((e = jv_only(a->c, line, path, f)) ||
            (e = jv_str(a->c, line, "name", arena_printf(r->a, "%s.name", path), "材料名称", IN_REQUIRED, 50, &name)) ||
            (e = jv_int(a->c, line, "qty", arena_printf(r->a, "%s.qty", path), "数量", IN_REQUIRED, 1, 100000, &qty, NULL)) ||
            (e = jv_str(a->c, line, "unit", arena_printf(r->a, "%s.unit", path), "单位", 0, 10, &unit)))
            return e;
    }
    a->materials = jv_dump(a->c, m);
    return E_OK;
}

/* A data URL of a PNG or JPEG up to 1 MB, checked by its first bytes. */
static kerr read_signature(wf_run *r, const char *s) {
    tk_act *a = r->user;
    const char *comma = strchr(s, ','), *mime = NULL;
    if (!strncmp(s, "data:image/png;base64,", 22)) mime = "image/png";
    else if (!strncmp(s, "data:image/jpeg;base64,", 23)) mime = "image/jpeg";
    if (!mime || !comma) return refuse(r, "signature", "签名应为 PNG 或 JPEG 图片");
    size_t b64len = strlen(comma + 1), len = 0;
    if (b64len > SIGNATURE_MAX / 3 * 4 + 8) return refuse(r, "signature", "签名图片不能超过 1 MB");
    unsigned char *img = arena_alloc(r->a, b64len + 1);
    if (!img || sodium_base642bin(img, b64len, comma + 1, b64len, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL))
        return refuse(r, "signature", "签名图片数据无效");
    if (len > SIGNATURE_MAX) return refuse(r, "signature", "签名图片不能超过 1 MB");
    bool png = len > 8 && !memcmp(img, "\x89PNG\r\n\x1a\n", 8), jpg = len > 3 && !memcmp(img, "\xff\xd8\xff", 3);
    if (!(strcmp(mime, "image/png") ? jpg : png)) return refuse(r, "signature", "签名不是有效的图片");
    a->sig_mime = mime;
    a->sig_b64 = comma + 1;
    a->sig_bytes = len;
    return E_OK;
}

static kerr read_confirmation(wf_run *r) {
    tk_act *a = r->user;
    const char *sig = NULL;
    kerr e;
    if ((e = in_str(a->c, "signature", "业主签名", 0, 2000000, &sig)) ||
        (e = in_str(a->c, "confirm_code", "确认码", 0, 8, &a->confirm_code)))
        return e;
    if (sig && a->confirm_code) return refuse(r, "confirm_code", "签名和确认码只需其一");
    if (!sig && !a->confirm_code) return refuse(r, "signature", "请业主签名确认，或填写业主报出的确认码");
    if (sig) return read_signature(r, sig);
    size_t n = strlen(a->confirm_code);
    for (const char *p = a->confirm_code; *p; p++)
        if (*p < '0' || *p > '9') n = 0;
    return n >= 4 && n <= 8 ? E_OK : refuse(r, "confirm_code", "确认码应为 4–8 位数字");
}

static void complete_data(void *u, jw *w) {
    tk_act *a = u;
    jw_str(w, "work_done", a->work_done);
    jw_raw(w, "materials", a->materials);
    if (a->has_labour) jw_int(w, "labour_minutes", a->labour);
    if (a->has_charge) jw_money(w, "charge", a->charge);
    jw_str(w, "confirmation", a->sig_b64 ? "signature" : "code");
}

static kerr complete_guard(wf_run *r) {
    static const char *const f[] = {"version", "work_done", "materials", "labour_minutes", "charge",
                                    "signature", "confirm_code", "note", NULL};
    tk_act *a = r->user;
    kerr e;
    if ((e = only(r, f)) || (e = in_str(a->c, "work_done", "处理情况", IN_REQUIRED | IN_MULTILINE, 2000, &a->work_done)) ||
        (e = read_materials(r)) ||
        (e = in_int(a->c, "labour_minutes", "工时（分钟）", 0, 0, 10000, &a->labour, &a->has_labour)) ||
        (e = in_int(a->c, "charge", "收费（分）", 0, 0, 100000000, &a->charge, &a->has_charge)) ||
        (e = read_confirmation(r)) || (e = read_note(r, "note", "备注", 0)))
        return e;
    r->data_json = wf_data(r, complete_data);
    return E_OK;
}

static void callback_data(void *u, jw *w) {
    tk_act *a = u;
    jw_str(w, "satisfaction", a->satisfaction);
    jw_str(w, "method", json_string_value(json_object_get(a->c->json, "method")));
}

static kerr callback_guard(wf_run *r) {
    static const char *const f[] = {"version", "method", "satisfaction", "result", NULL};
    tk_act *a = r->user;
    const char *method = NULL;
    kerr e;
    if ((e = only(r, f)) || (e = in_code(a->c, "method", "回访方式", IN_REQUIRED, CALLBACK_METHODS, &method)) ||
        (e = in_code(a->c, "satisfaction", "满意度", IN_REQUIRED, SATISFACTIONS, &a->satisfaction)) ||
        (e = read_note(r, "result", "回访结果", IN_REQUIRED)))
        return e;
    r->data_json = wf_data(r, callback_data);
    return E_OK;
}

/* ---- effects: the ticket's columns and its deadlines ---- */

static kerr dispatch_effect(wf_run *r) {
    tk_act *a = r->user;
    kerr e = ticket_counted_exec(r->db, r->id, "UPDATE tickets SET technician_id = ?, dispatched_at = ?, accepted_at = NULL, "
                            "appointment_at = ? WHERE id = ?",
                     DI(a->new_tech), DI(r->now), a->appointment_at ? DI(a->appointment_at) : DN, DI(r->id));
    if (!e) e = deadline_meet(r->db, "ticket", r->id, "dispatch", r->now, NULL);
    return e ? e : open_complete_deadline(r, a);
}

static kerr reassign_effect(wf_run *r) {
    tk_act *a = r->user;
    return ticket_counted_exec(r->db, r->id, "UPDATE tickets SET technician_id = ?, accepted_at = NULL WHERE id = ?",
                               DI(a->new_tech), DI(r->id));
}

static kerr accept_effect(wf_run *r) {
    return db_exec(r->db, "UPDATE tickets SET accepted_at = ? WHERE id = ?", DI(r->now), DI(r->id));
}

static kerr start_effect(wf_run *r) {
    return db_exec(r->db, "UPDATE tickets SET started_at = ?, accepted_at = COALESCE(accepted_at, ?) WHERE id = ?",
                   DI(r->now), DI(r->now), DI(r->id));
}

static kerr complete_effect(wf_run *r) {
    tk_act *a = r->user;
    kerr e = ticket_counted_exec(r->db, r->id, "UPDATE tickets SET completed_at = ?, work_done = ?, materials = ?, labour_minutes = ?, "
                            "charge = ?, confirm_kind = ?, confirm_code = ? WHERE id = ?",
                     DI(r->now), DT(a->work_done), DT(a->materials), a->has_labour ? DI(a->labour) : DN,
                     a->has_charge ? DI(a->charge) : DN, DT(a->sig_b64 ? "signature" : "code"),
                     a->confirm_code ? DT(a->confirm_code) : DN, DI(r->id));
    if (!e && a->sig_b64)
        e = db_exec(r->db, "INSERT INTO ticket_signatures(ticket_id, mime, data, bytes, actor_id, at) VALUES (?,?,?,?,?,?)",
                    DI(r->id), DT(a->sig_mime), DT(a->sig_b64), DI((int64_t)a->sig_bytes), DI(a->c->user->id), DI(r->now));
    if (!e) e = deadline_meet(r->db, "ticket", r->id, "complete", r->now, NULL);
    if (e) return e;
    return deadline_open_warn(r->db, r->project_id, "ticket", r->id, "callback", arena_printf(r->a, "%s 回访", a->number),
                              r->now + CALLBACK_SECONDS, r->now + CALLBACK_WARN_SECONDS, r->now);
}

static kerr reopen_effect(wf_run *r) {
    tk_act *a = r->user;
    kerr e = db_exec(r->db, "UPDATE tickets SET reopen_count = reopen_count + 1, closed_at = NULL WHERE id = ?", DI(r->id));
    if (!e) e = deadline_meet(r->db, "ticket", r->id, NULL, r->now, NULL);
    return e ? e : ticket_open_dispatch_deadline(a->c, r->project_id, r->id, a->number, a->category);
}

/* A second event after r's, in the same write, by the system rule: r->def's `action`. */
static kerr system_act(wf_run *r, const char *action, const char *note) {
    wf_run again = {.def = r->def, .db = r->db, .a = r->a, .id = r->id, .now = r->now, .actor = r->actor,
                    .note = note, .user = r->user};
    kerr e = wf_act(&again, action, 0, wf_system_roles, NULL);
    if (e) { r->err_field = again.err_field; r->err_msg = again.err_msg; }
    return e;
}

kerr ticket_record_callback(wf_run *r, const char *method, const char *satisfaction, const char *reopen_note,
                           bool *auto_reopen) {
    kerr e = ticket_counted_exec(r->db, r->id, "UPDATE tickets SET called_back_at = ?, callback_method = ?, "
                                 "callback_result = ?, satisfaction = ? WHERE id = ?",
                                 DI(r->now), DT(method), DT(r->note), DT(satisfaction), DI(r->id));
    if (!e) e = deadline_meet(r->db, "ticket", r->id, "callback", r->now, NULL);
    if (e || strcmp(satisfaction, "unsatisfied")) return e;
    *auto_reopen = true;
    return system_act(r, "reopen", reopen_note);
}

/* An unsatisfied callback reopens the order at once (R5); a satisfied one (满意 or 基本满意, as
** the statistics count them) closes it at once unless the project turned callback_auto_close
** off (issue 20): either is a second event, by the system rule. */
static kerr callback_effect(wf_run *r) {
    tk_act *a = r->user;
    bool close = false;
    kerr e = ticket_record_callback(r, json_string_value(json_object_get(a->c->json, "method")), a->satisfaction,
                                    "回访不满意，重新派工", &a->auto_reopen);
    if (e || a->auto_reopen || (e = ticket_option_on(r->db, r->project_id, "callback_auto_close", &close)) || !close)
        return e;
    a->auto_close = true;
    return system_act(r, "close", "回访满意，自动关闭");
}

static kerr close_effect(wf_run *r) {
    tk_act *a = r->user;
    kerr e = db_exec(r->db, "UPDATE tickets SET closed_at = ?, reply = COALESCE(?, reply) WHERE id = ?", DI(r->now),
                     a->reply ? DT(a->reply) : DN, DI(r->id));
    return e ? e : deadline_meet(r->db, "ticket", r->id, NULL, r->now, NULL);
}

static kerr cancel_effect(wf_run *r) {
    kerr e = db_exec(r->db, "UPDATE tickets SET closed_at = ? WHERE id = ?", DI(r->now), DI(r->id));
    return e ? e : deadline_meet(r->db, "ticket", r->id, NULL, r->now, NULL);
}

/* reopen after an unsatisfied callback reads no body; by hand it needs a reason */
static kerr reopen_guard(wf_run *r) {
    tk_act *a = r->user;
    kerr e = repair_only(r);
    return e || a->auto_reopen ? e : reason_guard(r);
}

static kerr accept_guard(wf_run *r) {
    tk_act *a = r->user;
    if (a->accepted) { r->err_msg = "已接单"; return E_STATE; }
    return note_only_guard(r);
}

static const wf_state TICKET_STATES[] = {
    {"open", "待处理"}, {"registered", "已登记"}, {"pending_dispatch", "待派工"}, {"dispatched", "已派工"},
    {"in_progress", "处理中"}, {"completed", "已完工"}, {"called_back", "已回访"}, {"closed", "已关闭"},
    {"cancelled", "已取消"}, {NULL, NULL},
};

static const wf_transition TICKET_TRANSITIONS[] = {
    {"create", "登记", {NULL}, NULL, 0, NULL, NULL},   /* the first event's label; never an action */
    {"dispatch", "派工", {"pending_dispatch"}, "dispatched", DESK, dispatch_guard, dispatch_effect},
    {"accept", "接单", {"dispatched"}, NULL, FIELD, accept_guard, accept_effect},
    {"start", "开始处理", {"dispatched"}, "in_progress", FIELD, note_only_guard, start_effect},
    {"complete", "完工", {"in_progress"}, "completed", FIELD, complete_guard, complete_effect},
    {"callback", "回访", {"completed"}, "called_back", DESK, callback_guard, callback_effect},
    {"close", "关闭", {"called_back", "open"}, "closed", DESK, close_guard, close_effect},
    {"cancel", "取消", {"pending_dispatch", "dispatched", "open"}, "cancelled", DESK, reason_guard, cancel_effect},
    {"reopen", "重新打开", {"called_back", "closed", "completed"}, "pending_dispatch", LEAD, reopen_guard, reopen_effect},
    {"reassign", "改派", {"dispatched", "in_progress"}, "dispatched", DESK, reassign_guard, reassign_effect},
    {"note", "备注", {"open", "registered", "pending_dispatch", "dispatched", "in_progress", "completed", "called_back"},
     NULL, ROLE_ALL, note_guard, NULL},
    {NULL, NULL, {NULL}, NULL, 0, NULL, NULL},
};

const wf_def TICKET_WF = {"ticket", "tickets", TICKET_STATES, TICKET_TRANSITIONS, ticket_moved};

/* ---- the action route ---- */

static kerr load_act(ctx *c, int64_t id, tk_act *a) {
    db_stmt *st = db_query(c->db, "SELECT kind, category, number, COALESCE(technician_id, 0), "
                                  "COALESCE(appointment_at, 0), accepted_at IS NOT NULL FROM tickets WHERE id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    bool found = rc == DB_ROW;
    if (found) {
        a->kind = arena_strdup(&c->a, db_col_text(st, 0));
        a->category = arena_strdup(&c->a, db_col_text(st, 1));
        a->number = arena_strdup(&c->a, db_col_text(st, 2));
        a->technician_id = db_col_int(st, 3);
        a->appointment_at = db_col_int(st, 4);
        a->accepted = db_col_int(st, 5);
    }
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(c->db);
    return found ? E_OK : ctx_fail(c, E_NOT_FOUND, NULL, "工单不存在");
}

static kerr run_action(ctx *c, int64_t id, const char *action, int64_t version) {
    tk_act a = {.c = c, .action = action};
    kerr e = load_act(c, id, &a);
    if (e) return e;
    wf_run r = {.def = &TICKET_WF, .db = c->db, .a = &c->a, .id = id, .now = c->now, .actor = &c->actor, .user = &a};
    e = wf_act(&r, action, version, roles_of, &a);
    if (e == E_FORBIDDEN && !r.err_msg && (auth_roles_in(c->user, r.project_id) & ROLE_TECHNICIAN) &&
        (r.t->roles & ROLE_TECHNICIAN))
        r.err_msg = "这不是派给您的工单";
    return ctx_wf_fail(c, e, &r);
}

kerr ticket_action(ctx *c) {
    int64_t id, pid, version = 0;
    const char *action = ctx_param(c, "action");
    kerr e;
    bool complaint = false;
    if ((e = ctx_param_id(c, "id", &id)) || (e = ticket_row(c, id, "tickets.read", &pid)) ||
        (e = db_read_exists(c->db, &complaint, "SELECT 1 FROM complaints WHERE ticket_id = ?", DI(id))))
        return e;
    if (complaint) {
        if ((e = in_int(c, "version", "版本", 0, 1, INT64_MAX, &version, NULL)) || (e = complaint_action(c, id, action, version)))
            return e;
        return ctx_answer_after_commit(c, ticket_answer, 200, id);
    }
    if (!wf_find(&TICKET_WF, action) || !strcmp(action, "create")) return ctx_fail(c, E_NOT_FOUND, "action", "不支持的操作「%s」", action);
    if ((e = in_int(c, "version", "版本", 0, 1, INT64_MAX, &version, NULL)) || (e = run_action(c, id, action, version)))
        return e;
    return ctx_answer_after_commit(c, ticket_answer, 200, id);
}

/* An inquiry answered while it is registered: the close action, in the same transaction. */
kerr ticket_close_on_create(ctx *c, int64_t id, const char *reply) {
    tk_act a = {.c = c, .reply = reply, .on_create = true, .action = "close"};
    kerr e = load_act(c, id, &a);
    if (e) return e;
    wf_run r = {.def = &TICKET_WF, .db = c->db, .a = &c->a, .id = id, .now = c->now, .actor = &c->actor,
                .note = "登记时直接答复", .user = &a};
    e = wf_act(&r, "close", 0, roles_of, &a);
    if (e == E_FORBIDDEN) return ctx_fail(c, e, "reply", "您不能直接答复并关闭该登记");
    return ctx_wf_fail(c, e, &r);
}
