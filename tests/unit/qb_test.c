/*
** qb_test.c — the WHERE-clause builder (src/core/qb.h), checked as text and against SQLite.
*/
#include "unit.h"

static void check_args(const db_arg *got, const db_arg *want) {
    int i = 0;
    for (; want[i].type; i++) {
        assert_int_equal(got[i].type, want[i].type);
        if (want[i].type == 'i') assert_int_equal(got[i].i, want[i].i);
        if (want[i].type == 't') assert_string_equal(got[i].s, want[i].s);
    }
    assert_int_equal(got[i].type, 0);
}

static void empty_builder_has_no_where(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    qb q;
    qb_init(&q);
    assert_string_equal(qb_sql(&q, &a, "SELECT id FROM t", "ORDER BY id"), "SELECT id FROM t ORDER BY id");
    check_args(qb_args(&q, 0, DN, DN), (const db_arg[]){DEND_});
    qb_free(&q);
    arena_free(&a);
}

static void and_joins_conditions_and_args(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    qb q;
    qb_init(&q);
    qb_and(&q, "u.disabled = ?", DI(0));
    qb_and(&q, "u.name = ? OR u.phone = ?", DT("李静"), DT("138"));
    assert_string_equal(qb_sql(&q, &a, "SELECT * FROM users u", "LIMIT ? OFFSET ?"),
                        "SELECT * FROM users u WHERE (u.disabled = ?) AND (u.name = ? OR u.phone = ?) "
                        "LIMIT ? OFFSET ?");
    check_args(qb_args(&q, 2, DI(50), DI(100)),
               (const db_arg[]){DI(0), DT("李静"), DT("138"), DI(50), DI(100), DEND_});
    qb_free(&q);
    arena_free(&a);
}

static void in_ids_expands_placeholders(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    qb q;
    qb_init(&q);
    qb_and(&q, "x = ?", DI(1));
    const int64_t ids[] = {4, 9, 16};
    qb_in_ids(&q, "p.id IN ?* OR p.parent IN ?", ids, 3);
    assert_string_equal(qb_sql(&q, &a, "SELECT 1 FROM p", NULL),
                        "SELECT 1 FROM p WHERE (x = ?) AND (p.id IN (?,?,?) OR p.parent IN ?) ");
    check_args(qb_args(&q, 0, DN, DN), (const db_arg[]){DI(1), DI(4), DI(9), DI(16), DEND_});
    qb_free(&q);
    arena_free(&a);
}

static void in_ids_empty_matches_nothing(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    qb q;
    qb_init(&q);
    qb_in_ids(&q, "id IN ?*", NULL, 0);
    assert_string_equal(qb_sql(&q, &a, "SELECT id FROM t", ""), "SELECT id FROM t WHERE (1 = 0) ");
    check_args(qb_args(&q, 0, DN, DN), (const db_arg[]){DEND_});
    qb_free(&q);
    arena_free(&a);
}

static void too_many_args_gives_no_sql(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    qb q;
    qb_init(&q);
    int64_t ids[QB_MAX_ARGS + 1];
    for (int i = 0; i <= QB_MAX_ARGS; i++) ids[i] = i;
    qb_in_ids(&q, "id IN ?*", ids, QB_MAX_ARGS + 1);
    assert_true(q.overflow);
    assert_null(qb_sql(&q, &a, "SELECT id FROM t", ""));
    qb_free(&q);
    arena_free(&a);
}

static void like_escapes_wildcards(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    assert_string_equal(qb_like(&a, "abc"), "%abc%");
    assert_string_equal(qb_like(&a, "50%_a\\b"), "%50\\%\\_a\\\\b%");
    assert_string_equal(qb_like(&a, ""), "%%");
    assert_string_equal(qb_like(&a, "张三"), "%张三%");
    arena_free(&a);
}

/* Runs the built query and writes the ids, comma-separated, into out. */
static void run_ids(db *d, qb *q, arena *a, char *out, size_t n) {
    const char *sql = qb_sql(q, a, "SELECT id FROM items", "ORDER BY id");
    assert_non_null(sql);
    db_stmt *st = db_query_a(d, sql, qb_args(q, 0, DN, DN));
    assert_non_null(st);
    size_t used = 0;
    out[0] = 0;
    while (db_step(st) == DB_ROW)
        used += (size_t)snprintf(out + used, n - used, "%s%lld", used ? "," : "", (long long)db_col_int(st, 0));
    db_finish(st);
}

static int items_setup(void **state) {
    if (tdb_setup(state)) return -1;
    db *d = ((tdb *)*state)->d;
    if (db_exec(d, "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind INTEGER NOT NULL)"))
        return tdb_teardown(state), -1;
    static const char *names[] = {"50% off", "50x off", "a_b", "axb", "back\\slash", "张三"};
    for (int i = 0; i < 6; i++)
        if (db_exec(d, "INSERT INTO items(id, name, kind) VALUES (?,?,?)", DI(i + 1), DT(names[i]), DI(i % 2)))
            return tdb_teardown(state), -1;
    return 0;
}

static void built_query_runs_in_sqlite(void **state) {
    db *d = ((tdb *)*state)->d;
    arena a;
    arena_init(&a, 0);
    char ids[128];
    qb q;
    qb_init(&q);
    qb_and(&q, "kind = ?", DI(0));
    const int64_t in[] = {1, 2, 3, 5};
    qb_in_ids(&q, "id IN ?*", in, 4);
    run_ids(d, &q, &a, ids, sizeof ids);
    assert_string_equal(ids, "1,3,5");
    qb_free(&q);

    qb_init(&q);
    qb_in_ids(&q, "id IN ?*", in, 0);
    run_ids(d, &q, &a, ids, sizeof ids);
    assert_string_equal(ids, "");
    qb_free(&q);
    arena_free(&a);
}

static void like_matches_literally_in_sqlite(void **state) {
    db *d = ((tdb *)*state)->d;
    arena a;
    arena_init(&a, 0);
    char ids[128];
    static const struct { const char *term, *want; } cases[] = {
        {"50%", "1"}, {"_", "3"}, {"\\", "5"}, {"张", "6"}, {"off", "1,2"}, {"x", "2,4"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qb q;
        qb_init(&q);
        qb_and(&q, "name LIKE ? ESCAPE '\\'", DT(qb_like(&a, cases[i].term)));
        run_ids(d, &q, &a, ids, sizeof ids);
        if (strcmp(ids, cases[i].want) != 0)
            fail_msg("LIKE %s: got \"%s\", want \"%s\"", cases[i].term, ids, cases[i].want);
        qb_free(&q);
    }
    arena_free(&a);
}

int test_qb(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_builder_has_no_where),
        cmocka_unit_test(and_joins_conditions_and_args),
        cmocka_unit_test(in_ids_expands_placeholders),
        cmocka_unit_test(in_ids_empty_matches_nothing),
        cmocka_unit_test(too_many_args_gives_no_sql),
        cmocka_unit_test(like_escapes_wildcards),
        cmocka_unit_test_setup_teardown(built_query_runs_in_sqlite, items_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(like_matches_literally_in_sqlite, items_setup, tdb_teardown),
    };
    return cmocka_run_group_tests_name("qb", tests, NULL, NULL);
}
