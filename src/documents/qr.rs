//! The QR code on the receipt: case number and query code, drawn as vector
//! squares (no image), so it stays sharp on any printer.

use qrcode::{Color, EcLevel, QrCode};

use super::layout::Page;
use super::DocumentError;

/// What the receipt's QR code encodes: `BIANMIN:{case_no}:{query_code}`.
pub fn payload(case_no: &str, query_code: &str) -> String {
    format!("BIANMIN:{case_no}:{query_code}")
}

/// Draws the QR code of `data` with its top-left at (`x`, `y`), `size` mm
/// wide including the 4-module quiet zone.
pub fn draw(page: &mut Page, x: f32, y: f32, size: f32, data: &str) -> Result<(), DocumentError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|e| DocumentError::Qr(e.to_string()))?;
    let n = code.width();
    let colors = code.to_colors();
    let module = size / (n + 8) as f32;
    for row in 0..n {
        // One rectangle per horizontal run of dark modules.
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == Color::Dark {
                    col += 1;
                }
                page.fill(
                    x + (start + 4) as f32 * module,
                    y + (row + 4) as f32 * module,
                    (col - start) as f32 * module,
                    module,
                );
            } else {
                col += 1;
            }
        }
    }
    Ok(())
}
