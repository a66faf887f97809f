/*
** scope.c — project scoping of lists and requests (see scope.h).
*/
#include "scope.h"

kerr project_visible(ctx *c, int64_t pid, bool *ok) {
    *ok = auth_sees_project(c->user, pid);
    if (!*ok || auth_company_roles(c->user) == 0 || auth_roles_in(c->user, pid) != auth_company_roles(c->user))
        return E_OK;   /* a role of its own there: the role row's project exists */
    return db_read_exists(c->db, ok, "SELECT 1 FROM projects WHERE id = ?", DI(pid));
}

kerr scope_projects(ctx *c, qb *b, const char *perm, const char *col) {
    int64_t pid = 0, *ids = NULL;
    kerr e = q_int(c, "project_id", "管理处", 1, INT64_MAX, 0, &pid);
    if (e) return e;
    bool ok = true;
    if (pid && (e = project_visible(c, pid, &ok))) return e;
    if (!ok) return ctx_fail(c, E_NOT_FOUND, "project_id", NULL);
    int n = ctx_perm_projects(c, perm, &ids);
    if (n >= 0) qb_in_ids(b, arena_printf(&c->a, "%s IN ?*", col), ids, n);
    if (pid) qb_and(b, arena_printf(&c->a, "%s = ?", col), DI(pid));
    return E_OK;
}

/* The user's only project with perm into *pid; false when they have none or several. */
static bool only_project(ctx *c, const char *perm, int64_t *pid) {
    int64_t *ids = NULL;
    if (ctx_perm_projects(c, perm, &ids) != 1) return false;
    *pid = ids[0];
    return true;
}

kerr query_project(ctx *c, const char *perm, int64_t *pid) {
    kerr e = q_int(c, "project_id", "管理处", 1, INT64_MAX, 0, pid);
    if (e) return e;
    if (!*pid && !only_project(c, perm, pid)) return ctx_fail(c, E_BAD_REQUEST, "project_id", "请选择管理处");
    bool ok;
    if ((e = project_visible(c, *pid, &ok))) return e;
    if (!ok) return ctx_fail(c, E_NOT_FOUND, "project_id", NULL);
    return ctx_require(c, perm, *pid);
}

kerr body_project(ctx *c, const char *perm, int64_t *pid) {
    *pid = 0;
    kerr e = in_int(c, "project_id", "管理处", 0, 1, INT64_MAX, pid, NULL);
    if (e) return e;
    if (!*pid && !only_project(c, perm, pid)) return ctx_fail(c, E_VALIDATION, "project_id", "请选择管理处");
    bool ok;
    if ((e = project_visible(c, *pid, &ok))) return e;
    if (!ok && auth_sees_project(c->user, *pid)) return ctx_fail(c, E_VALIDATION, "project_id", "管理处不存在");
    return ctx_require(c, perm, *pid);
}

kerr q_id_filters(ctx *c, qb *b, const id_filter *f, size_t n) {
    for (size_t i = 0; i < n; i++) {
        int64_t v = 0;
        kerr e = q_int(c, f[i].name, f[i].label, 1, INT64_MAX, 0, &v);
        if (e) return e;
        if (v) qb_and(b, f[i].cond, DI(v));
    }
    return E_OK;
}
