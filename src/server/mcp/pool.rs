//! Open upstream sessions, kept for reuse: one per (URL, transport,
//! headers), so the agent gateway's calls to a server with one credential
//! share a negotiated session instead of paying for `initialize` each time.
//! A session idle for [`IDLE`] is closed; at most [`MAX_SESSIONS`] are
//! open (the least recently used goes first). The key is a SHA-256 of what
//! is sent, so no credential is held here beyond the session itself.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;

use super::{McpSession, McpTarget};

/// How long an unused session stays open.
pub const IDLE: Duration = Duration::from_secs(60);
/// Open sessions at most, across every tenant.
pub const MAX_SESSIONS: usize = 256;

pub(super) type Key = [u8; 32];

struct Pooled {
    session: Arc<McpSession>,
    last_used: Instant,
}

#[derive(Default)]
pub struct SessionPool {
    open: Mutex<HashMap<Key, Pooled>>,
    /// Sessions ever kept (what a reuse saves is seen against it).
    opened: AtomicUsize,
}

/// What identifies a session: everything that is sent to open it.
pub(super) fn key_of(target: &McpTarget) -> Key {
    let mut hash = Sha256::new();
    // Lengths first, so that no two different targets hash the same bytes.
    let mut part = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_be_bytes());
        hash.update(bytes);
    };
    part(target.url.as_bytes());
    part(target.transport.as_str().as_bytes());
    for (name, value) in &target.headers {
        part(name.to_ascii_lowercase().as_bytes());
        part(value.expose_secret().as_bytes());
    }
    hash.finalize().into()
}

impl SessionPool {
    /// The open session for `key`, if it has not been idle too long.
    pub(super) fn take(&self, key: &Key, now: Instant) -> Option<Arc<McpSession>> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let fresh = open
            .get(key)
            .is_some_and(|p| now.duration_since(p.last_used) < IDLE);
        if !fresh {
            if let Some(stale) = open.remove(key) {
                close(stale.session);
            }
            return None;
        }
        open.get_mut(key).map(|p| {
            p.last_used = now;
            p.session.clone()
        })
    }

    /// Keeps `session` under `key` (another caller's session for the same
    /// key, opened at the same moment, gives way), dropping idle ones and,
    /// past the limit, the least recently used.
    pub(super) fn keep(&self, key: Key, session: Arc<McpSession>, now: Instant) {
        self.opened.fetch_add(1, Ordering::Relaxed);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let idle: Vec<Key> = open
            .iter()
            .filter(|(_, p)| now.duration_since(p.last_used) >= IDLE)
            .map(|(k, _)| *k)
            .collect();
        for k in idle {
            if let Some(p) = open.remove(&k) {
                close(p.session);
            }
        }
        while open.len() >= MAX_SESSIONS {
            let Some(oldest) = open
                .iter()
                .min_by_key(|(_, p)| p.last_used)
                .map(|(k, _)| *k)
            else {
                break;
            };
            if let Some(p) = open.remove(&oldest) {
                close(p.session);
            }
        }
        if let Some(replaced) = open.insert(
            key,
            Pooled {
                session,
                last_used: now,
            },
        ) {
            close(replaced.session);
        }
    }

    /// Forgets the session for `key` (it failed): the next call opens anew.
    pub(super) fn evict(&self, key: &Key) {
        let removed = self
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
        if let Some(p) = removed {
            close(p.session);
        }
    }

    pub(super) fn opened(&self) -> usize {
        self.opened.load(Ordering::Relaxed)
    }

    pub(super) fn live(&self) -> usize {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.values().filter(|p| !p.session.is_closed()).count()
    }

    pub(super) fn len(&self) -> usize {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// Closes a session once no call holds it any more; a call still running
/// on it keeps it open until it ends.
fn close(session: Arc<McpSession>) {
    if let Ok(session) = Arc::try_unwrap(session) {
        tokio::spawn(session.close());
    }
    // Otherwise the last holder's drop ends it.
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Transport;

    #[test]
    fn the_key_is_everything_sent_and_nothing_else() {
        let a = McpTarget::new(
            "https://mcp.example/mcp",
            Transport::StreamableHttp,
            vec![("Authorization".into(), "Bearer one".into())],
        );
        let same = McpTarget::new(
            "https://mcp.example/mcp",
            Transport::StreamableHttp,
            vec![("authorization".into(), "Bearer one".into())],
        );
        let other_key = McpTarget::new(
            "https://mcp.example/mcp",
            Transport::StreamableHttp,
            vec![("Authorization".into(), "Bearer two".into())],
        );
        let other_transport = McpTarget::new(
            "https://mcp.example/mcp",
            Transport::Sse,
            vec![("Authorization".into(), "Bearer one".into())],
        );
        // A header's value cannot slide into its name.
        let shifted = McpTarget::new(
            "https://mcp.example/mcp",
            Transport::StreamableHttp,
            vec![("Authorization: Bearer".into(), " one".into())],
        );
        assert_eq!(key_of(&a), key_of(&same), "header names are case-blind");
        for other in [&other_key, &other_transport, &shifted] {
            assert_ne!(key_of(&a), key_of(other));
        }
    }
}
