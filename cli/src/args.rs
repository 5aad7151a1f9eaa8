//! The command line.

use clap::{Args, Parser, Subcommand};
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "keyslot",
    version,
    about = "A Redis Cluster client's view of your cluster, and its speed."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a workload while the cluster fails over, migrates slots and scales, with a live
    /// view; on the built-in simulated cluster unless --seed names a real one.
    #[command(
        after_help = "Example:\n  keyslot demo\n  keyslot demo --duration 20s --chaos heavy\n  keyslot demo --seed 127.0.0.1:7000 --clients 20\n\nExit status: 0 when every invariant held, 1 when one broke, 2 cannot connect."
    )]
    Demo(DemoArgs),
    /// Discover the cluster as the library does; print shards, slots and nodes; check that
    /// every node agrees and flag uncovered, migrating and importing slots.
    #[command(
        after_help = "Example:\n  keyslot topology my-cluster.abc123.clustercfg.use1.cache.amazonaws.com:6379\n  keyslot topology --json 127.0.0.1:7000 127.0.0.1:7001\n\nExit status: 0 healthy, 1 unhealthy, 2 cannot connect."
    )]
    Topology(TopologyArgs),
    /// Run one command, routed as the library routes it, and print the reply like redis-cli.
    #[command(
        after_help = "Example:\n  keyslot exec 127.0.0.1:7000 SET greeting hello\n  keyslot exec --explain 127.0.0.1:7000 GET greeting"
    )]
    Exec(ExecArgs),
    /// Load the cluster from many concurrent clients and report throughput and latency.
    #[command(
        after_help = "Example:\n  keyslot bench 127.0.0.1:7000 --clients 50 --pipeline 1 --duration 10s --workload mixed"
    )]
    Bench(BenchArgs),
    /// A live per-node view of the cluster, refreshed every second like `top`: role, slots,
    /// connection state, server ops/s, reply-time percentiles, redirects and errors.
    #[command(
        after_help = "Example:\n  keyslot watch 127.0.0.1:7000\n  keyslot watch --interval 5s --count 12 127.0.0.1:7000 > watch.log\n\nOn a terminal the view redraws in place; otherwise it prints one block per refresh.\nExit status: 0 on Ctrl-C or after --count refreshes, 2 cannot connect."
    )]
    Watch(WatchArgs),
}

/// How to reach the cluster.
#[derive(Args, Debug, Clone)]
pub struct ConnectArgs {
    /// ACL user (also accepted in a redis://user:pass@host:port seed).
    #[arg(long, env = "KEYSLOT_USER")]
    pub user: Option<String>,
    /// Password (also accepted in the seed URL).
    #[arg(long, env = "KEYSLOT_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Use TLS even for host:port seeds (rediss:// seeds imply it).
    #[arg(long)]
    pub tls: bool,
    /// PEM file of the CA that signed the nodes' certificates (default: public roots).
    #[arg(long)]
    pub ca: Option<std::path::PathBuf>,
    /// How long to wait for the cluster before giving up.
    #[arg(long, value_parser = parse_duration, default_value = "5s")]
    pub timeout: Duration,
}

#[derive(Args, Debug)]
pub struct TopologyArgs {
    /// One or more seeds: host:port, redis://user:pass@host:port, rediss://...
    #[arg(required = true)]
    pub seeds: Vec<String>,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Args, Debug)]
pub struct ExecArgs {
    /// The seed.
    pub seed: String,
    /// The command and its arguments.
    #[arg(required = true, num_args = 1.., trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
    /// Say which node served it and why (slot, owner, redirects followed).
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// The seed.
    pub seed: String,
    /// Concurrent clients (tasks sharing one keyslot client).
    #[arg(long, default_value_t = 50)]
    pub clients: usize,
    /// Commands per pipeline (1 = one command at a time per client).
    #[arg(long, default_value_t = 1)]
    pub pipeline: usize,
    /// How long to run.
    #[arg(long, value_parser = parse_duration, default_value = "10s")]
    pub duration: Duration,
    /// get, set or mixed (SET then GET of the client's own keys).
    #[arg(long, default_value = "mixed")]
    pub workload: Workload,
    /// Distinct keys per client.
    #[arg(long, default_value_t = 1000)]
    pub keys: usize,
    /// Value size in bytes.
    #[arg(long, default_value_t = 16)]
    pub value_size: usize,
    /// Key prefix (all keys the bench writes start with it).
    #[arg(long, default_value = "keyslot-bench:")]
    pub prefix: String,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `keyslot watch`.
#[derive(Args, Debug)]
pub struct WatchArgs {
    /// One or more seeds: host:port, redis://user:pass@host:port, rediss://...
    #[arg(required = true)]
    pub seeds: Vec<String>,
    /// Time between refreshes (at least 100ms).
    #[arg(long, value_parser = parse_interval, default_value = "1s")]
    pub interval: Duration,
    /// Stop after this many refreshes (default: until Ctrl-C).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// A real cluster to run against (its keys under --prefix are removed at the end).
    #[arg(long)]
    pub seed: Option<String>,
    /// How long to run (cluster time; the simulator shows it at wall-clock pace).
    #[arg(long, value_parser = parse_duration, default_value = "20s")]
    pub duration: Duration,
    /// Concurrent clients.
    #[arg(long, default_value_t = 20)]
    pub clients: usize,
    /// How much goes wrong in the simulated cluster.
    #[arg(long, default_value = "light")]
    pub chaos: Chaos,
    /// The simulation's seed (the same seed replays the same run).
    #[arg(long, default_value_t = 1)]
    pub sim_seed: u64,
    /// Run the simulation as fast as possible instead of at wall-clock pace.
    #[arg(long)]
    pub fast: bool,
    /// Key prefix for --seed runs.
    #[arg(long, default_value = "keyslot-demo:")]
    pub prefix: String,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chaos {
    None,
    Light,
    Heavy,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    Get,
    Set,
    Mixed,
}

/// `500ms`, `10s`, `2m`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("not a duration: {text:?} (try 500ms, 10s, 2m)"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => {
            return Err(format!(
                "unknown unit {unit:?} in {text:?} (use ms, s, m or h)"
            ))
        }
    };
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(format!("not a duration: {text:?}"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// A refresh interval: a [duration](parse_duration) of at least 100ms.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let interval = parse_duration(text)?;
    if interval < Duration::from_millis(100) {
        return Err(format!(
            "{text:?} is too short: refresh at most every 100ms"
        ));
    }
    Ok(interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("20s"), Ok(Duration::from_secs(20)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("5y").is_err());
        assert_eq!(parse_interval("2s"), Ok(Duration::from_secs(2)));
        assert!(parse_interval("10ms").is_err());
        assert!(parse_interval("0").is_err());
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        let cli =
            Cli::try_parse_from(["keyslot", "exec", "--explain", "h:1", "SET", "k", "-1"]).unwrap();
        let Command::Exec(exec) = cli.command else {
            panic!()
        };
        assert_eq!(exec.command, ["SET", "k", "-1"]);
        assert!(exec.explain);
        let cli = Cli::try_parse_from(["keyslot", "watch", "--count", "3", "h:1", "h:2"]).unwrap();
        let Command::Watch(watch) = cli.command else {
            panic!()
        };
        assert_eq!((watch.seeds.len(), watch.count), (2, Some(3)));
        assert_eq!(watch.interval, Duration::from_secs(1));
        assert!(Cli::try_parse_from(["keyslot", "watch", "--count", "0", "h:1"]).is_err());
    }
}
