-- 0015_ticket_person.sql — a ticket registered for a person of the archive (issue 20, point 2).
--
-- person_id: the person of the unit the agent picked as the caller (NULL when none was picked,
-- or for tickets registered before). phone_archived: 1 when the ticket's phone is that
-- person's number in the archive (filled by the server, or sent equal to it) — such a number is
-- masked like every archive number for a role without people.reveal, on the ticket page too;
-- a number the agent typed keeps the ticket page's rule (the desk sees it whole to ring back).
-- Nothing reads tickets by person yet: no index.
ALTER TABLE tickets ADD COLUMN person_id INTEGER REFERENCES people(id);
ALTER TABLE tickets ADD COLUMN phone_archived INTEGER NOT NULL DEFAULT 0;
