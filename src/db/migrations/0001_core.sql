-- 0001_core: the foundation every module stands on.
-- Portable SQL (SQLite and PostgreSQL): INTEGER ids, epoch-second times, TEXT for the rest.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE company (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- 管理处: every business table carries project_id.
CREATE TABLE projects (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    phone                TEXT NOT NULL DEFAULT '',
    password_hash        TEXT NOT NULL,
    disabled             INTEGER NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    last_login_at        INTEGER,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);

-- A role in one project, or company-wide when project_id IS NULL.
CREATE TABLE user_roles (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    project_id INTEGER REFERENCES projects(id),
    role       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX user_roles_uq ON user_roles(user_id, COALESCE(project_id, 0), role);
CREATE INDEX user_roles_project ON user_roles(project_id, role);

-- Server-side sessions: only the SHA-256 of the cookie token is stored.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    ip       TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);

-- Append-only, each row chained to the previous by SHA-256 (kefu check verifies).
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_id   INTEGER,
    actor_name TEXT NOT NULL DEFAULT '',
    project_id INTEGER,
    entity     TEXT NOT NULL,
    entity_id  INTEGER,
    action     TEXT NOT NULL,
    changes    TEXT NOT NULL DEFAULT '{}',
    ip         TEXT NOT NULL DEFAULT '',
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_project ON audit_log(project_id, id);

-- Workflow history: one row per action on a document.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    actor_id   INTEGER REFERENCES users(id),
    note       TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '{}',
    at         INTEGER NOT NULL
);
CREATE INDEX events_entity ON events(entity, entity_id, id);

-- Rules with a due time ("callback within 24 h"); met by a later event, marked by the tick.
CREATE TABLE deadlines (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    entity       TEXT NOT NULL,
    entity_id    INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    due_at       INTEGER NOT NULL,
    met_at       INTEGER,
    overdue_at   INTEGER,
    created_at   INTEGER NOT NULL
);
CREATE INDEX deadlines_due ON deadlines(met_at, overdue_at, due_at);
CREATE INDEX deadlines_entity ON deadlines(entity, entity_id, kind);
CREATE INDEX deadlines_project ON deadlines(project_id, due_at);

-- Document numbers without gaps, taken inside the document's own transaction.
CREATE TABLE sequences (
    project_id INTEGER NOT NULL,
    name       TEXT NOT NULL,
    period     TEXT NOT NULL,
    next       INTEGER NOT NULL,
    PRIMARY KEY (project_id, name, period)
);

-- Bumped by every write that changes who may do what (logout, disable, roles, passwords,
-- token revokes); servers compare it to drop their cached identities.
CREATE TABLE auth_epoch (
    id    INTEGER PRIMARY KEY,
    epoch INTEGER NOT NULL
);
INSERT INTO auth_epoch(id, epoch) VALUES (1, 0);
