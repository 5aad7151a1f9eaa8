//! What one request span costs a `tracing` subscriber by itself: the span keyslot opens per
//! request (`adapters/src/trace.rs`: the same name, level and fields), its four fields
//! recorded at the reply, and its close, with no subscriber and with a `fmt` subscriber at
//! INFO writing to nowhere. Set beside a request's client CPU in the e2e bench (about 4.8 µs
//! at 50 tasks here), it is the floor under "tracing at INFO" that no client code can
//! remove. Run with `cargo bench -p keyslot-benches --features tracing --bench span`.

use criterion::{criterion_group, criterion_main, Criterion};
use tracing::field::Empty;

fn request_span() {
    let span = tracing::info_span!(
        target: "keyslot",
        "keyslot.request",
        otel.name = "GET",
        otel.kind = "client",
        otel.status_code = Empty,
        db.system.name = "redis",
        db.operation.name = "GET",
        db.operation.batch.size = Option::<usize>::None,
        db.namespace = "0",
        server.address = "127.0.0.1",
        server.port = 7100u16,
        network.peer.address = Empty,
        network.peer.port = Empty,
        db.response.status_code = Empty,
        error.type = Empty,
        keyslot.slot = Empty,
        keyslot.redirects = Empty,
    );
    if !span.is_disabled() {
        span.record("network.peer.address", "127.0.0.1");
        span.record("network.peer.port", 7101u16);
        span.record("keyslot.slot", 12539u16);
        span.record("keyslot.redirects", 0u32);
    }
    drop(std::hint::black_box(span));
}

fn spans(c: &mut Criterion) {
    c.bench_function("span/no subscriber", |b| b.iter(request_span));
    let fmt = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::INFO)
        .with_writer(std::io::sink)
        .finish();
    tracing::subscriber::with_default(fmt, || {
        c.bench_function("span/fmt subscriber at INFO", |b| b.iter(request_span));
    });
    let registry = tracing_subscriber::registry();
    tracing::subscriber::with_default(registry, || {
        c.bench_function("span/registry alone", |b| b.iter(request_span));
    });
}

criterion_group!(benches, spans);
criterion_main!(benches);
