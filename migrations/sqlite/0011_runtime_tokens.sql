-- Token kinds. A `user` token acts as its user on the REST APIs (every token
-- so far). A `runtime` token is made by a tenant admin for an agent runtime:
-- it may only ask `POST /api/runtime/resolve`, and every other route refuses
-- it with 403. It still needs its maker to be an admin of the tenant.
ALTER TABLE api_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'user'
    CHECK (kind IN ('user', 'runtime'));
