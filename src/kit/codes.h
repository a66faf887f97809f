/*
** codes.h — code/label tables: the fixed choices of a field ("water" → "给排水"), one type for
** every module, with one body getter and one query getter that refuse anything else with a
** message listing what is allowed.
**
** A table ends with {NULL}. A label NULL means the code is its own label (the archive's
** Chinese values: 住宅, 商铺 …), and messages then list the codes alone.
*/
#ifndef KEFU_CODES_H
#define KEFU_CODES_H
#include "core/code_label.h"
#include "http/input.h"

/* The label of code (the code itself when its label is NULL); NULL when code is not in t. */
const char *code_label_of(const code_label *t, const char *code);
bool code_in(const code_label *t, const char *code);
/* Body field key: one of t's codes (422 listing them) or absent (*out NULL). */
kerr in_code(ctx *c, const char *key, const char *label, unsigned flags, const code_label *t, const char **out);
/* ?name=: one of t's codes (400 listing them) or absent (*out NULL). */
kerr q_code(ctx *c, const char *name, const char *label, const code_label *t, const char **out);
/* ?name=a,b,c (at most 16 of t's codes) as "col IN (?,?,?)"; 400 naming a code not in t. */
struct qb;
kerr q_code_list(ctx *c, struct qb *b, const char *name, const char *label, const char *col, const code_label *t);
#endif
