/*
** deadline.h — rules with a due time ("callback within 24 h of completion").
**
** A triggering event opens a deadline; a later event meets it; the background tick marks
** the ones past due as overdue (once, with an audit row) so overdue lists and the dashboard
** read one table and nobody has to remember a rule.
*/
#ifndef KEFU_DEADLINE_H
#define KEFU_DEADLINE_H
#include <stdint.h>
#include "db/db.h"
#include "audit.h"

kerr deadline_open(db *d, int64_t project_id, const char *entity, int64_t entity_id,
                   const char *kind, const char *title, int64_t due_at, int64_t now);
/* The same with a warning time (0 = none): the tick sets warned_at once it has passed. */
kerr deadline_open_warn(db *d, int64_t project_id, const char *entity, int64_t entity_id,
                        const char *kind, const char *title, int64_t due_at, int64_t warn_at, int64_t now);
/* Meets the open deadlines of (entity, id, kind); kind NULL meets every kind (a cancelled
** document owes nothing more). *met (may be NULL) gets how many. */
kerr deadline_meet(db *d, const char *entity, int64_t entity_id, const char *kind, int64_t now, int *met);
/* Marks open deadlines with due_at < now as overdue (and those past warn_at as warned);
** returns how many became overdue, or -1 on error.
** Runs inside the caller's transaction. */
int deadline_tick(db *d, int64_t now);
/* Adds work to every tick after the marking (a module's escalation of what became late):
** fn returns a count, or -1 to fail the tick. At most DEADLINE_MAX_HOOKS; set them before
** serving (the module registry does, and refuses to start when they do not fit). false when
** there is no room left (the hook is not added). */
#define DEADLINE_MAX_HOOKS 32
typedef int (*deadline_hook)(db *d, int64_t now);
bool deadline_on_tick(deadline_hook fn);
#endif
