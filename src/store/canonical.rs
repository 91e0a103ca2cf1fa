//! Canonical JSON: the exact bytes that are hashed for an event.
//!
//! Object keys are sorted by their UTF-8 bytes, there is no white space, and
//! strings and numbers are written as serde_json writes them. This is done by
//! hand rather than relying on `serde_json::Map` ordering, which changes when
//! any crate in the build enables serde_json's `preserve_order` feature.

use serde_json::Value;

/// Writes `value` as canonical JSON.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// Appends `value` as canonical JSON.
pub fn write(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_str(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(key, out);
                out.push(':');
                write(&map[key], out);
            }
            out.push('}');
        }
    }
}

/// Appends a string as a JSON string literal.
pub fn write_str(s: &str, out: &mut String) {
    // serde_json's string escaping is stable and minimal (only `"`, `\` and
    // control characters are escaped); non-ASCII text is kept as UTF-8.
    if let Ok(text) = serde_json::to_string(s) {
        out.push_str(&text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth_and_no_space_is_written() {
        let v = json!({"b": 1, "a": {"z": [true, null], "y": "x"}});
        assert_eq!(to_string(&v), r#"{"a":{"y":"x","z":[true,null]},"b":1}"#);
    }

    #[test]
    fn text_is_kept_verbatim_with_only_json_escapes() {
        let v = json!({"name": "𠮷\"'; DROP TABLE cases;--\\ 😀\u{200F}"});
        let s = to_string(&v);
        assert!(s.contains("𠮷"));
        assert!(s.contains("😀"));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
