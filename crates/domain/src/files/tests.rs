//! Pre-review of documents: the magic numbers, the header readers on hand-built and truncated
//! files, the declared type, sharpness and brightness on synthetic images, and every code of
//! the review.

use super::*;

/// A fixed linear congruential generator (Knuth's MMIX constants): random-looking, the same
/// every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }

    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-built files.

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut b = PNG_MAGIC.to_vec();
    b.extend(13u32.to_be_bytes());
    b.extend(b"IHDR");
    b.extend(width.to_be_bytes());
    b.extend(height.to_be_bytes());
    // Bit depth 8, colour type 2 (RGB), compression, filter, interlace; then a CRC (not read).
    b.extend([8, 2, 0, 0, 0]);
    b.extend([0xDE, 0xAD, 0xBE, 0xEF]);
    b
}

/// A marker segment: `FF marker`, the length (itself included), the payload.
fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut b = vec![0xFF, marker];
    b.extend(u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    b.extend(payload);
    b
}

fn sof_payload(width: u16, height: u16) -> Vec<u8> {
    let mut p = vec![8];
    p.extend(height.to_be_bytes());
    p.extend(width.to_be_bytes());
    // One component: id 1, sampling 1x1, table 0.
    p.extend([1, 1, 0x11, 0]);
    p
}

/// SOI, an APP0 (JFIF), a DQT, a DHT whose bytes would read as a large frame, then the frame
/// header `sof` of `width × height`, then the start of the scan.
fn jpeg_with(sof: u8, width: u16, height: u16) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8];
    b.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    b.extend(segment(0xDB, &[0u8; 65]));
    b.extend(segment(0xC4, &[8, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0]));
    b.extend(segment(sof, &sof_payload(width, height)));
    b.extend(segment(0xDA, &[1, 1, 0, 0, 0x3F, 0]));
    b.extend([0x12, 0x34, 0xFF, 0xD9]);
    b
}

fn jpeg(width: u16, height: u16) -> Vec<u8> {
    jpeg_with(0xC0, width, height)
}

fn zip() -> Vec<u8> {
    let mut b = b"PK\x03\x04".to_vec();
    b.extend([20, 0, 0, 0, 8, 0]);
    b.extend(b"word/document.xml");
    b
}

// ---------------------------------------------------------------------------------------------
// Magic numbers.

#[test]
fn sniffs_the_three_types_from_their_magic_numbers() {
    assert_eq!(sniff(&jpeg(800, 600)), Some(FileType::Jpeg));
    assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE1]), Some(FileType::Jpeg));
    assert_eq!(sniff(&png(800, 600)), Some(FileType::Png));
    assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), Some(FileType::Pdf));
    assert_eq!(sniff(b"%PDF-"), Some(FileType::Pdf));
}

#[test]
fn anything_else_is_unknown() {
    assert_eq!(sniff(&zip()), None, "zip (docx)");
    assert_eq!(sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
    assert_eq!(sniff(b"<?xml version=\"1.0\"?><svg/>"), None);
    assert_eq!(sniff(b"GIF89a\x01\x00\x01\x00"), None);
    assert_eq!(sniff(b"RIFF\x24\x00\x00\x00WEBPVP8 "), None);
    assert_eq!(sniff(b"\x00\x00\x00\x18ftypheic"), None);
    assert_eq!(sniff(b""), None);
    assert_eq!(
        sniff(&[0xFF, 0xD8]),
        None,
        "two bytes of a JPEG are not one"
    );
    assert_eq!(sniff(b"%P"), None);
    assert_eq!(sniff(&PNG_MAGIC[..7]), None);
}

#[test]
fn pdf_magic_must_be_at_offset_zero() {
    assert_eq!(sniff(b" %PDF-1.4"), None);
    assert_eq!(sniff(b"\xEF\xBB\xBF%PDF-1.4"), None);
    assert_eq!(sniff(b"<html>%PDF-1.4"), None);
}

/// A JPEG with a ZIP appended is a JPEG to `sniff` (it reads only the start). Accepting it is
/// safe because the server re-encodes every image, which drops whatever trails the picture.
#[test]
fn a_jpeg_zip_polyglot_sniffs_as_jpeg() {
    let mut polyglot = jpeg(640, 480);
    polyglot.extend(zip());
    assert_eq!(sniff(&polyglot), Some(FileType::Jpeg));
    assert_eq!(jpeg_dimensions(&polyglot), Some((640, 480)));
}

// ---------------------------------------------------------------------------------------------
// Declared type.

#[test]
fn declared_type_from_the_mime_type_then_the_name() {
    use FileType::*;
    let cases: &[(&str, &str, Option<FileType>)] = &[
        ("image/jpeg", "a.pdf", Some(Jpeg)),
        ("IMAGE/JPEG", "", Some(Jpeg)),
        ("image/png", "scan", Some(Png)),
        ("application/pdf", "x.jpg", Some(Pdf)),
        ("Application/PDF; name=x.pdf", "", Some(Pdf)),
        (" image/png ; charset=binary", "", Some(Png)),
        ("", "身份证正面.JPG", Some(Jpeg)),
        ("", "photo.jpeg", Some(Jpeg)),
        ("", "photo.JpEg", Some(Jpeg)),
        ("", "scan.PNG", Some(Png)),
        ("", "lease.2026.pdf", Some(Pdf)),
        ("application/octet-stream", "lease.pdf", Some(Pdf)),
        ("image/gif", "photo.jpg", Some(Jpeg)),
        ("", "photo.gif", None),
        ("", "photo.heic", None),
        ("", "jpg", None),
        ("", "photo.jpg.exe", None),
        ("", "", None),
        ("image/webp", "photo", None),
    ];
    for (mime, name, want) in cases {
        assert_eq!(declared_type(mime, name), *want, "{mime:?} {name:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Dimensions and pages.

#[test]
fn png_dimensions_from_ihdr() {
    assert_eq!(png_dimensions(&png(1, 1)), Some((1, 1)));
    assert_eq!(png_dimensions(&png(3024, 4032)), Some((3024, 4032)));
    assert_eq!(png_dimensions(&png(0, 10)), None, "zero width");
    assert_eq!(
        png_dimensions(&png(10, 0x8000_0000)),
        None,
        "beyond 2^31 - 1"
    );
    let mut not_ihdr = png(10, 10);
    not_ihdr[12..16].copy_from_slice(b"IDAT");
    assert_eq!(png_dimensions(&not_ihdr), None);
    assert_eq!(png_dimensions(&jpeg(10, 10)), None);
}

#[test]
fn png_dimensions_of_truncated_input_are_none() {
    let full = png(1200, 900);
    for cut in 0..24 {
        assert_eq!(png_dimensions(&full[..cut]), None, "cut at {cut}");
    }
    assert_eq!(png_dimensions(&full[..24]), Some((1200, 900)));
}

#[test]
fn jpeg_dimensions_from_the_first_frame_header() {
    assert_eq!(jpeg_dimensions(&jpeg(4032, 3024)), Some((4032, 3024)));
    assert_eq!(jpeg_dimensions(&jpeg(1, 1)), Some((1, 1)));
    // Progressive (SOF2) and lossless (SOF3) frames count; the DHT before them never does.
    assert_eq!(
        jpeg_dimensions(&jpeg_with(0xC2, 640, 480)),
        Some((640, 480))
    );
    assert_eq!(
        jpeg_dimensions(&jpeg_with(0xC3, 640, 480)),
        Some((640, 480))
    );
    assert_eq!(
        jpeg_dimensions(&jpeg_with(0xCF, 640, 480)),
        Some((640, 480))
    );
    assert_eq!(jpeg_dimensions(&jpeg(640, 0)), None, "height by DNL");
    assert_eq!(jpeg_dimensions(&png(10, 10)), None);
}

#[test]
fn jpeg_markers_are_walked_not_searched() {
    // JPG (C8) and DAC (CC) segments are skipped like the DHT (C4).
    let mut b = vec![0xFF, 0xD8];
    b.extend(segment(0xC8, &sof_payload(9999, 9999)));
    b.extend(segment(0xCC, &sof_payload(8888, 8888)));
    // Fill bytes before a marker are allowed.
    b.extend([0xFF, 0xFF, 0xFF]);
    b.extend(segment(0xC1, &sof_payload(300, 200)));
    assert_eq!(jpeg_dimensions(&b), Some((300, 200)));

    // Frame-like bytes inside an APP1 (EXIF thumbnail) are not read.
    let mut b = vec![0xFF, 0xD8];
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend(segment(0xC0, &sof_payload(160, 120)));
    b.extend(segment(0xE1, &exif));
    b.extend(segment(0xC0, &sof_payload(4000, 3000)));
    assert_eq!(jpeg_dimensions(&b), Some((4000, 3000)));

    // The scan (SOS) or the end (EOI) before any frame: no dimensions.
    let mut b = vec![0xFF, 0xD8];
    b.extend(segment(0xDA, &[0; 6]));
    b.extend(segment(0xC0, &sof_payload(10, 10)));
    assert_eq!(jpeg_dimensions(&b), None);
    assert_eq!(jpeg_dimensions(&[0xFF, 0xD8, 0xFF, 0xD9]), None);

    // Garbage where a marker should be, or a length shorter than itself.
    assert_eq!(jpeg_dimensions(&[0xFF, 0xD8, 0x00, 0xC0]), None);
    assert_eq!(jpeg_dimensions(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01]), None);
    assert_eq!(jpeg_dimensions(&[0xFF, 0xD8, 0xFF, 0x00]), None);
}

#[test]
fn jpeg_dimensions_of_truncated_input_are_none() {
    let full = jpeg(2048, 1536);
    let sof_end = full
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("the frame header")
        + 2 // marker
        + 2 // length
        + 5; // precision, height, width
    for cut in 0..sof_end {
        assert_eq!(jpeg_dimensions(&full[..cut]), None, "cut at {cut}");
    }
    for cut in sof_end + 1..=full.len() {
        assert_eq!(jpeg_dimensions(&full[..cut]), Some((2048, 1536)), "{cut}");
    }
}

#[test]
fn pdf_page_count_hint_counts_page_objects() {
    let pdf = b"%PDF-1.4\n\
        1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
        2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >> endobj\n\
        3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n\
        4 0 obj <</Type/Page/Parent 2 0 R>> endobj\n\
        5 0 obj <</Parent 2 0 R /Type\r\n/Page>> endobj\n\
        trailer << /Root 1 0 R >>\n%%EOF";
    assert_eq!(pdf_page_count_hint(pdf), Some(3));
    assert_eq!(pdf_page_count_hint(b"%PDF-1.4 /Type /Page"), Some(1));
}

#[test]
fn pdf_page_count_hint_is_none_without_pages_or_pdf() {
    // Only `/Pages`, `/PageLabels`-like names and `/Types`: no page seen.
    assert_eq!(
        pdf_page_count_hint(b"%PDF-1.5 /Type /Pages /Type /PageLabel /Types /Page"),
        None
    );
    // Page objects inside compressed object streams are invisible: no hint.
    assert_eq!(
        pdf_page_count_hint(b"%PDF-1.7\n1 0 obj <</Type /ObjStm>>"),
        None
    );
    assert_eq!(pdf_page_count_hint(b"hello /Type /Page"), None);
    assert_eq!(pdf_page_count_hint(b""), None);
    assert_eq!(pdf_page_count_hint(b"%PDF-1.4 /Type"), None);
    assert_eq!(pdf_page_count_hint(b"%PDF-1.4 /Type   "), None);
}

/// Random bytes, some starting with a real magic number so the readers go past it: nothing
/// panics, and the answers agree with `sniff`.
#[test]
fn readers_never_panic_on_random_bytes() {
    let prefixes: [&[u8]; 6] = [
        b"",
        JPEG_MAGIC,
        &[0xFF, 0xD8],
        PNG_MAGIC,
        PDF_MAGIC,
        b"%PDF-1.4 /Type",
    ];
    let mut rng = Lcg(0x5EED);
    for _ in 0..2_000 {
        let mut bytes = prefixes[rng.below(prefixes.len() as u32) as usize].to_vec();
        let len = rng.below(64) as usize;
        // Bytes weighted toward the ones the readers look for.
        let alphabet = b"\xFF\xD8\xC0\xC4\xDA\xD9\x00\x01/TypePage \n";
        for _ in 0..len {
            let b = if rng.below(2) == 0 {
                alphabet[rng.below(alphabet.len() as u32) as usize]
            } else {
                rng.below(256) as u8
            };
            bytes.push(b);
        }
        let kind = sniff(&bytes);
        if png_dimensions(&bytes).is_some() {
            assert_eq!(kind, Some(FileType::Png), "{bytes:?}");
        }
        if jpeg_dimensions(&bytes).is_some() {
            assert!(bytes.starts_with(&[0xFF, 0xD8]), "{bytes:?}");
        }
        if pdf_page_count_hint(&bytes).is_some() {
            assert_eq!(kind, Some(FileType::Pdf), "{bytes:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sharpness and brightness.

const W: usize = 128;
const H: usize = 128;

/// Pixel noise from the fixed LCG: every pixel an edge, the sharpest texture there is.
fn noise() -> Vec<u8> {
    let mut rng = Lcg(7);
    (0..W * H).map(|_| rng.below(256) as u8).collect()
}

/// A one-pixel checkerboard of dark and light grey.
fn checkerboard() -> Vec<u8> {
    (0..W * H)
        .map(|i| {
            if (i % W + i / W).is_multiple_of(2) {
                40
            } else {
                210
            }
        })
        .collect()
}

/// A 3 × 3 box blur (the mean of each pixel's neighbourhood, clipped at the borders).
fn box_blur(img: &[u8]) -> Vec<u8> {
    let mut out = vec![0; W * H];
    for y in 0..H {
        for x in 0..W {
            let (mut sum, mut n) = (0u32, 0u32);
            for yy in y.saturating_sub(1)..=(y + 1).min(H - 1) {
                for xx in x.saturating_sub(1)..=(x + 1).min(W - 1) {
                    sum += u32::from(img[yy * W + xx]);
                    n += 1;
                }
            }
            out[y * W + x] = u8::try_from((sum + n / 2) / n).unwrap();
        }
    }
    out
}

fn blurred_3_times(img: &[u8]) -> Vec<u8> {
    box_blur(&box_blur(&box_blur(img)))
}

#[test]
fn a_sharp_image_is_sharp_and_the_same_blurred_is_not() {
    for (name, sharp) in [("noise", noise()), ("checkerboard", checkerboard())] {
        let blurred = blurred_3_times(&sharp);
        let (before, after) = (sharpness(&sharp, W, H), sharpness(&blurred, W, H));
        assert!(before >= BLURRY_BELOW, "{name}: sharp {before}");
        assert!(after < BLURRY_BELOW, "{name}: blurred {after}");
        assert!(before > 100 * after.max(1), "{name}: {before} vs {after}");
    }
}

#[test]
fn a_flat_grey_image_is_blurry() {
    let flat = vec![128u8; W * H];
    assert_eq!(sharpness(&flat, W, H), 0);
    assert_eq!(brightness(&flat), 128);
    let facts = FileFacts {
        sharpness: Some(sharpness(&flat, W, H)),
        brightness: Some(brightness(&flat)),
        ..photo()
    };
    assert_eq!(
        codes(&review(&FileRules::from(&id_card()), &facts, &[])),
        [BLURRY]
    );
}

#[test]
fn sharpness_is_exact_on_a_known_image() {
    // 3 × 3 with a bright centre: one interior pixel, Laplacian 4·100, variance 0.
    let dot = [0, 0, 0, 0, 100, 0, 0, 0, 0];
    assert_eq!(sharpness(&dot, 3, 3), 0);
    // 4 × 3: Laplacians 400 and −100; mean 150, variance 250².
    let dot = [0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0];
    assert_eq!(sharpness(&dot, 4, 3), 62_500);
    // The sharpest possible: a one-pixel checkerboard of black and white.
    let board: Vec<u8> = (0..W * H)
        .map(|i| {
            if (i % W + i / W).is_multiple_of(2) {
                0
            } else {
                255
            }
        })
        .collect();
    assert_eq!(sharpness(&board, W, H), 1020 * 1020);
}

#[test]
fn sharpness_of_too_small_or_short_input_is_zero() {
    let img = noise();
    assert_eq!(sharpness(&img, 2, 100), 0);
    assert_eq!(sharpness(&img, 100, 2), 0);
    assert_eq!(sharpness(&img, 0, 0), 0);
    assert_eq!(sharpness(&img[..W * H - 1], W, H), 0, "one byte short");
    assert_eq!(
        sharpness(&img, usize::MAX, 3),
        0,
        "width × height overflows"
    );
    assert!(sharpness(&img, W, H) > 0);
}

#[test]
fn a_mostly_black_image_is_dark() {
    // Nine pixels in ten black, the rest white: mean 25.
    let dim: Vec<u8> = (0..W * H)
        .map(|i| if i % 10 == 0 { 255 } else { 0 })
        .collect();
    assert!(brightness(&dim) < DARK_BELOW, "{}", brightness(&dim));
    assert!(brightness(&noise()) >= DARK_BELOW);
    assert!(brightness(&[225; 100]) >= DARK_BELOW, "white paper");
    assert_eq!(brightness(&[]), 0);
    assert_eq!(brightness(&[255; 1000]), 255);
    assert_eq!(brightness(&[0, 1]), 0, "rounded down");
}

// ---------------------------------------------------------------------------------------------
// The review.

fn material(types: &[FileType]) -> MaterialDef {
    MaterialDef {
        key: "lease".into(),
        name: "住所使用证明".into(),
        name_en: "Proof of premises".into(),
        description: String::new(),
        types: types.to_vec(),
        max_kb: 2048,
        max_pages: Some(10),
        both_sides: false,
        min_px: None,
        sample: String::new(),
    }
}

fn id_card() -> MaterialDef {
    MaterialDef {
        key: "id-card".into(),
        name: "身份证".into(),
        name_en: "Identity card".into(),
        types: vec![FileType::Jpeg, FileType::Png],
        max_kb: 5120,
        max_pages: None,
        both_sides: true,
        min_px: Some(600),
        ..material(&[])
    }
}

/// A good photo of an identity card.
fn photo() -> FileFacts {
    FileFacts {
        declared: Some(FileType::Jpeg),
        detected: Some(FileType::Jpeg),
        bytes: 900 * 1024,
        pages: None,
        width: Some(1600),
        height: Some(1000),
        sharpness: Some(850),
        brightness: Some(160),
        digest: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
    }
}

/// A good scan of a lease.
fn scan() -> FileFacts {
    FileFacts {
        declared: Some(FileType::Pdf),
        detected: Some(FileType::Pdf),
        bytes: 300 * 1024,
        pages: Some(4),
        width: None,
        height: None,
        sharpness: None,
        brightness: None,
        digest: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752".into(),
    }
}

fn codes(problems: &[FileProblem]) -> Vec<&str> {
    problems.iter().map(|p| p.code.as_str()).collect()
}

#[test]
fn good_files_have_no_problems() {
    assert_eq!(review(&FileRules::from(&id_card()), &photo(), &[]), []);
    assert_eq!(
        review(&FileRules::from(&material(&[FileType::Pdf])), &scan(), &[]),
        []
    );
    // Unknown facts are not checked.
    let unknown = FileFacts {
        declared: None,
        pages: None,
        ..scan()
    };
    assert_eq!(
        review(&FileRules::from(&material(&[FileType::Pdf])), &unknown, &[]),
        []
    );
}

#[test]
fn an_empty_file_is_only_empty() {
    let empty = FileFacts {
        bytes: 0,
        detected: None,
        sharpness: Some(0),
        ..photo()
    };
    let problems = review(
        &FileRules::from(&id_card()),
        &empty,
        &[photo().digest.as_str()],
    );
    assert_eq!(
        problems,
        [FileProblem {
            code: EMPTY.into(),
            severity: Severity::Error
        }]
    );
}

#[test]
fn a_file_of_unknown_type_is_only_that() {
    let gif = FileFacts {
        declared: None,
        detected: None,
        bytes: 100 * 1024 * 1024,
        ..photo()
    };
    assert_eq!(
        codes(&review(&FileRules::from(&id_card()), &gif, &[])),
        [TYPE_UNKNOWN]
    );
}

#[test]
fn each_error_on_its_own() {
    let pdf_only = material(&[FileType::Pdf]);
    let renamed = FileFacts {
        declared: Some(FileType::Pdf),
        detected: Some(FileType::Png),
        ..photo()
    };
    assert_eq!(
        codes(&review(&FileRules::from(&id_card()), &renamed, &[])),
        [TYPE_MISMATCH],
        "a PNG renamed .pdf"
    );
    assert_eq!(
        codes(&review(&FileRules::from(&pdf_only), &photo(), &[])),
        [TYPE_NOT_ALLOWED]
    );

    let at_limit = FileFacts {
        bytes: 2048 * 1024,
        ..scan()
    };
    assert_eq!(review(&FileRules::from(&pdf_only), &at_limit, &[]), []);
    let over = FileFacts {
        bytes: 2048 * 1024 + 1,
        ..scan()
    };
    assert_eq!(
        codes(&review(&FileRules::from(&pdf_only), &over, &[])),
        [TOO_LARGE]
    );

    let ten = FileFacts {
        pages: Some(10),
        ..scan()
    };
    assert_eq!(review(&FileRules::from(&pdf_only), &ten, &[]), []);
    let eleven = FileFacts {
        pages: Some(11),
        ..scan()
    };
    assert_eq!(
        codes(&review(&FileRules::from(&pdf_only), &eleven, &[])),
        [TOO_MANY_PAGES]
    );

    // The short edge decides, whichever way the photo is turned.
    for (w, h) in [(599, 2000), (2000, 599)] {
        let small = FileFacts {
            width: Some(w),
            height: Some(h),
            ..photo()
        };
        assert_eq!(
            codes(&review(&FileRules::from(&id_card()), &small, &[])),
            [TOO_SMALL_PX]
        );
    }
    let enough = FileFacts {
        width: Some(600),
        height: Some(600),
        ..photo()
    };
    assert_eq!(review(&FileRules::from(&id_card()), &enough, &[]), []);

    let digest = photo().digest;
    assert_eq!(
        codes(&review(
            &FileRules::from(&id_card()),
            &photo(),
            &["other", &digest]
        )),
        [DUPLICATE]
    );
    assert_eq!(
        review(&FileRules::from(&id_card()), &photo(), &["other"]),
        []
    );
    let no_digest = FileFacts {
        digest: String::new(),
        ..photo()
    };
    assert_eq!(
        review(&FileRules::from(&id_card()), &no_digest, &[""]),
        [],
        "no digest, no twin"
    );
}

#[test]
fn warnings_let_the_applicant_continue() {
    let dark = FileFacts {
        brightness: Some(DARK_BELOW - 1),
        ..photo()
    };
    assert_eq!(
        review(&FileRules::from(&id_card()), &dark, &[]),
        [FileProblem {
            code: TOO_DARK.into(),
            severity: Severity::Warning
        }]
    );
    let lit = FileFacts {
        brightness: Some(DARK_BELOW),
        ..photo()
    };
    assert_eq!(review(&FileRules::from(&id_card()), &lit, &[]), []);
    let blurry = FileFacts {
        sharpness: Some(BLURRY_BELOW - 1),
        ..photo()
    };
    assert_eq!(
        review(&FileRules::from(&id_card()), &blurry, &[]),
        [FileProblem {
            code: BLURRY.into(),
            severity: Severity::Warning
        }]
    );
    let sharp = FileFacts {
        sharpness: Some(BLURRY_BELOW),
        ..photo()
    };
    assert_eq!(review(&FileRules::from(&id_card()), &sharp, &[]), []);
}

#[test]
fn all_problems_at_once_in_order() {
    // A PNG declared as a PDF, for a material that takes only PDFs, too large, too small, given
    // before, dark and blurred.
    let pdf_only = MaterialDef {
        min_px: Some(600),
        ..material(&[FileType::Pdf])
    };
    let digest = photo().digest;
    let everything = FileFacts {
        declared: Some(FileType::Pdf),
        detected: Some(FileType::Png),
        bytes: 50 * 1024 * 1024,
        width: Some(320),
        height: Some(240),
        sharpness: Some(3),
        brightness: Some(12),
        ..photo()
    };
    let problems = review(&FileRules::from(&pdf_only), &everything, &[&digest]);
    assert_eq!(
        codes(&problems),
        [
            TYPE_MISMATCH,
            TYPE_NOT_ALLOWED,
            TOO_LARGE,
            TOO_SMALL_PX,
            DUPLICATE,
            TOO_DARK,
            BLURRY
        ]
    );
    let severities: Vec<Severity> = problems.iter().map(|p| p.severity).collect();
    assert_eq!(severities[..5], [Severity::Error; 5]);
    assert_eq!(severities[5..], [Severity::Warning; 2]);

    // A PDF for a material that takes only images, with too many pages, declared as a JPEG.
    let long = FileFacts {
        declared: Some(FileType::Jpeg),
        pages: Some(40),
        bytes: 20 * 1024 * 1024,
        ..scan()
    };
    let images = MaterialDef {
        max_pages: Some(2),
        ..id_card()
    };
    assert_eq!(
        codes(&review(&FileRules::from(&images), &long, &[])),
        [TYPE_MISMATCH, TYPE_NOT_ALLOWED, TOO_LARGE, TOO_MANY_PAGES]
    );
}

/// Every code in `CODES` is reached, in the order of `CODES`.
#[test]
fn every_code_is_reached_once() {
    let pdf_only = MaterialDef {
        min_px: Some(600),
        ..material(&[FileType::Pdf])
    };
    let mut seen: Vec<String> = Vec::new();
    let empty = FileFacts {
        bytes: 0,
        ..photo()
    };
    let unknown = FileFacts {
        detected: None,
        ..photo()
    };
    let many_pages = FileFacts {
        pages: Some(11),
        ..scan()
    };
    let everything_else = FileFacts {
        declared: Some(FileType::Pdf),
        detected: Some(FileType::Png),
        bytes: 50 * 1024 * 1024,
        width: Some(320),
        height: Some(240),
        sharpness: Some(3),
        brightness: Some(12),
        ..photo()
    };
    let digest = photo().digest;
    for facts in [&empty, &unknown, &many_pages, &everything_else] {
        let problems = review(&FileRules::from(&pdf_only), facts, &[&digest]);
        seen.extend(problems.into_iter().map(|p| p.code));
    }
    seen.sort_by_key(|code| CODES.iter().position(|c| c == code));
    assert_eq!(seen, CODES);
}

#[test]
fn codes_are_distinct_and_reach_the_crate_list() {
    let mut sorted = CODES.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), CODES.len());
    let all = crate::all_codes();
    assert!(CODES.iter().all(|c| all.contains(c)));
}

/// The severity is written in snake case (`"warning"`), as the app and the server read it.
#[test]
fn severity_is_written_in_snake_case() {
    let problem = FileProblem {
        code: BLURRY.into(),
        severity: Severity::Warning,
    };
    // Through the TOML dev-dependency: this crate has no JSON one.
    let text = toml::to_string(&problem).unwrap();
    assert!(text.contains("severity = \"warning\""), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Sides.

#[test]
fn an_identity_card_has_two_sides_and_a_lease_has_pages() {
    assert_eq!(sides(id_card().both_sides), ["front", "back"]);
    assert_eq!(sides(material(&[FileType::Pdf]).both_sides), ["pages"]);
}

#[test]
fn missing_sides_in_order() {
    let card = id_card();
    assert_eq!(missing_sides(card.both_sides, &[]), ["front", "back"]);
    assert_eq!(missing_sides(card.both_sides, &["back"]), ["front"]);
    assert_eq!(
        missing_sides(card.both_sides, &["back", "front"]),
        Vec::<&str>::new()
    );
    assert_eq!(
        missing_sides(card.both_sides, &["pages"]),
        ["front", "back"]
    );
    let lease = material(&[FileType::Pdf]);
    assert_eq!(missing_sides(lease.both_sides, &[]), ["pages"]);
    assert_eq!(
        missing_sides(lease.both_sides, &["pages"]),
        Vec::<&str>::new()
    );
}
