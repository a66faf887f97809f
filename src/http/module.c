/*
** module.c — the registry of modules (see module.h): ordering, registration, the start-up
** checks, and the hooks run over every module.
*/
#include "module.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODULES_MAX PERM_MAX_TABLES
#define BODY_LIMIT_MAX (64u * 1024u * 1024u)

static const kmodule *sorted[MODULES_MAX + 1];
#define TABLES_MAX 256
static const route *route_tables[TABLES_MAX + 1];
static const perm_def *perm_tables[MODULES_MAX + 1];
static int count;

static int by_order(const void *a, const void *b) {
    const kmodule *x = *(const kmodule *const *)a, *y = *(const kmodule *const *)b;
    if (x->order != y->order) return x->order < y->order ? -1 : 1;
    return strcmp(x->name, y->name);
}

void modules_init(void) {
    if (count) return;
    int n = 0;
    while (kmodule_list[n] && n < MODULES_MAX) n++;
    memcpy(sorted, kmodule_list, sizeof sorted[0] * (size_t)n);
    qsort(sorted, (size_t)n, sizeof sorted[0], by_order);
    int nr = 0, np = 0;
    for (int i = 0; i < n; i++) {
        for (int t = 0; sorted[i]->routes && sorted[i]->routes[t] && nr < TABLES_MAX; t++)
            route_tables[nr++] = sorted[i]->routes[t];
        if (sorted[i]->perms) perm_tables[np++] = sorted[i]->perms;
        if (sorted[i]->tick) deadline_on_tick(sorted[i]->tick);   /* room: modules_validate */
    }
    perm_set_tables(perm_tables);
    count = n;
}

int modules_count(void) { return count; }
const kmodule *module_at(int i) { return i >= 0 && i < count ? sorted[i] : NULL; }
const route *const *modules_route_tables(void) { return route_tables; }
const kmodule *const *modules_list(void) { return sorted; }

/* Calls fn on each route of m until it returns false. */
static bool each_route(const kmodule *m, bool (*fn)(const route *r, void *arg), void *arg) {
    for (int t = 0; m->routes && m->routes[t]; t++)
        for (const route *r = m->routes[t]; r->method; r++)
            if (!fn(r, arg)) return false;
    return true;
}

static bool is_not(const route *r, void *arg) { return r != arg; }

const kmodule *module_of_route(const route *r) {
    for (int i = 0; i < count; i++)
        if (!each_route(sorted[i], is_not, (void *)r)) return sorted[i];
    return NULL;
}

/* ---- the checks ---- */

static bool fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(char *err, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return false;
}

/* The module of the list that declares perm, or NULL. */
static const kmodule *perm_owner(const kmodule *const *list, const char *perm) {
    for (int i = 0; list[i]; i++)
        for (const perm_def *p = list[i]->perms; p && p->name; p++)
            if (!strcmp(p->name, perm)) return list[i];
    return NULL;
}

static bool check_perms(const kmodule *const *list, const kmodule *m, char *err, size_t n) {
    for (const perm_def *p = m->perms; p && p->name; p++) {
        if (!p->roles || (p->roles & ~(unsigned)ROLE_ALL))
            return fail(err, n, "模块 %s：权限 %s 没有授予任何岗位（或授予了未知岗位）", m->name, p->name);
        if (perm_owner(list, p->name) != m)
            return fail(err, n, "模块 %s：权限 %s 已由模块 %s 声明", m->name, p->name, perm_owner(list, p->name)->name);
        for (const perm_def *q = m->perms; q != p; q++)
            if (!strcmp(q->name, p->name)) return fail(err, n, "模块 %s：权限 %s 声明了两次", m->name, p->name);
    }
    return true;
}

/* Two patterns that match the same paths: equal with every {name} taken as one segment. */
static bool same_pattern(const char *a, const char *b) {
    while (*a && *b) {
        if (*a == '{' && *b == '{') {
            a = strchr(a, '}'), b = strchr(b, '}');
            if (!a || !b) return false;
        } else if (*a != *b) {
            return false;
        }
        a++, b++;
    }
    return *a == *b;
}

static bool is_write(const route *r) { return strcmp(r->method, "GET") != 0; }

/* Does q (a route met before r) serve what r serves? Stops at r itself. */
typedef struct dup_probe { const route *r; const route *found; } dup_probe;
static bool not_dup(const route *q, void *arg) {
    dup_probe *p = arg;
    if (q == p->r) return false;
    if (!strcmp(q->method, p->r->method) && same_pattern(q->path, p->r->path)) p->found = q;
    return !p->found;
}

/* A route against every route of the modules before it in the list and before it in its own. */
static bool route_unique(const kmodule *const *list, int mi, const route *r, char *err, size_t n) {
    for (int j = 0; j <= mi; j++) {
        dup_probe p = {r, NULL};
        each_route(list[j], not_dup, &p);
        if (p.found) {
            char what[160];
            snprintf(what, sizeof what, "%s %s", r->method, r->path);
            return fail(err, n, "模块 %s：路由 %s 已由模块 %s 提供", list[mi]->name, what, list[j]->name);
        }
    }
    return true;
}

static bool check_route(const kmodule *const *list, int mi, const route *r, char *err, size_t n) {
    const kmodule *m = list[mi];
    char what[160];
    snprintf(what, sizeof what, "%s %s", r->method, r->path ? r->path : "(null)");
    if (!r->path || r->path[0] != '/' || !r->fn)
        return fail(err, n, "模块 %s：路由 %s 缺少路径或处理函数", m->name, what);
    if (r->perm && !perm_owner(list, r->perm))
        return fail(err, n, "模块 %s：路由 %s 使用的权限 %s 没有任何模块声明", m->name, what, r->perm);
    if (!r->perm && !(r->flags & (RF_PUBLIC | RF_TEST)) && strncmp(r->path, "/api/v1/", 8))
        return fail(err, n, "模块 %s：路由 %s 不在 /api/v1/ 之下", m->name, what);
    if (is_write(r) && (r->body_limit == 0 || r->body_limit > BODY_LIMIT_MAX))
        return fail(err, n, "模块 %s：写入路由 %s 须声明请求体上限（1 字节至 64 MiB）", m->name, what);
    return route_unique(list, mi, r, err, n);
}

static bool state_known(const wf_def *w, const char *s) {
    for (const wf_state *st = w->states; st && st->name; st++)
        if (!strcmp(st->name, s)) return true;
    return false;
}

static bool check_workflow(const kmodule *const *list, const kmodule *m, const wf_def *w, char *err, size_t n) {
    if (!w->entity || !w->table || !w->states || !w->transitions)
        return fail(err, n, "模块 %s：流程 %s 不完整", m->name, w->entity ? w->entity : "(null)");
    unsigned known = ROLE_ALL | m->pseudo_roles;
    for (const wf_transition *t = w->transitions; t->action; t++) {
        char what[160];
        snprintf(what, sizeof what, "%s.%s", w->entity, t->action);
        if (!t->roles && !t->from[0] && !t->to) continue;   /* an event's label only, never an action */
        if (!t->roles || (t->roles & ~known))
            return fail(err, n, "模块 %s：流程动作 %s 的岗位为空或未声明", m->name, what);
        if (t->to && !state_known(w, t->to))
            return fail(err, n, "模块 %s：流程动作 %s 的目标状态 %s 未声明", m->name, what, t->to);
        if (!t->from[0]) return fail(err, n, "模块 %s：流程动作 %s 没有起始状态", m->name, what);
        for (int i = 0; i < WF_MAX_FROM && t->from[i]; i++)
            if (strcmp(t->from[i], "*") && !state_known(w, t->from[i]))
                return fail(err, n, "模块 %s：流程动作 %s 的起始状态 %s 未声明", m->name, what, t->from[i]);
    }
    if (!audit_word_in(list, AUDIT_ENTITY, w->entity))   /* the audit log names it */
        return fail(err, n, "模块 %s：流程 %s 的对象没有中文名（audit.entities）", m->name, w->entity);
    return true;
}

/* A module's commands: named, run, options within bounds, no name another module uses. */
static bool check_cmds(const kmodule *const *list, int mi, char *err, size_t n) {
    const kmodule *m = list[mi];
    for (const module_cmd *c = m->cmds; c && c->name; c++) {
        int k = 0;
        while (c->opts && c->opts[k].name) k++;
        if (!c->run || !c->usage || !c->help || k > MODULE_CMD_OPTS)
            return fail(err, n, "模块 %s：命令 %s 缺少用法、说明或执行函数，或选项超过 %d 个", m->name, c->name, MODULE_CMD_OPTS);
        for (int j = 0; j <= mi; j++)
            for (const module_cmd *o = list[j]->cmds; o && o->name && o != c; o++)
                if (!strcmp(o->name, c->name)) return fail(err, n, "模块 %s：命令 %s 已由模块 %s 提供", m->name, c->name, list[j]->name);
    }
    return true;
}

static bool check_module(const kmodule *const *list, int mi, char *err, size_t n) {
    const kmodule *m = list[mi];
    if (!m->name || !m->name[0] || !m->label)
        return fail(err, n, "第 %d 个模块缺少名称或中文名", mi + 1);
    for (int j = 0; j < mi; j++)
        if (!strcmp(list[j]->name, m->name)) return fail(err, n, "模块 %s 注册了两次", m->name);
    if (!check_perms(list, m, err, n)) return false;
    for (int t = 0; m->routes && m->routes[t]; t++)
        for (const route *r = m->routes[t]; r->method; r++)
            if (!check_route(list, mi, r, err, n)) return false;
    for (int i = 0; m->workflows && m->workflows[i]; i++)
        if (!check_workflow(list, m, m->workflows[i], err, n)) return false;
    return check_cmds(list, mi, err, n);
}

bool modules_validate_list(const kmodule *const *list, char *err, size_t n) {
    int ticks = 0, perms = 0, i = 0;
    for (; list[i]; i++) {
        if (i == MODULES_MAX) return fail(err, n, "模块超过 %d 个", MODULES_MAX);
        if (!check_module(list, i, err, n)) return false;
        ticks += list[i]->tick != NULL;
        for (const perm_def *p = list[i]->perms; p && p->name; p++) perms++;
    }
    if (perms > PERM_MAX) return fail(err, n, "权限共超过 %d 个", PERM_MAX);
    if (ticks > DEADLINE_MAX_HOOKS)
        return fail(err, n, "时限定时任务共 %d 个，超过上限 %d", ticks, DEADLINE_MAX_HOOKS);
    return true;
}

bool modules_validate(char *err, size_t n) {
    modules_init();
    return modules_validate_list(sorted, err, n);
}

/* ---- hooks over every module ---- */

kerr modules_demo(db *d, int64_t now, char *err, size_t n) {
    for (int i = 0; i < count; i++) {
        if (!sorted[i]->demo) continue;
        kerr e = sorted[i]->demo(d, now);
        if (e) { snprintf(err, n, "模块 %s 的演示数据：%s", sorted[i]->name, db_errmsg(d)); return e; }
    }
    return E_OK;
}

const char *modules_demo_notes(void) {
    static char notes[4096];
    if (!notes[0])
        for (int i = 0; i < count; i++)
            if (sorted[i]->demo_note) strncat(notes, sorted[i]->demo_note, sizeof notes - strlen(notes) - 1);
    return notes;
}

const module_cmd *module_cmd_at(int i) {
    for (int m = 0; kmodule_list[m]; m++)
        for (const module_cmd *c = kmodule_list[m]->cmds; c && c->name; c++)
            if (i-- == 0) return c;
    return NULL;
}

const module_cmd *module_cmd_find(const char *name) {
    const module_cmd *c;
    for (int i = 0; name && (c = module_cmd_at(i)); i++)
        if (!strcmp(c->name, name)) return c;
    return NULL;
}

int modules_check(db *d, bool rebuild) {
    int problems = 0;
    for (int i = 0; i < count; i++)
        if (sorted[i]->check) problems += sorted[i]->check(d, rebuild);
    return problems;
}

bool modules_start(module_opt_fn opt, char *err, size_t n) {
    for (int i = 0; i < count; i++)
        if (sorted[i]->start && !sorted[i]->start(opt, err, n)) return false;
    return true;
}

void modules_job(void) {
    for (int i = 0; i < count; i++)
        if (sorted[i]->job) sorted[i]->job();
}
