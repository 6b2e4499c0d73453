//! Files only this user may read: the data directory, the SQLite database
//! (secrets' ciphertexts, password and token hashes) and the vault key file.

use std::path::Path;

/// Creates `dir` and any missing parents as 0700. A directory that already
/// exists keeps the mode its operator gave it.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates an empty 0600 file at `path` unless one exists, so a database
/// SQLite is about to create is private from its first byte (SQLite gives
/// its `-wal` and `-shm` files the database file's mode).
pub fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// The file's mode when its group or others may read or write it, so the
/// caller can warn: a key file anyone can read is no key at all.
pub fn exposed_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
    }

    #[test]
    fn new_directories_and_files_are_private() {
        let root = std::env::temp_dir().join(format!("sb-files-{}", uuid::Uuid::new_v4()));
        let dir = root.join("data");
        create_private_dir(&dir).expect("dir");
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&dir), 0o700);
        let db = dir.join("switchboard.db");
        create_private_file(&db).expect("file");
        assert_eq!(mode(&db), 0o600);
        assert_eq!(exposed_mode(&db), None);
        // An existing file is left as it is, and reported when exposed.
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        create_private_file(&db).expect("exists");
        assert_eq!(exposed_mode(&db), Some(0o644));
        std::fs::remove_dir_all(&root).expect("clean up");
    }
}
