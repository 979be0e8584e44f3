//! Checking an uploaded document before it is kept: the type decided from the bytes and
//! required to agree with the declared one; images decoded under a pixel limit and re-encoded
//! (so EXIF, GPS and anything appended to the file are gone); PDFs parsed, object streams
//! included, and refused when they carry active content (JavaScript, launch actions, embedded
//! files, forms that submit). Pure functions over bytes; the route streams the upload to a
//! temporary file first and calls these behind a small concurrency limit.

use std::io::Cursor;

use image::{ImageDecoder, ImageFormat, ImageReader, Limits};
use onetrip_domain::catalog::FileType;
use onetrip_domain::files::{self, sniff};

/// The largest image accepted, in pixels (a 50-megapixel photo; phones take 12 to 50).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Longest side of an image as stored; larger ones are scaled down (legible, and small).
pub const MAX_SIDE: u32 = 4000;
/// Memory the image decoder may allocate.
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;

/// Why a file was refused; each is a code with words in `onetrip-ui`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Empty,
    TypeUnknown,
    TypeMismatch,
    TypeNotAllowed,
    TooManyPixels,
    TooManyPages,
    /// Not a valid image or PDF of its type (truncated, corrupt).
    Undecodable,
    /// A PDF with JavaScript, actions that launch or submit, or embedded files.
    ActiveContent,
}

impl Refused {
    pub fn code(self) -> &'static str {
        match self {
            Refused::Empty => files::EMPTY,
            Refused::TypeUnknown => files::TYPE_UNKNOWN,
            Refused::TypeMismatch => files::TYPE_MISMATCH,
            Refused::TypeNotAllowed => files::TYPE_NOT_ALLOWED,
            Refused::TooManyPixels => files::TOO_MANY_PIXELS,
            Refused::TooManyPages => files::TOO_MANY_PAGES,
            Refused::Undecodable => files::UNDECODABLE,
            Refused::ActiveContent => files::ACTIVE_CONTENT,
        }
    }
}

/// A document as it will be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    pub file_type: FileType,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub pages: Option<u32>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

pub fn content_type(t: FileType) -> &'static str {
    match t {
        FileType::Jpeg => "image/jpeg",
        FileType::Png => "image/png",
        FileType::Pdf => "application/pdf",
    }
}

/// Check and neutralise one uploaded file.
pub fn process(
    bytes: &[u8],
    declared: Option<FileType>,
    allowed: &[FileType],
    max_pages: Option<u16>,
) -> Result<Processed, Refused> {
    if bytes.is_empty() {
        return Err(Refused::Empty);
    }
    let detected = sniff(bytes).ok_or(Refused::TypeUnknown)?;
    if declared.is_some_and(|d| d != detected) {
        return Err(Refused::TypeMismatch);
    }
    if !allowed.contains(&detected) {
        return Err(Refused::TypeNotAllowed);
    }
    match detected {
        // A JPEG cut short still decodes (the rest comes out grey): without its end marker it
        // is refused as incomplete rather than kept half-grey.
        FileType::Jpeg if !bytes.windows(2).any(|w| w == [0xFF, 0xD9]) => Err(Refused::Undecodable),
        FileType::Jpeg => reencode(bytes, ImageFormat::Jpeg, FileType::Jpeg),
        FileType::Png => reencode(bytes, ImageFormat::Png, FileType::Png),
        FileType::Pdf => {
            let pages = check_pdf(bytes)?;
            if max_pages.is_some_and(|max| pages > u32::from(max)) {
                return Err(Refused::TooManyPages);
            }
            Ok(Processed {
                file_type: FileType::Pdf,
                content_type: content_type(FileType::Pdf),
                bytes: bytes.to_vec(),
                pages: Some(pages),
                width: None,
                height: None,
            })
        }
    }
}

/// Decode under limits, apply the EXIF orientation, scale down to `MAX_SIDE`, encode again.
fn reencode(bytes: &[u8], format: ImageFormat, file_type: FileType) -> Result<Processed, Refused> {
    let reader = |bytes| {
        let mut r = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_alloc = Some(MAX_DECODE_ALLOC);
        r.limits(limits);
        r
    };
    // The header first: a 30000 x 30000 claim is refused before anything is allocated.
    let (w, h) = reader(bytes)
        .into_dimensions()
        .map_err(|_| Refused::Undecodable)?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(Refused::TooManyPixels);
    }
    let mut decoder = reader(bytes)
        .into_decoder()
        .map_err(|_| Refused::Undecodable)?;
    let orientation = decoder.orientation().ok();
    let mut image = image::DynamicImage::from_decoder(decoder).map_err(|_| Refused::Undecodable)?;
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    if image.width().max(image.height()) > MAX_SIDE {
        // Area sampling in integers: the same size as a filtered resize without its f32 copy of
        // the whole image (hundreds of MB for a 20-megapixel photo).
        image = image.thumbnail(MAX_SIDE, MAX_SIDE);
    }
    let (width, height) = (image.width(), image.height());
    let mut out = Vec::new();
    match file_type {
        FileType::Jpeg => {
            let rgb = image.into_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
                .encode_image(&rgb)
                .map_err(|_| Refused::Undecodable)?;
        }
        _ => {
            image
                .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
                .map_err(|_| Refused::Undecodable)?;
        }
    }
    Ok(Processed {
        file_type,
        content_type: content_type(file_type),
        bytes: out,
        pages: None,
        width: Some(width),
        height: Some(height),
    })
}

/// Names that make a PDF act rather than show: scripts, launching programs, submitting or
/// importing form data, embedded files and rich media. Compared after the parser has decoded
/// `#xx` escapes, so `/J#61vaScript` is `JavaScript`.
const ACTIVE_NAMES: &[&[u8]] = &[
    b"JavaScript",
    b"JS",
    b"Launch",
    b"SubmitForm",
    b"ImportData",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
    b"AA",
    b"GoToE",
];

/// Action names long enough never to occur by chance in compressed data, so they can be looked
/// for in the raw bytes of the whole file.
const ACTION_NAMES: &[&[u8]] = &[
    b"JavaScript",
    b"Launch",
    b"SubmitForm",
    b"ImportData",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"GoToE",
];

/// Parse a PDF (cross-reference streams and object streams too) and look at every object,
/// keys and values; returns the page count, or why it is refused.
///
/// A damaged file is read differently by different readers, so the objects are looked at twice:
/// as the cross-reference table places them, and as a viewer repairing the file finds them (by
/// scanning for `N G obj`). The raw bytes are scanned for the action names as well, for an
/// object no parser can place. And every page the page tree lists must be there.
pub fn check_pdf(bytes: &[u8]) -> Result<u32, Refused> {
    if scan_names(bytes, ACTION_NAMES) {
        return Err(Refused::ActiveContent);
    }
    let doc = lopdf::Document::load_mem(bytes).map_err(|_| Refused::Undecodable)?;
    if carries_active(&doc) {
        return Err(Refused::ActiveContent);
    }
    let rebuilt = lopdf::LoadOptions {
        force_reconstruct: true,
        ..Default::default()
    };
    if lopdf::Document::load_mem_with_options(bytes, rebuilt).is_ok_and(|d| carries_active(&d)) {
        return Err(Refused::ActiveContent);
    }
    let pages = doc.get_pages();
    if pages.is_empty() || pages.values().any(|&id| doc.get_dictionary(id).is_err()) {
        return Err(Refused::Undecodable);
    }
    Ok(u32::try_from(pages.len()).unwrap_or(u32::MAX))
}

/// Whether any object of `doc`, or any object stream's content, names active content.
fn carries_active(doc: &lopdf::Document) -> bool {
    doc.objects.values().any(|object| {
        if is_active(object, 0) {
            return true;
        }
        // Streams whose content is itself PDF syntax (object streams the parser has not
        // already unpacked): decompressed and scanned for the same names.
        let lopdf::Object::Stream(stream) = object else {
            return false;
        };
        let is_objstm = stream
            .dict
            .get(b"Type")
            .ok()
            .and_then(|t| t.as_name().ok())
            .is_some_and(|n| n == b"ObjStm");
        is_objstm && {
            let content = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            scan_names(&content, ACTIVE_NAMES)
        }
    })
}

fn is_active(object: &lopdf::Object, depth: u8) -> bool {
    use lopdf::Object;
    if depth > 32 {
        return true;
    }
    let dict_active = |d: &lopdf::Dictionary| {
        d.iter()
            .any(|(k, v)| ACTIVE_NAMES.contains(&k.as_slice()) || is_active(v, depth + 1))
    };
    match object {
        Object::Name(n) => ACTIVE_NAMES.contains(&n.as_slice()),
        Object::Array(items) => items.iter().any(|o| is_active(o, depth + 1)),
        Object::Dictionary(d) => dict_active(d),
        Object::Stream(s) => dict_active(&s.dict),
        _ => false,
    }
}

/// A byte scan of PDF syntax for the names `wanted`, with `#xx` escapes decoded.
fn scan_names(content: &[u8], wanted: &[&[u8]]) -> bool {
    let mut i = 0;
    while i < content.len() {
        if content[i] == b'/' {
            let mut name = Vec::new();
            let mut j = i + 1;
            while j < content.len() && !is_delimiter(content[j]) {
                if content[j] == b'#'
                    && j + 2 < content.len()
                    && let Ok(b) =
                        u8::from_str_radix(&String::from_utf8_lossy(&content[j + 1..j + 3]), 16)
                {
                    name.push(b);
                    j += 3;
                    continue;
                }
                name.push(content[j]);
                j += 1;
            }
            if wanted.contains(&name.as_slice()) {
                return true;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    false
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'/' | b'[' | b']' | b'<' | b'>' | b'(' | b')' | b'{' | b'}' | b'%'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-page PDF whose page has `page_extra`, with objects 3 (empty) between.
    fn pdf(page_extra: &str) -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            "<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_owned(),
            "<< >>".to_owned(),
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {page_extra} >>"),
        ];
        let mut out = b"%PDF-1.5\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(b"xref\n0 5\n0000000000 65535 f \n");
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
        );
        out
    }

    /// Glue the page object to the end of the page tree, as a damaged file might: the parser
    /// then loses the page, which a lenient viewer may still find.
    fn damaged(mut bytes: Vec<u8>) -> Vec<u8> {
        let from = bytes.windows(3).position(|w| w == b">>\n").unwrap() + 2;
        let from = bytes[from..].windows(3).position(|w| w == b">>\n").unwrap() + from + 2;
        let to = bytes.windows(7).position(|w| w == b"4 0 obj").unwrap();
        bytes.drain(from..to);
        bytes
    }

    /// Found by the fuzz target `upload_pipeline`: a page with a JavaScript action, its object
    /// damaged so that the parser skipped it, was accepted as a one-page PDF.
    #[test]
    fn a_damaged_page_with_javascript_is_refused() {
        let js = pdf("/AA << /O << /S /JavaScript /JS (app.alert\\(1\\)) >> >>");
        assert_eq!(check_pdf(&js), Err(Refused::ActiveContent));
        assert_eq!(check_pdf(&damaged(js)), Err(Refused::ActiveContent));
    }

    /// The same damage to a plain PDF: its only page cannot be read, so it is not accepted as
    /// a one-page document.
    #[test]
    fn a_page_the_parser_cannot_read_is_undecodable() {
        let plain = pdf("");
        assert_eq!(check_pdf(&plain), Ok(1));
        assert_eq!(check_pdf(&damaged(plain)), Err(Refused::Undecodable));
    }

    #[test]
    fn action_names_are_found_escaped_and_not_in_longer_names() {
        assert!(scan_names(b"<< /S /J#61vaScript >>", ACTION_NAMES));
        assert!(scan_names(b"/Launch", ACTION_NAMES));
        assert!(!scan_names(
            b"/JavaScripts /Launcher (JavaScript)",
            ACTION_NAMES
        ));
    }
}
