/*
** http_request.c — fuzz target: a request line through the server's path as far as routing
** and parameter parsing, with the real registry of routes (build/registry.c).
**
** Input: "METHOD /path?query" (the first line; no space means GET). As libmicrohttpd would, the
** query is split off and its arguments decoded ('+', %XX), then the path %-decoded. Then, in the
** pipeline's order: router_match (404 / 405 with Allow), the path parameters into the ctx,
** q_check (NUL bytes and UTF-8 in the query), the route's permission for a stand-in user,
** q_format (?format=), and the getters handlers read queries with — path ids, paging, the
** project scope, id filters, codes and code lists, dates, months, ?q, ?sort — each checked
** against what it promises. A path outside /api/ goes to the static-file server instead, over a
** scratch web folder. No handler runs and nothing touches a database.
*/
#include "fuzz.h"
#include "http/module.h"
#include "http/router.h"
#include "http/input.h"
#include "http/server.h"
#include "base/clock.h"
#include "kit/codes.h"
#include "kit/dates.h"
#include "kit/list.h"
#include "kit/scope.h"
#include "modules/archive/archive.h"
#include "modules/tickets/complaints.h"
#include "modules/visits/visits.h"
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINE 8192                   /* libmicrohttpd's 16 KiB connection memory holds less */

/* The stand-in user: an agent and supervisor in project 1, a steward in project 2, no
** company-wide role (a company-wide one would make scope_projects ask the database). */
static user_role ROLES[] = {{1, ROLE_AGENT | ROLE_SUPERVISOR}, {2, ROLE_STEWARD}};
static auth_user USER = {.id = 7, .username = "agent1", .display_name = "李静", .nroles = 2, .roles = ROLES};

/* ?sort= keys of two real lists (UNITS in archive_units.c, VISITS in visits_list.c), and a list
** without sort keys. */
static const list_def LISTS[] = {
    {.sorts = (const list_sort[]){{"code", "ORDER BY u.project_id, u.code"}, {"-id", "ORDER BY u.id DESC"}, {NULL, NULL}}},
    {.sorts = (const list_sort[]){{"-at", "ORDER BY v.at DESC, v.id DESC"}, {"at", "ORDER BY v.at, v.id"}, {NULL, NULL}}},
    {.sorts = NULL},
};

static const id_filter IDS[] = {
    {"building_id", "楼栋", "u.building_id = ?"}, {"steward_id", "拜访人", "v.steward_id = ?"},
    {"plan_id", "拜访计划", "v.plan_id = ?"}, {"unit_id", "房屋", "v.unit_id = ?"},
};

static char web_dir[64];

/* A scratch web folder for the static files: index.html and one hashed asset. */
static void make_web_dir(void) {
    snprintf(web_dir, sizeof web_dir, "/tmp/kefu-fuzz-web-XXXXXX");
    if (!mkdtemp(web_dir)) { perror("mkdtemp"); abort(); }
    char p[128];
    snprintf(p, sizeof p, "%s/assets", web_dir);
    if (mkdir(p, 0700) != 0) abort();
    const char *files[] = {"index.html", "assets/app-1a2b3c.js"};
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", web_dir, files[i]);
        FILE *f = fopen(p, "w");
        if (!f) abort();
        fputs("<!doctype html>", f);
        fclose(f);
    }
}

static void remove_web_dir(void) {
    char p[128];
    snprintf(p, sizeof p, "%s/assets/app-1a2b3c.js", web_dir), unlink(p);
    snprintf(p, sizeof p, "%s/index.html", web_dir), unlink(p);
    snprintf(p, sizeof p, "%s/assets", web_dir), rmdir(p);
    rmdir(web_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    modules_init();
    router_set_tables(modules_route_tables(), true);   /* the --test-clock routes too */
    make_web_dir();
    atexit(remove_web_dir);
    return 0;
}

/* A query value as q_str gives it: not empty, no space at either end. */
static void check_trimmed(const char *s) {
    if (!s) return;
    size_t n = strlen(s);
    FUZZ_CHECK(n > 0);
    FUZZ_CHECK(s[0] != ' ' && s[n - 1] != ' ' && s[n - 1] != '\n' && s[n - 1] != '\t');
}

/* The route's matching, against what router_match promises. */
static void check_match(const char *method, const char *path, const route_match *m) {
    if (!m->route) {
        FUZZ_CHECK(!m->path_matched || m->allow[0]);
        return;
    }
    FUZZ_CHECK(!strcmp(m->route->method, method) || (!strcmp(method, "HEAD") && !strcmp(m->route->method, "GET")));
    FUZZ_CHECK(m->nparams >= 0 && m->nparams <= CTX_MAX_PARAMS);
    for (int i = 0; i < m->nparams; i++) {
        FUZZ_CHECK(m->pval[i][0] && !strchr(m->pval[i], '/'));
        FUZZ_CHECK(strstr(path, m->pval[i]));
    }
}

static void path_params(ctx *c) {
    for (int i = 0; i < c->nparams; i++) {
        int64_t id = 0;
        if (!ctx_param_id(c, c->pname[i], &id)) FUZZ_CHECK(id > 0);
        FUZZ_CHECK(ctx_param(c, c->pname[i]) != NULL);
    }
}

static void paging_and_scope(ctx *c) {
    page pg;
    if (!q_page(c, &pg)) {
        FUZZ_CHECK(pg.page >= 1 && pg.per_page >= 1);
        FUZZ_CHECK(c->export_format || (pg.page <= 1000000 && pg.per_page <= 200));
        FUZZ_CHECK(pg.offset == (pg.page - 1) * pg.per_page);
    }
    int64_t v = 0;
    if (!q_int(c, "escalated", "已升级", 0, 2, 0, &v)) FUZZ_CHECK(v >= 0 && v <= 2);
    if (!q_int(c, "disabled", "状态", 0, 1, -1, &v)) FUZZ_CHECK(v >= -1 && v <= 1);
    qb b;
    qb_init(&b);
    if (c->route->perm) (void)scope_projects(c, &b, c->route->perm, "t.project_id");
    (void)q_id_filters(c, &b, IDS, sizeof IDS / sizeof *IDS);
    FUZZ_CHECK(b.nargs <= QB_MAX_ARGS);
    qb_free(&b);
}

static void codes(ctx *c) {
    const char *v = NULL;
    if (!q_code(c, "kind", "类型", VISIT_KINDS, &v) && v) FUZZ_CHECK(code_in(VISIT_KINDS, v));
    if (!q_code(c, "use", "用途", UNIT_USES, &v) && v) FUZZ_CHECK(code_in(UNIT_USES, v));
    if (!q_code(c, "status", "状态", UNIT_STATUSES, &v) && v) FUZZ_CHECK(code_in(UNIT_STATUSES, v));
    qb b;
    qb_init(&b);
    (void)q_code_list(c, &b, "kind", "类型", "t.kind", TICKET_KINDS);
    (void)q_code_list(c, &b, "channel", "来源", "t.channel", TICKET_CHANNELS);
    (void)q_code_list(c, &b, "category", "报修类别", "t.category", REPAIR_CATEGORIES);
    (void)q_code_list(c, &b, "severity", "严重程度", "cp.severity", COMPLAINT_SEVERITIES);
    FUZZ_CHECK(b.nargs <= 4 * 16);
    qb_free(&b);
}

/* ?from= and ?date=: a date that parses is that day's office midnight, written back the same. */
static void dates(ctx *c) {
    static const char *const names[] = {"from", "to", "date", "called_back_from"};
    for (int i = 0; i < 4; i++) {
        int64_t t = 0;
        if (q_date(c, names[i], "日期", &t) || !t) continue;
        char d[16];
        clock_date(t, d, sizeof d);
        FUZZ_CHECK(!strcmp(d, q_str(c, names[i])));
        FUZZ_CHECK(clock_day_start(t) == t);
    }
    const char *m = NULL;
    int64_t start = 0, end = 0;
    if (!q_month(c, &m, &start, &end)) {
        char mo[8];
        month_of(start, mo);
        FUZZ_CHECK(!strcmp(mo, m) && start < end);
    }
}

static void search_and_sort(ctx *c) {
    const char *q = q_str(c, "q");
    check_trimmed(q);
    check_trimmed(q_str(c, "sort"));
    if (q) FUZZ_CHECK(qb_like(&c->a, q) != NULL);
    for (size_t i = 0; i < sizeof LISTS / sizeof *LISTS; i++) {
        const char *order = NULL;
        if (list_sort_order(c, &LISTS[i], &order)) continue;
        FUZZ_CHECK(!LISTS[i].sorts || order);
    }
}

/* The pipeline's part before the handler (server.c pipeline), and the handlers' getters. */
static void api_request(ctx *c) {
    route_match m;
    router_match(&c->a, c->method, c->path, &m);
    check_match(c->method, c->path, &m);
    if (!m.route) return;
    c->route = m.route;
    c->nparams = m.nparams;
    memcpy(c->pname, m.pname, sizeof m.pname);
    memcpy(c->pval, m.pval, sizeof m.pval);
    if (q_check(c)) return;
    c->user = &USER;
    if (m.route->perm) (void)auth_can_any(c->user, m.route->perm);
    if (q_format(c)) return;
    FUZZ_CHECK(!c->export_format || !strcmp(c->method, "GET") || !strcmp(c->method, "HEAD"));
    path_params(c);
    paging_and_scope(c);
    codes(c);
    dates(c);
    search_and_sort(c);
}

static void static_request(ctx *c) {
    int status = 0;
    struct MHD_Response *r = static_response(web_dir, c->path, &status);
    if (!r) return;
    FUZZ_CHECK(status == 200 && c->path[0] == '/' && !strstr(c->path, ".."));
    MHD_destroy_response(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > MAX_LINE) return 0;
    char line[MAX_LINE + 1], method[16] = "GET";
    size_t n = 0;
    while (n < size && data[n] != '\n' && data[n] != '\r') n++;
    memcpy(line, data, n);
    line[n] = 0;
    char *target = line, *sp = memchr(line, ' ', n);
    if (sp && sp - line < (ptrdiff_t)sizeof method) {
        snprintf(method, sizeof method, "%.*s", (int)(sp - line), line);
        target = sp + 1;
    }
    char *query = strchr(target, '?');
    if (query) *query++ = 0;
    fuzz_unescape(target);               /* a %00 ends the path, as it would the server's */
    ctx c = {0};
    fuzz_ctx_open(&c, method, target);
    if (query) fuzz_query(&c, query, strlen(query));
    if (!strncmp(c.path, "/api/", 5) || !strcmp(c.path, "/api")) api_request(&c);
    else static_request(&c);
    fuzz_ctx_close(&c);
    return 0;
}
