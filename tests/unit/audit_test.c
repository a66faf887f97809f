/*
** audit_test.c — the hash-chained audit log (src/core/audit.h).
*/
#include "unit.h"
#include <ctype.h>

static db *D(void **state) { return ((tdb *)*state)->d; }

/* Appends five rows of different shapes: ids 1..5. */
static void append_five(db *d) {
    audit_actor who = {7, "李静", "10.0.0.1"};
    audit_actor anon = {0, NULL, NULL};
    assert_int_equal(audit_append(d, &who, 1, "user", 3, "create", "{\"name\":\"x\"}", 1000), E_OK);
    assert_int_equal(audit_append(d, &who, 0, "system", 0, "login", NULL, 1001), E_OK);
    assert_int_equal(audit_append(d, NULL, 1, "project", 1, "update", "{\"a\":1}", 1002), E_OK);
    assert_int_equal(audit_append(d, &anon, 0, "deadline", 9, "overdue", "{}", 1003), E_OK);
    assert_int_equal(audit_append(d, &who, 1, "user", 3, "disable", "{\"disabled\":true}", 1004), E_OK);
}

static bool is_hex64(const char *s) {
    if (!s || strlen(s) != 64) return false;
    for (int i = 0; i < 64; i++)
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i])) return false;
    return true;
}

static void intact_chain_verifies(void **state) {
    db *d = D(state);
    char report[256] = "";
    assert_int_equal(audit_verify(d, report, sizeof report), 0);   /* empty log */
    append_five(d);
    assert_int_equal(tdb_count(d, "audit_log"), 5);
    assert_int_equal(audit_verify(d, report, sizeof report), 0);
    assert_string_equal(report, "审计链完整");
}

static void rows_store_what_was_given(void **state) {
    db *d = D(state);
    append_five(d);
    arena a;
    arena_init(&a, 0);
    assert_string_equal(db_text(d, &a, "SELECT changes FROM audit_log WHERE id = 2"), "{}");
    assert_string_equal(db_text(d, &a, "SELECT actor_name FROM audit_log WHERE id = 3"), "系统");
    assert_true(db_exists(d, "SELECT 1 FROM audit_log WHERE id = 2 AND project_id IS NULL AND entity_id IS NULL"));
    assert_true(db_exists(d, "SELECT 1 FROM audit_log WHERE id = 4 AND actor_id IS NULL"));
    assert_true(db_exists(d, "SELECT 1 FROM audit_log WHERE id = 1 AND actor_id = 7 AND project_id = 1 "
                             "AND entity = 'user' AND entity_id = 3 AND action = 'create' AND at = 1000 "
                             "AND ip = '10.0.0.1'"));
    arena_free(&a);
}

static void first_prev_hash_is_zeros_and_hashes_are_hex(void **state) {
    db *d = D(state);
    append_five(d);
    arena a;
    arena_init(&a, 0);
    assert_string_equal(db_text(d, &a, "SELECT prev_hash FROM audit_log WHERE id = 1"),
                        "0000000000000000000000000000000000000000000000000000000000000000");
    for (int id = 1; id <= 5; id++) {
        const char *h = db_text(d, &a, "SELECT hash FROM audit_log WHERE id = ?", DI(id));
        assert_true(is_hex64(h));
        if (id < 5) {
            const char *next_prev = db_text(d, &a, "SELECT prev_hash FROM audit_log WHERE id = ?", DI(id + 1));
            assert_string_equal(next_prev, h);
        }
    }
    /* all hashes differ */
    int64_t n = 0;
    assert_true(db_int(d, &n, "SELECT COUNT(DISTINCT hash) FROM audit_log"));
    assert_int_equal(n, 5);
    arena_free(&a);
}

static void edited_changes_are_found(void **state) {
    db *d = D(state);
    char report[256];
    append_five(d);
    assert_int_equal(db_exec(d, "UPDATE audit_log SET changes = '{\"a\":2}' WHERE id = 3"), E_OK);
    assert_int_equal(audit_verify(d, report, sizeof report), 3);
    assert_non_null(strstr(report, "3"));
}

static void edited_actor_or_time_is_found(void **state) {
    db *d = D(state);
    char report[256];
    append_five(d);
    assert_int_equal(db_exec(d, "UPDATE audit_log SET actor_name = '别人' WHERE id = 5"), E_OK);
    assert_int_equal(audit_verify(d, report, sizeof report), 5);
    assert_int_equal(db_exec(d, "UPDATE audit_log SET actor_name = '李静', at = 1 WHERE id = 5"), E_OK);
    assert_int_equal(audit_verify(d, report, sizeof report), 5);
    assert_int_equal(db_exec(d, "UPDATE audit_log SET at = 1004 WHERE id = 5"), E_OK);
    assert_int_equal(audit_verify(d, report, sizeof report), 0);   /* restored */
}

static void deleted_middle_row_is_found_at_next(void **state) {
    db *d = D(state);
    char report[256];
    append_five(d);
    assert_int_equal(db_exec(d, "DELETE FROM audit_log WHERE id = 3"), E_OK);
    assert_int_equal(audit_verify(d, report, sizeof report), 4);
}

static void deleted_first_row_is_found(void **state) {
    db *d = D(state);
    char report[256];
    append_five(d);
    assert_int_equal(db_exec(d, "DELETE FROM audit_log WHERE id = 1"), E_OK);
    assert_int_equal(audit_verify(d, report, sizeof report), 2);
}

static void edited_prev_hash_is_found(void **state) {
    db *d = D(state);
    char report[256];
    append_five(d);
    assert_int_equal(db_exec(d, "UPDATE audit_log SET prev_hash = ? WHERE id = 3",
                             DT("1111111111111111111111111111111111111111111111111111111111111111")), E_OK);
    assert_int_equal(audit_verify(d, report, sizeof report), 3);
}

/* The id is hashed: renumbering the last row (nothing after it to break) is found. */
static void renumbered_row_is_found(void **state) {
    db *d = D(state);
    char report[256];
    append_five(d);
    assert_int_equal(db_exec(d, "UPDATE audit_log SET id = 50 WHERE id = 5"), E_OK);
    assert_int_equal(audit_verify(d, report, sizeof report), 50);
}

static void append_after_gap_continues_from_last(void **state) {
    db *d = D(state);
    append_five(d);
    assert_int_equal(audit_append(d, NULL, 0, "x", 0, "y", NULL, 2000), E_OK);
    int64_t id = 0;
    assert_true(db_int(d, &id, "SELECT MAX(id) FROM audit_log"));
    assert_int_equal(id, 6);
    char report[256];
    assert_int_equal(audit_verify(d, report, sizeof report), 0);
}

int test_audit(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(intact_chain_verifies, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(rows_store_what_was_given, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(first_prev_hash_is_zeros_and_hashes_are_hex, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(edited_changes_are_found, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(edited_actor_or_time_is_found, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(deleted_middle_row_is_found_at_next, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(deleted_first_row_is_found, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(edited_prev_hash_is_found, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(renumbered_row_is_found, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(append_after_gap_continues_from_last, tdb_setup, tdb_teardown),
    };
    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
