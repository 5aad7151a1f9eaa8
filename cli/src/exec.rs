//! `keyslot exec`: one command, routed exactly as the library routes it.

use std::sync::{Arc, Mutex};

use keyslot::{Cmd, Error, Event};
use keyslot_core::cluster::{route, Route};
use keyslot_core::command::KeyPositions;

use crate::args::ExecArgs;
use crate::{connect, render};

pub async fn run(args: ExecArgs) -> Result<i32, Error> {
    let mut cmd = Cmd::new(args.command[0].as_str());
    for arg in &args.command[1..] {
        cmd.push_arg(arg.as_str());
    }
    let redirects = Arc::new(Mutex::new(Vec::new()));
    let hook: Option<connect::EventHook> = if args.explain {
        let seen = redirects.clone();
        Some(Box::new(move |e: &Event| {
            if let Event::Redirected {
                ask,
                slot,
                from,
                to,
            } = e
            {
                if let Ok(mut seen) = seen.lock() {
                    seen.push(format!(
                        "{} {slot}: {from} -> {to}",
                        if *ask { "ASK" } else { "MOVED" }
                    ));
                }
            }
        }))
    } else {
        None
    };
    let client = connect::client(std::slice::from_ref(&args.seed), &args.connect, hook).await?;
    if args.explain {
        if let Err(e) = explain(&client, &cmd).await {
            eprintln!("route: {e}");
        }
    }
    let code = match client.send(cmd).await {
        Ok(value) => {
            println!("{}", render::redis_cli(&value));
            0
        }
        Err(Error::Server(text)) => {
            println!("(error) {text}");
            1
        }
        // The command's own fault, found before sending: shown like a server error.
        Err(e @ (Error::CrossSlot | Error::Unsupported { .. } | Error::InvalidCommand(_))) => {
            println!("(error) {e}");
            1
        }
        Err(e) => return Err(e),
    };
    if args.explain {
        let seen = redirects.lock().map(|r| r.clone()).unwrap_or_default();
        if seen.is_empty() {
            eprintln!("redirects: none");
        } else {
            for r in seen {
                eprintln!("redirect: {r}");
            }
        }
    }
    Ok(code)
}

/// Where the library will send `cmd`, and why.
async fn explain(client: &keyslot::tokio::Client, cmd: &Cmd) -> Result<(), Error> {
    let routed = route(cmd, &mut KeyPositions::new())?;
    let topology = client.topology().await?;
    let name = routed.spec.map_or(
        "(not in the command table: first argument taken as the key)",
        |s| s.name(),
    );
    eprintln!(
        "command: {name}; {}",
        if routed.retry_safe {
            "read-only (retried after a lost connection)"
        } else {
            "may write (never sent twice)"
        }
    );
    match routed.route {
        Route::Slot(slot) => {
            let owner = topology
                .as_ref()
                .and_then(|t| t.primary_of_slot(slot))
                .map(|n| n.addr.to_string());
            eprintln!(
                "slot {slot} -> primary {}",
                owner.as_deref().unwrap_or("(uncovered)")
            );
        }
        Route::AnyPrimary => eprintln!("no key: any primary, chosen at random"),
        Route::AllPrimaries => {
            eprintln!("fan-out: every primary, replies combined by the command's response policy")
        }
        Route::AllNodes => eprintln!("fan-out: every node, replicas included"),
    }
    Ok(())
}
