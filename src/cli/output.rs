//! Printing: Chinese text for people, one JSON document for scripts.

use serde::Serialize;

/// Prints `value` as JSON when `json`, else the text `human` makes.
pub fn print<T: Serialize>(json: bool, value: &T, human: impl FnOnce(&T) -> String) {
    if json {
        match serde_json::to_string_pretty(value) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("错误：无法输出 JSON：{e}"),
        }
    } else {
        let text = human(value);
        if text.ends_with('\n') {
            print!("{text}");
        } else {
            println!("{text}");
        }
    }
}

/// Prints an error on stderr: `错误：…`, or `{"error": "…"}` with `--json`.
pub fn error(json: bool, e: &bianmin::Error) {
    if json {
        eprintln!("{}", serde_json::json!({ "error": e.to_string() }));
    } else {
        eprintln!("错误：{e}");
    }
}
