//! `keyslot topology`: the cluster as the library sees it, and whether every node agrees.

use serde::Serialize;

use keyslot::{Addr, Cmd, Error, Topology, Value};
use keyslot_core::topology::{Health, NodeInfo, Role};

use crate::args::TopologyArgs;
use crate::connect;

#[derive(Serialize)]
struct Report {
    seeds: Vec<String>,
    shards: Vec<ShardReport>,
    nodes: usize,
    slots_covered: usize,
    uncovered: Vec<(u16, u16)>,
    agreement: Vec<NodeCheck>,
    migrating: Vec<SlotMove>,
    importing: Vec<SlotMove>,
    healthy: bool,
}

#[derive(Serialize)]
struct ShardReport {
    slots: Vec<(u16, u16)>,
    slot_count: usize,
    primary: Option<NodeReport>,
    replicas: Vec<NodeReport>,
}

#[derive(Serialize)]
struct NodeReport {
    endpoint: String,
    id: String,
    ip: Option<String>,
    hostname: Option<String>,
    tls_port: Option<u16>,
    role: &'static str,
    health: &'static str,
    replication_offset: Option<i64>,
    /// `redis 7.0.15`, `valkey 9.1.2`: from the node's own `INFO SERVER`.
    server: Option<String>,
}

#[derive(Serialize)]
struct NodeCheck {
    node: String,
    agrees: bool,
    problem: Option<String>,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct SlotMove {
    slot: u16,
    /// The node reporting the move.
    node: String,
    /// The other side (node id resolved to an address when known).
    peer: String,
}

fn node_report(n: &NodeInfo) -> NodeReport {
    NodeReport {
        endpoint: n.addr.to_string(),
        id: n.id.clone(),
        ip: n.ip.clone(),
        hostname: n.hostname.clone(),
        tls_port: n.tls_port,
        role: match n.role {
            Role::Primary => "primary",
            Role::Replica => "replica",
        },
        health: match n.health {
            Health::Online => "online",
            Health::Loading => "loading",
            Health::Failed => "failed",
        },
        replication_offset: n.replication_offset,
        server: None,
    }
}

/// What a node is, from its `INFO SERVER`: Valkey says `server_name:valkey` and its version
/// in `valkey_version` (its `redis_version` is 7.2.4 whatever its release).
fn server_identity(info: &str) -> Option<String> {
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .map(str::trim)
    };
    match field("server_name") {
        Some("valkey") => field("valkey_version").map(|v| format!("valkey {v}")),
        Some(other) => {
            let version = field(&format!("{other}_version")).or(field("redis_version"));
            version.map(|v| format!("{other} {v}"))
        }
        None => field("redis_version").map(|v| format!("redis {v}")),
    }
}

async fn node_server(client: &keyslot::tokio::Client, addr: &Addr) -> Option<String> {
    match client.send_to(addr, Cmd::new("INFO").arg("SERVER")).await {
        Ok(Value::BulkString(text)) | Ok(Value::Verbatim { text, .. }) => {
            server_identity(&String::from_utf8_lossy(&text))
        }
        _ => None,
    }
}

pub async fn run(args: TopologyArgs) -> Result<i32, Error> {
    let client = connect::client(&args.seeds, &args.connect, None).await?;
    let Some(topology) = client.topology().await? else {
        return Err(Error::Timeout);
    };
    let report = build_report(&client, &args.seeds, &topology).await;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report)
                .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
        );
    } else {
        print_text(&report);
    }
    Ok(if report.healthy { 0 } else { 1 })
}

async fn build_report(
    client: &keyslot::tokio::Client,
    seeds: &[String],
    topology: &Topology,
) -> Report {
    let mut shards: Vec<ShardReport> = topology
        .shards()
        .iter()
        .map(|s| ShardReport {
            slots: s.slots.clone(),
            slot_count: s.slots.iter().map(|(a, b)| usize::from(b - a) + 1).sum(),
            primary: s.primary.as_ref().map(node_report),
            replicas: s.replicas.iter().map(node_report).collect(),
        })
        .collect();
    for (shard, report) in topology.shards().iter().zip(&mut shards) {
        let nodes = shard.primary.iter().chain(&shard.replicas);
        let reports = report.primary.iter_mut().chain(&mut report.replicas);
        for (node, r) in nodes.zip(reports) {
            if node.health != Health::Failed {
                r.server = node_server(client, &node.addr).await;
            }
        }
    }
    let fingerprint = topology.fingerprint();
    let mut agreement = Vec::new();
    let mut migrating = Vec::new();
    let mut importing = Vec::new();
    for node in topology.nodes() {
        if node.health == Health::Failed {
            agreement.push(NodeCheck {
                node: node.addr.to_string(),
                agrees: false,
                problem: Some("marked failed".into()),
            });
            continue;
        }
        agreement.push(check_node(client, &node.addr, fingerprint).await);
        if node.role == Role::Primary {
            if let Ok(Value::BulkString(text)) | Ok(Value::Verbatim { text, .. }) = client
                .send_to(&node.addr, Cmd::new("CLUSTER").arg("NODES"))
                .await
            {
                let (m, i) = slot_moves(&String::from_utf8_lossy(&text), &node.addr, topology);
                migrating.extend(m);
                importing.extend(i);
            }
        }
    }
    migrating.sort();
    importing.sort();
    let uncovered: Vec<(u16, u16)> = topology.uncovered_ranges().collect();
    let failed_primary = shards
        .iter()
        .any(|s| s.slot_count > 0 && s.primary.as_ref().is_none_or(|p| p.health != "online"));
    let healthy = uncovered.is_empty() && !failed_primary && agreement.iter().all(|c| c.agrees);
    Report {
        seeds: seeds.to_vec(),
        nodes: topology.nodes().count(),
        slots_covered: 16384 - topology.uncovered_slots(),
        shards,
        uncovered,
        agreement,
        migrating,
        importing,
        healthy,
    }
}

/// Ask one node for its view and compare it with the client's.
async fn check_node(client: &keyslot::tokio::Client, addr: &Addr, expected: u64) -> NodeCheck {
    let mut reply = client
        .send_to(addr, Cmd::new("CLUSTER").arg("SHARDS"))
        .await;
    let mut slots = false;
    // Redis 6.2 says `ERR Unknown subcommand`, 7.0 `ERR unknown subcommand`.
    let unknown = |t: &[u8]| {
        t.to_ascii_lowercase()
            .starts_with(b"err unknown subcommand")
    };
    if matches!(&reply, Err(Error::Server(t)) if unknown(t.as_bytes())) {
        reply = client.send_to(addr, Cmd::new("CLUSTER").arg("SLOTS")).await;
        slots = true;
    }
    let mut view = reply.map_err(|e| e.to_string()).and_then(|v| {
        let parsed = if slots {
            Topology::from_cluster_slots(&v, addr)
        } else {
            Topology::from_cluster_shards(&v, addr)
        };
        parsed.map_err(|e| e.to_string())
    });
    // As the library does: a SHARDS view with slots uncovered (Redis 7.4.1 after a
    // failover) is checked against CLUSTER SLOTS.
    if !slots && view.as_ref().is_ok_and(|t| t.uncovered_slots() > 0) {
        if let Ok(v) = client.send_to(addr, Cmd::new("CLUSTER").arg("SLOTS")).await {
            if let Ok(t) = Topology::from_cluster_slots(&v, addr) {
                view = Ok(t);
            }
        }
    }
    match view {
        Ok(t) if t.fingerprint() == expected => NodeCheck {
            node: addr.to_string(),
            agrees: true,
            problem: None,
        },
        Ok(t) => NodeCheck {
            node: addr.to_string(),
            agrees: false,
            problem: Some(format!(
                "its view differs ({} uncovered slots, {} shards)",
                t.uncovered_slots(),
                t.shards().len()
            )),
        },
        Err(e) => NodeCheck {
            node: addr.to_string(),
            agrees: false,
            problem: Some(e),
        },
    }
}

/// Migrating (`[slot->-id]`) and importing (`[slot-<-id]`) markers on the node's own line of
/// CLUSTER NODES.
fn slot_moves(nodes: &str, addr: &Addr, topology: &Topology) -> (Vec<SlotMove>, Vec<SlotMove>) {
    let by_id = |id: &str| {
        topology
            .nodes()
            .find(|n| n.id == id)
            .map_or_else(|| id.to_string(), |n| n.addr.to_string())
    };
    let mut migrating = Vec::new();
    let mut importing = Vec::new();
    let Some(line) = nodes.lines().find(|l| {
        l.split_whitespace()
            .nth(2)
            .is_some_and(|f| f.contains("myself"))
    }) else {
        return (migrating, importing);
    };
    for token in line
        .split_whitespace()
        .filter(|t| t.starts_with('[') && t.ends_with(']'))
    {
        let inner = &token[1..token.len() - 1];
        if let Some((slot, id)) = inner.split_once("->-") {
            if let Ok(slot) = slot.parse() {
                migrating.push(SlotMove {
                    slot,
                    node: addr.to_string(),
                    peer: by_id(id),
                });
            }
        } else if let Some((slot, id)) = inner.split_once("-<-") {
            if let Ok(slot) = slot.parse() {
                importing.push(SlotMove {
                    slot,
                    node: addr.to_string(),
                    peer: by_id(id),
                });
            }
        }
    }
    (migrating, importing)
}

fn ranges(r: &[(u16, u16)]) -> String {
    r.iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn print_text(r: &Report) {
    println!(
        "{} shards, {} nodes, {}/16384 slots covered (via {})",
        r.shards.len(),
        r.nodes,
        r.slots_covered,
        r.seeds.join(" ")
    );
    for (i, s) in r.shards.iter().enumerate() {
        println!(
            "shard {}: slots {} ({} slots)",
            i + 1,
            if s.slots.is_empty() {
                "none".into()
            } else {
                ranges(&s.slots)
            },
            s.slot_count
        );
        for (label, n) in s
            .primary
            .iter()
            .map(|p| ("primary", p))
            .chain(s.replicas.iter().map(|p| ("replica", p)))
        {
            println!(
                "  {label:<8} {:<24} {:<8} {:<14} id {:.8}  ip {}  hostname {}  offset {}",
                n.endpoint,
                n.health,
                n.server.as_deref().unwrap_or("-"),
                n.id,
                n.ip.as_deref().unwrap_or("-"),
                n.hostname.as_deref().unwrap_or("-"),
                n.replication_offset.map_or("-".into(), |o| o.to_string()),
            );
        }
    }
    println!("checks:");
    let disagreeing: Vec<&NodeCheck> = r.agreement.iter().filter(|c| !c.agrees).collect();
    if disagreeing.is_empty() {
        println!(
            "  agreement: all {} nodes report this slot map",
            r.agreement.len()
        );
    }
    for c in disagreeing {
        println!(
            "  agreement: {} does not agree: {}",
            c.node,
            c.problem.as_deref().unwrap_or("?")
        );
    }
    println!(
        "  uncovered slots: {}",
        if r.uncovered.is_empty() {
            "none".into()
        } else {
            ranges(&r.uncovered)
        }
    );
    for (what, list) in [("migrating", &r.migrating), ("importing", &r.importing)] {
        if list.is_empty() {
            println!("  {what}: none");
        }
        for m in list {
            let arrow = if what == "migrating" { "to" } else { "from" };
            println!("  {what}: slot {} on {} {arrow} {}", m.slot, m.node, m.peer);
        }
    }
    println!("{}", if r.healthy { "healthy" } else { "UNHEALTHY" });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_are_named_by_their_own_fields() {
        let valkey =
            "# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:9.1.2\r\n";
        assert_eq!(server_identity(valkey).as_deref(), Some("valkey 9.1.2"));
        let redis = "# Server\r\nredis_version:7.0.15\r\nredis_mode:cluster\r\n";
        assert_eq!(server_identity(redis).as_deref(), Some("redis 7.0.15"));
        assert_eq!(server_identity("nothing"), None);
    }

    #[test]
    fn migration_markers_are_read_from_the_nodes_own_line() {
        let slots = keyslot_core::resp::decode(
            b"*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n$1\r\na\r\n:1\r\n$3\r\nida\r\n",
        )
        .unwrap()
        .unwrap()
        .0;
        let t = Topology::from_cluster_slots(&slots, &Addr::new("a", 1)).unwrap();
        let nodes = "ida a:1@2 myself,master - 0 0 1 connected 0-16383 [77->-idb] [99-<-ida]\n\
                     idb b:1@2 master - 0 0 2 connected [78->-ida]\n";
        let (m, i) = slot_moves(nodes, &Addr::new("a", 1), &t);
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].slot, m[0].peer.as_str()), (77, "idb"));
        assert_eq!((i[0].slot, i[0].peer.as_str()), (99, "a:1"));
    }
}
