/*
** input.h — typed, bounded reading of request input. Each getter validates and, on a bad
** value, records a 422 (body) or 400 (query) with the field and a Chinese message naming
** the field's label, and returns the error; handlers just `if ((e = …)) return e;`.
*/
#ifndef KEFU_INPUT_H
#define KEFU_INPUT_H
#include "ctx.h"

enum in_flags {
    IN_REQUIRED = 1u << 0,   /* absent or null → "X不能为空" */
    IN_MULTILINE = 1u << 1,  /* allow \n and \t in strings */
    IN_NONEMPTY = 1u << 2,   /* if given, not blank after trimming and not null (PATCH of a required field) */
};

/* The request body as JSON into c->json (the server calls it for every write route that is not
** RF_RAW_BODY): an empty body is {}; otherwise Content-Type must be application/json (415)
** and the text one JSON object without duplicate keys (400 bad_json, naming line and column). */
kerr in_body(ctx *c);

/* Rejects any body field not in `allowed` (NULL-terminated) with 422 unknown_field. */
kerr in_only(ctx *c, const char *const *allowed);
kerr jv_only(ctx *c, json_t *obj, const char *path, const char *const *allowed);
/* Strings are trimmed; control characters are refused; max is in characters. *out stays
** NULL when absent (or null without IN_REQUIRED). */
kerr in_str(ctx *c, const char *key, const char *label, unsigned flags, int max, const char **out);
kerr jv_str(ctx *c, json_t *obj, const char *key, const char *field, const char *label,
            unsigned flags, int max, const char **out);
/* Integers in [min, max]; *present tells if given (may be NULL). */
kerr in_int(ctx *c, const char *key, const char *label, unsigned flags, int64_t min, int64_t max,
            int64_t *out, bool *present);
kerr jv_int(ctx *c, json_t *obj, const char *key, const char *field, const char *label,
            unsigned flags, int64_t min, int64_t max, int64_t *out, bool *present);
kerr in_bool(ctx *c, const char *key, const char *label, unsigned flags, bool *out, bool *present);
/* A body with a `version` field (PATCH): required positive integer. */
kerr in_version(ctx *c, int64_t *version);

/* Query string */
/* Every query key and value is whole (no NUL byte, from %00) and UTF-8; 400 naming the key. */
kerr q_check(ctx *c);
/* ?format=: json (or absent) passes; xlsx|csv on a GET route with an export_spec, pdf on an
** RF_PDF GET route, set c->export_format; anything else is 400 on "format". Needs c->route. */
kerr q_format(ctx *c);
const char *q_str(ctx *c, const char *name);          /* trimmed; NULL when absent/empty */
kerr q_int(ctx *c, const char *name, const char *label, int64_t min, int64_t max, int64_t def, int64_t *out);
typedef struct page { int64_t page, per_page, offset; } page;
kerr q_page(ctx *c, page *p);                         /* page ≥ 1, per_page 1..200 (default 50) */
struct qb;
/* A list query: the page, and the total only when the page does not tell it. A page shorter
** than per_page (and not empty past the end) gives the total itself (offset + rows), so most
** lists cost one query; a full page or a page past the end also runs COUNT(*).
**     listq lq;
**     if ((e = list_open(c, &b, COLS, "projects", "ORDER BY id", &pg, &lq))) return e;
**     while (list_next(&lq)) … columns of lq.st …;
**     if ((e = list_close(c, &lq))) return e;      → lq.total
** The qb is freed by list_open. */
typedef struct listq {
    db_stmt *st;
    int64_t total, rows, offset, per_page;
    int rc;                       /* the last step: DB_ROW, DB_DONE or DB_ERROR (list_close returns it) */
    const char *count_sql;
    const db_arg *args;
} listq;
kerr list_open(ctx *c, struct qb *b, const char *cols, const char *from, const char *order,
               const page *p, listq *lq);
/* The same, counting over count_from: the FROM without the joins the filters never use. */
kerr list_open_counted(ctx *c, struct qb *b, const char *cols, const char *from, const char *count_from,
                       const char *order, const page *p, listq *lq);
/* The general form. cols FROM from WHERE <qb> order, one page. With key ("t.id") the page's
** keys are chosen first over pick_from (the filters' joins only) and only those rows read with
** the joins and subqueries of from: for a filter whose rows must be sorted (2,208 escalated
** complaints by id) they are not computed for every row before the sort (11 ms → 1.5 ms).
** The total is count_expr (default COUNT(*)) over count_from (default from), e.g. a sum over
** a table of counts. */
typedef struct list_spec {
    const char *cols, *from, *order;
    const char *key, *pick_from;           /* optional: pick the page's keys first */
    const char *count_from, *count_expr;   /* optional */
} list_spec;
kerr list_open_spec(ctx *c, struct qb *b, const list_spec *ls, const page *p, listq *lq);
bool list_next(listq *lq);
kerr list_close(ctx *c, listq *lq);
/* Writes the list envelope start {"items":[ … and returns the writer; close with list_end. */
jw *list_begin(ctx *c);
void list_end(ctx *c, int64_t total, const page *p);

/* Compact JSON text of v in the arena ("null" on failure). */
const char *jv_dump(ctx *c, json_t *v);

/* Counts characters of valid UTF-8 (-1 if invalid). */
int utf8_chars(const char *s);
#endif
