//! The quick start without async:
//! `cargo run -p keyslot --features blocking --example blocking_quickstart -- HOST:PORT`.

use keyslot::Cmd;

fn main() -> Result<(), keyslot::Error> {
    let seed = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7000".into());
    let client = keyslot::blocking::Client::connect([seed])?;
    client.send(Cmd::new("SET").arg("greeting").arg("hello from a thread"))?;
    println!(
        "GET greeting -> {:?}",
        client.send(Cmd::new("GET").arg("greeting"))?
    );
    // Handles are cheap clones, usable from many threads at once.
    std::thread::scope(|s| {
        for i in 0..4 {
            let client = client.clone();
            s.spawn(move || {
                println!(
                    "INCR -> {:?}",
                    client.send(Cmd::new("INCR").arg(format!("n{i}")))
                )
            });
        }
    });
    Ok(())
}
