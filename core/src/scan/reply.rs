//! The shapes of the replies the scan reads, checked: nothing here trusts a node.

use alloc::vec::Vec;
use bytes::Bytes;

use crate::resp::Value;

/// `SCAN`: `[cursor, [key, ..]]`, the cursor a decimal in a bulk string.
pub(crate) fn scan(value: &Value) -> Result<(u64, Vec<Bytes>), &'static str> {
    let parts = value
        .without_attributes()
        .as_slice()
        .ok_or("SCAN reply is not an array")?;
    let [cursor, keys] = parts else {
        return Err("SCAN reply is not [cursor, keys]");
    };
    let cursor = cursor
        .as_bytes()
        .filter(|_| !cursor.is_error())
        .and_then(|b| core::str::from_utf8(b).ok())
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or("SCAN cursor is not an unsigned decimal")?;
    Ok((
        cursor,
        key_list(keys, "SCAN keys are not an array of bulk strings")?,
    ))
}

/// `CLUSTER GETKEYSINSLOT` (and the keys of `SCAN`): an array of bulk strings.
pub(crate) fn key_list(value: &Value, reason: &'static str) -> Result<Vec<Bytes>, &'static str> {
    value
        .without_attributes()
        .as_slice()
        .ok_or(reason)?
        .iter()
        .map(|key| match key {
            Value::BulkString(b) => Ok(b.clone()),
            _ => Err(reason),
        })
        .collect()
}

/// `CLUSTER NODES` and `TYPE`: text in a bulk, verbatim or simple string.
pub(crate) fn text(value: &Value) -> Option<&[u8]> {
    match value.without_attributes() {
        Value::BulkString(b) | Value::SimpleString(b) | Value::Verbatim { text: b, .. } => Some(b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn scan_shapes() {
        let ok = Value::Array(vec![bulk("17"), Value::Array(vec![bulk("a"), bulk("b")])]);
        assert_eq!(scan(&ok).unwrap().0, 17);
        assert_eq!(scan(&ok).unwrap().1.len(), 2);
        assert!(scan(&Value::Integer(0)).is_err());
        assert!(scan(&Value::Array(vec![bulk("x1"), Value::Array(vec![])])).is_err());
        assert!(scan(&Value::Array(vec![bulk("-1"), Value::Array(vec![])])).is_err());
        assert!(scan(&Value::Array(vec![bulk("0")])).is_err());
        assert!(scan(&Value::Array(vec![
            bulk("0"),
            Value::Array(vec![Value::Integer(1)])
        ]))
        .is_err());
        assert!(scan(&Value::Array(vec![bulk("0"), Value::Null])).is_err());
    }
}
