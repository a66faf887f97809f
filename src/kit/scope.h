/*
** scope.h — which projects a request reads or writes, one way for every module.
**
** A list is scoped to the projects where the user holds the list's permission (company-wide
** holders: every project), narrowed by ?project_id, which must be a project the user sees
** (404 otherwise). A record's project comes from the record itself (ctx_require); a request
** that creates one names it, or the user's only project with the permission is taken.
*/
#ifndef KEFU_SCOPE_H
#define KEFU_SCOPE_H
#include "http/input.h"
#include "core/qb.h"

/* Is project pid one the user may name (*ok)? A role in it, or a company-wide role and the
** project exists: a company-wide role applies to every id, so a made-up one is refused here
** rather than by a foreign key at the insert (a 500). The database's error is returned. */
kerr project_visible(ctx *c, int64_t pid, bool *ok);
/* The projects where the user holds perm, and ?project_id, as conditions on column col. */
kerr scope_projects(ctx *c, qb *b, const char *perm, const char *col);
/* ?project_id, or the user's only project with perm; visible (404) and permitted (403); 400
** "请选择管理处" when neither. */
kerr query_project(ctx *c, const char *perm, int64_t *pid);
/* The body's project_id, or the user's only project with perm; 422 "请选择管理处" when neither. */
kerr body_project(ctx *c, const char *perm, int64_t *pid);

/* ?name=N id filters: each one given adds its condition (cond has one ?). */
typedef struct id_filter { const char *name, *label, *cond; } id_filter;
kerr q_id_filters(ctx *c, qb *b, const id_filter *f, size_t n);
#endif
