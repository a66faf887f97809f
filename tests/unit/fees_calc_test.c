/*
** fees_calc_test.c — the exact arithmetic of fees (src/modules/fees/fees_calc.h): parsing,
** rounding once, periods and proration, bill lines and their explanations, meters, 公摊 by the
** largest remainder, late fees, 大写 and prepayment offers.
*/
#include "unit.h"
#include "modules/fees/fees_calc.h"

static const fee_rounding HALF = {FEE_HALF_UP, FEE_TO_FEN};

/* ---- parsing ------------------------------------------------------------------------------ */

static void parse_ok(fee_err (*fn)(const char *, int64_t *), const char *s, int64_t want) {
    int64_t v = -999;
    fee_err e = fn(s, &v);
    if (e != FEE_OK) fail_msg("「%s」 refused (%d)", s, e);
    assert_int_equal(v, want);
}

static void parse_bad(fee_err (*fn)(const char *, int64_t *), const char *s, fee_err want) {
    int64_t v = -999;
    fee_err e = fn(s, &v);
    if (e != want) fail_msg("「%s」 gave %d, want %d", s ? s : "(null)", e, want);
    assert_int_equal(v, -999);   /* nothing written */
}

static void prices_parse_to_ten_thousandths(void **state) {
    (void)state;
    parse_ok(fee_parse_price, "1.55", 15500);
    parse_ok(fee_parse_price, "1.5500", 15500);
    parse_ok(fee_parse_price, "1.550", 15500);
    parse_ok(fee_parse_price, "3.2", 32000);
    parse_ok(fee_parse_price, "12", 120000);
    parse_ok(fee_parse_price, "0", 0);
    parse_ok(fee_parse_price, "0.0001", 1);
    parse_ok(fee_parse_price, "007.5", 75000);
    parse_ok(fee_parse_price, "922337203685477.5807", INT64_MAX);
}

static void prices_refuse_bad_text(void **state) {
    (void)state;
    parse_bad(fee_parse_price, "1.55001", FEE_E_DECIMALS);
    parse_bad(fee_parse_price, "1.00000", FEE_E_DECIMALS);
    parse_bad(fee_parse_price, "-1", FEE_E_NEGATIVE);
    parse_bad(fee_parse_price, "-0.5", FEE_E_NEGATIVE);
    parse_bad(fee_parse_price, "922337203685477.5808", FEE_E_OVERFLOW);
    parse_bad(fee_parse_price, "99999999999999999999999999999999999999999999", FEE_E_OVERFLOW);
    static const char *const junk[] = {"", "abc", "1.", ".5", "1e5", " 1", "1 ", "1,000", "+1", "1.2.3",
                                       "--1", "-", "¥1", "１", "1.5元", "0x10", "- 1"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) parse_bad(fee_parse_price, junk[i], FEE_E_SYNTAX);
    parse_bad(fee_parse_price, NULL, FEE_E_SYNTAX);
}

static void areas_and_quantities_parse_to_hundredths(void **state) {
    (void)state;
    parse_ok(fee_parse_area, "90.3", 9030);
    parse_ok(fee_parse_area, "90.30", 9030);
    parse_ok(fee_parse_area, "90", 9000);
    parse_ok(fee_parse_area, "0.01", 1);
    parse_bad(fee_parse_area, "90.301", FEE_E_DECIMALS);
    parse_bad(fee_parse_area, "-90.3", FEE_E_NEGATIVE);
    parse_bad(fee_parse_area, "90,3", FEE_E_SYNTAX);
    parse_ok(fee_parse_quantity, "2", 200);
    parse_ok(fee_parse_quantity, "1.5", 150);
    parse_bad(fee_parse_quantity, "1.555", FEE_E_DECIMALS);
}

static void decimals_of_a_reading(void **state) {
    (void)state;
    int64_t v = 0;
    assert_int_equal(fee_parse_decimal("1234", 0, &v), FEE_OK);
    assert_int_equal(v, 1234);
    assert_int_equal(fee_parse_decimal("1234.0", 0, &v), FEE_E_DECIMALS);
    assert_int_equal(fee_parse_decimal("1234.5", 1, &v), FEE_OK);
    assert_int_equal(v, 12345);
    assert_int_equal(fee_parse_decimal("1234.567", 3, &v), FEE_OK);
    assert_int_equal(v, 1234567);
    assert_int_equal(fee_parse_decimal("1", 7, &v), FEE_E_RANGE);
    assert_int_equal(fee_parse_decimal("1", -1, &v), FEE_E_RANGE);
    assert_string_equal(fee_err_text(FEE_E_DECIMALS), "小数位数超过允许的位数");
    assert_string_equal(fee_err_text(FEE_OK), "");
}

static void fixed_point_text(void **state) {
    (void)state;
    char out[32];
    fee_fmt_fixed(9030, 2, out, sizeof out);
    assert_string_equal(out, "90.30");
    fee_fmt_fixed(15500, 4, out, sizeof out);
    assert_string_equal(out, "1.5500");
    fee_fmt_fixed(-5, 2, out, sizeof out);
    assert_string_equal(out, "-0.05");
    fee_fmt_fixed(1234, 0, out, sizeof out);
    assert_string_equal(out, "1234");
    fee_fmt_fixed(INT64_MIN, 2, out, sizeof out);
    assert_string_equal(out, "-92233720368547758.08");
    /* a charge reads as money, with all four decimals only when it has parts of a fen */
    fee_fmt_charge(3000000, out, sizeof out);
    assert_string_equal(out, "300.00");
    fee_fmt_charge(15550, out, sizeof out);
    assert_string_equal(out, "1.5550");
    fee_fmt_charge(50, out, sizeof out);
    assert_string_equal(out, "0.0050");
    fee_fmt_charge(-1500, out, sizeof out);
    assert_string_equal(out, "-0.15");
}

/* ---- rounding ----------------------------------------------------------------------------- */

/* num/den fen rounded with mode and unit should give want. */
typedef struct round_case { int64_t num, den; fee_round_mode mode; fee_round_unit unit; int64_t want; } round_case;

static void round_cases(const round_case *c, size_t n) {
    for (size_t i = 0; i < n; i++) {
        int64_t fen = -12345;
        fee_err e = fee_round((fee_ratio){c[i].num, c[i].den}, (fee_rounding){c[i].mode, c[i].unit}, &fen);
        if (e || fen != c[i].want)
            fail_msg("%lld/%lld mode %d unit %d → %lld (%d), want %lld", (long long)c[i].num, (long long)c[i].den,
                     c[i].mode, c[i].unit, (long long)fen, e, (long long)c[i].want);
    }
}
#define ROUND_CASES(...) do { static const round_case c_[] = {__VA_ARGS__}; \
    round_cases(c_, sizeof c_ / sizeof c_[0]); } while (0)

static void rounding_at_exact_halves(void **state) {
    (void)state;
    ROUND_CASES({5, 2, FEE_HALF_UP, FEE_TO_FEN, 3},          /* 2.5 分 */
                {5, 2, FEE_UP, FEE_TO_FEN, 3}, {5, 2, FEE_DOWN, FEE_TO_FEN, 2},
                {-5, 2, FEE_HALF_UP, FEE_TO_FEN, -3},        /* half away from zero */
                {-5, 2, FEE_UP, FEE_TO_FEN, -3}, {-5, 2, FEE_DOWN, FEE_TO_FEN, -2},
                {1, 2, FEE_HALF_UP, FEE_TO_FEN, 1}, {-1, 2, FEE_HALF_UP, FEE_TO_FEN, -1},
                {24999, 10000, FEE_HALF_UP, FEE_TO_FEN, 2}, {24999, 10000, FEE_UP, FEE_TO_FEN, 3},
                {25001, 10000, FEE_DOWN, FEE_TO_FEN, 2}, {1, 3, FEE_HALF_UP, FEE_TO_FEN, 0},
                {1, 3, FEE_UP, FEE_TO_FEN, 1}, {2, 3, FEE_HALF_UP, FEE_TO_FEN, 1}, {-2, 3, FEE_DOWN, FEE_TO_FEN, 0});
}

static void exact_amounts_are_not_moved(void **state) {
    (void)state;
    for (fee_round_mode m = FEE_HALF_UP; m <= FEE_DOWN; m++) {
        const round_case c[] = {{7224, 1, m, FEE_TO_FEN, 7224}, {-7224, 1, m, FEE_TO_FEN, -7224},
                                {0, 7, m, FEE_TO_FEN, 0}, {7220, 1, m, FEE_TO_JIAO, 7220},
                                {7200, 1, m, FEE_TO_YUAN, 7200}, {14448, 2, m, FEE_TO_FEN, 7224}};
        round_cases(c, sizeof c / sizeof c[0]);
    }
}

static void rounding_to_jiao_and_yuan(void **state) {
    (void)state;
    ROUND_CASES({7224, 1, FEE_HALF_UP, FEE_TO_JIAO, 7220}, {7225, 1, FEE_HALF_UP, FEE_TO_JIAO, 7230},
                {-7225, 1, FEE_HALF_UP, FEE_TO_JIAO, -7230}, {7221, 1, FEE_UP, FEE_TO_JIAO, 7230},
                {7229, 1, FEE_DOWN, FEE_TO_JIAO, 7220}, {7250, 1, FEE_HALF_UP, FEE_TO_YUAN, 7300},
                {7249, 1, FEE_HALF_UP, FEE_TO_YUAN, 7200}, {7201, 1, FEE_UP, FEE_TO_YUAN, 7300},
                {7299, 1, FEE_DOWN, FEE_TO_YUAN, 7200}, {-7250, 1, FEE_HALF_UP, FEE_TO_YUAN, -7300},
                {49999, 1000, FEE_HALF_UP, FEE_TO_YUAN, 0},     /* 49.999 分 */
                {50000, 1000, FEE_HALF_UP, FEE_TO_YUAN, 100});
}

static void rounding_refuses_bad_input(void **state) {
    (void)state;
    int64_t fen = 7;
    assert_int_equal(fee_round((fee_ratio){1, 0}, HALF, &fen), FEE_E_RANGE);
    assert_int_equal(fee_round((fee_ratio){1, -2}, HALF, &fen), FEE_E_RANGE);
    assert_int_equal(fee_round((fee_ratio){1, 2}, (fee_rounding){(fee_round_mode)3, FEE_TO_FEN}, &fen), FEE_E_RANGE);
    assert_int_equal(fee_round((fee_ratio){1, 2}, (fee_rounding){FEE_UP, (fee_round_unit)7}, &fen), FEE_E_RANGE);
    assert_int_equal(fee_round((fee_ratio){(__int128)INT64_MAX * 10, 1}, HALF, &fen), FEE_E_OVERFLOW);
    assert_int_equal(fee_round((fee_ratio){INT64_MAX, 1}, (fee_rounding){FEE_UP, FEE_TO_YUAN}, &fen), FEE_E_OVERFLOW);
    assert_int_equal(fen, 7);
    assert_int_equal(fee_round((fee_ratio){INT64_MAX, 1}, HALF, &fen), FEE_OK);
    assert_int_equal(fen, INT64_MAX);
}

static void rounding_codes_and_words(void **state) {
    (void)state;
    fee_rounding r;
    char out[48];
    assert_int_equal(fee_rounding_parse("half", "fen", &r), FEE_OK);
    fee_rounding_text(r, out, sizeof out);
    assert_string_equal(out, "四舍五入");
    assert_int_equal(fee_rounding_parse("up", "jiao", &r), FEE_OK);
    assert_true(r.mode == FEE_UP && r.unit == FEE_TO_JIAO);
    fee_rounding_text(r, out, sizeof out);
    assert_string_equal(out, "向上取整到角");
    assert_int_equal(fee_rounding_parse("down", "yuan", &r), FEE_OK);
    fee_rounding_text(r, out, sizeof out);
    assert_string_equal(out, "向下取整到元");
    assert_int_equal(fee_rounding_parse("round", "fen", &r), FEE_E_RANGE);
    assert_int_equal(fee_rounding_parse("half", NULL, &r), FEE_E_RANGE);
    assert_int_equal(fee_rounding_parse(NULL, "fen", &r), FEE_E_RANGE);
}

/* ---- calendar and periods ----------------------------------------------------------------- */

static void days_of_months_and_leap_years(void **state) {
    (void)state;
    assert_int_equal(fee_month_days(2024, 2), 29);
    assert_int_equal(fee_month_days(2026, 2), 28);
    assert_int_equal(fee_month_days(1900, 2), 28);
    assert_int_equal(fee_month_days(2000, 2), 29);
    assert_int_equal(fee_month_days(2100, 2), 28);
    static const int want[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++) assert_int_equal(fee_month_days(2026, m), want[m - 1]);
    assert_int_equal(fee_month_days(2026, 0), 0);
    assert_int_equal(fee_month_days(2026, 13), 0);
}

static void dates_parse_strictly(void **state) {
    (void)state;
    int64_t d = -1, n = 0;
    assert_int_equal(fee_date_parse("1970-01-01", &d), FEE_OK);
    assert_int_equal(d, 0);
    assert_int_equal(fee_date_parse("2000-03-01", &d), FEE_OK);
    assert_int_equal(d, 11017);
    assert_int_equal(fee_date_parse("2024-02-29", &d), FEE_OK);
    static const char *const bad[] = {"2026-02-29", "2100-02-29", "2026-1-05", "2026-01-32", "2026-04-31",
                                      "2026-00-10", "2026-13-01", "1899-12-31", "2026/01/01", "abcd-ef-gh",
                                      "2026-01-011", "", "2026-01-0a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (fee_date_parse(bad[i], &d) != FEE_E_DATE) fail_msg("「%s」 accepted", bad[i]);
    assert_int_equal(fee_date_parse(NULL, &d), FEE_E_DATE);
    assert_int_equal(fee_days_between("2026-01-01", "2026-12-31", &n), FEE_OK);
    assert_int_equal(n, 364);
    assert_int_equal(fee_days_between("2024-01-01", "2025-01-01", &n), FEE_OK);
    assert_int_equal(n, 366);
    assert_int_equal(fee_days_between("2026-03-10", "2026-03-01", &n), FEE_OK);
    assert_int_equal(n, -9);
    assert_int_equal(fee_days_between("2026-03-10", "2026-02-30", &n), FEE_E_DATE);
}

static fee_period split(const char *start, const char *end, const char *since) {
    fee_period p;
    fee_err e = fee_period_split(start, end, since, &p);
    if (e) fail_msg("%s..%s since %s refused (%d)", start, end, since ? since : "-", e);
    return p;
}

static void assert_months(const fee_period *p, int64_t num, int64_t den) {
    if (p->months.num != num || p->months.den != den)
        fail_msg("months %lld/%lld, want %lld/%lld", (long long)p->months.num, (long long)p->months.den,
                 (long long)num, (long long)den);
}

static void a_partial_month_is_days_over_its_days(void **state) {
    (void)state;
    fee_period p = split("2026-01-01", "2026-01-31", NULL);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.days, 31);
    assert_months(&p, 1, 1);
    p = split("2026-01-01", "2026-01-31", "2026-01-16");
    assert_int_equal(p.m[0].days, 16);
    assert_int_equal(p.m[0].month_days, 31);
    assert_months(&p, 16, 31);
    p = split("2026-03-01", "2026-03-31", "2026-03-31");
    assert_months(&p, 1, 31);
    p = split("2026-04-01", "2026-04-30", "2026-04-16");
    assert_months(&p, 1, 2);                       /* 15/30 */
    p = split("2026-01-01", "2026-01-31", "");
    assert_months(&p, 1, 1);
    p = split("2026-01-01", "2026-01-31", "2025-06-01");   /* handed over before: the whole period */
    assert_months(&p, 1, 1);
}

static void february_in_leap_and_common_years(void **state) {
    (void)state;
    fee_period p = split("2024-02-01", "2024-02-29", "2024-02-15");
    assert_int_equal(p.m[0].days, 15);
    assert_int_equal(p.m[0].month_days, 29);
    assert_months(&p, 15, 29);
    p = split("2026-02-01", "2026-02-28", "2026-02-15");
    assert_int_equal(p.m[0].month_days, 28);
    assert_months(&p, 1, 2);
    p = split("2000-02-01", "2000-02-29", NULL);
    assert_months(&p, 1, 1);
    assert_int_equal(fee_period_split("2026-02-01", "2026-02-29", NULL, &p), FEE_E_DATE);
}

static void quarters_years_and_month_ends(void **state) {
    (void)state;
    fee_period p = split("2026-10-01", "2026-12-31", NULL);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.days, 92);
    assert_months(&p, 3, 1);
    p = split("2026-10-01", "2026-12-31", "2026-11-16");   /* 0 + 15/30 + 1 */
    assert_int_equal(p.m[0].days, 0);
    assert_int_equal(p.m[1].days, 15);
    assert_int_equal(p.days, 46);
    assert_months(&p, 3, 2);
    p = split("2026-01-01", "2026-12-31", NULL);
    assert_int_equal(p.days, 365);
    assert_months(&p, 12, 1);
    p = split("2026-12-15", "2027-01-14", NULL);             /* 17/31 + 14/31 */
    assert_int_equal(p.n, 2);
    assert_int_equal(p.m[1].year, 2027);
    assert_int_equal(p.m[1].month, 1);
    assert_months(&p, 1, 1);
    p = split("2026-01-31", "2026-02-01", NULL);             /* 1/31 + 1/28 */
    assert_months(&p, 59, 868);
    p = split("2026-01-01", "2028-12-31", NULL);
    assert_int_equal(p.n, 36);
    assert_months(&p, 36, 1);
}

static void periods_refused_or_empty(void **state) {
    (void)state;
    fee_period p;
    assert_int_equal(fee_period_split("2026-02-01", "2026-01-31", NULL, &p), FEE_E_DATE);
    assert_int_equal(fee_period_split("2026-01-01", "2026-01-31", "2026-01-xx", &p), FEE_E_DATE);
    assert_int_equal(fee_period_split("2026-1-1", "2026-01-31", NULL, &p), FEE_E_DATE);
    assert_int_equal(fee_period_split("2026-01-01", "2029-01-01", NULL, &p), FEE_E_RANGE);
    p = split("2026-01-01", "2026-03-31", "2026-05-01");     /* handed over after the period */
    assert_int_equal(p.days, 0);
    assert_months(&p, 0, 1);
    assert_int_equal(fee_period_whole(12, &p), FEE_OK);
    assert_months(&p, 12, 1);
    assert_int_equal(fee_period_whole(0, &p), FEE_E_RANGE);
    assert_int_equal(fee_period_whole(37, &p), FEE_E_RANGE);
}

/* ---- bill lines --------------------------------------------------------------------------- */

static fee_line line(fee_line_in in) {
    fee_line out;
    fee_err e = fee_line_calc(&in, &out);
    if (e) fail_msg("line refused (%d): %s", e, out.text);
    return out;
}

#define LINE_IS(l, fen_, text_) do { fee_line l_ = (l); assert_int_equal(l_.fen, fen_); \
    assert_string_equal(l_.text, text_); } while (0)

static void the_issue_example_line(void **state) {
    (void)state;
    fee_period p = split("2026-01-01", "2026-01-31", "2026-01-16");
    fee_line_in in = {.rule = FEE_RULE_AREA, .area = 9030, .price = 15500, .period = &p};
    LINE_IS(line(in), 7224, "90.30 m² × 1.5500 元/m²·月 × 16/31 天 = 72.24 元，四舍五入");
    fee_ratio q;
    char text[FEE_TEXT];
    assert_int_equal(fee_line_exact(&in, &q, text, sizeof text), FEE_OK);
    assert_true(q.num == 7224 && q.den == 1);           /* 139.965 × 16/31 is exactly 72.24 元 */
    assert_string_equal(text, "90.30 m² × 1.5500 元/m²·月 × 16/31 天");
    in.area = 9031;                                      /* 90.31 m²: 72.2480 元 before rounding */
    assert_int_equal(fee_line_exact(&in, &q, text, sizeof text), FEE_OK);
    assert_true(q.num == 36124 && q.den == 5);          /* 7224.8 分, reduced */
    LINE_IS(line(in), 7225, "90.31 m² × 1.5500 元/m²·月 × 16/31 天 = 72.25 元，四舍五入");
}

static void area_lines_by_month_and_rounding(void **state) {
    (void)state;
    fee_period jan = split("2026-01-01", "2026-01-31", NULL);
    fee_line_in in = {.rule = FEE_RULE_AREA, .area = 9030, .price = 15500, .period = &jan};
    LINE_IS(line(in), 13997, "90.30 m² × 1.5500 元/m²·月 = 139.97 元，四舍五入");   /* 139.965 */
    in.round = (fee_rounding){FEE_DOWN, FEE_TO_FEN};
    LINE_IS(line(in), 13996, "90.30 m² × 1.5500 元/m²·月 = 139.96 元，向下取整");
    in.round = (fee_rounding){FEE_UP, FEE_TO_JIAO};
    LINE_IS(line(in), 14000, "90.30 m² × 1.5500 元/m²·月 = 140.00 元，向上取整到角");
    in.round = (fee_rounding){FEE_HALF_UP, FEE_TO_YUAN};
    LINE_IS(line(in), 14000, "90.30 m² × 1.5500 元/m²·月 = 140.00 元，四舍五入到元");
    in = (fee_line_in){.rule = FEE_RULE_AREA, .area = 9030, .price = 15500, .fixed = 100000, .period = &jan};
    LINE_IS(line(in), 14997, "(90.30 m² × 1.5500 元/m²·月 + 10.00 元/月) = 149.97 元，四舍五入");
    in = (fee_line_in){.rule = FEE_RULE_AREA, .area = 9030, .price = 15500};
    LINE_IS(line(in), 13997, "90.30 m² × 1.5500 元/m² = 139.97 元，四舍五入");      /* one-off */
}

static void a_quarter_is_rounded_once_not_per_month(void **state) {
    (void)state;
    fee_period q = split("2026-10-01", "2026-12-31", NULL), y = split("2026-01-01", "2026-12-31", NULL);
    fee_line_in in = {.rule = FEE_RULE_AREA, .area = 9030, .price = 15500, .period = &q};
    /* 139.965 a month: 3 × 139.97 would be 419.91, 12 × 139.97 would be 1679.64 */
    LINE_IS(line(in), 41990, "90.30 m² × 1.5500 元/m²·月 × 3 个月 = 419.90 元，四舍五入");
    in.period = &y;
    LINE_IS(line(in), 167958, "90.30 m² × 1.5500 元/m²·月 × 12 个月 = 1679.58 元，四舍五入");
}

static void proration_in_leap_february_and_a_quarter(void **state) {
    (void)state;
    fee_period leap = split("2024-02-01", "2024-02-29", "2024-02-15");
    fee_period common = split("2026-02-01", "2026-02-28", "2026-02-15");
    fee_period quarter = split("2026-10-01", "2026-12-31", "2026-11-16");
    fee_period none = split("2026-10-01", "2026-12-31", "2027-01-01");
    fee_line_in in = {.rule = FEE_RULE_AREA, .area = 10000, .price = 20000, .period = &leap};
    LINE_IS(line(in), 10345, "100.00 m² × 2.0000 元/m²·月 × 15/29 天 = 103.45 元，四舍五入");
    in.period = &common;
    LINE_IS(line(in), 10000, "100.00 m² × 2.0000 元/m²·月 × 14/28 天 = 100.00 元，四舍五入");
    in.period = &quarter;
    LINE_IS(line(in), 30000, "100.00 m² × 2.0000 元/m²·月 × (15/30 天 + 1 个月) = 300.00 元，四舍五入");
    in.period = &none;
    LINE_IS(line(in), 0, "100.00 m² × 2.0000 元/m²·月 × 0 天 = 0.00 元，四舍五入");
    fee_period two = split("2026-12-15", "2027-02-10", NULL);   /* 17/31 + 1 + 10/28 */
    in.period = &two;
    LINE_IS(line(in), 38111, "100.00 m² × 2.0000 元/m²·月 × (17/31 天 + 10/28 天 + 1 个月) = 381.11 元，四舍五入");
}

static void fixed_and_quantity_lines(void **state) {
    (void)state;
    fee_period q = split("2026-10-01", "2026-12-31", NULL);
    LINE_IS(line((fee_line_in){.rule = FEE_RULE_FIXED, .price = 500000, .period = &q}),
            15000, "固定 50.00 元/月 × 3 个月 = 150.00 元，四舍五入");
    LINE_IS(line((fee_line_in){.rule = FEE_RULE_FIXED, .price = 3000000}), 30000, "固定 300.00 元 = 300.00 元，四舍五入");
    LINE_IS(line((fee_line_in){.rule = FEE_RULE_QUANTITY, .quantity = 200, .unit = "个", .price = 1500000, .period = &q}),
            90000, "2 个 × 150.0000 元/个·月 × 3 个月 = 900.00 元，四舍五入");
    fee_line_in in = {.rule = FEE_RULE_QUANTITY, .quantity = 150, .unit = "次", .price = 333333};
    LINE_IS(line(in), 5000, "1.5 次 × 33.3333 元/次 = 50.00 元，四舍五入");       /* 49.99995 */
    in.round = (fee_rounding){FEE_DOWN, FEE_TO_FEN};
    LINE_IS(line(in), 4999, "1.5 次 × 33.3333 元/次 = 49.99 元，向下取整");
}

static fee_err line_refused(fee_line_in in, fee_line *out) {
    fee_err e = fee_line_calc(&in, out);
    assert_int_not_equal(e, FEE_OK);
    assert_true(out->text[0] != 0);   /* the reason */
    return e;
}

static void lines_refuse_bad_input(void **state) {
    (void)state;
    fee_line out;
    assert_int_equal(line_refused((fee_line_in){.rule = FEE_RULE_AREA, .area = 9030, .price = -1}, &out), FEE_E_NEGATIVE);
    assert_string_equal(out.text, "不能为负数");
    assert_int_equal(line_refused((fee_line_in){.rule = FEE_RULE_AREA, .area = -1, .price = 1}, &out), FEE_E_NEGATIVE);
    assert_int_equal(line_refused((fee_line_in){.rule = FEE_RULE_QUANTITY, .quantity = -100, .unit = "个", .price = 1}, &out),
                     FEE_E_NEGATIVE);
    assert_int_equal(line_refused((fee_line_in){.rule = (fee_rule)9, .price = 1}, &out), FEE_E_RANGE);
    assert_int_equal(line_refused((fee_line_in){.rule = FEE_RULE_QUANTITY, .quantity = 100, .price = 1}, &out), FEE_E_RANGE);
    assert_string_equal(out.text, "缺少计量单位（如 个、次）");
    assert_int_equal(line_refused((fee_line_in){.rule = FEE_RULE_METER, .price = 1}, &out), FEE_E_RANGE);
    assert_int_equal(line_refused((fee_line_in){.rule = FEE_RULE_FIXED, .price = 1, .round = {(fee_round_mode)5, 0}}, &out),
                     FEE_E_RANGE);
    assert_int_equal(out.fen, 0);
}

static void lines_refuse_overflow(void **state) {
    (void)state;
    fee_line out;
    fee_period q = split("2026-10-01", "2026-12-31", NULL);
    fee_line_in in = {.rule = FEE_RULE_AREA, .area = INT64_MAX, .price = INT64_MAX};
    assert_int_equal(line_refused(in, &out), FEE_E_OVERFLOW);         /* fits 128 bits, not int64 fen */
    assert_string_equal(out.text, "数值过大，无法计算");
    in.period = &q;
    assert_int_equal(line_refused(in, &out), FEE_E_OVERFLOW);         /* × 3 does not fit 128 bits */
    in = (fee_line_in){.rule = FEE_RULE_AREA, .area = INT64_MAX, .price = INT64_MAX, .fixed = INT64_MAX};
    assert_int_equal(line_refused(in, &out), FEE_E_OVERFLOW);
    in = (fee_line_in){.rule = FEE_RULE_QUANTITY, .quantity = INT64_MAX, .unit = "个", .price = INT64_MAX};
    assert_int_equal(line_refused(in, &out), FEE_E_OVERFLOW);
    in = (fee_line_in){.rule = FEE_RULE_FIXED, .price = INT64_MAX};   /* 92233720368547758.07 分 */
    assert_int_equal(fee_line_calc(&in, &out), FEE_OK);
    assert_int_equal(out.fen, INT64_MAX / 100);
}

/* ---- meters ------------------------------------------------------------------------------- */

static void meter_line_as_in_the_issue(void **state) {
    (void)state;
    fee_meter m = {.previous = 1200, .current = 1234, .multiplier = 1, .unit = "吨"};
    LINE_IS(line((fee_line_in){.rule = FEE_RULE_METER, .meter = &m, .price = 32000}), 10880,
            "本期 1234 − 上期 1200 = 34 × 倍率 1 + 损耗 0 = 34 吨 × 3.2000 元/吨 = 108.80 元，四舍五入");
    fee_period q = split("2026-10-01", "2026-12-31", NULL);   /* a meter ignores the months */
    LINE_IS(line((fee_line_in){.rule = FEE_RULE_METER, .meter = &m, .price = 32000, .period = &q}), 10880,
            "本期 1234 − 上期 1200 = 34 × 倍率 1 + 损耗 0 = 34 吨 × 3.2000 元/吨 = 108.80 元，四舍五入");
}

static void meter_with_decimals_multiplier_and_loss(void **state) {
    (void)state;
    fee_meter m = {.previous = 12000, .current = 12345, .decimals = 1, .multiplier = 40, .loss = 50, .unit = "度"};
    int64_t usage = 0;
    char text[FEE_TEXT];
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_OK);
    assert_int_equal(usage, 13850);
    assert_string_equal(text, "本期 1234.5 − 上期 1200.0 = 34.5 × 倍率 40 + 损耗 5.0 = 1385.0 度");
    LINE_IS(line((fee_line_in){.rule = FEE_RULE_METER, .meter = &m, .price = 6170}), 85455,   /* 854.545 */
            "本期 1234.5 − 上期 1200.0 = 34.5 × 倍率 40 + 损耗 5.0 = 1385.0 度 × 0.6170 元/度 = 854.55 元，四舍五入");
    m = (fee_meter){.previous = 500, .current = 500, .multiplier = 1, .unit = "吨"};
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_OK);
    assert_int_equal(usage, 0);
}

static void meter_rollover_when_its_maximum_is_declared(void **state) {
    (void)state;
    fee_meter m = {.previous = 9990, .current = 5, .multiplier = 1, .maximum = 9999, .unit = "吨"};
    int64_t usage = 0;
    char text[FEE_TEXT];
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_OK);
    assert_int_equal(usage, 15);                       /* 9991…9999, 0, 1…5 */
    assert_string_equal(text, "表走满一圈：本期 5 + 满圈 10000 − 上期 9990 = 15 × 倍率 1 + 损耗 0 = 15 吨");
    m.previous = 9999, m.current = 0;
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_OK);
    assert_int_equal(usage, 1);
    m = (fee_meter){.previous = 999990, .current = 15, .decimals = 1, .multiplier = 2, .maximum = 999999, .unit = "度"};
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_OK);
    assert_int_equal(usage, 50);                       /* (10 + 15) × 2 */
    assert_string_equal(text, "表走满一圈：本期 1.5 + 满圈 100000.0 − 上期 99999.0 = 2.5 × 倍率 2 + 损耗 0.0 = 5.0 度");
}

static void meter_replacement_when_recorded(void **state) {
    (void)state;
    fee_meter m = {.previous = 1200, .current = 30, .multiplier = 1, .replaced = true, .old_final = 1250,
                   .new_start = 0, .unit = "吨"};
    int64_t usage = 0;
    char text[FEE_TEXT];
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_OK);
    assert_int_equal(usage, 80);
    assert_string_equal(text, "换表：旧表止码 1250 − 上期 1200 + 本期 30 − 新表起码 0 = 80 × 倍率 1 + 损耗 0 = 80 吨");
    m.old_final = 1190;
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_E_READING);
    assert_string_equal(text, "旧表止码 1190 小于上期读数 1200");
    m.old_final = 1250, m.new_start = 40;
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_E_READING);
    assert_string_equal(text, "本期读数 30 小于新表起始读数 40");
}

static void meter_reading_below_the_last_is_refused(void **state) {
    (void)state;
    fee_meter m = {.previous = 1200, .current = 1180, .multiplier = 1, .unit = "吨"};
    int64_t usage = -7;
    char text[FEE_TEXT];
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_E_READING);
    assert_string_equal(text, "本期读数 1180 小于上期读数 1200：如是换表或表已走满一圈，请注明");
    assert_int_equal(usage, -7);
    fee_line out;
    assert_int_equal(line_refused((fee_line_in){.rule = FEE_RULE_METER, .meter = &m, .price = 32000}, &out), FEE_E_READING);
    assert_string_equal(out.text, "本期读数 1180 小于上期读数 1200：如是换表或表已走满一圈，请注明");
}

static void meter_settings_refused(void **state) {
    (void)state;
    int64_t usage;
    char text[FEE_TEXT];
    fee_meter m = {.previous = 100, .current = 10000, .multiplier = 1, .maximum = 9999, .unit = "吨"};
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_E_READING);
    assert_string_equal(text, "读数 10000 超过表的最大读数 9999");
    m = (fee_meter){.previous = 100, .current = 200, .multiplier = 0, .unit = "吨"};
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_E_RANGE);
    assert_string_equal(text, "倍率须为不小于 1 的整数");
    m = (fee_meter){.previous = -1, .current = 200, .multiplier = 1, .unit = "吨"};
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_E_NEGATIVE);
    m = (fee_meter){.previous = 1, .current = 200, .multiplier = 1, .loss = -1, .unit = "吨"};
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_E_NEGATIVE);
    m = (fee_meter){.previous = 1, .current = 200, .multiplier = 1, .decimals = 4, .unit = "吨"};
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_E_RANGE);
    m = (fee_meter){.previous = 1, .current = 200, .multiplier = 1};
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_E_RANGE);
    assert_string_equal(text, "缺少计量单位（如 吨、度）");
    m = (fee_meter){.previous = 0, .current = INT64_MAX, .multiplier = 2, .unit = "吨"};
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_E_OVERFLOW);
    m = (fee_meter){.previous = 0, .current = INT64_MAX, .multiplier = 1, .loss = 1, .unit = "吨"};
    assert_int_equal(fee_meter_usage(&m, &usage, text, sizeof text), FEE_E_OVERFLOW);
}

/* ---- 公摊 --------------------------------------------------------------------------------- */

static int64_t sum_of(const int64_t *v, size_t n) {
    int64_t s = 0;
    for (size_t i = 0; i < n; i++) s += v[i];
    return s;
}

static void shares_add_up_to_the_total(void **state) {
    (void)state;
    int64_t s[4];
    assert_int_equal(fee_share(10000, (const int64_t[]){1, 1, 1}, 3, s), FEE_OK);
    assert_int_equal(s[0], 3334), assert_int_equal(s[1], 3333), assert_int_equal(s[2], 3333);
    assert_int_equal(fee_share(10000, (const int64_t[]){9030, 9030, 9030}, 3, s), FEE_OK);
    assert_int_equal(s[0], 3334), assert_int_equal(s[2], 3333);
    assert_int_equal(fee_share(2, (const int64_t[]){5, 5, 5}, 3, s), FEE_OK);   /* ties: by order */
    assert_int_equal(s[0], 1), assert_int_equal(s[1], 1), assert_int_equal(s[2], 0);
    assert_int_equal(fee_share(100, (const int64_t[]){0, 9030, 0, 4515}, 4, s), FEE_OK);
    assert_int_equal(s[0], 0), assert_int_equal(s[1], 67), assert_int_equal(s[2], 0), assert_int_equal(s[3], 33);
    assert_int_equal(fee_share(100, (const int64_t[]){1, 2, 3, 4}, 4, s), FEE_OK);
    assert_int_equal(s[0], 10), assert_int_equal(s[1], 20), assert_int_equal(s[2], 30), assert_int_equal(s[3], 40);
    assert_int_equal(fee_share(-10000, (const int64_t[]){1, 1, 1}, 3, s), FEE_OK);
    assert_int_equal(s[0], -3334), assert_int_equal(s[1], -3333), assert_int_equal(s[2], -3333);
    assert_int_equal(fee_share(7, (const int64_t[]){1}, 1, s), FEE_OK);
    assert_int_equal(s[0], 7);
}

/* The larger remainder wins even at a later position. */
static void the_largest_remainder_gets_the_fen(void **state) {
    (void)state;
    int64_t s[3];
    /* 10 fen over 1:1:2 → 2.5, 2.5, 5: the two halves tie, the first takes the fen */
    assert_int_equal(fee_share(10, (const int64_t[]){1, 1, 2}, 3, s), FEE_OK);
    assert_int_equal(s[0], 3), assert_int_equal(s[1], 2), assert_int_equal(s[2], 5);
    /* 100 over 10:30:61 → quotas 9.90, 29.70, 60.40: 98 given, 2 fen to the two largest remainders */
    assert_int_equal(fee_share(100, (const int64_t[]){10, 30, 61}, 3, s), FEE_OK);
    assert_int_equal(s[0], 10), assert_int_equal(s[1], 30), assert_int_equal(s[2], 60);
    /* 11 over 7:7:86 → 0.77, 0.77, 9.46: 9 given, 2 left to the two 0.77s */
    assert_int_equal(fee_share(11, (const int64_t[]){7, 7, 86}, 3, s), FEE_OK);
    assert_int_equal(s[0], 1), assert_int_equal(s[1], 1), assert_int_equal(s[2], 9);
}

static void shares_of_many_units_stay_within_a_fen(void **state) {
    (void)state;
    enum { N = 1000 };
    int64_t w[N], s[N], total = 123456789, sum = 0;
    uint32_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        w[i] = (i % 17 == 0) ? 0 : 3000 + (int64_t)(x >> 16) % 20000;   /* 30–230 m², some none */
        sum += w[i];
    }
    assert_int_equal(fee_share(total, w, N, s), FEE_OK);
    assert_int_equal(sum_of(s, N), total);
    for (int i = 0; i < N; i++) {
        __int128 exact = (__int128)total * w[i], got = (__int128)s[i] * sum;   /* |share − quota| < 1 */
        assert_true(got - exact < sum && exact - got < sum);
        if (!w[i]) assert_int_equal(s[i], 0);
    }
    int64_t big[2];
    assert_int_equal(fee_share(INT64_MAX, (const int64_t[]){INT64_MAX, INT64_MAX}, 2, big), FEE_OK);
    assert_int_equal(big[0], INT64_MAX / 2 + 1);
    assert_int_equal(big[1], INT64_MAX / 2);
}

static void shares_refused(void **state) {
    (void)state;
    int64_t s[3] = {9, 9, 9};
    assert_int_equal(fee_share(100, (const int64_t[]){1, -1, 1}, 3, s), FEE_E_NEGATIVE);
    assert_int_equal(fee_share(100, (const int64_t[]){0, 0, 0}, 3, s), FEE_E_RANGE);
    assert_int_equal(fee_share(100, NULL, 0, s), FEE_E_RANGE);
    assert_int_equal(s[0], 9);
    assert_int_equal(fee_share(0, (const int64_t[]){0, 0, 0}, 3, s), FEE_OK);
    assert_int_equal(sum_of(s, 3), 0);
    assert_int_equal(fee_share(0, NULL, 0, s), FEE_OK);
}

static void share_explained(void **state) {
    (void)state;
    char text[FEE_TEXT];
    assert_int_equal(fee_share_text(100000, 9030, 903000, 1000, text, sizeof text), FEE_OK);
    assert_string_equal(text, "公摊 1000.00 元 × 90.30 m² ÷ 9030.00 m² = 10.00 元，最大余数法");
    assert_int_equal(fee_share_text(100000, 9031, 9030, 1000, text, sizeof text), FEE_E_RANGE);
    assert_int_equal(fee_share_text(100000, -1, 9030, 1000, text, sizeof text), FEE_E_NEGATIVE);
    char tiny[16];
    assert_int_equal(fee_share_text(100000, 9030, 903000, 1000, tiny, sizeof tiny), FEE_E_OVERFLOW);
}

/* ---- late fees ---------------------------------------------------------------------------- */

static fee_line late(int64_t principal, int64_t days, fee_late_rule r) {
    fee_line out;
    fee_err e = fee_late_fee(principal, days, &r, &out);
    if (e) fail_msg("late fee refused (%d): %s", e, out.text);
    return out;
}

static void late_fee_after_grace_days(void **state) {
    (void)state;
    LINE_IS(late(100000, 40, (fee_late_rule){.rate = 5, .grace_days = 10}), 1500,
            "1000.00 元 × 万分之5/天 × 30 天（逾期 40 天，宽限 10 天） = 15.00 元，四舍五入");
    LINE_IS(late(100000, 1, (fee_late_rule){.rate = 5}), 50, "1000.00 元 × 万分之5/天 × 1 天（逾期 1 天） = 0.50 元，四舍五入");
    /* 123.45 × 3/10000 × 7 = 25.9245 分, rounded once */
    assert_int_equal(late(12345, 7, (fee_late_rule){.rate = 3}).fen, 26);
    assert_int_equal(late(12345, 7, (fee_late_rule){.rate = 3, .round = {FEE_DOWN, FEE_TO_FEN}}).fen, 25);
    assert_int_equal(late(12345, 7, (fee_late_rule){.rate = 3, .round = {FEE_UP, FEE_TO_JIAO}}).fen, 30);
}

static void late_fee_not_due(void **state) {
    (void)state;
    LINE_IS(late(100000, 8, (fee_late_rule){.rate = 5, .grace_days = 10}), 0, "逾期 8 天，未超过宽限 10 天，不计滞纳金");
    LINE_IS(late(100000, 10, (fee_late_rule){.rate = 5, .grace_days = 10}), 0, "逾期 10 天，未超过宽限 10 天，不计滞纳金");
    LINE_IS(late(100000, 0, (fee_late_rule){.rate = 5}), 0, "未逾期，不计滞纳金");
    LINE_IS(late(100000, -3, (fee_late_rule){.rate = 5}), 0, "未逾期，不计滞纳金");
    LINE_IS(late(100000, INT64_MIN, (fee_late_rule){.rate = 5, .grace_days = 3}), 0, "未逾期，不计滞纳金");
    LINE_IS(late(100000, 400, (fee_late_rule){.rate = 0}), 0, "不计滞纳金");
    assert_int_equal(late(0, 400, (fee_late_rule){.rate = 5}).fen, 0);
}

static void late_fee_capped(void **state) {
    (void)state;
    LINE_IS(late(100000, 400, (fee_late_rule){.rate = 50}), 100000,   /* 2000.00 over the principal */
            "1000.00 元 × 万分之50/天 × 400 天（逾期 400 天） = 2000.00 元，四舍五入；超过上限 1000.00 元，按上限收取");
    assert_int_equal(late(100000, 400, (fee_late_rule){.rate = 50, .cap = 50000}).fen, 50000);
    assert_int_equal(late(100000, 400, (fee_late_rule){.rate = 50, .cap = 300000}).fen, 200000);
    assert_int_equal(late(100000, 200, (fee_late_rule){.rate = 50}).fen, 100000);   /* exactly the cap */
}

static void late_fee_refused(void **state) {
    (void)state;
    fee_line out;
    assert_int_equal(fee_late_fee(-1, 40, &(fee_late_rule){.rate = 5}, &out), FEE_E_NEGATIVE);
    assert_int_equal(fee_late_fee(100, 40, &(fee_late_rule){.rate = 10001}, &out), FEE_E_RANGE);
    assert_int_equal(fee_late_fee(100, 40, &(fee_late_rule){.rate = -1}, &out), FEE_E_RANGE);
    assert_int_equal(fee_late_fee(100, 40, &(fee_late_rule){.rate = 5, .grace_days = -1}, &out), FEE_E_NEGATIVE);
    assert_int_equal(fee_late_fee(100, 40, &(fee_late_rule){.rate = 5, .cap = -1}, &out), FEE_E_NEGATIVE);
    assert_int_equal(fee_late_fee(100, 40, &(fee_late_rule){.rate = 5, .round = {FEE_UP, (fee_round_unit)3}}, &out),
                     FEE_E_RANGE);
    assert_int_equal(fee_late_fee(INT64_MAX, INT64_MAX, &(fee_late_rule){.rate = 10000}, &out), FEE_E_OVERFLOW);
    assert_string_equal(out.text, "数值过大，无法计算");
    assert_int_equal(out.fen, 0);
}

/* ---- 大写 --------------------------------------------------------------------------------- */

static void caps(int64_t fen, const char *want) {
    char out[FEE_CAPITALS];
    fee_err e = fee_capitals(fen, out, sizeof out);
    if (e) fail_msg("%lld refused (%d)", (long long)fen, e);
    if (strcmp(out, want)) fail_msg("%lld → 「%s」, want 「%s」", (long long)fen, out, want);
}

static void capitals_of_everyday_amounts(void **state) {
    (void)state;
    caps(7224, "柒拾贰元贰角肆分");
    caps(100000, "壹仟元整");
    caps(100, "壹元整");
    caps(1000, "壹拾元整");
    caps(1050, "壹拾元伍角");
    caps(1055, "壹拾元伍角伍分");
    caps(5, "伍分");
    caps(50, "伍角");
    caps(55, "伍角伍分");
    caps(10, "壹角");
    caps(0, "零元整");
    caps(1500, "壹拾伍元整");
    caps(10880, "壹佰零捌元捌角");
}

static void capitals_zero_rules_within_a_section(void **state) {
    (void)state;
    caps(140950, "壹仟肆佰零玖元伍角");          /* 1409.50 */
    caps(600714, "陆仟零柒元壹角肆分");          /* 6007.14: several zeros, one 零 */
    caps(100100, "壹仟零壹元整");
    caps(101000, "壹仟零壹拾元整");
    caps(110000, "壹仟壹佰元整");
    caps(32504, "叁佰贰拾伍元零肆分");           /* 角 0, 分 not: 零 after 元 */
    caps(1640902, "壹万陆仟肆佰零玖元零贰分");
    caps(168032, "壹仟陆佰捌拾元叁角贰分");      /* 元 digit 0, 角 not: no 零 */
    caps(2000010, "贰万元壹角");
    caps(1000005, "壹万元零伍分");
}

static void capitals_zero_rules_across_wan_and_yi(void **state) {
    (void)state;
    caps(1000500, "壹万零伍元整");               /* 10005 */
    caps(10070000, "壹拾万零柒佰元整");          /* 100700 */
    caps(10700053, "壹拾万柒仟元伍角叁分");      /* 107000.53 */
    caps(1010100, "壹万零壹佰零壹元整");          /* 10101 */
    caps(INT64_C(400000000), "肆佰万元整");
    caps(INT64_C(4000000000), "肆仟万元整");
    caps(INT64_C(10000000000), "壹亿元整");
    caps(INT64_C(10000000100), "壹亿零壹元整");
    caps(INT64_C(10000100000), "壹亿零壹仟元整");
    caps(INT64_C(10010000000), "壹亿零壹拾万元整");
    caps(INT64_C(11000000000), "壹亿壹仟万元整");
    caps(INT64_C(12000034500), "壹亿贰仟万零叁佰肆拾伍元整");
    caps(INT64_C(100000000000), "壹拾亿元整");
    caps(INT64_C(1000000000000), "壹佰亿元整");
    caps(INT64_C(100000000000000), "壹万亿元整");
    caps(INT64_C(100010000000000), "壹万零壹亿元整");
    caps(INT64_C(100000001000000), "壹万亿零壹万元整");
    caps(INT64_C(10001000000000000), "壹佰万零壹佰亿元整");
    caps(INT64_C(999999999999999999),
         "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
}

static void capitals_negative_and_refused(void **state) {
    (void)state;
    caps(-5, "负伍分");
    caps(-1000500, "负壹万零伍元整");
    char out[FEE_CAPITALS], tiny[8];
    assert_int_equal(fee_capitals(INT64_C(1000000000000000000), out, sizeof out), FEE_E_OVERFLOW);
    assert_int_equal(fee_capitals(INT64_MIN, out, sizeof out), FEE_E_OVERFLOW);
    assert_int_equal(fee_capitals(INT64_MAX, out, sizeof out), FEE_E_OVERFLOW);
    assert_int_equal(fee_capitals(7224, tiny, sizeof tiny), FEE_E_OVERFLOW);
    assert_true(strlen(tiny) < sizeof tiny);
}

/* ---- prepayment offers -------------------------------------------------------------------- */

static fee_prepay prepay(fee_line_in in, fee_offer o) {
    fee_prepay out;
    fee_err e = fee_prepay_calc(&in, &o, &out);
    if (e) fail_msg("prepay refused (%d): %s", e, out.text);
    return out;
}

static void prepay_with_a_discount(void **state) {
    (void)state;
    fee_line_in in = {.rule = FEE_RULE_AREA, .area = 9030, .price = 15500};
    fee_prepay p = prepay(in, (fee_offer){FEE_OFFER_DISCOUNT, 12, 95, 0});
    assert_int_equal(p.due, 159560);          /* 139.965 × 12 × 0.95 = 1595.601 */
    assert_int_equal(p.full, 167958);
    assert_int_equal(p.months, 12);
    assert_string_equal(p.text, "90.30 m² × 1.5500 元/m²·月 × 12 个月 × 95% = 1595.60 元，四舍五入（预交 12 个月 95 折）");
    p = prepay((fee_line_in){.rule = FEE_RULE_FIXED, .price = 500000}, (fee_offer){FEE_OFFER_DISCOUNT, 6, 90, 0});
    assert_int_equal(p.due, 27000);
    assert_int_equal(p.full, 30000);
    assert_string_equal(p.text, "固定 50.00 元/月 × 6 个月 × 90% = 270.00 元，四舍五入（预交 6 个月 9 折）");
}

static void prepay_with_free_months(void **state) {
    (void)state;
    fee_line_in in = {.rule = FEE_RULE_AREA, .area = 9030, .price = 15500, .round = {FEE_DOWN, FEE_TO_FEN}};
    fee_prepay p = prepay(in, (fee_offer){FEE_OFFER_BONUS, 12, 0, 1});
    assert_int_equal(p.due, 167958);
    assert_int_equal(p.full, 181954);         /* 13 × 139.965 = 1819.545, 向下 */
    assert_int_equal(p.months, 13);
    assert_string_equal(p.text, "90.30 m² × 1.5500 元/m²·月 × 12 个月 = 1679.58 元，向下取整（交 12 送 1，共 13 个月）");
    p = prepay((fee_line_in){.rule = FEE_RULE_QUANTITY, .quantity = 100, .unit = "个", .price = 3000000},
               (fee_offer){FEE_OFFER_BONUS, 10, 0, 2});
    assert_int_equal(p.due, 300000);
    assert_int_equal(p.full, 360000);
    assert_int_equal(p.months, 12);
}

static void prepay_refused(void **state) {
    (void)state;
    fee_line_in in = {.rule = FEE_RULE_AREA, .area = 9030, .price = 15500};
    fee_meter m = {.previous = 1, .current = 2, .multiplier = 1, .unit = "吨"};
    fee_line_in meter = {.rule = FEE_RULE_METER, .meter = &m, .price = 1};
    static const fee_offer bad[] = {
        {FEE_OFFER_DISCOUNT, 12, 100, 0}, {FEE_OFFER_DISCOUNT, 12, 0, 0}, {FEE_OFFER_DISCOUNT, 0, 95, 0},
        {FEE_OFFER_DISCOUNT, 37, 95, 0}, {FEE_OFFER_BONUS, 12, 0, 0}, {FEE_OFFER_BONUS, 30, 0, 7},
        {(fee_offer_kind)5, 12, 95, 1},
    };
    fee_prepay out;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (fee_prepay_calc(&in, &bad[i], &out) != FEE_E_RANGE) fail_msg("offer %zu accepted", i);
    assert_int_equal(fee_prepay_calc(&meter, &(fee_offer){FEE_OFFER_DISCOUNT, 12, 95, 0}, &out), FEE_E_RANGE);
    in.price = -1;
    assert_int_equal(fee_prepay_calc(&in, &(fee_offer){FEE_OFFER_DISCOUNT, 12, 95, 0}, &out), FEE_E_NEGATIVE);
    assert_int_equal(out.due, 0);
}

/* ---- the module ---------------------------------------------------------------------------- */

static void the_module_declares_its_permissions(void **state) {
    (void)state;
    assert_int_equal(perm_roles("fees.read") & (ROLE_CASHIER | ROLE_STEWARD | ROLE_AGENT),
                     ROLE_CASHIER | ROLE_STEWARD | ROLE_AGENT);
    assert_int_equal(perm_roles("fees.collect"), ROLE_ADMIN | ROLE_MANAGER | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_CASHIER);
    assert_int_equal(perm_roles("fees.approve"), ROLE_ADMIN | ROLE_MANAGER);
    assert_int_equal(perm_roles("fees.write"), ROLE_ADMIN | ROLE_MANAGER);
    assert_int_equal(perm_roles("fees.read") & (ROLE_TECHNICIAN | ROLE_STOREKEEPER), 0);
}

int test_fees_calc(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prices_parse_to_ten_thousandths),
        cmocka_unit_test(prices_refuse_bad_text),
        cmocka_unit_test(areas_and_quantities_parse_to_hundredths),
        cmocka_unit_test(decimals_of_a_reading),
        cmocka_unit_test(fixed_point_text),
        cmocka_unit_test(rounding_at_exact_halves),
        cmocka_unit_test(exact_amounts_are_not_moved),
        cmocka_unit_test(rounding_to_jiao_and_yuan),
        cmocka_unit_test(rounding_refuses_bad_input),
        cmocka_unit_test(rounding_codes_and_words),
        cmocka_unit_test(days_of_months_and_leap_years),
        cmocka_unit_test(dates_parse_strictly),
        cmocka_unit_test(a_partial_month_is_days_over_its_days),
        cmocka_unit_test(february_in_leap_and_common_years),
        cmocka_unit_test(quarters_years_and_month_ends),
        cmocka_unit_test(periods_refused_or_empty),
        cmocka_unit_test(the_issue_example_line),
        cmocka_unit_test(area_lines_by_month_and_rounding),
        cmocka_unit_test(a_quarter_is_rounded_once_not_per_month),
        cmocka_unit_test(proration_in_leap_february_and_a_quarter),
        cmocka_unit_test(fixed_and_quantity_lines),
        cmocka_unit_test(lines_refuse_bad_input),
        cmocka_unit_test(lines_refuse_overflow),
        cmocka_unit_test(meter_line_as_in_the_issue),
        cmocka_unit_test(meter_with_decimals_multiplier_and_loss),
        cmocka_unit_test(meter_rollover_when_its_maximum_is_declared),
        cmocka_unit_test(meter_replacement_when_recorded),
        cmocka_unit_test(meter_reading_below_the_last_is_refused),
        cmocka_unit_test(meter_settings_refused),
        cmocka_unit_test(shares_add_up_to_the_total),
        cmocka_unit_test(the_largest_remainder_gets_the_fen),
        cmocka_unit_test(shares_of_many_units_stay_within_a_fen),
        cmocka_unit_test(shares_refused),
        cmocka_unit_test(share_explained),
        cmocka_unit_test(late_fee_after_grace_days),
        cmocka_unit_test(late_fee_not_due),
        cmocka_unit_test(late_fee_capped),
        cmocka_unit_test(late_fee_refused),
        cmocka_unit_test(capitals_of_everyday_amounts),
        cmocka_unit_test(capitals_zero_rules_within_a_section),
        cmocka_unit_test(capitals_zero_rules_across_wan_and_yi),
        cmocka_unit_test(capitals_negative_and_refused),
        cmocka_unit_test(prepay_with_a_discount),
        cmocka_unit_test(prepay_with_free_months),
        cmocka_unit_test(prepay_refused),
        cmocka_unit_test(the_module_declares_its_permissions),
    };
    return cmocka_run_group_tests_name("fees_calc", tests, NULL, NULL);
}
