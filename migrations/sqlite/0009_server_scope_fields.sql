-- Seed 000's server fields. `owner`: the username of whoever registered it.
-- `auth_scope`: whose credentials it is called with (tenant, agent, user).
-- `agent_id`: set for a server of one agent's own (seed 000's `mentor`);
-- an agent with servers of its own cannot be deleted until they go (NO
-- ACTION, not RESTRICT: deleting a tenant removes both in one statement).
-- `extra_headers`: a JSON object of headers sent on every call; never a
-- credential (those live in the vault).
ALTER TABLE mcp_servers ADD COLUMN owner TEXT;
ALTER TABLE mcp_servers ADD COLUMN auth_scope TEXT NOT NULL DEFAULT 'tenant'
    CHECK (auth_scope IN ('tenant', 'agent', 'user'));
ALTER TABLE mcp_servers ADD COLUMN agent_id INTEGER REFERENCES agents(id);
ALTER TABLE mcp_servers ADD COLUMN extra_headers TEXT;
CREATE INDEX mcp_servers_agent_idx ON mcp_servers (tenant_id, agent_id);
