/*
** fees_app.h — what the fees module's record files share: fee items (fees_items.c), a unit's
** own terms for an item (fees_overrides.c), the bill run (fees_run.c, its route and CLI in
** fees_run_http.c) and the bills (fees_bills.c). The arithmetic is fees_calc.h's.
*/
#ifndef KEFU_FEES_APP_H
#define KEFU_FEES_APP_H
#include "fees.h"
#include "http/export.h"
#include "kit/codes.h"
#include "kit/scope.h"

extern const code_label FEE_RULES[];     /* area 按面积, fixed 固定金额, meter 按表计量, quantity 按数量, shared 公摊 */
extern const code_label FEE_CYCLES[];    /* monthly 按月, quarterly 按季, yearly 按年, once 一次性 */
extern const code_label FEE_APPLIES[];   /* all 全部房屋, buildings 指定楼栋, uses 指定用途, units 指定房屋 */
extern const code_label BILL_STATES[];   /* unpaid 未缴, partly 部分缴纳, paid 已缴清 */

/* A fee item as stored: FEE_ITEM_COLS (FROM fee_items i) read by fee_item_read, side by side;
** text copied into the arena. */
#define FEE_ITEM_COLS "i.id, i.project_id, i.code, i.name, i.rule, i.price, i.fixed, i.unit_name, i.cycle, i.prepaid, " \
                      "i.due_day, i.round_mode, i.round_unit, i.late_rate, i.late_grace, i.late_cap, i.applies, " \
                      "i.bill_unhanded, i.active, i.note, i.version, i.created_at, i.updated_at"
typedef struct fee_item {
    int64_t id, project_id, price, fixed, due_day, late_rate, late_grace, late_cap, version, created_at, updated_at;
    const char *code, *name, *rule, *unit_name, *cycle, *round_mode, *round_unit, *applies, *note;
    bool prepaid, bill_unhanded, active;
} fee_item;
void fee_item_read(db_stmt *st, arena *a, fee_item *it);
/* The item's rounding ({0}: 四舍五入到分 when the stored codes are unknown). */
fee_rounding fee_item_rounding(const fee_item *it);

/* A fee item of a project the user sees with perm: *it; 404 otherwise. */
kerr fee_item_load(ctx *c, int64_t id, const char *perm, fee_item *it);

/* A JSON body field holding an exact decimal ("1.55", 1.55 or 2) with at most `decimals`
** places into *out (the value × 10^decimals); 422 naming label when it is not one, negative,
** or has more places. *present tells whether it was given (may be NULL). */
kerr in_decimal(ctx *c, const char *key, const char *label, int decimals, unsigned flags, int64_t *out, bool *present);

/* A period "2026-12" (years 2000–2999) into *y, *m; false when it is not one. */
bool fee_month_parse(const char *s, int *y, int *m);

/* ---- the bill run (fees_run.c): a period of a project, previewed or written ---------------- */
#define RUN_SKIP_LIST 500       /* skipped units listed in the answer; all are counted */
typedef struct run_share { int64_t item_id, total; } run_share;   /* 公摊: the period's total, fen */
typedef struct run_req {
    int64_t project_id;
    const char *period;         /* "2026-12" */
    int64_t item_id;            /* only this fee item (a new one mid-month); 0: every active item */
    bool preview;               /* compute and answer; write nothing */
    const run_share *shares;    /* n_shares of them */
    int n_shares;
    audit_actor who;
    int64_t now;
} run_req;
/* A run's answer: per item and per reason of a skip, and the first skipped units. */
typedef struct run_item_sum {
    int64_t item_id, bills, amount, existing, skipped;
    const char *code, *name, *rule, *note;   /* note: why the whole item was not billed, else "" */
} run_item_sum;
typedef struct run_skip { int64_t unit_id, item_id; const char *unit_code, *item_name, *reason; } run_skip;
typedef struct run_reason { const char *reason; int64_t count; } run_reason;
typedef struct run_result {
    int64_t run_id, bills, amount, existing, skipped;
    run_item_sum *items;
    int n_items;
    run_skip *skips;            /* the first RUN_SKIP_LIST */
    int n_skips;
    run_reason reasons[16];
    int n_reasons;
    char error[256];            /* why the run failed (a bad period, a share of an unknown item) */
    const char *error_field;
} run_result;
/* Runs the period in d's open transaction (text in arena a). E_VALIDATION with r->error and
** r->error_field for a bad request; a database error otherwise. */
kerr fees_bill_run(db *d, arena *a, const run_req *q, run_result *r);
void run_result_json(jw *w, const run_req *q, const run_result *r);

/* ---- routes and hooks ---- */
extern const route fee_items_routes[], bill_run_routes[], bills_routes[];
extern const export_spec fee_item_export, override_export, bill_export;
kerr fees_demo(db *d, int64_t now);              /* demo.c */
int fees_cli_bill_run(db *d, const char *(*opt)(const char *name));   /* fees_run_http.c */
#endif
