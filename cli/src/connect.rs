//! One place that turns the command line's connection flags into a connected client.

use keyslot::{Error, Event};

use crate::args::ConnectArgs;

/// A callback for the client's events.
pub type EventHook = Box<dyn Fn(&Event) + Send + Sync>;

/// A tokio client, connected, or the reason it could not be.
pub async fn client(
    seeds: &[String],
    args: &ConnectArgs,
    on_event: Option<EventHook>,
) -> Result<keyslot::tokio::Client, Error> {
    client_with(seeds, args, on_event, |builder| builder).await
}

/// [`client`], with `configure` applied to the builder before the connection flags (what a
/// subcommand needs beyond them, such as `watch`'s client name and refresh period).
pub async fn client_with(
    seeds: &[String],
    args: &ConnectArgs,
    on_event: Option<EventHook>,
    configure: impl FnOnce(keyslot::tokio::Builder) -> keyslot::tokio::Builder,
) -> Result<keyslot::tokio::Client, Error> {
    let mut builder = configure(keyslot::tokio::Client::builder(seeds))
        .request_timeout(args.timeout)
        .connect_timeout(args.timeout.min(std::time::Duration::from_secs(2)));
    if let Some(user) = &args.user {
        builder = builder.username(user);
    }
    if let Some(password) = &args.password {
        builder = builder.password(password);
    }
    if args.tls {
        builder = builder.tls();
    }
    if let Some(path) = &args.ca {
        let pem = std::fs::read(path)
            .map_err(|e| Error::Config(format!("reading {}: {e}", path.display())))?;
        builder = builder.tls_root_certificates_pem(pem);
    }
    if let Some(hook) = on_event {
        builder = builder.on_event(hook);
    }
    match tokio::time::timeout(
        args.timeout + std::time::Duration::from_secs(1),
        builder.connect(),
    )
    .await
    {
        Ok(result) => result,
        Err(_) => Err(Error::Timeout),
    }
}
