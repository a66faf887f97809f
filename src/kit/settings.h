/*
** settings.h — per-project settings that override documented defaults: a project's own repair
** time limits per category, complaint time limits per severity, complaint types. One spec
** declares the table, the keys and the fields; the kit reads them (the project's row, else the
** default), lists them, and validates, stores and audits a change.
**
**     static const setting_field SLA_FIELDS[] = {
**         {"dispatch_minutes", "派工时限（分钟）", SF_INT, 1, 43200}, …, {NULL}};
**     static const setting_spec SLA = {.table = "repair_sla", .key_col = "category", …};
**     GET  /repair-categories          → settings_list(c, &SLA)
**     PUT  /repair-categories/{code}   → setting_put(c, &SLA)
**
** The table has the columns project_id, key_col, one per field (named as the field) and
** updated_at, with the primary key (project_id, key_col). An item of the list (and the answer of
** a PUT) is {key_json: key, label_json: the key's label, field: value …, "custom": bool}.
*/
#ifndef KEFU_SETTINGS_H
#define KEFU_SETTINGS_H
#include "kit/codes.h"

#define SETTING_MAX_FIELDS 8

typedef enum setting_type { SF_INT, SF_TEXT, SF_BOOL } setting_type;
typedef struct setting_field {
    const char *name, *label;     /* column and JSON name; the label names it in messages */
    setting_type type;
    int64_t min, max;             /* SF_INT: bounds; SF_TEXT: at most max characters */
    bool optional;                /* SF_BOOL only: absent means true */
} setting_field;

typedef struct setting_val { int64_t n; const char *s; } setting_val;   /* one per field */

typedef struct setting_spec {
    const char *table, *key_col;    /* SQL names (constants) */
    const char *key_param;          /* the route's {name} and the error field: "code" */
    const char *key_json, *label_json;   /* in the items: "code", "label" (NULL: no key label) */
    const char *audit_entity;       /* "repair_sla" */
    const char *read_perm, *write_perm;
    const code_label *keys;         /* the documented keys */
    const setting_field *fields;    /* ends with {NULL} */
    void (*defaults)(const char *key, setting_val *v);   /* a documented key's defaults */
    /* Rules across fields (warn < complete): records the error and returns it; may be NULL. */
    kerr (*check)(ctx *c, const setting_val *v);
    const char *unknown_key;        /* 404 message for a key not among keys */
    /* Keys beyond the documented ones may be added (complaint types): lower-case letters,
    ** digits and _ (at most 30); the list shows them after the documented ones, in added_order;
    ** "custom" then marks an added key, where otherwise it marks a project's own values. */
    bool open_keys;
    const char *added_order;        /* "sort, code" */
} setting_spec;

/* The values of key in the project into v (text in arena a): the project's own when it has
** them (*own true), else the defaults. A database error is returned (v then holds defaults). */
kerr setting_get(db *d, arena *a, const setting_spec *s, int64_t pid, const char *key, setting_val *v, bool *own);
/* GET: ?project_id (or the user's only project) → {"project_id", "items": [ … ]}. */
kerr settings_list(ctx *c, const setting_spec *s);
/* PUT …/{key_param}?project_id=: validates, replaces the project's row, audits, answers the item. */
kerr setting_put(ctx *c, const setting_spec *s);
#endif
