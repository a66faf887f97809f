/*
** qb.h — building the WHERE clause of list queries from fixed SQL fragments and bound
** values. Fragments are constants in the code; user values only ever become bound args.
**
**     qb q; qb_init(&q);
**     qb_and(&q, "u.disabled = ?", DI(0));
**     qb_in_ids(&q, "p.id IN ?*", ids, n);
**     … db_query_a(d, qb_sql(&q, a, "SELECT … FROM users u", "ORDER BY u.id LIMIT ? OFFSET ?"), qb_args(&q, DI(lim), DI(off)))
*/
#ifndef KEFU_QB_H
#define KEFU_QB_H
#include "db/db.h"
#include "base/buf.h"

#define QB_MAX_ARGS 64
typedef struct qb {
    buf where;
    db_arg args[QB_MAX_ARGS + 4];
    int nargs;
    bool overflow;
} qb;

void qb_init(qb *q);
void qb_free(qb *q);
/* Adds "AND (cond)" with cond's ? bound to the args (terminated by DEND_). */
void qb_and_a(qb *q, const char *cond, const db_arg *args);
#define qb_and(q, cond, ...) qb_and_a(q, cond, (const db_arg[]){__VA_ARGS__ __VA_OPT__(,) DEND_})
/* Adds a condition whose "?*" becomes "(?,?,…)" bound to ids, e.g.
** "u.id IN (SELECT user_id FROM user_roles WHERE project_id IN ?*)"; an empty list matches nothing. */
void qb_in_ids(qb *q, const char *cond, const int64_t *ids, int n);
/* LIKE pattern for a substring search with % and _ escaped (use with ESCAPE '\\'). */
char *qb_like(arena *a, const char *term);
/* "head WHERE … tail" in the arena. */
char *qb_sql(qb *q, arena *a, const char *head, const char *tail);
/* The bound args followed by up to two extra (e.g. LIMIT and OFFSET), DEND_-terminated. */
const db_arg *qb_args(qb *q, int nextra, db_arg x1, db_arg x2);
#endif
