//! A flatbed scanner at the counter, through SANE's `scanimage` when the
//! PC has it: the scanners it finds, and one page scanned as a JPEG that
//! goes straight into memory (never a file on disk) to be attached like
//! any other scan.
//!
//! Each call is bounded in time: a scanner that stops answering is stopped
//! and named, never a window that hangs.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::ScanError;

/// The program SANE scans with.
const SCANIMAGE: &str = "scanimage";
/// Dots per inch of a page: an A4 page is about 1240 × 1754 pixels, a JPEG
/// of a few hundred KB, well under any center's limit, still readable.
pub const RESOLUTION: u32 = 150;
/// How long finding the scanners may take (network scanners answer late).
const LIST_LIMIT: Duration = Duration::from_secs(30);
/// How long one page may take (a slow flatbed warms its lamp first).
const SCAN_LIMIT: Duration = Duration::from_secs(120);

/// A scanner SANE found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scanner {
    /// SANE's device name (`genesys:libusb:001:004`), given back to scan.
    pub device: String,
    /// Maker, model and kind, as SANE names them.
    pub label: String,
}

/// The scanners on this PC; none when SANE is not installed.
pub fn scanners() -> Result<Vec<Scanner>, ScanError> {
    match run(&["-L"], LIST_LIMIT) {
        Ok(out) => Ok(parse_list(&String::from_utf8_lossy(&out))),
        Err(Run::Missing) => Ok(Vec::new()),
        Err(Run::Failed(reason)) => Err(ScanError::ScannerFailed {
            device: "扫描仪列表".into(),
            reason,
        }),
        Err(Run::TimedOut) => Err(ScanError::ScannerTimeout {
            device: "扫描仪列表".into(),
            seconds: LIST_LIMIT.as_secs(),
        }),
    }
}

/// The lines of `scanimage -L`: ``device `test:0' is a Noname frontend-tester virtual device``.
fn parse_list(text: &str) -> Vec<Scanner> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("device `")?;
            let (device, label) = rest.split_once("' is a ")?;
            Some(Scanner {
                device: device.to_owned(),
                label: label.trim().to_owned(),
            })
        })
        .collect()
}

/// One page from the scanner `device`, in colour at [`RESOLUTION`], as
/// JPEG bytes.
pub fn scan_page(device: &str) -> Result<Vec<u8>, ScanError> {
    let device = device.trim();
    // A device name is SANE's own; it is given as one argument, never to a
    // shell, and may not pass for an option.
    if device.is_empty() || device.starts_with('-') {
        return Err(ScanError::NoScanner);
    }
    let resolution = RESOLUTION.to_string();
    let args = [
        "-d",
        device,
        "--format=jpeg",
        "--mode",
        "Color",
        "--resolution",
        &resolution,
    ];
    match run(&args, SCAN_LIMIT) {
        Ok(bytes) if bytes.is_empty() => Err(ScanError::ScannerFailed {
            device: device.to_owned(),
            reason: "扫描仪没有送回图像".into(),
        }),
        Ok(bytes) => Ok(bytes),
        Err(Run::Missing) => Err(ScanError::NoScanner),
        Err(Run::Failed(reason)) => Err(ScanError::ScannerFailed {
            device: device.to_owned(),
            reason,
        }),
        Err(Run::TimedOut) => Err(ScanError::ScannerTimeout {
            device: device.to_owned(),
            seconds: SCAN_LIMIT.as_secs(),
        }),
    }
}

/// Why `scanimage` gave nothing.
enum Run {
    Missing,
    Failed(String),
    TimedOut,
}

/// Runs `scanimage` with `args`, at most `limit`; its standard output.
fn run(args: &[&str], limit: Duration) -> Result<Vec<u8>, Run> {
    let mut child = Command::new(SCANIMAGE)
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Run::Missing,
            _ => Run::Failed(e.to_string()),
        })?;
    // Both pipes are drained on their own threads, so a large image never
    // blocks the scanner on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Run::TimedOut);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(Run::Failed(e.to_string())),
        }
    };
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    if !status.success() {
        let reason = String::from_utf8_lossy(&err).trim().to_owned();
        return Err(Run::Failed(if reason.is_empty() {
            format!("scanimage 退出码 {}", status.code().unwrap_or(-1))
        } else {
            reason
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_names_each_device_and_skips_other_lines() {
        let text = "device `test:0' is a Noname frontend-tester virtual device\n\
                    \n\
                    No scanners were identified.\n\
                    device `genesys:libusb:001:004' is a Canon LiDE 220 flatbed scanner\n";
        assert_eq!(
            parse_list(text),
            vec![
                Scanner {
                    device: "test:0".into(),
                    label: "Noname frontend-tester virtual device".into()
                },
                Scanner {
                    device: "genesys:libusb:001:004".into(),
                    label: "Canon LiDE 220 flatbed scanner".into()
                },
            ]
        );
    }

    #[test]
    fn a_device_that_looks_like_an_option_is_not_passed_on() {
        assert_eq!(scan_page("--help"), Err(ScanError::NoScanner));
        assert_eq!(scan_page("  "), Err(ScanError::NoScanner));
    }
}
