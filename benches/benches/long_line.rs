//! An unterminated line arriving in 16 KiB reads: a status line of 16 MiB and of 64 MiB fed
//! to the streaming decoder one read at a time, `decode` called after each read as a
//! connection does. The search for the line's end resumes where the previous read stopped, so
//! the time grows with the line's length (about 4x from 16 to 64 MiB), not with its square
//! (16x). One buffer, sized once, serves every iteration (a fresh 64 MiB allocation would
//! add its page faults to the timing), so the timing is the decoder's alone.

use bytes::BytesMut;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use keyslot_core::resp::{Decoder, Frames, Value};

const READ: usize = 16 * 1024;
const MIB: usize = 1024 * 1024;

/// An empty `buf` with room for the line, reusing its allocation once the last line is gone.
fn ready(buf: &mut BytesMut, len: usize) {
    buf.clear();
    buf.reserve(len + 3);
}

/// Feeds `+`, `len` bytes of text and `\r\n` in reads of [`READ`] bytes; returns the line.
fn feed_line(buf: &mut BytesMut, len: usize, read: &[u8]) -> Value {
    let mut decoder = Decoder::new();
    ready(buf, len);
    buf.extend_from_slice(b"+");
    for _ in 0..len / read.len() {
        assert_eq!(decoder.decode(buf).expect("valid"), None);
        buf.extend_from_slice(read);
    }
    buf.extend_from_slice(b"\r\n");
    decoder.decode(buf).expect("valid").expect("whole")
}

/// The floor: the same reads appended to the buffer with no decoding.
fn append_only(buf: &mut BytesMut, len: usize, read: &[u8]) -> usize {
    ready(buf, len);
    buf.extend_from_slice(b"+");
    for _ in 0..len / read.len() {
        buf.extend_from_slice(read);
    }
    buf.extend_from_slice(b"\r\n");
    std::hint::black_box(&buf[..]).len()
}

/// The same through [`Decoder::decode_frames`], the connection reader's way.
fn feed_line_frames(buf: &mut BytesMut, len: usize, read: &[u8]) -> usize {
    let mut decoder = Decoder::new();
    let mut frames = Frames::new();
    ready(buf, len);
    buf.extend_from_slice(b"+");
    for _ in 0..len / read.len() {
        assert_eq!(decoder.decode_frames(buf, &mut frames).expect("valid"), 0);
        buf.extend_from_slice(read);
    }
    buf.extend_from_slice(b"\r\n");
    assert_eq!(decoder.decode_frames(buf, &mut frames).expect("valid"), 1);
    frames
        .get(0)
        .and_then(|f| f.as_bytes())
        .map_or(0, <[u8]>::len)
}

fn long_line(c: &mut Criterion) {
    let read = vec![b'x'; READ];
    let mut buf = BytesMut::new();
    let mut group = c.benchmark_group("long_line");
    group.sample_size(10);
    for mib in [16, 64] {
        let len = mib * MIB;
        let line = feed_line(&mut buf, len, &read);
        assert_eq!(line.as_bytes().map(<[u8]>::len), Some(len));
        drop(line);
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(format!("decode_{mib}mib_in_16kib_reads"), |b| {
            b.iter(|| feed_line(&mut buf, len, &read).as_bytes().map(<[u8]>::len))
        });
        group.bench_function(format!("decode_frames_{mib}mib_in_16kib_reads"), |b| {
            b.iter(|| assert_eq!(feed_line_frames(&mut buf, len, &read), len))
        });
        group.bench_function(format!("append_only_{mib}mib_in_16kib_reads"), |b| {
            b.iter(|| append_only(&mut buf, len, &read))
        });
    }
    group.finish();
}

criterion_group!(benches, long_line);
criterion_main!(benches);
