/*
** module.c — the fees module's descriptor (收费管理: fee items, bill runs, counter payments,
** receipts, refunds, arrears; SPEC F1–F8). So far it declares the permissions and holds the exact
** arithmetic of fees (fees_calc.h); its routes come with the screens that use them.
*/
#include "fees_meters.h"
#include "http/module.h"

static const perm_def fees_perms[] = {
    {"fees.read",    ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD | ROLE_CASHIER, "查看收费"},
    {"fees.write",   ROLE_MGMT, "收费设置"},
    {"fees.collect", ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_CASHIER, "收款"},
    {"fees.approve", ROLE_MGMT, "审批退费减免"},
    {"fees.meter",   ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD, "抄表"},
    {NULL, 0, NULL},
};

const kmodule fees_module = {
    .name = "fees", .label = "收费管理", .order = 50,
    .routes = (const route *const[]){fees_meters_routes, NULL},
    .perms = fees_perms,
    .demo = fees_meters_demo,
    .audit = &fees_meters_words,
};
