/*
** module.c — the archive module's descriptor (业主档案: buildings, units, people, vehicles,
** the counter lookup, 建档率, the roster import), its start-up option and background job.
*/
#include "archive.h"
#include "http/module.h"
#include <stdio.h>
#include <string.h>

static const perm_def archive_perms[] = {
    {"archive.read",  ROLE_ALL, "查看业主档案"},
    {"archive.write", ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD, "修改业主档案"},
    {"people.reveal", ROLE_MGMT | ROLE_SUPERVISOR | ROLE_STEWARD, "查看完整证件号和电话"},
    {"people.call",   ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD, "拨打业主电话（号码不显示）"},
    {NULL, 0, NULL},
};

/* --lookup memory|db: the counter lookup from memory (default) or from the database. */
static bool archive_start(module_opt_fn opt, char *err, size_t n) {
    const char *lk = opt("lookup");
    if (lk && strcmp(lk, "memory") && strcmp(lk, "db")) {
        snprintf(err, n, "--lookup 应为 memory 或 db");
        return false;
    }
    lookup_memory_enable(!lk || !strcmp(lk, "memory"));
    return true;
}

const kmodule archive_module = {
    .name = "archive", .label = "业主档案", .order = 20,
    .routes = (const route *const[]){buildings_routes, units_routes, people_routes, imports_routes, NULL},
    .perms = archive_perms,
    .demo = archive_demo,
    .start = archive_start,
    .job = lookup_memory_refresh,
};
