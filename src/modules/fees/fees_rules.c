/*
** fees_rules.c — 公摊 shares by the largest remainder, late fees and prepayment offers
** (fees_calc.h).
*/
#include "fees.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 公摊 --------------------------------------------------------------------------------- */

typedef struct share_rem { i128 rem; size_t i; } share_rem;

/* Larger remainder first; on a tie the lower index. */
static int by_remainder(const void *a, const void *b) {
    const share_rem *x = a, *y = b;
    if (x->rem != y->rem) return x->rem > y->rem ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

fee_err fee_share(int64_t total, const int64_t *weights, size_t n, int64_t *shares) {
    i128 sum = 0, whole = total < 0 ? -(i128)total : total, left = whole;
    for (size_t i = 0; i < n; i++) {
        if (weights[i] < 0) return FEE_E_NEGATIVE;
        sum += weights[i];
    }
    if (sum == 0 && total) return FEE_E_RANGE;
    if (sum == 0) {
        for (size_t i = 0; i < n; i++) shares[i] = 0;
        return FEE_OK;
    }
    share_rem *r = malloc(n * sizeof *r);
    if (!r) return FEE_E_MEMORY;
    for (size_t i = 0; i < n; i++) {
        i128 x = whole * weights[i];   /* < 2^126 */
        shares[i] = (int64_t)(x / sum);
        r[i] = (share_rem){x % sum, i};
        left -= shares[i];
    }
    /* left < the count of non-zero remainders (their sum is left × Σw, each below Σw): a zero
    ** weight, whose remainder is 0, is never reached. */
    qsort(r, n, sizeof *r, by_remainder);
    for (size_t k = 0; k < (size_t)left; k++) shares[r[k].i]++;
    free(r);
    for (size_t i = 0; total < 0 && i < n; i++) shares[i] = -shares[i];
    return FEE_OK;
}

fee_err fee_share_text(int64_t total, int64_t area, int64_t area_sum, int64_t share, char *text, size_t n) {
    char t[32], a[32], s[32], y[32];
    tx w;
    if (area < 0 || area_sum < 0) return fee_fail(text, n, FEE_E_NEGATIVE);
    if (area > area_sum) return fee_fail(text, n, FEE_E_RANGE);
    fee_fmt_yuan(total, t, sizeof t), fee_fmt_fixed(area, 2, a, sizeof a);
    fee_fmt_fixed(area_sum, 2, s, sizeof s), fee_fmt_yuan(share, y, sizeof y);
    tx_init(&w, text, n);
    tx_add(&w, "公摊 %s 元 × %s m² ÷ %s m² = %s 元，最大余数法", t, a, s, y);
    return tx_done(&w);
}

/* ---- 滞纳金 ------------------------------------------------------------------------------ */

/* The late fee is 0: why, in text. */
static fee_err no_late_fee(int64_t days, const fee_late_rule *r, fee_line *out) {
    if (r->rate == 0) snprintf(out->text, sizeof out->text, "不计滞纳金");
    else if (days <= 0) snprintf(out->text, sizeof out->text, "未逾期，不计滞纳金");
    else snprintf(out->text, sizeof out->text, "逾期 %lld 天，未超过宽限 %d 天，不计滞纳金", (long long)days,
                  r->grace_days);
    return FEE_OK;
}

fee_err fee_late_fee(int64_t principal, int64_t days_overdue, const fee_late_rule *r, fee_line *out) {
    char p[32], c[32], grace[48] = "";
    fee_err e;
    out->fen = 0;
    if (principal < 0 || r->grace_days < 0 || r->cap < 0) return fee_fail(out->text, sizeof out->text, FEE_E_NEGATIVE);
    if (r->rate < 0 || r->rate > 10000 || !fee_rounding_ok(r->round)) return fee_fail(out->text, sizeof out->text, FEE_E_RANGE);
    if (r->rate == 0 || days_overdue <= r->grace_days) return no_late_fee(days_overdue, r, out);
    int64_t days = days_overdue - r->grace_days, cap = r->cap ? r->cap : principal;
    fee_ratio q = {principal, 1};
    if ((e = ratio_mul(&q, (i128)r->rate * days, 10000))) return fee_fail(out->text, sizeof out->text, e);
    fee_fmt_yuan(principal, p, sizeof p);
    if (r->grace_days) snprintf(grace, sizeof grace, "，宽限 %d 天", r->grace_days);
    snprintf(out->text, sizeof out->text, "%s 元 × 万分之%lld/天 × %lld 天（逾期 %lld 天%s）", p,
             (long long)r->rate, (long long)days, (long long)days_overdue, grace);
    if ((e = fee_round_say(q, r->round, &out->fen, out->text, sizeof out->text))) return e;
    if (out->fen <= cap) return FEE_OK;
    out->fen = cap;
    fee_fmt_yuan(cap, c, sizeof c);
    tx t = {out->text, sizeof out->text, strlen(out->text), false};
    tx_add(&t, "；超过上限 %s 元，按上限收取", c);
    return tx_done(&t);
}

/* ---- prepayment offers -------------------------------------------------------------------- */

static bool offer_ok(const fee_line_in *in, const fee_offer *o) {
    if (in->rule == FEE_RULE_METER || o->months < 1 || o->months > FEE_PERIOD_MONTHS) return false;
    if (o->kind == FEE_OFFER_DISCOUNT) return o->percent >= 1 && o->percent <= 99;
    return o->kind == FEE_OFFER_BONUS && o->free_months >= 1 && o->months + o->free_months <= FEE_PERIOD_MONTHS;
}

/* "95 折" for 95 %, "9 折" for 90 %, "0.5 折" for 5 %. */
static void discount_words(int percent, char *out, size_t n) {
    if (percent % 10 == 0) snprintf(out, n, "%d 折", percent / 10);
    else if (percent > 10) snprintf(out, n, "%d 折", percent);
    else snprintf(out, n, "0.%d 折", percent);
}

/* The line over months whole months, rounded once; its explanation in text. */
static fee_err months_of(const fee_line_in *monthly, int months, int percent, int64_t *fen, char *text, size_t n) {
    fee_period p;
    fee_ratio q;
    fee_line_in in = *monthly;
    fee_err e = fee_period_whole(months, &p);
    if (e) return fee_fail(text, n, e);
    in.period = &p;
    if ((e = fee_line_exact(&in, &q, text, n))) return e;
    if (percent < 100) {
        if ((e = ratio_mul(&q, percent, 100))) return fee_fail(text, n, e);
        tx t = {text, n, strlen(text), false};
        tx_add(&t, " × %d%%", percent);
        if ((e = tx_done(&t))) return e;
    }
    return fee_round_say(q, monthly->round, fen, text, n);
}

fee_err fee_prepay_calc(const fee_line_in *monthly, const fee_offer *o, fee_prepay *out) {
    char scratch[FEE_TEXT], words[32];
    bool bonus = o->kind == FEE_OFFER_BONUS;
    out->due = out->full = out->months = 0;
    if (!offer_ok(monthly, o)) return fee_fail(out->text, sizeof out->text, FEE_E_RANGE);
    out->months = o->months + (bonus ? o->free_months : 0);
    fee_err e = months_of(monthly, o->months, bonus ? 100 : o->percent, &out->due, out->text, sizeof out->text);
    if (e) return e;
    if ((e = months_of(monthly, out->months, 100, &out->full, scratch, sizeof scratch))) {
        snprintf(out->text, sizeof out->text, "%s", scratch);
        return e;
    }
    tx t = {out->text, sizeof out->text, strlen(out->text), false};
    if (bonus) tx_add(&t, "（交 %d 送 %d，共 %d 个月）", o->months, o->free_months, out->months);
    else discount_words(o->percent, words, sizeof words), tx_add(&t, "（预交 %d 个月 %s）", o->months, words);
    return tx_done(&t);
}
