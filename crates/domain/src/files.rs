//! Pre-review of documents (材料预审): what can be told about an uploaded file before anyone at
//! a counter looks at it, as pure rules. The browser runs [`review`] on the facts it gathers
//! (type from the magic numbers, size, dimensions, a page-count hint, sharpness and brightness of
//! a downscaled grey copy) so the applicant hears about a wrong, oversized or blurry file at
//! once; the server runs the same function on the facts it establishes itself (it parses PDFs
//! properly and re-encodes images) and answers with the same codes.
//!
//! The type of a file is read from its bytes, never trusted from its name or the browser's MIME
//! type; those only give the *declared* type, compared with the bytes to catch a picture renamed
//! `.pdf`.
//!
//! Everything here reads untrusted bytes: every reader is bounds-checked and returns `None` on
//! truncated or malformed input, and never panics.

use serde::{Deserialize, Serialize};

use crate::catalog::checklist::ChecklistMaterial;
use crate::catalog::{FileType, MaterialDef};

pub const EMPTY: &str = "file.empty";
pub const TYPE_UNKNOWN: &str = "file.type_unknown";
pub const TYPE_MISMATCH: &str = "file.type_mismatch";
pub const TYPE_NOT_ALLOWED: &str = "file.type_not_allowed";
pub const TOO_LARGE: &str = "file.too_large";
pub const TOO_MANY_PAGES: &str = "file.too_many_pages";
pub const TOO_SMALL_PX: &str = "file.too_small_px";
pub const DUPLICATE: &str = "file.duplicate";
pub const TOO_DARK: &str = "file.too_dark";
pub const BLURRY: &str = "file.blurry";

/// Every code [`review`] can return, in the order it returns them.
/// Refusals only the server can make, after decoding or parsing the whole file.
pub const UNDECODABLE: &str = "file.undecodable";
pub const TOO_MANY_PIXELS: &str = "file.too_many_pixels";
pub const ACTIVE_CONTENT: &str = "file.active_content";
/// The upload names a material the situation does not ask for, or a slot it does not have.
pub const MATERIAL_UNKNOWN: &str = "file.material_unknown";
pub const SLOT_UNKNOWN: &str = "file.slot_unknown";
/// Every code the server answers an upload with, besides those of [`review`].
pub const SERVER_CODES: &[&str] = &[
    UNDECODABLE,
    TOO_MANY_PIXELS,
    ACTIVE_CONTENT,
    MATERIAL_UNKNOWN,
    SLOT_UNKNOWN,
];

pub const CODES: &[&str] = &[
    EMPTY,
    TYPE_UNKNOWN,
    TYPE_MISMATCH,
    TYPE_NOT_ALLOWED,
    TOO_LARGE,
    TOO_MANY_PAGES,
    TOO_SMALL_PX,
    DUPLICATE,
    TOO_DARK,
    BLURRY,
];

/// A photo whose [`sharpness`] is below this is probably blurred (a warning, not an error).
///
/// Measured on the grey copy the browser downscales to about 512 px on the long side. 100 is the
/// usual cut-off for the variance of the Laplacian: a document in focus has strong edges (text,
/// the card's border and printing) and scores in the hundreds or thousands at that size, while
/// downscaling already hides mild blur, so what is still below 100 is visibly smeared. A false
/// alarm costs little: the applicant may keep the photo.
pub const BLURRY_BELOW: u32 = 100;

/// A photo whose [`brightness`] (mean grey level, 0–255) is below this is too dark to read
/// (a warning). 60 is about a quarter of full scale: a page or card photographed in ordinary
/// light, even on a dark table, averages well above it; a photo taken in a dim room or with a
/// finger over the lens does not.
pub const DARK_BELOW: u8 = 60;

const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG_MAGIC: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const PDF_MAGIC: &[u8] = b"%PDF-";

/// The type of a file from its magic numbers only, at offset 0: JPEG `FF D8 FF`, PNG
/// `89 50 4E 47 0D 0A 1A 0A`, PDF `%PDF-`. Anything else (GIF, WebP, HEIC, SVG, ZIP, empty) is
/// `None`.
///
/// PDF readers tolerate up to 1024 bytes of anything before `%PDF-`; we do not: a file that is
/// something else first is refused rather than guessed at.
///
/// Only the start is read, so a polyglot (a JPEG with a ZIP appended) sniffs as its first type;
/// the server re-encodes every image, which drops whatever trails it.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(JPEG_MAGIC) {
        Some(FileType::Jpeg)
    } else if bytes.starts_with(PNG_MAGIC) {
        Some(FileType::Png)
    } else if bytes.starts_with(PDF_MAGIC) {
        Some(FileType::Pdf)
    } else {
        None
    }
}

/// The type the browser declares: its MIME type (`image/jpeg`, `image/png`, `application/pdf`;
/// case-insensitive, parameters such as `; charset=` ignored), or, when the MIME type is empty
/// or not one of these (`application/octet-stream`), the file name's extension (`.jpg`,
/// `.jpeg`, `.png`, `.pdf`, case-insensitive). Only ever compared with [`sniff`]'s answer.
pub fn declared_type(mime: &str, file_name: &str) -> Option<FileType> {
    let essence = mime.split(';').next().unwrap_or("").trim();
    let by_mime = if essence.eq_ignore_ascii_case("image/jpeg") {
        Some(FileType::Jpeg)
    } else if essence.eq_ignore_ascii_case("image/png") {
        Some(FileType::Png)
    } else if essence.eq_ignore_ascii_case("application/pdf") {
        Some(FileType::Pdf)
    } else {
        None
    };
    by_mime.or_else(|| {
        let (_, ext) = file_name.trim_end().rsplit_once('.')?;
        if ext.eq_ignore_ascii_case("jpg") || ext.eq_ignore_ascii_case("jpeg") {
            Some(FileType::Jpeg)
        } else if ext.eq_ignore_ascii_case("png") {
            Some(FileType::Png)
        } else if ext.eq_ignore_ascii_case("pdf") {
            Some(FileType::Pdf)
        } else {
            None
        }
    })
}

fn be_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Width and height of a PNG, from its first chunk (IHDR). `None` when the file is not a PNG,
/// is cut short, or declares a zero or out-of-range dimension.
pub fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if !bytes.starts_with(PNG_MAGIC) || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let width = be_u32(bytes, 16)?;
    let height = be_u32(bytes, 20)?;
    // The PNG specification limits both to 1 ..= 2^31 - 1.
    let valid = |n: u32| (1..=i32::MAX as u32).contains(&n);
    (valid(width) && valid(height)).then_some((width, height))
}

/// Width and height of a JPEG, from its first start-of-frame marker (SOF0 to SOF15, that is
/// `C0`–`CF` except `C4` DHT, `C8` JPG and `CC` DAC), found by walking the marker segments from
/// the start. `None` when the file is not a JPEG, is cut short or malformed, reaches the image
/// data (SOS) or its end (EOI) first, or declares a zero dimension (height given later by a DNL
/// marker, which no camera writes).
///
/// These are the stored dimensions, before any EXIF rotation; the short edge is the same either
/// way.
pub fn jpeg_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2usize;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        // Any number of fill bytes (FF) may precede a marker.
        while *bytes.get(at)? == 0xFF {
            at += 1;
        }
        let marker = *bytes.get(at)?;
        at += 1;
        match marker {
            // Standalone markers: no length follows.
            0x01 | 0xD0..=0xD7 => continue,
            // Image data or the end before any frame header.
            0xD9 | 0xDA => return None,
            // A stuffed zero is not a marker here.
            0x00 => return None,
            _ => {}
        }
        let length = usize::from(be_u16(bytes, at)?);
        if length < 2 {
            return None;
        }
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            // Length (2), sample precision (1), height (2), width (2), components (1).
            if length < 8 {
                return None;
            }
            let height = u32::from(be_u16(bytes, at + 3)?);
            let width = u32::from(be_u16(bytes, at + 5)?);
            return (width > 0 && height > 0).then_some((width, height));
        }
        at = at.checked_add(length)?;
    }
}

/// PDF white-space characters (ISO 32000-1, 7.2.2).
fn pdf_space(b: u8) -> bool {
    matches!(b, 0x00 | 0x09 | 0x0A | 0x0C | 0x0D | 0x20)
}

/// PDF delimiters, which end a name.
fn pdf_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// A cheap estimate of the pages of a PDF, for the browser: the number of `/Type /Page`
/// dictionaries (with or without white space between, never `/Pages`) in the raw bytes.
///
/// **A hint, not a count.** It is wrong for PDFs that keep their page objects in compressed
/// object streams (PDF 1.5 and later; then no page is seen and the answer is `None`) and may
/// count a page twice in a file that was edited incrementally. The server parses the PDF
/// properly and its count is the one that decides. `None` also when the bytes are not a PDF.
pub fn pdf_page_count_hint(bytes: &[u8]) -> Option<u16> {
    if !bytes.starts_with(PDF_MAGIC) {
        return None;
    }
    const TYPE: &[u8] = b"/Type";
    const PAGE: &[u8] = b"/Page";
    let mut pages: u16 = 0;
    let mut at = 0usize;
    while at < bytes.len() {
        let rest = &bytes[at..];
        if !rest.starts_with(TYPE) {
            at += 1;
            continue;
        }
        let mut next = at + TYPE.len();
        at = next;
        // `/Type` itself must end here: not `/Types`.
        match bytes.get(next) {
            Some(&b) if pdf_space(b) || b == b'/' => {}
            _ => continue,
        }
        while bytes.get(next).is_some_and(|&b| pdf_space(b)) {
            next += 1;
        }
        if !bytes[next..].starts_with(PAGE) {
            continue;
        }
        let end = next + PAGE.len();
        // The name must end after `/Page`: not `/Pages`.
        let ends = bytes
            .get(end)
            .is_none_or(|&b| pdf_space(b) || pdf_delimiter(b));
        if ends {
            pages = pages.saturating_add(1);
            at = end;
        }
    }
    (pages > 0).then_some(pages)
}

/// How sharp a grey image is: the variance of the 4-neighbour Laplacian
/// (`4·p − up − down − left − right`) over the interior pixels, in integers. Blur flattens edges
/// and with them the variance; compare with [`BLURRY_BELOW`].
///
/// `grey` is row-major, one byte per pixel, `width × height` of them (the browser passes a copy
/// downscaled to about 512 px on the long side). 0 when the image is smaller than 3 × 3 or
/// `grey` is shorter than `width × height`.
pub fn sharpness(grey: &[u8], width: usize, height: usize) -> u32 {
    if width < 3 || height < 3 {
        return 0;
    }
    match width.checked_mul(height) {
        Some(n) if grey.len() >= n => {}
        _ => return 0,
    }
    let mut count: i64 = 0;
    let mut sum: i64 = 0;
    let mut sum_sq: i64 = 0;
    for y in 1..height - 1 {
        let row = y * width;
        for x in 1..width - 1 {
            let at = row + x;
            let lap = 4 * i64::from(grey[at])
                - i64::from(grey[at - width])
                - i64::from(grey[at + width])
                - i64::from(grey[at - 1])
                - i64::from(grey[at + 1]);
            count += 1;
            sum += lap;
            sum_sq += lap * lap;
        }
    }
    // Var = (n·Σx² − (Σx)²) / n²; in i128, as n·Σx² leaves i64 for images of tens of megapixels.
    let n = i128::from(count);
    let (sum, sum_sq) = (i128::from(sum), i128::from(sum_sq));
    let variance = (n * sum_sq - sum * sum) / (n * n);
    // At most 1020², well inside u32.
    u32::try_from(variance.max(0)).unwrap_or(u32::MAX)
}

/// How bright a grey image is: the mean of its pixels, 0 (black) to 255 (white); 0 for no
/// pixels. Compare with [`DARK_BELOW`].
pub fn brightness(grey: &[u8]) -> u8 {
    if grey.is_empty() {
        return 0;
    }
    let sum: u64 = grey.iter().map(|&b| u64::from(b)).sum();
    // A mean of bytes is a byte.
    u8::try_from(sum / grey.len() as u64).unwrap_or(u8::MAX)
}

/// What the browser (or server) knows about one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FileFacts {
    /// From the MIME type or the name ([`declared_type`]).
    pub declared: Option<FileType>,
    /// From the bytes ([`sniff`]).
    pub detected: Option<FileType>,
    /// Size in bytes.
    pub bytes: u64,
    /// Pages of a PDF: the browser's hint ([`pdf_page_count_hint`]) or the server's count.
    pub pages: Option<u16>,
    /// Of an image, in pixels.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// [`sharpness`] of the downscaled grey copy of an image.
    pub sharpness: Option<u32>,
    /// [`brightness`] of the downscaled grey copy of an image.
    pub brightness: Option<u8>,
    /// SHA-256 hex or any stable digest of the bytes, written the same way for every file
    /// compared (compared exactly).
    pub digest: String,
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The file cannot be used.
    Error,
    /// The applicant may continue anyway.
    Warning,
}

/// One problem with one file, as a code (`file.too_large`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileProblem {
    pub code: String,
    pub severity: Severity,
}

impl FileProblem {
    fn error(code: &str) -> Self {
        Self {
            code: code.to_owned(),
            severity: Severity::Error,
        }
    }

    fn warning(code: &str) -> Self {
        Self {
            code: code.to_owned(),
            severity: Severity::Warning,
        }
    }
}

/// Every problem of one file for one material, at once, in the order of [`CODES`]: an empty
/// file or one of unknown type is only that (nothing else can be said of it); otherwise the
/// errors (type declared ≠ type found, type not accepted, too large, too many pages, image too
/// small, the same file already given — `other_digests` are the digests of the other files of
/// the application), then the warnings (too dark, blurry). A fact not known (`None`) is not
/// checked.
pub fn review(def: &FileRules, file: &FileFacts, other_digests: &[&str]) -> Vec<FileProblem> {
    if file.bytes == 0 {
        return vec![FileProblem::error(EMPTY)];
    }
    let Some(detected) = file.detected else {
        return vec![FileProblem::error(TYPE_UNKNOWN)];
    };
    let mut problems = Vec::new();
    if file.declared.is_some_and(|declared| declared != detected) {
        problems.push(FileProblem::error(TYPE_MISMATCH));
    }
    if !def.types.contains(&detected) {
        problems.push(FileProblem::error(TYPE_NOT_ALLOWED));
    }
    if file.bytes > u64::from(def.max_kb) * 1024 {
        problems.push(FileProblem::error(TOO_LARGE));
    }
    if detected == FileType::Pdf
        && let (Some(pages), Some(max)) = (file.pages, def.max_pages)
        && pages > max
    {
        problems.push(FileProblem::error(TOO_MANY_PAGES));
    }
    if detected != FileType::Pdf
        && let (Some(width), Some(height), Some(min)) = (file.width, file.height, def.min_px)
        && width.min(height) < min
    {
        problems.push(FileProblem::error(TOO_SMALL_PX));
    }
    if !file.digest.is_empty() && other_digests.contains(&file.digest.as_str()) {
        problems.push(FileProblem::error(DUPLICATE));
    }
    if file.brightness.is_some_and(|b| b < DARK_BELOW) {
        problems.push(FileProblem::warning(TOO_DARK));
    }
    if file.sharpness.is_some_and(|s| s < BLURRY_BELOW) {
        problems.push(FileProblem::warning(BLURRY));
    }
    problems
}

/// What [`review`] checks a file against: the limits of one material, as the catalogue defines
/// it ([`MaterialDef`]) or as a checklist carries it ([`ChecklistMaterial`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRules {
    pub types: Vec<FileType>,
    pub max_kb: u32,
    pub max_pages: Option<u16>,
    pub min_px: Option<u32>,
    pub both_sides: bool,
}

impl From<&MaterialDef> for FileRules {
    fn from(m: &MaterialDef) -> Self {
        FileRules {
            types: m.types.clone(),
            max_kb: m.max_kb,
            max_pages: m.max_pages,
            min_px: m.min_px,
            both_sides: m.both_sides,
        }
    }
}

impl From<&ChecklistMaterial> for FileRules {
    fn from(m: &ChecklistMaterial) -> Self {
        FileRules {
            types: m.types.clone(),
            max_kb: m.max_kb,
            max_pages: m.max_pages,
            min_px: m.min_px,
            both_sides: m.both_sides,
        }
    }
}

/// The parts a material is given in: `front` and `back` (人像面, 国徽面) for one that needs both
/// sides, otherwise `pages`.
pub fn sides(both_sides: bool) -> &'static [&'static str] {
    if both_sides {
        &["front", "back"]
    } else {
        &["pages"]
    }
}

/// The parts of [`sides`] not among `given`, in order.
pub fn missing_sides(both_sides: bool, given: &[&str]) -> Vec<&'static str> {
    sides(both_sides)
        .iter()
        .copied()
        .filter(|side| !given.contains(side))
        .collect()
}

#[cfg(test)]
mod tests;
