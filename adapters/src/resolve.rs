//! Name resolution, injectable.
//!
//! A managed service's configuration endpoint is a name with several addresses, one per node
//! (or a rotating subset). The driver asks the resolver every time it connects to a name —
//! never caching — and tries each address in turn. Tests inject a resolver that maps names
//! onto loopback addresses; users can inject theirs (a service mesh, a custom cache).

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};

use crate::runtime::BoxFuture;

/// Turns a host name into addresses.
pub trait Resolve: Send + Sync + 'static {
    /// All addresses of `host`, with `port`, in the order to try them.
    fn resolve(&self, host: &str, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>>;
}

/// A fixed table of names, for tests and pinned deployments. Unknown names fail to resolve.
#[derive(Clone, Debug, Default)]
pub struct StaticResolver {
    names: HashMap<String, Vec<IpAddr>>,
}

impl StaticResolver {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Map `name` to `addrs`.
    pub fn with(
        mut self,
        name: impl Into<String>,
        addrs: impl IntoIterator<Item = IpAddr>,
    ) -> Self {
        self.names.insert(name.into(), addrs.into_iter().collect());
        self
    }
}

impl Resolve for StaticResolver {
    fn resolve(&self, host: &str, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>> {
        let found = self
            .names
            .get(host)
            .map(|ips| ips.iter().map(|ip| SocketAddr::new(*ip, port)).collect());
        let host = host.to_string();
        Box::pin(async move {
            found.ok_or_else(|| {
                io::Error::new(io::ErrorKind::NotFound, format!("{host}: no such name"))
            })
        })
    }
}
