//! keyslot's `tracing` feature against a real cluster, on tokio, smol, async-std and the
//! blocking client: each request is a `keyslot.request` span, a child of the caller's span,
//! with the OpenTelemetry database attributes (`db.system.name`, `db.operation.name`,
//! `db.namespace`, `server.*` for the configured seed, `network.peer.*` for the node that
//! answered) and keyslot's own (`keyslot.slot`, `keyslot.redirects`); a server error records
//! its code; after the key's slot migrates, the GET records the redirect and the new owner;
//! the machine's events are `tracing` events; the user's `on_event` hook still gets what it
//! got without the feature (no `Served`); with request spans filtered out, requests work and
//! record nothing; and a request its caller gave up on ends its span `cancelled`.
//!
//! The spans are collected by a `Subscriber` of the test's own, installed as the process's
//! global default once: the driver runs on the runtimes' threads (and the blocking client's
//! on a thread of its own), which a per-thread default (`with_default`) would not reach.
//! It keeps every span's fields as strings, its parent (explicit, or the current span of the
//! thread that opened it) and whether it closed, and every event's fields.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use keyslot::trace::{REQUEST_SPAN, TARGET};
use keyslot::{Cmd, Event, ServerErrorKind};
use keyslot_tests::cluster::RedisCluster;
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    bulk, claim_machine, client_addr, eventually, key_in_slot, ok, quiet_primaries, Flavor,
    TestClient,
};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Instrument, Metadata, Subscriber};

/// A span as the collector saw it.
#[derive(Clone, Debug)]
struct SpanSeen {
    name: &'static str,
    parent: Option<u64>,
    fields: BTreeMap<String, String>,
    /// Handles still open; the span closed when none is left.
    refs: usize,
}

impl SpanSeen {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// An event as the collector saw it (`message` among its fields).
#[derive(Clone, Debug)]
struct EventSeen {
    target: String,
    level: tracing::Level,
    fields: BTreeMap<String, String>,
}

impl EventSeen {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

#[derive(Default)]
struct Collected {
    spans: HashMap<u64, SpanSeen>,
    events: Vec<EventSeen>,
}

/// The test's subscriber: it records everything, except request spans while
/// `requests_off` is set (as a subscriber that does not want them would).
#[derive(Default)]
struct Collector {
    next_id: AtomicU64,
    requests_off: AtomicBool,
    collected: Mutex<Collected>,
}

thread_local! {
    /// The spans entered on this thread, innermost last: the contextual parent.
    static ENTERED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Field values as strings (a `%display` value through `record_debug` is its `Display`).
struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl Collector {
    fn lock(&self) -> std::sync::MutexGuard<'_, Collected> {
        self.collected.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The request spans opened under span `parent`.
    fn requests_under(&self, parent: u64) -> Vec<SpanSeen> {
        let collected = self.lock();
        let mut spans: Vec<(u64, SpanSeen)> = collected
            .spans
            .iter()
            .filter(|(_, s)| s.parent == Some(parent) && s.name == REQUEST_SPAN)
            .map(|(id, s)| (*id, s.clone()))
            .collect();
        spans.sort_by_key(|(id, _)| *id);
        spans.into_iter().map(|(_, s)| s).collect()
    }

    fn events(&self) -> Vec<EventSeen> {
        self.lock().events.clone()
    }
}

impl Subscriber for Collector {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Asked every time: `requests_off` changes.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        !(self.requests_off.load(Ordering::SeqCst) && metadata.name() == REQUEST_SPAN)
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let parent = match attrs.parent() {
            Some(p) => Some(p.into_u64()),
            None if attrs.is_contextual() => ENTERED.with(|e| e.borrow().last().copied()),
            None => None,
        };
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let span = SpanSeen {
            name: attrs.metadata().name(),
            parent,
            fields,
            refs: 1,
        };
        self.lock().spans.insert(id, span);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(s) = self.lock().spans.get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut s.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let seen = EventSeen {
            target: event.metadata().target().to_string(),
            level: *event.metadata().level(),
            fields,
        };
        self.lock().events.push(seen);
    }

    fn enter(&self, span: &Id) {
        ENTERED.with(|e| e.borrow_mut().push(span.into_u64()));
    }

    fn exit(&self, span: &Id) {
        ENTERED.with(|e| {
            let mut entered = e.borrow_mut();
            if let Some(i) = entered.iter().rposition(|id| *id == span.into_u64()) {
                entered.remove(i);
            }
        });
    }

    fn clone_span(&self, id: &Id) -> Id {
        if let Some(s) = self.lock().spans.get_mut(&id.into_u64()) {
            s.refs += 1;
        }
        id.clone()
    }

    fn try_close(&self, id: Id) -> bool {
        let mut collected = self.lock();
        let Some(s) = collected.spans.get_mut(&id.into_u64()) else {
            return false;
        };
        s.refs = s.refs.saturating_sub(1);
        s.refs == 0
    }
}

/// The process's collector, installed as the global default on first use.
fn collector() -> &'static Arc<Collector> {
    static COLLECTOR: OnceLock<Arc<Collector>> = OnceLock::new();
    COLLECTOR.get_or_init(|| {
        let collector = Arc::new(Collector::default());
        tracing::subscriber::set_global_default(collector.clone())
            .expect("no other global subscriber in this test binary");
        collector
    })
}

/// Run `request` inside a span of the test's own named `case`, and return its output and
/// the request spans opened under it.
async fn traced<T>(case: &str, request: impl Future<Output = T>) -> (T, Vec<SpanSeen>) {
    let (out, parent) = traced_under(case, request).await;
    (out, collector().requests_under(parent))
}

/// [`traced`], returning the id of the caller's span instead.
async fn traced_under<T>(case: &str, request: impl Future<Output = T>) -> (T, u64) {
    let parent = tracing::info_span!(target: "client_tracing", "case", case);
    let id = parent.id().expect("the collector takes every span");
    (request.instrument(parent).await, id.into_u64())
}

/// The one request span of `case`, closed by the time its reply came.
fn only(case: &str, spans: Vec<SpanSeen>) -> SpanSeen {
    assert_eq!(
        spans.len(),
        1,
        "{case}: one request span under the caller's: {spans:#?}"
    );
    let span = spans.into_iter().next().unwrap();
    assert_eq!(span.refs, 0, "{case}: closed before the reply: {span:#?}");
    span
}

async fn spans_and_events<F: Flavor>(cluster: &RedisCluster) {
    let collector = collector();
    let seed = cluster.seed_addr().expect("a seed");
    let hooked: Arc<Mutex<Vec<Event>>> = Arc::default();
    let hook = hooked.clone();
    let builder = TestClient::<F>::builder([seed.to_string()])
        .on_event(move |e| hook.lock().unwrap().push(e.clone()));
    let client = TestClient::<F>::connect(builder).await.expect("connects");
    // A slot of this flavour's own: each run migrates it.
    let slot = 1000 + 2000 * F::INDEX as u16;
    let key = key_in_slot(slot, &format!("tracing:{}", F::NAME));
    let owner = cluster.slot_owner(slot).expect("the slot has an owner");
    let owner_addr = client_addr(&owner);
    assert_eq!(
        client.send(Cmd::new("SET").arg(&key).arg("v")).await,
        Ok(ok())
    );

    // A GET: the database attributes at the call, the node, slot and redirects at the reply.
    let (got, spans) = traced("get", client.send(Cmd::new("GET").arg(&key))).await;
    assert_eq!(got, Ok(bulk("v")));
    let get = only("get", spans);
    let want = [
        ("otel.name", "GET".to_string()),
        ("otel.kind", "client".into()),
        ("db.system.name", "redis".into()),
        ("db.operation.name", "GET".into()),
        ("db.namespace", "0".into()),
        ("server.address", seed.ip().to_string()),
        ("server.port", seed.port().to_string()),
        ("network.peer.address", owner_addr.host.clone()),
        ("network.peer.port", owner_addr.port.to_string()),
        ("keyslot.slot", slot.to_string()),
        ("keyslot.redirects", "0".into()),
    ];
    for (name, value) in &want {
        assert_eq!(get.field(name), Some(value.as_str()), "{name}: {get:#?}");
    }
    for absent in ["error.type", "db.response.status_code", "otel.status_code"] {
        assert_eq!(get.field(absent), None, "{absent}: {get:#?}");
    }
    assert_eq!(get.field("db.operation.batch.size"), None, "not a batch");

    // A server error: its code, as the status code and the error type.
    let (wrong, spans) = traced(
        "wrongtype",
        client.send(Cmd::new("LPUSH").arg(&key).arg("x")),
    )
    .await;
    let kind = wrong
        .as_ref()
        .err()
        .and_then(|e| e.server_error())
        .map(|e| e.kind());
    assert_eq!(kind, Some(ServerErrorKind::WrongType), "{wrong:?}");
    let span = only("wrongtype", spans);
    assert_eq!(span.field("db.operation.name"), Some("LPUSH"));
    assert_eq!(
        span.field("db.response.status_code"),
        Some("WRONGTYPE"),
        "{span:#?}"
    );
    assert_eq!(span.field("error.type"), Some("WRONGTYPE"));
    assert_eq!(span.field("otel.status_code"), Some("error"));
    assert_eq!(
        span.field("network.peer.address"),
        Some(owner_addr.host.as_str())
    );

    // A pipeline's span carries the error of its first failed command; the others still
    // answer.
    let (results, spans) = traced(
        "pipeline with a wrongtype",
        client.pipeline(vec![
            Cmd::new("GET").arg(&key),
            Cmd::new("LPUSH").arg(&key).arg("x"),
        ]),
    )
    .await;
    let results = results.expect("the pipeline ran");
    assert_eq!(results[0], Ok(bulk("v")));
    assert!(results[1].is_err(), "{results:?}");
    let span = only("pipeline with a wrongtype", spans);
    assert_eq!(span.field("error.type"), Some("WRONGTYPE"), "{span:#?}");
    assert_eq!(span.field("otel.status_code"), Some("error"));

    // Batches: one command run by all is named with it, otherwise the batch's kind alone;
    // names are upper-cased whatever the caller wrote.
    let same = vec![Cmd::new("get").arg(&key), Cmd::new("GET").arg(&key)];
    let (results, spans) = traced("pipeline of GETs", client.pipeline(same)).await;
    assert_eq!(results, Ok(vec![Ok(bulk("v")), Ok(bulk("v"))]));
    let span = only("pipeline of GETs", spans);
    assert_eq!(span.field("otel.name"), Some("PIPELINE GET"), "{span:#?}");
    assert_eq!(span.field("db.operation.batch.size"), Some("2"));
    assert_eq!(span.field("keyslot.slot"), Some(slot.to_string().as_str()));
    let other = key_in_slot(slot, &format!("tracing:{}:other", F::NAME));
    let mixed = vec![
        Cmd::new("SET").arg(&other).arg("w"),
        Cmd::new("GET").arg(&other),
    ];
    let (reply, spans) = traced("transaction", client.transaction(mixed)).await;
    assert!(reply.is_ok(), "{reply:?}");
    let span = only("transaction", spans);
    assert_eq!(span.field("db.operation.name"), Some("MULTI"), "{span:#?}");
    assert_eq!(span.field("db.operation.batch.size"), Some("2"));
    let (reply, spans) = traced(
        "pipeline of one",
        client.pipeline(vec![Cmd::new("get").arg(&key)]),
    )
    .await;
    assert!(reply.is_ok(), "{reply:?}");
    let span = only("pipeline of one", spans);
    assert_eq!(
        span.field("db.operation.name"),
        Some("GET"),
        "one command is no batch"
    );
    assert_eq!(span.field("db.operation.batch.size"), None);

    // The slot moves: the next GET is redirected, inside its span.
    let to = cluster
        .primaries()
        .expect("the cluster agrees")
        .into_iter()
        .find(|p| p.id() != owner.id())
        .expect("another primary");
    let to_addr = client_addr(&to);
    // Only what follows the migration counts: earlier runtimes' events are collected too.
    let before = collector.events().len();
    cluster
        .migrate_slot(slot, &owner, &to)
        .expect("the slot migrates");
    let (got, spans) = traced("moved", client.send(Cmd::new("GET").arg(&key))).await;
    assert_eq!(got, Ok(bulk("v")));
    let moved = only("moved", spans);
    let redirects: u32 = moved
        .field("keyslot.redirects")
        .and_then(|r| r.parse().ok())
        .expect("redirects recorded");
    assert!(redirects >= 1, "followed the MOVED: {moved:#?}");
    assert_eq!(
        moved.field("network.peer.address"),
        Some(to_addr.host.as_str())
    );
    assert_eq!(
        moved.field("network.peer.port"),
        Some(to_addr.port.to_string().as_str())
    );
    assert_eq!(moved.field("keyslot.slot"), Some(slot.to_string().as_str()));
    assert_eq!(moved.field("error.type"), None, "{moved:#?}");

    // The machine's events, as tracing events of target `keyslot`.
    let events_since = |before: usize| -> Vec<EventSeen> {
        collector.events()[before..]
            .iter()
            .filter(|e| e.target == TARGET)
            .cloned()
            .collect()
    };
    let events = events_since(before);
    let redirected = events.iter().find(|e| {
        e.field("message") == Some("redirected") && e.field("slot") == Some(&*slot.to_string())
    });
    let redirected = redirected.unwrap_or_else(|| panic!("a Redirected event: {events:#?}"));
    assert_eq!(redirected.level, tracing::Level::DEBUG);
    assert_eq!(redirected.field("redirect"), Some("MOVED"));
    assert_eq!(
        redirected.field("from"),
        Some(owner_addr.to_string().as_str())
    );
    assert_eq!(redirected.field("to"), Some(to_addr.to_string().as_str()));
    // The MOVED starts a rediscovery; the view it brings moved this slot.
    let mut changed = None;
    for _ in 0..100 {
        changed = events_since(before)
            .into_iter()
            .find(|e| e.field("message") == Some("topology changed"));
        if changed.is_some() {
            break;
        }
        F::sleep(Duration::from_millis(30)).await;
    }
    let changed = changed.unwrap_or_else(|| panic!("a TopologyChanged event after the move"));
    assert_eq!(changed.level, tracing::Level::INFO);
    let moved_slots: usize = changed
        .field("slots_moved")
        .and_then(|n| n.parse().ok())
        .unwrap_or_default();
    assert!(moved_slots >= 1, "{changed:?}");

    // The hook got the events it gets without the feature, and no Served it did not ask for.
    let hooked = hooked.lock().unwrap().clone();
    assert!(
        hooked
            .iter()
            .any(|e| matches!(e, Event::Redirected { slot: s, .. } if *s == slot)),
        "{hooked:?}"
    );
    assert!(
        !hooked.iter().any(|e| matches!(e, Event::Served { .. })),
        "Served reached a hook that did not ask for it"
    );

    // A subscriber that does not want request spans gets none, and requests still work.
    collector.requests_off.store(true, Ordering::SeqCst);
    let (got, spans) = traced("spans off", client.send(Cmd::new("GET").arg(&key))).await;
    collector.requests_off.store(false, Ordering::SeqCst);
    assert_eq!(got, Ok(bulk("v")));
    assert!(spans.is_empty(), "{spans:#?}");

    // A caller that gives up on a BLPOP nobody feeds: the async ones drop the wait, and the
    // driver ends the span `cancelled` when it sees that (soon after, not at once); the
    // blocking one's own deadline passes, and the span has that error.
    let queue = key_in_slot(slot, &format!("tracing:{}:queue", F::NAME));
    let pop = Cmd::new("BLPOP").arg(&queue).arg(0);
    let give_up = client.abandon_after(pop, Duration::from_millis(100));
    let (gave_up, parent) = traced_under("given up", give_up).await;
    assert_eq!(gave_up, None, "nothing was pushed");
    let what = "the given-up request's span ends";
    let span = eventually::<F, _, _>(what, Duration::from_secs(5), || {
        let spans = collector.requests_under(parent);
        async move {
            match spans.as_slice() {
                [span] if span.refs == 0 => Ok(span.clone()),
                other => Err(format!("{other:#?}")),
            }
        }
    })
    .await;
    let error = span.field("error.type");
    if F::NAME == "blocking" {
        let deadline = matches!(error, Some("outcome_unknown" | "timeout"));
        assert!(deadline, "{span:#?}");
    } else {
        assert_eq!(error, Some("cancelled"), "{span:#?}");
    }
    assert_eq!(span.field("otel.status_code"), Some("error"));
}

#[test]
fn requests_are_spans_and_events_are_events() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    collector();
    let cluster = RedisCluster::start(quiet_primaries()).expect("cluster starts");
    on_every_runtime!("tracing spans and events", spans_and_events(&cluster));
}
