/*
** perm.h — roles and the permissions each role holds (one static table, perm.c).
**
** A user holds roles per project; a role with project 0 (NULL in the database) is
** company-wide and applies in every project. Route tables name a permission; the router and
** handlers ask auth_* below whether the user holds it in a project.
**
** The roles are the company's posts and live here; the permissions are the modules': each
** module's descriptor lists the ones it declares with the roles granted each (perm_def), and
** the registry hands those tables to perm_set_tables at start-up (http/module.c).
*/
#ifndef KEFU_PERM_H
#define KEFU_PERM_H
#include <stdbool.h>
#include <stdint.h>

enum {
    ROLE_ADMIN = 1u << 0, ROLE_MANAGER = 1u << 1, ROLE_SUPERVISOR = 1u << 2,
    ROLE_AGENT = 1u << 3, ROLE_STEWARD = 1u << 4, ROLE_TECHNICIAN = 1u << 5,
    ROLE_CASHIER = 1u << 6, ROLE_STOREKEEPER = 1u << 7,
    ROLE_ALL = 0xFFu,
};
#define ROLE_COUNT 8
#define ROLE_MGMT (ROLE_ADMIN | ROLE_MANAGER)

typedef struct user_role { int64_t project_id; unsigned role; } user_role;   /* project 0 = company */

typedef struct auth_user {
    int64_t id;
    const char *username, *display_name, *phone;
    bool must_change_password, disabled;
    int64_t version, created_at, updated_at, last_login_at;   /* 0 = never logged in */
    int nroles;
    user_role *roles;
} auth_user;

unsigned role_from_name(const char *name);        /* 0 if unknown */
const char *role_name(unsigned role);             /* "agent" */
const char *role_label(unsigned role);            /* "前台客服" */
unsigned role_at(int i);                          /* i-th role bit, 0 <= i < ROLE_COUNT */

/* A permission a module declares, and the roles that hold it. A table ends with {NULL}. */
typedef struct perm_def { const char *name; unsigned roles; const char *label; } perm_def;
#define PERM_MAX_TABLES 64
#define PERM_MAX 256          /* permissions in all (the registry checks) */
/* The declared permissions: a NULL-terminated list of tables (their rows are kept, not copied;
** at most 256 permissions in all). */
void perm_set_tables(const perm_def *const *tables);

/* Roles that hold a permission; 0 if the permission is unknown. */
unsigned perm_roles(const char *perm);
int perm_count(void);
const char *perm_name_at(int i);
unsigned perm_roles_at(int i);                    /* the roles of the i-th permission */

unsigned auth_roles_in(const auth_user *u, int64_t project_id);   /* incl. company-wide */
unsigned auth_company_roles(const auth_user *u);
bool auth_is_admin(const auth_user *u);                            /* company-wide admin */
bool auth_sees_project(const auth_user *u, int64_t project_id);   /* any role there */
bool auth_can(const auth_user *u, const char *perm, int64_t project_id);
bool auth_can_any(const auth_user *u, const char *perm);          /* in some project */
bool auth_can_company(const auth_user *u, const char *perm);      /* company-wide */
#endif
