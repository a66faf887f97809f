/*
** export.h — every list exports to Excel: `GET /api/v1/…?format=xlsx` (or csv) answers the
** same list as a file. A list route declares its columns once (export_spec); the server turns
** the JSON the handler wrote into a worksheet, so handlers have one code path for both.
*/
#ifndef KEFU_EXPORT_H
#define KEFU_EXPORT_H
#include <jansson.h>
#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

#define EXPORT_MAX_ROWS 10000

typedef enum export_type { EX_TEXT, EX_INT, EX_TIME, EX_DATE, EX_MONEY, EX_BOOL, EX_AREA } export_type;

typedef struct export_col {
    const char *key;                                   /* key of the list item ("a.b": field b of object a) */
    const char *title;                                 /* Chinese column header */
    export_type type;
    const char *(*fmt)(arena *a, json_t *item);        /* custom text (nested values), or NULL */
} export_col;

typedef struct export_spec {
    const char *name;            /* sheet and file name: "用户列表" */
    const export_col *cols;      /* terminated by key NULL */
} export_spec;

/* Renders items of the list JSON in `json` as csv or xlsx into out; sets *ctype. */
kerr export_render(const export_spec *spec, const char *format, const char *json, size_t len,
                   arena *a, buf *out, const char **ctype);
/* Text of one cell as the CSV and the web show it (exposed for tests). */
const char *export_cell_text(arena *a, const export_col *col, json_t *item);
#endif
