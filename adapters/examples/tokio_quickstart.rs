//! Connect to a cluster through one address and use it from many tasks.
//!
//! `cargo run -p keyslot --example tokio_quickstart -- my-cluster.xxxxxx.clustercfg.use1.cache.amazonaws.com:6379`
//! (default `127.0.0.1:7000`; `redis://user:pass@host:port` and `rediss://` work too).

use keyslot::Cmd;

#[tokio::main]
async fn main() -> Result<(), keyslot::Error> {
    let seed = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7000".into());
    let client = keyslot::tokio::Client::connect([seed]).await?;

    client
        .send(Cmd::new("SET").arg("greeting").arg("hello"))
        .await?;
    println!(
        "GET greeting -> {:?}",
        client.send(Cmd::new("GET").arg("greeting")).await?
    );

    // Clones share one connection per node; concurrent commands are pipelined for you.
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .send(Cmd::new("INCR").arg(format!("counter:{i}")))
                    .await
            })
        })
        .collect();
    for task in tasks {
        println!("INCR -> {:?}", task.await.expect("task")?);
    }

    // A pipeline may span slots; each result comes back in order.
    let results = client
        .pipeline(vec![
            Cmd::new("GET").arg("counter:0"),
            Cmd::new("GET").arg("counter:7"),
        ])
        .await?;
    println!("pipeline -> {results:?}");
    println!(
        "DBSIZE (summed over primaries) -> {:?}",
        client.send(Cmd::new("DBSIZE")).await?
    );
    Ok(())
}
