//! Attachments (meal photos, voice notes, PDFs, progress photos): copied into
//! the data folder under their content hash, so nothing depends on the
//! original file staying where it was dropped. Rows store the path relative
//! to the data folder; images get a thumbnail with their EXIF orientation
//! applied.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::Store;

pub const MAX_IMAGE_BYTES: usize = 25 * 1024 * 1024;
pub const MAX_AUDIO_BYTES: usize = 50 * 1024 * 1024;
pub const MAX_PDF_BYTES: usize = 25 * 1024 * 1024;
const THUMBNAIL_PX: u32 = 320;
/// Longest side of an image sent to a vision model (Anthropic's recommendation).
const MODEL_IMAGE_PX: u32 = 1568;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Image,
    Audio,
    Pdf,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Attachment {
    pub kind: AttachmentKind,
    pub media_type: String,
    /// Relative to the data folder, e.g. `attachments/ab/ab12….jpg`.
    pub path: String,
    pub thumbnail_path: Option<String>,
    pub original_name: String,
    pub size_bytes: i64,
}

/// The folder that holds the database and the attachments.
pub fn data_dir(store: &Store) -> PathBuf {
    store
        .path()
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The content hash that names stored files.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    Sha256::digest(bytes).iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// What a file is, from its first bytes (never from its name alone).
pub fn detect(bytes: &[u8], name: &str) -> Result<(AttachmentKind, &'static str, &'static str)> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    let at = |offset: usize, magic: &[u8]| {
        bytes.len() >= offset + magic.len() && &bytes[offset..offset + magic.len()] == magic
    };
    let found = if starts(&[0xFF, 0xD8, 0xFF]) {
        (AttachmentKind::Image, "image/jpeg", "jpg")
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        (AttachmentKind::Image, "image/png", "png")
    } else if starts(b"RIFF") && at(8, b"WEBP") {
        (AttachmentKind::Image, "image/webp", "webp")
    } else if starts(b"RIFF") && at(8, b"WAVE") {
        (AttachmentKind::Audio, "audio/wav", "wav")
    } else if starts(b"OggS") {
        (AttachmentKind::Audio, "audio/ogg", "ogg")
    } else if starts(b"ID3") || (bytes.len() > 1 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0) {
        (AttachmentKind::Audio, "audio/mpeg", "mp3")
    } else if at(4, b"ftyp") && (at(8, b"M4A ") || at(8, b"mp42") || at(8, b"isom") || at(8, b"M4B ")) {
        (AttachmentKind::Audio, "audio/mp4", "m4a")
    } else if starts(b"%PDF-") {
        (AttachmentKind::Pdf, "application/pdf", "pdf")
    } else {
        return Err(Error::invalid(format!(
            "{name}: not a supported file (photos: JPEG, PNG or WebP; voice: WAV, MP3, M4A or OGG; documents: PDF)"
        )));
    };
    let limit = match found.0 {
        AttachmentKind::Image => MAX_IMAGE_BYTES,
        AttachmentKind::Audio => MAX_AUDIO_BYTES,
        AttachmentKind::Pdf => MAX_PDF_BYTES,
    };
    if bytes.len() > limit {
        return Err(Error::invalid(format!(
            "{name}: {:.1} MB is over the {} MB limit for this kind of file",
            bytes.len() as f64 / 1_048_576.0,
            limit / 1_048_576
        )));
    }
    Ok(found)
}

/// Largest image decoded (a 200 MP phone photo is scaled on the phone; 64 MP
/// covers every camera people photograph meals with).
pub const MAX_IMAGE_PIXELS: u64 = 64_000_000;
/// Decoded bytes of one image; the orientation step may need as much again.
pub const MAX_IMAGE_DECODED_BYTES: u64 = 256 << 20;

/// Decodes an image with its EXIF orientation applied. The header's size is
/// checked before a pixel is decoded, and the decoder runs under
/// `image::Limits`, so a 444-byte file claiming 65500×65500 is refused.
fn decode_upright(bytes: &[u8], name: &str) -> Result<image::DynamicImage> {
    use image::ImageDecoder;
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::invalid(format!("{name}: cannot read the image: {e}")))?;
    // The size check below names the dimensions; the decoder's own allocation cap backs it up.
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_IMAGE_DECODED_BYTES * 2);
    reader.limits(limits);
    let mut decoder =
        reader.into_decoder().map_err(|e| Error::invalid(format!("{name}: not a readable image: {e}")))?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_IMAGE_PIXELS || decoder.total_bytes() > MAX_IMAGE_DECODED_BYTES {
        return Err(Error::invalid(format!(
            "{name}: the image says it is {w}×{h} pixels ({} MB decoded); the limit is {} megapixels",
            decoder.total_bytes() >> 20,
            MAX_IMAGE_PIXELS / 1_000_000
        )));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder)
        .map_err(|e| Error::invalid(format!("{name}: the image data is damaged: {e}")))?;
    img.apply_orientation(orientation);
    Ok(img)
}

fn encode_jpeg(img: &image::DynamicImage, quality: u8) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    img.to_rgb8()
        .write_with_encoder(encoder)
        .map_err(|e| Error::invalid(format!("cannot encode a JPEG: {e}")))?;
    Ok(out)
}

/// Writes `bytes` to `path` unless it is already there (same hash, same
/// content); true when this call created the file.
pub(crate) fn write_once(path: &Path, bytes: &[u8]) -> Result<bool> {
    if path.exists() {
        return Ok(false);
    }
    let dir = path.parent().ok_or_else(|| Error::invalid("attachment path has no folder"))?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    // Write then rename, so a crash never leaves half a file under the final name.
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(format!("writing {}", tmp.display()), e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(format!("moving {} into place", path.display()), e))?;
    Ok(true)
}

/// A file that passed every check, ready to be written.
pub struct Prepared<'a> {
    bytes: &'a [u8],
    pub kind: AttachmentKind,
    media_type: &'static str,
    ext: &'static str,
    hash: String,
    thumbnail: Option<Vec<u8>>,
    original_name: String,
}

/// Checks a file completely (type, size, an image decodes) without writing anything.
pub fn prepare<'a>(bytes: &'a [u8], original_name: &str) -> Result<Prepared<'a>> {
    let (kind, media_type, ext) = detect(bytes, original_name)?;
    let thumbnail = match kind {
        AttachmentKind::Image => {
            let img = decode_upright(bytes, original_name)?;
            Some(encode_jpeg(&img.thumbnail(THUMBNAIL_PX, THUMBNAIL_PX), 82)?)
        }
        _ => None,
    };
    let hash = sha256_hex(bytes);
    Ok(Prepared { bytes, kind, media_type, ext, hash, thumbnail, original_name: original_name.to_string() })
}

impl Prepared<'_> {
    /// Copies the file (and its thumbnail) into the data folder.
    pub fn write(self, store: &Store) -> Result<Attachment> {
        let root = data_dir(store);
        let path = format!("attachments/{}/{}.{}", &self.hash[..2], self.hash, self.ext);
        write_once(&root.join(&path), self.bytes)?;
        let thumbnail_path = match self.thumbnail {
            Some(thumb) => {
                let p = format!("attachments/thumbnails/{}.jpg", self.hash);
                write_once(&root.join(&p), &thumb)?;
                Some(p)
            }
            None => None,
        };
        Ok(Attachment {
            kind: self.kind,
            media_type: self.media_type.to_string(),
            path,
            thumbnail_path,
            original_name: self.original_name,
            size_bytes: self.bytes.len() as i64,
        })
    }
}

/// Checks and copies one file into the data folder.
pub fn store_bytes(store: &Store, bytes: &[u8], original_name: &str) -> Result<Attachment> {
    prepare(bytes, original_name)?.write(store)
}

/// Reads a file the user dropped or named, with its name in every error.
pub fn read_user_file(path: &Path) -> Result<(Vec<u8>, String)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let bytes = std::fs::read(path)
        .map_err(|e| Error::invalid(format!("{}: cannot read the file: {e}", path.display())))?;
    if bytes.is_empty() {
        return Err(Error::invalid(format!("{name}: the file is empty")));
    }
    Ok((bytes, name))
}

/// The bytes of a stored attachment (a relative path from a row).
pub fn load(store: &Store, relative: &str) -> Result<Vec<u8>> {
    if relative.contains("..") || Path::new(relative).is_absolute() {
        return Err(Error::invalid(format!("{relative}: attachments live inside the data folder")));
    }
    let path = data_dir(store).join(relative);
    std::fs::read(&path).map_err(|e| Error::io(format!("reading attachment {}", path.display()), e))
}

/// A stored image, upright and at most 1568 px, as JPEG for a vision model.
pub fn for_model(store: &Store, relative: &str) -> Result<Vec<u8>> {
    let bytes = load(store, relative)?;
    let img = decode_upright(&bytes, relative)?;
    let img = if img.width().max(img.height()) > MODEL_IMAGE_PX {
        img.resize(MODEL_IMAGE_PX, MODEL_IMAGE_PX, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    encode_jpeg(&img, 85)
}

/// Everything a PDF's streams may inflate to: a label or a plan is a few MB.
pub const MAX_PDF_DECOMPRESSED_BYTES: u64 = 128 << 20;

/// The sum of a PDF's Flate streams once inflated, counted up to the limit
/// without keeping any of it; `Err` past the limit. The PDF reader inflates
/// every stream fully, so a 2 MB file with a 2 GiB stream is refused here first.
fn check_pdf_streams(bytes: &[u8], name: &str) -> Result<()> {
    use std::io::Read;
    let mut total: u64 = 0;
    let mut rest = bytes;
    while let Some(at) = find(rest, b"stream") {
        let mut body = &rest[at + 6..];
        if body.starts_with(b"\r\n") {
            body = &body[2..];
        } else if body.starts_with(b"\n") || body.starts_with(b"\r") {
            body = &body[1..];
        } else {
            rest = &rest[at + 6..];
            continue;
        }
        let end = find(body, b"endstream").unwrap_or(body.len());
        let data = &body[..end];
        let budget = MAX_PDF_DECOMPRESSED_BYTES - total;
        let inflated =
            std::io::copy(&mut flate2::read::ZlibDecoder::new(data).take(budget + 1), &mut std::io::sink())
                .unwrap_or(0);
        total += inflated;
        if total > MAX_PDF_DECOMPRESSED_BYTES {
            return Err(Error::invalid(format!(
                "{name}: the PDF's content inflates past {} MB: refused",
                MAX_PDF_DECOMPRESSED_BYTES >> 20
            )));
        }
        rest = &body[end..];
    }
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The text layer of a PDF (a nutrition label, a training plan).
pub fn pdf_text(bytes: &[u8], name: &str) -> Result<String> {
    check_pdf_streams(bytes, name)?;
    // The PDF reader panics on some damaged files: that is a bad file, not a crash.
    let text = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes))
        .map_err(|_| Error::invalid(format!("{name}: cannot read the PDF: it is damaged")))?
        .map_err(|e| Error::invalid(format!("{name}: cannot read the PDF: {e}")))?;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Err(Error::invalid(format!(
            "{name}: the PDF has no text layer (a scan): attach it as a photo for a vision provider instead"
        )));
    }
    Ok(text.chars().take(crate::quick_entry::MAX_TEXT_CHARS).collect())
}
