//! The planner against a scripted cluster: a few nodes that own slots and hold keys, answer
//! `CLUSTER NODES`, `SCAN`, `CLUSTER GETKEYSINSLOT` and `TYPE` like a real one, and change
//! (slots move, migrations start and end, nodes die) at chosen steps of the scan.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use bytes::Bytes;

use super::slots::SlotSet;
use super::*;
use crate::resp::Value;
use crate::topology::Topology;
use crate::{key_slot, SLOT_COUNT};

struct Node {
    id: String,
    addr: Addr,
    primary: bool,
    up: bool,
    slots: SlotSet,
    migrating: Vec<(u16, String)>,
    importing: Vec<(u16, String)>,
    /// key -> type
    keys: BTreeMap<Bytes, &'static str>,
}

struct Fake {
    nodes: Vec<Node>,
    /// Steps answered so far.
    steps: usize,
}

fn bulk(s: impl AsRef<[u8]>) -> Value {
    Value::BulkString(Bytes::copy_from_slice(s.as_ref()))
}

impl Fake {
    /// `primaries` nodes splitting the slots evenly, each holding the keys of its slots.
    fn new(primaries: usize, keys: &[(String, &'static str)]) -> Fake {
        let per = usize::from(SLOT_COUNT) / primaries;
        let nodes = (0..primaries)
            .map(|i| {
                let first = (i * per) as u16;
                let last = if i + 1 == primaries {
                    SLOT_COUNT - 1
                } else {
                    ((i + 1) * per - 1) as u16
                };
                let mut slots = SlotSet::new();
                slots.insert_range(first, last);
                Node {
                    id: format!("{:040}", i + 1),
                    addr: Addr::new("10.0.0.1", 7000 + i as u16),
                    primary: true,
                    up: true,
                    slots,
                    migrating: Vec::new(),
                    importing: Vec::new(),
                    keys: BTreeMap::new(),
                }
            })
            .collect();
        let mut fake = Fake { nodes, steps: 0 };
        for (k, ty) in keys {
            let owner = fake.owner(key_slot(k.as_bytes()));
            fake.nodes[owner]
                .keys
                .insert(Bytes::copy_from_slice(k.as_bytes()), ty);
        }
        fake
    }

    fn owner(&self, slot: u16) -> usize {
        self.nodes
            .iter()
            .position(|n| n.primary && n.slots.contains(slot))
            .unwrap()
    }

    fn topology(&self) -> Topology {
        let mut entries = Vec::new();
        for n in self.nodes.iter().filter(|n| n.primary) {
            let slots: Vec<u16> = n.slots.iter().collect();
            let mut i = 0;
            while i < slots.len() {
                let mut j = i;
                while j + 1 < slots.len() && slots[j + 1] == slots[j] + 1 {
                    j += 1;
                }
                entries.push(Value::Array(vec![
                    Value::Integer(slots[i].into()),
                    Value::Integer(slots[j].into()),
                    Value::Array(vec![
                        bulk(&n.addr.host),
                        Value::Integer(n.addr.port.into()),
                        bulk(&n.id),
                    ]),
                ]));
                i = j + 1;
            }
        }
        Topology::from_cluster_slots(&Value::Array(entries), &Addr::new("10.0.0.1", 7000)).unwrap()
    }

    fn cluster_nodes(&self, me: usize) -> Value {
        let mut text = String::new();
        for (i, n) in self.nodes.iter().enumerate() {
            let role = if n.primary { "master" } else { "slave" };
            let flags = if i == me {
                format!("myself,{role}")
            } else {
                role.to_string()
            };
            text += &format!(
                "{} {}:{}@1{} {} - 0 0 1 connected",
                n.id, n.addr.host, n.addr.port, n.addr.port, flags
            );
            if n.primary {
                for s in n.slots.iter() {
                    text += &format!(" {s}");
                }
            }
            if i == me {
                for (s, t) in &n.migrating {
                    text += &format!(" [{s}->-{t}]");
                }
                for (s, f) in &n.importing {
                    text += &format!(" [{s}-<-{f}]");
                }
            }
            text += "\n";
        }
        bulk(text)
    }

    fn node_at(&self, addr: &Addr) -> usize {
        self.nodes.iter().position(|n| &n.addr == addr).unwrap()
    }

    /// A real node's answer to `cmd`. `SCAN` walks slots in order, 512 slots per call, so
    /// that keys present throughout are returned as the server guarantees.
    fn answer(&self, node: &Addr, cmd: &Cmd) -> Result<Value, Error> {
        let i = self.node_at(node);
        let n = &self.nodes[i];
        if !n.up {
            return Err(Error::Timeout);
        }
        let args: Vec<&[u8]> = cmd.args().collect();
        match args[0] {
            b"CLUSTER" if args[1] == b"NODES" => Ok(self.cluster_nodes(i)),
            b"CLUSTER" if args[1] == b"GETKEYSINSLOT" => {
                let slot: u16 = core::str::from_utf8(args[2]).unwrap().parse().unwrap();
                let count: usize = core::str::from_utf8(args[3]).unwrap().parse().unwrap();
                let keys = n
                    .keys
                    .keys()
                    .filter(|k| key_slot(k) == slot)
                    .take(count)
                    .map(bulk)
                    .collect();
                Ok(Value::Array(keys))
            }
            b"SCAN" => {
                let start: u16 = core::str::from_utf8(args[1]).unwrap().parse().unwrap();
                let end = start.saturating_add(512).min(SLOT_COUNT);
                let mut pattern = None;
                let mut ty = None;
                let mut a = 2;
                while a < args.len() {
                    match args[a] {
                        b"MATCH" => pattern = Some(args[a + 1]),
                        b"TYPE" => ty = Some(args[a + 1]),
                        _ => {}
                    }
                    a += 2;
                }
                let keys = n
                    .keys
                    .iter()
                    .filter(|(k, _)| (start..end).contains(&key_slot(k)))
                    .filter(|(k, _)| pattern.is_none_or(|p| glob_match(p, k)))
                    .filter(|(_, t)| ty.is_none_or(|want| want == t.as_bytes()))
                    .map(|(k, _)| bulk(k))
                    .collect();
                let next = if end == SLOT_COUNT { 0 } else { end };
                Ok(Value::Array(vec![
                    bulk(next.to_string()),
                    Value::Array(keys),
                ]))
            }
            other => panic!("unexpected node command {:?}", core::str::from_utf8(other)),
        }
    }

    fn type_of(&self, key: &[u8]) -> Value {
        let ty = self
            .nodes
            .iter()
            .find_map(|n| n.keys.get(key))
            .copied()
            .unwrap_or("none");
        Value::SimpleString(Bytes::from_static(ty.as_bytes()))
    }

    /// Move `slot` with its keys from its owner to node `to` at once.
    fn move_slot(&mut self, slot: u16, to: usize) {
        let from = self.owner(slot);
        let moved: Vec<_> = self.nodes[from]
            .keys
            .iter()
            .filter(|(k, _)| key_slot(k) == slot)
            .map(|(k, t)| (k.clone(), *t))
            .collect();
        for (k, t) in moved {
            self.nodes[from].keys.remove(&k);
            self.nodes[to].keys.insert(k, t);
        }
        self.nodes[from].slots.remove(slot);
        self.nodes[to].slots.insert(slot);
    }

    /// Start migrating `slot` to `to` and move half of its keys.
    fn start_migration(&mut self, slot: u16, to: usize) {
        let from = self.owner(slot);
        let (fid, tid) = (self.nodes[from].id.clone(), self.nodes[to].id.clone());
        self.nodes[from].migrating.push((slot, tid));
        self.nodes[to].importing.push((slot, fid));
        let moved: Vec<_> = self.nodes[from]
            .keys
            .iter()
            .filter(|(k, _)| key_slot(k) == slot)
            .step_by(2)
            .map(|(k, t)| (k.clone(), *t))
            .collect();
        for (k, t) in moved {
            self.nodes[from].keys.remove(&k);
            self.nodes[to].keys.insert(k, t);
        }
    }

    /// Fail `primary` over to a new replica node that has its slots and keys.
    fn fail_over(&mut self, primary: usize) {
        let old = &mut self.nodes[primary];
        old.up = false;
        let promoted = Node {
            id: format!("{:040}", 100 + primary),
            addr: Addr::new("10.0.0.2", 7100 + primary as u16),
            primary: true,
            up: true,
            slots: old.slots.clone(),
            migrating: Vec::new(),
            importing: Vec::new(),
            keys: old.keys.clone(),
        };
        old.primary = false;
        old.slots = SlotSet::new();
        self.nodes.push(promoted);
    }
}

/// Run a scan to the end; `change` may alter the cluster before each step. Returns the keys
/// (with how often each came) or the error.
fn run(
    fake: &mut Fake,
    opts: ScanOptions,
    mut change: impl FnMut(&mut Fake, usize),
) -> (Result<BTreeMap<Bytes, usize>, ScanError>, ScanStats) {
    let mut scan = ClusterScan::new(opts);
    let mut seen = BTreeMap::new();
    let mut topology = fake.topology();
    let mut waits = 0;
    loop {
        change(fake, fake.steps);
        fake.steps += 1;
        assert!(fake.steps < 100_000, "the scan does not end");
        if scan.wants_topology() {
            topology = fake.topology();
        }
        let keys = match scan.next_step(&topology) {
            Step::Done => return (Ok(seen), scan.stats()),
            Step::Wait(_) => {
                waits += 1;
                assert!(waits < 1000);
                continue;
            }
            Step::Send { node, cmd } => scan.on_reply(fake.answer(&node, &cmd)),
            Step::Routed { cmds } => {
                let replies = cmds
                    .iter()
                    .map(|c| Ok(fake.type_of(c.get(1).unwrap())))
                    .collect();
                scan.on_routed_replies(Ok(replies))
            }
        };
        match keys {
            Ok(keys) => {
                for k in keys {
                    *seen.entry(k).or_insert(0) += 1;
                }
            }
            Err(e) => return (Err(e), scan.stats()),
        }
    }
}

fn keys(n: usize) -> Vec<(String, &'static str)> {
    (0..n)
        .map(|i| {
            (
                format!("key:{i}"),
                if i % 3 == 0 { "hash" } else { "string" },
            )
        })
        .collect()
}

fn names(
    keys: &[(String, &'static str)],
    keep: impl Fn(&(String, &'static str)) -> bool,
) -> BTreeSet<Bytes> {
    keys.iter()
        .filter(|k| keep(k))
        .map(|(k, _)| Bytes::copy_from_slice(k.as_bytes()))
        .collect()
}

fn all_seen(seen: &BTreeMap<Bytes, usize>) -> BTreeSet<Bytes> {
    seen.keys().cloned().collect()
}

#[test]
fn a_quiet_cluster_is_scanned_once_per_key() {
    let keys = keys(3000);
    let mut fake = Fake::new(3, &keys);
    let (seen, stats) = run(&mut fake, ScanOptions::default(), |_, _| {});
    let seen = seen.unwrap();
    assert_eq!(all_seen(&seen), names(&keys, |_| true));
    assert!(
        seen.values().all(|&n| n == 1),
        "no duplicates when nothing moves"
    );
    assert_eq!(stats.nodes_scanned, 3);
    assert_eq!(stats.slots_confirmed, 16384);
    assert_eq!(stats.slots_recovered, 0);
}

#[test]
fn match_and_type_pass_through() {
    let keys = keys(1000);
    let mut fake = Fake::new(3, &keys);
    let opts = ScanOptions {
        pattern: Some(Bytes::from_static(b"key:1*")),
        count: Some(100),
        type_: Some(Bytes::from_static(b"hash")),
    };
    let (seen, _) = run(&mut fake, opts, |_, _| {});
    let want = names(&keys, |(k, t)| k.starts_with("key:1") && *t == "hash");
    assert_eq!(all_seen(&seen.unwrap()), want);
}

#[test]
fn a_slot_moved_during_the_scan_is_re_read_where_it_went() {
    let keys = keys(3000);
    // Move slots from the last node (not yet scanned) to the first (already scanned) while
    // the second node is being scanned: the main pass never sees them.
    let mut fake = Fake::new(3, &keys);
    let slot = keys
        .iter()
        .map(|(k, _)| key_slot(k.as_bytes()))
        .find(|&s| fake.owner(s) == 2)
        .unwrap();
    let moved = names(&keys, |(k, _)| key_slot(k.as_bytes()) == slot);
    assert!(!moved.is_empty());
    let (seen, stats) = run(&mut fake, ScanOptions::default(), |f, step| {
        if step == 40 {
            f.move_slot(slot, 0);
        }
    });
    let seen = seen.unwrap();
    assert_eq!(all_seen(&seen), names(&keys, |_| true));
    assert!(stats.slots_recovered >= 1, "{stats:?}");
}

#[test]
fn a_migration_in_progress_reads_source_then_target() {
    let keys = keys(3000);
    let slot = key_slot(b"key:7");
    let mut fake = Fake::new(3, &keys);
    let owner = fake.owner(slot);
    let (seen, stats) = run(
        &mut fake,
        ScanOptions {
            type_: Some(Bytes::from_static(b"string")),
            ..ScanOptions::default()
        },
        |f, step| {
            if step == 1 {
                // Half the slot's keys on the target already, the rest still on the source,
                // for the whole scan.
                f.start_migration(slot, (owner + 1) % 3);
            }
        },
    );
    let seen = seen.unwrap();
    assert_eq!(all_seen(&seen), names(&keys, |(_, t)| *t == "string"));
    assert!(stats.slots_recovered >= 1, "{stats:?}");
}

#[test]
fn a_failed_primary_is_re_covered_on_its_replacement() {
    let keys = keys(2000);
    let mut fake = Fake::new(3, &keys);
    let (seen, stats) = run(&mut fake, ScanOptions::default(), |f, step| {
        if step == 40 {
            // In the middle of the second node's SCAN.
            f.fail_over(1);
        }
    });
    let seen = seen.unwrap();
    assert_eq!(all_seen(&seen), names(&keys, |_| true));
    assert!(stats.failures >= 1);
    assert!(stats.slots_recovered >= 5000, "{stats:?}");
}

#[test]
fn a_node_that_stays_down_ends_the_scan_with_an_error() {
    let keys = keys(100);
    let mut fake = Fake::new(3, &keys);
    fake.nodes[2].up = false;
    let (seen, _) = run(&mut fake, ScanOptions::default(), |_, _| {});
    assert!(
        matches!(
            seen,
            Err(ScanError::TooManyFailures { .. }) | Err(ScanError::Unstable { .. })
        ),
        "{seen:?}"
    );
}

#[test]
fn a_slot_that_never_settles_is_given_up() {
    let keys = keys(300);
    let slot = key_slot(b"key:1");
    let mut fake = Fake::new(3, &keys);
    let (seen, _) = run(&mut fake, ScanOptions::default(), |f, step| {
        // Move the slot on, round the nodes, every other step forever: no two samples of a
        // re-cover bracket (three steps apart) agree.
        if step > 0 && step % 2 == 0 {
            let to = (f.owner(slot) + 1) % 3;
            f.move_slot(slot, to);
        }
    });
    assert!(matches!(seen, Err(ScanError::Unstable { .. })), "{seen:?}");
}

fn first_step(scan: &mut ClusterScan, fake: &Fake) -> Addr {
    match scan.next_step(&fake.topology()) {
        Step::Send { node, .. } => node,
        other => panic!("{other:?}"),
    }
}

#[test]
fn hostile_replies_are_typed_errors() {
    let fake = Fake::new(3, &keys(10));
    let bad: [(usize, Value); 5] = [
        (0, Value::Integer(3)),
        (0, bulk("garbage without myself")),
        (1, Value::Integer(0)),
        (
            1,
            Value::Array(vec![bulk("not-a-number"), Value::Array(vec![])]),
        ),
        (
            1,
            Value::Array(vec![bulk("0"), Value::Array(vec![Value::Null])]),
        ),
    ];
    for (at, reply) in bad {
        let mut scan = ClusterScan::new(ScanOptions::default());
        let node = first_step(&mut scan, &fake);
        if at == 1 {
            let ok = fake.answer(&node, &Cmd::new("CLUSTER").arg("NODES"));
            assert_eq!(scan.on_reply(ok), Ok(vec![]));
            first_step(&mut scan, &fake);
        }
        let err = scan.on_reply(Ok(reply.clone()));
        assert!(
            matches!(err, Err(ScanError::Malformed { .. })),
            "{reply:?}: {err:?}"
        );
        assert_eq!(scan.next_step(&fake.topology()), Step::Done);
    }
    // An error reply is the server's refusal; a reply out of turn is the driver's mistake.
    let mut scan = ClusterScan::new(ScanOptions::default());
    first_step(&mut scan, &fake);
    let err = scan.on_reply(Ok(Value::Error(Bytes::from_static(b"NOPERM no"))));
    assert!(matches!(err, Err(ScanError::Refused { .. })), "{err:?}");
    assert_eq!(
        scan.on_reply(Ok(Value::Null)),
        Err(ScanError::UnexpectedReply)
    );
}
