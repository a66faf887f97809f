/*
** workflow.h — the one code path that moves a document through its lifecycle.
**
** A module declares a static wf_def: the SQL table of its documents (columns id,
** project_id, state, version, updated_at), the state labels and a table of transitions
** (action, allowed from-states, to-state, roles, optional guard and effect). wf_act runs an
** action inside the caller's transaction:
**     role check → from-state check → guard → UPDATE state (optimistic on version) →
**     moved hook (when the state changed) → events row → effect → audit row.
** Anything that fails leaves the error in the run and the caller rolls back.
*/
#ifndef KEFU_WORKFLOW_H
#define KEFU_WORKFLOW_H
#include <stdbool.h>
#include <stdint.h>
#include "db/db.h"
#include "base/arena.h"
#include "audit.h"

#define WF_MAX_FROM 8

typedef struct wf_run wf_run;
typedef kerr (*wf_hook)(wf_run *r);

typedef struct wf_transition {
    const char *action;              /* "dispatch" */
    const char *label;               /* "派工" */
    const char *from[WF_MAX_FROM];   /* NULL-terminated; "*" = any state */
    const char *to;                  /* NULL = stays in its state (e.g. add a note) */
    unsigned roles;                  /* ROLE_* mask allowed to act */
    wf_hook guard;                   /* may refuse: set r->err* and return the error */
    wf_hook effect;                  /* extra writes in the same transaction */
} wf_transition;

typedef struct wf_state { const char *name, *label; } wf_state;

typedef struct wf_def {
    const char *entity;              /* "repair_order" (events.entity, audit entity) */
    const char *table;               /* SQL table; a constant, never user text */
    const wf_state *states;          /* NULL-terminated by name */
    const wf_transition *transitions;/* terminated by action NULL */
    wf_hook moved;                   /* optional: after every change of state (r->from → r->to) */
} wf_def;

struct wf_run {
    const wf_def *def;
    const wf_transition *t;
    db *db;
    arena *a;
    int64_t id, project_id, version, now;
    const char *from, *to;
    const audit_actor *actor;
    unsigned roles;                  /* actor's roles in the document's project */
    const char *note;                /* free text from the user, may be NULL */
    const char *data_json;           /* extra data for events.data, may be NULL */
    void *user;                      /* module's own data for guard/effect */
    /* out: the refusal */
    const char *err_field, *err_msg;
};

/* Runs `action` on document `id`. `roles_of` gives the actor's role mask in a project.
** expect_version > 0 makes the action optimistic (409 conflict when the document changed).
** On error r->err_msg holds a Chinese message (may be NULL: use the error's default). */
kerr wf_act(wf_run *r, const char *action, int64_t expect_version,
            unsigned (*roles_of)(void *who, int64_t project_id), void *who);
const wf_transition *wf_find(const wf_def *def, const char *action);
bool wf_allowed(const wf_transition *t, const char *state, unsigned roles);
const char *wf_state_label(const wf_def *def, const char *state);
/* Event data for r->data_json: a small JSON object that fill writes from r->user (arena text). */
const char *wf_data(wf_run *r, void (*fill)(void *user, struct jw *w));
/* Writes the actions allowed now as a JSON array of {"action","label"}. */
struct jw;
void wf_actions_json(const wf_def *def, const char *state, unsigned roles, struct jw *w, const char *key);
/* Writes the document's history (events rows, oldest first) as a JSON array. */
kerr wf_history_json(db *d, const wf_def *def, int64_t id, struct jw *w, const char *key);
#endif
