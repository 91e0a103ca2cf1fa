//! The page a test printer printed, read back: the tests' print service
//! (scripts/test-printers.sh) has cups-pdf printers that write each job into
//! BIANMIN_TEST_PRINTED. Shared by tests/printing.rs and the window's tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn printed_dir() -> PathBuf {
    std::env::var_os("BIANMIN_TEST_PRINTED")
        .map(PathBuf::from)
        .expect(
            "the printing tests need CUPS with the test printers: \
             eval \"$(bash scripts/test-printers.sh start)\" (scripts/test.sh does it)",
        )
}

/// What a reader sees on the first page of a printed job: cups-pdf draws
/// the job again through PostScript, which keeps the look but not the
/// text layer, so the page is rasterized (pdftoppm) and read (tesseract).
fn read_page(pdf: &Path) -> Option<String> {
    let stem = pdf
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let png = std::env::temp_dir().join(format!("bianmin-read-{}-{stem}", std::process::id()));
    let raster = Command::new("pdftoppm")
        .args([
            "-r",
            "200",
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
        ])
        .arg(pdf)
        .arg(&png)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("pdftoppm (poppler-utils) is needed");
    if !raster.success() {
        return None;
    }
    let png = png.with_extension("png");
    let out = Command::new("tesseract")
        .arg(&png)
        .args(["-", "-l", "chi_sim+eng"])
        .stderr(std::process::Stdio::null())
        .output()
        .expect("tesseract (tesseract-ocr, tesseract-ocr-chi-sim) is needed");
    let _ = std::fs::remove_file(&png);
    Some(
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect(),
    )
}

/// What the virtual printer printed for `job` (e.g. `BianminTest80-12`):
/// waits at most a minute for the job's PDF, then reads it.
pub fn printed_text(job: &str) -> String {
    let number = job.rsplit('-').next().unwrap_or_default();
    let suffix = format!("-job_{number}.pdf");
    let dir = printed_dir();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let found = std::fs::read_dir(&dir).ok().and_then(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .find(|p| p.to_string_lossy().ends_with(&suffix))
        });
        if let Some(text) = found.as_deref().and_then(read_page) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "job {job} was not printed into {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}
