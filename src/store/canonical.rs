//! Canonical JSON: the exact bytes that are hashed for an event.
//!
//! Object keys are sorted by their UTF-8 bytes, there is no white space, and
//! strings and numbers are written as serde_json writes them. This is done by
//! hand rather than relying on `serde_json::Map` ordering, which changes when
//! any crate in the build enables serde_json's `preserve_order` feature.

use std::fmt::Write as _;

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
        // `fmt::Write` into a `String` cannot fail.
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
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
            let member = |out: &mut String, i: usize, key: &String, value: &Value| {
                if i > 0 {
                    out.push(',');
                }
                write_str(key, out);
                out.push(':');
                write(value, out);
            };
            out.push('{');
            // serde_json's map keeps its keys sorted already unless a crate
            // in the build turns on `preserve_order`: sort only then.
            if map.keys().is_sorted_by(|a, b| a.as_bytes() <= b.as_bytes()) {
                for (i, (key, value)) in map.iter().enumerate() {
                    member(out, i, key, value);
                }
            } else {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
                for (i, key) in keys.into_iter().enumerate() {
                    member(out, i, key, &map[key]);
                }
            }
            out.push('}');
        }
    }
}

/// Appends a string as a JSON string literal, escaped exactly as
/// serde_json escapes it (a unit test compares them): `"`, `\` and the
/// control characters only, the short forms where JSON has them and
/// `\u00xx` in lower case for the rest; other text is kept as UTF-8.
/// Written into `out` directly: a `serde_json::to_string` per string was
/// an allocation for every field of every event hashed or stored.
pub fn write_str(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    let mut start = 0;
    for (i, byte) in s.bytes().enumerate() {
        let short = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x09 => "\\t",
            0x0A => "\\n",
            0x0C => "\\f",
            0x0D => "\\r",
            0x00..=0x1F => "",
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slices end on a char boundary.
        out.push_str(&s[start..i]);
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
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
    fn strings_are_escaped_exactly_as_serde_json_escapes_them() {
        let mut samples: Vec<String> = (0u32..0x80)
            .filter_map(char::from_u32)
            .map(|c| format!("a{c}b{c}"))
            .collect();
        samples.extend(
            [
                "",
                "王𠮷\u{7f}\u{80}\u{2028}\u{2029}\u{FEFF}",
                "\"\\\n\u{0}\u{1f}😀",
                "身份证\t１１０１０５Ｘ\r\n",
            ]
            .map(str::to_owned),
        );
        for s in samples {
            let mut out = String::from("x");
            write_str(&s, &mut out);
            assert_eq!(out[1..], serde_json::to_string(&s).unwrap(), "{s:?}");
        }
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
