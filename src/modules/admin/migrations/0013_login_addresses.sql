-- 0013_login_addresses.sql — where each user has signed in from (issue 19, login throttling).
-- An address that many failed logins come from is slowed down, but a user who has signed in
-- successfully from that address within 90 days is not: an office behind one NAT address keeps
-- working while someone on it guesses names. The account's own throttle still applies to them.
CREATE TABLE login_addresses (
    user_id INTEGER NOT NULL REFERENCES users(id),
    ip      TEXT NOT NULL,
    last_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, ip)
);
