//! A numbered database (`Config::database`): `SELECT n` on every connection, and a refusal
//! that fails with the server's words.

use super::*;

fn in_database(n: u32) -> Config {
    Config {
        database: Some(n),
        ..Config::default()
    }
}

#[test]
fn every_connection_selects_the_database_before_it_carries_commands() {
    let mut net = Net::new(in_database(2), &["seed:6379"]);
    let seed = net.accept("seed:6379");
    assert_eq!(net.take_sent(seed), [["SELECT", "2"]]);
    net.reply(seed, &ok());
    assert_eq!(net.take_sent(seed), [["CLUSTER", "SHARDS"]]);
    net.reply(seed, &error("ERR unknown subcommand 'SHARDS'."));
    net.take_sent(seed);
    net.reply(seed, &three_shards());
    let get = net.submit(Cmd::new("GET").arg("foo"));
    let owner = net.accept("10.0.0.3:7000");
    assert_eq!(
        net.take_sent(owner),
        [["SELECT", "2"]],
        "the GET waits for it"
    );
    net.reply(owner, &ok());
    assert_eq!(net.take_sent(owner), [["GET", "foo"]]);
    net.reply(owner, &bulk("v"));
    assert_eq!(net.single(get), &Ok(bulk("v")));
    // A blocking command's own connection selects it too.
    let pop = net.submit(Cmd::new("BLPOP").arg("foo").arg(0));
    let dedicated = net.accept("10.0.0.3:7000");
    assert_eq!(net.take_sent(dedicated), [["SELECT", "2"]]);
    net.reply(dedicated, &ok());
    assert_eq!(net.take_sent(dedicated), [["BLPOP", "foo", "0"]]);
    let _ = pop;
}

#[test]
fn a_refused_database_fails_the_bootstrap_with_the_servers_words() {
    let mut net = Net::new(in_database(3), &["seed:6379"]);
    let seed = net.accept("seed:6379");
    assert_eq!(net.take_sent(seed), [["SELECT", "3"]]);
    net.reply(seed, &error("ERR SELECT is not allowed in cluster mode"));
    match net.cluster.bootstrap_error() {
        Some(Error::Config(why)) => assert!(
            why.contains("SELECT is not allowed in cluster mode") && why.contains("SELECT 3"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
}
