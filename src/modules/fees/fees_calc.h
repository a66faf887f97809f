/*
** fees_calc.h — the exact arithmetic of fees (收费): pure functions, no database, no floats.
** The bill run, the counter payment, receipts and reports call these; the rules they follow are
** written for users in docs/user-guide.md 「收费规则」.
**
** Units: money is int64 fen (分); a unit price or a fixed charge is int64 in 1/10000 元
** ("1.55" → 15500, i.e. 1/100 fen); an area is in 1/100 m² ("90.3" → 9030); a quantity in 1/100
** of its unit ("2" → 200); a meter reading in the meter's resolution (10^-decimals of its unit).
** An amount is computed as one exact fraction of fen (__int128 numerator and denominator, every
** product checked for overflow) and rounded once: per bill line, per late fee, per prepayment.
**
** Every function answers FEE_OK or why it refused; nothing is clamped or guessed. Functions that
** write a text (an explanation) write the Chinese reason into it when they refuse.
*/
#ifndef KEFU_FEES_CALC_H
#define KEFU_FEES_CALC_H
#include "core/code_label.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum fee_err {
    FEE_OK = 0,
    FEE_E_SYNTAX,      /* not a number / date in the expected form */
    FEE_E_DECIMALS,    /* more decimals than the field allows */
    FEE_E_NEGATIVE,    /* a negative value where none is allowed */
    FEE_E_OVERFLOW,    /* too large for the exact computation or for int64 fen */
    FEE_E_RANGE,       /* outside the allowed range (a rate, a period's length, a rounding code) */
    FEE_E_DATE,        /* not a calendar date, or an end before the start */
    FEE_E_READING,     /* a meter reading that cannot be used (the text says why) */
    FEE_E_MEMORY,
} fee_err;
const char *fee_err_text(fee_err e);   /* the reason in Chinese, without the field's name */

/* ---- text → integers (strict: digits, one optional '.'; no spaces, commas, '+' or exponent;
** a leading '-' before a valid number answers NEGATIVE) ---------------------------------------- */
/* "12.5" with decimals 2 → 1250; more decimals than allowed (even zeros: "1.550") → DECIMALS. */
fee_err fee_parse_decimal(const char *s, int decimals, int64_t *out);   /* decimals 0–6 */
fee_err fee_parse_price(const char *s, int64_t *out);      /* 1/10000 元, at most 4 decimals */
fee_err fee_parse_area(const char *s, int64_t *out);       /* 1/100 m², at most 2 decimals */
fee_err fee_parse_quantity(const char *s, int64_t *out);   /* 1/100 of the unit, at most 2 */
/* v with decimals places: (9030, 2) → "90.30", (-5, 2) → "-0.05" (out ≥ 32 bytes). */
void fee_fmt_fixed(int64_t v, int decimals, char *out, size_t n);
/* A charge (a fixed amount) in 1/10000 元 as money: "300.00", or all four decimals when it has
** parts of a fen ("0.0050"). Unit prices keep their four decimals (fee_fmt_fixed(v, 4, …)). */
void fee_fmt_charge(int64_t v, char *out, size_t n);

/* ---- rounding once: a fraction of fen to whole fen, 角 or 元 -------------------------------- */
/* Modes act on the magnitude, so a negative line is the mirror of its positive one:
** 四舍五入 = half away from zero, 向上 = away from zero, 向下 = toward zero. */
typedef enum fee_round_mode { FEE_HALF_UP = 0, FEE_UP, FEE_DOWN } fee_round_mode;
typedef enum fee_round_unit { FEE_TO_FEN = 0, FEE_TO_JIAO, FEE_TO_YUAN } fee_round_unit;
typedef struct fee_rounding { fee_round_mode mode; fee_round_unit unit; } fee_rounding;  /* {0}: 四舍五入到分 */
extern const code_label FEE_ROUND_MODES[];   /* half 四舍五入, up 向上取整, down 向下取整 (enum order) */
extern const code_label FEE_ROUND_UNITS[];   /* fen 分, jiao 角, yuan 元 (enum order) */
/* The codes of the tables above; RANGE for any other. */
fee_err fee_rounding_parse(const char *mode, const char *unit, fee_rounding *r);
/* "四舍五入", "向上取整到角", "向下取整到元" (no suffix for 分). */
void fee_rounding_text(fee_rounding r, char *out, size_t n);

typedef struct fee_ratio { __int128 num, den; } fee_ratio;   /* num/den fen, den > 0 */
fee_err fee_round(fee_ratio q, fee_rounding r, int64_t *fen);

/* ---- calendar days and periods (dates "YYYY-MM-DD", years 1900–9999, Gregorian) ---------- */
fee_err fee_date_parse(const char *s, int64_t *day);         /* days since 1970-01-01 */
int fee_month_days(int year, int month);                      /* 28–31; 0 for a bad month */
fee_err fee_days_between(const char *from, const char *to, int64_t *days);   /* to − from */

#define FEE_PERIOD_MONTHS 36
typedef struct fee_month { int year, month, days, month_days; } fee_month;   /* days billed of month_days */
typedef struct fee_period {
    int n;                             /* calendar months the period touches */
    fee_month m[FEE_PERIOD_MONTHS];
    int days;                          /* billable days in all */
    fee_ratio months;                  /* Σ days ÷ month_days, exact and reduced (16/31; 3/1) */
} fee_period;
/* A period [start, end], both ends included, at most 36 calendar months; since (the unit's
** handover or move-in date; NULL or "" for none) excludes the days before it. A month's
** fraction is its billable days ÷ its days (February 28 or 29). DATE: a bad date, end < start. */
fee_err fee_period_split(const char *start, const char *end, const char *since, fee_period *p);
/* months whole months without calendar dates (a prepayment), 1–36. */
fee_err fee_period_whole(int months, fee_period *p);

/* ---- a bill line: exact, rounded once, explained ----------------------------------------- */
typedef struct fee_meter {
    int64_t previous, current;         /* readings in the resolution */
    int decimals;                      /* the resolution: 0 = whole units, 1 = 0.1 … at most 3 */
    int64_t multiplier;                /* 倍率, ≥ 1 */
    int64_t loss;                      /* 损耗: a quantity added each period, in the resolution, ≥ 0 */
    int64_t maximum;                   /* the largest reading it shows (9999; the new meter's when
                                       ** replaced); 0 = not declared */
    bool replaced;                     /* a replacement (换表) recorded in the period */
    int64_t old_final, new_start;      /* replaced: the old meter's last reading, the new one's first */
    const char *unit;                  /* "吨", "度" */
} fee_meter;
/* Usage in the resolution: (current − previous) × multiplier + loss; a rollover when current <
** previous and the maximum is declared: (maximum + 1 − previous + current); a replacement:
** (old_final − previous) + (current − new_start). text: the explanation
** ("本期 1234 − 上期 1200 = 34 × 倍率 1 + 损耗 0 = 34 吨") or the refusal. */
fee_err fee_meter_usage(const fee_meter *m, int64_t *usage, char *text, size_t n);

typedef enum fee_rule { FEE_RULE_AREA = 0, FEE_RULE_FIXED, FEE_RULE_METER, FEE_RULE_QUANTITY } fee_rule;
typedef struct fee_line_in {
    fee_rule rule;
    int64_t price;         /* 1/10000 元: per m² (AREA), the charge (FIXED), per unit (METER, QUANTITY) */
    int64_t fixed;         /* AREA: a fixed charge added to area × price, 1/10000 元 (0: none) */
    int64_t area;          /* AREA: 1/100 m² */
    int64_t quantity;      /* QUANTITY: 1/100 of the unit */
    const char *unit;      /* QUANTITY: "个", "次" */
    const fee_meter *meter;      /* METER */
    /* AREA, FIXED, QUANTITY: prices are per month and the line is price × period.months; NULL:
    ** a one-off charge. METER ignores it (usage is what it is). */
    const fee_period *period;
    fee_rounding round;
} fee_line_in;
#define FEE_TEXT 384
typedef struct fee_line { int64_t fen; char text[FEE_TEXT]; } fee_line;
/* "90.30 m² × 1.5500 元/m²·月 × 16/31 天 = 72.24 元，四舍五入". Inputs must be ≥ 0. */
fee_err fee_line_calc(const fee_line_in *in, fee_line *out);
/* The same line before rounding: its exact amount and its left-hand text. */
fee_err fee_line_exact(const fee_line_in *in, fee_ratio *q, char *text, size_t n);

/* ---- 公摊: shares by weight (area) with the largest remainder ------------------------------ */
/* shares[i] = ⌊total × w_i ÷ Σw⌋, then the fen left over go one each to the largest remainders,
** ties to the lower index (the caller's order: by unit id). Σ shares = total exactly; a zero
** weight gets 0. A negative total is split as its magnitude, negated. RANGE: no weight while
** total ≠ 0; NEGATIVE: a negative weight. */
fee_err fee_share(int64_t total, const int64_t *weights, size_t n, int64_t *shares);
/* "公摊 1000.00 元 × 90.30 m² ÷ 9030.00 m² = 10.00 元，最大余数法" (area and sum in 1/100 m²). */
fee_err fee_share_text(int64_t total, int64_t area, int64_t area_sum, int64_t share, char *text, size_t n);

/* ---- 滞纳金 ------------------------------------------------------------------------------ */
typedef struct fee_late_rule {
    int64_t rate;          /* 万分之N per day: N, 0–10000 (0: no late fee) */
    int grace_days;        /* days after the due date without a late fee, ≥ 0 */
    int64_t cap;           /* at most this many fen; 0 = the principal (the default) */
    fee_rounding round;
} fee_late_rule;
/* principal × N/10000 × (days_overdue − grace_days), rounded once, at most the cap; 0 when not
** past the grace days. */
fee_err fee_late_fee(int64_t principal, int64_t days_overdue, const fee_late_rule *r, fee_line *out);

/* ---- 大写 --------------------------------------------------------------------------------- */
/* 7224 → 柒拾贰元贰角肆分, 100000 → 壹仟元整, 1000005 → 壹万元零伍分, 0 → 零元整, -5 → 负伍分.
** Up to 9999万亿 元 (|fen| < 10^18), else OVERFLOW. out ≥ FEE_CAPITALS bytes. */
#define FEE_CAPITALS 192
fee_err fee_capitals(int64_t fen, char *out, size_t n);

/* ---- prepayment offers -------------------------------------------------------------------- */
typedef enum fee_offer_kind { FEE_OFFER_DISCOUNT = 0, FEE_OFFER_BONUS } fee_offer_kind;
typedef struct fee_offer {
    fee_offer_kind kind;
    int months;            /* 预交 N 个月 / 交 N: 1–36 */
    int percent;           /* DISCOUNT: 95 → 95 折 (pays 95 %), 1–99 */
    int free_months;       /* BONUS: 送 K, 1–36, months + K ≤ 36 */
} fee_offer;
typedef struct fee_prepay {
    int64_t due;           /* what the payer pays now */
    int64_t full;          /* the months covered at the full price (full − due: the offer's value) */
    int months;            /* months covered */
    char text[FEE_TEXT];
} fee_prepay;
/* A monthly line (AREA, FIXED or QUANTITY; its period is ignored) prepaid under offer o, each
** amount rounded once. */
fee_err fee_prepay_calc(const fee_line_in *monthly, const fee_offer *o, fee_prepay *out);
#endif
