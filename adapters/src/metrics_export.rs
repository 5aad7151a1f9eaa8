//! The `metrics` crate facade (feature `metrics`): a client's snapshot published as gauges
//! and counters, for Prometheus, StatsD or whatever recorder the application installed.
//!
//! The client counts as it goes (see [`crate::Metrics`]); nothing is recorded per request
//! through the facade, so its cost is one snapshot per publish, at whatever pace the
//! application calls [`publish`] (or [`crate::Client::publish_metrics`]): every 10 s, say.
//!
//! | name | kind | labels |
//! |---|---|---|
//! | `keyslot_node_connections` | gauge | `node`, `role` |
//! | `keyslot_node_in_flight` | gauge | `node`, `role` |
//! | `keyslot_node_replies_total` | counter | `node`, `role` |
//! | `keyslot_node_errors_total` | counter | `node`, `role`, `kind` |
//! | `keyslot_node_redirects_total` | counter | `node`, `role`, `redirect` (`moved`, `ask`) |
//! | `keyslot_node_connection_failures_total` | counter | `node`, `role` |
//! | `keyslot_node_latency_seconds` | gauge | `node`, `role`, `quantile` (`0.5`, `0.99`) |
//! | `keyslot_requests_in_flight` | gauge | |
//! | `keyslot_requests_timed_out_total` | counter | |
//! | `keyslot_topology_changes_total` | counter | |
//! | `keyslot_cache_reads_total` | counter | `result` (`hit`, `miss`) |
//! | `keyslot_cache_dropped_total` | counter | `reason` (`invalidated`, `evicted`) |
//! | `keyslot_cache_entries` | gauge | |
//! | `keyslot_cache_bytes` | gauge | |
//!
//! The `keyslot_cache_*` series appear only with a client-side cache ([`crate::CacheConfig`]).
//!
//! ```no_run
//! # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
//! // Once a second, say, with the application's recorder installed.
//! keyslot::metrics_export::publish(&client.metrics().await?);
//! # Ok(()) }
//! ```

use keyslot_core::topology::Role;

use crate::Metrics;

/// Publish `snapshot` through the `metrics` facade (counters as absolute values: they are
/// the client's totals since it started).
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Config};
/// let cluster: Cluster = Cluster::new(Config::default(), vec![Addr::new("10.0.0.1", 7000)], Instant::ZERO);
/// // With no recorder installed, publishing does nothing and costs little.
/// keyslot::metrics_export::publish(&cluster.metrics());
/// ```
pub fn publish(snapshot: &Metrics) {
    for node in &snapshot.nodes {
        let addr = node.addr.to_string();
        let role = match node.role {
            Role::Primary => "primary",
            Role::Replica => "replica",
        };
        let labels = [("node", addr.clone()), ("role", role.to_string())];
        metrics::gauge!("keyslot_node_connections", &labels).set(node.connections as f64);
        metrics::gauge!("keyslot_node_in_flight", &labels).set(node.in_flight as f64);
        metrics::counter!("keyslot_node_replies_total", &labels).absolute(node.replies);
        metrics::counter!("keyslot_node_connection_failures_total", &labels)
            .absolute(node.connection_failures);
        for (kind, n) in &node.errors {
            let labels = [
                ("node", addr.clone()),
                ("role", role.to_string()),
                ("kind", format!("{kind:?}")),
            ];
            metrics::counter!("keyslot_node_errors_total", &labels).absolute(*n);
        }
        for (redirect, n) in [("moved", node.moved), ("ask", node.ask)] {
            let labels = [
                ("node", addr.clone()),
                ("role", role.to_string()),
                ("redirect", redirect.to_string()),
            ];
            metrics::counter!("keyslot_node_redirects_total", &labels).absolute(n);
        }
        for (quantile, percent) in [("0.5", 50.0), ("0.99", 99.0)] {
            let labels = [
                ("node", addr.clone()),
                ("role", role.to_string()),
                ("quantile", quantile.to_string()),
            ];
            let seconds = node.latency.percentile(percent).as_micros() as f64 / 1e6;
            metrics::gauge!("keyslot_node_latency_seconds", &labels).set(seconds);
        }
    }
    metrics::gauge!("keyslot_requests_in_flight").set(snapshot.requests_in_flight as f64);
    metrics::counter!("keyslot_requests_timed_out_total").absolute(snapshot.requests_timed_out);
    metrics::counter!("keyslot_topology_changes_total").absolute(snapshot.topology_changes);
    if let Some(cache) = &snapshot.cache {
        for (result, n) in [("hit", cache.hits), ("miss", cache.misses)] {
            metrics::counter!("keyslot_cache_reads_total", "result" => result).absolute(n);
        }
        for (reason, n) in [
            ("invalidated", cache.invalidated),
            ("evicted", cache.evicted),
        ] {
            metrics::counter!("keyslot_cache_dropped_total", "reason" => reason).absolute(n);
        }
        metrics::gauge!("keyslot_cache_entries").set(cache.entries as f64);
        metrics::gauge!("keyslot_cache_bytes").set(cache.bytes as f64);
    }
}
