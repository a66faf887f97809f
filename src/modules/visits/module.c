/*
** module.c — the visits module's descriptor (拜访 / 回访: plans, visits, 巡访率).
*/
#include "visits.h"
#include "http/module.h"

static const perm_def visits_perms[] = {
    {"visits.read",  ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD, "查看拜访"},
    {"visits.write", ROLE_MGMT | ROLE_SUPERVISOR | ROLE_STEWARD, "记录拜访"},
    {"visits.plan",  ROLE_MGMT | ROLE_SUPERVISOR, "制定拜访计划"},
    {NULL, 0, NULL},
};

const kmodule visits_module = {
    .name = "visits", .label = "业主拜访", .order = 40,
    .routes = (const route *const[]){visits_routes, NULL},
    .perms = visits_perms,
    .workflows = (const wf_def *const[]){&VISIT_WF, NULL},
    .demo = visits_demo,
};
