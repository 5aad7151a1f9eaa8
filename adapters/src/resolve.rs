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
///
/// ```
/// use std::{io, net::SocketAddr};
/// use keyslot::{BoxFuture, Resolve};
/// // Every name is this machine.
/// struct Loopback;
/// type Addrs = BoxFuture<'static, io::Result<Vec<SocketAddr>>>;
/// impl Resolve for Loopback {
///     fn resolve(&self, _host: &str, port: u16) -> Addrs {
///         Box::pin(async move { Ok(vec![SocketAddr::from(([127, 0, 0, 1], port))]) })
///     }
/// }
/// # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let addrs = rt.block_on(Loopback.resolve("cache.internal", 7000)).unwrap();
/// assert_eq!(addrs, [SocketAddr::from(([127, 0, 0, 1], 7000))]);
/// let builder = keyslot::tokio::Client::builder(["cache.internal:7000"]).resolver(Loopback);
/// ```
pub trait Resolve: Send + Sync + 'static {
    /// All addresses of `host`, with `port`, in the order to try them.
    fn resolve(&self, host: &str, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>>;
}

/// A fixed table of names, for tests and pinned deployments. Unknown names fail to resolve.
///
/// ```
/// use keyslot::{Resolve, StaticResolver};
/// let names = StaticResolver::new().with("cache.internal", ["10.0.0.1".parse().unwrap()]);
/// # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let addrs = rt.block_on(names.resolve("cache.internal", 6379)).unwrap();
/// assert_eq!(addrs, [std::net::SocketAddr::from(([10, 0, 0, 1], 6379))]);
/// assert!(rt.block_on(names.resolve("elsewhere", 6379)).is_err());
/// ```
#[derive(Clone, Debug, Default)]
pub struct StaticResolver {
    names: HashMap<String, Vec<IpAddr>>,
}

impl StaticResolver {
    /// An empty table.
    ///
    /// ```
    /// use keyslot::{Resolve, StaticResolver};
    /// let empty = StaticResolver::new();
    /// # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// assert!(rt.block_on(empty.resolve("localhost", 6379)).is_err());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Map `name` to `addrs`.
    ///
    /// ```
    /// use std::net::IpAddr;
    /// use keyslot::{Resolve, StaticResolver};
    /// let two: [IpAddr; 2] = ["10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap()];
    /// let names = StaticResolver::new().with("cache.internal", two);
    /// # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.block_on(names.resolve("cache.internal", 6379)).unwrap().len(), 2);
    /// ```
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
