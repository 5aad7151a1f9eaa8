//! Commands that would break a shared connection's reply order are answered at once with
//! `Unsupported`, on every submission path, and nothing reaches any connection.

use super::*;

/// Every way a caller can hand the machine a command.
fn every_path(net: &mut Net, cmd: Cmd) -> Vec<(&'static str, Result<Value, Error>)> {
    let now = net.now;
    let node = addr("10.0.0.1:7000");
    let single = net.cluster.submit(cmd.clone(), (), now);
    let to_node = net
        .cluster
        .submit(Request::ToNode(node.clone(), cmd.clone()), (), now);
    let pipeline = net
        .cluster
        .submit_pipeline(alloc::vec![cmd.clone(), cmd.clone()], (), now);
    let transaction = net.cluster.submit(
        Request::Transaction(alloc::vec![Cmd::new("GET").arg("foo"), cmd]),
        (),
        now,
    );
    net.drain();
    let pipelined = match net.pipelines.get(&pipeline) {
        Some(results) => results.first().cloned(),
        None => panic!("no pipeline reply"),
    };
    alloc::vec![
        ("submit", net.single(single).clone()),
        ("submit_to", net.single(to_node).clone()),
        (
            "pipeline",
            pipelined.unwrap_or_else(|| panic!("the pipeline lost an entry"))
        ),
        ("transaction", net.single(transaction).clone()),
    ]
}

#[test]
fn commands_without_a_reply_or_that_take_the_connection_over_never_leave() {
    let mut net = ready_client(Config::default());
    for cmd in [
        Cmd::new("REPLCONF").arg("ACK").arg(0),
        Cmd::new("SYNC"),
        Cmd::new("PSYNC").arg("?").arg(-1),
        Cmd::new("MONITOR"),
        Cmd::new("CLIENT").arg("REPLY").arg("OFF"),
        Cmd::new("SCRIPT").arg("DEBUG").arg("SYNC"),
    ] {
        for (path, result) in every_path(&mut net, cmd.clone()) {
            assert!(
                matches!(&result, Err(Error::Unsupported { .. })),
                "{cmd:?} via {path}: {result:?}"
            );
        }
    }
    // Nothing was sent: no connection beyond the seed's was opened, and the seed's carried
    // only the bootstrap.
    assert_eq!(net.connects.len(), 1, "{:?}", net.connects);
    let seed = net.conn_to("seed:6379");
    assert_eq!(net.take_sent(seed), Vec::<Vec<String>>::new());
}
