-- Idle timeout: when a session last authenticated a request (updated at
-- most once a minute). Existing sessions count from their creation.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
UPDATE sessions SET last_seen_at = created_at;
