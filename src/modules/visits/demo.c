/*
** demo.c — the visits module's demo: visits of 翠湖花园 (project 1, SPEC V1–V4): the steward 张伟's plan
** for this month over buildings 1 and 2, eight visits told in full spread over the month so far
** (opinions, suggestions and requests: two answered on the spot, two left open to turn into
** tickets — the demo registers no ticket itself, tickets keep their own figures), one visit
** nobody answered, two appointments still to come, routine visits up to about 60% of the
** district's households (under the 80% target: the rate shows red), and the callback quotas of
** the manager and the supervisor, the manager with one callback made.
** A hundred-odd rows at most: it runs at every test server's start.
*/
#include "visits.h"
#include "core/audit.h"
#include "base/clock.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_DONE 8
#define HOUSEHOLDS "u.status IN ('已入住','出租')"

static const struct { const char *opinions, *suggestions, *summary; } TALKS[DEMO_DONE] = {
    {"对管家服务总体满意", "希望夏季增加绿化带喷洒次数", "介绍本月停水检修安排，业主表示理解"},
    {"电梯高峰期等候时间较长", "", "记录电梯意见，已转工程部评估"},
    {"", "建议在小区增设儿童游乐设施", "业主家有两个小孩，希望增加活动场地"},
    {"夜间地库照明偏暗", "", "已告知近期更换地库灯具"},
    {"对保洁满意", "快递柜位置希望调整到北门", ""},
    {"楼下商铺油烟较大", "", "已登记，后续协调商户加装净化器"},
    {"", "", "新入住业主，介绍物业服务内容和报修电话"},
    {"门禁卡偶尔失灵", "", "建议到前台更换门禁卡"},
};

/* requests of visit i: content, answered, answer */
static const struct { int visit; const char *content; int answered; const char *answer; } REQUESTS[] = {
    {0, "询问物业费能否微信缴纳", 1, "可以，前台和微信公众号均可缴费"},
    {2, "建议在小区中心花园增设儿童游乐设施", 0, NULL},
    {3, "阳台下水管渗水，希望尽快上门维修", 0, NULL},
    {7, "门禁卡失灵，需要补办", 1, "已告知携带身份证到前台补办"},
};

static int64_t user_id(db *d, const char *username) {
    int64_t id = 0;
    db_int(d, &id, "SELECT id FROM users WHERE username = ?", DT(username));
    return id;
}

static kerr add_event(db *d, int64_t visit, const char *action, const char *to, int64_t actor, int64_t at) {
    return db_exec(d, "INSERT INTO events(project_id, entity, entity_id, action, from_state, to_state, actor_id, note, "
                      "data, at) VALUES (1, 'visit', ?, ?, NULL, ?, ?, '', '{}', ?)", DI(visit), DT(action), DT(to),
                   DI(actor), DI(at));
}

/* The steward's plan over buildings 1 and 2 of project 1. */
static kerr add_plan(db *d, const char *month, int64_t steward, int64_t lead, int64_t now, int64_t *plan) {
    if (db_insert(d, plan, "INSERT INTO visit_plans(project_id, steward_id, month, target_percent, note, created_by, "
                         "created_at, updated_at) VALUES (1,?,?,80,'本月重点：1、2栋入户巡访，了解入住后问题',?,?,?)",
                           DI(steward), DT(month), DI(lead), DI(now), DI(now)))
        return db_last_kerr(d);
    return db_exec(d, "INSERT INTO visit_plan_buildings(plan_id, building_id) SELECT ?, id FROM buildings "
                      "WHERE project_id = 1 AND code IN ('1','2')", DI(*plan));
}

static kerr add_requests(db *d, int i, int64_t visit) {
    kerr e = E_OK;
    int seq = 0;
    for (size_t k = 0; !e && k < sizeof REQUESTS / sizeof *REQUESTS; k++) {
        if (REQUESTS[k].visit != i) continue;
        e = db_exec(d, "INSERT INTO visit_requests(visit_id, seq, content, answered, answer) VALUES (?,?,?,?,?)",
                    DI(visit), DI(++seq), DT(REQUESTS[k].content), DI(REQUESTS[k].answered),
                    DT(REQUESTS[k].answer ? REQUESTS[k].answer : ""));
    }
    return e;
}

/* Visit i of the households (i < DEMO_DONE: recorded; then missed; then appointments). */
static kerr add_visit(db *d, int i, int64_t plan, int64_t steward, int64_t unit, int64_t owner_id, const char *owner,
                      int64_t start, int64_t now) {
    int64_t at = start + (now - start) * (i + 1) / (DEMO_DONE + 2), id = 0;
    int64_t office = clock_day_start(at) + 9 * 3600 + (i % 4) * 7200 + 1800;   /* 9:30, 11:30, 13:30, 15:30 */
    if (office <= now) at = office;
    bool done = i < DEMO_DONE, missed = i == DEMO_DONE;
    const char *state = done ? "done" : missed ? "missed" : "planned";
    if (!done && !missed)   /* in two hours on the hour, and tomorrow at 10:00 */
        at = i == DEMO_DONE + 1 ? (now / 3600 + 3) * 3600 : clock_day_start(now) + 86400 + 10 * 3600;
    if (db_insert(d, &id, "INSERT INTO visits(project_id, plan_id, steward_id, unit_id, person_id, kind, state, at, "
                        "appointment_at, visited_at, topic, met_person, opinions, suggestions, summary, reason, created_by, "
                        "created_at, updated_at) VALUES (1,?,?,?,?,'visit',?,?,?,?,?,?,?,?,?,?,?,?,?)",
                DI(plan), DI(steward), DI(unit), owner_id ? DI(owner_id) : DN, DT(state), DI(at), done ? DN : DI(at),
                done ? DI(at) : DN, DT(done ? "" : "了解入住后的居住情况"), DT(done ? owner : ""),
                DT(done ? TALKS[i].opinions : ""), DT(done ? TALKS[i].suggestions : ""), DT(done ? TALKS[i].summary : ""),
                DT(missed ? "业主不在家，已在门上留联系卡" : ""), DI(steward), DI(at < now ? at : now), DI(now)))
        return db_last_kerr(d);
    kerr e = add_event(d, id, done ? "record" : "appoint", done ? "done" : "planned", steward, at < now ? at : now);
    if (!e && missed)
        e = db_exec(d, "INSERT INTO events(project_id, entity, entity_id, action, from_state, to_state, actor_id, note, "
                       "data, at) VALUES (1, 'visit', ?, 'miss', 'planned', 'missed', ?, '业主不在家，已在门上留联系卡', "
                       "'{}', ?)", DI(id), DI(steward), DI(at));
    return e || !done ? e : add_requests(d, i, id);
}

/* A routine visit (巡访) at household i: done on a working day of the month so far. */
static kerr add_routine(db *d, int i, int64_t plan, int64_t steward, int64_t unit, int64_t person, const char *owner,
                        int64_t start, int64_t now) {
    int64_t at = clock_day_start(start + (now - start) * (i % 23) / 23) + 9 * 3600 + (i % 8) * 1800, id = 0;
    if (at > now) at = now;
    if (db_insert(d, &id, "INSERT INTO visits(project_id, plan_id, steward_id, unit_id, person_id, kind, state, at, "
                        "visited_at, met_person, summary, created_by, created_at, updated_at) VALUES "
                        "(1,?,?,?,?,'visit','done',?,?,?,'例行巡访，业主无其他意见',?,?,?)",
                DI(plan), DI(steward), DI(unit), person ? DI(person) : DN, DI(at), DI(at), DT(owner), DI(steward),
                DI(at), DI(now)))
        return db_last_kerr(d);
    return add_event(d, id, "record", "done", steward, at);
}

#define HOUSEHOLD_ROWS "SELECT u.id, COALESCE(p.id, 0), COALESCE(p.name, u.holder) FROM visit_plan_buildings pb " \
    "JOIN units u ON u.building_id = pb.building_id LEFT JOIN residents r ON r.id = (SELECT MIN(r2.id) FROM residents r2 " \
    "WHERE r2.unit_id = u.id AND r2.active = 1 AND r2.relation = '业主') LEFT JOIN people p ON p.id = r.person_id " \
    "WHERE pb.plan_id = ? AND " HOUSEHOLDS " ORDER BY u.floor, u.id"

/* Eight visits told in full, one missed, two appointments — each at another household of the
** district — then routine visits until about 60% of the households were visited. */
static kerr add_visits(db *d, int64_t plan, int64_t steward, int64_t start, int64_t now) {
    int64_t total = 0;
    db_int(d, &total, "SELECT COUNT(*) FROM visit_plan_buildings pb JOIN units u ON u.building_id = pb.building_id "
                      "WHERE pb.plan_id = ? AND " HOUSEHOLDS, DI(plan));
    db_stmt *st = db_query(d, HOUSEHOLD_ROWS, DI(plan));
    if (!st) return db_last_kerr(d);
    struct hh { int64_t unit, person; char name[64]; } *h = calloc((size_t)total + 1, sizeof *h);
    int n = 0;
    while (h && n < total && db_step(st) == DB_ROW) {
        h[n].unit = db_col_int(st, 0);
        h[n].person = db_col_int(st, 1);
        snprintf(h[n++].name, sizeof h->name, "%s", db_col_text(st, 2));
    }
    db_finish(st);
    if (!h) return E_NOMEM;
    kerr e = E_OK;
    for (int i = 0; !e && i < n && i < DEMO_DONE + 3; i++)
        e = add_visit(d, i, plan, steward, h[i].unit, h[i].person, h[i].name, start, now);
    for (int i = DEMO_DONE + 3; !e && i < n && (i - 3) * 10 < total * 6; i++)
        e = add_routine(d, i, plan, steward, h[i].unit, h[i].person, h[i].name, start, now);
    free(h);
    return e;
}

/* The manager's and the supervisor's quotas this month; one callback visit by the manager. */
static kerr add_quotas(db *d, const char *month, int64_t manager, int64_t lead, int64_t start, int64_t now) {
    kerr e = db_exec(d, "INSERT INTO callback_quotas(project_id, user_id, month, required, updated_by, updated_at) "
                        "VALUES (1,?,?,10,?,?), (1,?,?,20,?,?)", DI(manager), DT(month), DI(manager), DI(now),
                     DI(lead), DT(month), DI(manager), DI(now));
    int64_t at = clock_day_start(start + (now - start) / 2) + 10 * 3600, id = 0;
    if (at > now) at = now;
    if (!e && db_insert(d, &id, "INSERT INTO visits(project_id, steward_id, unit_id, kind, state, at, visited_at, met_person, "
                              "summary, created_by, created_at, updated_at) SELECT 1, ?, u.id, 'callback', 'done', ?, ?, "
                              "u.holder, '经理上门回访：对维修结果满意', ?, ?, ? FROM units u WHERE u.project_id = 1 AND "
                              HOUSEHOLDS " ORDER BY u.id DESC LIMIT 1",
                              DI(manager), DI(at), DI(at), DI(manager), DI(at), DI(now)))
        e = db_last_kerr(d);
    return e ? e : add_event(d, id, "record", "done", manager, at);
}

kerr visits_demo(db *d, int64_t now) {
    static const audit_actor sys = {0, "系统", ""};
    char today[16], month[8];
    clock_date(now, today, sizeof today);
    snprintf(month, sizeof month, "%.7s", today);
    int64_t start = 0, plan = 0, steward = user_id(d, "steward"), lead = user_id(d, "supervisor"),
            manager = user_id(d, "manager");
    char first[16];
    snprintf(first, sizeof first, "%s-01", month);
    if (!steward || !lead || !manager || !clock_parse_iso(first, &start)) return E_OK;   /* not the standard demo */
    kerr e;
    if ((e = add_plan(d, month, steward, lead, now, &plan)) || (e = add_visits(d, plan, steward, start, now)) ||
        (e = add_quotas(d, month, manager, lead, start, now)))
        return e;
    return audit_append(d, &sys, 1, "visit_plan", plan, "demo_load", "{\"source\":\"demo\"}", now);
}
