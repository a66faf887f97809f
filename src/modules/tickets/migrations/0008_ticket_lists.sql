-- 0008_ticket_lists.sql — "my open tickets" (首问负责制, ?mine=1) over a million tickets (issue 5).
-- A desk agent receives most of a project's tickets, nearly all of them closed long ago: the
-- open ones get an index of their own (partial: only tickets not yet closed, cancelled or
-- voided — the list in tickets_list.c, UNFINISHED), in newest-first order, with the state so that
-- the count reads the index alone. The filter 登记人 (received_by, any state) keeps an index in
-- id order; without the project in it the planner does not mistake it for the open one.
DROP INDEX tickets_received;
CREATE INDEX tickets_received ON tickets(received_by, id);
CREATE INDEX tickets_mine ON tickets(received_by, project_id, id, state)
    WHERE state IN ('open','registered','pending_dispatch','dispatched','in_progress','completed','called_back',
                    'assigned','replied','handled');
