/*
** dates.h — dates, months and agreed times in request input, in office time (base/clock.h).
*/
#ifndef KEFU_DATES_H
#define KEFU_DATES_H
#include "http/input.h"

/* ?name=2026-11-25: office-local midnight into *t (0 when absent), or 400 naming the field. */
kerr q_date(ctx *c, const char *name, const char *label, int64_t *t);
/* obj's field key as a date text "2026-11-25" (kept as text; "" or absent passes), or 422. */
kerr jv_date(ctx *c, json_t *obj, const char *key, const char *label, const char **out);
/* A month "2026-11": [start, end) in office time. false when not a month of 2000–2099. */
bool month_parse(const char *m, int64_t *start, int64_t *end);
void month_of(int64_t t, char out[8]);   /* the office month of t */
/* Body field key: a month; 422 naming the field. */
kerr in_month(ctx *c, const char *key, unsigned flags, const char **m, int64_t *start, int64_t *end);
/* ?month= (default: this month); 400 naming the field. */
kerr q_month(ctx *c, const char **m, int64_t *start, int64_t *end);
/* Body field key: an agreed time (ISO 8601), not in the past (5 minutes' grace); 0 when absent. */
kerr in_appointment(ctx *c, const char *key, int64_t *at);
#endif
