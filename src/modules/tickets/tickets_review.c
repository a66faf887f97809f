/*
** tickets_review.c — the weekly review of called-back repair orders (SPEC R6: 每周一将上周
** 回访过的维修任务单报经理审批). The desk submits a week (Monday to Sunday): the orders called
** back in it are listed as they are at that moment; the manager approves or returns it, and a
** returned review is submitted again with the list read anew. A document of the workflow engine.
*/
#include "tickets.h"
#include "kit/list.h"
#include "core/qb.h"
#include <stdio.h>
#include <string.h>


#define WEEK (7 * 86400)

static kerr review_note_guard(wf_run *r);
static kerr review_reason_guard(wf_run *r);
static kerr review_collect_effect(wf_run *r);

static const wf_state REVIEW_STATES[] = {
    {"submitted", "待审批"}, {"approved", "已审批"}, {"returned", "已退回"}, {NULL, NULL},
};
static const wf_transition REVIEW_TRANSITIONS[] = {
    {"submit", "提交", {NULL}, NULL, 0, NULL, NULL},   /* the first event's label; never an action */
    {"approve", "审批通过", {"submitted"}, "approved", ROLE_ADMIN | ROLE_MANAGER, review_note_guard, NULL},
    {"return", "退回", {"submitted"}, "returned", ROLE_ADMIN | ROLE_MANAGER, review_reason_guard, NULL},
    {"resubmit", "重新提交", {"returned"}, "submitted", ROLE_ADMIN | ROLE_MANAGER | ROLE_SUPERVISOR | ROLE_AGENT,
     review_note_guard, review_collect_effect},
    {NULL, NULL, {NULL}, NULL, 0, NULL, NULL},
};
const wf_def REVIEW_WF = {"callback_review", "callback_reviews", REVIEW_STATES, REVIEW_TRANSITIONS};

/* The orders of `pid` called back in the week from `start`: listed for the review, counted. */
static kerr collect(db *d, int64_t review, int64_t pid, int64_t start, int64_t now) {
    kerr e = db_exec(d, "DELETE FROM callback_review_items WHERE review_id = ?", DI(review));
    if (!e) e = db_exec(d, "INSERT INTO callback_review_items(review_id, ticket_id) SELECT ?, id FROM tickets "
                           "WHERE project_id = ? AND kind IN ('public_repair','home_repair','service') "
                           "AND called_back_at >= ? AND called_back_at < ?", DI(review), DI(pid), DI(start), DI(start + WEEK));
    if (!e) e = db_exec(d, "UPDATE callback_reviews SET tickets = (SELECT COUNT(*) FROM callback_review_items WHERE "
                           "review_id = ?), unsatisfied = (SELECT COUNT(*) FROM callback_review_items i JOIN tickets t "
                           "ON t.id = i.ticket_id WHERE i.review_id = ? AND t.satisfaction = 'unsatisfied'), "
                           "updated_at = ? WHERE id = ?", DI(review), DI(review), DI(now), DI(review));
    return e;
}

static kerr read_note(wf_run *r, const char *key, const char *label, unsigned flags) {
    ctx *c = r->user;
    static const char *const f[] = {"version", "note", "reason", NULL};
    const char *s = NULL;
    kerr e = in_only(c, f);
    if (!e) e = in_str(c, key, label, flags | IN_MULTILINE, 500, &s);
    if (!e && s) r->note = s;
    return e;
}
static kerr review_note_guard(wf_run *r) { return read_note(r, "note", "审批意见", 0); }
static kerr review_reason_guard(wf_run *r) { return read_note(r, "reason", "退回原因", IN_REQUIRED); }

static kerr review_collect_effect(wf_run *r) {
    ctx *c = r->user;
    int64_t start = 0;
    char *week = db_text(r->db, r->a, "SELECT week FROM callback_reviews WHERE id = ?", DI(r->id));
    if (!week) return db_last_kerr(r->db);
    if (!clock_parse_iso(week, &start)) return E_INTERNAL;
    return collect(r->db, r->id, r->project_id, clock_day_start(start), c->now);
}

/* ---- submit ---- */

/* `week`: the Monday (office time) of a week that has ended. */
static kerr read_week(ctx *c, const char **week, int64_t *start) {
    kerr e = in_str(c, "week", "周（周一日期）", IN_REQUIRED, 10, week);
    if (e) return e;
    if (strlen(*week) != 10 || !clock_parse_iso(*week, start))
        return ctx_fail(c, E_VALIDATION, "week", "周应填写该周周一的日期，如 2026-11-16");
    *start = clock_day_start(*start);
    int64_t day = (*start + (int64_t)clock_display_offset() * 60) / 86400;
    if ((day + 4) % 7 != 1) return ctx_fail(c, E_VALIDATION, "week", "周应填写该周周一的日期，如 2026-11-16");
    if (*start + WEEK > c->now) return ctx_fail(c, E_VALIDATION, "week", "这一周还没有结束");
    return E_OK;
}

kerr review_answer(ctx *c, int status, int64_t id);

static kerr review_create(ctx *c) {
    static const char *const f[] = {"project_id", "week", "note", NULL};
    const char *week = NULL, *note = NULL;
    int64_t pid = 0, start = 0, id = 0;
    kerr e;
    if ((e = in_only(c, f)) || (e = in_int(c, "project_id", "管理处", IN_REQUIRED, 1, INT64_MAX, &pid, NULL)) ||
        (e = read_week(c, &week, &start)) || (e = in_str(c, "note", "说明", IN_MULTILINE, 500, &note)))
        return e;
    bool ok;
    if ((e = project_visible(c, pid, &ok))) return e;
    if (!ok) return ctx_fail(c, E_VALIDATION, "project_id", "没有这个管理处");
    if ((e = ctx_require(c, "reviews.submit", pid))) return e;
    if (db_insert(c->db, &id, "INSERT INTO callback_reviews(project_id, week, state, tickets, unsatisfied, submitted_by, "
                            "note, created_at, updated_at) VALUES (?,?,'submitted',0,0,?,?,?,?)",
                DI(pid), DT(week), DI(c->user->id), DT(note ? note : ""), DI(c->now), DI(c->now))) {
        e = db_last_kerr(c->db);
        return e == E_DUPLICATE ? ctx_fail(c, e, "week", "这一周（%s 起）已经提交过", week) : e;
    }
    if ((e = collect(c->db, id, pid, start, c->now)) ||
        (e = db_exec(c->db, "INSERT INTO events(project_id, entity, entity_id, action, from_state, to_state, actor_id, "
                            "note, data, at) VALUES (?, 'callback_review', ?, 'submit', NULL, 'submitted', ?, ?, '{}', ?)",
                     DI(pid), DI(id), DI(c->user->id), DT(note ? note : ""), DI(c->now))) ||
        (e = ctx_audit(c, pid, "callback_review", id, "submit", arena_printf(&c->a, "{\"week\":\"%s\"}", week))))
        return e;
    return ctx_answer_after_commit(c, review_answer, 201, id);
}

/* ---- read ---- */

#define REVIEW_COLS "r.id, r.project_id, r.week, r.state, r.tickets, r.unsatisfied, r.submitted_by, u.display_name, " \
                    "r.note, r.version, r.created_at, r.updated_at"
#define REVIEW_FROM "callback_reviews r JOIN users u ON u.id = r.submitted_by"

static void review_fields(db_stmt *st, jw *w) {
    int64_t start = 0;
    char to[16] = "";
    if (clock_parse_iso(db_col_text(st, 2), &start)) clock_date(clock_day_start(start) + 6 * 86400, to, sizeof to);
    jw_int(w, "id", db_col_int(st, 0));
    jw_int(w, "project_id", db_col_int(st, 1));
    jw_str(w, "week", db_col_text(st, 2));
    jw_str(w, "week_to", to);
    jw_str(w, "state", db_col_text(st, 3));
    jw_str(w, "state_label", wf_state_label(&REVIEW_WF, db_col_text(st, 3)));
    jw_int(w, "tickets", db_col_int(st, 4));
    jw_int(w, "unsatisfied", db_col_int(st, 5));
    jw_int(w, "submitted_by", db_col_int(st, 6));
    jw_str(w, "submitted_by_name", db_col_text(st, 7));
    jw_str(w, "note", db_col_text(st, 8));
    jw_int(w, "version", db_col_int(st, 9));
    jw_time(w, "created_at", db_col_int(st, 10));
    jw_time(w, "updated_at", db_col_int(st, 11));
}

static kerr review_items(ctx *c, int64_t id, jw *w) {
    db_stmt *st = db_query(c->db, "SELECT " TICKET_COLS " FROM callback_review_items i JOIN tickets t ON t.id = i.ticket_id "
                                  TICKET_JOINS " WHERE i.review_id = ? ORDER BY t.called_back_at, t.id", DI(id));
    if (!st) return db_last_kerr(c->db);
    jw_arr(w, "items");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        ticket_rec t;
        ticket_rec_read(st, &t);
        jw_obj(w, NULL);
        ticket_summary(c, &t, w, false);
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

kerr review_answer(ctx *c, int status, int64_t id) {
    db_stmt *st = db_query(c->db, "SELECT " REVIEW_COLS " FROM " REVIEW_FROM " WHERE r.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, "没有这份回访周报") : db_last_kerr(c->db); }
    int64_t pid = db_col_int(st, 1);
    const char *state = arena_strdup(&c->a, db_col_text(st, 3));
    jw *w = ctx_json(c, status);
    jw_obj(w, NULL);
    review_fields(st, w);
    db_finish(st);
    kerr e;
    if ((e = review_items(c, id, w)) || (e = wf_history_json(c->db, &REVIEW_WF, id, w, "events"))) return e;
    wf_actions_json(&REVIEW_WF, state, auth_roles_in(c->user, pid), w, "allowed_actions");
    jw_end(w);
    return E_OK;
}

static kerr review_row(ctx *c, int64_t *id, int64_t *pid) {
    kerr e = ctx_param_id(c, "id", id);
    if (e) return e;
    e = db_read_int(c->db, pid, "SELECT project_id FROM callback_reviews WHERE id = ?", DI(*id));
    if (e == E_NOT_FOUND || (!e && !auth_sees_project(c->user, *pid))) return ctx_fail(c, E_NOT_FOUND, NULL, "没有这份回访周报");
    if (e) return e;
    return ctx_require(c, "tickets.stats", *pid);
}

static kerr review_get(ctx *c) {
    int64_t id, pid;
    kerr e = review_row(c, &id, &pid);
    return e ? e : review_answer(c, 200, id);
}

static kerr reviews_filter(ctx *c, list_q *f) {
    static const code_label states[] = {{"submitted", "已提交"}, {"approved", "已审批"}, {"returned", "已退回"}, {NULL, NULL}};
    qb *b = &f->b;
    const char *state;
    kerr e = q_code(c, "state", "状态", states, &state);
    if (!e && state) qb_and(b, "r.state = ?", DT(state));
    return e;
}

static kerr review_item(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)c, (void)arg;
    jw_obj(w, NULL);
    review_fields(st, w);
    jw_end(w);
    return E_OK;
}

static const list_def REVIEWS = {
    .perm = "tickets.stats", .project_col = "r.project_id", .filter = reviews_filter,
    .sorts = (const list_sort[]){{"-week", "ORDER BY r.week DESC, r.id DESC"}, {"week", "ORDER BY r.week, r.id"}, {NULL, NULL}},
    .spec = {.cols = REVIEW_COLS, .from = REVIEW_FROM},
    .row = review_item,
};
static kerr reviews_list(ctx *c) { return list_run(c, &REVIEWS, NULL); }

static unsigned review_roles(void *who, int64_t pid) { return auth_roles_in(((ctx *)who)->user, pid); }

static kerr review_action(ctx *c) {
    int64_t id, pid, version = 0;
    const char *action = ctx_param(c, "action");
    kerr e;
    if ((e = review_row(c, &id, &pid))) return e;
    if (!wf_find(&REVIEW_WF, action) || !strcmp(action, "submit"))
        return ctx_fail(c, E_NOT_FOUND, "action", "不支持的操作「%s」", action);
    if ((e = in_int(c, "version", "版本", 0, 1, INT64_MAX, &version, NULL))) return e;
    wf_run r = {.def = &REVIEW_WF, .db = c->db, .a = &c->a, .id = id, .now = c->now, .actor = &c->actor, .user = c};
    e = wf_act(&r, action, version, review_roles, c);
    return e ? ctx_wf_fail(c, e, &r) : ctx_answer_after_commit(c, review_answer, 200, id);
}

static const export_col review_cols[] = {
    {"week", "周（起）", EX_TEXT, NULL},        {"week_to", "至", EX_TEXT, NULL},
    {"state_label", "状态", EX_TEXT, NULL},     {"tickets", "回访单数", EX_INT, NULL},
    {"unsatisfied", "不满意", EX_INT, NULL},    {"submitted_by_name", "提交人", EX_TEXT, NULL},
    {"note", "说明", EX_TEXT, NULL},            {"updated_at", "更新时间", EX_TIME, NULL},
    {NULL, NULL, 0, NULL},
};
static const export_spec review_export = {"回访周报", review_cols};

const route reviews_routes[] = {
    {"GET",  "/api/v1/callback-reviews",                       "tickets.stats",  0, 0, reviews_list, &review_export},
    {"POST", "/api/v1/callback-reviews",                       "reviews.submit", 0, 4096, review_create, NULL},
    {"GET",  "/api/v1/callback-reviews/{id}",                  "tickets.stats",  0, 0, review_get, NULL},
    {"POST", "/api/v1/callback-reviews/{id}/actions/{action}", "tickets.stats",  0, 4096, review_action, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};
