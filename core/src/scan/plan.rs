//! The planner: [`ClusterScan`], the scan's state and every decision it takes.
//!
//! See the [module docs](super) for the algorithm and its guarantee. Here the state is laid
//! out as the phases it goes through: `Start` (waiting for a topology), `Main` (one primary
//! after the other: sample, `SCAN`, sample), `Recover` (dirty slots in batches per owner:
//! locate, read, type-check, confirm), `Finished`.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;

use super::glob::glob_match;
use super::nodes::{NodeLine, NodesView};
use super::reply;
use super::slots::SlotSet;
use super::{ScanError, ScanOptions, ScanStats, Step};
use crate::cluster::Error;
use crate::time::Duration;
use crate::topology::{Addr, Topology};
use crate::{Cmd, SLOT_COUNT};

/// Failed requests (connections lost, timeouts) a scan tolerates in all.
///
/// ```
/// use keyslot_core::cluster::Error;
/// use keyslot_core::scan::{ClusterScan, ScanOptions, Step, MAX_FAILURES};
/// # use keyslot_core::resp::Value;
/// # use keyslot_core::topology::{Addr, Topology};
/// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
/// # let node = Addr::new("10.0.0.1", 7000);
/// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
/// # let me = Value::Array(me);
/// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
/// # let slots = Value::Array(vec![range]);
/// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
/// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
/// # let nodes = |extra: &str| -> Value {
/// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
/// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
/// # };
/// let mut scan = ClusterScan::new(ScanOptions::default());
/// scan.next_step(&topology);
/// // A timeout (or a lost connection) is counted, and the scan goes on.
/// assert_eq!(scan.on_reply(Err(Error::Timeout)), Ok(vec![]));
/// assert!(scan.stats().failures <= MAX_FAILURES);
/// assert!(matches!(scan.next_step(&topology), Step::Send { .. }));
/// ```
pub const MAX_FAILURES: usize = 64;
/// Times one dirty slot is re-covered before the scan gives up on it.
///
/// ```
/// use keyslot_core::cluster::Error;
/// use keyslot_core::scan::{ClusterScan, ScanError, ScanOptions, Step, MAX_ATTEMPTS};
/// # use keyslot_core::resp::Value;
/// # use keyslot_core::topology::{Addr, Topology};
/// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
/// # let node = Addr::new("10.0.0.1", 7000);
/// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
/// # let me = Value::Array(me);
/// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
/// # let slots = Value::Array(vec![range]);
/// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
/// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
/// # let nodes = |extra: &str| -> Value {
/// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
/// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
/// # };
/// // Every request times out: slot 0 is re-covered again and again, then given up.
/// let mut scan = ClusterScan::new(ScanOptions::default());
/// let error = loop {
///     match scan.next_step(&topology) {
///         Step::Send { .. } => {
///             if let Err(error) = scan.on_reply(Err(Error::Timeout)) {
///                 break error;
///             }
///         }
///         Step::Wait(_) => {} // a growing pause between tries
///         step => panic!("unexpected {step:?}"),
///     }
/// };
/// assert_eq!(error, ScanError::Unstable { slot: 0 });
/// assert_eq!(scan.stats().recover_retries, usize::from(MAX_ATTEMPTS));
/// ```
pub const MAX_ATTEMPTS: u8 = 12;
/// Dirty slots read per owner between one pair of samples.
const BATCH: usize = 64;
/// How many keys the first `CLUSTER GETKEYSINSLOT` of a slot asks for.
const FIRST_PAGE: u32 = 512;
/// Times a locate may follow a node's view to another node.
const MAX_HOPS: u8 = 3;
/// The claim table entry of a slot no sample has claimed (or whose claimant let it go).
const NO_CLAIM: u16 = u16::MAX;

/// A cluster-wide scan as a state machine; see the [module docs](super).
///
/// Drive it as: `loop { match scan.next_step(&topology) { Send => on_reply, Routed =>
/// on_routed_replies, Wait => sleep, Done => break } }`, yielding the keys each `on_*` call
/// returns. After an error the next step is [`Step::Done`]. Call
/// [`wants_topology`](Self::wants_topology) to know when the topology passed in should be
/// fresh (others times any recent one will do).
///
/// ```
/// use keyslot_core::cluster::Error;
/// use keyslot_core::scan::{ClusterScan, ScanOptions, Step};
/// use keyslot_core::Cmd;
/// # use keyslot_core::resp::Value;
/// # use keyslot_core::topology::{Addr, Topology};
/// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
/// # let node = Addr::new("10.0.0.1", 7000);
/// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
/// # let me = Value::Array(me);
/// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
/// # let slots = Value::Array(vec![range]);
/// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
/// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
/// # let nodes = |extra: &str| -> Value {
/// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
/// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
/// # };
/// # // The node holds the keys `a` and `b`.
/// # let answer = |_node: &Addr, cmd: &Cmd| -> Value {
/// #     let keys = Value::Array(vec![Value::from("a"), Value::from("b")]);
/// #     match cmd.name() {
/// #         b"SCAN" => Value::Array(vec![Value::from("0"), keys]),
/// #         _ => nodes(""),
/// #     }
/// # };
/// # let route = |_cmds: &[Cmd]| -> Vec<Result<Value, Error>> { unreachable!() };
/// let mut scan = ClusterScan::new(ScanOptions::default());
/// let mut keys = Vec::new();
/// loop {
///     match scan.next_step(&topology) {
///         Step::Send { node, cmd } => {
///             let reply = answer(&node, &cmd); // `cmd` sent to `node`, no redirects followed
///             keys.extend(scan.on_reply(Ok(reply)).unwrap());
///         }
///         Step::Routed { cmds } => {
///             let replies = route(&cmds); // one routed pipeline
///             keys.extend(scan.on_routed_replies(Ok(replies)).unwrap());
///         }
///         Step::Wait(_) => {} // sleep that long, then ask again
///         Step::Done => break,
///     }
/// }
/// assert_eq!(keys, ["a", "b"]);
/// ```
#[derive(Debug)]
pub struct ClusterScan {
    opts: ScanOptions,
    phase: Phase,
    /// A step was handed out and its reply is due.
    awaiting: bool,
    /// A pause to hand out before the next request.
    pause: Option<Duration>,
    /// Node ids seen, so that claims are small indexes.
    ids: Vec<String>,
    /// Per slot, the index in `ids` of the node the latest sample says owns it.
    claims: Vec<u16>,
    /// Slots whose claimant changed between samples, or that were moving at a sample.
    disputed: SlotSet,
    /// Slots a main pass confirmed.
    confirmed: SlotSet,
    /// The primaries to scan, as the topology had them at the start.
    queue: Vec<(Addr, String)>,
    /// Node ids to addresses, from the last topology seen.
    known: Vec<(String, Addr)>,
    attempts: BTreeMap<u16, u8>,
    stats: ScanStats,
}

#[derive(Debug)]
enum Phase {
    Start,
    Main { index: usize, stage: Main },
    Recover { todo: SlotSet, batch: Option<Batch> },
    Finished,
}

#[derive(Debug)]
enum Main {
    Before,
    Scan { pre: Sample, cursor: u64 },
    After { pre: Sample },
}

/// What one `myself` line said.
#[derive(Debug)]
struct Sample {
    id: String,
    owned: SlotSet,
    moving: SlotSet,
}

/// A batch of dirty slots re-read from one owner between two samples of it.
#[derive(Debug)]
struct Batch {
    /// The node asked: a candidate owner while locating, the owner afterwards.
    node: Addr,
    first: u16,
    hops: u8,
    owner: String,
    slots: Vec<Planned>,
    /// The slot being read, and whether its target is being read.
    index: usize,
    on_target: bool,
    page: u32,
    /// Keys of the current slot that passed `MATCH`.
    found: Vec<Bytes>,
    /// Keys of finished slots that passed every filter, handed out when the batch ends (one
    /// batch of keys per batch of slots rather than one per slot).
    ready: Vec<Bytes>,
    stage: Stage,
}

#[derive(Debug)]
struct Planned {
    slot: u16,
    /// The migration target (id, address) when the owner is migrating the slot.
    target: Option<(String, Addr)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Locate,
    Read,
    Types,
    Confirm,
}

/// A reply's meaning for the planner's bookkeeping: fatal errors end the scan at once.
enum Outcome {
    Value(crate::resp::Value),
    Failed(Error),
}

impl ClusterScan {
    /// A scan that has not started; the first [`next_step`](Self::next_step) takes its
    /// topology as the list of primaries to visit.
    ///
    /// ```
    /// use keyslot_core::scan::{ClusterScan, ScanOptions, Step};
    /// # use keyslot_core::resp::Value;
    /// # use keyslot_core::topology::{Addr, Topology};
    /// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
    /// # let node = Addr::new("10.0.0.1", 7000);
    /// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
    /// # let me = Value::Array(me);
    /// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
    /// # let slots = Value::Array(vec![range]);
    /// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
    /// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
    /// # let nodes = |extra: &str| -> Value {
    /// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
    /// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
    /// # };
    /// let mut scan = ClusterScan::new(ScanOptions::default());
    /// // The first step visits the first primary of the topology.
    /// let Step::Send { node: first, .. } = scan.next_step(&topology) else { panic!() };
    /// assert_eq!(first, Addr::new("10.0.0.1", 7000));
    /// ```
    pub fn new(opts: ScanOptions) -> Self {
        ClusterScan {
            opts,
            phase: Phase::Start,
            awaiting: false,
            pause: None,
            ids: Vec::new(),
            claims: alloc::vec![NO_CLAIM; usize::from(SLOT_COUNT)],
            disputed: SlotSet::new(),
            confirmed: SlotSet::new(),
            queue: Vec::new(),
            known: Vec::new(),
            attempts: BTreeMap::new(),
            stats: ScanStats::default(),
        }
    }

    /// What the scan has done so far.
    ///
    /// ```
    /// use keyslot_core::cluster::Error;
    /// use keyslot_core::scan::{ClusterScan, ScanOptions};
    /// # use keyslot_core::resp::Value;
    /// # use keyslot_core::topology::{Addr, Topology};
    /// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
    /// # let node = Addr::new("10.0.0.1", 7000);
    /// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
    /// # let me = Value::Array(me);
    /// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
    /// # let slots = Value::Array(vec![range]);
    /// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
    /// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
    /// # let nodes = |extra: &str| -> Value {
    /// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
    /// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
    /// # };
    /// let mut scan = ClusterScan::new(ScanOptions::default());
    /// scan.next_step(&topology);
    /// scan.on_reply(Err(Error::Timeout)).unwrap();
    /// assert_eq!(scan.stats().failures, 1);
    /// assert_eq!(scan.stats().nodes_scanned, 0);
    /// ```
    pub fn stats(&self) -> ScanStats {
        self.stats
    }

    /// True when the next [`next_step`](Self::next_step) decides by the topology, so the
    /// caller should pass a fresh one.
    ///
    /// ```
    /// use keyslot_core::scan::{ClusterScan, ScanOptions};
    /// # use keyslot_core::resp::Value;
    /// # use keyslot_core::topology::{Addr, Topology};
    /// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
    /// # let node = Addr::new("10.0.0.1", 7000);
    /// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
    /// # let me = Value::Array(me);
    /// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
    /// # let slots = Value::Array(vec![range]);
    /// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
    /// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
    /// # let nodes = |extra: &str| -> Value {
    /// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
    /// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
    /// # };
    /// let mut scan = ClusterScan::new(ScanOptions::default());
    /// assert!(scan.wants_topology()); // the first step reads the primaries from it
    /// scan.next_step(&topology);
    /// assert!(!scan.wants_topology()); // the main pass follows its own plan
    /// ```
    pub fn wants_topology(&self) -> bool {
        matches!(
            self.phase,
            Phase::Start | Phase::Recover { batch: None, .. }
        )
    }

    /// The next thing to do. Calling it again before the reply comes returns the same step.
    ///
    /// ```
    /// use keyslot_core::scan::{ClusterScan, ScanOptions};
    /// # use keyslot_core::resp::Value;
    /// # use keyslot_core::topology::{Addr, Topology};
    /// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
    /// # let node = Addr::new("10.0.0.1", 7000);
    /// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
    /// # let me = Value::Array(me);
    /// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
    /// # let slots = Value::Array(vec![range]);
    /// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
    /// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
    /// # let nodes = |extra: &str| -> Value {
    /// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
    /// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
    /// # };
    /// let mut scan = ClusterScan::new(ScanOptions::default());
    /// let step = scan.next_step(&topology);
    /// // Asked again before the reply, it repeats itself.
    /// assert_eq!(scan.next_step(&topology), step);
    /// ```
    pub fn next_step(&mut self, topology: &Topology) -> Step {
        if let Some(pause) = self.pause.take() {
            return Step::Wait(pause);
        }
        if self.wants_topology() {
            self.learn(topology);
        }
        if matches!(self.phase, Phase::Start) {
            self.start(topology);
        }
        if let Phase::Recover { todo, batch: None } = &mut self.phase {
            loop {
                let Some(first) = todo.next_from(0) else {
                    self.phase = Phase::Finished;
                    return Step::Done;
                };
                let owner = topology
                    .primary_of_slot(first)
                    .or_else(|| topology.shards().iter().find_map(|s| s.primary.as_ref()));
                let Some(owner) = owner else {
                    // No node known at all: nothing can be read from this slot.
                    todo.remove(first);
                    self.stats.slots_unowned += 1;
                    continue;
                };
                self.phase = Phase::Recover {
                    todo: core::mem::replace(todo, SlotSet::new()),
                    batch: Some(Batch::locate(owner.addr.clone(), first)),
                };
                break;
            }
        }
        let step = match &self.phase {
            Phase::Start | Phase::Finished => Step::Done,
            Phase::Main { index, stage } => {
                let node = self.queue[*index].0.clone();
                let cmd = match stage {
                    Main::Before | Main::After { .. } => cluster_nodes(),
                    Main::Scan { cursor, .. } => self.scan_cmd(*cursor),
                };
                Step::Send { node, cmd }
            }
            Phase::Recover { batch: None, .. } => Step::Done,
            Phase::Recover { batch: Some(b), .. } => match b.stage {
                Stage::Locate | Stage::Confirm => Step::Send {
                    node: b.node.clone(),
                    cmd: cluster_nodes(),
                },
                Stage::Read => {
                    let Some(planned) = b.slots.get(b.index) else {
                        return Step::Done;
                    };
                    let cmd = Cmd::new("CLUSTER")
                        .arg("GETKEYSINSLOT")
                        .arg(planned.slot)
                        .arg(b.page);
                    Step::Send {
                        node: b.addressed(),
                        cmd,
                    }
                }
                Stage::Types => Step::Routed {
                    cmds: b.found.iter().map(|k| Cmd::new("TYPE").arg(k)).collect(),
                },
            },
        };
        self.awaiting = !matches!(step, Step::Done);
        step
    }

    /// The outcome of the last [`Step::Send`]; returns the keys to yield.
    ///
    /// ```
    /// use keyslot_core::scan::{ClusterScan, ScanError, ScanOptions};
    /// # use keyslot_core::resp::Value;
    /// # use keyslot_core::topology::{Addr, Topology};
    /// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
    /// # let node = Addr::new("10.0.0.1", 7000);
    /// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
    /// # let me = Value::Array(me);
    /// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
    /// # let slots = Value::Array(vec![range]);
    /// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
    /// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
    /// # let nodes = |extra: &str| -> Value {
    /// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
    /// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
    /// # };
    /// let mut scan = ClusterScan::new(ScanOptions::default());
    /// scan.next_step(&topology); // CLUSTER NODES
    /// scan.on_reply(Ok(nodes(""))).unwrap();
    /// scan.next_step(&topology); // SCAN 0
    /// let reply = Value::Array(vec![Value::from("0"), Value::Array(vec![Value::from("k")])]);
    /// assert_eq!(scan.on_reply(Ok(reply)).unwrap(), ["k"]);
    /// // A reply without a step before it breaks the protocol.
    /// assert_eq!(scan.on_reply(Ok(Value::Null)), Err(ScanError::UnexpectedReply));
    /// ```
    pub fn on_reply(
        &mut self,
        reply: Result<crate::resp::Value, Error>,
    ) -> Result<Vec<Bytes>, ScanError> {
        if !core::mem::take(&mut self.awaiting) {
            return Err(ScanError::UnexpectedReply);
        }
        let result = self.handle(reply);
        if result.is_err() {
            self.phase = Phase::Finished;
        }
        result
    }

    /// The outcome of the last [`Step::Routed`]; returns the keys to yield.
    ///
    /// ```
    /// use keyslot_core::scan::{ClusterScan, ScanOptions, Step};
    /// # use keyslot_core::resp::Value;
    /// # use keyslot_core::topology::{Addr, Topology};
    /// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
    /// # let node = Addr::new("10.0.0.1", 7000);
    /// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
    /// # let me = Value::Array(me);
    /// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
    /// # let slots = Value::Array(vec![range]);
    /// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
    /// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
    /// # let nodes = |extra: &str| -> Value {
    /// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
    /// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
    /// # };
    /// let opts = ScanOptions { type_: Some("string".into()), ..ScanOptions::default() };
    /// let mut scan = ClusterScan::new(opts);
    /// // The main pass: CLUSTER NODES, SCAN, and CLUSTER NODES again, where slot 5 is migrating.
    /// # let empty = Value::Array(vec![Value::from("0"), Value::Array(vec![])]);
    /// # let migrating = nodes(" [5->-b4c1d3e0f2a5968778695a4b3c2d1e0f9a8b7c6d]");
    /// # for reply in [nodes(""), empty, migrating] {
    /// #     scan.next_step(&topology);
    /// #     scan.on_reply(Ok(reply)).unwrap();
    /// # }
    /// // So slot 5 is read again: its owner is located, and CLUSTER GETKEYSINSLOT lists `k`.
    /// # for reply in [nodes(""), Value::Array(vec![Value::from("k")])] {
    /// #     scan.next_step(&topology);
    /// #     scan.on_reply(Ok(reply)).unwrap();
    /// # }
    /// // Those keys come unfiltered: a routed TYPE per key checks them.
    /// let Step::Routed { cmds } = scan.next_step(&topology) else { panic!() };
    /// assert_eq!(cmds[0].args().collect::<Vec<_>>(), [&b"TYPE"[..], b"k"]);
    /// let replies = vec![Ok(Value::SimpleString("string".into()))];
    /// assert!(scan.on_routed_replies(Ok(replies)).unwrap().is_empty());
    /// // The keys come out once the owner's next sample confirms the slot.
    /// scan.next_step(&topology);
    /// assert_eq!(scan.on_reply(Ok(nodes(""))).unwrap(), ["k"]);
    /// ```
    pub fn on_routed_replies(
        &mut self,
        replies: Result<Vec<Result<crate::resp::Value, Error>>, Error>,
    ) -> Result<Vec<Bytes>, ScanError> {
        if !core::mem::take(&mut self.awaiting) {
            return Err(ScanError::UnexpectedReply);
        }
        let result = self.handle_types(replies);
        if result.is_err() {
            self.phase = Phase::Finished;
        }
        result
    }

    fn start(&mut self, topology: &Topology) {
        for shard in topology.shards() {
            let Some(primary) = &shard.primary else {
                continue;
            };
            if shard.slots.is_empty() {
                continue;
            }
            let id = self.intern(&primary.id);
            for &(first, last) in &shard.slots {
                for slot in first..=last.min(SLOT_COUNT - 1) {
                    self.claims[usize::from(slot)] = id;
                }
            }
            self.queue.push((primary.addr.clone(), primary.id.clone()));
        }
        self.phase = if self.queue.is_empty() {
            Phase::Recover {
                todo: SlotSet::full(),
                batch: None,
            }
        } else {
            Phase::Main {
                index: 0,
                stage: Main::Before,
            }
        };
    }

    fn learn(&mut self, topology: &Topology) {
        self.known.clear();
        for node in topology.nodes().filter(|n| !n.id.is_empty()) {
            self.known.push((node.id.clone(), node.addr.clone()));
        }
    }

    fn handle(
        &mut self,
        reply: Result<crate::resp::Value, Error>,
    ) -> Result<Vec<Bytes>, ScanError> {
        let node = self.current_node();
        let outcome = match reply {
            Ok(crate::resp::Value::Error(text)) => Err(Error::Server(text.into())),
            other => other,
        };
        let outcome = match outcome {
            Ok(value) => Outcome::Value(value),
            Err(error) if is_fatal(&error) => {
                return Err(ScanError::Refused { node, error });
            }
            Err(error) => Outcome::Failed(error),
        };
        match core::mem::replace(&mut self.phase, Phase::Finished) {
            Phase::Main { index, stage } => self.main_reply(index, stage, outcome),
            Phase::Recover {
                todo,
                batch: Some(batch),
            } => self.recover_reply(todo, batch, outcome),
            other => {
                self.phase = other;
                Err(ScanError::UnexpectedReply)
            }
        }
    }

    fn current_node(&self) -> Option<Addr> {
        match &self.phase {
            Phase::Main { index, .. } => self.queue.get(*index).map(|q| q.0.clone()),
            Phase::Recover { batch: Some(b), .. } => Some(b.addressed()),
            _ => None,
        }
    }

    fn main_reply(
        &mut self,
        index: usize,
        stage: Main,
        outcome: Outcome,
    ) -> Result<Vec<Bytes>, ScanError> {
        let node = self.queue[index].0.clone();
        let value = match outcome {
            Outcome::Value(v) => v,
            Outcome::Failed(error) => {
                // The node's pass is abandoned: none of its slots gets confirmed, so all of
                // them are re-covered later on whoever owns them then.
                self.failed(error)?;
                self.next_node(index);
                return Ok(Vec::new());
            }
        };
        match stage {
            Main::Before => {
                let me = myself(&node, &value)?;
                self.record(&me);
                self.phase = if me.primary {
                    Phase::Main {
                        index,
                        stage: Main::Scan {
                            pre: sample(&me),
                            cursor: 0,
                        },
                    }
                } else {
                    // Demoted before we came: its slots are someone else's now.
                    self.next_node(index);
                    return Ok(Vec::new());
                };
                Ok(Vec::new())
            }
            Main::Scan { pre, .. } => {
                let (cursor, keys) =
                    reply::scan(&value).map_err(|reason| ScanError::Malformed { node, reason })?;
                let stage = if cursor == 0 {
                    Main::After { pre }
                } else {
                    Main::Scan { pre, cursor }
                };
                self.phase = Phase::Main { index, stage };
                Ok(keys)
            }
            Main::After { pre } => {
                let me = myself(&node, &value)?;
                self.record(&me);
                if me.primary && me.id == pre.id {
                    let mut sure = pre.owned;
                    sure.intersect(&me.slots);
                    sure.subtract(&pre.moving);
                    sure.subtract(&me.moving());
                    self.confirmed.union(&sure);
                    self.stats.slots_confirmed = self.confirmed.len();
                }
                self.stats.nodes_scanned += 1;
                self.next_node(index);
                Ok(Vec::new())
            }
        }
    }

    fn next_node(&mut self, index: usize) {
        if index + 1 < self.queue.len() {
            self.phase = Phase::Main {
                index: index + 1,
                stage: Main::Before,
            };
            return;
        }
        let mut todo = SlotSet::full();
        todo.subtract(&self.confirmed);
        todo.union(&self.disputed);
        self.phase = Phase::Recover { todo, batch: None };
    }

    /// Fold one `myself` line into the claims: a slot claimed by a node other than its last
    /// claimant, or let go by it, or moving, is disputed.
    fn record(&mut self, me: &NodeLine) {
        let id = self.intern(&me.id);
        for slot in 0..SLOT_COUNT {
            let owns = me.primary && me.slots.contains(slot);
            let claim = &mut self.claims[usize::from(slot)];
            if owns && *claim != id {
                if *claim != NO_CLAIM {
                    self.disputed.insert(slot);
                }
                *claim = id;
            } else if !owns && *claim == id {
                self.disputed.insert(slot);
                *claim = NO_CLAIM;
            }
        }
        self.disputed.union(&me.moving());
    }

    fn intern(&mut self, id: &str) -> u16 {
        if let Some(i) = self.ids.iter().position(|known| known == id) {
            return u16::try_from(i).unwrap_or(NO_CLAIM - 1);
        }
        self.ids.push(id.into());
        u16::try_from(self.ids.len() - 1).unwrap_or(NO_CLAIM - 1)
    }

    fn recover_reply(
        &mut self,
        mut todo: SlotSet,
        mut batch: Batch,
        outcome: Outcome,
    ) -> Result<Vec<Bytes>, ScanError> {
        let value = match outcome {
            Outcome::Value(v) => v,
            Outcome::Failed(error) => {
                self.failed(error)?;
                self.batch_failed(&batch)?;
                self.phase = Phase::Recover { todo, batch: None };
                // Keys read before the failure exist all the same.
                return Ok(batch.ready);
            }
        };
        let node = batch.addressed();
        match batch.stage {
            Stage::Locate => {
                let view = nodes_view(&node, &value)?;
                let me = view.myself().ok_or(ScanError::Malformed {
                    node: node.clone(),
                    reason: "no myself line",
                })?;
                if me.primary && me.slots.contains(batch.first) {
                    batch.owner = me.id.clone();
                    for slot in todo
                        .iter()
                        .filter(|&s| s >= batch.first && me.slots.contains(s))
                        .take(BATCH)
                    {
                        let target = match me.migrating_to(slot) {
                            None => None,
                            Some(id) => match self.address_of(id, &view) {
                                Some(addr) => Some((String::from(id), addr)),
                                // A target we cannot reach: this slot waits for a later try.
                                None => {
                                    self.attempt(slot)?;
                                    continue;
                                }
                            },
                        };
                        batch.slots.push(Planned { slot, target });
                    }
                    batch.stage = if batch.slots.is_empty() {
                        Stage::Confirm
                    } else {
                        Stage::Read
                    };
                } else if let Some(claimant) = view.claimant(batch.first) {
                    batch.hops += 1;
                    match self.address_of(&claimant.id, &view) {
                        Some(addr) if batch.hops <= MAX_HOPS => batch.node = addr,
                        _ => {
                            self.attempt(batch.first)?;
                            self.phase = Phase::Recover { todo, batch: None };
                            return Ok(Vec::new());
                        }
                    }
                } else {
                    // Nobody claims the slot: no node serves keys from it.
                    todo.remove(batch.first);
                    self.stats.slots_unowned += 1;
                    self.phase = Phase::Recover { todo, batch: None };
                    return Ok(Vec::new());
                }
            }
            Stage::Read => {
                let page = reply::key_list(
                    &value,
                    "CLUSTER GETKEYSINSLOT is not an array of bulk strings",
                )
                .map_err(|reason| ScanError::Malformed { node, reason })?;
                if page.len() >= batch.page as usize {
                    // Maybe more: ask again for more (GETKEYSINSLOT always starts over).
                    batch.page = batch.page.saturating_mul(4);
                } else {
                    let pattern = self.opts.pattern.as_deref();
                    batch.found.extend(
                        page.into_iter()
                            .filter(|k| pattern.is_none_or(|p| glob_match(p, k))),
                    );
                    batch.page = FIRST_PAGE;
                    let has_target = batch
                        .slots
                        .get(batch.index)
                        .is_some_and(|p| p.target.is_some());
                    if has_target && !batch.on_target {
                        batch.on_target = true;
                    } else if self.opts.type_.is_some() && !batch.found.is_empty() {
                        batch.stage = Stage::Types;
                    } else {
                        batch.ready.append(&mut batch.found);
                        batch.next_slot();
                    }
                }
            }
            Stage::Types => return Err(ScanError::UnexpectedReply),
            Stage::Confirm => {
                let me = myself(&node, &value)?;
                for planned in &batch.slots {
                    let same = me.primary
                        && me.id == batch.owner
                        && me.slots.contains(planned.slot)
                        && me.migrating_to(planned.slot)
                            == planned.target.as_ref().map(|t| t.0.as_str());
                    if same {
                        todo.remove(planned.slot);
                        self.stats.slots_recovered += 1;
                    } else {
                        self.attempt(planned.slot)?;
                    }
                }
                self.phase = Phase::Recover { todo, batch: None };
                return Ok(batch.ready);
            }
        }
        self.phase = Phase::Recover {
            todo,
            batch: Some(batch),
        };
        Ok(Vec::new())
    }

    fn handle_types(
        &mut self,
        replies: Result<Vec<Result<crate::resp::Value, Error>>, Error>,
    ) -> Result<Vec<Bytes>, ScanError> {
        let Phase::Recover {
            todo,
            batch: Some(mut batch),
        } = core::mem::replace(&mut self.phase, Phase::Finished)
        else {
            return Err(ScanError::UnexpectedReply);
        };
        if batch.stage != Stage::Types {
            return Err(ScanError::UnexpectedReply);
        }
        let wanted = self.opts.type_.clone().unwrap_or_default();
        let replies = match replies {
            Err(error) if is_fatal(&error) => return Err(ScanError::Refused { node: None, error }),
            Err(error) => Err(error),
            Ok(replies) if replies.len() != batch.found.len() => {
                return Err(ScanError::Malformed {
                    node: batch.node.clone(),
                    reason: "a TYPE reply per key",
                })
            }
            Ok(replies) => replies.into_iter().collect::<Result<Vec<_>, _>>(),
        };
        let replies = match replies {
            Ok(r) => r,
            Err(error) if is_fatal(&error) => return Err(ScanError::Refused { node: None, error }),
            Err(error) => {
                self.failed(error)?;
                self.batch_failed(&batch)?;
                self.phase = Phase::Recover { todo, batch: None };
                return Ok(batch.ready);
            }
        };
        for (key, ty) in core::mem::take(&mut batch.found).into_iter().zip(replies) {
            let ty = reply::text(&ty).ok_or(ScanError::Malformed {
                node: batch.node.clone(),
                reason: "TYPE reply is not text",
            })?;
            if ty.eq_ignore_ascii_case(&wanted) {
                batch.ready.push(key);
            }
        }
        batch.next_slot();
        self.phase = Phase::Recover {
            todo,
            batch: Some(batch),
        };
        Ok(Vec::new())
    }

    /// Where to reach node `id`: the address the client's topology uses, else the one the
    /// asked node's view gives.
    fn address_of(&self, id: &str, view: &NodesView) -> Option<Addr> {
        self.known
            .iter()
            .find(|(known, _)| known == id)
            .map(|(_, addr)| addr.clone())
            .or_else(|| view.by_id(id).and_then(|l| l.addr.clone()))
    }

    /// A request failed without an answer; count it, and give up past the limit.
    fn failed(&mut self, error: Error) -> Result<(), ScanError> {
        self.stats.failures += 1;
        if self.stats.failures > MAX_FAILURES {
            return Err(ScanError::TooManyFailures { last: error });
        }
        Ok(())
    }

    fn batch_failed(&mut self, batch: &Batch) -> Result<(), ScanError> {
        if batch.slots.is_empty() {
            return self.attempt(batch.first);
        }
        for planned in &batch.slots {
            self.attempt(planned.slot)?;
        }
        Ok(())
    }

    /// One more try of `slot` is needed; pause longer each time, up to a second.
    fn attempt(&mut self, slot: u16) -> Result<(), ScanError> {
        let n = self.attempts.entry(slot).or_insert(0);
        *n = n.saturating_add(1);
        if *n > MAX_ATTEMPTS {
            return Err(ScanError::Unstable { slot });
        }
        self.stats.recover_retries += 1;
        let pause = Duration::from_millis((25u64 << (*n).min(6)).min(1_000));
        self.pause = Some(self.pause.map_or(pause, |p| p.max(pause)));
        Ok(())
    }

    fn scan_cmd(&self, cursor: u64) -> Cmd {
        let mut cmd = Cmd::new("SCAN").arg(cursor);
        if let Some(p) = &self.opts.pattern {
            cmd = cmd.arg("MATCH").arg(p);
        }
        if let Some(c) = self.opts.count {
            cmd = cmd.arg("COUNT").arg(c);
        }
        if let Some(t) = &self.opts.type_ {
            cmd = cmd.arg("TYPE").arg(t);
        }
        cmd
    }
}

impl Batch {
    /// The node the batch's current request goes to: the migration target while reading
    /// it, the owner (or candidate owner) otherwise.
    fn addressed(&self) -> Addr {
        match (self.slots.get(self.index), self.on_target, self.stage) {
            (
                Some(Planned {
                    target: Some((_, t)),
                    ..
                }),
                true,
                Stage::Read,
            ) => t.clone(),
            _ => self.node.clone(),
        }
    }

    fn locate(node: Addr, first: u16) -> Batch {
        Batch {
            node,
            first,
            hops: 0,
            owner: String::new(),
            slots: Vec::new(),
            index: 0,
            on_target: false,
            page: FIRST_PAGE,
            found: Vec::new(),
            ready: Vec::new(),
            stage: Stage::Locate,
        }
    }

    fn next_slot(&mut self) {
        self.index += 1;
        self.on_target = false;
        self.found.clear();
        if self.index >= self.slots.len() {
            self.stage = Stage::Confirm;
        } else {
            self.stage = Stage::Read;
        }
    }
}

fn cluster_nodes() -> Cmd {
    Cmd::new("CLUSTER").arg("NODES")
}

/// Errors retrying cannot fix: the node answered with an error, or the client is gone.
fn is_fatal(error: &Error) -> bool {
    matches!(
        error,
        Error::Server(_)
            | Error::Closed
            | Error::Config(_)
            | Error::Auth { .. }
            | Error::Unsupported { .. }
            | Error::InvalidCommand(_)
    )
}

fn nodes_view(node: &Addr, value: &crate::resp::Value) -> Result<NodesView, ScanError> {
    let text = reply::text(value).ok_or(ScanError::Malformed {
        node: node.clone(),
        reason: "CLUSTER NODES reply is not text",
    })?;
    NodesView::parse(text).map_err(|reason| ScanError::Malformed {
        node: node.clone(),
        reason,
    })
}

fn myself(node: &Addr, value: &crate::resp::Value) -> Result<NodeLine, ScanError> {
    let view = nodes_view(node, value)?;
    view.lines
        .into_iter()
        .find(|l| l.myself)
        .ok_or(ScanError::Malformed {
            node: node.clone(),
            reason: "CLUSTER NODES has no myself line",
        })
}

fn sample(me: &NodeLine) -> Sample {
    Sample {
        id: me.id.clone(),
        owned: me.slots.clone(),
        moving: me.moving(),
    }
}
