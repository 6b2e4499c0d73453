-- Each server's tools as it last defined them (name, description, input
-- and output schemas, annotations: the JSON the server sent), kept by every
-- successful test connection: what the agent gateway lists, never fetched
-- per call. `hash` is the SHA-256 of the definition, so a change is seen.
CREATE TABLE server_tools (
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    server_id       BIGINT NOT NULL REFERENCES mcp_servers(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    definition      TEXT NOT NULL,
    hash            TEXT NOT NULL,
    seen_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (server_id, name)
);
CREATE INDEX server_tools_tenant_idx ON server_tools (tenant_id, server_id);
