/*
** archive.h — shared pieces of the 业主档案 module (archive_*.c): typed input for areas,
** dates, phones, ID numbers and fixed choices; masking of personal data; the lookup grams.
*/
#ifndef KEFU_ARCHIVE_H
#define KEFU_ARCHIVE_H
#include "http/ctx.h"
#include "core/qb.h"
#include "archive_public.h"
#include "kit/codes.h"
#include "kit/phone.h"
#include "kit/dates.h"
#include "kit/scope.h"

/* The archive's fixed choices: Chinese values that are their own labels. */
extern const code_label UNIT_USES[], UNIT_STATUSES[], RELATIONS[], ID_TYPES[], BUILDING_KINDS[], PET_KINDS[];

/* A value read from a body: absent, null (clear it), or given. */
typedef struct opt_int { bool present, null; int64_t v; } opt_int;

/* m² with at most two decimals (number or string) → hundredths. */
kerr in_area(ctx *c, const char *key, const char *label, opt_int *out);
void jw_area(jw *w, const char *key, bool has, int64_t hundredths);   /* 89.50 or null */
/* The tests behind the checks above, for callers that report problems their own way (import). */
bool area_parse(const char *s, int64_t *hundredths);   /* "89.5" → 8950; at most two decimals */
kerr check_id_no(ctx *c, const char *type, const char *no);
bool id_number_ok(const char *type, const char *no);   /* the test behind check_id_no */

/* Personal data for this user: masked unless they hold people.reveal in that project. */
bool can_reveal(ctx *c, int64_t project_id);
const char *mask_id(ctx *c, int64_t project_id, const char *id_no);
void jw_phone_match(ctx *c, jw *w, int64_t project_id, const char *phone, const char *phone2, const char *q);

/* The project of a row of `table` (a constant), checked for perm; 404 when not visible. */
kerr archive_row(ctx *c, const char *table, int64_t id, const char *perm, int64_t *pid);

/* Lookup grams: kind 'n' name (1–2 chars), 't' phone (4 digits), 'v' plate (1–3 chars). */
kerr grams_set(db *d, int64_t project_id, char kind, int64_t ref_id, const char *const *texts, int n);
kerr history_json(ctx *c, const char *entity, int64_t id, jw *w);   /* audit rows, newest first */

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

/* The records the archive writes as JSON, read from a row (borrowed text: valid until the next
** step) or held by the lookup's memory index (archive_mirror.c). One writer each, so a unit
** reads the same from a list, its page and the lookup. */
typedef struct unit_rec {
    int64_t id, project_id, building_id, floor, area_build, area_use, version, created_at, updated_at;
    const char *bcode, *bname, *entrance, *room, *code, *use, *structure, *holder, *status, *remark;
    bool has_floor, has_area_build, has_area_use, complete, has_owner;
} unit_rec;
void unit_rec_read(db_stmt *st, unit_rec *r);            /* a UNIT_COLS row */
void unit_rec_json(const unit_rec *r, jw *w);            /* its fields into the open object */
/* An owner (业主/共有人) of a unit: OWNERS_SQL; the phone masked unless this user may see it. */
typedef struct owner_rec { int64_t unit_id, person_id; const char *name, *phone, *relation; } owner_rec;
#define OWNERS_SQL "SELECT r.unit_id, p.id, p.name, p.phone, r.relation FROM residents r JOIN people p ON p.id = r.person_id"
#define OWNERS_FILTER "r.active = 1 AND r.relation IN ('业主', '共有人')"
void owner_rec_read(db_stmt *st, owner_rec *o);
void owner_rec_json(ctx *c, const owner_rec *o, int64_t project_id, jw *w);
/* A person: PERSON_COLS; phones and ID masked unless `reveal` or the user may see them. */
#define PERSON_COLS "p.id, p.project_id, p.name, p.phone, p.phone2, p.id_type, p.id_no, p.emergency_name, " \
                    "p.emergency_phone, p.company, p.business_scope, p.business_manager, p.business_category, " \
                    "p.remark, p.version, p.created_at, p.updated_at"
typedef struct person_rec {
    int64_t id, project_id, version, created_at, updated_at;
    const char *name, *phone, *phone2, *id_type, *id_no, *em_name, *em_phone, *company, *scope, *manager,
        *category, *remark;
} person_rec;
void person_rec_read(db_stmt *st, person_rec *r);
void person_rec_json(ctx *c, const person_rec *r, jw *w, bool reveal);
/* A unit a person relates to: PERSON_UNITS_SQL (person_id, unit_id, code, relation). */
typedef struct person_unit_rec { int64_t person_id, unit_id; const char *code, *relation; } person_unit_rec;
#define PERSON_UNITS_SQL "SELECT r.person_id, r.unit_id, u.code, r.relation FROM residents r JOIN units u ON u.id = r.unit_id"
void person_unit_rec_read(db_stmt *st, person_unit_rec *r);
void person_unit_rec_json(const person_unit_rec *r, jw *w);
/* A vehicle as the lookup shows it: VEHICLE_LOOKUP_COLS FROM vehicles v VEHICLE_LOOKUP_JOINS. */
#define VEHICLE_LOOKUP_COLS "v.id, v.plate, v.unit_id, u.code, p.name, v.model, v.project_id"
#define VEHICLE_LOOKUP_JOINS "JOIN units u ON u.id = v.unit_id LEFT JOIN people p ON p.id = v.person_id"
typedef struct vehicle_rec { int64_t id, unit_id, project_id; const char *plate, *unit_code, *owner, *model; } vehicle_rec;
void vehicle_rec_read(db_stmt *st, vehicle_rec *r);
void vehicle_rec_json(const vehicle_rec *r, jw *w);

/* Every archive write (buildings, units, people, residents, vehicles) in a project moves its
** archive generation (table archive_gen) in the same transaction; the lookup's memory index
** of a project is good while the generation it was read at is the current one. */
kerr archive_touch(db *d, int64_t project_id);
/* archive_touch, then the audit row of the change. */
kerr archive_audit(ctx *c, int64_t project_id, const char *entity, int64_t id, const char *action, const char *changes);

/* What a lookup term searches, the same from memory and from the database: units by a room
** form (1502, 3-1502, 3-2-1502, A-101); people by phone digits (4 or more) or by name (not a
** room with a dash); vehicles unless it is 1–2 digits, by the term in upper case. */
typedef struct lookup_terms { bool units, people, by_phone, vehicles; const char *plate; } lookup_terms;
lookup_terms lookup_terms_of(arena *a, const char *q);
/* The counter lookup from memory (archive_mirror.c). Writes the three groups into the open
** object and returns true; false (nothing written) when a project in scope has no snapshot as
** new as its archive generation: the caller reads the database, and the project is read into
** memory by lookup_memory_refresh. `ids`/`n`: the projects in scope (n < 0: all). */
bool lookup_from_memory(ctx *c, const char *q, const lookup_terms *t, const int64_t *ids, int n, jw *w);
/* "totals": how many of each group match in all, the ten shown included (the box says how many
** more there are and opens the full list). */
void lookup_totals_json(jw *w, int64_t units, int64_t people, int64_t vehicles);
void lookup_memory_refresh(void);       /* the server's background job: reads the projects asked for */
void lookup_memory_enable(bool on);     /* default on; off: every lookup reads the database */
kerr archive_demo(db *d, int64_t now);   /* the estate of every demo project (demo.c) */
extern const route buildings_routes[], units_routes[], people_routes[], imports_routes[];
/* Writes rows of st as array items, each with a list of children read for a whole batch of
** rows by one query (instead of one query per row). Column 0 of a row is its id, column 1 its
** project; the child query's column 0 is the parent id. next() steps st. */
typedef struct child_batch {
    void (*row)(ctx *c, db_stmt *st, jw *w);                          /* fields of the open object */
    const char *key;                                                  /* "owners" */
    const char *select, *parent_in, *filter, *order;                  /* the child query */
    void (*child)(ctx *c, db_stmt *o, jw *w, int64_t parent_project); /* fields of one child */
} child_batch;
/* next() returns DB_ROW, DB_DONE or DB_ERROR (db_step); the first error of the rows or their
** children is returned, and the batch it happened in is not written. */
kerr json_rows_with_children(ctx *c, db_stmt *st, jw *w, int (*next)(void *), void *arg, const child_batch *cb);
int step_stmt(void *st);   /* next() for a plain statement: db_step */

/* Rows of st (UNIT_COLS), each with its owners, as array items; next() steps st. */
kerr units_json_rows(ctx *c, db_stmt *st, jw *w, int (*next)(void *), void *arg);
#endif
