/*
** router.c — route matching (see router.h). Patterns are compared segment by segment;
** "{name}" matches one non-empty segment. Tables are small (tens of routes per module), so
** a linear scan over pre-split patterns is fast enough and simple to read.
*/
#include "router.h"
#include <stdio.h>
#include <string.h>

static const route *const *tables;
static bool with_test_routes;

void router_set_tables(const route *const *t, bool test_routes) {
    tables = t;
    with_test_routes = test_routes;
}

bool router_pattern_match(arena *a, const char *pat, const char *path, route_match *m) {
    int np = 0;
    const char *names[CTX_MAX_PARAMS], *vals[CTX_MAX_PARAMS];
    while (*pat && *path) {
        if (*pat != '/' || *path != '/') return false;
        pat++, path++;
        const char *pe = strchr(pat, '/'), *se = strchr(path, '/');
        size_t pl = pe ? (size_t)(pe - pat) : strlen(pat), sl = se ? (size_t)(se - path) : strlen(path);
        if (pl >= 2 && pat[0] == '{' && pat[pl - 1] == '}') {
            if (sl == 0 || np == CTX_MAX_PARAMS) return false;
            names[np] = arena_strndup(a, pat + 1, pl - 2);
            vals[np] = arena_strndup(a, path, sl);
            np++;
        } else if (pl != sl || memcmp(pat, path, pl) != 0) {
            return false;
        }
        pat += pl, path += sl;
    }
    if (*pat || *path) return false;
    m->nparams = np;
    memcpy(m->pname, names, sizeof(names[0]) * (size_t)np);
    memcpy(m->pval, vals, sizeof(vals[0]) * (size_t)np);
    return true;
}

void router_match(arena *a, const char *method, const char *path, route_match *m) {
    memset(m, 0, sizeof *m);
    for (int t = 0; tables && tables[t]; t++) {
        for (const route *r = tables[t]; r->method; r++) {
            if ((r->flags & RF_TEST) && !with_test_routes) continue;
            route_match tmp = {0};
            if (!router_pattern_match(a, r->path, path, &tmp)) continue;
            if (strcmp(r->method, method) == 0 ||
                (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0)) {
                tmp.path_matched = true;
                memcpy(tmp.allow, m->allow, sizeof tmp.allow);
                *m = tmp;
                m->route = r;
                return;
            }
            m->path_matched = true;
            size_t used = strlen(m->allow);
            if (!strstr(m->allow, r->method))
                snprintf(m->allow + used, sizeof m->allow - used, "%s%s", used ? ", " : "", r->method);
        }
    }
}
