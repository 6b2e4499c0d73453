-- OAuth: Switchboard's registrations at authorization servers, the flows in
-- progress, and the grants users made (seed 002's `user_mcp_tokens`).
--
-- A client is registered per tenant, authorization server (issuer) and
-- redirect URI, and is never used with another issuer. Its metadata (the
-- endpoints discovered from the issuer) is public; a client secret, when an
-- authorization server issues one, is kept in the vault.
CREATE TABLE oauth_clients (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id           BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    issuer              TEXT NOT NULL,
    redirect_uri        TEXT NOT NULL,
    client_id           TEXT NOT NULL,
    client_secret_ref   TEXT,
    registered_via      TEXT NOT NULL CHECK (registered_via IN ('dcr', 'metadata_document', 'admin')),
    metadata            TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL
);
-- The newest registration for an issuer is the one new flows use; older
-- ones stay for the grants made with them (a re-registration asked for
-- with `force` must not break other users' refreshes).
CREATE INDEX oauth_clients_issuer_idx ON oauth_clients (tenant_id, issuer, redirect_uri, id);
CREATE INDEX oauth_clients_secret_ref_idx ON oauth_clients (client_secret_ref);

-- A flow between the redirect to the authorization server and its
-- callback. The row is found by a hash of `state` (the state itself is
-- only in the browser and the authorization server's redirect), taken once
-- (deleted as it is read), bound to the browser session that began it, and
-- dead after `expires_at`. The PKCE verifier is sealed with a key derived
-- from the state, so the row alone cannot redeem a code.
CREATE TABLE oauth_states (
    state_hash      TEXT PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    server_id       BIGINT NOT NULL REFERENCES mcp_servers(id) ON DELETE CASCADE,
    client_row_id   BIGINT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
    session_hash    TEXT NOT NULL,
    sealed_verifier TEXT NOT NULL,
    resource        TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX oauth_states_expiry_idx ON oauth_states (expires_at);

-- One user's grant for one server: the token set is one vault secret.
CREATE TABLE user_mcp_tokens (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id           BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id             BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mcp_server_id       BIGINT NOT NULL REFERENCES mcp_servers(id) ON DELETE CASCADE,
    client_row_id       BIGINT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
    secret_ref          TEXT NOT NULL,
    resource            TEXT NOT NULL,
    scopes              TEXT NOT NULL,
    expires_at          TIMESTAMPTZ,
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'expired', 'revoked')),
    status_reason       TEXT,
    refresh_lease_until TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    CONSTRAINT user_mcp_tokens_grant UNIQUE (user_id, mcp_server_id)
);
CREATE INDEX user_mcp_tokens_tenant_idx ON user_mcp_tokens (tenant_id, user_id);
CREATE INDEX user_mcp_tokens_secret_ref_idx ON user_mcp_tokens (secret_ref);
