/*
** module.h — a business module as one descriptor, and the registry of them.
**
** A module is a folder src/modules/NAME/ with its C files, its migrations/NNNN_*.sql, its demo
** data and one descriptor in module.c:
**
**     const kmodule keys_module = {
**         .name = "keys", .label = "钥匙管理", .order = 50,
**         .routes = (const route *const[]){keys_routes, NULL}, .perms = keys_perms,
**         .workflows = (const wf_def *const[]){&KEY_WF, NULL},
**         .tick = keys_tick, .demo = keys_demo,
**     };
**
** The build lists the folders' descriptors in build/registry.c (scripts/gen-registry.sh), so
** adding a module edits no shared file. modules_init() sorts them by order, hands their
** permissions to core/perm and their tick hooks to core/deadline; modules_validate() checks the
** whole registry before the server starts (and in a unit test).
*/
#ifndef KEFU_MODULE_H
#define KEFU_MODULE_H
#include "http/ctx.h"
#include "core/deadline.h"
#include "core/workflow.h"

/* What `kefu serve` hands a module's start hook: the value of a command-line option by name
** ("lookup"), NULL when there is none. */
typedef const char *(*module_opt_fn)(const char *name);

typedef struct kmodule {
    const char *name;                  /* its folder: "tickets" */
    const char *label;                 /* in messages: "服务登记" */
    int order;                         /* start, demo and tick order, lower first (admin 10) */
    const route *const *routes;        /* its route tables, NULL-terminated; each ends with {NULL} */
    const perm_def *perms;             /* the permissions it declares; ends with {NULL} */
    const wf_def *const *workflows;    /* NULL-terminated: checked at start-up */
    unsigned pseudo_roles;             /* role bits it grants on its own records (a handler) */
    deadline_hook tick;                /* work added to the deadline tick, in its transaction */
    /* Its demo records, in the demo's one transaction, after the modules ordered before. */
    kerr (*demo)(db *d, int64_t now);
    const char *demo_note;             /* printed after the demo is loaded and when serving it */
    /* `kefu check`: prints its lines, returns the problems found (rebuild: recompute derived
    ** data first, --rebuild-stats). Called only when the schema is current. */
    int (*check)(db *d, bool rebuild);
    /* `kefu serve`, before serving: reads its options; false with a message stops the server. */
    bool (*start)(module_opt_fn opt, char *err, size_t n);
    void (*job)(void);                 /* every 50 ms on the server's background thread */
} kmodule;

/* Generated from the folders (build/registry.c), NULL-terminated, in folder order. */
extern const kmodule *const kmodule_list[];

/* Sorts the registry by order, registers the permissions and the tick hooks. Idempotent. */
void modules_init(void);
int modules_count(void);
const kmodule *module_at(int i);                 /* in order; NULL past the end */
const kmodule *module_of_route(const route *r);  /* the module whose table holds r */
/* Every module's route tables, NULL-terminated (router_set_tables). */
const route *const *modules_route_tables(void);

/* Checks a list of modules (NULL-terminated): names, permissions declared once and with roles,
** every route's permission declared by some module, no method + path served twice, every
** write route's body limit, every workflow's states and roles, room for the tick hooks.
** The first problem goes into err, naming the module and route; false when there is one. */
bool modules_validate_list(const kmodule *const *list, char *err, size_t n);
bool modules_validate(char *err, size_t n);      /* the registry */

/* Each module's demo records, in order (the caller holds the transaction). */
kerr modules_demo(db *d, int64_t now, char *err, size_t n);
/* The modules' demo notes, one after the other (static, built once). */
const char *modules_demo_notes(void);
int modules_check(db *d, bool rebuild);          /* problems found, summed */
bool modules_start(module_opt_fn opt, char *err, size_t n);
void modules_job(void);                          /* every module's job */
#endif
