//! `CLUSTER SHARDS` (Redis 7.0+): one record per shard, with its slots and all its nodes.
//!
//! This is the preferred source: it lists every node with its role and health, including
//! replicas that `CLUSTER SLOTS` leaves out while they load or after they fail. Each shard is a
//! RESP3 map or a RESP2 flat key/value array with `slots` (a flat list of start/end pairs, any
//! number of them) and `nodes` (records with `id`, `port`, `tls-port`, `ip`, `endpoint`,
//! `hostname`, `role`, `replication-offset`, `health`). Keys this parser does not know are
//! skipped, so later server versions can add fields.

use alloc::vec::Vec;

use super::fields::{
    answerer_fallback, endpoint, integer, key_bytes, list, opt_text, pairs, port, server_error,
    slot_range, word, Earlier, RawNode,
};
use super::{table, Addr, Health, NodeInfo, Role, Shard, Topology, TopologyError};
use crate::resp::Value;

impl Topology {
    /// Parse a `CLUSTER SHARDS` reply (RESP2 or RESP3) received from `asked`.
    ///
    /// A node whose endpoint is NULL or `""` is at its `ip` (with its own port); `asked`
    /// stands in only for a node without `ip` too, when it is the only such node (see the
    /// endpoint rules in `fields.rs`). Nodes with endpoint `?` are skipped here (see
    /// [`from_cluster_shards_after`](Self::from_cluster_shards_after), which the client uses,
    /// for keeping their earlier address); a shard whose primary was skipped has
    /// `primary: None` but still owns its slots.
    ///
    /// ```
    /// use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # // CLUSTER SHARDS (RESP3): one shard, slots 0-16383, its primary n1 at 10.0.0.1:7000.
    /// # let bytes = b"*1\r\n%2\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
    /// # *1\r\n%4\r\n$2\r\nid\r\n$2\r\nn1\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n\
    /// # $4\r\nport\r\n:7000\r\n$4\r\nrole\r\n$6\r\nmaster\r\n";
    /// let (reply, _) = resp::decode(bytes).unwrap().unwrap();
    /// let topology = Topology::from_cluster_shards(&reply, &Addr::new("10.0.0.1", 7000)).unwrap();
    /// let primary = topology.shards()[0].primary.as_ref().unwrap();
    /// assert_eq!((primary.id.as_str(), primary.addr.port), ("n1", 7000));
    /// assert_eq!(topology.uncovered_slots(), 0);
    /// ```
    pub fn from_cluster_shards(reply: &Value, asked: &Addr) -> Result<Topology, TopologyError> {
        Topology::from_cluster_shards_after(reply, asked, None)
    }

    /// [`from_cluster_shards`](Self::from_cluster_shards) when the client already has a view:
    /// a node listed without a usable address (endpoint `?`) keeps the address `earlier`
    /// gives its id instead of being skipped.
    ///
    /// ```
    /// use keyslot_core::{resp, topology::{Addr, Topology, TopologyError}};
    /// # // CLUSTER SHARDS with node n1 as `endpoint`; the first at 10.0.0.1, the second at `?`.
    /// # let shards = |endpoint: &str| format!("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n\
    /// # $5\r\nnodes\r\n*1\r\n*8\r\n$2\r\nid\r\n$2\r\nn1\r\n\
    /// # $8\r\nendpoint\r\n${}\r\n{endpoint}\r\n\
    /// # $4\r\nport\r\n:7000\r\n$4\r\nrole\r\n$6\r\nmaster\r\n", endpoint.len());
    /// # let decode = |text: String| resp::decode(text.as_bytes()).unwrap().unwrap().0;
    /// // `shards(endpoint)` is a CLUSTER SHARDS reply that lists node n1 at `endpoint`.
    /// let asked = Addr::new("10.0.0.1", 7000);
    /// let before = Topology::from_cluster_shards(&decode(shards("10.0.0.1")), &asked).unwrap();
    /// let unknown = decode(shards("?")); // n1's endpoint is unknown for now
    /// let without_view = Topology::from_cluster_shards(&unknown, &asked);
    /// assert_eq!(without_view, Err(TopologyError::NoNodes)); // n1 is skipped: nobody is left
    /// let after = Topology::from_cluster_shards_after(&unknown, &asked, Some(&before)).unwrap();
    /// assert_eq!(after.primary_of_slot(0).unwrap().addr, asked); // n1 keeps its address
    /// ```
    pub fn from_cluster_shards_after(
        reply: &Value,
        asked: &Addr,
        earlier: Option<&Topology>,
    ) -> Result<Topology, TopologyError> {
        if let Some(err) = server_error(reply) {
            return Err(err);
        }
        let records = list(reply, "CLUSTER SHARDS reply")?;
        let mut read = Vec::with_capacity(records.len());
        for record in records {
            read.push(shard(record)?);
        }
        // Whether the asked address may stand in for a node depends on the whole reply.
        let fallback = answerer_fallback(asked, read.iter().flat_map(|(_, nodes)| nodes.iter()));
        let earlier = Earlier::new(earlier);
        let mut shards = Vec::with_capacity(read.len());
        for (slots, nodes) in read {
            shards.push(members(slots, nodes, fallback, &earlier)?);
        }
        table::assemble(shards)
    }
}

/// A shard record as read: its slot ranges and its nodes.
type ShardRecord<'a> = (Vec<(u16, u16)>, Vec<RawNode<'a>>);

/// One shard record: its slot ranges and its nodes as read.
fn shard(record: &Value) -> Result<ShardRecord<'_>, TopologyError> {
    let (mut slots, mut nodes) = (None, None);
    for (k, v) in pairs(record, "shard")? {
        match key_bytes(k) {
            b"slots" => slots = Some(v),
            b"nodes" => nodes = Some(v),
            _ => {}
        }
    }
    let slots = slots.ok_or(TopologyError::MissingField { field: "slots" })?;
    let nodes = nodes.ok_or(TopologyError::MissingField { field: "nodes" })?;

    let bounds = list(slots, "slot range list")?;
    if bounds.len() % 2 != 0 {
        return Err(TopologyError::UnexpectedShape {
            what: "slot range list",
        });
    }
    let mut ranges = Vec::with_capacity(bounds.len() / 2);
    for pair in bounds.chunks_exact(2) {
        if let [start, end] = pair {
            ranges.push(slot_range(start, end)?);
        }
    }
    let records = list(nodes, "node list")?;
    let mut read = Vec::with_capacity(records.len());
    for n in records {
        read.push(node(n)?);
    }
    Ok((ranges, read))
}

/// A shard from its ranges and nodes, after the endpoint rules.
fn members(
    slots: Vec<(u16, u16)>,
    nodes: Vec<RawNode<'_>>,
    fallback: Option<&Addr>,
    earlier: &Earlier<'_>,
) -> Result<Shard, TopologyError> {
    let mut primary: Option<NodeInfo> = None;
    let mut replicas = Vec::new();
    for n in nodes {
        let Some(node) = n.finish(fallback, earlier)? else {
            continue;
        };
        match (node.role, primary.take()) {
            (Role::Replica, kept) => {
                primary = kept;
                replicas.push(node);
            }
            (Role::Primary, None) => primary = Some(node),
            // Two primaries in one shard (a failover in progress): route to the healthier one,
            // keep the other as a non-primary member so nothing the server said is lost.
            (Role::Primary, Some(prev)) if node.health < prev.health => {
                primary = Some(node);
                replicas.push(prev);
            }
            (Role::Primary, Some(prev)) => {
                primary = Some(prev);
                replicas.push(node);
            }
        }
    }
    Ok(Shard {
        slots,
        primary,
        replicas,
    })
}

/// One node record.
fn node(record: &Value) -> Result<RawNode<'_>, TopologyError> {
    let mut n = RawNode::new();
    for (k, v) in pairs(record, "node")? {
        match key_bytes(k) {
            b"id" => n.id = opt_text(v, "id")?.unwrap_or_default(),
            b"port" => n.port = Some(port(v, "port")?),
            b"tls-port" => n.tls_port = Some(port(v, "tls-port")?),
            b"ip" => n.ip = opt_text(v, "ip")?,
            b"endpoint" => n.endpoint = Some(endpoint(v)?),
            b"hostname" => n.hostname = opt_text(v, "hostname")?,
            b"role" => n.role = Some(role(v)?),
            b"replication-offset" => n.replication_offset = Some(integer(v, "replication-offset")?),
            b"health" => n.health = health(v)?,
            // Valkey 9.1, when the node's `availability-zone` is configured.
            b"availability-zone" => n.zone = opt_text(v, "availability-zone")?,
            _ => {}
        }
    }
    Ok(n)
}

/// `master` (or `primary`) and `replica` (or `slave`); anything else is refused, as a node of
/// unknown role cannot be routed to safely.
fn role(v: &Value) -> Result<Role, TopologyError> {
    match word(v, "role")? {
        b"master" | b"primary" => Ok(Role::Primary),
        b"replica" | b"slave" => Ok(Role::Replica),
        _ => Err(TopologyError::BadField { field: "role" }),
    }
}

/// `online` and `loading`; Redis 7.0 sends `fail` where the documentation says `failed`. A
/// state this client does not know is treated as failed, so the node is not used.
fn health(v: &Value) -> Result<Health, TopologyError> {
    Ok(match word(v, "health")? {
        b"online" => Health::Online,
        b"loading" => Health::Loading,
        _ => Health::Failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    fn asked() -> Addr {
        Addr::new("seed.example", 7000)
    }

    fn map(pairs: Vec<(&'static str, Value)>) -> Value {
        Value::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (Value::from(k), v))
                .collect(),
        )
    }

    fn node_rec(endpoint: Value, port: i64, role: &'static str, health: &'static str) -> Value {
        map(vec![
            ("id", Value::from("abc")),
            ("port", Value::Integer(port)),
            ("ip", Value::from("10.0.0.9")),
            ("endpoint", endpoint),
            ("role", Value::from(role)),
            ("replication-offset", Value::Integer(5)),
            ("health", Value::from(health)),
        ])
    }

    fn shard_rec(slots: &[i64], nodes: Vec<Value>) -> Value {
        map(vec![
            (
                "slots",
                Value::Array(slots.iter().map(|&s| Value::Integer(s)).collect()),
            ),
            ("nodes", Value::Array(nodes)),
        ])
    }

    fn parse(shards: Vec<Value>) -> Result<Topology, TopologyError> {
        Topology::from_cluster_shards(&Value::Array(shards), &asked())
    }

    #[test]
    fn unknown_endpoint_primary_leaves_the_shard_without_primary() {
        let t = parse(vec![shard_rec(
            &[0, 16383],
            vec![
                node_rec(Value::from("?"), 6379, "master", "online"),
                node_rec(Value::from("10.0.0.2"), 6379, "replica", "online"),
            ],
        )])
        .expect("valid");
        assert_eq!(t.shards()[0].primary, None);
        assert_eq!(t.shards()[0].replicas.len(), 1);
        assert_eq!(t.shard_of_slot(100), Some(0));
        assert_eq!(t.primary_of_slot(100), None);
        assert_eq!(t.uncovered_slots(), 0);
    }

    fn node_with_id(id: &'static str, endpoint: &'static str, role: &'static str) -> Value {
        map(vec![
            ("id", Value::from(id)),
            ("port", Value::Integer(6379)),
            ("ip", Value::from("10.0.0.9")),
            ("endpoint", Value::from(endpoint)),
            ("hostname", Value::from(endpoint)),
            ("role", Value::from(role)),
            ("health", Value::from("online")),
        ])
    }

    #[test]
    fn an_unknown_endpoint_keeps_the_address_the_earlier_view_gave_the_id() {
        let earlier = parse(vec![
            shard_rec(
                &[0, 8191],
                vec![node_with_id("id-a", "a.example", "master")],
            ),
            shard_rec(
                &[8192, 16383],
                vec![node_with_id("id-b", "b.example", "master")],
            ),
        ])
        .expect("valid");
        // `id-a` restarted and has not announced its hostname yet; `id-new` was never seen.
        let later = Value::Array(vec![
            shard_rec(
                &[0, 16383],
                vec![
                    node_with_id("id-a", "?", "master"),
                    node_with_id("id-new", "?", "replica"),
                ],
            ),
            shard_rec(&[], vec![node_with_id("id-b", "b.example", "master")]),
        ]);
        let t =
            Topology::from_cluster_shards_after(&later, &asked(), Some(&earlier)).expect("valid");
        let a = t.primary_of_slot(9000).expect("id-a keeps its address");
        assert_eq!((a.id.as_str(), a.addr.host.as_str()), ("id-a", "a.example"));
        assert_eq!(a.addr.port, 6379);
        assert_eq!(a.hostname.as_deref(), Some("a.example"));
        assert_eq!(a.ip.as_deref(), Some("10.0.0.9"));
        assert!(t.shards()[0].replicas.is_empty(), "an unseen id is skipped");
        // Without an earlier view the same reply leaves the slots without a primary.
        let alone = Topology::from_cluster_shards(&later, &asked()).expect("valid");
        assert_eq!(alone.primary_of_slot(9000), None);
    }

    #[test]
    fn empty_and_null_endpoints_mean_the_nodes_ip() {
        let t = parse(vec![shard_rec(
            &[0, 16383],
            vec![
                node_rec(Value::from(""), 6390, "master", "online"),
                node_rec(Value::Null, 6391, "replica", "online"),
            ],
        )])
        .expect("valid");
        let s = &t.shards()[0];
        assert_eq!(
            s.primary.as_ref().map(|p| &p.addr),
            Some(&Addr::new("10.0.0.9", 6390))
        );
        assert_eq!(s.replicas[0].addr, Addr::new("10.0.0.9", 6391));
        assert_eq!(s.replicas[0].ip.as_deref(), Some("10.0.0.9"));
    }

    /// A node record without endpoint and with `ip` as given (`""` when the node does not
    /// know its own address).
    fn node_without_endpoint(id: &'static str, ip: &'static str, port: i64) -> Value {
        map(vec![
            ("id", Value::from(id)),
            ("port", Value::Integer(port)),
            ("ip", Value::from(ip)),
            ("endpoint", Value::from("")),
            ("role", Value::from("master")),
            ("health", Value::from("online")),
        ])
    }

    #[test]
    fn the_asked_host_stands_in_only_for_the_one_node_without_an_ip() {
        // A lone node that has not learnt its own address: it is the one answering.
        let t = parse(vec![shard_rec(
            &[0, 16383],
            vec![node_without_endpoint("a", "", 7001)],
        )])
        .expect("valid");
        assert_eq!(
            t.primary_of_slot(0).map(|p| &p.addr),
            Some(&Addr::new("seed.example", 7001))
        );
        // Two such nodes: neither can be told to be the one answering; both are skipped.
        let t = parse(vec![
            shard_rec(&[0, 100], vec![node_without_endpoint("a", "", 7001)]),
            shard_rec(
                &[101, 16383],
                vec![
                    node_without_endpoint("b", "", 7002),
                    node_rec(Value::from("10.0.0.3"), 7003, "replica", "online"),
                ],
            ),
        ])
        .expect("valid");
        assert_eq!(t.primary_of_slot(0), None);
        assert_eq!(t.primary_of_slot(101), None);
        assert_eq!(
            t.nodes().map(|n| n.addr.clone()).collect::<Vec<_>>(),
            vec![Addr::new("10.0.0.3", 7003)]
        );
    }

    #[test]
    fn many_ranges_per_shard() {
        let a: Vec<i64> = (0..100).flat_map(|i| [i * 100, i * 100 + 49]).collect();
        let b: Vec<i64> = (0..100)
            .flat_map(|i| [i * 100 + 50, i * 100 + 99])
            .collect();
        let t = parse(vec![
            shard_rec(&a, vec![node_rec(Value::from("a"), 1, "master", "online")]),
            shard_rec(&b, vec![node_rec(Value::from("b"), 1, "master", "online")]),
        ])
        .expect("valid");
        assert_eq!(t.shards()[0].slots.len(), 100);
        assert_eq!(t.shard_of_slot(49), Some(0));
        assert_eq!(t.shard_of_slot(50), Some(1));
        assert_eq!(t.shard_of_slot(9999), Some(1));
        assert_eq!(t.shard_of_slot(10000), None);
        assert_eq!(t.uncovered_slots(), 16384 - 10000);
        assert_eq!(
            t.uncovered_ranges().collect::<Vec<_>>(),
            vec![(10000, 16383)]
        );
    }

    #[test]
    fn overlapping_and_out_of_range_slots() {
        let n = || vec![node_rec(Value::from("a"), 1, "master", "online")];
        assert_eq!(
            parse(vec![shard_rec(&[0, 10], n()), shard_rec(&[10, 20], n())]).map(|_| ()),
            Err(TopologyError::OverlappingSlots { slot: 10 })
        );
        assert_eq!(
            parse(vec![shard_rec(&[0, 16384], n())]).map(|_| ()),
            Err(TopologyError::BadSlotRange {
                start: 0,
                end: 16384
            })
        );
        assert_eq!(
            parse(vec![shard_rec(&[20, 10], n())]).map(|_| ()),
            Err(TopologyError::BadSlotRange { start: 20, end: 10 })
        );
        assert_eq!(
            parse(vec![shard_rec(&[0, 10, 20], n())]).map(|_| ()),
            Err(TopologyError::UnexpectedShape {
                what: "slot range list"
            })
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let no_nodes = map(vec![("slots", Value::Array(vec![]))]);
        assert_eq!(
            parse(vec![no_nodes]).map(|_| ()),
            Err(TopologyError::MissingField { field: "nodes" })
        );
        let no_slots = map(vec![("nodes", Value::Array(vec![]))]);
        assert_eq!(
            parse(vec![no_slots]).map(|_| ()),
            Err(TopologyError::MissingField { field: "slots" })
        );
        for (drop, field) in [("role", "role"), ("endpoint", "endpoint"), ("port", "port")] {
            let Value::Map(mut fields) = node_rec(Value::from("a"), 1, "master", "online") else {
                panic!("node_rec builds a map");
            };
            fields.retain(|(k, _)| k.as_str() != Some(drop));
            let r = parse(vec![shard_rec(&[0, 1], vec![Value::Map(fields)])]);
            assert_eq!(r.map(|_| ()), Err(TopologyError::MissingField { field }));
        }
    }

    #[test]
    fn wrong_shapes() {
        let a = asked();
        assert_eq!(
            Topology::from_cluster_shards(&Value::Integer(1), &a).map(|_| ()),
            Err(TopologyError::UnexpectedShape {
                what: "CLUSTER SHARDS reply"
            })
        );
        assert_eq!(
            parse(vec![Value::from("x")]).map(|_| ()),
            Err(TopologyError::UnexpectedShape { what: "shard" })
        );
        let odd = Value::Array(vec![Value::from("slots")]);
        assert_eq!(
            parse(vec![odd]).map(|_| ()),
            Err(TopologyError::UnexpectedShape { what: "shard" })
        );
        let bad_nodes = map(vec![
            ("slots", Value::Array(vec![])),
            ("nodes", Value::Integer(3)),
        ]);
        assert_eq!(
            parse(vec![bad_nodes]).map(|_| ()),
            Err(TopologyError::UnexpectedShape { what: "node list" })
        );
        let bad_node = shard_rec(&[0, 1], vec![Value::Integer(3)]);
        assert_eq!(
            parse(vec![bad_node]).map(|_| ()),
            Err(TopologyError::UnexpectedShape { what: "node" })
        );
        let bad_port = shard_rec(
            &[0, 1],
            vec![node_rec(Value::from("a"), -1, "master", "online")],
        );
        assert_eq!(
            parse(vec![bad_port]).map(|_| ()),
            Err(TopologyError::BadField { field: "port" })
        );
        let bad_role = shard_rec(
            &[0, 1],
            vec![node_rec(Value::from("a"), 1, "boss", "online")],
        );
        assert_eq!(
            parse(vec![bad_role]).map(|_| ()),
            Err(TopologyError::BadField { field: "role" })
        );
        let err = Value::Error(bytes::Bytes::from_static(
            b"ERR unknown subcommand 'SHARDS'",
        ));
        assert!(matches!(
            Topology::from_cluster_shards(&err, &a),
            Err(TopologyError::ServerError { message }) if message.contains("SHARDS")
        ));
        assert_eq!(parse(vec![]).map(|_| ()), Err(TopologyError::NoNodes));
    }

    #[test]
    fn unknown_fields_are_ignored_and_flat_records_accepted() {
        let node = Value::Array(vec![
            Value::from("endpoint"),
            Value::from("h.example"),
            Value::from("future-field"),
            Value::Map(vec![]),
            Value::from("port"),
            Value::Integer(1),
            Value::from("role"),
            Value::from("master"),
            Value::from("health"),
            Value::from("resting"),
        ]);
        let shard = Value::Array(vec![
            Value::from("slots"),
            Value::Array(vec![Value::Integer(0), Value::Integer(16383)]),
            Value::from("shard-id"),
            Value::from("xyz"),
            Value::from("nodes"),
            Value::Array(vec![node]),
        ]);
        let t = parse(vec![shard]).expect("valid");
        let p = t.primary_of_slot(0).expect("primary");
        assert_eq!(p.addr, Addr::new("h.example", 1));
        assert_eq!(p.id, "");
        assert_eq!(p.health, Health::Failed);
        assert_eq!(p.hostname.as_deref(), Some("h.example"));
    }

    #[test]
    fn the_healthier_of_two_primaries_is_chosen() {
        let t = parse(vec![shard_rec(
            &[0, 16383],
            vec![
                node_rec(Value::from("old"), 1, "master", "fail"),
                node_rec(Value::from("new"), 1, "master", "online"),
            ],
        )])
        .expect("valid");
        assert_eq!(
            t.primary_of_slot(0).map(|p| p.addr.host.as_str()),
            Some("new")
        );
        assert_eq!(t.shards()[0].replicas[0].addr.host, "old");
        assert_eq!(t.shards()[0].replicas[0].role, Role::Primary);
    }
}
