-- 0005_visits.sql — owner visits and callbacks (业主拜访 / 回访, SPEC V1–V4): a steward's monthly
-- plan over a district of buildings, appointments and visit records (拜访业主会谈内容记录表)
-- with the owner's requests (each one may become a ticket), and the managers' callback quotas
-- (003 业主回访制度).

-- One plan per steward and month; its district is the buildings in visit_plan_buildings.
CREATE TABLE visit_plans (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects(id),
    steward_id     INTEGER NOT NULL REFERENCES users(id),
    month          TEXT NOT NULL,
    target_percent INTEGER NOT NULL DEFAULT 80,
    note           TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER NOT NULL REFERENCES users(id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (project_id, steward_id, month)
);
CREATE INDEX visit_plans_month ON visit_plans(project_id, month, steward_id);
CREATE INDEX visit_plans_steward ON visit_plans(steward_id, month);

CREATE TABLE visit_plan_buildings (
    plan_id     INTEGER NOT NULL REFERENCES visit_plans(id),
    building_id INTEGER NOT NULL REFERENCES buildings(id),
    PRIMARY KEY (plan_id, building_id)
);
-- whose district a building is in (one steward per building and month; a steward's district)
CREATE INDEX visit_plan_buildings_building ON visit_plan_buildings(building_id, plan_id);

-- A visit (拜访) or callback (回访) of one unit. `at` is when it happens: the visit time once
-- recorded, else the appointment; lists, months and rates read it.
CREATE TABLE visits (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects(id),
    plan_id        INTEGER REFERENCES visit_plans(id),
    steward_id     INTEGER NOT NULL REFERENCES users(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    person_id      INTEGER REFERENCES people(id),
    kind           TEXT NOT NULL,
    state          TEXT NOT NULL,
    at             INTEGER NOT NULL,
    appointment_at INTEGER,
    visited_at     INTEGER,
    topic          TEXT NOT NULL DEFAULT '',
    met_person     TEXT NOT NULL DEFAULT '',
    opinions       TEXT NOT NULL DEFAULT '',
    suggestions    TEXT NOT NULL DEFAULT '',
    summary        TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    created_by     INTEGER NOT NULL REFERENCES users(id),
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX visits_project ON visits(project_id, at);
-- a steward's visits of a month (rates, callback quotas, the phone's day)
CREATE INDEX visits_steward ON visits(steward_id, state, at, kind, unit_id);
CREATE INDEX visits_unit ON visits(unit_id, at);
CREATE INDEX visits_plan ON visits(plan_id, at) WHERE plan_id IS NOT NULL;

-- What the owner asked for during a visit, numbered 1, 2 … per visit. An unanswered request
-- may become a ticket (ticket_id), once.
CREATE TABLE visit_requests (
    visit_id  INTEGER NOT NULL REFERENCES visits(id),
    seq       INTEGER NOT NULL,
    content   TEXT NOT NULL,
    answered  INTEGER NOT NULL DEFAULT 0,
    answer    TEXT NOT NULL DEFAULT '',
    ticket_id INTEGER REFERENCES tickets(id),
    PRIMARY KEY (visit_id, seq)
);
CREATE INDEX visit_requests_ticket ON visit_requests(ticket_id) WHERE ticket_id IS NOT NULL;

-- Callbacks a manager must make themselves in a month (003: 管理处正、副主任亲自回访).
CREATE TABLE callback_quotas (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    month      TEXT NOT NULL,
    required   INTEGER NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES users(id),
    updated_at INTEGER NOT NULL,
    UNIQUE (project_id, user_id, month)
);
CREATE INDEX callback_quotas_month ON callback_quotas(month, project_id);
