//! `switchboard agents create|list --tenant …`.

use super::plain;
use crate::domain::NewAgent;
use crate::server::config::{AgentsCommand, Config};
use crate::server::ports::Ports;
use crate::server::services::{agents, directory};

pub async fn agents(config: Config, command: AgentsCommand) -> anyhow::Result<()> {
    let ports = Ports::open(&config).await?;
    match command {
        AgentsCommand::Create { tenant, name, slug } => {
            let t = directory::tenant(&ports, &tenant).await.map_err(plain)?;
            let agent = agents::create_in(&ports, t.id, NewAgent { name, slug })
                .await
                .map_err(plain)?;
            eprintln!(
                "created agent {} ({}) in {}",
                agent.name, agent.slug, t.slug
            );
            // The id alone on stdout, for scripts.
            println!("{}", agent.unique_id);
        }
        AgentsCommand::List { tenant } => {
            let t = directory::tenant(&ports, &tenant).await.map_err(plain)?;
            let all = agents::list_in(&ports, t.id).await.map_err(plain)?;
            if all.is_empty() {
                eprintln!(
                    "{} has no agents yet: `switchboard agents create --tenant {} --name …` makes one",
                    t.slug, t.slug
                );
            }
            for a in all {
                println!("{}\t{}\t{}", a.unique_id, a.slug, a.name);
            }
        }
    }
    Ok(())
}
