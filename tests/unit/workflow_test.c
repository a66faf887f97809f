/*
** workflow_test.c — the workflow engine (src/core/workflow.h) on a small document table.
*/
#include "unit.h"
#include <jansson.h>

#define NOW T_20261125_0900
#define ACTOR_ID 7

/* ---- the document type under test ---- */

static kerr need_note(wf_run *r) {
    if (!r->note || !*r->note) {
        r->err_field = "note";
        r->err_msg = "请填写完工说明";
        return E_VALIDATION;
    }
    return E_OK;
}

/* Records the close in a table of its own, with what the effect saw. */
static kerr record_close(wf_run *r) {
    return db_exec(r->db, "INSERT INTO closings(doc_id, note, to_state, version) VALUES (?,?,?,?)",
                   DI(r->id), DT(r->note), DT(r->to), DI(r->version));
}

/* Simulates another writer changing the document between the load and the update. */
static kerr bump_behind_back(wf_run *r) {
    return db_exec(r->db, "UPDATE docs SET version = version + 1 WHERE id = ?", DI(r->id));
}

static const wf_state doc_states[] = {
    {"new", "新建"}, {"dispatched", "已派工"}, {"done", "已完工"}, {"closed", "已关闭"}, {NULL, NULL},
};

static const wf_transition doc_transitions[] = {
    {"dispatch", "派工", {"new"}, "dispatched", ROLE_SUPERVISOR, NULL, NULL},
    {"complete", "完工", {"dispatched"}, "done", ROLE_TECHNICIAN, need_note, NULL},
    {"close", "关闭", {"done"}, "closed", ROLE_AGENT, NULL, record_close},
    {"comment", "备注", {"*"}, NULL, ROLE_ALL, NULL, NULL},
    {"race", "抢修", {"*"}, "done", ROLE_STOREKEEPER, bump_behind_back, NULL},
    {NULL},
};

static const wf_def doc_def = {"doc", "docs", doc_states, doc_transitions};

/* ---- fixture ---- */

typedef struct who { unsigned mask; int64_t only_project; int64_t asked_project; int calls; } who;

static unsigned roles_of(void *p, int64_t project_id) {
    who *w = p;
    w->calls++;
    w->asked_project = project_id;
    return (!w->only_project || w->only_project == project_id) ? w->mask : 0;
}

static const audit_actor actor = {ACTOR_ID, "王师傅", "10.1.1.1"};

static int wf_setup(void **state) {
    if (tdb_setup(state)) return -1;
    db *d = ((tdb *)*state)->d;
    if (db_exec(d, "CREATE TABLE docs(id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, state TEXT NOT NULL, "
                   "version INTEGER NOT NULL DEFAULT 1, updated_at INTEGER NOT NULL DEFAULT 0)") ||
        db_exec(d, "CREATE TABLE closings(doc_id INTEGER, note TEXT, to_state TEXT, version INTEGER)") ||
        db_exec(d, "INSERT INTO projects(id, code, name, created_at, updated_at) VALUES (2,'U','二号',0,0)") ||
        db_exec(d, "INSERT INTO users(id, username, display_name, password_hash, created_at, updated_at) "
                   "VALUES (?, 'wang', '王师傅', 'x', 0, 0)", DI(ACTOR_ID)) ||
        db_exec(d, "INSERT INTO docs(id, project_id, state) VALUES (1, 1, 'new'), (2, 2, 'new'), "
                   "(3, 1, 'dispatched'), (4, 1, 'done')")) {
        tdb_teardown(state);
        return -1;
    }
    return 0;
}

static db *D(void **state) { return ((tdb *)*state)->d; }

static wf_run new_run(db *d, arena *a, int64_t id, const char *note) {
    wf_run r;
    memset(&r, 0, sizeof r);
    r.def = &doc_def;
    r.db = d;
    r.a = a;
    r.id = id;
    r.now = NOW;
    r.actor = &actor;
    r.note = note;
    return r;
}

/* Runs one action in its own transaction: commit on success, roll back on error. */
static kerr act(db *d, arena *a, int64_t id, const char *action, const char *note, unsigned mask,
                int64_t expect_version, wf_run *out) {
    who w = {mask, 0, 0, 0};
    wf_run r = new_run(d, a, id, note);
    assert_int_equal(db_begin(d), E_OK);
    kerr e = wf_act(&r, action, expect_version, roles_of, &w);
    if (e == E_OK) assert_int_equal(db_commit(d), E_OK);
    else db_rollback(d);
    if (out) *out = r;
    return e;
}

static char *doc_state(db *d, arena *a, int64_t id) {
    return db_text(d, a, "SELECT state FROM docs WHERE id = ?", DI(id));
}

static int64_t doc_version(db *d, int64_t id) {
    int64_t v = -1;
    assert_true(db_int(d, &v, "SELECT version FROM docs WHERE id = ?", DI(id)));
    return v;
}

/* Nothing was written: state, version, events and audit as before. */
static void assert_untouched(db *d, arena *a, int64_t id, const char *state_name, int64_t version) {
    assert_string_equal(doc_state(d, a, id), state_name);
    assert_int_equal(doc_version(d, id), version);
    assert_int_equal(tdb_count(d, "events"), 0);
    assert_int_equal(tdb_count(d, "audit_log"), 0);
}

/* ---- tests ---- */

static void allowed_action_moves_state_and_bumps_version(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    wf_run r;
    assert_int_equal(act(d, &a, 1, "dispatch", "尽快上门", ROLE_SUPERVISOR, 0, &r), E_OK);
    assert_string_equal(doc_state(d, &a, 1), "dispatched");
    assert_int_equal(doc_version(d, 1), 2);
    assert_int_equal(r.version, 2);
    assert_string_equal(r.from, "new");
    assert_string_equal(r.to, "dispatched");
    int64_t up = 0;
    assert_true(db_int(d, &up, "SELECT updated_at FROM docs WHERE id = 1"));
    assert_int_equal(up, NOW);
    arena_free(&a);
}

static void action_writes_event_row(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    assert_int_equal(act(d, &a, 1, "dispatch", "尽快上门", ROLE_SUPERVISOR, 0, NULL), E_OK);
    assert_int_equal(tdb_count(d, "events"), 1);
    assert_true(db_exists(d, "SELECT 1 FROM events WHERE project_id = 1 AND entity = 'doc' AND entity_id = 1 "
                             "AND action = 'dispatch' AND from_state = 'new' AND to_state = 'dispatched' "
                             "AND actor_id = ? AND note = '尽快上门' AND data = '{}' AND at = ?",
                          DI(ACTOR_ID), DI(NOW)));
    arena_free(&a);
}

static void action_writes_audit_row(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    assert_int_equal(act(d, &a, 1, "dispatch", "尽快上门", ROLE_SUPERVISOR, 0, NULL), E_OK);
    assert_int_equal(tdb_count(d, "audit_log"), 1);
    assert_true(db_exists(d, "SELECT 1 FROM audit_log WHERE action = 'dispatch' AND entity = 'doc' "
                             "AND entity_id = 1 AND project_id = 1 AND actor_id = ? AND actor_name = '王师傅' "
                             "AND ip = '10.1.1.1' AND at = ?", DI(ACTOR_ID), DI(NOW)));
    const char *ch = db_text(d, &a, "SELECT changes FROM audit_log WHERE id = 1");
    json_error_t je;
    json_t *v = json_loads(ch, 0, &je);
    assert_non_null(v);
    json_t *st = json_object_get(v, "state");
    assert_string_equal(json_string_value(json_object_get(st, "from")), "new");
    assert_string_equal(json_string_value(json_object_get(st, "to")), "dispatched");
    assert_string_equal(json_string_value(json_object_get(v, "note")), "尽快上门");
    json_decref(v);
    char report[128];
    assert_int_equal(audit_verify(d, report, sizeof report), 0);
    arena_free(&a);
}

static void event_data_json_is_stored(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    who w = {ROLE_SUPERVISOR, 0, 0, 0};
    wf_run r = new_run(d, &a, 1, NULL);
    r.data_json = "{\"worker\":12}";
    assert_int_equal(db_begin(d), E_OK);
    assert_int_equal(wf_act(&r, "dispatch", 0, roles_of, &w), E_OK);
    assert_int_equal(db_commit(d), E_OK);
    assert_string_equal(db_text(d, &a, "SELECT data FROM events"), "{\"worker\":12}");
    assert_string_equal(db_text(d, &a, "SELECT note FROM events"), "");
    arena_free(&a);
}

static void wrong_role_is_forbidden_and_changes_nothing(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    assert_int_equal(act(d, &a, 1, "dispatch", NULL, ROLE_AGENT | ROLE_TECHNICIAN, 0, NULL), E_FORBIDDEN);
    assert_untouched(d, &a, 1, "new", 1);
    assert_int_equal(act(d, &a, 1, "dispatch", NULL, 0, 0, NULL), E_FORBIDDEN);
    assert_untouched(d, &a, 1, "new", 1);
    arena_free(&a);
}

static void roles_are_asked_for_the_document_project(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    who w = {ROLE_SUPERVISOR, 1, 0, 0};   /* supervisor in project 1 only */
    wf_run r = new_run(d, &a, 2, NULL);   /* doc 2 is in project 2 */
    assert_int_equal(db_begin(d), E_OK);
    assert_int_equal(wf_act(&r, "dispatch", 0, roles_of, &w), E_FORBIDDEN);
    db_rollback(d);
    assert_int_equal(w.calls, 1);
    assert_int_equal(w.asked_project, 2);
    assert_int_equal(r.project_id, 2);
    assert_untouched(d, &a, 2, "new", 1);
    arena_free(&a);
}

static void wrong_state_names_the_state(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    wf_run r;
    assert_int_equal(act(d, &a, 1, "close", NULL, ROLE_AGENT, 0, &r), E_STATE);
    assert_non_null(r.err_msg);
    assert_non_null(strstr(r.err_msg, "新建"));
    assert_non_null(strstr(r.err_msg, "关闭"));
    assert_untouched(d, &a, 1, "new", 1);
    arena_free(&a);
}

static void guard_refuses_missing_note(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    wf_run r;
    assert_int_equal(act(d, &a, 3, "complete", NULL, ROLE_TECHNICIAN, 0, &r), E_VALIDATION);
    assert_string_equal(r.err_field, "note");
    assert_string_equal(r.err_msg, "请填写完工说明");
    assert_untouched(d, &a, 3, "dispatched", 1);
    assert_int_equal(act(d, &a, 3, "complete", "", ROLE_TECHNICIAN, 0, &r), E_VALIDATION);
    assert_string_equal(r.err_field, "note");
    assert_untouched(d, &a, 3, "dispatched", 1);
    assert_int_equal(act(d, &a, 3, "complete", "换了灯管", ROLE_TECHNICIAN, 0, &r), E_OK);
    assert_string_equal(doc_state(d, &a, 3), "done");
    arena_free(&a);
}

static void stale_expect_version_is_conflict(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    wf_run r;
    assert_int_equal(act(d, &a, 1, "dispatch", NULL, ROLE_SUPERVISOR, 2, &r), E_CONFLICT);
    assert_untouched(d, &a, 1, "new", 1);
    assert_int_equal(act(d, &a, 1, "dispatch", NULL, ROLE_SUPERVISOR, 1, &r), E_OK);
    assert_int_equal(doc_version(d, 1), 2);
    /* the old version again: conflict (the state check passes for comment) */
    assert_int_equal(act(d, &a, 1, "comment", "x", ROLE_AGENT, 1, &r), E_CONFLICT);
    assert_int_equal(doc_version(d, 1), 2);
    arena_free(&a);
}

static void concurrent_change_is_conflict(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    wf_run r;
    assert_int_equal(act(d, &a, 1, "race", NULL, ROLE_STOREKEEPER, 0, &r), E_CONFLICT);
    assert_untouched(d, &a, 1, "new", 1);   /* rolled back, the bump too */
    arena_free(&a);
}

static void unknown_action_is_validation_on_action(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    wf_run r;
    assert_int_equal(act(d, &a, 1, "explode", NULL, ROLE_ALL, 0, &r), E_VALIDATION);
    assert_string_equal(r.err_field, "action");
    assert_non_null(r.err_msg);
    assert_int_equal(act(d, &a, 1, NULL, NULL, ROLE_ALL, 0, &r), E_VALIDATION);
    assert_untouched(d, &a, 1, "new", 1);
    arena_free(&a);
}

static void missing_document_is_not_found(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    assert_int_equal(act(d, &a, 999, "dispatch", NULL, ROLE_ALL, 0, NULL), E_NOT_FOUND);
    assert_int_equal(tdb_count(d, "events"), 0);
    arena_free(&a);
}

static void effect_runs_in_the_transaction(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    assert_int_equal(act(d, &a, 4, "close", "业主满意", ROLE_AGENT, 0, NULL), E_OK);
    assert_string_equal(doc_state(d, &a, 4), "closed");
    assert_int_equal(tdb_count(d, "closings"), 1);
    assert_true(db_exists(d, "SELECT 1 FROM closings WHERE doc_id = 4 AND note = '业主满意' "
                             "AND to_state = 'closed' AND version = 2"));
    assert_true(db_exists(d, "SELECT 1 FROM audit_log WHERE action = 'close' AND entity_id = 4"));
    arena_free(&a);
}

static void comment_keeps_the_state(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    wf_run r;
    assert_int_equal(act(d, &a, 3, "comment", "业主不在家", ROLE_STEWARD, 0, &r), E_OK);
    assert_string_equal(doc_state(d, &a, 3), "dispatched");
    assert_string_equal(r.to, "dispatched");
    assert_true(db_exists(d, "SELECT 1 FROM events WHERE entity_id = 3 AND action = 'comment' AND "
                             "from_state = 'dispatched' AND to_state = 'dispatched' AND note = '业主不在家'"));
    assert_true(db_exists(d, "SELECT 1 FROM audit_log WHERE action = 'comment' AND entity_id = 3"));
    arena_free(&a);
}

static void full_lifecycle(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    assert_int_equal(act(d, &a, 1, "dispatch", NULL, ROLE_SUPERVISOR, 1, NULL), E_OK);
    assert_int_equal(act(d, &a, 1, "complete", "修好了", ROLE_TECHNICIAN, 2, NULL), E_OK);
    assert_int_equal(act(d, &a, 1, "close", NULL, ROLE_AGENT, 3, NULL), E_OK);
    assert_string_equal(doc_state(d, &a, 1), "closed");
    assert_int_equal(doc_version(d, 1), 4);
    assert_int_equal(tdb_count(d, "events"), 3);
    assert_int_equal(tdb_count(d, "audit_log"), 3);
    assert_int_equal(act(d, &a, 1, "dispatch", NULL, ROLE_ALL, 0, NULL), E_STATE);
    arena_free(&a);
}

static void allowed_checks_role_and_state(void **state) {
    (void)state;
    const wf_transition *dispatch = wf_find(&doc_def, "dispatch");
    const wf_transition *comment = wf_find(&doc_def, "comment");
    assert_non_null(dispatch);
    assert_string_equal(dispatch->label, "派工");
    assert_null(wf_find(&doc_def, "nope"));
    assert_null(wf_find(&doc_def, NULL));
    assert_true(wf_allowed(dispatch, "new", ROLE_SUPERVISOR));
    assert_true(wf_allowed(dispatch, "new", ROLE_SUPERVISOR | ROLE_AGENT));
    assert_false(wf_allowed(dispatch, "new", ROLE_TECHNICIAN));
    assert_false(wf_allowed(dispatch, "done", ROLE_SUPERVISOR));
    assert_false(wf_allowed(dispatch, NULL, ROLE_SUPERVISOR));
    assert_true(wf_allowed(comment, "closed", ROLE_CASHIER));
    assert_false(wf_allowed(comment, "closed", 0));
}

static void state_labels(void **state) {
    (void)state;
    assert_string_equal(wf_state_label(&doc_def, "dispatched"), "已派工");
    assert_string_equal(wf_state_label(&doc_def, "weird"), "weird");
    assert_string_equal(wf_state_label(&doc_def, NULL), "");
}

static char *actions_of(const char *state_name, unsigned roles) {
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    wf_actions_json(&doc_def, state_name, roles, &w, NULL);
    return buf_detach(&b);
}

static void actions_json_lists_only_allowed_now(void **state) {
    (void)state;
    char *s = actions_of("new", ROLE_SUPERVISOR);
    assert_string_equal(s, "[{\"action\":\"dispatch\",\"label\":\"派工\"},{\"action\":\"comment\",\"label\":\"备注\"}]");
    free(s);
    s = actions_of("done", ROLE_AGENT);
    assert_string_equal(s, "[{\"action\":\"close\",\"label\":\"关闭\"},{\"action\":\"comment\",\"label\":\"备注\"}]");
    free(s);
    s = actions_of("new", ROLE_TECHNICIAN);
    assert_string_equal(s, "[{\"action\":\"comment\",\"label\":\"备注\"}]");
    free(s);
    s = actions_of("new", 0);
    assert_string_equal(s, "[]");
    free(s);
}

static void history_json_in_order(void **state) {
    db *d = D(state);
    arena a;
    arena_init(&a, 0);
    assert_int_equal(act(d, &a, 1, "dispatch", "派给王师傅", ROLE_SUPERVISOR, 0, NULL), E_OK);
    /* a system action (actor 0) */
    who w = {ROLE_TECHNICIAN, 0, 0, 0};
    audit_actor sys = {0, NULL, NULL};
    wf_run r = new_run(d, &a, 1, "修好了");
    r.actor = &sys;
    r.now = NOW + 60;
    assert_int_equal(db_begin(d), E_OK);
    assert_int_equal(wf_act(&r, "complete", 0, roles_of, &w), E_OK);
    assert_int_equal(db_commit(d), E_OK);
    assert_int_equal(act(d, &a, 3, "comment", "别的单", ROLE_AGENT, 0, NULL), E_OK);   /* other doc */

    buf b;
    buf_init(&b);
    jw jw_;
    jw_init(&jw_, &b);
    jw_obj(&jw_, NULL);
    assert_int_equal(wf_history_json(d, &doc_def, 1, &jw_, "history"), E_OK);
    jw_end(&jw_);
    json_error_t je;
    json_t *v = json_loads(buf_cstr(&b), 0, &je);
    if (!v) fail_msg("history is not JSON: %s (%s)", je.text, buf_cstr(&b));
    json_t *h = json_object_get(v, "history");
    assert_int_equal(json_array_size(h), 2);
    json_t *e0 = json_array_get(h, 0), *e1 = json_array_get(h, 1);
    assert_string_equal(json_string_value(json_object_get(e0, "action")), "dispatch");
    assert_string_equal(json_string_value(json_object_get(e0, "action_label")), "派工");
    assert_string_equal(json_string_value(json_object_get(e0, "from")), "new");
    assert_string_equal(json_string_value(json_object_get(e0, "to")), "dispatched");
    assert_string_equal(json_string_value(json_object_get(e0, "to_label")), "已派工");
    assert_int_equal(json_integer_value(json_object_get(e0, "actor_id")), ACTOR_ID);
    assert_string_equal(json_string_value(json_object_get(e0, "actor_name")), "王师傅");
    assert_string_equal(json_string_value(json_object_get(e0, "note")), "派给王师傅");
    assert_string_equal(json_string_value(json_object_get(e0, "at")), "2026-11-25T09:00:00+08:00");
    assert_true(json_is_object(json_object_get(e0, "data")));
    assert_string_equal(json_string_value(json_object_get(e1, "action")), "complete");
    assert_string_equal(json_string_value(json_object_get(e1, "to")), "done");
    assert_true(json_is_null(json_object_get(e1, "actor_id")));
    assert_string_equal(json_string_value(json_object_get(e1, "actor_name")), "系统");
    assert_string_equal(json_string_value(json_object_get(e1, "at")), "2026-11-25T09:01:00+08:00");
    assert_true(json_integer_value(json_object_get(e0, "id")) < json_integer_value(json_object_get(e1, "id")));
    json_decref(v);
    buf_free(&b);
    arena_free(&a);
}

static void history_of_untouched_document_is_empty(void **state) {
    db *d = D(state);
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    assert_int_equal(wf_history_json(d, &doc_def, 2, &w, NULL), E_OK);
    assert_string_equal(buf_cstr(&b), "[]");
    buf_free(&b);
}

#define WF(t) cmocka_unit_test_setup_teardown(t, wf_setup, tdb_teardown)

int test_workflow(void) {
    const struct CMUnitTest tests[] = {
        WF(allowed_action_moves_state_and_bumps_version),
        WF(action_writes_event_row),
        WF(action_writes_audit_row),
        WF(event_data_json_is_stored),
        WF(wrong_role_is_forbidden_and_changes_nothing),
        WF(roles_are_asked_for_the_document_project),
        WF(wrong_state_names_the_state),
        WF(guard_refuses_missing_note),
        WF(stale_expect_version_is_conflict),
        WF(concurrent_change_is_conflict),
        WF(unknown_action_is_validation_on_action),
        WF(missing_document_is_not_found),
        WF(effect_runs_in_the_transaction),
        WF(comment_keeps_the_state),
        WF(full_lifecycle),
        cmocka_unit_test(allowed_checks_role_and_state),
        cmocka_unit_test(state_labels),
        cmocka_unit_test(actions_json_lists_only_allowed_now),
        WF(history_json_in_order),
        WF(history_of_untouched_document_is_empty),
    };
    return cmocka_run_group_tests_name("workflow", tests, NULL, NULL);
}
