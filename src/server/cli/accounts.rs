//! `switchboard tenants|users|tokens …`: the operator's way in before (or
//! instead of) the browser.

use std::io::{IsTerminal, Read};

use super::plain;
use crate::domain::{NewApiToken, Role, TokenKind};
use crate::server::config::{Config, RoleArg, TenantsCommand, TokensCommand, UsersCommand};
use crate::server::ports::Ports;
use crate::server::services::directory::{self, NewMember};
use crate::server::services::tokens;

pub async fn tenants(config: Config, command: TenantsCommand) -> anyhow::Result<()> {
    let ports = Ports::open(&config).await?;
    match command {
        TenantsCommand::Create { slug, name } => {
            let t = directory::create_tenant(&ports, &slug, name.as_deref())
                .await
                .map_err(plain)?;
            println!("created tenant {} ({}, id {})", t.slug, t.name, t.id);
        }
        TenantsCommand::List => {
            let all = directory::list_tenants(&ports).await?;
            if all.is_empty() {
                eprintln!("no tenants yet: `switchboard tenants create <slug>` makes one");
            }
            for t in all {
                println!(
                    "{}\t{}\t{}",
                    t.slug,
                    t.name,
                    t.created_at.format("%Y-%m-%d %H:%M UTC")
                );
            }
        }
    }
    Ok(())
}

/// The password piped on stdin (first line), or `None` to generate one. A
/// terminal on stdin also generates: no prompt to hang a script on.
fn password_from_stdin() -> anyhow::Result<Option<String>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut text = String::new();
    stdin.lock().read_to_string(&mut text)?;
    let line = text.lines().next().unwrap_or_default().to_owned();
    Ok((!line.is_empty()).then_some(line))
}

pub async fn users(config: Config, command: UsersCommand) -> anyhow::Result<()> {
    let ports = Ports::open(&config).await?;
    match command {
        UsersCommand::Create {
            tenant,
            username,
            email,
            role,
        } => {
            let role = match role {
                RoleArg::Admin => Role::Admin,
                RoleArg::Member => Role::Member,
            };
            let new = NewMember {
                tenant_slug: &tenant,
                username: &username,
                email: &email,
                role,
                password: password_from_stdin()?,
            };
            let (user, generated) = directory::create_user(&ports, new).await.map_err(plain)?;
            println!(
                "created user {} <{}> as {} of {}",
                user.username,
                user.email,
                role.as_str(),
                tenant.trim()
            );
            if let Some(password) = generated {
                println!("password: {password}");
                eprintln!("(generated now and shown only once)");
            }
        }
    }
    Ok(())
}

pub async fn tokens(config: Config, command: TokensCommand) -> anyhow::Result<()> {
    let ports = Ports::open(&config).await?;
    match command {
        TokensCommand::Create {
            tenant,
            user,
            name,
            runtime,
            expires_in,
        } => {
            let tenant = directory::tenant(&ports, &tenant).await.map_err(plain)?;
            let user = directory::member(&ports, &tenant, &user)
                .await
                .map_err(plain)?;
            let kind = if runtime {
                TokenKind::Runtime
            } else {
                TokenKind::User
            };
            let role = ports.store.membership(tenant.id, user.id).await?;
            if !role.is_some_and(|role| tokens::may_hold(role, kind)) {
                anyhow::bail!(
                    "{} is not an admin of {}: only admins may hold runtime tokens",
                    user.username,
                    tenant.slug
                );
            }
            let new = NewApiToken {
                name: name.unwrap_or_else(|| "cli".to_owned()),
                kind,
                expires_in_secs: expires_in.map(|d| d.as_secs()),
            };
            let created = tokens::issue(&ports, tenant.id, user.id, new)
                .await
                .map_err(plain)?;
            // stdout carries the token alone, so `$(switchboard tokens create …)` works.
            println!("{}", created.secret);
            let expiry = match created.token.expires_at {
                Some(at) => format!(
                    "expires {}",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
                None => "never expires".to_owned(),
            };
            eprintln!(
                "token {:?} ({}) for {} in {}, {expiry}: shown only once",
                created.token.name, created.token.prefix, user.username, tenant.slug
            );
        }
    }
    Ok(())
}
