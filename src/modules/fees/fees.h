/*
** fees.h — what the fees module's files share: checked 128-bit arithmetic on fractions and a
** text written into a fixed buffer (fees_calc.c, fees_line.c, fees_capitals.c).
*/
#ifndef KEFU_FEES_H
#define KEFU_FEES_H
#include "fees_calc.h"

typedef __int128 i128;
#define I128_MAX ((i128)(~(unsigned __int128)0 >> 1))

/* Multiplies q by num/den (den > 0) and reduces it; OVERFLOW when a product does not fit. */
fee_err ratio_mul(fee_ratio *q, i128 num, i128 den);
/* a + b (reduced); OVERFLOW when a product or the sum does not fit. */
fee_err ratio_add(fee_ratio *a, fee_ratio b);

/* A text written into the caller's buffer; `over` when it did not fit (it stays terminated). */
typedef struct tx { char *p; size_t n, len; bool over; } tx;
void tx_init(tx *t, char *p, size_t n);
void tx_add(tx *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* FEE_OK, or OVERFLOW when the text did not fit (the reason is then written instead). */
fee_err tx_done(tx *t);

bool fee_rounding_ok(fee_rounding r);   /* a mode and a unit of the tables */
/* Rounds q, then appends " = 72.24 元，四舍五入" to the text in text (already begun). */
fee_err fee_round_say(fee_ratio q, fee_rounding r, int64_t *fen, char *text, size_t n);

/* Writes fee_err_text(e) into text and answers e. */
fee_err fee_fail(char *text, size_t n, fee_err e);
/* fen as "72.24" (no sign for ≥ 0, "-" before). */
void fee_fmt_yuan(int64_t fen, char *out, size_t n);
#endif
