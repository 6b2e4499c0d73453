-- Agents (seed 000's "mentors"). `unique_id` is the id on the wire (a UUID,
-- canonical lower-case text, so both engines run the same SQL); `id` is for
-- foreign keys only. The slug is fixed at creation and unique within the tenant.
CREATE TABLE agents (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    unique_id   TEXT NOT NULL CONSTRAINT agents_unique_id_key UNIQUE,
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT agents_tenant_slug_key UNIQUE (tenant_id, slug)
);
CREATE INDEX agents_tenant_name_idx ON agents (tenant_id, name);
