//! The demo's live terminal view and its closing summary.
//!
//! The same view serves the simulated and the real cluster: whoever runs the workload hands
//! it a [`Snapshot`] once per tick. On a terminal the view redraws in place; otherwise (a
//! pipe, CI) it prints one line per tick.

use std::io::{IsTerminal, Write};

/// What the demo shows each tick.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Seconds of cluster life so far (virtual on the simulator).
    pub elapsed_s: f64,
    /// Requests completed successfully, in total.
    pub ok: u64,
    /// Requests that failed, as callers saw them.
    pub errors: u64,
    /// MOVED and ASK redirects followed.
    pub redirects: u64,
    /// Rediscoveries run.
    pub refreshes: u64,
    /// Failovers, migrations and scaling operations the cluster went through.
    pub failovers: u64,
    pub migrations: u64,
    pub scalings: u64,
    /// Primaries and the slots each owns, in the client's view.
    pub owners: Vec<(String, usize)>,
    /// The most recent noteworthy events, newest last.
    pub recent: Vec<String>,
}

/// Redraws the view.
pub struct View {
    tty: bool,
    drawn_lines: usize,
    last_ok: u64,
    last_elapsed: f64,
}

impl View {
    pub fn new() -> View {
        View {
            tty: std::io::stdout().is_terminal(),
            drawn_lines: 0,
            last_ok: 0,
            last_elapsed: 0.0,
        }
    }

    pub fn draw(&mut self, s: &Snapshot) {
        let dt = (s.elapsed_s - self.last_elapsed).max(1e-9);
        let rate = (s.ok - self.last_ok) as f64 / dt;
        self.last_ok = s.ok;
        self.last_elapsed = s.elapsed_s;
        let mut out = std::io::stdout().lock();
        if !self.tty {
            let _ = writeln!(
                out,
                "t={:>6.1}s  {:>9.0} ops/s  ok {:>9}  caller errors {}  redirects {}  rediscoveries {}  failovers {}  migrations {}",
                s.elapsed_s, rate, s.ok, s.errors, s.redirects, s.refreshes, s.failovers, s.migrations
            );
            return;
        }
        let mut lines = vec![
            format!("keyslot demo — t = {:.1} s", s.elapsed_s),
            format!(
                "throughput {:>9.0} ops/s    completed {:>10}    caller-visible errors {}",
                rate, s.ok, s.errors
            ),
            format!(
                "redirects {:>6}    rediscoveries {:>4}    failovers {:>3}    migrations {:>3}    scaling {:>3}",
                s.redirects, s.refreshes, s.failovers, s.migrations, s.scalings
            ),
            "slot ownership (client's view):".to_string(),
        ];
        for (node, slots) in &s.owners {
            let bar = "█".repeat((slots * 40).div_ceil(16384));
            lines.push(format!("  {node:<22} {slots:>5} {bar}"));
        }
        lines.push("recent:".to_string());
        for e in s.recent.iter().rev().take(5).rev() {
            lines.push(format!("  {e}"));
        }
        if self.drawn_lines > 0 {
            let _ = write!(out, "\x1b[{}A", self.drawn_lines);
        }
        for l in &lines {
            let _ = writeln!(out, "\x1b[2K{l}");
        }
        self.drawn_lines = lines.len();
        let _ = out.flush();
    }
}

/// The closing table.
pub fn summary(s: &Snapshot, invariant_failures: &[String]) {
    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!("| time | {:.1} s |", s.elapsed_s);
    println!("| requests completed | {} |", s.ok);
    println!("| caller-visible errors | {} |", s.errors);
    println!("| redirects followed | {} |", s.redirects);
    println!("| rediscoveries | {} |", s.refreshes);
    println!(
        "| failovers / migrations / scaling | {} / {} / {} |",
        s.failovers, s.migrations, s.scalings
    );
    println!("| invariants broken | {} |", invariant_failures.len());
    for f in invariant_failures {
        println!("invariant broken: {f}");
    }
}
