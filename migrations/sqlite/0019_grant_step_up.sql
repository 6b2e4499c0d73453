-- Step-up authorization: the scopes a server asked for (a 403
-- `insufficient_scope`) beyond those its grant holds. The next
-- authorization for that grant asks for them too; a new grant clears it.
ALTER TABLE user_mcp_tokens ADD COLUMN wanted_scopes TEXT;
