-- Tool pinning. Each kept tool carries the definition an admin approved
-- (NULL: never approved, a tool that appeared after the server's tools
-- were first pinned); a definition that differs from it is a change the
-- tenant's policy decides on: `warn` lists it, `hold` keeps it from agents
-- until approved, `accept` approves it as seen. What is kept today was
-- seen before pinning existed, so it counts as approved.
ALTER TABLE server_tools ADD COLUMN approved_definition TEXT;
ALTER TABLE server_tools ADD COLUMN approved_hash TEXT;
ALTER TABLE server_tools ADD COLUMN approved_at TIMESTAMPTZ;
-- The approving admin's username; NULL when approved on first sight or by policy.
ALTER TABLE server_tools ADD COLUMN approved_by TEXT;
UPDATE server_tools SET approved_definition = definition, approved_hash = hash, approved_at = seen_at;

-- When each server's tools were last refreshed (a successful test or
-- scheduled check) and last checked at all. `checked_at` is also the
-- scheduler's claim: a replica takes a due server by moving it forward, so
-- two replicas never check one server at once.
CREATE TABLE server_tool_checks (
    server_id       BIGINT PRIMARY KEY REFERENCES mcp_servers(id) ON DELETE CASCADE,
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    refreshed_at    TIMESTAMPTZ,
    checked_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX server_tool_checks_due_idx ON server_tool_checks (checked_at);
INSERT INTO server_tool_checks (server_id, tenant_id, refreshed_at, checked_at)
    SELECT server_id, tenant_id, MAX(seen_at), MAX(seen_at) FROM server_tools
    GROUP BY server_id, tenant_id;

ALTER TABLE tenants ADD COLUMN tool_change_policy TEXT NOT NULL DEFAULT 'hold';
