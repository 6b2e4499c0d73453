-- OAuth services (seed 000's OAuthService): how a tenant's MCP servers that
-- use OAuth get a client at their authorization server. A service is either
-- entered by an admin (a client id and secret of the tenant's own app, its
-- endpoints and scopes: the registration that comes first) or found for an
-- MCP server's URL by discovery and registered there dynamically
-- (`oauth-find`). Either way its client is a row of `oauth_clients`; the
-- provider a contract shows is that client's name.
ALTER TABLE oauth_clients ADD COLUMN name TEXT;

CREATE TABLE oauth_services (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    client_row_id   INTEGER NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    display_name    TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    scopes          TEXT NOT NULL DEFAULT '',
    -- The MCP server URL discovery found it for; NULL when an admin entered it.
    resource        TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CONSTRAINT oauth_services_name UNIQUE (tenant_id, name)
);
CREATE INDEX oauth_services_resource_idx ON oauth_services (tenant_id, resource);

-- The service a server's OAuth flows use; NULL: discover it at connect time.
ALTER TABLE mcp_servers ADD COLUMN oauth_service_id INTEGER
    REFERENCES oauth_services(id) ON DELETE SET NULL;

-- An `oauth2` connection sends the access token of one user's grant (seed
-- 000's `connected_service`); a grant that is gone leaves the connection
-- with nothing to send until it is pointed at another.
ALTER TABLE connections ADD COLUMN grant_id INTEGER
    REFERENCES user_mcp_tokens(id) ON DELETE SET NULL;
