//! Moving slots between primaries with the real resharding protocol, step by step, so a test
//! can run traffic at any point of it.
//!
//! For each slot, as `redis-cli --cluster reshard` does it:
//! 1. target: `CLUSTER SETSLOT <slot> IMPORTING <source-id>`;
//! 2. source: `CLUSTER SETSLOT <slot> MIGRATING <target-id>` — from here the source answers
//!    `ASK` for keys it no longer has, and `TRYAGAIN` for multi-key commands that span moved
//!    and unmoved keys;
//! 3. source: `CLUSTER GETKEYSINSLOT` + `MIGRATE ... KEYS` in batches until the slot is empty;
//! 4. target, then source, then every other live primary: `CLUSTER SETSLOT <slot> NODE
//!    <target-id>` — the target first, so that it owns the slot before the source starts
//!    answering `MOVED`.
//!
//! After every step a hook gets a [`MigrationStep`]; it may sleep, send commands, or check
//! what clients see. When all slots are done, the harness waits until every live node agrees
//! on the new owner.

use std::io;
use std::ops::RangeInclusive;

use keyslot_core::resp::Value;
use keyslot_core::Cmd;

use super::admin::{call, cluster, connect_as};
use super::harness::RedisCluster;
use super::node::Node;
use super::spec::Auth;
use crate::client::Conn;

/// Keys per `MIGRATE` unless a test asks otherwise.
pub const DEFAULT_MIGRATE_BATCH: usize = 100;

/// The `MIGRATE` timeout, in milliseconds.
const MIGRATE_TIMEOUT_MS: u32 = 10_000;

/// Where a slot's migration stands; the hook is called right after each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MigrationStep {
    /// The target marks the slot IMPORTING.
    Importing,
    /// The source marks the slot MIGRATING.
    Migrating,
    /// A batch went over; `moved` keys so far in this slot.
    Moved {
        /// Keys moved so far (all batches of this slot).
        moved: usize,
    },
    /// The target owns the slot (the source still thinks it migrates it).
    AssignedOnTarget,
    /// The source hands it over too: it answers `MOVED` from now on.
    AssignedOnSource,
    /// Every other live primary was told.
    Announced,
}

impl RedisCluster {
    /// Move `slot` with its keys from `from` to `to`; returns how many keys moved.
    pub fn migrate_slot(&self, slot: u16, from: &Node, to: &Node) -> io::Result<usize> {
        self.migrate_slots(slot..=slot, from, to)
    }

    /// Move every slot in `slots` from `from` to `to` (each must be owned by `from`).
    pub fn migrate_slots(
        &self,
        slots: RangeInclusive<u16>,
        from: &Node,
        to: &Node,
    ) -> io::Result<usize> {
        self.migrate_slots_with(slots, from, to, DEFAULT_MIGRATE_BATCH, |_, _| {})
    }

    /// [`RedisCluster::migrate_slots`], `batch` keys per `MIGRATE`, calling `pause(slot,
    /// step)` after each step.
    pub fn migrate_slots_with(
        &self,
        slots: RangeInclusive<u16>,
        from: &Node,
        to: &Node,
        batch: usize,
        mut pause: impl FnMut(u16, MigrationStep),
    ) -> io::Result<usize> {
        if from == to {
            return Err(io::Error::other("source and target are the same node"));
        }
        let auth = self.spec.auth.as_ref();
        let source_view = self.view(from)?;
        for slot in slots.clone() {
            let owner = source_view.owner(slot).map(|e| e.id.as_str());
            if owner != Some(from.id()) {
                return Err(io::Error::other(format!(
                    "slot {slot} is owned by {owner:?}, not by the source {}",
                    from.id()
                )));
            }
        }
        let others: Vec<Node> = self
            .primaries()?
            .into_iter()
            .filter(|n| n != from && n != to)
            .collect();
        let mut source = connect_as(from.addr(), auth)?;
        let mut target = connect_as(to.addr(), auth)?;
        let mut other_conns = others
            .iter()
            .map(|n| connect_as(n.addr(), auth))
            .collect::<io::Result<Vec<Conn>>>()?;

        let mut total = 0;
        for slot in slots.clone() {
            let setslot = |state: &str, id: &str| cluster("SETSLOT").arg(slot).arg(state).arg(id);
            call(&mut target, &setslot("IMPORTING", from.id()))?;
            pause(slot, MigrationStep::Importing);
            call(&mut source, &setslot("MIGRATING", to.id()))?;
            pause(slot, MigrationStep::Migrating);

            let mut moved = 0;
            loop {
                let keys = keys_in_slot(&mut source, slot, batch.max(1))?;
                if keys.is_empty() {
                    break;
                }
                call(&mut source, &migrate(to, auth, &keys))?;
                moved += keys.len();
                pause(slot, MigrationStep::Moved { moved });
            }
            total += moved;

            call(&mut target, &setslot("NODE", to.id()))?;
            pause(slot, MigrationStep::AssignedOnTarget);
            call(&mut source, &setslot("NODE", to.id()))?;
            pause(slot, MigrationStep::AssignedOnSource);
            for conn in &mut other_conns {
                call(conn, &setslot("NODE", to.id()))?;
            }
            pause(slot, MigrationStep::Announced);
        }

        let what = format!(
            "every node to see slots {slots:?} owned by node {}",
            to.index()
        );
        self.wait_for_agreement(&what, |view| {
            super::failover::owns_all(view, to.id(), &[(*slots.start(), *slots.end())])
        })?;
        Ok(total)
    }
}

/// Up to `count` keys of `slot` on the connected node.
fn keys_in_slot(conn: &mut Conn, slot: u16, count: usize) -> io::Result<Vec<Value>> {
    match call(conn, &cluster("GETKEYSINSLOT").arg(slot).arg(count))? {
        Value::Array(keys) => Ok(keys),
        other => Err(io::Error::other(format!(
            "GETKEYSINSLOT {slot}: not an array: {other:?}"
        ))),
    }
}

/// `MIGRATE host port "" 0 timeout [AUTH ...] KEYS k...` towards `to`.
fn migrate(to: &Node, auth: Option<&Auth>, keys: &[Value]) -> Cmd {
    let mut cmd = Cmd::new("MIGRATE")
        .arg(to.ip().to_string())
        .arg(to.peer_port())
        .arg("")
        .arg(0)
        .arg(MIGRATE_TIMEOUT_MS);
    match auth {
        None => {}
        Some(Auth::Password(password)) => cmd = cmd.arg("AUTH").arg(password),
        Some(Auth::User { user, password }) => cmd = cmd.arg("AUTH2").arg(user).arg(password),
    }
    cmd = cmd.arg("KEYS");
    for key in keys {
        cmd.push_arg(key.as_bytes().unwrap_or_default());
    }
    cmd
}
