/*
** tickets_agg.c — keeps ticket_day_stats (migration 0006) equal to the sum of the view
** ticket_stat_rows, so the desk's figures read a few hundred day rows instead of every ticket
** of the range.
**
** Registering adds a ticket's rows; a workflow effect that changes a column the figures count
** (technician, dispatch, completion, callback, satisfaction) takes the rows out (sign -1)
** before its UPDATE and adds them back (+1) after it, in the same transaction: one statement
** of five upserts each way, and nothing for the actions that change no figure. `kefu check`
** compares the table with the view; `ticket_stats_rebuild` recomputes it.
**
** It keeps ticket_counts (migration 0009) too: the tickets per project, receiver, kind and
** state, from which a list filtered by no more than these counts its total. Registering adds
** one; every change of state moves one from the old state to the new (ticket_moved, the hook
** of the ticket workflows).
*/
#include "tickets.h"
#include <string.h>

/* Adds (sign +1) or takes out (-1) the rows of ticket id as it is now. */
kerr ticket_stats_apply(db *d, int64_t id, int sign) {
    return db_exec(d, "INSERT INTO ticket_day_stats SELECT project_id, dim, day, key, "
                      "? * n_count, ? * n_repairs, ? * n_completed, ? * n_called, ? * n_called24, ? * n_satisfied, "
                      "? * n_basic, ? * n_unsatisfied, ? * n_complaints, ? * s_dispatch, ? * n_dispatch, ? * s_done, "
                      "? * n_done FROM ticket_stat_rows WHERE ticket_id = ? "
                      "ON CONFLICT (project_id, dim, day, key) DO UPDATE SET "
                      "n_count = ticket_day_stats.n_count + excluded.n_count, "
                      "n_repairs = ticket_day_stats.n_repairs + excluded.n_repairs, "
                      "n_completed = ticket_day_stats.n_completed + excluded.n_completed, "
                      "n_called = ticket_day_stats.n_called + excluded.n_called, "
                      "n_called24 = ticket_day_stats.n_called24 + excluded.n_called24, "
                      "n_satisfied = ticket_day_stats.n_satisfied + excluded.n_satisfied, "
                      "n_basic = ticket_day_stats.n_basic + excluded.n_basic, "
                      "n_unsatisfied = ticket_day_stats.n_unsatisfied + excluded.n_unsatisfied, "
                      "n_complaints = ticket_day_stats.n_complaints + excluded.n_complaints, "
                      "s_dispatch = ticket_day_stats.s_dispatch + excluded.s_dispatch, "
                      "n_dispatch = ticket_day_stats.n_dispatch + excluded.n_dispatch, "
                      "s_done = ticket_day_stats.s_done + excluded.s_done, "
                      "n_done = ticket_day_stats.n_done + excluded.n_done",
                   DI(sign), DI(sign), DI(sign), DI(sign), DI(sign), DI(sign), DI(sign), DI(sign), DI(sign),
                   DI(sign), DI(sign), DI(sign), DI(sign), DI(id));
}

/* Rows where the table and the view differ (all-zero rows left by changes count as absent). */
#define LIVE "SELECT project_id, dim, day, key, SUM(n_count) AS n_count, SUM(n_repairs) AS n_repairs, " \
             "SUM(n_completed) AS n_completed, SUM(n_called) AS n_called, SUM(n_called24) AS n_called24, " \
             "SUM(n_satisfied) AS n_satisfied, SUM(n_basic) AS n_basic, SUM(n_unsatisfied) AS n_unsatisfied, " \
             "SUM(n_complaints) AS n_complaints, SUM(s_dispatch) AS s_dispatch, SUM(n_dispatch) AS n_dispatch, " \
             "SUM(s_done) AS s_done, SUM(n_done) AS n_done FROM ticket_stat_rows GROUP BY project_id, dim, day, key"
#define STORED "SELECT project_id, dim, day, key, n_count, n_repairs, n_completed, n_called, n_called24, n_satisfied, " \
               "n_basic, n_unsatisfied, n_complaints, s_dispatch, n_dispatch, s_done, n_done FROM ticket_day_stats " \
               "WHERE n_count <> 0 OR n_repairs <> 0 OR n_completed <> 0 OR n_called <> 0 OR s_dispatch <> 0"

int64_t ticket_stats_check(db *d) {
    int64_t a = -1, b = -1;
    if (!db_int(d, &a, "SELECT COUNT(*) FROM (" LIVE " EXCEPT " STORED ") x") ||
        !db_int(d, &b, "SELECT COUNT(*) FROM (" STORED " EXCEPT " LIVE ") x"))
        return -1;
    return a + b;
}

#define COUNTS_LIVE "SELECT project_id, received_by, kind, state, COUNT(*) AS n FROM tickets " \
                    "GROUP BY project_id, received_by, kind, state"
#define COUNTS_STORED "SELECT project_id, received_by, kind, state, n FROM ticket_counts WHERE n <> 0"
#define COUNTS_UPSERT "INSERT INTO ticket_counts(project_id, received_by, kind, state, n) "
#define COUNTS_ADD " ON CONFLICT (project_id, received_by, kind, state) DO UPDATE SET n = ticket_counts.n + excluded.n"

/* Rows of ticket_counts that differ from the tickets (-1 on error). */
static int64_t counts_check(db *d) {
    int64_t a = -1, b = -1;
    if (!db_int(d, &a, "SELECT COUNT(*) FROM (" COUNTS_LIVE " EXCEPT " COUNTS_STORED ") x") ||
        !db_int(d, &b, "SELECT COUNT(*) FROM (" COUNTS_STORED " EXCEPT " COUNTS_LIVE ") x"))
        return -1;
    return a + b;
}

int64_t ticket_figures_check(db *d) {
    int64_t a = ticket_stats_check(d), b = a < 0 ? -1 : counts_check(d);
    return b < 0 ? -1 : a + b;
}

kerr ticket_stats_rebuild(db *d) {
    kerr e = db_exec(d, "DELETE FROM ticket_day_stats");
    if (!e) e = db_exec(d, "INSERT INTO ticket_day_stats " LIVE);
    if (!e) e = db_exec(d, "DELETE FROM ticket_counts");
    return e ? e : db_exec(d, COUNTS_UPSERT COUNTS_LIVE);
}

kerr ticket_count_add(db *d, int64_t pid, int64_t received_by, const char *kind, const char *state) {
    return db_exec(d, COUNTS_UPSERT "VALUES (?,?,?,?,1)" COUNTS_ADD, DI(pid), DI(received_by), DT(kind), DT(state));
}

kerr ticket_moved(wf_run *r) {
    static const char *const sql = COUNTS_UPSERT "SELECT project_id, received_by, kind, CAST(? AS TEXT), "
                                   "CAST(? AS INTEGER) FROM tickets WHERE id = ?" COUNTS_ADD;
    kerr e = db_exec(r->db, sql, DT(r->from), DI(-1), DI(r->id));
    return e ? e : db_exec(r->db, sql, DT(r->to), DI(1), DI(r->id));
}

kerr ticket_counted_exec_a(db *d, int64_t id, const char *sql, const db_arg *args) {
    kerr e = ticket_stats_apply(d, id, -1);
    if (!e) e = db_exec_a(d, sql, args);
    return e ? e : ticket_stats_apply(d, id, 1);
}
