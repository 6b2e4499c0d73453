-- A server URL whose path or query is a credential: `url` keeps the part
-- before it, the vault keeps the secret part under `url_secret_ref`, and
-- `url_secret` says which part it is ('none', 'query' or 'path').
ALTER TABLE mcp_servers ADD COLUMN url_secret TEXT NOT NULL DEFAULT 'none';
ALTER TABLE mcp_servers ADD COLUMN url_secret_ref TEXT;
CREATE INDEX mcp_servers_url_secret_ref_idx ON mcp_servers (url_secret_ref);
