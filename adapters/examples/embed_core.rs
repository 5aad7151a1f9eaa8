//! keyslot-core without any async runtime: a plain `std::net` poll loop drives the state
//! machine. Everything a runtime adapter does is here, in one page — the proof that the core
//! is runtime-agnostic. (A real driver would wait on readiness with epoll or io_uring
//! instead of polling every millisecond; that is all the adapters add.)
//!
//! It writes and reads a key, and has two subscribers of one channel hear a message it
//! publishes: the core keeps who holds what (each request and subscriber carries a token of
//! the driver's, here a label), so the loop keeps nothing but its sockets.
//!
//! `cargo run -p keyslot --example embed_core -- HOST:PORT` (exits 1 after 10 s without
//! every answer)

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant as StdInstant};

use keyslot_core::cluster::{Config, Output, PubSub, SubscriptionKind};
use keyslot_core::time::Instant;
use keyslot_core::topology::Addr;
use keyslot_core::{Cluster, Cmd};

fn main() {
    let seed = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7000".into());
    let (host, port) = seed.rsplit_once(':').expect("HOST:PORT");
    let origin = StdInstant::now();
    let now = || Instant::from_micros(origin.elapsed().as_micros() as u64);

    // Requests and subscribers are labelled by the driver; the labels come back with them.
    let mut cluster: Cluster<&str, &str> = Cluster::new(
        Config::default(),
        vec![Addr::new(host, port.parse().expect("port"))],
        now(),
    );
    let mut sockets: HashMap<_, TcpStream> = HashMap::new();
    cluster.submit(Cmd::new("SET").arg("embedded").arg("yes"), "SET", now());
    cluster.submit(Cmd::new("GET").arg("embedded"), "GET", now());
    for who in ["first subscriber", "second subscriber"] {
        cluster.subscribe(
            SubscriptionKind::Channel,
            vec!["embedded:news".into()],
            who,
            now(),
        );
    }
    let (mut replies, mut confirmed, mut heard) = (0, 0, 0);

    while replies < 3 || heard < 2 {
        if origin.elapsed() > Duration::from_secs(10) {
            eprintln!("no full answer in 10 s");
            std::process::exit(1);
        }
        // 1. Do what the machine asks, until it has nothing more for now.
        loop {
            match cluster.poll_output() {
                Output::Connect { conn, addr } => {
                    let socket = (addr.host.as_str(), addr.port)
                        .to_socket_addrs()
                        .ok()
                        .and_then(|mut addrs| addrs.find_map(|a| TcpStream::connect(a).ok()));
                    match socket {
                        Some(s) => {
                            s.set_nonblocking(true).expect("nonblocking");
                            s.set_nodelay(true).expect("nodelay");
                            sockets.insert(conn, s);
                            cluster.handle_connected(conn, now());
                        }
                        None => cluster.handle_connect_failed(conn, "connect failed", now()),
                    }
                }
                Output::Transmit { .. } => {} // every socket is flushed below
                Output::Close { conn } => drop(sockets.remove(&conn)),
                Output::Reply { token, reply, .. } => {
                    replies += 1;
                    println!("{token} -> {reply:?}");
                }
                // What `cluster.submit_pipeline` would be answered with (this example has none).
                Output::PipelineReply { token, results, .. } => println!("{token} -> {results:?}"),
                Output::PubSub { subscriber, item } => {
                    let who = cluster.subscriber(subscriber).copied().unwrap_or("?");
                    println!("{who}: {item:?}");
                    match item {
                        // Both hold the channel; publish once both hear it.
                        PubSub::Subscribed { .. } => {
                            confirmed += 1;
                            if confirmed == 2 {
                                let publish = Cmd::new("PUBLISH").arg("embedded:news").arg("hi");
                                cluster.submit(publish, "PUBLISH", now());
                            }
                        }
                        PubSub::Message { .. } => heard += 1,
                        _ => {}
                    }
                }
                Output::Ready(ready) => eprintln!("ready: {ready:?}"),
                Output::Event(event) => eprintln!("event: {event:?}"),
                // Only with Config::credentials_from_source, which this example leaves off.
                Output::NeedCredentials => {}
                Output::Timeout(_) => break,
            }
        }
        // 2. Write what each connection has pending; read what arrived.
        let mut buf = [0u8; 16 * 1024];
        let conns: Vec<_> = sockets.keys().copied().collect();
        for conn in conns {
            let socket = sockets.get_mut(&conn).expect("socket");
            let pending = cluster.transmit(conn);
            if !pending.is_empty() {
                match socket.write(pending) {
                    Ok(n) => cluster.handle_written(conn, n),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(_) => cluster.handle_closed(conn, now()),
                }
            }
            match socket.read(&mut buf) {
                Ok(0) => cluster.handle_closed(conn, now()),
                Ok(n) => cluster.handle_data(conn, &buf[..n], now()),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => cluster.handle_closed(conn, now()),
            }
        }
        // 3. Time is an input too.
        cluster.handle_timeout(now());
        std::thread::sleep(Duration::from_millis(1));
    }
}
