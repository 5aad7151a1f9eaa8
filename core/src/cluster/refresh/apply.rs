//! The end of a rediscovery round: counting the votes, adopting the winning view, and
//! applying it to the slot table, the nodes and their connections.

use super::*;

impl<T, S, P> Cluster<T, S, P> {
    /// Adopt a view once a majority agrees (or everyone has answered); move on to the seeds
    /// when no one could answer.
    pub(super) fn decide(&mut self, now: Instant) {
        let Some(refresh) = &mut self.refresh.current else {
            return;
        };
        let asked = refresh.queries.len();
        let all_done = refresh.queries.iter().all(|q| q.done);
        let best =
            (0..refresh.views.len()).max_by_key(|&i| (refresh.views[i].votes, usize::MAX - i));
        match best {
            Some(i) if refresh.views[i].votes * 2 > asked || all_done => {
                let view = refresh.views.swap_remove(i);
                self.finish_refresh(Some(view.topology), now);
            }
            Some(_) => {}
            None if !all_done => {}
            None if refresh.from_seeds => self.try_next_seed(now),
            None => {
                // No known node answered: the seeds, resolved afresh.
                refresh.queries.clear();
                self.try_next_seed(now);
            }
        }
    }

    pub(super) fn finish_refresh(&mut self, topology: Option<Topology>, now: Instant) {
        let Some(refresh) = self.refresh.current.take() else {
            return;
        };
        // Compared once: fingerprints are whole passes over the topology.
        let changed = topology.as_ref().is_some_and(|t| {
            self.routing
                .topology
                .as_ref()
                .is_none_or(|cur| cur.fingerprint() != t.fingerprint())
        });
        if refresh.probe && changed {
            // One node's word: confirm with a full round before acting on it.
            self.refresh.fruitless = 0;
            return self.start_refresh(refresh.trigger, now);
        }
        self.refresh.completed += 1;
        self.refresh.last_round_finished = refresh.round;
        let outcome = match topology {
            Some(topology) => {
                self.refresh.last_seed_failures.clear();
                self.refresh.bootstrap_error = None;
                self.refresh.bootstrap_failures = 0;
                let first = self.routing.topology.is_none();
                self.apply_topology(topology, changed, now);
                if first {
                    self.emit(super::super::Output::Ready(Ok(())));
                }
                if changed {
                    self.refresh.fruitless = 0;
                    RefreshOutcome::Changed
                } else {
                    self.refresh.fruitless = self.refresh.fruitless.saturating_add(1);
                    RefreshOutcome::Unchanged
                }
            }
            None => {
                self.refresh.last_seed_failures = refresh.failures.clone();
                if self.routing.topology.is_none() {
                    let error = refresh
                        .auth_error
                        .clone()
                        .unwrap_or(Error::NoReachableSeed {
                            attempts: refresh.failures.clone(),
                        });
                    for job in core::mem::take(&mut self.requests.unrouted) {
                        self.complete_job(job, Err(error.clone()));
                    }
                    self.refresh.bootstrap_error = Some(error.clone());
                    self.emit(super::super::Output::Ready(Err(error)));
                }
                let delay = backoff(
                    self.config.retry_base,
                    self.config.retry_max,
                    self.refresh.bootstrap_failures,
                    &mut self.rng,
                );
                self.refresh.bootstrap_failures += 1;
                self.timers.schedule(now + delay, Timer::Bootstrap);
                RefreshOutcome::Failed
            }
        };
        self.event(Event::RefreshFinished {
            trigger: refresh.trigger,
            outcome,
        });
        self.close_idle_seed_conns(now);
        self.redispatch_waiting(now);
        if let Some(every) = self.config.periodic_refresh {
            let at = now + every;
            self.refresh.periodic_at = Some(at);
            self.timers.schedule(at, Timer::Refresh);
        }
        // A stalled primary is watched at the degraded interval until a view replaces it.
        let stalled = self
            .stalled_primary()
            .then_some(RefreshTrigger::NodeStalled);
        if let Some(trigger) = self.refresh.wanted.take().or(stalled) {
            self.request_refresh(trigger, now);
        }
    }

    /// Take a new view (`changed`: its fingerprint differs from the current one's): rebuild
    /// the slot table and say what changed.
    pub(super) fn apply_topology(&mut self, topology: Topology, changed: bool, now: Instant) {
        let previous = self.routing.topology.take();
        let slots_moved = previous.as_ref().map_or(crate::SLOT_COUNT as usize, |p| {
            p.slot_owner_changes(&topology)
        });
        let primaries_before = self.routing.primaries.len();
        // The same view can still move slots back from where a MOVED had put them: the
        // cache must hear of that too.
        let table_before = (self.cache.is_some() && !changed).then(|| self.routing.slots.clone());
        for n in &mut self.routing.nodes {
            n.listed = false;
        }
        let listed: Vec<(Addr, crate::topology::Role, Option<String>)> = topology
            .nodes()
            .map(|n| (n.addr.clone(), n.role, n.zone.clone()))
            .collect();
        for (addr, role, zone) in listed {
            let i = self.node_for(&addr);
            // An address listed twice (nodes behind one endpoint) is a primary if either is.
            if !self.routing.nodes[i].listed || role == crate::topology::Role::Primary {
                self.routing.nodes[i].role = role;
            }
            self.routing.nodes[i].listed = true;
            if let Some(zone) = zone {
                self.learn_reported_zone(i, zone);
            }
        }
        self.routing.slots.fill(NO_NODE);
        self.routing.slots_generation += 1;
        self.routing.primaries.clear();
        let ranges: Vec<(u16, u16, Option<Addr>)> = topology
            .slot_ranges()
            .map(|(start, end, shard)| {
                let primary = shard
                    .and_then(|i| topology.shards()[i].primary.as_ref())
                    .map(|p| p.addr.clone());
                (start, end, primary)
            })
            .collect();
        for (start, end, primary) in ranges {
            let Some(addr) = primary else { continue };
            let node = self.node_for(&addr);
            if !self.routing.primaries.contains(&node) {
                self.routing.primaries.push(node);
            }
            if let Some(slots) = self
                .routing
                .slots
                .get_mut(usize::from(start)..=usize::from(end))
            {
                slots.fill(node as u32);
            }
        }
        self.note_readable_replicas(&topology);
        let primaries_after = self.routing.primaries.len();
        self.routing.topology = Some(topology);
        let table_moved = table_before.is_some_and(|before| before != self.routing.slots);
        if changed || table_moved {
            self.cache_after_new_view();
        }
        if changed {
            self.topology_changes += 1;
            self.event(Event::TopologyChanged {
                slots_moved,
                primaries_before,
                primaries_after,
            });
        }
        self.move_misplaced_subscriptions(now);
        self.withdraw_departed_legs(now);
        self.leave_stalled_nodes(now);
        self.prune_departed();
    }

    /// Record, on each primary, the replicas reads may go to: online and, when the reply
    /// gives offsets, no further behind than [`Config::max_replica_lag`](super::super::Config).
    pub(super) fn note_readable_replicas(&mut self, topology: &Topology) {
        for node in &mut self.routing.nodes {
            node.replicas.clear();
        }
        let max_lag = self.config.max_replica_lag;
        for shard in topology.shards() {
            let Some(primary) = &shard.primary else {
                continue;
            };
            let p = self.node_for(&primary.addr);
            for replica in &shard.replicas {
                let lag = match (primary.replication_offset, replica.replication_offset) {
                    (Some(p), Some(r)) => u64::try_from(p.saturating_sub(r)).unwrap_or(0),
                    _ => 0,
                };
                let readable = replica.role == crate::topology::Role::Replica
                    && replica.health == crate::topology::Health::Online
                    && max_lag.is_none_or(|max| lag <= max);
                if readable {
                    let r = self.node_for(&replica.addr);
                    self.routing.nodes[p].replicas.push(r);
                }
            }
        }
    }

    /// Seed connections were for discovery; one whose address is a node's serves that node,
    /// the rest close once nothing is in flight on them.
    pub(super) fn close_idle_seed_conns(&mut self, now: Instant) {
        let seed_conns: Vec<Key> = self
            .conns
            .iter()
            .filter(|(_, c)| c.node.is_none())
            .map(|(k, _)| k)
            .collect();
        for conn in seed_conns {
            let Some(addr) = self.conns.get(conn).map(|c| c.addr.clone()) else {
                continue;
            };
            match self.routing.node_index.get(&addr).copied() {
                Some(node)
                    if self.routing.nodes[node].listed
                        && self.routing.nodes[node].conn.is_none() =>
                {
                    self.routing.nodes[node].conn = Some(conn);
                    if let Some(c) = self.conns.get_mut(conn) {
                        c.node = Some(node);
                    }
                }
                _ => {
                    if self.conns.get(conn).is_some_and(|c| c.inflight.is_empty()) {
                        self.drop_conn(conn, None, now);
                    }
                }
            }
        }
    }
}
