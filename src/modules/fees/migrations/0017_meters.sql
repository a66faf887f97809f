-- 0017_meters.sql — meters and their monthly readings (抄表, issue 21 point 2). A meter belongs to
-- one unit; a reading is one period (month) of one meter. Readings, the loss, the maximum and the
-- start reading are integers in the meter's resolution (10^-decimals of its measure: 1234.5 吨
-- with decimals 1 is 12345). The usage of a reading is computed by fee_meter_usage (fees_calc.h)
-- when it is entered or corrected and stored with its explanation, so the bill run reads
-- `usage` and `explanation` as they are.

CREATE TABLE meters (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    kind          TEXT NOT NULL,                 -- water 水, electric 电, gas 气, heat 热
    number        TEXT NOT NULL DEFAULT '',      -- the number on the meter (表号)
    measure       TEXT NOT NULL,                 -- 吨, 度, m³, GJ, kWh
    decimals      INTEGER NOT NULL DEFAULT 0,    -- the resolution: 0 whole units … 3
    multiplier    INTEGER NOT NULL DEFAULT 1,    -- 倍率, ≥ 1
    loss          INTEGER NOT NULL DEFAULT 0,    -- 损耗 added each period, in the resolution
    maximum       INTEGER NOT NULL DEFAULT 0,    -- the largest reading it shows; 0 = not declared
    start_reading INTEGER NOT NULL DEFAULT 0,    -- the reading when installed: the first period's previous
    active        INTEGER NOT NULL DEFAULT 1,
    installed_at  TEXT NOT NULL DEFAULT '',      -- YYYY-MM-DD, '' when unknown
    note          TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX meters_project ON meters(project_id, active, kind);
CREATE INDEX meters_unit ON meters(unit_id, kind);
-- a number written on a meter is the project's only one
CREATE UNIQUE INDEX meters_number ON meters(project_id, number) WHERE number <> '';

-- One reading per meter and period. previous is the reading it was computed from (the period
-- before's, or the meter's start reading); a replacement (换表) keeps the old meter's final and the
-- new one's first reading; rollover marks a reading below the previous on a meter with a maximum.
CREATE TABLE meter_readings (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    meter_id    INTEGER NOT NULL REFERENCES meters(id),
    period      TEXT NOT NULL,                   -- YYYY-MM
    reading     INTEGER NOT NULL,
    previous    INTEGER NOT NULL,
    usage       INTEGER NOT NULL,                -- in the resolution, multiplier and loss included
    explanation TEXT NOT NULL,                   -- 本期 1234 − 上期 1200 = 34 × 倍率 1 + 损耗 0 = 34 吨
    replaced    INTEGER NOT NULL DEFAULT 0,
    old_final   INTEGER NOT NULL DEFAULT 0,
    new_start   INTEGER NOT NULL DEFAULT 0,
    rollover    INTEGER NOT NULL DEFAULT 0,
    read_at     TEXT NOT NULL,                   -- YYYY-MM-DD
    read_by     INTEGER REFERENCES users(id),
    note        TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (meter_id, period)
);
-- a period's readings of a project (the bill run, the readings list)
CREATE INDEX meter_readings_period ON meter_readings(project_id, period, meter_id);
