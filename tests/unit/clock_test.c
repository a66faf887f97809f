/*
** clock_test.c — ISO 8601 parsing and formatting, the test clock (src/core/clock.h).
*/
#include "unit.h"
#include <time.h>

static int reset_clock(void **state) {
    (void)state;
    clock_reset();
    clock_set_display_offset(480);
    return 0;
}

static void check_parse(const char *s, int64_t want) {
    int64_t t = -1;
    if (!clock_parse_iso(s, &t)) fail_msg("clock_parse_iso rejected \"%s\"", s);
    assert_int_equal(t, want);
}

static void check_reject(const char *s) {
    int64_t t = 0;
    if (clock_parse_iso(s, &t)) fail_msg("clock_parse_iso accepted \"%s\" as %lld", s, (long long)t);
}

static void parse_with_offset(void **state) {
    (void)state;
    check_parse("2026-11-25T09:00:00+08:00", T_20261125_0900);
    check_parse("2026-11-25T09:00:00+0800", T_20261125_0900);
    check_parse("2026-11-24T20:00:00-05:00", T_20261125_0900);
}

static void parse_utc_z(void **state) {
    (void)state;
    check_parse("2026-11-25T01:00:00Z", T_20261125_0900);
    check_parse("1970-01-01T00:00:00Z", 0);
}

static void parse_space_form_uses_office_offset(void **state) {
    (void)state;
    check_parse("2026-11-25 09:00:00", T_20261125_0900);
    check_parse("2026-11-25T09:00", T_20261125_0900);
}

static void parse_date_only_is_office_midnight(void **state) {
    (void)state;
    check_parse("2026-11-25", T_20261125_0900 - 9 * 3600);
}

static void parse_fractional_seconds(void **state) {
    (void)state;
    check_parse("2026-11-25T01:00:00.123Z", T_20261125_0900);
    check_parse("2026-11-25T09:00:05.999999+08:00", T_20261125_0900 + 5);
}

static void parse_leap_day(void **state) {
    (void)state;
    check_parse("2028-02-29", INT64_C(1835395200) - 8 * 3600);
    check_reject("2026-02-29");
    check_reject("2100-02-29");
    check_reject("2028-02-30");
}

static void parse_rejects_invalid(void **state) {
    (void)state;
    check_reject("2026-02-30");
    check_reject("2026-13-01");
    check_reject("2026-00-10");
    check_reject("2026-11-00");
    check_reject("junk");
    check_reject("");
    check_reject(NULL);
    check_reject("2026-11-25T25:00");
    check_reject("2026-11-25T09:60:00Z");
    check_reject("2026-11-25T09:00:00+08:00x");
    check_reject("2026-11-25x");
    check_reject("2026/11/25");
}

/* Only instants clock_iso writes back in a year the parser reads (1970–9999 in office time):
** the fuzzer's money_date target found these two refused after a round trip. */
static void parse_rejects_office_time_out_of_range(void **state) {
    (void)state;
    check_reject("1970-01-01T00:00:00+14:00");      /* 1969-12-31T18:00 at +08:00 */
    check_reject("9999-12-31T23:00:00-14:00");      /* 10000-01-01 at +08:00 */
    check_parse("1970-01-01", -8 * 3600);           /* office midnight: still 1970 */
    check_parse("9999-12-31T15:59:59Z", 253402271999LL);   /* 23:59:59 at +08:00 */
}

static void iso_formats_office_time(void **state) {
    (void)state;
    char out[40];
    clock_iso(T_20261125_0900, out, sizeof out);
    assert_string_equal(out, "2026-11-25T09:00:00+08:00");
    clock_iso(0, out, sizeof out);
    assert_string_equal(out, "1970-01-01T08:00:00+08:00");
}

static void iso_round_trip(void **state) {
    (void)state;
    static const int64_t ts[] = {1, T_20261125_0900, T_20261125_0900 + 86399, INT64_C(1835366400)};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        char out[40];
        int64_t back = -1;
        clock_iso(ts[i], out, sizeof out);
        assert_true(clock_parse_iso(out, &back));
        assert_int_equal(back, ts[i]);
    }
}

static void iso_with_other_display_offset(void **state) {
    (void)state;
    char out[40];
    clock_set_display_offset(-330);
    assert_int_equal(clock_display_offset(), -330);
    clock_iso(T_20261125_0900, out, sizeof out);
    assert_string_equal(out, "2026-11-24T19:30:00-05:30");
    int64_t back = 0;
    assert_true(clock_parse_iso("2026-11-24 19:30:00", &back));
    assert_int_equal(back, T_20261125_0900);
    clock_set_display_offset(480);
}

static void test_clock_set_advance_reset(void **state) {
    (void)state;
    clock_set_now(T_20261125_0900);
    int64_t n = clock_now();
    assert_true(n >= T_20261125_0900 && n <= T_20261125_0900 + 2);
    clock_advance(3600);
    n = clock_now();
    assert_true(n >= T_20261125_0900 + 3600 && n <= T_20261125_0900 + 3602);
    clock_advance(-7200);
    n = clock_now();
    assert_true(n >= T_20261125_0900 - 3600 && n <= T_20261125_0900 - 3598);
    clock_reset();
    int64_t real = (int64_t)time(NULL);
    n = clock_now();
    assert_true(n >= real - 1 && n <= real + 1);
}

static void ymd_uses_office_date(void **state) {
    (void)state;
    char ymd[16];
    clock_ymd(T_20261125_0900, ymd, sizeof ymd);
    assert_string_equal(ymd, "20261125");
    /* 23:59:59 +08:00 is still the 25th; 00:00 +08:00 (16:00 UTC) is the 26th */
    clock_ymd(T_20261125_0900 + 15 * 3600 - 1, ymd, sizeof ymd);
    assert_string_equal(ymd, "20261125");
    clock_ymd(T_20261125_0900 + 15 * 3600, ymd, sizeof ymd);
    assert_string_equal(ymd, "20261126");
    /* 00:30 on the 25th office time is 16:30 UTC on the 24th */
    clock_ymd(T_20261125_0900 - 8 * 3600 - 1800, ymd, sizeof ymd);
    assert_string_equal(ymd, "20261125");
}

int test_clock(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_with_offset),
        cmocka_unit_test(parse_utc_z),
        cmocka_unit_test(parse_space_form_uses_office_offset),
        cmocka_unit_test(parse_date_only_is_office_midnight),
        cmocka_unit_test(parse_fractional_seconds),
        cmocka_unit_test(parse_leap_day),
        cmocka_unit_test(parse_rejects_invalid),
        cmocka_unit_test(parse_rejects_office_time_out_of_range),
        cmocka_unit_test(iso_formats_office_time),
        cmocka_unit_test(iso_round_trip),
        cmocka_unit_test_teardown(iso_with_other_display_offset, reset_clock),
        cmocka_unit_test_teardown(test_clock_set_advance_reset, reset_clock),
        cmocka_unit_test(ymd_uses_office_date),
    };
    return cmocka_run_group_tests_name("clock", tests, reset_clock, reset_clock);
}
