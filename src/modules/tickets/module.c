/*
** module.c — the tickets module's descriptor: the front-desk register, repair work orders,
** callback weekly reviews and complaints (one folder: they share the ticket row), with the
** complaint escalation on the deadline tick and the figures' check.
*/
#include "complaints.h"
#include "http/module.h"
#include <stdio.h>

#define DESK (ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD)
static const perm_def tickets_perms[] = {
    {"tickets.read",        ROLE_ALL, "查看工单"},
    {"tickets.write",       DESK | ROLE_TECHNICIAN, "登记工单"},
    {"tickets.act",         ROLE_ALL, "处理工单"},
    {"tickets.stats",       DESK, "服务统计"},
    {"tickets.settings",    ROLE_MGMT | ROLE_SUPERVISOR, "维修时限设置"},
    {"reviews.submit",      ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT, "提交回访周报"},
    {"reviews.approve",     ROLE_MGMT, "审批回访周报"},
    {"complaints.stats",    DESK, "投诉汇总"},
    {"complaints.settings", ROLE_MGMT | ROLE_SUPERVISOR, "投诉设置"},
    {NULL, 0, NULL},
};

/* The words of the tickets' audit rows (a ticket's workflow actions and states are its own). */
static const audit_words tickets_words = {
    .entities = (const code_label[]){
        {"ticket", "工单"}, {"callback_review", "回访周报"}, {"repair_sla", "报修时限"},
        {"complaint_rule", "投诉时限"}, {"complaint_type", "投诉类型"}, {"ticket_option", "工单流程设置"}, {NULL, NULL}},
    .fields = (const code_label[]){
        {"number", "单号"}, {"kind", "类型"}, {"channel", "来源"}, {"category", "报修类别"},
        {"severity", "投诉级别"}, {"complaint_type", "投诉类型"}, {"unit", "房屋"}, {"location", "位置"},
        {"caller", "来电人"}, {"phone", "联系电话"}, {"content", "内容"}, {"appointment_at", "预约时间"},
        {"state", "状态"}, {"note", "说明"}, {"week", "周次"}, {"code", "类别"},
        {"dispatch_minutes", "派工时限（分钟）"}, {"complete_minutes", "完工时限（分钟）"},
        {"warn_minutes", "提前提醒（分钟）"}, {"reply_hours", "答复时限（小时）"},
        {"handle_hours", "处理时限（小时）"}, {"callback_hours", "回访时限（小时）"},
        {"escalate_hours", "升级至经理（小时）"}, {"label", "类型名称"}, {"active", "是否启用"}, {"enabled", "是否开启"},
        {"person_id", "来电人（档案）"}, {"phone_archived", "号码取自档案"}, {NULL, NULL}},
    .values = (const audit_codes[]){
        {"kind", TICKET_KINDS}, {"channel", TICKET_CHANNELS}, {"category", REPAIR_CATEGORIES},
        {"severity", COMPLAINT_SEVERITIES}, {"complaint_type", COMPLAINT_TYPES_DEFAULT},
        {"satisfaction", SATISFACTIONS}, {"method", CALLBACK_METHODS}, {NULL, NULL}},
};

/* kefu check: the day sums of the figures and the ticket counts against the tickets. */
static int tickets_check(db *d, bool rebuild) {
    if (rebuild) {
        kerr e = db_begin(d);
        if (!e) e = ticket_stats_rebuild(d);
        if (!e) e = db_commit(d);
        if (e) { db_rollback(d); printf("工单统计汇总：重新计算失败 ✗（%s）\n", db_errmsg(d)); return 1; }
        printf("工单统计汇总：已重新计算\n");
    }
    int64_t diff = ticket_figures_check(d);
    if (diff == 0) printf("工单统计汇总：与工单一致 ✓\n");
    else if (diff < 0) printf("工单统计汇总：无法检查 ✗\n");
    else printf("工单统计汇总：%lld 行与工单不一致 ✗（kefu check --rebuild-stats 可重新计算）\n", (long long)diff);
    return diff != 0;
}

const kmodule tickets_module = {
    .name = "tickets", .label = "服务登记", .order = 30,
    .routes = (const route *const[]){tickets_routes, reviews_routes, complaints_routes, NULL},
    .perms = tickets_perms,
    .workflows = (const wf_def *const[]){&TICKET_WF, &COMPLAINT_WF, &REVIEW_WF, NULL},
    .pseudo_roles = ROLE_HANDLER,
    .tick = complaints_escalate,
    .check = tickets_check,
    .audit = &tickets_words,
};
