//! `switchboard vault …`: sweeping orphans and re-keying the local vault.

use std::sync::Arc;

use crate::server::config::{Config, VaultBackend, VaultCommand};
use crate::server::ports::Ports;
use crate::server::services::vault_upkeep;
use crate::server::store;
use crate::server::vault::{self, VaultKey};

pub async fn vault(config: Config, command: VaultCommand) -> anyhow::Result<()> {
    config.validate()?;
    // The database first, as always: `rekey` must check the backend and
    // find the old key before it may open the vault (opening a local vault
    // with no key makes one, which would hide a missing key).
    let store = store::connect(&config.database_url()).await?;
    match command {
        VaultCommand::Sweep => {
            let ports = Ports::on_store(&config, store).await?;
            let report = vault_upkeep::sweep(&ports, config.vault_sweep_grace).await?;
            println!(
                "vault sweep ({}): {} secrets checked, {} orphans deleted, {} orphans younger than {} left",
                ports.vault.backend(),
                report.checked,
                report.deleted,
                report.too_young,
                humantime::format_duration(config.vault_sweep_grace),
            );
            Ok(())
        }
        VaultCommand::Rekey { new_key } => rekey(&config, store, new_key).await,
    }
}

/// The new key is written beside the old key file first and renamed over it
/// only after the transaction commits, so no crash leaves secrets sealed
/// under a key that exists nowhere.
async fn rekey(
    config: &Config,
    store: Arc<dyn store::Store>,
    new_key: Option<String>,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        config.vault == VaultBackend::Local,
        "`vault rekey` re-encrypts the local vault; with SWITCHBOARD_VAULT=aws, rotate the KMS key instead"
    );
    // Re-keying under a live app would leave it sealing new secrets with
    // the old key: every replica must be stopped first.
    let now = chrono::Utc::now();
    let stale = chrono::Duration::from_std(crate::server::startup::LEASE_STALE)?;
    let live = store.live_leases(now - stale).await?;
    if let Some((_, seen)) = live.first() {
        anyhow::bail!(
            "the app is serving on this database ({} process{}; the last one said it was alive \
             {} s ago): stop every replica, run `vault rekey`, then start them with the new key. \
             Nothing was changed.",
            live.len(),
            if live.len() == 1 { "" } else { "es" },
            (now - *seen).num_seconds()
        );
    }
    let key_file = config.vault_key_path();
    let old = match &config.vault_key {
        Some(hex) => VaultKey::from_hex(hex)?,
        None if key_file.exists() => VaultKey::load_or_create(&key_file)?,
        None => anyhow::bail!(
            "no vault key: neither SWITCHBOARD_VAULT_KEY nor {} exists",
            key_file.display()
        ),
    };
    // A key file left by an earlier rekey may be the only copy of the key
    // the secrets are sealed under now (that run committed, then could not
    // move it into place): never delete it, and never rekey past it.
    let staged = key_file.with_extension("key.new");
    anyhow::ensure!(
        config.vault_key.is_some() || !staged.exists(),
        "{} exists: an earlier `vault rekey` stopped before it finished, and the secrets may be \
         sealed under that key. If that run said it re-encrypted them, move it over {}; \
         otherwise delete it. Nothing was changed.",
        staged.display(),
        key_file.display()
    );
    let generated = new_key.is_none();
    let new = match &new_key {
        Some(hex) => VaultKey::from_hex(hex)?,
        None => VaultKey::generate(),
    };
    // The old key exists by now (in the environment or the file), so this
    // opens the vault under it and creates nothing.
    let ports = Ports::on_store(config, store).await?;
    // The new key is kept somewhere before the transaction commits, so no
    // crash can leave secrets sealed under a key that exists nowhere: in the
    // staged file, or (with the key in the environment) printed first.
    let staged = match config.vault_key {
        Some(_) => {
            if generated {
                println!("the new key (set SWITCHBOARD_VAULT_KEY to it once this finishes):");
                println!("SWITCHBOARD_VAULT_KEY={}", new.to_hex());
            }
            None
        }
        None => {
            vault::write_key_file(&staged, &new)?;
            Some(staged)
        }
    };
    let count = match vault_upkeep::rekey(&ports, &old, &new).await {
        Ok(count) => count,
        Err(e) => {
            if let Some(staged) = &staged {
                let _ = std::fs::remove_file(staged);
            }
            anyhow::bail!("rekey failed: {e}");
        }
    };
    match staged {
        Some(staged) => {
            std::fs::rename(&staged, &key_file).map_err(|e| {
                anyhow::anyhow!(
                    "re-encrypted {count} secrets, but could not move the new key from {} to {}: {e}. \
                     Move it by hand before starting Switchboard.",
                    staged.display(),
                    key_file.display()
                )
            })?;
            println!(
                "re-encrypted {count} secrets; the new key is in {}",
                key_file.display()
            );
        }
        None if generated => {
            println!(
                "re-encrypted {count} secrets under the new key above; set it before restarting"
            );
        }
        None => println!(
            "re-encrypted {count} secrets; set SWITCHBOARD_VAULT_KEY to the new key before restarting"
        ),
    }
    Ok(())
}
