-- 0014_ticket_options.sql — a project's own switches of the repair workflow (issue 20): each a
-- code and whether it is on; a project without a row has the default in the code
-- (tickets.c TICKET_OPTIONS). The first: callback_auto_close, a satisfied callback closes the
-- order (on by default).
CREATE TABLE ticket_options (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    code       TEXT NOT NULL,
    enabled    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, code)
);
