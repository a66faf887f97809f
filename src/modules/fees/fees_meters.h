/*
** fees_meters.h — what the meter files share (抄表, issue 21 point 2): a meter as its row holds it,
** readings in its resolution as text, and one reading computed with fee_meter_usage.
**
** fees_meters.c (meters: list, create, edit; the route table), fees_readings.c (the reading sheet,
** one reading, a correction), fees_readings_import.c (the xlsx/csv import and its template),
** fees_meters_demo.c (a water meter for each unit of one demo building).
*/
#ifndef KEFU_FEES_METERS_H
#define KEFU_FEES_METERS_H
#include "fees_calc.h"
#include "http/export.h"
#include "http/input.h"
#include "http/module.h"

extern const code_label METER_KINDS[];      /* water 水表, electric 电表, gas 燃气表, heat 热量表 */
extern const code_label METER_MEASURES[];   /* 吨, 度, m³, GJ, kWh */
extern const route fees_meters_routes[];
kerr fees_meters_demo(db *d, int64_t now);   /* fees_meters_demo.c */

/* A meter as its row holds it (text in the request's arena). */
typedef struct meter_rec {
    int64_t id, project_id, unit_id, decimals, multiplier, loss, maximum, start_reading, version;
    bool active;
    const char *kind, *number, *measure, *unit_code;
} meter_rec;
/* The meter the user may see with perm (404 when not: another project's, or none). */
kerr meter_load(ctx *c, int64_t id, const char *perm, meter_rec *m);
kerr meter_load_db(db *d, arena *a, int64_t id, meter_rec *m);   /* E_NOT_FOUND when none */

/* The columns every meter answer begins with (FROM meters m JOIN units u JOIN buildings b), and
** their fields: the meter's id as id_key, its unit, building, floor, kind, number, measure,
** decimals, multiplier, loss and maximum. */
#define METER_HEAD_COLS "m.id, m.project_id, m.unit_id, u.code, b.id, b.name, u.floor, m.kind, m.number, m.measure, " \
                        "m.decimals, m.multiplier, m.loss, m.maximum"
void meter_head_fields(ctx *c, db_stmt *st, jw *w, const char *id_key);

/* A reading in the resolution as text ("1234.5"), in the arena. */
const char *meter_fmt(arena *a, int64_t v, int64_t decimals);
/* "1234.5" (a string, an integer or a number as written) → 12345 with decimals 1; false when it
** is not a non-negative number with at most decimals places. */
bool meter_value_parse(json_t *v, int64_t decimals, int64_t *out);
/* The body's key as a value of the meter's resolution: 422 naming the field when it is not. */
kerr in_meter_value(ctx *c, const char *key, const char *label, int64_t decimals, int64_t *out, bool *present);

/* The audit object fn writes (its fields, without the braces), as text in the arena. */
const char *meter_audit_text(ctx *c, void (*fn)(ctx *c, jw *w, const void *arg), const void *arg);

/* A reading of a period before its usage is computed. */
typedef struct reading_in {
    int64_t reading, old_final, new_start;
    bool replaced;
} reading_in;
/* The computed part of a reading. */
typedef struct reading_calc {
    int64_t previous, usage;
    bool rollover;
    char text[FEE_TEXT];                   /* the explanation, or why it was refused */
} reading_calc;
/* The usage of r on m after previous; FEE_OK, or the refusal in out->text. */
fee_err reading_compute(const meter_rec *m, int64_t previous, const reading_in *r, reading_calc *out);
/* The previous reading of m before period: the last period's, else the start reading. */
kerr reading_previous(db *d, const meter_rec *m, const char *period, int64_t *previous);
/* After the reading of period was entered or corrected to `reading`, the next period's (if any)
** is computed again from it; a refusal is 422 on field `reading` naming that period. */
kerr reading_recompute_next(ctx *c, const meter_rec *m, const char *period, int64_t reading);
/* Inserts a computed reading (the caller checked it); *id its id. E_DUPLICATE for the period. */
kerr reading_insert(ctx *c, const meter_rec *m, const char *period, const reading_in *r, const reading_calc *k,
                    const char *read_at, const char *note, int64_t *id);
/* ?period= (default: this month); 400 naming it when it is not a month. */
kerr q_period(ctx *c, const char **period);
/* The period's text is a month of 2000–2099 not after this month; else the reason (static). */
const char *period_problem(ctx *c, const char *period);
#endif
