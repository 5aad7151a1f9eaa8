//! The topology replies a node gives, built from the view it holds, shaped like Redis
//! 7.0.15's (see `tests/fixtures/redis-7.0.15/cluster-{shards,slots}.*`).
//!
//! - `CLUSTER SHARDS`: one record per listed shard — its slot ranges as a flat list, and its
//!   nodes (primary first) with `id`, `port`, `ip`, `endpoint`, `hostname` (when announced in
//!   hostname mode), `role`, `replication-offset` and `health` (`online`, `loading`, `fail`).
//! - `CLUSTER SLOTS`: one entry per run of slots — first, last, the primary, then the
//!   replicas that are online — each node as `[endpoint, port, id, metadata]`, the endpoint
//!   NULL in unknown-endpoint mode, the metadata carrying `ip` where the endpoint is not it.
//!
//! Endpoints follow the mode: the IP, the hostname (or `?` before it is announced), or the
//! empty string ("the address you asked").

use keyslot_core::resp::Value;

use super::cluster::{ClusterState, Health, NodeId, View};
use super::profile::Endpoints;
use super::server::text;

fn health(view: &View, n: NodeId) -> &'static str {
    match view.health.get(n) {
        Some(Health::Online) => "online",
        Some(Health::Loading) => "loading",
        _ => "fail",
    }
}

/// `CLUSTER SHARDS` for `view`.
pub fn cluster_shards(c: &ClusterState, view: &View) -> Value {
    let mut ranges: Vec<Vec<Value>> = vec![Vec::new(); view.shards.len()];
    for &(start, end, shard) in view.runs() {
        if let Some(r) = ranges.get_mut(usize::from(shard)) {
            r.push(Value::Integer(i64::from(start)));
            r.push(Value::Integer(i64::from(end)));
        }
    }
    let mut shards = Vec::new();
    for (i, s) in view.shards.iter().enumerate() {
        if !s.listed {
            continue;
        }
        let members = std::iter::once(s.primary).chain(s.replicas.iter().copied());
        let nodes = members
            .map(|m| {
                let ident = &c.nodes[m].ident;
                let mut fields = vec![
                    (text("id"), text(&ident.id)),
                    (text("port"), Value::Integer(i64::from(ident.port))),
                    (text("ip"), text(&ident.ip)),
                    (text("endpoint"), text(&c.endpoint(view, m))),
                ];
                if c.endpoints == Endpoints::Hostname
                    && view.announced.get(m).copied().unwrap_or(false)
                {
                    fields.push((text("hostname"), text(&ident.hostname)));
                }
                let role = if m == s.primary { "master" } else { "replica" };
                fields.push((text("role"), text(role)));
                fields.push((text("replication-offset"), Value::Integer(c.offset(m))));
                fields.push((text("health"), text(health(view, m))));
                Value::Map(fields)
            })
            .collect();
        shards.push(Value::Map(vec![
            (text("slots"), Value::Array(std::mem::take(&mut ranges[i]))),
            (text("nodes"), Value::Array(nodes)),
        ]));
    }
    Value::Array(shards)
}

/// `CLUSTER SLOTS` for `view`.
pub fn cluster_slots(c: &ClusterState, view: &View) -> Value {
    let entry = |m: NodeId| {
        let ident = &c.nodes[m].ident;
        let endpoint = match c.endpoints {
            Endpoints::SharedHost => Value::Null,
            _ => text(&c.endpoint(view, m)),
        };
        let meta = match c.endpoints {
            Endpoints::Ip => Vec::new(),
            Endpoints::Hostname | Endpoints::SharedHost => vec![(text("ip"), text(&ident.ip))],
        };
        Value::Array(vec![
            endpoint,
            Value::Integer(i64::from(ident.port)),
            text(&ident.id),
            Value::Map(meta),
        ])
    };
    let mut out = Vec::new();
    for &(start, end, shard) in view.runs() {
        let Some(s) = view.shards.get(usize::from(shard)) else {
            continue;
        };
        let mut e = vec![
            Value::Integer(i64::from(start)),
            Value::Integer(i64::from(end)),
            entry(s.primary),
        ];
        for &r in &s.replicas {
            if view.health.get(r) == Some(&Health::Online) {
                e.push(entry(r));
            }
        }
        out.push(Value::Array(e));
    }
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyslot_core::resp::{decode, encode_as, Protocol};
    use keyslot_core::time::Instant;
    use keyslot_core::topology::{Addr, Topology};

    fn cluster(endpoints: Endpoints) -> ClusterState {
        let mut owner = vec![0u16; 16384];
        for (i, o) in owner.iter_mut().enumerate() {
            *o = (i * 3 / 16384) as u16;
        }
        ClusterState::new(3, 1, owner, endpoints, false, 9, Instant::from_micros(1))
    }

    #[test]
    fn the_core_parses_what_the_nodes_say() {
        for endpoints in [Endpoints::Ip, Endpoints::Hostname, Endpoints::SharedHost] {
            let c = cluster(endpoints);
            let view = c.latest.clone();
            for protocol in [Protocol::Resp2, Protocol::Resp3] {
                for (slots, value) in [
                    (false, cluster_shards(&c, &view)),
                    (true, cluster_slots(&c, &view)),
                ] {
                    let mut bytes = Vec::new();
                    encode_as(&value, protocol, &mut bytes);
                    let (decoded, _) = decode(&bytes).unwrap().unwrap();
                    let asked = Addr::new("127.0.0.1", 7000);
                    let t = if slots {
                        Topology::from_cluster_slots(&decoded, &asked)
                    } else {
                        Topology::from_cluster_shards(&decoded, &asked)
                    }
                    .unwrap_or_else(|e| panic!("{endpoints:?} {protocol:?} {slots}: {e}"));
                    assert_eq!(t.uncovered_slots(), 0);
                    let owner = t.primary_of_slot(16383).expect("slot 16383 has a primary");
                    let node = &c.nodes[view.shards[2].primary].ident;
                    let want = match endpoints {
                        Endpoints::Hostname => Addr::new(node.hostname.clone(), node.port),
                        Endpoints::SharedHost => Addr::new("127.0.0.1", node.port),
                        Endpoints::Ip => Addr::new(node.ip.clone(), node.port),
                    };
                    assert_eq!(owner.addr, want, "{endpoints:?} {protocol:?} slots={slots}");
                }
            }
        }
    }

    #[test]
    fn shaped_like_the_real_server() {
        // Same record layout as the 7.0.15 fixture: 8 node fields in hostname mode.
        let c = cluster(Endpoints::Hostname);
        let Value::Array(shards) = cluster_shards(&c, &c.latest) else {
            panic!("an array of shards");
        };
        let Value::Map(fields) = &shards[0] else {
            panic!("a shard is a map");
        };
        assert_eq!(fields[0].0, text("slots"));
        let Value::Array(nodes) = &fields[1].1 else {
            panic!("nodes")
        };
        let Value::Map(node) = &nodes[0] else {
            panic!("node")
        };
        let keys: Vec<&Value> = node.iter().map(|(k, _)| k).collect();
        let want: Vec<Value> = [
            "id",
            "port",
            "ip",
            "endpoint",
            "hostname",
            "role",
            "replication-offset",
            "health",
        ]
        .iter()
        .map(|k| text(k))
        .collect();
        assert_eq!(keys, want.iter().collect::<Vec<_>>());
        let fixture = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/redis-7.0.15/cluster-shards.hostname.resp3"
        ))
        .unwrap();
        let (real, _) = decode(&fixture).unwrap().unwrap();
        let Value::Array(real) = real else { panic!() };
        let Value::Map(real) = &real[0] else { panic!() };
        let Value::Array(real_nodes) = &real[1].1 else {
            panic!()
        };
        let Value::Map(real_node) = &real_nodes[0] else {
            panic!()
        };
        let real_keys: Vec<&Value> = real_node.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, real_keys);
    }
}
