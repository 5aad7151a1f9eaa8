//! The quick start on async-std:
//! `cargo run -p keyslot --features async-std --example async_std_quickstart -- HOST:PORT`.

use keyslot::Cmd;

fn main() -> Result<(), keyslot::Error> {
    let seed = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7000".into());
    async_std::task::block_on(async {
        let client = keyslot::async_std::Client::connect([seed]).await?;
        client
            .send(Cmd::new("SET").arg("greeting").arg("hello from async-std"))
            .await?;
        println!(
            "GET greeting -> {:?}",
            client.send(Cmd::new("GET").arg("greeting")).await?
        );
        Ok(())
    })
}
