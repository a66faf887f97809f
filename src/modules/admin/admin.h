/*
** admin.h — the foundation's module (src/modules/admin/): sessions and tokens (auth.c), users,
** projects, and the system routes (health, audit, deadlines, the test routes).
*/
#ifndef KEFU_ADMIN_H
#define KEFU_ADMIN_H
#include "http/ctx.h"

extern const route system_routes[];
extern const route auth_routes[];
extern const route users_routes[];
extern const route tokens_routes[];
extern const route projects_routes[];
extern const route notifications_routes[];
extern const perm_def admin_perms[];
kerr admin_demo(db *d, int64_t now);   /* the company, two offices, a user per role (demo.c) */
extern const char ADMIN_DEMO_NOTE[];   /* the demo logins, printed by kefu demo and kefu serve */

/* Shared helpers of the foundation modules. */
typedef struct project_name { int64_t id; const char *name; } project_name;
kerr user_json(ctx *c, db *d, int64_t id, jw *w, const char *key);   /* full user object */
/* The user object's fields (no braces) from a loaded user; role project names from names[]. */
void user_write_fields(jw *w, const auth_user *u, const project_name *names, int n);
/* 404 unless the caller sees user id, 403 unless they may manage them (users.c). */
kerr user_manageable(ctx *c, int64_t id);
/* Login throttling (throttle.c): failures per account and per address, the waits they impose. */
typedef struct throttle { int64_t acct_n, acct_lock, acct_wait, addr_n, addr_lock, addr_wait; } throttle;
kerr throttle_read(ctx *c, const char *username, throttle *t);
kerr throttle_check(ctx *c, const char *username);         /* 429 with Retry-After, or E_OK */
kerr throttle_failed(ctx *c, const char *username, int64_t uid);    /* in the write tx; audits */
kerr throttle_succeeded(ctx *c, int64_t uid, const char *username); /* in the write tx */
/* The changes of an audit row of entity in words: 「手机：旧值 → 新值；备注：值」 (audit_text.c). */
const char *audit_summary(arena *a, const char *entity, const char *changes);
/* The password rules (core/password.h) as a 422 on field. */
kerr password_policy(ctx *c, const char *field, const char *username, const char *pw);
#endif
