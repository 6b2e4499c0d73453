//! A short-lived, per-replica cache in front of resolution's reads: the
//! server as a tenant reaches it with its active connections, the headers a
//! resolution rendered (which hold the opened secret), and, for the runtime
//! API, who a runtime token is and which user and agent a username and a
//! UUID name, and each agent's tool catalog. Resolution runs on every agent
//! tool call; without this each one is eight to ten database reads and a
//! vault read.
//!
//! Why it is safe to be stale for its TTL: every entry is dropped after the
//! TTL whatever happens, so another replica's change (a deactivated
//! connection, a rotated key) shows here within one TTL (5 s by default).
//! This replica's own writes drop the entries they touch at once, and a
//! fill that read the database before such a write is not kept (the
//! generation check), so a change made here is never hidden by the cache.
//! Only what exists is remembered (never "no such user"), so a new user or
//! agent is usable at once; a revoked runtime token is refused at once here
//! and within one TTL elsewhere.

use moka::sync::Cache;
use secrecy::SecretString;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::domain::resolution::ResolvedBy;
use crate::domain::{AgentId, AgentUid, ServerId, TenantId, TokenId, UserId};
use crate::server::auth::Runtime;
use crate::server::services::agent_catalog::Catalog;
use crate::server::store::{ConnectionRecord, ServerRecord};

/// Entries per map: ~10,000 servers times a few tenants' views of them.
const CAPACITY: u64 = 100_000;

/// A server as one tenant reaches it, and the active connections (the
/// tenant's, and the global platform's for a featured server) that may
/// apply to it.
#[derive(Debug)]
pub struct Snapshot {
    pub server: ServerRecord,
    /// The global platform, when the server is one of its featured ones.
    pub global: Option<TenantId>,
    pub rows: Vec<ConnectionRecord>,
}

/// Rendered headers are the same for every caller that resolves to the
/// same rule and connection of the same server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeadersKey {
    pub asker: TenantId,
    /// The server's tenant (the global platform's for a featured server).
    pub owner: TenantId,
    pub server: ServerId,
    pub by: ResolvedBy,
}

/// Rendered headers, every value a secret (zeroed when the entry goes).
pub type SecretHeaders = Vec<(String, SecretString)>;

/// `None` in a snapshot slot means "not reachable by this tenant".
type SnapshotSlot = Option<Arc<Snapshot>>;

pub struct ResolutionCache {
    /// `None` when the TTL is zero: every read goes to the database.
    maps: Option<Maps>,
    /// Bumped by every invalidation; a fill started under an older one is
    /// dropped instead of kept.
    generation: AtomicU64,
}

struct Maps {
    snapshots: Cache<(TenantId, ServerId), SnapshotSlot>,
    headers: Cache<HeadersKey, Arc<SecretHeaders>>,
    /// Runtime tokens by their SHA-256.
    runtimes: Cache<String, Arc<Runtime>>,
    users: Cache<(TenantId, String), UserId>,
    agents: Cache<(TenantId, AgentUid), AgentId>,
    catalogs: Cache<(TenantId, AgentId), Catalog>,
}

impl ResolutionCache {
    pub fn new(ttl: Duration) -> Self {
        fn map<K, V>(ttl: Duration) -> Cache<K, V>
        where
            K: std::hash::Hash + Eq + Send + Sync + 'static,
            V: Clone + Send + Sync + 'static,
        {
            Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .build()
        }
        let maps = (!ttl.is_zero()).then(|| Maps {
            snapshots: map(ttl),
            headers: map(ttl),
            runtimes: map(ttl),
            users: map(ttl),
            agents: map(ttl),
            catalogs: map(ttl),
        });
        ResolutionCache {
            maps,
            generation: AtomicU64::new(0),
        }
    }

    /// Read before the database, handed back to `keep_*`.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// `Some(slot)` on a hit (the slot itself may say "not reachable").
    pub fn snapshot(&self, asker: TenantId, server: ServerId) -> Option<SnapshotSlot> {
        self.maps.as_ref()?.snapshots.get(&(asker, server))
    }

    pub fn keep_snapshot(
        &self,
        generation: u64,
        asker: TenantId,
        server: ServerId,
        slot: SnapshotSlot,
    ) {
        if let Some(maps) = &self.maps
            && self.generation() == generation
        {
            maps.snapshots.insert((asker, server), slot);
        }
    }

    pub fn headers(&self, key: &HeadersKey) -> Option<Arc<SecretHeaders>> {
        self.maps.as_ref()?.headers.get(key)
    }

    pub fn keep_headers(&self, generation: u64, key: HeadersKey, headers: Arc<SecretHeaders>) {
        if let Some(maps) = &self.maps
            && self.generation() == generation
        {
            maps.headers.insert(key, headers);
        }
    }

    pub fn runtime(&self, token_hash: &str) -> Option<Arc<Runtime>> {
        self.maps.as_ref()?.runtimes.get(token_hash)
    }

    pub fn keep_runtime(&self, token_hash: &str, runtime: Arc<Runtime>) {
        if let Some(maps) = &self.maps {
            maps.runtimes.insert(token_hash.to_owned(), runtime);
        }
    }

    /// A revoked token is refused at once on this replica.
    pub fn forget_token(&self, token: TokenId) {
        if let Some(maps) = &self.maps {
            for (key, runtime) in maps.runtimes.iter() {
                if runtime.token_id == token {
                    maps.runtimes.invalidate(&*key);
                }
            }
        }
    }

    pub fn user(&self, tenant: TenantId, username: &str) -> Option<UserId> {
        self.maps
            .as_ref()?
            .users
            .get(&(tenant, username.to_owned()))
    }

    pub fn keep_user(&self, tenant: TenantId, username: &str, user: UserId) {
        if let Some(maps) = &self.maps {
            maps.users.insert((tenant, username.to_owned()), user);
        }
    }

    pub fn agent(&self, tenant: TenantId, uid: &AgentUid) -> Option<AgentId> {
        self.maps.as_ref()?.agents.get(&(tenant, uid.clone()))
    }

    pub fn keep_agent(&self, generation: u64, tenant: TenantId, uid: &AgentUid, agent: AgentId) {
        if let Some(maps) = &self.maps
            && self.generation() == generation
        {
            maps.agents.insert((tenant, uid.clone()), agent);
        }
    }

    pub fn catalog(&self, tenant: TenantId, agent: AgentId) -> Option<Catalog> {
        self.maps.as_ref()?.catalogs.get(&(tenant, agent))
    }

    pub fn keep_catalog(&self, generation: u64, tenant: TenantId, agent: AgentId, c: Catalog) {
        if let Some(maps) = &self.maps
            && self.generation() == generation
        {
            maps.catalogs.insert((tenant, agent), c);
        }
    }

    /// Drops everything a write to `tenant`'s servers, connections, keys or
    /// agents may have changed: its own views, every view of its servers
    /// (the global platform's featured ones), and every "not reachable"
    /// (the write may have featured a server).
    pub fn forget_tenant(&self, tenant: TenantId) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let Some(maps) = &self.maps else {
            return;
        };
        for (key, slot) in maps.snapshots.iter() {
            let touched = key.0 == tenant
                || slot
                    .as_ref()
                    .is_none_or(|s| s.server.tenant_id == tenant || s.global == Some(tenant));
            if touched {
                maps.snapshots.invalidate(&*key);
            }
        }
        for (key, _) in maps.headers.iter() {
            if key.asker == tenant || key.owner == tenant {
                maps.headers.invalidate(&*key);
            }
        }
        for (key, _) in maps.agents.iter() {
            if key.0 == tenant {
                maps.agents.invalidate(&*key);
            }
        }
        // A catalog may hold another tenant's (featured) server, and which
        // servers those are is not kept with it: every catalog goes. Such
        // writes are an admin's, rare beside the calls that read catalogs.
        maps.catalogs.invalidate_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::resolution::Rule;

    fn key(asker: i64, owner: i64) -> HeadersKey {
        HeadersKey {
            asker: TenantId::new(asker),
            owner: TenantId::new(owner),
            server: ServerId::new(9),
            by: ResolvedBy {
                rule: Rule::ServerCredential,
                connection_id: None,
            },
        }
    }

    fn headers() -> Arc<SecretHeaders> {
        Arc::new(vec![(
            "Authorization".into(),
            SecretString::from("Bearer k"),
        )])
    }

    #[test]
    fn a_tenants_write_drops_its_views_and_views_of_its_servers() {
        let cache = ResolutionCache::new(Duration::from_secs(60));
        let g = cache.generation();
        cache.keep_headers(g, key(1, 1), headers());
        cache.keep_headers(g, key(2, 3), headers());
        cache.keep_headers(g, key(4, 4), headers());
        cache.keep_snapshot(g, TenantId::new(4), ServerId::new(1), None);
        cache.forget_tenant(TenantId::new(3));
        assert!(cache.headers(&key(1, 1)).is_some(), "an unrelated tenant");
        assert!(cache.headers(&key(2, 3)).is_none(), "a view of 3's server");
        assert!(
            cache.snapshot(TenantId::new(4), ServerId::new(1)).is_none(),
            "a 'not reachable' may have become reachable"
        );
        cache.forget_tenant(TenantId::new(1));
        assert!(cache.headers(&key(1, 1)).is_none());
        assert!(cache.headers(&key(4, 4)).is_some());
    }

    #[test]
    fn a_fill_that_raced_a_write_is_not_kept() {
        let cache = ResolutionCache::new(Duration::from_secs(60));
        let before = cache.generation();
        cache.forget_tenant(TenantId::new(1));
        cache.keep_headers(before, key(1, 1), headers());
        assert!(cache.headers(&key(1, 1)).is_none());
        cache.keep_headers(cache.generation(), key(1, 1), headers());
        assert!(cache.headers(&key(1, 1)).is_some());
    }

    #[test]
    fn a_zero_ttl_keeps_nothing() {
        let cache = ResolutionCache::new(Duration::ZERO);
        cache.keep_headers(cache.generation(), key(1, 1), headers());
        assert!(cache.headers(&key(1, 1)).is_none());
    }
}
