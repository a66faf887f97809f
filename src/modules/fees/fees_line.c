/*
** fees_line.c — a bill line computed exactly and explained, and a meter's usage (fees_calc.h).
*/
#include "fees.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const int64_t RES[] = {1, 10, 100, 1000};   /* a meter's resolution: 10^decimals */

/* A refusal with its Chinese reason in text. */
static fee_err refuse(char *text, size_t n, fee_err e, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static fee_err refuse(char *text, size_t n, fee_err e, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, n, fmt, ap);
    va_end(ap);
    return e;
}

/* A quantity in 1/100 without its trailing zeros: 200 → "2", 150 → "1.5". */
static void fmt_qty(int64_t v, char *out, size_t n) {
    fee_fmt_fixed(v, 2, out, n);
    char *end = out + strlen(out) - 1;
    while (*end == '0') *end-- = 0;
    if (*end == '.') *end = 0;
}

/* ---- meters ------------------------------------------------------------------------------- */

/* The meter's settings and readings, each on its own. */
static fee_err meter_check(const fee_meter *m, char *text, size_t n) {
    if (m->decimals < 0 || m->decimals > 3) return refuse(text, n, FEE_E_RANGE, "读数精度须为 0 至 3 位小数");
    if (!m->unit || !m->unit[0]) return refuse(text, n, FEE_E_RANGE, "缺少计量单位（如 吨、度）");
    if (m->previous < 0 || m->current < 0 || m->loss < 0 || m->maximum < 0 ||
        (m->replaced && (m->old_final < 0 || m->new_start < 0)))
        return refuse(text, n, FEE_E_NEGATIVE, "读数、损耗和最大读数不能为负数");
    if (m->multiplier < 1) return refuse(text, n, FEE_E_RANGE, "倍率须为不小于 1 的整数");
    int64_t first = m->replaced ? m->new_start : m->previous;   /* the same meter as current */
    if (m->maximum && (first > m->maximum || m->current > m->maximum)) {
        char a[32], b[32];
        fee_fmt_fixed(first > m->maximum ? first : m->current, m->decimals, a, sizeof a);
        fee_fmt_fixed(m->maximum, m->decimals, b, sizeof b);
        return refuse(text, n, FEE_E_READING, "读数 %s 超过表的最大读数 %s", a, b);
    }
    return FEE_OK;
}

/* A replacement: what the old meter ran from the last reading, then the new one from its start. */
static fee_err meter_replaced(const fee_meter *m, i128 *raw, tx *t) {
    char prev[32], old[32], cur[32], start[32], d[32];
    int k = m->decimals;
    fee_fmt_fixed(m->previous, k, prev, sizeof prev), fee_fmt_fixed(m->old_final, k, old, sizeof old);
    fee_fmt_fixed(m->current, k, cur, sizeof cur), fee_fmt_fixed(m->new_start, k, start, sizeof start);
    if (m->old_final < m->previous)
        return refuse(t->p, t->n, FEE_E_READING, "旧表止码 %s 小于上期读数 %s", old, prev);
    if (m->current < m->new_start)
        return refuse(t->p, t->n, FEE_E_READING, "本期读数 %s 小于新表起始读数 %s", cur, start);
    *raw = (i128)(m->old_final - m->previous) + (m->current - m->new_start);
    fee_fmt_fixed((int64_t)*raw, k, d, sizeof d);
    tx_add(t, "换表：旧表止码 %s − 上期 %s + 本期 %s − 新表起码 %s = %s", old, prev, cur, start, d);
    return FEE_OK;
}

/* The readings' difference before multiplier and loss. */
static fee_err meter_raw(const fee_meter *m, i128 *raw, tx *t) {
    char prev[32], cur[32], lap[32], d[32];
    int k = m->decimals;
    if (m->replaced) return meter_replaced(m, raw, t);
    fee_fmt_fixed(m->previous, k, prev, sizeof prev), fee_fmt_fixed(m->current, k, cur, sizeof cur);
    if (m->current >= m->previous) {
        *raw = (i128)m->current - m->previous;
        fee_fmt_fixed((int64_t)*raw, k, d, sizeof d);
        tx_add(t, "本期 %s − 上期 %s = %s", cur, prev, d);
    } else if (m->maximum) {   /* rolled over: previous → maximum, one step to 0, 0 → current */
        *raw = (i128)m->maximum + 1 - m->previous + m->current;
        fee_fmt_fixed(m->maximum + 1, k, lap, sizeof lap), fee_fmt_fixed((int64_t)*raw, k, d, sizeof d);
        tx_add(t, "表走满一圈：本期 %s + 满圈 %s − 上期 %s = %s", cur, lap, prev, d);
    } else {
        return refuse(t->p, t->n, FEE_E_READING, "本期读数 %s 小于上期读数 %s：如是换表或表已走满一圈，请注明",
                      cur, prev);
    }
    return FEE_OK;
}

fee_err fee_meter_usage(const fee_meter *m, int64_t *usage, char *text, size_t n) {
    tx t;
    i128 raw = 0, u;
    char loss[32], used[32];
    fee_err e = meter_check(m, text, n);
    if (e) return e;
    tx_init(&t, text, n);
    if ((e = meter_raw(m, &raw, &t))) return e;
    if (__builtin_mul_overflow(raw, m->multiplier, &u) || __builtin_add_overflow(u, m->loss, &u) || u > INT64_MAX)
        return refuse(text, n, FEE_E_OVERFLOW, "用量过大，无法计算，请核对读数和倍率");
    *usage = (int64_t)u;
    fee_fmt_fixed(m->loss, m->decimals, loss, sizeof loss), fee_fmt_fixed(*usage, m->decimals, used, sizeof used);
    tx_add(&t, " × 倍率 %lld + 损耗 %s = %s %s", (long long)m->multiplier, loss, used, m->unit);
    return tx_done(&t);
}

/* ---- a bill line -------------------------------------------------------------------------- */

/* " × 16/31 天", " × 3 个月", " × (16/31 天 + 2 个月)"; nothing for one whole month. */
static void period_text(tx *t, const fee_period *p) {
    int full = 0, parts = 0;
    for (int i = 0; i < p->n; i++)
        if (p->m[i].days == p->m[i].month_days) full++;
        else if (p->m[i].days) parts++;
    int terms = parts + (full > 0);
    if (terms == 0) { tx_add(t, " × 0 天"); return; }
    if (terms == 1 && full == 1) return;
    tx_add(t, terms > 1 ? " × (" : " × ");
    const char *sep = "";
    for (int i = 0; i < p->n; i++)
        if (p->m[i].days && p->m[i].days != p->m[i].month_days) {
            tx_add(t, "%s%d/%d 天", sep, p->m[i].days, p->m[i].month_days);
            sep = " + ";
        }
    if (full) tx_add(t, "%s%d 个月", sep, full);
    if (terms > 1) tx_add(t, ")");
}

/* area × price (+ fixed), per month or one-off: in 1/10000 fen. */
static fee_err area_base(const fee_line_in *in, fee_ratio *q, tx *t) {
    char a[32], p[32], f[32];
    const char *per = in->period ? "·月" : "", *month = in->period ? "/月" : "";
    i128 v;
    if (__builtin_mul_overflow((i128)in->area, in->price, &v) ||
        __builtin_add_overflow(v, (i128)in->fixed * 100, &v))
        return fee_fail(t->p, t->n, FEE_E_OVERFLOW);
    *q = (fee_ratio){v, 10000};
    fee_fmt_fixed(in->area, 2, a, sizeof a), fee_fmt_fixed(in->price, 4, p, sizeof p);
    fee_fmt_charge(in->fixed, f, sizeof f);
    if (in->fixed) tx_add(t, "(%s m² × %s 元/m²%s + %s 元%s)", a, p, per, f, month);
    else tx_add(t, "%s m² × %s 元/m²%s", a, p, per);
    return FEE_OK;
}

/* The usage × price of a meter line; the meter's refusal stays in the text. */
static fee_err meter_base(const fee_line_in *in, fee_ratio *q, tx *t) {
    char p[32];
    int64_t usage;
    if (!in->meter) return refuse(t->p, t->n, FEE_E_RANGE, "缺少读数");
    fee_err e = fee_meter_usage(in->meter, &usage, t->p, t->n);
    if (e) return e;
    t->len = strlen(t->p);
    *q = (fee_ratio){(i128)usage * in->price, 100 * RES[in->meter->decimals]};
    fee_fmt_fixed(in->price, 4, p, sizeof p);
    tx_add(t, " × %s 元/%s", p, in->meter->unit);
    return FEE_OK;
}

/* The line's amount before its period, and its text; a refusal's reason in the text. */
static fee_err line_base(const fee_line_in *in, fee_ratio *q, tx *t) {
    char p[32], n[32];
    const char *per = in->period ? "·月" : "";
    if (in->price < 0 || in->fixed < 0 || in->area < 0 || in->quantity < 0)
        return fee_fail(t->p, t->n, FEE_E_NEGATIVE);
    fee_fmt_fixed(in->price, 4, p, sizeof p);
    switch (in->rule) {
    case FEE_RULE_AREA: return area_base(in, q, t);
    case FEE_RULE_METER: return meter_base(in, q, t);
    case FEE_RULE_FIXED:
        *q = (fee_ratio){in->price, 100};
        fee_fmt_charge(in->price, p, sizeof p);
        tx_add(t, "固定 %s 元%s", p, in->period ? "/月" : "");
        return FEE_OK;
    case FEE_RULE_QUANTITY:
        if (!in->unit || !in->unit[0]) return refuse(t->p, t->n, FEE_E_RANGE, "缺少计量单位（如 个、次）");
        *q = (fee_ratio){(i128)in->quantity * in->price, 10000};
        fmt_qty(in->quantity, n, sizeof n);
        tx_add(t, "%s %s × %s 元/%s%s", n, in->unit, p, in->unit, per);
        return FEE_OK;
    }
    return fee_fail(t->p, t->n, FEE_E_RANGE);
}

fee_err fee_line_exact(const fee_line_in *in, fee_ratio *q, char *text, size_t n) {
    tx t;
    tx_init(&t, text, n);
    fee_err e = line_base(in, q, &t);
    if (e) return e;
    if (in->rule != FEE_RULE_METER && in->period) {
        if ((e = ratio_mul(q, in->period->months.num, in->period->months.den))) return fee_fail(text, n, e);
        period_text(&t, in->period);
    }
    return tx_done(&t);
}

fee_err fee_line_calc(const fee_line_in *in, fee_line *out) {
    fee_ratio q;
    out->fen = 0;
    fee_err e = fee_line_exact(in, &q, out->text, sizeof out->text);
    return e ? e : fee_round_say(q, in->round, &out->fen, out->text, sizeof out->text);
}
