//! TLS: a cluster serving clients on `tls-port` only to those presenting a certificate (the
//! cluster bus and replication are TLS too), with certificates from a CA made in the test.
//! `rediss://` with that CA and a client certificate works on every shard; the topology
//! gives the TLS ports; a wrong CA, a server name the certificates do not carry, and a
//! missing client certificate each fail at once with an error that says so. Runs on tokio,
//! smol, async-std and the blocking client.

use std::time::{Duration, Instant};

use keyslot::{Builder, Error};
use keyslot_tests::cluster::{require_tls, ClusterSpec, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    assert_serves_every_shard, claim_machine, client_addr, Flavor, Runs, TestClient,
};

/// A TLS failure is a handshake, not a timeout (the connect timeout is 2 s).
const AT_ONCE: Duration = Duration::from_secs(1);

/// A builder for the cluster's `rediss://` seed, trusting its CA and presenting its client
/// certificate.
fn trusting<F: Flavor>(cluster: &RedisCluster) -> Builder<F::Runtime> {
    let cert = cluster.tls_client_cert().expect("client certificates");
    TestClient::<F>::builder([cluster.seed_url().unwrap()])
        .tls_root_certificates_pem(cluster.tls_ca_pem().unwrap())
        .tls_client_certificate_pem(cert.cert_pem.as_bytes(), cert.key_pem.as_bytes())
}

async fn tls_works<F: Flavor>(cluster: &RedisCluster) {
    let url = cluster.seed_url().unwrap();
    assert!(url.starts_with("rediss://"), "{url}");
    let client = TestClient::<F>::connect(trusting::<F>(cluster))
        .await
        .expect("connects over TLS");
    let topology = client.topology().await.unwrap();
    let mut seen: Vec<String> = topology.nodes().map(|n| n.addr.to_string()).collect();
    let mut expected: Vec<String> = cluster
        .live_nodes()
        .iter()
        .map(|n| client_addr(n).to_string())
        .collect();
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected, "the topology gives every node's TLS port");
    assert_serves_every_shard(&client, cluster, "tls").await;

    // Certificates name `localhost` too: checking every node against that name works.
    let client =
        TestClient::<F>::connect(trusting::<F>(cluster).tls_server_name("127.0.0.1", "localhost"))
            .await
            .expect("connects, checking the certificates against the mapped name");
    assert_serves_every_shard(&client, cluster, "tls-mapped").await;
}

/// Connect with `builder`, which must fail at once; returns the error's text.
async fn fails_at_once<F: Flavor>(how: &str, builder: Builder<F::Runtime>) -> String {
    let began = Instant::now();
    let result = TestClient::<F>::connect(builder).await;
    let took = began.elapsed();
    let err = result.err().unwrap_or_else(|| panic!("{how}: connected"));
    assert!(
        matches!(err, Error::NoReachableSeed { .. }),
        "{how}: expected NoReachableSeed, got {err:?}"
    );
    assert!(took < AT_ONCE, "{how}: took {took:?}");
    let text = err.to_string();
    println!("{}: {how}: {text} (after {took:.1?})", F::NAME);
    text
}

async fn tls_refused<F: Flavor>(cluster: &RedisCluster) {
    // Another CA, unrelated to the cluster's.
    let other_ca = {
        let mut params = rcgen::CertificateParams::default();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let key = rcgen::KeyPair::generate().unwrap();
        params.self_signed(&key).unwrap().pem()
    };
    let cert = cluster.tls_client_cert().unwrap();
    let wrong_ca = TestClient::<F>::builder([cluster.seed_url().unwrap()])
        .tls_root_certificates_pem(other_ca)
        .tls_client_certificate_pem(cert.cert_pem.as_bytes(), cert.key_pem.as_bytes());
    let text = fails_at_once::<F>("wrong CA", wrong_ca).await;
    assert!(
        text.contains("certificate") && text.contains("UnknownIssuer"),
        "the error should say the certificate's issuer is unknown: {text}"
    );

    let wrong_name = trusting::<F>(cluster).tls_server_name("127.0.0.1", "elsewhere.test");
    let text = fails_at_once::<F>("wrong server name", wrong_name).await;
    assert!(
        text.contains("certificate not valid for name \"elsewhere.test\""),
        "the error should say the certificate is for another name: {text}"
    );

    let no_client_cert = TestClient::<F>::builder([cluster.seed_url().unwrap()])
        .tls_root_certificates_pem(cluster.tls_ca_pem().unwrap());
    fails_at_once::<F>("no client certificate", no_client_cert).await;
}

#[test]
fn tls_cluster() {
    if !require_tls() {
        return;
    }
    let Some(_machine) = claim_machine() else {
        return;
    };
    let spec = ClusterSpec::new().shape(3, 1).tls_with_client_certs();
    let cluster = RedisCluster::start(spec).unwrap();
    let mut runs = Runs::new();
    on_every_runtime!(runs, "TLS with the cluster's CA", tls_works(&cluster));
    on_every_runtime!(runs, "TLS refused", tls_refused(&cluster));
    runs.finish();
}
