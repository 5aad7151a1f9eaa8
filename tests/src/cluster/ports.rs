//! Free ports for new nodes.
//!
//! The kernel hands out a free port when a listener binds port 0; holding the listeners
//! until every port is chosen keeps them distinct. They are released just before the server
//! binds them, so another process may take one meanwhile: the caller retries when a server
//! reports "Address already in use".
//!
//! The same-port layout needs each port free on *every* node address at once, so a port
//! chosen on the first address is kept only if it also binds on all the others.

use std::io;
use std::net::{Ipv4Addr, TcpListener};

/// How many candidate ports to try before giving up on a port free on all addresses.
const COMMON_PORT_ATTEMPTS: usize = 200;

/// `n` distinct ports, each free on every address in `ips` a moment ago. With one address
/// this is just `n` free ports. With `paired_at`, each port's partner that far above it is
/// free too (a server whose cluster bus is always its port + 10000).
pub(crate) fn free_ports(
    ips: &[Ipv4Addr],
    n: usize,
    paired_at: Option<u16>,
) -> io::Result<Vec<u16>> {
    let (first, rest) = ips
        .split_first()
        .ok_or_else(|| io::Error::other("no address to choose ports for"))?;
    let mut held = Vec::new();
    let mut ports = Vec::with_capacity(n);
    let mut attempts = 0;
    while ports.len() < n {
        attempts += 1;
        if attempts > COMMON_PORT_ATTEMPTS {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!("no port free on all of {ips:?} after {COMMON_PORT_ATTEMPTS} tries"),
            ));
        }
        let listener = TcpListener::bind((*first, 0))?;
        let port = listener.local_addr()?.port();
        let mut others: io::Result<Vec<TcpListener>> = rest
            .iter()
            .map(|ip| TcpListener::bind((*ip, port)))
            .collect();
        if let Some(offset) = paired_at {
            let partners: Option<Vec<TcpListener>> = port.checked_add(offset).and_then(|p| {
                ips.iter()
                    .map(|ip| TcpListener::bind((*ip, p)).ok())
                    .collect()
            });
            others = match (others, partners) {
                (Ok(mut held), Some(partners)) => {
                    held.extend(partners);
                    Ok(held)
                }
                (Ok(_), None) => Err(io::Error::other("the partner port is taken")),
                (Err(e), _) => Err(e),
            };
        }
        // A port taken on some other address is dropped; keep its listener on the first
        // address until the end so the kernel does not offer it again.
        held.push(listener);
        if let Ok(others) = others {
            held.extend(others);
            ports.push(port);
        }
    }
    Ok(ports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_distinct_and_free_on_every_address() {
        let ips = [Ipv4Addr::new(127, 0, 0, 41), Ipv4Addr::new(127, 0, 0, 42)];
        let ports = free_ports(&ips, 3, None).unwrap();
        assert_eq!(ports.len(), 3);
        assert!(ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2]);
        for ip in ips {
            for &port in &ports {
                TcpListener::bind((ip, port)).unwrap();
            }
        }
    }

    #[test]
    fn paired_ports_have_their_partner_free() {
        let ips = [Ipv4Addr::new(127, 0, 0, 43)];
        let ports = free_ports(&ips, 2, Some(10_000)).unwrap();
        for &port in &ports {
            TcpListener::bind((ips[0], port)).unwrap();
            TcpListener::bind((ips[0], port + 10_000)).unwrap();
        }
    }

    #[test]
    fn no_address_is_an_error() {
        assert!(free_ports(&[], 1, None).is_err());
    }
}
