/*
** list.h — the list runner: a list declared once (scope, filters, sort keys, columns, the row
** writer) is read by one code path — the page, the total, the envelope — and, because its
** route names an export_spec, exported by the server with ?format=xlsx|csv from the same
** items (http/export.h). A list handler is then one line:
**
**     static const list_def BUILDINGS = {
**         .perm = "archive.read", .project_col = "b.project_id",
**         .q_cond = "b.code LIKE ? ESCAPE '\\' OR b.name LIKE ? ESCAPE '\\'",
**         .sorts = (const list_sort[]){{"code", "ORDER BY b.project_id, LENGTH(b.code), b.code"}, {NULL}},
**         .spec = {.cols = BUILDING_COLS, .from = "buildings b"},
**         .row = building_item,
**     };
**     static kerr buildings_list(ctx *c) { return list_run(c, &BUILDINGS, NULL); }
**
** In the order they run: ?page/?per_page, the project scope (perm on project_col, with
** ?project_id), the id filters, ?q (every `?` of q_cond bound to the LIKE pattern of the term),
** the list's own filter, then the order: ?sort=KEY among sorts (400 listing them), else what
** the filter chose (f->spec.order), else the first sort key.
*/
#ifndef KEFU_LIST_H
#define KEFU_LIST_H
#include "kit/scope.h"

typedef struct list_sort { const char *key, *order; } list_sort;   /* "code", "ORDER BY …"; ends {NULL} */
/* A list being read: its conditions and how it is read (a copy of the list_def's spec). */
typedef struct list_q { qb b; list_spec spec; void *arg; } list_q;

typedef struct list_def {
    const char *perm, *project_col;        /* the project scope; perm NULL: the filter scopes */
    const id_filter *ids;                  /* ?name=N filters; ends with {NULL} */
    const char *q_cond;                    /* ?q= search condition (its ?s take the pattern) */
    /* The list's own filters on f->b; may change f->spec (a view read another way, an order
    ** that ?sort still overrides). f->arg: list_run's arg. */
    kerr (*filter)(ctx *c, list_q *f);
    const list_sort *sorts;                /* ?sort= keys, the first the default; NULL: spec.order */
    list_spec spec;                        /* columns, from, count (http/input.h) */
    kerr (*row)(ctx *c, db_stmt *st, jw *w, void *arg);   /* one item, its braces included */
    /* Or the whole page at once, stepping with list_next (children read batch by batch). */
    kerr (*rows)(ctx *c, listq *lq, jw *w, void *arg);
} list_def;

kerr list_run(ctx *c, const list_def *l, void *arg);
/* list_run's ?sort=: *order becomes the key's ORDER BY, else stays what the filter chose, else
** the first key's; 400 listing the keys for an unknown one (or for any when l has none). */
kerr list_sort_order(ctx *c, const list_def *l, const char **order);

/* The fields of one row (the item's braces are json_rows'). */
typedef void (*row_fields_fn)(ctx *c, db_stmt *st, jw *w, void *arg);
/* "key": [{…}, …] from st, each item's fields by fn; st is finished, and how its rows ended is
** returned (a prepare that failed, st NULL, returns the database's error). A section of a
** record page, or the rows of a small unpaged list. */
kerr json_rows(ctx *c, db_stmt *st, jw *w, const char *key, row_fields_fn fn, void *arg);
/* The answer {"items": [ … ]} of a small unpaged list (the caller's technicians, tokens). */
kerr json_items(ctx *c, db_stmt *st, row_fields_fn fn, void *arg);
/* list_next for writers that step with `int (*next)(void *)` (json_rows_with_children):
** DB_ROW, or how the rows ended (DB_DONE, DB_ERROR). */
int list_step(void *lq);
#endif
