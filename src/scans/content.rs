//! What a scanned file is, by its first bytes (its name and extension are
//! never trusted), and the small picture of an image the case detail
//! shows.

use serde::{Deserialize, Serialize};

/// The kinds of file a scan may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Jpeg,
    Png,
    Pdf,
}

/// The longer side of a thumbnail, in pixels.
pub const THUMB_PX: u32 = 240;

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpeg",
            Kind::Png => "png",
            Kind::Pdf => "pdf",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        [Kind::Jpeg, Kind::Png, Kind::Pdf]
            .into_iter()
            .find(|k| k.code() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Jpeg => "JPEG 图片",
            Kind::Png => "PNG 图片",
            Kind::Pdf => "PDF 文件",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Pdf => "pdf",
        }
    }

    /// The media type the window shows it with.
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Pdf => "application/pdf",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, Kind::Jpeg | Kind::Png)
    }
}

/// The kind of `bytes` by its signature: JPEG `FF D8 FF`, PNG's eight
/// bytes, PDF `%PDF-`; anything else is none of them.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(Kind::Png)
    } else if bytes.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else {
        None
    }
}

/// The thumbnail of an image (PNG, at most [`THUMB_PX`] on its longer
/// side), decoded from the content itself: an image that does not decode
/// is refused with why. A PDF has none.
pub fn thumbnail(kind: Kind, bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let format = match kind {
        Kind::Jpeg => image::ImageFormat::Jpeg,
        Kind::Png => image::ImageFormat::Png,
        Kind::Pdf => return Ok(None),
    };
    let img = image::load_from_memory_with_format(bytes, format).map_err(|e| e.to_string())?;
    let small = img.thumbnail(THUMB_PX, THUMB_PX);
    let mut out = std::io::Cursor::new(Vec::new());
    small
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(Some(out.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 255) as u8, (y % 255) as u8, 90])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn the_kind_is_told_by_content_not_by_name() {
        assert_eq!(sniff(&png(4, 4)), Some(Kind::Png));
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(Kind::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]), Some(Kind::Jpeg));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn an_image_gets_a_small_thumbnail_and_a_broken_one_is_refused() {
        let thumb = thumbnail(Kind::Png, &png(1200, 800)).unwrap().unwrap();
        let t = image::load_from_memory(&thumb).unwrap();
        assert_eq!((t.width(), t.height()), (THUMB_PX, 160));
        let mut broken = png(50, 50);
        broken.truncate(40);
        assert!(thumbnail(Kind::Png, &broken).is_err());
        assert_eq!(thumbnail(Kind::Pdf, b"%PDF-1.4").unwrap(), None);
    }
}
