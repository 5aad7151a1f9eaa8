//! `keyslot watch` against a real 3+3 cluster under load from a keyslot client: its block
//! per refresh when stdout is not a terminal (what scripts read), and its screen on a real
//! terminal (tmux), redrawn in place. And exit status 2 when there is nothing to watch.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use keyslot::Cmd;
use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::require::in_ci;
use keyslot_tests::runtimes::{claim_machine, client_addr};

const BIN: &str = env!("CARGO_BIN_EXE_keyslot");

/// SET then GET of a few hundred keys from two tasks of one keyslot client, on a thread of
/// its own, until dropped.
struct Load {
    stop: Arc<AtomicBool>,
    done: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl Load {
    fn start(seed: String) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicU64::new(0));
        let (s, d) = (stop.clone(), done.clone());
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let client = keyslot::tokio::Client::connect([seed.as_str()])
                    .await
                    .expect("the load's client connects");
                let tasks: Vec<_> = (0..2)
                    .map(|task| {
                        let (client, stop, done) = (client.clone(), s.clone(), d.clone());
                        tokio::spawn(async move {
                            let mut i = 0u64;
                            while !stop.load(Ordering::Relaxed) {
                                let key = format!("watch-load:{task}:{}", i % 500);
                                let set = client.send(Cmd::new("SET").arg(&key).arg("v")).await;
                                let get = client.send(Cmd::new("GET").arg(&key)).await;
                                // A failed command is a broken load: the test would watch nothing.
                                set.expect("the load's SET");
                                get.expect("the load's GET");
                                done.fetch_add(2, Ordering::Relaxed);
                                i += 1;
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.expect("a load task");
                }
            });
        });
        Load {
            stop,
            done,
            thread: Some(thread),
        }
    }

    /// Wait until the load has completed `n` commands.
    fn wait_for(&self, n: u64) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.done.load(Ordering::Relaxed) < n {
            assert!(Instant::now() < deadline, "the load did not get going");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let failed = thread.join().is_err();
            // Not while unwinding from a failed assertion: that failure is the one to see.
            if failed && !std::thread::panicking() {
                panic!("the background load failed");
            }
        }
    }
}

/// The value of a right-aligned column: the row cut at the end of the column's label.
fn cell<'a>(title: &str, row: &'a str, label: &str) -> &'a str {
    let end = title
        .find(label)
        .unwrap_or_else(|| panic!("no {label:?} in {title:?}"))
        + label.len();
    row.get(..end)
        .and_then(|r| r.split_whitespace().last())
        .unwrap_or_else(|| panic!("no {label:?} value in {row:?}"))
}

/// A refresh's table: its title line and its node rows.
fn table<'a>(block: &[&'a str]) -> (&'a str, Vec<&'a str>) {
    let start = block
        .iter()
        .position(|l| l.starts_with("node "))
        .unwrap_or_else(|| panic!("no table in {block:#?}"));
    let rows = block[start + 1..]
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .copied()
        .collect();
    (block[start], rows)
}

/// The row of `addr`, indented (a replica) or not.
fn row_of<'a>(rows: &[&'a str], addr: &str) -> Option<&'a str> {
    rows.iter()
        .find(|r| r.split_whitespace().next() == Some(addr))
        .copied()
}

fn run_watch(args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("watch")
        .args(args)
        .output()
        .expect("run keyslot")
}

#[test]
fn every_node_of_a_loaded_cluster_in_blocks_and_on_a_terminal() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::default()).expect("cluster");
    let seed = cluster.seed_addr().expect("seed").to_string();
    let primaries: Vec<String> = cluster
        .primaries()
        .expect("primaries")
        .iter()
        .map(|p| client_addr(p).to_string())
        .collect();
    let replicas: Vec<String> = cluster
        .replicas()
        .expect("replicas")
        .iter()
        .map(|r| client_addr(r).to_string())
        .collect();
    assert_eq!((primaries.len(), replicas.len()), (3, 3));
    let load = Load::start(seed.clone());
    load.wait_for(1000);

    // (a) Without a terminal: one block per refresh, three of them, then exit 0.
    let out = run_watch(&["--count", "3", &seed]);
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains('\x1b'),
        "no terminal codes in a pipe: {text:?}"
    );
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("keyslot watch "))
        .collect();
    assert_eq!(starts.len(), 3, "{text}");
    let blocks: Vec<&[&str]> = starts
        .iter()
        .zip(starts.iter().skip(1).chain([&lines.len()]))
        .map(|(&a, &b)| &lines[a..b])
        .collect();
    for (i, block) in blocks.iter().enumerate() {
        assert!(
            block[0].contains(&format!("refresh {} every 1s", i + 1)),
            "{}",
            block[0]
        );
        let (_, rows) = table(block);
        assert_eq!(rows.len(), 6, "{block:#?}");
        for p in &primaries {
            let row = row_of(&rows, p).unwrap_or_else(|| panic!("{p} missing: {block:#?}"));
            assert!(
                row.starts_with(&format!("{p} ")),
                "a primary is not indented: {row}"
            );
            assert!(row.contains(" primary "), "{row}");
        }
        for r in &replicas {
            let row = row_of(&rows, r).unwrap_or_else(|| panic!("{r} missing: {block:#?}"));
            assert!(
                row.starts_with(&format!("  {r} ")),
                "a replica is indented: {row}"
            );
        }
    }
    let last = blocks[2];
    assert!(last[1].contains("16384/16384 slots covered"), "{}", last[1]);
    let (title, rows) = table(last);
    let ops: Vec<f64> = rows
        .iter()
        .map(|r| cell(title, r, "ops/s").parse().expect("ops/s is a number"))
        .collect();
    assert!(ops.iter().any(|&o| o > 0.0), "no node is busy: {last:#?}");
    let slots: u64 = rows
        .iter()
        .filter(|r| r.contains(" primary "))
        .map(|r| {
            let cut = r.find(" primary ").unwrap() + " primary ".len();
            r[cut..]
                .split_whitespace()
                .next()
                .unwrap()
                .parse::<u64>()
                .unwrap()
        })
        .sum();
    assert_eq!(slots, 16384, "{last:#?}");
    for row in &rows {
        assert!(row.contains(" connected "), "every node answers: {row}");
        let p50: f64 = cell(title, row, "p50 ms")
            .parse()
            .unwrap_or_else(|e| panic!("p50 of {row}: {e}"));
        let p99: f64 = cell(title, row, "p99 ms")
            .parse()
            .unwrap_or_else(|e| panic!("p99 of {row}: {e}"));
        assert!(0.0 < p50 && p50 <= p99 && p99 < 1000.0, "{row}");
        // The load's keys are all served where they live: no redirect, no error.
        assert_eq!(cell(title, row, "moved+ask"), "0", "{row}");
        assert_eq!(cell(title, row, "errors"), "0", "{row}");
    }

    // (b) On a terminal: tmux, a private server, one session.
    if !tmux_available() {
        let why =
            "tmux is not installed (scripts/test installs it): the terminal view went unchecked";
        if in_ci() {
            panic!("{why}; CI=true forbids skipping it");
        }
        eprintln!("SKIPPED: {why}");
        return;
    }
    let tmux = Tmux::new();
    let command = format!(
        "{} watch {seed}; echo keyslot exited with status $?; sleep 60",
        sh_quote(BIN)
    );
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        &tmux.session,
        "-x",
        "160",
        "-y",
        "40",
        &command,
    ]);
    let deadline = Instant::now() + Duration::from_secs(13);
    let (screen, refreshes) = loop {
        let screen = tmux.capture();
        let refreshes = screen
            .lines()
            .find_map(|l| l.strip_prefix("keyslot watch "))
            .and_then(|l| l.split("refresh ").nth(1))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok());
        let all = primaries.iter().all(|p| screen.contains(p.as_str()));
        if (refreshes.is_some_and(|n| n >= 3) && all) || Instant::now() > deadline {
            break (screen, refreshes);
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    println!("--- the terminal (tmux capture-pane) ---\n{screen}--- end ---");
    tmux.run(&["kill-session", "-t", &tmux.session]);
    assert!(
        refreshes.is_some_and(|n| n >= 3),
        "three refreshes on one screen: {refreshes:?}"
    );
    let lines: Vec<&str> = screen.lines().collect();
    assert!(
        lines
            .first()
            .is_some_and(|l| l.starts_with("keyslot watch ")),
        "the header on top: {screen}"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("keyslot watch "))
            .count(),
        1,
        "redrawn in place, not appended: {screen}"
    );
    assert!(!screen.contains("exited with status"), "{screen}");
    let (title, rows) = table(&lines);
    assert!(title.contains("p99 ms"), "{title}");
    for p in &primaries {
        let row = row_of(&rows, p).unwrap_or_else(|| panic!("{p} missing: {screen}"));
        assert!(row.contains(" primary "), "{row}");
    }
    drop(load);
}

/// A tmux server of the test's own (`-L`), so that the user's sessions are never touched;
/// killed when dropped.
struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    fn new() -> Tmux {
        let id = std::process::id();
        Tmux {
            socket: format!("keyslot-watch-test-{id}"),
            session: format!("watch-{id}"),
        }
    }

    fn run(&self, args: &[&str]) {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("run tmux");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn capture(&self) -> String {
        let out = Command::new("tmux")
            .args([
                "-L",
                &self.socket,
                "capture-pane",
                "-p",
                "-t",
                &self.session,
            ])
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn nothing_to_watch_is_status_2() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let out = run_watch(&["--timeout", "1s", &format!("127.0.0.1:{port}")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("keyslot: "), "{stderr}");
    assert!(out.stdout.is_empty());
}
