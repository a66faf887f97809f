/*
** fees_calc.c — the numbers of fees: parsing, fractions, rounding once, calendar days and
** periods (see fees_calc.h).
*/
#include "fees.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const code_label FEE_ROUND_MODES[] = {{"half", "四舍五入"}, {"up", "向上取整"}, {"down", "向下取整"}, {NULL, NULL}};
const code_label FEE_ROUND_UNITS[] = {{"fen", "分"}, {"jiao", "角"}, {"yuan", "元"}, {NULL, NULL}};

const char *fee_err_text(fee_err e) {
    switch (e) {
    case FEE_OK: return "";
    case FEE_E_SYNTAX: return "格式不对：请只填写数字，如 1.55";
    case FEE_E_DECIMALS: return "小数位数超过允许的位数";
    case FEE_E_NEGATIVE: return "不能为负数";
    case FEE_E_OVERFLOW: return "数值过大，无法计算";
    case FEE_E_RANGE: return "超出允许的范围";
    case FEE_E_DATE: return "日期不对：请按 2026-12-01 的格式填写，结束日期不能早于开始日期";
    case FEE_E_READING: return "读数不对";
    case FEE_E_MEMORY: return "内存不足";
    }
    return "计算出错";
}

fee_err fee_fail(char *text, size_t n, fee_err e) {
    if (text && n) snprintf(text, n, "%s", fee_err_text(e));
    return e;
}

/* ---- text --------------------------------------------------------------------------------- */

void tx_init(tx *t, char *p, size_t n) {
    *t = (tx){p, n, 0, n == 0};
    if (n) p[0] = 0;
}

void tx_add(tx *t, const char *fmt, ...) {
    if (t->over) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->p + t->len, t->n - t->len, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= t->n - t->len) { t->over = true; t->p[t->len] = 0; return; }
    t->len += (size_t)k;
}

fee_err tx_done(tx *t) {
    return t->over ? fee_fail(t->p, t->n, FEE_E_OVERFLOW) : FEE_OK;
}

/* ---- parsing and formatting --------------------------------------------------------------- */

static const int64_t POW10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

/* Checks the form "digits[.digits]"; counts the decimals. */
static bool decimal_form(const char *s, int *ndec) {
    int nint = 0;
    *ndec = -1;
    for (; *s; s++) {
        if (*s == '.' && *ndec < 0) { *ndec = 0; continue; }
        if (*s < '0' || *s > '9') return false;
        if (*ndec < 0) nint++; else (*ndec)++;
    }
    if (*ndec == 0 || nint == 0) return false;   /* "1." or ".5" */
    if (*ndec < 0) *ndec = 0;
    return true;
}

fee_err fee_parse_decimal(const char *s, int decimals, int64_t *out) {
    if (decimals < 0 || decimals > 6) return FEE_E_RANGE;
    if (!s) return FEE_E_SYNTAX;
    bool neg = *s == '-';
    int ndec;
    if (!decimal_form(s + neg, &ndec)) return FEE_E_SYNTAX;
    if (ndec > decimals) return FEE_E_DECIMALS;
    if (neg) return FEE_E_NEGATIVE;
    i128 v = 0;
    for (s += neg; *s; s++) {
        if (*s == '.') continue;
        v = v * 10 + (*s - '0');
        if (v > INT64_MAX) return FEE_E_OVERFLOW;
    }
    if (!__builtin_mul_overflow(v, POW10[decimals - ndec], &v) && v <= INT64_MAX) {
        *out = (int64_t)v;
        return FEE_OK;
    }
    return FEE_E_OVERFLOW;
}

fee_err fee_parse_price(const char *s, int64_t *out) { return fee_parse_decimal(s, 4, out); }
fee_err fee_parse_area(const char *s, int64_t *out) { return fee_parse_decimal(s, 2, out); }
fee_err fee_parse_quantity(const char *s, int64_t *out) { return fee_parse_decimal(s, 2, out); }

void fee_fmt_fixed(int64_t v, int decimals, char *out, size_t n) {
    if (decimals < 0 || decimals > 6) decimals = 0;
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, p = (uint64_t)POW10[decimals];
    if (decimals == 0) snprintf(out, n, "%s%llu", v < 0 ? "-" : "", (unsigned long long)m);
    else snprintf(out, n, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)(m / p), decimals,
                  (unsigned long long)(m % p));
}

void fee_fmt_yuan(int64_t fen, char *out, size_t n) { fee_fmt_fixed(fen, 2, out, n); }

void fee_fmt_charge(int64_t v, char *out, size_t n) {
    if (v % 100) fee_fmt_fixed(v, 4, out, n);
    else fee_fmt_fixed(v / 100, 2, out, n);
}

/* ---- fractions ---------------------------------------------------------------------------- */

static i128 gcd128(i128 a, i128 b) {
    if (a < 0) a = -a;
    while (b) { i128 t = a % b; a = b; b = t < 0 ? -t : t; }
    return a;
}

static void reduce(fee_ratio *q) {
    i128 g = gcd128(q->num, q->den);
    if (g > 1) { q->num /= g; q->den /= g; }
}

fee_err ratio_mul(fee_ratio *q, i128 num, i128 den) {
    fee_ratio r;
    if (den <= 0 || q->den <= 0) return FEE_E_RANGE;
    if (__builtin_mul_overflow(q->num, num, &r.num) || __builtin_mul_overflow(q->den, den, &r.den))
        return FEE_E_OVERFLOW;
    reduce(&r);
    *q = r;
    return FEE_OK;
}

fee_err ratio_add(fee_ratio *a, fee_ratio b) {
    i128 x, y, num, den;
    if (__builtin_mul_overflow(a->num, b.den, &x) || __builtin_mul_overflow(b.num, a->den, &y) ||
        __builtin_add_overflow(x, y, &num) || __builtin_mul_overflow(a->den, b.den, &den))
        return FEE_E_OVERFLOW;
    *a = (fee_ratio){num, den};
    reduce(a);
    return FEE_OK;
}

/* ---- rounding ----------------------------------------------------------------------------- */

fee_err fee_rounding_parse(const char *mode, const char *unit, fee_rounding *r) {
    int m = -1, u = -1;
    for (int i = 0; mode && FEE_ROUND_MODES[i].code; i++)
        if (!strcmp(mode, FEE_ROUND_MODES[i].code)) m = i;
    for (int i = 0; unit && FEE_ROUND_UNITS[i].code; i++)
        if (!strcmp(unit, FEE_ROUND_UNITS[i].code)) u = i;
    if (m < 0 || u < 0) return FEE_E_RANGE;
    *r = (fee_rounding){(fee_round_mode)m, (fee_round_unit)u};
    return FEE_OK;
}

bool fee_rounding_ok(fee_rounding r) {
    return (unsigned)r.mode <= FEE_DOWN && (unsigned)r.unit <= FEE_TO_YUAN;
}

void fee_rounding_text(fee_rounding r, char *out, size_t n) {
    if (!fee_rounding_ok(r)) { snprintf(out, n, "?"); return; }
    snprintf(out, n, "%s%s%s", FEE_ROUND_MODES[r.mode].label, r.unit == FEE_TO_FEN ? "" : "到",
             r.unit == FEE_TO_FEN ? "" : FEE_ROUND_UNITS[r.unit].label);
}

fee_err fee_round(fee_ratio q, fee_rounding r, int64_t *fen) {
    static const int step[] = {1, 10, 100};
    i128 d, k;
    if (q.den <= 0 || !fee_rounding_ok(r)) return FEE_E_RANGE;
    if (__builtin_mul_overflow(q.den, step[r.unit], &d) || q.num < -I128_MAX) return FEE_E_OVERFLOW;
    i128 a = q.num < 0 ? -q.num : q.num, rem = a % d;
    k = a / d;
    if (rem && (r.mode == FEE_UP || (r.mode == FEE_HALF_UP && rem >= d - rem))) k++;
    k *= step[r.unit];
    if (k > INT64_MAX) return FEE_E_OVERFLOW;
    *fen = q.num < 0 ? -(int64_t)k : (int64_t)k;
    return FEE_OK;
}

fee_err fee_round_say(fee_ratio q, fee_rounding r, int64_t *fen, char *text, size_t n) {
    char y[32], how[48];
    fee_err e = fee_round(q, r, fen);
    if (e) return fee_fail(text, n, e);
    fee_fmt_yuan(*fen, y, sizeof y);
    fee_rounding_text(r, how, sizeof how);
    tx t = {text, n, strlen(text), false};
    tx_add(&t, " = %s 元，%s", y, how);
    return tx_done(&t);
}

/* ---- calendar ----------------------------------------------------------------------------- */

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int fee_month_days(int year, int month) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return days[month - 1] + (month == 2 && leap(year));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t civil_days(int y, int m, int d) {
    y -= m <= 2;
    int64_t era = y / 400, yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static bool two_digits(const char *s, int *v) {
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return false;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return true;
}

/* "YYYY-MM-DD" into y, m, d. */
static bool ymd(const char *s, int *y, int *m, int *d) {
    int hi, lo;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    if (!two_digits(s, &hi) || !two_digits(s + 2, &lo) || !two_digits(s + 5, m) || !two_digits(s + 8, d))
        return false;
    *y = hi * 100 + lo;
    return *y >= 1900 && *d >= 1 && *d <= fee_month_days(*y, *m);
}

fee_err fee_date_parse(const char *s, int64_t *day) {
    int y, m, d;
    if (!ymd(s, &y, &m, &d)) return FEE_E_DATE;
    *day = civil_days(y, m, d);
    return FEE_OK;
}

fee_err fee_days_between(const char *from, const char *to, int64_t *days) {
    int64_t a, b;
    if (fee_date_parse(from, &a) || fee_date_parse(to, &b)) return FEE_E_DATE;
    *days = b - a;
    return FEE_OK;
}

/* ---- periods ------------------------------------------------------------------------------ */

/* The days of month y-m inside [from, end]. */
static int month_overlap(int y, int m, int64_t from, int64_t end) {
    int64_t first = civil_days(y, m, 1), last = first + fee_month_days(y, m) - 1;
    int64_t a = first > from ? first : from, b = last < end ? last : end;
    return b < a ? 0 : (int)(b - a + 1);
}

/* p->days and p->months from its months. */
static fee_err period_total(fee_period *p) {
    p->days = 0;
    p->months = (fee_ratio){0, 1};
    for (int i = 0; i < p->n; i++) {
        p->days += p->m[i].days;
        fee_err e = ratio_add(&p->months, (fee_ratio){p->m[i].days, p->m[i].month_days});
        if (e) return e;
    }
    return FEE_OK;
}

fee_err fee_period_split(const char *start, const char *end, const char *since, fee_period *p) {
    int y, m, d, ey, em, ed;
    int64_t from, last, s;
    if (!ymd(start, &y, &m, &d) || !ymd(end, &ey, &em, &ed)) return FEE_E_DATE;
    from = civil_days(y, m, d), last = civil_days(ey, em, ed);
    if (last < from) return FEE_E_DATE;
    if (since && *since) {
        if (fee_date_parse(since, &s)) return FEE_E_DATE;
        if (s > from) from = s;
    }
    memset(p, 0, sizeof *p);
    for (int k = y * 12 + m - 1; k <= ey * 12 + em - 1; k++) {   /* months counted from year 0 */
        if (p->n == FEE_PERIOD_MONTHS) return FEE_E_RANGE;
        int yy = k / 12, mm = k % 12 + 1;
        p->m[p->n++] = (fee_month){yy, mm, month_overlap(yy, mm, from, last), fee_month_days(yy, mm)};
    }
    return period_total(p);
}

fee_err fee_period_whole(int months, fee_period *p) {
    if (months < 1 || months > FEE_PERIOD_MONTHS) return FEE_E_RANGE;
    memset(p, 0, sizeof *p);
    for (p->n = 0; p->n < months; p->n++) p->m[p->n] = (fee_month){0, 0, 1, 1};
    return period_total(p);
}
