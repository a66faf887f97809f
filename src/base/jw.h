/*
** jw.h — a small JSON writer over buf that manages commas and nesting.
**
**     jw w; jw_init(&w, &c->out);
**     jw_obj(&w, NULL); jw_int(&w, "id", 3); jw_str(&w, "name", "李静"); jw_end(&w);
**
** Keys are NULL inside arrays. Strings are escaped (buf_json_str); a NULL string writes null.
*/
#ifndef KEFU_JW_H
#define KEFU_JW_H
#include <stdbool.h>
#include <stdint.h>
#include "buf.h"

#define JW_MAX_DEPTH 32
typedef struct jw {
    buf *b;
    int depth;
    bool need_comma[JW_MAX_DEPTH];
    char closer[JW_MAX_DEPTH];     /* '}' or ']' for each open level */
} jw;

void jw_init(jw *w, buf *b);
void jw_obj(jw *w, const char *key);
void jw_arr(jw *w, const char *key);
void jw_end(jw *w);                                   /* closes the innermost object/array */
void jw_str(jw *w, const char *key, const char *v);
void jw_int(jw *w, const char *key, int64_t v);
void jw_bool(jw *w, const char *key, bool v);
void jw_null(jw *w, const char *key);
void jw_raw(jw *w, const char *key, const char *json);  /* trusted JSON text; NULL → null */
void jw_time(jw *w, const char *key, int64_t t);       /* ISO 8601 with office offset; 0 → null */
void jw_money(jw *w, const char *key, int64_t fen);    /* integer fen */
void jw_fraction(jw *w, const char *key, int64_t num, int64_t den);   /* 0.8333 (4 decimals); null if den is 0 */
#endif
