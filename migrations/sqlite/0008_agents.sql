-- Agents (seed 000's "mentors"). `unique_id` is the id on the wire (a UUID,
-- canonical lower-case text); `id` is for foreign keys only. The slug is
-- fixed at creation and unique within the tenant.
CREATE TABLE agents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    unique_id   TEXT NOT NULL CONSTRAINT agents_unique_id_key UNIQUE,
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CONSTRAINT agents_tenant_slug_key UNIQUE (tenant_id, slug)
);
CREATE INDEX agents_tenant_name_idx ON agents (tenant_id, name);
