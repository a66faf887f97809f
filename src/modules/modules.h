/*
** modules.h — every module's route table, collected for the router (modules.c).
*/
#ifndef KEFU_MODULES_H
#define KEFU_MODULES_H
#include "../http/ctx.h"

extern const route system_routes[];
extern const route auth_routes[];
extern const route users_routes[];
extern const route projects_routes[];
extern const route buildings_routes[];
extern const route units_routes[];
extern const route people_routes[];
extern const route imports_routes[];
extern const route tickets_routes[];
extern const route reviews_routes[];
extern const route visits_routes[];
extern const route complaints_routes[];
extern const route notifications_routes[];

extern const route *const all_routes[];
void modules_init(void);   /* before serving: the modules' tick hooks */

/* Shared helpers of the foundation modules. */
typedef struct project_name { int64_t id; const char *name; } project_name;
void user_json(ctx *c, db *d, int64_t id, jw *w, const char *key);   /* full user object */
/* The user object's fields (no braces) from a loaded user; role project names from names[]. */
void user_write_fields(jw *w, const auth_user *u, const project_name *names, int n);
kerr password_policy(ctx *c, const char *field, const char *pw);
#endif
