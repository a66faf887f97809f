/*
** tickets.h — shared pieces of the front-desk register and repair work orders
** (tickets*.c, SPEC B1–B5, R1–R9): the codes with their Chinese labels, the workflow table,
** the deadline rules per repair category, and the ticket's JSON.
*/
#ifndef KEFU_TICKETS_H
#define KEFU_TICKETS_H
#include "http/ctx.h"
#include "base/clock.h"
#include "core/workflow.h"
#include "http/export.h"
#include "http/input.h"
#include "tickets_public.h"
#include "kit/codes.h"
#include "kit/dates.h"
#include "kit/scope.h"

extern const code_label TICKET_CHANNELS[], SATISFACTIONS[], CALLBACK_METHODS[];

extern const wf_def TICKET_WF;

/* Dispatch / completion / warning minutes of a category in a project (own or default). */
typedef struct repair_sla { int64_t dispatch, complete, warn; bool custom; } repair_sla;
kerr repair_sla_of(db *d, int64_t project_id, const char *category, repair_sla *out);
struct setting_spec;
extern const struct setting_spec REPAIR_SLA;   /* the repair time limits as project settings */
extern const struct setting_spec TICKET_OPTIONS;   /* the project's switches of the repair workflow */
/* Whether the project has the switch `code` of TICKET_OPTIONS on (its own row, else the default). */
kerr ticket_option_on(db *d, int64_t project_id, const char *code, bool *on);


/* The project of ticket id, checked for perm; 404 when not visible. */
kerr ticket_row(ctx *c, int64_t id, const char *perm, int64_t *pid);
/* Answers the whole ticket (fields, deadlines, events, allowed actions). */
kerr ticket_answer(ctx *c, int status, int64_t id);
/* A ticket as lists and its page show it: the columns TICKET_COLS (FROM TICKET_FROM) and the
** one reader of them, ticket_rec_read, side by side: a new column is added to both, here, and
** nowhere else reads these columns by position. Text is borrowed from the statement (valid
** until its next step). */
#define TICKET_COLS "t.id, t.project_id, t.number, t.kind, t.channel, t.state, t.unit_id, un.code, t.building_id, " \
                    "t.location, t.caller, t.phone, t.content, t.category, t.paid, t.appointment_at, " \
                    "t.received_by, ru.display_name, t.technician_id, tu.display_name, t.satisfaction, " \
                    "t.reopen_count, t.version, t.created_at, t.updated_at, t.completed_at, t.called_back_at, " \
                    "t.person_id, t.phone_archived"
typedef struct ticket_rec {
    int64_t id, project_id, unit_id, building_id, appointment_at, received_by, technician_id, reopen_count, version,
        created_at, updated_at, completed_at, called_back_at, person_id;
    bool has_unit, has_building, has_technician, paid, has_person, phone_archived;
    const char *number, *kind, *channel, *state, *unit_code, *location, *caller, *phone, *content, *category,
        *received_by_name, *technician_name, *satisfaction;
} ticket_rec;
/* Reads a row that starts with TICKET_COLS; returns the number of columns read (the index of
** the first column a query adds after them). */
static inline int ticket_rec_read(db_stmt *st, ticket_rec *t) {
    int i = 0;
    t->id = db_col_int(st, i++);
    t->project_id = db_col_int(st, i++);
    t->number = db_col_text(st, i++);
    t->kind = db_col_text(st, i++);
    t->channel = db_col_text(st, i++);
    t->state = db_col_text(st, i++);
    t->has_unit = !db_col_is_null(st, i), t->unit_id = db_col_int(st, i++);
    t->unit_code = db_col_text(st, i++);
    t->has_building = !db_col_is_null(st, i), t->building_id = db_col_int(st, i++);
    t->location = db_col_text(st, i++);
    t->caller = db_col_text(st, i++);
    t->phone = db_col_text(st, i++);
    t->content = db_col_text(st, i++);
    t->category = db_col_text(st, i++);
    t->paid = db_col_int(st, i++) != 0;
    t->appointment_at = db_col_int(st, i++);
    t->received_by = db_col_int(st, i++);
    t->received_by_name = db_col_text(st, i++);
    t->has_technician = !db_col_is_null(st, i), t->technician_id = db_col_int(st, i++);
    t->technician_name = db_col_text(st, i++);
    t->satisfaction = db_col_text(st, i++);
    t->reopen_count = db_col_int(st, i++);
    t->version = db_col_int(st, i++);
    t->created_at = db_col_int(st, i++);
    t->updated_at = db_col_int(st, i++);
    t->completed_at = db_col_int(st, i++);
    t->called_back_at = db_col_int(st, i++);
    t->has_person = !db_col_is_null(st, i), t->person_id = db_col_int(st, i++);
    t->phone_archived = db_col_int(st, i++) != 0;
    return i;
}
/* all LEFT JOINs on primary keys: a COUNT(*) of a list skips the joins it does not filter on */
#define TICKET_JOINS "LEFT JOIN units un ON un.id = t.unit_id LEFT JOIN users ru ON ru.id = t.received_by " \
                     "LEFT JOIN users tu ON tu.id = t.technician_id"
#define TICKET_FROM "tickets t " TICKET_JOINS
/* The fields every list item and the ticket page share; on_page: the ticket page's phone rule. */
void ticket_summary(ctx *c, const ticket_rec *t, jw *w, bool on_page);
/* archived: the phone is the caller's number from the archive (tickets.phone_archived). */
const char *ticket_phone(ctx *c, int64_t pid, int64_t technician_id, const char *phone, bool archived, bool whole_ok);

/* The system's roles when a rule acts (an automatic reopen, an escalation). */
unsigned wf_system_roles(void *who, int64_t pid);
/* A callback on ticket r->id (its time, method, result r->note, satisfaction) with its deadline
** met; an unsatisfied one reopens the ticket at once by rule: r->def's "reopen" as the system,
** with *auto_reopen set first so the reopen guard asks for no reason. */
kerr ticket_record_callback(wf_run *r, const char *method, const char *satisfaction, const char *reopen_note,
                           bool *auto_reopen);
/* Workflow effects that open and meet deadlines (tickets_flow.c). */
kerr ticket_open_dispatch_deadline(ctx *c, int64_t pid, int64_t id, const char *number, const char *category);

/* ticket_day_stats (tickets_agg.c): add (+1) or take out (-1) a ticket's figures as its row is
** now; bracket every UPDATE of a counted column with -1 before and +1 after. */
kerr ticket_stats_apply(db *d, int64_t id, int sign);
/* db_exec of an UPDATE of ticket id that changes a counted column, bracketed so. */
kerr ticket_counted_exec_a(db *d, int64_t id, const char *sql, const db_arg *args);
#define ticket_counted_exec(d, id, sql, ...) \
    ticket_counted_exec_a(d, id, sql, (const db_arg[]){__VA_ARGS__ __VA_OPT__(,) DEND_})
int64_t ticket_stats_check(db *d);   /* rows differing from the view ticket_stat_rows; -1 on error */
/* ticket_counts (tickets_agg.c): one more ticket of this project, receiver, kind and state. */
kerr ticket_count_add(db *d, int64_t pid, int64_t received_by, const char *kind, const char *state);
/* The ticket workflows' hook on a change of state: moves the ticket's count to r->to. */
kerr ticket_moved(wf_run *r);
/* Rows of ticket_day_stats and ticket_counts that differ from the tickets; -1 on error. */
int64_t ticket_figures_check(db *d);
kerr ticket_stats_rebuild(db *d);   /* both, recomputed from the tickets */
extern const route tickets_routes[], reviews_routes[];
extern const wf_def REVIEW_WF;
#endif
