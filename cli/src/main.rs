//! `keyslot`: what does a client see from this endpoint, and how fast is it here?
//!
//! Each subcommand lives in its own file: `topology` (discovery and consistency checks),
//! `exec` (one command, routed as the library routes it), `bench` (load), `demo` (a
//! workload through failover, migration and scaling, on a simulated cluster by default),
//! `watch` (a live per-node view, like `top`).
//! Failures meant for people — unreachable seed, wrong password, not a cluster, TLS
//! mismatch — are one line that says what to do, with exit status 2.

mod args;
mod bench;
mod connect;
mod demo;
mod demo_real;
mod demo_sim;
mod exec;
mod explain_error;
mod render;
mod topology;
mod view;
mod watch;
mod watch_view;

use clap::Parser;

fn main() {
    let cli = args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("keyslot: cannot start the async runtime: {e}");
            std::process::exit(2);
        }
    };
    let code = runtime.block_on(async move {
        let result = match cli.command {
            args::Command::Topology(a) => topology::run(a).await,
            args::Command::Exec(a) => exec::run(a).await,
            args::Command::Bench(a) => bench::run(a).await,
            args::Command::Demo(a) => demo::run(a).await,
            args::Command::Watch(a) => watch::run(a).await,
        };
        match result {
            Ok(code) => code,
            Err(e) => {
                eprintln!("keyslot: {}", explain_error::for_people(&e));
                2
            }
        }
    });
    std::process::exit(code);
}
