//! One node's view of the cluster, read from `CLUSTER NODES`, and agreement between views.
//!
//! The harness parses `CLUSTER NODES` itself rather than using keyslot-core's topology
//! parser: the harness is what checks the client, so it must not share the client's bugs.
//! `CLUSTER NODES` is also what `redis-cli --cluster check` compares to decide that "all
//! nodes agree about slots configuration", and it carries everything needed here: ids,
//! addresses (with hostnames), roles, primaries, slots, and migration markers.
//!
//! Two views *agree* when they list the same nodes with the same address, role, primary and
//! slots. Flags that legitimately differ per observer — `myself`, `fail?`/`fail`, link state,
//! ping times, a slot's MIGRATING/IMPORTING marker (only the two nodes concerned have it) —
//! are left out.

use std::collections::BTreeMap;
use std::io;

/// The number of hash slots.
pub const SLOTS: u16 = 16384;

/// One line of `CLUSTER NODES`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeEntry {
    /// The node id.
    pub id: String,
    /// `ip:port@bus-port`, then `,hostname` when one is announced, as reported.
    pub addr: String,
    /// Role `master`.
    pub primary: bool,
    /// For a replica, its primary's id.
    pub primary_id: Option<String>,
    /// Owned slot ranges, inclusive, in the order listed.
    pub slots: Vec<(u16, u16)>,
    /// `fail` (agreed failure) or `fail?` (this observer's suspicion).
    pub failing: bool,
    /// The observer itself.
    pub myself: bool,
    /// Still in handshake or without an address: not a member yet.
    pub joining: bool,
    /// The observer's link to this node is up.
    pub connected: bool,
    /// `[slot->-id]`: slots this node is migrating, and to whom (on the source only).
    pub migrating: Vec<(u16, String)>,
    /// `[slot-<-id]`: slots this node is importing, and from whom (on the target only).
    pub importing: Vec<(u16, String)>,
}

/// What one node believes the cluster looks like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterView {
    entries: BTreeMap<String, NodeEntry>,
}

/// The observer-independent part of a [`NodeEntry`], compared for agreement.
type Shape<'a> = (&'a str, &'a str, bool, Option<&'a str>, &'a [(u16, u16)]);

impl ClusterView {
    /// Parse a `CLUSTER NODES` reply.
    pub fn parse(text: &str) -> io::Result<ClusterView> {
        let mut entries = BTreeMap::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let entry = parse_line(line)
                .ok_or_else(|| io::Error::other(format!("bad CLUSTER NODES line: {line:?}")))?;
            entries.insert(entry.id.clone(), entry);
        }
        Ok(ClusterView { entries })
    }

    /// Every node listed, by id.
    pub fn entries(&self) -> impl Iterator<Item = &NodeEntry> {
        self.entries.values()
    }

    /// The entry of node `id`.
    pub fn entry(&self, id: &str) -> Option<&NodeEntry> {
        self.entries.get(id)
    }

    /// The observer's own entry.
    pub fn myself(&self) -> Option<&NodeEntry> {
        self.entries.values().find(|e| e.myself)
    }

    /// The primary that owns `slot`, if any.
    pub fn owner(&self, slot: u16) -> Option<&NodeEntry> {
        self.entries
            .values()
            .find(|e| e.primary && e.slots.iter().any(|&(a, b)| a <= slot && slot <= b))
    }

    /// The replicas of primary `id`.
    pub fn replicas_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a NodeEntry> + 'a {
        self.entries
            .values()
            .filter(move |e| e.primary_id.as_deref() == Some(id))
    }

    /// How many slots have an owner.
    pub fn covered_slots(&self) -> usize {
        self.entries
            .values()
            .filter(|e| e.primary)
            .flat_map(|e| e.slots.iter())
            .map(|&(a, b)| usize::from(b - a) + 1)
            .sum()
    }

    /// True when this view and `other` agree (see the module docs).
    pub fn agrees_with(&self, other: &ClusterView) -> bool {
        self.shape().eq(other.shape())
    }

    /// The entries on which this view and `other` disagree, for error messages.
    pub fn difference(&self, other: &ClusterView) -> String {
        let mut out = Vec::new();
        let ids: std::collections::BTreeSet<&String> =
            self.entries.keys().chain(other.entries.keys()).collect();
        for id in ids {
            let (a, b) = (self.entries.get(id), other.entries.get(id));
            let same = match (a, b) {
                (Some(a), Some(b)) => shape_of(a) == shape_of(b),
                _ => false,
            };
            if !same {
                out.push(format!(
                    "{id}: {:?} vs {:?}",
                    a.map(shape_of),
                    b.map(shape_of)
                ));
            }
        }
        out.join("; ")
    }

    fn shape(&self) -> impl Iterator<Item = Shape<'_>> {
        self.entries.values().map(shape_of)
    }
}

fn shape_of(e: &NodeEntry) -> Shape<'_> {
    (
        e.id.as_str(),
        e.addr.as_str(),
        e.primary,
        e.primary_id.as_deref(),
        e.slots.as_slice(),
    )
}

fn parse_line(line: &str) -> Option<NodeEntry> {
    let mut fields = line.split_ascii_whitespace();
    let id = fields.next()?.to_owned();
    let addr = fields.next()?.to_owned();
    let flags: Vec<&str> = fields.next()?.split(',').collect();
    let primary_id = match fields.next()? {
        "-" => None,
        id => Some(id.to_owned()),
    };
    let _ping_sent = fields.next()?;
    let _pong_received = fields.next()?;
    let _config_epoch = fields.next()?;
    let connected = fields.next()? == "connected";
    let mut entry = NodeEntry {
        id,
        addr,
        primary: flags.contains(&"master"),
        primary_id,
        slots: Vec::new(),
        failing: flags.iter().any(|f| *f == "fail" || *f == "fail?"),
        myself: flags.contains(&"myself"),
        joining: flags.iter().any(|f| *f == "handshake" || *f == "noaddr"),
        connected,
        migrating: Vec::new(),
        importing: Vec::new(),
    };
    for slot in fields {
        if let Some(marker) = slot.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            if let Some((slot, to)) = marker.split_once("->-") {
                entry.migrating.push((slot.parse().ok()?, to.to_owned()));
            } else if let Some((slot, from)) = marker.split_once("-<-") {
                entry.importing.push((slot.parse().ok()?, from.to_owned()));
            } else {
                return None;
            }
        } else if let Some((a, b)) = slot.split_once('-') {
            entry.slots.push((a.parse().ok()?, b.parse().ok()?));
        } else {
            let s = slot.parse().ok()?;
            entry.slots.push((s, s));
        }
    }
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODES: &str = "\
f4da2ae2d5a784340d1dd628905ba6059fc59f70 127.0.0.21:6379@16379,node1.keyslot.test myself,master - 0 1795612158000 1 connected 0-5460
8e2516179cf7efac1140158e50013e37b4b712b2 127.0.0.23:6379@16379,node3.keyslot.test master - 0 1795612158071 3 connected 10923-16383 [10923->-7f9d68371259e056a2bc782d45aed738d1787a2c]
28d38ac126e014fed14454157a7a4463106f9b8d 127.0.0.26:6379@16379,node6.keyslot.test slave,fail? 7f9d68371259e056a2bc782d45aed738d1787a2c 0 1795612158071 2 disconnected
7f9d68371259e056a2bc782d45aed738d1787a2c 127.0.0.22:6379@16379,node2.keyslot.test master - 0 1795612158071 2 connected 5461-10921 10922
";

    #[test]
    fn parses_roles_slots_and_markers() {
        let view = ClusterView::parse(NODES).unwrap();
        assert_eq!(view.entries().count(), 4);
        let me = view.myself().unwrap();
        assert!(me.primary && me.id.starts_with("f4da"));
        assert_eq!(view.owner(0).unwrap().id, me.id);
        assert_eq!(view.owner(10922).unwrap().id[..4], *"7f9d");
        assert_eq!(view.owner(16383).unwrap().id[..4], *"8e25");
        assert_eq!(view.covered_slots(), 16384);
        let source = view
            .entry("8e2516179cf7efac1140158e50013e37b4b712b2")
            .unwrap();
        assert_eq!(
            source.migrating,
            vec![(10923, "7f9d68371259e056a2bc782d45aed738d1787a2c".to_owned())]
        );
        let replica = view
            .entry("28d38ac126e014fed14454157a7a4463106f9b8d")
            .unwrap();
        assert!(!replica.primary && replica.failing && !replica.connected);
        let replicas: Vec<_> = view
            .replicas_of("7f9d68371259e056a2bc782d45aed738d1787a2c")
            .collect();
        assert_eq!(replicas.len(), 1);
    }

    #[test]
    fn agreement_ignores_observer_flags_but_not_slots() {
        let a = ClusterView::parse(NODES).unwrap();
        let b = ClusterView::parse(
            &NODES
                .replace("myself,master", "master")
                .replace("slave,fail?", "slave")
                .replace(" [10923->-7f9d68371259e056a2bc782d45aed738d1787a2c]", ""),
        )
        .unwrap();
        assert!(a.agrees_with(&b));
        let c = ClusterView::parse(&NODES.replace("5461-10921 10922", "5461-10921")).unwrap();
        assert!(!a.agrees_with(&c));
        assert_eq!(c.covered_slots(), 16383);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(ClusterView::parse("abc 1.2.3.4:5@6 master").is_err());
        assert!(ClusterView::parse("a b master - 0 0 1 connected x-y").is_err());
    }
}
