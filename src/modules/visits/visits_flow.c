/*
** visits_flow.c — what happens to an appointment (SPEC V1, V2) as one transition table run by
** the workflow engine: 已预约 → 已拜访 (record), 未遇 (miss: nobody at home; recorded later
** when the steward comes back) or 已取消 (cancel). A steward acts only on their own visits
** (visit_roles); leads act on any of the project.
**
** And the one click of V2: an owner's request that could not be answered on the spot becomes a
** ticket of the front-desk register (ticket_register, in this request's transaction: number,
** deadlines, audit), linked to the visit; each request at most once.
*/
#include "visits.h"
#include "kit/phone.h"
#include <string.h>

static kerr record_guard(wf_run *r);
static kerr record_effect(wf_run *r);
static kerr reason_guard(wf_run *r);
static kerr reason_effect(wf_run *r);

static const wf_state VISIT_STATES[] = {
    {"planned", "已预约"}, {"done", "已拜访"}, {"missed", "未遇"}, {"cancelled", "已取消"}, {NULL, NULL},
};
static const wf_transition VISIT_TRANSITIONS[] = {
    {"appoint", "预约拜访", {NULL}, NULL, 0, NULL, NULL},   /* first events' labels; never actions */
    {"ticket", "诉求转工单", {NULL}, NULL, 0, NULL, NULL},
    {"record", "记录拜访", {"planned", "missed"}, "done", VISIT_WRITE_ROLES, record_guard, record_effect},
    {"miss", "未遇", {"planned"}, "missed", VISIT_WRITE_ROLES, reason_guard, reason_effect},
    {"cancel", "取消", {"planned"}, "cancelled", VISIT_WRITE_ROLES, reason_guard, reason_effect},
    {NULL, NULL, {NULL}, NULL, 0, NULL, NULL},
};
const wf_def VISIT_WF = {"visit", "visits", VISIT_STATES, VISIT_TRANSITIONS};

/* What an action carries from its guard to its effect. */
typedef struct vs_act {
    ctx *c;
    int64_t steward, unit_id;
    visit_rec rec;
} vs_act;

static kerr record_guard(wf_run *r) {
    static const char *const f[] = {"version", "visited_at", "person_id", "met_person", "opinions", "suggestions",
                                    "summary", "requests", NULL};
    vs_act *a = r->user;
    kerr e;
    if ((e = in_only(a->c, f)) || (e = visit_read_record(a->c, r->project_id, &a->rec))) return e;
    r->data_json = arena_printf(r->a, "{\"requests\":%zu}", a->rec.requests ? json_array_size(a->rec.requests) : 0);
    return E_OK;
}

static kerr record_effect(wf_run *r) {
    vs_act *a = r->user;
    return visit_write_record(a->c, r->id, r->project_id, a->steward, a->unit_id, &a->rec);
}

static kerr reason_guard(wf_run *r) {
    static const char *const f[] = {"version", "reason", NULL};
    vs_act *a = r->user;
    const char *reason = NULL;
    kerr e;
    if ((e = in_only(a->c, f)) || (e = in_str(a->c, "reason", "原因", IN_REQUIRED | IN_MULTILINE, 200, &reason))) return e;
    r->note = reason;
    return E_OK;
}

static kerr reason_effect(wf_run *r) {
    return db_exec(r->db, "UPDATE visits SET reason = ? WHERE id = ?", DT(r->note), DI(r->id));
}

static unsigned roles_of(void *who, int64_t pid) {
    vs_act *a = who;
    return visit_roles(a->c, pid, a->steward);
}

kerr visit_action(ctx *c) {
    int64_t id, pid, version = 0;
    const char *action = ctx_param(c, "action");
    vs_act a = {.c = c};
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = visit_row(c, id, &pid, &a.steward))) return e;
    const wf_transition *t = wf_find(&VISIT_WF, action);
    if (!t || !t->roles) return ctx_fail(c, E_NOT_FOUND, "action", "不支持的操作「%s」", action);
    if ((e = in_int(c, "version", "版本", 0, 1, INT64_MAX, &version, NULL))) return e;
    db_int(c->db, &a.unit_id, "SELECT unit_id FROM visits WHERE id = ?", DI(id));
    wf_run r = {.def = &VISIT_WF, .db = c->db, .a = &c->a, .id = id, .now = c->now, .actor = &c->actor, .user = &a};
    e = wf_act(&r, action, version, roles_of, &a);
    if (e == E_FORBIDDEN && !r.err_msg && (auth_roles_in(c->user, pid) & ROLE_STEWARD)) r.err_msg = "只能处理自己的拜访";
    return e ? ctx_wf_fail(c, e, &r) : ctx_answer_after_commit(c, visit_answer, 200, id);
}

/* ---- a request becomes a ticket ---- */

static const code_label REQUEST_KINDS[] = {
    {"home_repair", "居家维修"}, {"public_repair", "公共维修"}, {"service", "其它服务"},
    {"complaint", "投诉"}, {"suggestion", "意见建议"}, {"inquiry", "咨询"}, {NULL, NULL},
};

typedef struct req_row {
    int64_t seq, unit_id, person_id;
    const char *content, *caller, *phone;
} req_row;

/* The request, still open (not answered, not a ticket yet), and the visit's unit and person. */
static kerr load_request(ctx *c, int64_t id, req_row *q) {
    db_stmt *st = db_query(c->db, "SELECT r.content, r.answered, t.number, v.unit_id, COALESCE(p.name, v.met_person), "
                                  "COALESCE(p.phone, '') FROM visit_requests r JOIN visits v ON v.id = r.visit_id "
                                  "LEFT JOIN tickets t ON t.id = r.ticket_id LEFT JOIN people p ON p.id = v.person_id "
                                  "WHERE r.visit_id = ? AND r.seq = ?", DI(id), DI(q->seq));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, "seq", "没有这条诉求") : db_last_kerr(c->db); }
    bool answered = db_col_int(st, 1), ticketed = !db_col_is_null(st, 2);
    const char *number = arena_strdup(&c->a, db_col_text(st, 2));
    q->content = arena_strdup(&c->a, db_col_text(st, 0));
    q->unit_id = db_col_int(st, 3);
    q->caller = arena_strdup(&c->a, db_col_text(st, 4));
    q->phone = arena_strdup(&c->a, db_col_text(st, 5));
    db_finish(st);
    if (ticketed) return ctx_fail(c, E_STATE, "seq", "这条诉求已转为工单 %s", number);
    if (answered) return ctx_fail(c, E_STATE, "seq", "这条诉求已当场答复，不需要转工单");
    return E_OK;
}

/* The body of POST /tickets for the request: channel visit, the visit's unit and person. */
static json_t *ticket_body(int64_t pid, const req_row *q, const char *kind, const char *category) {
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "project_id", json_integer(pid));
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "channel", json_string("visit"));
    json_object_set_new(o, "unit_id", json_integer(q->unit_id));
    json_object_set_new(o, "content", json_string(q->content));
    if (q->caller && *q->caller) json_object_set_new(o, "caller", json_string(q->caller));
    if (q->phone && phone_cn_ok(q->phone)) json_object_set_new(o, "phone", json_string(q->phone));
    if (category) json_object_set_new(o, "category", json_string(category));
    else if (ticket_is_repair(kind)) json_object_set_new(o, "category", json_string("other"));
    return o;
}

/* ticket_register reads c->json: it reads the built body for the length of the call. */
static kerr register_ticket(ctx *c, json_t *body, int64_t *tid) {
    json_t *mine = c->json;
    c->json = body;
    kerr e = ticket_register(c, tid);
    c->json = mine;
    json_decref(body);
    return e;
}

static kerr link_ticket(ctx *c, int64_t id, int64_t pid, int64_t seq, int64_t tid) {
    const char *number = db_text(c->db, &c->a, "SELECT number FROM tickets WHERE id = ?", DI(tid));
    const char *data = arena_printf(&c->a, "{\"seq\":%lld,\"ticket_id\":%lld,\"number\":\"%s\"}", (long long)seq,
                                    (long long)tid, number ? number : "");
    kerr e = db_exec(c->db, "UPDATE visit_requests SET ticket_id = ? WHERE visit_id = ? AND seq = ? AND ticket_id IS NULL",
                     DI(tid), DI(id), DI(seq));
    if (!e && db_changes(c->db) != 1) e = ctx_fail(c, E_CONFLICT, "seq", NULL);
    if (!e) e = db_exec(c->db, "UPDATE visits SET updated_at = ? WHERE id = ?", DI(c->now), DI(id));
    if (!e) e = db_exec(c->db, "INSERT INTO events(project_id, entity, entity_id, action, from_state, to_state, actor_id, "
                               "note, data, at) VALUES (?, 'visit', ?, 'ticket', 'done', 'done', ?, '', ?, ?)",
                        DI(pid), DI(id), DI(c->user->id), DT(data), DI(c->now));
    return e ? e : ctx_audit(c, pid, "visit", id, "request_ticket", data);
}

kerr visit_request_ticket(ctx *c) {
    static const char *const f[] = {"kind", "category", NULL};
    int64_t id, pid, steward, tid = 0;
    req_row q = {0};
    const char *kind = NULL, *category = NULL;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = visit_row(c, id, &pid, &steward))) return e;
    if (!(visit_roles(c, pid, steward) & VISIT_WRITE_ROLES)) return ctx_fail(c, E_FORBIDDEN, NULL, "只能处理自己的拜访");
    if ((e = ctx_require(c, "tickets.write", pid)) || (e = ctx_param_id(c, "seq", &q.seq))) return e;
    if ((e = in_only(c, f)) || (e = in_code(c, "kind", "工单类型", 0, REQUEST_KINDS, &kind)) ||
        (e = in_code(c, "category", "报修类别", 0, REPAIR_CATEGORIES, &category)) || (e = load_request(c, id, &q)))
        return e;
    json_t *body = ticket_body(pid, &q, kind ? kind : "service", category);
    if (!body) return E_NOMEM;
    if ((e = register_ticket(c, body, &tid)) || (e = link_ticket(c, id, pid, q.seq, tid))) return e;
    return ctx_answer_after_commit(c, visit_answer, 201, id);
}
