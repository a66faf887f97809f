-- 0002_archive: 业主档案 — buildings, units, people and who lives where, vehicles, pets, and the
-- grams behind the counter lookup (same tables on SQLite and PostgreSQL: no FTS dependency).

CREATE TABLE buildings (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    floors     INTEGER NOT NULL DEFAULT 0,
    entrances  INTEGER NOT NULL DEFAULT 0,
    kind       TEXT NOT NULL DEFAULT '住宅楼',
    remark     TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX buildings_code ON buildings(project_id, code);

-- Areas in hundredths of a square metre (89.50 m² = 8950): exact, no floating point.
CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    building_id INTEGER NOT NULL REFERENCES buildings(id),
    entrance    TEXT NOT NULL DEFAULT '',
    room        TEXT NOT NULL,
    code        TEXT NOT NULL,
    floor       INTEGER,
    area_build  INTEGER,
    area_use    INTEGER,
    use_type    TEXT NOT NULL DEFAULT '住宅',
    structure   TEXT NOT NULL DEFAULT '',
    holder      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '未交房',
    remark      TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX units_code ON units(project_id, code);
CREATE INDEX units_room ON units(project_id, room);
CREATE INDEX units_building ON units(building_id, code);

CREATE TABLE unit_status_history (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor_id    INTEGER REFERENCES users(id),
    note        TEXT NOT NULL DEFAULT '',
    at          INTEGER NOT NULL
);
CREATE INDEX unit_status_history_unit ON unit_status_history(unit_id, id);

CREATE TABLE people (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects(id),
    name              TEXT NOT NULL,
    phone             TEXT NOT NULL DEFAULT '',
    phone2            TEXT NOT NULL DEFAULT '',
    id_type           TEXT NOT NULL DEFAULT '身份证',
    id_no             TEXT NOT NULL DEFAULT '',
    emergency_name    TEXT NOT NULL DEFAULT '',
    emergency_phone   TEXT NOT NULL DEFAULT '',
    company           TEXT NOT NULL DEFAULT '',
    business_scope    TEXT NOT NULL DEFAULT '',
    business_manager  TEXT NOT NULL DEFAULT '',
    business_category TEXT NOT NULL DEFAULT '',
    remark            TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX people_project ON people(project_id, id);

-- Who relates to a unit: 业主/共有人/租户/家庭成员/委托人, from/to dates; ended rows stay.
CREATE TABLE residents (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    relation   TEXT NOT NULL,
    since      TEXT NOT NULL DEFAULT '',
    until      TEXT,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX residents_unit ON residents(unit_id, active);
CREATE INDEX residents_person ON residents(person_id, active);

CREATE TABLE vehicles (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    person_id  INTEGER REFERENCES people(id),
    plate      TEXT NOT NULL,
    model      TEXT NOT NULL DEFAULT '',
    color      TEXT NOT NULL DEFAULT '',
    space      TEXT NOT NULL DEFAULT '',
    remark     TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX vehicles_unit ON vehicles(unit_id, active);
CREATE INDEX vehicles_plate ON vehicles(project_id, plate);

CREATE TABLE pets (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    breed         TEXT NOT NULL DEFAULT '',
    vaccinated_on TEXT NOT NULL DEFAULT '',
    remark        TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX pets_unit ON pets(unit_id, active);

-- Counter lookup: short pieces of names (1- and 2-character grams), phones (4-digit grams) and
-- plates (1- and 2-character grams), so that 张, 张伟, 1381 or 粤A are index lookups, not scans.
-- pos: where the gram starts in the text (0 = the beginning), so a lookup reads the best
-- candidates (surname first, phone prefix first) straight from the index, without sorting them all.
CREATE TABLE search_grams (
    project_id INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    gram       TEXT NOT NULL,
    pos        INTEGER NOT NULL,
    ref_id     INTEGER NOT NULL
);
CREATE INDEX search_grams_find ON search_grams(project_id, kind, gram, pos, ref_id);
CREATE INDEX search_grams_ref ON search_grams(kind, ref_id);
