//! keyslot-core without any async runtime: a plain `std::net` poll loop drives the state
//! machine. Everything a runtime adapter does is here, in one page — the proof that the core
//! is runtime-agnostic. (A real driver would wait on readiness with epoll or io_uring
//! instead of polling every millisecond; that is all the adapters add.)
//!
//! `cargo run -p keyslot --example embed_core -- HOST:PORT`

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant as StdInstant};

use keyslot_core::cluster::{Config, Output, Reply};
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

    let mut cluster = Cluster::new(
        Config::default(),
        vec![Addr::new(host, port.parse().expect("port"))],
        now(),
    );
    let mut sockets: HashMap<_, TcpStream> = HashMap::new();
    let set = cluster.submit(Cmd::new("SET").arg("embedded").arg("yes"), now());
    let get = cluster.submit(Cmd::new("GET").arg("embedded"), now());
    let mut answered = 0;

    while answered < 2 {
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
                Output::Reply { id, reply } => {
                    answered += 1;
                    let which = if id == set {
                        "SET"
                    } else if id == get {
                        "GET"
                    } else {
                        "?"
                    };
                    match reply {
                        Reply::Single(result) => println!("{which} -> {result:?}"),
                        Reply::Pipeline(results) => println!("{which} -> {results:?}"),
                    }
                }
                Output::Event(event) => eprintln!("event: {event:?}"),
                Output::PubSub(item) => println!("pub/sub: {item:?}"),
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
