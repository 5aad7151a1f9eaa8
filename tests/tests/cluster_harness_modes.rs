//! The real-cluster harness's deployment options work: announced hostnames, NULL endpoints,
//! every node on the same port behind its own address, passwords and ACL users, and TLS for
//! clients, the cluster bus and replication. Each is checked with the plain test client (and
//! for TLS with rustls), against what the servers themselves report.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use keyslot_core::resp::{decode, Value};
use keyslot_core::Cmd;
use keyslot_tests::cluster::{require_tls, ClusterSpec, Endpoint, Node, RedisCluster};
use keyslot_tests::{require_redis, Conn};

fn send(cluster: &RedisCluster, node: &Node, cmd: Cmd) -> Value {
    cluster.send(node, &cmd).unwrap()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn field(info: &str, name: &str) -> String {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// A RESP2 flat key/value array (a CLUSTER SHARDS shard or node) as pairs.
fn pairs(value: &Value) -> Vec<(String, Value)> {
    value
        .as_slice()
        .unwrap()
        .chunks(2)
        .map(|kv| (text(&kv[0]), kv[1].clone()))
        .collect()
}

fn get<'a>(pairs: &'a [(String, Value)], name: &str) -> &'a Value {
    &pairs.iter().find(|(k, _)| k == name).unwrap().1
}

/// Every node entry of every shard in a CLUSTER SHARDS reply.
fn shard_nodes(reply: &Value) -> Vec<Vec<(String, Value)>> {
    reply
        .as_slice()
        .unwrap()
        .iter()
        .flat_map(|shard| {
            let shard = pairs(shard);
            get(&shard, "nodes").as_slice().unwrap().to_vec()
        })
        .map(|node| pairs(&node))
        .collect()
}

/// The node entries of a CLUSTER SLOTS reply: `[ip/endpoint, port, id, metadata...]`.
fn slot_nodes(reply: &Value) -> Vec<Vec<Value>> {
    reply
        .as_slice()
        .unwrap()
        .iter()
        .flat_map(|range| range.as_slice().unwrap()[2..].to_vec())
        .map(|node| node.as_slice().unwrap().to_vec())
        .collect()
}

/// The redirect a non-owner gives for `key`, with the owner.
fn redirect(cluster: &RedisCluster, key: &str) -> (String, Node) {
    let any = &cluster.nodes()[0];
    let slot = send(cluster, any, Cmd::new("CLUSTER").arg("KEYSLOT").arg(key));
    let owner = cluster
        .slot_owner(u16::try_from(slot.as_integer().unwrap()).unwrap())
        .unwrap();
    let other = cluster
        .primaries()
        .unwrap()
        .into_iter()
        .find(|p| *p != owner)
        .unwrap();
    (
        text(&send(cluster, &other, Cmd::new("GET").arg(key))),
        owner,
    )
}

#[test]
fn hostname_endpoints_appear_in_cluster_shards_and_redirects() {
    if !require_redis() {
        return;
    }
    let spec = ClusterSpec::new().shape(3, 1).endpoint(Endpoint::Hostname);
    let cluster = RedisCluster::start(spec).unwrap();
    for (i, node) in cluster.nodes().iter().enumerate() {
        assert_eq!(
            node.hostname(),
            Some(format!("node{}.keyslot.test", i + 1).as_str())
        );
    }
    for observer in cluster.nodes() {
        let shards = send(&cluster, &observer, Cmd::new("CLUSTER").arg("SHARDS"));
        let entries = shard_nodes(&shards);
        assert_eq!(entries.len(), 6);
        for entry in entries {
            let node = cluster.node_by_id(&text(get(&entry, "id"))).unwrap();
            let hostname = node.hostname().unwrap();
            assert_eq!(text(get(&entry, "endpoint")), hostname);
            assert_eq!(text(get(&entry, "hostname")), hostname);
            assert_eq!(text(get(&entry, "ip")), "127.0.0.1");
            assert_eq!(
                get(&entry, "port").as_integer(),
                Some(i64::from(node.port()))
            );
        }
    }
    let (moved, owner) = redirect(&cluster, "foo");
    assert_eq!(
        moved,
        format!("MOVED 12182 {}:{}", owner.hostname().unwrap(), owner.port())
    );
}

#[test]
fn every_node_on_the_same_port_behind_its_own_address() {
    if !require_redis() {
        return;
    }
    let spec = ClusterSpec::new()
        .shape(3, 1)
        .distinct_addresses()
        .hostnames();
    let cluster = RedisCluster::start(spec).unwrap();
    let nodes = cluster.nodes();
    let port = nodes[0].port();
    for (i, node) in nodes.iter().enumerate() {
        assert_eq!(node.ip().octets(), [127, 0, 0, 21 + i as u8]);
        assert_eq!(node.port(), port);
        assert_eq!(node.bus_port(), nodes[0].bus_port());
        // Each address reaches its own node, though the port is the same.
        let id = send(&cluster, node, Cmd::new("CLUSTER").arg("MYID"));
        assert_eq!(text(&id), node.id());
    }
    println!(
        "same-port cluster: {} nodes on 127.0.0.21..{} port {port}, started in {:?}",
        nodes.len(),
        20 + nodes.len(),
        cluster.started_in()
    );
    for observer in &nodes {
        let slots = send(&cluster, observer, Cmd::new("CLUSTER").arg("SLOTS"));
        let entries = slot_nodes(&slots);
        assert_eq!(entries.len(), 6);
        for entry in entries {
            let node = cluster.node_by_id(&text(&entry[2])).unwrap();
            assert_eq!(text(&entry[0]), node.ip().to_string());
            assert_eq!(entry[1].as_integer(), Some(i64::from(port)));
        }
    }
    let (moved, owner) = redirect(&cluster, "foo");
    assert_eq!(moved, format!("MOVED 12182 {}:{port}", owner.ip()));
    assert_ne!(owner.ip().octets()[3], 1);
}

#[test]
fn acl_user_with_unknown_endpoints() {
    if !require_redis() {
        return;
    }
    let spec = ClusterSpec::new()
        .shape(2, 1)
        .acl_user("keyslot", "s3cret")
        .endpoint(Endpoint::Unknown);
    let cluster = RedisCluster::start(spec).unwrap();
    let node = &cluster.nodes()[0];

    // Without credentials nothing works; a wrong password is refused; the right one works.
    let mut anonymous = Conn::connect(node.addr()).unwrap();
    let denied = anonymous.send(&Cmd::new("GET").arg("k")).unwrap();
    assert!(text(&denied).starts_with("NOAUTH"), "{denied:?}");
    let wrong = anonymous
        .send(&Cmd::new("AUTH").arg("keyslot").arg("nope"))
        .unwrap();
    assert!(text(&wrong).starts_with("WRONGPASS"), "{wrong:?}");
    let default_user = anonymous.send(&Cmd::new("AUTH").arg("s3cret")).unwrap();
    assert!(default_user.is_error(), "{default_user:?}");
    let whoami = send(&cluster, node, Cmd::new("ACL").arg("WHOAMI"));
    assert_eq!(text(&whoami), "keyslot");
    assert!(cluster
        .seed_url()
        .unwrap()
        .starts_with("redis://keyslot:s3cret@"));

    // Replicas authenticated as the user (masteruser) and are in sync.
    for replica in cluster.replicas().unwrap() {
        let info = text(&send(
            &cluster,
            &replica,
            Cmd::new("INFO").arg("replication"),
        ));
        assert_eq!(field(&info, "master_link_status"), "up");
    }

    // unknown-endpoint: NULL endpoints in CLUSTER SLOTS, an empty host in MOVED.
    let slots = send(&cluster, node, Cmd::new("CLUSTER").arg("SLOTS"));
    for entry in slot_nodes(&slots) {
        assert_eq!(entry[0], Value::Null, "{entry:?}");
    }
    let (moved, owner) = redirect(&cluster, "foo");
    assert_eq!(moved, format!("MOVED 12182 :{}", owner.port()));

    // MIGRATE authenticates with AUTH2 user password.
    let ok = send(&cluster, &owner, Cmd::new("SET").arg("foo").arg("acl"));
    assert_eq!(ok, Value::SimpleString("OK".into()));
    let target = cluster
        .primaries()
        .unwrap()
        .into_iter()
        .find(|p| *p != owner)
        .unwrap();
    assert_eq!(cluster.migrate_slot(12182, &owner, &target).unwrap(), 1);
    assert_eq!(
        send(&cluster, &target, Cmd::new("GET").arg("foo")),
        Value::from("acl")
    );
}

#[test]
fn password_protected_cluster_replicates() {
    if !require_redis() {
        return;
    }
    let spec = ClusterSpec::new().shape(1, 1).password("sesame");
    let cluster = RedisCluster::start(spec).unwrap();
    let primary = &cluster.primaries().unwrap()[0];
    let mut anonymous = Conn::connect(primary.addr()).unwrap();
    let denied = anonymous.send(&Cmd::new("PING")).unwrap();
    assert!(text(&denied).starts_with("NOAUTH"), "{denied:?}");
    let replica = &cluster.replicas_of(primary).unwrap()[0];
    let info = text(&send(
        &cluster,
        replica,
        Cmd::new("INFO").arg("replication"),
    ));
    assert_eq!(field(&info, "master_link_status"), "up");
    assert!(cluster.seed_url().unwrap().starts_with("redis://:sesame@"));
}

/// rustls trusting only the cluster's CA, optionally presenting a client certificate.
fn tls_config(cluster: &RedisCluster, client_cert: bool) -> Arc<rustls::ClientConfig> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let mut roots = rustls::RootCertStore::empty();
    let ca = CertificateDer::from(cluster.tls_ca_der().unwrap().to_vec());
    roots.add(ca).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let config = if client_cert {
        let cert = cluster.tls_client_cert().unwrap();
        let chain = vec![CertificateDer::from(cert.cert_der.clone())];
        let key = PrivateKeyDer::from(PrivatePkcs8KeyDer::from(cert.key_der.clone()));
        builder.with_client_auth_cert(chain, key).unwrap()
    } else {
        builder.with_no_client_auth()
    };
    Arc::new(config)
}

/// One command over TLS to `addr`, checking the certificate against `name`.
fn tls_send(
    config: &Arc<rustls::ClientConfig>,
    addr: SocketAddr,
    name: &str,
    cmd: &Cmd,
) -> io::Result<Value> {
    let name = rustls::pki_types::ServerName::try_from(name.to_owned())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let conn = rustls::ClientConnection::new(config.clone(), name).map_err(io::Error::other)?;
    let sock = TcpStream::connect(addr)?;
    sock.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut tls = rustls::StreamOwned::new(conn, sock);
    let mut out = Vec::new();
    cmd.encode(&mut out);
    tls.write_all(&out)?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some((value, _)) = decode(&buf).map_err(io::Error::other)? {
            return Ok(value);
        }
        let n = tls.read(&mut chunk)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[test]
fn tls_cluster_serves_tls_clients_and_replicates_over_tls() {
    if !require_tls() {
        return;
    }
    let spec = ClusterSpec::new().shape(3, 1).tls().hostnames();
    let cluster = RedisCluster::start(spec).unwrap();
    println!("TLS cluster (3+3) started in {:?}", cluster.started_in());
    assert!(cluster
        .tls_ca_pem()
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(cluster.tls_ca_path().unwrap().is_file());
    assert!(cluster
        .seed_url()
        .unwrap()
        .starts_with("rediss://127.0.0.1:"));
    let config = tls_config(&cluster, false);
    let ping = Cmd::new("PING");
    let pong = Value::SimpleString("PONG".into());

    for node in cluster.nodes() {
        let tls_addr = node.tls_addr().unwrap();
        assert_eq!(node.client_addr(), tls_addr);
        // The certificate names 127.0.0.1, localhost and the announced hostname.
        for name in ["127.0.0.1", "localhost", node.hostname().unwrap()] {
            let reply = tls_send(&config, tls_addr, name, &ping).unwrap();
            assert_eq!(reply, pong, "node {} as {name}", node.index());
        }
        let err = tls_send(&config, tls_addr, "elsewhere.example", &ping).unwrap_err();
        assert!(err.to_string().contains("certificate"), "{err}");
        // The TLS port does not speak plain RESP.
        let mut plain = Conn::connect(tls_addr).unwrap();
        assert!(plain.send(&ping).is_err());
    }

    // A TLS client is told TLS ports; a plain one plain ports.
    let node = &cluster.nodes()[0];
    let over_tls = tls_send(
        &config,
        node.tls_addr().unwrap(),
        "localhost",
        &Cmd::new("CLUSTER").arg("SLOTS"),
    )
    .unwrap();
    let over_plain = send(&cluster, node, Cmd::new("CLUSTER").arg("SLOTS"));
    for (tls_entry, plain_entry) in slot_nodes(&over_tls).iter().zip(slot_nodes(&over_plain)) {
        let n = cluster.node_by_id(&text(&tls_entry[2])).unwrap();
        assert_eq!(
            tls_entry[1].as_integer(),
            Some(i64::from(n.tls_port().unwrap()))
        );
        assert_eq!(plain_entry[1].as_integer(), Some(i64::from(n.port())));
    }

    // Replication runs over TLS: each replica follows its primary's TLS port.
    for replica in cluster.replicas().unwrap() {
        let info = text(&send(
            &cluster,
            &replica,
            Cmd::new("INFO").arg("replication"),
        ));
        assert_eq!(field(&info, "master_link_status"), "up");
        let primary = &cluster
            .primaries()
            .unwrap()
            .into_iter()
            .find(|p| field(&info, "master_port") == p.tls_port().unwrap().to_string());
        assert!(
            primary.is_some(),
            "replica {} follows a non-TLS port: {info}",
            replica.index()
        );
    }

    // MIGRATE goes over TLS too.
    let owner = cluster.slot_owner(12182).unwrap();
    let target = cluster
        .primaries()
        .unwrap()
        .into_iter()
        .find(|p| *p != owner)
        .unwrap();
    assert_eq!(
        send(&cluster, &owner, Cmd::new("SET").arg("foo").arg("tls")),
        Value::SimpleString("OK".into())
    );
    assert_eq!(cluster.migrate_slot(12182, &owner, &target).unwrap(), 1);
    let got = tls_send(
        &config,
        target.tls_addr().unwrap(),
        "localhost",
        &Cmd::new("GET").arg("foo"),
    )
    .unwrap();
    assert_eq!(got, Value::from("tls"));
}

#[test]
fn tls_client_certificates_when_required() {
    if !require_tls() {
        return;
    }
    let spec = ClusterSpec::new().shape(1, 1).tls_with_client_certs();
    let cluster = RedisCluster::start(spec).unwrap();
    let addr = cluster.seed_addr().unwrap();
    let ping = Cmd::new("PING");
    let without = tls_send(&tls_config(&cluster, false), addr, "localhost", &ping);
    assert!(without.is_err(), "{without:?}");
    let with = tls_send(&tls_config(&cluster, true), addr, "localhost", &ping).unwrap();
    assert_eq!(with, Value::SimpleString("PONG".into()));
    // The replica got in with its node certificate as a client certificate.
    let replica = &cluster.replicas().unwrap()[0];
    let info = text(&send(
        &cluster,
        replica,
        Cmd::new("INFO").arg("replication"),
    ));
    assert_eq!(field(&info, "master_link_status"), "up");
}
