-- 0016_fees.sql — fee items (收费项目) per project with their pricing rule, the units they apply
-- to and per-unit settings (折扣、免收、空置、起收日期、数量), bill runs and the bills they create
-- (issue 21 points 1, 3, 8). Money in fen; prices and fixed charges in 1/10000 元; quantities in
-- 1/100 of their unit; dates as text "2026-12-01" (fees_calc.h).

CREATE TABLE fee_items (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects(id),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    rule          TEXT NOT NULL,                    -- area fixed meter quantity shared
    price         INTEGER NOT NULL DEFAULT 0,       -- 1/10000 元 per m²·月, per month, per 吨 …
    fixed         INTEGER NOT NULL DEFAULT 0,       -- area: a fixed charge added per month, 1/10000 元
    unit_name     TEXT NOT NULL DEFAULT '',         -- meter, quantity: 吨, 度, 个
    cycle         TEXT NOT NULL DEFAULT 'monthly',  -- monthly quarterly yearly once
    prepaid       INTEGER NOT NULL DEFAULT 0,       -- 1: 预收 (due in the period), 0: 后收 (due after it)
    due_day       INTEGER NOT NULL DEFAULT 15,      -- day of the month the bill falls due, 1–28
    round_mode    TEXT NOT NULL DEFAULT 'half',     -- half up down
    round_unit    TEXT NOT NULL DEFAULT 'fen',      -- fen jiao yuan
    late_rate     INTEGER NOT NULL DEFAULT 0,       -- 滞纳金 万分之N per day; 0: none (the default)
    late_grace    INTEGER NOT NULL DEFAULT 0,       -- days after the due date without a late fee
    late_cap      INTEGER NOT NULL DEFAULT 0,       -- fen; 0: at most the principal
    applies       TEXT NOT NULL DEFAULT 'all',      -- all buildings uses units (fee_item_targets)
    bill_unhanded INTEGER NOT NULL DEFAULT 0,       -- 1: units still 未交房 are billed too
    active        INTEGER NOT NULL DEFAULT 1,
    note          TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created_by    INTEGER REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (project_id, code)
);

-- Which buildings, uses (units.use_type) or units an item applies to, by its `applies`.
CREATE TABLE fee_item_targets (
    item_id     INTEGER NOT NULL REFERENCES fee_items(id),
    building_id INTEGER REFERENCES buildings(id),
    use_type    TEXT,
    unit_id     INTEGER REFERENCES units(id)
);
CREATE INDEX fee_item_targets_item ON fee_item_targets(item_id, building_id, unit_id);

-- A unit's own terms for one item, each with its reason: pays discount_percent of the charge
-- (95 = 95 折), nothing when exempt, vacancy_percent while the unit is 空置, from start_date
-- (the handover or move-in date: the first month is prorated), quantity for a quantity item.
CREATE TABLE fee_unit_overrides (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects(id),
    item_id          INTEGER NOT NULL REFERENCES fee_items(id),
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    discount_percent INTEGER NOT NULL DEFAULT 100,
    exempt           INTEGER NOT NULL DEFAULT 0,
    vacancy_percent  INTEGER NOT NULL DEFAULT 100,
    start_date       TEXT NOT NULL DEFAULT '',
    quantity         INTEGER NOT NULL DEFAULT 0,
    reason           TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    updated_by       INTEGER REFERENCES users(id),
    updated_at       INTEGER NOT NULL,
    UNIQUE (item_id, unit_id)
);

-- One run of a period (生成账单): who, when, what it created.
CREATE TABLE bill_runs (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    period     TEXT NOT NULL,                      -- the month run: "2026-12"
    bills      INTEGER NOT NULL,
    amount     INTEGER NOT NULL,                   -- fen
    skipped    INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX bill_runs_project ON bill_runs(project_id, period);

-- A bill: one per unit × fee item × period, never changed by a later run (a discount, waiver or
-- correction is an entry of its own). text: how the amount was computed.
CREATE TABLE bills (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    item_id      INTEGER NOT NULL REFERENCES fee_items(id),
    run_id       INTEGER REFERENCES bill_runs(id),
    period       TEXT NOT NULL,                    -- the month of the run that billed it
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    amount       INTEGER NOT NULL,                 -- fen
    paid         INTEGER NOT NULL DEFAULT 0,       -- fen received so far
    text         TEXT NOT NULL,
    due_date     TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'unpaid',   -- unpaid partly paid
    created_at   INTEGER NOT NULL,
    UNIQUE (item_id, unit_id, period)
);
CREATE INDEX bills_project ON bills(project_id, period, item_id);
CREATE INDEX bills_unit ON bills(unit_id, period);
CREATE INDEX bills_run ON bills(run_id);
