/*
** money_test.c — fen formatting and parsing (src/core/money.h).
*/
#include "unit.h"

static void check_fmt(int64_t fen, const char *want) {
    char out[32];
    money_format(fen, out, sizeof out);
    assert_string_equal(out, want);
}

static void check_parse(const char *s, int64_t want) {
    int64_t v = INT64_C(-999999);
    assert_true(money_parse(s, &v));
    assert_int_equal(v, want);
}

static void check_reject(const char *s) {
    int64_t v = 0;
    if (money_parse(s, &v)) fail_msg("money_parse accepted \"%s\" as %lld", s, (long long)v);
}

static void format_small_amounts(void **state) {
    (void)state;
    check_fmt(0, "¥0.00");
    check_fmt(5, "¥0.05");
    check_fmt(100, "¥1.00");
    check_fmt(99999, "¥999.99");
}

static void format_groups_thousands(void **state) {
    (void)state;
    check_fmt(123450, "¥1,234.50");
    check_fmt(100000000, "¥1,000,000.00");
    check_fmt(12345678901, "¥123,456,789.01");
}

static void format_negative(void **state) {
    (void)state;
    check_fmt(-5, "-¥0.05");
    check_fmt(-123450, "-¥1,234.50");
}

static void format_extremes_do_not_crash(void **state) {
    (void)state;
    check_fmt(INT64_MIN, "-¥92,233,720,368,547,758.08");
    check_fmt(INT64_MAX, "¥92,233,720,368,547,758.07");
    char tiny[8];
    money_format(123450, tiny, sizeof tiny);   /* truncates, stays terminated */
    assert_true(strlen(tiny) < sizeof tiny);
}

static void parse_plain_and_grouped(void **state) {
    (void)state;
    check_parse("1234.5", 123450);
    check_parse("1,234.50", 123450);
    check_parse("0.1", 10);
    check_parse("0.05", 5);
    check_parse("7", 700);
}

static void parse_yen_sign_and_negative(void **state) {
    (void)state;
    check_parse("¥12", 1200);
    check_parse("-3.07", -307);
    check_parse("-¥0.05", -5);
}

static void parse_round_trips_format(void **state) {
    (void)state;
    static const int64_t vals[] = {0, 1, 99, 100, 123450, -307, 100000000, INT64_C(900000000000000000)};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char out[48];
        money_format(vals[i], out, sizeof out);
        check_parse(out, vals[i]);
    }
}

static void parse_rejects_junk(void **state) {
    (void)state;
    check_reject("");
    check_reject("abc");
    check_reject("1.234");
    check_reject("1.");
    check_reject("1e5");
    check_reject("--1");
    check_reject("-");
    check_reject("¥");
    check_reject("12 ");
    check_reject("+5");
    check_reject("1.2.3");
    check_reject(NULL);
}

/* A comma is a thousands separator only: "1,23" must not become ¥123 when 1.23 was meant. */
static void parse_rejects_misplaced_commas(void **state) {
    (void)state;
    check_parse("12,345,678.90", 1234567890);
    check_parse("999,999", 99999900);
    check_reject("1,23");
    check_reject(",5");
    check_reject("1234,567");
    check_reject("1,2345");
    check_reject("1,,234");
    check_reject("1,234,");
}

static void parse_rejects_overflow(void **state) {
    (void)state;
    check_reject("999999999999999999999");
    check_reject("92233720368547758.08");
    check_reject("-999999999999999999999.99");
}

int test_money(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_small_amounts),
        cmocka_unit_test(format_groups_thousands),
        cmocka_unit_test(format_negative),
        cmocka_unit_test(format_extremes_do_not_crash),
        cmocka_unit_test(parse_plain_and_grouped),
        cmocka_unit_test(parse_yen_sign_and_negative),
        cmocka_unit_test(parse_round_trips_format),
        cmocka_unit_test(parse_rejects_junk),
        cmocka_unit_test(parse_rejects_misplaced_commas),
        cmocka_unit_test(parse_rejects_overflow),
    };
    return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
