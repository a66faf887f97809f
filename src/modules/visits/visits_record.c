/*
** visits_record.c — appointments and visit records (SPEC V1, V2: 拜访业主会谈内容记录表).
**
** POST /visits makes an appointment (state planned, a time not in the past) or records a visit
** at once (state done). A record carries who was met, the owner's opinions and suggestions, a
** summary and the requests, numbered 1, 2 … and answered on the spot or not; unanswered ones
** may become tickets (visits_flow.c). Recording also files the visit under the steward's plan
** of that month when its district holds the unit. GET /visits/{id} reads a visit back whole.
*/
#include "visits.h"
#include "kit/list.h"
#include <stdio.h>
#include <string.h>

#define MAX_REQUESTS 20
#define TEXT_MAX 2000
#define REQUEST_MAX 500

static const code_label CREATE_STATES[] = {{"planned", "已预约"}, {"done", "已拜访"}, {NULL, NULL}};
static const char *const RECORD_FIELDS[] = {"visited_at", "met_person", "opinions", "suggestions", "summary",
                                            "requests", NULL};

kerr visit_check_person(ctx *c, int64_t pid, int64_t person_id) {
    int64_t ppid = 0;
    if (!db_int(c->db, &ppid, "SELECT project_id FROM people WHERE id = ?", DI(person_id)) || ppid != pid)
        return ctx_fail(c, E_VALIDATION, "person_id", "人员不存在或不属于该管理处");
    return E_OK;
}

/* visited_at: default now; not in the future (5 minutes' grace). */
static kerr read_visited_at(ctx *c, int64_t *at) {
    const char *s = NULL;
    kerr e = in_str(c, "visited_at", "拜访时间", 0, 40, &s);
    *at = c->now;
    if (e || !s) return e;
    if (!clock_parse_iso(s, at)) return ctx_fail(c, E_VALIDATION, "visited_at", "拜访时间格式应为 2026-11-25T15:00:00+08:00");
    if (*at > c->now + 300) return ctx_fail(c, E_VALIDATION, "visited_at", "拜访时间不能晚于现在");
    if (*at < c->now - 366 * 86400) return ctx_fail(c, E_VALIDATION, "visited_at", "拜访时间不能早于一年前");
    return E_OK;
}

/* One request {content, answered, answer}; errors name requests[i].field. */
static kerr read_request(ctx *c, json_t *item, int i) {
    static const char *const f[] = {"content", "answered", "answer", NULL};
    const char *path = arena_printf(&c->a, "requests[%d]", i), *content = NULL, *answer = NULL;
    if (!json_is_object(item)) return ctx_fail(c, E_VALIDATION, path, "诉求应为对象 {content, answered, answer}");
    json_t *ans = json_object_get(item, "answered");
    kerr e;
    if ((e = jv_only(c, item, path, f)) ||
        (e = jv_str(c, item, "content", arena_printf(&c->a, "%s.content", path), "诉求内容", IN_REQUIRED | IN_MULTILINE,
                    REQUEST_MAX, &content)) ||
        (e = jv_str(c, item, "answer", arena_printf(&c->a, "%s.answer", path), "答复", IN_MULTILINE, REQUEST_MAX, &answer)))
        return e;
    if (ans && !json_is_null(ans) && !json_is_boolean(ans))
        return ctx_fail(c, E_VALIDATION, arena_printf(&c->a, "%s.answered", path), "是否已答复应为 true 或 false");
    bool answered = json_is_true(ans);
    if (answered && (!answer || !*answer))
        return ctx_fail(c, E_VALIDATION, arena_printf(&c->a, "%s.answer", path), "当场答复的诉求请填写答复内容");
    if (!answered && answer && *answer)
        return ctx_fail(c, E_VALIDATION, arena_printf(&c->a, "%s.answer", path), "未答复的诉求不填答复内容，可转为工单跟进");
    return E_OK;
}

static kerr read_requests(ctx *c, json_t **out) {
    json_t *a = json_object_get(c->json, "requests");
    *out = NULL;
    if (!a || json_is_null(a)) return E_OK;
    if (!json_is_array(a)) return ctx_fail(c, E_VALIDATION, "requests", "诉求应为列表");
    if (json_array_size(a) > MAX_REQUESTS)
        return ctx_fail(c, E_VALIDATION, "requests", "一次拜访最多记录 %d 条诉求", MAX_REQUESTS);
    for (size_t i = 0; i < json_array_size(a); i++) {
        kerr e = read_request(c, json_array_get(a, i), (int)i);
        if (e) return e;
    }
    *out = a;
    return E_OK;
}

kerr visit_read_record(ctx *c, int64_t pid, visit_rec *r) {
    kerr e;
    *r = (visit_rec){0};
    if ((e = read_visited_at(c, &r->visited_at)) ||
        (e = in_int(c, "person_id", "会谈业主", 0, 1, INT64_MAX, &r->person_id, &r->has_person)) ||
        (r->has_person && (e = visit_check_person(c, pid, r->person_id))) ||
        (e = in_str(c, "met_person", "会谈人", 0, 50, &r->met_person)) ||
        (e = in_str(c, "opinions", "业主意见", IN_MULTILINE, TEXT_MAX, &r->opinions)) ||
        (e = in_str(c, "suggestions", "业主建议", IN_MULTILINE, TEXT_MAX, &r->suggestions)) ||
        (e = in_str(c, "summary", "会谈内容", IN_MULTILINE, TEXT_MAX, &r->summary)) || (e = read_requests(c, &r->requests)))
        return e;
    if (!r->met_person && r->has_person)   /* the person met is the one named */
        r->met_person = db_text(c->db, &c->a, "SELECT name FROM people WHERE id = ?", DI(r->person_id));
    return E_OK;
}

static kerr insert_requests(ctx *c, int64_t id, json_t *a) {
    kerr e = E_OK;
    for (size_t i = 0; !e && a && i < json_array_size(a); i++) {
        json_t *it = json_array_get(a, i);
        const char *content = NULL, *answer = NULL;
        (void)jv_str(c, it, "content", "content", "", IN_MULTILINE, 0, &content);   /* read_request checked both */
        (void)jv_str(c, it, "answer", "answer", "", IN_MULTILINE, 0, &answer);
        e = db_exec(c->db, "INSERT INTO visit_requests(visit_id, seq, content, answered, answer) VALUES (?,?,?,?,?)",
                    DI(id), DI((int64_t)i + 1), DT(content), DI(json_is_true(json_object_get(it, "answered"))),
                    DT(answer ? answer : ""));
    }
    return e;
}

kerr visit_write_record(ctx *c, int64_t id, int64_t pid, int64_t steward, int64_t unit_id, const visit_rec *r) {
    int64_t plan = visit_plan_for(c->db, pid, steward, unit_id, r->visited_at);
    kerr e = db_exec(c->db, "UPDATE visits SET at = ?, visited_at = ?, plan_id = ?, person_id = COALESCE(?, person_id), "
                            "met_person = ?, opinions = ?, suggestions = ?, summary = ?, updated_at = ? WHERE id = ?",
                     DI(r->visited_at), DI(r->visited_at), plan ? DI(plan) : DN, r->has_person ? DI(r->person_id) : DN,
                     DT(r->met_person ? r->met_person : ""), DT(r->opinions ? r->opinions : ""),
                     DT(r->suggestions ? r->suggestions : ""), DT(r->summary ? r->summary : ""), DI(c->now), DI(id));
    return e ? e : insert_requests(c, id, r->requests);
}

/* ---- create ---- */

typedef struct visit_in {
    int64_t pid, unit_id, steward, person_id, appointment_at;
    const char *kind, *state, *topic;
} visit_in;

/* The unit fixes the project (a body project_id must agree). */
static kerr read_unit(ctx *c, visit_in *in) {
    int64_t body_pid = 0, upid = 0;
    kerr e;
    if ((e = in_int(c, "unit_id", "房屋", IN_REQUIRED, 1, INT64_MAX, &in->unit_id, NULL)) ||
        (e = in_int(c, "project_id", "管理处", 0, 1, INT64_MAX, &body_pid, NULL)))
        return e;
    if (!db_int(c->db, &upid, "SELECT project_id FROM units WHERE id = ?", DI(in->unit_id)) ||
        !auth_sees_project(c->user, upid) || (body_pid && body_pid != upid))
        return ctx_fail(c, E_VALIDATION, "unit_id", "房屋不存在或不属于该管理处");
    in->pid = upid;
    return ctx_require(c, "visits.write", upid);
}

/* The visitor: oneself, or (visits.plan) a steward or lead of the project. */
static kerr read_steward(ctx *c, visit_in *in) {
    kerr e = in_int(c, "steward_id", "拜访人", 0, 1, INT64_MAX, &in->steward, NULL);
    if (e) return e;
    if (!in->steward || in->steward == c->user->id) { in->steward = c->user->id; return E_OK; }
    if (!auth_can(c->user, "visits.plan", in->pid)) return ctx_fail(c, E_FORBIDDEN, "steward_id", "您只能登记自己的拜访");
    if (!visits_user_has_role(c->db, in->steward, in->pid, "'admin','manager','supervisor','steward'"))
        return ctx_fail(c, E_VALIDATION, "steward_id", "拜访人应为该管理处的管家、主管或经理");
    return E_OK;
}

static kerr read_plan_fields(ctx *c, visit_in *in) {
    if (!strcmp(in->state, "done")) {
        if (json_object_get(c->json, "appointment_at"))
            return ctx_fail(c, E_VALIDATION, "appointment_at", "直接记录的拜访不填预约时间");
        return E_OK;
    }
    for (int i = 0; RECORD_FIELDS[i]; i++)
        if (json_object_get(c->json, RECORD_FIELDS[i]))
            return ctx_fail(c, E_VALIDATION, RECORD_FIELDS[i], "预约时只填预约时间和事由，拜访后再记录会谈内容");
    kerr e = in_appointment(c, "appointment_at", &in->appointment_at);
    if (!e && !in->appointment_at) e = ctx_fail(c, E_VALIDATION, "appointment_at", "预约时间不能为空");
    return e;
}

static kerr read_visit(ctx *c, visit_in *in) {
    static const char *const f[] = {"project_id", "unit_id", "person_id", "steward_id", "kind", "state", "appointment_at",
                                    "topic", "visited_at", "met_person", "opinions", "suggestions", "summary", "requests",
                                    NULL};
    bool has_person = false;
    kerr e;
    if ((e = in_only(c, f)) || (e = in_code(c, "kind", "类型", 0, VISIT_KINDS, &in->kind)) ||
        (e = in_code(c, "state", "状态", 0, CREATE_STATES, &in->state)) || (e = read_unit(c, in)) ||
        (e = read_steward(c, in)) || (e = in_str(c, "topic", "拜访事由", 0, 200, &in->topic)))
        return e;
    if (!in->kind) in->kind = "visit";
    if (!in->state) in->state = "planned";
    if ((e = read_plan_fields(c, in))) return e;
    if (!strcmp(in->state, "planned") &&
        ((e = in_int(c, "person_id", "会谈业主", 0, 1, INT64_MAX, &in->person_id, &has_person)) ||
         (has_person && (e = visit_check_person(c, in->pid, in->person_id)))))
        return e;
    return E_OK;
}

static const char *created_json(ctx *c, const visit_in *in, const char *unit) {
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_str(&w, "kind", in->kind);
    jw_str(&w, "state", in->state);
    jw_str(&w, "unit", unit ? unit : "");
    jw_int(&w, "steward_id", in->steward);
    jw_end(&w);
    const char *r = buf_ok(&b) ? arena_strdup(&c->a, b.data) : "{}";
    buf_free(&b);
    return r;
}

kerr visit_create(ctx *c) {
    visit_in in = {0};
    visit_rec rec = {0};
    int64_t id = 0;
    kerr e = read_visit(c, &in);
    bool done = !e && !strcmp(in.state, "done");
    if (e || (done && (e = visit_read_record(c, in.pid, &rec)))) return e;
    int64_t at = done ? rec.visited_at : in.appointment_at;
    int64_t plan = visit_plan_for(c->db, in.pid, in.steward, in.unit_id, at);
    if (db_insert(c->db, &id, "INSERT INTO visits(project_id, plan_id, steward_id, unit_id, person_id, kind, state, at, "
                            "appointment_at, topic, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
                           , DI(in.pid), plan ? DI(plan) : DN, DI(in.steward), DI(in.unit_id),
                in.person_id ? DI(in.person_id) : DN, DT(in.kind), DT(in.state), DI(at),
                done ? DN : DI(in.appointment_at), DT(in.topic ? in.topic : ""), DI(c->user->id), DI(c->now), DI(c->now)))
        return db_last_kerr(c->db);
    const char *unit = db_text(c->db, &c->a, "SELECT code FROM units WHERE id = ?", DI(in.unit_id));
    if ((done && (e = visit_write_record(c, id, in.pid, in.steward, in.unit_id, &rec))) ||
        (e = db_exec(c->db, "INSERT INTO events(project_id, entity, entity_id, action, from_state, to_state, actor_id, "
                            "note, data, at) VALUES (?, 'visit', ?, ?, NULL, ?, ?, '', '{}', ?)",
                     DI(in.pid), DI(id), DT(done ? "record" : "appoint"), DT(in.state), DI(c->user->id), DI(c->now))) ||
        (e = ctx_audit(c, in.pid, "visit", id, "create", created_json(c, &in, unit))))
        return e;
    return ctx_answer_after_commit(c, visit_answer, 201, id);
}

/* ---- read ---- */

static void jw_opt_int(jw *w, const char *key, db_stmt *st, int col) {
    if (db_col_is_null(st, col)) jw_null(w, key); else jw_int(w, key, db_col_int(st, col));
}

void visit_summary(const visit_item *v, jw *w) {
    const char *kind_label = code_label_of(VISIT_KINDS, v->kind);
    jw_int(w, "id", v->id);
    jw_int(w, "project_id", v->project_id);
    if (v->has_plan) jw_int(w, "plan_id", v->plan_id); else jw_null(w, "plan_id");
    jw_int(w, "steward_id", v->steward_id);
    jw_str(w, "steward_name", v->steward_name);
    jw_int(w, "unit_id", v->unit_id);
    jw_str(w, "unit_code", v->unit_code);
    jw_int(w, "building_id", v->building_id);
    jw_str(w, "building_name", v->building_name);
    if (v->has_person) jw_int(w, "person_id", v->person_id); else jw_null(w, "person_id");
    jw_str(w, "person_name", v->person_name ? v->person_name : "");
    jw_str(w, "kind", v->kind);
    jw_str(w, "kind_label", kind_label ? kind_label : "");
    jw_str(w, "state", v->state);
    jw_str(w, "state_label", wf_state_label(&VISIT_WF, v->state));
    jw_time(w, "at", v->at);
    jw_time(w, "appointment_at", v->appointment_at);
    jw_time(w, "visited_at", v->visited_at);
    static const char *const texts[] = {"topic", "met_person", "opinions", "suggestions", "summary", "reason"};
    for (int i = 0; i < 6; i++) jw_str(w, texts[i], v->texts[i]);
    jw_int(w, "created_by", v->created_by);
    jw_str(w, "created_by_name", v->created_by_name);
    jw_int(w, "version", v->version);
    jw_time(w, "created_at", v->created_at);
    jw_time(w, "updated_at", v->updated_at);
    jw_int(w, "requests_count", v->requests);
    jw_int(w, "open_requests", v->open_requests);
}

static void request_row(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)c, (void)arg;
    jw_int(w, "seq", db_col_int(st, 0));
    jw_str(w, "content", db_col_text(st, 1));
    jw_bool(w, "answered", db_col_int(st, 2));
    jw_str(w, "answer", db_col_text(st, 3));
    jw_opt_int(w, "ticket_id", st, 4);
    jw_str(w, "ticket_number", db_col_text(st, 5));
    jw_str(w, "ticket_state", db_col_text(st, 6));
    jw_str(w, "ticket_state_label",
           db_col_is_null(st, 6) ? NULL : ticket_state_label(db_col_text(st, 7), db_col_text(st, 6)));
}

static kerr requests_json(ctx *c, int64_t id, jw *w) {
    return json_rows(c, db_query(c->db, "SELECT r.seq, r.content, r.answered, r.answer, r.ticket_id, t.number, t.state, "
                                        "t.kind FROM visit_requests r LEFT JOIN tickets t ON t.id = r.ticket_id "
                                        "WHERE r.visit_id = ? ORDER BY r.seq", DI(id)),
                     w, "requests", request_row, NULL);
}

kerr visit_answer(ctx *c, int status, int64_t id) {
    db_stmt *st = db_query(c->db, "SELECT " VISIT_COLS " FROM " VISIT_FROM " WHERE v.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, "没有这条拜访记录") : db_last_kerr(c->db); }
    visit_item v;
    visit_item_read(st, &v);
    int64_t pid = v.project_id;
    const char *state = arena_strdup(&c->a, v.state);
    unsigned roles = visit_roles(c, pid, v.steward_id);
    jw *w = ctx_json(c, status);
    jw_obj(w, NULL);
    visit_summary(&v, w);
    db_finish(st);
    kerr e;
    if ((e = requests_json(c, id, w))) return e;
    jw_bool(w, "can_make_tickets", (roles & VISIT_WRITE_ROLES) && auth_can(c->user, "tickets.write", pid));
    if ((e = wf_history_json(c->db, &VISIT_WF, id, w, "events"))) return e;
    wf_actions_json(&VISIT_WF, state, roles, w, "allowed_actions");
    jw_end(w);
    return E_OK;
}

kerr visit_get(ctx *c) {
    int64_t id, pid, steward;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = visit_row(c, id, &pid, &steward))) return e;
    return visit_answer(c, 200, id);
}
