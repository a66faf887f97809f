/*
** notify.c — notifications to users (see notify.h).
*/
#include "notify.h"
#include "perm.h"
#include <stdio.h>

#define TO_ROLE "INSERT INTO notifications(user_id, project_id, entity, entity_id, kind, title, created_at) " \
    "SELECT DISTINCT ur.user_id, CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT), " \
    "CAST(? AS TEXT), CAST(? AS BIGINT) FROM user_roles ur JOIN users u ON u.id = ur.user_id " \
    "WHERE ur.role = ? AND (ur.project_id = ? OR ur.project_id IS NULL) AND u.disabled = 0 " \
    "AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = ur.user_id AND n.entity = ? " \
    "AND n.entity_id = ? AND n.kind = ? AND n.read_at IS NULL)"

/* The holders of one role; sql is TO_ROLE, with the exclusion when there is one. */
static kerr to_role(db *d, const notice *n, const char *sql, unsigned role, int64_t now) {
    const db_arg head[] = {DI(n->project_id), DT(n->entity), DI(n->entity_id), DT(n->kind), DT(n->title), DI(now),
                           DT(role_name(role)), DI(n->project_id), DT(n->entity), DI(n->entity_id), DT(n->kind)};
    db_arg args[sizeof head / sizeof *head + 2];
    size_t k = 0;
    for (; k < sizeof head / sizeof *head; k++) args[k] = head[k];
    if (n->exclude_sql) args[k++] = DI(n->entity_id);
    args[k] = DEND_;
    return db_exec_a(d, sql, args);
}

kerr notify(db *d, const notice *n, int64_t now) {
    if (n->user_id)
        return db_exec(d, "INSERT INTO notifications(user_id, project_id, entity, entity_id, kind, title, created_at) "
                          "VALUES (?,?,?,?,?,?,?)", DI(n->user_id), DI(n->project_id), DT(n->entity), DI(n->entity_id),
                       DT(n->kind), DT(n->title), DI(now));
    char sql[1024];
    if (n->exclude_sql) snprintf(sql, sizeof sql, "%s AND ur.user_id NOT IN (%s)", TO_ROLE, n->exclude_sql);
    else snprintf(sql, sizeof sql, "%s", TO_ROLE);
    kerr e = E_OK;
    for (int i = 0; !e && i < ROLE_COUNT; i++)
        if (n->roles & role_at(i)) e = to_role(d, n, sql, role_at(i), now);
    return e;
}
