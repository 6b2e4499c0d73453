-- API tokens may expire: a token past `expires_at` is refused exactly as a
-- revoked one is. NULL: it never expires (every token made before this).
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
