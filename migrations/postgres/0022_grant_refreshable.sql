-- Whether the grant's token set holds a refresh token: such a grant renews
-- itself when it is next used, so the Overview lists it only once it has
-- expired (a refresh was refused). Grants from before this column read as
-- not refreshable, which lists them as before.
ALTER TABLE user_mcp_tokens ADD COLUMN refreshable BOOLEAN NOT NULL DEFAULT FALSE;
