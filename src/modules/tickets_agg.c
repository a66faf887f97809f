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

kerr ticket_stats_rebuild(db *d) {
    kerr e = db_exec(d, "DELETE FROM ticket_day_stats");
    return e ? e : db_exec(d, "INSERT INTO ticket_day_stats " LIVE);
}

kerr ticket_counted_exec_a(db *d, int64_t id, const char *sql, const db_arg *args) {
    kerr e = ticket_stats_apply(d, id, -1);
    if (!e) e = db_exec_a(d, sql, args);
    return e ? e : ticket_stats_apply(d, id, 1);
}
