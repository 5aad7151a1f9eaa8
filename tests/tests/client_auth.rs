//! Authentication against a cluster whose only user is an ACL user (the default user is off):
//! credentials from the seed URL or from the builder work in RESP3 (`HELLO 3 AUTH`) and RESP2
//! (`AUTH user pass`); a wrong password, a wrong user or no credentials at all fail with
//! `Error::Auth` at once — the server's refusal, not a timeout. Runs on tokio, smol,
//! async-std and the blocking client.

use std::time::{Duration, Instant};

use keyslot::{Cmd, Error};
use keyslot_core::resp::Protocol;
use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{assert_serves_every_shard, bulk, claim_machine, Flavor, TestClient};

const USER: &str = "app";
const PASSWORD: &str = "app-secret";

/// Far below the connect timeout (2 s) and the request timeout (5 s): a refusal is one
/// round trip.
const AT_ONCE: Duration = Duration::from_millis(500);

async fn good_credentials<F: Flavor>(cluster: &RedisCluster) {
    let url = cluster.seed_url().unwrap();
    assert!(
        url.starts_with(&format!("redis://{USER}:{PASSWORD}@")),
        "{url}"
    );
    let plain = cluster.seed_addr().unwrap().to_string();
    let cases = [
        ("seed URL, RESP3", TestClient::<F>::builder([&url])),
        (
            "builder, RESP3",
            TestClient::<F>::builder([&plain])
                .username(USER)
                .password(PASSWORD),
        ),
        (
            "builder, RESP2",
            TestClient::<F>::builder([&plain])
                .username(USER)
                .password(PASSWORD)
                .protocol(Protocol::Resp2),
        ),
    ];
    for (how, builder) in cases {
        let client = TestClient::<F>::connect(builder)
            .await
            .unwrap_or_else(|e| panic!("{how}: {e}"));
        assert_eq!(
            client.send(Cmd::new("ACL").arg("WHOAMI")).await,
            Ok(bulk(USER)),
            "{how}"
        );
        assert_serves_every_shard(&client, cluster, "acl").await;
    }
}

async fn refused<F: Flavor>(cluster: &RedisCluster) {
    let plain = cluster.seed_addr().unwrap().to_string();
    let cases = [
        (
            "wrong password, RESP3",
            TestClient::<F>::builder([&plain])
                .username(USER)
                .password("not-the-password"),
            "WRONGPASS",
        ),
        (
            "wrong password, RESP2",
            TestClient::<F>::builder([&plain])
                .username(USER)
                .password("not-the-password")
                .protocol(Protocol::Resp2),
            "WRONGPASS",
        ),
        (
            "unknown user",
            TestClient::<F>::builder([&plain])
                .username("nobody")
                .password(PASSWORD),
            "WRONGPASS",
        ),
        (
            "no credentials, RESP3",
            TestClient::<F>::builder([&plain]),
            "NOAUTH",
        ),
        (
            "no credentials, RESP2",
            TestClient::<F>::builder([&plain]).protocol(Protocol::Resp2),
            "NOAUTH",
        ),
    ];
    for (how, builder, code) in cases {
        let began = Instant::now();
        let result = TestClient::<F>::connect(builder).await;
        let took = began.elapsed();
        let err = result.err().unwrap_or_else(|| panic!("{how}: connected"));
        match &err {
            Error::Auth { message, .. } => assert!(
                message.starts_with(code.as_bytes()),
                "{how}: {}",
                String::from_utf8_lossy(message)
            ),
            other => panic!("{how}: expected Error::Auth, got {other:?}"),
        }
        assert!(took < AT_ONCE, "{how}: the refusal took {took:?}");
        println!("{}: {how}: {err} (after {took:.1?})", F::NAME);
    }
}

#[test]
fn acl_user_and_password() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster =
        RedisCluster::start(ClusterSpec::new().shape(3, 1).acl_user(USER, PASSWORD)).unwrap();
    let mut runs = keyslot_tests::runtimes::Runs::new();
    on_every_runtime!(runs, "good credentials", good_credentials(&cluster));
    on_every_runtime!(runs, "refused credentials", refused(&cluster));
    runs.finish();
}
