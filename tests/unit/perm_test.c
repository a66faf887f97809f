/*
** perm_test.c — roles, permissions and the auth_* questions (src/core/perm.h).
*/
#include "unit.h"

static void role_names_round_trip(void **state) {
    (void)state;
    for (int i = 0; i < ROLE_COUNT; i++) {
        unsigned r = role_at(i);
        assert_int_not_equal(r, 0);
        assert_int_equal(role_from_name(role_name(r)), r);
        assert_true(strlen(role_label(r)) > 0);
    }
    assert_int_equal(role_from_name("agent"), ROLE_AGENT);
    assert_string_equal(role_name(ROLE_AGENT), "agent");
    assert_string_equal(role_label(ROLE_AGENT), "前台客服");
    assert_string_equal(role_name(ROLE_TECHNICIAN), "technician");
    assert_string_equal(role_label(ROLE_ADMIN), "系统管理员");
}

static void unknown_role_is_zero(void **state) {
    (void)state;
    assert_int_equal(role_from_name("janitor"), 0);
    assert_int_equal(role_from_name(""), 0);
    assert_int_equal(role_from_name(NULL), 0);
    assert_int_equal(role_from_name("Agent"), 0);
    assert_string_equal(role_name(0), "");
    assert_string_equal(role_label(ROLE_AGENT | ROLE_ADMIN), "");
    assert_int_equal(role_at(-1), 0);
    assert_int_equal(role_at(ROLE_COUNT), 0);
}

static void perm_table_lookups(void **state) {
    (void)state;
    assert_int_equal(perm_roles("no.such.perm"), 0);
    assert_true(perm_roles("users.read") & ROLE_MANAGER);
    assert_false(perm_roles("users.read") & ROLE_AGENT);
    assert_int_equal(perm_roles("projects.read"), ROLE_ALL);
    assert_true(perm_count() > 0);
    for (int i = 0; i < perm_count(); i++) assert_non_null(perm_name_at(i));
    assert_null(perm_name_at(perm_count()));
}

static void roles_in_includes_company_wide(void **state) {
    (void)state;
    user_role r[] = {{1, ROLE_AGENT}, {2, ROLE_TECHNICIAN}, {0, ROLE_CASHIER}};
    auth_user u = {.id = 5, .username = "li", .nroles = 3, .roles = r};
    assert_int_equal(auth_roles_in(&u, 1), ROLE_AGENT | ROLE_CASHIER);
    assert_int_equal(auth_roles_in(&u, 2), ROLE_TECHNICIAN | ROLE_CASHIER);
    assert_int_equal(auth_roles_in(&u, 3), ROLE_CASHIER);
    assert_int_equal(auth_company_roles(&u), ROLE_CASHIER);
    assert_false(auth_is_admin(&u));
}

static void agent_in_project_1(void **state) {
    (void)state;
    user_role r[] = {{1, ROLE_AGENT}};
    auth_user u = {.id = 7, .username = "agent1", .nroles = 1, .roles = r};
    assert_true(auth_sees_project(&u, 1));
    assert_false(auth_sees_project(&u, 2));
    assert_false(auth_sees_project(&u, 0));
    assert_true(auth_can(&u, "projects.read", 1));
    assert_false(auth_can(&u, "projects.read", 2));
    assert_false(auth_can(&u, "users.read", 1));
    assert_false(auth_can_any(&u, "users.read"));
    assert_true(auth_can_any(&u, "deadlines.read"));
    assert_false(auth_can_company(&u, "projects.read"));
    assert_false(auth_is_admin(&u));
    assert_false(auth_can(&u, "no.such.perm", 1));
}

static void manager_of_project_1(void **state) {
    (void)state;
    user_role r[] = {{1, ROLE_MANAGER}};
    auth_user u = {.id = 8, .username = "mgr", .nroles = 1, .roles = r};
    assert_true(auth_can(&u, "users.read", 1));
    assert_true(auth_can(&u, "users.manage", 1));
    assert_false(auth_can(&u, "users.manage", 2));
    assert_true(auth_can_any(&u, "users.manage"));
    assert_false(auth_can_company(&u, "users.manage"));
    assert_false(auth_sees_project(&u, 2));
    assert_false(auth_is_admin(&u));
}

static void company_admin_everywhere(void **state) {
    (void)state;
    user_role r[] = {{0, ROLE_ADMIN}};
    auth_user u = {.id = 1, .username = "admin", .nroles = 1, .roles = r};
    assert_true(auth_is_admin(&u));
    assert_true(auth_sees_project(&u, 1));
    assert_true(auth_sees_project(&u, 99));
    assert_true(auth_can(&u, "users.manage", 1));
    assert_true(auth_can(&u, "users.manage", 99));
    assert_true(auth_can_any(&u, "audit.read"));
    assert_true(auth_can_company(&u, "projects.manage"));
    assert_false(auth_can(&u, "no.such.perm", 1));
}

static void admin_role_in_one_project_is_not_company_admin(void **state) {
    (void)state;
    user_role r[] = {{1, ROLE_ADMIN}};
    auth_user u = {.id = 2, .username = "padmin", .nroles = 1, .roles = r};
    assert_false(auth_is_admin(&u));
    assert_true(auth_can(&u, "users.manage", 1));
    assert_false(auth_sees_project(&u, 2));
}

static void user_without_roles_sees_nothing(void **state) {
    (void)state;
    auth_user u = {.id = 3, .username = "nobody", .nroles = 0, .roles = NULL};
    assert_int_equal(auth_roles_in(&u, 1), 0);
    assert_false(auth_sees_project(&u, 1));
    assert_false(auth_can_any(&u, "projects.read"));
}

int test_perm(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(role_names_round_trip),
        cmocka_unit_test(unknown_role_is_zero),
        cmocka_unit_test(perm_table_lookups),
        cmocka_unit_test(roles_in_includes_company_wide),
        cmocka_unit_test(agent_in_project_1),
        cmocka_unit_test(manager_of_project_1),
        cmocka_unit_test(company_admin_everywhere),
        cmocka_unit_test(admin_role_in_one_project_is_not_company_admin),
        cmocka_unit_test(user_without_roles_sees_nothing),
    };
    return cmocka_run_group_tests_name("perm", tests, NULL, NULL);
}
