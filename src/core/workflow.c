/*
** workflow.c — the workflow engine (see workflow.h).
*/
#include "workflow.h"
#include "base/jw.h"
#include <stdio.h>
#include <string.h>

const wf_transition *wf_find(const wf_def *def, const char *action) {
    if (!action) return NULL;
    for (const wf_transition *t = def->transitions; t->action; t++)
        if (strcmp(t->action, action) == 0) return t;
    return NULL;
}

static bool from_ok(const wf_transition *t, const char *state) {
    for (int i = 0; i < WF_MAX_FROM && t->from[i]; i++)
        if (strcmp(t->from[i], "*") == 0 || strcmp(t->from[i], state) == 0) return true;
    return false;
}

bool wf_allowed(const wf_transition *t, const char *state, unsigned roles) {
    return (t->roles & roles) && state && from_ok(t, state);
}

const char *wf_state_label(const wf_def *def, const char *state) {
    for (const wf_state *s = def->states; s && s->name; s++)
        if (state && strcmp(s->name, state) == 0) return s->label;
    return state ? state : "";
}

static kerr refuse(wf_run *r, kerr e, const char *field, const char *msg) {
    r->err_field = field;
    r->err_msg = msg;
    return e;
}

/* Loads project, state and version of the document into r. */
static kerr load(wf_run *r) {
    char *sql = arena_printf(r->a, "SELECT project_id, state, version FROM %s WHERE id = ?", r->def->table);
    if (!sql) return E_NOMEM;
    db_stmt *st = db_query(r->db, sql, DI(r->id));
    if (!st) return db_last_kerr(r->db);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        r->project_id = db_col_int(st, 0);
        r->from = arena_strdup(r->a, db_col_text(st, 1));
        r->version = db_col_int(st, 2);
    }
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(r->db);
    return rc == DB_ROW ? E_OK : E_NOT_FOUND;
}

static kerr write_state(wf_run *r) {
    char *sql = arena_printf(r->a, "UPDATE %s SET state = ?, version = version + 1, updated_at = ? "
                                   "WHERE id = ? AND version = ?", r->def->table);
    if (!sql) return E_NOMEM;
    kerr e = db_exec(r->db, sql, DT(r->to), DI(r->now), DI(r->id), DI(r->version));
    if (e) return e;
    if (db_changes(r->db) != 1) return refuse(r, E_CONFLICT, NULL, NULL);
    r->version++;
    if (r->def->moved && strcmp(r->from, r->to) && (e = r->def->moved(r))) return e;
    return db_exec(r->db, "INSERT INTO events(project_id, entity, entity_id, action, from_state, "
                          "to_state, actor_id, note, data, at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                   DI(r->project_id), DT(r->def->entity), DI(r->id), DT(r->t->action),
                   DT(r->from), DT(r->to), r->actor && r->actor->id ? DI(r->actor->id) : DN,
                   DT(r->note ? r->note : ""), DT(r->data_json ? r->data_json : "{}"), DI(r->now));
}

static kerr write_audit(wf_run *r) {
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_obj(&w, "state");
    jw_str(&w, "from", r->from);
    jw_str(&w, "to", r->to);
    jw_end(&w);
    if (r->note && *r->note) jw_str(&w, "note", r->note);
    jw_end(&w);
    kerr e = buf_ok(&b) ? audit_append(r->db, r->actor, r->project_id, r->def->entity, r->id,
                                       r->t->action, b.data, r->now)
                        : E_NOMEM;
    buf_free(&b);
    return e;
}

kerr wf_act(wf_run *r, const char *action, int64_t expect_version,
            unsigned (*roles_of)(void *who, int64_t project_id), void *who) {
    r->t = wf_find(r->def, action);
    if (!r->t) return refuse(r, E_VALIDATION, "action", "不支持的操作");
    kerr e = load(r);
    if (e) return e;
    r->roles = roles_of ? roles_of(who, r->project_id) : 0;
    if (!(r->t->roles & r->roles)) return refuse(r, E_FORBIDDEN, NULL, NULL);
    if (!from_ok(r->t, r->from)) {
        char *m = arena_printf(r->a, "当前状态「%s」不能执行「%s」", wf_state_label(r->def, r->from),
                               r->t->label);
        return refuse(r, E_STATE, NULL, m);
    }
    if (expect_version > 0 && expect_version != r->version)
        return refuse(r, E_CONFLICT, "version", NULL);
    r->to = r->t->to ? r->t->to : r->from;
    if (r->t->guard && (e = r->t->guard(r))) return e;
    if ((e = write_state(r))) return e;
    if (r->t->effect && (e = r->t->effect(r))) return e;
    return write_audit(r);
}

void wf_actions_json(const wf_def *def, const char *state, unsigned roles, jw *w, const char *key) {
    jw_arr(w, key);
    for (const wf_transition *t = def->transitions; t->action; t++) {
        if (!wf_allowed(t, state, roles)) continue;
        jw_obj(w, NULL);
        jw_str(w, "action", t->action);
        jw_str(w, "label", t->label);
        jw_end(w);
    }
    jw_end(w);
}

kerr wf_history_json(db *d, const wf_def *def, int64_t id, jw *w, const char *key) {
    db_stmt *st = db_query(d, "SELECT e.id, e.action, e.from_state, e.to_state, e.actor_id, "
                              "COALESCE(u.display_name, '系统'), e.note, e.data, e.at FROM events e "
                              "LEFT JOIN users u ON u.id = e.actor_id "
                              "WHERE e.entity = ? AND e.entity_id = ? ORDER BY e.id",
                           DT(def->entity), DI(id));
    if (!st) return db_last_kerr(d);
    jw_arr(w, key);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const wf_transition *t = wf_find(def, db_col_text(st, 1));
        jw_obj(w, NULL);
        jw_int(w, "id", db_col_int(st, 0));
        jw_str(w, "action", db_col_text(st, 1));
        jw_str(w, "action_label", t ? t->label : db_col_text(st, 1));
        jw_str(w, "from", db_col_text(st, 2));
        jw_str(w, "to", db_col_text(st, 3));
        jw_str(w, "to_label", wf_state_label(def, db_col_text(st, 3)));
        if (db_col_is_null(st, 4)) jw_null(w, "actor_id"); else jw_int(w, "actor_id", db_col_int(st, 4));
        jw_str(w, "actor_name", db_col_text(st, 5));
        jw_str(w, "note", db_col_text(st, 6));
        jw_raw(w, "data", db_col_text(st, 7));
        jw_time(w, "at", db_col_int(st, 8));
        jw_end(w);
    }
    jw_end(w);
    db_finish(st);
    return rc == DB_DONE ? E_OK : db_last_kerr(d);
}

const char *wf_data(wf_run *r, void (*fill)(void *user, jw *w)) {
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    fill(r->user, &w);
    jw_end(&w);
    const char *s = buf_ok(&b) ? arena_strdup(r->a, b.data) : NULL;
    buf_free(&b);
    return s;
}
