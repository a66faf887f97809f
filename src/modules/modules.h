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

extern const route *const all_routes[];

/* Shared helpers of the foundation modules. */
void user_json(ctx *c, db *d, int64_t id, jw *w, const char *key);   /* full user object */
kerr password_policy(ctx *c, const char *field, const char *pw);
#endif
