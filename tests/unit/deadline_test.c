/*
** deadline_test.c — deadlines, meeting them and the overdue tick (src/core/deadline.h).
*/
#include "unit.h"

static db *D(void **state) { return ((tdb *)*state)->d; }

#define NOW T_20261125_0900
#define HOUR 3600

/* Three deadlines: order 1 callback due +1h, order 2 callback due +2h, order 3 visit due +24h. */
static void open_three(db *d) {
    assert_int_equal(deadline_open(d, 1, "repair_order", 1, "callback", "回访 1", NOW + HOUR, NOW), E_OK);
    assert_int_equal(deadline_open(d, 1, "repair_order", 2, "callback", "回访 2", NOW + 2 * HOUR, NOW), E_OK);
    assert_int_equal(deadline_open(d, 1, "repair_order", 3, "visit", NULL, NOW + 24 * HOUR, NOW), E_OK);
}

static int64_t count_where(db *d, const char *cond) {
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM deadlines WHERE %s", cond);
    int64_t n = -1;
    assert_true(db_int(d, &n, sql));
    return n;
}

static void open_writes_rows(void **state) {
    db *d = D(state);
    open_three(d);
    assert_int_equal(tdb_count(d, "deadlines"), 3);
    assert_int_equal(count_where(d, "met_at IS NULL AND overdue_at IS NULL AND created_at = 1795568400"), 3);
    arena a;
    arena_init(&a, 0);
    assert_string_equal(db_text(d, &a, "SELECT title FROM deadlines WHERE entity_id = 1"), "回访 1");
    assert_string_equal(db_text(d, &a, "SELECT title FROM deadlines WHERE entity_id = 3"), "");
    arena_free(&a);
    int64_t due = 0;
    assert_true(db_int(d, &due, "SELECT due_at FROM deadlines WHERE entity_id = 2"));
    assert_int_equal(due, NOW + 2 * HOUR);
}

static void tick_before_due_marks_nothing(void **state) {
    db *d = D(state);
    open_three(d);
    assert_int_equal(deadline_tick(d, NOW), 0);
    assert_int_equal(deadline_tick(d, NOW + HOUR), 0);   /* due_at < now, not <= */
    assert_int_equal(count_where(d, "overdue_at IS NOT NULL"), 0);
    assert_int_equal(tdb_count(d, "audit_log"), 0);
}

static void tick_after_due_marks_exactly_the_overdue(void **state) {
    db *d = D(state);
    open_three(d);
    int64_t t = NOW + 2 * HOUR + 1;
    assert_int_equal(deadline_tick(d, t), 2);
    assert_int_equal(count_where(d, "overdue_at IS NOT NULL"), 2);
    assert_int_equal(count_where(d, "overdue_at = 1795575601 AND entity_id IN (1, 2)"), 2);
    assert_int_equal(count_where(d, "entity_id = 3 AND overdue_at IS NULL"), 1);
}

static void tick_writes_one_audit_row_each(void **state) {
    db *d = D(state);
    open_three(d);
    assert_int_equal(deadline_tick(d, NOW + 2 * HOUR + 1), 2);
    assert_int_equal(tdb_count(d, "audit_log"), 2);
    int64_t n = 0;
    assert_true(db_int(d, &n, "SELECT COUNT(*) FROM audit_log WHERE action = 'overdue' AND "
                              "entity = 'repair_order' AND project_id = 1 AND actor_id IS NULL AND at = ?",
                       DI(NOW + 2 * HOUR + 1)));
    assert_int_equal(n, 2);
    assert_true(db_exists(d, "SELECT 1 FROM audit_log WHERE entity_id = 1"));
    assert_true(db_exists(d, "SELECT 1 FROM audit_log WHERE entity_id = 2"));
    arena a;
    arena_init(&a, 0);
    const char *ch = db_text(d, &a, "SELECT changes FROM audit_log WHERE entity_id = 1");
    assert_non_null(strstr(ch, "\"kind\":\"callback\""));
    assert_non_null(strstr(ch, "\"due_at\":\"2026-11-25T10:00:00+08:00\""));
    arena_free(&a);
    char report[128];
    assert_int_equal(audit_verify(d, report, sizeof report), 0);
}

static void tick_inside_rolled_back_tx_leaves_nothing(void **state) {
    db *d = D(state);
    open_three(d);
    assert_int_equal(db_begin(d), E_OK);
    assert_int_equal(deadline_tick(d, NOW + 30 * HOUR), 3);
    assert_int_equal(tdb_count(d, "audit_log"), 3);
    db_rollback(d);
    assert_int_equal(count_where(d, "overdue_at IS NOT NULL"), 0);
    assert_int_equal(tdb_count(d, "audit_log"), 0);
    assert_int_equal(db_begin(d), E_OK);
    assert_int_equal(deadline_tick(d, NOW + 30 * HOUR), 3);
    assert_int_equal(db_commit(d), E_OK);
    assert_int_equal(count_where(d, "overdue_at IS NOT NULL"), 3);
}

static void second_tick_is_idempotent(void **state) {
    db *d = D(state);
    open_three(d);
    assert_int_equal(deadline_tick(d, NOW + 3 * HOUR), 2);
    assert_int_equal(deadline_tick(d, NOW + 3 * HOUR), 0);
    assert_int_equal(deadline_tick(d, NOW + 4 * HOUR), 0);
    assert_int_equal(tdb_count(d, "audit_log"), 2);
    assert_int_equal(count_where(d, "overdue_at = 1795579200"), 2);   /* first tick's time kept */
    assert_int_equal(deadline_tick(d, NOW + 25 * HOUR), 1);
    assert_int_equal(tdb_count(d, "audit_log"), 3);
}

static void meet_before_due_prevents_marking(void **state) {
    db *d = D(state);
    open_three(d);
    int met = -1;
    assert_int_equal(deadline_meet(d, "repair_order", 1, "callback", NOW + 10, &met), E_OK);
    assert_int_equal(met, 1);
    assert_int_equal(count_where(d, "entity_id = 1 AND met_at = 1795568410"), 1);
    assert_int_equal(deadline_tick(d, NOW + 3 * HOUR), 1);
    assert_int_equal(count_where(d, "entity_id = 1 AND overdue_at IS NULL"), 1);
    assert_int_equal(count_where(d, "entity_id = 2 AND overdue_at IS NOT NULL"), 1);
}

static void meet_reports_count_and_matches_kind(void **state) {
    db *d = D(state);
    open_three(d);
    assert_int_equal(deadline_open(d, 1, "repair_order", 1, "callback", "again", NOW + HOUR, NOW), E_OK);
    int met = -1;
    assert_int_equal(deadline_meet(d, "repair_order", 1, "callback", NOW, &met), E_OK);
    assert_int_equal(met, 2);
    assert_int_equal(deadline_meet(d, "repair_order", 1, "callback", NOW, &met), E_OK);
    assert_int_equal(met, 0);                  /* already met */
    assert_int_equal(deadline_meet(d, "repair_order", 3, "callback", NOW, &met), E_OK);
    assert_int_equal(met, 0);                  /* other kind */
    assert_int_equal(deadline_meet(d, "complaint", 2, "callback", NOW, &met), E_OK);
    assert_int_equal(met, 0);                  /* other entity */
    assert_int_equal(deadline_meet(d, "repair_order", 2, "callback", NOW, NULL), E_OK);
    assert_int_equal(count_where(d, "met_at IS NOT NULL"), 3);
}

static void met_after_overdue_stays_overdue(void **state) {
    db *d = D(state);
    open_three(d);
    assert_int_equal(deadline_tick(d, NOW + 2 * HOUR), 1);
    int met = 0;
    assert_int_equal(deadline_meet(d, "repair_order", 1, "callback", NOW + 2 * HOUR + 5, &met), E_OK);
    assert_int_equal(met, 1);
    assert_int_equal(count_where(d, "entity_id = 1 AND met_at IS NOT NULL AND overdue_at IS NOT NULL"), 1);
}

/* A warning time passes before the due time: the tick marks it warned (once), not overdue;
** meeting every kind at once (kind NULL) leaves nothing open. */
static void warn_then_due_and_meet_all(void **state) {
    db *d = D(state);
    assert_int_equal(deadline_open_warn(d, 1, "ticket", 7, "complete", "完工", NOW + 2 * HOUR, NOW + HOUR, NOW), E_OK);
    assert_int_equal(deadline_open(d, 1, "ticket", 7, "callback", "回访", NOW + 3 * HOUR, NOW), E_OK);
    assert_int_equal(deadline_tick(d, NOW + HOUR / 2), 0);
    assert_int_equal(count_where(d, "warned_at IS NOT NULL"), 0);
    assert_int_equal(deadline_tick(d, NOW + HOUR + 60), 0);
    assert_int_equal(count_where(d, "warned_at = 1795572060 AND kind = 'complete' AND overdue_at IS NULL"), 1);
    assert_int_equal(deadline_tick(d, NOW + HOUR + 120), 0);
    assert_int_equal(count_where(d, "warned_at = 1795572060"), 1);      /* warned once */
    int met = 0;
    assert_int_equal(deadline_meet(d, "ticket", 7, NULL, NOW + HOUR + 180, &met), E_OK);
    assert_int_equal(met, 2);
    assert_int_equal(count_where(d, "met_at IS NULL"), 0);
    assert_int_equal(deadline_tick(d, NOW + 5 * HOUR), 0);              /* met ones never go overdue */
}

int test_deadline(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_writes_rows, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(tick_before_due_marks_nothing, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(tick_after_due_marks_exactly_the_overdue, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(tick_writes_one_audit_row_each, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(tick_inside_rolled_back_tx_leaves_nothing, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(second_tick_is_idempotent, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(meet_before_due_prevents_marking, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(meet_reports_count_and_matches_kind, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(met_after_overdue_stays_overdue, tdb_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(warn_then_due_and_meet_all, tdb_setup, tdb_teardown),
    };
    return cmocka_run_group_tests_name("deadline", tests, NULL, NULL);
}
