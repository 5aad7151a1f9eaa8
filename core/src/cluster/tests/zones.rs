//! Zones the nodes report themselves: Valkey 8.1+ in `HELLO`, Valkey 9.1 in `CLUSTER SHARDS`
//! (`availability-zone`). Either spares the `INFO SERVER` round trip.

use super::membership::cluster_shards;
use super::*;

fn same_zone() -> Config {
    Config {
        read_from: ReadFrom::SameZone,
        client_zone: Some("az-a".into()),
        ..Config::default()
    }
}

/// [`cluster_shards`] for `foo`'s shard (10.0.0.3, replicas .6 and .7) with each node's
/// `availability-zone`, as Valkey 9.1 lists it.
fn shards_with_zones() -> Value {
    let zone_of = |host: &[u8]| match host {
        b"10.0.0.7" => "az-a",
        b"10.0.0.6" => "az-b",
        _ => "az-c",
    };
    let mut reply = cluster_shards(&[(
        0,
        16383,
        "10.0.0.3:7000",
        &["10.0.0.6:7000", "10.0.0.7:7000"],
    )]);
    let Value::Array(shards) = &mut reply else {
        unreachable!()
    };
    for shard in shards {
        let Value::Array(fields) = shard else {
            continue;
        };
        let Some(Value::Array(nodes)) = fields.get_mut(3) else {
            continue;
        };
        for node in nodes {
            let Value::Array(pairs) = node else { continue };
            let ip = pairs[5].as_bytes().unwrap_or_default().to_vec();
            pairs.push(bulk("availability-zone"));
            pairs.push(bulk(zone_of(&ip)));
        }
    }
    reply
}

#[test]
fn zones_listed_in_cluster_shards_place_reads_without_info() {
    let mut net = Net::new(same_zone(), &["seed:6379"]);
    let seed = net.accept("seed:6379");
    assert_eq!(net.take_sent(seed), [["CLUSTER", "SHARDS"]]);
    net.reply(seed, &shards_with_zones());
    let id = net.submit(Cmd::new("GET").arg("foo"));
    let r7 = net.accept("10.0.0.7:7000");
    let sent = net.take_sent(r7);
    assert_eq!(sent, [["READONLY"]], "no INFO SERVER: {sent:?}");
    net.reply(r7, &ok());
    assert_eq!(net.take_sent(r7), [["GET", "foo"]], "the same-zone replica");
    net.reply(r7, &bulk("v"));
    assert_eq!(net.single(id), &Ok(bulk("v")));
}

#[test]
fn a_zone_said_in_hello_is_the_nodes_zone() {
    let mut net = Net::new(same_zone(), &["seed:6379"]);
    let seed = net.accept("seed:6379");
    net.take_sent(seed);
    net.reply(
        seed,
        &cluster_shards(&[(0, 16383, "10.0.0.3:7000", &["10.0.0.7:7000"])]),
    );
    let id = net.submit(Cmd::new("GET").arg("foo"));
    // The replica's zone is unknown: the read waits on it while its handshake runs.
    let r7 = net.conn_to("10.0.0.7:7000");
    net.connected(r7);
    assert_eq!(net.take_sent(r7)[0][0], "HELLO");
    let hello = Value::Map(alloc::vec![
        (bulk("server"), bulk("valkey")),
        (bulk("version"), bulk("9.1.2")),
        (bulk("proto"), Value::Integer(3)),
        (bulk("availability_zone"), bulk("az-a")),
    ]);
    net.reply(r7, &hello);
    net.reply(r7, &ok()); // READONLY
    let sent = net.take_sent(r7);
    assert!(
        !sent.iter().any(|c| c[0] == "INFO"),
        "the zone came with HELLO: {sent:?}"
    );
    assert_eq!(
        net.cluster.routing.nodes[net.cluster.routing.node_index[&addr("10.0.0.7:7000")]]
            .zone
            .as_deref(),
        Some("az-a")
    );
    let _ = id;
}
