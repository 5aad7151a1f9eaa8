//! Replies printed the way redis-cli prints them.

use keyslot::Value;

/// The reply as redis-cli shows it.
pub fn redis_cli(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out
}

fn quoted(bytes: &[u8]) -> String {
    let mut s = String::from("\"");
    for &b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push('"');
    s
}

fn write_value(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::SimpleString(s) => out.push_str(&String::from_utf8_lossy(s)),
        Value::Error(e) => out.push_str(&format!("(error) {}", String::from_utf8_lossy(e))),
        Value::Integer(i) => out.push_str(&format!("(integer) {i}")),
        Value::BulkString(b) => out.push_str(&quoted(b)),
        Value::Null => out.push_str("(nil)"),
        Value::Double(d) => out.push_str(&format!("(double) {d}")),
        Value::Boolean(b) => out.push_str(if *b { "(true)" } else { "(false)" }),
        Value::BigNumber(n) => {
            out.push_str(&format!("(big number) {}", String::from_utf8_lossy(n)))
        }
        Value::Verbatim { text, .. } => out.push_str(&String::from_utf8_lossy(text)),
        Value::Array(items) | Value::Set(items) | Value::Push(items) => {
            list(out, items.iter(), indent)
        }
        Value::Map(pairs) => {
            if pairs.is_empty() {
                out.push_str("(empty hash)");
            }
            let width = pairs.len().to_string().len();
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                    out.push_str(&" ".repeat(indent));
                }
                let label = format!("{:>width$}# ", i + 1);
                out.push_str(&label);
                write_value(out, k, indent + label.len());
                out.push_str(" => ");
                write_value(out, v, indent + label.len() + 4);
            }
        }
        Value::Attribute { value, .. } => write_value(out, value, indent),
    }
}

fn list<'a>(out: &mut String, items: impl ExactSizeIterator<Item = &'a Value>, indent: usize) {
    if items.len() == 0 {
        out.push_str("(empty array)");
        return;
    }
    let width = items.len().to_string().len();
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
        }
        let label = format!("{:>width$}) ", i + 1);
        out.push_str(&label);
        write_value(out, item, indent + label.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn looks_like_redis_cli() {
        assert_eq!(
            redis_cli(&Value::SimpleString(Bytes::from_static(b"OK"))),
            "OK"
        );
        assert_eq!(redis_cli(&Value::Integer(3)), "(integer) 3");
        assert_eq!(redis_cli(&Value::Null), "(nil)");
        assert_eq!(
            redis_cli(&Value::BulkString(Bytes::from_static(b"a\"b\x01"))),
            "\"a\\\"b\\x01\""
        );
        let nested = Value::Array(vec![
            Value::Integer(1),
            Value::Array(vec![Value::from("x"), Value::from("y")]),
        ]);
        assert_eq!(
            redis_cli(&nested),
            "1) (integer) 1\n2) 1) \"x\"\n   2) \"y\""
        );
        assert_eq!(redis_cli(&Value::Array(vec![])), "(empty array)");
    }
}
