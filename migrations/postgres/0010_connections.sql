-- Connections (seed 000's MCPServerConnection): a credential bound to a
-- server at one scope: one user's, one agent's, or the tenant's. The server
-- is the tenant's own or a featured server of the global platform. The
-- credential and any secret-looking headers live in the vault, under
-- `secret_ref`; the row keeps the plain headers and only the *names* of
-- the secret ones, so a read can show which headers are set.
CREATE TABLE connections (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id             BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    server_id             BIGINT NOT NULL REFERENCES mcp_servers(id) ON DELETE CASCADE,
    scope                 TEXT NOT NULL CHECK (scope IN ('tenant', 'agent', 'user')),
    auth_type             TEXT NOT NULL CHECK (auth_type IN ('none', 'token', 'oauth2')),
    user_id               BIGINT REFERENCES users(id) ON DELETE CASCADE,
    agent_id              BIGINT REFERENCES agents(id) ON DELETE CASCADE,
    authorization_scheme  TEXT NOT NULL DEFAULT '',
    extra_headers         TEXT,
    secret_header_names   TEXT,
    secret_ref            TEXT,
    is_active             BOOLEAN NOT NULL DEFAULT TRUE,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    CONSTRAINT connections_user_scope CHECK ((scope = 'user') = (user_id IS NOT NULL)),
    CONSTRAINT connections_agent_scope CHECK ((scope = 'agent') = (agent_id IS NOT NULL))
);
-- Resolution reads a server's active connections in one tenant.
CREATE INDEX connections_resolve_idx ON connections (tenant_id, server_id, is_active);
CREATE INDEX connections_list_idx ON connections (tenant_id, id);
