//! What `keyslot watch` shows, as text: a [`Screen`] (header and one [`Row`] per node) laid
//! out in columns, and the [`Output`] that redraws it in place on a terminal or appends it
//! block after block elsewhere.
//!
//! Kept apart from the collecting in `watch.rs` so the layout can be tested without a
//! cluster. Everything is ASCII, so columns line up by byte and a script can cut a column at
//! its label's position (the numeric columns are right-aligned under their labels).

use std::io::{IsTerminal, Write};

/// One refresh of the view.
#[derive(Clone, Debug, Default)]
pub struct Screen {
    /// The cluster-wide lines.
    pub header: Header,
    /// One per node, shard by shard (a primary, then its replicas).
    pub rows: Vec<Row>,
    /// Problems worth a line of their own (a node that refused `INFO`, say).
    pub notes: Vec<String>,
}

/// The cluster-wide totals.
#[derive(Clone, Debug, Default)]
pub struct Header {
    /// Wall-clock time, `HH:MM:SS UTC`.
    pub time: String,
    /// The refresh's number, from 1.
    pub refresh: u64,
    /// The refresh interval, for people (`1s`, `500ms`).
    pub interval: String,
    /// Shards in the client's view.
    pub shards: usize,
    /// Nodes in the client's view.
    pub nodes: usize,
    /// Of those, the ones that answered the watch's `INFO`.
    pub answering: usize,
    /// Slots some shard serves.
    pub slots_covered: usize,
    /// Commands per second on the primaries, summed over those that could say (`None`:
    /// none could).
    pub ops_primaries: Option<f64>,
    /// The same on the replicas (the writes they replicate included, so kept apart).
    pub ops_replicas: Option<f64>,
    /// `MOVED` and `ASK` replies in the last interval, summed likewise.
    pub redirects: Option<u64>,
    /// Other error replies in the last interval, summed likewise.
    pub errors: Option<u64>,
    /// Views of the cluster the client took since it started.
    pub topology_changes: u64,
    /// Of those, the ones taken in the last interval.
    pub topology_changes_new: u64,
    /// The watch's own requests that ended at their deadline, in the last interval.
    pub timed_out: u64,
}

/// One node.
#[derive(Clone, Debug, Default)]
pub struct Row {
    /// `host:port`.
    pub node: String,
    /// Shown indented under its primary.
    pub replica: bool,
    /// `primary` or `replica`, in the client's view.
    pub role: &'static str,
    /// A primary's slot count and ranges (`5461 0-5460`, `5461 0-5000 +2`); `-` for replicas.
    pub slots: String,
    /// `connected`, `stalled`, `down`, `failed`, `loading`, `slow`, `connecting`.
    pub state: &'static str,
    /// The watch client's connections to it.
    pub conns: usize,
    /// `connected_clients` from its `INFO`.
    pub clients: Option<u64>,
    /// Commands it processed per second, the watch's own excluded.
    pub ops: Option<f64>,
    /// Median reply time of the watch's requests to it in the last interval, in µs.
    pub p50_us: Option<u64>,
    /// 99th percentile of the same.
    pub p99_us: Option<u64>,
    /// `MOVED` and `ASK` replies it sent (to every client) in the last interval.
    pub redirects: Option<u64>,
    /// Other error replies it sent (to every client) in the last interval.
    pub errors: Option<u64>,
    /// The most frequent of their codes, with counts.
    pub error_codes: Vec<(String, u64)>,
}

/// The table's labels; each numeric column is right-aligned to its label's last character.
const COLUMNS: [(&str, usize); 10] = [
    ("role", 7),
    ("slots", 19),
    ("state", 10),
    ("conns", 5),
    ("clients", 7),
    ("ops/s", 9),
    ("p50 ms", 8),
    ("p99 ms", 8),
    ("moved+ask", 9),
    ("errors", 6),
];

/// Milliseconds with three significant digits or so: `0.082`, `1.25`, `12.5`, `250`.
pub fn millis(micros: u64) -> String {
    let ms = micros as f64 / 1000.0;
    if ms < 1.0 {
        format!("{ms:.3}")
    } else if ms < 10.0 {
        format!("{ms:.2}")
    } else if ms < 100.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

/// Slot ranges as the `slots` column shows them.
pub fn slots(ranges: &[(u16, u16)]) -> String {
    let count: usize = ranges.iter().map(|(a, b)| usize::from(b - a) + 1).sum();
    let Some((a, b)) = ranges.first() else {
        return "0".into();
    };
    let first = if a == b {
        a.to_string()
    } else {
        format!("{a}-{b}")
    };
    match ranges.len() {
        1 => format!("{count} {first}"),
        n => format!("{count} {first} +{}", n - 1),
    }
}

fn or_dash<T>(value: Option<T>, show: impl Fn(T) -> String) -> String {
    value.map_or_else(|| "-".into(), show)
}

impl Screen {
    /// The lines to print, header first.
    pub fn lines(&self) -> Vec<String> {
        let h = &self.header;
        let mut lines = vec![
            format!(
                "keyslot watch  {}  refresh {} every {}",
                h.time, h.refresh, h.interval
            ),
            format!(
                "{} shards, {} nodes ({} answering), {}/16384 slots covered   ops/s {} on primaries, {} on replicas",
                h.shards,
                h.nodes,
                h.answering,
                h.slots_covered,
                or_dash(h.ops_primaries, |o| format!("{o:.0}")),
                or_dash(h.ops_replicas, |o| format!("{o:.0}")),
            ),
            format!(
                "moved+ask {}   errors {}   topology changes {} (+{})   watch requests timed out {}",
                or_dash(h.redirects, |n| n.to_string()),
                or_dash(h.errors, |n| n.to_string()),
                h.topology_changes,
                h.topology_changes_new,
                h.timed_out,
            ),
            String::new(),
        ];
        let node_width = self
            .rows
            .iter()
            .map(|r| r.node.len() + if r.replica { 2 } else { 0 })
            .max()
            .unwrap_or(0)
            .max(4);
        let mut title = format!("{:<node_width$}", "node");
        for (i, (label, width)) in COLUMNS.iter().enumerate() {
            // role, slots and state are left-aligned; the rest right-aligned.
            if i < 3 {
                title.push_str(&format!("  {label:<width$}"));
            } else {
                title.push_str(&format!("  {label:>width$}"));
            }
        }
        lines.push(title.trim_end().to_string());
        for r in &self.rows {
            let node = if r.replica {
                format!("  {}", r.node)
            } else {
                r.node.clone()
            };
            let codes: Vec<String> = r
                .error_codes
                .iter()
                .map(|(code, n)| format!("{code} {n}"))
                .collect();
            let cells = [
                r.role.to_string(),
                r.slots.clone(),
                r.state.to_string(),
                r.conns.to_string(),
                or_dash(r.clients, |n| n.to_string()),
                or_dash(r.ops, |o| format!("{o:.0}")),
                or_dash(r.p50_us, millis),
                or_dash(r.p99_us, millis),
                or_dash(r.redirects, |n| n.to_string()),
                or_dash(r.errors, |n| n.to_string()),
            ];
            let mut line = format!("{node:<node_width$}");
            for (i, (cell, (_, width))) in cells.iter().zip(COLUMNS).enumerate() {
                if i < 3 {
                    line.push_str(&format!("  {cell:<width$}"));
                } else {
                    line.push_str(&format!("  {cell:>width$}"));
                }
            }
            if !codes.is_empty() {
                line.push_str(&format!(" ({})", codes.join(", ")));
            }
            lines.push(line.trim_end().to_string());
        }
        if !self.notes.is_empty() {
            lines.push(String::new());
            lines.extend(self.notes.iter().map(|n| format!("note: {n}")));
        }
        lines
    }
}

/// Where the view goes: redrawn in place on a terminal (home, each line cleared to its end,
/// the rest of the screen cleared: no flicker), appended as blocks separated by a blank line
/// otherwise.
pub struct Output {
    tty: bool,
    drawn: bool,
}

impl Output {
    /// For stdout.
    pub fn stdout() -> Output {
        Output {
            tty: std::io::stdout().is_terminal(),
            drawn: false,
        }
    }

    /// Show one refresh; false when stdout is gone (a closed pipe), which ends the watch.
    pub fn draw(&mut self, lines: &[String]) -> bool {
        let mut text = String::new();
        if self.tty {
            if !self.drawn {
                text.push_str("\x1b[2J");
            }
            text.push_str("\x1b[H");
            for line in lines {
                text.push_str(line);
                text.push_str("\x1b[K\n");
            }
            text.push_str("\x1b[J");
        } else {
            if self.drawn {
                text.push('\n');
            }
            for line in lines {
                text.push_str(line);
                text.push('\n');
            }
        }
        self.drawn = true;
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of a right-aligned column, cut at its label's end.
    fn cell<'a>(title: &str, line: &'a str, label: &str) -> &'a str {
        let end = title.find(label).unwrap() + label.len();
        line[..end].split_whitespace().last().unwrap()
    }

    #[test]
    fn columns_line_up_under_their_labels() {
        let screen = Screen {
            header: Header {
                time: "12:00:00 UTC".into(),
                refresh: 2,
                interval: "1s".into(),
                shards: 1,
                nodes: 2,
                answering: 2,
                slots_covered: 16384,
                ops_primaries: Some(1234.4),
                ..Header::default()
            },
            rows: vec![
                Row {
                    node: "127.0.0.1:7000".into(),
                    role: "primary",
                    slots: slots(&[(0, 16383)]),
                    state: "connected",
                    conns: 1,
                    clients: Some(12),
                    ops: Some(1234.4),
                    p50_us: Some(82),
                    p99_us: Some(1250),
                    redirects: Some(3),
                    errors: Some(2),
                    error_codes: vec![("WRONGTYPE".into(), 2)],
                    ..Row::default()
                },
                Row {
                    node: "127.0.0.1:7001".into(),
                    replica: true,
                    role: "replica",
                    slots: "-".into(),
                    state: "down",
                    ..Row::default()
                },
            ],
            notes: vec!["127.0.0.1:7001: INFO: connection refused".into()],
        };
        let lines = screen.lines();
        assert!(lines[0].starts_with("keyslot watch  12:00:00 UTC  refresh 2 every 1s"));
        assert!(
            lines[1].ends_with("ops/s 1234 on primaries, - on replicas"),
            "{}",
            lines[1]
        );
        let title = &lines[4];
        let primary = &lines[5];
        let replica = &lines[6];
        assert!(
            primary.starts_with("127.0.0.1:7000    primary  16384 0-16383"),
            "{primary}"
        );
        assert!(replica.starts_with("  127.0.0.1:7001"));
        assert_eq!(cell(title, primary, "ops/s"), "1234");
        assert_eq!(cell(title, primary, "p50 ms"), "0.082");
        assert_eq!(cell(title, primary, "p99 ms"), "1.25");
        assert_eq!(cell(title, primary, "moved+ask"), "3");
        assert!(primary.ends_with("2 (WRONGTYPE 2)"), "{primary}");
        assert_eq!(cell(title, replica, "p99 ms"), "-");
        assert_eq!(
            lines.last().unwrap(),
            "note: 127.0.0.1:7001: INFO: connection refused"
        );
        assert!(lines.iter().all(|l| l.is_ascii()));
    }

    #[test]
    fn slots_and_times_are_short() {
        assert_eq!(slots(&[]), "0");
        assert_eq!(slots(&[(5, 5)]), "1 5");
        assert_eq!(slots(&[(0, 99), (200, 200), (300, 309)]), "111 0-99 +2");
        assert_eq!(millis(82), "0.082");
        assert_eq!(millis(12_340), "12.3");
        assert_eq!(millis(250_400), "250");
    }
}
