/*
** seq_test.c — gap-free document numbers (src/core/seq.h).
*/
#include "unit.h"

static db *D(void **state) { return ((tdb *)*state)->d; }

#define DAY1 T_20261125_0900              /* 2026-11-25 09:00 +08:00 */
#define DAY1_LATE (DAY1 + 15 * 3600 - 1)  /* 2026-11-25 23:59:59 +08:00 */
#define DAY2 (DAY1 + 15 * 3600)           /* 2026-11-26 00:00:00 +08:00 */

static void next(db *d, int64_t project, const char *prefix, int64_t now, const char *want) {
    char out[40] = "";
    assert_int_equal(seq_next_daily(d, project, prefix, now, out, sizeof out), E_OK);
    assert_string_equal(out, want);
}

static void same_day_counts_up(void **state) {
    db *d = D(state);
    next(d, 1, "BX", DAY1, "BX20261125-0001");
    next(d, 1, "BX", DAY1 + 60, "BX20261125-0002");
    next(d, 1, "BX", DAY1_LATE, "BX20261125-0003");
}

static void next_day_restarts(void **state) {
    db *d = D(state);
    next(d, 1, "BX", DAY1, "BX20261125-0001");
    next(d, 1, "BX", DAY1, "BX20261125-0002");
    next(d, 1, "BX", DAY2, "BX20261126-0001");
    next(d, 1, "BX", DAY2 + 10, "BX20261126-0002");
}

static void separate_per_project_and_prefix(void **state) {
    db *d = D(state);
    next(d, 1, "BX", DAY1, "BX20261125-0001");
    next(d, 2, "BX", DAY1, "BX20261125-0001");
    next(d, 1, "TS", DAY1, "TS20261125-0001");
    next(d, 1, "BX", DAY1, "BX20261125-0002");
    next(d, 2, "BX", DAY1, "BX20261125-0002");
    next(d, 1, "TS", DAY1, "TS20261125-0002");
}

static void rollback_gives_number_back(void **state) {
    db *d = D(state);
    assert_int_equal(db_begin(d), E_OK);
    next(d, 1, "BX", DAY1, "BX20261125-0001");
    assert_int_equal(db_commit(d), E_OK);
    assert_int_equal(db_begin(d), E_OK);
    next(d, 1, "BX", DAY1, "BX20261125-0002");
    db_rollback(d);
    assert_int_equal(db_begin(d), E_OK);
    next(d, 1, "BX", DAY1, "BX20261125-0002");
    assert_int_equal(db_commit(d), E_OK);
}

static void plain_counter_by_name_and_period(void **state) {
    db *d = D(state);
    int64_t v = 0;
    assert_int_equal(seq_next(d, 1, "receipt", "", &v), E_OK);
    assert_int_equal(v, 1);
    assert_int_equal(seq_next(d, 1, "receipt", "", &v), E_OK);
    assert_int_equal(v, 2);
    assert_int_equal(seq_next(d, 1, "receipt", "2027", &v), E_OK);
    assert_int_equal(v, 1);
    assert_int_equal(seq_next(d, 1, "receipt", "", &v), E_OK);
    assert_int_equal(v, 3);
}

int test_seq(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(same_day_counts_up, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(next_day_restarts, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(separate_per_project_and_prefix, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(rollback_gives_number_back, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(plain_counter_by_name_and_period, tdb_setup, tdb_teardown),
    };
    return cmocka_run_group_tests_name("seq", tests, NULL, NULL);
}
