-- 0007_lookup.sql — the counter lookup by room number (issue 4) reads its candidates from the
-- index alone: a room such as 1502 is in every building of an estate (100 units in a 5,000-unit
-- project), and ranking them needs only the building and the code, not the unit rows.
DROP INDEX units_room;
CREATE INDEX units_room ON units(project_id, room, building_id, code);
