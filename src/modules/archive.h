/*
** archive.h — shared pieces of the 业主档案 module (archive_*.c): typed input for areas,
** dates, phones, ID numbers and fixed choices; masking of personal data; the lookup grams.
*/
#ifndef KEFU_ARCHIVE_H
#define KEFU_ARCHIVE_H
#include "modules.h"
#include "../core/qb.h"

extern const char *const UNIT_USES[], *const UNIT_STATUSES[], *const RELATIONS[], *const ID_TYPES[],
    *const BUILDING_KINDS[], *const PET_KINDS[];

/* A value read from a body: absent, null (clear it), or given. */
typedef struct opt_int { bool present, null; int64_t v; } opt_int;

/* m² with at most two decimals (number or string) → hundredths. */
kerr in_area(ctx *c, const char *key, const char *label, opt_int *out);
void jw_area(jw *w, const char *key, db_stmt *st, int col);          /* 89.50 or null */
kerr in_date(ctx *c, json_t *obj, const char *key, const char *label, const char **out);
kerr in_choice(ctx *c, const char *key, const char *label, unsigned flags, const char *const *choices,
               const char **out);
kerr check_phone_cn(ctx *c, const char *field, const char *label, const char *phone);
/* The tests behind the checks above, for callers that report problems their own way (import). */
bool area_parse(const char *s, int64_t *hundredths);   /* "89.5" → 8950; at most two decimals */
bool phone_cn_ok(const char *phone);                    /* mobile 1[3-9]… or landline 0xx-… */
bool choice_ok(const char *v, const char *const *choices);
kerr check_id_no(ctx *c, const char *type, const char *no);
bool id_number_ok(const char *type, const char *no);   /* the test behind check_id_no */

/* Personal data for this user: masked unless they hold people.reveal in that project. */
bool can_reveal(ctx *c, int64_t project_id);
const char *mask_phone(ctx *c, int64_t project_id, const char *phone);
const char *mask_id(ctx *c, int64_t project_id, const char *id_no);

/* The project a new record goes to: body `project_id`, or the user's only project. */
kerr archive_project(ctx *c, const char *perm, int64_t *pid);
/* The project of a row of `table` (a constant), checked for perm; 404 when not visible. */
kerr archive_row(ctx *c, const char *table, int64_t id, const char *perm, int64_t *pid);
/* Scope a list: `col IN (visible projects)` plus the optional ?project_id filter. */
kerr archive_scope(ctx *c, struct qb *b, const char *col);

/* Lookup grams: kind 'n' name (1–2 chars), 't' phone (4 digits), 'v' plate (1–3 chars). */
kerr grams_set(db *d, int64_t project_id, char kind, int64_t ref_id, const char *const *texts, int n);
void history_json(ctx *c, const char *entity, int64_t id, jw *w);   /* audit rows, newest first */

/* The unit "complete" test as SQL over `u` (units) — used by lists and 建档率. */
#define UNIT_COMPLETE_SQL \
    "(u.area_build IS NOT NULL AND u.use_type <> '' AND u.holder <> '' AND (u.status IN ('未交房','空置') OR " \
    "EXISTS(SELECT 1 FROM residents r JOIN people p ON p.id = r.person_id WHERE r.unit_id = u.id AND " \
    "r.active = 1 AND r.relation = '业主' AND p.phone <> '')))"
/* A unit row: UNIT_COLS FROM UNIT_FROM, written by unit_fields (owners: units_json_rows). */
#define UNIT_COLS "u.id, u.project_id, u.building_id, b.code, b.name, u.entrance, u.room, u.code, u.floor, " \
                  "u.area_build, u.area_use, u.use_type, u.structure, u.holder, u.status, u.remark, u.version, " \
                  "u.created_at, u.updated_at, " UNIT_COMPLETE_SQL ", " \
                  "EXISTS(SELECT 1 FROM residents r WHERE r.unit_id = u.id AND r.active = 1 AND r.relation = '业主')"
#define UNIT_FROM "units u JOIN buildings b ON b.id = u.building_id"
void unit_fields(ctx *c, db_stmt *st, jw *w);
/* Writes rows of st as array items, each with a list of children read for a whole batch of
** rows by one query (instead of one query per row). Column 0 of a row is its id, column 1 its
** project; the child query's column 0 is the parent id. next() steps st. */
typedef struct child_batch {
    void (*row)(ctx *c, db_stmt *st, jw *w);                          /* fields of the open object */
    const char *key;                                                  /* "owners" */
    const char *select, *parent_in, *filter, *order;                  /* the child query */
    void (*child)(ctx *c, db_stmt *o, jw *w, int64_t parent_project); /* fields of one child */
} child_batch;
void json_rows_with_children(ctx *c, db_stmt *st, jw *w, bool (*next)(void *), void *arg, const child_batch *cb);
bool step_stmt(void *st);   /* next() for a plain statement */

/* Rows of st (UNIT_COLS), each with its owners, as array items; next() steps st. */
void units_json_rows(ctx *c, db_stmt *st, jw *w, bool (*next)(void *), void *arg);
#endif
