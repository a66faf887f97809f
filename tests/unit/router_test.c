/*
** router_test.c — pattern matching and route-table lookup (src/http/router.h).
*/
#include "unit.h"
#include "http/router.h"

static kerr h_list(ctx *c) { (void)c; return E_OK; }
static kerr h_create(ctx *c) { (void)c; return E_OK; }
static kerr h_get(ctx *c) { (void)c; return E_OK; }
static kerr h_patch(ctx *c) { (void)c; return E_OK; }
static kerr h_action(ctx *c) { (void)c; return E_OK; }
static kerr h_clock(ctx *c) { (void)c; return E_OK; }

static const route users_routes[] = {
    {"GET", "/api/v1/users", "users.read", 0, 0, h_list},
    {"POST", "/api/v1/users", "users.manage", 0, 0, h_create},
    {"GET", "/api/v1/users/{id}", "users.read", 0, 0, h_get},
    {"PATCH", "/api/v1/users/{id}", "users.manage", 0, 0, h_patch},
    {"POST", "/api/v1/users/{id}/actions/{action}", "users.manage", 0, 0, h_action},
    {NULL},
};
static const route test_routes[] = {
    {"POST", "/api/v1/_test/clock", NULL, RF_TEST | RF_PUBLIC, 0, h_clock},
    {NULL},
};
static const route *const tables[] = {users_routes, test_routes, NULL};

static int teardown_tables(void **state) {
    (void)state;
    router_set_tables(NULL, false);
    return 0;
}

static void pattern_captures_params(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    route_match m = {0};
    assert_true(router_pattern_match(&a, "/api/v1/users/{id}/actions/{action}",
                                     "/api/v1/users/42/actions/disable", &m));
    assert_int_equal(m.nparams, 2);
    assert_string_equal(m.pname[0], "id");
    assert_string_equal(m.pval[0], "42");
    assert_string_equal(m.pname[1], "action");
    assert_string_equal(m.pval[1], "disable");
    arena_free(&a);
}

static void pattern_exact_literal(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    route_match m = {0};
    assert_true(router_pattern_match(&a, "/api/v1/users", "/api/v1/users", &m));
    assert_int_equal(m.nparams, 0);
    assert_false(router_pattern_match(&a, "/api/v1/users", "/api/v1/user", &m));
    assert_false(router_pattern_match(&a, "/api/v1/users", "/api/v1/usersx", &m));
    assert_false(router_pattern_match(&a, "/api/v1/users", "/api/v2/users", &m));
    arena_free(&a);
}

static void pattern_trailing_slash_does_not_match(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    route_match m = {0};
    assert_false(router_pattern_match(&a, "/api/v1/users", "/api/v1/users/", &m));
    assert_false(router_pattern_match(&a, "/api/v1/users/{id}", "/api/v1/users/7/", &m));
    assert_false(router_pattern_match(&a, "/api/v1/users/", "/api/v1/users", &m));
    arena_free(&a);
}

static void pattern_extra_or_missing_segments(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    route_match m = {0};
    assert_false(router_pattern_match(&a, "/api/v1/users/{id}", "/api/v1/users/7/roles", &m));
    assert_false(router_pattern_match(&a, "/api/v1/users/{id}", "/api/v1/users", &m));
    assert_false(router_pattern_match(&a, "/api/v1/users/{id}/actions/{action}",
                                      "/api/v1/users/7/actions", &m));
    arena_free(&a);
}

static void pattern_empty_segment_is_not_a_param(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    route_match m = {0};
    assert_false(router_pattern_match(&a, "/api/v1/users/{id}", "/api/v1/users/", &m));
    assert_false(router_pattern_match(&a, "/api/v1/users/{id}/actions/{action}",
                                      "/api/v1/users//actions/x", &m));
    arena_free(&a);
}

static void match_chooses_route_and_params(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    router_set_tables(tables, false);
    route_match m;
    router_match(&a, "PATCH", "/api/v1/users/9", &m);
    assert_non_null(m.route);
    assert_ptr_equal(m.route->fn, h_patch);
    assert_int_equal(m.nparams, 1);
    assert_string_equal(m.pval[0], "9");
    router_match(&a, "POST", "/api/v1/users", &m);
    assert_ptr_equal(m.route->fn, h_create);
    router_match(&a, "GET", "/api/v1/users", &m);
    assert_ptr_equal(m.route->fn, h_list);
    router_match(&a, "POST", "/api/v1/users/9/actions/reset", &m);
    assert_ptr_equal(m.route->fn, h_action);
    assert_string_equal(m.pval[1], "reset");
    arena_free(&a);
}

static void match_unknown_path_is_404(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    router_set_tables(tables, false);
    route_match m;
    router_match(&a, "GET", "/api/v1/nothing", &m);
    assert_null(m.route);
    assert_false(m.path_matched);
    assert_string_equal(m.allow, "");
    arena_free(&a);
}

static void match_wrong_method_is_405_with_allow(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    router_set_tables(tables, false);
    route_match m;
    router_match(&a, "DELETE", "/api/v1/users", &m);
    assert_null(m.route);
    assert_true(m.path_matched);
    assert_string_equal(m.allow, "GET, POST");
    router_match(&a, "PUT", "/api/v1/users/3", &m);
    assert_null(m.route);
    assert_true(m.path_matched);
    assert_string_equal(m.allow, "GET, PATCH");
    arena_free(&a);
}

static void match_head_uses_get(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    router_set_tables(tables, false);
    route_match m;
    router_match(&a, "HEAD", "/api/v1/users/5", &m);
    assert_non_null(m.route);
    assert_ptr_equal(m.route->fn, h_get);
    assert_string_equal(m.pval[0], "5");
    arena_free(&a);
}

static void match_test_routes_hidden_unless_enabled(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    route_match m;
    router_set_tables(tables, false);
    router_match(&a, "POST", "/api/v1/_test/clock", &m);
    assert_null(m.route);
    assert_false(m.path_matched);
    router_set_tables(tables, true);
    router_match(&a, "POST", "/api/v1/_test/clock", &m);
    assert_non_null(m.route);
    assert_ptr_equal(m.route->fn, h_clock);
    arena_free(&a);
}

int test_router(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pattern_captures_params),
        cmocka_unit_test(pattern_exact_literal),
        cmocka_unit_test(pattern_trailing_slash_does_not_match),
        cmocka_unit_test(pattern_extra_or_missing_segments),
        cmocka_unit_test(pattern_empty_segment_is_not_a_param),
        cmocka_unit_test_teardown(match_chooses_route_and_params, teardown_tables),
        cmocka_unit_test_teardown(match_unknown_path_is_404, teardown_tables),
        cmocka_unit_test_teardown(match_wrong_method_is_405_with_allow, teardown_tables),
        cmocka_unit_test_teardown(match_head_uses_get, teardown_tables),
        cmocka_unit_test_teardown(match_test_routes_hidden_unless_enabled, teardown_tables),
    };
    return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
