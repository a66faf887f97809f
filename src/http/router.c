/*
** router.c — route matching (see router.h). Patterns are compared segment by segment;
** "{name}" matches one non-empty segment. Tables are small (tens of routes per module), so
** a linear scan is fast enough and simple to read. The tables are flattened once, the more
** specific patterns first (at the first segment where two differ, a literal before a
** parameter), so /tickets/stats wins over /tickets/{id} whatever order the modules come in.
*/
#include "router.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const route **flat;
static bool with_test_routes;

/* Literal segments before parameters, segment by segment; equal shapes keep their order. */
static int specificity(const char *a, const char *b) {
    while (*a && *b) {
        bool pa = a[1] == '{', pb = b[1] == '{';
        if (pa != pb) return pa ? 1 : -1;
        const char *ea = strchr(a + 1, '/'), *eb = strchr(b + 1, '/');
        if (!ea || !eb) return ea ? 1 : eb ? -1 : 0;
        a = ea, b = eb;
    }
    return 0;
}

typedef struct ranked { const route *r; int seq; } ranked;
static int by_specificity(const void *x, const void *y) {
    const ranked *a = x, *b = y;
    int s = specificity(a->r->path, b->r->path);
    return s ? s : a->seq - b->seq;
}

void router_set_tables(const route *const *t, bool test_routes) {
    with_test_routes = test_routes;
    int n = 0;
    for (int i = 0; t && t[i]; i++)
        for (const route *r = t[i]; r->method; r++) n++;
    ranked *rk = calloc((size_t)n + 1, sizeof *rk);
    const route **f = calloc((size_t)n + 1, sizeof *f);
    if (!rk || !f) abort();
    n = 0;
    for (int i = 0; t && t[i]; i++)
        for (const route *r = t[i]; r->method; r++) rk[n].r = r, rk[n].seq = n, n++;
    qsort(rk, (size_t)n, sizeof *rk, by_specificity);
    for (int i = 0; i < n; i++) f[i] = rk[i].r;
    free(rk);
    free(flat);   /* set once at start (and by unit tests between cases) */
    flat = f;
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
    for (int i = 0; flat && flat[i]; i++) {
        const route *r = flat[i];
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
