/*
** json_test.c — JSON string escaping (buf_json_str) and the jw writer.
*/
#include "unit.h"
#include <jansson.h>

/* Escapes s (n bytes) and compares with the expected JSON text. */
static void check_escn(const char *s, size_t n, const char *want) {
    buf b;
    buf_init(&b);
    buf_json_strn(&b, s, n);
    assert_true(buf_ok(&b));
    assert_string_equal(buf_cstr(&b), want);
    buf_free(&b);
}

static void check_esc(const char *s, const char *want) {
    buf b;
    buf_init(&b);
    buf_json_str(&b, s);
    assert_string_equal(buf_cstr(&b), want);
    buf_free(&b);
}

/* The escaped text parses back with jansson to `back` (as bytes). */
static void check_roundtrip(const char *s, const char *back) {
    buf b;
    buf_init(&b);
    buf_json_str(&b, s);
    json_error_t je;
    json_t *v = json_loads(buf_cstr(&b), JSON_DECODE_ANY, &je);
    assert_non_null(v);
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), back);
    json_decref(v);
    buf_free(&b);
}

static void escapes_quotes_and_backslash(void **state) {
    (void)state;
    check_esc("a\"b\\c", "\"a\\\"b\\\\c\"");
    check_esc("", "\"\"");
}

static void escapes_newline_tab_cr(void **state) {
    (void)state;
    check_esc("x\ny\tz\r", "\"x\\ny\\tz\\r\"");
}

static void escapes_control_chars_as_u00xx(void **state) {
    (void)state;
    check_esc("\x01", "\"\\u0001\"");
    check_esc("a\x1f" "b", "\"a\\u001fb\"");
    check_escn("a\0b", 3, "\"a\\u0000b\"");
}

static void escapes_html_specials(void **state) {
    (void)state;
    check_esc("<script>&", "\"\\u003cscript\\u003e\\u0026\"");
}

static void chinese_passes_through(void **state) {
    (void)state;
    check_esc("物业客服中心", "\"物业客服中心\"");
    check_esc("¥12 😀", "\"¥12 😀\"");
    check_roundtrip("李静 <a&b>\n\"q\"", "李静 <a&b>\n\"q\"");
}

static void invalid_utf8_becomes_replacement(void **state) {
    (void)state;
    check_esc("a\xC3", "\"a\\ufffd\"");                  /* lone lead byte at end */
    check_esc("\xC3" "A", "\"\\ufffdA\"");               /* lead byte without continuation */
    check_esc("\xFF", "\"\\ufffd\"");
    check_esc("\xC0\xAF", "\"\\ufffd\\ufffd\"");          /* overlong '/' */
    check_esc("\xED\xA0\x80", "\"\\ufffd\\ufffd\\ufffd\"");   /* UTF-16 surrogate D800 */
    check_esc("\xF4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");   /* > U+10FFFF */
    check_esc("ok\xE4\xB8\xAD", "\"ok中\"");
    /* the result is valid JSON and decodes to U+FFFD */
    check_roundtrip("x\xFFy", "x\xEF\xBF\xBDy");
}

static void null_string_is_null(void **state) {
    (void)state;
    check_esc(NULL, "null");
}

static void jw_nested_with_commas(void **state) {
    (void)state;
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_int(&w, "id", 3);
    jw_str(&w, "name", "李静");
    jw_arr(&w, "tags");
    jw_str(&w, NULL, "a");
    jw_int(&w, NULL, -7);
    jw_obj(&w, NULL);
    jw_bool(&w, "ok", true);
    jw_end(&w);
    jw_arr(&w, NULL);
    jw_end(&w);
    jw_end(&w);
    jw_obj(&w, "empty");
    jw_end(&w);
    jw_null(&w, "none");
    jw_bool(&w, "f", false);
    jw_str(&w, "s", NULL);
    jw_money(&w, "fen", 12345);
    jw_end(&w);
    assert_string_equal(buf_cstr(&b),
        "{\"id\":3,\"name\":\"李静\",\"tags\":[\"a\",-7,{\"ok\":true},[]],\"empty\":{},"
        "\"none\":null,\"f\":false,\"s\":null,\"fen\":12345}");

    json_error_t je;
    json_t *v = json_loads(buf_cstr(&b), 0, &je);
    assert_non_null(v);
    assert_int_equal(json_integer_value(json_object_get(v, "id")), 3);
    assert_string_equal(json_string_value(json_object_get(v, "name")), "李静");
    assert_int_equal(json_array_size(json_object_get(v, "tags")), 4);
    assert_true(json_is_null(json_object_get(v, "s")));
    json_decref(v);
    buf_free(&b);
}

static void jw_top_level_array_of_objects(void **state) {
    (void)state;
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_arr(&w, NULL);
    for (int i = 1; i <= 3; i++) {
        jw_obj(&w, NULL);
        jw_int(&w, "i", i);
        jw_end(&w);
    }
    jw_end(&w);
    assert_string_equal(buf_cstr(&b), "[{\"i\":1},{\"i\":2},{\"i\":3}]");
    buf_free(&b);
}

static void jw_time_zero_is_null_and_known_epoch_is_iso(void **state) {
    (void)state;
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_time(&w, "never", 0);
    jw_time(&w, "at", T_20261125_0900);
    jw_end(&w);
    assert_string_equal(buf_cstr(&b), "{\"never\":null,\"at\":\"2026-11-25T09:00:00+08:00\"}");
    buf_free(&b);
}

static void jw_raw_inserts_trusted_json(void **state) {
    (void)state;
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_raw(&w, "data", "{\"a\":[1,2]}");
    jw_raw(&w, "nothing", NULL);
    jw_end(&w);
    assert_string_equal(buf_cstr(&b), "{\"data\":{\"a\":[1,2]},\"nothing\":null}");
    json_error_t je;
    json_t *v = json_loads(buf_cstr(&b), 0, &je);
    assert_non_null(v);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(json_object_get(v, "data"), "a"), 1)), 2);
    json_decref(v);
    buf_free(&b);
}

static void jw_escapes_keys(void **state) {
    (void)state;
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_int(&w, "a\"<", 1);
    jw_end(&w);
    assert_string_equal(buf_cstr(&b), "{\"a\\\"\\u003c\":1}");
    buf_free(&b);
}

/* buf_printf prints into spare capacity when it fits and grows otherwise: appending pieces
** of every length across the growth points keeps exactly the text appended. */
static void buf_printf_across_growth(void **state) {
    (void)state;
    buf b, want;
    buf_init(&b);
    buf_init(&want);
    for (int len = 1; len < 700; len += 7) {
        buf_printf(&b, "%0*d|", len, len % 10);
        for (int i = 0; i < len; i++) buf_putc(&want, i == len - 1 ? (char)('0' + len % 10) : '0');
        buf_putc(&want, '|');
    }
    assert_true(buf_ok(&b));
    assert_int_equal(b.len, want.len);
    assert_string_equal(buf_cstr(&b), buf_cstr(&want));
    assert_int_equal(strlen(buf_cstr(&b)), b.len);
    buf_free(&b);
    buf_free(&want);
}

int test_json(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_quotes_and_backslash),
        cmocka_unit_test(escapes_newline_tab_cr),
        cmocka_unit_test(escapes_control_chars_as_u00xx),
        cmocka_unit_test(escapes_html_specials),
        cmocka_unit_test(chinese_passes_through),
        cmocka_unit_test(invalid_utf8_becomes_replacement),
        cmocka_unit_test(null_string_is_null),
        cmocka_unit_test(jw_nested_with_commas),
        cmocka_unit_test(jw_top_level_array_of_objects),
        cmocka_unit_test(jw_time_zero_is_null_and_known_epoch_is_iso),
        cmocka_unit_test(jw_raw_inserts_trusted_json),
        cmocka_unit_test(jw_escapes_keys),
        cmocka_unit_test(buf_printf_across_growth),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
