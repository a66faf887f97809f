#!/usr/bin/env bash
# gen_tickets.sh DB N — adds N tickets (default 1,000,000) spread over the bench dataset's 20
# projects and the last 365 days, in one sqlite3 transaction: mostly closed repairs with their
# callbacks, recent ones open, 1 in 100 of the last month completed and never called back
# (their callback deadline overdue), inquiries, complaints (issue 6: closed with their reply,
# cause and callback when older than 10 days, open ones with reply and handling limits, the
# late ones escalated; 1 in 10 major; 1 in 25 naming the steward). Numbers BG…
# (not BX) so they never meet the real daily sequence. Ends with a checkpoint, as a running
# server's writes would do, so reads do not wade through a WAL of a million rows.
set -euo pipefail
db=$1; n=${2:-1000000}; now=$(date +%s)
agent=$(sqlite3 "$db" "SELECT id FROM users WHERE username = 'agent'")
steward=$(sqlite3 "$db" "SELECT id FROM users WHERE username = 'steward'")
tech=$(sqlite3 "$db" "SELECT id FROM users WHERE username = 'technician'")
sqlite3 "$db" > /dev/null <<SQL
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE punits AS SELECT project_id, MIN(id) AS lo, COUNT(*) AS n FROM units GROUP BY project_id;
CREATE TEMP TABLE gen AS
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)
SELECT i, (i % 20) + 1 AS p, $now - (i % 365) * 86400 - (i * 37 % 86400) AS at,
       CASE (i / 20) % 10 WHEN 6 THEN 'public_repair' WHEN 7 THEN 'inquiry' WHEN 8 THEN 'complaint' WHEN 9 THEN 'service'
                   ELSE 'home_repair' END AS kind
FROM s;
INSERT INTO tickets(project_id, number, kind, channel, state, unit_id, building_id, caller, phone, content, category,
                    paid, received_by, technician_id, related_id, dispatched_at, started_at, completed_at,
                    called_back_at, closed_at, satisfaction, callback_method, created_at, updated_at)
SELECT g.p, 'BG' || printf('%08d', g.i), g.kind,
       CASE g.i % 3 WHEN 0 THEN 'phone' WHEN 1 THEN 'visit' ELSE 'patrol' END,
       CASE WHEN g.kind = 'complaint' AND g.at > $now - 10 * 86400
            THEN CASE g.i % 3 WHEN 0 THEN 'registered' WHEN 1 THEN 'assigned' ELSE 'replied' END
            WHEN g.kind = 'complaint' THEN 'closed'
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
-- the complaints' own rows: 24 h / 72 h limits (major 72 h / 120 h), closed ones answered on time
-- but for 1 in 7, open ones late when their limit has passed
INSERT INTO complaints(ticket_id, project_id, type, severity, department, handler_id, assigned_at, reply_due_at,
                       handle_due_at, reply, reply_method, replied_at, cause, corrective, result, valid, handled_at,
                       escalation_level, escalated_at, created_at)
SELECT t.id, t.project_id,
       CASE t.id % 8 WHEN 0 THEN 'service_attitude' WHEN 1 THEN 'engineering' WHEN 2 THEN 'charges' WHEN 3 THEN 'safety'
                     WHEN 4 THEN 'environment' WHEN 5 THEN 'noise' WHEN 6 THEN 'neighbour' ELSE 'other' END,
       CASE WHEN t.id % 10 = 0 THEN 'major' ELSE 'normal' END,
       CASE WHEN t.state = 'registered' THEN '' ELSE CASE t.id % 4 WHEN 0 THEN '工程部' WHEN 1 THEN '客服部'
                                                               WHEN 2 THEN '环境部' ELSE '秩序部' END END,
       CASE WHEN t.state = 'registered' THEN NULL ELSE $tech END,
       CASE WHEN t.state = 'registered' THEN NULL ELSE t.created_at + 1800 END,
       t.created_at + CASE WHEN t.id % 10 = 0 THEN 72 ELSE 24 END * 3600,
       t.created_at + CASE WHEN t.id % 10 = 0 THEN 120 ELSE 72 END * 3600,
       CASE WHEN t.state IN ('replied','closed') THEN '已联系业主并说明处理安排' ELSE '' END,
       CASE WHEN t.state IN ('replied','closed') THEN 'phone' END,
       CASE WHEN t.state IN ('replied','closed') THEN t.created_at + CASE WHEN t.id % 7 = 0 THEN 30 ELSE 5 END * 3600 END,
       CASE WHEN t.state = 'closed' THEN CASE t.id % 5 WHEN 0 THEN '装修管理未告知施工时间' WHEN 1 THEN '保洁员漏扫'
                                                     WHEN 2 THEN '收费标准未公示' WHEN 3 THEN '维修不及时' ELSE '员工服务用语不规范' END
            ELSE '' END,
       CASE WHEN t.state = 'closed' THEN '加强巡查并培训' ELSE '' END,
       CASE WHEN t.state = 'closed' THEN '已处理完毕' ELSE '' END,
       CASE WHEN t.state = 'closed' THEN (t.id % 6 <> 0) END,
       CASE WHEN t.state = 'closed' THEN t.created_at + CASE WHEN t.id % 7 = 0 THEN 80 ELSE 30 END * 3600 END,
       0, NULL, t.created_at
FROM tickets t WHERE t.kind = 'complaint' AND t.number LIKE 'BG%';
UPDATE tickets SET completed_at = created_at + 30 * 3600, called_back_at = created_at + 40 * 3600, callback_method = 'phone',
       satisfaction = CASE id % 20 WHEN 0 THEN 'unsatisfied' WHEN 1 THEN 'basically_satisfied' ELSE 'satisfied' END
WHERE kind = 'complaint' AND state = 'closed' AND number LIKE 'BG%';
INSERT INTO complaint_staff(ticket_id, user_id)
SELECT ticket_id, $steward FROM complaints WHERE type = 'service_attitude' AND ticket_id % 25 = 0;
INSERT INTO deadlines(project_id, entity, entity_id, kind, title, due_at, warn_at, met_at, overdue_at, created_at)
SELECT t.project_id, 'ticket', t.id, 'reply', t.number || ' 答复', cp.reply_due_at, cp.reply_due_at - 28800, NULL,
       CASE WHEN cp.reply_due_at < $now THEN cp.reply_due_at END, t.created_at
FROM tickets t JOIN complaints cp ON cp.ticket_id = t.id WHERE t.state IN ('registered','assigned') AND t.number LIKE 'BG%';
INSERT INTO deadlines(project_id, entity, entity_id, kind, title, due_at, warn_at, met_at, overdue_at, created_at)
SELECT t.project_id, 'ticket', t.id, 'handle', t.number || ' 处理', cp.handle_due_at, cp.handle_due_at - 86400, NULL,
       CASE WHEN cp.handle_due_at < $now THEN cp.handle_due_at END, t.created_at
FROM tickets t JOIN complaints cp ON cp.ticket_id = t.id WHERE t.state IN ('registered','assigned','replied') AND t.number LIKE 'BG%';
UPDATE complaints SET escalation_level = CASE WHEN (SELECT MIN(d.due_at) FROM deadlines d WHERE d.entity = 'ticket'
         AND d.entity_id = complaints.ticket_id AND d.met_at IS NULL) < $now - 86400 THEN 2 ELSE 1 END, escalated_at = $now
WHERE EXISTS (SELECT 1 FROM deadlines d WHERE d.entity = 'ticket' AND d.entity_id = complaints.ticket_id
              AND d.met_at IS NULL AND d.overdue_at IS NOT NULL);
COMMIT;
ANALYZE;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
# the day sums of the figures (ticket_day_stats), as the server keeps them for its own writes
build/kefu check --db "$db" --rebuild-stats > /dev/null
