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

/* The words of the visits' audit rows (a visit's workflow actions and states are its own). */
static const audit_words visits_words = {
    .entities = (const code_label[]){
        {"visit", "拜访"}, {"visit_plan", "拜访计划"}, {"callback_quota", "回访配额"}, {NULL, NULL}},
    .actions = (const code_label[]){{"request_ticket", "诉求转工单"}, {"demo_load", "载入演示数据"}, {NULL, NULL}},
    .fields = (const code_label[]){
        {"kind", "类型"}, {"unit", "房屋"}, {"note", "说明"}, {"state", "状态"}, {"month", "月份"},
        {"steward_id", "管家编号"}, {"target_percent", "目标比例（%）"}, {"buildings", "楼栋"},
        {"required", "应回访数"}, {"user_id", "用户编号"}, {"seq", "诉求序号"}, {"ticket_id", "工单编号"},
        {"number", "工单号"}, {NULL, NULL}},
    .values = (const audit_codes[]){{"kind", VISIT_KINDS}, {NULL, NULL}},
};

const kmodule visits_module = {
    .name = "visits", .label = "业主拜访", .order = 40,
    .routes = (const route *const[]){visits_routes, NULL},
    .perms = visits_perms,
    .workflows = (const wf_def *const[]){&VISIT_WF, NULL},
    .demo = visits_demo,
    .audit = &visits_words,
};
