//! Finding a command's [`CommandSpec`] by name, on the hot path of every request.
//!
//! An open-addressing hash index over the whole table (commands and `container|sub`
//! subcommands alike), built at compile time by a `const fn`, so a lookup is: hash the
//! lowercased name (FNV-1a), then probe linearly until a name matches case-insensitively or
//! an empty slot says it is unknown. No allocation, no scan of the table, no
//! runtime initialisation. Names longer than [`MAX_NAME`] are simply unknown: no command
//! is that long.

use super::spec::CommandSpec;
use super::table::COMMANDS;
use crate::Cmd;

/// The longest command or subcommand name looked up; longer names are unknown.
///
/// ```
/// use keyslot_core::command::{commands, lookup_name, MAX_NAME};
/// assert!(commands().iter().all(|spec| spec.name().len() <= MAX_NAME));
/// assert!(lookup_name(&[b'a'; MAX_NAME + 1]).is_none());
/// ```
pub const MAX_NAME: usize = 32;

/// Index slots: a power of two, at least twice the number of entries so probes stay short.
const SLOTS: usize = 1024;
const MASK: usize = SLOTS - 1;
const EMPTY: u16 = u16::MAX;

/// `INDEX[slot]` is a position in [`COMMANDS`], or `EMPTY`.
static INDEX: [u16; SLOTS] = build_index();

const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;

#[inline(always)]
const fn fnv_step(hash: u32, byte: u8) -> u32 {
    (hash ^ byte as u32).wrapping_mul(FNV_PRIME)
}

/// The slot a hash starts probing at. FNV-1a's low bits mix poorly on short inputs; folding
/// the high half in keeps the probe sequences short.
#[inline(always)]
const fn home(hash: u32) -> usize {
    (hash ^ (hash >> 16)) as usize & MASK
}

const fn build_index() -> [u16; SLOTS] {
    assert!(
        COMMANDS.len() * 2 <= SLOTS,
        "grow SLOTS: the index must stay at most half full"
    );
    let mut index = [EMPTY; SLOTS];
    let mut i = 0;
    while i < COMMANDS.len() {
        let name = COMMANDS[i].name.as_bytes();
        let mut hash = FNV_OFFSET;
        let mut j = 0;
        while j < name.len() {
            assert!(
                !name[j].is_ascii_uppercase(),
                "table names must be lowercase"
            );
            hash = fnv_step(hash, name[j]);
            j += 1;
        }
        let mut slot = home(hash);
        while index[slot] != EMPTY {
            slot = (slot + 1) & MASK;
        }
        index[slot] = i as u16;
        i += 1;
    }
    index
}

/// The first entry along the probe sequence of `hash` that `is_it` accepts.
#[inline(always)]
fn probe(hash: u32, is_it: impl Fn(&[u8]) -> bool) -> Option<&'static CommandSpec> {
    let mut slot = home(hash);
    loop {
        let entry = *INDEX.get(slot)?;
        if entry == EMPTY {
            return None;
        }
        let spec = COMMANDS.get(usize::from(entry))?;
        if is_it(spec.name.as_bytes()) {
            return Some(spec);
        }
        slot = (slot + 1) & MASK;
    }
}

/// Fold `bytes`, lowercased, into an FNV-1a `hash`. Hashing the lowercase form while
/// comparing case-insensitively saves copying the name anywhere.
#[inline(always)]
fn hash_lower(bytes: &[u8], mut hash: u32) -> u32 {
    for &byte in bytes {
        hash = fnv_step(hash, byte.to_ascii_lowercase());
    }
    hash
}

/// Whether `input`, in any case, is the lowercase table name `name`.
#[inline(always)]
fn same_name(name: &[u8], input: &[u8]) -> bool {
    name.len() == input.len()
        && name
            .iter()
            .zip(input)
            .all(|(n, i)| *n == i.to_ascii_lowercase())
}

/// The spec of the command or subcommand with this name, in any case (`b"GET"`,
/// `b"cluster|slots"`). Names longer than [`MAX_NAME`] bytes are unknown.
///
/// ```
/// use keyslot_core::command::lookup_name;
/// assert_eq!(lookup_name(b"GET").map(|spec| spec.name()), Some("get"));
/// assert_eq!(lookup_name(b"Cluster|Slots").map(|spec| spec.name()), Some("cluster|slots"));
/// assert!(lookup_name(b"JSON.GET").is_none());
/// ```
#[inline]
pub fn lookup_name(name: &[u8]) -> Option<&'static CommandSpec> {
    lookup_hashed(name).map(|(spec, _)| spec)
}

/// [`lookup_name`], and the hash of the name (for continuing it into a subcommand's).
#[inline(always)]
fn lookup_hashed(name: &[u8]) -> Option<(&'static CommandSpec, u32)> {
    if name.is_empty() || name.len() > MAX_NAME {
        return None;
    }
    let hash = hash_lower(name, FNV_OFFSET);
    Some((probe(hash, |candidate| same_name(candidate, name))?, hash))
}

/// The spec for `cmd`, looked up case-insensitively by its name. When the command is a
/// container (CLUSTER, CONFIG, OBJECT, ...) and its second argument names one of its
/// subcommands, the subcommand's spec (`cluster|slots`); a container with a missing or
/// unknown subcommand gets the container's own spec. `None` for an unknown command.
///
/// ```
/// use keyslot_core::command::lookup;
/// use keyslot_core::Cmd;
/// let name = |cmd: &Cmd| lookup(cmd).map(|spec| spec.name());
/// assert_eq!(name(&Cmd::new("cluster").arg("SHARDS")), Some("cluster|shards"));
/// // A container with an unknown subcommand is the container itself.
/// assert_eq!(name(&Cmd::new("CLUSTER").arg("nope")), Some("cluster"));
/// assert_eq!(name(&Cmd::new("JSON.GET").arg("doc")), None);
/// ```
#[inline]
pub fn lookup(cmd: &Cmd) -> Option<&'static CommandSpec> {
    let (spec, hash) = lookup_hashed(cmd.name())?;
    if spec.subcommands.is_empty() {
        return Some(spec);
    }
    Some(
        cmd.get(1)
            .and_then(|sub| subcommand(spec, hash, sub))
            .unwrap_or(spec),
    )
}

/// `container|sub`, hashed and probed like any name, without building that string.
/// `container_hash` is the hash of the container's name.
fn subcommand(
    container: &CommandSpec,
    container_hash: u32,
    sub: &[u8],
) -> Option<&'static CommandSpec> {
    if sub.is_empty() || sub.len() > MAX_NAME {
        return None;
    }
    let prefix = container.name.as_bytes();
    let hash = hash_lower(sub, fnv_step(container_hash, b'|'));
    probe(hash, |candidate| {
        candidate.len() == prefix.len() + 1 + sub.len()
            && candidate.starts_with(prefix)
            && candidate.get(prefix.len()) == Some(&b'|')
            && candidate
                .get(prefix.len() + 1..)
                .is_some_and(|s| same_name(s, sub))
    })
}

/// Every command and subcommand of the table; each command is directly followed by its
/// subcommands.
///
/// ```
/// use keyslot_core::command::commands;
/// let all = commands();
/// let cluster = all.iter().position(|spec| spec.name() == "cluster").unwrap();
/// let subs = all[cluster].subcommands().len();
/// assert!(subs > 0);
/// assert!(all[cluster + 1..=cluster + subs].iter().all(|s| s.name().starts_with("cluster|")));
/// ```
pub fn commands() -> &'static [CommandSpec] {
    &COMMANDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_found_under_its_own_name_and_in_upper_case() {
        for spec in commands() {
            let found = lookup_name(spec.name().as_bytes());
            assert!(
                found.is_some_and(|f| core::ptr::eq(f, spec)),
                "{}",
                spec.name()
            );
            let upper = spec.name().to_ascii_uppercase();
            assert!(lookup_name(upper.as_bytes()).is_some_and(|f| core::ptr::eq(f, spec)));
            assert!(spec.name().len() <= MAX_NAME);
        }
    }

    #[test]
    fn probes_stay_short() {
        // The longest run a lookup walks (a miss walks to the next empty slot).
        let mut longest = 0;
        let mut run = 0;
        for slot in INDEX.iter().chain(INDEX.iter()) {
            run = if *slot == EMPTY { 0 } else { run + 1 };
            longest = longest.max(run);
        }
        assert!(longest <= 8, "longest occupied run {longest}");
    }

    #[test]
    fn table_size() {
        let top = commands().iter().filter(|c| !c.is_subcommand()).count();
        let subs = commands().len() - top;
        // redis-server 7.0.15 has 240 commands and 126 subcommands.
        assert!((230..=260).contains(&top), "{top} commands");
        assert!((100..=160).contains(&subs), "{subs} subcommands");
        for name in [
            "cluster", "config", "script", "function", "client", "xinfo", "object",
        ] {
            assert!(!lookup_name(name.as_bytes()).is_some_and(|c| c.subcommands().is_empty()));
        }
        for name in ["memory", "xgroup", "acl", "command", "pubsub"] {
            assert!(!lookup_name(name.as_bytes()).is_some_and(|c| c.subcommands().is_empty()));
        }
        // Each command is followed by its subcommands.
        let mut container = "";
        for spec in commands() {
            match spec.name().split_once('|') {
                Some((parent, _)) => assert_eq!(parent, container, "{}", spec.name()),
                None => container = spec.name(),
            }
        }
    }

    #[test]
    fn case_insensitive() {
        let get = lookup(&Cmd::new("gEt").arg("k")).map(CommandSpec::name);
        assert_eq!(get, Some("get"));
        assert_eq!(lookup_name(b"GET").map(CommandSpec::name), Some("get"));
        assert_eq!(
            lookup_name(b"Cluster|Slots").map(CommandSpec::name),
            Some("cluster|slots")
        );
    }

    #[test]
    fn subcommands_resolve() {
        let name = |cmd: &Cmd| lookup(cmd).map(CommandSpec::name);
        assert_eq!(
            name(&Cmd::new("CLUSTER").arg("slots")),
            Some("cluster|slots")
        );
        assert_eq!(
            name(&Cmd::new("cluster").arg("SHARDS")),
            Some("cluster|shards")
        );
        assert_eq!(
            name(&Cmd::new("object").arg("Encoding").arg("k")),
            Some("object|encoding")
        );
        assert_eq!(
            name(&Cmd::new("XINFO").arg("STREAM").arg("s")),
            Some("xinfo|stream")
        );
        // A container without (or with an unknown) subcommand is the container itself.
        assert_eq!(name(&Cmd::new("CLUSTER")), Some("cluster"));
        assert_eq!(name(&Cmd::new("CLUSTER").arg("nope")), Some("cluster"));
        assert_eq!(name(&Cmd::new("CLUSTER").arg([b'x'; 40])), Some("cluster"));
        // A plain command ignores its arguments.
        assert_eq!(name(&Cmd::new("GET").arg("slots")), Some("get"));
    }

    #[test]
    fn unknown_names() {
        assert!(lookup(&Cmd::new("FOO").arg("bar")).is_none());
        assert!(lookup(&Cmd::default()).is_none());
        assert!(lookup_name(b"").is_none());
        assert!(lookup_name(b"ge").is_none());
        assert!(lookup_name(b"gett").is_none());
        assert!(lookup_name(&[b'g'; MAX_NAME + 1]).is_none());
        // Subcommands are not commands of their own.
        assert!(lookup_name(b"slots").is_none());
        assert!(lookup_name(b"get|x").is_none());
    }
}
