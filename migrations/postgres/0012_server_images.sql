-- Server images (seed 000's `image`): PNG, JPEG or WebP of at most 2 MB,
-- recognised by their bytes (never SVG, which can carry script). One per
-- server, kept in the database so every replica serves it, at
-- /media/server-images/<name>, where `name` is the SHA-256 of the bytes and
-- the type's extension: an address that can be cached for ever and guessed
-- by no one who has not seen the image.
CREATE TABLE server_images (
    server_id     BIGINT PRIMARY KEY REFERENCES mcp_servers(id) ON DELETE CASCADE,
    tenant_id     BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
    bytes         BYTEA NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX server_images_name_idx ON server_images (name);
