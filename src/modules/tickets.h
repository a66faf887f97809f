/*
** tickets.h — shared pieces of the front-desk register and repair work orders
** (tickets*.c, SPEC B1–B5, R1–R9): the codes with their Chinese labels, the workflow table,
** the deadline rules per repair category, and the ticket's JSON.
*/
#ifndef KEFU_TICKETS_H
#define KEFU_TICKETS_H
#include "modules.h"
#include "../core/clock.h"
#include "../core/workflow.h"
#include "../http/export.h"
#include "../http/input.h"

typedef struct code_label { const char *code, *label; } code_label;
extern const code_label TICKET_KINDS[], TICKET_CHANNELS[], REPAIR_CATEGORIES[], SATISFACTIONS[],
    CALLBACK_METHODS[];
const char *code_label_of(const code_label *t, const char *code);   /* NULL when unknown */
/* Validates body field `key` against t (NULL-terminated by code): 422 listing the codes. */
kerr in_code(ctx *c, const char *key, const char *label, unsigned flags, const code_label *t, const char **out);

extern const wf_def TICKET_WF;
bool ticket_is_repair(const char *kind);   /* public_repair, home_repair, service */

/* Dispatch / completion / warning minutes of a category in a project (own or default). */
typedef struct repair_sla { int64_t dispatch, complete, warn; bool custom; } repair_sla;
repair_sla repair_sla_of(db *d, int64_t project_id, const char *category);

/* Body field `key`: an agreed time, not in the past (5 minutes' grace); 0 when absent. */
kerr in_appointment(ctx *c, const char *key, int64_t *at);
/* ?name=2026-11-25 (office-local midnight into *t; 0 when absent) or 400 naming the field. */
kerr q_date(ctx *c, const char *name, const char *label, int64_t *t);
/* A month "2026-11": [start, end) in office time. false when not a month of 2000–2099. */
bool month_parse(const char *m, int64_t *start, int64_t *end);
void month_of(int64_t t, char out[8]);   /* office month of t */
/* Body field `key`: a month; 422 naming the field. */
kerr in_month(ctx *c, const char *key, unsigned flags, const char **m, int64_t *start, int64_t *end);
/* ?month= (default: this month); 400 naming the field. */
kerr q_month(ctx *c, const char **m, int64_t *start, int64_t *end);

/* The projects the user may read tickets of (and ?project_id) as a condition on column col. */
struct qb;
kerr scope_on(ctx *c, struct qb *b, const char *col);
/* ?name=N id filters: each given one adds its condition (cond with one ?). */
typedef struct id_filter { const char *name, *label, *cond; } id_filter;
kerr q_id_filters(ctx *c, struct qb *b, const id_filter *f, size_t n);
/* ?project_id (or the user's only project for perm), visible and permitted. */
kerr query_project(ctx *c, const char *perm, int64_t *pid);
/* The project of ticket id, checked for perm; 404 when not visible. */
kerr ticket_row(ctx *c, int64_t id, const char *perm, int64_t *pid);
/* Registers a ticket from the request body (the fields of POST /tickets, read from c->json)
** in the caller's write transaction: number, first event, deadlines, audit. */
kerr ticket_register(ctx *c, int64_t *id);
/* Answers the whole ticket (fields, deadlines, events, allowed actions). */
kerr ticket_answer(ctx *c, int status, int64_t id);
/* Ticket list columns (TICKET_COLS FROM TICKET_FROM), written by ticket_summary. */
#define TICKET_COLS "t.id, t.project_id, t.number, t.kind, t.channel, t.state, t.unit_id, un.code, t.building_id, " \
                    "t.location, t.caller, t.phone, t.content, t.category, t.paid, t.appointment_at, " \
                    "t.received_by, ru.display_name, t.technician_id, tu.display_name, t.satisfaction, " \
                    "t.reopen_count, t.version, t.created_at, t.updated_at, t.completed_at, t.called_back_at"
/* all LEFT JOINs on primary keys: a COUNT(*) of a list skips the joins it does not filter on */
#define TICKET_JOINS "LEFT JOIN units un ON un.id = t.unit_id LEFT JOIN users ru ON ru.id = t.received_by " \
                     "LEFT JOIN users tu ON tu.id = t.technician_id"
#define TICKET_FROM "tickets t " TICKET_JOINS
void ticket_summary(ctx *c, db_stmt *st, jw *w, bool on_page);   /* on_page: the ticket page's phone rule */
const char *ticket_phone(ctx *c, int64_t pid, int64_t technician_id, const char *phone, bool whole_ok);

/* The system's roles when a rule acts (an automatic reopen, an escalation). */
unsigned wf_system_roles(void *who, int64_t pid);
/* A callback on ticket r->id (its time, method, result r->note, satisfaction) with its deadline
** met; an unsatisfied one reopens the ticket at once by rule: r->def's "reopen" as the system,
** with *auto_reopen set first so the reopen guard asks for no reason. */
kerr ticket_record_callback(wf_run *r, const char *method, const char *satisfaction, const char *reopen_note,
                           bool *auto_reopen);
/* Workflow effects that open and meet deadlines (tickets_flow.c). */
kerr ticket_open_dispatch_deadline(ctx *c, int64_t pid, int64_t id, const char *number, const char *category);

/* A rate num/den as a fraction with 4 decimals, or null without a denominator. */
void jw_rate(jw *w, const char *key, int64_t num, int64_t den);
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
extern const route tickets_routes[];
#endif
