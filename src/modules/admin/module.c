/*
** module.c — the admin module's descriptor: sessions and tokens, users, projects, the audit
** log, deadlines, notifications, health and the test routes; the demo company and its users.
*/
#include "admin.h"
#include "http/module.h"

const perm_def admin_perms[] = {
    {"projects.read",   ROLE_ALL,                   "查看管理处"},
    {"projects.manage", ROLE_MGMT,                  "管理管理处"},
    {"users.read",      ROLE_MGMT | ROLE_SUPERVISOR, "查看用户"},
    {"users.manage",    ROLE_MGMT,                  "管理用户"},
    {"audit.read",      ROLE_MGMT | ROLE_SUPERVISOR, "查看审计日志"},
    {"deadlines.read",  ROLE_ALL,                   "查看时限事项"},
    {"notifications.read", ROLE_ALL,                "查看通知"},
    {NULL, 0, NULL},
};

const kmodule admin_module = {
    .name = "admin", .label = "系统管理", .order = 10,
    .routes = (const route *const[]){system_routes, auth_routes, tokens_routes, users_routes, projects_routes,
                                     notifications_routes, NULL},
    .perms = admin_perms,
    .demo = admin_demo, .demo_note = ADMIN_DEMO_NOTE,
};
