//! The binary's subcommands: serve (the default), and the operator's
//! administration commands, which run on the same configuration.

use clap::Subcommand;

use super::env_secret;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and APIs (the default).
    Serve,
    /// Credential vault maintenance.
    Vault {
        #[command(subcommand)]
        command: VaultCommand,
    },
    /// Create and list tenants.
    Tenants {
        #[command(subcommand)]
        command: TenantsCommand,
    },
    /// Create users and give them a role in a tenant.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Create API tokens.
    Tokens {
        #[command(subcommand)]
        command: TokensCommand,
    },
    /// Create and list a tenant's agents.
    Agents {
        #[command(subcommand)]
        command: AgentsCommand,
    },
    /// OAuth diagnostics.
    Oauth {
        #[command(subcommand)]
        command: OauthCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum OauthCommand {
    /// Runs Switchboard's OAuth client end to end against an MCP server
    /// whose authorization server approves without a login page: discovery,
    /// registration, PKCE, the code, the token, and a tool list with it.
    /// Prints each step; exits non-zero at the first that fails. A
    /// pre-registered client comes from `--client-id` and the
    /// `SWITCHBOARD_PROBE_CLIENT_SECRET` variable, or from the conformance
    /// suite's `MCP_CONFORMANCE_CONTEXT`. Outbound calls follow
    /// `SWITCHBOARD_OUTBOUND_ALLOW` like the server's.
    Probe {
        /// The MCP server's URL.
        url: String,
        #[arg(long, value_enum, default_value = "streamable-http")]
        transport: TransportArg,
        /// Where the authorization server is told to send the code (read
        /// from its redirect, never served).
        #[arg(long, default_value = "http://127.0.0.1:8976/callback")]
        redirect_uri: String,
        #[arg(long)]
        client_id: Option<String>,
        /// The HTTPS URL of a Client ID Metadata Document naming
        /// `--redirect-uri` (a deployment's own
        /// `/oauth/client-metadata.json`): used as the client id when the
        /// authorization server supports such documents.
        #[arg(long)]
        client_metadata_url: Option<String>,
        /// A tool to call, with no arguments, after listing the tools (a
        /// server may want more scopes for calls; the probe then authorizes
        /// again for them). The tool runs: name one without side effects.
        #[arg(long)]
        call: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TransportArg {
    StreamableHttp,
    Sse,
    Websocket,
}

#[derive(Debug, Subcommand)]
pub enum AgentsCommand {
    /// Create an agent; prints its unique id (the id both APIs use).
    Create {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        name: String,
        /// Lower-case letters, digits and dashes. Default: from the name.
        #[arg(long)]
        slug: Option<String>,
    },
    /// List a tenant's agents: unique id, slug, name.
    List {
        #[arg(long)]
        tenant: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TenantsCommand {
    /// Create a tenant.
    Create {
        /// Lower-case letters, digits and dashes, e.g. `acme-labs`.
        slug: String,
        /// Display name. Default: the slug in title case.
        #[arg(long)]
        name: Option<String>,
    },
    /// List every tenant.
    List,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user (or add an existing one to another tenant). The password
    /// is read from stdin when it is piped; otherwise one is generated and
    /// printed once.
    Create {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    Admin,
    Member,
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Create an API token for a user in a tenant; prints it once.
    Create {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        user: String,
        /// Default: "cli".
        #[arg(long)]
        name: Option<String>,
        /// A runtime token for an agent runtime: it may only call
        /// `POST /api/runtime/resolve`. The user must be a tenant admin.
        #[arg(long)]
        runtime: bool,
        /// How long it works, e.g. `30d`, `12h` (a minute to ten years).
        /// Default: it never expires.
        #[arg(long, value_parser = humantime::parse_duration)]
        expires_in: Option<std::time::Duration>,
    },
}

#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// Delete secrets this deployment created whose server row does not exist.
    Sweep,
    /// Re-encrypt every local-vault secret under a new master key, in one
    /// transaction. Stop the app first and restart it with the new key.
    Rekey {
        /// The new key (64 hex characters), from `SWITCHBOARD_NEW_VAULT_KEY`
        /// only. Default: a fresh random key.
        #[arg(skip = env_secret("SWITCHBOARD_NEW_VAULT_KEY"))]
        new_key: Option<String>,
    },
}
