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
//! resolved through the view too. (An `ASK` without host behind a configuration endpoint
//! cannot be resolved at all — the view still gives the slot to the node that asked — so it
//! bounces to the redirect limit; reconnecting to the name would reach an arbitrary node.)

use alloc::string::String;
use alloc::vec::Vec;

use super::job::Target;
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

impl<T, S, P> Cluster<T, S, P> {
    /// A seed, or a node the current view lists: connecting there is allowed.
    pub(crate) fn is_member(&self, addr: &Addr) -> bool {
        self.routing
            .node_index
            .get(addr)
            .is_some_and(|&n| self.routing.nodes[n].listed)
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
                match self.routing.node_index.get(&same_host).copied() {
                    Some(n) if self.routing.nodes[n].listed && c.node != Some(n) => {
                        Destination::Node(n)
                    }
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
        let Some(seen) = self.requests.jobs.get(key).map(|j| j.stranger_round) else {
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
                    if let Some(job) = self.requests.jobs.get_mut(key) {
                        job.stranger_round = Some(round);
                    }
                }
            }
        }
        if !self.count_redirect(key) {
            return;
        }
        self.requests.unrouted.push(key);
        self.request_refresh(RefreshTrigger::UnknownNode, now);
    }
}

impl<T, S, P> Cluster<T, S, P> {
    /// A new view was applied: let go of the nodes it does not list (see the module docs).
    pub(crate) fn prune_departed(&mut self) {
        let departed: Vec<usize> = (0..self.routing.nodes.len())
            .filter(|&n| !self.routing.nodes[n].listed && !self.routing.nodes[n].vacant)
            .collect();
        if departed.is_empty() {
            return;
        }
        let theirs: Vec<Key> = self
            .conns
            .iter()
            .filter(|(_, c)| c.node.is_some_and(|n| !self.routing.nodes[n].listed))
            .map(|(k, _)| k)
            .collect();
        for conn in theirs {
            self.let_go(conn);
        }
        let referenced = self.referenced_nodes();
        for n in departed {
            if !referenced[n] {
                self.free_node(n);
            }
        }
    }

    /// `conn` no longer serves its departed node: closed now when idle, else drained.
    fn let_go(&mut self, conn: Key) {
        let Some(c) = self.conns.get(conn) else {
            return;
        };
        let idle = c.inflight.is_empty() && c.waiting.is_empty();
        if let Some(node) = c.node {
            self.routing.nodes[node].forget_conn(conn);
        }
        if idle {
            self.retire_conn(conn);
        } else {
            self.conns.drain(conn);
        }
    }

    /// A reply was read on `conn`: a drained connection of a departed node closes once it
    /// has nothing left to answer, and its node's entry goes when nothing names it any more.
    pub(crate) fn close_if_drained(&mut self, conn: Key) {
        if !self.conns.is_draining(conn) {
            return;
        }
        let Some(c) = self.conns.get(conn) else {
            return;
        };
        if !c.inflight.is_empty() || !c.waiting.is_empty() {
            return;
        }
        let node = c.node;
        // Retiring removes the connection, which takes it off the draining list.
        self.retire_conn(conn);
        if let Some(n) =
            node.filter(|&n| !self.routing.nodes[n].listed && !self.routing.nodes[n].vacant)
        {
            if !self.referenced_nodes()[n] {
                self.free_node(n);
            }
        }
    }

    /// Which node entries something still refers to by index (besides the slot table and
    /// the replica lists, which only name listed nodes).
    fn referenced_nodes(&self) -> Vec<bool> {
        let mut referenced = alloc::vec![false; self.routing.nodes.len()];
        let mut mark = |n: usize| {
            if let Some(r) = referenced.get_mut(n) {
                *r = true;
            }
        };
        for (_, c) in self.conns.iter() {
            c.node.into_iter().for_each(&mut mark);
        }
        for (_, j) in self.requests.jobs.iter() {
            if let Target::Node(n) = j.target {
                mark(n);
            }
            j.ask.into_iter().for_each(&mut mark);
            j.trail.iter().for_each(|&n| mark(n as usize));
        }
        self.pubsub.home.into_iter().for_each(&mut mark);
        referenced
    }

    /// Forget node `n` and keep its entry for reuse.
    fn free_node(&mut self, n: usize) {
        let Some(node) = self.routing.nodes.get_mut(n) else {
            return;
        };
        let addr = core::mem::replace(&mut node.addr, Addr::new("", 0));
        *node = super::Node::new(Addr::new("", 0), None);
        node.vacant = true;
        if self.routing.node_index.get(&addr) == Some(&n) {
            self.routing.node_index.remove(&addr);
        }
        self.routing.free_nodes.push(n);
    }
}
