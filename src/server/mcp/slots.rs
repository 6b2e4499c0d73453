//! How many test connections (and key rotations, which test) run at once:
//! in all, and per tenant. A slow or silent MCP server holds its slot for the
//! whole MCP deadline, so without a cap one tenant's hostile server could
//! hold every connection and task the process has.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::domain::TenantId;

#[derive(Debug)]
pub struct TestSlots {
    total: usize,
    per_tenant: usize,
    taken: Mutex<Taken>,
}

#[derive(Debug, Default)]
struct Taken {
    total: usize,
    by_tenant: HashMap<TenantId, usize>,
}

/// Every slot of the kind asked for is taken; try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoSlot;

/// A held slot; dropping it gives it back.
#[derive(Debug)]
pub struct TestSlot {
    slots: Arc<TestSlots>,
    tenant: TenantId,
}

impl TestSlots {
    pub fn new(total: usize, per_tenant: usize) -> Arc<Self> {
        Arc::new(Self {
            total,
            per_tenant,
            taken: Mutex::new(Taken::default()),
        })
    }

    /// A slot for `tenant` now, or `NoSlot`: a test never queues, as the
    /// admin who asked is waiting for an answer.
    pub fn take(self: &Arc<Self>, tenant: TenantId) -> Result<TestSlot, NoSlot> {
        let mut taken = self.taken.lock().map_err(|_| NoSlot)?;
        let mine = taken.by_tenant.get(&tenant).copied().unwrap_or(0);
        if taken.total >= self.total || mine >= self.per_tenant {
            return Err(NoSlot);
        }
        taken.total += 1;
        taken.by_tenant.insert(tenant, mine + 1);
        Ok(TestSlot {
            slots: self.clone(),
            tenant,
        })
    }
}

impl Drop for TestSlot {
    fn drop(&mut self) {
        // A poisoned lock means a panic elsewhere already; nothing to give back to.
        if let Ok(mut taken) = self.slots.taken.lock() {
            taken.total = taken.total.saturating_sub(1);
            if let Some(n) = taken.by_tenant.get_mut(&self.tenant) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    taken.by_tenant.remove(&self.tenant);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_capped_per_tenant_and_in_all_and_come_back() {
        let slots = TestSlots::new(3, 2);
        let (a, b) = (TenantId::new(1), TenantId::new(2));
        let a1 = slots.take(a).expect("a1");
        let _a2 = slots.take(a).expect("a2");
        assert_eq!(slots.take(a).err(), Some(NoSlot), "tenant cap");
        let _b1 = slots.take(b).expect("b1");
        assert_eq!(slots.take(b).err(), Some(NoSlot), "total cap");
        drop(a1);
        let _b2 = slots.take(b).expect("a slot came back");
    }
}
