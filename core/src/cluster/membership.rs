//! Who the machine may connect to: the seeds it was given and the nodes of the cluster's own
//! view — nobody a reply merely names.
//!
//! Every connection carries the credentials (`HELLO 3 AUTH`), so an address taken on a
//! node's word would hand them to whoever that node names. A MOVED or ASK is followed at
//! once only when its target is a seed or a node the current view lists. Otherwise the
//! command waits for a rediscovery and is routed again by its slot: a node that joined is
//! in the new view and is reached through it; an address that a rediscovery begun after the
//! redirect still does not list fails the command with [`Error::NotInCluster`] the next time
//! it is named, without a connection ever being opened to it. (Lettuce validates redirect
//! targets against its view the same way.) A view from `CLUSTER SLOTS` (servers before 7.0)
//! lists only nodes that own slots, so an ASK to a node still importing its first slot cannot
//! be told from one to a stranger: such a command is never sent there either, and bounces
//! through fresh views until the node owns a slot or the redirect limit ends it
//! ([`Error::TooManyRedirects`]).
//!
//! A redirect without a host (`MOVED 3999 :6379`, sent in `unknown-endpoint` mode) means
//! "the host you used, this port". That is a node of the view when nodes differ by port (all
//! on one host); behind a configuration endpoint, where every node has the same port, it
//! names the very node that answered, or a name that stands for all of them. So it is
//! followed only to a listed node other than the one that answered, and otherwise resolved
//! through the view like an unknown target. A `?` host (a hostname not announced yet) is
//! resolved through the view too.

use alloc::string::String;

use super::redirect::Redirect;
use super::slab::Key;
use super::{Cluster, Error, Event, RefreshTrigger};
use crate::time::Instant;
use crate::topology::Addr;

/// Where a redirect can send a command now.
pub(crate) enum Destination {
    /// A seed or a node of the view: go there.
    Node(usize),
    /// Nowhere yet: rediscover, then route by slot. `stranger` is the address named when
    /// there was one (not an empty or `?` host).
    Rediscover { stranger: Option<Addr> },
}

impl Cluster {
    /// A seed, or a node the current view lists: connecting there is allowed.
    pub(crate) fn is_member(&self, addr: &Addr) -> bool {
        self.node_index
            .get(addr)
            .is_some_and(|&n| self.nodes[n].listed)
            || self.seeds.contains(addr)
    }

    /// True when views come from `CLUSTER SHARDS`, which lists every member, slots or none.
    fn views_list_every_member(&self) -> bool {
        !self.refresh.slots_only
    }

    /// Where the redirect `r`, read on `conn`, may send a command (see the module docs).
    pub(crate) fn redirect_destination(&mut self, conn: Key, r: &Redirect<'_>) -> Destination {
        let Some(c) = self.conns.get(conn) else {
            return Destination::Rediscover { stranger: None };
        };
        match r.host {
            b"" => {
                let same_host = Addr::new(c.addr.host.clone(), r.port);
                match self.node_index.get(&same_host).copied() {
                    Some(n) if self.nodes[n].listed && c.node != Some(n) => Destination::Node(n),
                    _ => Destination::Rediscover { stranger: None },
                }
            }
            b"?" => Destination::Rediscover { stranger: None },
            host => {
                let addr = Addr::new(String::from_utf8_lossy(host).into_owned(), r.port);
                if self.is_member(&addr) {
                    Destination::Node(self.node_for(&addr))
                } else {
                    Destination::Rediscover {
                        stranger: Some(addr),
                    }
                }
            }
        }
    }

    /// A redirect whose target cannot be followed now: report it, then either fail the job
    /// (the same stranger again after a fresh round) or park it until the next view.
    pub(crate) fn redirect_through_view(
        &mut self,
        conn: Key,
        key: Key,
        r: &Redirect<'_>,
        ask: bool,
        stranger: Option<Addr>,
        now: Instant,
    ) {
        let from = self.conn_addr(conn);
        let to = stranger
            .clone()
            .unwrap_or_else(|| Addr::new(String::from_utf8_lossy(r.host).into_owned(), r.port));
        self.event(Event::Redirected {
            ask,
            slot: r.slot,
            from: from.clone(),
            to: to.clone(),
        });
        let Some(seen) = self.jobs.get(key).map(|j| j.stranger_round) else {
            return;
        };
        // Only `CLUSTER SHARDS` lists every member: `CLUSTER SLOTS` leaves out a node that owns
        // no slot yet — the target of the first migration to a new node — so behind it a
        // stranger may be a member after all, and only the redirect limit ends the bouncing.
        if stranger.is_some() && self.views_list_every_member() {
            match seen {
                Some(round) if self.round_finished(round) => {
                    return self.complete_job(key, Err(Error::NotInCluster { from, to }));
                }
                Some(_) => {}
                None => {
                    let round = self.next_round();
                    if let Some(job) = self.jobs.get_mut(key) {
                        job.stranger_round = Some(round);
                    }
                }
            }
        }
        if !self.count_redirect(key) {
            return;
        }
        self.unrouted.push(key);
        self.request_refresh(RefreshTrigger::UnknownNode, now);
    }
}
