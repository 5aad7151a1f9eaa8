//! Rotating credentials against a real cluster, on tokio, smol, async-std and the blocking
//! client.
//!
//! The credentials source hands out a new ACL user every second (created on every node
//! first), each accepted for 600 ms from when it is handed out. Three seconds after a user
//! was created its successor has been out for two, so every live connection must have
//! re-authenticated (the client asks every 450 ms): the test then kills, on every node, the connections still logged in
//! as that user (`CLIENT KILL USER`) and deletes it. Through ten rotations, 50 tasks of
//! SET+GET and a task of blocking pops see no error, and no kill finds a connection.
//!
//! IAM tokens (`keyslot::aws_iam::IamAuth`) go the same way: against a user that takes any
//! password (the signature itself is checked against botocore in the adapters' tests),
//! every connection the client opens is logged in as the IAM user.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use keyslot::{Cmd, Credentials, Error, Value};
use keyslot_tests::cluster::RedisCluster;
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{bulk, claim_machine, ok, quiet_primaries, Flavor, TestClient};

const ROTATIONS: usize = 10;
const TASKS: usize = 50;
/// How long the source says each user is accepted: the client asks again at three quarters.
const VALID_FOR: Duration = Duration::from_millis(600);
const ROTATE_EVERY: Duration = Duration::from_secs(1);
/// Rotations after its creation that a user is retired: its successor has then been handed
/// out for `RETIRE_AFTER - 1` rotations, room for a loaded CI machine.
const RETIRE_AFTER: usize = 3;

fn user(n: usize) -> String {
    format!("rotated-{n}")
}

fn password(n: usize) -> String {
    format!("pw-{n}-secret")
}

fn on_every_node(cluster: &RedisCluster, cmd: &Cmd) -> Vec<Value> {
    cluster
        .nodes()
        .iter()
        .map(|node| {
            cluster
                .send(node, cmd)
                .expect("the harness reaches the node")
        })
        .collect()
}

fn create_user(cluster: &RedisCluster, n: usize) {
    let setuser = Cmd::new("ACL")
        .arg("SETUSER")
        .arg(user(n))
        .arg("on")
        .arg(format!(">{}", password(n)))
        .arg("~*")
        .arg("&*")
        .arg("+@all");
    for reply in on_every_node(cluster, &setuser) {
        assert_eq!(reply, ok(), "ACL SETUSER {}", user(n));
    }
}

/// Kill the connections still logged in as user `n` and delete it; how many were killed.
fn retire_user(cluster: &RedisCluster, n: usize) -> i64 {
    let kill = Cmd::new("CLIENT").arg("KILL").arg("USER").arg(user(n));
    let killed = on_every_node(cluster, &kill)
        .into_iter()
        .map(|reply| match reply {
            Value::Integer(n) => n,
            other => panic!("CLIENT KILL USER answered {other:?}"),
        })
        .sum();
    for reply in on_every_node(cluster, &Cmd::new("ACL").arg("DELUSER").arg(user(n))) {
        assert_eq!(reply, Value::Integer(1), "ACL DELUSER {}", user(n));
    }
    killed
}

/// SET then GET of this task's own keys over every slot until `stop`; its errors.
async fn writer<F: Flavor>(
    client: TestClient<F>,
    task: usize,
    stop: Arc<AtomicBool>,
) -> Vec<Error> {
    let mut errors = Vec::new();
    let mut round = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let key = format!("rotation:{}:{task}:{}", F::NAME, round % 64);
        let value = format!("{task}/{round}");
        match client.send(Cmd::new("SET").arg(&key).arg(&value)).await {
            Ok(reply) if reply == ok() => {}
            other => errors.push(other.err().unwrap_or(Error::Closed)),
        }
        match client.send(Cmd::new("GET").arg(&key)).await {
            Ok(reply) if reply == bulk(&value) => {}
            other => errors.push(other.err().unwrap_or(Error::Closed)),
        }
        round += 1;
    }
    errors
}

/// Blocking pops (each on a connection of its own) that time out, until `stop`.
async fn popper<F: Flavor>(client: TestClient<F>, stop: Arc<AtomicBool>) -> Vec<Error> {
    let mut errors = Vec::new();
    let queue = format!("rotation:{}:queue", F::NAME);
    while !stop.load(Ordering::Relaxed) {
        if let Err(e) = client.send(Cmd::new("BLPOP").arg(&queue).arg("0.2")).await {
            errors.push(e);
        }
    }
    errors
}

async fn rotations<F: Flavor>(cluster: &RedisCluster) {
    create_user(cluster, 0);
    let current = Arc::new(AtomicUsize::new(0));
    let asked = Arc::new(AtomicUsize::new(0));
    let source = {
        let (current, asked) = (current.clone(), asked.clone());
        move || {
            let n = current.load(Ordering::SeqCst);
            asked.fetch_add(1, Ordering::Relaxed);
            async move {
                Ok(Credentials::new(
                    Some(user(n)),
                    password(n),
                    Some(VALID_FOR),
                ))
            }
        }
    };
    let builder = TestClient::<F>::builder_for(cluster).credentials_provider(source);
    let client = TestClient::<F>::connect(builder).await.expect("connects");
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..TASKS)
        .map(|task| F::spawn(writer(client.clone(), task, stop.clone())))
        .collect();
    let pops = F::spawn(popper(client.clone(), stop.clone()));
    let mut killed = Vec::new();
    for n in 1..=ROTATIONS {
        F::sleep(ROTATE_EVERY).await;
        create_user(cluster, n);
        current.store(n, Ordering::SeqCst);
        if n >= RETIRE_AFTER {
            killed.push(retire_user(cluster, n - RETIRE_AFTER));
        }
    }
    // The last user's predecessors, once it has been out as long.
    F::sleep(ROTATE_EVERY * (RETIRE_AFTER as u32 - 1)).await;
    for n in ROTATIONS + 1 - RETIRE_AFTER..ROTATIONS {
        killed.push(retire_user(cluster, n));
    }
    stop.store(true, Ordering::Relaxed);
    let mut errors = Vec::new();
    for task in writers {
        errors.extend(task.await);
    }
    errors.extend(pops.await);
    retire_user(cluster, ROTATIONS);
    assert_eq!(
        killed.iter().sum::<i64>(),
        0,
        "connections still on a retired user, per rotation: {killed:?}"
    );
    assert!(
        errors.is_empty(),
        "{} errors: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    let asked = asked.load(Ordering::Relaxed);
    assert!(asked >= ROTATIONS, "the source was asked {asked} times");
    println!(
        "{}: {ROTATIONS} rotations, source asked {asked} times, 0 errors, 0 connections killed",
        F::NAME
    );
}

/// Connect with IAM tokens as `iam-user` (a `nopass` user: any token is let in) and check
/// the server sees every connection as that user.
async fn iam_tokens<F: Flavor>(cluster: &RedisCluster) {
    use keyslot::aws_iam::{AwsCredentials, IamAuth, IamService, IamTokenRequest};
    let setuser = Cmd::new("ACL")
        .arg("SETUSER")
        .arg("iam-user")
        .arg("on")
        .arg("nopass")
        .arg("~*")
        .arg("&*")
        .arg("+@all");
    for reply in on_every_node(cluster, &setuser) {
        assert_eq!(reply, ok(), "ACL SETUSER iam-user");
    }
    let request = IamTokenRequest {
        user_id: "iam-user".into(),
        cache_name: "test-cache".into(),
        region: "us-east-1".into(),
        service: IamService::ElastiCache,
    };
    let keys = AwsCredentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: None,
    };
    let builder =
        TestClient::<F>::builder_for(cluster).credentials_provider(IamAuth::new(request, keys));
    let client = TestClient::<F>::connect(builder)
        .await
        .expect("connects with a token");
    for i in 0..30 {
        let key = format!("iam:{}:{i}", F::NAME);
        assert_eq!(
            client.send(Cmd::new("SET").arg(&key).arg("v")).await,
            Ok(ok())
        );
    }
    let whoami = client.send(Cmd::new("ACL").arg("WHOAMI")).await;
    assert_eq!(whoami, Ok(bulk("iam-user")));
    let killed: i64 = on_every_node(
        cluster,
        &Cmd::new("CLIENT").arg("KILL").arg("USER").arg("iam-user"),
    )
    .into_iter()
    .map(|reply| match reply {
        Value::Integer(n) => n,
        other => panic!("CLIENT KILL USER answered {other:?}"),
    })
    .sum();
    assert!(
        killed >= 3,
        "one connection per primary at least, as iam-user: {killed}"
    );
    drop(client);
    on_every_node(cluster, &Cmd::new("ACL").arg("DELUSER").arg("iam-user"));
}

#[test]
fn rotated_credentials_reach_every_connection_before_the_old_ones_go() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    // No node is meant to fail: the long node timeout keeps a loaded machine from failing one.
    let cluster = RedisCluster::start(quiet_primaries()).unwrap();
    let mut runs = keyslot_tests::runtimes::Runs::new();
    on_every_runtime!(runs, "ten rotations under load", rotations(&cluster));
    on_every_runtime!(runs, "IAM tokens", iam_tokens(&cluster));
    runs.finish();
}
