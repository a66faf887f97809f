/*
** fees_capitals.c — an amount in Chinese capitals (大写) for receipts, by the rules of 《正确填写
** 票据和结算凭证的基本规定》 (fees_calc.h; docs/user-guide.md 「收费规则」):
**   - digits 零壹贰叁肆伍陆柒捌玖 with 拾佰仟, sections 万 and 亿, then 元 角 分;
**   - zeros between digits are one 零 (1409 → 壹仟肆佰零玖, 6007 → 陆仟零柒); a section that
**     begins with zeros after a higher one starts with 零 (10005 → 壹万零伍, 100700 → 壹拾万零柒佰);
**     trailing zeros of a section are not written (107000 → 壹拾万柒仟, 1680.32 → 壹仟陆佰捌拾元
**     叁角贰分: the rules allow either, this is the form without the optional 零);
**   - 角 zero and 分 not: 零 after 元 (16409.02 → 壹万陆仟肆佰零玖元零贰分);
**   - 整 after 元 when there are no 角 and 分 (100.00 → 壹佰元整; 0 → 零元整); none after 角 or 分
**     (10.50 → 壹拾元伍角: the rules let 整 after 角 be left out);
**   - no 元 when there are no 元 (0.05 → 伍分); a negative amount begins with 负.
*/
#include "fees.h"

static const char *const DIGIT[] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};

/* v in 1–9999: digits with 仟佰拾, zeros inside as one 零, trailing zeros dropped. */
static void four(tx *t, int v) {
    static const char *const POS[] = {"", "拾", "佰", "仟"};
    static const int P[] = {1, 10, 100, 1000};
    bool any = false, zero = false;
    for (int p = 3; p >= 0; p--) {
        int d = v / P[p] % 10;
        if (!d) { zero = any; continue; }
        tx_add(t, "%s%s%s", zero ? "零" : "", DIGIT[d], POS[p]);
        any = true, zero = false;
    }
}

/* v ≥ 1 below 10^(2×digits) split into a high part with its unit and a low part of `digits`
** digits: 10^4 and 万 (then four), 10^8 and 亿 (then below_yi for both halves). */
static void section(tx *t, int64_t v, int64_t base, const char *unit, void (*part)(tx *, int64_t)) {
    int64_t hi = v / base, lo = v % base;
    if (hi) { part(t, hi); tx_add(t, "%s", unit); }
    if (lo) {
        if (hi && lo < base / 10) tx_add(t, "零");
        part(t, lo);
    }
}

static void under_wan(tx *t, int64_t v) { four(t, (int)v); }
static void under_yi(tx *t, int64_t v) { section(t, v, 10000, "万", under_wan); }

fee_err fee_capitals(int64_t fen, char *out, size_t n) {
    uint64_t m = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    int64_t yuan = (int64_t)(m / 100);
    int jiao = (int)(m / 10 % 10), f = (int)(m % 10);
    tx t;
    if (yuan >= INT64_C(10000000000000000)) return fee_fail(out, n, FEE_E_OVERFLOW);
    tx_init(&t, out, n);
    if (fen < 0) tx_add(&t, "负");
    if (yuan) { section(&t, yuan, 100000000, "亿", under_yi); tx_add(&t, "元"); }
    if (!jiao && !f) tx_add(&t, yuan ? "整" : "零元整");
    else if (jiao) tx_add(&t, "%s角%s%s", DIGIT[jiao], f ? DIGIT[f] : "", f ? "分" : "");
    else tx_add(&t, "%s%s分", yuan ? "零" : "", DIGIT[f]);
    return tx_done(&t);
}
