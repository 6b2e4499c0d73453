-- One index per sortable column of the servers table, each tie-broken the
-- way the page query orders (name, then id), so a page is an index range
-- scan rather than a sort of the tenant's whole list.
CREATE INDEX mcp_servers_tenant_transport_idx ON mcp_servers (tenant_id, transport, lower(name), id);
CREATE INDEX mcp_servers_tenant_auth_idx ON mcp_servers (tenant_id, auth_type, lower(name), id);
CREATE INDEX mcp_servers_tenant_tools_idx ON mcp_servers (tenant_id, (COALESCE(test_tool_count, -1)), lower(name), id);
CREATE INDEX mcp_servers_tenant_enabled_idx ON mcp_servers (tenant_id, enabled, lower(name), id);
CREATE INDEX mcp_servers_tenant_created_idx ON mcp_servers (tenant_id, created_at, lower(name), id);
