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

static const code_label SOURCES[] = {{"demo", "演示数据"}, {"cli", "命令行"}, {NULL, NULL}};
static const code_label LOCK_SCOPES[] = {{"account", "账号"}, {"address", "来源地址"}, {NULL, NULL}};

/* The words of the audit rows of users, projects, tokens, logins, deadlines and the test routes. */
static const audit_words admin_words = {
    .entities = (const code_label[]){
        {"user", "用户"}, {"project", "管理处"}, {"api_token", "API 令牌"}, {"test", "测试"}, {NULL, NULL}},
    .actions = (const code_label[]){
        {"create", "新建"}, {"update", "修改"}, {"delete", "删除"}, {"disable", "停用"}, {"enable", "启用"},
        {"reset_password", "重置密码"}, {"change_password", "修改密码"}, {"grant_role", "授予角色"},
        {"revoke_role", "撤销角色"}, {"login", "登录"}, {"logout", "退出登录"}, {"login_failed", "登录失败"},
        {"login_locked", "登录锁定"}, {"revoked", "撤销"}, {"revoked_by_admin", "管理员撤销"},
        {"overdue", "标记超时"}, {"write_then_fail", "写入后失败（测试）"}, {NULL, NULL}},
    .fields = (const code_label[]){
        {"source", "来源"}, {"username", "用户名"}, {"display_name", "姓名"}, {"phone", "电话"},
        {"roles", "角色"}, {"role", "角色"}, {"project_id", "管理处编号"}, {"user_id", "用户编号"},
        {"expires_in_days", "有效天数"}, {"scope", "锁定范围"}, {"ip", "来源地址"}, {"failures", "失败次数"},
        {"lock_seconds", "锁定秒数"}, {"code", "编号"}, {"name", "名称"}, {"address", "地址"},
        {"active", "启用"}, {"version", "版本"}, {"deadline_id", "时限编号"}, {"kind", "类别"},
        {"due_at", "到期时间"}, {"state", "状态"}, {"note", "说明"}, {NULL, NULL}},
    .values = (const audit_codes[]){{"source", SOURCES}, {"scope", LOCK_SCOPES}, {NULL, NULL}},
};

const kmodule admin_module = {
    .name = "admin", .label = "系统管理", .order = 10,
    .routes = (const route *const[]){system_routes, auth_routes, tokens_routes, users_routes, projects_routes,
                                     notifications_routes, NULL},
    .perms = admin_perms,
    .demo = admin_demo, .demo_note = ADMIN_DEMO_NOTE,
    .audit = &admin_words,
};
