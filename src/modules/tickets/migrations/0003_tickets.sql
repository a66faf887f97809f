-- 0003_tickets.sql — the front-desk register and repair work orders (SPEC B1–B5, R1–R9).

-- Every incoming contact. Repairs (public_repair, home_repair, service) run the repair
-- workflow; inquiries, suggestions and praise are answered and closed; complaints are
-- registered here and handled by the complaints module.
CREATE TABLE tickets (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects(id),
    number         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    channel        TEXT NOT NULL,
    state          TEXT NOT NULL,
    unit_id        INTEGER REFERENCES units(id),
    building_id    INTEGER REFERENCES buildings(id),
    location       TEXT NOT NULL DEFAULT '',
    caller         TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    content        TEXT NOT NULL,
    category       TEXT NOT NULL DEFAULT '',
    paid           INTEGER NOT NULL DEFAULT 0,
    appointment_at INTEGER,
    received_by    INTEGER NOT NULL REFERENCES users(id),
    technician_id  INTEGER REFERENCES users(id),
    related_id     INTEGER REFERENCES tickets(id),
    reply          TEXT NOT NULL DEFAULT '',
    dispatched_at  INTEGER,
    accepted_at    INTEGER,
    started_at     INTEGER,
    completed_at   INTEGER,
    called_back_at INTEGER,
    closed_at      INTEGER,
    work_done      TEXT NOT NULL DEFAULT '',
    materials      TEXT NOT NULL DEFAULT '[]',
    labour_minutes INTEGER,
    charge         INTEGER,
    confirm_kind   TEXT,
    confirm_code   TEXT,
    callback_method TEXT,
    callback_result TEXT NOT NULL DEFAULT '',
    satisfaction   TEXT,
    reopen_count   INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (project_id, number)
);
CREATE INDEX tickets_project ON tickets(project_id, created_at);
CREATE INDEX tickets_newest ON tickets(project_id, id);
CREATE INDEX tickets_state ON tickets(project_id, state, created_at);
CREATE INDEX tickets_received ON tickets(received_by, state, project_id);   -- covers the count of "mine"
CREATE INDEX tickets_technician ON tickets(technician_id, state);
CREATE INDEX tickets_unit ON tickets(unit_id, state);
CREATE INDEX tickets_related ON tickets(related_id) WHERE related_id IS NOT NULL;
CREATE INDEX tickets_called_back ON tickets(project_id, called_back_at);
-- statistics read this index only (a month of one project, or of every project)
CREATE INDEX tickets_stats ON tickets(project_id, created_at, kind, channel, category, building_id, technician_id,
                                      dispatched_at, completed_at, called_back_at, satisfaction);

-- The owner's signature on completion (002 §3.2 凡服务结束者即请客户于派工单上签字),
-- base64 of a PNG or JPEG, kept apart so lists never read it.
CREATE TABLE ticket_signatures (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    mime       TEXT NOT NULL,
    data       TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    actor_id   INTEGER REFERENCES users(id),
    at         INTEGER NOT NULL
);
CREATE INDEX ticket_signatures_ticket ON ticket_signatures(ticket_id, id);

-- A project's own dispatch / completion times per repair category (defaults in the code).
CREATE TABLE repair_sla (
    project_id       INTEGER NOT NULL REFERENCES projects(id),
    category         TEXT NOT NULL,
    dispatch_minutes INTEGER NOT NULL,
    complete_minutes INTEGER NOT NULL,
    warn_minutes     INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (project_id, category)
);

-- what one person did on a day (the daily work log)
CREATE INDEX events_actor ON events(actor_id, at);

-- Deadlines warn before they are due (like MicroCommunity's warning_time).
ALTER TABLE deadlines ADD COLUMN warn_at INTEGER;
ALTER TABLE deadlines ADD COLUMN warned_at INTEGER;
CREATE INDEX deadlines_open ON deadlines(met_at, warned_at, warn_at);
-- a record's deadlines (a handful): its nearest open one for the lists, and deadline_meet, which
-- deadlines_entity served — all four columns, so the planner never prefers deadlines_due_open
-- (every open deadline of a kind) for meeting one record's
DROP INDEX deadlines_entity;
CREATE INDEX deadlines_next ON deadlines(entity, entity_id, kind, met_at);
-- every open deadline in due order (the company-wide overdue list), and the late ones alone
CREATE INDEX deadlines_due_open ON deadlines(entity, kind, met_at, due_at);
CREATE INDEX deadlines_late ON deadlines(project_id, entity, due_at) WHERE met_at IS NULL AND overdue_at IS NOT NULL;
CREATE INDEX deadlines_late_all ON deadlines(entity, due_at) WHERE met_at IS NULL AND overdue_at IS NOT NULL;
-- a project's open deadlines of a kind in due order (the callbacks due today)
CREATE INDEX deadlines_project_open ON deadlines(project_id, entity, kind, met_at, due_at);

-- The weekly review of called-back repair orders (SPEC R6): submitted by the desk, approved or
-- returned by the manager. callback_review_items keeps the list as it was submitted.
CREATE TABLE callback_reviews (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    week         TEXT NOT NULL,
    state        TEXT NOT NULL,
    tickets      INTEGER NOT NULL,
    unsatisfied  INTEGER NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES users(id),
    note         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (project_id, week)
);
CREATE TABLE callback_review_items (
    review_id INTEGER NOT NULL REFERENCES callback_reviews(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    PRIMARY KEY (review_id, ticket_id)
);
