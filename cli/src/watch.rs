//! `keyslot watch`: a live per-node view of a cluster, refreshed every interval like `top`.
//!
//! # Why
//!
//! In an incident the question is *which node*: which one is hot, slow, refusing commands,
//! handing out redirects or unreachable. `keyslot topology` answers once, for the slot map;
//! `watch` keeps answering, for the traffic, with the cluster's own numbers next to what a
//! client on this machine sees.
//!
//! # What comes from where
//!
//! The watch is a client of its own, so its client-side counters describe only its own
//! requests: it never sends a keyed command, so it would never see a `MOVED`, and its error
//! count would say nothing about the application's. What the cluster's users do is therefore
//! read from the servers, every interval, with one `INFO` (default sections) per node:
//! - ops/s: the growth of `total_commands_processed` over the time between two replies,
//!   less the watch's own commands (its previous `INFO` and the `PING`s answered since);
//!   `instantaneous_ops_per_sec` on the first refresh and after a restart (a new `run_id`);
//! - `moved+ask` and `errors`: the growth of `errorstat_MOVED`/`errorstat_ASK`, and of
//!   `total_error_replies` less those, with the commonest codes (`errorstats`, Redis 6.2+,
//!   Valkey): what the node told every client in the interval;
//! - `clients`: `connected_clients`.
//!
//! What is the client's own, from `client.metrics()`: its connections to each node, whether
//! the connection stalled, and reply times. For those to mean something a prober task per
//! node `PING`s it ten times per interval (a light load: ten commands per second per node at
//! the default interval), so p50 and p99 are over about eleven round trips in the last
//! interval (`Latency::since` the previous snapshot): the time any client on this machine
//! waits on that node, queueing behind a busy node included. With so few samples p99 is in
//! effect the interval's slowest probe, which is what a `top` should flag.
//!
//! The state column is the probe's outcome: `connected` (answered `INFO`), `slow` (no reply
//! within the probe timeout), `down` (could not reach it), `stalled` (the client's stall
//! detection fired), `failed` (the cluster marks it failed), `loading`.
//!
//! The client refreshes its view of the cluster every interval (at least every second), so
//! a failover or a migration shows within a refresh or two rather than at the library's
//! default minute.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use keyslot::{Addr, Cmd, Error, Latency, Metrics, Value};
use keyslot_core::topology::{Health, NodeInfo, Role, Topology};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::MissedTickBehavior;

use crate::args::WatchArgs;
use crate::connect;
use crate::watch_view::{self, Header, Output, Row, Screen};

/// `PING`s per node per interval, for the reply-time percentiles.
const PROBES_PER_INTERVAL: u32 = 10;

/// At most this many notes under the table.
const MAX_NOTES: usize = 5;

/// Run `keyslot watch` until Ctrl-C, `--count` refreshes, or a closed stdout.
pub async fn run(args: WatchArgs) -> Result<i32, Error> {
    let refresh = args
        .interval
        .clamp(Duration::from_secs(1), Duration::from_secs(60));
    let client = connect::client_with(&args.seeds, &args.connect, None, |builder| {
        builder
            .client_name("keyslot-watch")
            .periodic_refresh(Some(refresh))
    })
    .await?;
    if client.topology().await?.is_none() {
        return Err(Error::Timeout);
    }
    let interrupted = async {
        // Without a signal handler, run until --count or a closed stdout.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = interrupted => {
            // Leave the shell prompt below the last view, not after the echoed ^C.
            if std::io::stdout().is_terminal() {
                println!();
            }
            Ok(0)
        }
        result = watch(client, &args) => result,
    }
}

async fn watch(client: keyslot::tokio::Client, args: &WatchArgs) -> Result<i32, Error> {
    let mut watcher = Watcher::new(client, args);
    let mut output = Output::stdout();
    let mut ticks = tokio::time::interval(args.interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    for refresh in 1u64.. {
        ticks.tick().await;
        let screen = watcher.refresh(refresh).await?;
        if !output.draw(&screen.lines()) || args.count.is_some_and(|n| refresh >= n) {
            break;
        }
    }
    Ok(0)
}

/// A task that `PING`s one node at a steady pace; aborted when dropped.
struct Prober {
    task: JoinHandle<()>,
    /// `PING`s it answered so far (to subtract from the node's command count).
    answered: Arc<AtomicU64>,
}

impl Prober {
    fn start(client: keyslot::tokio::Client, addr: Addr, every: Duration) -> Prober {
        let answered = Arc::new(AtomicU64::new(0));
        let count = answered.clone();
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if client.send_to(&addr, Cmd::new("PING")).await.is_ok() {
                    count.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        Prober { task, answered }
    }
}

impl Drop for Prober {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What one node's `INFO` said, and when.
#[derive(Clone, Debug)]
struct Sample {
    at: Instant,
    /// The prober's answered `PING`s when the reply came.
    own: u64,
    run_id: Option<String>,
    commands: Option<u64>,
    instantaneous_ops: Option<f64>,
    clients: Option<u64>,
    error_replies: Option<u64>,
    /// `errorstat_<CODE>:count=<n>` lines; `None` when the reply has no such section.
    errorstats: Option<Vec<(String, u64)>>,
}

fn parse_info(text: &str, at: Instant, own: u64) -> Sample {
    let mut sample = Sample {
        at,
        own,
        run_id: None,
        commands: None,
        instantaneous_ops: None,
        clients: None,
        error_replies: None,
        errorstats: None,
    };
    for line in text.lines() {
        let line = line.trim_end();
        if line.eq_ignore_ascii_case("# errorstats") {
            sample.errorstats.get_or_insert_with(Vec::new);
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        match key {
            "run_id" => sample.run_id = Some(value.to_string()),
            "total_commands_processed" => sample.commands = value.parse().ok(),
            "instantaneous_ops_per_sec" => sample.instantaneous_ops = value.parse().ok(),
            "connected_clients" => sample.clients = value.parse().ok(),
            "total_error_replies" => sample.error_replies = value.parse().ok(),
            _ => {
                if let Some(code) = key.strip_prefix("errorstat_") {
                    let count = value
                        .split(',')
                        .find_map(|f| f.strip_prefix("count="))
                        .and_then(|n| n.parse().ok());
                    if let Some(count) = count {
                        sample
                            .errorstats
                            .get_or_insert_with(Vec::new)
                            .push((code.to_string(), count));
                    }
                }
            }
        }
    }
    sample
}

/// What a node did between two samples.
#[derive(Debug, Default, PartialEq)]
struct Interval {
    ops: Option<f64>,
    redirects: Option<u64>,
    errors: Option<u64>,
    codes: Vec<(String, u64)>,
}

fn is_redirect(code: &str) -> bool {
    code == "MOVED" || code == "ASK"
}

fn interval(prev: Option<&Sample>, now: &Sample) -> Interval {
    let same_process = prev.filter(|p| {
        p.run_id == now.run_id && matches!((p.commands, now.commands), (Some(a), Some(b)) if a <= b)
    });
    let Some(prev) = same_process else {
        return Interval {
            ops: now.instantaneous_ops,
            ..Interval::default()
        };
    };
    let seconds = now.at.duration_since(prev.at).as_secs_f64();
    let ops = match (prev.commands, now.commands) {
        (Some(a), Some(b)) if seconds > 0.0 => {
            // The watch's own: its previous INFO and the PINGs answered since.
            let own = now.own.saturating_sub(prev.own) + 1;
            Some((b - a).saturating_sub(own) as f64 / seconds)
        }
        _ => now.instantaneous_ops,
    };
    let mut redirects = None;
    let mut codes = Vec::new();
    if let (Some(before), Some(after)) = (&prev.errorstats, &now.errorstats) {
        let mut moved_ask = 0;
        for (code, n) in after {
            let was = before
                .iter()
                .find(|(c, _)| c == code)
                .map_or(0, |(_, n)| *n);
            let grew = n.saturating_sub(was);
            if is_redirect(code) {
                moved_ask += grew;
            } else if grew > 0 {
                codes.push((code.clone(), grew));
            }
        }
        redirects = Some(moved_ask);
        codes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        codes.truncate(3);
    }
    let errors = match (prev.error_replies, now.error_replies) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a).saturating_sub(redirects.unwrap_or(0))),
        _ => redirects.map(|_| codes.iter().map(|(_, n)| n).sum()),
    };
    Interval {
        ops,
        redirects,
        errors,
        codes,
    }
}

/// How one node's `INFO` went this refresh.
enum Probe {
    Answered(Sample),
    /// An error reply (`NOPERM`, `LOADING`): it is there, and said no.
    Refused(String),
    /// It could not be reached.
    Unreachable(String),
    TimedOut,
}

async fn probe(
    client: keyslot::tokio::Client,
    addr: Addr,
    answered: Arc<AtomicU64>,
    timeout: Duration,
) -> Probe {
    match tokio::time::timeout(timeout, client.send_to(&addr, Cmd::new("INFO"))).await {
        Ok(Ok(Value::BulkString(text))) | Ok(Ok(Value::Verbatim { text, .. })) => {
            let own = answered.load(Ordering::Relaxed);
            Probe::Answered(parse_info(
                &String::from_utf8_lossy(&text),
                Instant::now(),
                own,
            ))
        }
        Ok(Ok(other)) => Probe::Refused(format!("unexpected INFO reply {other:?}")),
        Ok(Err(Error::Server(e))) => Probe::Refused(e.to_string()),
        Ok(Err(e)) => Probe::Unreachable(e.to_string()),
        Err(_) => Probe::TimedOut,
    }
}

/// What the watch remembers of a node from one refresh to the next.
#[derive(Default)]
struct Seen {
    sample: Option<Sample>,
    latency: Latency,
    failures: u64,
}

/// The state between refreshes.
struct Watcher {
    client: keyslot::tokio::Client,
    interval: Duration,
    info_timeout: Duration,
    probers: HashMap<Addr, Prober>,
    seen: HashMap<Addr, Seen>,
    /// The previous snapshot's `topology_changes` and `requests_timed_out`.
    last_totals: Option<(u64, u64)>,
}

impl Watcher {
    fn new(client: keyslot::tokio::Client, args: &WatchArgs) -> Watcher {
        Watcher {
            client,
            interval: args.interval,
            info_timeout: (args.interval * 4 / 5)
                .max(Duration::from_millis(500))
                .min(args.connect.timeout),
            probers: HashMap::new(),
            seen: HashMap::new(),
            last_totals: None,
        }
    }

    async fn refresh(&mut self, refresh: u64) -> Result<Screen, Error> {
        let topology = self.client.topology().await?;
        let nodes: Vec<NodeInfo> = topology.as_ref().map(in_view_order).unwrap_or_default();

        self.probers
            .retain(|addr, _| nodes.iter().any(|n| n.addr == *addr));
        self.seen
            .retain(|addr, _| nodes.iter().any(|n| n.addr == *addr));
        let every = (self.interval / PROBES_PER_INTERVAL).max(Duration::from_millis(10));
        let mut probes = JoinSet::new();
        for node in &nodes {
            let prober = self
                .probers
                .entry(node.addr.clone())
                .or_insert_with(|| Prober::start(self.client.clone(), node.addr.clone(), every));
            let (client, addr, answered) = (
                self.client.clone(),
                node.addr.clone(),
                prober.answered.clone(),
            );
            let timeout = self.info_timeout;
            probes
                .spawn(async move { (addr.clone(), probe(client, addr, answered, timeout).await) });
        }
        let mut outcomes = HashMap::new();
        while let Some(done) = probes.join_next().await {
            if let Ok((addr, outcome)) = done {
                outcomes.insert(addr, outcome);
            }
        }
        let metrics = self.client.metrics().await?;
        Ok(self.screen(refresh, topology.as_ref(), &nodes, outcomes, &metrics))
    }

    fn screen(
        &mut self,
        refresh: u64,
        topology: Option<&Topology>,
        nodes: &[NodeInfo],
        mut outcomes: HashMap<Addr, Probe>,
        metrics: &Metrics,
    ) -> Screen {
        let mut rows = Vec::new();
        let mut notes = Vec::new();
        for node in nodes {
            let seen = self.seen.entry(node.addr.clone()).or_default();
            let m = metrics.nodes.iter().find(|m| m.addr == node.addr);
            let mut row = Row {
                node: node.addr.to_string(),
                replica: node.role == Role::Replica,
                role: match node.role {
                    Role::Primary => "primary",
                    Role::Replica => "replica",
                },
                slots: "-".into(),
                ..Row::default()
            };
            if let Some(shard) = topology.and_then(|t| {
                t.shards()
                    .iter()
                    .find(|s| s.primary.as_ref().is_some_and(|p| p.addr == node.addr))
            }) {
                row.slots = watch_view::slots(&shard.slots);
            }
            let mut new_failures = 0;
            if let Some(m) = m {
                row.conns = m.connections;
                let latency = m.latency.since(&seen.latency);
                if latency.count() > 0 {
                    row.p50_us = Some(latency.percentile(50.0).as_micros());
                    row.p99_us = Some(latency.percentile(99.0).as_micros());
                }
                seen.latency = m.latency.clone();
                new_failures = m.connection_failures.saturating_sub(seen.failures);
                seen.failures = m.connection_failures;
            }
            let outcome = outcomes.remove(&node.addr).unwrap_or(Probe::TimedOut);
            row.state = match (&outcome, node.health) {
                (_, Health::Failed) => "failed",
                _ if m.is_some_and(|m| m.stalled) => "stalled",
                (Probe::Answered(_), Health::Loading) => "loading",
                (Probe::Answered(_) | Probe::Refused(_), _) => "connected",
                (Probe::TimedOut, _) if new_failures == 0 => "slow",
                (Probe::TimedOut | Probe::Unreachable(_), _) => "down",
            };
            match outcome {
                Probe::Answered(sample) => {
                    let delta = interval(seen.sample.as_ref(), &sample);
                    row.clients = sample.clients;
                    row.ops = delta.ops;
                    row.redirects = delta.redirects;
                    row.errors = delta.errors;
                    row.error_codes = delta.codes;
                    seen.sample = Some(sample);
                }
                // The last sample stays: the next answer measures from it.
                Probe::Refused(e) => notes.push(format!("{}: INFO refused: {e}", row.node)),
                Probe::Unreachable(e) => notes.push(format!("{}: {e}", row.node)),
                Probe::TimedOut if new_failures > 0 => notes.push(format!(
                    "{}: cannot connect ({new_failures} failed attempts in the last interval)",
                    row.node
                )),
                Probe::TimedOut => notes.push(format!(
                    "{}: no INFO reply within {}",
                    row.node,
                    human(self.info_timeout)
                )),
            }
            rows.push(row);
        }
        if topology.is_none() {
            notes.push("the client has no view of the cluster yet".into());
        }
        if notes.len() > MAX_NOTES {
            let more = notes.len() - (MAX_NOTES - 1);
            notes.truncate(MAX_NOTES - 1);
            notes.push(format!("and {more} more"));
        }
        let (changes_before, timed_out_before) = self
            .last_totals
            .unwrap_or((metrics.topology_changes, metrics.requests_timed_out));
        self.last_totals = Some((metrics.topology_changes, metrics.requests_timed_out));
        let ops = |replicas: bool| {
            rows.iter()
                .filter(|r| r.replica == replicas)
                .filter_map(|r| r.ops)
                .reduce(|a, b| a + b)
        };
        let sum = |f: fn(&Row) -> Option<u64>| rows.iter().filter_map(f).reduce(|a, b| a + b);
        let header = Header {
            time: utc_now(),
            refresh,
            interval: human(self.interval),
            shards: topology.map_or(0, |t| t.shards().len()),
            nodes: nodes.len(),
            answering: rows
                .iter()
                .filter(|r| matches!(r.state, "connected" | "loading"))
                .count(),
            slots_covered: topology.map_or(0, |t| 16384 - t.uncovered_slots()),
            ops_primaries: ops(false),
            ops_replicas: ops(true),
            redirects: sum(|r| r.redirects),
            errors: sum(|r| r.errors),
            topology_changes: metrics.topology_changes,
            topology_changes_new: metrics.topology_changes.saturating_sub(changes_before),
            timed_out: metrics.requests_timed_out.saturating_sub(timed_out_before),
        };
        Screen {
            header,
            rows,
            notes,
        }
    }
}

/// Shard by shard in slot order (shards without slots last), each primary followed by its
/// replicas by address.
fn in_view_order(topology: &Topology) -> Vec<NodeInfo> {
    let mut shards: Vec<_> = topology.shards().iter().collect();
    shards.sort_by_key(|s| {
        (
            s.slots.is_empty(),
            s.slots.first().copied(),
            s.primary.as_ref().map(|p| p.addr.clone()),
        )
    });
    let mut nodes = Vec::new();
    for shard in shards {
        nodes.extend(shard.primary.iter().cloned());
        let mut replicas = shard.replicas.clone();
        replicas.sort_by(|a, b| a.addr.cmp(&b.addr));
        nodes.extend(replicas);
    }
    nodes
}

/// `1s`, `2.5s`, `500ms`.
fn human(d: Duration) -> String {
    if d.subsec_millis() == 0 && d.as_secs() > 0 {
        format!("{}s", d.as_secs())
    } else if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        % 86_400;
    format!(
        "{:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: &str = "# Server\r\nredis_version:7.0.15\r\nrun_id:abc\r\n\r\n\
        # Clients\r\nconnected_clients:7\r\n\r\n\
        # Stats\r\ntotal_commands_processed:1000\r\ninstantaneous_ops_per_sec:42\r\n\
        total_error_replies:10\r\n\r\n\
        # Errorstats\r\nerrorstat_MOVED:count=4\r\nerrorstat_WRONGTYPE:count=6\r\n";

    #[test]
    fn info_is_read_field_by_field() {
        let now = Instant::now();
        let s = parse_info(INFO, now, 3);
        assert_eq!(s.run_id.as_deref(), Some("abc"));
        assert_eq!(
            (s.commands, s.clients, s.error_replies),
            (Some(1000), Some(7), Some(10))
        );
        assert_eq!(s.instantaneous_ops, Some(42.0));
        assert_eq!(
            s.errorstats,
            Some(vec![("MOVED".into(), 4), ("WRONGTYPE".into(), 6)])
        );
        // No errors yet: the section is there and empty.
        let quiet = parse_info("# Errorstats\r\n# Cluster\r\ncluster_enabled:1\r\n", now, 0);
        assert_eq!(quiet.errorstats, Some(vec![]));
        assert_eq!(parse_info("# Stats\r\n", now, 0).errorstats, None);
    }

    #[test]
    fn an_interval_is_the_growth_less_the_watchs_own() {
        let t0 = Instant::now();
        let before = parse_info(INFO, t0, 3);
        let after_text = INFO
            .replace(
                "total_commands_processed:1000",
                "total_commands_processed:3011",
            )
            .replace("total_error_replies:10", "total_error_replies:17")
            .replace("MOVED:count=4", "MOVED:count=6")
            + "errorstat_ASK:count=1\r\nerrorstat_ERR:count=4\r\n";
        let after = parse_info(&after_text, t0 + Duration::from_secs(2), 13);
        let d = interval(Some(&before), &after);
        // 2011 commands, of which the previous INFO and 10 PINGs were the watch's.
        assert_eq!(d.ops, Some(1000.0));
        assert_eq!(d.redirects, Some(3));
        assert_eq!(d.errors, Some(4));
        assert_eq!(d.codes, vec![("ERR".to_string(), 4)]);
        // The first sample, and a restarted server: the server's own rate.
        assert_eq!(interval(None, &after).ops, Some(42.0));
        let restarted = parse_info(&INFO.replace("run_id:abc", "run_id:new"), t0, 0);
        assert_eq!(
            interval(Some(&after), &restarted),
            Interval {
                ops: Some(42.0),
                ..Interval::default()
            }
        );
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(human(Duration::from_secs(1)), "1s");
        assert_eq!(human(Duration::from_millis(500)), "500ms");
        assert_eq!(human(Duration::from_millis(2500)), "2.5s");
        let now = utc_now();
        assert_eq!((now.len(), &now[8..]), (12, " UTC"));
    }
}
