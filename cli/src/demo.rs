//! `keyslot demo`: the client riding out failovers, migrations and scaling — on the built-in
//! simulated cluster, or on a real one with `--seed`.

use keyslot::Error;

use crate::args::DemoArgs;

pub async fn run(args: DemoArgs) -> Result<i32, Error> {
    match args.seed.clone() {
        Some(seed) => crate::demo_real::run(&args, &seed).await,
        // The simulator is synchronous and paces itself with sleeps: give it a thread.
        None => Ok(
            tokio::task::spawn_blocking(move || crate::demo_sim::run(&args))
                .await
                .unwrap_or(1),
        ),
    }
}
