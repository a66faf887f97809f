/*
** tickets.c — registering a contact (服务登记, SPEC B1–B3) and reading a ticket back.
**
** A ticket is created with its number (BX20261125-0007 for a repair, TS… for a complaint, ZX… for
** an inquiry: gap-free per project, prefix and day), its
** first event, its first deadline (a repair must be dispatched in time) and an audit row, all
** in the request's one transaction. The workflow after that is tickets_flow.c; lists and
** statistics are tickets_list.c.
*/
#include "complaints.h"
#include "modules/archive/archive_public.h"
#include "kit/phone.h"
#include "core/deadline.h"
#include "core/seq.h"
#include "kit/list.h"
#include "kit/settings.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

const code_label TICKET_KINDS[] = {
    {"inquiry", "咨询"}, {"suggestion", "意见建议"}, {"complaint", "投诉"}, {"public_repair", "公共维修"},
    {"home_repair", "居家维修"}, {"service", "其它服务"}, {"praise", "表扬"}, {NULL, NULL},
};
const code_label TICKET_CHANNELS[] = {
    {"phone", "电话"}, {"visit", "来访"}, {"patrol", "巡查"}, {"sms", "短信"}, {"email", "邮件"}, {"web", "网上"},
    {NULL, NULL},
};
const code_label REPAIR_CATEGORIES[] = {
    {"water", "水"}, {"electric", "电"}, {"heating", "暖"}, {"civil", "土建"}, {"door_window", "门窗"},
    {"elevator", "电梯"}, {"facility", "公共设施"}, {"other", "其它"}, {NULL, NULL},
};
const code_label SATISFACTIONS[] = {
    {"satisfied", "满意"}, {"basically_satisfied", "基本满意"}, {"unsatisfied", "不满意"}, {NULL, NULL},
};
const code_label CALLBACK_METHODS[] = {
    {"phone", "电话"}, {"sms", "短信"}, {"email", "邮件"}, {"visit", "上门"}, {NULL, NULL},
};



/* The number's prefix says the kind at a glance (issue 20; docs/api.md): 报修 BX, 投诉 TS, 咨询 ZX,
** 意见建议 JY, 表扬 BY, 其它服务 FW. Each prefix has its own gap-free daily sequence per project. */
static const code_label NUMBER_PREFIXES[] = {
    {"home_repair", "BX"}, {"public_repair", "BX"}, {"complaint", "TS"}, {"inquiry", "ZX"},
    {"suggestion", "JY"},  {"praise", "BY"},        {"service", "FW"},   {NULL, NULL},
};

bool ticket_is_repair(const char *kind) {
    return kind && (!strcmp(kind, "public_repair") || !strcmp(kind, "home_repair") || !strcmp(kind, "service"));
}

static bool answerable(const char *kind) {
    return !strcmp(kind, "inquiry") || !strcmp(kind, "suggestion") || !strcmp(kind, "praise");
}

/* Defaults (minutes): docs/api.md "Deadlines". */
static const struct { const char *category; int dispatch, complete, warn; } SLA_DEFAULTS[] = {
    {"water", 30, 240, 60},         {"electric", 30, 240, 60},   {"elevator", 15, 120, 30},
    {"heating", 30, 480, 60},       {"civil", 60, 2880, 240},    {"door_window", 60, 2880, 240},
    {"facility", 60, 2880, 240},    {"other", 60, 1440, 120},
};

static void sla_defaults(const char *category, setting_val *v) {
    v[0].n = 60, v[1].n = 1440, v[2].n = 120;
    for (size_t i = 0; i < sizeof SLA_DEFAULTS / sizeof *SLA_DEFAULTS; i++)
        if (category && !strcmp(SLA_DEFAULTS[i].category, category))
            v[0].n = SLA_DEFAULTS[i].dispatch, v[1].n = SLA_DEFAULTS[i].complete, v[2].n = SLA_DEFAULTS[i].warn;
}

static kerr sla_check(ctx *c, const setting_val *v) {
    if (v[2].n >= v[1].n) return ctx_fail(c, E_VALIDATION, "warn_minutes", "提前提醒应短于完工时限");
    return E_OK;
}

static const setting_field SLA_FIELDS[] = {
    {"dispatch_minutes", "派工时限（分钟）", SF_INT, 1, 43200, false},
    {"complete_minutes", "完工时限（分钟）", SF_INT, 1, 43200, false},
    {"warn_minutes", "提前提醒（分钟）", SF_INT, 0, 43200, false},
    {NULL, NULL, 0, 0, 0, false},
};
const setting_spec REPAIR_SLA = {
    .table = "repair_sla", .key_col = "category", .key_param = "code", .key_json = "code", .label_json = "label",
    .audit_entity = "repair_sla", .read_perm = "tickets.read", .write_perm = "tickets.settings",
    .keys = REPAIR_CATEGORIES, .fields = SLA_FIELDS, .defaults = sla_defaults, .check = sla_check,
    .unknown_key = "没有这个报修类别",
};

/* A project's switches of the repair workflow (issue 20), each on or off, default on. */
static const code_label TICKET_OPTION_KEYS[] = {
    {"callback_auto_close", "回访满意后自动关闭工单"}, {NULL, NULL},
};
static void option_defaults(const char *code, setting_val *v) { (void)code; v[0].n = 1; }
static const setting_field OPTION_FIELDS[] = {
    {"enabled", "是否启用", SF_BOOL, 0, 1, false},
    {NULL, NULL, 0, 0, 0, false},
};
const setting_spec TICKET_OPTIONS = {
    .table = "ticket_options", .key_col = "code", .key_param = "code", .key_json = "code", .label_json = "label",
    .audit_entity = "ticket_option", .read_perm = "tickets.read", .write_perm = "tickets.settings",
    .keys = TICKET_OPTION_KEYS, .fields = OPTION_FIELDS, .defaults = option_defaults,
    .unknown_key = "没有这个工单设置项",
};

kerr ticket_option_on(db *d, int64_t pid, const char *code, bool *on) {
    setting_val v[SETTING_MAX_FIELDS];
    bool own;
    kerr e = setting_get(d, NULL, &TICKET_OPTIONS, pid, code, v, &own);
    *on = v[0].n != 0;
    return e;
}

kerr repair_sla_of(db *d, int64_t pid, const char *category, repair_sla *out) {
    setting_val v[SETTING_MAX_FIELDS];
    bool own;
    kerr e = setting_get(d, NULL, &REPAIR_SLA, pid, category, v, &own);
    *out = (repair_sla){v[0].n, v[1].n, v[2].n, own};
    return e;
}

kerr ticket_row(ctx *c, int64_t id, const char *perm, int64_t *pid) {
    bool hidden = false;
    kerr e = db_read_int(c->db, pid, "SELECT project_id FROM tickets WHERE id = ?", DI(id));
    if (e == E_NOT_FOUND || (!e && !auth_sees_project(c->user, *pid))) return ctx_fail(c, E_NOT_FOUND, NULL, "工单不存在");
    if (e || (e = complaint_hides(c, id, &hidden))) return e;
    if (hidden) return ctx_fail(c, E_NOT_FOUND, NULL, "工单不存在");
    return ctx_require(c, perm, *pid);
}

/* ---- register ---- */

typedef struct ticket_in {
    const char *kind, *channel, *location, *caller, *phone, *content, *category, *appointment, *reply;
    int64_t pid, unit_id, building_id, related_id, appointment_at, person_id;
    bool paid, phone_archived;
    const char *unit_code;
    complaint_in cp;
} ticket_in;


/* The unit fixes the project; without one the body's project_id or the user's only project. */
static kerr read_place(ctx *c, ticket_in *in) {
    kerr e = in_int(c, "unit_id", "房屋", 0, 1, INT64_MAX, &in->unit_id, NULL);
    if (e) return e;
    if (!in->unit_id) return body_project(c, "tickets.write", &in->pid);
    int64_t body_pid = 0, upid = 0;
    if ((e = in_int(c, "project_id", "管理处", 0, 1, INT64_MAX, &body_pid, NULL))) return e;
    db_stmt *st = db_query(c->db, "SELECT project_id, building_id, code FROM units WHERE id = ?", DI(in->unit_id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        upid = db_col_int(st, 0);
        in->building_id = db_col_int(st, 1);
        in->unit_code = arena_strdup(&c->a, db_col_text(st, 2));
    }
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(c->db);
    if (!upid || !auth_sees_project(c->user, upid) || (body_pid && body_pid != upid))
        return ctx_fail(c, E_VALIDATION, "unit_id", "房屋不存在或不属于该管理处");
    in->pid = upid;
    return ctx_require(c, "tickets.write", upid);
}

static kerr read_kind_rules(ctx *c, ticket_in *in) {
    bool repair = ticket_is_repair(in->kind);
    if (!strcmp(in->kind, "home_repair") && !in->unit_id)
        return ctx_fail(c, E_VALIDATION, "unit_id", "居家维修请选择房屋");
    if (repair && !in->unit_id && !in->location)
        return ctx_fail(c, E_VALIDATION, "location", "请选择房屋或填写公共位置");
    if (repair && !in->category) return ctx_fail(c, E_VALIDATION, "category", "请选择报修类别");
    if (!repair && in->category) return ctx_fail(c, E_VALIDATION, "category", "只有维修单需要报修类别");
    if (in->reply && !answerable(in->kind))
        return ctx_fail(c, E_VALIDATION, "reply", "只有咨询、意见建议和表扬可以登记时直接答复");
    if (in->related_id) {
        int64_t rpid = 0;
        if (!db_int(c->db, &rpid, "SELECT project_id FROM tickets WHERE id = ?", DI(in->related_id)) || rpid != in->pid)
            return ctx_fail(c, E_VALIDATION, "related_id", "关联的工单不存在或不属于该管理处");
    }
    return E_OK;
}

/* A person of the archive picked as the caller (issue 20): one of the unit's; their name and
** number fill what was left empty, and a number equal to one of theirs is the archive's (masked
** as such, ticket_phone). */
static kerr read_person(ctx *c, ticket_in *in) {
    kerr e = in_int(c, "person_id", "来电人", 0, 1, INT64_MAX, &in->person_id, NULL);
    if (e || !in->person_id) return e;
    if (!in->unit_id) return ctx_fail(c, E_VALIDATION, "person_id", "请先选择房屋，再选择来电人");
    unit_person p;
    e = archive_unit_person(c, in->pid, in->unit_id, in->person_id, &p);
    if (e == E_NOT_FOUND) return ctx_fail(c, E_VALIDATION, "person_id", "来电人不是该房屋登记的住户");
    if (e) return e;
    if (!in->caller || !*in->caller) in->caller = p.name;
    if ((!in->phone || !*in->phone) && (*p.phone || *p.phone2)) in->phone = *p.phone ? p.phone : p.phone2;
    in->phone_archived = in->phone && *in->phone && (!strcmp(in->phone, p.phone) || !strcmp(in->phone, p.phone2));
    return E_OK;
}

static kerr read_ticket(ctx *c, ticket_in *in) {
    static const char *const fields[] = {"project_id", "kind", "channel", "unit_id", "person_id", "location", "caller", "phone",
                                         "content", "category", "paid", "appointment_at", "related_id", "reply",
                                         "complaint_type", "type", "severity", "staff_ids", NULL};
    kerr e;
    if ((e = in_only(c, fields)) || (e = in_code(c, "kind", "类型", IN_REQUIRED, TICKET_KINDS, &in->kind)) ||
        (e = in_code(c, "channel", "来源", IN_REQUIRED, TICKET_CHANNELS, &in->channel)) || (e = read_place(c, in)) ||
        (e = in_str(c, "location", "公共位置", 0, 100, &in->location)) ||
        (e = in_str(c, "caller", "联系人", 0, 50, &in->caller)) || (e = in_str(c, "phone", "电话", 0, 20, &in->phone)) ||
        (e = check_phone_cn(c, "phone", "电话", in->phone)) ||
        (e = in_str(c, "content", "内容", IN_REQUIRED | IN_MULTILINE, 2000, &in->content)) ||
        (e = in_code(c, "category", "报修类别", 0, REPAIR_CATEGORIES, &in->category)) ||
        (e = in_bool(c, "paid", "有偿服务", 0, &in->paid, NULL)) || (e = in_appointment(c, "appointment_at", &in->appointment_at)) ||
        (e = in_int(c, "related_id", "关联工单", 0, 1, INT64_MAX, &in->related_id, NULL)) ||
        (e = in_str(c, "reply", "答复", IN_MULTILINE, 2000, &in->reply)) || (e = read_kind_rules(c, in)) ||
        (e = read_person(c, in)))
        return e;
    return complaint_read(c, in->kind, in->pid, &in->cp);
}

static const char *created_json(ctx *c, const ticket_in *in, const char *number, const char *state) {
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_str(&w, "number", number);
    jw_str(&w, "kind", in->kind);
    jw_str(&w, "channel", in->channel);
    jw_str(&w, "state", state);
    if (in->unit_code) jw_str(&w, "unit", in->unit_code);
    if (in->location) jw_str(&w, "location", in->location);
    if (in->person_id) jw_int(&w, "person_id", in->person_id);
    if (in->caller) jw_str(&w, "caller", in->caller);
    if (in->phone && strlen(in->phone) >= 8)   /* the audit log never shows a whole phone number */
        jw_str(&w, "phone", phone_masked(&c->a, in->phone));
    jw_str(&w, "content", in->content);
    if (in->category) jw_str(&w, "category", in->category);
    if (in->appointment_at) jw_time(&w, "appointment_at", in->appointment_at);
    if (in->cp.type) jw_str(&w, "complaint_type", in->cp.type);
    if (in->cp.severity) jw_str(&w, "severity", in->cp.severity);
    jw_end(&w);
    const char *r = buf_ok(&b) ? arena_strdup(&c->a, b.data) : "{}";
    buf_free(&b);
    return r;
}

static kerr insert_ticket(ctx *c, const ticket_in *in, const char *number, const char *state, int64_t *id) {
    if (!db_insert(c->db, id, "INSERT INTO tickets(project_id, number, kind, channel, state, unit_id, building_id, location, "
                          "caller, phone, content, category, paid, appointment_at, received_by, related_id, "
                          "created_at, updated_at, person_id, phone_archived) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
               DI(in->pid), DT(number), DT(in->kind), DT(in->channel), DT(state), in->unit_id ? DI(in->unit_id) : DN,
               in->building_id ? DI(in->building_id) : DN, DT(in->location ? in->location : ""),
               DT(in->caller ? in->caller : ""), DT(in->phone ? in->phone : ""), DT(in->content),
               DT(in->category ? in->category : ""), DI(in->paid), in->appointment_at ? DI(in->appointment_at) : DN,
               DI(c->user->id), in->related_id ? DI(in->related_id) : DN, DI(c->now), DI(c->now),
               in->person_id ? DI(in->person_id) : DN, DI(in->phone_archived)))
        return E_OK;
    return db_last_kerr(c->db);
}

kerr ticket_close_on_create(ctx *c, int64_t id, const char *reply);   /* tickets_flow.c */

kerr ticket_register(ctx *c, int64_t *out_id) {
    ticket_in in = {0};
    kerr e = read_ticket(c, &in);
    if (e) return e;
    const char *state = ticket_is_repair(in.kind) ? "pending_dispatch" : !strcmp(in.kind, "complaint") ? "registered" : "open";
    char number[32];
    int64_t id = 0;
    if ((e = seq_next_daily(c->db, in.pid, code_label_of(NUMBER_PREFIXES, in.kind), c->now, number, sizeof number)) ||
        (e = insert_ticket(c, &in, number, state, &id)) ||
        (e = ticket_count_add(c->db, in.pid, c->user->id, in.kind, state)) ||
        (e = db_exec(c->db, "INSERT INTO events(project_id, entity, entity_id, action, from_state, to_state, actor_id, "
                            "note, data, at) VALUES (?, 'ticket', ?, 'create', NULL, ?, ?, '', '{}', ?)",
                     DI(in.pid), DI(id), DT(state), DI(c->user->id), DI(c->now))) ||
        (e = ctx_audit(c, in.pid, "ticket", id, "create", created_json(c, &in, number, state))))
        return e;
    if (ticket_is_repair(in.kind) && (e = ticket_open_dispatch_deadline(c, in.pid, id, number, in.category))) return e;
    if (in.cp.type && (e = complaint_register(c, in.pid, id, number, &in.cp))) return e;
    if (in.reply && (e = ticket_close_on_create(c, id, in.reply))) return e;
    if ((e = ticket_stats_apply(c->db, id, 1))) return e;
    *out_id = id;
    return E_OK;
}

static kerr ticket_create(ctx *c) {
    int64_t id = 0;
    kerr e = ticket_register(c, &id);
    return e ? e : ctx_answer_after_commit(c, ticket_answer, 201, id);
}

/* ---- read ---- */

static void jw_opt_int(jw *w, const char *key, db_stmt *st, int col) {
    if (db_col_is_null(st, col)) jw_null(w, key); else jw_int(w, key, db_col_int(st, col));
}

static void jw_int_or_null(jw *w, const char *key, bool has, int64_t v) {
    if (has) jw_int(w, key, v); else jw_null(w, key);
}

static void jw_code(jw *w, const char *key, const code_label *t, const char *code) {
    char lk[32];
    snprintf(lk, sizeof lk, "%s_label", key);
    jw_str(w, key, code);
    const char *l = code_label_of(t, code);
    jw_str(w, lk, l ? l : "");
}

/* The caller's phone. On the ticket page (and slip) the technician the order is dispatched to
** sees it whole: they arrange the visit. A number the agent typed the desk sees whole there too
** (they ring back for the 24 h callback); a number from the archive (`archived`) is masked like
** every archive number for a role without people.reveal — the desk calls it with the person's
** audited call (POST /people/{id}/actions/call). Lists and exports follow the people.reveal rule
** like every other personal number. */
const char *ticket_phone(ctx *c, int64_t pid, int64_t tech, const char *phone, bool archived, bool whole_ok) {
    unsigned desk = ROLE_ADMIN | ROLE_MANAGER | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD;
    if (whole_ok && ((tech && tech == c->user->id) || (!archived && (auth_roles_in(c->user, pid) & desk)))) return phone;
    return mask_phone(c, pid, phone);
}

/* The fields every list item and the ticket page share (a ticket_rec). */
void ticket_summary(ctx *c, const ticket_rec *t, jw *w, bool on_page) {
    jw_int(w, "id", t->id);
    jw_int(w, "project_id", t->project_id);
    jw_str(w, "number", t->number);
    jw_code(w, "kind", TICKET_KINDS, t->kind);
    jw_code(w, "channel", TICKET_CHANNELS, t->channel);
    jw_str(w, "state", t->state);
    jw_str(w, "state_label", wf_state_label(ticket_wf(t->kind), t->state));
    jw_int_or_null(w, "unit_id", t->has_unit, t->unit_id);
    jw_str(w, "unit_code", t->unit_code);
    jw_int_or_null(w, "building_id", t->has_building, t->building_id);
    jw_str(w, "location", t->location);
    jw_str(w, "caller", t->caller);
    jw_str(w, "phone", ticket_phone(c, t->project_id, t->technician_id, t->phone, t->phone_archived, on_page));
    jw_int_or_null(w, "person_id", t->has_person, t->person_id);
    jw_bool(w, "phone_from_archive", t->phone_archived);
    jw_str(w, "content", t->content);
    jw_code(w, "category", REPAIR_CATEGORIES, t->category);
    jw_bool(w, "paid", t->paid);
    jw_time(w, "appointment_at", t->appointment_at);
    jw_int(w, "received_by", t->received_by);
    jw_str(w, "received_by_name", t->received_by_name);
    jw_int_or_null(w, "technician_id", t->has_technician, t->technician_id);
    jw_str(w, "technician_name", t->technician_name);
    jw_code(w, "satisfaction", SATISFACTIONS, t->satisfaction);
    jw_int(w, "reopen_count", t->reopen_count);
    jw_int(w, "version", t->version);
    jw_time(w, "created_at", t->created_at);
    jw_time(w, "updated_at", t->updated_at);
    jw_time(w, "completed_at", t->completed_at);
    jw_time(w, "called_back_at", t->called_back_at);
}

#define DETAIL_COLS "dispatched_at, accepted_at, started_at, closed_at, work_done, materials, labour_minutes, charge, " \
                    "confirm_kind, callback_method, callback_result, reply, related_id"

/* The columns only the page shows; E_NOT_FOUND if the ticket is gone. */
static kerr ticket_details(ctx *c, int64_t id, jw *w) {
    db_stmt *st = db_query(c->db, "SELECT " DETAIL_COLS " FROM tickets WHERE id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? E_NOT_FOUND : db_last_kerr(c->db); }
    jw_time(w, "dispatched_at", db_col_int(st, 0));
    jw_time(w, "accepted_at", db_col_int(st, 1));
    jw_time(w, "started_at", db_col_int(st, 2));
    jw_time(w, "closed_at", db_col_int(st, 3));
    jw_str(w, "work_done", db_col_text(st, 4));
    jw_raw(w, "materials", db_col_text(st, 5));
    jw_opt_int(w, "labour_minutes", st, 6);
    if (db_col_is_null(st, 7)) jw_null(w, "charge"); else jw_money(w, "charge", db_col_int(st, 7));
    const char *ck = db_col_text(st, 8);
    if (!ck || !*ck) jw_null(w, "confirmation");
    else {
        jw_obj(w, "confirmation");
        jw_str(w, "kind", ck);
        if (!strcmp(ck, "signature"))
            jw_str(w, "signature_url", arena_printf(&c->a, "/api/v1/tickets/%lld/signature", (long long)id));
        jw_end(w);
    }
    jw_code(w, "callback_method", CALLBACK_METHODS, db_col_text(st, 9));
    jw_str(w, "callback_result", db_col_text(st, 10));
    jw_str(w, "reply", db_col_text(st, 11));
    jw_opt_int(w, "related_id", st, 12);
    db_finish(st);
    return E_OK;
}

static void deadline_row(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)c, (void)arg;
    jw_str(w, "kind", db_col_text(st, 0));
    jw_time(w, "due_at", db_col_int(st, 1));
    jw_time(w, "warn_at", db_col_int(st, 2));
    jw_time(w, "met_at", db_col_int(st, 3));
    jw_time(w, "overdue_at", db_col_int(st, 4));
    bool met = !db_col_is_null(st, 3), over = !db_col_is_null(st, 4);
    jw_str(w, "state", met ? "met" : over ? "overdue" : !db_col_is_null(st, 5) ? "due_soon" : "open");
}

static kerr ticket_deadlines(ctx *c, int64_t id, jw *w) {
    return json_rows(c, db_query(c->db, "SELECT kind, due_at, warn_at, met_at, overdue_at, warned_at FROM deadlines "
                                        "WHERE entity = 'ticket' AND entity_id = ? ORDER BY id", DI(id)),
                     w, "deadlines", deadline_row, NULL);
}

unsigned ticket_roles(ctx *c, int64_t pid, int64_t technician_id, const char *action);   /* tickets_flow.c */

/* The buttons: the engine's allowed actions, less 接单 once the technician has accepted. */
static kerr allowed_json(ctx *c, int64_t id, int64_t pid, int64_t tech, const char *kind, const char *state, jw *w) {
    bool accepted = false;
    const wf_def *def = ticket_wf(kind);
    unsigned croles = 0;
    kerr e = db_read_exists(c->db, &accepted, "SELECT 1 FROM tickets WHERE id = ? AND accepted_at IS NOT NULL", DI(id));
    if (e || (def == &COMPLAINT_WF && (e = complaint_roles(c, pid, id, &croles)))) return e;
    jw_arr(w, "allowed_actions");
    for (const wf_transition *t = def->transitions; t->action; t++) {
        unsigned roles = def == &COMPLAINT_WF ? croles : ticket_roles(c, pid, tech, t->action);
        if (!wf_allowed(t, state, roles) || (accepted && !strcmp(t->action, "accept"))) continue;
        jw_obj(w, NULL);
        jw_str(w, "action", t->action);
        jw_str(w, "label", t->label);
        jw_end(w);
    }
    jw_end(w);
    return E_OK;
}

/* The sections after the summary; the first error ends the page (the server answers it). */
static kerr ticket_sections(ctx *c, const ticket_rec *t, const char *kind, const char *state, jw *w) {
    kerr e;
    if ((e = ticket_details(c, t->id, w)) || (e = ticket_deadlines(c, t->id, w)) ||
        (!strcmp(kind, "complaint") && (e = complaint_details(c, t->id, w))) ||
        (e = wf_history_json(c->db, ticket_wf(kind), t->id, w, "events")))
        return e == E_NOT_FOUND ? ctx_fail(c, e, NULL, "工单不存在") : e;
    return allowed_json(c, t->id, t->project_id, t->technician_id, kind, state, w);
}

kerr ticket_answer(ctx *c, int status, int64_t id) {
    db_stmt *st = db_query(c->db, "SELECT " TICKET_COLS " FROM " TICKET_FROM " WHERE t.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, "工单不存在") : db_last_kerr(c->db); }
    ticket_rec t;
    ticket_rec_read(st, &t);
    const char *state = arena_strdup(&c->a, t.state), *kind = arena_strdup(&c->a, t.kind);
    jw *w = ctx_json(c, status);
    jw_obj(w, NULL);
    ticket_summary(c, &t, w, true);
    db_finish(st);
    kerr e = ticket_sections(c, &t, kind, state, w);
    jw_end(w);
    return e;
}

static kerr ticket_get(ctx *c) {
    int64_t id, pid;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = ticket_row(c, id, "tickets.read", &pid))) return e;
    return ticket_answer(c, 200, id);
}

/* The owner's signature as the image it was sent as. */
static kerr signature_get(ctx *c) {
    int64_t id, pid;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = ticket_row(c, id, "tickets.read", &pid))) return e;
    db_stmt *st = db_query(c->db, "SELECT mime, data FROM ticket_signatures WHERE ticket_id = ? ORDER BY id DESC LIMIT 1",
                           DI(id));
    if (!st) return db_last_kerr(c->db);
    int step = db_step(st);
    if (step != DB_ROW) { db_finish(st); return step == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, "该工单没有签名") : db_last_kerr(c->db); }
    const char *mime = arena_strdup(&c->a, db_col_text(st, 0)), *b64 = db_col_text(st, 1);
    size_t cap = strlen(b64), len = 0;
    unsigned char *img = arena_alloc(&c->a, cap + 1);
    int rc = img ? sodium_base642bin(img, cap, b64, cap, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) : -1;
    db_finish(st);
    if (rc != 0) return E_INTERNAL;
    c->status = 200;
    c->content_type = mime;
    ctx_header(c, "Cache-Control", "private, max-age=3600");
    buf_append(&c->out, img, len);
    return E_OK;
}

kerr ticket_action(ctx *c);                      /* tickets_flow.c */
kerr tickets_list(ctx *c);                       /* tickets_list.c */
kerr tickets_stats(ctx *c);
kerr repair_categories_list(ctx *c);
kerr technicians_list(ctx *c);
kerr staff_list(ctx *c);
kerr worklog(ctx *c);                            /* tickets_worklog.c */
kerr repair_category_put(ctx *c);
kerr ticket_options_list(ctx *c);
kerr ticket_option_put(ctx *c);
kerr ticket_slip(ctx *c);                        /* tickets_slip.c */
extern const struct export_spec ticket_export, stats_export, worklog_export;

const route tickets_routes[] = {
    {"GET",  "/api/v1/tickets",                          "tickets.read",     0, 0, tickets_list, &ticket_export},
    {"POST", "/api/v1/tickets",                          "tickets.write",    0, 16384, ticket_create, NULL},
    {"GET",  "/api/v1/tickets/{id}",                     "tickets.read",     0, 0, ticket_get, NULL},
    {"GET",  "/api/v1/tickets/{id}/signature",           "tickets.read",     0, 0, signature_get, NULL},
    {"GET",  "/api/v1/tickets/{id}/slip.pdf",            "tickets.read",     0, 0, ticket_slip, NULL},
    {"POST", "/api/v1/tickets/{id}/actions/{action}",    "tickets.act",      0, 2u << 20, ticket_action, NULL},
    {"GET",  "/api/v1/stats/tickets",                    "tickets.stats",    0, 0, tickets_stats, &stats_export},
    {"GET",  "/api/v1/worklog",                          "tickets.read",     0, 0, worklog, &worklog_export},
    {"GET",  "/api/v1/technicians",                      "tickets.read",     0, 0, technicians_list, NULL},
    {"GET",  "/api/v1/staff",                            "tickets.read",     0, 0, staff_list, NULL},
    {"GET",  "/api/v1/repair-categories",                "tickets.read",     0, 0, repair_categories_list, NULL},
    {"PUT",  "/api/v1/repair-categories/{code}",         "tickets.settings", 0, 4096, repair_category_put, NULL},
    {"GET",  "/api/v1/ticket-options",                   "tickets.read",     0, 0, ticket_options_list, NULL},
    {"PUT",  "/api/v1/ticket-options/{code}",            "tickets.settings", 0, 4096, ticket_option_put, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};
