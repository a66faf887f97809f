/*
** perm.c — the roles, and the permission tables the modules declare (see perm.h). To give a
** role a new power, add it to the module's perms table; routes name the permission.
*/
#include "perm.h"
#include <stddef.h>
#include <string.h>

static const struct { unsigned bit; const char *name, *label; } roles[ROLE_COUNT] = {
    {ROLE_ADMIN, "admin", "系统管理员"},       {ROLE_MANAGER, "manager", "管理处经理"},
    {ROLE_SUPERVISOR, "supervisor", "客服主管"}, {ROLE_AGENT, "agent", "前台客服"},
    {ROLE_STEWARD, "steward", "客服管家"},     {ROLE_TECHNICIAN, "technician", "维修工"},
    {ROLE_CASHIER, "cashier", "收银员"},        {ROLE_STOREKEEPER, "storekeeper", "仓管员"},
};

/* The declared permissions, flattened once by perm_set_tables: /me lists a user's permissions
** in every project (perm_count × perm_roles_at), and the router asks perm_roles per request. */
static const perm_def *perms[PERM_MAX];
static int nperms;

void perm_set_tables(const perm_def *const *tables) {
    nperms = 0;
    for (int t = 0; tables && tables[t]; t++)
        for (const perm_def *p = tables[t]; p->name && nperms < PERM_MAX; p++) perms[nperms++] = p;
}

unsigned role_from_name(const char *name) {
    if (!name) return 0;
    for (int i = 0; i < ROLE_COUNT; i++)
        if (strcmp(roles[i].name, name) == 0) return roles[i].bit;
    return 0;
}

static int role_index(unsigned role) {
    for (int i = 0; i < ROLE_COUNT; i++)
        if (roles[i].bit == role) return i;
    return -1;
}

const char *role_name(unsigned role) { int i = role_index(role); return i < 0 ? "" : roles[i].name; }
const char *role_label(unsigned role) { int i = role_index(role); return i < 0 ? "" : roles[i].label; }
unsigned role_at(int i) { return i >= 0 && i < ROLE_COUNT ? roles[i].bit : 0; }

unsigned perm_roles(const char *perm) {
    for (int i = 0; perm && i < nperms; i++)
        if (strcmp(perms[i]->name, perm) == 0) return perms[i]->roles;
    return 0;
}
int perm_count(void) { return nperms; }
const char *perm_name_at(int i) { return i >= 0 && i < nperms ? perms[i]->name : NULL; }
unsigned perm_roles_at(int i) { return i >= 0 && i < nperms ? perms[i]->roles : 0; }

unsigned auth_roles_in(const auth_user *u, int64_t project_id) {
    unsigned m = 0;
    for (int i = 0; i < u->nroles; i++)
        if (u->roles[i].project_id == 0 || u->roles[i].project_id == project_id)
            m |= u->roles[i].role;
    return m;
}

unsigned auth_company_roles(const auth_user *u) {
    unsigned m = 0;
    for (int i = 0; i < u->nroles; i++)
        if (u->roles[i].project_id == 0) m |= u->roles[i].role;
    return m;
}

bool auth_is_admin(const auth_user *u) { return auth_company_roles(u) & ROLE_ADMIN; }
bool auth_sees_project(const auth_user *u, int64_t pid) { return pid > 0 && auth_roles_in(u, pid) != 0; }
bool auth_can(const auth_user *u, const char *perm, int64_t pid) {
    return pid > 0 && (auth_roles_in(u, pid) & perm_roles(perm)) != 0;
}
bool auth_can_company(const auth_user *u, const char *perm) {
    return (auth_company_roles(u) & perm_roles(perm)) != 0;
}
bool auth_can_any(const auth_user *u, const char *perm) {
    unsigned need = perm_roles(perm);
    for (int i = 0; i < u->nroles; i++)
        if (u->roles[i].role & need) return true;
    return false;
}
