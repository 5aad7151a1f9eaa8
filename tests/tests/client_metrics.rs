//! `client.metrics()` against a real cluster, on tokio, smol, async-std and the blocking
//! client: replies, reply times, error kinds and redirects are counted on the node that sent
//! them, and connections and requests in flight are what the client holds. The same
//! snapshot, published through the `metrics` facade, reaches a recorder unchanged.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use keyslot::{Cmd, ServerErrorKind};
use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    claim_machine, client_addr, flavor_shard, key_in_slot, Flavor, TestClient,
};

async fn counted<F: Flavor>(cluster: &RedisCluster) {
    let client = TestClient::<F>::connect(TestClient::<F>::builder_for(cluster))
        .await
        .expect("connects");
    for i in 0..200 {
        let key = format!("metrics:{}:{i}", F::NAME);
        client
            .send(Cmd::new("SET").arg(&key).arg("v"))
            .await
            .expect("SET");
    }
    let metrics = client.metrics().await;
    let primaries = cluster.primaries().expect("the cluster agrees");
    for primary in &primaries {
        let node = metrics
            .nodes
            .iter()
            .find(|n| n.addr == client_addr(primary))
            .unwrap_or_else(|| panic!("node {} in the metrics", primary.index()));
        assert!(node.listed && node.connections >= 1, "{node:?}");
        assert!(node.replies >= 30, "200 SETs over 3 primaries: {node:?}");
        assert_eq!(node.latency.count(), node.replies, "every reply timed");
        assert!(node.latency.percentile(99.0).as_micros() > 0);
    }
    let total: u64 = metrics.nodes.iter().map(|n| n.replies).sum();
    assert!(total >= 200, "{total}");

    // A WRONGTYPE from the key's own node, by kind.
    let (owner, slot) = flavor_shard::<F>(cluster);
    let key = key_in_slot(slot, &format!("metrics:{}:list", F::NAME));
    client
        .send(Cmd::new("SET").arg(&key).arg("x"))
        .await
        .expect("SET");
    assert!(client
        .send(Cmd::new("LPUSH").arg(&key).arg("y"))
        .await
        .is_err());
    let metrics = client.metrics().await;
    let node = metrics
        .nodes
        .iter()
        .find(|n| n.addr == client_addr(&owner))
        .expect("owner");
    let wrongtype = node
        .errors
        .iter()
        .find(|(k, _)| *k == ServerErrorKind::WrongType);
    assert!(
        matches!(wrongtype, Some((_, n)) if *n >= 1),
        "{:?}",
        node.errors
    );

    // The slot moves: the old owner's MOVED is counted on it.
    let target = primaries
        .iter()
        .find(|p| p.id() != owner.id())
        .expect("another primary")
        .clone();
    cluster
        .migrate_slot(slot, &owner, &target)
        .expect("the slot migrates");
    client
        .send(Cmd::new("GET").arg(&key))
        .await
        .expect("GET after the move");
    let metrics = client.metrics().await;
    let old = metrics
        .nodes
        .iter()
        .find(|n| n.addr == client_addr(&owner))
        .expect("old owner");
    assert!(old.moved >= 1, "{old:?}");
    cluster
        .migrate_slot(slot, &target, &owner)
        .expect("the slot goes back");

    // Through the metrics facade: the same totals, labelled by node and role.
    let recorder = Recorded::default();
    metrics::with_local_recorder(&recorder, || keyslot::metrics_export::publish(&metrics));
    let counters = recorder.0.lock().expect("not poisoned");
    let old_label = format!("node={},role=primary", client_addr(&owner));
    assert_eq!(
        counters.get(&format!("keyslot_node_replies_total{{{old_label}}}")),
        Some(&(old.replies as f64))
    );
    assert_eq!(
        counters.get(&format!(
            "keyslot_node_redirects_total{{node={},redirect=moved,role=primary}}",
            client_addr(&owner)
        )),
        Some(&(old.moved as f64))
    );
    assert!(
        counters.contains_key("keyslot_requests_in_flight{}"),
        "{counters:?}"
    );
    println!(
        "{}: {total} replies counted over {} nodes",
        F::NAME,
        metrics.nodes.len()
    );
}

/// A `metrics` recorder that keeps the last value of every counter and gauge, by name and
/// sorted labels.
#[derive(Default)]
struct Recorded(Arc<Mutex<BTreeMap<String, f64>>>);

struct Cell(String, Arc<Mutex<BTreeMap<String, f64>>>);

impl Cell {
    fn put(&self, value: f64) {
        self.1
            .lock()
            .expect("not poisoned")
            .insert(self.0.clone(), value);
    }
}

impl metrics::CounterFn for Cell {
    fn increment(&self, _: u64) {}
    fn absolute(&self, value: u64) {
        self.put(value as f64);
    }
}

impl metrics::GaugeFn for Cell {
    fn increment(&self, _: f64) {}
    fn decrement(&self, _: f64) {}
    fn set(&self, value: f64) {
        self.put(value);
    }
}

impl Recorded {
    fn cell(&self, key: &metrics::Key) -> Arc<Cell> {
        let mut labels: Vec<String> = key
            .labels()
            .map(|l| format!("{}={}", l.key(), l.value()))
            .collect();
        labels.sort();
        Arc::new(Cell(
            format!("{}{{{}}}", key.name(), labels.join(",")),
            self.0.clone(),
        ))
    }
}

impl metrics::Recorder for Recorded {
    fn describe_counter(
        &self,
        _: metrics::KeyName,
        _: Option<metrics::Unit>,
        _: metrics::SharedString,
    ) {
    }
    fn describe_gauge(
        &self,
        _: metrics::KeyName,
        _: Option<metrics::Unit>,
        _: metrics::SharedString,
    ) {
    }
    fn describe_histogram(
        &self,
        _: metrics::KeyName,
        _: Option<metrics::Unit>,
        _: metrics::SharedString,
    ) {
    }
    fn register_counter(&self, key: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Counter {
        metrics::Counter::from_arc(self.cell(key))
    }
    fn register_gauge(&self, key: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Gauge {
        metrics::Gauge::from_arc(self.cell(key))
    }
    fn register_histogram(
        &self,
        _: &metrics::Key,
        _: &metrics::Metadata<'_>,
    ) -> metrics::Histogram {
        metrics::Histogram::noop()
    }
}

#[test]
fn metrics_count_what_each_node_did() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new()).unwrap();
    let mut runs = keyslot_tests::runtimes::Runs::new();
    on_every_runtime!(runs, "metrics per node", counted(&cluster));
    runs.finish();
}
