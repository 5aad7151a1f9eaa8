//! Reading the pieces both topology replies are made of, and the endpoint rules.
//!
//! `CLUSTER SHARDS` and `CLUSTER SLOTS` share their vocabulary: key/value records that are a
//! RESP3 map on one connection and a flat RESP2 array on another, slot numbers, ports, and an
//! endpoint whose meaning depends on its text. Keeping those rules here means the two parsers
//! cannot disagree about them:
//!
//! - a hostname or IP endpoint is where to connect;
//! - `?` means the server does not know the address (a node configured to announce a hostname
//!   that it has not announced yet, as after a restart): the node keeps the address an earlier
//!   view gave its id, else it is skipped;
//! - NULL or `""` (`cluster-preferred-endpoint-type unknown-endpoint`, or a node that does not
//!   know its own address yet) means "no endpoint": the node's own `ip` is used (`CLUSTER
//!   SHARDS` always gives it; `CLUSTER SLOTS` gives it in the node's metadata from 7.0 on
//!   whenever the endpoint is not the IP). Only a node with neither is placed at the address
//!   that was asked — and only when it is the one such node in the reply: a node learns its
//!   peers' addresses from their packets, so the one whose address can be unknown is the node
//!   answering, whose address the client just used. Several such nodes cannot all be the one
//!   answering, and nothing tells which one is, so they are all treated like `?`.
//!
//! Node ids are stable (a node keeps its id across restarts, in `nodes.conf`), so the address
//! an earlier view gave an id is the best guess for a node listed without one: keeping it keeps
//! the node's slots routed and the node a rediscovery candidate, where skipping it could leave
//! a view with no primary at all (simulator seed 12381). If the guess is wrong, connecting
//! fails and rediscovery asks again.
//!
//! The address asked is not a node's address when it is a configuration endpoint (one name
//! for every node, all on the same port): naming every node by it would make them all one
//! node. Hence the node's `ip` first.

use alloc::borrow::ToOwned;
use alloc::collections::BTreeMap;
use alloc::string::String;
use core::cell::OnceCell;
use core::net::IpAddr;
use core::slice::{ChunksExact, Iter};

use super::{Addr, Health, NodeInfo, Role, Topology, TopologyError};
use crate::resp::Value;

/// The highest slot number.
pub(super) const MAX_SLOT: i64 = 16383;

/// The elements of an array-like value, or a shape error naming `what`.
pub(super) fn list<'a>(v: &'a Value, what: &'static str) -> Result<&'a [Value], TopologyError> {
    v.without_attributes()
        .as_slice()
        .ok_or(TopologyError::UnexpectedShape { what })
}

/// The key/value pairs of a RESP3 map or a RESP2 flat array of alternating keys and values.
pub(super) enum Pairs<'a> {
    Map(Iter<'a, (Value, Value)>),
    Flat(ChunksExact<'a, Value>),
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (&'a Value, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Pairs::Map(it) => it.next().map(|(k, v)| (k, v)),
            Pairs::Flat(it) => it.next().and_then(|kv| Some((kv.first()?, kv.get(1)?))),
        }
    }
}

/// Open a key/value record; an odd-length flat array is a shape error.
pub(super) fn pairs<'a>(v: &'a Value, what: &'static str) -> Result<Pairs<'a>, TopologyError> {
    match v.without_attributes() {
        Value::Map(m) => Ok(Pairs::Map(m.iter())),
        Value::Array(a) if a.len() % 2 == 0 => Ok(Pairs::Flat(a.chunks_exact(2))),
        _ => Err(TopologyError::UnexpectedShape { what }),
    }
}

/// A record key's bytes; keys that are not strings never match a known field.
pub(super) fn key_bytes(k: &Value) -> &[u8] {
    k.without_attributes().as_bytes().unwrap_or_default()
}

/// A text field as UTF-8.
pub(super) fn text<'a>(v: &'a Value, field: &'static str) -> Result<&'a str, TopologyError> {
    v.without_attributes()
        .as_str()
        .ok_or(TopologyError::BadField { field })
}

/// The raw bytes of a string field, for fields compared against fixed words.
pub(super) fn word<'a>(v: &'a Value, field: &'static str) -> Result<&'a [u8], TopologyError> {
    v.without_attributes()
        .as_bytes()
        .ok_or(TopologyError::BadField { field })
}

/// An optional text field: NULL and `""` both mean "not given".
pub(super) fn opt_text<'a>(
    v: &'a Value,
    field: &'static str,
) -> Result<Option<&'a str>, TopologyError> {
    if v.without_attributes().is_null() {
        return Ok(None);
    }
    text(v, field).map(|s| (!s.is_empty()).then_some(s))
}

/// An integer field; decimal text is accepted too, as some proxies send numbers as strings.
pub(super) fn integer(v: &Value, field: &'static str) -> Result<i64, TopologyError> {
    let v = v.without_attributes();
    if let Some(i) = v.as_integer() {
        return Ok(i);
    }
    v.as_str()
        .and_then(|s| s.parse().ok())
        .ok_or(TopologyError::BadField { field })
}

/// A port field. Zero is kept: it means "this kind of port is disabled" and is filtered later.
pub(super) fn port(v: &Value, field: &'static str) -> Result<u16, TopologyError> {
    u16::try_from(integer(v, field)?).map_err(|_| TopologyError::BadField { field })
}

/// Check and convert one inclusive slot range.
pub(super) fn slot_range(start: &Value, end: &Value) -> Result<(u16, u16), TopologyError> {
    let (s, e) = (integer(start, "slots")?, integer(end, "slots")?);
    if !(0..=MAX_SLOT).contains(&s) || !(0..=MAX_SLOT).contains(&e) || s > e {
        return Err(TopologyError::BadSlotRange { start: s, end: e });
    }
    // Both bounds are in 0..=16383, so the conversions cannot truncate.
    Ok((s as u16, e as u16))
}

/// What a node's endpoint field says about where to connect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Endpoint<'a> {
    /// NULL or `""`: no endpoint; the node's `ip`, else the host the query was sent to (see
    /// the [module docs](self)).
    Asked,
    /// `?`: the server does not know the address; an earlier view's address for the node's
    /// id, else the node is skipped.
    Unknown,
    /// A hostname or an IP address.
    Host(&'a str),
}

/// Classify an endpoint value.
pub(super) fn endpoint(v: &Value) -> Result<Endpoint<'_>, TopologyError> {
    match opt_text(v, "endpoint")? {
        None => Ok(Endpoint::Asked),
        Some("?") => Ok(Endpoint::Unknown),
        Some(host) => Ok(Endpoint::Host(host)),
    }
}

/// A node as read from the reply, before the endpoint rules turn it into a [`NodeInfo`].
/// Borrowed from the reply so that rejected and skipped nodes cost no allocation.
#[derive(Debug)]
pub(super) struct RawNode<'a> {
    pub id: &'a str,
    pub endpoint: Option<Endpoint<'a>>,
    pub port: Option<u16>,
    pub tls_port: Option<u16>,
    pub ip: Option<&'a str>,
    pub hostname: Option<&'a str>,
    pub role: Option<Role>,
    pub health: Health,
    pub replication_offset: Option<i64>,
    pub zone: Option<&'a str>,
}

impl<'a> RawNode<'a> {
    /// A node with nothing read yet: healthy (the state `CLUSTER SLOTS` implies), no fields.
    pub fn new() -> Self {
        RawNode {
            id: "",
            endpoint: None,
            port: None,
            tls_port: None,
            ip: None,
            hostname: None,
            role: None,
            health: Health::Online,
            replication_offset: None,
            zone: None,
        }
    }

    /// True for a node with neither an endpoint nor an `ip`: only the address asked can stand
    /// in for it (see [`answerer_fallback`]).
    pub fn lacks_address(&self) -> bool {
        self.endpoint == Some(Endpoint::Asked) && self.ip.is_none()
    }

    /// Apply the endpoint rules. `asked` is the address that may stand in for a node without
    /// endpoint and `ip` ([`answerer_fallback`]); `earlier` is a view whose address for the
    /// node's id stands in when the reply gives none usable (`?`, or no endpoint, no `ip` and
    /// no `asked`). `Ok(None)` is a skipped node: its address is unknown to both. Required
    /// fields are checked first, so a malformed node is an error even when it would have been
    /// skipped.
    pub fn finish(
        self,
        asked: Option<&Addr>,
        earlier: &Earlier<'_>,
    ) -> Result<Option<NodeInfo>, TopologyError> {
        let endpoint = self
            .endpoint
            .ok_or(TopologyError::MissingField { field: "endpoint" })?;
        let role = self
            .role
            .ok_or(TopologyError::MissingField { field: "role" })?;
        let nonzero = |p: Option<u16>| p.filter(|&p| p != 0);
        let port = nonzero(self.port)
            .or(nonzero(self.tls_port))
            .ok_or(TopologyError::MissingField { field: "port" })?;
        let (host, ip, hostname) = match (endpoint, self.ip, asked) {
            (Endpoint::Asked, Some(ip), _) => (ip.to_owned(), Some(ip), self.hostname),
            (Endpoint::Asked, None, Some(asked)) => (asked.host.clone(), None, self.hostname),
            // `?`, or no endpoint with nothing to stand in for it.
            (Endpoint::Unknown | Endpoint::Asked, ..) => match earlier.node(self.id) {
                Some(known) => (
                    known.addr.host.clone(),
                    self.ip.or(known.ip.as_deref()),
                    known.hostname.as_deref(),
                ),
                None => return Ok(None),
            },
            (Endpoint::Host(h), ..) => {
                // The endpoint is the preferred address; whichever kind it is also fills the
                // matching field when the reply did not repeat it, so both views agree.
                // (Parsing is skipped when the reply already gave both.)
                let (ip, hostname) = match (self.ip, self.hostname) {
                    (Some(ip), Some(name)) => (Some(ip), Some(name)),
                    (ip, name) if h.parse::<IpAddr>().is_ok() => (ip.or(Some(h)), name),
                    (ip, name) => (ip, name.or(Some(h))),
                };
                (h.to_owned(), ip, hostname)
            }
        };
        Ok(Some(NodeInfo {
            id: self.id.to_owned(),
            addr: Addr { host, port },
            ip: ip.map(str::to_owned),
            hostname: hostname.map(str::to_owned),
            tls_port: nonzero(self.tls_port),
            role,
            health: self.health,
            replication_offset: self.replication_offset,
            zone: self.zone.map(str::to_owned),
        }))
    }
}

/// The view before the one being read, asked by node id for the address of a node the reply
/// lists without a usable one. The index is built at the first such node, so a reply that
/// gives every address costs nothing, and a hostile one with many costs one pass, not one per
/// node.
pub(super) struct Earlier<'t> {
    view: Option<&'t Topology>,
    by_id: OnceCell<BTreeMap<&'t str, &'t NodeInfo>>,
}

impl<'t> Earlier<'t> {
    /// Look up ids in `view`; `None` finds nothing.
    pub fn new(view: Option<&'t Topology>) -> Self {
        Earlier {
            view,
            by_id: OnceCell::new(),
        }
    }

    /// The node `view` lists with this id; never one for the empty id (an old server's).
    pub fn node(&self, id: &str) -> Option<&'t NodeInfo> {
        let view = self.view?;
        if id.is_empty() {
            return None;
        }
        let by_id = self.by_id.get_or_init(|| {
            view.nodes()
                .filter(|n| !n.id.is_empty())
                .map(|n| (n.id.as_str(), n))
                .collect()
        });
        by_id.get(id).copied()
    }
}

/// The address that may stand in for nodes without endpoint and `ip` in a reply from `asked`:
/// `asked` when at most one distinct node lacks both (it can only be the node that answered),
/// `None` when several do (none of them can be told to be that node). `nodes` may list a node
/// more than once (`CLUSTER SLOTS` repeats a primary per range); ids tell them apart, and
/// ports where an old server sends no id.
pub(super) fn answerer_fallback<'n, 'a: 'n>(
    asked: &Addr,
    nodes: impl Iterator<Item = &'n RawNode<'a>>,
) -> Option<&Addr> {
    let mut lone: Option<(&str, Option<u16>)> = None;
    for n in nodes.filter(|n| n.lacks_address()) {
        let identity = (n.id, n.id.is_empty().then_some(n.port).flatten());
        match lone {
            None => lone = Some(identity),
            Some(seen) if seen == identity => {}
            Some(_) => return None,
        }
    }
    Some(asked)
}

/// Read the `ip` / `hostname` metadata that `CLUSTER SLOTS` attaches to a node (and any field
/// of the same names); unknown keys are ignored.
pub(super) fn metadata<'a>(v: &'a Value, node: &mut RawNode<'a>) -> Result<(), TopologyError> {
    for (k, v) in pairs(v, "node metadata")? {
        match key_bytes(k) {
            b"ip" => node.ip = opt_text(v, "ip")?,
            b"hostname" => node.hostname = opt_text(v, "hostname")?,
            b"availability-zone" => node.zone = opt_text(v, "availability-zone")?,
            _ => {}
        }
    }
    Ok(())
}

/// The error for a reply that is a server error rather than a topology.
pub(super) fn server_error(v: &Value) -> Option<TopologyError> {
    match v.without_attributes() {
        Value::Error(b) => Some(TopologyError::ServerError {
            message: String::from_utf8_lossy(b).into_owned(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::Shard;
    use alloc::vec;

    fn asked() -> Addr {
        Addr::new("seed.example", 7000)
    }

    fn raw(endpoint: Endpoint<'static>) -> RawNode<'static> {
        let mut n = RawNode::new();
        n.endpoint = Some(endpoint);
        n.port = Some(6379);
        n.role = Some(Role::Primary);
        n
    }

    #[test]
    fn endpoint_classes() {
        assert_eq!(endpoint(&Value::Null), Ok(Endpoint::Asked));
        assert_eq!(endpoint(&Value::from("")), Ok(Endpoint::Asked));
        assert_eq!(endpoint(&Value::from("?")), Ok(Endpoint::Unknown));
        assert_eq!(
            endpoint(&Value::from("h.example")),
            Ok(Endpoint::Host("h.example"))
        );
        assert_eq!(
            endpoint(&Value::Integer(1)),
            Err(TopologyError::BadField { field: "endpoint" })
        );
    }

    #[test]
    fn no_endpoint_means_the_nodes_own_ip() {
        let mut n = raw(Endpoint::Asked);
        n.ip = Some("10.0.0.1");
        n.hostname = Some("a.example");
        let node = n
            .finish(Some(&asked()), &Earlier::new(None))
            .expect("valid")
            .expect("kept");
        assert_eq!(node.addr, Addr::new("10.0.0.1", 6379));
        assert_eq!(node.ip.as_deref(), Some("10.0.0.1"));
        assert_eq!(node.hostname.as_deref(), Some("a.example"));
    }

    #[test]
    fn no_endpoint_and_no_ip_means_the_asked_host_only_when_allowed() {
        let node = raw(Endpoint::Asked)
            .finish(Some(&asked()), &Earlier::new(None))
            .expect("valid")
            .expect("kept");
        assert_eq!(node.addr, Addr::new("seed.example", 6379), "its own port");
        assert_eq!(node.ip, None);
        assert_eq!(
            raw(Endpoint::Asked).finish(None, &Earlier::new(None)),
            Ok(None)
        );
    }

    #[test]
    fn the_asked_host_stands_in_for_one_node_at_most() {
        let a = asked();
        let with_id = |id: &'static str, ip: Option<&'static str>| {
            let mut n = raw(Endpoint::Asked);
            n.id = id;
            n.ip = ip;
            n
        };
        let one = [with_id("a", None), with_id("b", Some("10.0.0.2"))];
        assert_eq!(answerer_fallback(&a, one.iter()), Some(&a));
        // CLUSTER SLOTS lists a primary once per range: still one node.
        let repeated = [with_id("a", None), with_id("a", None)];
        assert_eq!(answerer_fallback(&a, repeated.iter()), Some(&a));
        let two = [with_id("a", None), with_id("b", None)];
        assert_eq!(answerer_fallback(&a, two.iter()), None);
        // Without ids (old servers), ports tell nodes apart.
        let mut other_port = with_id("", None);
        other_port.port = Some(6380);
        let two = [with_id("", None), other_port];
        assert_eq!(answerer_fallback(&a, two.iter()), None);
    }

    #[test]
    fn ip_endpoint_fills_ip_and_name_endpoint_fills_hostname() {
        let node = raw(Endpoint::Host("10.0.0.2"))
            .finish(Some(&asked()), &Earlier::new(None))
            .expect("valid")
            .expect("kept");
        assert_eq!(node.ip.as_deref(), Some("10.0.0.2"));
        assert_eq!(node.hostname, None);
        let node = raw(Endpoint::Host("::1"))
            .finish(Some(&asked()), &Earlier::new(None))
            .expect("valid")
            .expect("kept");
        assert_eq!(node.ip.as_deref(), Some("::1"));
        let node = raw(Endpoint::Host("a.example"))
            .finish(Some(&asked()), &Earlier::new(None))
            .expect("valid")
            .expect("kept");
        assert_eq!(node.hostname.as_deref(), Some("a.example"));
        assert_eq!(node.ip, None);
    }

    #[test]
    fn unknown_endpoint_is_skipped_but_still_checked() {
        assert_eq!(
            raw(Endpoint::Unknown).finish(Some(&asked()), &Earlier::new(None)),
            Ok(None)
        );
        let mut n = raw(Endpoint::Unknown);
        n.role = None;
        assert_eq!(
            n.finish(Some(&asked()), &Earlier::new(None)),
            Err(TopologyError::MissingField { field: "role" })
        );
    }

    #[test]
    fn a_node_without_usable_address_takes_the_earlier_views_address_for_its_id() {
        let mut known = raw(Endpoint::Host("old.example"));
        known.id = "id-a";
        known.ip = Some("10.0.0.1");
        let shard = Shard {
            slots: vec![(0, 16383)],
            primary: known.finish(None, &Earlier::new(None)).expect("valid"),
            replicas: vec![],
        };
        let earlier = crate::topology::table::assemble(vec![shard]).expect("valid");
        let earlier = Earlier::new(Some(&earlier));
        for endpoint in [Endpoint::Unknown, Endpoint::Asked] {
            let mut n = raw(endpoint);
            n.id = "id-a";
            n.port = Some(7001);
            let node = n.finish(None, &earlier).expect("valid").expect("kept");
            assert_eq!(node.addr, Addr::new("old.example", 7001));
            assert_eq!(node.ip.as_deref(), Some("10.0.0.1"));
            // Another id, or none, is not that node.
            for id in ["id-b", ""] {
                let mut other = raw(endpoint);
                other.id = id;
                assert_eq!(other.finish(None, &earlier), Ok(None));
            }
        }
        // An address the reply gives wins over the earlier one.
        let mut n = raw(Endpoint::Host("new.example"));
        n.id = "id-a";
        let node = n.finish(None, &earlier).expect("valid").expect("kept");
        assert_eq!(node.addr.host, "new.example");
    }

    #[test]
    fn tls_port_stands_in_for_a_missing_or_zero_port() {
        let mut n = raw(Endpoint::Host("h"));
        n.port = Some(0);
        n.tls_port = Some(6380);
        let node = n
            .finish(Some(&asked()), &Earlier::new(None))
            .expect("valid")
            .expect("kept");
        assert_eq!(node.addr.port, 6380);
        assert_eq!(node.tls_port, Some(6380));
        let mut n = raw(Endpoint::Host("h"));
        n.port = None;
        assert_eq!(
            n.finish(Some(&asked()), &Earlier::new(None)),
            Err(TopologyError::MissingField { field: "port" })
        );
    }

    #[test]
    fn records_and_numbers() {
        let flat = Value::Array(vec![Value::from("ip"), Value::from("1.2.3.4")]);
        assert_eq!(pairs(&flat, "x").expect("even").count(), 1);
        let odd = Value::Array(vec![Value::from("ip")]);
        assert!(matches!(
            pairs(&odd, "x"),
            Err(TopologyError::UnexpectedShape { what: "x" })
        ));
        assert_eq!(integer(&Value::from("42"), "port"), Ok(42));
        assert_eq!(
            port(&Value::Integer(70000), "port"),
            Err(TopologyError::BadField { field: "port" })
        );
        assert_eq!(
            slot_range(&Value::Integer(0), &Value::Integer(16383)),
            Ok((0, 16383))
        );
        assert_eq!(
            slot_range(&Value::Integer(-1), &Value::Integer(3)),
            Err(TopologyError::BadSlotRange { start: -1, end: 3 })
        );
        assert_eq!(
            slot_range(&Value::Integer(9), &Value::Integer(3)),
            Err(TopologyError::BadSlotRange { start: 9, end: 3 })
        );
        assert_eq!(
            slot_range(&Value::Integer(0), &Value::Integer(16384)),
            Err(TopologyError::BadSlotRange {
                start: 0,
                end: 16384
            })
        );
    }
}
