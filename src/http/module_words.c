/*
** module_words.c — the audit log's words: each module names the entities, actions and changed
** fields of its audit rows in its descriptor (kmodule.audit); a workflow names its actions and
** states itself. The audit log reads and exports them in Chinese through these lookups.
*/
#include "module.h"
#include <stdio.h>
#include <string.h>

static const code_label *words_of(const kmodule *m, audit_kind kind) {
    if (!m->audit) return NULL;
    return kind == AUDIT_ENTITY ? m->audit->entities : kind == AUDIT_ACTION ? m->audit->actions : m->audit->fields;
}

static const char *word_of(const kmodule *m, audit_kind kind, const char *key) {
    for (const code_label *w = words_of(m, kind); w && w->code; w++)
        if (!strcmp(w->code, key)) return w->label;
    return NULL;
}

const char *audit_word_in(const kmodule *const *list, audit_kind kind, const char *key) {
    const char *l = NULL;
    for (int i = 0; key && !l && list[i]; i++) l = word_of(list[i], kind, key);
    return l;
}

const char *module_audit_word(audit_kind kind, const char *key) {
    return audit_word_in(modules_list(), kind, key);
}

const char *module_audit_field(const char *entity, const char *key) {
    if (!key) return NULL;
    char own[96];
    snprintf(own, sizeof own, "%s.%s", entity ? entity : "", key);
    const char *l = module_audit_word(AUDIT_FIELD, own);
    const kmodule *const *list = modules_list();
    for (int i = 0; !l && entity && list[i]; i++)
        if (word_of(list[i], AUDIT_ENTITY, entity)) l = word_of(list[i], AUDIT_FIELD, key);
    return l ? l : module_audit_word(AUDIT_FIELD, key);
}

const char *module_audit_value(const char *field, const char *value) {
    const kmodule *const *list = modules_list();
    for (int i = 0; field && value && list[i]; i++)
        for (const audit_codes *v = list[i]->audit ? list[i]->audit->values : NULL; v && v->field; v++)
            if (!strcmp(v->field, field))
                for (const code_label *c = v->codes; c->code; c++)
                    if (!strcmp(c->code, value)) return c->label ? c->label : c->code;
    return NULL;
}

/* Calls fn on each workflow whose audit entity is entity until it answers non-NULL. */
static const char *each_workflow(const char *entity, const char *(*fn)(const wf_def *d, const char *key),
                                 const char *key) {
    const kmodule *const *list = modules_list();
    for (int i = 0; entity && key && list[i]; i++)
        for (int k = 0; list[i]->workflows && list[i]->workflows[k]; k++) {
            const wf_def *d = list[i]->workflows[k];
            const char *l = strcmp(d->entity, entity) ? NULL : fn(d, key);
            if (l) return l;
        }
    return NULL;
}

static const char *transition_label(const wf_def *d, const char *action) {
    const wf_transition *t = wf_find(d, action);
    return t ? t->label : NULL;
}

static const char *state_label(const wf_def *d, const char *state) {
    for (const wf_state *s = d->states; s && s->name; s++)
        if (!strcmp(s->name, state)) return s->label;
    return NULL;
}

const char *module_audit_action(const char *entity, const char *action) {
    const char *l = each_workflow(entity, transition_label, action);
    return l ? l : module_audit_word(AUDIT_ACTION, action);
}

const char *module_audit_state(const char *entity, const char *state) {
    return each_workflow(entity, state_label, state);
}

/* Was key met before word `upto` of the kind (in any module, or a workflow before it)? */
typedef struct seen_probe { audit_kind kind; const char *key; const void *upto; } seen_probe;

static bool met_before(const seen_probe *p) {
    const kmodule *const *list = modules_list();
    for (int i = 0; list[i]; i++) {
        for (const code_label *w = words_of(list[i], p->kind); w && w->code; w++) {
            if ((const void *)w == p->upto) return false;
            if (!strcmp(w->code, p->key)) return true;
        }
    }
    for (int i = 0; p->kind == AUDIT_ACTION && list[i]; i++)
        for (int k = 0; list[i]->workflows && list[i]->workflows[k]; k++)
            for (const wf_transition *t = list[i]->workflows[k]->transitions; t->action; t++) {
                if ((const void *)t == p->upto) return false;
                if (!strcmp(t->action, p->key)) return true;
            }
    return false;
}

void module_audit_words_each(audit_kind kind, void (*fn)(const char *key, const char *label, void *arg), void *arg) {
    const kmodule *const *list = modules_list();
    for (int i = 0; list[i]; i++)
        for (const code_label *w = words_of(list[i], kind); w && w->code; w++)
            if (!met_before(&(seen_probe){kind, w->code, w})) fn(w->code, w->label, arg);
    for (int i = 0; kind == AUDIT_ACTION && list[i]; i++)
        for (int k = 0; list[i]->workflows && list[i]->workflows[k]; k++)
            for (const wf_transition *t = list[i]->workflows[k]->transitions; t->action; t++)
                if (t->label && !met_before(&(seen_probe){kind, t->action, t})) fn(t->action, t->label, arg);
}
