//! The scale scenario in miniature, with the heap watched: on a 500-shard cluster a client
//! must not keep a large topology reply's worth of scratch memory on every connection.
//!
//! A `CLUSTER SHARDS` reply from 500 shards is about 230 KB and decodes through a tape of
//! some 15,000 nodes. Before the fix in `core/src/cluster/read.rs`, every connection that
//! ever carried one kept its read buffer, its frame batch and its decoder's tape at that
//! size — about 1.5 MB per connection, 20 MB per client after a minute of talking to a
//! few dozen primaries, 22 GB for a fleet of a thousand clients in the simulator. This test
//! counts live heap bytes with its own global allocator while a handful of clients go
//! through bootstrap and a failover (dozens of topology replies over many connections).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use keyslot_core::time::Duration;
use keyslot_tests::sim::scale::{self, ScaleConfig};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                    + (new_size - layout.size());
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn clients_on_a_500_shard_cluster_do_not_hoard_reply_buffers() {
    let clients = 8;
    let cfg = ScaleConfig {
        shards: 500,
        clients,
        threads: 1,
        batch: clients,
        startup: Duration::from_secs(1),
        fail_at: Duration::from_secs(12),
        observe: Duration::from_secs(6),
        request_every: Duration::from_millis(400),
        ..ScaleConfig::default()
    };
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let report = scale::run(&cfg);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    println!("{report}");
    println!(
        "peak heap {:.1} MB for {clients} clients and the simulated cluster",
        peak as f64 / 1e6
    );
    assert!(report.routed_correctly, "{report}");
    assert!(
        report.queries >= 8 * clients as u64,
        "the clients fetched the topology many times: {report}"
    );
    // The simulated cluster itself (1,000 nodes, their views, cached replies) takes about
    // 10 MB; each client's own topology and slot table about 1 MB.
    let limit = 10_000_000 + clients * 3_000_000;
    assert!(
        peak < limit,
        "peak heap {peak} bytes for {clients} clients (limit {limit}): connections keep large \
         reply buffers"
    );
}
