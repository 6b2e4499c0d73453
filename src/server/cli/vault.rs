//! `switchboard vault …`: sweeping orphans and re-keying the local vault.

use std::sync::Arc;

use crate::server::config::{Config, VaultBackend, VaultCommand};
use crate::server::store;
use crate::server::vault::{self, VaultKey};

pub async fn vault(config: Config, command: VaultCommand) -> anyhow::Result<()> {
    config.validate()?;
    let store = store::connect(&config.database_url()).await?;
    match command {
        VaultCommand::Sweep => {
            let vault = vault::open(&config, store.clone()).await?;
            let report = vault::sweep::sweep(
                vault.as_ref(),
                store.as_ref(),
                config.vault_sweep_grace,
                chrono::Utc::now(),
            )
            .await?;
            println!(
                "vault sweep ({}): {} secrets checked, {} orphans deleted, {} orphans younger than {} left",
                vault.backend(),
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
    let key_file = config.vault_key_path();
    let old = match &config.vault_key {
        Some(hex) => VaultKey::from_hex(hex)?,
        None if key_file.exists() => VaultKey::load_or_create(&key_file)?,
        None => anyhow::bail!(
            "no vault key: neither SWITCHBOARD_VAULT_KEY nor {} exists",
            key_file.display()
        ),
    };
    let generated = new_key.is_none();
    let new = match &new_key {
        Some(hex) => VaultKey::from_hex(hex)?,
        None => VaultKey::generate(),
    };
    let staged = match config.vault_key {
        Some(_) => None,
        None => {
            let staged = key_file.with_extension("key.new");
            let _ = std::fs::remove_file(&staged);
            vault::write_key_file(&staged, &new)?;
            Some(staged)
        }
    };
    let count = match vault::rekey::rekey(store.as_ref(), &old, &new, chrono::Utc::now()).await {
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
            println!("re-encrypted {count} secrets under a new key. Set, before restarting:");
            println!("SWITCHBOARD_VAULT_KEY={}", new.to_hex());
        }
        None => println!(
            "re-encrypted {count} secrets; set SWITCHBOARD_VAULT_KEY to the new key before restarting"
        ),
    }
    Ok(())
}
