/*
** audit.h — the append-only, hash-chained audit log.
**
** Every write appends one row inside the write's own transaction: actor, project, entity,
** id, action, what changed (JSON), time, client address, and SHA-256 over the row and the
** previous row's hash. audit_verify recomputes the chain (kefu check).
*/
#ifndef KEFU_AUDIT_H
#define KEFU_AUDIT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "db/db.h"

typedef struct audit_actor {
    int64_t id;              /* 0 = the system (CLI, background tick) */
    const char *name;
    const char *ip;
} audit_actor;

/* project_id / entity_id 0 = none. changes_json NULL = "{}". */
kerr audit_append(db *d, const audit_actor *who, int64_t project_id, const char *entity,
                  int64_t entity_id, const char *action, const char *changes_json, int64_t now);
/* Writers of the audit `changes` object: {"field":{"from":…,"to":…}}, only when it changed.
** A NULL `to` means "not given" (no change). */
struct jw;
void audit_change_str(struct jw *w, const char *field, const char *from, const char *to);
void audit_change_int(struct jw *w, const char *field, bool had, int64_t from, bool has, int64_t to);

/* 0 when the chain is intact; otherwise the id of the first bad row (and a message). -1 on error. */
int64_t audit_verify(db *d, char *report, size_t n);
#endif
