//! Requests in flight are bounded per client (`Builder::max_pending_requests`): past the
//! bound, submitting waits. Against a real cluster (3 primaries) whose node for the test's
//! keys is frozen with SIGSTOP, so that nothing is ever answered:
//!
//! - on every runtime, with a bound of 1, a second caller's command waits for the first
//!   one's place before its own deadline starts;
//! - on the async runtimes, a burst of 1,000,000 commands (each a future polled once, the
//!   way a caller that fires a million requests at once holds them) adds no more than the
//!   bound's worth of memory: the heap, counted by this binary's allocator, grows by under
//!   8 MiB however many futures wait, where a client without the bound holds every command,
//!   its bytes and its bookkeeping (hundreds of MiB here). The futures' own size is the
//!   caller's, measured before they are first polled.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

use keyslot::{Cmd, Error, Value};
use keyslot_tests::cluster::RedisCluster;
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    claim_machine, flavor_shard, key_in_slot, quiet_primaries, Flavor, Runs, TestClient,
};

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

const BURST: usize = 1_000_000;
const BOUND: usize = 1_000;
/// What the client may add for a burst: the bound's requests with their bytes, with room.
const MAX_GROWTH: isize = 8 << 20;

async fn past_the_bound_a_caller_waits<F: Flavor>(cluster: &RedisCluster) {
    let builder = TestClient::<F>::builder_for(cluster).max_pending_requests(1);
    let c = TestClient::<F>::connect(builder).await.expect("connects");
    let (node, slot) = flavor_shard::<F>(cluster);
    let frozen = cluster.freeze(&node).expect("SIGSTOP");
    let first = {
        let c = c.clone();
        let incr = Cmd::new("INCR").arg(key_in_slot(slot, &format!("first:{}", F::NAME)));
        F::spawn(async move { c.send_timeout(incr, Duration::from_millis(400)).await })
    };
    F::sleep(Duration::from_millis(50)).await;
    let began = Instant::now();
    let incr = Cmd::new("INCR").arg(key_in_slot(slot, &format!("second:{}", F::NAME)));
    let second = c.send_timeout(incr, Duration::from_millis(100)).await;
    let waited = began.elapsed();
    // Written to the frozen node, or still waiting for its handshake: no answer either way.
    let first = first.await;
    assert!(
        matches!(first, Err(Error::Timeout | Error::OutcomeUnknown { .. })),
        "{first:?}"
    );
    assert!(matches!(
        second,
        Err(Error::Timeout | Error::OutcomeUnknown { .. })
    ));
    assert!(
        waited >= Duration::from_millis(400),
        "the second waited {waited:?}: it did not wait for the first's place"
    );
    cluster.resume(frozen).expect("SIGCONT");
}

/// Poll each future once, with a waker that does nothing: each starts, and waits. Every 64
/// polls the scenario yields to its runtime, whose cooperative budget (tokio's: 128
/// operations a turn) would otherwise make the rest wait without starting.
async fn poll_once_each<Fut: Future>(futures: &mut [Pin<Box<Fut>>]) {
    for chunk in futures.chunks_mut(64) {
        let mut cx = Context::from_waker(Waker::noop());
        for f in chunk.iter_mut() {
            assert!(f.as_mut().poll(&mut cx).is_pending(), "nothing answers");
        }
        futures_lite::future::yield_now().await;
    }
}

async fn a_burst_adds_only_the_bound<F: Flavor>(cluster: &RedisCluster) {
    if F::NAME == "blocking" {
        // Its callers are threads: past the bound each blocks (the test above); a million
        // threads are not a burst one process can hold.
        println!("blocking: the burst needs futures; the bound itself is tested above");
        return;
    }
    // The client itself, not the test's wrapper: its futures are what a caller holds.
    let seed = cluster.seed_addr().expect("a seed").to_string();
    let c = keyslot::Client::<F::Runtime>::builder([seed])
        .max_pending_requests(BOUND)
        .connect()
        .await
        .expect("connects");
    let (node, slot) = flavor_shard::<F>(cluster);
    let frozen = cluster.freeze(&node).expect("SIGSTOP");
    let key = key_in_slot(slot, &format!("burst:{}", F::NAME));
    let mut burst: Vec<_> = (0..BURST)
        .map(|i| Box::pin(c.send(Cmd::new("SET").arg(&key).arg(i.to_string()))))
        .collect();
    let before = live();
    poll_once_each(&mut burst).await;
    // The driver takes what was submitted into the core.
    F::sleep(Duration::from_millis(500)).await;
    let grown = live() - before;
    println!(
        "{}: {BURST} commands to a frozen node, at most {BOUND} in flight: the heap grew by \
         {:.1} MiB",
        F::NAME,
        grown as f64 / f64::from(1 << 20)
    );
    assert!(
        grown < MAX_GROWTH,
        "the heap grew by {grown} bytes for {BURST} waiting commands"
    );
    drop(burst);
    cluster.resume(frozen).expect("SIGCONT");
    // Every caller gave up: the client still works.
    let get = c.send(Cmd::new("GET").arg(&key)).await;
    assert!(
        matches!(get, Ok(Value::Null | Value::BulkString(_))),
        "{get:?}"
    );
}

#[test]
fn requests_in_flight_are_bounded() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let spec = quiet_primaries();
    let cluster = RedisCluster::start(spec).expect("a cluster");
    let mut runs = Runs::new();
    on_every_runtime!(
        runs,
        "past the bound, a caller waits",
        past_the_bound_a_caller_waits(&cluster)
    );
    on_every_runtime!(
        runs,
        "a burst of a million adds only the bound",
        a_burst_adds_only_the_bound(&cluster)
    );
    runs.finish();
}
