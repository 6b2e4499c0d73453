-- Agent templates (seed 002): a named set of servers that agents are made
-- from and synced to. Names are unique within the tenant.
CREATE TABLE agent_templates (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CONSTRAINT agent_templates_tenant_name_key UNIQUE (tenant_id, name)
);
-- A server assigned to a template, or to one agent. `tool_allowlist` is a
-- JSON array of tool names, or NULL for every tool. Both go with the server
-- (ThinkWork's delete failed while a server was assigned).
CREATE TABLE template_servers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    template_id     INTEGER NOT NULL REFERENCES agent_templates(id) ON DELETE CASCADE,
    server_id       INTEGER NOT NULL REFERENCES mcp_servers(id) ON DELETE CASCADE,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    tool_allowlist  TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CONSTRAINT template_servers_key UNIQUE (template_id, server_id)
);
CREATE INDEX template_servers_tenant_idx ON template_servers (tenant_id, template_id);
CREATE TABLE agent_servers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    agent_id        INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    server_id       INTEGER NOT NULL REFERENCES mcp_servers(id) ON DELETE CASCADE,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    tool_allowlist  TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CONSTRAINT agent_servers_key UNIQUE (agent_id, server_id)
);
CREATE INDEX agent_servers_tenant_idx ON agent_servers (tenant_id, agent_id);
-- The template an agent was made from or last synced to, and a digest of
-- the assignments that sync wrote: a later plan compares it to tell hand
-- edits ("drift").
ALTER TABLE agents ADD COLUMN template_id INTEGER REFERENCES agent_templates(id) ON DELETE SET NULL;
ALTER TABLE agents ADD COLUMN synced_fingerprint TEXT;
ALTER TABLE agents ADD COLUMN synced_at TEXT;
CREATE INDEX agents_template_idx ON agents (tenant_id, template_id);
