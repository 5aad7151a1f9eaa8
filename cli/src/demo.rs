//! `keyslot demo`: the client riding out failovers, migrations and scaling.

use keyslot::Error;

use crate::args::DemoArgs;

pub async fn run(args: DemoArgs) -> Result<i32, Error> {
    match args.seed.clone() {
        Some(seed) => crate::demo_real::run(&args, &seed).await,
        None => Err(Error::Config(
            "the built-in simulated cluster is not wired in yet".into(),
        )),
    }
}
