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
**         .tick = keys_tick, .demo = keys_demo, .audit = &keys_words,
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
#include "core/code_label.h"
#include "core/deadline.h"
#include "core/workflow.h"

/* What `kefu serve` hands a module's start hook: the value of a command-line option by name
** ("lookup"), NULL when there is none. */
typedef const char *(*module_opt_fn)(const char *name);

/* A command a module adds to the kefu command line (`kefu bill-run --project 1 --period 2026-12`),
** run on the database outside any server, the way `kefu check` reaches the modules' .check:
** its options are `--name VALUE`, or a switch `--name` when arg is NULL; `kefu NAME --help` and
** `kefu --help` show them. run reads them back by name (NULL when not given, "1" for a given
** switch) and returns the exit code (0 done, 1 failed, 2 bad usage). */
typedef struct module_cmd_opt { const char *name, *arg, *help; } module_cmd_opt;
typedef struct module_cmd {
    const char *name, *usage, *help;
    const module_cmd_opt *opts;        /* ends with {NULL}; at most MODULE_CMD_OPTS */
    int (*run)(db *d, module_opt_fn opt);
} module_cmd;
#define MODULE_CMD_OPTS 8

/* The words of a module's audit rows, each a code/label table ending with {NULL} (any may be
** NULL): the entities ("unit" 房屋), actions ("add_pet" 添加宠物) and changed fields ("phone" 手机;
** "project.phone" 电话 for one entity's own), and the fields whose values are codes with their
** tables ({"category", REPAIR_CATEGORIES}). A workflow names its actions and states itself
** (wf_def); its entity is named here. */
typedef struct audit_codes { const char *field; const code_label *codes; } audit_codes;
typedef struct audit_words {
    const code_label *entities, *actions, *fields;
    const audit_codes *values;          /* ends with {NULL} */
} audit_words;

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
    const audit_words *audit;          /* the Chinese words of its audit rows (the audit log) */
    const module_cmd *cmds;            /* its kefu commands (module_cmd); ends with {NULL} */
} kmodule;

/* Generated from the folders (build/registry.c), NULL-terminated, in folder order. */
extern const kmodule *const kmodule_list[];

/* Sorts the registry by order, registers the permissions and the tick hooks. Idempotent. */
void modules_init(void);
int modules_count(void);
const kmodule *module_at(int i);                 /* in order; NULL past the end */
const kmodule *module_of_route(const route *r);  /* the module whose table holds r */
/* The registry in order, NULL-terminated. */
const kmodule *const *modules_list(void);
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
/* The module command called name, NULL when none; the i-th of all of them (NULL past the end). */
const module_cmd *module_cmd_find(const char *name);
const module_cmd *module_cmd_at(int i);

/* ---- the audit log's words (module_words.c) ---- */
typedef enum audit_kind { AUDIT_ENTITY, AUDIT_ACTION, AUDIT_FIELD } audit_kind;
/* The Chinese name some module of list (NULL-terminated) gives key, NULL when none does. */
const char *audit_word_in(const kmodule *const *list, audit_kind kind, const char *key);
const char *module_audit_word(audit_kind kind, const char *key);   /* in the registry */
/* An action on entity: its workflows' label first (a ticket's "dispatch" 派工), else the word. */
const char *module_audit_action(const char *entity, const char *action);
/* A changed field of entity: "entity.key" first (a project's "phone" 电话), then the key as the
** module that names the entity names it, then as any module does. */
const char *module_audit_field(const char *entity, const char *key);
/* A coded value of a field by its label ("category", "water" → 给排水), NULL when none names it. */
const char *module_audit_value(const char *field, const char *value);
/* A state of entity's workflows by its label ("dispatched" 已派工), NULL when none names it. */
const char *module_audit_state(const char *entity, const char *state);
/* Calls fn on every word of the kind (workflow actions with the actions, each key once). */
void module_audit_words_each(audit_kind kind, void (*fn)(const char *key, const char *label, void *arg), void *arg);
#endif
