#!/usr/bin/env bash
# gen_tickets.sh DB N — adds N tickets (default 1,000,000) spread over the bench dataset's 20
# projects and the last 365 days, in one sqlite3 transaction: mostly closed repairs with their
# callbacks, recent ones open, 1 in 100 of the last month completed and never called back
# (their callback deadline overdue), inquiries, complaints naming a repair. Numbers BG…
# (not BX) so they never meet the real daily sequence. Ends with a checkpoint, as a running
# server's writes would do, so reads do not wade through a WAL of a million rows.
set -euo pipefail
db=$1; n=${2:-1000000}; now=$(date +%s)
agent=$(sqlite3 "$db" "SELECT id FROM users WHERE username = 'agent'")
tech=$(sqlite3 "$db" "SELECT id FROM users WHERE username = 'technician'")
sqlite3 "$db" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE punits AS SELECT project_id, MIN(id) AS lo, COUNT(*) AS n FROM units GROUP BY project_id;
CREATE TEMP TABLE gen AS
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)
SELECT i, (i % 20) + 1 AS p, $now - (i % 365) * 86400 - (i * 37 % 86400) AS at,
       CASE i % 10 WHEN 6 THEN 'public_repair' WHEN 7 THEN 'inquiry' WHEN 8 THEN 'complaint' WHEN 9 THEN 'service'
                   ELSE 'home_repair' END AS kind
FROM s;
INSERT INTO tickets(project_id, number, kind, channel, state, unit_id, building_id, caller, phone, content, category,
                    paid, received_by, technician_id, related_id, dispatched_at, started_at, completed_at,
                    called_back_at, closed_at, satisfaction, callback_method, created_at, updated_at)
SELECT g.p, 'BG' || printf('%08d', g.i), g.kind,
       CASE g.i % 3 WHEN 0 THEN 'phone' WHEN 1 THEN 'visit' ELSE 'patrol' END,
       CASE WHEN g.kind = 'complaint' THEN 'registered'
            WHEN g.kind = 'inquiry' THEN 'closed'
            WHEN g.at > $now - 2 * 86400 THEN 'pending_dispatch'
            WHEN g.i % 100 = 0 AND g.at > $now - 30 * 86400 THEN 'completed'
            ELSE 'closed' END,
       u.id, u.building_id, '业主' || (g.i % 1000), '138' || printf('%08d', g.i % 100000000), '卫生间漏水，请尽快上门',
       CASE WHEN g.kind IN ('home_repair','public_repair','service')
            THEN CASE g.i % 4 WHEN 0 THEN 'water' WHEN 1 THEN 'electric' WHEN 2 THEN 'door_window' ELSE 'civil' END
            ELSE '' END,
       0, $agent,
       CASE WHEN g.kind IN ('home_repair','public_repair','service') AND g.at <= $now - 2 * 86400 THEN $tech END,
       NULL,
       CASE WHEN g.kind IN ('home_repair','public_repair','service') AND g.at <= $now - 2 * 86400 THEN g.at + 600 + g.i % 1800 END,
       CASE WHEN g.kind IN ('home_repair','public_repair','service') AND g.at <= $now - 2 * 86400 THEN g.at + 3600 END,
       CASE WHEN g.kind IN ('home_repair','public_repair','service') AND g.at <= $now - 2 * 86400 THEN g.at + 10800 END,
       CASE WHEN g.kind IN ('home_repair','public_repair','service') AND g.at <= $now - 2 * 86400
                 AND NOT (g.i % 100 = 0 AND g.at > $now - 30 * 86400) THEN g.at + 10800 + (g.i % 30) * 3600 END,
       CASE WHEN g.at <= $now - 2 * 86400 THEN g.at + 86400 END,
       CASE WHEN g.kind IN ('home_repair','public_repair','service') AND g.at <= $now - 2 * 86400
                 AND NOT (g.i % 100 = 0 AND g.at > $now - 30 * 86400)
            THEN CASE g.i % 20 WHEN 0 THEN 'unsatisfied' WHEN 1 THEN 'basically_satisfied' ELSE 'satisfied' END END,
       CASE WHEN g.kind IN ('home_repair','public_repair','service') AND g.at <= $now - 2 * 86400 THEN 'phone' END,
       g.at, g.at
FROM gen g JOIN punits pu ON pu.project_id = g.p JOIN units u ON u.id = pu.lo + (g.i * 7919) % pu.n;
-- open deadlines: dispatch for the recent pending ones, overdue callbacks for the forgotten ones
INSERT INTO deadlines(project_id, entity, entity_id, kind, title, due_at, warn_at, met_at, overdue_at, created_at)
SELECT project_id, 'ticket', id, 'dispatch', number || ' 派工', created_at + 1800, created_at + 1200, NULL,
       CASE WHEN created_at + 1800 < $now THEN created_at + 1800 END, created_at
FROM tickets WHERE state = 'pending_dispatch' AND number LIKE 'BG%';
INSERT INTO deadlines(project_id, entity, entity_id, kind, title, due_at, warn_at, met_at, overdue_at, created_at)
SELECT project_id, 'ticket', id, 'callback', number || ' 回访', completed_at + 86400, completed_at + 72000, NULL,
       completed_at + 86400, completed_at
FROM tickets WHERE state = 'completed' AND number LIKE 'BG%';
COMMIT;
ANALYZE;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
