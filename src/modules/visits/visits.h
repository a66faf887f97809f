/*
** visits.h — shared pieces of owner visits and callbacks (visits*.c, SPEC V1–V4): the codes,
** the workflow table, months, who sees what, and the district figures (巡访率).
**
** Who sees what: admin, manager, supervisor and agent see every plan and visit of a project;
** a user who is only a steward there sees their own plans and visits and the visits of units in
** their plans' districts (any month). Records outside that answer 404.
*/
#ifndef KEFU_VISITS_H
#define KEFU_VISITS_H
#include "modules/tickets/tickets_public.h"
#include "base/clock.h"
#include "core/workflow.h"
#include "http/export.h"
#include "http/input.h"
#include "kit/codes.h"
#include "kit/dates.h"
#include "kit/scope.h"
#include "core/qb.h"

extern const code_label VISIT_KINDS[];
extern const wf_def VISIT_WF;

/* Roles that see a whole project's visits; the roles that record them. */
#define VISIT_ALL_ROLES (ROLE_ADMIN | ROLE_MANAGER | ROLE_SUPERVISOR | ROLE_AGENT)
#define VISIT_LEAD_ROLES (ROLE_ADMIN | ROLE_MANAGER | ROLE_SUPERVISOR)
#define VISIT_WRITE_ROLES (VISIT_LEAD_ROLES | ROLE_STEWARD)

/* Households of a district: units someone lives in (an owner or a tenant). */
#define HOUSEHOLD_SQL "u.status IN ('已入住','出租')"

/* Does the user see the whole project (not only their own as a steward)? */
bool visits_sees_all(ctx *c, int64_t pid);
/* Scope of a list: projects where the user holds visits.read (and ?project_id); in projects
** where they are only a steward, rows matching own_sql, whose `?`s (n_own of them) are bound
** to the user's id. */
kerr visits_scope(ctx *c, qb *b, const char *pcol, const char *own_sql, int n_own);
/* Does user `uid` (active) hold one of `roles` (SQL list: "'steward'") in project pid? */
bool visits_user_has_role(db *d, int64_t uid, int64_t pid, const char *roles_sql);

/* A visit visible to the user: its project and visitor; 404 otherwise. */
kerr visit_row(ctx *c, int64_t id, int64_t *pid, int64_t *steward);
/* The user's roles that count for acting on a visit: a steward's only on their own visits. */
unsigned visit_roles(ctx *c, int64_t pid, int64_t steward);
/* The plan of steward's month of `at` whose district holds the unit; 0 when none. */
int64_t visit_plan_for(db *d, int64_t pid, int64_t steward, int64_t unit_id, int64_t at);

/* What a visit record carries (POST /visits with state done, and the record action). */
typedef struct visit_rec {
    int64_t visited_at, person_id;
    bool has_person;
    const char *met_person, *opinions, *suggestions, *summary;
    json_t *requests;
} visit_rec;
kerr visit_read_record(ctx *c, int64_t pid, visit_rec *r);
kerr visit_write_record(ctx *c, int64_t id, int64_t pid, int64_t steward, int64_t unit_id, const visit_rec *r);
/* The person must be one of the project's people. */
kerr visit_check_person(ctx *c, int64_t pid, int64_t person_id);

/* A plan's figures for its month. */
typedef struct plan_fig { int64_t households, visited, done, planned; } plan_fig;
kerr plan_figures(db *d, int64_t plan, int64_t pid, int64_t steward, int64_t start, int64_t end, plan_fig *f);
bool plan_met(const plan_fig *f, int64_t target_percent);   /* households > 0 and rate >= target */
const char *rate_text(arena *a, json_t *item);   /* export: the item's "rate" as "83.3%" */

/* A plan: the columns PLAN_COLS (FROM PLAN_FROM) and their one reader, plan_item_read, side by
** side (a new column is added to both, here); written with its buildings and figures by
** plan_fields. Text borrowed from the statement until its next step. */
#define PLAN_COLS "p.id, p.project_id, p.steward_id, su.display_name, p.month, p.target_percent, p.note, p.version, " \
                  "p.created_by, cu.display_name, p.created_at, p.updated_at, pr.name"
typedef struct plan_item {
    int64_t id, project_id, steward_id, target_percent, version, created_by, created_at, updated_at;
    const char *steward_name, *month, *note, *created_by_name, *project_name;
} plan_item;
static inline int plan_item_read(db_stmt *st, plan_item *p) {
    int i = 0;
    p->id = db_col_int(st, i++);
    p->project_id = db_col_int(st, i++);
    p->steward_id = db_col_int(st, i++);
    p->steward_name = db_col_text(st, i++);
    p->month = db_col_text(st, i++);
    p->target_percent = db_col_int(st, i++);
    p->note = db_col_text(st, i++);
    p->version = db_col_int(st, i++);
    p->created_by = db_col_int(st, i++);
    p->created_by_name = db_col_text(st, i++);
    p->created_at = db_col_int(st, i++);
    p->updated_at = db_col_int(st, i++);
    p->project_name = db_col_text(st, i++);
    return i;
}
#define PLAN_FROM "visit_plans p JOIN users su ON su.id = p.steward_id JOIN users cu ON cu.id = p.created_by " \
                  "JOIN projects pr ON pr.id = p.project_id"
#define PLAN_OWN "p.steward_id = ?"   /* a steward's own plans (visits_scope) */
/* The plan's fields, buildings and figures (also into *f unless NULL); p's text is used first,
** before the queries of its sections. */
kerr plan_fields(ctx *c, const plan_item *p, jw *w, plan_fig *f);

/* A visit as lists and its page show it: the columns VISIT_COLS (FROM VISIT_FROM) and their one
** reader, visit_item_read, side by side (a new column is added to both, here); written by
** visit_summary. Text borrowed from the statement until its next step. */
#define VISIT_COLS "v.id, v.project_id, v.plan_id, v.steward_id, su.display_name, v.unit_id, un.code, un.building_id, " \
                   "b.name, v.person_id, pe.name, v.kind, v.state, v.at, v.appointment_at, v.visited_at, v.topic, " \
                   "v.met_person, v.opinions, v.suggestions, v.summary, v.reason, v.created_by, cu.display_name, " \
                   "v.version, v.created_at, v.updated_at, " \
                   "(SELECT COUNT(*) FROM visit_requests r WHERE r.visit_id = v.id), " \
                   "(SELECT COUNT(*) FROM visit_requests r WHERE r.visit_id = v.id AND r.answered = 0 AND r.ticket_id IS NULL)"
#define VISIT_FROM "visits v JOIN users su ON su.id = v.steward_id JOIN units un ON un.id = v.unit_id " \
                   "JOIN buildings b ON b.id = un.building_id LEFT JOIN people pe ON pe.id = v.person_id " \
                   "JOIN users cu ON cu.id = v.created_by"
typedef struct visit_item {
    int64_t id, project_id, plan_id, steward_id, unit_id, building_id, person_id, at, appointment_at, visited_at,
        created_by, version, created_at, updated_at, requests, open_requests;
    bool has_plan, has_person;
    const char *steward_name, *unit_code, *building_name, *person_name, *kind, *state, *created_by_name;
    const char *texts[6];   /* topic, met_person, opinions, suggestions, summary, reason */
} visit_item;
static inline int visit_item_read(db_stmt *st, visit_item *v) {
    int i = 0;
    v->id = db_col_int(st, i++);
    v->project_id = db_col_int(st, i++);
    v->has_plan = !db_col_is_null(st, i), v->plan_id = db_col_int(st, i++);
    v->steward_id = db_col_int(st, i++);
    v->steward_name = db_col_text(st, i++);
    v->unit_id = db_col_int(st, i++);
    v->unit_code = db_col_text(st, i++);
    v->building_id = db_col_int(st, i++);
    v->building_name = db_col_text(st, i++);
    v->has_person = !db_col_is_null(st, i), v->person_id = db_col_int(st, i++);
    v->person_name = db_col_text(st, i++);
    v->kind = db_col_text(st, i++);
    v->state = db_col_text(st, i++);
    v->at = db_col_int(st, i++);
    v->appointment_at = db_col_int(st, i++);
    v->visited_at = db_col_int(st, i++);
    for (int k = 0; k < 6; k++) v->texts[k] = db_col_text(st, i++);
    v->created_by = db_col_int(st, i++);
    v->created_by_name = db_col_text(st, i++);
    v->version = db_col_int(st, i++);
    v->created_at = db_col_int(st, i++);
    v->updated_at = db_col_int(st, i++);
    v->requests = db_col_int(st, i++);
    v->open_requests = db_col_int(st, i++);
    return i;
}
void visit_summary(const visit_item *v, jw *w);
kerr visit_answer(ctx *c, int status, int64_t id);
kerr visits_demo(db *d, int64_t now);   /* the visits, plan and callback quotas of project 1 (demo.c) */
extern const route visits_routes[];
#endif
