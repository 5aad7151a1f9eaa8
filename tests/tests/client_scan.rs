//! Cluster-wide SCAN against a real cluster, on tokio, smol, async-std and the blocking
//! client: a quiet scan returns exactly the keys written, with MATCH and TYPE; a scan during
//! live resharding (slots moving in small MIGRATE batches while it runs) and a scan through a
//! failover still return every key that existed throughout. The moving scenarios check that
//! the change really overlapped the scan — otherwise they would prove nothing.
//!
//! Nothing is written or deleted while a scan runs, so "every key present throughout" is
//! every key written, and the scan must return exactly that set (repeats allowed).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use keyslot::{Cmd, ScanOptions};
use keyslot_tests::cluster::{ClusterSpec, MigrationStep, Node, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    claim_machine, eventually, key_in_slot, Flavor, Pace, Runs, TestClient, QUIET_NODE_TIMEOUT,
};

/// Keys spread over all slots before any scan.
const BASE_KEYS: usize = 3000;
/// Slots each resharding run moves, and keys put in each of them first.
const SLOTS_MOVED: usize = 240;
const KEYS_PER_MOVED_SLOT: usize = 8;
/// Each scan calls SCAN with this COUNT; the scans that race a change pause after every
/// batch, so that they last long enough for the cluster to change under them.
const COUNT: u32 = 10;
const RESHARD_PACE: Duration = Duration::from_millis(1);
const FAILOVER_PACE: Duration = Duration::from_millis(30);

/// Every key written so far, with its type.
type Written = Mutex<BTreeMap<String, &'static str>>;

/// What the background thread is asked to do to the cluster while a scan runs.
enum Job {
    /// Move `slots` (consecutive, owned by `from`) to `to`, a few slots per harness call,
    /// until done or told to stop.
    Reshard {
        from: Node,
        to: Node,
        slots: Vec<u16>,
    },
    /// Wait, then fail `replica`'s primary over to it.
    Failover { replica: Node, after: Duration },
}

/// The background thread's mailbox and its account of what it did.
#[derive(Default)]
struct Background {
    job: Mutex<Option<Job>>,
    busy: AtomicBool,
    stop: AtomicBool,
    quit: AtomicBool,
    /// When each change completed: a slot handed over, or the failover agreed.
    done_at: Mutex<Vec<Instant>>,
    error: Mutex<Option<String>>,
}

impl Background {
    fn run(&self, cluster: &RedisCluster) {
        while !self.quit.load(Ordering::Relaxed) {
            let Some(job) = self.job.lock().unwrap().take() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            if let Err(e) = self.work(cluster, job) {
                *self.error.lock().unwrap() = Some(e.to_string());
            }
            self.busy.store(false, Ordering::Relaxed);
        }
    }

    fn work(&self, cluster: &RedisCluster, job: Job) -> std::io::Result<()> {
        match job {
            Job::Reshard { from, to, slots } => {
                for chunk in slots.chunks(6) {
                    if self.stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let range = chunk[0]..=chunk[chunk.len() - 1];
                    cluster.migrate_slots_with(range, &from, &to, 3, |_, step| match step {
                        MigrationStep::AssignedOnSource => {
                            self.done_at.lock().unwrap().push(Instant::now())
                        }
                        MigrationStep::Moved { .. } => std::thread::sleep(Duration::from_millis(1)),
                        _ => {}
                    })?;
                }
            }
            Job::Failover { replica, after } => {
                std::thread::sleep(after);
                let failover = cluster.failover(&replica)?;
                // When every node agreed on the new roles (the harness then also waits for
                // the cluster to be healthy again).
                self.done_at.lock().unwrap().push(failover.agreed_at);
            }
        }
        Ok(())
    }

    fn start(&self, job: Job) {
        self.done_at.lock().unwrap().clear();
        self.stop.store(false, Ordering::Relaxed);
        self.busy.store(true, Ordering::Relaxed);
        *self.job.lock().unwrap() = Some(job);
    }

    /// Ask the job to stop, wait for it, and fail on its error.
    async fn finish<F: Flavor>(&self) {
        self.stop.store(true, Ordering::Relaxed);
        while self.busy.load(Ordering::Relaxed) {
            F::sleep(Duration::from_millis(10)).await;
        }
        if let Some(e) = self.error.lock().unwrap().take() {
            panic!("the background change failed: {e}");
        }
    }

    fn any_done(&self) -> bool {
        !self.done_at.lock().unwrap().is_empty()
    }

    fn done_between(&self, from: Instant, to: Instant) -> usize {
        let done = self.done_at.lock().unwrap();
        done.iter().filter(|&&t| from <= t && t <= to).count()
    }
}

async fn connect<F: Flavor>(cluster: &RedisCluster) -> TestClient<F> {
    TestClient::<F>::connect(TestClient::<F>::builder_for(cluster))
        .await
        .expect("connects")
}

/// Write `keys` (name, type) through `client` and remember them.
async fn write<F: Flavor>(
    client: &TestClient<F>,
    written: &Written,
    keys: Vec<(String, &'static str)>,
) {
    for chunk in keys.chunks(500) {
        let cmds = chunk
            .iter()
            .map(|(k, ty)| match *ty {
                "hash" => Cmd::new("HSET").arg(k).arg("f").arg("v"),
                _ => Cmd::new("SET").arg(k).arg("v"),
            })
            .collect();
        for result in client.pipeline(cmds).await.expect("the writes go through") {
            result.expect("a write succeeds");
        }
    }
    written.lock().unwrap().extend(keys);
}

/// Scan with `opts`, check the result equals `want`, and return the scan's stats and how
/// long it took.
async fn scan_expect<F: Flavor>(
    client: &TestClient<F>,
    opts: ScanOptions,
    pace: &Pace<'_>,
    want: BTreeSet<String>,
    what: &str,
) -> (keyslot::ScanStats, Instant, Instant) {
    let began = Instant::now();
    let (keys, stats) = client.scan(opts, pace).await;
    let ended = Instant::now();
    let keys = keys.unwrap_or_else(|e| panic!("{what}: the scan failed: {e} ({stats:?})"));
    let total = keys.len();
    let got: BTreeSet<String> = keys
        .iter()
        .map(|k: &Bytes| String::from_utf8_lossy(k).into_owned())
        .collect();
    let missing: Vec<_> = want.difference(&got).take(10).collect();
    let extra: Vec<_> = got.difference(&want).take(10).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: {} keys missing (first {missing:?}), {} unexpected (first {extra:?}); {stats:?}",
        want.difference(&got).count(),
        got.difference(&want).count(),
    );
    println!(
        "{}: {what}: {} keys ({} returned, {} repeats) in {:.2?}; {stats:?}",
        F::NAME,
        got.len(),
        total,
        total - got.len(),
        ended - began,
    );
    (stats, began, ended)
}

fn names(written: &Written, keep: impl Fn(&str, &str) -> bool) -> BTreeSet<String> {
    let written = written.lock().unwrap();
    written
        .iter()
        .filter(|(k, t)| keep(k, t))
        .map(|(k, _)| k.clone())
        .collect()
}

fn opts(pattern: Option<&str>, type_: Option<&str>) -> ScanOptions {
    ScanOptions {
        pattern: pattern.map(|p| Bytes::copy_from_slice(p.as_bytes())),
        count: Some(COUNT),
        type_: type_.map(|t| Bytes::copy_from_slice(t.as_bytes())),
    }
}

/// (a) Nothing moves: exactly the keys written, with MATCH and TYPE filtering like the server.
async fn quiet_scan<F: Flavor>(cluster: &RedisCluster, written: &Written) {
    let client = connect::<F>(cluster).await;
    let (stats, _, _) = scan_expect(
        &client,
        opts(None, None),
        &|| Duration::ZERO,
        names(written, |_, _| true),
        "all keys",
    )
    .await;
    assert_eq!(
        stats.slots_confirmed, 16384,
        "a quiet cluster is confirmed by the main pass"
    );
    let want = names(written, |k, t| k.starts_with("base:1") && t == "hash");
    scan_expect(
        &client,
        opts(Some("base:1*"), Some("hash")),
        &|| Duration::ZERO,
        want,
        "MATCH base:1* TYPE hash",
    )
    .await;
    let want = names(written, |k, t| {
        k.starts_with("base:") && k.ends_with('7') && t == "string"
    });
    scan_expect(
        &client,
        opts(Some("base:*[7]"), Some("string")),
        &|| Duration::ZERO,
        want,
        "MATCH base:*[7] TYPE string",
    )
    .await;
}

/// (b) Slots move, in small MIGRATE batches, while the scan runs.
async fn scan_while_resharding<F: Flavor>(
    cluster: &RedisCluster,
    background: &Background,
    written: &Written,
) {
    let client = connect::<F>(cluster).await;
    let primaries = cluster.primaries().unwrap();
    let source = primaries[F::INDEX % primaries.len()].clone();
    let target = primaries[(F::INDEX + 1) % primaries.len()].clone();
    let view = cluster.agreed_view().unwrap();
    let (first, last) = view.entry(source.id()).unwrap().slots[0];
    let slots: Vec<u16> = (first..=last).take(SLOTS_MOVED).collect();
    let keys = slots
        .iter()
        .flat_map(|&slot| {
            (0..KEYS_PER_MOVED_SLOT)
                .map(move |j| (key_in_slot(slot, &format!("{}:{j}", F::NAME)), "string"))
        })
        .collect();
    write(&client, written, keys).await;

    background.start(Job::Reshard {
        from: source.clone(),
        to: target.clone(),
        slots,
    });
    // Let the move get going before the scan starts.
    eventually::<F, _, _>("slots start moving", Duration::from_secs(10), || async {
        let n = background.done_at.lock().unwrap().len();
        if n >= 5 {
            Ok(())
        } else {
            Err(format!("{n} slots moved"))
        }
    })
    .await;
    let (stats, began, ended) = scan_expect(
        &client,
        opts(None, None),
        &|| RESHARD_PACE,
        names(written, |_, _| true),
        "during resharding",
    )
    .await;
    let overlapped = background.done_between(began, ended);
    background.finish::<F>().await;
    println!(
        "{}: {overlapped} slots changed owner during the scan",
        F::NAME
    );
    assert!(
        overlapped >= 10,
        "only {overlapped} slots moved during the scan: it proves little"
    );
    assert!(
        stats.slots_recovered > 0,
        "the scan did not notice the moves: {stats:?}"
    );
}

/// (c) A primary fails over to its replica while the scan runs.
async fn scan_through_failover<F: Flavor>(
    cluster: &RedisCluster,
    background: &Background,
    written: &Written,
) {
    let client = connect::<F>(cluster).await;
    let primaries = cluster.primaries().unwrap();
    let primary = &primaries[F::INDEX % primaries.len()];
    let replica = cluster.replicas_of(primary).unwrap()[0].clone();
    background.start(Job::Failover {
        replica,
        after: Duration::from_millis(100),
    });
    let (stats, began, ended) = scan_expect(
        &client,
        opts(None, None),
        // Slow until the failover is agreed, so that it happens during the scan however
        // loaded the machine is; then at full speed.
        &|| {
            if background.any_done() {
                Duration::ZERO
            } else {
                FAILOVER_PACE
            }
        },
        names(written, |_, _| true),
        "through a failover",
    )
    .await;
    background.finish::<F>().await;
    let overlapped = background.done_between(began, ended);
    assert_eq!(
        overlapped, 1,
        "the failover did not complete during the scan"
    );
    assert!(
        stats.slots_recovered > 0,
        "the scan did not notice the failover: {stats:?}"
    );
}

/// Keys and patterns where glob rules are easy to get wrong: classes, negation, reversed and
/// open-ended ranges, escapes, unterminated classes, the empty key.
const TRICKY_KEYS: &[&str] = &[
    "", "a", "b", "c", "ab", "abc", "aXc", "a*c", "a?c", "*", "?", "[", "]", "-", "^", "\\", "a\\",
    "x]y", "a-b", "k^", "[abc", "bbb",
];
const TRICKY_PATTERNS: &[&str] = &[
    "*", "**", "a*", "*c", "*a*", "?", "??", "a?c", "[abc]", "[^abc]", "[a-c]", "[c-a]", "[\\]]",
    "[\\-]", "[a-]", "[abc", "a\\*c", "a*c", "\\", "a\\", "*\\", "[", "[^", "[]]", "[!a]",
    "[a-b-c]", "\\[abc", "x[]]y", "[^]]*", "*[", "",
];

/// The client-side matcher used for re-read slots agrees with the server's own: `KEYS
/// pattern` on every primary against [`keyslot::glob_match`] over the same keys.
async fn glob_agrees_with_server<F: Flavor>(client: &TestClient<F>, written: &Written) {
    let keys = TRICKY_KEYS
        .iter()
        .map(|k| (k.to_string(), "string"))
        .collect();
    write(client, written, keys).await;
    let topology = client.topology().await.expect("a view");
    let primaries: Vec<_> = topology
        .shards()
        .iter()
        .filter_map(|s| s.primary.as_ref().map(|p| p.addr.clone()))
        .collect();
    let mut disagree = Vec::new();
    for pattern in TRICKY_PATTERNS {
        let mut server = BTreeSet::new();
        for node in &primaries {
            let reply = client
                .send_to(node, Cmd::new("KEYS").arg(*pattern))
                .await
                .expect("KEYS");
            for key in reply.as_slice().expect("an array") {
                server.insert(key.as_bytes().expect("a key").to_vec());
            }
        }
        let ours: BTreeSet<Vec<u8>> = TRICKY_KEYS
            .iter()
            .filter(|k| keyslot::glob_match(pattern.as_bytes(), k.as_bytes()))
            .map(|k| k.as_bytes().to_vec())
            .collect();
        if server != ours {
            disagree.push(format!("{pattern:?}: server {server:?}, ours {ours:?}"));
        }
    }
    assert!(disagree.is_empty(), "glob disagreements: {disagree:#?}");
}

#[test]
fn cluster_scan() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let spec = ClusterSpec::new()
        .shape(3, 1)
        .node_timeout(QUIET_NODE_TIMEOUT);
    let cluster = RedisCluster::start(spec).unwrap();
    let written = Written::default();
    let background = Background::default();
    let base = (0..BASE_KEYS)
        .map(|i| {
            (
                format!("base:{i}"),
                if i % 4 == 0 { "hash" } else { "string" },
            )
        })
        .collect();
    keyslot_tests::runtimes::Tokio::block_on(async {
        let client = connect::<keyslot_tests::runtimes::Tokio>(&cluster).await;
        glob_agrees_with_server(&client, &written).await;
        write(&client, &written, base).await;
    });
    std::thread::scope(|s| {
        s.spawn(|| background.run(&cluster));
        let mut runs = Runs::new();
        on_every_runtime!(runs, "quiet scan", quiet_scan(&cluster, &written));
        on_every_runtime!(
            runs,
            "scan while resharding",
            scan_while_resharding(&cluster, &background, &written)
        );
        on_every_runtime!(
            runs,
            "scan through a failover",
            scan_through_failover(&cluster, &background, &written)
        );
        background.quit.store(true, Ordering::Relaxed);
        runs.finish();
    });
}
