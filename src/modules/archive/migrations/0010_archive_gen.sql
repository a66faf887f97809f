-- 0010_archive_gen.sql — the archive generation of each project: every write to its buildings,
-- units, people, residents or vehicles adds one in the same transaction (archive_touch). The
-- counter lookup answers from an index in memory (archive_mirror.c) while the generation it
-- was read at is still the current one, and reads the project again when it is not.
CREATE TABLE archive_gen (
    project_id INTEGER NOT NULL PRIMARY KEY REFERENCES projects(id),
    gen        INTEGER NOT NULL
);
INSERT INTO archive_gen(project_id, gen) SELECT id, 1 FROM projects;
