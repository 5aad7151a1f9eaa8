//! `CLUSTER NODES` read for what the scan needs: which slots a node says it owns right now,
//! and which of them it is migrating or importing.
//!
//! The topology the client routes by comes from `CLUSTER SHARDS`, which says nothing about
//! migrations in progress; a node's own `myself` line in `CLUSTER NODES` does
//! (`[slot->-target]`, `[slot-<-source]`). The other lines give the asked node's belief about
//! who owns what, which the planner uses to find a slot's owner when its own view is stale.
//!
//! Lines look like
//! `<id> <ip:port@cport[,hostname]> <flags> <primary> <ping> <pong> <epoch> <link> <slots>..`;
//! anything that does not fit is refused as a whole with a reason.

use alloc::string::String;
use alloc::vec::Vec;

use super::slots::SlotSet;
use crate::topology::Addr;

/// One line of the reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NodeLine {
    pub(crate) id: String,
    /// `None` for a node without a known address (`:0@0`, flag `noaddr`).
    pub(crate) addr: Option<Addr>,
    pub(crate) myself: bool,
    pub(crate) primary: bool,
    pub(crate) slots: SlotSet,
    /// `(slot, target id)`; only the `myself` line lists these.
    pub(crate) migrating: Vec<(u16, String)>,
    /// `(slot, source id)`; only the `myself` line lists these.
    pub(crate) importing: Vec<(u16, String)>,
}

/// A whole reply: one node's view of the cluster.
#[derive(Clone, Debug)]
pub(crate) struct NodesView {
    pub(crate) lines: Vec<NodeLine>,
}

impl NodesView {
    pub(crate) fn parse(text: &[u8]) -> Result<NodesView, &'static str> {
        let text = core::str::from_utf8(text).map_err(|_| "CLUSTER NODES is not UTF-8")?;
        let lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(parse_line)
            .collect::<Result<Vec<_>, _>>()?;
        if lines.iter().filter(|l| l.myself).count() != 1 {
            return Err("CLUSTER NODES has no single myself line");
        }
        Ok(NodesView { lines })
    }

    /// The asked node's own line (there is exactly one, checked by [`parse`](Self::parse)).
    pub(crate) fn myself(&self) -> Option<&NodeLine> {
        self.lines.iter().find(|l| l.myself)
    }

    /// The node this view says owns `slot`; the asked node first when it claims it.
    pub(crate) fn claimant(&self, slot: u16) -> Option<&NodeLine> {
        let me = self.myself().filter(|l| l.slots.contains(slot));
        me.or_else(|| {
            self.lines
                .iter()
                .find(|l| l.primary && l.slots.contains(slot))
        })
    }

    pub(crate) fn by_id(&self, id: &str) -> Option<&NodeLine> {
        self.lines.iter().find(|l| l.id == id)
    }
}

impl NodeLine {
    /// The node `slot` is being migrated to, when this node is migrating it.
    pub(crate) fn migrating_to(&self, slot: u16) -> Option<&str> {
        self.migrating
            .iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, id)| id.as_str())
    }

    /// Slots this node is migrating or importing.
    pub(crate) fn moving(&self) -> SlotSet {
        let mut set = SlotSet::new();
        for (slot, _) in self.migrating.iter().chain(&self.importing) {
            set.insert(*slot);
        }
        set
    }
}

fn parse_line(line: &str) -> Result<NodeLine, &'static str> {
    let mut fields = line.split(' ').filter(|f| !f.is_empty());
    let id = fields.next().ok_or("CLUSTER NODES line without id")?;
    let addr = parse_addr(fields.next().ok_or("CLUSTER NODES line without address")?)?;
    let flags = fields.next().ok_or("CLUSTER NODES line without flags")?;
    // primary id, ping, pong, epoch, link state
    for _ in 0..5 {
        fields.next().ok_or("CLUSTER NODES line too short")?;
    }
    let mut node = NodeLine {
        id: id.into(),
        addr,
        myself: flags.split(',').any(|f| f == "myself"),
        primary: flags.split(',').any(|f| f == "master"),
        slots: SlotSet::new(),
        migrating: Vec::new(),
        importing: Vec::new(),
    };
    for field in fields {
        if let Some(inner) = field.strip_prefix('[').and_then(|f| f.strip_suffix(']')) {
            if let Some((slot, target)) = inner.split_once("->-") {
                node.migrating.push((parse_slot(slot)?, target.into()));
            } else if let Some((slot, source)) = inner.split_once("-<-") {
                node.importing.push((parse_slot(slot)?, source.into()));
            } else {
                return Err("CLUSTER NODES has a malformed migration entry");
            }
        } else if let Some((first, last)) = field.split_once('-') {
            let (first, last) = (parse_slot(first)?, parse_slot(last)?);
            if first > last {
                return Err("CLUSTER NODES has a reversed slot range");
            }
            node.slots.insert_range(first, last);
        } else {
            node.slots.insert(parse_slot(field)?);
        }
    }
    Ok(node)
}

fn parse_slot(text: &str) -> Result<u16, &'static str> {
    text.parse::<u16>()
        .ok()
        .filter(|&s| s < crate::SLOT_COUNT)
        .ok_or("CLUSTER NODES has a slot out of range")
}

/// `ip:port@cport[,hostname]`; an IPv6 ip has colons of its own, the port is after the last.
fn parse_addr(field: &str) -> Result<Option<Addr>, &'static str> {
    let (endpoint, rest) = field.split_once('@').unwrap_or((field, ""));
    let hostname = rest
        .split_once(',')
        .map(|(_, h)| h)
        .filter(|h| !h.is_empty());
    let (ip, port) = endpoint
        .rsplit_once(':')
        .ok_or("CLUSTER NODES address without port")?;
    let port = port
        .parse::<u16>()
        .map_err(|_| "CLUSTER NODES address with a bad port")?;
    let ip = ip.trim_start_matches('[').trim_end_matches(']');
    if ip.is_empty() || port == 0 {
        return Ok(None);
    }
    Ok(Some(Addr::new(hostname.unwrap_or(ip), port)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = "\
07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,host-d slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master - 0 1426238318243 3 connected 10923-16383
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5459 5460 [5460->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1] [93-<-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f]
6ec23923021cf3ffec47632106199cb7f496ce01 :0@0 master,noaddr - 0 0 0 disconnected
";

    #[test]
    fn reads_myself_and_migrations() {
        let view = NodesView::parse(REPLY.as_bytes()).unwrap();
        let me = view.myself().unwrap();
        assert_eq!(me.id, "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca");
        assert!(me.primary);
        assert_eq!(me.slots.len(), 5461);
        assert_eq!(
            me.migrating_to(5460),
            Some("67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1")
        );
        assert_eq!(me.importing.len(), 1);
        assert!(me.moving().contains(93) && me.moving().contains(5460));
        assert_eq!(
            view.claimant(6000).unwrap().addr,
            Some(Addr::new("127.0.0.1", 30002))
        );
        assert_eq!(view.lines[0].addr, Some(Addr::new("host-d", 30004)));
        assert_eq!(view.lines[4].addr, None);
    }

    #[test]
    fn refuses_what_does_not_fit() {
        assert!(NodesView::parse(b"").is_err(), "no myself line");
        assert!(NodesView::parse(b"a 1.2.3.4:1@2 myself,master - 0 0 1 connected 99999").is_err());
        assert!(NodesView::parse(b"a 1.2.3.4:1@2 myself,master - 0 0 1 connected 9-3").is_err());
        assert!(NodesView::parse(b"a 1.2.3.4:1@2 myself,master - 0").is_err());
        assert!(NodesView::parse(b"a 1.2.3.4:x@2 myself,master - 0 0 1 connected").is_err());
        assert!(
            NodesView::parse(b"a 1.2.3.4:1@2 myself,master - 0 0 1 connected [5-?-b]").is_err()
        );
        assert!(NodesView::parse(&[0xff, 0xfe]).is_err());
        let ipv6 = NodesView::parse(b"a ::1:7000@17000 myself,master - 0 0 1 connected").unwrap();
        assert_eq!(ipv6.lines[0].addr, Some(Addr::new("::1", 7000)));
    }
}
