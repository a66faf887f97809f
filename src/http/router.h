/*
** router.h — matching a method and path against the modules' static route tables.
*/
#ifndef KEFU_ROUTER_H
#define KEFU_ROUTER_H
#include "ctx.h"

typedef struct route_match {
    const route *route;             /* NULL: see path_matched */
    bool path_matched;              /* some route has this path with another method → 405 */
    char allow[64];                 /* methods of that path, for the Allow header */
    int nparams;
    const char *pname[CTX_MAX_PARAMS];
    const char *pval[CTX_MAX_PARAMS];
} route_match;

/* Tables: a NULL-terminated list of route arrays, each ending with {NULL}. */
void router_set_tables(const route *const *tables, bool test_routes);
/* Matches; parameter values are copied into the arena. */
void router_match(arena *a, const char *method, const char *path, route_match *m);
/* Matches one pattern against a path (exposed for unit tests). */
bool router_pattern_match(arena *a, const char *pattern, const char *path, route_match *m);
#endif
