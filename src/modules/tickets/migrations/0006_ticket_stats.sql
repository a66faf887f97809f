-- 0006_ticket_stats.sql — the desk's figures kept per day (issue 5: statistics over a million
-- tickets in well under 50 ms).
--
-- ticket_stat_rows is the one definition of what a ticket adds to the figures: five rows per
-- ticket, one per grouping (kind, channel, category, building, technician), on the office day
-- (+08:00) it was registered. ticket_day_stats holds their sums per project, grouping, day and
-- key; the code keeps it current by taking a ticket's rows out before a change and adding them
-- back after it (tickets_agg.c), `kefu check` compares it with the view, and statistics read
-- it instead of the tickets.
CREATE VIEW ticket_stat_rows AS
SELECT t.id AS ticket_id, t.project_id, g.dim, t.created_at - ((t.created_at + 28800) % 86400) AS day,
       CASE g.dim WHEN 'kind' THEN t.kind WHEN 'channel' THEN t.channel WHEN 'category' THEN t.category
                  WHEN 'building' THEN CAST(COALESCE(t.building_id, 0) AS TEXT)
                  ELSE CAST(COALESCE(t.technician_id, 0) AS TEXT) END AS key,
       1 AS n_count,
       CASE WHEN t.kind IN ('public_repair','home_repair','service') THEN 1 ELSE 0 END AS n_repairs,
       CASE WHEN t.completed_at IS NOT NULL THEN 1 ELSE 0 END AS n_completed,
       CASE WHEN t.called_back_at IS NOT NULL THEN 1 ELSE 0 END AS n_called,
       CASE WHEN t.called_back_at - t.completed_at <= 86400 THEN 1 ELSE 0 END AS n_called24,
       CASE WHEN t.satisfaction = 'satisfied' THEN 1 ELSE 0 END AS n_satisfied,
       CASE WHEN t.satisfaction = 'basically_satisfied' THEN 1 ELSE 0 END AS n_basic,
       CASE WHEN t.satisfaction = 'unsatisfied' THEN 1 ELSE 0 END AS n_unsatisfied,
       CASE WHEN t.kind = 'complaint' THEN 1 ELSE 0 END AS n_complaints,
       COALESCE(t.dispatched_at - t.created_at, 0) AS s_dispatch,
       CASE WHEN t.dispatched_at IS NOT NULL THEN 1 ELSE 0 END AS n_dispatch,
       COALESCE(t.completed_at - t.dispatched_at, 0) AS s_done,
       CASE WHEN t.completed_at - t.dispatched_at IS NOT NULL THEN 1 ELSE 0 END AS n_done
FROM tickets t
CROSS JOIN (SELECT 'kind' AS dim UNION ALL SELECT 'channel' UNION ALL SELECT 'category'
            UNION ALL SELECT 'building' UNION ALL SELECT 'technician') g;

CREATE TABLE ticket_day_stats (
    project_id    INTEGER NOT NULL REFERENCES projects(id),
    dim           TEXT NOT NULL,
    day           INTEGER NOT NULL,
    key           TEXT NOT NULL,
    n_count       INTEGER NOT NULL,
    n_repairs     INTEGER NOT NULL,
    n_completed   INTEGER NOT NULL,
    n_called      INTEGER NOT NULL,
    n_called24    INTEGER NOT NULL,
    n_satisfied   INTEGER NOT NULL,
    n_basic       INTEGER NOT NULL,
    n_unsatisfied INTEGER NOT NULL,
    n_complaints  INTEGER NOT NULL,
    s_dispatch    INTEGER NOT NULL,
    n_dispatch    INTEGER NOT NULL,
    s_done        INTEGER NOT NULL,
    n_done        INTEGER NOT NULL,
    PRIMARY KEY (project_id, dim, day, key)
);

INSERT INTO ticket_day_stats
SELECT project_id, dim, day, key, SUM(n_count), SUM(n_repairs), SUM(n_completed), SUM(n_called), SUM(n_called24),
       SUM(n_satisfied), SUM(n_basic), SUM(n_unsatisfied), SUM(n_complaints), SUM(s_dispatch), SUM(n_dispatch),
       SUM(s_done), SUM(n_done)
FROM ticket_stat_rows GROUP BY project_id, dim, day, key;
-- the whole company's figures (no project to seek on)
CREATE INDEX ticket_day_stats_day ON ticket_day_stats(dim, day);
