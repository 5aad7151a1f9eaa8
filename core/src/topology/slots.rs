//! `CLUSTER SLOTS`: the fallback for servers without `CLUSTER SHARDS` (before 7.0).
//!
//! The reply is a list of `[start, end, primary, replica...]` entries, one per contiguous slot
//! range, where each node is `[endpoint, port, id?, metadata?]` and the metadata (7.0+) is a
//! map or flat array carrying `ip` and `hostname`. A shard that serves several ranges appears
//! once per range, so entries are merged by their primary's identity (its id, or its address
//! on servers too old to send ids) through a sorted map, keeping the parse linear-logarithmic
//! in the number of entries. A replica listed again (in every range of its shard) is kept once,
//! recognised the same way through a sorted set, so the parse stays linear-logarithmic in the
//! number of replicas too, however many a reply lists. The reply has no health: every listed node is [`Health::Online`]
//! (the server already leaves out replicas that failed or are still loading).
//!
//! [`Health::Online`]: super::Health::Online

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

use super::fields::{
    answerer_fallback, endpoint, list, metadata, opt_text, port, server_error, slot_range,
};
use super::fields::{Earlier, Endpoint, RawNode};
use super::{table, Addr, Role, Shard, Topology, TopologyError};
use crate::resp::Value;

/// How entries of one shard are recognised: by the primary's id when it has one, else by its
/// endpoint text and port. A primary with neither id nor known address merges with nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum MergeKey<'a> {
    Id(&'a str),
    Endpoint(&'a str, u16),
}

/// How a shard's replicas are told apart: by id when they have one, else by address.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ReplicaKey<'a> {
    Id(&'a str),
    Addr(Addr),
}

fn merge_key<'a>(n: &RawNode<'a>) -> Option<MergeKey<'a>> {
    let port = n.port.unwrap_or(0);
    match n.endpoint {
        _ if !n.id.is_empty() => Some(MergeKey::Id(n.id)),
        Some(Endpoint::Host(h)) => Some(MergeKey::Endpoint(h, port)),
        Some(Endpoint::Asked) => Some(MergeKey::Endpoint(n.ip.unwrap_or(""), port)),
        Some(Endpoint::Unknown) | None => None,
    }
}

impl Topology {
    /// Parse a `CLUSTER SLOTS` reply (RESP2 or RESP3) received from `asked`.
    ///
    /// Endpoint rules as in [`Topology::from_cluster_shards`], with the `ip` of a node
    /// without endpoint read from its metadata. Entries sharing a primary become one
    /// [`Shard`] with all their ranges; shards are ordered by their first entry.
    ///
    /// ```
    /// use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # // CLUSTER SLOTS: 0-99 and 200-16383 on 10.0.0.1:7000 (one shard, two entries).
    /// # let bytes = b"*2\r\n*3\r\n:0\r\n:99\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n\
    /// # *3\r\n:200\r\n:16383\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n";
    /// let (reply, _) = resp::decode(bytes).unwrap().unwrap();
    /// let topology = Topology::from_cluster_slots(&reply, &Addr::new("10.0.0.1", 7000)).unwrap();
    /// assert_eq!(topology.shards().len(), 1); // entries with one primary are one shard
    /// assert_eq!(topology.shards()[0].slots, [(0, 99), (200, 16383)]);
    /// assert_eq!(topology.uncovered_slots(), 100);
    /// ```
    pub fn from_cluster_slots(reply: &Value, asked: &Addr) -> Result<Topology, TopologyError> {
        Topology::from_cluster_slots_after(reply, asked, None)
    }

    /// [`from_cluster_slots`](Self::from_cluster_slots) when the client already has a view:
    /// a node listed without a usable address keeps the address `earlier` gives its id (see
    /// [`from_cluster_shards_after`](Self::from_cluster_shards_after)).
    ///
    /// ```
    /// use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # // CLUSTER SLOTS with node n1 at `endpoint`: the first at 10.0.0.1, the second at `?`.
    /// # let slots = |endpoint: &str| {
    /// #     let n = endpoint.len();
    /// #     format!("*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n${n}\r\n{endpoint}\r\n\
    /// #         :7000\r\n$2\r\nn1\r\n")
    /// # };
    /// # let decode = |text: String| resp::decode(text.as_bytes()).unwrap().unwrap().0;
    /// // `slots(endpoint)` is a CLUSTER SLOTS reply that lists node n1 at `endpoint`.
    /// let asked = Addr::new("10.0.0.1", 7000);
    /// let before = Topology::from_cluster_slots(&decode(slots("10.0.0.1")), &asked).unwrap();
    /// let unknown = decode(slots("?")); // n1's endpoint is unknown for now
    /// let after = Topology::from_cluster_slots_after(&unknown, &asked, Some(&before)).unwrap();
    /// assert_eq!(after.primary_of_slot(0).unwrap().addr, asked); // n1 keeps its address
    /// ```
    pub fn from_cluster_slots_after(
        reply: &Value,
        asked: &Addr,
        earlier: Option<&Topology>,
    ) -> Result<Topology, TopologyError> {
        if let Some(err) = server_error(reply) {
            return Err(err);
        }
        let entries = list(reply, "CLUSTER SLOTS reply")?;
        // Every node as read, each entry's primary first then its replicas; `ranges` holds
        // each entry's slots and where its nodes end in `read`.
        let mut read: Vec<RawNode<'_>> = Vec::new();
        let mut ranges: Vec<((u16, u16), usize)> = Vec::with_capacity(entries.len());
        for entry in entries {
            let [start, end, primary, replicas @ ..] = list(entry, "slot range entry")? else {
                return Err(TopologyError::UnexpectedShape {
                    what: "slot range entry",
                });
            };
            let range = slot_range(start, end)?;
            read.push(node(primary, Role::Primary)?);
            for r in replicas {
                read.push(node(r, Role::Replica)?);
            }
            ranges.push((range, read.len()));
        }
        // Whether the asked address may stand in for a node depends on the whole reply.
        let fallback = answerer_fallback(asked, read.iter());
        let earlier = Earlier::new(earlier);
        let mut shards: Vec<Shard> = Vec::new();
        let mut by_primary: BTreeMap<MergeKey<'_>, usize> = BTreeMap::new();
        // The replicas kept so far, by the index of their shard.
        let mut replicas_kept: BTreeSet<(usize, ReplicaKey<'_>)> = BTreeSet::new();
        let mut nodes = read.into_iter();
        let mut taken = 0;
        for (range, end) in ranges {
            // The entry's nodes: its primary, then `end - taken - 1` replicas.
            let Some(primary) = nodes.next() else {
                // Every entry pushed its primary; this cannot happen.
                return Err(TopologyError::UnexpectedShape {
                    what: "slot range entry",
                });
            };
            let replicas = end - taken - 1;
            taken = end;
            let key = merge_key(&primary);
            let index = match key.and_then(|k| by_primary.get(&k).copied()) {
                Some(i) => i,
                None => {
                    let primary = primary.finish(fallback, &earlier)?;
                    shards.push(Shard {
                        slots: Vec::new(),
                        primary,
                        replicas: Vec::new(),
                    });
                    let i = shards.len() - 1;
                    if let Some(k) = key {
                        by_primary.insert(k, i);
                    }
                    i
                }
            };
            let Some(shard) = shards.get_mut(index) else {
                // Indexes come from `shards` itself; this cannot happen.
                return Err(TopologyError::UnexpectedShape {
                    what: "slot range entry",
                });
            };
            shard.slots.push(range);
            for r in nodes.by_ref().take(replicas) {
                let id = r.id;
                // A replica seen before by id is skipped before its fields are checked again.
                if !id.is_empty() && replicas_kept.contains(&(index, ReplicaKey::Id(id))) {
                    continue;
                }
                if let Some(r) = r.finish(fallback, &earlier)? {
                    let key = match id {
                        "" => ReplicaKey::Addr(r.addr.clone()),
                        id => ReplicaKey::Id(id),
                    };
                    if replicas_kept.insert((index, key)) {
                        shard.replicas.push(r);
                    }
                }
            }
        }
        table::assemble(shards)
    }
}

/// One `[endpoint, port, id?, metadata?]` node; elements after those four are ignored.
fn node(v: &Value, role: Role) -> Result<RawNode<'_>, TopologyError> {
    let [ep, port_value, rest @ ..] = list(v, "node")? else {
        return Err(TopologyError::UnexpectedShape { what: "node" });
    };
    let mut n = RawNode::new();
    n.role = Some(role);
    n.endpoint = Some(endpoint(ep)?);
    n.port = Some(port(port_value, "port")?);
    if let Some(id) = rest.first() {
        n.id = opt_text(id, "id")?.unwrap_or_default();
    }
    if let Some(meta) = rest.get(1) {
        metadata(meta, &mut n)?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn asked() -> Addr {
        Addr::new("seed.example", 7000)
    }

    fn node_v(endpoint: Value, port: i64, id: &'static str) -> Value {
        Value::Array(vec![
            endpoint,
            Value::Integer(port),
            Value::from(id),
            Value::Map(vec![(Value::from("ip"), Value::from("10.1.1.1"))]),
        ])
    }

    fn entry(start: i64, end: i64, nodes: Vec<Value>) -> Value {
        let mut e = vec![Value::Integer(start), Value::Integer(end)];
        e.extend(nodes);
        Value::Array(e)
    }

    fn parse(entries: Vec<Value>) -> Result<Topology, TopologyError> {
        Topology::from_cluster_slots(&Value::Array(entries), &asked())
    }

    #[test]
    fn entries_of_one_primary_merge_into_one_shard() {
        let a = || node_v(Value::from("a.example"), 1, "id-a");
        let ar = || node_v(Value::from("ar.example"), 1, "id-ar");
        let b = || node_v(Value::from("b.example"), 1, "id-b");
        let t = parse(vec![
            entry(0, 9, vec![a(), ar()]),
            entry(10, 19, vec![b()]),
            entry(20, 29, vec![a(), ar()]),
            entry(30, 16383, vec![b()]),
        ])
        .expect("valid");
        assert_eq!(t.shards().len(), 2);
        assert_eq!(t.shards()[0].slots, vec![(0, 9), (20, 29)]);
        assert_eq!(
            t.shards()[0].replicas.len(),
            1,
            "replica listed twice is kept once"
        );
        assert_eq!(t.shards()[1].slots, vec![(10, 19), (30, 16383)]);
        assert_eq!(t.shard_of_slot(25), Some(0));
        assert_eq!(t.uncovered_slots(), 0);
    }

    #[test]
    fn primaries_without_endpoint_are_at_their_metadata_ip() {
        let t = parse(vec![
            entry(0, 9, vec![node_v(Value::Null, 6379, "id-1")]),
            entry(10, 19, vec![node_v(Value::from(""), 6380, "id-2")]),
        ])
        .expect("valid");
        assert_eq!(t.shards().len(), 2, "distinct ids stay apart");
        assert_eq!(
            t.primary_of_slot(15).map(|p| &p.addr),
            Some(&Addr::new("10.1.1.1", 6380))
        );
        assert_eq!(
            t.primary_of_slot(15).and_then(|p| p.ip.as_deref()),
            Some("10.1.1.1")
        );
    }

    #[test]
    fn without_metadata_the_asked_host_stands_in_for_one_node_only() {
        let bare = |id: &'static str, port: i64| {
            Value::Array(vec![Value::from(""), Value::Integer(port), Value::from(id)])
        };
        // One node without address, listed once per range: the node answering.
        let t = parse(vec![
            entry(0, 9, vec![bare("id-1", 7001)]),
            entry(10, 19, vec![node_v(Value::from("10.0.0.2"), 7002, "id-2")]),
            entry(20, 16383, vec![bare("id-1", 7001)]),
        ])
        .expect("valid");
        assert_eq!(
            t.primary_of_slot(25).map(|p| &p.addr),
            Some(&Addr::new("seed.example", 7001))
        );
        assert_eq!(t.shards().len(), 2);
        // Two: neither is known to be the one answering.
        let t = parse(vec![
            entry(0, 9, vec![bare("id-1", 7001)]),
            entry(
                10,
                16383,
                vec![bare("id-2", 7002), node_v(Value::from("r"), 1, "id-r")],
            ),
        ])
        .expect("valid");
        assert_eq!(t.primary_of_slot(0), None);
        assert_eq!(t.primary_of_slot(10), None);
        assert_eq!(
            t.nodes().map(|n| n.addr.host.as_str()).collect::<Vec<_>>(),
            vec!["r"]
        );
    }

    #[test]
    fn old_replies_without_ids_merge_by_address() {
        let bare = |h: &'static str| Value::Array(vec![Value::from(h), Value::Integer(7000)]);
        let t = parse(vec![
            entry(0, 5, vec![bare("a")]),
            entry(6, 9, vec![bare("a")]),
        ])
        .expect("valid");
        assert_eq!(t.shards().len(), 1);
        assert_eq!(t.shards()[0].slots, vec![(0, 9)]);
        assert_eq!(
            t.shards()[0].primary.as_ref().map(|p| p.id.as_str()),
            Some("")
        );
    }

    #[test]
    fn unknown_endpoints_are_skipped() {
        let t = parse(vec![entry(
            0,
            16383,
            vec![
                node_v(Value::from("?"), 1, "id-a"),
                node_v(Value::from("?"), 1, "id-r"),
            ],
        )]);
        assert_eq!(t.map(|_| ()), Err(TopologyError::NoNodes));
        let t = parse(vec![entry(
            0,
            16383,
            vec![
                node_v(Value::from("?"), 1, "id-a"),
                node_v(Value::from("r"), 1, "id-r"),
            ],
        )])
        .expect("valid");
        assert_eq!(t.primary_of_slot(0), None);
        assert_eq!(t.shard_of_slot(0), Some(0));
        assert_eq!(
            t.nodes().map(|n| n.addr.host.as_str()).collect::<Vec<_>>(),
            vec!["r"]
        );
    }

    #[test]
    fn slot_errors() {
        let n = |id| node_v(Value::from("h"), 1, id);
        assert_eq!(
            parse(vec![
                entry(0, 100, vec![n("a")]),
                entry(100, 200, vec![n("b")])
            ])
            .map(|_| ()),
            Err(TopologyError::OverlappingSlots { slot: 100 })
        );
        assert_eq!(
            parse(vec![entry(-5, 100, vec![n("a")])]).map(|_| ()),
            Err(TopologyError::BadSlotRange {
                start: -5,
                end: 100
            })
        );
        assert_eq!(
            parse(vec![entry(5, 4, vec![n("a")])]).map(|_| ()),
            Err(TopologyError::BadSlotRange { start: 5, end: 4 })
        );
    }

    #[test]
    fn wrong_shapes() {
        assert_eq!(
            Topology::from_cluster_slots(&Value::from("x"), &asked()).map(|_| ()),
            Err(TopologyError::UnexpectedShape {
                what: "CLUSTER SLOTS reply"
            })
        );
        let short = Value::Array(vec![Value::Integer(0), Value::Integer(1)]);
        assert_eq!(
            parse(vec![short]).map(|_| ()),
            Err(TopologyError::UnexpectedShape {
                what: "slot range entry"
            })
        );
        let lone = entry(0, 1, vec![Value::Array(vec![Value::from("h")])]);
        assert_eq!(
            parse(vec![lone]).map(|_| ()),
            Err(TopologyError::UnexpectedShape { what: "node" })
        );
        let no_port = entry(
            0,
            1,
            vec![Value::Array(vec![Value::from("h"), Value::Null])],
        );
        assert_eq!(
            parse(vec![no_port]).map(|_| ()),
            Err(TopologyError::BadField { field: "port" })
        );
        let bad_slot = Value::Array(vec![
            Value::from("a"),
            Value::Integer(1),
            node_v(Value::from("h"), 1, "i"),
        ]);
        assert_eq!(
            parse(vec![bad_slot]).map(|_| ()),
            Err(TopologyError::BadField { field: "slots" })
        );
        let bad_meta = entry(
            0,
            1,
            vec![Value::Array(vec![
                Value::from("h"),
                Value::Integer(1),
                Value::from("i"),
                Value::Integer(3),
            ])],
        );
        assert_eq!(
            parse(vec![bad_meta]).map(|_| ()),
            Err(TopologyError::UnexpectedShape {
                what: "node metadata"
            })
        );
        assert_eq!(parse(vec![]).map(|_| ()), Err(TopologyError::NoNodes));
    }

    #[test]
    fn replicas_are_kept_once_by_id_or_else_by_address() {
        let bare = |h: &'static str| Value::Array(vec![Value::from(h), Value::Integer(7000)]);
        let p = || node_v(Value::from("p.example"), 1, "id-p");
        let q = || node_v(Value::from("q.example"), 1, "id-q");
        let t = parse(vec![
            entry(
                0,
                9,
                vec![
                    p(),
                    node_v(Value::from("r1"), 1, "id-r1"),
                    // Same address as the first, another id: another replica.
                    node_v(Value::from("r1"), 1, "id-r1b"),
                    bare("old"),
                    // Listed twice in one entry.
                    bare("old"),
                    // Its id is known but not its address: not kept, and not remembered.
                    node_v(Value::from("?"), 1, "id-late"),
                ],
            ),
            entry(
                10,
                19,
                vec![
                    p(),
                    // The same id at a new address is the replica already kept.
                    node_v(Value::from("moved"), 1, "id-r1"),
                    bare("old"),
                    bare("other"),
                    node_v(Value::from("late"), 1, "id-late"),
                ],
            ),
            // Another shard with a replica of the same id and address: kept there too.
            entry(20, 16383, vec![q(), node_v(Value::from("r1"), 1, "id-r1")]),
        ])
        .expect("valid");
        let replicas = |shard: usize| -> Vec<(&str, &str)> {
            t.shards()[shard]
                .replicas
                .iter()
                .map(|r| (r.id.as_str(), r.addr.host.as_str()))
                .collect()
        };
        assert_eq!(
            replicas(0),
            vec![
                ("id-r1", "r1"),
                ("id-r1b", "r1"),
                ("", "old"),
                ("", "other"),
                ("id-late", "late")
            ]
        );
        assert_eq!(replicas(1), vec![("id-r1", "r1")]);
    }

    #[test]
    fn a_hundred_thousand_replicas_listed_twice_are_each_kept_once() {
        let n = 100_000;
        let replicas: Vec<Value> = (0..n)
            .map(|i| {
                Value::Array(vec![
                    Value::from("h"),
                    Value::Integer(i64::from(i % 60_000 + 1)),
                    Value::BulkString(bytes::Bytes::from(alloc::format!("{i:040x}"))),
                ])
            })
            .collect();
        let mut first = vec![node_v(Value::from("p"), 1, "id-p")];
        first.extend(replicas.iter().cloned());
        let mut second = vec![node_v(Value::from("p"), 1, "id-p")];
        second.extend(replicas.iter().rev().cloned());
        let t = parse(vec![entry(0, 8191, first), entry(8192, 16383, second)]).expect("valid");
        let kept = &t.shards()[0].replicas;
        assert_eq!(kept.len(), n as usize);
        assert!(kept
            .iter()
            .enumerate()
            .all(|(i, r)| r.id == alloc::format!("{i:040x}")));
    }
}
