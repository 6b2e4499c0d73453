//! The local vault's 256-bit master key: from hex, or a generated 0600 file.

use aes_gcm::aead::{KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key};
use std::path::Path;

use super::{VaultError, VaultResult};

/// The 256-bit master key. Not `Debug`, not `Clone`: it stays where it is made.
pub struct VaultKey(pub(super) Key<Aes256Gcm>);

impl VaultKey {
    /// From 64 hexadecimal characters.
    pub fn from_hex(hex_key: &str) -> VaultResult<Self> {
        let bytes = hex::decode(hex_key.trim())
            .map_err(|_| VaultError::BadKey("expected 64 hexadecimal characters".into()))?;
        if bytes.len() != 32 {
            return Err(VaultError::BadKey(format!(
                "expected 32 bytes (64 hex characters), got {}",
                bytes.len()
            )));
        }
        Ok(Self(*Key::<Aes256Gcm>::from_slice(&bytes)))
    }

    pub fn generate() -> Self {
        Self(Aes256Gcm::generate_key(OsRng))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_slice())
    }

    /// Reads the key file, or creates it (mode 0600) with a fresh key.
    pub fn load_or_create(path: &Path) -> VaultResult<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                if let Some(mode) = crate::server::files::exposed_mode(path) {
                    tracing::warn!(
                        path = %path.display(),
                        mode = format!("{mode:o}"),
                        "the vault key file is readable by others: chmod 600 it"
                    );
                }
                Self::from_hex(&text)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate();
                write_private_file(path, &key.to_hex()).map_err(|e| {
                    VaultError::BadKey(format!("cannot write {}: {e}", path.display()))
                })?;
                Ok(key)
            }
            Err(e) => Err(VaultError::BadKey(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }
}

/// Writes `key` to a new 0600 file; fails if the file exists.
pub fn write_key_file(path: &Path, key: &VaultKey) -> VaultResult<()> {
    write_private_file(path, &key.to_hex())
        .map_err(|e| VaultError::BadKey(format!("cannot write {}: {e}", path.display())))
}

fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        crate::server::files::create_private_dir(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}
