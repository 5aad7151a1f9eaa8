//! The quick start on smol: `cargo run -p keyslot --features smol --example smol_quickstart -- HOST:PORT`.

use keyslot::Cmd;

fn main() -> Result<(), keyslot::Error> {
    let seed = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7000".into());
    smol::block_on(async {
        let client = keyslot::smol::Client::connect([seed]).await?;
        client
            .send(Cmd::new("SET").arg("greeting").arg("hello from smol"))
            .await?;
        println!(
            "GET greeting -> {:?}",
            client.send(Cmd::new("GET").arg("greeting")).await?
        );
        Ok(())
    })
}
