/*
** module_test.c — the registry of modules (src/http/module.h): the real registry passes its
** checks, and each kind of mistake a new module could make is caught, naming module and route.
*/
#include "unit.h"
#include "http/module.h"
#include "http/router.h"
#include "modules/admin/admin.h"

static kerr h(ctx *c) { (void)c; return E_OK; }
static int tick_fn(db *d, int64_t now) { (void)d; (void)now; return 0; }
static kerr h_stats_marker(ctx *c) { (void)c; return E_OK; }

static const perm_def good_perms[] = {{"keys.read", ROLE_ALL, "查看钥匙"}, {"keys.write", ROLE_AGENT, "借还钥匙"}, {NULL, 0, NULL}};
static const route good_routes[] = {
    {"GET", "/api/v1/keys", "keys.read", 0, 0, h},
    {"GET", "/api/v1/keys/{id}", "keys.read", 0, 0, h},
    {"POST", "/api/v1/keys", "keys.write", 0, 4096, h},
    {NULL},
};
static const wf_state key_states[] = {{"in", "在库"}, {"out", "借出"}, {NULL, NULL}};
static const wf_transition key_moves[] = {
    {"create", "登记", {NULL}, NULL, 0, NULL, NULL},
    {"lend", "借出", {"in"}, "out", ROLE_AGENT, NULL, NULL},
    {"return", "归还", {"out"}, "in", ROLE_AGENT, NULL, NULL},
    {NULL},
};
static const wf_def key_wf = {"key", "keys", key_states, key_moves, NULL};
static const audit_words key_words = {.entities = (const code_label[]){{"key", "钥匙"}, {NULL, NULL}}};
static const kmodule good = {
    .name = "keys", .label = "钥匙", .order = 50,
    .routes = (const route *const[]){good_routes, NULL}, .perms = good_perms,
    .workflows = (const wf_def *const[]){&key_wf, NULL}, .tick = tick_fn, .audit = &key_words,
};
static const audit_words lost_words = {.entities = (const code_label[]){{"lost_item", "失物"}, {NULL, NULL}}};

/* Validates {good, m} and expects a refusal whose message holds every word of want. */
static void refused(const kmodule *m, const char *const *want) {
    const kmodule *list[] = {&good, m, NULL};
    char err[512] = "";
    assert_false(modules_validate_list(list, err, sizeof err));
    for (int i = 0; want[i]; i++)
        if (!strstr(err, want[i])) fail_msg("「%s」 lacks 「%s」", err, want[i]);
}
#define REFUSED(m, ...) refused(m, (const char *const[]){__VA_ARGS__, NULL})

static void the_registry_passes(void **state) {
    (void)state;
    char err[512] = "";
    if (!modules_validate(err, sizeof err)) fail_msg("%s", err);
    assert_true(modules_count() >= 4);
    for (int i = 1; i < modules_count(); i++) assert_true(module_at(i - 1)->order <= module_at(i)->order);
    assert_true(perm_roles("tickets.read") != 0);   /* the modules' permissions are registered */
    assert_true(perm_roles("archive.write") & ROLE_AGENT);
}

static void a_good_module_passes(void **state) {
    (void)state;
    const kmodule *list[] = {&good, NULL};
    char err[512] = "";
    if (!modules_validate_list(list, err, sizeof err)) fail_msg("%s", err);
}

static void undeclared_permission(void **state) {
    (void)state;
    static const route r[] = {{"GET", "/api/v1/lost", "lost.raed", 0, 0, h}, {NULL}};
    const kmodule m = {.name = "lost", .label = "失物", .routes = (const route *const[]){r, NULL}};
    REFUSED(&m, "lost", "GET /api/v1/lost", "lost.raed");
}

static void route_served_twice(void **state) {
    (void)state;
    static const perm_def p[] = {{"lost.read", ROLE_ALL, ""}, {NULL, 0, NULL}};
    static const route r[] = {{"GET", "/api/v1/keys/{key}", "lost.read", 0, 0, h}, {NULL}};
    const kmodule m = {.name = "lost", .label = "失物", .perms = p, .routes = (const route *const[]){r, NULL}};
    REFUSED(&m, "lost", "GET /api/v1/keys/{key}", "keys");
}

static void write_without_body_limit(void **state) {
    (void)state;
    static const route r[] = {{"DELETE", "/api/v1/keys/{id}", "keys.write", 0, 0, h}, {NULL}};
    const kmodule m = {.name = "lost", .label = "失物", .routes = (const route *const[]){r, NULL}};
    REFUSED(&m, "lost", "DELETE /api/v1/keys/{id}", "上限");
}

static void permission_declared_twice(void **state) {
    (void)state;
    static const perm_def p[] = {{"keys.read", ROLE_ALL, ""}, {NULL, 0, NULL}};
    const kmodule m = {.name = "lost", .label = "失物", .perms = p};
    REFUSED(&m, "lost", "keys.read", "keys");
}

static void permission_without_roles(void **state) {
    (void)state;
    static const perm_def p[] = {{"lost.read", 0, ""}, {NULL, 0, NULL}};
    const kmodule m = {.name = "lost", .label = "失物", .perms = p};
    REFUSED(&m, "lost", "lost.read");
}

static void workflow_unknown_state(void **state) {
    (void)state;
    static const wf_transition t[] = {{"lend", "借出", {"in"}, "gone", ROLE_AGENT, NULL, NULL}, {NULL}};
    static const wf_def w = {"lost_item", "lost_items", key_states, t, NULL};
    const kmodule m = {.name = "lost", .label = "失物", .workflows = (const wf_def *const[]){&w, NULL}};
    REFUSED(&m, "lost", "lost_item.lend", "gone");
}

static void workflow_unknown_from_state(void **state) {
    (void)state;
    static const wf_transition t[] = {{"lend", "借出", {"in", "lost"}, "out", ROLE_AGENT, NULL, NULL}, {NULL}};
    static const wf_def w = {"lost_item", "lost_items", key_states, t, NULL};
    const kmodule m = {.name = "lost", .label = "失物", .workflows = (const wf_def *const[]){&w, NULL}};
    REFUSED(&m, "lost", "lost_item.lend", "lost");
}

static void workflow_undeclared_role(void **state) {
    (void)state;
    static const wf_transition t[] = {{"lend", "借出", {"in"}, "out", 1u << 25, NULL, NULL}, {NULL}};
    static const wf_def w = {"lost_item", "lost_items", key_states, t, NULL};
    const kmodule m = {.name = "lost", .label = "失物", .workflows = (const wf_def *const[]){&w, NULL}};
    REFUSED(&m, "lost", "lost_item.lend", "岗位");
    const kmodule with = {.name = "lost", .label = "失物", .pseudo_roles = 1u << 25,
                          .workflows = (const wf_def *const[]){&w, NULL}, .audit = &lost_words};
    const kmodule *list[] = {&good, &with, NULL};
    char err[512] = "";
    if (!modules_validate_list(list, err, sizeof err)) fail_msg("%s", err);   /* its own pseudo-role */
}

static void workflow_entity_without_a_name(void **state) {
    (void)state;
    static const wf_def w = {"lost_item", "lost_items", key_states, key_moves, NULL};
    const kmodule m = {.name = "lost", .label = "失物", .workflows = (const wf_def *const[]){&w, NULL}};
    REFUSED(&m, "lost", "lost_item", "中文名");
    const kmodule named = {.name = "lost", .label = "失物", .workflows = (const wf_def *const[]){&w, NULL},
                           .audit = &lost_words};
    const kmodule *list[] = {&good, &named, NULL};
    char err[512] = "";
    if (!modules_validate_list(list, err, sizeof err)) fail_msg("%s", err);
}

/* The registry's words: a workflow names its actions and states, "entity.field" a field of its
** own, the module of the entity its fields, code tables the values. */
static void the_audit_words_of_the_registry(void **state) {
    (void)state;
    modules_init();
    assert_string_equal(module_audit_word(AUDIT_ENTITY, "unit"), "房屋");
    assert_string_equal(module_audit_action("ticket", "dispatch"), "派工");
    assert_string_equal(module_audit_action("ticket", "assign"), "分派");   /* the complaint workflow's */
    assert_string_equal(module_audit_action("unit", "add_pet"), "添加宠物");
    assert_null(module_audit_action("unit", "no_such_action"));
    assert_string_equal(module_audit_state("ticket", "dispatched"), "已派工");
    assert_string_equal(module_audit_state("callback_review", "returned"), "已退回");
    assert_string_equal(module_audit_field("person", "phone"), "手机");
    assert_string_equal(module_audit_field("ticket", "phone"), "联系电话");
    assert_string_equal(module_audit_field("person", "name"), "姓名");
    assert_string_equal(module_audit_field("building", "name"), "名称");
    assert_string_equal(module_audit_value("category", "water"), "水");
    assert_string_equal(module_audit_value("source", "demo"), "演示数据");
    assert_null(module_audit_value("category", "lava"));
}

static void an_audit_row_in_words(void **state) {
    (void)state;
    modules_init();
    arena a;
    arena_init(&a, 0);
    assert_string_equal(audit_summary(&a, "ticket", "{\"state\":{\"from\":\"pending_dispatch\",\"to\":\"dispatched\"},"
                                                    "\"note\":\"\",\"kind\":\"home_repair\"}"),
                        "状态：待派工 → 已派工；说明：（空）；类型：居家维修");
    assert_string_equal(audit_summary(&a, "repair_sla", "{\"warn_minutes\":{\"from\":60,\"to\":60}}"),
                        "提前提醒（分钟）：60");   /* unchanged: the value alone */
    assert_string_equal(audit_summary(&a, "user", "{\"roles\":[{\"project_id\":1,\"role\":\"agent\"}],\"zz_new\":true}"),
                        "角色：管理处编号 1，角色 前台客服；zz_new：是");   /* a key no module names: as it is */
    assert_string_equal(audit_summary(&a, "user", NULL), "");
    assert_string_equal(audit_summary(&a, "user", "not json"), "not json");
    arena_free(&a);
}

static void module_registered_twice(void **state) {
    (void)state;
    const kmodule m = {.name = "keys", .label = "钥匙"};
    REFUSED(&m, "keys");
}

static void tick_hooks_must_fit(void **state) {
    (void)state;
    static kmodule many[DEADLINE_MAX_HOOKS + 1];
    static char names[DEADLINE_MAX_HOOKS + 1][16];
    const kmodule *list[DEADLINE_MAX_HOOKS + 2] = {0};
    for (int i = 0; i <= DEADLINE_MAX_HOOKS; i++) {
        snprintf(names[i], sizeof names[i], "m%d", i);
        many[i] = (kmodule){.name = names[i], .label = names[i], .tick = tick_fn};
        list[i] = &many[i];
    }
    char err[512] = "";
    assert_false(modules_validate_list(list, err, sizeof err));
    assert_non_null(strstr(err, "上限"));
    list[DEADLINE_MAX_HOOKS] = NULL;
    assert_true(modules_validate_list(list, err, sizeof err));
}

/* A literal segment wins over a parameter whatever order the tables come in. */
static void literal_routes_win_in_any_order(void **state) {
    (void)state;
    static const route by_id[] = {{"GET", "/api/v1/keys/{id}", NULL, 0, 0, h}, {NULL}};
    static const route stats[] = {{"GET", "/api/v1/keys/stats", NULL, 0, 0, h_stats_marker}, {NULL}};
    const route *const orders[2][3] = {{by_id, stats, NULL}, {stats, by_id, NULL}};
    for (int o = 0; o < 2; o++) {
        router_set_tables(orders[o], false);
        arena a;
        arena_init(&a, 0);
        route_match m;
        router_match(&a, "GET", "/api/v1/keys/stats", &m);
        assert_ptr_equal(m.route, &stats[0]);
        router_match(&a, "GET", "/api/v1/keys/7", &m);
        assert_ptr_equal(m.route, &by_id[0]);
        arena_free(&a);
    }
    router_set_tables(NULL, false);
}

int test_module(void) {
    modules_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_registry_passes),
        cmocka_unit_test(a_good_module_passes),
        cmocka_unit_test(undeclared_permission),
        cmocka_unit_test(route_served_twice),
        cmocka_unit_test(write_without_body_limit),
        cmocka_unit_test(permission_declared_twice),
        cmocka_unit_test(permission_without_roles),
        cmocka_unit_test(workflow_unknown_state),
        cmocka_unit_test(workflow_unknown_from_state),
        cmocka_unit_test(workflow_undeclared_role),
        cmocka_unit_test(workflow_entity_without_a_name),
        cmocka_unit_test(the_audit_words_of_the_registry),
        cmocka_unit_test(an_audit_row_in_words),
        cmocka_unit_test(module_registered_twice),
        cmocka_unit_test(tick_hooks_must_fit),
        cmocka_unit_test(literal_routes_win_in_any_order),
    };
    return cmocka_run_group_tests_name("module", tests, NULL, NULL);
}
