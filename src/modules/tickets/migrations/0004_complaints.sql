-- 0004_complaints.sql — complaints (客情记录表, SPEC C1–C7) and in-app notifications.
--
-- A complaint is a ticket of kind 'complaint' (its number, unit, caller, content, events and
-- deadlines are the ticket's); this table holds what only a complaint has. The due times of
-- the first reply and of handling are copied here when they are set, so the monthly summary
-- counts "on time" without reading the deadlines table.
CREATE TABLE complaints (
    ticket_id        INTEGER PRIMARY KEY REFERENCES tickets(id),
    project_id       INTEGER NOT NULL REFERENCES projects(id),
    type             TEXT NOT NULL,
    severity         TEXT NOT NULL,
    department       TEXT NOT NULL DEFAULT '',
    handler_id       INTEGER REFERENCES users(id),
    assigned_at      INTEGER,
    reply_due_at     INTEGER NOT NULL,
    handle_due_at    INTEGER NOT NULL,
    reply            TEXT NOT NULL DEFAULT '',
    reply_method     TEXT,
    replied_at       INTEGER,
    cause            TEXT NOT NULL DEFAULT '',
    corrective       TEXT NOT NULL DEFAULT '',
    preventive       TEXT NOT NULL DEFAULT '',
    result           TEXT NOT NULL DEFAULT '',
    valid            INTEGER,
    handled_at       INTEGER,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    escalated_at     INTEGER,
    created_at       INTEGER NOT NULL
);
CREATE INDEX complaints_month ON complaints(project_id, created_at);
CREATE INDEX complaints_handler ON complaints(handler_id, project_id);
CREATE INDEX complaints_escalated ON complaints(project_id, escalation_level) WHERE escalation_level > 0;

-- Staff members a complaint names (SPEC C7): they never see the complaint themselves.
CREATE TABLE complaint_staff (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    user_id   INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (ticket_id, user_id)
);
CREATE INDEX complaint_staff_user ON complaint_staff(user_id, ticket_id);

-- A project's own complaint types (the defaults are in the code until a project changes one).
CREATE TABLE complaint_types (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    code       TEXT NOT NULL,
    label      TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    sort       INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, code)
);

-- A project's own complaint time limits per severity (defaults in the code: 000 管家职责 9).
CREATE TABLE complaint_rules (
    project_id       INTEGER NOT NULL REFERENCES projects(id),
    severity         TEXT NOT NULL,
    reply_hours      INTEGER NOT NULL,
    handle_hours     INTEGER NOT NULL,
    callback_hours   INTEGER NOT NULL,
    escalate_hours   INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (project_id, severity)
);

-- Messages to one user inside the app (an escalation, a complaint to handle).
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, read_at);
