-- 0012_api_tokens.sql — API tokens end (issue 19): each has an expiry, remembers the address it
-- was last used from, and says why it ended (revoked by its owner or an administrator, or ended
-- with the owner's password change, reset or disabling). Tokens made before this migration
-- get the longest expiry a new token may have: a year from their creation.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN last_used_ip TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN revoked_by INTEGER;
ALTER TABLE api_tokens ADD COLUMN revoked_reason TEXT NOT NULL DEFAULT '';
UPDATE api_tokens SET expires_at = created_at + 31536000;
