//! The PC's print service (CUPS), through its standard clients: `lpstat`
//! lists the printers and says whether each can print now, `lp` hands a
//! PDF to one. Both run with `LC_ALL=C`, so that their answers read the
//! same whatever language the PC is set to; what a clerk sees is made in
//! Chinese here.

use std::path::Path;
use std::process::{Command, Output};

use serde::Serialize;

use super::PrintError;

/// A printer the print service knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Printer {
    pub name: String,
    /// What the administrator called it (e.g. "窗口1 小票打印机"), if anything.
    pub description: String,
    /// Printing is paused (`cupsdisable`), with the reason given.
    pub stopped: Option<String>,
    /// The printer takes no new jobs (`cupsreject`).
    pub accepting: bool,
    /// What the printer reports (printer-state-reasons), e.g. `media-empty-error`.
    pub alerts: Vec<String>,
    pub is_default: bool,
    /// Why a document sent now would not print, in Chinese; `None` when it can print.
    pub problem: Option<String>,
}

impl Printer {
    /// Why a job sent now would not come out of this printer.
    fn trouble(&self) -> Option<PrintError> {
        let name = self.name.clone();
        if let Some(alert) = self.alerts.iter().find_map(|a| alert_label(a)) {
            return Some(PrintError::Reported {
                printer: name,
                what: alert,
            });
        }
        if let Some(reason) = &self.stopped {
            // CUPS says "reason unknown" (or "Paused") when none was given.
            let given = !reason.is_empty() && reason != "reason unknown" && reason != "Paused";
            return Some(PrintError::Stopped {
                printer: name,
                reason: if given {
                    format!("（{reason}）")
                } else {
                    String::new()
                },
            });
        }
        if !self.accepting {
            return Some(PrintError::NotAccepting(name));
        }
        None
    }
}

/// What a printer's reported state means to a clerk, for the states that
/// stop a print; `None` for the others (reports, warnings, "none").
fn alert_label(reason: &str) -> Option<&'static str> {
    // printer-state-reasons keywords (RFC 8011 §5.4.12), with their
    // "-error" / "-warning" / "-report" suffix; only errors stop a print.
    let (keyword, severity) = match reason.rsplit_once('-') {
        Some((k, s @ ("error" | "warning" | "report"))) => (k, s),
        _ => (reason, "error"),
    };
    if severity != "error" {
        return None;
    }
    Some(match keyword {
        "media-empty" | "media-needed" | "input-tray-missing" => "缺纸，请放入纸张",
        "media-jam" => "卡纸，请取出卡住的纸",
        "toner-empty" | "marker-supply-empty" => "墨粉（墨水）已用完",
        "door-open" | "cover-open" => "机盖打开着，请合上",
        "offline" | "shutdown" => "脱机或未开机，请检查电源和连线",
        "output-area-full" => "出纸口已满，请取走纸张",
        "connecting-to-device" => "正在连接打印机，稍后再试",
        _ => return None,
    })
}

fn run(program: &str, args: &[&str], stdin: Option<&Path>) -> Result<Output, PrintError> {
    let mut cmd = Command::new(program);
    cmd.args(args).env("LC_ALL", "C").env("LANG", "C");
    if let Some(file) = stdin {
        let f = std::fs::File::open(file).map_err(|e| PrintError::File {
            path: file.display().to_string(),
            reason: e.to_string(),
        })?;
        cmd.stdin(f);
    }
    cmd.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => PrintError::NoService,
        _ => PrintError::Service(e.to_string()),
    })
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_owned()
}

/// Whether the service itself is down (as opposed to a printer's trouble).
fn service_down(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("scheduler is not running")
        || m.contains("scheduler not responding")
        || m.contains("unable to connect")
        || m.contains("connection refused")
}

/// The printers the print service has, in its order (an empty list when it
/// has none).
pub fn printers() -> Result<Vec<Printer>, PrintError> {
    let status = run("lpstat", &["-l", "-p"], None)?;
    let accepting = run("lpstat", &["-a"], None)?;
    let default = run("lpstat", &["-d"], None)?;
    for out in [&status, &accepting, &default] {
        let err = stderr_of(out);
        if service_down(&err) {
            return Err(PrintError::ServiceDown);
        }
    }
    let stdout = |o: &Output| String::from_utf8_lossy(&o.stdout).into_owned();
    Ok(parse(
        &stdout(&status),
        &stdout(&accepting),
        &stdout(&default),
    ))
}

/// One printer by name.
pub fn printer(name: &str) -> Result<Printer, PrintError> {
    printers()?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| PrintError::NoSuchPrinter(name.to_owned()))
}

/// Reads `lpstat -l -p`, `lpstat -a` and `lpstat -d` (in the C locale).
fn parse(status: &str, accepting: &str, default: &str) -> Vec<Printer> {
    let default_name = default
        .lines()
        .find_map(|l| l.strip_prefix("system default destination: "))
        .map(str::trim);
    let mut printers: Vec<Printer> = Vec::new();
    let mut after_disabled = false;
    for line in status.lines() {
        if let Some(rest) = line.strip_prefix("printer ") {
            let name = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
            let disabled = rest.contains(" disabled since ");
            after_disabled = disabled;
            printers.push(Printer {
                is_default: default_name == Some(name.as_str()),
                name,
                description: String::new(),
                stopped: disabled.then(String::new),
                accepting: true,
                alerts: Vec::new(),
                problem: None,
            });
            continue;
        }
        let Some(p) = printers.last_mut() else {
            continue;
        };
        let text = line.trim();
        if after_disabled {
            // The line right after "disabled since … -" is the reason given.
            after_disabled = false;
            if !text.contains(':') || !text.starts_with(char::is_uppercase) {
                p.stopped = Some(text.to_owned());
                continue;
            }
        }
        if let Some(d) = text.strip_prefix("Description:") {
            p.description = d.trim().to_owned();
        } else if let Some(a) = text.strip_prefix("Alerts:") {
            p.alerts = a
                .split_whitespace()
                .filter(|w| *w != "none")
                .map(str::to_owned)
                .collect();
        }
    }
    for line in accepting.lines() {
        if let Some((name, rest)) = line.split_once(' ') {
            if let Some(p) = printers.iter_mut().find(|p| p.name == name) {
                p.accepting = !rest.starts_with("not accepting");
            }
        }
    }
    for p in &mut printers {
        p.problem = p.trouble().map(|e| e.to_string());
    }
    printers
}

/// Hands the PDF `file` to `printer`, titled `title` (what the print
/// queue shows), after checking that the printer can print now. Returns
/// the print service's job id (e.g. `A4-17`).
pub fn submit(printer_name: &str, file: &Path, title: &str) -> Result<String, PrintError> {
    if let Some(trouble) = printer(printer_name)?.trouble() {
        return Err(trouble);
    }
    // The file goes on stdin, so that the job does not depend on the print
    // service being allowed to read this user's private folder.
    let out = run("lp", &["-d", printer_name, "-t", title, "-"], Some(file))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let err = stderr_of(&out);
        return Err(if service_down(&err) {
            PrintError::ServiceDown
        } else if err.contains("does not exist") {
            PrintError::NoSuchPrinter(printer_name.to_owned())
        } else if err.contains("not accepting") {
            PrintError::NotAccepting(printer_name.to_owned())
        } else {
            PrintError::Refused {
                printer: printer_name.to_owned(),
                message: err,
            }
        });
    }
    job_id(&stdout).ok_or_else(|| PrintError::Refused {
        printer: printer_name.to_owned(),
        message: stdout.trim().to_owned(),
    })
}

/// The job id in `lp`'s answer "request id is A4-17 (1 file(s))".
fn job_id(answer: &str) -> Option<String> {
    answer
        .lines()
        .find_map(|l| l.trim().strip_prefix("request id is "))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "printer Slip is idle.  enabled since Thu Dec  3 14:32:21 2026
\tForm mounted:
\tDescription: 窗口1 小票
\tAlerts: none
\tLocation: 
printer A4 disabled since Thu Dec  3 14:33:46 2026 -
\t换纸
\tForm mounted:
\tDescription: 
\tAlerts: paused
printer Office now printing Office-3.  enabled since Thu Dec  3 14:40:00 2026
\tDescription: 办公室
\tAlerts: media-empty-error media-low-report
";
    const ACCEPTING: &str = "Slip accepting requests since Thu Dec  3 14:32:21 2026
A4 not accepting requests since Thu Dec  3 14:33:46 2026 -
\tRejecting Jobs
Office accepting requests since Thu Dec  3 14:40:00 2026
";

    #[test]
    fn lpstat_is_read_into_printers_with_their_trouble() {
        let ps = parse(STATUS, ACCEPTING, "system default destination: Slip\n");
        assert_eq!(ps.len(), 3);
        assert_eq!(ps[0].name, "Slip");
        assert_eq!(ps[0].description, "窗口1 小票");
        assert!(ps[0].is_default && ps[0].accepting && ps[0].stopped.is_none());
        assert_eq!(ps[0].problem, None);
        assert_eq!(ps[1].stopped.as_deref(), Some("换纸"));
        assert!(!ps[1].accepting);
        assert_eq!(
            ps[1].problem.as_deref(),
            Some("打印机“A4”已暂停（换纸），请在打印机管理中恢复后再打印")
        );
        assert_eq!(ps[2].alerts, ["media-empty-error", "media-low-report"]);
        assert_eq!(
            ps[2].problem.as_deref(),
            Some("打印机“Office”缺纸，请放入纸张")
        );
    }

    #[test]
    fn a_stopped_printer_without_a_reason_and_no_default() {
        let status = "printer P disabled since Thu Dec  3 14:33:46 2026 -\n\treason unknown\n\tForm mounted:\n";
        let ps = parse(
            status,
            "P accepting requests since x\n",
            "no system default destination\n",
        );
        assert_eq!(ps[0].stopped.as_deref(), Some("reason unknown"));
        assert!(!ps[0].is_default);
        assert_eq!(
            ps[0].problem.as_deref(),
            Some("打印机“P”已暂停，请在打印机管理中恢复后再打印")
        );
        let none = parse("", "", "");
        assert!(none.is_empty());
    }

    #[test]
    fn only_error_reasons_stop_a_print() {
        assert_eq!(alert_label("media-empty-error"), Some("缺纸，请放入纸张"));
        assert_eq!(alert_label("media-empty"), Some("缺纸，请放入纸张"));
        assert_eq!(alert_label("media-empty-warning"), None);
        assert_eq!(alert_label("toner-low-report"), None);
        assert_eq!(alert_label("paused"), None);
    }

    #[test]
    fn the_job_id_is_read_from_lps_answer() {
        assert_eq!(
            job_id("request id is A4-17 (1 file(s))\n").as_deref(),
            Some("A4-17")
        );
        assert_eq!(job_id("something else"), None);
    }
}
